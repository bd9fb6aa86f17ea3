//! One frame through the pose stage, lite and full models: the tracking path (landmark model
//! on the previous frame's ROI) and the detection path (detector + landmark model, as on the
//! first frame or after tracking is lost). Frames: the bundled sample, decoded once up front.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use thrustline_capture::VideoSource;
use thrustline_pose::{ModelKind, PoseConfig, PoseTracker};

fn bench(c: &mut Criterion) {
    let sample =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/glute_bridge_bodyweight_1rep.mp4"));
    let mut src = VideoSource::open_file(sample).expect("bundled sample");
    let mut frames = Vec::new();
    while let Some(f) = src.next_frame().expect("decode") {
        frames.push(f);
    }
    let mut g = c.benchmark_group("pose_frame");
    g.sample_size(30);
    for model in [ModelKind::Lite, ModelKind::Full] {
        let cfg = PoseConfig { model, ..PoseConfig::default() };
        let mut tracker = PoseTracker::new(cfg).expect("models and ONNX Runtime (bash scripts/setup.sh)");
        let mut i = 0usize;
        g.bench_function(format!("{}_tracking", model.name()), |b| {
            b.iter(|| {
                let f = &frames[i % frames.len()];
                // Restart the clip's clock each loop so timestamps keep increasing.
                let t = (i as f64) * 33.333;
                i += 1;
                black_box(tracker.process(&f.rgb, t).expect("pose"))
            })
        });
        g.bench_function(format!("{}_detection", model.name()), |b| {
            b.iter(|| {
                let f = &frames[i % frames.len()];
                let t = (i as f64) * 33.333;
                i += 1;
                tracker.reset();
                black_box(tracker.process(&f.rgb, t).expect("pose"))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
