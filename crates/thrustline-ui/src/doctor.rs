//! The window `thrustline live` opens when it cannot start (its camera will not open, a model is
//! missing; from the desktop menu there is no terminal to print to): why, and the same checks as
//! `thrustline doctor`, each with what to do; "Check again" reruns them after a fix.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eframe::egui::{self, RichText};
use thrustline_engine::doctor::{self, Check, Status};

use crate::widgets::{self, ACCENT, DIM, FAULT, WARN};

struct DoctorApp {
    error: String,
    checks: Vec<Check>,
    screenshot: Option<PathBuf>,
    shot: widgets::ShotThenClose,
    /// Raised by the SIGINT/SIGTERM handler: the window closes (it had stayed up until a
    /// second SIGTERM, the handler having taken the first).
    stop: Arc<AtomicBool>,
}

/// How often the window looks at `stop` while nothing else repaints it.
const STOP_POLL: Duration = Duration::from_millis(200);

impl eframe::App for DoctorApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        egui::CentralPanel::default_margins().show(ui, |ui| {
            ui.heading(RichText::new("Live coaching could not start").color(FAULT).size(26.0));
            ui.label(RichText::new(&self.error).size(16.0));
            ui.add_space(12.0);
            ui.heading(RichText::new("What this computer has").color(ACCENT));
            egui::Grid::new("checks").num_columns(3).spacing([16.0, 8.0]).striped(true).show(ui, |ui| {
                for c in &self.checks {
                    let (tag, color) = match c.status {
                        Status::Ok => ("ok", ACCENT),
                        Status::Warn => ("warn", WARN),
                        Status::Fail => ("FAIL", FAULT),
                    };
                    ui.label(RichText::new(tag).color(color).strong().size(16.0));
                    ui.label(RichText::new(c.name).strong().size(16.0));
                    ui.vertical(|ui| {
                        ui.label(RichText::new(&c.detail).size(16.0));
                        if let Some(f) = &c.fix {
                            ui.label(RichText::new(format!("Fix: {f}")).color(color).size(15.0));
                        }
                    });
                    ui.end_row();
                }
            });
            ui.add_space(12.0);
            ui.label(
                RichText::new("Same checks in a terminal: thrustline doctor --live").color(DIM).size(15.0),
            );
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Check again").size(16.0)).clicked() {
                    self.checks = doctor::run_live();
                }
                if ui.button(RichText::new("Close").size(16.0)).clicked() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
        });
        self.shot.step(&ctx, self.screenshot.as_deref());
        if self.stop.load(Ordering::SeqCst) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ctx.request_repaint_after(STOP_POLL);
    }
}

/// Opens the setup-check window for a start that failed with `error`; returns when it closes.
pub fn run(error: String, screenshot: Option<PathBuf>, stop: Arc<AtomicBool>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Thrustline — setup check")
            .with_inner_size([1100.0, 640.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let checks = doctor::run_live();
    crate::run_window(
        "thrustline-doctor",
        options,
        Box::new(move |cc| {
            widgets::apply_theme(&cc.egui_ctx);
            Ok(Box::new(DoctorApp {
                error,
                checks,
                screenshot,
                shot: widgets::ShotThenClose::default(),
                stop,
            }))
        }),
    )
}
