//! `frames.jsonl`: one line per frame, written by the session writer and read by review.

use serde::{Deserialize, Serialize};
use thrustline_core::{FrameAnalysis, FrameMetrics, Landmark, Phase};

/// One line of frames.jsonl.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameLine {
    /// Milliseconds.
    pub t: f64,
    /// 33 × [x, y, z, visibility], normalized to the frame; null when nobody was found.
    pub lm: Option<Vec<[f32; 4]>>,
    #[serde(default)]
    pub metrics: Option<FrameMetrics>,
    pub hip_angle_smoothed: Option<f32>,
    #[serde(default = "setup")]
    pub phase: Phase,
    /// Rep in progress (1-based) or null between reps.
    #[serde(default)]
    pub rep: Option<u32>,
    #[serde(default)]
    pub reps_counted: u32,
}

fn setup() -> Phase {
    Phase::Setup
}

impl FrameLine {
    /// The line for one analyzed frame.
    pub fn new(fa: &FrameAnalysis, lm: Option<&[Landmark; 33]>) -> Self {
        Self {
            t: (fa.t_ms * 1000.0).round() / 1000.0,
            lm: lm.map(|l| l.iter().map(|p| [p.x, p.y, p.z, p.visibility]).collect()),
            metrics: fa.metrics,
            hip_angle_smoothed: fa.hip_angle_smoothed,
            phase: fa.phase,
            rep: fa.rep_in_progress,
            reps_counted: fa.reps,
        }
    }

    pub fn landmarks(&self) -> Option<[Landmark; 33]> {
        let v = self.lm.as_ref()?;
        if v.len() != 33 {
            return None;
        }
        let mut out = [Landmark::default(); 33];
        for (o, p) in out.iter_mut().zip(v) {
            *o = Landmark { x: p[0], y: p[1], z: p[2], visibility: p[3] };
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_as_written() {
        let mut lm = [Landmark::default(); 33];
        lm[5] = Landmark { x: 0.25, y: 0.5, z: -0.1, visibility: 0.9 };
        let line = FrameLine {
            t: 33.333,
            lm: Some(lm.iter().map(|p| [p.x, p.y, p.z, p.visibility]).collect()),
            metrics: None,
            hip_angle_smoothed: Some(171.5),
            phase: Phase::Lockout,
            rep: Some(2),
            reps_counted: 2,
        };
        let text = serde_json::to_string(&line).unwrap();
        let back: FrameLine = serde_json::from_str(&text).unwrap();
        assert_eq!(back, line);
        assert_eq!(back.landmarks().unwrap()[5], lm[5]);
    }
}
