//! The live coach's window: video with the skeleton and angles, the big rep counter, phase,
//! fault banners, a rolling hip-extension plot, the rep table, and the controls.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eframe::egui::{self, Color32, Key, RichText};
use thrustline_capture::SourceSpec;
use thrustline_core::{Event, FaultId, Rep, Side, Variation};
use thrustline_engine::{Command, Engine, LiveConfig, LiveFrame, LiveSummary, Notice};
use thrustline_pose::ModelKind;

use thrustline_report::draw::BANNER_S;

use crate::widgets::{self, ACCENT, DIM, FAULT};

/// Seconds of hip extension on the rolling plot.
const PLOT_WINDOW_S: f64 = 20.0;
/// The rep counter's size during a session (readable from a bench across the room) and once it
/// has ended.
const COUNTER_PT: f32 = 120.0;
const COUNTER_ENDED_PT: f32 = 56.0;
/// Longest source name shown in the controls row (the row fits 1280 px with it).
const SOURCE_NAME_MAX_CHARS: usize = 28;
/// Said when a click on the video picks the person to coach.
const PERSON_PICKED: &str = "Coaching the person you clicked";
/// Shown after a rep whose side-view faults the camera's angle hid.
pub const NOT_JUDGED_BANNER: &str = "Form not judged from this angle: put the camera at your side";
/// While idle, repaint this often anyway, to notice Ctrl-C.
const IDLE_REPAINT: Duration = Duration::from_millis(200);
/// Paint latencies kept for the debug panel's percentiles (about 30 s at 30 fps).
const LATENCY_WINDOW: usize = 900;

/// Where the engine's wake-up calls go once the window exists.
#[derive(Clone, Default)]
pub struct WakeSlot(Arc<std::sync::OnceLock<egui::Context>>);

impl WakeSlot {
    pub fn waker(&self) -> Arc<dyn Fn() + Send + Sync> {
        let slot = self.0.clone();
        Arc::new(move || {
            if let Some(ctx) = slot.get() {
                ctx.request_repaint();
            }
        })
    }
}

/// Test and automation hooks.
#[derive(Clone, Debug, Default)]
pub struct Automation {
    /// Close the window once the stream has ended and the session is saved.
    pub exit_at_end: bool,
    /// Save a screenshot here at the end, and `<stem>-fault.png` at the first fault banner.
    pub screenshot: Option<PathBuf>,
    /// Write what the window showed (counter, banners, skeleton frames) here as JSON.
    pub trace: Option<PathBuf>,
}

/// What the window actually displayed, for tests.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Trace {
    pub frames_shown: u64,
    pub frames_with_skeleton: u64,
    pub max_counter_shown: u32,
    pub banners_shown: Vec<String>,
    pub end_message: Option<String>,
    pub session_dir: Option<String>,
    pub paint_latency_p50_ms: f64,
    pub paint_latency_p99_ms: f64,
    pub screenshots: Vec<String>,
    /// The analysis cadence the window showed, for a camera faster than the worker's.
    pub cadence_shown: Option<String>,
    /// The variation the window last showed.
    pub variation_shown: Option<String>,
    /// The saved session's warnings, listed in the side panel once it ended.
    pub end_warnings_shown: Vec<String>,
}

pub struct LiveApp {
    cfg: LiveConfig,
    engine: Option<Engine>,
    wake: Arc<dyn Fn() + Send + Sync>,
    texture: Option<egui::TextureHandle>,
    frame: Option<LiveFrame>,
    plot: VecDeque<(f64, Option<f32>)>,
    reps: Vec<Rep>,
    /// Text, until when, and whether it is a notice (amber) rather than a fault (red).
    banner: Option<(String, Instant, bool)>,
    /// The rep whose fault the banner shows: the next rep's top takes it down.
    banner_rep: Option<u32>,
    mirror: bool,
    muted: bool,
    speech: bool,
    debug: bool,
    error: Option<String>,
    ended: Option<LiveSummary>,
    last_saved: Option<PathBuf>,
    paint_ms: VecDeque<f32>,
    cameras: Option<Vec<i32>>,
    stop: Arc<AtomicBool>,
    auto: Automation,
    trace: Trace,
    shots_pending: Arc<Mutex<u32>>,
    /// The first fault banner's screenshot is taken.
    fault_shot_taken: bool,
    /// What the camera's setup needs fixed, shown until it is.
    setup_issue: Option<thrustline_core::SetupIssue>,
    /// What `--variation auto` has seen so far.
    seen_variation: Option<Variation>,
    /// The session said the camera is off the side: from then on no knee angle is drawn (a
    /// bench press's last frames, read side-on, had shown "knee 94°" beside that warning).
    camera_warned: bool,
    /// Every session that ended in this window, for the caller to report.
    sessions: Arc<Mutex<Vec<LiveSummary>>>,
    closing: bool,
}

impl LiveApp {
    /// `stop` is raised by the SIGINT/SIGTERM handler.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        cfg: LiveConfig,
        engine: Engine,
        slot: WakeSlot,
        stop: Arc<AtomicBool>,
        auto: Automation,
        sessions: Arc<Mutex<Vec<LiveSummary>>>,
    ) -> Self {
        widgets::apply_theme(&cc.egui_ctx);
        let _ = slot.0.set(cc.egui_ctx.clone());
        let wake = slot.waker();
        let muted = cfg.audio.mute;
        let speech = cfg.audio.speech;
        let app = Self {
            cfg,
            engine: Some(engine),
            wake,
            texture: None,
            frame: None,
            plot: VecDeque::new(),
            reps: Vec::new(),
            banner: None,
            banner_rep: None,
            mirror: false,
            muted,
            speech,
            debug: false,
            error: None,
            ended: None,
            last_saved: None,
            paint_ms: VecDeque::new(),
            cameras: None,
            stop,
            auto,
            trace: Trace::default(),
            shots_pending: Arc::new(Mutex::new(0)),
            fault_shot_taken: false,
            setup_issue: None,
            seen_variation: None,
            camera_warned: false,
            sessions,
            closing: false,
        };
        if let Some(e) = &app.engine {
            e.set_muted(app.muted);
        }
        app
    }

    /// Shows `text` over the video for the banner's time (amber when a `notice`, red for a
    /// fault) and notes it in the trace.
    fn show_banner(&mut self, text: String, notice: bool) {
        self.trace_banner(&text);
        self.banner = Some((text, Instant::now() + Duration::from_secs_f64(BANNER_S), notice));
        self.banner_rep = None;
    }

    /// A fault's cue, named by its rep: a cue judged after its top (a lowering, a top the clip
    /// ended in) had read as the next rep's.
    fn show_fault(&mut self, rep: u32, id: FaultId) {
        self.show_banner(format!("Rep {rep}: {}", id.cue()), false);
        self.banner_rep = Some(rep);
    }

    /// Notes a banner's text in the trace, once.
    fn trace_banner(&mut self, text: &str) {
        if !self.trace.banners_shown.iter().any(|b| b == text) {
            self.trace.banners_shown.push(text.to_string());
        }
    }

    fn start(&mut self) {
        self.plot.clear();
        self.reps.clear();
        self.seen_variation = None;
        self.camera_warned = false;
        self.banner = None;
        self.ended = None;
        self.frame = None;
        match Engine::start(self.cfg.clone(), self.wake.clone()) {
            Ok(e) => {
                e.set_muted(self.muted);
                self.engine = Some(e);
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Stops the engine (which saves the session).
    fn stop_engine(&mut self) {
        if let Some(mut e) = self.engine.take() {
            match e.stop() {
                Ok(s) => self.finished(s),
                Err(err) => self.error = Some(format!("session not saved: {err}")),
            }
        }
    }

    fn restart(&mut self) {
        self.stop_engine();
        self.setup_issue = None;
        self.start();
    }

    fn finished(&mut self, s: LiveSummary) {
        let msg = end_message(&s);
        if let Ok(mut done) = self.sessions.lock() {
            done.push(s.clone());
        }
        self.trace.end_message = Some(msg);
        self.trace.session_dir = Some(s.dir.display().to_string());
        self.ended = Some(s);
    }

    fn screenshot(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.trace.screenshots.push(path.display().to_string());
        let pending = self.shots_pending.clone();
        if let Ok(mut n) = pending.lock() {
            *n += 1;
        }
        widgets::save_screenshot(ctx, path, move || {
            if let Ok(mut n) = pending.lock() {
                *n = n.saturating_sub(1);
            }
        });
    }

    fn poll(&mut self, ctx: &egui::Context) {
        let Some(engine) = self.engine.as_ref() else { return };
        let notices = engine.notices();
        let frame = engine.latest_frame();
        let mut ended = None;
        for n in notices {
            match n {
                Notice::Event { event: Event::FaultRaised { rep, id }, .. } => {
                    if !self.fault_shot_taken {
                        self.fault_shot_taken = true;
                        if let Some(p) = self.auto.screenshot.clone() {
                            let stem =
                                p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                            self.screenshot(ctx, p.with_file_name(format!("{stem}-fault.png")));
                        }
                    }
                    self.show_fault(rep, id);
                }
                // The next rep's top takes the last rep's cue down (the lumbar-then-quad bridge
                // had shown rep 1's overarch cue through rep 2's top and its end screen).
                Notice::Event { event: Event::RepCounted { rep }, .. } => {
                    if self.banner_rep.is_some_and(|b| b < rep) {
                        self.banner = None;
                        self.banner_rep = None;
                    }
                }
                // Warnings (a frontal camera, not a hip thrust) take the banner too: the lifter
                // can fix the set-up only if told.
                Notice::Event { event: Event::Warning { id }, .. } => {
                    self.camera_warned |= id == thrustline_core::Warning::CameraFrontal;
                    self.show_banner(id.message().to_string(), true)
                }
                // The setup's issue stays up until it is fixed.
                Notice::Event { event: Event::Setup { issue }, .. } => {
                    if let Some(i) = issue {
                        self.trace_banner(i.message());
                    }
                    self.setup_issue = issue;
                }
                Notice::Event { .. } => {}
                Notice::Seen(v) => self.seen_variation = Some(v),
                Notice::Reps(r) => {
                    // A rep whose side-view faults this angle could not show: tell the lifter
                    // where to put the camera instead of staying silent (or guessing). Not for
                    // the uneven hips a side view never shows: the camera is where it belongs.
                    let newest_hidden =
                        r.last().is_some_and(|rep| rep.faults.is_empty() && !rep.form_judged());
                    let newer = r.last().map(|x| x.index) > self.reps.last().map(|x| x.index)
                        || r.last().map(|x| x.judgements.clone())
                            != self.reps.last().map(|x| x.judgements.clone());
                    if newest_hidden && newer {
                        self.show_banner(NOT_JUDGED_BANNER.to_string(), true);
                    }
                    // A fault judged as the session closed (the clip ended at a rep's top) or at
                    // a lowering's end comes with the reps, not as an event: its cue is shown too.
                    let judged_late = r.iter().rev().find_map(|rep| {
                        let before = self.reps.iter().find(|x| x.index == rep.index);
                        // The newest first, as the events' last banner would show it.
                        rep.faults
                            .iter()
                            .rev()
                            .find(|f| before.is_some_and(|b| !b.faults.iter().any(|g| g.id == f.id)))
                            .map(|f| (rep.index, f.id))
                    });
                    self.reps = r;
                    if let Some((rep, id)) = judged_late {
                        self.show_fault(rep, id);
                    }
                }
                Notice::Saved(p) => self.last_saved = Some(p),
                Notice::StopSet { loss_pct, .. } => self.show_banner(
                    format!("{} ({loss_pct:.0} % slower)", thrustline_engine::cues::STOP_SET_TEXT),
                    true,
                ),
                Notice::Ended(s) => ended = Some(s),
                Notice::Failed(e) => self.error = Some(e),
            }
        }
        if let Some(f) = frame {
            let img = egui::ColorImage::from_rgb([f.width, f.height], &f.rgb);
            match self.texture.as_mut() {
                Some(t) => t.set(img, egui::TextureOptions::LINEAR),
                None => self.texture = Some(ctx.load_texture("video", img, egui::TextureOptions::LINEAR)),
            }
            let t_s = f.t_ms / 1000.0;
            self.plot.push_back((t_s, f.hip_angle));
            while self.plot.front().is_some_and(|p| p.0 < t_s - PLOT_WINDOW_S) {
                self.plot.pop_front();
            }
            self.paint_ms.push_back(f.captured.elapsed().as_secs_f32() * 1000.0);
            if self.paint_ms.len() > LATENCY_WINDOW {
                self.paint_ms.pop_front();
            }
            self.trace.frames_shown += 1;
            if f.landmarks.is_some() {
                self.trace.frames_with_skeleton += 1;
            }
            self.trace.max_counter_shown = self.trace.max_counter_shown.max(f.set_reps);
            self.frame = Some(f);
        }
        if let Some(s) = ended {
            // The worker has saved and stopped; collect its thread.
            if let Some(mut e) = self.engine.take() {
                let _ = e.stop();
            }
            self.finished(s);
        }
    }

    fn keys(&mut self, ctx: &egui::Context) {
        let (space, new_set, mute, mirror, debug, quit) = ctx.input(|i| {
            (
                i.key_pressed(Key::Space),
                i.key_pressed(Key::N),
                i.key_pressed(Key::M),
                i.key_pressed(Key::F),
                i.key_pressed(Key::D),
                i.key_pressed(Key::Escape) || i.key_pressed(Key::Q),
            )
        });
        if space {
            self.toggle_set();
        }
        if new_set {
            self.send(Command::NewSet);
        }
        if mute {
            self.set_muted(!self.muted);
        }
        if mirror {
            self.mirror = !self.mirror;
        }
        if debug {
            self.debug = !self.debug;
        }
        if quit {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn set_active(&self) -> bool {
        self.frame.as_ref().is_none_or(|f| f.set_active)
    }

    fn toggle_set(&mut self) {
        self.send(if self.set_active() { Command::StopSet } else { Command::StartSet });
    }

    fn send(&self, c: Command) {
        if let Some(e) = &self.engine {
            e.send(c);
        }
    }

    fn set_muted(&mut self, m: bool) {
        self.muted = m;
        if let Some(e) = &self.engine {
            e.set_muted(m);
        }
    }

    fn controls(&mut self, ui: &mut egui::Ui) {
        // Two rows that each fit 1280 px, so no control wraps away from its label.
        let running = self.engine.is_some();
        let mut restart = false;
        ui.horizontal(|ui| {
            ui.heading(RichText::new("Thrustline").color(ACCENT).strong());
            ui.separator();
            let label = if self.set_active() { "Stop set (space)" } else { "Start set (space)" };
            if ui.add_enabled(running, egui::Button::new(label)).clicked() {
                self.toggle_set();
            }
            if ui
                .add_enabled(running, egui::Button::new("New set (N)"))
                .on_hover_text("Counter back to zero; the reps so far stay in the session")
                .clicked()
            {
                self.send(Command::NewSet);
            }
            ui.separator();
            let source = match &self.cfg.source {
                SourceSpec::File(p) => {
                    p.file_name().map_or(p.display().to_string(), |n| n.to_string_lossy().into_owned())
                }
                s => s.to_string(),
            };
            // A long file name would push the other controls off the row.
            let source = if source.chars().count() > SOURCE_NAME_MAX_CHARS {
                let head: String = source.chars().take(SOURCE_NAME_MAX_CHARS - 1).collect();
                format!("{head}…")
            } else {
                source
            };
            ui.horizontal(|ui| {
                ui.label("Source:");
                egui::ComboBox::from_id_salt("source").selected_text(source).show_ui(ui, |ui| {
                    let cams = self.cameras.get_or_insert_with(thrustline_capture::list_cameras);
                    if cams.is_empty() {
                        ui.label("no cameras found");
                    }
                    for &c in cams.iter() {
                        if ui
                            .selectable_label(self.cfg.source == SourceSpec::Camera(c), format!("camera {c}"))
                            .clicked()
                        {
                            self.cfg.source = SourceSpec::Camera(c);
                            restart = true;
                        }
                    }
                });
            });
            ui.horizontal(|ui| {
                ui.label("Model:");
                egui::ComboBox::from_id_salt("model").selected_text(self.cfg.lift.pose.model.name()).show_ui(
                    ui,
                    |ui| {
                        for m in [ModelKind::Lite, ModelKind::Full] {
                            if ui.selectable_label(self.cfg.lift.pose.model == m, m.name()).clicked()
                                && self.cfg.lift.pose.model != m
                            {
                                self.cfg.lift.pose.model = m;
                                restart = true;
                            }
                        }
                    },
                );
            });
            ui.horizontal(|ui| {
                ui.label("Variation:");
                // Auto says what it saw as soon as it has: not "auto" until the session is saved.
                let shown = match (self.cfg.lift.variation, self.seen_variation) {
                    // The label's parenthesis ("load type not given") does not fit the bar.
                    (Variation::Auto, Some(seen)) => {
                        format!("seen: {}", seen.label().split(" (").next().unwrap_or_default())
                    }
                    // Nor does auto's full label at 1280 px: the list below still gives it whole.
                    (Variation::Auto, None) => "auto (from the video)".to_string(),
                    (v, _) => v.label().to_string(),
                };
                self.trace.variation_shown = Some(shown.clone());
                egui::ComboBox::from_id_salt("variation").selected_text(shown).show_ui(ui, |ui| {
                    for v in Variation::ALL {
                        if ui.selectable_label(self.cfg.lift.variation == v, v.label()).clicked()
                            && self.cfg.lift.variation != v
                        {
                            self.cfg.lift.variation = v;
                            restart = true;
                        }
                    }
                });
            });
        });
        ui.horizontal(|ui| {
            let side_name = |s: Option<Side>| match s {
                None => "auto",
                Some(Side::Left) => "left",
                Some(Side::Right) => "right",
                Some(Side::Both) => "both (front)",
            };
            ui.horizontal(|ui| {
                ui.label("Side:");
                egui::ComboBox::from_id_salt("side").selected_text(side_name(self.cfg.side)).show_ui(
                    ui,
                    |ui| {
                        for s in [None, Some(Side::Left), Some(Side::Right), Some(Side::Both)] {
                            if ui.selectable_label(self.cfg.side == s, side_name(s)).clicked() {
                                self.cfg.side = s;
                                self.send(Command::SetSide(s));
                            }
                        }
                    },
                );
            });
            ui.separator();
            ui.checkbox(&mut self.mirror, "mirror (F)");
            let mut muted = self.muted;
            if ui.checkbox(&mut muted, "mute (M)").changed() {
                self.set_muted(muted);
            }
            if ui.checkbox(&mut self.speech, "speak cues").changed() {
                self.cfg.audio.speech = self.speech;
                if let Some(e) = &self.engine {
                    e.set_speech(self.speech);
                }
            }
            ui.checkbox(&mut self.debug, "debug (D)");
            if !running && ui.button("Start again").clicked() {
                restart = true;
            }
        });
        if restart {
            self.restart();
        }
    }

    fn side_panel(&mut self, ui: &mut egui::Ui) {
        let (reps, set, phase, hip) = match &self.frame {
            // A top that was not counted is not "lockout" in green (the pullover's whole set had
            // read so with 0 reps).
            Some(f) if f.top_refused => (f.set_reps, f.set, "not counted", f.hip_angle),
            Some(f) => (f.set_reps, f.set, f.phase.label(), f.hip_angle),
            None => (0, 1, "waiting", None),
        };
        // Read from the bench during a set; once the session ended the rep table and what the
        // session says need the room (a 720-pixel window had hidden the table's first rows).
        let size = if self.ended.is_some() { COUNTER_ENDED_PT } else { COUNTER_PT };
        widgets::counter(ui, reps, &format!("SET {set} · REPS"), size);
        ui.vertical_centered(|ui| {
            let active = self.set_active();
            let (text, color) = if self.engine.is_none() {
                ("stopped".to_string(), DIM)
            } else if active && self.frame.as_ref().is_some_and(|f| f.top_refused) {
                (phase.to_uppercase(), widgets::WARN)
            } else if active {
                (phase.to_uppercase(), ACCENT)
            } else {
                ("SET PAUSED".to_string(), widgets::WARN)
            };
            ui.label(RichText::new(text).size(30.0).strong().color(color));
            if let Some(e) = &self.engine {
                let c = thrustline_engine::terminal::cadence(e.stride, e.info.fps);
                if !c.is_empty() {
                    // Said, not hidden: the reps' timing comes from every Nth frame, evenly.
                    let c = format!("{:.0} fps camera{c}", e.info.fps);
                    ui.label(RichText::new(&c).size(15.0).color(DIM));
                    self.trace.cadence_shown = Some(c);
                }
            }
            let hip = hip.map_or("hip –".to_string(), |h| format!("hip {h:.0}°"));
            ui.label(RichText::new(hip).size(26.0));
        });
        ui.separator();
        widgets::velocity_meter(ui, &self.reps, self.cfg.stop_at_loss_pct);
        ui.separator();
        // Banners come and go while the lifter cannot look; once the session ended, what it
        // says stays in view, in the report's words, above the rep table (whose scroll area
        // takes the rest of the panel: below it, six reps had pushed these out of the window).
        if let Some(s) = self.ended.as_ref().filter(|s| !s.warnings.is_empty()) {
            ui.label(RichText::new("The session says").size(17.0).strong());
            for w in &s.warnings {
                ui.label(RichText::new(w).size(15.0).color(widgets::WARN));
            }
            self.trace.end_warnings_shown = s.warnings.clone();
            ui.separator();
        }
        let open_last = self.engine.is_some() && self.ended.is_none();
        if let Some(r) = widgets::rep_table(ui, &self.reps, "live-reps", open_last) {
            tracing::debug!("rep {r} clicked");
        }
    }

    fn debug_panel(&self, ui: &mut egui::Ui) {
        let v: Vec<f32> = self.paint_ms.iter().copied().collect();
        let s = thrustline_engine::latency::percentiles(&v);
        ui.label(format!("capture → screen: {s}"));
        if let Some(f) = &self.frame {
            ui.label(format!(
                "capture → overlay ready: {:.1} ms · frame {} · {}×{}",
                f.ready.duration_since(f.captured).as_secs_f64() * 1000.0,
                f.index,
                f.width,
                f.height
            ));
        }
        if let Some(p) = &self.last_saved {
            ui.label(format!("saved: {}", p.display()));
        }
    }

    fn finish_automation(&mut self, ctx: &egui::Context) {
        if !self.auto.exit_at_end || self.ended.is_none() || self.engine.is_some() {
            return;
        }
        if !self.closing {
            self.closing = true;
            if let Some(p) = self.auto.screenshot.clone() {
                self.screenshot(ctx, p);
            }
            ctx.request_repaint();
            return;
        }
        let pending = self.shots_pending.lock().map(|n| *n).unwrap_or(0);
        if pending == 0 {
            self.write_trace();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            ctx.request_repaint_after(Duration::from_millis(30));
        }
    }

    fn write_trace(&mut self) {
        let v: Vec<f32> = self.paint_ms.iter().copied().collect();
        let s = thrustline_engine::latency::percentiles(&v);
        self.trace.paint_latency_p50_ms = s.p50_ms;
        self.trace.paint_latency_p99_ms = s.p99_ms;
        if let Some(p) = &self.auto.trace {
            match serde_json::to_vec_pretty(&self.trace) {
                Ok(b) => {
                    if let Err(e) = thrustline_report::atomic::write(p, &b) {
                        tracing::warn!("trace not written: {e}");
                    }
                }
                Err(e) => tracing::warn!("trace not written: {e}"),
            }
        }
    }
}

impl eframe::App for LiveApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.stop.load(Ordering::SeqCst) || ctx.input(|i| i.viewport().close_requested()) {
            self.stop_engine();
            if !self.closing {
                self.write_trace();
            }
            self.closing = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.poll(&ctx);
        self.keys(&ctx);
        if self.banner.as_ref().is_some_and(|b| Instant::now() > b.1) {
            self.banner = None;
        }

        egui::Panel::top("controls").show(ui, |ui| {
            ui.add_space(4.0);
            self.controls(ui);
            ui.add_space(4.0);
        });
        egui::Panel::right("reps").default_size(360.0).show(ui, |ui| self.side_panel(ui));
        egui::Panel::bottom("plot").show(ui, |ui| {
            ui.add_space(6.0);
            let to = self.plot.back().map_or(PLOT_WINDOW_S, |p| p.0.max(PLOT_WINDOW_S));
            let series: Vec<(f64, Option<f32>)> = self.plot.iter().copied().collect();
            widgets::Plot {
                series: &series,
                from_s: to - PLOT_WINDOW_S,
                to_s: to,
                thresholds: &self.cfg.lift.thresholds,
                reps: &self.reps,
                cursor_s: None,
                marks: &[],
            }
            .show(ui, 150.0);
            if self.debug {
                self.debug_panel(ui);
            }
            ui.add_space(4.0);
        });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if let Some(e) = &self.error {
                ui.label(RichText::new(e).size(22.0).color(FAULT));
            }
            let area = ui.max_rect();
            let mut picked = None;
            match (&self.texture, &self.frame) {
                (Some(tex), Some(f)) => {
                    let rect = widgets::video(ui, tex, f.width, f.height, self.mirror);
                    // A click on someone coaches them (a gym has more than one person in view).
                    let click = ui.interact(rect, ui.scope_id().with("video-click"), egui::Sense::click());
                    if let Some(p) = click.interact_pointer_pos().filter(|_| click.clicked()) {
                        let x = (p.x - rect.left()) / rect.width();
                        let y = (p.y - rect.top()) / rect.height();
                        picked = Some((if self.mirror { 1.0 - x } else { x }, y));
                    }
                    let painter = ui.painter_at(rect);
                    if let Some(lm) = &f.landmarks {
                        let side_view =
                            f.view == Some(thrustline_core::CameraView::Side) && !self.camera_warned;
                        // The hip's label reads the angle the side panel and the count read (the
                        // smoothed one): the two had differed by a degree or two on one screen.
                        let shown = f.metrics.map(|mut m| {
                            if let (Some(h), Some(a)) = (m.hip_angle.as_mut(), f.hip_angle) {
                                h.value = a;
                            }
                            m
                        });
                        widgets::skeleton(&painter, rect, lm, shown.as_ref(), side_view, self.mirror, None);
                    }
                    // Once the session ended a notice is the end panel's to say ("The session
                    // says"); a fault's cue stays, named by its rep.
                    let shown =
                        self.banner.as_ref().filter(|(_, _, notice)| !(*notice && self.ended.is_some()));
                    if let Some((text, _, notice)) = shown {
                        widgets::banner(ui.painter(), rect, area, text, *notice);
                    }
                    // Still up once the session ended: it is what to fix for the next one. Not
                    // over a frame with no one in it (a clip's black last frame had read "no one
                    // in view" under "your feet are at the edge of the picture").
                    let setup = self
                        .setup_issue
                        .filter(|_| f.landmarks.is_some())
                        .map(|i| widgets::setup_banner(ui.painter(), area, i.message()));
                    // The video's own labels start below the setup banner, never under it.
                    let top = setup.map_or(rect.top(), |r| r.bottom().max(rect.top()));
                    let mut label_at = egui::pos2(rect.left(), top) + egui::vec2(12.0, 12.0);
                    if f.landmarks.is_none() {
                        let r = widgets::label_box(
                            &painter,
                            label_at,
                            "no one in view",
                            egui::FontId::proportional(24.0),
                            widgets::WARN,
                        );
                        label_at.y = r.bottom() + 12.0;
                    }
                    if let Some(s) = &self.ended {
                        widgets::label_box_within(
                            &painter,
                            label_at,
                            &format!("{} · session saved", end_title(s)),
                            egui::FontId::proportional(24.0),
                            Color32::WHITE,
                            rect.right() - label_at.x - 20.0,
                        );
                    }
                }
                _ => {
                    ui.centered_and_justified(|ui| {
                        let msg = if self.engine.is_some() {
                            "Starting the camera and the models…"
                        } else {
                            "Not running"
                        };
                        ui.label(RichText::new(msg).size(26.0).color(DIM));
                    });
                }
            }
            if let Some((x, y)) = picked {
                self.send(Command::SetPerson(thrustline_pose::Person::At(x, y)));
                self.show_banner(PERSON_PICKED.to_string(), true);
            }
        });
        self.finish_automation(&ctx);
        ctx.request_repaint_after(IDLE_REPAINT);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.stop_engine();
    }
}

fn end_title(s: &LiveSummary) -> String {
    match &s.end {
        thrustline_engine::EndReason::StreamEnded => "End of the video".to_string(),
        thrustline_engine::EndReason::SourceLost(e) => format!("Camera lost ({e})"),
        thrustline_engine::EndReason::Stopped => "Stopped".to_string(),
    }
}

/// Opens the live window; returns when it closes.
/// How a session's end is told: "Session ended (end of the video): 2 reps, saved to …".
pub fn end_message(s: &LiveSummary) -> String {
    let reps = thrustline_core::session::reps_text(s.reps as u64);
    format!("Session ended ({}): {reps}, saved to {}", s.end, s.dir.display())
}

/// Opens the live window; returns, when it closes, every session that ended in it.
pub fn run(
    cfg: LiveConfig,
    engine: Engine,
    slot: WakeSlot,
    stop: Arc<AtomicBool>,
    auto: Automation,
) -> Result<Vec<LiveSummary>, String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Thrustline — live")
            // Fits a 1280×720 screen (a laptop, a TV across the gym) with every control shown.
            .with_inner_size([1280.0, 720.0])
            .with_min_inner_size([800.0, 560.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let sessions = Arc::new(Mutex::new(Vec::new()));
    let done = sessions.clone();
    crate::run_window(
        "thrustline-engine",
        options,
        Box::new(move |cc| Ok(Box::new(LiveApp::new(cc, cfg, engine, slot, stop, auto, done)))),
    )?;
    let ended = sessions.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
    Ok(ended)
}
