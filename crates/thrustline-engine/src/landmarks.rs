//! Landmarks for every frame of a video, in the schema of MediaPipe's reference files (the
//! pose stage alone: the oracle comparison and `thrustline pose`).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use thrustline_capture::VideoSource;
use thrustline_pose::{PoseConfig, PoseTracker};

use crate::EngineError;

/// MediaPipe's legacy Python solutions stamp frame n (from 0) at (n + 1) × 33333 µs: the clock
/// is advanced before each frame (`solution_base.py`), so even the first frame seeds the
/// filters (a sample stamped 0 would pass through them unfiltered).
const MEDIAPIPE_FRAME_MS: f64 = 33.333;

#[derive(Serialize)]
pub struct LandmarkFrame {
    /// Milliseconds, the video's own time.
    pub t: f64,
    pub lm: Option<Vec<[f32; 4]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub world: Option<Vec<[f32; 3]>>,
}

/// `{fps, width, height, complexity, ms_per_frame, frames}`, as `../shared/reference` holds.
#[derive(Serialize)]
pub struct LandmarkFile {
    pub fps: f64,
    pub width: u32,
    pub height: u32,
    pub complexity: u8,
    /// Time in the pose stage per frame (decode excluded).
    pub ms_per_frame: f64,
    pub frames: Vec<LandmarkFrame>,
    /// Frames on which the person detector ran (not serialized).
    #[serde(skip)]
    pub detections: usize,
    /// Landmark-model runs on the pooled session and on the one-thread session (not serialized).
    #[serde(skip)]
    pub landmark_runs: [u64; 2],
}

/// Runs the pose stage over every frame. `mediapipe_clock` drives the filters with MediaPipe
/// Python's fixed 33.333 ms per frame (parity on videos that are not 30 fps); `world` adds the
/// world landmarks.
pub fn track(
    video: &Path,
    pose: PoseConfig,
    mediapipe_clock: bool,
    world: bool,
) -> Result<LandmarkFile, EngineError> {
    let mut src = VideoSource::open_file(video)?;
    let complexity = pose.model.complexity();
    let mut tracker = PoseTracker::new(pose)?;
    let mut frames = Vec::new();
    let mut busy = 0.0f64;
    let mut detections = 0usize;
    while let Some(f) = src.next_frame()? {
        let start = Instant::now();
        let clock = if mediapipe_clock { (f.index + 1) as f64 * MEDIAPIPE_FRAME_MS } else { f.t_ms };
        let p = tracker.process(&f.rgb, clock)?;
        busy += start.elapsed().as_secs_f64();
        detections += usize::from(p.as_ref().is_some_and(|p| p.detected));
        frames.push(LandmarkFrame {
            t: (f.t_ms * 1000.0).round() / 1000.0,
            lm: p.as_ref().map(|p| p.landmarks.iter().map(|l| [l.x, l.y, l.z, l.visibility]).collect()),
            world: p.as_ref().filter(|_| world).map(|p| p.world.iter().map(|l| [l.x, l.y, l.z]).collect()),
        });
    }
    let info = src.info().clone();
    Ok(LandmarkFile {
        fps: info.fps,
        width: info.width,
        height: info.height,
        complexity,
        ms_per_frame: if frames.is_empty() { 0.0 } else { busy * 1000.0 / frames.len() as f64 },
        frames,
        detections,
        landmark_runs: tracker.landmark_runs(),
    })
}
