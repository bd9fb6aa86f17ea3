//! The training log as a terminal shows it: the sessions' table, the goal, the guidance and the
//! load–velocity profile.

use std::fmt::Write;

use thrustline_core::velocity::LoadVelocity;

use crate::{one_rep_max_share, Entry, Guidance};

/// The whole `thrustline log` text.
pub fn render(entries: &[Entry], advice: &Guidance, profile: Option<&LoadVelocity>) -> String {
    let mut o = String::new();
    // Writing to a String cannot fail.
    let _ = write_all(&mut o, entries, advice, profile);
    o
}

fn write_all(
    o: &mut String,
    entries: &[Entry],
    advice: &Guidance,
    profile: Option<&LoadVelocity>,
) -> std::fmt::Result {
    if entries.is_empty() {
        writeln!(o, "The training log is empty: `thrustline analyze` records every session it analyzes.")?;
    } else {
        writeln!(
            o,
            "{:<17} {:<14} {:>8} {:>10} {:>8} {:>6}  faults",
            "date (UTC)", "variation", "load", "sets x reps", "partial", "clean"
        )?;
        for e in entries {
            let load =
                e.load_kg.map(|l| e.load_unit.unwrap_or_default().show(l)).unwrap_or_else(|| "-".into());
            let sets: Vec<String> = e.reps_per_set.iter().map(|r| r.to_string()).collect();
            let clean = e.clean_ratio().map(|c| format!("{:.0}%", c * 100.0)).unwrap_or_else(|| "-".into());
            // In the words the report uses ("feet too close", not its id).
            let faults = e.fault_words();
            writeln!(
                o,
                "{:<17} {:<14} {:>8} {:>10} {:>8} {:>6}  {}",
                thrustline_core::calendar::minute(e.recorded_unix_s),
                e.variation_words(),
                load,
                format!("{} x {}", e.sets, sets.join("/")),
                e.partials,
                clean,
                if faults.is_empty() { "-".into() } else { faults.join(", ") }
            )?;
        }
    }
    let (r, s) = (advice.reps_per_set, advice.sets);
    writeln!(o, "\ngoal: {} ({}-{} sets of {}-{} reps)", advice.goal.name(), s.0, s.1, r.0, r.1)?;
    writeln!(o, "frequency: {}", advice.frequency)?;
    if let Some(w) = &advice.rest_warning {
        writeln!(o, "rest: {w}")?;
    }
    if let Some(n) = &advice.range_note {
        writeln!(o, "sets: {n}")?;
    }
    // The load–velocity profile, when the log holds enough sessions with a load and a velocity;
    // in the unit the lifter loads in now, as the page and the window show it.
    let unit = crate::current_load_unit(entries);
    if let (None, Some(note)) = (profile, crate::profile_missing_note(entries)) {
        writeln!(o, "load-velocity profile: {note}")?;
    } else if let Some(p) = profile.filter(|p| !crate::profile_fits(p, entries)) {
        let note = crate::profile_unfit_note(p, entries, unit);
        writeln!(o, "load-velocity profile ({} sessions): {note}", p.points)?;
    } else if let Some(p) = profile {
        let (lo, hi) = one_rep_max_share(advice.goal);
        let u = |kg: f64| unit.from_kg(kg);
        let max = p.one_rep_max_kg;
        writeln!(
            o,
            "load-velocity profile ({} sessions): estimated one-rep max {:.0} +/- {:.0} {sym}; for {}-{} reps: {:.1}-{:.1} {sym}",
            p.points,
            u(max),
            u(p.one_rep_max_se_kg),
            r.0,
            r.1,
            u(lo * max),
            u(hi * max),
            sym = unit.symbol()
        )?;
    }
    if let Some(l) = &advice.next_load {
        if l.increase {
            writeln!(o, "next load: {} ({})", l.unit.show_range(l.next_kg.0, l.next_kg.1), l.reason)?;
        } else {
            writeln!(o, "next load: stay at {} ({})", l.unit.show(l.current_kg), l.reason)?;
        }
    }
    Ok(())
}
