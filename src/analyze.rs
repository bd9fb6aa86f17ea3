//! `thrustline analyze`: recorded videos → a session folder each (session.json, frames.jsonl,
//! reps.csv, annotated MP4, report.html), through the engine's offline pipeline.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use anyhow::{bail, Result};
use thrustline_engine::offline::{session_dirs, Offline};
use thrustline_engine::OfflineConfig;

use crate::args::LiftArgs;

#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Video files to analyze.
    #[arg(required = true)]
    pub videos: Vec<PathBuf>,
    /// Output folder (per-video subfolders when several videos are given).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub lift: LiftArgs,
    /// Skip the annotated video.
    #[arg(long)]
    pub no_video: bool,
    /// Longest side of the annotated video in pixels (0: the input's size). Smaller encodes
    /// faster; 720 keeps phone videos readable.
    #[arg(long, default_value_t = 720, value_parser = crate::args::parse_video_size)]
    pub video_size: u32,
    /// Inference threads per model (default 2; 1 on a 2-core machine drawing the annotated video
    /// when most frames are 0.6 megapixels or more, as 720p and 1080p are: decoding and drawing
    /// them fill the other core). With 2 or more, once another program is seen taking CPU the
    /// landmark model also runs on one thread, and each frame runs on whichever has been faster
    /// lately: the work moves to one thread under load (the landmarks are the same).
    #[arg(long, value_parser = crate::args::parse_threads)]
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
    /// When the videos were recorded, for the training log (`2026-12-04` or
    /// `2026-12-04 18:30`, UTC); default: the video's own creation time, else its file's.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<i64>,
}

fn parse_date(s: &str) -> Result<i64, String> {
    thrustline_core::calendar::parse_iso8601(s)
        .ok_or_else(|| format!("{s:?} is not a date: use YYYY-MM-DD or \"YYYY-MM-DD HH:MM\" (UTC)"))
}

pub fn run(a: &AnalyzeArgs) -> Result<bool> {
    let threads = a
        .threads
        .unwrap_or_else(|| thrustline_engine::offline::default_threads(&a.videos, !a.no_video))
        .max(1);
    let cfg = OfflineConfig {
        lift: a.lift.lift(threads, !a.no_log)?,
        video_size: (!a.no_video).then_some(a.video_size),
        back_outline: a.back_outline,
        force: a.force,
        training_log: !a.no_log,
        date_unix_s: a.date,
    };
    let cancel = thrustline_engine::terminal::stop_on_ctrl_c();
    let mut engine = Offline::new(cfg)?;
    let bar = thrustline_engine::terminal::ProgressBar::new(a.quiet);
    let mut outcomes = Vec::new();
    let mut failed = 0;
    for (v, dir) in a.videos.iter().zip(session_dirs(&a.videos, &a.out)) {
        if cancel.load(Ordering::SeqCst) {
            break;
        }
        match engine.analyze(v, &dir, &cancel, &bar) {
            Ok(o) => {
                if let Some(p) = &o.replaced {
                    eprintln!("the previous session was moved to {}", p.display());
                }
                if let Some((read, claimed)) = o.truncated {
                    eprintln!(
                        "warning: {}: read {read} of the {claimed} frames the file claims (truncated?); the analysis covers what was read",
                        v.display()
                    );
                }
                outcomes.push(o);
            }
            Err(thrustline_engine::EngineError::Interrupted) => break,
            Err(e) => {
                failed += 1;
                // Most errors name the file already; the rest get it in front.
                let msg = e.to_string();
                let name = v.display().to_string();
                if msg.contains(&name) {
                    eprintln!("error: {msg}");
                } else {
                    eprintln!("error: {name}: {msg}");
                }
            }
        }
    }
    print!("{}", thrustline_engine::offline::summary_table(&outcomes));
    if cancel.load(Ordering::SeqCst) {
        bail!("interrupted: finished reports were kept, the one in progress was not written");
    }
    Ok(failed == 0)
}
