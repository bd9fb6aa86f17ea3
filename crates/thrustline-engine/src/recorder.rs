//! What only a live session records: its folder named by the start time, the camera's frames
//! in `video.mkv` (Matroska: a file cut short by a crash still plays up to the cut) and
//! `live.json` (latency, drops). The session itself goes through [`crate::writer`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::Receiver;
use opencv::core::Mat;
use thrustline_capture::Frame;
use thrustline_report::atomic;
use thrustline_report::video::AnnotatedWriter;

use crate::{EngineError, LiveSummary};

pub const VIDEO_FILE: &str = "video.mkv";
/// The recording's name until it is complete: a crash or a full disk leaves it under this
/// name (Matroska plays up to where it stopped, and session.json points at it), never a cut
/// file under the final one.
pub const VIDEO_PARTIAL: &str = "video.partial.mkv";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
    move |e| EngineError::Io(path.display().to_string(), e)
}

/// A new folder under `root` named by the start time (`-2`, `-3`… when taken).
pub fn session_dir(root: &Path, unix: u64) -> Result<PathBuf, EngineError> {
    std::fs::create_dir_all(root).map_err(io(root))?;
    let base = thrustline_report::atomic::stamp(unix as i64);
    for n in 1..1000 {
        let name = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let dir = root.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(EngineError::Io(dir.display().to_string(), e)),
        }
    }
    Err(EngineError::Io(root.display().to_string(), std::io::Error::other("no free session folder name")))
}

/// What the raw-video thread wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Frames encoded.
    pub frames: u64,
    /// Frames the take spans, from the first captured to the last encoded: more than `frames`
    /// where the encoder fell behind and the capture skipped it some.
    pub span: u64,
}

/// The raw-video thread: the captured frames, each at its capture index's time, until the
/// capture side hangs up.
pub fn spawn_video(
    path: PathBuf,
    fps: f64,
    rx: Receiver<Arc<Frame>>,
) -> Result<JoinHandle<Result<Recorded, EngineError>>, EngineError> {
    std::thread::Builder::new()
        .name("record".into())
        .spawn(move || {
            // Behind the live worker: the queue lets the encoder catch up in the worker's gaps,
            // where at equal priority it took the core the next frame's inference needed.
            crate::offline::lower_priority();
            let mut writer: Option<AnnotatedWriter> = None;
            let mut bgr = Mat::default();
            let mut span = 0;
            for f in rx.iter() {
                if writer.is_none() {
                    let (w, h) = (f.rgb.width(), f.rgb.height());
                    writer = Some(
                        AnnotatedWriter::create_fast(&path, fps, w, h)
                            .map_err(|e| EngineError::Video(e.to_string()))?,
                    );
                }
                if let Some(w) = writer.as_mut() {
                    w.write_rgb_at(f.rgb.mat(), f.index, &mut bgr)
                        .map_err(|e| EngineError::Video(e.to_string()))?;
                    span = f.index + 1;
                }
            }
            match writer {
                Some(w) => {
                    let frames = w.finish().map_err(|e| EngineError::Video(e.to_string()))?;
                    Ok(Recorded { frames, span: span.max(frames) })
                }
                None => Ok(Recorded { frames: 0, span: 0 }),
            }
        })
        .map_err(|e| EngineError::Io("record thread".into(), e))
}

/// live.json: what the run measured about itself (latency, drops).
pub fn write_stats(s: &LiveSummary) -> Result<(), EngineError> {
    let v = serde_json::json!({
        "end": s.end.to_string(),
        "latency_capture_to_overlay_ms": s.latency,
        "frames_captured": s.frames_captured,
        "frames_analyzed": s.frames_analyzed,
        "frames_recorded": s.recorded.map(|r| r.frames),
        "frames_dropped_before_inference": s.frames_dropped,
        "analyzed_every_nth_frame": s.stride,
    });
    let p = s.dir.join("live.json");
    atomic::write(&p, &serde_json::to_vec_pretty(&v)?).map_err(io(&p))
}
