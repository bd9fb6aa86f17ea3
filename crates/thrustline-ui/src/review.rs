//! Review mode: a recorded session's video with the overlay, a timeline of hip extension with
//! rep, fault and comment marks, play/pause, frame stepping, 0.25×–2× speed, jumps to a rep
//! or the next fault, the best rep as a ghost skeleton over the current one, and the coach's
//! comments with a line or an angle drawn on the frame.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, Sender, TrySendError};
use eframe::egui::{self, Color32, Key, Pos2, RichText, Sense, Stroke};
use opencv::core::{Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;
use thrustline_capture::{FrameSource, VideoSource};
use thrustline_report::folder::SessionFolder;
use thrustline_report::session::{Comment, Mark, MarkKind};

use thrustline_engine::live::DISPLAY_MAX_SIDE;

use crate::widgets::{self, ACCENT, DIM, FAULT, WARN};

/// Playback speeds offered.
const SPEEDS: [f32; 5] = [0.25, 0.5, 1.0, 1.5, 2.0];
/// A comment shows on the video this long either side of its time.
const COMMENT_SHOW_S: f64 = 1.0;
/// How often the window looks for comments another command saved in the folder (`thrustline
/// comment`, a coach's reply imported): soon enough to see them, rarely enough to cost nothing.
const COMMENTS_POLL: Duration = Duration::from_secs(1);
/// Ghost skeleton colour: white, translucent, distinct from the live skeleton's green.
const GHOST: Color32 = Color32::from_rgba_premultiplied(150, 150, 220, 170);
/// A comment's drawing.
const MARK: Color32 = Color32::from_rgb(255, 210, 60);

struct Decoded {
    index: u64,
    rgb: Vec<u8>,
    width: usize,
    height: usize,
}

/// Decodes requested frames on its own thread; only the newest request matters.
struct Player {
    req: Sender<u64>,
    req_drain: Receiver<u64>,
    frames: Receiver<Decoded>,
    _thread: JoinHandle<()>,
}

impl Player {
    fn open(path: &std::path::Path, wake: Arc<dyn Fn() + Send + Sync>) -> Result<(Self, f64, u64), String> {
        // Upright as players show it, as analyze and live saw it.
        let mut src: Box<dyn FrameSource> =
            Box::new(VideoSource::open_file(path).map_err(|e| e.to_string())?);
        let (fps, count) = (src.info().fps, src.info().frame_count);
        let (req, rx) = bounded::<u64>(1);
        let (tx, frames) = bounded::<Decoded>(2);
        let drain = rx.clone();
        let thread = std::thread::Builder::new()
            .name("review-decode".into())
            .spawn(move || {
                let mut next = 0u64;
                let mut small = Mat::default();
                while let Ok(mut want) = rx.recv() {
                    // Only the newest request is worth decoding.
                    while let Ok(w) = rx.try_recv() {
                        want = w;
                    }
                    if want != next && src.seek(want).is_err() {
                        continue;
                    }
                    let Ok(Some(f)) = src.next_frame() else {
                        next = u64::MAX;
                        continue;
                    };
                    next = want + 1;
                    let (w, h) = (f.rgb.width() as i32, f.rgb.height() as i32);
                    let s = (f64::from(DISPLAY_MAX_SIDE) / f64::from(w.max(h))).min(1.0);
                    let size =
                        Size::new((f64::from(w) * s).round() as i32, (f64::from(h) * s).round() as i32);
                    let rgb = if s < 1.0 {
                        if imgproc::resize(f.rgb.mat(), &mut small, size, 0.0, 0.0, imgproc::INTER_AREA)
                            .is_err()
                        {
                            continue;
                        }
                        &small
                    } else {
                        f.rgb.mat()
                    };
                    let Ok(bytes) = rgb.data_bytes() else { continue };
                    let d = Decoded {
                        index: want,
                        rgb: bytes.to_vec(),
                        width: size.width as usize,
                        height: size.height as usize,
                    };
                    if tx.send(d).is_err() {
                        break;
                    }
                    wake();
                }
            })
            .map_err(|e| e.to_string())?;
        Ok((Self { req, req_drain: drain, frames, _thread: thread }, fps, count))
    }

    fn request(&self, index: u64) {
        if let Err(TrySendError::Full(i)) = self.req.try_send(index) {
            let _ = self.req_drain.try_recv();
            let _ = self.req.try_send(i);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    None,
    Line,
    Angle,
}

/// Test and automation hooks.
#[derive(Clone, Debug, Default)]
pub struct ReviewAutomation {
    /// Start at this time (seconds).
    pub at_s: Option<f64>,
    /// Save a screenshot once the frame at the start time is shown.
    pub screenshot: Option<PathBuf>,
    /// Close after the screenshot.
    pub exit: bool,
    /// Write what the window showed to this JSON file.
    pub trace: Option<PathBuf>,
    /// Start with the best rep's ghost on.
    pub ghost: bool,
    /// A coach's reply file to import on opening (as if dropped on the window).
    pub import: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
struct Trace {
    frame_shown: Option<u64>,
    t_s: f64,
    skeleton_drawn: bool,
    ghost_drawn: bool,
    comments_visible: Vec<String>,
    rep_marks: usize,
    fault_marks: usize,
    /// The session's warnings as the side panel showed them.
    warnings_shown: Vec<String>,
    /// The side panel's headline ("1 rep · 1 clean · glute bridge"), and the lines shown
    /// under it for the current rep, why no rep counted and what was not judged.
    header: String,
    notes_shown: Vec<String>,
}

pub struct ReviewApp {
    folder: SessionFolder,
    player: Option<Player>,
    overlay_in_video: bool,
    texture: Option<egui::TextureHandle>,
    shown: Option<(u64, usize, usize)>,
    fps: f64,
    frames: u64,
    duration: f64,
    t_s: f64,
    playing: bool,
    speed: f32,
    anchor: (Instant, f64),
    overlay: bool,
    ghost: bool,
    best_rep: Option<usize>,
    tool: Tool,
    points: Vec<[f32; 2]>,
    text: String,
    author: String,
    status: Option<(String, Color32)>,
    series: Vec<(f64, Option<f32>)>,
    auto: ReviewAutomation,
    shot_pending: Arc<Mutex<Option<bool>>>,
    trace: Trace,
    /// Set by the folder's watcher when session.json changed on disk; the window reads its
    /// comments again (the watcher ends when the window drops this).
    comments_changed: Arc<std::sync::atomic::AtomicBool>,
}

impl ReviewApp {
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        folder: SessionFolder,
        author: String,
        auto: ReviewAutomation,
    ) -> Self {
        widgets::apply_theme(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || ctx.request_repaint());
        // The raw video with our overlay drawn live; the annotated one when the raw is gone.
        let (video, overlay_in_video) = match (folder.video(), folder.annotated()) {
            (Some(v), _) => (Some(v), false),
            (None, Some(a)) => (Some(a), true),
            (None, None) => (None, false),
        };
        let mut status = None;
        let (player, fps, frames) = match video.map(|v| Player::open(&v, wake)) {
            Some(Ok((p, fps, n))) => (Some(p), fps, n),
            Some(Err(e)) => {
                status = Some((e, FAULT));
                (None, folder.session.input.fps, 0)
            }
            None => {
                status = Some(("the session's video is missing: timeline and comments only".into(), WARN));
                (None, folder.session.input.fps, 0)
            }
        };
        let s = &folder.session;
        let duration = s.input.duration_s.max(frames as f64 / fps.max(1.0));
        let best_rep = s.best_rep().and_then(|b| s.reps.iter().position(|r| r.index == b.index));
        let series = folder.series();
        let t0 = auto.at_s.unwrap_or(0.0).clamp(0.0, duration);
        let comments_changed = watch_comments(folder.dir.clone(), cc.egui_ctx.clone());
        let mut app = Self {
            folder,
            player,
            overlay_in_video,
            texture: None,
            shown: None,
            fps,
            frames,
            duration,
            t_s: t0,
            playing: false,
            speed: 1.0,
            anchor: (Instant::now(), t0),
            overlay: !overlay_in_video,
            ghost: auto.ghost,
            best_rep,
            tool: Tool::None,
            points: Vec::new(),
            text: String::new(),
            author,
            status,
            series,
            auto,
            shot_pending: Arc::new(Mutex::new(None)),
            trace: Trace::default(),
            comments_changed,
        };
        app.seek(t0);
        app
    }

    fn index_at(&self, t_s: f64) -> u64 {
        let i = (t_s * self.fps).floor().max(0.0) as u64;
        if self.frames > 0 {
            i.min(self.frames - 1)
        } else {
            i
        }
    }

    fn seek(&mut self, t_s: f64) {
        self.t_s = t_s.clamp(0.0, self.duration);
        self.anchor = (Instant::now(), self.t_s);
        self.points.clear();
        if let Some(p) = &self.player {
            p.request(self.index_at(self.t_s));
        }
    }

    fn step(&mut self, frames: i64) {
        self.playing = false;
        let i = self.index_at(self.t_s) as i64 + frames;
        // The middle of the frame, so rounding never lands on the neighbour.
        self.seek((i.max(0) as f64 + 0.5) / self.fps);
    }

    fn toggle_play(&mut self) {
        self.playing = !self.playing;
        if self.playing && self.t_s >= self.duration - 1e-3 {
            self.t_s = 0.0;
        }
        self.anchor = (Instant::now(), self.t_s);
    }

    fn current_rep(&self) -> Option<usize> {
        let s = &self.folder.session;
        s.rep_at(self.t_s).and_then(|c| s.reps.iter().position(|r| r.index == c.index))
    }

    fn next_fault(&mut self, forward: bool) {
        let mut starts: Vec<f64> =
            self.folder.session.reps.iter().flat_map(|r| r.faults.iter().map(|f| f.start_s)).collect();
        starts.sort_by(f64::total_cmp);
        let t = self.t_s;
        let target = if forward {
            starts.iter().copied().find(|&s| s > t + 0.05)
        } else {
            starts.iter().rev().copied().find(|&s| s < t - 0.05)
        };
        match target {
            Some(s) => self.seek(s),
            None => self.status = Some(("no more faults that way".into(), DIM)),
        }
    }

    fn keys(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let k = ctx.input(|i| {
            [
                i.key_pressed(Key::Space),
                i.key_pressed(Key::ArrowRight),
                i.key_pressed(Key::ArrowLeft),
                i.key_pressed(Key::F),
                i.key_pressed(Key::B),
                i.key_pressed(Key::G),
                i.key_pressed(Key::Escape),
            ]
        });
        if k[0] {
            self.toggle_play();
        }
        if k[1] {
            self.step(1);
        }
        if k[2] {
            self.step(-1);
        }
        if k[3] {
            self.next_fault(true);
        }
        if k[4] {
            self.next_fault(false);
        }
        if k[5] {
            self.ghost = !self.ghost;
        }
        if k[6] {
            self.tool = Tool::None;
            self.points.clear();
        }
    }

    fn pending_mark(&self) -> Option<Mark> {
        let kind = match self.tool {
            Tool::Line => MarkKind::Line,
            Tool::Angle => MarkKind::Angle,
            Tool::None => return None,
        };
        let i = &self.folder.session.input;
        Mark::new(kind, self.points.clone(), i.width.max(1) as f32, i.height.max(1) as f32)
    }

    fn add_comment(&mut self) {
        let text = self.text.trim().to_string();
        let mark = self.pending_mark();
        if text.is_empty() && mark.is_none() {
            return;
        }
        let rep = self.current_rep().map(|i| self.folder.session.reps[i].index);
        let c = Comment {
            t_s: (self.t_s * 1000.0).round() / 1000.0,
            rep,
            author: self.author.clone(),
            text,
            mark,
        };
        match self.folder.add_comment(c) {
            Ok(()) => {
                self.status = Some((format!("comment saved in {}", self.folder.dir.display()), ACCENT));
                self.text.clear();
                self.points.clear();
                self.tool = Tool::None;
            }
            Err(e) => self.status = Some((format!("comment not saved: {e}"), FAULT)),
        }
    }

    fn controls(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.heading(RichText::new("Thrustline review").color(ACCENT).strong());
            ui.separator();
            if ui.button(if self.playing { "Pause (space)" } else { "Play (space)" }).clicked() {
                self.toggle_play();
            }
            if ui.button("< frame").on_hover_text("left arrow").clicked() {
                self.step(-1);
            }
            if ui.button("frame >").on_hover_text("right arrow").clicked() {
                self.step(1);
            }
            egui::ComboBox::from_id_salt("speed")
                .selected_text(format!("{}×", self.speed))
                .width(70.0)
                .show_ui(ui, |ui| {
                    for s in SPEEDS {
                        if ui.selectable_label(self.speed == s, format!("{s}×")).clicked() {
                            self.speed = s;
                            self.anchor = (Instant::now(), self.t_s);
                        }
                    }
                });
            ui.separator();
            ui.label("rep");
            let starts: Vec<(u32, f64)> =
                self.folder.session.reps.iter().map(|r| (r.index, r.start_s)).collect();
            for (i, s) in starts {
                if ui.button(i.to_string()).clicked() {
                    self.seek(s);
                }
            }
            if ui.button("< fault (B)").clicked() {
                self.next_fault(false);
            }
            if ui.button("fault > (F)").clicked() {
                self.next_fault(true);
            }
            ui.separator();
            ui.add_enabled(!self.overlay_in_video, egui::Checkbox::new(&mut self.overlay, "skeleton"));
            ui.add_enabled(
                self.best_rep.is_some(),
                egui::Checkbox::new(&mut self.ghost, "ghost of best rep (G)"),
            );
        });
    }

    fn side_panel(&mut self, ui: &mut egui::Ui) {
        let s = &self.folder.session;
        // No rep's form seen (an angle or a plate hid it): "form not seen", as the report's
        // dash, never "0 clean", which reads as every rep faulty.
        // No rep: no clean count, and no variation claimed over a look-alike's warning.
        let clean = if s.reps.is_empty() {
            String::new()
        } else {
            thrustline_core::session::clean_count(&s.reps)
                .map_or_else(|| " · form not seen".to_string(), |n| format!(" · {n} clean"))
        };
        let partial = match s.partial_reps.len() {
            0 => String::new(),
            n => format!(" · {n} partial"),
        };
        self.trace.header = format!(
            "{}{clean}{partial} · {}",
            thrustline_core::session::reps_text(s.reps.len() as u64),
            s.variation_shown()
        );
        ui.label(RichText::new(&self.trace.header).size(20.0));
        self.trace.notes_shown.clear();
        if let Some(why) = s.why_no_rep() {
            let line = format!("No rep was counted: {why}.");
            ui.label(RichText::new(&line).color(widgets::WARN));
            self.trace.notes_shown.push(line);
        }
        // Why no rep counted, or why the form went unjudged, as the report says it; in the
        // product's own words from the warning's id, whatever text a received file carries.
        self.trace.warnings_shown.clear();
        for w in &s.warnings {
            let text = thrustline_core::warning_message(w.id, &s.look_alike_reasons, &s.reps);
            ui.label(RichText::new(&text).color(widgets::WARN));
            self.trace.warnings_shown.push(text);
        }
        // A setup that hid the lifter, as the report says it.
        if let Some(setup) = s.setup.as_ref().filter(|x| x.notable().next().is_some()) {
            ui.label(RichText::new(setup.line()).color(widgets::WARN));
        }
        if let Some(i) = self.current_rep() {
            let r = &s.reps[i];
            ui.label(
                RichText::new(format!(
                    "rep {} · top {}{:.0}°",
                    r.index,
                    if r.form_seen() { "" } else { "≈" },
                    r.metrics.peak_hip_angle
                ))
                .strong(),
            );
            if let (Some(v), Some(rom)) = (r.mean_concentric_velocity_m_s, r.range_of_motion_cm) {
                let peak =
                    r.peak_concentric_velocity_m_s.map(|p| format!(", peak {p:.2}")).unwrap_or_default();
                ui.label(format!("hips up at {v:.2} m/s{peak} over {rom:.0} cm"));
            }
            let mut faults: Vec<&thrustline_core::Fault> = r.faults.iter().collect();
            faults.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
            for f in faults {
                ui.label(RichText::new(format!("• {}", f.cue)).color(FAULT));
            }
            // What this rep's form could not show, and why, as the report's rep table says it.
            for line in r.not_judged_lines() {
                ui.label(RichText::new(&line).color(DIM));
                self.trace.notes_shown.push(line);
            }
        }
        ui.separator();
        let reps = s.reps.clone();
        egui::Frame::NONE.show(ui, |ui| {
            ui.set_max_height(180.0);
            if let Some(idx) = widgets::rep_table(ui, &reps, "review-reps", false) {
                if let Some(r) = reps.iter().find(|r| r.index == idx) {
                    self.seek(r.start_s);
                }
            }
        });
        ui.separator();
        ui.label(RichText::new("Comments").strong());
        let mut jump = None;
        let mut delete = None;
        egui::ScrollArea::vertical().id_salt("comments").max_height(220.0).show(ui, |ui| {
            for (i, c) in self.folder.session.comments.iter().enumerate() {
                ui.horizontal_wrapped(|ui| {
                    if ui.link(mmss(c.t_s)).clicked() {
                        jump = Some(c.t_s);
                    }
                    let mark = c.mark.as_ref().map(|m| format!(" [{}]", m.describe())).unwrap_or_default();
                    ui.label(format!("{}: {}{mark}", c.author, c.text));
                    if ui.small_button("delete").on_hover_text("delete").clicked() {
                        delete = Some(i);
                    }
                });
            }
        });
        if let Some(t) = jump {
            self.playing = false;
            self.seek(t);
        }
        if let Some(i) = delete {
            if let Err(e) = self.folder.remove_comment(i) {
                self.status = Some((format!("not saved: {e}"), FAULT));
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("draw:");
            for (t, name) in [(Tool::None, "none"), (Tool::Line, "line"), (Tool::Angle, "angle")] {
                if ui.selectable_label(self.tool == t, name).clicked() {
                    self.tool = t;
                    self.points.clear();
                }
            }
        });
        if let Some(m) = self.pending_mark() {
            ui.label(RichText::new(m.describe()).color(MARK));
        } else if self.tool != Tool::None {
            let need = if self.tool == Tool::Line { 2 } else { 3 };
            ui.label(
                RichText::new(format!("click {} points on the video", need - self.points.len().min(need)))
                    .color(DIM),
            );
        }
        ui.add(
            egui::TextEdit::multiline(&mut self.text).hint_text("Comment for this moment…").desired_rows(2),
        );
        let rep = self
            .current_rep()
            .map(|i| format!(" (rep {})", self.folder.session.reps[i].index))
            .unwrap_or_default();
        if ui.button(format!("Add comment at {}{rep}", mmss(self.t_s))).clicked() {
            self.add_comment();
        }
        if let Some((msg, c)) = &self.status {
            ui.label(RichText::new(msg).color(*c));
        }
    }

    fn video(&mut self, ui: &mut egui::Ui) {
        let Some(tex) = &self.texture else {
            ui.centered_and_justified(|ui| ui.label(RichText::new("No video").size(24.0).color(DIM)));
            return;
        };
        let Some((idx, w, h)) = self.shown else { return };
        let rect = widgets::video(ui, tex, w, h, false);
        let resp = ui.interact(rect, ui.scope_id().with("video"), Sense::click());
        let painter = ui.painter_at(rect);
        let t_ms = (idx as f64 + 0.5) / self.fps * 1000.0;
        self.trace.skeleton_drawn = false;
        self.trace.ghost_drawn = false;
        if self.overlay {
            // The knee's angle where it was judged: the rep's view, else the session's.
            let side = Some(thrustline_core::CameraView::Side);
            let side_view = match self.current_rep() {
                Some(c) => self.folder.session.reps[c].view == side,
                None => self.folder.session.camera_view == side,
            };
            let line = self.folder.frame_at(t_ms).filter(|f| (f.t - t_ms).abs() < 1000.0 / self.fps);
            if let Some((lm, f)) = line.and_then(|f| f.landmarks().map(|lm| (lm, f))) {
                self.trace.skeleton_drawn =
                    widgets::skeleton(&painter, rect, &lm, f.metrics.as_ref(), side_view, false, None);
            }
        }
        if self.ghost {
            if let (Some(b), Some(c)) =
                (self.best_rep, self.current_rep().filter(|&c| Some(c) != self.best_rep))
            {
                let reps = &self.folder.session.reps;
                let (cur, best) = (&reps[c], &reps[b]);
                // The same point of the movement: the same fraction of each rep's duration.
                let p = ((self.t_s - cur.start_s) / (cur.end_s - cur.start_s).max(1e-3)).clamp(0.0, 1.0);
                let tg = best.start_s + p * (best.end_s - best.start_s);
                if let Some(lm) = self.folder.frame_at(tg * 1000.0).and_then(|f| f.landmarks()) {
                    self.trace.ghost_drawn =
                        widgets::skeleton(&painter, rect, &lm, None, false, false, Some(GHOST));
                    widgets::label_box(
                        &painter,
                        rect.right_top() + egui::vec2(-200.0, 12.0),
                        &format!("ghost: rep {}", best.index),
                        egui::FontId::proportional(18.0),
                        GHOST,
                    );
                }
            }
        }
        // Comments near this moment, with their drawings.
        let mut y = rect.top() + 12.0;
        self.trace.comments_visible.clear();
        for c in &self.folder.session.comments {
            if (c.t_s - self.t_s).abs() <= COMMENT_SHOW_S {
                // Wrapped to the picture: a portrait video had cut "move feet out" to "move feet".
                let r = widgets::label_box_within(
                    &painter,
                    Pos2::new(rect.left() + 12.0, y),
                    &format!("{}: {}", c.author, c.text),
                    egui::FontId::proportional(20.0),
                    MARK,
                    rect.width() - 24.0,
                );
                y = r.bottom() + 8.0;
                self.trace.comments_visible.push(c.text.clone());
                if let Some(m) = &c.mark {
                    draw_mark(&painter, rect, &m.points, Some(m));
                }
            }
        }
        if self.tool != Tool::None {
            if resp.clicked() {
                if let Some(pos) = resp.interact_pointer_pos() {
                    let need = if self.tool == Tool::Line { 2 } else { 3 };
                    if self.points.len() >= need {
                        self.points.clear();
                    }
                    self.points
                        .push([(pos.x - rect.left()) / rect.width(), (pos.y - rect.top()) / rect.height()]);
                }
            }
            let m = self.pending_mark();
            draw_mark(&painter, rect, &self.points, m.as_ref());
        }
        let rep = self
            .current_rep()
            .map(|i| format!(" · rep {}", self.folder.session.reps[i].index))
            .unwrap_or_default();
        // Wrapped to the picture and raised by its height: a portrait video's narrow picture had
        // cut the readout at "· frame 89 · re".
        let readout =
            format!("{} / {} · frame {}{rep} · {}×", mmss(self.t_s), mmss(self.duration), idx, self.speed);
        let font = egui::FontId::monospace(18.0);
        let width = rect.width() - 24.0;
        let height = painter.layout(readout.clone(), font.clone(), Color32::WHITE, width.max(40.0)).size().y;
        widgets::label_box_within(
            &painter,
            Pos2::new(rect.left() + 12.0, rect.bottom() - 16.0 - height),
            &readout,
            font,
            Color32::WHITE,
            width,
        );
    }

    fn automation(&mut self, ctx: &egui::Context) {
        let Some(path) = self.auto.screenshot.clone() else {
            if self.auto.exit && self.shown.is_some() {
                self.write_trace();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            return;
        };
        let state = self.shot_pending.lock().map(|s| *s).unwrap_or(None);
        match state {
            None if self.shown.is_some() || self.player.is_none() => {
                if let Ok(mut s) = self.shot_pending.lock() {
                    *s = Some(false);
                }
                let done = self.shot_pending.clone();
                widgets::save_screenshot(ctx, path, move || {
                    if let Ok(mut s) = done.lock() {
                        *s = Some(true);
                    }
                });
            }
            Some(true) if self.auto.exit => {
                self.write_trace();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            _ => {}
        }
        ctx.request_repaint_after(Duration::from_millis(30));
    }

    fn write_trace(&mut self) {
        let Some(p) = &self.auto.trace else { return };
        self.trace.frame_shown = self.shown.map(|s| s.0);
        self.trace.t_s = self.t_s;
        self.trace.rep_marks = self.folder.session.reps.len();
        self.trace.fault_marks = self.folder.session.reps.iter().map(|r| r.faults.len()).sum();
        if let Ok(b) = serde_json::to_vec_pretty(&self.trace) {
            if let Err(e) = thrustline_report::atomic::write(p, &b) {
                tracing::warn!("trace not written: {e}");
            }
        }
    }
}

fn draw_mark(painter: &egui::Painter, rect: egui::Rect, points: &[[f32; 2]], mark: Option<&Mark>) {
    let at = |p: &[f32; 2]| Pos2::new(rect.left() + p[0] * rect.width(), rect.top() + p[1] * rect.height());
    let pts: Vec<Pos2> = points.iter().map(at).collect();
    for w in pts.windows(2) {
        painter.line_segment([w[0], w[1]], Stroke::new(3.0, MARK));
    }
    for p in &pts {
        painter.circle_filled(*p, 5.0, MARK);
    }
    if let (Some(m), Some(anchor)) = (mark, pts.get(if pts.len() == 3 { 1 } else { 0 })) {
        widgets::label_box(
            painter,
            *anchor + egui::vec2(10.0, 10.0),
            &format!("{:.0}°", m.degrees),
            egui::FontId::proportional(22.0),
            MARK,
        );
    }
}

fn mmss(t: f64) -> String {
    let t = t.max(0.0);
    format!("{:02}:{:04.1}", (t / 60.0).floor() as u64, t % 60.0)
}

/// When session.json in `dir` was last written, if it can be read.
fn session_mtime(dir: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(dir.join(thrustline_report::folder::SESSION_FILE)).and_then(|m| m.modified()).ok()
}

/// A thread that looks at session.json in `dir` every [`COMMENTS_POLL`] and, when it changed,
/// raises the returned flag and wakes the window (no repaint while nothing changes). It ends
/// when the window drops the flag.
fn watch_comments(dir: PathBuf, ctx: egui::Context) -> Arc<std::sync::atomic::AtomicBool> {
    let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let weak = Arc::downgrade(&flag);
    let spawned = std::thread::Builder::new().name("comments".into()).spawn(move || {
        let mut seen = session_mtime(&dir);
        loop {
            std::thread::sleep(COMMENTS_POLL);
            let Some(flag) = weak.upgrade() else { break };
            let now = session_mtime(&dir);
            if now != seen {
                seen = now;
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
                ctx.request_repaint();
            }
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("comments saved elsewhere will show on reopening: {e}");
    }
    flag
}

impl ReviewApp {
    /// Shows the comments another command saved in the folder since they were last read.
    fn pick_up_comments(&mut self) {
        if self.comments_changed.swap(false, std::sync::atomic::Ordering::Relaxed) {
            // A damaged or half-replaced file keeps what is shown; the next save says why.
            let _ = self.folder.reload_comments();
        }
    }

    /// Merges a coach's reply file (dropped on the window, or `review --import`): the new
    /// comments join the timeline and the list, the report is rebuilt; refusals are shown.
    fn import_feedback(&mut self, file: &std::path::Path) {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match thrustline_engine::share::import_feedback(&self.folder.dir, file)
            .and_then(|n| Ok((n, SessionFolder::open(&self.folder.dir)?)))
        {
            Ok((n, fresh)) => {
                self.folder.session.comments = fresh.session.comments;
                let msg = if n == 0 {
                    format!("{name}: nothing new (already imported)")
                } else {
                    format!("{n} {} imported from {name}", if n == 1 { "comment" } else { "comments" })
                };
                self.status = Some((msg, ACCENT));
            }
            Err(e) => self.status = Some((format!("not imported: {e}"), FAULT)),
        }
    }
}

impl eframe::App for ReviewApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.pick_up_comments();
        if let Some(f) = self.auto.import.take() {
            self.import_feedback(&f);
        }
        // A reply file dropped on the window is imported.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for f in dropped {
            self.import_feedback(&f);
        }
        self.keys(&ctx);
        if self.playing {
            let t = self.anchor.1 + self.anchor.0.elapsed().as_secs_f64() * f64::from(self.speed);
            if t >= self.duration {
                self.t_s = self.duration;
                self.playing = false;
            } else {
                self.t_s = t;
            }
            if let Some(p) = &self.player {
                p.request(self.index_at(self.t_s));
            }
            ctx.request_repaint();
        }
        if let Some(d) = self.player.as_ref().and_then(|p| p.frames.try_iter().last()) {
            let img = egui::ColorImage::from_rgb([d.width, d.height], &d.rgb);
            match self.texture.as_mut() {
                Some(t) => t.set(img, egui::TextureOptions::LINEAR),
                None => self.texture = Some(ctx.load_texture("review", img, egui::TextureOptions::LINEAR)),
            }
            self.shown = Some((d.index, d.width, d.height));
        }

        egui::Panel::top("review-controls").show(ui, |ui| {
            ui.add_space(4.0);
            self.controls(ui);
            ui.add_space(4.0);
        });
        egui::Panel::right("review-side").default_size(380.0).show(ui, |ui| self.side_panel(ui));
        egui::Panel::bottom("timeline").show(ui, |ui| {
            ui.add_space(6.0);
            let mut marks: Vec<(f64, Color32)> = Vec::new();
            for r in &self.folder.session.reps {
                for f in &r.faults {
                    marks.push((f.start_s, FAULT));
                }
            }
            for c in &self.folder.session.comments {
                marks.push((c.t_s, MARK));
            }
            let clicked = widgets::Plot {
                series: &self.series,
                from_s: 0.0,
                to_s: self.duration.max(1e-3),
                thresholds: &self.folder.session.thresholds,
                reps: &self.folder.session.reps,
                cursor_s: Some(self.t_s),
                marks: &marks,
            }
            .show(ui, 150.0);
            if let Some(t) = clicked {
                self.seek(t);
            }
            ui.add_space(4.0);
        });
        egui::CentralPanel::default_margins().show(ui, |ui| self.video(ui));
        self.automation(&ctx);
    }
}

/// Opens the review window on a session folder; returns when it closes.
pub fn run(folder: SessionFolder, author: String, auto: ReviewAutomation) -> Result<(), String> {
    let title = format!("Thrustline — review {}", folder.dir.display());
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_inner_size([1360.0, 860.0])
            .with_min_inner_size([900.0, 600.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    crate::run_window(
        "thrustline-review",
        options,
        Box::new(move |cc| Ok(Box::new(ReviewApp::new(cc, folder, author, auto)))),
    )
}
