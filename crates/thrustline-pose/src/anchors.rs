//! SSD anchors, as MediaPipe's `SsdAnchorsCalculator` generates them for the pose detector.

/// One anchor: centre and size, normalized to the detector input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    pub x_center: f32,
    pub y_center: f32,
    pub w: f32,
    pub h: f32,
}

/// `SsdAnchorsCalculatorOptions` fields the pose detector uses (pose_detection_cpu.pbtxt).
#[derive(Clone, Debug)]
pub struct AnchorOptions {
    pub input_size: u32,
    pub min_scale: f32,
    pub max_scale: f32,
    pub anchor_offset: f32,
    pub strides: Vec<u32>,
    pub aspect_ratios: Vec<f32>,
    pub interpolated_scale_aspect_ratio: f32,
    pub fixed_anchor_size: bool,
}

impl AnchorOptions {
    /// The pose detector's configuration.
    pub fn pose_detection() -> Self {
        Self {
            input_size: 224,
            min_scale: 0.148_437_5,
            max_scale: 0.75,
            anchor_offset: 0.5,
            strides: vec![8, 16, 32, 32, 32],
            aspect_ratios: vec![1.0],
            interpolated_scale_aspect_ratio: 1.0,
            fixed_anchor_size: true,
        }
    }
}

fn scale(min: f32, max: f32, idx: usize, n: usize) -> f32 {
    if n == 1 {
        (min + max) * 0.5
    } else {
        min + (max - min) * idx as f32 / (n as f32 - 1.0)
    }
}

/// Generates anchors in MediaPipe's order: layers with the same stride are merged, then
/// rows, columns, and the anchors of each cell.
pub fn generate(o: &AnchorOptions) -> Vec<Anchor> {
    let n = o.strides.len();
    let mut anchors = Vec::new();
    let mut layer = 0;
    while layer < n {
        let mut ratios = Vec::new();
        let mut scales = Vec::new();
        let mut last = layer;
        while last < n && o.strides[last] == o.strides[layer] {
            let s = scale(o.min_scale, o.max_scale, last, n);
            for &r in &o.aspect_ratios {
                ratios.push(r);
                scales.push(s);
            }
            if o.interpolated_scale_aspect_ratio > 0.0 {
                let next = if last == n - 1 { 1.0 } else { scale(o.min_scale, o.max_scale, last + 1, n) };
                scales.push((s * next).sqrt());
                ratios.push(o.interpolated_scale_aspect_ratio);
            }
            last += 1;
        }
        let stride = o.strides[layer] as f32;
        let fm = (o.input_size as f32 / stride).ceil() as usize;
        for y in 0..fm {
            for x in 0..fm {
                for (&r, &s) in ratios.iter().zip(&scales) {
                    let (w, h) = if o.fixed_anchor_size { (1.0, 1.0) } else { (s * r.sqrt(), s / r.sqrt()) };
                    anchors.push(Anchor {
                        x_center: (x as f32 + o.anchor_offset) / fm as f32,
                        y_center: (y as f32 + o.anchor_offset) / fm as f32,
                        w,
                        h,
                    });
                }
            }
        }
        layer = last;
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pose_detector_has_2254_anchors_in_mediapipe_order() {
        let a = generate(&AnchorOptions::pose_detection());
        assert_eq!(a.len(), 2254);
        // Golden values: first cell of the stride-8 grid (two anchors), first of stride 16,
        // first and last of the merged stride-32 layers (six per cell).
        let c = |x: f32, y: f32| Anchor { x_center: x, y_center: y, w: 1.0, h: 1.0 };
        assert_eq!(a[0], c(0.5 / 28.0, 0.5 / 28.0));
        assert_eq!(a[1], c(0.5 / 28.0, 0.5 / 28.0));
        assert_eq!(a[2], c(1.5 / 28.0, 0.5 / 28.0));
        assert_eq!(a[28 * 28 * 2 - 1], c(27.5 / 28.0, 27.5 / 28.0));
        assert_eq!(a[1568], c(0.5 / 14.0, 0.5 / 14.0));
        assert_eq!(a[1568 + 14 * 14 * 2], c(0.5 / 7.0, 0.5 / 7.0));
        assert_eq!(a[1568 + 392 + 5], c(0.5 / 7.0, 0.5 / 7.0));
        assert_eq!(a[1568 + 392 + 6], c(1.5 / 7.0, 0.5 / 7.0));
        assert_eq!(a[2253], c(6.5 / 7.0, 6.5 / 7.0));
        let sum: f64 = a.iter().map(|a| f64::from(a.x_center) + 2.0 * f64::from(a.y_center)).sum();
        assert!((sum - 3381.0).abs() < 1e-3, "{sum}");
    }
}
