//! What is lifted and how it is judged: the settings live coaching and offline analysis share
//! (the binary fills them from one set of flags, the live window edits them).

use std::time::{SystemTime, UNIX_EPOCH};

use thrustline_core::{Analyzer, FrameGeometry, Thresholds, Variation};
use thrustline_pose::PoseConfig;
use thrustline_report::session::{InputMeta, ModelMeta};

use crate::picture::Picture;

use crate::writer::SessionMeta;

#[derive(Clone, Debug)]
pub struct Lift {
    pub pose: PoseConfig,
    pub thresholds: Thresholds,
    pub variation: Variation,
    pub load_kg: Option<f64>,
    /// The unit the load was given in, and is shown in.
    pub load_unit: thrustline_core::units::LoadUnit,
    /// The lifter's height, metres: velocities are scaled so the body measures it.
    pub lifter_height_m: Option<f32>,
}

impl Lift {
    /// A lift with these pose settings and everything else at its default (a barbell hip
    /// thrust, the default thresholds, no load or height).
    pub fn with_pose(pose: PoseConfig) -> Self {
        Self {
            pose,
            thresholds: Thresholds::default(),
            variation: Variation::default(),
            load_kg: None,
            load_unit: thrustline_core::units::LoadUnit::Kg,
            lifter_height_m: None,
        }
    }

    /// The analyzer for this lift on frames of `geom`.
    pub fn analyzer(&self, geom: FrameGeometry) -> Analyzer {
        let mut a = Analyzer::new(self.thresholds, geom);
        a.set_lifter_height(self.lifter_height_m);
        a
    }

    /// The header of a session of this lift on `input`, started at `created_unix`.
    pub fn session_meta(&self, input: InputMeta, model: ModelMeta, created_unix: u64) -> SessionMeta {
        SessionMeta {
            input,
            model,
            variation: self.variation,
            load_kg: self.load_kg,
            load_unit: self.load_unit,
            thresholds: self.thresholds,
            created_unix,
        }
    }
}

/// Frames between brightness samples for the setup check: light changes over seconds, and a
/// sample is a pass over the frame's pixels.
const LUMA_EVERY: u64 = 15;

/// Gives the analyzer the frame's brightness every [`LUMA_EVERY`] frames (the setup check's
/// "too dark"), over the picture inside any black bars: bars are not the room. The same frames
/// check that the bars still hold, and the analyzer reads the whole frame once they do not.
pub(crate) fn sample_luma(analyzer: &mut Analyzer, f: &thrustline_capture::Frame, picture: &mut Picture) {
    if f.index.is_multiple_of(LUMA_EVERY) {
        if picture.bars_ended(f) {
            analyzer.set_geometry(picture.geometry());
        }
        match f.rgb.mean_luma_in(picture.content()) {
            Ok(l) => analyzer.set_luma(l),
            Err(e) => tracing::debug!("no brightness sample: {e}"),
        }
    }
}

/// Seconds since the Unix epoch (0 on a clock set before it).
pub(crate) fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
