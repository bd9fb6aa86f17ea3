//! One frame through the pose stage, lite and full models: the tracking path (landmark model
//! on the previous frame's ROI) and the detection path (detector + landmark model, as on the
//! first frame or after tracking is lost). Frames: the bundled sample, decoded once up front.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use thrustline_capture::VideoSource;
use thrustline_pose::{ModelKind, PoseConfig, PoseTracker};

fn bench(c: &mut Criterion) {
    let sample = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/glute_bridge_bodyweight_1rep.mp4"
    ));
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

/// `thrustline pose` on the bundled sample as a user runs it: process start, model load,
/// decode and pose for all 91 frames, JSON written. Needs `cargo build --release` first.
fn pose_command(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let bin = std::path::Path::new(root).join("target/release/thrustline");
    if !bin.is_file() {
        eprintln!("SKIP pose_command: build the binary first (cargo build --release)");
        return;
    }
    let sample = format!("{root}/assets/glute_bridge_bodyweight_1rep.mp4");
    let out = std::env::temp_dir().join("thrustline-bench-pose.json");
    let mut g = c.benchmark_group("pose_command");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(91));
    g.bench_function("full_91_frames", |b| {
        b.iter(|| {
            let o = std::process::Command::new(&bin)
                .args(["pose", &sample, "-o", out.to_str().unwrap_or("/tmp/p.json")])
                .output()
                .expect("run thrustline");
            assert!(o.status.success());
        })
    });
    g.finish();
}

criterion_group!(benches, bench, pose_command);
criterion_main!(benches);
