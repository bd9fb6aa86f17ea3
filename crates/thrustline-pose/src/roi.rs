//! Regions of interest: MediaPipe's `NormalizedRect`, built from two alignment points
//! (`AlignmentPointsRectsCalculator`) and expanded (`RectTransformationCalculator`).

use std::f32::consts::PI;

/// A rotated rectangle, centre and size normalized to the frame, rotation in radians.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NormRect {
    pub x_center: f32,
    pub y_center: f32,
    pub width: f32,
    pub height: f32,
    pub rotation: f32,
}

/// `r` scaled by `1 + nudge` and turned by `nudge` radians (see `PoseConfig::nudge_roi`).
pub fn nudged(r: NormRect, nudge: f32) -> NormRect {
    if nudge == 0.0 {
        return r;
    }
    NormRect {
        width: r.width * (1.0 + nudge),
        height: r.height * (1.0 + nudge),
        rotation: r.rotation + nudge,
        ..r
    }
}

/// Margin the landmark model was trained with around the alignment-point box
/// (pose_detection_to_roi.pbtxt and pose_landmarks_to_roi.pbtxt: scale 1.25, square_long).
pub const ROI_SCALE: f32 = 1.25;
/// The alignment vector (hip centre → scale point) is rotated to point up.
const TARGET_ANGLE: f32 = PI / 2.0;

fn normalize_radians(a: f32) -> f32 {
    a - 2.0 * PI * ((a + PI) / (2.0 * PI)).floor()
}

/// Rect centred on `center`, side twice its distance to `scale_point`, rotated so that the
/// vector between them points up; then squared on the long side and scaled by [`ROI_SCALE`].
/// Points are normalized; `w`, `h` the frame size in pixels.
pub fn from_alignment_points(center: (f32, f32), scale_point: (f32, f32), w: u32, h: u32) -> NormRect {
    let (w, h) = (w as f32, h as f32);
    let (x0, y0) = (center.0 * w, center.1 * h);
    let (x1, y1) = (scale_point.0 * w, scale_point.1 * h);
    let size = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt() * 2.0;
    let rotation = normalize_radians(TARGET_ANGLE - (-(y1 - y0)).atan2(x1 - x0));
    // RectTransformation's square_long on the normalized rect, float for float as MediaPipe
    // computes it (the tracking loop amplifies even last-bit differences).
    let long = (size / w * w).max(size / h * h);
    NormRect {
        x_center: x0 / w,
        y_center: y0 / h,
        width: long / w * ROI_SCALE,
        height: long / h * ROI_SCALE,
        rotation,
    }
}

impl NormRect {
    /// Maps a point normalized to the rect (0..1 across its width and height) to the frame.
    pub fn project(&self, x: f32, y: f32) -> (f32, f32) {
        let (s, c) = self.rotation.sin_cos();
        let (x, y) = (x - 0.5, y - 0.5);
        ((c * x - s * y) * self.width + self.x_center, (s * x + c * y) * self.height + self.y_center)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upright_body_has_no_rotation_and_square_size() {
        // Scale point straight above the hip centre in a 200x100 frame.
        let r = from_alignment_points((0.5, 0.6), (0.5, 0.2), 200, 100);
        assert!(r.rotation.abs() < 1e-6);
        // |kp1-kp0| = 40 px, box 80 px, ×1.25 = 100 px.
        assert!((r.width * 200.0 - 100.0).abs() < 1e-3);
        assert!((r.height * 100.0 - 100.0).abs() < 1e-3);
    }

    #[test]
    fn lying_body_is_rotated_a_quarter_turn() {
        // Scale point to the right of the centre: the body lies horizontally.
        let r = from_alignment_points((0.5, 0.5), (0.8, 0.5), 100, 100);
        assert!((r.rotation - PI / 2.0).abs() < 1e-6);
        // The rect's top (y = 0) maps towards the scale point.
        let (x, y) = r.project(0.5, 0.0);
        assert!(x > 0.5 && (y - 0.5).abs() < 1e-6, "{x} {y}");
    }
}
