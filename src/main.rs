//! The `thrustline` binary: turns flags into the engine's and the windows' settings, dispatches
//! one command per job and prints what came of it.

mod analyze;
mod args;
mod atomic;
mod bundle_cmd;
mod cues_cmd;
mod doctor_cmd;
mod live_cmd;
mod log_cmd;
mod manual;
mod pose_cmd;
mod review_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "thrustline",
    version,
    about = "Hip-thrust form coach: reps, hip extension and faults from video"
)]
pub(crate) struct Cli {
    /// Folder holding the pose models (default: the install's share/thrustline/models, else
    /// the source tree's models/). Also THRUSTLINE_MODELS.
    #[arg(long, global = true, value_name = "DIR")]
    models: Option<std::path::PathBuf>,
    /// ONNX Runtime library (default: the install's lib/thrustline, else the source tree's
    /// .cache/onnxruntime). Also ORT_DYLIB_PATH.
    #[arg(long, global = true, value_name = "FILE")]
    onnxruntime: Option<std::path::PathBuf>,
    #[command(subcommand)]
    cmd: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyze recorded videos: reps, faults and a report per video.
    Analyze(analyze::AnalyzeArgs),
    /// Live coaching from a camera (or a video played as one).
    Live(live_cmd::LiveArgs),
    /// Review a session (folder, .thrust bundle or video): timeline, comments, drawings.
    Review(review_cmd::ReviewArgs),
    /// Write a session folder as one shareable .thrust file.
    Bundle(bundle_cmd::BundleArgs),
    /// Add a timestamped comment to a session, or import a coach's reply file.
    Comment(bundle_cmd::CommentArgs),
    /// Write a session as one review page a coach opens in any browser (no install, no network).
    Share(bundle_cmd::ShareArgs),
    /// The training log: history and guidance.
    Log(log_cmd::LogArgs),
    /// Landmarks for every frame of a video (MediaPipe reference schema).
    Pose(pose_cmd::PoseArgs),
    /// Check this machine: runtime, models, codecs, data folder, cameras, display, audio.
    #[command(long_about = "Check this machine, one line per check with what to do when it fails: \
ONNX Runtime loads (and its version); every model is present and matches its published sha256; \
FFmpeg's codecs for the annotated video; the data folder and training log are writable and \
intact; cameras (index, device, name, a frame actually read with its size and rate); a display \
for the windows; the audio output.\n\nExit status: 0 when everything analyze, review and share \
need is there (and, with --live, a camera and a display), warnings allowed; 2 when something \
they need is missing.")]
    Doctor(doctor_cmd::DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish).
    Completions(manual::CompletionsArgs),
    /// Write the man pages to a folder (packaging).
    #[command(hide = true)]
    Manpages(manual::ManpagesArgs),
    /// Render the spoken cues with espeak-ng (maintainers: assets/cues).
    #[command(hide = true)]
    RenderCues(cues_cmd::CuesArgs),
}

/// malloc heaps (arenas) at most: glibc gives each allocating thread its own 64 MB address-space
/// reservation, up to 8 per core. OpenVINO's and FFmpeg's threads took 10 of them (640 MB of a
/// 1.7 GB footprint), and under a 1 GiB address-space limit (`ulimit -v`, a container) half of
/// `analyze`'s runs failed an allocation. With 4 the limit leaves room; 2 cost 4 % of speed.
const MALLOC_ARENAS: i32 = 4;

/// A panic said in one line, where it happened (the backtrace too with RUST_BACKTRACE set). One
/// inside the windowing library is said by the window's own error (`thrustline_ui`), once.
fn one_line_panic(info: &std::panic::PanicHookInfo<'_>) {
    let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
    if at.contains("/winit-") {
        return;
    }
    let why = info
        .payload()
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| info.payload().downcast_ref::<&str>().copied())
        .unwrap_or("no reason given");
    eprintln!("thrustline: internal error at {at}: {why} (please report it)");
    let bt = std::backtrace::Backtrace::capture();
    if bt.status() == std::backtrace::BacktraceStatus::Captured {
        eprintln!("{bt}");
    }
}

/// clap's refusals in one line ("error: invalid value 'nan' for '--at <AT>': … (see --help)"),
/// as every other bad input is said; help and version print whole.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    // The message up to clap's usage block: its own lines (the missing arguments) joined.
    let text = e.render().to_string();
    let said: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
    let said = if said.is_empty() { "error: bad arguments".to_string() } else { said.join(" ") };
    eprintln!("{said} (see --help)");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    // SAFETY: mallopt only sets a malloc parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
    thrustline_engine::terminal::log_to_stderr();
    std::panic::set_hook(Box::new(one_line_panic));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    // The pose crate reads these where it looks for its files; set before any thread starts.
    if let Some(d) = &cli.models {
        std::env::set_var("THRUSTLINE_MODELS", d);
    }
    if let Some(f) = &cli.onnxruntime {
        std::env::set_var("ORT_DYLIB_PATH", f);
    }
    let result = match &cli.cmd {
        Command::Analyze(a) => analyze::run(a),
        Command::Log(a) => log_cmd::run(a).map(|()| true),
        Command::Pose(a) => pose_cmd::run(a).map(|()| true),
        Command::Live(a) => live_cmd::run(a),
        Command::Review(a) => review_cmd::run(a),
        Command::Bundle(a) => bundle_cmd::bundle(a).map(|()| true),
        Command::Comment(a) => bundle_cmd::comment(a).map(|()| true),
        Command::Share(a) => bundle_cmd::share(a).map(|()| true),
        Command::Doctor(a) => doctor_cmd::run(a),
        Command::Completions(a) => manual::completions(a).map(|()| true),
        Command::Manpages(a) => manual::manpages(a).map(|()| true),
        Command::RenderCues(a) => cues_cmd::run(a).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each cause once: a wrapper whose own message already
/// quotes its source (thiserror's `{0}` with `#[from]`) would otherwise print it twice.
pub(crate) fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        let c = c.trim();
        if c.is_empty() || out.contains(c) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(c);
    }
    out.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}
