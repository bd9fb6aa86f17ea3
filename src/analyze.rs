//! `thrustline analyze`: recorded videos → session.json, frames.jsonl, reps.csv, annotated MP4
//! and report.html. Decode, pose and the core+writers run as pipelined stages over bounded
//! channels: a full channel blocks its producer, so no frame is ever dropped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use crossbeam_channel::bounded;
use opencv::core::{Mat, Size, Vector};
use opencv::prelude::*;
use opencv::{imgcodecs, imgproc};
use thrustline_capture::{Frame, VideoSource};
use thrustline_core::{Analyzer, Event, FrameGeometry, Thresholds, Variation};
use thrustline_pose::{ModelKind, PoseConfig, PoseFrame, PoseMask, PoseTracker};
use thrustline_report::html::KeyFrame;
use thrustline_report::session::{sha256_file, InputMeta, ModelMeta, Session};
use thrustline_report::{draw, frames, html, table, video};

/// Frames in flight between two stages: enough to absorb jitter, small enough for memory.
const STAGE_QUEUE: usize = 8;
/// A fault's cue stays on the annotated video this long after it is raised.
const BANNER_S: f64 = 2.5;
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

#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Video files to analyze.
    #[arg(required = true)]
    pub videos: Vec<PathBuf>,
    /// Output folder (per-video subfolders when several videos are given).
    #[arg(long)]
    pub out: PathBuf,
    /// Landmark model: lite, full or heavy.
    #[arg(long, default_value = "full")]
    pub model: ModelKind,
    /// Hip-thrust variation: barbell, dumbbell, bodyweight, banded, smith, single-leg or
    /// glute-bridge.
    #[arg(long, default_value = "barbell")]
    pub variation: Variation,
    /// Load, e.g. 60kg or 135lb (a bare number is kilograms).
    #[arg(long)]
    pub load: Option<String>,
    /// TOML file overriding fault thresholds.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Skip the annotated video.
    #[arg(long)]
    pub no_video: bool,
    /// Longest side of the annotated video in pixels (0: the input's size). Smaller encodes
    /// faster; 720 keeps phone videos readable.
    #[arg(long, default_value_t = 720, value_parser = parse_video_size)]
    pub video_size: u32,
    /// ONNX Runtime threads per model (default: 1 while an annotated video is encoded, which
    /// needs the other core; 2 with --no-video).
    #[arg(long, value_parser = crate::analyze::parse_threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Do not record the sessions in the training log.
    #[arg(long)]
    pub no_log: bool,
    /// Also measure the back's outline (segmentation mask) near the top of each rep: adds
    /// `back_curvature` to frames.jsonl; costs a second model run on 1 top frame in 6.
    #[arg(long)]
    pub back_outline: bool,
    /// Replace a session folder that already exists: the old one is moved aside
    /// (`<folder>.replaced-<time>`) and its coach comments are carried over.
    #[arg(long)]
    pub force: bool,
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

/// Makes `dir` ready for a new session. A folder holding anything is refused without `force`
/// (a re-analysis would wipe its comments and leave a stale video and key frames to be
/// bundled); with it, an old session folder is moved aside and its comments returned.
fn prepare_dir(dir: &Path, force: bool) -> Result<Vec<thrustline_report::session::Comment>> {
    thrustline_report::atomic::sweep_stale(dir);
    let busy = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if !busy {
        return Ok(Vec::new());
    }
    let is_session = dir.join("session.json").is_file();
    if !force {
        if is_session {
            bail!("{} already holds a session: use --force to replace it (it is moved aside and its comments kept)", dir.display());
        }
        bail!("{} is not empty: choose an empty or new folder (or --force to write into it)", dir.display());
    }
    if !is_session {
        return Ok(Vec::new());
    }
    let comments = std::fs::read(dir.join("session.json"))
        .ok()
        .and_then(|b| Session::from_json(&b).ok())
        .map(|s| s.comments)
        .unwrap_or_default();
    let unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "session".into());
    let aside =
        dir.with_file_name(format!("{name}.replaced-{}", thrustline_report::atomic::stamp(unix as i64)));
    std::fs::rename(dir, &aside)
        .with_context(|| format!("cannot move {} aside to {}", dir.display(), aside.display()))?;
    eprintln!("the previous session was moved to {}", aside.display());
    Ok(comments)
}

/// `--threads`: 1 to 64 (more than the machine's cores only slows ONNX Runtime down).
pub fn parse_threads(s: &str) -> std::result::Result<usize, String> {
    let v: usize = s.trim().parse().map_err(|_| format!("'{s}' is not a number of threads"))?;
    if (1..=64).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (1 to 64)"))
    }
}

/// `--video-size`: 0 (the input's size) or a longest side from 64 to 8192 pixels.
fn parse_video_size(s: &str) -> std::result::Result<u32, String> {
    let v: u32 = s.trim().parse().map_err(|_| format!("'{s}' is not a number of pixels"))?;
    if v == 0 || (64..=8192).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (0 for the input's size, or 64 to 8192)"))
    }
}

/// Kilograms from "60kg", "135lb", "60".
pub fn parse_load(s: &str) -> Result<f64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = t.strip_suffix("kg") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("lbs").or_else(|| t.strip_suffix("lb")) {
        (n, 0.453_592_37)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| anyhow!("invalid load '{s}' (use e.g. 60kg or 135lb)"))?;
    if !(0.0..=1000.0).contains(&v) {
        bail!("invalid load '{s}' (between 0 and 1000)");
    }
    Ok((v * factor * 100.0).round() / 100.0)
}

/// What one video produced, for the terminal table.
pub struct Outcome {
    pub video: PathBuf,
    pub dir: PathBuf,
    pub session: Session,
    pub fps: f64,
    pub realtime: f64,
}

pub fn run(a: &AnalyzeArgs) -> Result<bool> {
    let thresholds = match &a.config {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            Thresholds::from_toml_str(&text).with_context(|| format!("{}", p.display()))?
        }
        None => Thresholds::default(),
    };
    let load = a.load.as_deref().map(parse_load).transpose()?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let c = cancel.clone();
        // A second Ctrl-C while stopping kills the process as usual.
        let _ = ctrlc::set_handler(move || {
            if c.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    // Measured on 2 cores, 60 fps clip: 2 inference threads that sleep when idle 4.6 s, 1 thread
    // 5.1 s, 2 spinning threads 5.3 s (they take the core the overlay encoder needs).
    let threads = a.threads.unwrap_or(2).max(1);
    let cfg = PoseConfig { model: a.model, smooth: true, threads, spin: false, ..PoseConfig::default() };
    // Load the models once, up front: a bad model or runtime fails before any video. Their
    // checksums (for session.json) are computed meanwhile.
    let (lp, dp) = (cfg.landmark_path(), cfg.detector_path());
    let sums = std::thread::spawn(move || (sha256_file(&lp), sha256_file(&dp)));
    let mut tracker = PoseTracker::new(cfg.clone())?;
    let (lsum, dsum) = sums.join().map_err(|_| anyhow!("checksum thread failed"))?;
    let model = ModelMeta {
        name: a.model.name().to_string(),
        file: cfg.landmark_path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha256: lsum?,
        detector_sha256: dsum?,
    };
    let mut outcomes = Vec::new();
    let mut failed = 0;
    for (v, dir) in a.videos.iter().zip(session_dirs(&a.videos, &a.out)) {
        if cancel.load(Ordering::SeqCst) {
            break;
        }
        let comments = match prepare_dir(&dir, a.force) {
            Ok(c) => c,
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e:#}", v.display());
                continue;
            }
        };
        tracker.reset();
        match analyze_one(a, v, &dir, &mut tracker, &model, thresholds, load, &cancel, comments) {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e:#}", v.display());
            }
        }
    }
    print_table(&outcomes);
    // The reports are the job; a log that cannot be written is worth a warning, not a failure.
    if !a.no_log && !outcomes.is_empty() {
        if let Err(e) = record(&outcomes) {
            eprintln!("warning: training log not updated: {e:#}");
        }
    }
    if cancel.load(Ordering::SeqCst) {
        bail!("interrupted: finished reports were kept, the one in progress was not written");
    }
    Ok(failed == 0)
}

#[allow(clippy::too_many_arguments)]
fn analyze_one(
    a: &AnalyzeArgs,
    video: &Path,
    dir: &Path,
    tracker: &mut PoseTracker,
    model: &ModelMeta,
    thresholds: Thresholds,
    load: Option<f64>,
    cancel: &Arc<AtomicBool>,
    comments: Vec<thrustline_report::session::Comment>,
) -> Result<Outcome> {
    let mut src = VideoSource::open_file(video)?;
    let info = src.info().clone();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let started = Instant::now();
    let progress = if a.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let p = indicatif::ProgressBar::new(info.frame_count);
        p.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} frames {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        p.set_message(video.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        p
    };

    let (tx_frames, rx_frames) = bounded::<Frame>(STAGE_QUEUE);
    let (tx_pose, rx_pose) = bounded::<(Frame, Option<PoseFrame>, Option<PoseMask>)>(STAGE_QUEUE);
    let mut analyzer = Analyzer::new(thresholds, FrameGeometry { width: info.width, height: info.height });
    let tmp_video = dir.join(".annotated.tmp.mp4");
    let long = info.width.max(info.height);
    let scale =
        if a.video_size > 0 && long > a.video_size { f64::from(a.video_size) / f64::from(long) } else { 1.0 };
    // Even sizes: H.264 and MPEG-4 encoders need them.
    let even = |v: u32| ((f64::from(v) * scale / 2.0).round() as i32 * 2).max(2);
    let out_size = Size::new(even(info.width), even(info.height));
    let mut writer = if a.no_video {
        None
    } else {
        // MPEG-4 Part 2 first: on the 60 fps clip H.264 cost 1.5 s of 6.6 (measured, README).
        Some(video::AnnotatedWriter::create_fast(
            &tmp_video,
            info.fps,
            out_size.width as u32,
            out_size.height as u32,
        )?)
    };
    let mut jsonl = Vec::with_capacity(1 << 20);
    let mut series: Vec<(f64, Option<f32>)> = Vec::with_capacity(info.frame_count as usize);
    let mut keyframes: Vec<KeyFrame> = Vec::new();
    let mut banner: Option<(String, f64)> = None;
    // The highest point of the current rep's top, kept until the hips come down.
    let mut top: Option<(u32, f32, f64, Mat)> = None;
    let mut frames_seen = 0u64;
    let mut last_t = 0.0;

    let mut small = Mat::default();
    let result: Result<()> = std::thread::scope(|s| {
        let decode = s.spawn(|| -> Result<()> {
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
            drop(tx_frames);
            Ok(())
        });
        let pose = s.spawn(|| -> Result<()> {
            let geom = FrameGeometry { width: info.width, height: info.height };
            let mut top_frames = 0u64;
            // Owned here so that an error below drops it and unblocks the decoder.
            let rx_frames = rx_frames;
            for f in rx_frames.iter() {
                let p = tracker.process(&f.rgb, f.t_ms)?;
                // The back's outline where it matters, the top of a rep, on a sample of frames.
                let near_top = a.back_outline
                    && p.as_ref().is_some_and(|p| {
                        let obs = p.observation();
                        let yaw = thrustline_core::metrics::view_yaw(&obs);
                        let (m, _) =
                            thrustline_core::metrics::measure(&obs, geom, &thresholds, None, None, yaw);
                        m.hip_angle.is_some_and(|h| h.value >= thresholds.lockout_enter_deg)
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
                if tx_pose.send((f, p, mask)).is_err() {
                    break;
                }
            }
            drop(tx_pose);
            Ok(())
        });
        let consume = s.spawn(|| -> Result<()> {
            // The pose stage is the bottleneck: drawing and encoding fill the gaps it leaves.
            lower_priority();
            // Owned here so that an error below drops it and unblocks the pose thread.
            let rx_pose = rx_pose;
            let mut bgr = Mat::default();
            for (f, p, mask) in rx_pose.iter() {
                let obs = p.as_ref().map(PoseFrame::observation);
                let view = mask.as_ref().map(PoseMask::view);
                let fa = analyzer.update_masked(f.t_ms, obs.as_ref(), view.as_ref());
                let t_s = f.t_ms / 1000.0;
                last_t = t_s;
                frames_seen += 1;
                jsonl.extend_from_slice(frames::line(&fa, p.as_ref().map(|p| &p.landmarks))?.as_bytes());
                series.push((t_s, fa.hip_angle_smoothed));
                let mut capture: Vec<String> = Vec::new();
                for e in fa.events.iter() {
                    match *e {
                        Event::FaultRaised { rep, id } => {
                            banner = Some((id.cue().to_string(), t_s + BANNER_S));
                            capture.push(format!("rep {rep}: {}", id.cue()));
                        }
                        Event::RepCounted { rep } => top = Some((rep, f32::MIN, t_s, Mat::default())),
                        _ => {}
                    }
                }
                let at_top = matches!(fa.phase, thrustline_core::Phase::Lockout);
                if banner.as_ref().is_some_and(|b| t_s > b.1) {
                    banner = None;
                }
                let higher =
                    at_top && top.as_ref().is_some_and(|tp| fa.hip_angle_smoothed.is_some_and(|h| h > tp.1));
                if writer.is_some() || !capture.is_empty() || higher {
                    // Draw at the output size: the overlay scales with it and costs less.
                    if out_size.width != f.rgb.cols() {
                        // Bilinear: INTER_AREA at a non-integer ratio cost 8 ms a frame (720×1280 → 720
                        // high), more than the pose stage's share; the overlay is drawn after it.
                        imgproc::resize(&f.rgb, &mut small, out_size, 0.0, 0.0, imgproc::INTER_LINEAR)?;
                        imgproc::cvt_color_def(&small, &mut bgr, imgproc::COLOR_RGB2BGR)?;
                    } else {
                        imgproc::cvt_color_def(&f.rgb, &mut bgr, imgproc::COLOR_RGB2BGR)?;
                    }
                    let hud =
                        draw::Hud { analysis: Some(&fa), banner: banner.as_ref().map(|b| b.0.as_str()) };
                    draw::overlay(&mut bgr, p.as_ref().map(|p| &p.landmarks), &hud)?;
                    if let Some(w) = writer.as_mut() {
                        w.write(&bgr)?;
                    }
                    if let (true, Some(tp), Some(h)) = (higher, top.as_mut(), fa.hip_angle_smoothed) {
                        tp.1 = h;
                        tp.2 = t_s;
                        bgr.copy_to(&mut tp.3)?;
                    }
                    for caption in capture {
                        if keyframes.len() < MAX_KEYFRAMES {
                            keyframes.push(KeyFrame { caption, t_s, jpeg: jpeg(&bgr)? });
                        }
                    }
                }
                if !at_top && top.as_ref().is_some_and(|tp| tp.1 > f32::MIN) {
                    if let (Some(tp), true) = (top.take(), keyframes.len() < MAX_KEYFRAMES) {
                        keyframes.push(top_keyframe(tp)?);
                    }
                }
                progress.inc(1);
            }
            // A clip that ends at the top still gets that rep's key frame.
            if let (Some(tp), true) =
                (top.take().filter(|tp| tp.1 > f32::MIN), keyframes.len() < MAX_KEYFRAMES)
            {
                keyframes.push(top_keyframe(tp)?);
            }
            keyframes.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
            Ok(())
        });
        let c = consume.join().map_err(|_| anyhow!("writer thread failed"))?;
        let d = decode.join().map_err(|_| anyhow!("decoder thread failed"))?;
        let p = pose.join().map_err(|_| anyhow!("pose thread failed"))?;
        c?;
        d?;
        p?;
        Ok(())
    });
    progress.finish_and_clear();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp_video);
        return Err(e);
    }
    if cancel.load(Ordering::SeqCst) {
        let _ = std::fs::remove_file(&tmp_video);
        bail!("interrupted");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let summary = analyzer.finish();
    // A cut-off file decodes short without an error: say how much of it was read.
    if info.frame_count > 0 && (frames_seen as f64) < TRUNCATED_SHARE * info.frame_count as f64 {
        eprintln!(
            "warning: {}: read {frames_seen} of the {} frames the file claims (truncated?); the analysis covers what was read",
            video.display(),
            info.frame_count
        );
    }
    let duration = if frames_seen > 1 { last_t + 1.0 / info.fps } else { 0.0 };
    let input = InputMeta {
        file: video.display().to_string(),
        duration_s: duration,
        fps: info.fps,
        width: info.width,
        height: info.height,
        frames: frames_seen,
    };
    let created = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut session = Session::new(summary, input, model.clone(), a.variation, load, thresholds, created);
    // A replaced session's coach comments stay with the video they were made on.
    session.comments = comments;
    let video_done = match writer {
        Some(w) => {
            let n = w.finish()?;
            // The encoder drops what a full disk refuses without a word: the file itself must
            // hold every frame before it takes its final name.
            let kept = if n == frames_seen { frames_in(&tmp_video) } else { 0 };
            if n != frames_seen || kept + 1 < frames_seen {
                let _ = std::fs::remove_file(&tmp_video);
                bail!(
                    "annotated video could not be completed ({} of {frames_seen} frames written; is the disk full?)",
                    if n != frames_seen { n } else { kept }
                );
            }
            true
        }
        None => false,
    };
    crate::atomic::write(&dir.join("frames.jsonl"), &jsonl)?;
    crate::atomic::write(&dir.join("reps.csv"), &table::reps_csv(&session)?)?;
    crate::atomic::write(&dir.join("report.html"), html::render(&session, &series, &keyframes).as_bytes())?;
    // Kept beside the report so review can rebuild it with the coach's comments.
    thrustline_report::folder::write_keyframes(dir, &keyframes)?;
    if video_done {
        std::fs::rename(&tmp_video, dir.join("annotated.mp4")).context("cannot write annotated.mp4")?;
    }
    // session.json last: its presence means the folder is complete.
    crate::atomic::write(&dir.join("session.json"), &session.to_json()?)?;
    Ok(Outcome {
        video: video.to_path_buf(),
        dir: dir.to_path_buf(),
        fps: frames_seen as f64 / elapsed.max(1e-9),
        realtime: duration / elapsed.max(1e-9),
        session,
    })
}

/// Frames a finished video file holds, as its container says (0 when it cannot be opened: a
/// file cut short before its index was written).
fn frames_in(path: &Path) -> u64 {
    let Some((cap, _)) = thrustline_capture::open_upright(&path.display().to_string()) else { return 0 };
    cap.get(opencv::videoio::CAP_PROP_FRAME_COUNT).map_or(0, |n| {
        if n.is_finite() && n > 0.0 {
            n as u64
        } else {
            0
        }
    })
}

/// Adds each analyzed session to the training log (one transaction each).
fn record(outcomes: &[Outcome]) -> Result<()> {
    // Only sessions with a lifter in them: a video of nobody is not a training session.
    let lifted: Vec<&Outcome> = outcomes.iter().filter(|o| o.session.frames_with_pose > 0).collect();
    if lifted.is_empty() {
        return Ok(());
    }
    let mut log = thrustline_log::TrainingLog::open_in(&thrustline_log::data_dir())?;
    for o in lifted {
        let s = &o.session;
        let e = thrustline_log::entry_from(
            &s.reps,
            &s.sets,
            s.partial_reps.len(),
            s.variation,
            s.load_kg,
            &s.input.file,
            s.created_unix_s as i64,
        );
        log.add(&e)?;
    }
    Ok(())
}

/// The key frame at a rep's highest point: (rep, hip angle, time, annotated frame).
fn top_keyframe((rep, angle, t, img): (u32, f32, f64, Mat)) -> Result<KeyFrame> {
    Ok(KeyFrame { caption: format!("rep {rep} top ({angle:.0} deg)"), t_s: t, jpeg: jpeg(&img)? })
}

fn jpeg(bgr: &Mat) -> Result<Vec<u8>> {
    let scale = f64::from(KEYFRAME_HEIGHT) / f64::from(bgr.rows().max(1));
    let mut small = Mat::default();
    let size = Size::new((f64::from(bgr.cols()) * scale).round() as i32, KEYFRAME_HEIGHT);
    imgproc::resize(bgr, &mut small, size, 0.0, 0.0, imgproc::INTER_AREA)?;
    let mut buf = Vector::<u8>::new();
    let params = Vector::from_slice(&[imgcodecs::IMWRITE_JPEG_QUALITY, KEYFRAME_QUALITY]);
    imgcodecs::imencode(".jpg", &small, &mut buf, &params)?;
    Ok(buf.to_vec())
}

fn print_table(outcomes: &[Outcome]) {
    if outcomes.is_empty() {
        return;
    }
    println!("{:<36} {:>5} {:>8} {:>6} {:>9}  faults", "video", "reps", "partial", "clean", "speed");
    for o in outcomes {
        let s = &o.session;
        let mut faults: Vec<String> = Vec::new();
        for r in &s.reps {
            for f in &r.faults {
                faults.push(format!("{}@{}", f.id.as_str(), r.index));
            }
        }
        faults.sort();
        let name = o.video.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "{:<36} {:>5} {:>8} {:>6} {:>7.1}x  {}",
            name,
            s.reps.len(),
            s.partial_reps.len(),
            s.clean_reps(),
            o.realtime,
            if faults.is_empty() { "-".to_string() } else { faults.join(" ") }
        );
        for w in &s.warnings {
            println!("  warning: {}", w.message);
        }
        println!("  -> {} ({:.0} frames/s)", o.dir.display(), o.fps);
    }
}

/// Nice value of the decode and writer threads: below the inference threads, so the pose
/// stage (the bottleneck) gets a core whenever it can use one and the others fill its gaps.
/// Measured on the 60 fps clip: see README (Speed).
const HELPER_NICE: libc::c_int = 5;

/// Lowers the calling thread's scheduling priority (Linux: the nice value is per thread).
fn lower_priority() {
    // SAFETY: setpriority only changes the calling thread's scheduling attribute; a failure
    // (not permitted, other OS) leaves the priority as it was, which is harmless.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, HELPER_NICE);
    }
}
