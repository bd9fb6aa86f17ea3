//! `report.html`: self-contained (inline CSS and SVG, images as base64), no script, no request.

use std::fmt::Write as _;

use base64::Engine;
use thrustline_core::session::NotCompared;
use thrustline_core::{CameraView, Lowering, Rep, Severity, Verdict};

use crate::session::Session;

/// A frame worth showing: at a rep's lockout or where a fault was raised.
pub struct KeyFrame {
    pub caption: String,
    pub t_s: f64,
    pub jpeg: Vec<u8>,
}

/// Text and attribute values made safe for the page.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
}

fn mmss(t: f64) -> String {
    format!("{}:{:04.1}", (t / 60.0).floor() as u64, t % 60.0)
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:24px}header p{margin:0;color:#b8c0d0}
main{padding:20px 32px;max-width:1100px}section{background:#fff;border-radius:10px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 12px}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#f0f3f8;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:26px}.card span{color:#566;font-size:13px}table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e6ec}th{background:#f0f3f8}tr.faulty td:first-child{border-left:4px solid #d33}
tr.clean td:first-child{border-left:4px solid #2a9d55}tr.unjudged td:first-child{border-left:4px solid #e0a800}.cue{color:#b02525}.view{color:#555;margin:6px 0}.not-judged{color:#7a6a2a}.estimate{color:#777}.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:8px 12px;margin:6px 0}
.frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}.frames figure{margin:0}.frames img{width:100%;border-radius:6px}
figcaption{font-size:13px;color:#445;margin-top:4px}svg text{font-size:11px;fill:#445}
@media (max-width:700px){header{padding:14px 16px}main{padding:12px}section{padding:12px 14px;overflow-x:auto}section>svg{min-width:720px}section table{min-width:640px}}";

/// Inline SVG of the hip angle over time, the lockout band, rep and fault markers.
/// Time labels on the hip-angle chart: at most this many, whatever span a file claims.
const MAX_TIME_TICKS: usize = 12;

/// A 1-2-5 step (seconds) that puts at most [`MAX_TIME_TICKS`] labels on `span` seconds.
fn tick_step(span: f64) -> f64 {
    let raw = (span / MAX_TIME_TICKS as f64).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|&s| s >= raw).unwrap_or(10.0 * mag)
}

/// The farthest a hip extends past straight, as the landmarks read it: 30° of hip extension
/// (AAOS normal range) and 15° for the landmarks' spread. A signed angle beyond it is a body
/// facing the floor (a donkey kick's flexed hip reads 270°), not an extension.
const HIP_EXTENSION_MAX_DEG: f32 = 225.0;

/// A session with no rep whose signed hip angle passed what a hip extends: its chart shows the
/// joint's opening (0–180°) instead, since the sign only means "past straight" on one's back.
fn unsigned_chart(s: &Session, series: &[(f64, Option<f32>)]) -> bool {
    s.reps.is_empty() && series.iter().filter_map(|p| p.1).any(|a| a > HIP_EXTENSION_MAX_DEG)
}

/// The hip chart; `unsigned`: the joint's opening (see [`unsigned_chart`]).
fn plot(s: &Session, series: &[(f64, Option<f32>)], unsigned: bool) -> String {
    let (w, h, ml, mr, mt, mb) = (960.0, 280.0, 44.0, 12.0, 12.0, 28.0);
    let t_end = series.last().map_or(1.0, |p| p.0).max(s.input.duration_s).max(1e-3);
    let folded: Vec<(f64, Option<f32>)>;
    let series = if unsigned {
        folded = series.iter().map(|&(t, a)| (t, a.map(|a| if a > 180.0 { 360.0 - a } else { a }))).collect();
        &folded[..]
    } else {
        series
    };
    // 80–200° holds every bridge and thrust; a look-alike's angles (a bench press's 230°) widen
    // it, rather than being drawn as a flat line along the edge.
    let seen = series.iter().filter_map(|p| p.1).map(f64::from).filter(|a| a.is_finite());
    let (lo, hi) = seen.fold((80.0f64, 200.0f64), |(lo, hi), a| (lo.min(a), hi.max(a)));
    let (a_lo, a_hi) = ((lo / 10.0).floor() * 10.0, (hi / 10.0).ceil() * 10.0);
    let (a_lo, a_hi) = (a_lo.max(0.0), a_hi.min(360.0));
    let x = |t: f64| ml + (t / t_end) * (w - ml - mr);
    let y = |a: f64| mt + (1.0 - (a.clamp(a_lo, a_hi) - a_lo) / (a_hi - a_lo)) * (h - mt - mb);
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="Hip extension over time">"#
    );
    // No lockout zone on the joint's opening: it belongs to a bridge's signed angle.
    if !unsigned {
        let (band_lo, band_hi) = s.thresholds.lockout_zone();
        let (band_lo, band_hi) = (f64::from(band_lo), f64::from(band_hi));
        let _ = write!(
            o,
            r##"<rect x="{ml}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#2a9d55" opacity="0.12"/><text x="{:.1}" y="{:.1}">lockout zone {band_lo:.0}-{band_hi:.0} deg</text>"##,
            y(band_hi),
            w - ml - mr,
            y(band_lo) - y(band_hi),
            ml + 6.0,
            // At the band's foot: at its top the 180° gridline ran through the words.
            y(band_lo) - 5.0
        );
    }
    let first_tick = (a_lo / 30.0).ceil() as i32;
    for a in (first_tick..).map(|k| f64::from(k) * 30.0).take_while(|&a| a <= a_hi) {
        let _ = write!(
            o,
            r##"<line x1="{ml}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#dde"/><text x="4" y="{:.1}">{a:.0}</text>"##,
            w - mr,
            y(a),
            y(a),
            y(a) + 4.0
        );
    }
    let step = tick_step(t_end);
    // Counted, not accumulated: a file's duration decides the span, never how many labels.
    for k in 0..=(t_end / step).floor().min(MAX_TIME_TICKS as f64) as usize {
        let t = k as f64 * step;
        let _ = write!(o, r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{t:.0}s</text>"#, x(t), h - 8.0);
    }
    // The angle trace, broken where no pose was measured.
    let mut d = String::new();
    let mut pen = false;
    for &(t, a) in series {
        match a {
            Some(a) => {
                let _ = write!(d, "{}{:.1},{:.1} ", if pen { "L" } else { "M" }, x(t), y(f64::from(a)));
                pen = true;
            }
            None => pen = false,
        }
    }
    let _ = write!(o, r##"<path d="{d}" fill="none" stroke="#2458c6" stroke-width="1.8"/>"##);
    for r in &s.reps {
        let _ = write!(
            o,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{mt}" y2="{1:.1}" stroke="#2a9d55" stroke-dasharray="3 3"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle" style="fill:#2a9d55;font-weight:bold">{3}</text>"##,
            x(r.lockout_s),
            h - mb,
            mt + 10.0,
            r.index
        );
        for f in &r.faults {
            let (fx, fy) = (x(f.start_s), y(f64::from(r.metrics.peak_hip_angle)) - 8.0);
            let _ = write!(
                o,
                r##"<path d="M{:.1},{:.1} l5,-9 l5,9 z" fill="#d33"><title>rep {}: {} - {}</title></path>"##,
                fx - 5.0,
                fy,
                r.index,
                f.id.label(),
                esc(&f.cue)
            );
        }
    }
    o.push_str("</svg>");
    // The marks named, so a reader need not hover to learn what a red triangle is.
    let mut marks = Vec::new();
    if !s.reps.is_empty() {
        marks.push("green dashed lines: when each rep counted (numbered)");
    }
    if !unsigned {
        marks.push("shaded: the lockout zone");
    }
    if s.reps.iter().any(|r| !r.faults.is_empty()) {
        marks.push("red triangles: a fault on that rep (hover for which)");
    }
    if !marks.is_empty() {
        let _ = write!(o, r#"<p class="legend">{}.</p>"#, capitalized(&marks.join("; ")));
    }
    o
}

/// The top of the reps-in-reserve scale trainers rate sets with (RIR 0–10, the RIR-based RPE
/// scale of Zourdos et al., 2016): a velocity slope's count beyond it is shown as "over".
const RIR_SCALE_MAX: f32 = 10.0;

/// The hips' mean concentric velocity per rep as bars (the peak as a tick), each set's loss
/// and reps in reserve, and what the figures are scaled by; nothing without velocities.
fn velocity_section(o: &mut String, s: &Session) {
    let reps: Vec<(&Rep, f32)> =
        s.reps.iter().filter_map(|r| r.mean_concentric_velocity_m_s.map(|v| (r, v))).collect();
    if reps.is_empty() {
        return;
    }
    let (w, h, ml, mb, mt) = (760.0f64, 200.0f64, 44.0f64, 24.0f64, 12.0f64);
    let top = reps
        .iter()
        .map(|(r, v)| f64::from(r.peak_concentric_velocity_m_s.unwrap_or(*v)))
        .fold(0.1f64, f64::max)
        * 1.1;
    let y = |v: f64| mt + (1.0 - v / top) * (h - mt - mb);
    let slot = (w - ml) / reps.len() as f64;
    let _ = write!(
        o,
        r#"<section id="velocity"><h2>Hip velocity</h2><svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="mean concentric velocity per rep">"#
    );
    for tick in [0.0, top / 2.0, top / 1.1] {
        let _ = write!(
            o,
            r##"<line x1="{ml}" x2="{w}" y1="{:.1}" y2="{:.1}" stroke="#dde"/><text x="2" y="{:.1}">{tick:.2}</text>"##,
            y(tick),
            y(tick),
            y(tick) + 4.0
        );
    }
    for (i, (r, v)) in reps.iter().enumerate() {
        let x = ml + i as f64 * slot + 0.2 * slot;
        let bw = 0.6 * slot;
        let v = f64::from(*v);
        // A rep its set does not compare (another view, or before a cut) is drawn pale.
        let (fill, note) = if thrustline_core::session::speed_compared(r, &s.reps) {
            ("#2458c6", "")
        } else {
            ("#b8c4dc", ", not compared")
        };
        let _ = write!(
            o,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="{fill}"><title>rep {}: {v:.2} m/s{note}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            y(v),
            y(0.0) - y(v),
            r.index,
            x + bw / 2.0,
            h - 6.0,
            r.index
        );
        if let Some(p) = r.peak_concentric_velocity_m_s {
            let _ = write!(
                o,
                r##"<line x1="{x:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#c0392b" stroke-width="2"/>"##,
                x + bw,
                y(f64::from(p)),
                y(f64::from(p))
            );
        }
    }
    // The up time in the table runs on the hip angle (bottom to top), the speed on the hips'
    // path: a coach had read "0.59 m/s · 25 cm" beside "1.6 s up" as impossible.
    o.push_str("</svg><p>Bars: the hips' mean speed (m/s) per rep, over the middle 80 % of their rise (the table's up time runs on the hip angle, from the bottom to the top, and can be longer); red ticks: peak.");
    // Left out of their set's comparison: seen from another angle, or before the video cut away.
    let uncompared = |why: NotCompared| -> Vec<u32> {
        reps.iter()
            .filter(|(r, _)| thrustline_core::session::not_compared(r, &s.reps) == Some(why))
            .map(|(r, _)| r.index)
            .collect()
    };
    let pale = |n: usize| if n == 1 { "Pale bar" } else { "Pale bars" };
    let (angle, cut) = (uncompared(NotCompared::OtherView), uncompared(NotCompared::BeforeCut));
    if !angle.is_empty() {
        let _ = write!(
            o,
            " {} ({}): seen from another angle than the rest of the set, a speed on the camera's other scale, left out of the set's loss and reserve.",
            pale(angle.len()),
            thrustline_core::session::rep_list(&angle)
        );
    }
    if !cut.is_empty() {
        let _ = write!(
            o,
            " {} ({}): before the video cut away, another stretch of footage, not compared with the reps after it.",
            pale(cut.len()),
            thrustline_core::session::rep_list(&cut)
        );
    }
    for set in s.sets.iter().filter(|x| x.velocity_loss_pct.is_some()) {
        // The loss runs over the compared reps: "its last rep was its fastest" had stood beside
        // a pale last bar, the set's slowest.
        let pale_in_set = s
            .reps
            .iter()
            .any(|r| r.set == set.index && thrustline_core::session::not_compared(r, &s.reps).is_some());
        let (last_rep, last) =
            if pale_in_set { ("last compared rep", "last compared rep") } else { ("last rep", "last") };
        match set.velocity_loss_pct.unwrap_or(0.0) {
            // "0 % slower" read as a measurement of nothing.
            l if l < 0.5 => {
                let _ = write!(o, " Set {}: its {last_rep} was its fastest", set.index);
            }
            l => {
                let _ = write!(o, " Set {}: {l:.0} % slower from its fastest rep to its {last}", set.index);
            }
        }
        match set.reps_in_reserve {
            // Past the training scale's top, a count is the slope's extrapolation, not a
            // lifter's reserve (a bodyweight bridge's 5 reps had read "about 27").
            Some(rir) if rir > RIR_SCALE_MAX => {
                let _ = write!(o, ", over {RIR_SCALE_MAX:.0} reps in reserve (far from failure).");
            }
            Some(rir) => {
                let rir = thrustline_core::session::reps_text(rir.round().max(0.0) as u64);
                let _ = write!(o, ", about {rir} in reserve.");
            }
            None => o.push('.'),
        }
    }
    if s.model.name == "lite" {
        // Measured with MediaPipe's own two models on the shared clips (benches/lite_vs_full.py):
        // a rep's hip range up to 20 % apart, its mean speed up to 50 %.
        o.push_str(
            " The lite model places the hips less surely: its range can differ from the full model's by 20 % and its speed by 50 % on the same rep; analyze with --model full to compare velocities.",
        );
    }
    o.push_str(match s.velocity_scale {
        Some(thrustline_core::VelocityScale::LifterHeight { .. }) => {
            " Scaled to the lifter's height.</p></section>"
        }
        _ => " In the pose model's own scale (give your height with --height to scale them to you).</p></section>",
    });
}

/// The knee angle and the shin's tilt at the top, the two the foot-placement rule reads
/// together: a bridge's 69° knee with an upright shin is clean where a thrust's 69° with the
/// shin tilted back is feet too close, and a coach had seen only the knee.
fn knee_and_shin(knee: Option<f32>, shin: Option<f32>) -> String {
    let shin = shin.map(|s| {
        let d = s.round();
        if d > 0.0 {
            format!("shin {d:.0}° forward")
        } else if d < 0.0 {
            format!("shin {:.0}° back", -d)
        } else {
            "shin vertical".to_string()
        }
    });
    match (knee, shin) {
        (Some(k), Some(s)) => format!("{k:.0} deg, {s}"),
        (Some(k), None) => format!("{k:.0} deg"),
        (None, Some(s)) => s,
        (None, None) => "–".into(),
    }
}

/// The whole report.
pub fn render(s: &Session, series: &[(f64, Option<f32>)], frames: &[KeyFrame]) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = std::path::Path::new(&s.input.file)
        .file_name()
        .map_or(s.input.file.clone(), |n| n.to_string_lossy().into_owned());
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Thrustline report: {}</title><style>{CSS}</style></head><body>"#,
        esc(&title)
    );
    let load =
        s.load_kg.map(|l| format!(" · {}", s.load_unit.unwrap_or_default().show(l))).unwrap_or_default();
    let _ = write!(
        o,
        r#"<header><h1>Thrustline report</h1><p>{} · {:.1} s · {}×{} at {:.2} fps · {}{} · model {}</p></header><main>"#,
        esc(&title),
        s.input.duration_s,
        s.input.width,
        s.input.height,
        s.input.fps,
        s.variation_shown(),
        load,
        esc(&s.model.name)
    );
    // Summary.
    let reps = s.reps.len();
    let clean = s.clean_reps();
    // Clean is a share of the reps whose form was seen; a view or a plate that hid it says so.
    let judged = s.reps.iter().filter(|r| r.form_seen()).count();
    let (ratio, ratio_caption) = if judged > 0 {
        (
            format!("{:.0}%", 100.0 * clean as f64 / judged as f64),
            format!("clean reps ({clean} of {judged} judged)"),
        )
    } else if reps > 0 && s.reps.iter().all(|r| !r.form_judged()) {
        ("–".into(), "clean reps: form not judged from this angle".to_string())
    } else if reps > 0 {
        ("–".into(), "clean reps: the hips' extension was hidden (see the table)".to_string())
    } else {
        ("–".into(), "clean reps".to_string())
    };
    let mean_of = |f: &dyn Fn(&Rep) -> Option<f64>| -> Option<f64> {
        let v: Vec<f64> = s.reps.iter().filter_map(f).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let mean = |f: &dyn Fn(&Rep) -> Option<f64>| -> String {
        mean_of(f).map_or("–".into(), |m| format!("{m:.1}"))
    };
    // With no lowering seen whole, the ones the clip ended in give a lower bound, as the table.
    let down = mean_of(&|r| r.metrics.tempo.eccentric_s)
        .map(Lowering::Whole)
        .or(mean_of(&|r| r.metrics.tempo.eccentric_at_least_s).map(Lowering::AtLeast))
        .map_or("–".into(), |l| l.to_string());
    let tempo = format!(
        "{} / {} / {down} s",
        mean(&|r| Some(r.metrics.tempo.concentric_s)),
        mean(&|r| Some(r.metrics.tempo.top_hold_s)),
    );
    // Over the reps whose hips were seen: a lockout read past a plate or off the side is the
    // landmarks' estimate, and the table marks it so; with no rep seen, the estimate, marked.
    // Whole degrees, as the table gives each rep's ("≈162.9 deg" claimed a precision an
    // estimate does not have).
    let mean_deg = |f: &dyn Fn(&Rep) -> Option<f64>| -> String {
        mean_of(f).map_or("–".into(), |m| format!("{m:.0}"))
    };
    let seen_lockout = mean_deg(&|r| r.form_seen().then_some(f64::from(r.metrics.lockout_hip_angle)));
    let unseen = s.reps.iter().filter(|r| !r.form_seen()).count();
    let (lockout, lockout_note) = match unseen {
        0 if seen_lockout == "–" => (seen_lockout, String::new()),
        0 => (format!("{seen_lockout} deg"), String::new()),
        n if n == reps => (
            format!("≈{} deg", mean_deg(&|r| Some(f64::from(r.metrics.lockout_hip_angle)))),
            ": an estimate, no rep's hips judged (see the table)".to_string(),
        ),
        n => (format!("{seen_lockout} deg"), format!(", over the {} of {reps} reps judged", reps - n)),
    };
    // Sets with a counted rep: a set of look-alikes alone is no set trained ("0 reps, 1 sets").
    let (partials, sets) = (s.partial_reps.len(), s.sets.iter().filter(|x| x.reps > 0).count());
    let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let _ = write!(
        o,
        r#"<section id="summary"><h2>Summary</h2><div class="cards"><div class="card"><b id="rep-count">{reps}</b><span>{} counted</span></div><div class="card"><b>{partials}</b><span>{}</span></div><div class="card"><b>{sets}</b><span>{}</span></div><div class="card"><b>{ratio}</b><span>{ratio_caption}</span></div><div class="card"><b>{tempo}</b><span>mean up / hold / down</span></div><div class="card"><b>{lockout}</b><span>mean lockout hip angle (lockout zone {:.0}–{:.0} deg){lockout_note}</span></div></div>"#,
        plural(reps, "rep", "reps"),
        plural(partials, "partial rep", "partial reps"),
        plural(sets, "set", "sets"),
        // The zone the chart draws: the landmarks place a full lockout at 160–175°, and a coach
        // had read "163 deg" beside "100 % clean" as a missed lockout.
        s.thresholds.lockout_zone().0,
        s.thresholds.lockout_zone().1,
    );
    for w in &s.warnings {
        let _ = write!(o, r#"<div class="warn">{}</div>"#, esc(&w.message));
    }
    if let Some(line) = camera_line(s.camera_view, s.camera_yaw_deg, s.camera_pitch_deg) {
        let _ = write!(o, r#"<p class="view" id="camera-view">Camera: {}</p>"#, esc(&line));
    }
    if let Some(setup) = &s.setup {
        // A setup that hid part of the lifter is a warning; a good one a plain line.
        let class = if setup.notable().next().is_some() { "warn" } else { "view" };
        let _ = write!(o, r#"<p class="{class}" id="setup">{}</p>"#, esc(&setup.line()));
    }
    if reps == 0 && s.warnings.is_empty() {
        o.push_str(r#"<div class="warn">No completed rep was found in this video.</div>"#);
    }
    o.push_str("</section>");
    // Plot.
    let unsigned = unsigned_chart(s, series);
    let title = if unsigned {
        "Hip angle over time (the joint's opening, unsigned: the hips bent the opposite way to a bridge's)"
    } else {
        "Hip extension over time"
    };
    if series.iter().any(|p| p.1.is_some()) {
        let _ = write!(o, r#"<section id="plot"><h2>{title}</h2>{}</section>"#, plot(s, series, unsigned));
    } else {
        // Axes with no curve read as a broken chart (a donkey kick's hips bend the other way on
        // every frame, an angle no bridge makes, so none is read).
        let _ = write!(
            o,
            r#"<section id="plot"><h2>{title}</h2><p class="view">No hip angle was read on any frame: no lifter was seen in a bridge's or a hip thrust's shape, so there is no curve to draw.</p></section>"#
        );
    }
    // Cues.
    let by_fault = thrustline_core::session::faults_with_reps(&s.reps);
    velocity_section(&mut o, s);
    o.push_str(r#"<section id="cues"><h2>What to work on</h2>"#);
    let unjudged = s.reps.iter().filter(|r| r.form_partly_unseen()).count();
    if s.reps.is_empty() {
        // Nothing was judged: "no faults" would read as a clean set. Say why, from what the
        // warnings say or else from what the hips did (a camera warning alone does not say it).
        let why = match s.why_no_rep() {
            Some(why) if !s.partial_reps.is_empty() => format!(": {why} (the partial reps below)"),
            Some(why) => format!(": {why}"),
            None => "; the notes above say why".to_string(),
        };
        let _ = write!(o, "<p>No rep was counted, so no form was judged{why}.</p>");
    } else if by_fault.is_empty() && unjudged == 0 {
        // From the side the hips' level is not judged: "met the checks" must not claim it.
        let hips_unseen = s.reps.iter().any(Rep::hips_level_unseen);
        let allows =
            if hips_unseen { " this camera allows (uneven hips need the camera at your feet)" } else { "" };
        let _ = write!(o, "<p>No faults: every counted rep met the checks{allows}.</p>");
    } else if by_fault.is_empty() {
        // Uneven hips are judged only from the feet: on a side view every row says so, and
        // "1 of 5 reps" beside five such rows read as a miscount.
        let hips_everywhere = s.reps.iter().all(Rep::hips_level_unseen);
        let hips =
            if hips_everywhere { "Uneven hips need the camera at your feet, and other" } else { "Some" };
        if s.reps.iter().any(|r| r.form_seen()) {
            let _ = write!(
                o,
                r#"<p>No fault seen. {hips} checks could not be made on {unjudged} of {}; the table below says which and why.</p>"#,
                thrustline_core::session::reps_text(reps as u64)
            );
        } else {
            // "No fault seen" alone read as a clean set where eight of nine checks were not made;
            // and "the form was not judged" as if nothing was, beside uneven hips judged clear.
            let mut made: Vec<&str> = Vec::new();
            for j in s.reps.iter().flat_map(|r| &r.judgements) {
                if j.verdict == Verdict::Clear && !made.contains(&j.id.label()) {
                    made.push(j.id.label());
                }
            }
            let made = if made.is_empty() {
                String::new()
            } else {
                format!(" Checked, and clear: {}.", made.join(", "))
            };
            let notes = if s.warnings.is_empty() {
                "the table below says"
            } else {
                "the notes above and the table below say"
            };
            if made.is_empty() {
                let _ = write!(
                    o,
                    "<p>No check could be made on any rep: the camera's angle or something in front of the hips hid the form ({notes} why).</p>"
                );
            } else {
                let _ = write!(
                    o,
                    "<p>No fault seen, but the hip extension was not judged on any rep: the camera's angle or something in front of the hips hid it ({notes} which checks and why).{made}</p>"
                );
            }
        }
    } else {
        o.push_str("<ul>");
        for (f, reps) in &by_fault {
            // In words, not the JSON's ids: "(lower-back overarch, major, reps 1 and 2)".
            let _ = write!(
                o,
                r#"<li><b class="cue">{}</b> <small>({}, {}, {})</small></li>"#,
                esc(&f.cue),
                f.id.label(),
                match f.severity {
                    Severity::Major => "major",
                    Severity::Minor => "minor",
                },
                thrustline_core::session::rep_list(reps)
            );
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>");
    // Rep table.
    o.push_str(r#"<section id="reps"><h2>Reps</h2>"#);
    if s.reps.is_empty() {
        o.push_str("<p>No rep counted.</p>");
    } else {
        // A rep counts as the hips cross into the lockout zone; its up time runs on to the top
        // (a reader had taken "Lockout at 0:00.3" beside "0.5 s up" from 0:00.2 as impossible).
        let _ = write!(
            o,
            r#"<table><thead><tr><th>Rep</th><th>Set</th><th title="when the hips crossed into the lockout zone and the rep counted (the top, where the up time ends, can come later)">Counted at</th><th title="the highest the hips reached, for a moment; the lockout and overarch checks read the hold at the top, so a moment past the lockout zone is not a fault">Peak hip</th><th>Range</th><th>Knee, shin at top</th><th title="up: from the bottom to the top (the hips within {:.0} deg of the rep's peak); hold: at the top; down: from the top back to the bottom">Up / hold / down (s)</th><th title="the hips' mean speed over the middle 80 % of their rise, and how far they rose">Hip velocity · rise</th><th>Faults</th></tr></thead><tbody>"#,
            s.thresholds.top_band_deg
        );
    }
    for r in &s.reps {
        let m = &r.metrics;
        let faults: Vec<String> =
            r.faults.iter().map(|f| format!(r#"<span class="cue">{}</span>"#, esc(&f.cue))).collect();
        let unseen: String = r
            .not_judged_lines()
            .iter()
            .map(|l| format!(r#"<br><small class="not-judged">{}</small>"#, esc(l)))
            .collect();
        // The angles of a rep whose hips were hidden or seen off the side are the landmarks'
        // estimate, and so are the phases timed on them (an oblique top's wobble split its
        // hold): marked so, beside the checks that were not judged on them.
        let (approx, est) = if r.form_seen() {
            ("", "")
        } else {
            ("≈", r#" class="estimate" title="the hips were hidden or seen off the side: an estimate""#)
        };
        let _ = write!(
            o,
            r#"<tr class="rep {}"><td>{}</td><td>{}</td><td>{}</td><td{est}>{approx}{:.0} deg</td><td{est}>{approx}{:.0} deg</td><td>{}</td><td{est}>{approx}{:.1} / {}{:.1} / {}</td><td>{}</td><td>{}{}</td></tr>"#,
            if r.is_clean() {
                "clean"
            } else if r.faults.is_empty() {
                "unjudged"
            } else {
                "faulty"
            },
            r.index,
            r.set,
            mmss(r.lockout_s),
            m.peak_hip_angle,
            m.rom_deg,
            knee_and_shin(m.knee_angle_at_top, m.shin_angle_at_top),
            m.tempo.concentric_s,
            // The clip ended during the top: the hold lasted at least this long.
            if r.hold_cut_short() { "≥" } else { "" },
            m.tempo.top_hold_s,
            match m.tempo.lowering() {
                Some(l @ Lowering::AtLeast(_)) =>
                    format!(r#"<span title="the clip ended during the lowering">{l}</span>"#),
                Some(l) => l.to_string(),
                None => "–".into(),
            },
            match (r.mean_concentric_velocity_m_s, r.range_of_motion_cm) {
                (Some(v), Some(c)) => format!("{v:.2} m/s · {c:.0} cm"),
                _ => "–".into(),
            },
            if !faults.is_empty() {
                faults.join("<br>")
            } else if r.judgements.iter().any(|j| j.verdict == Verdict::Clear) {
                "no fault seen".to_string()
            } else {
                // Not one check was made: "no fault seen" read as a clean rep.
                "nothing judged".to_string()
            },
            unseen
        );
    }
    if !s.reps.is_empty() {
        o.push_str("</tbody></table>");
    }
    if !s.partial_reps.is_empty() {
        o.push_str(r#"<h2 style="margin-top:18px">Partial reps (not counted)</h2><table><thead><tr><th>Time</th><th>Peak hip</th><th>Range</th></tr></thead><tbody>"#);
        for p in &s.partial_reps {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{:.0} deg</td><td>{:.0} deg</td></tr>",
                mmss(p.peak_s),
                p.peak_hip_angle,
                p.rom_deg
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</section>");
    // Comments.
    if !s.comments.is_empty() {
        o.push_str(r#"<section id="comments"><h2>Coach comments</h2><ul>"#);
        for c in &s.comments {
            let rep = c.rep.map(|r| format!(" (rep {r})")).unwrap_or_default();
            let mark =
                c.mark.as_ref().map(|m| format!(" <i>({})</i>", esc(&m.describe()))).unwrap_or_default();
            let _ =
                write!(o, "<li><b>{}</b>{rep} {}: {}{mark}</li>", mmss(c.t_s), esc(&c.author), esc(&c.text));
        }
        o.push_str("</ul></section>");
    }
    // Key frames.
    if !frames.is_empty() {
        o.push_str(r#"<section id="frames"><h2>Key frames</h2><div class="frames">"#);
        let b64 = base64::engine::general_purpose::STANDARD;
        for f in frames {
            let _ = write!(
                o,
                r#"<figure><img alt="{0}" src="data:image/jpeg;base64,{1}"><figcaption>{2} · {0}</figcaption></figure>"#,
                esc(&f.caption),
                b64.encode(&f.jpeg),
                mmss(f.t_s)
            );
        }
        o.push_str("</div></section>");
    }
    let _ = write!(
        o,
        "<p style=\"color:#889;font-size:12px\">Thrustline {} · session schema {}</p></main></body></html>",
        esc(&s.thrustline_version),
        s.schema_version
    );
    o
}

/// The camera's view in words, for the report: what the core classified it as, with the yaw
/// and the height the world landmarks gave (a view oblique from above reads side-on in yaw).
pub fn camera_line(view: Option<CameraView>, yaw_deg: Option<f32>, pitch_deg: Option<f32>) -> Option<String> {
    let yaw = yaw_deg.map(|y| format!(", {y:.0}° from side-on")).unwrap_or_default();
    let pitch = match pitch_deg {
        Some(p) if p >= 0.5 => format!(", {p:.0}° above the hips"),
        Some(p) if p <= -0.5 => format!(", {:.0}° below the hips", -p),
        Some(_) => ", level with the hips".to_string(),
        None => String::new(),
    };
    view.map(|v| format!("{}{yaw}{pitch}", v.label()))
}

/// The hips' level was not judged on `r` for the camera's angle (it needs the feet's view).
/// `text` with its first letter in capitals.
fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_labels_are_bounded_by_count_not_by_span() {
        for (span, want) in [(4.0, 1.0), (30.0, 5.0), (100.0, 10.0), (600.0, 50.0), (1e12, 1e11)] {
            let step = tick_step(span);
            assert!((step - want).abs() <= want * 1e-9, "{span}: {step}");
            assert!(span / step <= MAX_TIME_TICKS as f64, "{span}: {} labels", span / step);
        }
        assert!(tick_step(1e308).is_finite());
    }
}
