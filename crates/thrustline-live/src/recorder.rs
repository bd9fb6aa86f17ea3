//! Saving a live session as it happens, in the analyzer's layout: `session.json` rewritten
//! atomically after every event, `frames.jsonl` appended, the camera's frames in `video.mkv`
//! (Matroska: a file cut short by a crash still plays up to the cut), and at the end
//! `reps.csv`, `report.html` and the training log.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::Receiver;
use opencv::core::Mat;
use opencv::imgproc;
use opencv::prelude::*;
use thrustline_capture::{Frame, SourceInfo};
use thrustline_core::SessionSummary;
use thrustline_pose::PoseConfig;
use thrustline_report::frames::FrameRecord;
use thrustline_report::session::{sha256_file, InputMeta, ModelMeta, Session};
use thrustline_report::video::AnnotatedWriter;
use thrustline_report::{atomic, html, table};

use crate::{LiveConfig, LiveError, LiveSummary};

pub const VIDEO_FILE: &str = "video.mkv";
/// The recording's name until it is complete: a crash or a full disk leaves it under this
/// name (Matroska plays up to where it stopped, and session.json points at it), never a cut
/// file under the final one.
pub const VIDEO_PARTIAL: &str = "video.partial.mkv";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LiveError + '_ {
    move |e| LiveError::Io(path.display().to_string(), e)
}

/// A new folder under `root` named by the start time (`-2`, `-3`… when taken).
pub fn session_dir(root: &Path, unix: u64) -> Result<PathBuf, LiveError> {
    std::fs::create_dir_all(root).map_err(io(root))?;
    let base = thrustline_report::atomic::stamp(unix as i64);
    for n in 1..1000 {
        let name = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let dir = root.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(LiveError::Io(dir.display().to_string(), e)),
        }
    }
    Err(LiveError::Io(root.display().to_string(), std::io::Error::other("no free session folder name")))
}

/// The raw-video thread: every captured frame, in order, until the capture side hangs up.
pub fn spawn_video(
    path: PathBuf,
    fps: f64,
    rx: Receiver<Arc<Frame>>,
) -> Result<JoinHandle<Result<u64, LiveError>>, LiveError> {
    std::thread::Builder::new()
        .name("record".into())
        .spawn(move || {
            let mut writer: Option<AnnotatedWriter> = None;
            let mut bgr = Mat::default();
            for f in rx.iter() {
                if writer.is_none() {
                    let (w, h) = (f.rgb.cols() as u32, f.rgb.rows() as u32);
                    writer = Some(
                        AnnotatedWriter::create_fast(&path, fps, w, h)
                            .map_err(|e| LiveError::Video(e.to_string()))?,
                    );
                }
                imgproc::cvt_color_def(&f.rgb, &mut bgr, imgproc::COLOR_RGB2BGR)?;
                if let Some(w) = writer.as_mut() {
                    w.write(&bgr).map_err(|e| LiveError::Video(e.to_string()))?;
                }
            }
            match writer {
                Some(w) => w.finish().map_err(|e| LiveError::Video(e.to_string())),
                None => Ok(0),
            }
        })
        .map_err(|e| LiveError::Io("record thread".into(), e))
}

pub struct Recorder {
    dir: PathBuf,
    frames: BufWriter<std::fs::File>,
    series: Vec<(f64, Option<f32>)>,
    input: InputMeta,
    model: ModelMeta,
    cfg: LiveConfig,
    started_unix: u64,
    last_t_ms: f64,
    analyzed: u64,
}

impl Recorder {
    pub fn create(
        dir: &Path,
        cfg: &LiveConfig,
        info: &SourceInfo,
        pose: &PoseConfig,
        started_unix: u64,
    ) -> Result<Self, LiveError> {
        let fp = dir.join("frames.jsonl");
        let file = std::fs::File::create(&fp).map_err(io(&fp))?;
        let lp = pose.landmark_path();
        let dp = pose.detector_path();
        let model = ModelMeta {
            name: pose.model.name().to_string(),
            file: lp.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            sha256: sha256_file(&lp).map_err(io(&lp))?,
            detector_sha256: sha256_file(&dp).map_err(io(&dp))?,
        };
        let input = InputMeta {
            file: if cfg.record_video { VIDEO_PARTIAL.to_string() } else { cfg.source.to_string() },
            duration_s: 0.0,
            fps: info.fps,
            width: info.width,
            height: info.height,
            frames: 0,
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            frames: BufWriter::new(file),
            series: Vec::with_capacity(1 << 14),
            input,
            model,
            cfg: cfg.clone(),
            started_unix,
            last_t_ms: 0.0,
            analyzed: 0,
        })
    }

    /// Appends one frame's line to frames.jsonl.
    pub fn frame(&mut self, rec: &FrameRecord) -> Result<(), LiveError> {
        serde_json::to_writer(&mut self.frames, rec)?;
        self.frames.write_all(b"\n").map_err(io(&self.dir))?;
        self.series.push((rec.t / 1000.0, rec.hip_angle_smoothed));
        self.last_t_ms = rec.t;
        self.analyzed += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), LiveError> {
        self.frames.flush().map_err(io(&self.dir))
    }

    fn session(&self, summary: &SessionSummary) -> Session {
        let mut input = self.input.clone();
        input.duration_s = self.last_t_ms / 1000.0 + 1.0 / input.fps.max(1.0);
        if input.frames == 0 {
            input.frames = self.analyzed;
        }
        let mut s = Session::new(
            summary.clone(),
            input,
            self.model.clone(),
            self.cfg.variation,
            self.cfg.load_kg,
            self.cfg.thresholds,
            self.started_unix,
        );
        // The recording owns everything in session.json but the comments: a coach may add
        // them (`thrustline comment`, review) while it records, and each save keeps them.
        s.comments = self.comments_on_disk();
        s
    }

    /// The comments in the session.json written so far (another process may have added some).
    fn comments_on_disk(&self) -> Vec<thrustline_report::session::Comment> {
        std::fs::read(self.dir.join("session.json"))
            .ok()
            .and_then(|b| Session::from_json(&b).ok())
            .map(|s| s.comments)
            .unwrap_or_default()
    }

    /// Rewrites session.json (and flushes frames.jsonl) so a crash keeps everything up to now.
    pub fn save(&mut self, summary: &SessionSummary) -> Result<PathBuf, LiveError> {
        self.flush()?;
        let p = self.dir.join("session.json");
        atomic::write(&p, &self.session(summary).to_json()?).map_err(io(&p))?;
        Ok(p)
    }

    /// The last save: frame count of the recording, reps.csv, report.html, training log.
    pub fn finish(
        &mut self,
        summary: &SessionSummary,
        recorded: Option<u64>,
        training_log: bool,
    ) -> Result<PathBuf, LiveError> {
        if let Some(n) = recorded {
            self.input.frames = n;
            // Complete: the recording takes its final name.
            let (from, to) = (self.dir.join(VIDEO_PARTIAL), self.dir.join(VIDEO_FILE));
            if from.is_file() {
                std::fs::rename(&from, &to).map_err(io(&to))?;
                self.input.file = VIDEO_FILE.to_string();
            }
        }
        let session = self.session(summary);
        let csv = table::reps_csv(&session).map_err(|e| LiveError::Video(e.to_string()))?;
        let p = self.dir.join("reps.csv");
        atomic::write(&p, &csv).map_err(io(&p))?;
        let p = self.dir.join("report.html");
        atomic::write(&p, html::render(&session, &self.series, &[]).as_bytes()).map_err(io(&p))?;
        self.save(summary)?;
        if training_log && !session.reps.is_empty() {
            let entry = thrustline_log::entry_from(
                &session.reps,
                &session.sets,
                session.partial_reps.len(),
                session.variation,
                session.load_kg,
                &self.dir.display().to_string(),
                session.created_unix_s as i64,
            );
            // The session folder is the record; a log that cannot be written is a warning.
            match thrustline_log::TrainingLog::open_in(&thrustline_log::data_dir()) {
                Ok(mut log) => {
                    if let Err(e) = log.add(&entry) {
                        eprintln!("warning: training log not updated: {e}");
                    }
                }
                Err(e) => eprintln!("warning: training log not updated: {e}"),
            }
        }
        Ok(self.dir.clone())
    }

    /// live.json: what the run measured about itself (latency, drops).
    pub fn write_stats(&self, s: &LiveSummary) -> Result<(), LiveError> {
        let v = serde_json::json!({
            "end": s.end.to_string(),
            "latency_capture_to_overlay_ms": s.latency,
            "frames_captured": s.frames_captured,
            "frames_analyzed": s.frames_analyzed,
            "frames_dropped_before_inference": s.frames_dropped,
        });
        let p = self.dir.join("live.json");
        atomic::write(&p, &serde_json::to_vec_pretty(&v)?).map_err(io(&p))
    }
}
