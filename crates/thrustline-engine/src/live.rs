//! Live coaching: a capture thread (OpenCV `VideoCapture`) feeds a two-slot channel that drops
//! the oldest frame: the pose + core worker absorbs one slow frame while it tracks the lifter,
//! and skips to the newest after a frame spent looking for them; the worker sends
//! overlay-ready frames to the UI (also drop-oldest) and notices. The session writer runs on
//! its own thread (frames.jsonl, session.json after every event, the last save), as does the
//! raw-video recorder (every captured frame in `video.mkv`) and the audio cues: the inference
//! thread only analyzes. A crash loses at most the rep in progress.
//!
//! Notices: events and the rep list may be dropped when the UI falls 256 behind (the rep list
//! is sent whole each time, so the next one repairs it); the latest save and the end of the
//! session each have a slot of their own and are never lost.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, select, Receiver, Sender, TrySendError};
use opencv::core::{Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;
use thrustline_capture::{Frame, FrameSource, SourceInfo, SourceSpec, VideoSource};
use thrustline_core::{Analyzer, Event, FrameMetrics, Landmark, Phase, Rep, SessionSummary, Side};
use thrustline_pose::PoseTracker;
use thrustline_report::folder::FrameLine;
use thrustline_report::session::InputMeta;

use crate::audio::{self, AudioOptions, Cue};
use crate::latency::{self, LatencyStats};
use crate::recorder;
use crate::writer::SessionWriter;
use crate::{EngineError, Lift};

/// Frames between capture and the worker. Two while the lifter is tracked: every analyzed frame
/// carries the rep's timing, and one slow frame (another program took the core) is absorbed
/// instead of lost. With one, `benches/live_latency.sh --load busy-core` dropped a frame
/// mid-set in 1 of 8 runs of the 30 fps clips; with two, none in 6. While the lifter is being
/// looked for, the worker skips to the newest frame ([`skip_stale`]).
const CAPTURE_QUEUE: usize = 2;
/// Frames between the worker and the UI: the UI shows the newest and drops the rest.
const UI_QUEUE: usize = 2;
/// Events and rep lists waiting for the UI; the rep list is sent whole each time, so a lost
/// one is repaired by the next.
const NOTICE_QUEUE: usize = 256;
/// Seconds of frames waiting for the raw-video encoder: it shares the cores with inference,
/// and 1 s at 60 fps (60 frames) lost 66 of the 60 fps clip's 316 frames in one of two idle
/// runs (Intel Xeon, 2 cores, 2026-12-07).
const RECORD_QUEUE_S: f64 = 3.0;
/// The record queue never holds more than this: 3 s of 1080p at 60 fps would be 1.1 GB.
const RECORD_QUEUE_MAX_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// Frames the record queue holds for a stream of `fps` frames of `width`×`height`.
fn record_queue(fps: f64, width: u32, height: u32) -> usize {
    let frame_bytes = (f64::from(width) * f64::from(height) * 3.0).max(1.0);
    let by_time = (fps.clamp(1.0, 240.0) * RECORD_QUEUE_S).ceil();
    by_time.min((RECORD_QUEUE_MAX_BYTES / frame_bytes).floor()).max(2.0) as usize
}
/// Lines and saves waiting for the session writer: 4 s at 60 fps; a full queue blocks the
/// worker (back-pressure: nothing the session records is dropped).
const SINK_QUEUE: usize = 256;
/// Frames shown in the UI are scaled down to this longest side: enough for a full-screen
/// window, and uploads stay cheap.
pub const DISPLAY_MAX_SIDE: i32 = 960;
/// The highest rate the worker analyzes every frame of. Measured with `benches/live_latency.sh`
/// (2-core Xeon and EPYC): 30 fps clips kept up (p99 17–24 ms, none dropped), the 60 fps clip
/// did not (p99 45 ms, a fifth of its frames dropped at random, so reps' timing went uneven).
pub const MAX_ANALYZED_FPS: f64 = 30.0;

/// Every how many captured frames one is analyzed: 1 up to [`MAX_ANALYZED_FPS`] (and a bit
/// over: 40 fps stays whole), 2 for 50–60 fps, 4 for 120. An even cadence keeps the reps'
/// timing and velocities right; every frame is still recorded.
pub fn analysis_stride(fps: f64) -> u32 {
    if !fps.is_finite() || fps <= 0.0 {
        return 1;
    }
    (fps / MAX_ANALYZED_FPS).round().clamp(1.0, 8.0) as u32
}

/// frames.jsonl is flushed at least this often even without events.
const FLUSH_INTERVAL: Duration = Duration::from_secs(2);

#[derive(Clone, Debug)]
pub struct LiveConfig {
    pub source: SourceSpec,
    pub lift: Lift,
    /// Tell the lifter to stop the set once its mean concentric velocity has dropped this much
    /// (percent) from its fastest rep (tone, speech, banner); `None`: never.
    pub stop_at_loss_pct: Option<f32>,
    /// Each session is saved in its own folder under this one, named by its start time.
    pub sessions_dir: PathBuf,
    pub side: Option<Side>,
    pub audio: AudioOptions,
    /// Record the camera's frames to video.mkv.
    pub record_video: bool,
    /// Add the session to the training log when it ends.
    pub training_log: bool,
}

/// What the UI asks of the worker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    StartSet,
    StopSet,
    /// Ends the set and starts the next at once: the counter starts from zero.
    NewSet,
    SetSide(Option<Side>),
    /// Coach someone else from the next frame (a person clicked in the window).
    SetPerson(thrustline_pose::Person),
}

/// One analyzed frame, ready to draw.
#[derive(Clone, Debug)]
pub struct LiveFrame {
    /// RGB pixels at display size.
    pub rgb: Vec<u8>,
    pub width: usize,
    pub height: usize,
    /// Stream time.
    pub t_ms: f64,
    pub index: u64,
    pub captured: Instant,
    pub ready: Instant,
    /// Normalized to the frame, so they draw at any size.
    pub landmarks: Option<Box<[Landmark; 33]>>,
    pub metrics: Option<FrameMetrics>,
    pub hip_angle: Option<f32>,
    pub phase: Phase,
    /// At a top that was not counted (see `FrameAnalysis::top_refused`).
    pub top_refused: bool,
    /// How the camera sees the lifter now (see `FrameAnalysis::view`).
    pub view: Option<thrustline_core::CameraView>,
    pub set: u32,
    pub set_reps: u32,
    pub total_reps: u32,
    pub set_active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EndReason {
    /// A video file reached its end.
    StreamEnded,
    /// The camera or stream stopped delivering frames.
    SourceLost(String),
    /// The user closed the window or pressed Ctrl-C.
    Stopped,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndReason::StreamEnded => write!(f, "end of the video"),
            EndReason::SourceLost(e) => write!(f, "the camera stopped: {e}"),
            EndReason::Stopped => write!(f, "stopped"),
        }
    }
}

/// What the session came to, when it ends.
#[derive(Clone, Debug)]
pub struct LiveSummary {
    pub dir: PathBuf,
    pub reps: usize,
    pub partials: usize,
    pub end: EndReason,
    pub latency: LatencyStats,
    pub frames_captured: u64,
    pub frames_analyzed: u64,
    /// Frames meant for analysis that the worker was too busy for (the skipped ones of an
    /// even cadence are not counted).
    pub frames_dropped: u64,
    /// One in this many captured frames was analyzed ([`analysis_stride`]).
    pub stride: u32,
    /// The saved session's warnings, worded as its report words them.
    pub warnings: Vec<String>,
    /// What the raw recording holds, when it was made.
    pub recorded: Option<recorder::Recorded>,
}

#[derive(Clone, Debug)]
pub enum Notice {
    Event {
        t_ms: f64,
        event: Event,
    },
    /// Every rep so far, after any change (counted, faults judged).
    Reps(Vec<Rep>),
    Saved(PathBuf),
    /// What `--variation auto` saw once reps were counted (a bench or the floor, single-leg).
    Seen(thrustline_core::Variation),
    /// The set has slowed past `stop_at_loss_pct`: the rep just done was the last good one.
    StopSet {
        set: u32,
        loss_pct: f32,
    },
    Ended(LiveSummary),
    Failed(String),
}

/// A sender that makes room by dropping the oldest queued item instead of blocking.
struct DropOldest<T> {
    tx: Sender<T>,
    rx: Receiver<T>,
    dropped: Arc<AtomicU64>,
}

impl<T> Clone for DropOldest<T> {
    fn clone(&self) -> Self {
        Self { tx: self.tx.clone(), rx: self.rx.clone(), dropped: self.dropped.clone() }
    }
}

impl<T> DropOldest<T> {
    fn new(cap: usize) -> (Self, Receiver<T>) {
        let (tx, rx) = bounded(cap);
        (Self { tx, rx: rx.clone(), dropped: Arc::new(AtomicU64::new(0)) }, rx)
    }

    fn send(&self, mut v: T) {
        loop {
            match self.tx.try_send(v) {
                Ok(()) | Err(TrySendError::Disconnected(_)) => return,
                Err(TrySendError::Full(back)) => {
                    if self.rx.try_recv().is_ok() {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    v = back;
                }
            }
        }
    }
}

/// After a frame spent looking for the lifter (the person detector ran: up to three runs,
/// several frames' time), frames queued behind it are stale and nothing is measured yet:
/// the worker goes on with the newest, as a one-frame queue would. Returns the capture's
/// end if it was queued.
fn skip_stale(frames: &Receiver<Captured>, dropped: &AtomicU64) -> Option<EndReason> {
    while frames.len() > 1 {
        match frames.try_recv() {
            Ok(Captured::Frame(..)) => {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Captured::End(reason)) => return Some(reason),
            Err(_) => break,
        }
    }
    None
}

enum Captured {
    Frame(Arc<Frame>, Instant),
    End(EndReason),
}

/// A running live session. Dropping it stops it (and saves).
pub struct Engine {
    cmd: Sender<Command>,
    running: Arc<AtomicBool>,
    frames: Receiver<LiveFrame>,
    notices: Receiver<Notice>,
    saved: Receiver<Notice>,
    end: Receiver<Notice>,
    worker: Option<JoinHandle<Result<LiveSummary, EngineError>>>,
    capture: Option<JoinHandle<()>>,
    pub info: SourceInfo,
    /// One in this many captured frames is analyzed ([`analysis_stride`]).
    pub stride: u32,
    pub dir: PathBuf,
    mute: Arc<AtomicBool>,
    speech: Arc<AtomicBool>,
}

/// Where the worker's notices go: events and rep lists (dropped when the UI is far behind) and
/// the end (sent once). The latest save has a slot of its own, filled by the session writer.
struct Notices {
    events: Sender<Notice>,
    end: Sender<Notice>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Notices {
    fn event(&self, n: Notice) {
        if self.events.try_send(n).is_err() {
            tracing::debug!("UI far behind: a notice was dropped (the next rep list repairs it)");
        }
    }
}

impl Engine {
    /// Opens the source and the models (errors here are the user's: a missing camera, a
    /// missing model) and starts the threads. `wake` is called whenever there is something
    /// new to show (the UI's `request_repaint`).
    pub fn start(cfg: LiveConfig, wake: Arc<dyn Fn() + Send + Sync>) -> Result<Self, EngineError> {
        cfg.audio.check()?;
        let mut src: Box<dyn FrameSource> = Box::new(VideoSource::open(&cfg.source)?);
        let info = src.info().clone();
        let tracker = PoseTracker::new(cfg.lift.pose.clone())?;
        let model = crate::setup::model_meta(tracker.config())?;
        let started_unix = crate::lift::now_unix();
        let dir = recorder::session_dir(&cfg.sessions_dir, started_unix)?;
        let running = Arc::new(AtomicBool::new(true));
        let (cap_tx, cap_rx) = DropOldest::<Captured>::new(CAPTURE_QUEUE);
        let capture_dropped = cap_tx.dropped.clone();
        let (rec_tx, rec_rx) = bounded::<Arc<Frame>>(record_queue(info.fps, info.width, info.height));
        let video = if cfg.record_video {
            Some(recorder::spawn_video(dir.join(recorder::VIDEO_PARTIAL), info.fps, rec_rx)?)
        } else {
            drop(rec_rx);
            None
        };
        let captured = Arc::new(AtomicU64::new(0));
        let stride = analysis_stride(info.fps);

        let capture = {
            let running = running.clone();
            let captured = captured.clone();
            let pace = cfg.source.is_file();
            let record = cfg.record_video;
            let stride = u64::from(stride);
            std::thread::Builder::new()
                .name("capture".into())
                .spawn(move || {
                    let t0 = Instant::now();
                    // A played file's clock starts at its first frame, as a camera's does: timed
                    // from opening, the first decode's delay made the next frames arrive at once.
                    let mut played_from: Option<Instant> = None;
                    let end = loop {
                        if !running.load(Ordering::SeqCst) {
                            break EndReason::Stopped;
                        }
                        match src.next_frame() {
                            Ok(Some(mut f)) => {
                                if pace {
                                    // A file stands in for a camera: frames arrive at its own rate.
                                    let offset = Duration::from_secs_f64(f.t_ms.max(0.0) / 1000.0);
                                    let origin = *played_from.get_or_insert_with(|| {
                                        Instant::now().checked_sub(offset).unwrap_or(t0)
                                    });
                                    let due = origin + offset;
                                    let now = Instant::now();
                                    if due > now {
                                        std::thread::sleep(due - now);
                                    }
                                } else {
                                    // Camera stamps vary by driver; the arrival time is what the lifter lives by.
                                    f.t_ms = t0.elapsed().as_secs_f64() * 1000.0;
                                }
                                let at = Instant::now();
                                let f = Arc::new(f);
                                let index = captured.fetch_add(1, Ordering::Relaxed);
                                if record {
                                    // The encoder falling behind by a full queue costs a recorded
                                    // frame (counted, the video's clock kept), never a live one.
                                    let _ = rec_tx.try_send(f.clone());
                                }
                                if index.is_multiple_of(stride) {
                                    cap_tx.send(Captured::Frame(f, at));
                                }
                            }
                            // A camera or stream has no end of its own: no more frames means it was lost.
                            Ok(None) if pace => break EndReason::StreamEnded,
                            Ok(None) => break EndReason::SourceLost("no more frames".into()),
                            Err(e) => break EndReason::SourceLost(e.to_string()),
                        }
                    };
                    drop(rec_tx);
                    cap_tx.send(Captured::End(end));
                })
                .map_err(|e| EngineError::Io("capture thread".into(), e))?
        };

        let (cmd_tx, cmd_rx) = bounded::<Command>(16);
        let (ui_tx, ui_rx) = DropOldest::<LiveFrame>::new(UI_QUEUE);
        let (note_tx, note_rx) = bounded::<Notice>(NOTICE_QUEUE);
        let (saved_tx, saved_rx) = DropOldest::<Notice>::new(1);
        let (end_tx, end_rx) = bounded::<Notice>(1);
        let notices = Notices { events: note_tx, end: end_tx, wake };
        let audio = audio::Audio::new(&cfg.audio);
        let mute = audio.mute_switch();
        let speech = audio.speech_switch();
        // A video file played as the camera is recorded like analyze's original; a camera or a
        // stream by its name.
        let played = match &cfg.source {
            thrustline_capture::SourceSpec::File(p) if !cfg.record_video => {
                thrustline_report::session::original(p).ok()
            }
            _ => None,
        };
        let input = InputMeta {
            file: match (&played, cfg.record_video) {
                (_, true) => recorder::VIDEO_PARTIAL.to_string(),
                (Some((f, _, _)), false) => f.clone(),
                (None, false) => cfg.source.to_string(),
            },
            size_bytes: played.as_ref().map(|p| p.1),
            sha256: played.as_ref().map(|p| p.2.clone()),
            // Live is recorded as it is trained: the session's own start.
            recorded_unix_s: None,
            duration_s: 0.0,
            fps: info.fps,
            width: info.width,
            height: info.height,
            frames: 0,
        };
        let meta = cfg.lift.session_meta(input, model, started_unix);
        let sink = Sink::spawn(SessionWriter::create(&dir, meta, Vec::new())?, saved_tx)?;
        // A recorded file played live is judged against the picture inside its bars, as analyze does.
        let picture = crate::picture::Picture::of(&info);
        let mut analyzer = cfg.lift.analyzer(picture.geometry());
        analyzer.set_side(cfg.side);
        let mut worker = Worker {
            analyzer,
            picture,
            cfg,
            tracker,
            audio,
            ui: ui_tx,
            notices,
            sink,
            set_active: true,
            latency: latency::Recorder::new(),
            analyzed: 0,
            last_reps: Vec::new(),
            stop_cued: None,
            stride,
            seen: None,
        };
        let worker = {
            let running = running.clone();
            std::thread::Builder::new()
                .name("pose".into())
                .spawn(move || {
                    // A panic (a library's, ours have none) must still end the session with an
                    // error: unwinding dropped the notice senders, and the window and the
                    // terminal waited on closed channels, spinning a core, forever.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        worker.run(&cap_rx, &cmd_rx, &running, video, &captured, &capture_dropped)
                    }))
                    .unwrap_or(Err(EngineError::Worker("pose")));
                    running.store(false, Ordering::SeqCst);
                    // Capacity one, sent once: the end always arrives.
                    let _ = worker.notices.end.try_send(match &r {
                        Ok(s) => Notice::Ended(s.clone()),
                        Err(e) => Notice::Failed(e.to_string()),
                    });
                    (worker.notices.wake)();
                    r
                })
                .map_err(|e| EngineError::Io("pose thread".into(), e))?
        };
        Ok(Self {
            cmd: cmd_tx,
            running,
            frames: ui_rx,
            notices: note_rx,
            saved: saved_rx,
            end: end_rx,
            worker: Some(worker),
            capture: Some(capture),
            stride,
            info,
            dir,
            mute,
            speech,
        })
    }

    /// Passes a command to the worker; a worker 16 commands behind (stalled) drops it, said.
    pub fn send(&self, c: Command) {
        if let Err(e) = self.cmd.try_send(c) {
            tracing::warn!("{:?} not delivered: the pose worker is not keeping up", e.into_inner());
        }
    }

    /// The newest analyzed frame, if one arrived since the last call.
    pub fn latest_frame(&self) -> Option<LiveFrame> {
        self.frames.try_iter().last()
    }

    /// Every notice since the last call, in order: events and rep lists, the latest save, the
    /// end.
    pub fn notices(&self) -> Vec<Notice> {
        let mut v: Vec<Notice> = self.notices.try_iter().collect();
        v.extend(self.saved.try_iter());
        v.extend(self.end.try_iter());
        v
    }

    /// Blocks for the next notice (headless use).
    pub fn wait_notice(&self, timeout: Duration) -> Option<Notice> {
        select! {
            recv(self.notices) -> n => n.ok(),
            recv(self.saved) -> n => n.ok(),
            recv(self.end) -> n => n.ok(),
            default(timeout) => None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    pub fn set_muted(&self, m: bool) {
        self.mute.store(m, Ordering::Relaxed);
    }

    pub fn set_speech(&self, s: bool) {
        self.speech.store(s, Ordering::Relaxed);
    }

    /// Stops capture, lets the worker save the session, and returns what it came to.
    pub fn stop(&mut self) -> Result<LiveSummary, EngineError> {
        self.running.store(false, Ordering::SeqCst);
        if let Some(c) = self.capture.take() {
            let _ = c.join();
        }
        match self.worker.take() {
            Some(w) => w.join().map_err(|_| EngineError::Worker("pose"))?,
            None => Err(EngineError::Worker("pose")),
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if self.worker.is_some() {
            if let Err(e) = self.stop() {
                tracing::error!("live session not saved cleanly: {e}");
            }
        }
    }
}

/// What the session writer's thread is asked to do.
enum SinkMsg {
    Frame(Box<FrameLine>),
    Flush,
    Save(Box<SessionSummary>),
    /// The last save; `recorded`: frames in the complete raw video.
    Finish {
        summary: Box<SessionSummary>,
        recorded: Option<u64>,
        training_log: bool,
    },
}

/// The session writer on its own thread, off the inference thread.
struct Sink {
    tx: Sender<SinkMsg>,
    handle: Option<JoinHandle<Result<PathBuf, EngineError>>>,
}

impl Sink {
    fn spawn(mut w: SessionWriter, saved: DropOldest<Notice>) -> Result<Self, EngineError> {
        let (tx, rx) = bounded::<SinkMsg>(SINK_QUEUE);
        let handle = std::thread::Builder::new()
            .name("session-writer".into())
            .spawn(move || -> Result<PathBuf, EngineError> {
                for m in rx.iter() {
                    match m {
                        SinkMsg::Frame(l) => w.frame(&l)?,
                        SinkMsg::Flush => w.flush()?,
                        SinkMsg::Save(s) => saved.send(Notice::Saved(w.save(&s)?)),
                        SinkMsg::Finish { summary, recorded, training_log } => {
                            if let Some(n) = recorded {
                                complete_recording(&mut w, n)?;
                            }
                            let dir = w.dir().to_path_buf();
                            let log_as = dir.display().to_string();
                            w.finish(&summary, &[], training_log.then_some(log_as.as_str()))?;
                            saved.send(Notice::Saved(dir.join(thrustline_report::folder::SESSION_FILE)));
                            return Ok(dir);
                        }
                    }
                }
                Err(EngineError::Worker("session writer"))
            })
            .map_err(|e| EngineError::Io("session writer thread".into(), e))?;
        Ok(Self { tx, handle: Some(handle) })
    }

    /// Queues a message; the writer gone (it failed) is reported when the sink is finished.
    fn send(&self, m: SinkMsg) {
        let _ = self.tx.send(m);
    }

    /// The last save, and the writer's result.
    fn finish(
        &mut self,
        summary: SessionSummary,
        recorded: Option<u64>,
        training_log: bool,
    ) -> Result<PathBuf, EngineError> {
        self.send(SinkMsg::Finish { summary: Box::new(summary), recorded, training_log });
        let handle = self.handle.take().ok_or(EngineError::Worker("session writer"))?;
        handle.join().map_err(|_| EngineError::Worker("session writer"))?
    }
}

/// The raw recording is complete: it takes its final name and the session points at it.
fn complete_recording(w: &mut SessionWriter, frames: u64) -> Result<(), EngineError> {
    w.input_mut().frames = frames;
    let (from, to) = (w.dir().join(recorder::VIDEO_PARTIAL), w.dir().join(recorder::VIDEO_FILE));
    if from.is_file() {
        std::fs::rename(&from, &to).map_err(|e| EngineError::Io(to.display().to_string(), e))?;
        w.input_mut().file = recorder::VIDEO_FILE.to_string();
    }
    Ok(())
}

struct Worker {
    cfg: LiveConfig,
    tracker: PoseTracker,
    analyzer: Analyzer,
    /// What the lifter is judged against: the picture inside a file's black bars.
    picture: crate::picture::Picture,
    audio: audio::Audio,
    ui: DropOldest<LiveFrame>,
    notices: Notices,
    sink: Sink,
    set_active: bool,
    latency: latency::Recorder,
    analyzed: u64,
    last_reps: Vec<Rep>,
    /// The set already told to stop (once per set).
    stop_cued: Option<u32>,
    /// One in this many captured frames reaches the worker.
    stride: u32,
    /// The variation last told to the UI.
    seen: Option<thrustline_core::Variation>,
}

impl Worker {
    fn run(
        &mut self,
        frames: &Receiver<Captured>,
        cmds: &Receiver<Command>,
        running: &AtomicBool,
        video: Option<JoinHandle<Result<recorder::Recorded, EngineError>>>,
        captured: &AtomicU64,
        dropped: &AtomicU64,
    ) -> Result<LiveSummary, EngineError> {
        let mut last_flush = Instant::now();
        let end = loop {
            select! {
                recv(cmds) -> c => if let Ok(c) = c { self.command(c); },
                recv(frames) -> m => match m {
                    Ok(Captured::Frame(f, at)) => {
                        let searched = self.frame(&f, at)?;
                        if searched {
                            if let Some(reason) = skip_stale(frames, dropped) {
                                break reason;
                            }
                        }
                        if last_flush.elapsed() > FLUSH_INTERVAL {
                            self.sink.send(SinkMsg::Flush);
                            last_flush = Instant::now();
                        }
                    }
                    Ok(Captured::End(reason)) => break reason,
                    Err(_) => break EndReason::Stopped,
                },
            }
            if !running.load(Ordering::SeqCst) && frames.is_empty() {
                // Capture was told to stop; its End message is on the way.
                if let Ok(Captured::End(reason)) = frames.recv_timeout(Duration::from_secs(2)) {
                    break reason;
                }
                break EndReason::Stopped;
            }
        };
        let recorded = match video.map(|v| v.join()) {
            Some(Ok(Ok(r))) => Some(r),
            // The analysis is kept even when the recording failed.
            Some(Ok(Err(e))) => {
                tracing::warn!("video not recorded: {e}");
                None
            }
            Some(Err(_)) => {
                tracing::warn!("video not recorded: the recording thread failed");
                None
            }
            None => None,
        };
        let summary = self.analyzer.close();
        // The window's rep table as saved: a rep closed at the end gains its top's figures.
        if summary.reps != self.last_reps {
            self.last_reps.clone_from(&summary.reps);
            self.notices.event(Notice::Reps(summary.reps.clone()));
        }
        let (reps, partials) = (summary.reps.len(), summary.partial_reps.len());
        let mut warnings: Vec<String> = summary.worded_warnings().map(|(_, m)| m).collect();
        // No rep and no warning to say why: the end screen says it, as the report does.
        if let Some(why) = summary.why_no_rep() {
            warnings.push(format!("No rep counted: {why}."));
        }
        if let Some(r) = recorded.filter(|r| r.span > r.frames) {
            warnings.push(format!(
                "The recording missed {} of {} frames: the computer could not encode them in time (the frame before each stays on screen for it, so the video keeps the set's times). Close other programs, or record with a lower resolution or frame rate.",
                r.span - r.frames,
                r.span
            ));
        }
        let dir = self.sink.finish(summary, recorded.map(|r| r.span), self.cfg.training_log)?;
        self.audio.finish()?;
        let out = LiveSummary {
            dir,
            reps,
            partials,
            end,
            latency: self.latency.stats(),
            frames_captured: captured.load(Ordering::Relaxed),
            frames_analyzed: self.analyzed,
            frames_dropped: dropped.load(Ordering::Relaxed),
            stride: self.stride,
            warnings,
            recorded,
        };
        recorder::write_stats(&out)?;
        Ok(out)
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::StartSet => self.set_active = true,
            Command::StopSet => {
                self.set_active = false;
                self.end_set();
            }
            Command::NewSet => {
                self.set_active = true;
                self.end_set();
            }
            Command::SetSide(s) => {
                self.cfg.side = s;
                self.analyzer.set_side(s);
            }
            Command::SetPerson(p) => {
                self.cfg.lift.pose.person = p;
                self.tracker.set_person(p);
            }
        }
    }

    /// Once per set, when its velocity loss passes the lifter's limit: the stop cue.
    fn check_velocity_loss(&mut self, set: u32, t_ms: f64) {
        let Some(limit) = self.cfg.stop_at_loss_pct else { return };
        if self.stop_cued == Some(set) {
            return;
        }
        let loss = thrustline_core::session::set_velocity_loss_pct(self.analyzer.reps(), set);
        if let Some(loss_pct) = loss.filter(|l| *l >= limit) {
            self.stop_cued = Some(set);
            self.audio.cue(Cue::StopSet, t_ms);
            self.notices.event(Notice::StopSet { set, loss_pct });
        }
    }

    fn set_reps(&self, set: u32) -> u32 {
        self.analyzer.reps().iter().filter(|r| r.set == set).count() as u32
    }

    fn end_set(&mut self) {
        if let Some(set) = self.analyzer.end_set() {
            self.notices.event(Notice::Event { t_ms: 0.0, event: Event::SetEnded { set } });
        }
        self.sink.send(SinkMsg::Save(Box::new(self.analyzer.summary())));
    }

    /// Analyzes one frame; true when it was spent looking for the lifter (nobody tracked
    /// before it).
    fn frame(&mut self, f: &Frame, captured_at: Instant) -> Result<bool, EngineError> {
        let pose = self.tracker.process(&f.rgb, f.t_ms)?;
        let searched = pose.as_ref().is_none_or(|p| p.detected);
        crate::lift::sample_luma(&mut self.analyzer, f, &mut self.picture);
        let obs = pose.as_ref().map(|p| self.picture.observation(p));
        // Between sets the skeleton and angles still show, measured as in a set; nothing is
        // counted, but the setup is still checked: that is when it gets fixed.
        let mut fa = if self.set_active {
            self.analyzer.update(f.t_ms, obs.as_ref())
        } else {
            self.analyzer.observe(f.t_ms, obs.as_ref())
        };
        if !self.set_active {
            if let Some(e) = self.analyzer.check_setup(f.t_ms, obs.as_ref()) {
                fa.events.push(e);
            }
        }
        self.analyzed += 1;
        self.sink.send(SinkMsg::Frame(Box::new(FrameLine::new(&fa, pose.as_ref().map(|p| &p.landmarks)))));
        let mut changed = false;
        for e in fa.events.iter() {
            match *e {
                // Spoken as the rep's number within its set, like the counter.
                Event::RepCounted { .. } => self.audio.cue(Cue::Rep(self.set_reps(fa.set)), f.t_ms),
                Event::FaultRaised { id, .. } => self.audio.cue(Cue::Fault(id), f.t_ms),
                Event::Setup { issue: Some(i) } => self.audio.cue(Cue::Setup(i), f.t_ms),
                _ => {}
            }
            self.notices.event(Notice::Event { t_ms: f.t_ms, event: *e });
            changed = true;
        }
        // Faults judged at the bottom (lowering) change a rep without an event of their own.
        if changed || self.analyzer.reps() != self.last_reps.as_slice() {
            self.last_reps = self.analyzer.reps().to_vec();
            self.notices.event(Notice::Reps(self.last_reps.clone()));
            let summary = self.analyzer.summary();
            if let Some(v) = summary.seen_variation.filter(|v| self.seen != Some(*v)) {
                self.seen = Some(v);
                self.notices.event(Notice::Seen(v));
            }
            self.sink.send(SinkMsg::Save(Box::new(summary)));
            self.check_velocity_loss(fa.set, f.t_ms);
        }
        let (rgb, w, h) = display_pixels(f.rgb.mat())?;
        let ready = Instant::now();
        self.latency.add(ready.duration_since(captured_at));
        self.ui.send(LiveFrame {
            rgb,
            width: w,
            height: h,
            t_ms: f.t_ms,
            index: f.index,
            captured: captured_at,
            ready,
            landmarks: pose.as_ref().map(|p| Box::new(p.landmarks)),
            metrics: fa.metrics,
            hip_angle: fa.hip_angle_smoothed,
            phase: fa.phase,
            top_refused: fa.top_refused,
            view: fa.view,
            set: fa.set,
            set_reps: self.set_reps(fa.set),
            total_reps: fa.reps,
            set_active: self.set_active,
        });
        (self.notices.wake)();
        Ok(searched)
    }
}

/// The frame's RGB bytes at display size.
fn display_pixels(rgb: &Mat) -> Result<(Vec<u8>, usize, usize), EngineError> {
    let (w, h) = (rgb.cols(), rgb.rows());
    let long = w.max(h);
    if long > DISPLAY_MAX_SIDE {
        let s = f64::from(DISPLAY_MAX_SIDE) / f64::from(long);
        let size = Size::new((f64::from(w) * s).round() as i32, (f64::from(h) * s).round() as i32);
        let mut small = Mat::default();
        // Bilinear: at 0.75 (1280 → 960) area averaging takes OpenCV's slow fractional path,
        // on the pose thread and inside the lifter's latency; the window scales it again anyway.
        imgproc::resize(rgb, &mut small, size, 0.0, 0.0, imgproc::INTER_LINEAR)?;
        Ok((small.data_bytes()?.to_vec(), size.width as usize, size.height as usize))
    } else if rgb.is_continuous() {
        Ok((rgb.data_bytes()?.to_vec(), w as usize, h as usize))
    } else {
        let c = rgb.try_clone()?;
        Ok((c.data_bytes()?.to_vec(), w as usize, h as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_cameras_are_analyzed_at_an_even_cadence() {
        for (fps, stride) in
            [(0.0, 1), (f64::NAN, 1), (24.0, 1), (30.0, 1), (40.0, 1), (50.0, 2), (60.0, 2), (120.0, 4)]
        {
            assert_eq!(analysis_stride(fps), stride, "{fps} fps");
        }
        assert_eq!(crate::terminal::cadence(2, 60.0), ", every 2nd frame analyzed (30 fps)");
        assert_eq!(crate::terminal::cadence(1, 30.0), "");
    }
}
