//! `thrustline live`: the coach at the bench. A window by default; `--no-window` coaches from
//! the terminal (and the speakers) alone.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Result};
use thrustline_capture::SourceSpec;
use thrustline_core::Side;
use thrustline_engine::{AudioOptions, Engine, LiveConfig};

#[derive(clap::Args, Debug)]
pub struct LiveArgs {
    /// Camera index, device path (/dev/video2), video file (played at its own frame rate) or
    /// stream URL.
    #[arg(default_value = "0")]
    pub source: String,
    #[command(flatten)]
    pub lift: crate::args::LiftArgs,
    /// Stop-the-set cue (tone, speech, banner) once the set's mean concentric velocity has
    /// dropped this many percent from its fastest rep, e.g. 25 (off by default).
    #[arg(long, value_parser = crate::args::parse_percent)]
    pub stop_at_loss: Option<f32>,
    /// Sessions are saved in a folder per session under this one (default: the data
    /// directory's sessions/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Side facing the camera: auto, left, right or both (front view).
    #[arg(long, default_value = "auto")]
    pub side: String,
    /// No sound.
    #[arg(long)]
    pub mute: bool,
    /// Speak the rep number and the fault's cue after each tone.
    #[arg(long)]
    pub speak: bool,
    /// Also write the audio cues, at their times, to this WAV file.
    #[arg(long)]
    pub audio_wav: Option<PathBuf>,
    /// Coach from the terminal, without a window.
    #[arg(long)]
    pub no_window: bool,
    /// Do not record the camera's video.
    #[arg(long)]
    pub no_record: bool,
    /// Do not add the session to the training log.
    #[arg(long)]
    pub no_log: bool,
    /// ONNX Runtime threads for the pose models.
    #[arg(long, default_value_t = 1, value_parser = crate::args::parse_threads)]
    pub threads: usize,
    /// Close the window when the video ends (for scripts and tests).
    #[arg(long)]
    pub exit_at_end: bool,
    /// Save a screenshot of the window here when it closes (and <name>-fault.png at the first
    /// fault banner).
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Write what the window showed to this JSON file (tests).
    #[arg(long, hide = true)]
    pub ui_trace: Option<PathBuf>,
}

fn parse_side(s: &str) -> Result<Option<Side>> {
    Ok(match s {
        "auto" => None,
        "left" => Some(Side::Left),
        "right" => Some(Side::Right),
        "both" => Some(Side::Both),
        _ => bail!("invalid side '{s}' (auto, left, right or both)"),
    })
}

pub fn run(a: &LiveArgs) -> Result<bool> {
    let mut lift = a.lift.lift(a.threads, !a.no_log)?;
    // Idle inference threads spin live: the lowest latency, and no encoder needs the core.
    lift.pose.spin = true;
    let source = SourceSpec::parse(&a.source);
    if let SourceSpec::File(p) = &source {
        if p.is_dir() {
            bail!("{}: a folder, not a video or a camera (give a camera index like 0, a /dev/video path, a video file or a URL)", p.display());
        }
        if !p.is_file() {
            bail!("{}: no such file or camera (give a camera index like 0, a /dev/video path, a video file or a URL)", p.display());
        }
    }
    let cfg = LiveConfig {
        source,
        lift,
        stop_at_loss_pct: a.stop_at_loss,
        sessions_dir: a.out.clone().unwrap_or_else(|| thrustline_log::data_dir().join("sessions")),
        side: parse_side(&a.side)?,
        audio: AudioOptions { mute: a.mute, speech: a.speak, wav_out: a.audio_wav.clone() },
        record_video: !a.no_record,
        training_log: !a.no_log,
    };
    let stop = thrustline_engine::terminal::stop_on_ctrl_c();
    if a.no_window {
        thrustline_engine::terminal::coach(cfg, &stop, &mut std::io::stdout().lock())?;
        return Ok(true);
    }
    if !thrustline_ui::has_display() {
        bail!("no display to open the window on (DISPLAY is not set): use --no-window to coach from the terminal");
    }
    // Start before the live window opens. A camera that will not open, or a missing model, is
    // one line on stderr and, from a camera (the desktop menu's launch, no terminal to read),
    // the setup-check window with what to fix.
    let slot = thrustline_ui::live::WakeSlot::default();
    let engine = match Engine::start(cfg.clone(), slot.waker()) {
        Ok(e) => e,
        Err(e) if !matches!(cfg.source, SourceSpec::File(_)) => {
            let e = anyhow::Error::from(e);
            thrustline_ui::doctor::run(crate::one_line(&e), a.screenshot.clone(), stop.clone())
                .map_err(|e| anyhow!(e))?;
            return Err(e);
        }
        Err(e) => return Err(e.into()),
    };
    let auto = thrustline_ui::live::Automation {
        exit_at_end: a.exit_at_end,
        screenshot: a.screenshot.clone(),
        trace: a.ui_trace.clone(),
    };
    for s in thrustline_ui::live::run(cfg, engine, slot, stop, auto).map_err(|e| anyhow!(e))? {
        eprintln!("{}", thrustline_ui::live::end_message(&s));
        thrustline_engine::terminal::said(&mut std::io::stderr(), &s)?;
        eprintln!("latency capture -> overlay: {}", s.latency);
    }
    Ok(true)
}
