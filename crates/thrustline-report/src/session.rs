//! `session.json`: the core's session summary plus what it was measured on.

use std::fmt::Write as _;
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
    /// Size and sha256 of the analyzed original, when it lives outside the folder: the only
    /// file `input.file` may lead to (a session from elsewhere must not pick up a local one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// When the training was recorded (Unix seconds): `--date`, the container's
    /// `creation_time`, else the file's modification time. The log dates the session by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_unix_s: Option<i64>,
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
    /// The unit the load was given in (shown in it); absent in sessions before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_unit: Option<thrustline_core::units::LoadUnit>,
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
    /// The camera's height over the lifter as a pitch (degrees; positive above, looking
    /// down), when the world landmarks gave it and the camera was not at the feet or the head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_pitch_deg: Option<f32>,
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
    /// Why tops were not counted (most frequent first); the look-alike warnings say it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub look_alike_reasons: Vec<thrustline_core::LookAlikeReason>,
    /// Why no rep was counted, where no warning says it ([`Session::why_no_rep`]): in the file
    /// too, for what reads it (a session of look-alikes with no warning had said nothing there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_rep_reason: Option<String>,
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Fields this version does not know (a newer Thrustline's, another tool's): kept as they
    /// were, so adding a comment never drops them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Session {
    /// The variation as a header names it: with no rep counted and none given, "no hip thrust
    /// or bridge counted", never "hip thrust or bridge (told from the video)" over a warning
    /// that it does not look like one.
    pub fn variation_shown(&self) -> &'static str {
        if self.reps.is_empty() && self.variation == Variation::Auto {
            "no hip thrust or bridge counted"
        } else {
            self.variation.label()
        }
    }

    /// Why no rep was counted, where no warning says it (`None`: reps were counted, or a
    /// warning names the reason): the report and the review window say it alike.
    pub fn why_no_rep(&self) -> Option<&'static str> {
        thrustline_core::session::why_no_rep(
            self.reps.len(),
            self.partial_reps.len(),
            self.warnings.iter().map(|w| w.id),
        )
    }

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
        let mut s = Self {
            schema_version: SCHEMA_VERSION,
            thrustline_version: env!("CARGO_PKG_VERSION").to_string(),
            created_unix_s,
            input,
            model,
            // `auto` becomes what the camera saw (it stays `auto` until a rep shows it).
            variation: match (variation, summary.seen_variation) {
                (Variation::Auto, Some(seen)) => seen,
                (given, _) => given,
            },
            load_kg,
            load_unit: None,
            warnings: summary.worded_warnings().map(|(id, message)| WarningEntry { id, message }).collect(),
            look_alike_reasons: summary.look_alike_reasons.clone(),
            frames_with_pose: summary.frames_with_pose,
            reps: summary.reps,
            partial_reps: summary.partial_reps,
            sets: summary.sets,
            thresholds,
            camera_yaw_deg: summary.camera_yaw_deg,
            camera_pitch_deg: summary.camera_pitch_deg,
            camera_view: summary.camera_view,
            velocity_scale: summary.velocity_scale,
            setup: summary.setup,
            no_rep_reason: None,
            comments: Vec::new(),
            extra: serde_json::Map::new(),
        };
        s.no_rep_reason = s.why_no_rep().map(str::to_owned);
        s
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

    /// Reads a session, refusing what this version could not write back: numbers beyond f32
    /// (they would load as infinity and save as null) and times, counts or sizes no recording
    /// has. The error names the field.
    pub fn from_json(bytes: &[u8]) -> Result<Self, SessionError> {
        if bytes.len() as u64 > MAX_SESSION_BYTES {
            return Err(SessionError(format!("{} bytes (at most {MAX_SESSION_BYTES})", bytes.len())));
        }
        let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            SessionError(format!("not valid JSON (line {}, column {})", e.line(), e.column()))
        })?;
        if !v.is_object() {
            return Err(SessionError("not a Thrustline session (no JSON object)".into()));
        }
        let mut path = String::new();
        out_of_range(&v, &mut path)?;
        let s: Session =
            serde_json::from_value(v).map_err(|e| SessionError(format!("not a Thrustline session: {e}")))?;
        s.validate()?;
        Ok(s)
    }

    /// Times, counts and sizes a real session can have.
    pub fn validate(&self) -> Result<(), SessionError> {
        let bad = |field: &str, why: String| Err(SessionError(format!("{field} {why}")));
        let time = |field: &str, t: f64| -> Result<(), SessionError> {
            if (0.0..=MAX_DURATION_S).contains(&t) {
                Ok(())
            } else {
                bad(field, format!("= {t} s is not a time in a recording (0 to {MAX_DURATION_S} s)"))
            }
        };
        let i = &self.input;
        time("input.duration_s", i.duration_s)?;
        if !(0.0..=MAX_FPS).contains(&i.fps) {
            return bad("input.fps", format!("= {} (0 to {MAX_FPS})", i.fps));
        }
        if i.width > MAX_SIDE_PX || i.height > MAX_SIDE_PX {
            return bad("input.width/height", format!("= {}×{} (at most {MAX_SIDE_PX})", i.width, i.height));
        }
        if i.frames as f64 > MAX_DURATION_S * MAX_FPS {
            return bad("input.frames", format!("= {} is more than a day at {MAX_FPS} fps", i.frames));
        }
        if i.file.len() > MAX_PATH_CHARS {
            return bad(
                "input.file",
                format!("is {} characters long (at most {MAX_PATH_CHARS})", i.file.len()),
            );
        }
        // The camera's angles name a direction: anything else is a damaged file, and would be
        // printed whole in the report's camera line.
        let angles = [
            ("camera_yaw_deg", self.camera_yaw_deg, 0.0),
            ("camera_pitch_deg", self.camera_pitch_deg, -90.0),
        ];
        for (field, a, lo) in angles {
            if let Some(a) = a.filter(|a| !(lo..=90.0).contains(a)) {
                return bad(field, format!("= {a}° is not a camera angle ({lo} to 90°)"));
            }
        }
        let counts = [
            ("reps", self.reps.len()),
            ("partial_reps", self.partial_reps.len()),
            ("sets", self.sets.len()),
            ("warnings", self.warnings.len()),
            ("comments", self.comments.len()),
        ];
        for (field, n) in counts {
            if n > MAX_ITEMS {
                return bad(field, format!("holds {n} entries (at most {MAX_ITEMS})"));
            }
        }
        for (k, r) in self.reps.iter().enumerate() {
            time(&format!("reps[{k}].start_s"), r.start_s)?;
            time(&format!("reps[{k}].lockout_s"), r.lockout_s)?;
            time(&format!("reps[{k}].end_s"), r.end_s)?;
        }
        for (k, p) in self.partial_reps.iter().enumerate() {
            time(&format!("partial_reps[{k}].start_s"), p.start_s)?;
            time(&format!("partial_reps[{k}].peak_s"), p.peak_s)?;
            time(&format!("partial_reps[{k}].end_s"), p.end_s)?;
        }
        for (k, c) in self.comments.iter().enumerate() {
            let field = |f: &str| format!("comments[{k}].{f}");
            if !(0.0..=i.duration_s + COMMENT_PAST_END_S).contains(&c.t_s) {
                return bad(
                    &field("t_s"),
                    format!("= {} s is outside the video (0 to {:.1} s)", c.t_s, i.duration_s),
                );
            }
            if c.text.chars().count() > MAX_COMMENT_CHARS {
                return bad(&field("text"), format!("is longer than {MAX_COMMENT_CHARS} characters"));
            }
            if c.author.chars().count() > MAX_AUTHOR_CHARS {
                return bad(&field("author"), format!("is longer than {MAX_AUTHOR_CHARS} characters"));
            }
            if let Some(m) = &c.mark {
                let want = match m.kind {
                    MarkKind::Line => 2,
                    MarkKind::Angle => 3,
                };
                if m.points.len() != want {
                    return bad(
                        &field("mark.points"),
                        format!("has {} points ({want} for a {:?})", m.points.len(), m.kind),
                    );
                }
                if m.points.iter().flatten().any(|c| !(-MARK_SLACK..=1.0 + MARK_SLACK).contains(c)) {
                    return bad(&field("mark.points"), "lie outside the frame".into());
                }
            }
        }
        Ok(())
    }
}

/// A session.json this version refuses, with the field and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SessionError(pub String);

/// Longest recording a session may describe: a day (a set lasts minutes; more is a damaged or
/// hostile file, and would drive the report's loops).
pub const MAX_DURATION_S: f64 = 86_400.0;
/// Highest frame rate a file may claim (phones' slow motion tops out at 960 fps).
pub const MAX_FPS: f64 = 1_000.0;
/// Widest frame side (8K video is 7680 pixels).
pub const MAX_SIDE_PX: u32 = 16_384;
/// Reps, sets, warnings or comments in one session: a day of sets is a few hundred.
pub const MAX_ITEMS: usize = 10_000;
/// A comment's text: a few paragraphs of feedback.
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// A name.
pub const MAX_AUTHOR_CHARS: usize = 200;
/// A path (Linux's PATH_MAX is 4096 bytes).
pub const MAX_PATH_CHARS: usize = 4096;
/// session.json on disk: a real one is well under a megabyte.
pub const MAX_SESSION_BYTES: u64 = 64 << 20;
/// Sessions written before the comment check was exact took marks up to 1 s past the end.
pub const COMMENT_PAST_END_S: f64 = 1.0;
/// A mark's points are normalized to the frame; a drag may end just past its edge.
const MARK_SLACK: f32 = 0.05;

/// The first number beyond f32's range, with its path (`reps[2].metrics.peak_hip_angle`).
fn out_of_range(v: &serde_json::Value, path: &mut String) -> Result<(), SessionError> {
    match v {
        serde_json::Value::Number(n) => match n.as_f64() {
            // Every integer JSON holds (u64, i64) is finite and under f32's range.
            Some(x) if x.is_finite() && x.abs() <= f64::from(f32::MAX) => Ok(()),
            _ => Err(SessionError(format!(
                "{} = {n} is out of range",
                if path.is_empty() { "value" } else { path }
            ))),
        },
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                out_of_range(x, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                out_of_range(x, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// What a session records of an analyzed original: its canonical absolute path (never relative
/// to where the command ran), size and sha256, so later commands find that file or none.
pub fn original(path: &Path) -> std::io::Result<(String, u64, String)> {
    let abs = std::fs::canonicalize(path)?;
    let size = std::fs::metadata(&abs)?.len();
    Ok((abs.display().to_string(), size, sha256_file(&abs)?))
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
    fn sha256_of_a_file() {
        let dir = std::env::temp_dir().join(format!("thrustline-sha-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("abc");
        std::fs::write(&f, b"abc").unwrap();
        // FIPS 180-2's example digest of "abc".
        assert_eq!(
            sha256_file(&f).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
