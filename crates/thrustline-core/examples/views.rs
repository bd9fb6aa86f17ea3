//! Real motion from other camera positions (issue 24): every shared clip's landmarks as our pose
//! stage saw them (`thrustline pose --world`), turned to a virtual camera about the hips and
//! projected back into the picture, then run through the core. Per clip and camera it prints
//! the count against LABELS.json, the faults raised that the clip's labels do not name, and the
//! set's warnings, so a rule that reads the picture in a way only the side view allows shows up
//! as a count lost or a look-alike counted from somewhere else.
//!
//! The projection is in `support/reproject.rs`. The world landmarks' depth is the pose model's
//! guess from the camera as filmed, so a camera turned far from it shows that guess, not what
//! the model would see from there: the side-view clips turned moderately are the informative
//! runs (core README, "Other camera positions").
//!
//! `bash benches/views.sh` makes the landmarks and runs this; by hand:
//! `cargo run --release -p thrustline-core --example views -- POSES_DIR LABELS.json`.
//! `VIEWS_FINE=1` adds cameras short of the side view's limit, `VIEWS_SIDE_MAX=35` moves that
//! limit, `VIEWS_MOVED=1` moves the picture rather than projecting the world (`reproject_moved`).

use std::collections::BTreeMap;
use std::path::Path;

use thrustline_core::{Analyzer, FaultId, FrameGeometry, PoseObservation, SessionSummary, Thresholds};

#[path = "support/reproject.rs"]
mod reproject;
use reproject::{parse, reproject, reproject_moved, Camera};

#[derive(serde::Deserialize)]
struct Label {
    reps: u32,
    /// hip_thrust, glute_bridge or other.
    kind: String,
    /// Where the camera stood as filmed ("side", "front-oblique from the feet").
    view: String,
    faults: Vec<serde_json::Value>,
}

const CAMERAS: [Camera; 18] = [
    Camera { name: "as filmed", yaw_deg: 0.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "other side", yaw_deg: 180.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "raised 25°", yaw_deg: 0.0, pitch_deg: 25.0, roll_deg: 0.0 },
    Camera { name: "raised 45°", yaw_deg: 0.0, pitch_deg: 45.0, roll_deg: 0.0 },
    Camera { name: "low 15°", yaw_deg: 0.0, pitch_deg: -15.0, roll_deg: 0.0 },
    Camera { name: "yaw +30°", yaw_deg: 30.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "yaw −30°", yaw_deg: -30.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "yaw +60°", yaw_deg: 60.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "yaw −60°", yaw_deg: -60.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "end +90°", yaw_deg: 90.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "end −90°", yaw_deg: -90.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "end +90° raised 30°", yaw_deg: 90.0, pitch_deg: 30.0, roll_deg: 0.0 },
    Camera { name: "end −90° raised 30°", yaw_deg: -90.0, pitch_deg: 30.0, roll_deg: 0.0 },
    Camera { name: "yaw +45° raised 30°", yaw_deg: 45.0, pitch_deg: 30.0, roll_deg: 0.0 },
    Camera { name: "rolled +8°", yaw_deg: 0.0, pitch_deg: 0.0, roll_deg: 8.0 },
    Camera { name: "rolled −8°", yaw_deg: 0.0, pitch_deg: 0.0, roll_deg: -8.0 },
    Camera { name: "rolled +15°", yaw_deg: 0.0, pitch_deg: 0.0, roll_deg: 15.0 },
    Camera { name: "rolled −15°", yaw_deg: 0.0, pitch_deg: 0.0, roll_deg: -15.0 },
];

/// With `VIEWS_FINE=1`: cameras between the side view and its limit, where a side-view limit
/// is decided (core README, "Where the side view ends").
const FINE_CAMERAS: [Camera; 6] = [
    Camera { name: "raised 10°", yaw_deg: 0.0, pitch_deg: 10.0, roll_deg: 0.0 },
    Camera { name: "raised 15°", yaw_deg: 0.0, pitch_deg: 15.0, roll_deg: 0.0 },
    Camera { name: "raised 20°", yaw_deg: 0.0, pitch_deg: 20.0, roll_deg: 0.0 },
    Camera { name: "yaw +20°", yaw_deg: 20.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "yaw −20°", yaw_deg: -20.0, pitch_deg: 0.0, roll_deg: 0.0 },
    Camera { name: "yaw +15° raised 15°", yaw_deg: 15.0, pitch_deg: 15.0, roll_deg: 0.0 },
];

/// Runs the core; with `trace`, prints each posed frame's movement-check readings on stderr.
fn run(
    cfg: Thresholds,
    g: FrameGeometry,
    frames: impl Iterator<Item = (f64, Option<PoseObservation>)>,
    trace: bool,
) -> SessionSummary {
    let mut a = Analyzer::new(cfg, g);
    for (t, p) in frames {
        let f = a.update(t, p.as_ref());
        if let (true, Some(m)) = (trace, f.metrics) {
            let v = |m: Option<thrustline_core::Metric>| m.map_or(f32::NAN, |m| m.value);
            eprintln!(
                "{t:8.3} {:?} hip {:6.1} face {:5.2} hand {:5.2} foot {:5.2} hiph {:5.2} thigh {:6.1} incl {:5.1} side {:?} working {:?} raised {:?}",
                f.phase,
                v(m.hip_angle),
                v(m.face_up),
                v(m.hand_support),
                v(m.foot_below_knee),
                v(m.hip_height),
                v(m.thigh_elevation),
                v(m.torso_incline),
                m.side,
                m.working_leg,
                m.raised_leg,
            );
        }
    }
    a.finish()
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(poses), Some(labels)) = (args.get(1), args.get(2)) else {
        return Err("usage: views POSES_DIR LABELS.json".into());
    };
    let text = std::fs::read_to_string(labels).map_err(|e| format!("{labels}: {e}"))?;
    let labels: BTreeMap<String, Label> =
        serde_json::from_str(&text).map_err(|e| format!("{labels}: {e}"))?;
    // Per camera: (runs right, runs) over all clips and over the clips filmed from the side.
    let mut cfg = Thresholds::default();
    // VIEWS_SIDE_MAX=35 judges the side-view faults up to that obliquity instead.
    if let Some(v) = std::env::var("VIEWS_SIDE_MAX").ok().and_then(|v| v.parse().ok()) {
        cfg.side_view_max_yaw_deg = v;
    }
    // VIEWS_MOVED=1 moves the pose stage's own picture by the turn instead.
    let moved = std::env::var("VIEWS_MOVED").is_ok();
    let mut cameras = CAMERAS.to_vec();
    if std::env::var("VIEWS_FINE").is_ok() {
        cameras.extend(FINE_CAMERAS);
    }
    let mut by_cam = vec![[(0u32, 0u32); 2]; cameras.len()];
    // Per camera, over the clips with reps: the variation seen right, wrong, not told.
    let mut variation = vec![[0u32; 3]; cameras.len()];
    println!("| clip | camera | reps (label) | view | variation seen | faults the labels do not name | labelled faults: reps raised, reps not judged | warnings |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, label) in &labels {
        let path = Path::new(poses).join(name.replace(".mp4", ".json"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let raw = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let g = FrameGeometry { width: raw.width, height: raw.height };
        let named: Vec<FaultId> =
            label.faults.iter().filter_map(|f| serde_json::from_value(f["id"].clone()).ok()).collect();
        let side = label.view.starts_with("side") || label.view.starts_with("near side");
        for (ci, cam) in cameras.iter().copied().enumerate() {
            // VIEWS_TRACE="clip camera" traces one run's readings.
            let trace = std::env::var("VIEWS_TRACE")
                .is_ok_and(|v| v == format!("{} {}", name.trim_end_matches(".mp4"), cam.name));
            let project = |f| if moved { reproject_moved(f, g, cam) } else { reproject(f, g, cam) };
            let s = run(cfg, g, raw.frames.iter().map(|f| (f.t, project(f))), trace);
            if trace {
                eprintln!("camera yaw {:?} pitch {:?}", s.camera_yaw_deg, s.camera_pitch_deg);
                for r in &s.reps {
                    eprintln!(
                        "rep {} view {:?} knee {:?} shin {:?} peak {:.1} overarch {:?} faults {:?}",
                        r.index,
                        r.view,
                        r.metrics.knee_angle_at_top,
                        r.metrics.shin_angle_at_top,
                        r.metrics.peak_hip_angle,
                        r.metrics.max_hyperextension_deg,
                        r.faults.iter().map(|f| (f.id, f.evidence.clone())).collect::<Vec<_>>()
                    );
                }
            }
            let extra: Vec<String> = s
                .reps
                .iter()
                .flat_map(|r| r.faults.iter().map(move |f| (r.index, f.id)))
                .filter(|(_, id)| !named.contains(id))
                .map(|(i, id)| format!("{id:?}@{i}"))
                .collect();
            // Labelled faults are found or, where the view hides them, not judged: never cleared.
            let labelled: Vec<String> = named
                .iter()
                .map(|&id| {
                    let verdict = |v: thrustline_core::Verdict| {
                        s.reps.iter().filter(|r| r.judgement(id).is_some_and(|j| j.verdict == v)).count()
                    };
                    let why: Vec<String> = s
                        .reps
                        .iter()
                        .filter_map(|r| r.judgement(id).and_then(|j| j.reason))
                        .map(|w| format!("{w:?}"))
                        .collect();
                    format!(
                        "{id:?} {}, {} {}",
                        verdict(thrustline_core::Verdict::Raised),
                        verdict(thrustline_core::Verdict::NotJudged),
                        why.join(",")
                    )
                })
                .collect();
            if label.reps > 0 {
                let want = match label.kind.as_str() {
                    "hip_thrust" => Some(thrustline_core::Variation::HipThrust),
                    "glute_bridge" => Some(thrustline_core::Variation::GluteBridge),
                    _ => None,
                };
                let k = match s.seen_variation {
                    None => 2,
                    v if v == want => 0,
                    _ => 1,
                };
                variation[ci][k] += 1;
            }
            let count_ok = s.reps.len() as u32 == label.reps;
            let ok = count_ok && extra.is_empty();
            for (k, counted) in [(0, true), (1, side)] {
                if counted {
                    by_cam[ci][k].0 += u32::from(ok);
                    by_cam[ci][k].1 += 1;
                }
            }
            let warn: Vec<String> = s.warnings.iter().map(|w| format!("{w:?}")).collect();
            let reasons: Vec<String> = s.look_alike_reasons.iter().map(|r| format!("{r:?}")).collect();
            println!(
                "| {}{} | {} | {} ({}) | {:?} | {:?} | {} | {} | {} {} |",
                if ok { "" } else { "**✗** " },
                name.trim_end_matches(".mp4"),
                cam.name,
                s.reps.len(),
                label.reps,
                s.camera_view,
                s.seen_variation,
                extra.join(" "),
                labelled.join("; "),
                warn.join(" "),
                reasons.join(" "),
            );
        }
    }
    println!(
        "\n| camera | all clips right | clips filmed from the side right | variation seen: right, wrong, not told |\n|---|---|---|---|"
    );
    for ((cam, [all, side]), [ok, wrong, untold]) in cameras.iter().zip(by_cam).zip(variation) {
        println!(
            "| {} | {} of {} | {} of {} | {ok}, {wrong}, {untold} |",
            cam.name, all.0, all.1, side.0, side.1
        );
    }
    Ok(())
}
