//! One session writer for live and offline: a session folder is created, frames are appended
//! as they are analyzed, the session is saved on events (live) and finished once, always in
//! the same layout: `frames.jsonl`, `session.json` (written atomically, last on finish: its
//! presence means the folder is complete), `reps.csv`, `report.html`, `keyframes/` and the
//! training-log entry.
//!
//! frames.jsonl is streamed into a temp file beside it (`.frames.jsonl.<pid>.tmp`, swept when
//! a killed run left it) and takes its name at the first save: an interrupted analysis leaves
//! no half file under the final name, and a live session's file grows in place after that.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use thrustline_core::{SessionSummary, Thresholds, Variation};
use thrustline_report::folder::{self, FrameLine};
use thrustline_report::html::{self, KeyFrame};
use thrustline_report::session::{Comment, InputMeta, ModelMeta, Session};
use thrustline_report::{atomic, table};

use crate::EngineError;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
    move |e| EngineError::Io(path.display().to_string(), e)
}

/// What a session is about, known when it starts.
#[derive(Clone, Debug)]
pub struct SessionMeta {
    /// `frames` and `duration_s` are filled in from the frames written.
    pub input: InputMeta,
    pub model: ModelMeta,
    pub variation: Variation,
    pub load_kg: Option<f64>,
    pub load_unit: thrustline_core::units::LoadUnit,
    pub thresholds: Thresholds,
    pub created_unix: u64,
}

pub struct SessionWriter {
    dir: PathBuf,
    frames_tmp: PathBuf,
    frames: BufWriter<File>,
    /// frames.jsonl has taken its final name.
    published: bool,
    series: Vec<(f64, Option<f32>)>,
    meta: SessionMeta,
    /// Comments of a session this one replaces (a re-analysis keeps them).
    carried: Vec<Comment>,
    last_t_ms: f64,
    written: u64,
}

impl SessionWriter {
    /// Starts writing a session into `dir` (which must exist).
    pub fn create(dir: &Path, meta: SessionMeta, carried: Vec<Comment>) -> Result<Self, EngineError> {
        let frames_tmp = dir.join(format!(".{}.{}.tmp", folder::FRAMES_FILE, std::process::id()));
        let file = File::create(&frames_tmp).map_err(io(&frames_tmp))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            frames_tmp,
            frames: BufWriter::with_capacity(1 << 16, file),
            published: false,
            series: Vec::with_capacity(1 << 14),
            meta,
            carried,
            last_t_ms: 0.0,
            written: 0,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Frames written so far.
    pub fn frames_written(&self) -> u64 {
        self.written
    }

    /// Appends one frame's line.
    pub fn frame(&mut self, line: &FrameLine) -> Result<(), EngineError> {
        // Errors name frames.jsonl, the file the user knows, not its temp name.
        let dir = &self.dir;
        let shown =
            |e: std::io::Error| EngineError::Io(dir.join(folder::FRAMES_FILE).display().to_string(), e);
        serde_json::to_writer(&mut self.frames, line).map_err(|e| shown(e.into()))?;
        self.frames.write_all(b"\n").map_err(shown)?;
        self.series.push((line.t / 1000.0, line.hip_angle_smoothed));
        self.last_t_ms = line.t;
        self.written += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), EngineError> {
        self.frames.flush().map_err(io(&self.dir.join(folder::FRAMES_FILE)))
    }

    /// The input as recorded so far (the live recording renames its video, offline learns the
    /// frame count it read).
    pub fn input_mut(&mut self) -> &mut InputMeta {
        &mut self.meta.input
    }

    /// The session as it stands: the summary with what the folder knows.
    pub fn session(&self, summary: &SessionSummary) -> Session {
        let m = &self.meta;
        let mut input = m.input.clone();
        input.duration_s =
            if self.written > 0 { self.last_t_ms / 1000.0 + 1.0 / input.fps.max(1.0) } else { 0.0 };
        if input.frames == 0 {
            input.frames = self.written;
        }
        let mut s = Session::new(
            summary.clone(),
            input,
            m.model.clone(),
            m.variation,
            m.load_kg,
            m.thresholds,
            m.created_unix,
        );
        s.load_unit = m.load_kg.map(|_| m.load_unit);
        // The writer owns everything in session.json but the comments: a coach may add them
        // (`thrustline comment`, review) while it records, and each save keeps them.
        s.comments = self.comments_on_disk().unwrap_or_else(|| self.carried.clone());
        s
    }

    /// The comments in the session.json written so far (another process may have added some).
    fn comments_on_disk(&self) -> Option<Vec<Comment>> {
        let b = std::fs::read(self.dir.join(folder::SESSION_FILE)).ok()?;
        Session::from_json(&b).ok().map(|s| s.comments)
    }

    /// frames.jsonl (flushed, under its final name) and session.json as they stand, so a crash
    /// keeps everything up to now.
    pub fn save(&mut self, summary: &SessionSummary) -> Result<PathBuf, EngineError> {
        self.publish_frames()?;
        let p = self.dir.join(folder::SESSION_FILE);
        atomic::write(&p, &self.session(summary).to_json()?).map_err(io(&p))?;
        Ok(p)
    }

    fn publish_frames(&mut self) -> Result<(), EngineError> {
        self.flush()?;
        if !self.published {
            let to = self.dir.join(folder::FRAMES_FILE);
            // The open file keeps its handle across the rename: later lines land in place.
            std::fs::rename(&self.frames_tmp, &to).map_err(io(&to))?;
            self.published = true;
        }
        Ok(())
    }

    /// The last write: reps.csv, report.html, key frames, then session.json. With `log_as`
    /// (the source's name in the log), the training log gets the session when a lifter was in
    /// it; a log that cannot be written is a warning: the folder is the record.
    pub fn finish(
        mut self,
        summary: &SessionSummary,
        keyframes: &[KeyFrame],
        log_as: Option<&str>,
    ) -> Result<Session, EngineError> {
        let session = self.session(summary);
        let p = self.dir.join("reps.csv");
        atomic::write(&p, &table::reps_csv(&session)?).map_err(io(&p))?;
        let p = self.dir.join(folder::REPORT_FILE);
        atomic::write(&p, html::render(&session, &self.series, keyframes).as_bytes()).map_err(io(&p))?;
        // Kept beside the report so review can rebuild it with the coach's comments.
        folder::write_keyframes(&self.dir, keyframes)?;
        self.save(summary)?;
        if let Some(source) = log_as {
            if let Err(e) = log_session(&session, source, &self.dir) {
                tracing::warn!("training log not updated: {e}");
            }
        }
        Ok(session)
    }

    /// Gives up on the session (an error or an interruption): the unnamed frames file goes.
    pub fn abandon(self) {
        if !self.published {
            let _ = std::fs::remove_file(&self.frames_tmp);
        }
    }
}

/// Adds a session to the training log when it holds training: at least one rep (a video of
/// nobody, a look-alike or a clip too short for a rep is not a workout). Dated by when it was
/// recorded; the same recording analyzed again replaces its entry (`workout`: the video's
/// sha256, else the session folder).
pub fn log_session(s: &Session, source: &str, dir: &Path) -> Result<(), thrustline_log::LogError> {
    if s.reps.is_empty() {
        return Ok(());
    }
    let entry = thrustline_log::entry_from(
        &s.reps,
        &s.sets,
        s.partial_reps.len(),
        s.variation,
        s.load_kg,
        source,
        s.input.recorded_unix_s.unwrap_or(s.created_unix_s as i64),
    );
    let workout = s.input.sha256.clone().unwrap_or_else(|| {
        std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()).display().to_string()
    });
    let entry = thrustline_log::Entry { workout: Some(workout), load_unit: s.load_unit, ..entry };
    thrustline_log::TrainingLog::open_in(&thrustline_log::data_dir())?.add(&entry).map(|_| ())
}
