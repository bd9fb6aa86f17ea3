//! `thrustline pose`: landmarks for every frame, in the schema of MediaPipe's reference files.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use thrustline_capture::VideoSource;
use thrustline_pose::{ModelKind, PoseConfig, PoseTracker};

#[derive(clap::Args, Debug)]
pub struct PoseArgs {
    /// Input video file.
    pub video: PathBuf,
    /// Output JSON file.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Landmark model: lite, full or heavy.
    #[arg(long, default_value = "full")]
    pub model: ModelKind,
    /// Disable one-euro smoothing (MediaPipe's smooth_landmarks=False).
    #[arg(long)]
    pub no_smooth: bool,
    /// ONNX Runtime threads per model.
    #[arg(long, default_value_t = 2, value_parser = crate::analyze::parse_threads)]
    pub threads: usize,
    /// Drive the filters with MediaPipe Python's clock (a fixed 33.333 ms per frame whatever
    /// the video's rate) instead of the video's timestamps: for parity with the legacy
    /// `mp.solutions.pose` on videos that are not 30 fps. Output times stay the video's.
    #[arg(long)]
    pub mediapipe_clock: bool,
    /// Also write the world landmarks (metres, hip-centred, camera-aligned axes) per frame.
    #[arg(long)]
    pub world: bool,
}

/// MediaPipe's legacy Python solutions stamp frame n at n × 33333 µs.
const MEDIAPIPE_FRAME_MS: f64 = 33.333;

#[derive(Serialize)]
struct OutFrame {
    t: f64,
    lm: Option<Vec<[f32; 4]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    world: Option<Vec<[f32; 3]>>,
}

#[derive(Serialize)]
struct Out {
    fps: f64,
    width: u32,
    height: u32,
    complexity: u8,
    ms_per_frame: f64,
    frames: Vec<OutFrame>,
}

pub fn run(a: &PoseArgs) -> Result<()> {
    let mut src = VideoSource::open_file(&a.video)?;
    let cfg =
        PoseConfig { model: a.model, smooth: !a.no_smooth, threads: a.threads, ..PoseConfig::default() };
    let mut tracker = PoseTracker::new(cfg)?;
    let mut frames = Vec::new();
    let mut busy = 0.0f64;
    let mut detections = 0usize;
    while let Some(f) = src.next_frame()? {
        let start = Instant::now();
        let clock = if a.mediapipe_clock { f.index as f64 * MEDIAPIPE_FRAME_MS } else { f.t_ms };
        let pose = tracker.process(&f.rgb, clock)?;
        busy += start.elapsed().as_secs_f64();
        detections += usize::from(pose.as_ref().is_some_and(|p| p.detected));
        frames.push(OutFrame {
            t: (f.t_ms * 1000.0).round() / 1000.0,
            lm: pose.as_ref().map(|p| p.landmarks.iter().map(|l| [l.x, l.y, l.z, l.visibility]).collect()),
            world: pose
                .as_ref()
                .filter(|_| a.world)
                .map(|p| p.world.iter().map(|l| [l.x, l.y, l.z]).collect()),
        });
    }
    let info = src.info().clone();
    let out = Out {
        fps: info.fps,
        width: info.width,
        height: info.height,
        complexity: a.model.complexity(),
        ms_per_frame: if frames.is_empty() { 0.0 } else { busy * 1000.0 / frames.len() as f64 },
        frames,
    };
    crate::atomic::write(&a.output, &serde_json::to_vec(&out)?)?;
    let found = out.frames.iter().filter(|f| f.lm.is_some()).count();
    eprintln!(
        "{}: {} frames, pose on {} ({} by the detector), {:.1} ms/frame ({} model) -> {}",
        a.video.display(),
        out.frames.len(),
        found,
        detections,
        out.ms_per_frame,
        a.model.name(),
        a.output.display()
    );
    Ok(())
}
