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
    // Reading needs no write access (a read-only or full disk still shows the log); setting the
    // goal does.
    let log = match a.goal {
        Some(g) => {
            let mut log = TrainingLog::open_in(&data_dir())?;
            log.set_goal(g)?;
            Some(log)
        }
        // A log from before a migration is brought up to date when it can be written.
        None => match TrainingLog::open_read_only(&data_dir()) {
            Err(e @ thrustline_log::LogError::NeedsUpgrade(_)) => {
                Some(TrainingLog::open_in(&data_dir()).map_err(|_| e)?)
            }
            other => other?,
        },
    };
    let entries = match &log {
        Some(l) => l.entries()?,
        None => Vec::new(),
    };
    let goal = match &log {
        Some(l) => l.goal()?,
        None => Default::default(),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
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
