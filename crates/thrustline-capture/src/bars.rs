//! Black bars around a video's picture: a landscape clip reposted as a portrait one (or the
//! other way round) carries its picture between bars of flat black. The lifter is judged
//! against the picture, not the bars: a foot at the picture's edge is at the edge, and the
//! bars are not a dark room.

use opencv::core::{Mat, Rect};
use opencv::imgproc;
use opencv::prelude::*;

use crate::CaptureError;

/// A row or column whose brightest pixel is at most this luma (0–255) is bar, not picture.
/// Bars decode to 0–3 (video black, 16, in RGB); a picture's darkest rows still hold some
/// pixel above this (noise, texture), and a codec's ringing along the bar's edge only widens
/// the picture found by a row or two.
const BAR_MAX_LUMA: f64 = 24.0;
/// A bar narrower than this share of the frame is a codec's edge or a dark border, not a bar.
const MIN_BAR_SHARE: f32 = 0.02;
/// The two bars of a pair (top and bottom, left and right) differ by at most this share of the
/// frame, plus [`EDGE_PX`]: letterboxing centres the picture, a dark floor or wall does not.
const BAR_SYMMETRY_SHARE: f32 = 0.02;
/// Pixels a bar's edge may move between frames or from its partner (the codec's ringing).
const EDGE_PX: u32 = 4;
/// The picture between a pair of bars spans at least this share of the frame across them (a
/// 21:9 film in a 9:16 frame: 0.24).
const MIN_PICTURE_SHARE: f32 = 0.2;

/// The picture inside the frame, in the frame's pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Content {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Content {
    pub(crate) fn rect(&self) -> Rect {
        Rect::new(self.x as i32, self.y as i32, self.width as i32, self.height as i32)
    }

    /// Whether `inner` lies within this picture (to a codec's ringing, [`EDGE_PX`]).
    pub fn holds(&self, inner: &Content) -> bool {
        inner.x + EDGE_PX >= self.x
            && inner.y + EDGE_PX >= self.y
            && inner.x + inner.width <= self.x + self.width + EDGE_PX
            && inner.y + inner.height <= self.y + self.height + EDGE_PX
    }
}

/// The rows and columns of an RGB frame holding any pixel brighter than bar black; `None` for
/// a black frame (a fade, a cut to black).
pub(crate) fn content_box(rgb: &Mat) -> Result<Option<Content>, CaptureError> {
    let mut gray = Mat::default();
    imgproc::cvt_color_def(rgb, &mut gray, imgproc::COLOR_RGB2GRAY)?;
    let lit = |dim: i32| -> Result<Vec<bool>, CaptureError> {
        let mut m = Mat::default();
        opencv::core::reduce(&gray, &mut m, dim, opencv::core::REDUCE_MAX, -1)?;
        Ok(m.data_typed::<u8>()?.iter().map(|&p| f64::from(p) > BAR_MAX_LUMA).collect())
    };
    // dim 1: one value per row; dim 0: one per column.
    let (rows, cols) = (lit(1)?, lit(0)?);
    let span = |v: &[bool]| -> Option<(u32, u32)> {
        let first = v.iter().position(|&l| l)?;
        let last = v.iter().rposition(|&l| l)?;
        Some((first as u32, (last + 1 - first) as u32))
    };
    Ok(match (span(&rows), span(&cols)) {
        (Some((y, height)), Some((x, width))) => Some(Content { x, y, width, height }),
        _ => None,
    })
}

/// The picture inside letterbox or pillarbox bars, from the content boxes of a few frames of a
/// `width` × `height` video; `None` when the frames show no such bars. Bars must be flat black on
/// every frame, in a centred pair around a picture that spans the frame the other way: a dark
/// floor along one edge, a vignette or a title card's text is not taken for bars.
pub(crate) fn letterbox(width: u32, height: u32, boxes: &[Content]) -> Option<Content> {
    let first = *boxes.first()?;
    let near = |a: u32, b: u32| a.abs_diff(b) <= EDGE_PX;
    let agree = boxes.iter().all(|b| {
        near(b.x, first.x)
            && near(b.y, first.y)
            && near(b.x + b.width, first.x + first.width)
            && near(b.y + b.height, first.y + first.height)
    });
    if !agree {
        return None;
    }
    // Letterboxing leaves the picture edge to edge across the bars' axis: bars above and below
    // a picture as wide as the frame, or beside one as tall as it.
    let spans = |lo: u32, len: u32, full: u32| lo <= EDGE_PX && lo + len + EDGE_PX >= full;
    let (across_w, across_h) = (spans(first.x, first.width, width), spans(first.y, first.height, height));
    // A pair of bars: both wide enough and about equal (centred), around enough picture.
    let pair = |lo: u32, len: u32, full: u32| {
        let hi = full.saturating_sub(lo + len);
        let min = (MIN_BAR_SHARE * full as f32) as u32;
        let even = lo.abs_diff(hi) <= (BAR_SYMMETRY_SHARE * full as f32) as u32 + EDGE_PX;
        lo >= min && hi >= min && even && len as f32 >= MIN_PICTURE_SHARE * full as f32
    };
    match (across_w, across_h) {
        (true, false) if pair(first.y, first.height, height) => {
            Some(Content { x: 0, y: first.y, width, height: first.height })
        }
        (false, true) if pair(first.x, first.width, width) => {
            Some(Content { x: first.x, y: 0, width: first.width, height })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opencv::core::{Scalar, CV_8UC3};

    /// A `w` × `h` black frame with a textured picture (a ramp with some bright pixels in every
    /// row and column) in `pic`.
    fn frame(w: i32, h: i32, pic: Content) -> Mat {
        let mut m = Mat::new_rows_cols_with_default(h, w, CV_8UC3, Scalar::all(0.0)).unwrap();
        for y in pic.y..pic.y + pic.height {
            for x in pic.x..pic.x + pic.width {
                let v = (30 + (x * 7 + y * 13) % 200) as u8;
                *m.at_2d_mut::<opencv::core::Vec3b>(y as i32, x as i32).unwrap() = [v, v / 2, v].into();
            }
        }
        m
    }

    #[test]
    fn a_landscape_picture_in_a_portrait_frame_is_found() {
        let pic = Content { x: 0, y: 438, width: 720, height: 405 };
        let b = content_box(&frame(720, 1280, pic)).unwrap().unwrap();
        assert_eq!(b, pic);
        assert_eq!(letterbox(720, 1280, &[b, b, b]), Some(pic));
    }

    #[test]
    fn a_picture_of_any_shape_between_centred_bars_is_found() {
        // A 576×340 clip scaled to 720 wide in a 720×1280 frame (no usual aspect: 1.69).
        let pic = Content { x: 0, y: 427, width: 720, height: 425 };
        let b = content_box(&frame(720, 1280, pic)).unwrap().unwrap();
        assert_eq!(letterbox(720, 1280, &[b, b, b]), Some(pic));
    }

    #[test]
    fn a_portrait_picture_in_a_landscape_frame_is_found() {
        let pic = Content { x: 437, y: 0, width: 405, height: 720 };
        let b = content_box(&frame(1280, 720, pic)).unwrap().unwrap();
        assert_eq!(letterbox(1280, 720, &[b]), Some(pic));
    }

    #[test]
    fn a_full_frame_a_black_frame_or_a_dark_edge_is_no_letterbox() {
        let full = Content { x: 0, y: 0, width: 640, height: 480 };
        let b = content_box(&frame(640, 480, full)).unwrap().unwrap();
        assert_eq!(letterbox(640, 480, &[b]), None);
        let black = Mat::new_rows_cols_with_default(480, 640, CV_8UC3, Scalar::all(0.0)).unwrap();
        assert_eq!(content_box(&black).unwrap(), None);
        // A dark floor along the bottom only: not a centred pair.
        let floor = Content { x: 0, y: 0, width: 640, height: 400 };
        assert_eq!(letterbox(640, 480, &[floor]), None);
        // Centred, but not edge to edge (a title card's lines of text).
        let text = Content { x: 40, y: 160, width: 560, height: 160 };
        assert_eq!(letterbox(640, 480, &[text]), None);
        // Edge to edge, but too thin a band to be the picture.
        let line = Content { x: 0, y: 220, width: 640, height: 40 };
        assert_eq!(letterbox(640, 480, &[line]), None);
    }

    #[test]
    fn a_picture_holds_what_lies_inside_it_and_not_what_spills_into_its_bars() {
        let pic = Content { x: 0, y: 438, width: 720, height: 405 };
        assert!(pic.holds(&Content { x: 0, y: 436, width: 720, height: 409 }));
        assert!(!pic.holds(&Content { x: 0, y: 0, width: 720, height: 1280 }));
    }

    #[test]
    fn frames_that_disagree_are_no_letterbox() {
        let a = Content { x: 0, y: 438, width: 720, height: 405 };
        let b = Content { x: 0, y: 0, width: 720, height: 1280 };
        assert_eq!(letterbox(720, 1280, &[a, b]), None);
    }
}
