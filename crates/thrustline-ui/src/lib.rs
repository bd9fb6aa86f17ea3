//! Thrustline's windows, on eframe/egui: the live coach and the review player. Only this crate
//! and the binary depend on the GUI.

pub mod doctor;
pub mod live;
pub mod progress;
pub mod review;
pub mod widgets;

/// Whether a window can open here: X11 or Wayland must be named in the environment.
pub fn has_display() -> bool {
    // Set but empty (`DISPLAY= thrustline review …`) is no display either.
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}
