//! Pieces both windows draw: the theme, the video with its skeleton, the hip-angle plot with
//! the lockout band, the rep table and the fault banner.

use eframe::egui::{
    self, Align2, Color32, CornerRadius, FontId, Pos2, Rect, RichText, Sense, Shape, Stroke, StrokeKind, Vec2,
};
use thrustline_core::{FaultId, FrameMetrics, Landmark, Rep, Side, Thresholds, CONNECTIONS};

pub const ACCENT: Color32 = Color32::from_rgb(80, 220, 120);
pub const DIM: Color32 = Color32::from_rgb(170, 170, 170);
pub const FAULT: Color32 = Color32::from_rgb(230, 70, 60);
pub const WARN: Color32 = Color32::from_rgb(240, 180, 60);
pub const PANEL_BG: Color32 = Color32::from_rgb(18, 20, 24);
use thrustline_report::draw::DRAW_MIN_VISIBILITY;
/// Skeleton line width relative to the video's height: readable at 2–3 m on a 1080p screen.
const BONE_WIDTH_PER_HEIGHT: f32 = 1.0 / 160.0;

/// Dark theme with large type, readable from a bench.
pub fn apply_theme(ctx: &egui::Context) {
    ctx.set_visuals(egui::Visuals::dark());
    ctx.global_style_mut(|s| {
        s.text_styles.insert(egui::TextStyle::Body, FontId::proportional(17.0));
        s.text_styles.insert(egui::TextStyle::Button, FontId::proportional(17.0));
        s.text_styles.insert(egui::TextStyle::Small, FontId::proportional(14.0));
        s.text_styles.insert(egui::TextStyle::Heading, FontId::proportional(24.0));
        s.text_styles.insert(egui::TextStyle::Monospace, FontId::monospace(16.0));
        s.spacing.item_spacing = Vec2::new(10.0, 8.0);
        s.spacing.button_padding = Vec2::new(10.0, 5.0);
    });
}

pub fn fault_label(id: FaultId) -> &'static str {
    match id {
        FaultId::OverarchLowerBack => "overarch",
        FaultId::FeetTooFar => "feet far",
        FaultId::FeetTooClose => "feet close",
        FaultId::IncompleteLockout => "no lockout",
        FaultId::NoTopSqueeze => "no squeeze",
        FaultId::HeelsLifting => "heels up",
        FaultId::ToesLifting => "toes up",
        FaultId::UncontrolledLowering => "fast lowering",
        FaultId::HipsUneven => "hips uneven",
    }
}

fn left_side(i: usize) -> bool {
    // MediaPipe's odd indices (from 1) are left landmarks.
    i > 0 && i % 2 == 1
}

/// The largest rect of the image's aspect ratio centred in `avail`.
pub fn fit(avail: Rect, w: usize, h: usize) -> Rect {
    let aspect = w.max(1) as f32 / h.max(1) as f32;
    let mut size = Vec2::new(avail.width(), avail.width() / aspect);
    if size.y > avail.height() {
        size = Vec2::new(avail.height() * aspect, avail.height());
    }
    Rect::from_center_size(avail.center(), size)
}

/// Draws the video frame and returns the rect it occupies.
pub fn video(ui: &mut egui::Ui, tex: &egui::TextureHandle, w: usize, h: usize, mirror: bool) -> Rect {
    let (avail, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
    let rect = fit(avail, w, h);
    let uv = if mirror {
        Rect::from_min_max(Pos2::new(1.0, 0.0), Pos2::new(0.0, 1.0))
    } else {
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0))
    };
    ui.painter().image(tex.id(), rect, uv, Color32::WHITE);
    rect
}

/// Skeleton over the video: the working side in the accent colour, the other side dim, and the
/// hip and knee angles beside their joints; the knee's only with `side_view` (off the side the
/// knee is not judged, and a figure beside "not judged from this angle" would claim to see it).
/// Returns whether anything was drawn.
pub fn skeleton(
    painter: &egui::Painter,
    rect: Rect,
    lm: &[Landmark; 33],
    metrics: Option<&FrameMetrics>,
    side_view: bool,
    mirror: bool,
    color: Option<Color32>,
) -> bool {
    let at = |l: &Landmark| {
        let x = if mirror { 1.0 - l.x } else { l.x };
        Pos2::new(rect.left() + x * rect.width(), rect.top() + l.y * rect.height())
    };
    let side = metrics.map(|m| m.side);
    let working = |i: usize| match side {
        Some(Side::Left) => left_side(i),
        Some(Side::Right) => !left_side(i) && i > 0,
        _ => true,
    };
    let width = (rect.height() * BONE_WIDTH_PER_HEIGHT).max(2.0);
    let mut drawn = false;
    for &(a, b) in CONNECTIONS.iter() {
        let (pa, pb) = (&lm[a], &lm[b]);
        if pa.visibility < DRAW_MIN_VISIBILITY || pb.visibility < DRAW_MIN_VISIBILITY {
            continue;
        }
        let c = color.unwrap_or(if working(a) && working(b) { ACCENT } else { DIM });
        painter.line_segment([at(pa), at(pb)], Stroke::new(width, c));
        drawn = true;
    }
    for (i, p) in lm.iter().enumerate() {
        if p.visibility >= DRAW_MIN_VISIBILITY && i > 10 {
            let c = color.unwrap_or(if working(i) { ACCENT } else { DIM });
            painter.circle_filled(at(p), width * 0.9, c);
        }
    }
    if color.is_none() {
        if let Some(m) = metrics {
            let (hip, knee) = match m.side {
                Side::Right => (24, 26),
                _ => (23, 25),
            };
            let font = FontId::proportional((rect.height() / 22.0).clamp(14.0, 34.0));
            let mut taken: Option<Rect> = None;
            let knee_angle = m.knee_angle.filter(|_| side_view);
            for (i, v, label) in [(hip, m.hip_angle, "hip"), (knee, knee_angle, "knee")] {
                if let (Some(v), true) = (v, lm[i].visibility >= DRAW_MIN_VISIBILITY) {
                    let mut p = at(&lm[i]) + Vec2::new(width * 3.0, -width * 3.0);
                    // Off the side the hip's angle is the view's estimate, as the report marks it.
                    let approx = if side_view { "" } else { "≈" };
                    let text = format!("{label} {approx}{:.0}°", v.value);
                    // A camera at the feet puts the knee just over the hip: the second label
                    // goes under the first instead of over it.
                    let size = painter.layout_no_wrap(text.clone(), font.clone(), Color32::WHITE).size();
                    if let Some(t) = taken.filter(|t| t.intersects(Rect::from_min_size(p, size).expand(4.0)))
                    {
                        p.y = t.bottom() + 6.0;
                    }
                    taken = Some(label_box(painter, p, &text, font.clone(), Color32::WHITE));
                }
            }
        }
    }
    drawn
}

/// Text on a dark rounded box, so it reads on any video.
pub fn label_box(painter: &egui::Painter, at: Pos2, text: &str, font: FontId, color: Color32) -> Rect {
    label_box_within(painter, at, text, font, color, f32::INFINITY)
}

/// [`label_box`] wrapped to `width`: a portrait video's narrow picture had cut "End of the video ·
/// session saved" to "End of the video · sess".
pub fn label_box_within(
    painter: &egui::Painter,
    at: Pos2,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Rect {
    let galley = painter.layout(text.to_string(), font, color, width.max(40.0));
    let r = Rect::from_min_size(at, galley.size()).expand(4.0);
    painter.rect_filled(r, CornerRadius::same(4), Color32::from_black_alpha(170));
    painter.galley(at, galley, color);
    r
}

/// A banner over the bottom of the video: red for a fault's cue, amber for a notice (the camera's
/// angle, a look-alike movement) that is not a fault of the lifter's. As wide as the video panel
/// (`area`) needs, not the picture: a portrait video's narrow picture had wrapped a cue to five
/// lines over the lifter, and the camera's notice to eleven, up over the end label.
pub fn banner(painter: &egui::Painter, video: Rect, area: Rect, text: &str, notice: bool) {
    let font = FontId::proportional((video.height() / 16.0).clamp(18.0, 44.0));
    let ink = if notice { Color32::BLACK } else { Color32::WHITE };
    let galley = painter.layout(text.to_string(), font, ink, area.width() * 0.92 - 32.0);
    let size = galley.size() + Vec2::new(32.0, 20.0);
    let r = Rect::from_center_size(Pos2::new(video.center().x, video.bottom() - size.y / 2.0 - 12.0), size);
    // Whole within the panel, however far off its centre the picture sits.
    let shift = (area.left() - r.left()).max(0.0) + (area.right() - r.right()).min(0.0);
    let r = r.translate(Vec2::new(shift, 0.0));
    let fill = if notice { WARN } else { FAULT };
    painter.rect_filled(r, CornerRadius::same(8), fill.gamma_multiply(0.92));
    painter.galley(r.min + Vec2::new(16.0, 10.0), galley, ink);
}

/// What to fix in the camera's setup, across the top of `area` (the whole video panel, so a
/// portrait video does not squeeze it): large amber type, readable from the bench.
/// Returns where it was drawn, so that labels at the video's top go below it.
pub fn setup_banner(painter: &egui::Painter, area: Rect, text: &str) -> Rect {
    let font = FontId::proportional((area.height() / 13.0).clamp(22.0, 52.0));
    let galley = painter.layout(text.to_string(), font, Color32::BLACK, area.width() * 0.92 - 32.0);
    let size = galley.size() + Vec2::new(32.0, 24.0);
    let r = Rect::from_center_size(Pos2::new(area.center().x, area.top() + size.y / 2.0 + 10.0), size);
    painter.rect_filled(r, CornerRadius::same(10), WARN);
    painter.rect_stroke(r, CornerRadius::same(10), Stroke::new(3.0, Color32::BLACK), StrokeKind::Inside);
    painter.galley(r.min + Vec2::new(16.0, 12.0), galley, Color32::BLACK);
    r
}

/// Hip angle over time with the lockout target band, rep marks and a cursor.
pub struct Plot<'a> {
    /// (seconds, smoothed hip angle).
    pub series: &'a [(f64, Option<f32>)],
    pub from_s: f64,
    pub to_s: f64,
    pub thresholds: &'a Thresholds,
    pub reps: &'a [Rep],
    pub cursor_s: Option<f64>,
    /// Extra ticks along the bottom edge (faults, comments): time and colour.
    pub marks: &'a [(f64, Color32)],
}

/// Hip angles shown on the plot's vertical axis, degrees.
const PLOT_MIN_DEG: f32 = 90.0;
const PLOT_MAX_DEG: f32 = 200.0;
/// The axis grows past `PLOT_MAX_DEG` to the highest reading plus this, up to
/// `PLOT_CEILING_DEG`: a pullover's arched top reads 197–205°, which the fixed axis cut flat.
const PLOT_HEADROOM_DEG: f32 = 5.0;
const PLOT_CEILING_DEG: f32 = 240.0;
/// Time ticks along the bottom edge: the first step of these (seconds) that leaves at least
/// `PLOT_TICK_MIN_PX` between ticks.
const PLOT_TICK_STEPS_S: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0];
const PLOT_TICK_MIN_PX: f32 = 70.0;

impl Plot<'_> {
    /// Draws into the available space; returns the time clicked, if any.
    pub fn show(&self, ui: &mut egui::Ui, height: f32) -> Option<f64> {
        let (rect, resp) = ui.allocate_exact_size(Vec2::new(ui.available_width(), height), Sense::click());
        let p = ui.painter_at(rect);
        p.rect_filled(rect, CornerRadius::same(6), PANEL_BG);
        let span = (self.to_s - self.from_s).max(1e-3);
        let x = |t: f64| rect.left() + ((t - self.from_s) / span) as f32 * rect.width();
        let highest = self
            .series
            .iter()
            .filter(|(t, _)| *t >= self.from_s && *t <= self.to_s)
            .filter_map(|(_, a)| *a)
            .fold(f32::MIN, f32::max);
        let top_deg = (highest + PLOT_HEADROOM_DEG).clamp(PLOT_MAX_DEG, PLOT_CEILING_DEG);
        let y = |a: f32| {
            let f = (a.clamp(PLOT_MIN_DEG, top_deg) - PLOT_MIN_DEG) / (top_deg - PLOT_MIN_DEG);
            rect.bottom() - f * rect.height()
        };
        // Lockout target: at least the incomplete-lockout limit, at most the overarch limit.
        let band = Rect::from_x_y_ranges(
            rect.x_range(),
            y(self.thresholds.lockout_zone().1)..=y(self.thresholds.lockout_zone().0),
        );
        p.rect_filled(band, CornerRadius::ZERO, ACCENT.gamma_multiply(0.16));
        let small = FontId::proportional(13.0);
        let mut axis_labels = Vec::new();
        let mut numbers = Vec::new();
        for deg in [120.0f32, 150.0, 180.0] {
            p.line_segment(
                [Pos2::new(rect.left(), y(deg)), Pos2::new(rect.right(), y(deg))],
                Stroke::new(1.0, Color32::from_gray(55)),
            );
            // The axis is named on its top line: the rep numbers run along the top edge and the
            // curve through the bottom, where a corner label sat under either.
            let text = if deg == 180.0 { format!("{deg:.0}° hip extension") } else { format!("{deg:.0}°") };
            let size = p.layout_no_wrap(text.clone(), small.clone(), DIM).size();
            let at = Pos2::new(rect.left() + 6.0, y(deg) - 6.0 - size.y);
            // Painted after the curve, on a box: a top's curve crossing "180°" had run through it.
            axis_labels.push((Rect::from_min_size(at, size).expand(4.0), text));
        }
        // Seconds along the bottom edge (the session's clock).
        let step = PLOT_TICK_STEPS_S
            .iter()
            .copied()
            .find(|s| (s / span) as f32 * rect.width() >= PLOT_TICK_MIN_PX)
            .unwrap_or(PLOT_TICK_STEPS_S[PLOT_TICK_STEPS_S.len() - 1]);
        let mut tick = (self.from_s.max(0.0) / step).ceil() * step;
        while tick <= self.to_s {
            let (px, secs) = (x(tick), tick.round() as i64);
            tick += step;
            // Clear of the angle labels along the left edge, and whole at the right one.
            if px < rect.left() + PLOT_TICK_MIN_PX / 2.0 || px > rect.right() - PLOT_TICK_MIN_PX / 2.0 {
                continue;
            }
            p.line_segment(
                [Pos2::new(px, rect.bottom() - 5.0), Pos2::new(px, rect.bottom())],
                Stroke::new(1.0, DIM),
            );
            p.text(
                // Above the fault and comment marks along the edge.
                Pos2::new(px, rect.bottom() - 13.0),
                Align2::CENTER_BOTTOM,
                format!("{}:{:02}", secs / 60, secs % 60),
                small.clone(),
                Color32::from_gray(120),
            );
        }
        for r in self.reps {
            if r.lockout_s >= self.from_s && r.lockout_s <= self.to_s {
                // Green only for a rep whose form was seen and clean; grey where it was not judged.
                let c = if !r.faults.is_empty() {
                    FAULT
                } else if r.is_clean() {
                    ACCENT
                } else {
                    DIM
                };
                let px = x(r.lockout_s);
                p.line_segment(
                    [Pos2::new(px, rect.top()), Pos2::new(px, rect.bottom())],
                    Stroke::new(1.5, c),
                );
                // Under an angle label it would cover (a rep near the left edge, a top near 180°),
                // beside its own line, on a dark box over the curve (drawn after it).
                let number = p.layout_no_wrap(r.index.to_string(), small.clone(), c);
                let mut at = Pos2::new(px + 3.0, rect.top() + 2.0);
                for (l, _) in &axis_labels {
                    if Rect::from_min_size(at, number.size()).intersects(l.expand(2.0)) {
                        at.y = l.bottom() + 4.0;
                    }
                }
                numbers.push((at, r.index, c));
            }
        }
        let mut line: Vec<Pos2> = Vec::new();
        let flush = |line: &mut Vec<Pos2>| {
            if line.len() > 1 {
                p.add(Shape::line(std::mem::take(line), Stroke::new(2.0, Color32::WHITE)));
            }
            line.clear();
        };
        for &(t, a) in self.series {
            if t < self.from_s || t > self.to_s {
                continue;
            }
            match a {
                Some(a) => line.push(Pos2::new(x(t), y(a))),
                None => flush(&mut line),
            }
        }
        flush(&mut line);
        for (r, text) in &axis_labels {
            label_box(&p, r.min + Vec2::splat(4.0), text, small.clone(), DIM);
        }
        for (at, index, c) in numbers {
            label_box(&p, at, &index.to_string(), small.clone(), c);
        }
        for &(t, c) in self.marks {
            if t >= self.from_s && t <= self.to_s {
                let px = x(t);
                p.add(Shape::convex_polygon(
                    vec![
                        Pos2::new(px, rect.bottom() - 12.0),
                        Pos2::new(px - 6.0, rect.bottom()),
                        Pos2::new(px + 6.0, rect.bottom()),
                    ],
                    c,
                    Stroke::NONE,
                ));
            }
        }
        if let Some(c) = self.cursor_s {
            let px = x(c);
            p.line_segment([Pos2::new(px, rect.top()), Pos2::new(px, rect.bottom())], Stroke::new(2.0, WARN));
        }
        p.rect_stroke(
            rect,
            CornerRadius::same(6),
            Stroke::new(1.0, Color32::from_gray(60)),
            StrokeKind::Inside,
        );
        if resp.clicked() {
            resp.interact_pointer_pos()
                .map(|pos| self.from_s + f64::from((pos.x - rect.left()) / rect.width()) * span)
        } else {
            None
        }
    }
}

/// The rep table: number, top angle, tempo, the hips' mean concentric velocity, faults.
/// Returns a clicked rep.
/// A rep's faults in words, in a stable order ("feet close, overarch").
fn fault_names(r: &Rep) -> String {
    let mut names: Vec<&str> = r.faults.iter().map(|f| fault_label(f.id)).collect();
    names.sort_unstable();
    names.join(", ")
}

/// `open_last`: the last rep is still under way (live, before its top and lowering are
/// judged): its row says so rather than "the clip ended first" over a clip still playing.
pub fn rep_table(ui: &mut egui::Ui, reps: &[Rep], id: &str, open_last: bool) -> Option<u32> {
    let mut clicked = None;
    egui::ScrollArea::vertical().id_salt(id).stick_to_bottom(true).show(ui, |ui| {
        egui::Grid::new(id).num_columns(5).striped(true).spacing([14.0, 6.0]).show(ui, |ui| {
            ui.label(RichText::new("set·rep").color(DIM));
            ui.label(RichText::new("top").color(DIM));
            ui.label(RichText::new("up/down").color(DIM));
            ui.label(RichText::new("m/s").color(DIM));
            ui.label(RichText::new("faults").color(DIM));
            ui.end_row();
            for (k, r) in reps.iter().enumerate() {
                if ui.link(RichText::new(format!("{}·{}", r.set, r.index)).strong()).clicked() {
                    clicked = Some(r.index);
                }
                // Its checks still waiting read "the clip ended" in a snapshot taken mid-set.
                let waiting =
                    r.not_judged().any(|(_, why)| why == thrustline_core::NotJudgedReason::ClipEnded);
                if open_last && k + 1 == reps.len() && waiting {
                    // Under way: what is known so far, and the faults already called out.
                    let top = if r.metrics.peak_hip_angle > 0.0 {
                        format!("{:.0}°", r.metrics.peak_hip_angle)
                    } else {
                        "…".to_string()
                    };
                    ui.label(top);
                    let up = r.metrics.tempo.concentric_s;
                    ui.label(if up > 0.0 { format!("{up:.1}/…") } else { "…".to_string() });
                    ui.label(r.mean_concentric_velocity_m_s.map_or("–".to_string(), |v| format!("{v:.2}")));
                    if r.faults.is_empty() {
                        ui.label(RichText::new("judging…").color(DIM));
                    } else {
                        ui.label(RichText::new(fault_names(r)).color(FAULT));
                    }
                    ui.end_row();
                    continue;
                }
                // A rep the clip cut short before its top has no top to show.
                if r.metrics.peak_hip_angle > 0.0 {
                    // "≈": the hips hidden or seen off the side, as the report marks it.
                    let approx = if r.form_seen() { "" } else { "≈" };
                    ui.label(format!("{approx}{:.0}°", r.metrics.peak_hip_angle));
                } else {
                    ui.label("–");
                }
                // No way down (the clip ended at the top): a dash, not "-s".
                // "≥" where the clip or the camera ended during the lowering.
                let down = r.metrics.tempo.lowering().map_or("–".to_string(), |l| format!("{l}s"));
                ui.label(format!("{:.1}/{down}", r.metrics.tempo.concentric_s));
                ui.label(r.mean_concentric_velocity_m_s.map_or("–".to_string(), |v| format!("{v:.2}")));
                let nothing_judged =
                    r.judgements.iter().all(|j| j.verdict != thrustline_core::Verdict::Clear);
                let first_reason = r.not_judged().map(|(_, why)| why).next();
                if let (true, true, Some(why)) = (r.faults.is_empty(), nothing_judged, first_reason) {
                    // Nothing about it could be judged (the clip ended, the pose was lost).
                    ui.label(RichText::new(why.short()).color(DIM))
                        .on_hover_text(r.not_judged_lines().join("\n"));
                } else if r.faults.is_empty() && !r.form_judged() {
                    // Clean only as far as this angle shows: say so rather than "clean".
                    ui.label(RichText::new("not judged from this angle").color(DIM))
                        .on_hover_text(r.not_judged_lines().join("\n"));
                } else if r.faults.is_empty() && !r.form_seen() {
                    // Seen from the side, but the hips' extension was hidden (a plate).
                    ui.label(RichText::new("not judged: hip line hidden").color(DIM))
                        .on_hover_text(r.not_judged_lines().join("\n"));
                } else if r.faults.is_empty() && r.form_partly_unseen() {
                    // Clean as the summary counts it (the hips' extension seen from the side),
                    // but the frame's edge, unsettled landmarks or the clip's end kept some
                    // faults from being judged: the hover says which and why.
                    ui.label(RichText::new("clean (part not judged)").color(ACCENT))
                        .on_hover_text(r.not_judged_lines().join("\n"));
                } else if r.faults.is_empty() {
                    ui.label(RichText::new("clean").color(ACCENT));
                } else {
                    ui.label(RichText::new(fault_names(r)).color(FAULT));
                }
                ui.end_row();
            }
        });
    });
    clicked
}

/// The big rep counter, readable from a bench 2–3 m away.
pub fn counter(ui: &mut egui::Ui, reps: u32, caption: &str, size: f32) {
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(caption).size(20.0).color(DIM));
        ui.label(RichText::new(reps.to_string()).size(size).strong().color(Color32::WHITE));
    });
}

/// Full scale of the velocity-loss bar, percent: past the 20–30 % losses coaches stop sets at
/// (González-Badillo and Sánchez-Medina), with room to show how far past.
const LOSS_BAR_FULL_PCT: f32 = 50.0;
/// Where the bar turns amber when no stop threshold is set: the low end of the usual stop cue.
const LOSS_WARN_DEFAULT_PCT: f32 = 20.0;

/// The last rep's mean hip velocity, big, and its set's loss from the fastest rep as a bar
/// (`limit`: the user's stop-the-set threshold, marked on the bar).
pub fn velocity_meter(ui: &mut egui::Ui, reps: &[Rep], limit: Option<f32>) {
    let Some(last) = reps.iter().rev().find(|r| r.mean_concentric_velocity_m_s.is_some()) else {
        ui.vertical_centered(|ui| ui.label(RichText::new("velocity –").size(26.0).color(DIM)));
        return;
    };
    let v = last.mean_concentric_velocity_m_s.unwrap_or_default();
    ui.vertical_centered(|ui| {
        ui.label(RichText::new("LAST REP · HIP VELOCITY").size(16.0).color(DIM));
        ui.label(RichText::new(format!("{v:.2} m/s")).size(30.0).strong());
    });
    // The rep at its top has no view until its top is judged: the set is compared without
    // it meanwhile (it had read "seen from another angle" at every lockout of a fixed camera).
    let under_way = last.view.is_none() && !last.complete;
    let judged: Vec<Rep> = reps.iter().filter(|r| !(under_way && r.index == last.index)).cloned().collect();
    let set_loss = thrustline_core::session::set_velocity_loss_pct(&judged, last.set);
    let loss = set_loss.unwrap_or(0.0).max(0.0);
    let warn_at = limit.unwrap_or(LOSS_WARN_DEFAULT_PCT);
    let color = if loss >= warn_at { WARN } else { ACCENT };
    // One speed is no loss yet, and a rep seen from another angle reads on another scale: say so
    // rather than "0 % slower".
    use thrustline_core::session::{not_compared, NotCompared};
    let state = if under_way {
        "this rep compared once its top is judged".to_string()
    } else if let Some(why) = not_compared(last, reps) {
        match why {
            NotCompared::OtherView => "this rep seen from another angle, not compared",
            NotCompared::BeforeCut => "this rep before the video cut, not compared",
        }
        .to_string()
    } else if set_loss.is_none() {
        // Earlier reps of the set with a speed, yet none compared: another stretch of footage
        // (the lumbar-then-quad clip's rep 2, after a cut, had read as the set's first).
        let earlier = reps
            .iter()
            .any(|r| r.set == last.set && r.index < last.index && r.mean_concentric_velocity_m_s.is_some());
        if earlier {
            "its first speed since the video cut or the view changed, the next reps are compared with it"
        } else {
            "its first speed, the next reps are compared with it"
        }
        .to_string()
    } else {
        format!("{loss:.0} % slower than its best")
    };
    let caption = match limit {
        Some(l) => format!("set {} · {state} (stop at {l:.0} %)", last.set),
        None => format!("set {} · {state}", last.set),
    };
    ui.label(RichText::new(caption).size(16.0).color(DIM));
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 16.0), Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, CornerRadius::same(4), Color32::from_gray(50));
    let x = |pct: f32| rect.left() + rect.width() * (pct / LOSS_BAR_FULL_PCT).clamp(0.0, 1.0);
    let filled = Rect::from_min_max(rect.left_top(), Pos2::new(x(loss), rect.bottom()));
    p.rect_filled(filled, CornerRadius::same(4), color);
    if let Some(l) = limit {
        p.line_segment(
            [Pos2::new(x(l), rect.top() - 3.0), Pos2::new(x(l), rect.bottom() + 3.0)],
            Stroke::new(3.0, Color32::WHITE),
        );
    }
}

/// Saves the window as a PNG once egui has read the rendered pixels; `done` runs afterwards,
/// saved or not (a failure is a warning: the window matters more than its picture).
pub fn save_screenshot(ctx: &egui::Context, path: std::path::PathBuf, done: impl FnOnce() + Send + 'static) {
    ctx.request_screenshot(move |img| {
        let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| [c.r(), c.g(), c.b()]).collect();
        if let Err(e) =
            image::save_buffer(&path, &bytes, img.size[0] as u32, img.size[1] as u32, image::ColorType::Rgb8)
        {
            tracing::warn!("screenshot not saved: {e}");
        }
        done();
    });
}

/// A window's one screenshot for scripts and tests: taken on the first frame drawn, then the
/// window closes.
#[derive(Default)]
pub struct ShotThenClose {
    /// None: not asked; Some(false): asked; Some(true): saved.
    state: std::sync::Arc<std::sync::Mutex<Option<bool>>>,
}

impl ShotThenClose {
    /// Call once per frame; does nothing without a `path`.
    pub fn step(&self, ctx: &egui::Context, path: Option<&std::path::Path>) {
        let Some(path) = path else { return };
        match self.state.lock().map(|s| *s).unwrap_or(None) {
            None => {
                if let Ok(mut s) = self.state.lock() {
                    *s = Some(false);
                }
                let done = self.state.clone();
                save_screenshot(ctx, path.to_path_buf(), move || {
                    if let Ok(mut s) = done.lock() {
                        *s = Some(true);
                    }
                });
            }
            Some(true) => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Some(false) => {}
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(30));
    }
}
