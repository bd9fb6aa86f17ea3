//! The engine: one pipeline for live coaching, offline analysis and review. A frame's path:
//!
//! ```text
//! source (thrustline-capture) ─Frame─▶ pose (thrustline-pose) ─PoseFrame─▶ core (thrustline-core)
//!        ─FrameAnalysis─▶ sinks: session writer (frames.jsonl, session.json, reps.csv, report,
//!                          key frames, training log), annotated video, UI frames, audio cues
//! ```
//!
//! Pacing is the only difference between the two runs: live ([`live`]) drops the oldest frame
//! between capture and inference, so the coach always works on the newest one; offline
//! ([`offline`]) joins decode, pose and the writers with bounded channels that block the
//! producer, so no frame is ever dropped. Both write their session folder through one
//! [`writer::SessionWriter`].

pub mod audio;
pub mod cues;
pub mod doctor;
pub mod landmarks;
pub mod latency;
pub mod lift;
pub mod live;
pub mod offline;
mod picture;
mod recorder;
pub mod review;
pub mod setup;
pub mod share;
pub mod terminal;
pub mod writer;

use thrustline_capture::CaptureError;
use thrustline_pose::PoseError;
use thrustline_report::folder::FolderError;
use thrustline_report::ReportError;

pub use audio::{AudioOptions, Cue};
pub use latency::LatencyStats;
pub use lift::Lift;
pub use live::{Command, EndReason, Engine, LiveConfig, LiveFrame, LiveSummary, Notice};
pub use offline::{OfflineConfig, Outcome};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Capture(#[from] CaptureError),
    #[error("{0}")]
    Pose(#[from] PoseError),
    #[error("cannot write {0}: {1}")]
    Io(String, std::io::Error),
    /// A file the user gave to be read (a reply to import) that cannot be.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("audio: {0}")]
    Audio(String),
    #[error("video: {0}")]
    Video(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Report(#[from] ReportError),
    #[error("{0}")]
    Folder(#[from] FolderError),
    #[error("{0}")]
    Config(#[from] thrustline_core::ConfigError),
    /// A request the engine refuses, said the way the user should read it.
    #[error("{0}")]
    Refused(String),
    #[error("interrupted")]
    Interrupted,
    #[error("the {0} thread stopped unexpectedly")]
    Worker(&'static str),
}

impl From<opencv::Error> for EngineError {
    fn from(e: opencv::Error) -> Self {
        EngineError::Video(e.message)
    }
}
