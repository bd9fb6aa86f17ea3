//! `thrustline log --html FILE`: progress over time as a self-contained page (inline SVG).

use std::fmt::Write as _;

use crate::{Entry, Guidance};

/// Text and attribute values made safe for the page.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
}

/// A chart's figure and SVG, opened, with its title.
fn open_figure(title: &str, w: f64, h: f64, ml: f64) -> String {
    let mut o =
        format!(r#"<figure><svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{}">"#, esc(title));
    let _ = write!(o, r#"<text x="{ml}" y="14" style="font-weight:bold">{}</text>"#, esc(title));
    o
}

/// A horizontal grid line from `x1` to `x2` at `y`, its value written at the left edge.
fn gridline(o: &mut String, x1: f64, x2: f64, y: f64, label: &str) {
    let _ = write!(
        o,
        r##"<line x1="{x1}" x2="{x2:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#dde"/><text x="2" y="{:.1}">{label}</text>"##,
        y + 4.0
    );
}

/// One small line chart of `(unix time, value)` points.
fn chart(title: &str, unit: &str, pts: &[(i64, f64)], span: (i64, i64)) -> String {
    let (w, h, ml, mr, mt, mb) = (460.0, 190.0, 56.0, 12.0, 34.0, 22.0);
    let mut o = open_figure(title, w, h, ml);
    let Some(sc) = crate::chart::Scale::of(pts).map(|s| s.spanning(span)) else {
        o.push_str(r#"<text x="48" y="90">no data yet</text></svg></figure>"#);
        return o;
    };
    // The span's first and last days under the axis: every time chart shares them.
    let day = crate::chart::day;
    let _ = write!(
        o,
        r#"<text x="{ml}" y="{:.1}">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
        h - 4.0,
        day(span.0),
        w - mr,
        h - 4.0,
        day(span.1)
    );
    let x = |t: i64| ml + sc.x(t) * (w - ml - mr);
    let y = |v: f64| mt + (1.0 - sc.y(v)) * (h - mt - mb);
    for v in sc.ticks() {
        gridline(&mut o, ml, w - mr, y(v), &crate::chart::tick_label(v, unit));
    }
    let path: Vec<String> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x(p.0), y(p.1)))
        .collect();
    let _ = write!(o, r##"<path d="{}" fill="none" stroke="#2458c6" stroke-width="2"/>"##, path.join(" "));
    for p in pts {
        let _ = write!(o, r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#2458c6"/>"##, x(p.0), y(p.1));
    }
    o.push_str("</svg></figure>");
    o
}

/// The load–velocity profile: each session's best mean concentric velocity at its load, the
/// fitted line down to the velocity at a one-rep max, and the estimated one-rep max on it.
fn profile_chart(entries: &[Entry]) -> String {
    let (w, h, ml, mr, mt, mb) = (460.0, 190.0, 56.0, 12.0, 34.0, 26.0);
    let title = "Load-velocity profile (best set velocity per session)";
    let mut o = open_figure(title, w, h, ml);
    let Some(c) = crate::chart::ProfileChart::of(entries) else {
        o.push_str(r#"<text x="48" y="90">no sessions with a load and a velocity yet</text></svg></figure>"#);
        return o;
    };
    let x = |l: f64| ml + c.x(l) * (w - ml - mr);
    let y = |v: f64| mt + (1.0 - c.y(v)) * (h - mt - mb);
    for k in 0..=3 {
        let v = c.velocity_max_m_s * f64::from(k) / 3.0;
        gridline(&mut o, ml, w - mr, y(v), &format!("{v:.2} m/s"));
        let l = c.load_max_kg * f64::from(k) / 3.0;
        // The last label ends at the axis's end rather than running past the figure's edge.
        let anchor = if k == 3 { r#" text-anchor="end""# } else { "" };
        let at = if k == 3 { x(l) } else { x(l) - 10.0 };
        let label = c.load_label(f64::from(k) / 3.0);
        let _ = write!(o, r#"<text x="{at:.1}" y="{:.1}"{anchor}>{label}</text>"#, h - 6.0);
    }
    // The dashed line named: the velocity a one-rep max is lifted at.
    let _ = write!(
        o,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end" style="fill:#c0392b">speed at a one-rep max {:.2} m/s</text>"#,
        w - mr,
        y(c.mvt_m_s) - 4.0,
        c.mvt_m_s
    );
    let _ = write!(
        o,
        r##"<line x1="{ml}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#c0392b" stroke-dasharray="4 3"/>"##,
        w - mr,
        y(c.mvt_m_s),
        y(c.mvt_m_s)
    );
    if let (Some(p), Some(label)) = (&c.fit, c.one_rep_max_label()) {
        let _ = write!(
            o,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#2458c6" stroke-width="2"/><text x="{:.1}" y="{:.1}">{label}</text>"##,
            x(0.0),
            y(p.intercept),
            x(p.one_rep_max_kg),
            y(c.mvt_m_s),
            (x(p.one_rep_max_kg) - 90.0).max(ml),
            // Under the dashed line, as the window has it: its own label sits above it.
            y(c.mvt_m_s) + 14.0,
        );
    }
    for (l, v) in &c.points {
        let _ = write!(o, r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#2458c6"/>"##, x(*l), y(*v));
    }
    o.push_str("</svg>");
    if let Some(n) = &c.note {
        let _ = write!(o, "<figcaption>Load-velocity profile: {}</figcaption>", esc(n));
    }
    o.push_str("</figure>");
    o
}

pub fn render(entries: &[Entry], g: &Guidance) -> String {
    // In the unit the lifter loads in now.
    let unit = crate::current_load_unit(entries);
    let load: Vec<(i64, f64)> =
        entries.iter().filter_map(|e| e.load_kg.map(|l| (e.recorded_unix_s, unit.from_kg(l)))).collect();
    let reps: Vec<(i64, f64)> = entries.iter().map(|e| (e.recorded_unix_s, f64::from(e.reps))).collect();
    let lockout: Vec<(i64, f64)> =
        entries.iter().filter_map(|e| e.mean_lockout_angle.map(|a| (e.recorded_unix_s, a))).collect();
    let fault_rate: Vec<(i64, f64)> = entries
        .iter()
        .filter_map(|e| e.clean_ratio().map(|c| (e.recorded_unix_s, 100.0 * (1.0 - c))))
        .collect();
    let mut o = String::from(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Thrustline progress</title><style>body{font-family:system-ui,sans-serif;margin:24px;color:#1d2330;background:#f4f5f7}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px}figure{background:#fff;border-radius:10px;padding:8px;margin:0}svg text{font-size:11px;fill:#445}li{margin:4px 0}table{border-collapse:collapse;background:#fff;margin-top:8px}th,td{padding:4px 10px;text-align:left;border-bottom:1px solid #e4e6eb;font-size:14px}</style></head><body><h1>Training progress</h1>"#,
    );
    let logged = thrustline_core::session::counted(entries.len() as u64, "session", "sessions");
    // The goal with its rep range and sets, as the terminal and the window say it.
    let (r, sets) = (g.reps_per_set, g.sets);
    let _ = write!(
        o,
        "<p>{logged} logged. Goal: {}: {}&#8211;{} sets of {}&#8211;{} reps.</p><ul>",
        g.goal.name(),
        sets.0,
        sets.1,
        r.0,
        r.1
    );
    let _ = write!(o, "<li>{}</li>", esc(&g.frequency));
    if let Some(w) = &g.rest_warning {
        let _ = write!(o, "<li>{}</li>", esc(w));
    }
    if let Some(n) = &g.range_note {
        let _ = write!(o, "<li>sets: {}</li>", esc(n));
    }
    if let Some(l) = &g.next_load {
        // The figure with its reason, as the terminal says it.
        let load = if l.increase {
            l.unit.show_range(l.next_kg.0, l.next_kg.1)
        } else {
            format!("stay at {}", l.unit.show(l.current_kg))
        };
        let _ = write!(o, "<li>next load: {} ({})</li>", esc(&load), esc(&l.reason));
    }
    o.push_str(r#"</ul><div class="grid">"#);
    let span = crate::chart::time_span(entries);
    o.push_str(&chart("Load", &format!(" {}", unit.symbol()), &load, span));
    o.push_str(&chart("Reps per session", "", &reps, span));
    o.push_str(&chart("Mean lockout hip angle", " deg", &lockout, span));
    o.push_str(&chart("Reps with a fault", " %", &fault_rate, span));
    o.push_str(&profile_chart(entries));
    o.push_str("</div>");
    history(&mut o, entries);
    o.push_str("</body></html>");
    o
}

/// Every session, latest first, with the terminal's columns.
fn history(o: &mut String, entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    o.push_str("<h2>History</h2><table><tr><th>date (UTC)</th><th>variation</th><th>load</th><th>sets &#215; reps</th><th>partial</th><th>clean</th><th>faults</th></tr>");
    for e in entries.iter().rev() {
        let load = e.load_kg.map_or_else(|| "-".to_string(), |l| e.load_unit.unwrap_or_default().show(l));
        let sets: Vec<String> = e.reps_per_set.iter().map(u32::to_string).collect();
        let clean = e.clean_ratio().map_or_else(|| "-".to_string(), |c| format!("{:.0} %", c * 100.0));
        let faults = e.fault_words();
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} &#215; {}</td><td>{}</td><td>{clean}</td><td>{}</td></tr>",
            thrustline_core::calendar::minute(e.recorded_unix_s),
            esc(&e.variation_words()),
            esc(&load),
            e.sets,
            sets.join("/"),
            e.partials,
            if faults.is_empty() { "-".to_string() } else { esc(&faults.join(", ")).into_owned() }
        );
    }
    o.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session of 8 reps (6 clean) at `load`, no velocity.
    fn session(t: i64, load: f64) -> Entry {
        Entry {
            id: 0,
            recorded_unix_s: t,
            source: "x".into(),
            variation: "barbell".into(),
            load_kg: Some(load),
            sets: 1,
            reps_per_set: vec![8],
            reps: 8,
            partials: 0,
            clean_reps: 6,
            load_unit: None,
            judged_reps: None,
            mean_lockout_angle: Some(172.0),
            faults: vec![],
            best_mean_velocity_m_s: None,
            workout: None,
        }
    }

    #[test]
    fn five_charts_with_a_point_per_session() {
        let entries = vec![session(0, 60.0), session(200_000, 62.5), session(400_000, 62.5)];
        let g = crate::guidance::advise(&entries, crate::Goal::Hypertrophy, 400_000);
        let html = render(&entries, &g);
        assert_eq!(html.matches("<svg").count(), 5);
        assert_eq!(html.matches("<circle").count(), 12);
        assert!(html.contains("no sessions with a load and a velocity yet"));
        // The goal's rep range, and every session in the history, latest first.
        assert!(html.contains("sets of 8&#8211;12 reps"), "{html}");
        assert_eq!(html.matches("<tr><td>").count(), 3);
        assert!(html.find("<td>60 kg</td>") > html.find("<td>62.5 kg</td>"), "{html}");
        assert!(!html.contains("http") && !html.contains("<script"));
    }

    #[test]
    fn the_profile_chart_shows_each_session_and_the_estimated_maximum() {
        // A lifter with a 150 kg max: 1.25 m/s unloaded, 0.25 m/s at 150 kg.
        let e = |t: i64, load: f64| Entry {
            best_mean_velocity_m_s: Some(1.25 - load / 150.0),
            workout: None,
            ..session(t, load)
        };
        let entries = vec![e(0, 60.0), e(300_000, 80.0), e(600_000, 100.0), e(900_000, 120.0)];
        let html = profile_chart(&entries);
        assert_eq!(html.matches("<circle").count(), 4);
        assert!(html.contains("1RM 150 \u{b1} 0 kg"), "{html}");
        assert!(html.contains(">165 kg</text>"), "{html}");
        // A lifter who loads in pounds reads the axis and the maximum in pounds.
        let lb = Some(thrustline_core::units::LoadUnit::Lb);
        let entries: Vec<Entry> = entries.into_iter().map(|x| Entry { load_unit: lb, ..x }).collect();
        let html = profile_chart(&entries);
        assert!(html.contains("1RM 330 \u{b1} 0 lb"), "{html}");
        assert!(html.contains(">365 lb</text>") && !html.contains(" kg<"), "{html}");
        // And so does the terminal, where the profile line had stayed in kilograms.
        let g = crate::guidance::advise(&entries, crate::Goal::Strength, 900_000);
        let p = crate::load_velocity_profile(&entries);
        let text = crate::text::render(&entries, &g, p.as_ref());
        let line = text.lines().find(|l| l.starts_with("load-velocity profile")).unwrap();
        assert!(line.contains("one-rep max 330 +/- 0 lb;") && !line.contains("kg"), "{line}");
    }

    #[test]
    fn a_profile_under_a_load_already_lifted_is_not_drawn_as_an_estimate() {
        // Speeds that fall steeply with load (reps not at full speed): the fit reaches 0.25 m/s
        // at 80 kg, under the 100 kg lifted. The terminal says it does not fit yet; so does the
        // page, with no one-rep max drawn.
        let e = |t: i64, load: f64| Entry {
            best_mean_velocity_m_s: Some(0.45 - (load - 40.0) / 200.0),
            workout: None,
            ..session(t, load)
        };
        let entries = vec![e(0, 40.0), e(300_000, 60.0), e(600_000, 80.0), e(900_000, 100.0)];
        let p = crate::load_velocity_profile(&entries).unwrap();
        assert!(p.one_rep_max_kg < 100.0, "{p:?}");
        let html = profile_chart(&entries);
        assert!(!html.contains("1RM"), "{html}");
        assert!(html.contains("does not fit yet") && html.contains("under the 100 kg you lifted"), "{html}");
        assert_eq!(html.matches("<circle").count(), 4);
    }

    #[test]
    fn points_that_make_no_profile_say_why() {
        // Speeds that rise with the load (different movements, reps not at full speed): no fit.
        let e = |t: i64, load: f64, v: f64| Entry {
            best_mean_velocity_m_s: Some(v),
            workout: None,
            ..session(t, load)
        };
        let rising = vec![e(0, 60.0, 0.3), e(300_000, 70.0, 0.35), e(600_000, 80.0, 0.45)];
        assert!(crate::load_velocity_profile(&rising).is_none());
        let html = profile_chart(&rising);
        assert!(html.contains("Load-velocity profile: none yet (your best speeds do not fall"), "{html}");
        let g = crate::guidance::advise(&rising, crate::Goal::Strength, 600_000);
        let text = crate::text::render(&rising, &g, None);
        assert!(text.contains("load-velocity profile: none yet (your best speeds"), "{text}");
        // Two sessions: too few, and said so with the count.
        let html = profile_chart(&rising[..2]);
        assert!(
            html.contains("3 sessions with a load and a velocity, at different loads: 2 so far)"),
            "{html}"
        );
        // A fit draws no note.
        let falling = vec![e(0, 60.0, 0.8), e(300_000, 80.0, 0.6), e(600_000, 100.0, 0.45)];
        assert!(crate::profile_missing_note(&falling).is_none());
    }
}
