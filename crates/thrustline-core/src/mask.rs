//! The back's curvature from a segmentation mask: how far the dorsal contour between ribcage
//! and pelvis bows in from the shoulder–hip chord, at the top of a rep (lumbar overarch seen
//! in the body's outline, where the landmarks only give the chord).

use crate::landmarks::{idx, FrameGeometry, Landmark};
use crate::metrics::{Metric, Side};

/// A person-probability mask and where it sits in the frame.
#[derive(Clone, Debug)]
pub struct SegmentationMask<'a> {
    pub width: usize,
    pub height: usize,
    /// Row-major probabilities in 0..1.
    pub prob: &'a [f32],
    /// Frame pixel (x, y) → mask pixel: `[a, b, c, d, e, f]` with u = a·x + b·y + c,
    /// v = d·x + e·y + f.
    pub frame_to_mask: [f32; 6],
}

/// The person's outline: probability ≥ this (MediaPipe's drawing utilities threshold 0.5).
const INSIDE: f32 = 0.5;
/// Part of the chord sampled, from the shoulder: the ribcage-to-pelvis span (the ends meet the
/// shoulder blades and the glutes, whose outline is not the spine's).
const SPAN: (f32, f32) = (0.25, 0.85);
/// Samples along the span.
const SAMPLES: usize = 13;
/// Samples that must find the contour for a value.
const MIN_SAMPLES: usize = 9;
/// The search for the contour stops this far from the chord (torso thickness is under half
/// the shoulder–hip distance).
const MAX_DEPTH: f32 = 0.6;

impl SegmentationMask<'_> {
    fn at(&self, x: f32, y: f32) -> f32 {
        let t = &self.frame_to_mask;
        let (u, v) = (t[0] * x + t[1] * y + t[2], t[3] * x + t[4] * y + t[5]);
        if u < 0.0 || v < 0.0 || u >= self.width as f32 || v >= self.height as f32 {
            return 0.0;
        }
        self.prob[v as usize * self.width + u as usize]
    }
}

/// Inward bow of the back's outline relative to a straight line, over the shoulder–hip
/// distance: 0 for a flat back, positive when the lower back arches away from the floor.
/// The back is taken to face down the image (lying on a bench or the floor).
pub fn back_curvature(
    lm: &[Landmark],
    g: FrameGeometry,
    side: Side,
    mask: &SegmentationMask,
    min_vis: f32,
) -> Option<Metric> {
    let (sh, hp) = match side {
        Side::Right => (idx::RIGHT_SHOULDER, idx::RIGHT_HIP),
        _ => (idx::LEFT_SHOULDER, idx::LEFT_HIP),
    };
    let conf = lm[sh].visibility.min(lm[hp].visibility);
    if conf < min_vis {
        return None;
    }
    let (w, h) = (g.width as f32, g.height as f32);
    let (sx, sy, hx, hy) = (lm[sh].x * w, lm[sh].y * h, lm[hp].x * w, lm[hp].y * h);
    let len = (hx - sx).hypot(hy - sy);
    if len < 10.0 {
        return None;
    }
    // Unit normal pointing down the image: towards the floor the back lies on.
    let (mut nx, mut ny) = (-(hy - sy) / len, (hx - sx) / len);
    if ny < 0.0 {
        nx = -nx;
        ny = -ny;
    }
    let mut depth: Vec<(f32, f32)> = Vec::with_capacity(SAMPLES);
    for k in 0..SAMPLES {
        let t = SPAN.0 + (SPAN.1 - SPAN.0) * k as f32 / (SAMPLES - 1) as f32;
        let (px, py) = (sx + t * (hx - sx), sy + t * (hy - sy));
        if mask.at(px, py) < INSIDE {
            continue;
        }
        let mut d = 0.0;
        let mut found = false;
        while d < MAX_DEPTH * len {
            d += 1.0;
            if mask.at(px + nx * d, py + ny * d) < INSIDE {
                found = true;
                break;
            }
        }
        if found {
            depth.push((t, d));
        }
    }
    if depth.len() < MIN_SAMPLES {
        return None;
    }
    // Straight line through the outline's ends; the bow is the deepest pull towards the chord.
    let (a, b) = (depth[0], depth[depth.len() - 1]);
    let bow = depth
        .iter()
        .map(|&(t, d)| a.1 + (b.1 - a.1) * (t - a.0) / (b.0 - a.0).max(1e-6) - d)
        .fold(f32::MIN, f32::max);
    Some(Metric::seen(bow / len, conf))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lying torso: shoulder (100, 200), hip (300, 200); the back's outline at y = 200 +
    /// `thick` minus an inward bow of `bow` px at the middle.
    fn torso(bow: f32) -> (Vec<Landmark>, Vec<f32>) {
        let mut lm = vec![Landmark { x: 0.0, y: 0.0, z: 0.0, visibility: 0.99 }; 33];
        lm[idx::LEFT_SHOULDER] = Landmark { x: 100.0 / 400.0, y: 200.0 / 400.0, z: 0.0, visibility: 0.99 };
        lm[idx::LEFT_HIP] = Landmark { x: 300.0 / 400.0, y: 200.0 / 400.0, z: 0.0, visibility: 0.99 };
        let mut prob = vec![0.0f32; 400 * 400];
        for x in 60..340 {
            let t = (x as f32 - 100.0) / 200.0;
            // A parabola: 0 at the span's ends, `bow` at its middle.
            let inward = bow * (1.0 - ((t - 0.55) / 0.3).powi(2)).max(0.0);
            let bottom = 240.0 - inward;
            for y in 160..(bottom as usize) {
                prob[y * 400 + x] = 1.0;
            }
        }
        (lm, prob)
    }

    #[test]
    fn a_flat_back_is_zero_and_an_arch_is_its_depth() {
        let g = FrameGeometry { width: 400, height: 400 };
        for bow in [0.0f32, 10.0, 20.0] {
            let (lm, prob) = torso(bow);
            let mask = SegmentationMask {
                width: 400,
                height: 400,
                prob: &prob,
                frame_to_mask: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            };
            let c = back_curvature(&lm, g, Side::Left, &mask, 0.5).unwrap();
            // Measured in whole pixels along the normal: within 1.5 px of the bow, over 200 px.
            assert!((c.value - bow / 200.0).abs() < 1.5 / 200.0, "bow {bow}: {}", c.value);
        }
    }

    #[test]
    fn no_body_under_the_chord_is_no_value() {
        let g = FrameGeometry { width: 400, height: 400 };
        let (lm, _) = torso(0.0);
        let empty = vec![0.0f32; 400 * 400];
        let mask = SegmentationMask {
            width: 400,
            height: 400,
            prob: &empty,
            frame_to_mask: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        };
        assert!(back_curvature(&lm, g, Side::Left, &mask, 0.5).is_none());
    }
}
