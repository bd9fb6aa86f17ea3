//! Under another process's load the landmark model also runs on one thread, and the landmarks
//! stay those of the pool (the bundled sample, real frames).

mod common;

use thrustline_pose::{PoseConfig, PoseTracker, RgbImage};

/// Passes over the sample a loaded run may take before its one-thread session is in use: the
/// load is read over the models' loading, or from the first frames if that was too short.
const MAX_PASSES: usize = 3;

/// Every frame's landmarks as bits, for an exact comparison.
fn run(t: &mut PoseTracker, frames: &[RgbImage]) -> Vec<Option<Vec<u32>>> {
    t.start_over();
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            t.process(f, i as f64 * 33.3).unwrap().map(|p| {
                p.landmarks.iter().flat_map(|l| [l.x.to_bits(), l.y.to_bits(), l.z.to_bits()]).collect()
            })
        })
        .collect()
}

#[test]
fn another_process_s_load_brings_the_one_thread_session_with_the_same_landmarks() {
    let Some(root) = common::root() else { return };
    if !std::path::Path::new("/proc/stat").exists() {
        eprintln!("SKIP: no /proc/stat to read the load from");
        return;
    }
    let frames = common::sample_frames(&root);
    assert!(frames.len() > 50, "{} frames", frames.len());
    let cfg = |threads| PoseConfig { models_dir: root.join("models"), threads, ..PoseConfig::default() };

    // Another process spinning on a core through the models' loading and the frames.
    let mut spin = std::process::Command::new("sh").args(["-c", "while :; do :; done"]).spawn().unwrap();
    let mut loaded = PoseTracker::new(cfg(2)).unwrap();
    let mut seen = Vec::new();
    for _ in 0..MAX_PASSES {
        seen = run(&mut loaded, &frames);
        if loaded.landmark_runs()[1] > 0 {
            break;
        }
    }
    let _ = spin.kill();
    let _ = spin.wait();
    let [pool, lone] = loaded.landmark_runs();
    assert!(lone > 0, "the one-thread session never ran under load ({pool} runs on the pool)");

    // One thread alone: the same landmarks, bit for bit.
    let mut one = PoseTracker::new(cfg(1)).unwrap();
    let alone = run(&mut one, &frames);
    assert_eq!(one.landmark_runs()[1], 0);
    assert!(seen.iter().filter(|p| p.is_some()).count() > frames.len() / 2);
    let differ = seen.iter().zip(&alone).filter(|(a, b)| a != b).count();
    assert_eq!(
        differ,
        0,
        "{differ} of {} frames differ ({pool} on the pool, {lone} on one thread)",
        frames.len()
    );
}
