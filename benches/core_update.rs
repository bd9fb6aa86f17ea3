//! The kinematics core's whole per-frame update (metrics, phase machine, fault bookkeeping).
//! Input: MediaPipe's landmarks for the 6-rep dumbbell clip from ../shared/reference, looped
//! with increasing timestamps so the analyzer sees hundreds of reps in steady state.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use thrustline_core::{Analyzer, FrameGeometry, Landmark, PoseObservation, Thresholds};

fn load() -> (FrameGeometry, Vec<Option<PoseObservation>>, f64) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/glute_bridge_dumbbell_6reps.mediapipe.json"
    );
    let text = std::fs::read_to_string(path).expect("../shared/reference beside the checkout");
    let v: serde_json::Value = serde_json::from_str(&text).expect("reference JSON");
    let g = FrameGeometry {
        width: v["width"].as_u64().unwrap_or(0) as u32,
        height: v["height"].as_u64().unwrap_or(0) as u32,
    };
    let frames: Vec<Option<PoseObservation>> = v["frames"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    f["lm"].as_array().map(|lm| {
                        let mut arr = [Landmark::default(); 33];
                        for (d, p) in arr.iter_mut().zip(lm) {
                            let c = |i: usize| p[i].as_f64().unwrap_or(0.0) as f32;
                            *d = Landmark { x: c(0), y: c(1), z: c(2), visibility: c(3) };
                        }
                        PoseObservation::new(arr)
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let dt = 1000.0 / v["fps"].as_f64().unwrap_or(30.0);
    (g, frames, dt)
}

fn bench(c: &mut Criterion) {
    let (g, frames, dt) = load();
    let mut a = Analyzer::new(Thresholds::default(), g);
    let (mut i, mut t) = (0usize, 0.0f64);
    // Warm up through a few loops so buffers reach their steady-state capacity.
    for _ in 0..frames.len() * 3 {
        a.update(t, frames[i % frames.len()].as_ref());
        i += 1;
        t += dt;
    }
    c.bench_function("core_update_per_frame", |b| {
        b.iter(|| {
            let f = frames[i % frames.len()].as_ref();
            let r = a.update(t, black_box(f));
            i += 1;
            t += dt;
            black_box(r.phase)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
