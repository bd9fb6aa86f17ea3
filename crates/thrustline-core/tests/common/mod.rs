//! Reads the shared MediaPipe reference landmarks in place (`../shared` beside the checkout).
#![allow(dead_code)]

pub mod noise;

use std::path::PathBuf;

use thrustline_core::{Analyzer, FrameGeometry, Landmark, PoseObservation, SessionSummary, Thresholds};

pub fn shared_dir() -> Option<PathBuf> {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if d.join("reference").is_dir() {
        Some(d)
    } else {
        eprintln!("SKIP: ../shared (footage and MediaPipe reference) not found beside the checkout");
        None
    }
}

#[derive(serde::Deserialize)]
pub struct RefFrame {
    pub t: f64,
    pub lm: Option<Vec<[f32; 4]>>,
}

#[derive(serde::Deserialize)]
pub struct Reference {
    pub width: u32,
    pub height: u32,
    pub frames: Vec<RefFrame>,
}

pub fn load(shared: &std::path::Path, clip: &str, raw: bool) -> Reference {
    let stem = clip.trim_end_matches(".mp4");
    let suffix = if raw { "mediapipe-raw" } else { "mediapipe" };
    let p = shared.join("reference").join(format!("{stem}.{suffix}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

/// The reference as a mirrored video would give it: x flipped, each left landmark swapped with
/// its right one (BlazePose's pairs: 1–3 with 4–6, then odd with even from 7 on).
pub fn mirrored(mut r: Reference) -> Reference {
    for f in &mut r.frames {
        if let Some(lm) = f.lm.as_mut() {
            for l in lm.iter_mut() {
                l[0] = 1.0 - l[0];
            }
            for (a, b) in [(1, 4), (2, 5), (3, 6)] {
                lm.swap(a, b);
            }
            for a in (7..33).step_by(2) {
                lm.swap(a, a + 1);
            }
        }
    }
    r
}

pub fn to_pose(lm: &[[f32; 4]]) -> PoseObservation {
    let mut arr = [Landmark::default(); 33];
    for (d, s) in arr.iter_mut().zip(lm) {
        *d = Landmark::from(*s);
    }
    PoseObservation::new(arr)
}

pub fn analyze(r: &Reference, cfg: Thresholds) -> SessionSummary {
    let mut a = Analyzer::new(cfg, FrameGeometry { width: r.width, height: r.height });
    for f in &r.frames {
        let pose = f.lm.as_deref().map(to_pose);
        a.update(f.t, pose.as_ref());
    }
    a.finish()
}

#[derive(serde::Deserialize)]
pub struct LabelFault {
    pub id: String,
    pub reps: Option<Vec<u32>>,
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
}

#[derive(serde::Deserialize)]
pub struct Label {
    pub reps: u32,
    pub kind: String,
    pub faults: Vec<LabelFault>,
    /// Where the camera stands, in words ("side", "near side", "front-oblique from the feet").
    pub view: String,
}

impl Label {
    /// The labelled view shows the sagittal plane (a side view, straight or slightly turned).
    pub fn side_view(&self) -> bool {
        self.view.starts_with("side") || self.view.starts_with("near side")
    }
}

/// Faults measured on the sagittal plane (hip, knee, shin angles and foot lift, and timing
/// read off the hip angle): a view that does not show that plane cannot judge them.
pub const SAGITTAL: [thrustline_core::FaultId; 8] = [
    thrustline_core::FaultId::OverarchLowerBack,
    thrustline_core::FaultId::FeetTooFar,
    thrustline_core::FaultId::FeetTooClose,
    thrustline_core::FaultId::IncompleteLockout,
    thrustline_core::FaultId::NoTopSqueeze,
    thrustline_core::FaultId::HeelsLifting,
    thrustline_core::FaultId::ToesLifting,
    thrustline_core::FaultId::UncontrolledLowering,
];

pub fn labels(shared: &std::path::Path) -> std::collections::BTreeMap<String, Label> {
    let text = std::fs::read_to_string(shared.join("footage/LABELS.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}
