//! The `thrustline` binary: turns flags into the engine's and the windows' settings, dispatches
//! one command per job and prints what came of it.

mod analyze;
mod args;
mod atomic;
mod bundle_cmd;
mod cues_cmd;
mod live_cmd;
mod log_cmd;
mod pose_cmd;
mod review_cmd;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::registry::LookupSpan;

#[derive(Parser)]
#[command(
    name = "thrustline",
    version,
    about = "Hip-thrust form coach: reps, hip extension and faults from video"
)]
struct Cli {
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
    /// Add a timestamped comment to a session.
    Comment(bundle_cmd::CommentArgs),
    /// The training log: history and guidance.
    Log(log_cmd::LogArgs),
    /// Landmarks for every frame of a video (MediaPipe reference schema).
    Pose(pose_cmd::PoseArgs),
    /// Render the spoken cues with espeak-ng (maintainers: assets/cues).
    #[command(hide = true)]
    RenderCues(cues_cmd::CuesArgs),
}

/// The libraries' log lines as a terminal user reads them: `warning: …`, `error: …`.
struct Plain;

impl<S, N> FormatEvent<S, N> for Plain
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => "error",
            tracing::Level::WARN => "warning",
            tracing::Level::INFO => "info",
            _ => "debug",
        };
        write!(w, "{level}: ")?;
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}

/// Set by Ctrl-C or SIGTERM: the job stops cleanly and keeps what it finished; a second
/// Ctrl-C while stopping kills the process as usual.
pub fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let _ = ctrlc::set_handler(move || {
        if s.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    stop
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("THRUSTLINE_LOG")
                .unwrap_or_else(|_| "warn,ort=error".into()),
        )
        .with_writer(std::io::stderr)
        .event_format(Plain)
        .init();
    let cli = Cli::parse();
    let result = match &cli.cmd {
        Command::Analyze(a) => analyze::run(a),
        Command::Log(a) => log_cmd::run(a).map(|()| true),
        Command::Pose(a) => pose_cmd::run(a).map(|()| true),
        Command::Live(a) => live_cmd::run(a),
        Command::Review(a) => review_cmd::run(a),
        Command::Bundle(a) => bundle_cmd::bundle(a).map(|()| true),
        Command::Comment(a) => bundle_cmd::comment(a).map(|()| true),
        Command::RenderCues(a) => cues_cmd::run(a).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
