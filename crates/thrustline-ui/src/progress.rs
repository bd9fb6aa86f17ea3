//! The progress window (`thrustline log --window`): load, reps, lockout angle and fault rate
//! over time, the load–velocity profile, the article's guidance, and the history.

use std::path::PathBuf;

use eframe::egui::{self, Align2, Color32, CornerRadius, FontId, Pos2, RichText, Sense, Shape, Stroke, Vec2};
use thrustline_log::{Entry, Guidance};

use crate::widgets::{self, ACCENT, DIM, FAULT, PANEL_BG, WARN};

/// Height of each progress chart: three rows fit a 720-pixel window.
const CHART_HEIGHT: f32 = 180.0;
/// The profile's colour (the load chart's blue: both are about load).
const PROFILE: Color32 = Color32::from_rgb(120, 180, 255);

pub struct ProgressApp {
    entries: Vec<Entry>,
    guidance: Guidance,
    screenshot: Option<PathBuf>,
    shot: widgets::ShotThenClose,
}

/// A chart's dark panel with its title, the full width and [`CHART_HEIGHT`] tall.
fn panel(ui: &mut egui::Ui, title: &str) -> (egui::Painter, egui::Rect) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), CHART_HEIGHT), Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, CornerRadius::same(6), PANEL_BG);
    p.text(
        rect.left_top() + Vec2::new(10.0, 6.0),
        Align2::LEFT_TOP,
        title,
        FontId::proportional(17.0),
        Color32::WHITE,
    );
    (p, rect)
}

/// A horizontal grid line across `inner` at `y`, labelled on the left.
fn gridline(p: &egui::Painter, inner: egui::Rect, y: f32, label: &str) {
    p.line_segment(
        [Pos2::new(inner.left(), y), Pos2::new(inner.right(), y)],
        Stroke::new(1.0, Color32::from_gray(55)),
    );
    p.text(Pos2::new(inner.left() - 6.0, y), Align2::RIGHT_CENTER, label, FontId::proportional(13.0), DIM);
}

/// A small time chart of (unix seconds, value) points over the log's `span` (shared by the
/// charts side by side, its first and last days under the axis, as on the log's page).
fn chart(ui: &mut egui::Ui, title: &str, unit: &str, pts: &[(i64, f64)], span: (i64, i64), color: Color32) {
    let (p, rect) = panel(ui, title);
    let Some(sc) = thrustline_log::chart::Scale::of(pts).map(|s| s.spanning(span)) else {
        p.text(rect.center(), Align2::CENTER_CENTER, "no data yet", FontId::proportional(16.0), DIM);
        return;
    };
    let inner = egui::Rect::from_min_max(rect.min + Vec2::new(64.0, 34.0), rect.max - Vec2::new(14.0, 28.0));
    let small = FontId::proportional(13.0);
    let foot = rect.bottom() - 6.0;
    let day = thrustline_log::chart::day;
    p.text(Pos2::new(inner.left(), foot), Align2::LEFT_BOTTOM, day(span.0), small.clone(), DIM);
    if span.1 > span.0 {
        p.text(Pos2::new(inner.right(), foot), Align2::RIGHT_BOTTOM, day(span.1), small, DIM);
    }
    let x = |t: i64| inner.left() + sc.x(t) as f32 * inner.width();
    let y = |v: f64| inner.bottom() - sc.y(v) as f32 * inner.height();
    for v in sc.ticks() {
        gridline(&p, inner, y(v), &thrustline_log::chart::tick_label(v, unit));
    }
    let line: Vec<Pos2> = pts.iter().map(|&(t, v)| Pos2::new(x(t), y(v))).collect();
    if line.len() > 1 {
        p.add(Shape::line(line.clone(), Stroke::new(2.5, color)));
    }
    for q in line {
        p.circle_filled(q, 4.0, color);
    }
}

/// The load–velocity profile: each session's best set velocity against its load, the fitted
/// line down to the velocity at a one-rep maximum, and the estimate with its error.
fn profile_chart(ui: &mut egui::Ui, entries: &[Entry]) {
    let (p, rect) = panel(ui, "Load–velocity profile");
    let Some(c) = thrustline_log::chart::ProfileChart::of(entries) else {
        p.text(
            rect.center(),
            Align2::CENTER_CENTER,
            "no sessions with a load and a velocity yet",
            FontId::proportional(16.0),
            DIM,
        );
        return;
    };
    let inner = egui::Rect::from_min_max(rect.min + Vec2::new(70.0, 34.0), rect.max - Vec2::new(14.0, 26.0));
    let x = |l: f64| inner.left() + c.x(l) as f32 * inner.width();
    let y = |v: f64| inner.bottom() - c.y(v) as f32 * inner.height();
    for k in 0..=3 {
        let v = c.velocity_max_m_s * f64::from(k) / 3.0;
        gridline(&p, inner, y(v), &format!("{v:.2} m/s"));
        let l = c.load_max_kg * f64::from(k) / 3.0;
        let align = if k == 3 { Align2::RIGHT_TOP } else { Align2::CENTER_TOP };
        p.text(
            Pos2::new(x(l), inner.bottom() + 4.0),
            align,
            c.load_label(f64::from(k) / 3.0),
            FontId::proportional(13.0),
            DIM,
        );
    }
    p.add(Shape::dashed_line(
        &[Pos2::new(inner.left(), y(c.mvt_m_s)), Pos2::new(inner.right(), y(c.mvt_m_s))],
        Stroke::new(1.5, FAULT),
        6.0,
        4.0,
    ));
    if let (Some(f), Some(label)) = (c.fit, c.one_rep_max_label()) {
        let end = Pos2::new(x(f.one_rep_max_kg), y(c.mvt_m_s));
        p.line_segment([Pos2::new(x(0.0), y(f.intercept)), end], Stroke::new(2.0, PROFILE));
        // Under the threshold line, where no session's point can be.
        p.text(
            end + Vec2::new(-6.0, 4.0),
            Align2::RIGHT_TOP,
            label,
            FontId::proportional(15.0),
            Color32::WHITE,
        );
    }
    for &(l, v) in &c.points {
        p.circle_filled(Pos2::new(x(l), y(v)), 4.5, PROFILE);
    }
    if let Some(n) = &c.note {
        // Under the panel, where no session's point can lie beneath it: the terminal's words.
        ui.add(egui::Label::new(RichText::new(format!("Profile: {n}")).color(DIM)).wrap());
    }
}

impl ProgressApp {
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        entries: Vec<Entry>,
        guidance: Guidance,
        screenshot: Option<PathBuf>,
    ) -> Self {
        widgets::apply_theme(&cc.egui_ctx);
        Self { entries, guidance, screenshot, shot: widgets::ShotThenClose::default() }
    }

    fn series(&self, f: impl Fn(&Entry) -> Option<f64>) -> Vec<(i64, f64)> {
        self.entries.iter().filter_map(|e| f(e).map(|v| (e.recorded_unix_s, v))).collect()
    }
}

impl eframe::App for ProgressApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let g = self.guidance.clone();
        egui::Panel::right("guidance").default_size(380.0).show(ui, |ui| {
            ui.heading(RichText::new("Guidance").color(ACCENT));
            let (r, s) = (g.reps_per_set, g.sets);
            ui.label(format!("Goal: {} — {}–{} sets of {}–{} reps", g.goal.name(), s.0, s.1, r.0, r.1));
            ui.label(format!("Frequency: {}", g.frequency));
            if let Some(w) = &g.rest_warning {
                ui.label(RichText::new(format!("Rest: {w}")).color(WARN));
            }
            if let Some(n) = &g.range_note {
                ui.label(RichText::new(format!("Sets: {n}")).color(WARN));
            }
            if let Some(l) = &g.next_load {
                let color = if l.increase { ACCENT } else { DIM };
                ui.label(
                    RichText::new(if l.increase {
                        format!("Next load: {} — {}", l.unit.show_range(l.next_kg.0, l.next_kg.1), l.reason)
                    } else {
                        format!("Next load: stay at {} — {}", l.unit.show(l.current_kg), l.reason)
                    })
                    .color(color),
                );
            }
            ui.separator();
            ui.heading("History");
            egui::ScrollArea::vertical().show(ui, |ui| {
                for e in self.entries.iter().rev() {
                    // In words where a value is missing: a row of dashes read as nothing logged.
                    let load = e
                        .load_kg
                        .map_or("no load given".to_string(), |l| e.load_unit.unwrap_or_default().show(l));
                    let clean = e
                        .clean_ratio()
                        .map_or("form not judged".to_string(), |c| format!("{:.0}% clean", c * 100.0));
                    ui.label(RichText::new(thrustline_core::calendar::minute(e.recorded_unix_s)).strong());
                    let reps = thrustline_core::session::reps_text(u64::from(e.reps));
                    ui.label(format!("{} · {load} · {reps} · {clean}", e.variation_words()));
                    if !e.faults.is_empty() {
                        ui.label(RichText::new(e.fault_words().join(", ")).color(FAULT));
                    }
                    ui.add_space(4.0);
                }
            });
        });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            let sessions =
                thrustline_core::session::counted(self.entries.len() as u64, "session", "sessions");
            ui.heading(RichText::new(format!("Progress · {sessions}")).color(ACCENT));
            // In the unit the lifter loads in now, as the log's page.
            let unit = thrustline_log::current_load_unit(&self.entries);
            let load = self.series(|e| e.load_kg.map(|l| unit.from_kg(l)));
            let load_suffix = format!(" {}", unit.symbol());
            let reps = self.series(|e| Some(f64::from(e.reps)));
            let lockout = self.series(|e| e.mean_lockout_angle);
            let fault_rate = self.series(|e| e.clean_ratio().map(|c| (1.0 - c) * 100.0));
            let w = (ui.available_width() - 12.0) / 2.0;
            let span = thrustline_log::chart::time_span(&self.entries);
            let charts = [
                ("Load", load_suffix.as_str(), &load, PROFILE),
                ("Reps per session", "", &reps, ACCENT),
                ("Mean lockout angle", "°", &lockout, Color32::WHITE),
                ("Reps with a fault", "%", &fault_rate, FAULT),
            ];
            for row in charts.chunks(2) {
                ui.horizontal(|ui| {
                    for (title, unit, pts, color) in row {
                        ui.allocate_ui(Vec2::new(w, CHART_HEIGHT), |ui| {
                            ui.set_width(w);
                            chart(ui, title, unit, pts, span, *color);
                        });
                    }
                });
                ui.add_space(12.0);
            }
            ui.allocate_ui(Vec2::new(w, CHART_HEIGHT), |ui| {
                ui.set_width(w);
                profile_chart(ui, &self.entries);
            });
        });
        self.shot.step(&ctx, self.screenshot.as_deref());
    }
}

/// Opens the progress window; returns when it closes.
pub fn run(entries: Vec<Entry>, guidance: Guidance, screenshot: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Thrustline — progress")
            .with_inner_size([1280.0, 720.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    crate::run_window(
        "thrustline-progress",
        options,
        Box::new(move |cc| Ok(Box::new(ProgressApp::new(cc, entries, guidance, screenshot)))),
    )
}
