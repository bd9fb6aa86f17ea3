//! `thrustline log`: the training history and the article's guidance.

use anyhow::Result;
use thrustline_log::{data_dir, guidance, Goal, TrainingLog};

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Set the training goal: strength (3-5 reps x 3-5 sets) or hypertrophy (8-12 x 3-4).
    #[arg(long)]
    pub goal: Option<Goal>,
    /// Also write progress plots (load, reps, lockout angle, fault rate) to this HTML file.
    #[arg(long)]
    pub html: Option<std::path::PathBuf>,
    /// Open the progress window (plots, guidance, history).
    #[arg(long)]
    pub window: bool,
    /// With --window: save a screenshot here and close (scripts and tests).
    #[arg(long, requires = "window")]
    pub screenshot: Option<std::path::PathBuf>,
}

pub fn run(a: &LogArgs) -> Result<()> {
    let log = match a.goal {
        Some(g) => {
            let mut log = TrainingLog::open_in(&data_dir())?;
            log.set_goal(g)?;
            Some(log)
        }
        None => TrainingLog::open_current(&data_dir())?,
    };
    let entries = match &log {
        Some(l) => l.entries()?,
        None => Vec::new(),
    };
    let goal = match &log {
        Some(l) => l.goal()?,
        None => Default::default(),
    };
    let now = thrustline_log::now_unix();
    let advice = guidance::advise(&entries, goal, now);
    let profile = thrustline_log::load_velocity_profile(&entries);
    if let Some(path) = &a.html {
        crate::atomic::write(path, thrustline_log::html::render(&entries, &advice).as_bytes())?;
        eprintln!("progress plots -> {}", path.display());
    }
    if a.window {
        if !thrustline_ui::has_display() {
            anyhow::bail!("no display to open the progress window on (DISPLAY is not set): use --html FILE");
        }
        return thrustline_ui::progress::run(entries, advice, a.screenshot.clone())
            .map_err(|e| anyhow::anyhow!(e));
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "sessions": entries, "guidance": advice, "load_velocity": profile })
            )?
        );
        return Ok(());
    }
    print!("{}", thrustline_log::text::render(&entries, &advice, profile.as_ref()));
    Ok(())
}
