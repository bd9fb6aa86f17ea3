//! The segmentation mask on real frames (the bundled sample): the person's torso is inside
//! it, the frame's corners are not, and the core measures the back on it.

mod common;

use thrustline_core::landmarks::idx;
use thrustline_core::{FrameGeometry, Side};
use thrustline_pose::{PoseConfig, PoseTracker};

#[test]
fn mask_covers_the_torso_and_not_the_corners() {
    let Some(root) = common::root() else { return };
    let cfg = PoseConfig { models_dir: root.join("models"), threads: 1, ..PoseConfig::default() };
    let mut t = PoseTracker::new(cfg).unwrap();
    let mut checked = 0;
    let mut i = 0;
    for rgb in common::sample_frames(&root) {
        let p = t.process(&rgb, i as f64 * 33.3).unwrap();
        i += 1;
        if i % 15 != 0 {
            continue;
        }
        let p = p.expect("pose on the sample");
        let m = t.mask(&rgb, &p.roi).unwrap().expect("mask");
        let view = m.view();
        let (w, h) = (rgb.width() as f32, rgb.height() as f32);
        let at = |x: f32, y: f32| {
            let a = &view.frame_to_mask;
            let (u, v) = (a[0] * x + a[1] * y + a[2], a[3] * x + a[4] * y + a[5]);
            if u < 0.0 || v < 0.0 || u >= m.side as f32 || v >= m.side as f32 {
                0.0
            } else {
                m.prob[v as usize * m.side + u as usize]
            }
        };
        // Midpoint of shoulder and hip: inside the torso whatever the pose.
        let (s, hp) = (p.landmarks[idx::LEFT_SHOULDER], p.landmarks[idx::LEFT_HIP]);
        let mid = at((s.x + hp.x) / 2.0 * w, (s.y + hp.y) / 2.0 * h);
        assert!(mid > 0.5, "frame {i}: torso probability {mid}");
        for (x, y) in [(2.0, 2.0), (w - 3.0, 2.0)] {
            assert!(at(x, y) < 0.5, "frame {i}: corner ({x}, {y}) inside the mask");
        }
        let g = FrameGeometry { width: w as u32, height: h as u32 };
        let c = thrustline_core::mask::back_curvature(&p.landmarks, g, Side::Left, &view, 0.5);
        assert!(c.is_some_and(|c| c.value.abs() < 0.5), "frame {i}: {c:?}");
        checked += 1;
    }
    assert!(checked >= 5);
}
