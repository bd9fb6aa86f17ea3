//! Runs the core on a MediaPipe reference file (`../shared/reference/NAME.mediapipe.json`) and
//! prints reps, views, verdicts and warnings: the quickest way to see why a clip is judged as
//! it is. `cargo run -p thrustline-core --example reference -- FILE.json... [--frames] [--noise]`
//! (`thrustline pose VIDEO -o FILE.json --world` makes such a file from our pose stage);
//! `--noise` prints the landmark noise at the top of reps over all the files given.

#[path = "../tests/common/noise.rs"]
mod noise;

use thrustline_core::{
    Analyzer, FrameAnalysis, FrameGeometry, Landmark, PoseObservation, Thresholds, Verdict,
};

#[derive(serde::Deserialize)]
struct RefFrame {
    t: f64,
    lm: Option<Vec<[f32; 4]>>,
    #[serde(default)]
    world: Option<Vec<[f32; 3]>>,
}

#[derive(serde::Deserialize)]
struct Reference {
    width: u32,
    height: u32,
    frames: Vec<RefFrame>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let frames_too = args.iter().any(|a| a == "--frames");
    let noise_only = args.iter().any(|a| a == "--noise");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        return Err("usage: reference FILE.json... [--frames] [--noise]".into());
    }
    let mut meter = noise::NoiseMeter::default();
    for path in files {
        let analyses = run(path, frames_too, !noise_only)?;
        meter.add_clip(&analyses);
    }
    if noise_only {
        let n = meter.noise();
        println!(
            "noise at the top over {} frames: hip {:.2}° knee {:.2}° shin {:.2}° heel {:.3} toe {:.3} foot lengths",
            n.frames, n.hip, n.knee, n.shin, n.heel, n.toe
        );
    }
    Ok(())
}

fn run(path: &str, frames_too: bool, report: bool) -> Result<Vec<FrameAnalysis>, Box<dyn std::error::Error>> {
    let r: Reference = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut analyses = Vec::with_capacity(r.frames.len());
    let mut a = Analyzer::new(Thresholds::default(), FrameGeometry { width: r.width, height: r.height });
    for f in &r.frames {
        let pose = f.lm.as_ref().map(|lm| {
            let mut arr = [Landmark::default(); 33];
            for (d, s) in arr.iter_mut().zip(lm) {
                *d = Landmark::from(*s);
            }
            let world = f.world.as_ref().map(|w| {
                let mut arr = [Landmark::default(); 33];
                for ((d, s), l) in arr.iter_mut().zip(w).zip(lm) {
                    *d = Landmark { x: s[0], y: s[1], z: s[2], visibility: l[3] };
                }
                arr
            });
            PoseObservation { landmarks: arr, world }
        });
        let fa = a.update(f.t, pose.as_ref());
        analyses.push(fa);
        if frames_too {
            let m = fa.metrics;
            println!(
                "{:8.0} {:?} hip {:?} sm {:?} spread {:?} roll {:?} hand {:?} foot {:?} inview {:?}",
                f.t,
                fa.phase,
                m.and_then(|m| m.hip_angle).map(|x| x.value),
                fa.hip_angle_smoothed,
                m.and_then(|m| m.lateral_spread).map(|x| x.value),
                m.and_then(|m| m.hip_roll).map(|x| x.value),
                m.and_then(|m| m.hand_support).map(|x| x.value),
                m.and_then(|m| m.foot_below_knee).map(|x| x.value),
                m.map(|m| m.body_in_view)
            );
        }
    }
    let s = a.finish();
    if !report {
        return Ok(analyses);
    }
    println!(
        "reps {} partials {} view {:?} yaw {:?} warnings {:?}",
        s.reps.len(),
        s.partial_reps.len(),
        s.camera_view,
        s.camera_yaw_deg,
        s.warnings
    );
    for r in &s.reps {
        let raised: Vec<_> =
            r.judgements.iter().filter(|j| j.verdict == Verdict::Raised).map(|j| j.id.as_str()).collect();
        let nj: Vec<_> =
            r.not_judged().map(|(id, why)| format!("{}:{}", id.as_str(), why.as_str())).collect();
        println!(
            "rep {} set {} {:.2}-{:.2}s view {:?} bottom {:.0} peak {:.1} knee {:?} shin {:?} roll {:?} hold {:.2} raised {:?} not_judged {:?}",
            r.index, r.set, r.start_s, r.end_s, r.view, r.metrics.bottom_hip_angle, r.metrics.peak_hip_angle,
            r.metrics.knee_angle_at_top, r.metrics.shin_angle_at_top, r.metrics.max_hip_roll_deg, r.metrics.tempo.top_hold_s, raised, nj
        );
    }
    for set in &s.sets {
        println!(
            "set {} reps {} look_alikes {} not_a_hip_thrust {}",
            set.index, set.reps, set.look_alikes, set.not_a_hip_thrust
        );
    }
    Ok(analyses)
}
