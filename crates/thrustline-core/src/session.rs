//! The session model shared by the analyzer, the live app, review mode and the training log.

use serde::{Deserialize, Serialize};

use crate::metrics::Side;

/// Stable fault identifiers, from the article's common mistakes and technique section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultId {
    OverarchLowerBack,
    FeetTooFar,
    FeetTooClose,
    IncompleteLockout,
    NoTopSqueeze,
    HeelsLifting,
    ToesLifting,
    UncontrolledLowering,
    HipsUneven,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Major,
}

impl FaultId {
    pub const ALL: [FaultId; 9] = [
        FaultId::OverarchLowerBack,
        FaultId::FeetTooFar,
        FaultId::FeetTooClose,
        FaultId::IncompleteLockout,
        FaultId::NoTopSqueeze,
        FaultId::HeelsLifting,
        FaultId::ToesLifting,
        FaultId::UncontrolledLowering,
        FaultId::HipsUneven,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FaultId::OverarchLowerBack => "overarch_lower_back",
            FaultId::FeetTooFar => "feet_too_far",
            FaultId::FeetTooClose => "feet_too_close",
            FaultId::IncompleteLockout => "incomplete_lockout",
            FaultId::NoTopSqueeze => "no_top_squeeze",
            FaultId::HeelsLifting => "heels_lifting",
            FaultId::ToesLifting => "toes_lifting",
            FaultId::UncontrolledLowering => "uncontrolled_lowering",
            FaultId::HipsUneven => "hips_uneven",
        }
    }

    /// The one-line cue a lifter understands mid-set.
    pub fn cue(self) -> &'static str {
        match self {
            FaultId::OverarchLowerBack => "Ribs down, chin tucked: lift with your hips, not your lower back.",
            FaultId::FeetTooFar => "Walk your feet in: shins vertical at the top.",
            FaultId::FeetTooClose => "Move your feet out: knees at 90 degrees at the top.",
            FaultId::IncompleteLockout => "Hips all the way up: shoulders, hips and knees in one line.",
            FaultId::NoTopSqueeze => "Pause at the top and squeeze your glutes.",
            FaultId::HeelsLifting => "Keep your heels down and drive through them.",
            FaultId::ToesLifting => "Keep your whole foot flat: toes down.",
            FaultId::UncontrolledLowering => "Lower slowly, under control.",
            FaultId::HipsUneven => "Keep your hips level: push evenly through both feet.",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            FaultId::OverarchLowerBack
            | FaultId::FeetTooFar
            | FaultId::FeetTooClose
            | FaultId::IncompleteLockout => Severity::Major,
            _ => Severity::Minor,
        }
    }
}

/// A measured value set against the threshold it crossed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub metric: String,
    pub value: f64,
    /// `"<"` or `">"`: the fault holds when `value <op> threshold`.
    pub op: String,
    pub threshold: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub id: FaultId,
    pub severity: Severity,
    pub cue: String,
    pub start_s: f64,
    pub end_s: f64,
    pub evidence: Vec<Evidence>,
}

/// Time spent in each part of the rep, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tempo {
    pub concentric_s: f64,
    pub top_hold_s: f64,
    pub eccentric_s: Option<f64>,
    pub bottom_pause_s: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepMetrics {
    /// Lowest hip angle before the rep (the bottom).
    pub bottom_hip_angle: f32,
    /// Highest signed hip angle (the lockout).
    pub peak_hip_angle: f32,
    /// Range of motion in degrees of hip angle.
    pub rom_deg: f32,
    /// Mean hip angle over the top hold.
    pub lockout_hip_angle: f32,
    /// Mean knee angle and shin angle over the top hold (foot placement).
    pub knee_angle_at_top: Option<f32>,
    pub shin_angle_at_top: Option<f32>,
    /// Largest extension past the shoulder-knee line, degrees.
    pub max_hyperextension_deg: f32,
    /// Mean heel and toe height over the top hold, in foot lengths above the set's floor.
    pub heel_lift_at_top: Option<f32>,
    pub toe_lift_at_top: Option<f32>,
    pub max_hip_asymmetry: Option<f32>,
    pub tempo: Tempo,
}

/// A counted rep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rep {
    /// 1-based, in order.
    pub index: u32,
    /// 1-based set number.
    pub set: u32,
    pub side: Side,
    pub start_s: f64,
    pub lockout_s: f64,
    pub end_s: f64,
    /// False when the clip ended before the hips came back down.
    pub complete: bool,
    pub metrics: RepMetrics,
    pub faults: Vec<Fault>,
}

/// A top that fell short of lockout: reported, not counted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialRep {
    pub set: u32,
    pub start_s: f64,
    pub peak_s: f64,
    pub end_s: f64,
    pub peak_hip_angle: f32,
    pub rom_deg: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultCount {
    pub id: FaultId,
    pub reps: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetSummary {
    pub index: u32,
    pub start_s: f64,
    pub end_s: f64,
    pub reps: u32,
    pub partials: u32,
    pub clean_reps: u32,
    pub mean_rom_deg: f32,
    pub mean_lockout_angle: f32,
    pub mean_concentric_s: f64,
    pub mean_top_hold_s: f64,
    pub mean_eccentric_s: Option<f64>,
    /// Faults in this set, sorted by id, with the reps they hit.
    pub faults: Vec<FaultCount>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// The movement is not a hip thrust or bridge (standing, squatting).
    NotAHipThrust,
    /// Nobody was found in the video.
    NoPose,
    /// Landmarks too uncertain on most frames to measure.
    LowConfidence,
    /// The camera faces the lifter (yaw past the correctable range): side-view angles are
    /// unreliable.
    CameraFrontal,
}

impl Warning {
    pub fn message(self) -> &'static str {
        match self {
            Warning::NotAHipThrust => {
                "This does not look like a hip thrust or glute bridge; no reps counted."
            }
            Warning::NoPose => "Nobody was found in the video.",
            Warning::LowConfidence => "The body was hard to see on most frames; measurements are uncertain.",
            Warning::CameraFrontal => {
                "The camera faces you: angles need a side view. Put it at your side, level with your hips."
            }
        }
    }
}

/// Hip-thrust variation the user trains (informational; the core detects single-leg itself).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variation {
    #[default]
    Barbell,
    Dumbbell,
    Bodyweight,
    Banded,
    Smith,
    SingleLeg,
    GluteBridge,
}

impl Variation {
    pub const ALL: [Variation; 7] = [
        Variation::Barbell,
        Variation::Dumbbell,
        Variation::Bodyweight,
        Variation::Banded,
        Variation::Smith,
        Variation::SingleLeg,
        Variation::GluteBridge,
    ];

    /// The identifier used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Variation::Barbell => "barbell",
            Variation::Dumbbell => "dumbbell",
            Variation::Bodyweight => "bodyweight",
            Variation::Banded => "banded",
            Variation::Smith => "smith",
            Variation::SingleLeg => "single-leg",
            Variation::GluteBridge => "glute-bridge",
        }
    }

    /// Plain words for reports.
    pub fn label(self) -> &'static str {
        match self {
            Variation::Barbell => "barbell hip thrust",
            Variation::Dumbbell => "dumbbell hip thrust",
            Variation::Bodyweight => "bodyweight hip thrust",
            Variation::Banded => "banded hip thrust",
            Variation::Smith => "Smith-machine hip thrust",
            Variation::SingleLeg => "single-leg hip thrust",
            Variation::GluteBridge => "glute bridge",
        }
    }
}

impl std::str::FromStr for Variation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variation::ALL.into_iter().find(|v| v.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Variation::ALL.iter().map(|v| v.name()).collect();
            format!("unknown variation '{s}' (one of {})", names.join(", "))
        })
    }
}

/// The core's output for a whole stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub reps: Vec<Rep>,
    pub partial_reps: Vec<PartialRep>,
    pub sets: Vec<SetSummary>,
    pub warnings: Vec<Warning>,
    /// Frames seen, and frames with a measurable pose.
    pub frames: u64,
    pub frames_with_pose: u64,
    pub duration_s: f64,
    /// The camera's yaw from a side view (degrees, median over the frames), when world
    /// landmarks gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_yaw_deg: Option<f32>,
}

impl SessionSummary {
    pub fn clean_reps(&self) -> usize {
        self.reps.iter().filter(|r| r.faults.is_empty()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variation_names_match_the_file_format_and_parse_back() {
        for v in Variation::ALL {
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{}\"", v.name()));
            assert_eq!(v.name().parse::<Variation>(), Ok(v));
        }
        assert!("squat".parse::<Variation>().is_err());
    }

    #[test]
    fn fault_ids_match_the_file_format() {
        for id in FaultId::ALL {
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{}\"", id.as_str()));
            assert!(!id.cue().is_empty());
        }
    }
}
