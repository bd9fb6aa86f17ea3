//! Offline analysis of recorded videos: decode → pose → core + writers as pipelined stages
//! over bounded channels. A full channel blocks its producer, so no frame is ever dropped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::bounded;
use opencv::core::{Mat, Size, Vector};
use opencv::prelude::*;
use opencv::{imgcodecs, imgproc};
use thrustline_capture::{Frame, FrameSource, VideoSource};
use thrustline_core::{Event, FrameGeometry, Phase};
use thrustline_pose::{PoseFrame, PoseMask, PoseTracker, DEFAULT_THREADS};
use thrustline_report::folder::{self, FrameLine};
use thrustline_report::html::KeyFrame;
use thrustline_report::session::{Comment, InputMeta, ModelMeta, Session};
use thrustline_report::{atomic, draw, video};

use crate::writer::SessionWriter;
use crate::{EngineError, Lift};

/// Frames in flight between two stages: enough to absorb jitter, small enough for memory.
const STAGE_QUEUE: usize = 8;
/// Key frames in the report are scaled to this height.
const KEYFRAME_HEIGHT: i32 = 360;
/// JPEG quality of report key frames.
const KEYFRAME_QUALITY: i32 = 80;
/// One frame in this many near the top of a rep gets a segmentation mask (each costs a second
/// landmark-model run); 5 per second at 30 fps is plenty for a hold of half a second or more.
const MASK_EVERY: u64 = 6;
/// Frames read under this share of what the container claims: a truncated file (containers'
/// counts are estimates from the duration, off by a frame or two).
const TRUNCATED_SHARE: f64 = 0.98;
/// At most this many key frames per report (lockouts first, then faults).
const MAX_KEYFRAMES: usize = 48;
/// The annotated video's temp name until it holds every frame.
const ANNOTATED_TMP: &str = ".annotated.tmp.mp4";
const ANNOTATED: &str = "annotated.mp4";

/// Frames of this many pixels or more leave no core to a second inference thread where the
/// machine has no more cores than [`DEFAULT_THREADS`]: decoding them and drawing and encoding
/// the annotated video fill one. `thrustline analyze` on the 22 shared clips (medians of 3,
/// AMD EPYC (family 26, model 2), 2 cores, 2026-12-06): the 13 clips of 0.66–0.92 MP up to 12 %
/// faster on one thread (median 7 %, one 1 % slower), two 1080p copies 2–9 %; 0.24–0.52 MP
/// within ±6 %; 0.07–0.2 MP 14–18 % slower; with `--no-video` two 720p clips 12–17 % slower
/// (nothing else fills the core).
const ONE_THREAD_MIN_PIXELS: u64 = 600_000;

/// The inference threads per model for `videos` on `cores` cores, given each video's frame
/// size in pixels and its frame count: one where an annotated video is drawn and most of the
/// frames are large enough for that to fill the other core ([`ONE_THREAD_MIN_PIXELS`]), else
/// [`DEFAULT_THREADS`]. The landmarks are the same either way (`thrustline_pose::threads`);
/// only the speed differs.
pub fn threads_for(cores: usize, annotated: bool, videos: &[(u64, u64)]) -> usize {
    let (large, small) = videos.iter().fold((0u64, 0u64), |(l, s), &(px, n)| {
        // A container that does not say its length still counts as one frame.
        let n = n.max(1);
        if px >= ONE_THREAD_MIN_PIXELS {
            (l + n, s)
        } else {
            (l, s + n)
        }
    });
    if annotated && cores <= DEFAULT_THREADS && large > small {
        1
    } else {
        DEFAULT_THREADS
    }
}

/// [`threads_for`] this machine's cores and `videos` as their headers describe them; a video
/// that does not open is left out (its analysis reports why).
pub fn default_threads(videos: &[PathBuf], annotated: bool) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let sizes: Vec<(u64, u64)> = videos
        .iter()
        .filter_map(|v| VideoSource::open_file(v).ok())
        .map(|s| {
            let i = s.info();
            (u64::from(i.width) * u64::from(i.height), i.frame_count)
        })
        .collect();
    threads_for(cores, annotated, &sizes)
}

/// How to analyze.
#[derive(Clone, Debug)]
pub struct OfflineConfig {
    pub lift: Lift,
    /// The annotated video's longest side (0: the input's size); `None`: no annotated video.
    pub video_size: Option<u32>,
    /// Measure the back's outline near the top of each rep (segmentation mask).
    pub back_outline: bool,
    /// Replace a folder that already holds a session (moved aside, comments kept).
    pub force: bool,
    /// Add each session to the training log.
    pub training_log: bool,
    /// When the videos were recorded (`--date`, Unix seconds), over what their files say.
    pub date_unix_s: Option<i64>,
}

/// What one video produced.
pub struct Outcome {
    pub video: PathBuf,
    pub dir: PathBuf,
    pub session: Session,
    /// Frames analyzed per second of wall time, and the video's duration over that time.
    pub fps: f64,
    pub realtime: f64,
    /// A previous session in `dir`, moved aside here.
    pub replaced: Option<PathBuf>,
    /// Frames read, when fewer than the file claims (a truncated file): (read, claimed).
    pub truncated: Option<(u64, u64)>,
}

/// Progress of one video: frames analyzed of the total the file claims.
pub trait Progress: Sync {
    fn start(&self, name: &str, total: u64);
    fn frame(&self);
    fn finish(&self);
}

/// Loaded models and the settings they run with; analyzes one video after another.
pub struct Offline {
    cfg: OfflineConfig,
    tracker: PoseTracker,
    model: ModelMeta,
}

impl Offline {
    /// Loads the models once, up front: a bad model or runtime fails before any video.
    pub fn new(cfg: OfflineConfig) -> Result<Self, EngineError> {
        let meta = {
            let pose = cfg.lift.pose.clone();
            std::thread::spawn(move || crate::setup::model_meta(&pose))
        };
        let tracker = PoseTracker::new(cfg.lift.pose.clone())?;
        let model = meta.join().map_err(|_| EngineError::Worker("checksum"))??;
        Ok(Self { cfg, tracker, model })
    }

    /// Analyzes `video` into `dir`.
    pub fn analyze(
        &mut self,
        video: &Path,
        dir: &Path,
        cancel: &AtomicBool,
        progress: &dyn Progress,
    ) -> Result<Outcome, EngineError> {
        // Held until this analysis is written: a second analyze into the same folder waits its
        // turn as a clear refusal, never a silently lost session.
        let _lock = lock_dir(dir)?;
        let (comments, replaced) = prepare_dir(dir, self.cfg.force)?;
        self.tracker.start_over();
        let mut src = VideoSource::open_file(video)?;
        let info = src.info().clone();
        std::fs::create_dir_all(dir).map_err(|e| EngineError::Io(dir.display().to_string(), e))?;
        let (file, size, sha) = thrustline_report::session::original(video)
            .map_err(|e| EngineError::Io(video.display().to_string(), e))?;
        let input = InputMeta {
            file,
            size_bytes: Some(size),
            sha256: Some(sha),
            recorded_unix_s: self.cfg.date_unix_s.or(info.recorded_unix_s),
            duration_s: 0.0,
            fps: info.fps,
            width: info.width,
            height: info.height,
            frames: 0,
        };
        let meta = self.cfg.lift.session_meta(input, self.model.clone(), crate::lift::now_unix());
        let mut writer = SessionWriter::create(dir, meta, comments)?;
        let started = Instant::now();
        progress.start(
            &video.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            info.frame_count,
        );
        let run = Run {
            cfg: &self.cfg,
            geom: FrameGeometry { width: info.width, height: info.height },
            picture: crate::picture::Picture::of(&info),
            fps: info.fps,
            tmp_video: dir.join(ANNOTATED_TMP),
            cancel,
            progress,
        };
        let result = run.pipeline(&mut src, &mut self.tracker, &mut writer);
        progress.finish();
        let (summary, keyframes, video_done) = match result {
            Ok(r) if !cancel.load(Ordering::SeqCst) => r,
            other => {
                let _ = std::fs::remove_file(&run.tmp_video);
                writer.abandon();
                return Err(other.err().unwrap_or(EngineError::Interrupted));
            }
        };
        let elapsed = started.elapsed().as_secs_f64().max(1e-9);
        let read = writer.frames_written();
        // A cut-off file decodes short without an error: say how much of it was read.
        let truncated = (info.frame_count > 0 && (read as f64) < TRUNCATED_SHARE * info.frame_count as f64)
            .then_some((read, info.frame_count));
        writer.input_mut().frames = read;
        if video_done {
            std::fs::rename(&run.tmp_video, dir.join(ANNOTATED))
                .map_err(|e| EngineError::Io(dir.join(ANNOTATED).display().to_string(), e))?;
        }
        let log_as = video.display().to_string();
        let session =
            writer.finish(&summary, &keyframes, self.cfg.training_log.then_some(log_as.as_str()))?;
        Ok(Outcome {
            video: video.to_path_buf(),
            dir: dir.to_path_buf(),
            fps: read as f64 / elapsed,
            realtime: session.input.duration_s / elapsed,
            session,
            replaced,
            truncated,
        })
    }
}

/// One video's run through the stages.
struct Run<'a> {
    cfg: &'a OfflineConfig,
    /// The decoded frame's size (the annotated video's).
    geom: FrameGeometry,
    /// What the lifter is judged against: the picture inside any black bars.
    picture: crate::picture::Picture,
    fps: f64,
    tmp_video: PathBuf,
    cancel: &'a AtomicBool,
    progress: &'a dyn Progress,
}

/// The highest point of a rep's top, kept for its key frames: the frame as decoded with what
/// the overlay draws on it. The top's own key frame is drawn with no fault banner, a fault's with
/// its own: the banner up at that moment may be the rep before's (the lumbar-then-quad bridge's
/// rep 2 top had carried rep 1's overarch cue), and a fault captured when it was raised showed
/// the lowering, not the top it was seen at.
struct Top {
    rep: u32,
    angle: f32,
    t_s: f64,
    raw: Mat,
    fa: Option<thrustline_core::FrameAnalysis>,
    lm: Option<[thrustline_core::Landmark; 33]>,
    setup: Option<&'static str>,
}

impl Top {
    fn new(rep: u32, t_s: f64) -> Self {
        Self { rep, angle: f32::MIN, t_s, raw: Mat::default(), fa: None, lm: None, setup: None }
    }

    /// Whether a frame of the top was kept.
    fn seen(&self) -> bool {
        self.angle > f32::MIN
    }

    /// Rep `rep`'s kept top among the current and the last one.
    fn of(rep: u32, tops: [Option<&Top>; 2]) -> Option<&Top> {
        tops.into_iter().flatten().find(|tp| tp.rep == rep && tp.seen())
    }

    /// A fault's key frame: this top drawn with the fault's banner.
    fn fault_keyframe(&self, id: thrustline_core::FaultId) -> Result<KeyFrame, EngineError> {
        let caption = format!("rep {}: {}", self.rep, id.cue());
        Ok(KeyFrame { caption, t_s: self.t_s, jpeg: jpeg(&self.drawn(Some(id.cue()))?)? })
    }

    /// The kept frame, drawn, with `banner` as the fault banner.
    fn drawn(&self, banner: Option<&str>) -> Result<Mat, EngineError> {
        let mut img = self.raw.clone();
        let hud = draw::Hud { analysis: self.fa.as_ref(), banner, setup: self.setup };
        draw::overlay(&mut img, self.lm.as_ref(), &hud)?;
        Ok(img)
    }
}

impl Run<'_> {
    /// Decode, pose and core + writers on three threads. Returns the summary, the key frames
    /// and whether the annotated video holds every frame.
    fn pipeline(
        &self,
        src: &mut dyn FrameSource,
        tracker: &mut PoseTracker,
        writer: &mut SessionWriter,
    ) -> Result<(thrustline_core::SessionSummary, Vec<KeyFrame>, bool), EngineError> {
        let (tx_frames, rx_frames) = bounded::<Frame>(STAGE_QUEUE);
        let (tx_pose, rx_pose) = bounded::<(Frame, Option<PoseFrame>, Option<PoseMask>)>(STAGE_QUEUE);
        let cancel = self.cancel;
        std::thread::scope(|s| {
            let decode = s.spawn(move || -> Result<(), EngineError> {
                lower_priority();
                while !cancel.load(Ordering::SeqCst) {
                    match src.next_frame()? {
                        Some(f) => {
                            if tx_frames.send(f).is_err() {
                                break;
                            }
                        }
                        None => break,
                    }
                }
                Ok(())
            });
            let pose = s.spawn(move || self.pose_stage(tracker, rx_frames, tx_pose));
            let consume = s.spawn(move || self.sink_stage(rx_pose, writer));
            let c = consume.join().map_err(|_| EngineError::Worker("writer"))?;
            let d = decode.join().map_err(|_| EngineError::Worker("decoder"))?;
            let p = pose.join().map_err(|_| EngineError::Worker("pose"))?;
            d?;
            p?;
            c
        })
    }

    fn pose_stage(
        &self,
        tracker: &mut PoseTracker,
        rx: crossbeam_channel::Receiver<Frame>,
        tx: crossbeam_channel::Sender<(Frame, Option<PoseFrame>, Option<PoseMask>)>,
    ) -> Result<(), EngineError> {
        let mut top_frames = 0u64;
        // `rx` is owned here so that an error below drops it and unblocks the decoder.
        for f in rx.iter() {
            let p = tracker.process(&f.rgb, f.t_ms)?;
            // The back's outline where it matters, the top of a rep, on a sample of frames.
            let near_top = self.cfg.back_outline
                && p.as_ref().is_some_and(|p| {
                    // Angles: the same in the frame's pixels as in the picture's.
                    thrustline_core::metrics::near_lockout(
                        &p.observation(),
                        self.geom,
                        &self.cfg.lift.thresholds,
                    )
                });
            let mask = match (&p, near_top) {
                (Some(pf), true) => {
                    top_frames += 1;
                    if top_frames % MASK_EVERY == 1 || MASK_EVERY == 1 {
                        tracker.mask(&f.rgb, &pf.roi)?
                    } else {
                        None
                    }
                }
                _ => None,
            };
            if tx.send((f, p, mask)).is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Core, session writer, key frames and the annotated video. The pose stage is the
    /// bottleneck: drawing and encoding fill the gaps it leaves.
    fn sink_stage(
        &self,
        rx: crossbeam_channel::Receiver<(Frame, Option<PoseFrame>, Option<PoseMask>)>,
        writer: &mut SessionWriter,
    ) -> Result<(thrustline_core::SessionSummary, Vec<KeyFrame>, bool), EngineError> {
        lower_priority();
        let mut picture = self.picture;
        let mut analyzer = self.cfg.lift.analyzer(picture.geometry());
        let (ow, oh) = video::even_size(self.geom.width, self.geom.height, self.cfg.video_size.unwrap_or(0));
        let out_size = Size::new(ow as i32, oh as i32);
        let mut video = match self.cfg.video_size {
            // H.264 that browsers play (the coach's review page), at a preset that keeps the
            // encoder off the pose stage's core (measured, README: Speed).
            Some(_) => Some(video::AnnotatedWriter::create(
                &self.tmp_video,
                self.fps,
                out_size.width as u32,
                out_size.height as u32,
            )?),
            None => None,
        };
        let mut keyframes: Vec<KeyFrame> = Vec::new();
        let mut banner = draw::Banner::default();
        // The rep whose cue the banner shows.
        let mut banner_rep = 0;
        let mut top: Option<Top> = None;
        // The rep whose top ended last: faults are often raised after it (at the lowering's end).
        let mut last_top: Option<Top> = None;
        // Plain top frames (their index) and the tops shown with a fault's banner (their time):
        // a top shown with its fault needs no second, plain copy.
        // Plain top frames by index in `keyframes`: (index, time, rep, angle).
        let mut plain_tops: Vec<(usize, f64, u32, f32)> = Vec::new();
        let mut faulted_tops: Vec<f64> = Vec::new();
        let (mut bgr, mut small) = (Mat::default(), Mat::default());
        for (f, p, mask) in rx.iter() {
            crate::lift::sample_luma(&mut analyzer, &f, &mut picture);
            let obs = p.as_ref().map(|p| picture.observation(p));
            let view = mask.as_ref().map(|m| picture.mask(m));
            let fa = analyzer.update_masked(f.t_ms, obs.as_ref(), view.as_ref());
            let t_s = f.t_ms / 1000.0;
            writer.frame(&FrameLine::new(&fa, p.as_ref().map(|p| &p.landmarks)))?;
            let mut capture: Vec<(u32, thrustline_core::FaultId)> = Vec::new();
            for e in fa.events.iter() {
                match *e {
                    Event::FaultRaised { rep, id } => {
                        // Named by its rep: a lowering's fault comes after that rep's top.
                        banner.show(&format!("Rep {rep}: {}", id.cue()), t_s);
                        banner_rep = rep;
                        capture.push((rep, id));
                    }
                    Event::RepCounted { rep } => {
                        top = Some(Top::new(rep, t_s));
                        // The next rep's top takes the last rep's cue down: the lumbar-then-quad
                        // bridge had shown rep 1's overarch cue through rep 2's top, whose own
                        // fault came only at the clip's end.
                        if rep > banner_rep {
                            banner.clear();
                        }
                    }
                    _ => {}
                }
            }
            let at_top = matches!(fa.phase, Phase::Lockout);
            let higher =
                at_top && top.as_ref().is_some_and(|tp| fa.hip_angle_smoothed.is_some_and(|h| h > tp.angle));
            if video.is_some() || !capture.is_empty() || higher {
                // Draw at the output size: the overlay scales with it and costs less.
                if out_size.width != f.rgb.mat().cols() {
                    // Bilinear: INTER_AREA at a non-integer ratio cost 8 ms a frame (720×1280 → 720
                    // high), more than the pose stage's share; the overlay is drawn after it.
                    imgproc::resize(f.rgb.mat(), &mut small, out_size, 0.0, 0.0, imgproc::INTER_LINEAR)?;
                    imgproc::cvt_color_def(&small, &mut bgr, imgproc::COLOR_RGB2BGR)?;
                } else {
                    imgproc::cvt_color_def(f.rgb.mat(), &mut bgr, imgproc::COLOR_RGB2BGR)?;
                }
                let setup = analyzer.setup_issue().map(|i| i.message());
                let lm = p.as_ref().map(|p| &p.landmarks);
                if let (true, Some(tp), Some(h)) = (higher, top.as_mut(), fa.hip_angle_smoothed) {
                    tp.angle = h;
                    tp.t_s = t_s;
                    bgr.copy_to(&mut tp.raw)?;
                    (tp.fa, tp.lm, tp.setup) = (Some(fa), lm.copied(), setup);
                }
                let hud = draw::Hud { analysis: Some(&fa), banner: banner.at(t_s), setup };
                draw::overlay(&mut bgr, lm, &hud)?;
                if let Some(w) = video.as_mut() {
                    w.write(&bgr)?;
                }
                for (rep, id) in capture {
                    if keyframes.len() >= MAX_KEYFRAMES {
                        break;
                    }
                    // Shown at the rep's top, where it was seen; a lowering's at its end.
                    let at = Top::of(rep, [top.as_ref(), last_top.as_ref()])
                        .filter(|_| id != thrustline_core::FaultId::UncontrolledLowering);
                    let kf = match at {
                        Some(tp) => {
                            faulted_tops.push(tp.t_s);
                            tp.fault_keyframe(id)?
                        }
                        None => {
                            KeyFrame { caption: format!("rep {rep}: {}", id.cue()), t_s, jpeg: jpeg(&bgr)? }
                        }
                    };
                    keyframes.push(kf);
                }
            }
            if !at_top && top.as_ref().is_some_and(Top::seen) {
                if let Some(tp) = top.take() {
                    if keyframes.len() < MAX_KEYFRAMES {
                        plain_tops.push((keyframes.len(), tp.t_s, tp.rep, tp.angle));
                        keyframes.push(top_keyframe(&tp)?);
                    }
                    last_top = Some(tp);
                }
            }
            self.progress.frame();
        }
        let summary = analyzer.finish();
        // Faults judged when the clip ended (its last rep still at the top) get their key frame
        // from that top too.
        for r in &summary.reps {
            for f in &r.faults {
                let caption = format!("rep {}: {}", r.index, f.id.cue());
                let tp = Top::of(r.index, [top.as_ref(), last_top.as_ref()]);
                if let (Some(tp), false) = (tp, keyframes.iter().any(|k| k.caption == caption)) {
                    if keyframes.len() < MAX_KEYFRAMES {
                        faulted_tops.push(tp.t_s);
                        keyframes.push(tp.fault_keyframe(f.id)?);
                    }
                }
            }
        }
        // A clip that ends at the top still gets that rep's key frame.
        if let (Some(tp), true) = (top.take().filter(Top::seen), keyframes.len() < MAX_KEYFRAMES) {
            plain_tops.push((keyframes.len(), tp.t_s, tp.rep, tp.angle));
            keyframes.push(top_keyframe(&tp)?);
        }
        // A top whose hips were hidden or seen off the side gives an estimate, as the table says.
        for &(i, _, rep, angle) in &plain_tops {
            let seen =
                summary.reps.iter().find(|r| r.index == rep).is_none_or(thrustline_core::Rep::form_seen);
            if let (false, Some(k)) = (seen, keyframes.get_mut(i)) {
                k.caption = top_caption(rep, angle, true);
            }
        }
        // Pushed in order: removed from the last, the earlier indices hold.
        for &(i, t, _, _) in plain_tops.iter().rev() {
            if faulted_tops.contains(&t) {
                keyframes.remove(i);
            }
        }
        keyframes.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let video_done = match video {
            Some(w) => {
                let n = w.finish()?;
                let frames = writer.frames_written();
                // The encoder drops what a full disk refuses without a word: the file itself must
                // hold every frame before it takes its final name.
                let kept = if n == frames { frames_in(&self.tmp_video) } else { 0 };
                if n != frames || kept + 1 < frames {
                    return Err(EngineError::Refused(format!(
                        "annotated video could not be completed ({} of {frames} frames written; is the disk full?)",
                        if n != frames { n } else { kept }
                    )));
                }
                true
            }
            None => false,
        };
        Ok((summary, keyframes, video_done))
    }
}

/// One folder per video: `out` itself for one video, else `out/<stem>`, made unique when two
/// inputs share a stem (`a/clip.mp4 b/clip.mp4 b/clip.mov` → `clip`, `clip-mp4`, `clip-mov`,
/// then numbered).
pub fn session_dirs(videos: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    if videos.len() == 1 {
        return vec![out.to_path_buf()];
    }
    let mut taken: Vec<String> = Vec::with_capacity(videos.len());
    for v in videos {
        let stem = v.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into());
        let ext = v.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let mut name = stem.clone();
        if taken.contains(&name) {
            name = if ext.is_empty() { stem.clone() } else { format!("{stem}-{ext}") };
        }
        let base = name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.push(name);
    }
    taken.into_iter().map(|n| out.join(n)).collect()
}

/// An exclusive lock on the session folder `dir`, taken on `.NAME.lock` beside it (the folder
/// itself may be moved aside by --force). Released when the file is dropped, or the process
/// dies.
fn lock_dir(dir: &Path) -> Result<std::fs::File, EngineError> {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| EngineError::Io(parent.display().to_string(), e))?;
    let lp = parent.join(format!(".{name}.lock"));
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lp)
        // The folder the user gave is what could not be written, not the lock's own name.
        .map_err(|e| EngineError::Io(parent.display().to_string(), e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(EngineError::Refused(format!(
            "{} is being written by another Thrustline right now: wait for it, or choose another --out",
            dir.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(EngineError::Io(lp.display().to_string(), e)),
    }
}

/// Removes what killed or failed runs left in `dir`: under the folder's lock no other run
/// writes there, so every temp name the writers use is stale, whatever process made it.
fn sweep_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let temp = name == ANNOTATED_TMP || (name.starts_with('.') && name.ends_with(".tmp"));
        if temp && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Makes `dir` ready for a new session. A folder holding anything is refused without `force`
/// (a re-analysis would wipe its comments and leave a stale video and key frames to be
/// bundled); with it, an old session folder is moved aside and its comments returned, with
/// where it went.
fn prepare_dir(dir: &Path, force: bool) -> Result<(Vec<Comment>, Option<PathBuf>), EngineError> {
    // A file where the folder should be: said as such, not as the OS's "File exists".
    if dir.exists() && !dir.is_dir() {
        return Err(EngineError::Refused(format!(
            "{} is a file, not a folder: give --out a folder (new or empty)",
            dir.display()
        )));
    }
    sweep_temps(dir);
    let busy = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if !busy {
        return Ok((Vec::new(), None));
    }
    let session_file = dir.join(folder::SESSION_FILE);
    let is_session = session_file.is_file();
    if !force {
        return Err(EngineError::Refused(if is_session {
            format!("{} already holds a session: use --force to replace it (it is moved aside and its comments kept)", dir.display())
        } else {
            format!(
                "{} is not empty: choose an empty or new folder (or --force to write into it)",
                dir.display()
            )
        }));
    }
    if !is_session {
        return Ok((Vec::new(), None));
    }
    let comments = std::fs::read(&session_file)
        .ok()
        .and_then(|b| Session::from_json(&b).ok())
        .map(|s| s.comments)
        .unwrap_or_default();
    let unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
    let aside = dir.with_file_name(format!("{name}.replaced-{}", atomic::stamp(unix as i64)));
    std::fs::rename(dir, &aside).map_err(|e| {
        EngineError::Refused(format!("cannot move {} aside to {}: {e}", dir.display(), aside.display()))
    })?;
    Ok((comments, Some(aside)))
}

/// Frames a finished video file holds, as its container says (0 when it cannot be opened: a
/// file cut short before its index was written).
fn frames_in(path: &Path) -> u64 {
    VideoSource::open_file(path).map_or(0, |s| s.info().frame_count)
}

/// "rep 2 top (181 deg)", with "≈" where the rep's hips were not seen.
fn top_caption(rep: u32, angle: f32, estimate: bool) -> String {
    format!("rep {rep} top ({}{angle:.0} deg)", if estimate { "≈" } else { "" })
}

fn top_keyframe(tp: &Top) -> Result<KeyFrame, EngineError> {
    let caption = top_caption(tp.rep, tp.angle, false);
    Ok(KeyFrame { caption, t_s: tp.t_s, jpeg: jpeg(&tp.drawn(None)?)? })
}

fn jpeg(bgr: &Mat) -> Result<Vec<u8>, EngineError> {
    let scale = f64::from(KEYFRAME_HEIGHT) / f64::from(bgr.rows().max(1));
    let mut small = Mat::default();
    let size = Size::new((f64::from(bgr.cols()) * scale).round() as i32, KEYFRAME_HEIGHT);
    imgproc::resize(bgr, &mut small, size, 0.0, 0.0, imgproc::INTER_AREA)?;
    let mut buf = Vector::<u8>::new();
    let params = Vector::from_slice(&[imgcodecs::IMWRITE_JPEG_QUALITY, KEYFRAME_QUALITY]);
    imgcodecs::imencode(".jpg", &small, &mut buf, &params)?;
    Ok(buf.to_vec())
}

/// Nice value of the decode and writer threads: below the inference threads, so the pose
/// stage (the bottleneck) gets a core whenever it can use one and the others fill its gaps.
/// Measured on the 60 fps clip: see README (Speed).
const HELPER_NICE: libc::c_int = 5;

/// Lowers the calling thread's scheduling priority (Linux: the nice value is per thread).
pub(crate) fn lower_priority() {
    // SAFETY: setpriority only changes the calling thread's scheduling attribute; a failure
    // (not permitted, other OS) leaves the priority as it was, which is harmless.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, HELPER_NICE);
    }
}

/// The video column's least width: short names keep the table's usual look.
const NAME_COLUMN: usize = 36;

/// One line of the summary table: the name left-aligned in `width`, the counts and speed
/// right-aligned under their headers, then the faults.
fn table_row(width: usize, [name, reps, partial, clean, analysis, faults]: [&str; 6]) -> String {
    format!("{name:<width$} {reps:>5} {partial:>8} {clean:>6} {analysis:>9}  {faults}")
}

/// The table `thrustline analyze` prints: per video its reps, partials, clean reps, speed,
/// faults by rep, warnings and folder.
pub fn summary_table(outcomes: &[Outcome]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if outcomes.is_empty() {
        return out;
    }
    let names: Vec<String> = outcomes
        .iter()
        .map(|o| o.video.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    // As wide as the longest name: a 40-character clip name had pushed its row's counts out of
    // their columns.
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(NAME_COLUMN);
    let _ =
        writeln!(out, "{}", table_row(width, ["video", "reps", "partial", "clean", "realtime", "faults"]));
    for (o, name) in outcomes.iter().zip(&names) {
        let s = &o.session;
        // In the report's words and order, each with its reps ("feet too close (reps 1 and
        // 2)"); the ids a file carries ("feet_too_close@1") had been shown.
        let faults: Vec<String> = thrustline_core::session::faults_with_reps(&s.reps)
            .iter()
            .map(|(f, reps)| format!("{} ({})", f.id.label(), thrustline_core::session::rep_list(reps)))
            .collect();
        // No rep's form seen (an angle or a plate hid it): a dash, as the report says it, not
        // "0 clean", which reads as every rep faulty.
        let clean = thrustline_core::session::clean_count(&s.reps).filter(|_| !s.reps.is_empty());
        let row = [
            name.to_string(),
            s.reps.len().to_string(),
            s.partial_reps.len().to_string(),
            clean.map_or_else(|| "–".to_string(), |n| n.to_string()),
            // How fast the analysis ran against the video's duration ("speed" had read as the lift's).
            format!("{:.1}x", o.realtime),
            if faults.is_empty() { "-".to_string() } else { faults.join("; ") },
        ];
        let _ = writeln!(out, "{}", table_row(width, row.each_ref().map(String::as_str)));
        for w in &s.warnings {
            let _ = writeln!(out, "  warning: {}", w.message);
        }
        // No rep and no warning saying why (a donkey kick's hips never rose as a bridge's do):
        // the report's reason, not a bare 0.
        if let Some(why) = s.why_no_rep() {
            let _ = writeln!(out, "  no rep counted: {why}");
        }
        // The dash in the clean column, said: seen from the side, but the hips' line hidden (a
        // view that hid it has the camera warning above).
        if clean.is_none() && s.reps.iter().any(|r| r.form_judged()) {
            let _ = writeln!(
                out,
                "  form not judged: the hips' extension was hidden on every rep (something in front of the hips?); the report's table says which checks"
            );
        }
        if let Some(setup) = s.setup.as_ref().filter(|x| x.notable().next().is_some()) {
            let _ = writeln!(out, "  {}", setup.line());
        }
        let _ = writeln!(out, "  -> {} ({:.0} frames/s)", o.dir.display(), o.fps);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_frames_on_two_cores_run_inference_on_one_thread() {
        let (hd, small) = (1280 * 720, 576 * 340);
        // Two cores: 720p on one thread, small frames on two.
        assert_eq!(threads_for(2, true, &[(hd, 232)]), 1);
        assert_eq!(threads_for(2, true, &[(small, 399)]), 2);
        assert_eq!(threads_for(1, true, &[(hd, 232)]), 1);
        // No annotated video: nothing else fills the other core.
        assert_eq!(threads_for(2, false, &[(hd, 232)]), 2);
        // More cores than the pool: the decoder and the writer have their own.
        assert_eq!(threads_for(4, true, &[(hd, 232)]), 2);
        // A batch goes with most of its frames.
        assert_eq!(threads_for(2, true, &[(hd, 100), (small, 399)]), 2);
        assert_eq!(threads_for(2, true, &[(hd, 400), (small, 399)]), 1);
        // Nothing opened: as ever.
        assert_eq!(threads_for(2, true, &[]), 2);
    }

    #[test]
    fn the_summary_tables_columns_line_up_under_a_long_name() {
        let long = "glute_bridge_faults_lumbar_then_quad.mp4";
        let width = long.len().max(NAME_COLUMN);
        let header = table_row(width, ["video", "reps", "partial", "clean", "realtime", "faults"]);
        let row = table_row(width, [long, "2", "0", "–", "9.4x", "overarch_lower_back@1"]);
        let short = table_row(width, ["a.mp4", "12", "1", "11", "10.0x", "-"]);
        // Each right-aligned column ends where its header does (in characters: the dash is one).
        let ends = |line: &str| -> Vec<usize> {
            let chars: Vec<char> = line.chars().collect();
            (1..chars.len()).filter(|&i| chars[i - 1] != ' ' && chars[i] == ' ').collect()
        };
        assert_eq!(ends(&header)[1..5], ends(&row)[1..5], "{header}\n{row}");
        assert_eq!(ends(&header)[1..5], ends(&short)[1..5], "{header}\n{short}");
        assert!(row.starts_with(&format!("{long} ")));
    }
}
