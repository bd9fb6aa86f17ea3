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

fn date(unix: i64) -> String {
    let (y, m, d, h, mi, _) = thrustline_report::atomic::civil(unix);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}")
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
    if entries.is_empty() {
        println!("The training log is empty: `thrustline analyze` records every session it analyzes.");
    } else {
        println!(
            "{:<17} {:<14} {:>8} {:>10} {:>8} {:>6}  faults",
            "date (UTC)", "variation", "load", "sets x reps", "partial", "clean"
        );
        for e in &entries {
            let load = e.load_kg.map(|l| format!("{l} kg")).unwrap_or_else(|| "-".into());
            let sets: Vec<String> = e.reps_per_set.iter().map(|r| r.to_string()).collect();
            let clean = e.clean_ratio().map(|c| format!("{:.0}%", c * 100.0)).unwrap_or_else(|| "-".into());
            let faults: Vec<String> = e.faults.iter().map(|(id, n)| format!("{id} x{n}")).collect();
            println!(
                "{:<17} {:<14} {:>8} {:>10} {:>8} {:>6}  {}",
                date(e.recorded_unix_s),
                e.variation,
                load,
                format!("{} x {}", e.sets, sets.join("/")),
                e.partials,
                clean,
                if faults.is_empty() { "-".into() } else { faults.join(", ") }
            );
        }
    }
    let (r, s) = (advice.reps_per_set, advice.sets);
    println!("\ngoal: {} ({}-{} sets of {}-{} reps)", advice.goal.name(), s.0, s.1, r.0, r.1);
    println!("frequency: {}", advice.frequency);
    if let Some(w) = &advice.rest_warning {
        println!("rest: {w}");
    }
    if let Some(n) = &advice.range_note {
        println!("sets: {n}");
    }
    // The load–velocity profile, when the log holds enough sessions with a load and a velocity.
    let heaviest = entries.iter().filter_map(|e| e.load_kg).fold(0.0f64, f64::max);
    if let Some(p) = profile.as_ref().filter(|p| p.one_rep_max_kg < heaviest) {
        println!(
            "load-velocity profile ({} sessions): does not fit yet (it puts your one-rep max at {:.0} kg, under the {heaviest:.0} kg you lifted); log more sessions",
            p.points, p.one_rep_max_kg
        );
    } else if let Some(p) = &profile {
        let (lo, hi) = thrustline_log::one_rep_max_share(advice.goal);
        println!(
            "load-velocity profile ({} sessions): estimated one-rep max {:.0} +/- {:.0} kg; for {}-{} reps: {:.1}-{:.1} kg",
            p.points,
            p.one_rep_max_kg,
            p.one_rep_max_se_kg,
            r.0,
            r.1,
            lo * p.one_rep_max_kg,
            hi * p.one_rep_max_kg
        );
    }
    if let Some(l) = &advice.next_load {
        if l.increase {
            println!("next load: {:.1}-{:.1} kg ({})", l.next_kg.0, l.next_kg.1, l.reason);
        } else {
            println!("next load: stay at {} kg ({})", l.current_kg, l.reason);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_utc_civil() {
        assert_eq!(super::date(0), "1970-01-01 00:00");
        assert_eq!(super::date(1_795_478_400), "2026-11-24 00:00");
        assert_eq!(super::date(951_782_400 + 3_600), "2000-02-29 01:00");
    }
}
