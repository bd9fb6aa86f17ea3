//! `session.json`: the core's session summary plus what it was measured on.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thrustline_core::{PartialRep, Rep, SessionSummary, SetSummary, Thresholds, Variation, Warning};

/// Bumped whenever a field changes meaning or disappears (docs/session-schema.md).
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputMeta {
    pub file: String,
    pub duration_s: f64,
    pub fps: f64,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    /// lite, full or heavy.
    pub name: String,
    pub file: String,
    pub sha256: String,
    pub detector_sha256: String,
}

/// A warning with its message, for readers without the code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarningEntry {
    pub id: Warning,
    pub message: String,
}

/// A coach's timestamped comment (review mode), optionally with a line or an angle drawn on
/// the frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub t_s: f64,
    pub rep: Option<u32>,
    pub author: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    /// Two points; the value is the line's angle from horizontal.
    Line,
    /// Three points, the vertex in the middle; the value is the angle at the vertex.
    Angle,
}

/// A drawing on a frame, in coordinates normalized to the frame (0..1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub kind: MarkKind,
    pub points: Vec<[f32; 2]>,
    /// Degrees, measured in pixels of the frame (not normalized units).
    pub degrees: f32,
}

impl Mark {
    /// Builds a mark from normalized points and the frame's size; `None` with the wrong count.
    pub fn new(kind: MarkKind, points: Vec<[f32; 2]>, width: f32, height: f32) -> Option<Self> {
        let px = |p: [f32; 2]| (p[0] * width, p[1] * height);
        let degrees = match (kind, points.as_slice()) {
            (MarkKind::Line, [a, b]) => {
                let ((ax, ay), (bx, by)) = (px(*a), px(*b));
                let d = (ay - by).atan2(bx - ax).to_degrees().abs();
                if d > 90.0 {
                    180.0 - d
                } else {
                    d
                }
            }
            (MarkKind::Angle, [a, v, c]) => {
                let ((ax, ay), (vx, vy), (cx, cy)) = (px(*a), px(*v), px(*c));
                let (u, w) = ((ax - vx, ay - vy), (cx - vx, cy - vy));
                let cos = (u.0 * w.0 + u.1 * w.1) / ((u.0.hypot(u.1) * w.0.hypot(w.1)).max(1e-6));
                cos.clamp(-1.0, 1.0).acos().to_degrees()
            }
            _ => return None,
        };
        Some(Self { kind, points, degrees })
    }

    pub fn describe(&self) -> String {
        match self.kind {
            MarkKind::Line => format!("line at {:.0}° from horizontal", self.degrees),
            MarkKind::Angle => format!("angle {:.0}°", self.degrees),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub schema_version: u32,
    pub thrustline_version: String,
    /// Seconds since the Unix epoch when the session was recorded or analyzed.
    pub created_unix_s: u64,
    pub input: InputMeta,
    pub model: ModelMeta,
    pub variation: Variation,
    /// Load in kilograms, when the lifter gave one.
    pub load_kg: Option<f64>,
    pub reps: Vec<Rep>,
    pub partial_reps: Vec<PartialRep>,
    pub sets: Vec<SetSummary>,
    pub warnings: Vec<WarningEntry>,
    pub frames_with_pose: u64,
    pub thresholds: Thresholds,
    /// The camera's yaw from a side view (degrees; 0 side, 45 front three-quarter), when the
    /// pose stage's world landmarks gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_yaw_deg: Option<f32>,
    /// How the camera saw the lifter (side, oblique, frontal): what it could judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_view: Option<thrustline_core::CameraView>,
    /// What the velocities are scaled by (the lifter's height, or BlazePose's metric scale).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub velocity_scale: Option<thrustline_core::VelocityScale>,
    /// The camera's setup: how often the body left the picture, was small or hard to see, or
    /// the room too dark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<thrustline_core::SetupSummary>,
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Fields this version does not know (a newer Thrustline's, another tool's): kept as they
    /// were, so adding a comment never drops them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        summary: SessionSummary,
        input: InputMeta,
        model: ModelMeta,
        variation: Variation,
        load_kg: Option<f64>,
        thresholds: Thresholds,
        created_unix_s: u64,
    ) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            thrustline_version: env!("CARGO_PKG_VERSION").to_string(),
            created_unix_s,
            input,
            model,
            variation,
            load_kg,
            warnings: summary
                .warnings
                .iter()
                .map(|&id| WarningEntry { id, message: id.message().to_string() })
                .collect(),
            frames_with_pose: summary.frames_with_pose,
            reps: summary.reps,
            partial_reps: summary.partial_reps,
            sets: summary.sets,
            thresholds,
            camera_yaw_deg: summary.camera_yaw_deg,
            camera_view: summary.camera_view,
            velocity_scale: summary.velocity_scale,
            setup: summary.setup,
            comments: Vec::new(),
            extra: serde_json::Map::new(),
        }
    }

    pub fn clean_reps(&self) -> usize {
        thrustline_core::session::clean_reps(&self.reps)
    }

    /// The rep whose span holds a time, if any.
    pub fn rep_at(&self, t_s: f64) -> Option<&thrustline_core::Rep> {
        thrustline_core::session::rep_at(&self.reps, t_s)
    }

    /// The rep to model the others on (see [`thrustline_core::session::best_rep`]).
    pub fn best_rep(&self) -> Option<&thrustline_core::Rep> {
        thrustline_core::session::best_rep(&self.reps)
    }

    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec_pretty(self)
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// Hex sha256 of a file.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_measure_in_pixels() {
        // A right angle in a 200×100 frame: (0.5,0) – (0.5,1) vertical, (0.5,1) – (1,1) horizontal.
        let m = Mark::new(MarkKind::Angle, vec![[0.5, 0.0], [0.5, 1.0], [1.0, 1.0]], 200.0, 100.0).unwrap();
        assert!((m.degrees - 90.0).abs() < 1e-3, "{}", m.degrees);
        // The diagonal of a 200×100 frame is 26.57° from horizontal, not 45°.
        let l = Mark::new(MarkKind::Line, vec![[0.0, 1.0], [1.0, 0.0]], 200.0, 100.0).unwrap();
        assert!((l.degrees - 26.565).abs() < 1e-2, "{}", l.degrees);
        assert!(Mark::new(MarkKind::Angle, vec![[0.0, 0.0]], 1.0, 1.0).is_none());
    }
}
