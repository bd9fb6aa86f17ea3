//! The overlay drawn on video frames (annotated MP4, report key frames): skeleton with the
//! working side highlighted, hip angle, rep counter, phase and the active fault's cue.

use opencv::core::{Mat, Point, Rect, Scalar};
use opencv::imgproc::{self, FONT_HERSHEY_DUPLEX, LINE_AA};
use opencv::prelude::*;
use thrustline_core::landmarks::idx;
use thrustline_core::{CameraView, FrameAnalysis, Landmark, Phase, Side, CONNECTIONS};

use crate::ReportError;

/// BGR colours.
const ACCENT: (f64, f64, f64) = (80.0, 220.0, 120.0);
const DIM: (f64, f64, f64) = (200.0, 200.0, 200.0);
const FAULT: (f64, f64, f64) = (60.0, 60.0, 230.0);
const PANEL: (f64, f64, f64) = (30.0, 30.0, 30.0);
const WHITE: (f64, f64, f64) = (255.0, 255.0, 255.0);
const BLACK: (f64, f64, f64) = (0.0, 0.0, 0.0);
/// Amber (BGR), the live window's notice colour.
const WARN: (f64, f64, f64) = (60.0, 180.0, 240.0);
/// Landmarks under this visibility are not drawn (MediaPipe's drawing utilities use 0.5).
pub const DRAW_MIN_VISIBILITY: f32 = 0.5;
/// How long a fault's cue stays up after it is raised: time for a lifter on the bench to look
/// over and read a short cue (live window and annotated video alike).
pub const BANNER_S: f64 = 3.0;

/// The fault banner: the latest cue, until `BANNER_S` after it was raised (stream time, s).
#[derive(Clone, Debug, Default)]
pub struct Banner {
    shown: Option<(String, f64)>,
}

impl Banner {
    pub fn show(&mut self, cue: &str, t_s: f64) {
        self.shown = Some((cue.to_string(), t_s + BANNER_S));
    }

    /// Takes the banner down (the next rep reached its top: the cue would read as its own).
    pub fn clear(&mut self) {
        self.shown = None;
    }

    /// The cue up at `t_s`, if any.
    pub fn at(&mut self, t_s: f64) -> Option<&str> {
        if self.shown.as_ref().is_some_and(|b| t_s > b.1) {
            self.shown = None;
        }
        self.shown.as_ref().map(|b| b.0.as_str())
    }
}

fn c(rgb: (f64, f64, f64)) -> Scalar {
    Scalar::new(rgb.0, rgb.1, rgb.2, 0.0)
}

/// Where a [`wrapped_box`] sits: its top edge, or its bottom edge, in pixels.
enum Anchor {
    Top(i32),
    Bottom(i32),
}

/// `s` in a full-width box, wrapped to the frame's width; `colors` are the fill and the ink.
fn wrapped_box(
    img: &mut Mat,
    s: &str,
    at: Anchor,
    (fill, ink): (Scalar, Scalar),
    unit: f64,
    lw: i32,
) -> Result<(), ReportError> {
    let w = img.cols();
    let scale = 0.6 * unit;
    let pad = (8.0 * unit) as i32;
    let mut lines: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        let candidate = match lines.last() {
            Some(l) => format!("{l} {word}"),
            None => word.to_string(),
        };
        if lines.is_empty() || text_size(&candidate, scale, lw)?.0 > w - 4 * pad {
            lines.push(word.to_string());
        } else if let Some(l) = lines.last_mut() {
            *l = candidate;
        }
    }
    let (_, lh) = text_size("Ag", scale, lw)?;
    let box_h = lines.len() as i32 * (lh + pad / 2) + pad;
    let top = match at {
        Anchor::Top(y) => y,
        Anchor::Bottom(y) => y - box_h,
    };
    imgproc::rectangle(img, Rect::new(0, top, w, box_h), fill, -1, LINE_AA, 0)?;
    for (i, l) in lines.iter().enumerate() {
        let y = top + (i as i32 + 1) * (lh + pad / 2);
        text(img, l, Point::new(2 * pad, y), scale, ink, lw)?;
    }
    Ok(())
}

/// MediaPipe's left landmarks (drawn in the working side's colour when it is the left).
pub fn left_side(i: usize) -> bool {
    // MediaPipe's odd indices (from 1) are left landmarks.
    i > 0 && !i.is_multiple_of(2)
}

/// What to show besides the skeleton.
pub struct Hud<'a> {
    pub analysis: Option<&'a FrameAnalysis>,
    /// The cue of the fault raised most recently, while its banner is up.
    pub banner: Option<&'a str>,
    /// What the camera's setup needs fixed, while it does.
    pub setup: Option<&'a str>,
}

fn text(img: &mut Mat, s: &str, at: Point, scale: f64, color: Scalar, thick: i32) -> Result<(), ReportError> {
    imgproc::put_text(img, s, at, FONT_HERSHEY_DUPLEX, scale, color, thick, LINE_AA, false)?;
    Ok(())
}

fn text_size(s: &str, scale: f64, thick: i32) -> Result<(i32, i32), ReportError> {
    let mut base = 0;
    let sz = imgproc::get_text_size(s, FONT_HERSHEY_DUPLEX, scale, thick, &mut base)?;
    Ok((sz.width, sz.height + base))
}

/// Draws the skeleton and HUD onto a BGR frame in place.
pub fn overlay(img: &mut Mat, lm: Option<&[Landmark; 33]>, hud: &Hud) -> Result<(), ReportError> {
    let (w, h) = (img.cols(), img.rows());
    let unit = f64::from(h.min(w)) / 480.0;
    let lw = ((2.0 * unit).round() as i32).max(1);
    let side = hud.analysis.and_then(|a| a.metrics).map(|m| m.side);
    let working = |i: usize| match side {
        Some(Side::Both) => true,
        Some(Side::Left) => left_side(i),
        Some(Side::Right) => i > 0 && i.is_multiple_of(2),
        None => false,
    };
    if let Some(lm) = lm {
        let p = |i: usize| Point::new((lm[i].x * w as f32) as i32, (lm[i].y * h as f32) as i32);
        for &(a, b) in CONNECTIONS.iter() {
            if lm[a].visibility < DRAW_MIN_VISIBILITY || lm[b].visibility < DRAW_MIN_VISIBILITY {
                continue;
            }
            let hot = working(a) && working(b);
            let (col, t) = if hot { (c(ACCENT), lw * 2) } else { (c(DIM), lw) };
            imgproc::line(img, p(a), p(b), col, t, LINE_AA, 0)?;
        }
        for (i, l) in lm.iter().enumerate().skip(11) {
            if l.visibility >= DRAW_MIN_VISIBILITY {
                let r = if working(i) { lw * 3 } else { lw * 2 };
                imgproc::circle(img, p(i), r, c(WHITE), -1, LINE_AA, 0)?;
            }
        }
        // Hip angle next to the working hip.
        if let Some(m) = hud.analysis.and_then(|a| a.metrics) {
            if let Some(hip) = m.hip_angle {
                let i = if m.side == Side::Right { idx::RIGHT_HIP } else { idx::LEFT_HIP };
                // Off the side it is the view's estimate, as the report's "≈" says ("~": the
                // overlay's Hershey font has ASCII only).
                let side = hud.analysis.is_some_and(|a| a.view.is_none_or(|v| v == CameraView::Side));
                let s = format!("{}{:.0} deg", if side { "" } else { "~" }, hip.value);
                let at = p(i) + Point::new((10.0 * unit) as i32, (-10.0 * unit) as i32);
                // On a dark box, as the windows draw it: the bones and joints it sits over had
                // crossed the bare text.
                let (tw, th) = text_size(&s, 0.7 * unit, lw)?;
                let pad = (4.0 * unit) as i32;
                let r = Rect::new(at.x - pad, at.y - th - pad / 2, tw + 2 * pad, th + 2 * pad);
                imgproc::rectangle(img, r, c(PANEL), -1, LINE_AA, 0)?;
                text(img, &s, at, 0.7 * unit, c(ACCENT), lw)?;
            }
        }
    }
    // Rep counter and phase, top left.
    let mut below_counter = (8.0 * unit) as i32;
    if let Some(a) = hud.analysis {
        let reps = format!("REPS {}", a.reps);
        let (tw, th) = text_size(&reps, 1.2 * unit, lw + 1)?;
        // A top that was not counted is not a green "lockout" (a look-alike's whole set read so).
        let (phase, ink) =
            if a.top_refused { ("not counted", WARN) } else { (Phase::label(a.phase), ACCENT) };
        let (pw, ph) = text_size(phase, 0.7 * unit, lw)?;
        let pad = (8.0 * unit) as i32;
        let box_w = tw.max(pw) + 2 * pad;
        let box_h = th + ph + 3 * pad;
        imgproc::rectangle(img, Rect::new(pad, pad, box_w, box_h), c(PANEL), -1, LINE_AA, 0)?;
        below_counter = 2 * pad + box_h;
        text(img, &reps, Point::new(2 * pad, pad + th + pad / 2), 1.2 * unit, c(WHITE), lw + 1)?;
        text(img, phase, Point::new(2 * pad, pad + th + ph + 2 * pad), 0.7 * unit, c(ink), lw)?;
    }
    // The setup's issue under the counter, the fault's cue at the bottom, each wrapped to the
    // frame's width.
    let pad = (8.0 * unit) as i32;
    if let Some(issue) = hud.setup {
        wrapped_box(img, issue, Anchor::Top(below_counter), (c(WARN), c(BLACK)), unit, lw)?;
    }
    if let Some(cue) = hud.banner {
        wrapped_box(img, cue, Anchor::Bottom(h - pad), (c(FAULT), c(WHITE)), unit, lw)?;
    }
    Ok(())
}
