//! Frames the live worker could not analyze in time (a busy computer): every shared clip's
//! landmarks as our pose stage saw them, run through the core with frames left out at random,
//! as the live capture's drop-oldest queue leaves them out. Per clip and drop rate it prints the
//! reps whose verdicts changed from the run on every frame: a fault raised on every frame and
//! "clear" with frames missing is a judgement the missing frames should have withheld.
//!
//! `cargo run --release -p thrustline-core --example drops -- POSES_DIR LABELS.json`
//! (POSES_DIR from `bash benches/our_poses.sh`).

use std::collections::BTreeMap;
use std::path::Path;

use thrustline_core::{Analyzer, FrameGeometry, PoseObservation, SessionSummary, Thresholds, Verdict};

#[path = "support/reproject.rs"]
#[allow(dead_code)] // the cameras are the views example's
mod reproject;
use reproject::{as_filmed, parse};

/// Shares of frames left out, and the seeds of the patterns tried at each.
const DROP_RATES: [f64; 3] = [0.2, 0.35, 0.5];
const SEEDS: u64 = 8;

fn run<'a>(
    g: FrameGeometry,
    frames: impl Iterator<Item = &'a (f64, Option<PoseObservation>)>,
    trace: bool,
) -> SessionSummary {
    let mut a = Analyzer::new(Thresholds::default(), g);
    for (t, p) in frames {
        let f = a.update(*t, p.as_ref());
        if trace {
            eprintln!(
                "{t:9.1} {:?} {:?} {:?}",
                f.phase,
                f.hip_angle_smoothed,
                f.metrics.and_then(|m| m.hip_angle).map(|h| h.value)
            );
        }
    }
    a.finish()
}

/// splitmix64 of (pattern, frame), uniform in [0, 1): the same pattern on every machine.
fn uniform(seed: u64, i: usize) -> f64 {
    let mut z = (seed << 32 ^ i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(poses), Some(labels)) = (args.get(1), args.get(2)) else {
        return Err("usage: drops POSES_DIR LABELS.json".into());
    };
    let text = std::fs::read_to_string(labels).map_err(|e| format!("{labels}: {e}"))?;
    let labels: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| format!("{labels}: {e}"))?;
    let (mut flips, mut runs) = (BTreeMap::<String, u32>::new(), 0u32);
    for (name, label) in &labels {
        let path = Path::new(poses).join(name.replace(".mp4", ".json"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let raw = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let g = FrameGeometry { width: raw.width, height: raw.height };
        let frames: Vec<(f64, Option<PoseObservation>)> =
            raw.frames.iter().map(|f| (f.t, as_filmed(f))).collect();
        let all =
            run(g, frames.iter(), std::env::var("DROPS_TRACE").is_ok_and(|v| v == format!("{name} all")));
        for rate in DROP_RATES {
            for seed in 0..SEEDS {
                // The first frame always arrives (the worker starts on it).
                let kept: Vec<_> = frames
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i == 0 || uniform(seed + 1, *i) >= rate)
                    .map(|(_, f)| f)
                    .collect();
                let s = run(
                    g,
                    kept.into_iter(),
                    std::env::var("DROPS_TRACE").is_ok_and(|v| v == format!("{name} {rate} {seed}")),
                );
                runs += 1;
                if s.reps.len() != all.reps.len() {
                    println!(
                        "{name} drop {rate} seed {seed}: {} reps, {} on every frame (label {})",
                        s.reps.len(),
                        all.reps.len(),
                        label["reps"]
                    );
                    *flips.entry("count".into()).or_default() += 1;
                    continue;
                }
                for (a, b) in all.reps.iter().zip(&s.reps) {
                    for ja in &a.judgements {
                        let Some(jb) = b.judgement(ja.id) else { continue };
                        if ja.verdict != jb.verdict {
                            let kind = format!("{:?}->{:?}", ja.verdict, jb.verdict);
                            if ja.verdict == Verdict::Raised
                                || jb.verdict == Verdict::Raised
                                || (ja.verdict == Verdict::NotJudged && jb.verdict == Verdict::Clear)
                            {
                                println!(
                                    "{name} drop {rate} seed {seed}: rep {} {} {kind} ({:?}) knee {:?}/{:?} shin {:?}/{:?} hold {:.2}/{:.2} peak {:.1}/{:.1}",
                                    a.index,
                                    ja.id.as_str(),
                                    jb.reason,
                                    a.metrics.knee_angle_at_top, b.metrics.knee_angle_at_top,
                                    a.metrics.shin_angle_at_top, b.metrics.shin_angle_at_top,
                                    a.metrics.tempo.top_hold_s, b.metrics.tempo.top_hold_s,
                                    a.metrics.peak_hip_angle, b.metrics.peak_hip_angle,
                                );
                            }
                            *flips.entry(kind).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    println!("{runs} runs; verdict changes: {flips:?}");
    Ok(())
}
