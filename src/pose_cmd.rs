//! `thrustline pose`: landmarks for every frame, in the schema of MediaPipe's reference files.

use std::path::PathBuf;

use anyhow::Result;
use thrustline_pose::{ModelKind, PoseConfig};

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
    #[arg(long, default_value_t = thrustline_pose::DEFAULT_THREADS, value_parser = crate::args::parse_threads)]
    pub threads: usize,
    /// Idle inference threads sleep between jobs instead of spinning. Spinning is fastest on
    /// free cores; when another process takes one, frames move to a one-thread session anyway.
    #[arg(long)]
    pub no_spin: bool,
    /// Drive the filters with MediaPipe Python's clock (a fixed 33.333 ms per frame whatever
    /// the video's rate) instead of the video's timestamps: for parity with the legacy
    /// `mp.solutions.pose` on videos that are not 30 fps. Output times stay the video's.
    #[arg(long)]
    pub mediapipe_clock: bool,
    /// Also write the world landmarks (metres, hip-centred, camera-aligned axes) per frame.
    #[arg(long)]
    pub world: bool,
    /// Whom to track when several people are in view: auto (the one lying down), left or right.
    #[arg(long, default_value = "auto")]
    pub person: thrustline_pose::Person,
    /// Diagnostic: scale every ROI the detector seeds by 1 + REL and turn it by REL radians.
    /// With REL = 1e-7 (another runtime's last digit), the change in the landmarks is how
    /// closely any runtime but MediaPipe's own TFLite can be expected to match it on the clip.
    #[arg(long, value_name = "REL", default_value_t = 0.0, value_parser = crate::args::parse_nudge, allow_hyphen_values = true)]
    pub nudge_roi: f32,
}

pub fn run(a: &PoseArgs) -> Result<()> {
    let cfg = PoseConfig {
        model: a.model,
        smooth: !a.no_smooth,
        threads: a.threads,
        spin: !a.no_spin,
        person: a.person,
        nudge_roi: a.nudge_roi,
        ..PoseConfig::default()
    };
    let out = thrustline_engine::landmarks::track(&a.video, cfg, a.mediapipe_clock, a.world)?;
    crate::atomic::write(&a.output, &serde_json::to_vec(&out)?)?;
    let found = out.frames.iter().filter(|f| f.lm.is_some()).count();
    let [pooled, lone] = out.landmark_runs;
    let threads = if lone > 0 {
        format!(", {} threads on {pooled} frames and 1 on {lone}", a.threads)
    } else {
        format!(", {} thread{}", a.threads, if a.threads == 1 { "" } else { "s" })
    };
    let (backend, _) = thrustline_pose::runtime::backend();
    eprintln!(
        "{}: {} frames, pose on {} ({} by the detector), {:.1} ms/frame ({} model on {}{threads}) -> {}",
        a.video.display(),
        out.frames.len(),
        found,
        out.detections,
        out.ms_per_frame,
        a.model.name(),
        backend.name(),
        a.output.display()
    );
    Ok(())
}
