//! The terminal's side of a job: coaching without a window (`thrustline live --no-window`: the
//! same engine as the window, its notices written as lines, until the source ends or `stop` is
//! set), Ctrl-C, the analysis progress bar and the libraries' log lines as a user reads them.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use thrustline_core::{Event, Rep};

use crate::{Engine, EngineError, LiveConfig, Notice};

/// How often the stop flag is looked at while no notice arrives.
const POLL: Duration = Duration::from_millis(100);

/// The saved session's warnings, as its report words them: the lines the lifter reads last
/// (the terminal coach's, and the window's on stderr).
pub fn said(out: &mut dyn Write, s: &crate::LiveSummary) -> Result<(), EngineError> {
    for w in &s.warnings {
        writeln!(out, "the session says: {w}").map_err(|e| EngineError::Io("the terminal".into(), e))?;
    }
    Ok(())
}

/// ", every 2nd frame analyzed (30 fps)" for a camera faster than the worker's cadence.
pub fn cadence(stride: u32, fps: f64) -> String {
    if stride <= 1 {
        String::new()
    } else {
        format!(", every {} frame analyzed ({:.0} fps)", ordinal(stride), fps / f64::from(stride))
    }
}

fn ordinal(n: u32) -> String {
    match n {
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}

/// Runs a live session and writes what happens to `out`; the session is saved on stop.
pub fn coach(cfg: LiveConfig, stop: &AtomicBool, out: &mut dyn Write) -> Result<(), EngineError> {
    let mut engine = Engine::start(cfg, Arc::new(|| {}))?;
    let io = |e: std::io::Error| EngineError::Io("the terminal".into(), e);
    let i = &engine.info;
    writeln!(
        out,
        "live: {} ({}x{} @ {:.0} fps{}) -> {}",
        i.name,
        i.width,
        i.height,
        i.fps,
        cadence(engine.stride, i.fps),
        engine.dir.display()
    )
    .map_err(io)?;
    let mut reps: Vec<Rep> = Vec::new();
    // Faults called out so far, (rep, fault): one judged as the source ended comes only in the
    // reps' last list, and the lifter who cannot watch must still hear of it.
    let mut called: Vec<(u32, thrustline_core::FaultId)> = Vec::new();
    loop {
        if stop.load(Ordering::SeqCst) {
            let s = engine.stop()?;
            let reps = thrustline_core::session::reps_text(s.reps as u64);
            writeln!(out, "stopped: {reps} saved to {}", s.dir.display()).map_err(io)?;
            said(out, &s)?;
            writeln!(out, "latency capture -> overlay: {}", s.latency).map_err(io)?;
            return Ok(());
        }
        let line = match engine.wait_notice(POLL) {
            Some(Notice::Event { event: Event::RepCounted { rep }, .. }) => format!("rep {rep}"),
            Some(Notice::Event { event: Event::FaultRaised { rep, id }, .. }) => {
                called.push((rep, id));
                format!("  rep {rep}: {}", id.cue())
            }
            Some(Notice::Event { event: Event::Warning { id }, .. }) => format!("warning: {}", id.message()),
            Some(Notice::Event { event: Event::Setup { issue: Some(i) }, .. }) => {
                format!("setup: {}", i.message())
            }
            Some(Notice::Event { event: Event::Setup { issue: None }, .. }) => "setup: fine now".to_string(),
            Some(Notice::Reps(r)) => {
                reps = r;
                let mut late = Vec::new();
                for rep in &reps {
                    for f in &rep.faults {
                        if !called.contains(&(rep.index, f.id)) {
                            called.push((rep.index, f.id));
                            late.push(format!("  rep {}: {}", rep.index, f.id.cue()));
                        }
                    }
                }
                if late.is_empty() {
                    continue;
                }
                late.join("\n")
            }
            Some(Notice::Seen(v)) => format!("seen: {}", v.label()),
            Some(Notice::StopSet { set, loss_pct }) => {
                format!("set {set}: {loss_pct:.0} % slower than its fastest rep: last good rep, stop the set")
            }
            Some(Notice::Ended(s)) => {
                let _ = engine.stop();
                // No rep's form seen: say so, not "0 clean".
                let clean = thrustline_core::session::clean_count(&reps)
                    .map_or_else(|| "form not seen".to_string(), |n| format!("{n} clean"));
                writeln!(
                    out,
                    "{}: {} ({clean}), {} partial, saved to {}",
                    s.end,
                    thrustline_core::session::reps_text(s.reps as u64),
                    s.partials,
                    s.dir.display()
                )
                .map_err(io)?;
                said(out, &s)?;
                writeln!(
                    out,
                    "latency capture -> overlay: {}; {} of {} frames analyzed",
                    s.latency, s.frames_analyzed, s.frames_captured
                )
                .map_err(io)?;
                return Ok(());
            }
            Some(Notice::Failed(e)) => return Err(EngineError::Refused(e)),
            _ => continue,
        };
        writeln!(out, "{line}").map_err(io)?;
    }
}

/// Set by Ctrl-C or SIGTERM: the job stops cleanly and keeps what it finished; a second
/// Ctrl-C while stopping kills the process as usual.
pub fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        if s.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    }) {
        tracing::debug!("no Ctrl-C handler: {e}");
    }
    stop
}

/// The progress bar of one video at a time (hidden when `quiet`).
pub struct ProgressBar(indicatif::ProgressBar);

impl ProgressBar {
    pub fn new(quiet: bool) -> Self {
        if quiet {
            return Self(indicatif::ProgressBar::hidden());
        }
        let p = indicatif::ProgressBar::new(0);
        p.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} frames {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Self(p)
    }
}

impl crate::offline::Progress for ProgressBar {
    fn start(&self, name: &str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(name.to_string());
    }
    fn frame(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// The libraries' log lines as a terminal user reads them: `warning: …`, `error: …`.
struct Plain;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for Plain
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut w: tracing_subscriber::fmt::format::Writer<'_>,
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

/// Log lines to stderr, filtered by `THRUSTLINE_LOG` (default: warnings; only errors from ONNX
/// Runtime and the window's libraries, whose warnings are about the display server, "XRandR
/// reported that the display's 0mm in size", not about anything the user can act on).
pub fn log_to_stderr() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("THRUSTLINE_LOG")
                .unwrap_or_else(|_| "warn,ort=error,winit=error,egui_glow=error".into()),
        )
        .with_writer(std::io::stderr)
        .event_format(Plain)
        .init();
}
