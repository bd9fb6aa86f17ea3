//! Thrustline's windows, on eframe/egui: the live coach and the review player. Only this crate
//! and the binary depend on the GUI.

pub mod doctor;
pub mod live;
pub mod progress;
pub mod review;
pub mod widgets;

/// Whether a window can open here: X11 or Wayland must be named in the environment.
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
