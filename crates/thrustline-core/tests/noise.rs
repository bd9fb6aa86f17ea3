//! The noise margins in `config.rs` against the landmark noise they claim to cover: measured at
//! the top of reps on every side-view shared clip, MediaPipe's smoothed and raw references.
//! A fault is raised only when its evidence clears its threshold by the margin, so a margin
//! under twice the noise (1.2× for the foot lift, a mean over the hold) would let noise alone
//! raise faults on clean reps.

mod common;

use common::noise::NoiseMeter;
use common::*;
use thrustline_core::{config, Analyzer, FrameAnalysis, FrameGeometry, Thresholds};

#[test]
fn margins_cover_the_landmark_noise_at_the_top_of_reps() {
    let Some(shared) = shared_dir() else { return };
    for raw in [false, true] {
        let mut meter = NoiseMeter::default();
        for (clip, label) in labels(&shared) {
            if !label.side_view() || label.reps == 0 {
                continue;
            }
            let r = load(&shared, &clip, raw);
            let mut a =
                Analyzer::new(Thresholds::default(), FrameGeometry { width: r.width, height: r.height });
            let frames: Vec<FrameAnalysis> =
                r.frames.iter().map(|f| a.update(f.t, f.lm.as_deref().map(to_pose).as_ref())).collect();
            meter.add_clip(&frames);
        }
        let n = meter.noise();
        println!("raw={raw}: {n:?}");
        assert!(n.frames > 300, "too few top frames to measure: {}", n.frames);
        assert!(f64::from(config::HIP_ANGLE_MARGIN_DEG) >= 2.0 * n.hip, "hip: {n:?}");
        assert!(f64::from(config::KNEE_ANGLE_MARGIN_DEG) >= 2.0 * n.knee, "knee: {n:?}");
        assert!(f64::from(config::SHIN_ANGLE_MARGIN_DEG) >= 2.0 * n.shin, "shin: {n:?}");
        assert!(f64::from(config::FOOT_LIFT_MARGIN) >= 1.2 * n.heel.max(n.toe), "foot: {n:?}");
    }
}
