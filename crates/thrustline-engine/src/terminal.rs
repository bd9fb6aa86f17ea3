//! Coaching from the terminal (`thrustline live --no-window`): the same engine as the window,
//! its notices written as lines, until the source ends or `stop` is set.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use thrustline_core::{Event, Rep};

use crate::{Engine, EngineError, LiveConfig, Notice};

/// How often the stop flag is looked at while no notice arrives.
const POLL: Duration = Duration::from_millis(100);

/// Runs a live session and writes what happens to `out`; the session is saved on stop.
pub fn coach(cfg: LiveConfig, stop: &AtomicBool, out: &mut dyn Write) -> Result<(), EngineError> {
    let mut engine = Engine::start(cfg, Arc::new(|| {}))?;
    let io = |e: std::io::Error| EngineError::Io("the terminal".into(), e);
    let i = &engine.info;
    writeln!(
        out,
        "live: {} ({}x{} @ {:.0} fps) -> {}",
        i.name,
        i.width,
        i.height,
        i.fps,
        engine.dir.display()
    )
    .map_err(io)?;
    let mut reps: Vec<Rep> = Vec::new();
    loop {
        if stop.load(Ordering::SeqCst) {
            let s = engine.stop()?;
            writeln!(out, "stopped: {} reps saved to {}", s.reps, s.dir.display()).map_err(io)?;
            writeln!(out, "latency capture -> overlay: {}", s.latency).map_err(io)?;
            return Ok(());
        }
        let line = match engine.wait_notice(POLL) {
            Some(Notice::Event { event: Event::RepCounted { rep }, .. }) => format!("rep {rep}"),
            Some(Notice::Event { event: Event::FaultRaised { rep, id }, .. }) => {
                format!("  rep {rep}: {}", id.cue())
            }
            Some(Notice::Event { event: Event::Warning { id }, .. }) => format!("warning: {}", id.message()),
            Some(Notice::Reps(r)) => {
                reps = r;
                continue;
            }
            Some(Notice::StopSet { set, loss_pct }) => {
                format!("set {set}: {loss_pct:.0} % slower than its fastest rep: last good rep, stop the set")
            }
            Some(Notice::Ended(s)) => {
                let _ = engine.stop();
                let clean = thrustline_core::session::clean_reps(&reps);
                writeln!(
                    out,
                    "{}: {} reps ({clean} clean), {} partial, saved to {}",
                    s.end,
                    s.reps,
                    s.partials,
                    s.dir.display()
                )
                .map_err(io)?;
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
