//! Flags shared by the commands, and their parsers: a bad value is one line naming it.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use thrustline_core::Variation;
use thrustline_engine::Lift;
use thrustline_pose::{ModelKind, PoseConfig};

/// What is lifted and how it is judged: the same flags for `analyze` and `live`.
#[derive(clap::Args, Debug)]
pub struct LiftArgs {
    /// Landmark model: lite, full or heavy (when converted).
    #[arg(long, default_value = "full")]
    pub model: ModelKind,
    /// Variation: auto (the default: a hip thrust on a bench or a glute bridge on the floor,
    /// single-leg or not, told from the video; the load type not given), hip-thrust, barbell,
    /// dumbbell, bodyweight, banded, smith, single-leg or glute-bridge.
    #[arg(long, default_value = "auto")]
    pub variation: Variation,
    /// Load, e.g. 60kg or 135lb (a bare number is kilograms).
    // Hyphen values reach the load's own check ("-5kg": not a load), not clap's "unexpected
    // argument '-5'" with its misleading `-- -5` tip.
    #[arg(long, allow_hyphen_values = true)]
    pub load: Option<String>,
    /// Your height, e.g. 1.75m or 175cm: hip velocities and ranges are scaled to it. Kept in
    /// the training log for later sessions; never given, BlazePose's own metric scale.
    #[arg(long, value_parser = thrustline_core::units::parse_height_m)]
    pub height: Option<f32>,
    /// TOML file overriding fault thresholds.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Whom to coach when several people are in view: auto (the one lying on the floor or a
    /// bench, not a passer-by), left or right (as the picture shows them).
    #[arg(long, default_value = "auto")]
    pub person: thrustline_pose::Person,
    /// Diagnostic: scale every ROI the detector seeds by 1 + REL and turn it by REL radians
    /// (`thrustline pose --help`). With REL = 1e-7, whether the counts and faults still hold
    /// says whether they hang on the inference runtime's last digits.
    #[arg(long, value_name = "REL", default_value_t = 0.0, value_parser = parse_nudge, allow_hyphen_values = true)]
    pub nudge_roi: f32,
}

/// `--nudge-roi`: a last-digit experiment; past 1 % it is a different crop, not a nudge.
pub fn parse_nudge(s: &str) -> std::result::Result<f32, String> {
    const MAX_NUDGE: f32 = 0.01;
    match s.trim().parse::<f32>() {
        Ok(v) if v.is_finite() && v.abs() <= MAX_NUDGE => Ok(v),
        _ => Err(format!("'{s}' is not a number between -{MAX_NUDGE} and {MAX_NUDGE}")),
    }
}

impl LiftArgs {
    /// The engine's lift settings, the pose models run with `threads` threads each. With the
    /// training log on, a given height is remembered there and a missing one read from it.
    pub fn lift(&self, threads: usize, training_log: bool) -> Result<Lift> {
        let load = self
            .load
            .as_deref()
            .map(thrustline_core::units::parse_load)
            .transpose()
            .map_err(|e| anyhow!(e))?;
        Ok(Lift {
            pose: PoseConfig {
                model: self.model,
                smooth: true,
                threads,
                spin: false,
                person: self.person,
                nudge_roi: self.nudge_roi,
                ..PoseConfig::default()
            },
            thresholds: thrustline_engine::setup::thresholds(self.config.as_deref())?,
            variation: self.variation,
            load_kg: load.map(|(kg, _)| kg),
            load_unit: load.map(|(_, u)| u).unwrap_or_default(),
            lifter_height_m: if training_log {
                thrustline_log::remembered_height_m(&thrustline_log::data_dir(), self.height)
            } else {
                self.height
            },
        })
    }
}

/// `--threads`: 1 to 64 (more than the machine's cores only slows ONNX Runtime down).
pub fn parse_threads(s: &str) -> std::result::Result<usize, String> {
    let v: usize = s.trim().parse().map_err(|_| format!("'{s}' is not a number of threads"))?;
    if (1..=64).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (1 to 64)"))
    }
}

/// `--video-size`: 0 (the input's size) or a longest side from 64 to 8192 pixels.
pub fn parse_video_size(s: &str) -> std::result::Result<u32, String> {
    let v: u32 = s.trim().parse().map_err(|_| format!("'{s}' is not a number of pixels"))?;
    if v == 0 || (64..=8192).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (0 for the input's size, or 64 to 8192)"))
    }
}

/// A percentage from 1 to 100.
/// A time in the video, in seconds: a number not below 0 ("nan" and "inf" had been taken, and
/// the review window opened at no time at all).
pub fn parse_seconds(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not a time in seconds (a number, 0 or more)")),
    }
}

pub fn parse_percent(s: &str) -> std::result::Result<f32, String> {
    let v: f32 = s.trim().trim_end_matches('%').parse().map_err(|_| format!("'{s}' is not a percentage"))?;
    if (1.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (1 to 100)"))
    }
}
