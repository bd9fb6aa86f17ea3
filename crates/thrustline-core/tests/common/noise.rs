//! Landmark noise at the top of reps: the residual of each metric from a centred 7-frame
//! moving mean, over frames where the hips are near full extension (a hold). Shared by the
//! noise test (MediaPipe's references) and the `reference` example (any pose file).

use thrustline_core::FrameAnalysis;

/// Frames each side of the centre of the moving mean.
const HALF_WINDOW: usize = 3;
/// "At the top": the smoothed hip angle at or above this on every frame of the window.
const TOP_MIN_HIP_DEG: f32 = 165.0;
/// Only landmarks seen this well count (the core judges faults at 0.85).
const MIN_CONFIDENCE: f32 = 0.85;

/// Residual standard deviations: hip, knee, shin (degrees), heel lift, toe lift (foot lengths).
#[derive(Clone, Copy, Debug, Default)]
pub struct Noise {
    pub hip: f64,
    pub knee: f64,
    pub shin: f64,
    pub heel: f64,
    pub toe: f64,
    pub frames: usize,
}

/// Accumulates squared residuals over clips.
#[derive(Default)]
pub struct NoiseMeter {
    sums: [f64; 5],
    counts: [usize; 5],
}

impl NoiseMeter {
    pub fn add_clip(&mut self, frames: &[FrameAnalysis]) {
        let n = 2 * HALF_WINDOW + 1;
        for c in HALF_WINDOW..frames.len().saturating_sub(HALF_WINDOW) {
            let win = &frames[c - HALF_WINDOW..=c + HALF_WINDOW];
            let at_top = win.iter().all(|f| f.hip_angle_smoothed.is_some_and(|h| h >= TOP_MIN_HIP_DEG));
            if !at_top {
                continue;
            }
            let pick: [fn(&FrameAnalysis) -> Option<thrustline_core::Metric>; 5] = [
                |f| f.metrics.and_then(|m| m.hip_angle),
                |f| f.metrics.and_then(|m| m.knee_angle),
                |f| f.metrics.and_then(|m| m.shin_angle),
                |f| f.metrics.and_then(|m| m.heel_lift),
                |f| f.metrics.and_then(|m| m.toe_lift),
            ];
            for (k, get) in pick.iter().enumerate() {
                let vals: Vec<f64> = win
                    .iter()
                    .filter_map(|f| {
                        get(f).filter(|m| m.visibility >= MIN_CONFIDENCE).map(|m| f64::from(m.value))
                    })
                    .collect();
                if vals.len() < n {
                    continue;
                }
                let mean = vals.iter().sum::<f64>() / n as f64;
                // The centre's residual, unbiased for the mean's own share of it.
                let r = (vals[HALF_WINDOW] - mean) * (n as f64 / (n as f64 - 1.0)).sqrt();
                self.sums[k] += r * r;
                self.counts[k] += 1;
            }
        }
    }

    pub fn noise(&self) -> Noise {
        let sd = |k: usize| {
            if self.counts[k] > 0 {
                (self.sums[k] / self.counts[k] as f64).sqrt()
            } else {
                f64::NAN
            }
        };
        Noise { hip: sd(0), knee: sd(1), shin: sd(2), heel: sd(3), toe: sd(4), frames: self.counts[0] }
    }
}
