//! `frames.jsonl`: one line per frame.

use serde::Serialize;
use thrustline_core::{FrameAnalysis, FrameMetrics, Landmark, Phase};

#[derive(Serialize)]
pub struct FrameRecord<'a> {
    /// Milliseconds.
    pub t: f64,
    /// 33 × [x, y, z, visibility], normalized to the frame; null when nobody was found.
    pub lm: Option<Vec<[f32; 4]>>,
    pub metrics: Option<&'a FrameMetrics>,
    pub hip_angle_smoothed: Option<f32>,
    pub phase: Phase,
    /// Rep in progress (1-based) or null between reps.
    pub rep: Option<u32>,
    pub reps_counted: u32,
}

/// One JSON line (with the newline) for a frame.
pub fn line(fa: &FrameAnalysis, lm: Option<&[Landmark; 33]>) -> Result<String, serde_json::Error> {
    let rec = FrameRecord {
        t: (fa.t_ms * 1000.0).round() / 1000.0,
        lm: lm.map(|l| l.iter().map(|p| [p.x, p.y, p.z, p.visibility]).collect()),
        metrics: fa.metrics.as_ref(),
        hip_angle_smoothed: fa.hip_angle_smoothed,
        phase: fa.phase,
        rep: fa.rep_in_progress,
        reps_counted: fa.reps,
    };
    let mut s = serde_json::to_string(&rec)?;
    s.push('\n');
    Ok(s)
}
