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

/// Runs a window until it closes. A panic inside the windowing library (winit's X11 code
/// panics when the window is destroyed from outside, `xdotool windowclose`) is an error here,
/// after the app was dropped, its session saved: one line and a non-zero exit, not a backtrace.
pub(crate) fn run_window(
    name: &str,
    options: eframe::NativeOptions,
    app: eframe::AppCreator<'_>,
) -> Result<(), String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| eframe::run_native(name, options, app))) {
        Ok(r) => r.map_err(|e| format!("cannot open the window: {e}")),
        Err(p) => {
            let why = p
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("no reason given");
            Err(format!("the window closed unexpectedly ({why})"))
        }
    }
}
