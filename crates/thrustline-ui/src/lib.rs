//! Thrustline's windows, on eframe/egui: the live coach and the review player. Only this crate
//! and the binary depend on the GUI.

pub mod live;
pub mod progress;
pub mod review;
pub mod widgets;
