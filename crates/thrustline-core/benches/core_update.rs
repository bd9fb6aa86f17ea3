//! The kinematics core's whole per-frame update (metrics, view, phase machine, fault
//! bookkeeping). Input: MediaPipe's landmarks for the 6-rep dumbbell clip from
//! ../shared/reference, looped with increasing timestamps so the analyzer sees hundreds of reps
//! in steady state; once as they are (image landmarks only, like the reference files) and once
//! with world landmarks derived from them (the pose stage gives both: the view axis, the 3D
//! angles and the body-frame roll then run every frame). Prints the CPU it ran on.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use thrustline_core::{Analyzer, FrameGeometry, Landmark, PoseObservation, Thresholds};

fn load() -> (FrameGeometry, Vec<Option<PoseObservation>>, f64) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/glute_bridge_dumbbell_6reps.mediapipe.json"
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

/// The machine, for the figure's context (the README states it beside the number): the model
/// name, and its family and model numbers, which tell apart the generations a hypervisor shows
/// under one name (as `benches/machine.py` prints it).
fn cpu() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    // The first processor's block.
    let field = |key: &str| {
        info.lines()
            .take_while(|l| !l.trim().is_empty())
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == key))
            .map(|l| l.split_once(':').map_or("", |(_, v)| v).trim().to_string())
    };
    let mut model = field("model name").unwrap_or_else(|| "unknown CPU".into());
    if let (Some(family), Some(number)) = (field("cpu family"), field("model")) {
        model.push_str(&format!(" (family {family}, model {number})"));
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}

/// World landmarks standing in for the pose stage's: the image landmarks in metres about the
/// hips (a 1.7 m frame), depth from their own z.
fn with_world(p: &PoseObservation) -> PoseObservation {
    let mut w = p.landmarks;
    let (hx, hy) = (0.5 * (w[23].x + w[24].x), 0.5 * (w[23].y + w[24].y));
    for l in w.iter_mut() {
        *l = Landmark { x: (l.x - hx) * 1.7, y: (l.y - hy) * 1.7, z: l.z * 1.7, visibility: l.visibility };
    }
    PoseObservation { landmarks: p.landmarks, world: Some(w) }
}

fn run(c: &mut Criterion, name: &str, g: FrameGeometry, frames: &[Option<PoseObservation>], dt: f64) {
    let mut a = Analyzer::new(Thresholds::default(), g);
    let (mut i, mut t) = (0usize, 0.0f64);
    // Warm up through a few loops so buffers reach their steady-state capacity.
    for _ in 0..frames.len() * 3 {
        a.update(t, frames[i % frames.len()].as_ref());
        i += 1;
        t += dt;
    }
    c.bench_function(name, |b| {
        b.iter(|| {
            let f = frames[i % frames.len()].as_ref();
            let r = a.update(t, black_box(f));
            i += 1;
            t += dt;
            black_box(r.phase)
        })
    });
}

fn bench(c: &mut Criterion) {
    eprintln!("machine: {}", cpu());
    let (g, frames, dt) = load();
    run(c, "core_update_per_frame", g, &frames, dt);
    let world: Vec<Option<PoseObservation>> = frames.iter().map(|f| f.as_ref().map(with_world)).collect();
    run(c, "core_update_per_frame_world", g, &world, dt);
}

criterion_group!(benches, bench);
criterion_main!(benches);
