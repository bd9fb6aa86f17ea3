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

    /// The fault's name in plain words.
    pub fn label(self) -> &'static str {
        match self {
            FaultId::OverarchLowerBack => "lower-back overarch",
            FaultId::FeetTooFar => "feet too far",
            FaultId::FeetTooClose => "feet too close",
            FaultId::IncompleteLockout => "incomplete lockout",
            FaultId::NoTopSqueeze => "no squeeze at the top",
            FaultId::HeelsLifting => "heels lifting",
            FaultId::ToesLifting => "toes lifting",
            FaultId::UncontrolledLowering => "uncontrolled lowering",
            FaultId::HipsUneven => "uneven hips",
        }
    }

    /// The one-line cue a lifter understands mid-set.
    pub fn cue(self) -> &'static str {
        match self {
            FaultId::OverarchLowerBack => "Ribs down, chin tucked: lift with your hips, not your lower back.",
            FaultId::FeetTooFar => "Feet closer to your hips: shins vertical at the top.",
            FaultId::FeetTooClose => "Feet farther from your hips: knees at 90 degrees at the top.",
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

/// What the core concluded about one fault on one rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Seen, and past its threshold by more than the landmarks' noise.
    Raised,
    /// Seen, and not past its threshold by more than the noise.
    Clear,
    /// Not seen well enough to say: see the reason.
    NotJudged,
}

/// Why a fault could not be judged on a rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotJudgedReason {
    /// The camera's angle hides the measure (the side-view angles from the front or the feet,
    /// the hips' level from the side).
    View,
    /// The landmarks it needs were hidden or uncertain (a plate, the far side, out of frame).
    Occlusion,
    /// The video cut away, or the pose was lost, while it happened.
    Cut,
    /// The clip ended before it happened.
    ClipEnded,
    /// Frames around it never reached the judgement (a live worker that fell behind, a track
    /// lost for a moment), and what they may have held decides the verdict.
    Missed,
    /// It needs the pose's 3D (world) landmarks, which this pose source did not give.
    NoDepth,
    /// The feet sat at the frame's edge, where the model guesses a foot instead of seeing it.
    FrameEdge,
    /// The landmarks it rests on never settled (a dark foot on a dark floor): seen, but not
    /// trustworthy.
    Unsteady,
    /// The knees were turned out wide (a frog stance): the shins and feet left the plane the
    /// placement and foot checks read.
    KneesOut,
    /// The leg the camera saw best was a B-stance's kickstand (planted ahead on its toes): its
    /// shin and foot are not the working leg's.
    Kickstand,
}

impl NotJudgedReason {
    /// Plain words for reports and the live banner.
    pub fn message(self) -> &'static str {
        match self {
            NotJudgedReason::View => "not judged from this angle: put the camera at your side",
            NotJudgedReason::Occlusion => "not judged: that part of the body was hidden",
            NotJudgedReason::Cut => "not judged: the video cut away",
            NotJudgedReason::ClipEnded => "not judged: the clip ended first",
            NotJudgedReason::Missed => "not judged: frames were missed there (the computer fell behind, or the pose was lost)",
            NotJudgedReason::NoDepth => "not judged: needs 3D landmarks",
            NotJudgedReason::FrameEdge => {
                "not judged: the feet were at the frame's edge; leave a foot's length of room around them"
            }
            NotJudgedReason::Unsteady => {
                "not judged: the feet's landmarks never settled; light the feet or use a mat that contrasts with them"
            }
            NotJudgedReason::KneesOut => {
                "not judged: the knees were turned out (a frog stance), so the shins and feet were not side-on"
            }
            NotJudgedReason::Kickstand => {
                "not judged: the leg nearer the camera was the kickstand (B-stance); film from the working leg's side"
            }
        }
    }

    /// Whether the picture could not show what the check measures (the angle, something in the
    /// way, feet it cannot trust), as against when it happened (a cut, the clip's end, frames
    /// missed): a figure beside such a verdict would be a guess.
    pub fn unseen(self) -> bool {
        match self {
            NotJudgedReason::View
            | NotJudgedReason::Occlusion
            | NotJudgedReason::NoDepth
            | NotJudgedReason::FrameEdge
            | NotJudgedReason::Unsteady
            | NotJudgedReason::KneesOut
            | NotJudgedReason::Kickstand => true,
            NotJudgedReason::Cut | NotJudgedReason::ClipEnded | NotJudgedReason::Missed => false,
        }
    }

    /// A few words for a table cell ("not judged: clip ended"); [`Self::message`] says it whole.
    pub fn short(self) -> &'static str {
        match self {
            NotJudgedReason::View => "not judged from this angle",
            NotJudgedReason::Occlusion => "not judged: body hidden",
            NotJudgedReason::Cut => "not judged: video cut",
            NotJudgedReason::ClipEnded => "not judged: clip ended",
            NotJudgedReason::Missed => "not judged: frames missed",
            NotJudgedReason::NoDepth => "not judged: no 3D landmarks",
            NotJudgedReason::FrameEdge => "not judged: feet at the edge",
            NotJudgedReason::Unsteady => "not judged: feet unsteady",
            NotJudgedReason::KneesOut => "not judged: knees out",
            NotJudgedReason::Kickstand => "not judged: kickstand",
        }
    }

    /// What the camera could not see (its angle, something in the way, the frame's edge,
    /// landmarks that never settled, no depth), as against timing (a cut, the clip's end).
    pub fn is_the_cameras(self) -> bool {
        !matches!(
            self,
            NotJudgedReason::Cut
                | NotJudgedReason::ClipEnded
                | NotJudgedReason::Missed
                | NotJudgedReason::KneesOut
                | NotJudgedReason::Kickstand
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NotJudgedReason::View => "view",
            NotJudgedReason::Occlusion => "occlusion",
            NotJudgedReason::Cut => "cut",
            NotJudgedReason::ClipEnded => "clip_ended",
            NotJudgedReason::Missed => "missed",
            NotJudgedReason::NoDepth => "no_depth",
            NotJudgedReason::FrameEdge => "frame_edge",
            NotJudgedReason::Unsteady => "unsteady",
            NotJudgedReason::KneesOut => "knees_out",
            NotJudgedReason::Kickstand => "kickstand",
        }
    }
}

/// A count in words, singular for one: `counted(1, "session", "sessions")` is "1 session".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 rep", "3 reps": a count of reps in words.
pub fn reps_text(n: u64) -> String {
    counted(n, "rep", "reps")
}

/// The faults that read the hip's extension: without them seen, a rep's form was not.
const HIP_EXTENSION: [FaultId; 3] =
    [FaultId::OverarchLowerBack, FaultId::IncompleteLockout, FaultId::NoTopSqueeze];

/// Uneven hips from a side view: the one check a side view cannot make.
const HIPS_FROM_THE_SIDE: &str = "uneven hips: not judged from the side (needs a camera at your feet)";
/// Uneven hips from an angle between the side and the feet.
const HIPS_FROM_AN_ANGLE: &str =
    "uneven hips: not judged from this angle (needs the camera square at your feet)";

/// One fault's verdict on one rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub id: FaultId,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotJudgedReason>,
}

impl Judgement {
    pub fn clear(id: FaultId) -> Self {
        Self { id, verdict: Verdict::Clear, reason: None }
    }

    pub fn not_judged(id: FaultId, reason: NotJudgedReason) -> Self {
        Self { id, verdict: Verdict::NotJudged, reason: Some(reason) }
    }
}

/// How the camera saw the lifter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraView {
    /// The sagittal plane faces the camera: hip, knee and foot angles are judged.
    Side,
    /// Turned away from the side: the sagittal angles are foreshortened past trust.
    Oblique,
    /// Facing the lifter, or from the feet or the head: the left–right axis is seen, the
    /// sagittal plane edge-on.
    Frontal,
}

impl CameraView {
    pub fn label(self) -> &'static str {
        match self {
            CameraView::Side => "side view",
            // The hip angle still counts the reps: it is shown, corrected for the turn, and said
            // to be approximate rather than "not judged" beside a figure.
            CameraView::Oblique => "oblique view (hip, knee and foot faults not judged; hip angles approximate)",
            CameraView::Frontal => {
                "frontal view, or from the feet or head (hip, knee and foot faults not judged; hip angles approximate)"
            }
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
    /// A lowering the clip ended in: how long it had lasted by then (`eccentric_s` stays
    /// `None`, the whole lowering unseen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eccentric_at_least_s: Option<f64>,
    /// Time at the bottom before the rise: from the hips settling there (the last lowering's
    /// end, or the set's start) to the rise's start, the gap between a rep's `end_s` and the
    /// next one's `start_s`.
    pub bottom_pause_s: f64,
}

/// A rep's lowering as far as it was seen (see [`Tempo::lowering`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lowering {
    /// Seen whole: its seconds.
    Whole(f64),
    /// The clip ended during it: it lasted at least this long.
    AtLeast(f64),
}

impl std::fmt::Display for Lowering {
    /// Seconds to a tenth, "≥" before a lower bound.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Whole(s) => write!(f, "{s:.1}"),
            Self::AtLeast(s) => write!(f, "≥{s:.1}"),
        }
    }
}

impl Tempo {
    /// The lowering, whole or cut short by the clip's end; `None` where none was seen.
    pub fn lowering(&self) -> Option<Lowering> {
        self.eccentric_s.map(Lowering::Whole).or(self.eccentric_at_least_s.map(Lowering::AtLeast))
    }
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
    /// Largest extension past the shoulder-knee line, degrees; null where the camera could not
    /// show the overarch (its verdict says why).
    pub max_hyperextension_deg: Option<f32>,
    /// Mean heel and toe height over the top hold, in foot lengths above the set's floor.
    pub heel_lift_at_top: Option<f32>,
    pub toe_lift_at_top: Option<f32>,
    /// Roll of the pelvis against the shoulders about the spine, in the body's own frame
    /// (world landmarks), degrees: the median through the top, from the count until the hips
    /// leave it; only where the view shows the left–right axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hip_roll_deg: Option<f32>,
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
    /// Every fault's verdict on this rep: raised, clear or not judged (with the reason).
    #[serde(default)]
    pub judgements: Vec<Judgement>,
    /// How the camera saw this rep's top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<CameraView>,
    /// The hips' mean velocity over the middle 80 % of the rise and their peak velocity, m/s,
    /// and how far they rose, cm (world landmarks; scaled by the lifter's height when given,
    /// see [`SessionSummary::velocity_scale`]). `None` without world landmarks or a readable
    /// path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_concentric_velocity_m_s: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_concentric_velocity_m_s: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_of_motion_cm: Option<f32>,
}

/// Uneven hips unjudged for the view: the one unseen check a side view always has.
fn is_hips_level_unseen(id: FaultId, why: NotJudgedReason) -> bool {
    id == FaultId::HipsUneven && why == NotJudgedReason::View
}

impl Rep {
    /// Its form was judged (seen from the side; sessions older than views count as judged).
    pub fn form_judged(&self) -> bool {
        self.view.is_none_or(|v| v == CameraView::Side)
    }

    /// Its form was seen: judged from the side, and the hip's extension (the movement itself:
    /// overarch, lockout, squeeze) not hidden from the camera. A plate in front of the hips, the
    /// frame's edge or unsettled landmarks there leave the rep unseen; the clip's end or a cut
    /// (timing) and a foot the camera could not see leave it seen, partly (the table says which).
    pub fn form_seen(&self) -> bool {
        self.form_judged()
            && !self.not_judged().any(|(id, why)| HIP_EXTENSION.contains(&id) && why.is_the_cameras())
    }

    /// The clip ended during its top: the hold shown is how long it had lasted by then.
    pub fn hold_cut_short(&self) -> bool {
        self.judgement(FaultId::NoTopSqueeze).is_some_and(|j| j.reason == Some(NotJudgedReason::ClipEnded))
    }

    /// Clean: its form seen, and no fault raised. A rep whose hip extension the camera could
    /// not see (its angle, a plate) is not called clean, whatever it did: the barbell clip's
    /// reps, their knees behind the plate, had been "100 % clean" with seven of their eight
    /// side-view checks not judged.
    pub fn is_clean(&self) -> bool {
        self.faults.is_empty() && self.form_seen()
    }

    /// The rep's not-judged faults grouped by reason, in plain words: one line per reason,
    /// e.g. "not judged from this angle: put the camera at your side (lower-back overarch, …)".
    pub fn not_judged_lines(&self) -> Vec<String> {
        // Uneven hips need the opposite camera (the front or the feet): their own line.
        let hips = is_hips_level_unseen;
        let mut reasons: Vec<NotJudgedReason> =
            self.not_judged().filter(|&(id, r)| !hips(id, r)).map(|(_, r)| r).collect();
        reasons.sort();
        reasons.dedup();
        let mut lines: Vec<String> = reasons
            .into_iter()
            .map(|why| {
                let names: Vec<&str> = self
                    .not_judged()
                    .filter(|&(id, r)| r == why && !hips(id, r))
                    .map(|(id, _)| id.label())
                    .collect();
                format!("{} ({})", why.message(), names.join(", "))
            })
            .collect();
        if self.hips_level_unseen() {
            // From an oblique or frontal angle "from the side" would misname the camera.
            let line = if self.form_judged() { HIPS_FROM_THE_SIDE } else { HIPS_FROM_AN_ANGLE };
            lines.push(line.to_string());
        }
        lines
    }

    /// Something about its form went unseen, beyond the uneven hips a side view never shows.
    pub fn form_partly_unseen(&self) -> bool {
        self.not_judged().any(|(id, r)| !is_hips_level_unseen(id, r))
    }

    /// The hips' level went unjudged for the camera's view (a side view never shows it).
    pub fn hips_level_unseen(&self) -> bool {
        self.not_judged().any(|(id, r)| is_hips_level_unseen(id, r))
    }

    pub fn judgement(&self, id: FaultId) -> Option<Judgement> {
        self.judgements.iter().copied().find(|j| j.id == id)
    }

    /// Whether `id` was not judged because the picture could not show it
    /// ([`NotJudgedReason::unseen`]).
    pub fn unseen(&self, id: FaultId) -> bool {
        self.judgement(id)
            .is_some_and(|j| j.verdict == Verdict::NotJudged && j.reason.is_some_and(NotJudgedReason::unseen))
    }

    /// Clears each figure whose check the picture could not show on this rep: the report's
    /// "not judged from this angle" beside a hyperextension or a heel height would claim to see
    /// what it says it cannot (the oblique barbell thrust's reps had given 6–10° past straight
    /// with the overarch not judged).
    pub fn drop_unseen_figures(&mut self) {
        if self.unseen(FaultId::OverarchLowerBack) {
            self.metrics.max_hyperextension_deg = None;
        }
        if self.unseen(FaultId::HeelsLifting) {
            self.metrics.heel_lift_at_top = None;
        }
        if self.unseen(FaultId::ToesLifting) {
            self.metrics.toe_lift_at_top = None;
        }
        if self.unseen(FaultId::HipsUneven) {
            self.metrics.max_hip_roll_deg = None;
        }
        if self.unseen(FaultId::FeetTooClose) && self.unseen(FaultId::FeetTooFar) {
            self.metrics.knee_angle_at_top = None;
            self.metrics.shin_angle_at_top = None;
        }
    }

    /// Faults that could not be judged on this rep, with the reason.
    pub fn not_judged(&self) -> impl Iterator<Item = (FaultId, NotJudgedReason)> + '_ {
        self.judgements
            .iter()
            .filter_map(|j| j.reason.filter(|_| j.verdict == Verdict::NotJudged).map(|r| (j.id, r)))
    }
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
    /// Tops reached by a movement that is not a hip thrust (hands bearing weight, sitting or
    /// standing up): not counted.
    #[serde(default)]
    pub look_alikes: u32,
    /// This set's movement was judged not to be a hip thrust or bridge (all its tops were
    /// look-alikes); nothing in it is counted.
    #[serde(default)]
    pub not_a_hip_thrust: bool,
    /// Mean concentric velocity lost from the set's fastest rep to its last, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub velocity_loss_pct: Option<f32>,
    /// Reps left before the velocity of a one-rep maximum, at the rate the set slowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reps_in_reserve: Option<f32>,
    /// The set's fastest mean concentric velocity, m/s (a point of the load–velocity profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_mean_velocity_m_s: Option<f32>,
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
    /// Some tops in a counted session came from a look-alike movement and were not counted.
    LookAlikeMovement,
    /// The camera could not see enough to count (hips hidden behind the plate through the
    /// rise, the body out of the picture): said instead of guessing "not a hip thrust".
    CannotSeeEnough,
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
                "The camera does not see you square from the side (turned, or looking down from above): hip, knee and foot faults are not judged from this angle. Put it at your side, level with your hips."
            }
            Warning::CannotSeeEnough => {
                "The camera could not see enough of you to count every rise: keep your shoulders, hips, knees and feet in the picture, from your side at hip height, with nothing in front of your hips."
            }
            Warning::LookAlikeMovement => {
                "Some movements did not look like a hip thrust (hands bearing weight, sitting or standing up) and were not counted."
            }
        }
    }
}

/// Why a rise to a straight hip was not counted: what a hip thrust or bridge has and this
/// movement did not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookAlikeReason {
    /// The torso upright at the top: standing, squatting or dipping off a bench.
    Upright,
    /// A straight arm with its hand planted held the body up.
    HandsBearingWeight,
    /// The feet off the floor through most of the rise.
    FeetOffFloor,
    /// The hip opened with the hips and the thigh still: the torso moved (a sit-up, or a
    /// standing hinge), not the hips.
    HipsStayedDown,
    /// The face turned to the floor: prone, or bent over from standing. Only the face's side of
    /// the torso is measured, never whether the body lies or stands.
    FaceDown,
    /// The shoulders travelled: the upper back left its support.
    BackLeftSupport,
    /// The knees swung about hips that stayed down: the legs opened the hip (a leg raise).
    LegsSwung,
}

impl LookAlikeReason {
    pub const ALL: [LookAlikeReason; 7] = [
        LookAlikeReason::Upright,
        LookAlikeReason::HandsBearingWeight,
        LookAlikeReason::FeetOffFloor,
        LookAlikeReason::HipsStayedDown,
        LookAlikeReason::FaceDown,
        LookAlikeReason::BackLeftSupport,
        LookAlikeReason::LegsSwung,
    ];

    /// What was seen, in a coach's words.
    pub fn phrase(self) -> &'static str {
        match self {
            LookAlikeReason::Upright => "the torso was upright at the top (standing, squatting or dipping off a bench, or a video that plays sideways: turn it upright first)",
            LookAlikeReason::HandsBearingWeight => "the arms moved the weight, not the hips",
            LookAlikeReason::FeetOffFloor => "the feet left the floor",
            LookAlikeReason::HipsStayedDown => {
                "the torso moved while the hips stayed where they were (a sit-up or a hinge)"
            }
            LookAlikeReason::FaceDown => "facing the floor, not lying on the back",
            LookAlikeReason::BackLeftSupport => {
                "the shoulders moved along their support, where a hip thrust pivots on them (lying back, or rolling over the bench)"
            }
            LookAlikeReason::LegsSwung => "the legs swung while the hips stayed down (a leg raise)",
        }
    }
}

/// Reasons a look-alike warning names (session.json keeps them all).
const MESSAGE_REASONS: usize = 2;

/// A warning's message as the session gives it: a look-alike warning with what was seen
/// ("…; seen: the feet left the floor."), the camera warning naming the reps it hid when others
/// were judged from the side (a session whose camera turned mid-set, or a rep at the view's
/// limit: "not judged from this angle" beside reps judged clean read as a contradiction).
pub fn warning_message(w: Warning, reasons: &[LookAlikeReason], reps: &[Rep]) -> String {
    let base = w.message();
    if w == Warning::CameraFrontal {
        let hidden: Vec<u32> = reps.iter().filter(|r| !r.form_judged()).map(|r| r.index).collect();
        let judged: Vec<u32> = reps.iter().filter(|r| r.form_judged()).map(|r| r.index).collect();
        if hidden.is_empty() || judged.is_empty() {
            return base.to_string();
        }
        let its = if hidden.len() == 1 { "its" } else { "their" };
        let were = if judged.len() == 1 { "was" } else { "were" };
        return format!(
            "The camera saw {} from off the side (turned, or looking down from above): {its} hip, knee and foot faults are not judged; {} {were} judged from the side. Put the camera at your side, level with your hips.",
            rep_list(&hidden),
            rep_list(&judged),
        );
    }
    if reasons.is_empty() || !matches!(w, Warning::NotAHipThrust | Warning::LookAlikeMovement) {
        return base.to_string();
    }
    // The two seen most often: a third reason adds words, not help.
    let seen: Vec<&str> = reasons.iter().take(MESSAGE_REASONS).map(|r| r.phrase()).collect();
    format!("{base} Seen: {}.", seen.join("; "))
}

/// Each fault raised on `reps` (the first rep's instance) with the reps it came on, the major
/// ones first: the report's "What to work on" and `analyze`'s closing table list them alike.
pub fn faults_with_reps(reps: &[Rep]) -> Vec<(&Fault, Vec<u32>)> {
    let mut by_fault: Vec<(&Fault, Vec<u32>)> = Vec::new();
    for r in reps {
        for f in &r.faults {
            match by_fault.iter_mut().find(|(g, _)| g.id == f.id) {
                Some((_, ix)) => ix.push(r.index),
                None => by_fault.push((f, vec![r.index])),
            }
        }
    }
    by_fault.sort_by_key(|(f, _)| (std::cmp::Reverse(f.severity), f.id));
    by_fault
}

/// Rep numbers in words: "rep 3", "reps 1 and 2", "reps 1, 2 and 4", "reps 1–5".
pub fn rep_list(ix: &[u32]) -> String {
    let run = ix.len() > 2 && ix.windows(2).all(|w| w[1] == w[0] + 1);
    match ix {
        [one] => format!("rep {one}"),
        [first, .., last] if run => format!("reps {first}–{last}"),
        [head @ .., last] => {
            let head: Vec<String> = head.iter().map(u32::to_string).collect();
            format!("reps {} and {last}", head.join(", "))
        }
        [] => String::new(),
    }
}

/// Hip-thrust variation the user trains (informational; the core detects single-leg itself).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variation {
    /// Told by what the camera sees: a hip thrust on a bench or a bridge on the floor (the
    /// shoulders' support height), single-leg (one foot off the floor); the load type not given.
    #[default]
    Auto,
    /// A hip thrust with the shoulders on a bench, load type not given.
    HipThrust,
    Barbell,
    Dumbbell,
    Bodyweight,
    Banded,
    Smith,
    SingleLeg,
    GluteBridge,
}

impl Variation {
    pub const ALL: [Variation; 9] = [
        Variation::Auto,
        Variation::HipThrust,
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
            Variation::Auto => "auto",
            Variation::HipThrust => "hip-thrust",
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
            Variation::Auto => "hip thrust or bridge (told from the video)",
            Variation::HipThrust => "hip thrust (load type not given)",
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
    /// The camera's height over the lifter as a pitch (degrees, median over the frames;
    /// positive above, looking down), when world landmarks gave it and the camera was not at
    /// the feet or the head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_pitch_deg: Option<f32>,
    /// How the camera saw the lifter over the session (the most common view of its posed frames).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_view: Option<CameraView>,
    /// What the velocities are scaled by: the lifter's height when given, else BlazePose's
    /// own metric scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub velocity_scale: Option<VelocityScale>,
    /// The camera's setup over the session: how often the feet or shoulders left the picture,
    /// the lifter was small in it, hard to see, or the room too dark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<crate::setup::SetupSummary>,
    /// Why tops were not counted (most frequent first), when some were look-alikes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub look_alike_reasons: Vec<LookAlikeReason>,
    /// The variation the camera saw (with reps counted): a hip thrust on a bench, a glute bridge
    /// on the floor, or single-leg; what `Variation::Auto` becomes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_variation: Option<Variation>,
}

/// The scale behind the velocities.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum VelocityScale {
    /// Scaled so the body measures the lifter's height.
    LifterHeight { height_m: f32 },
    /// BlazePose's world landmarks as they are (an average adult's proportions).
    Blazepose,
}

/// Why no rep was counted, where no warning says it (`None`: reps were counted, or one of
/// `warnings` names the reason): the report, the review and live windows, the terminal and
/// session.json say it alike.
pub fn why_no_rep(
    reps: usize,
    partials: usize,
    mut warnings: impl Iterator<Item = Warning>,
) -> Option<&'static str> {
    let told = warnings.any(|w| {
        matches!(
            w,
            Warning::NotAHipThrust
                | Warning::LookAlikeMovement
                | Warning::NoPose
                | Warning::LowConfidence
                | Warning::CannotSeeEnough
        )
    });
    if reps > 0 || told {
        None
    } else if partials > 0 {
        Some("the hips rose, but never to lockout")
    } else {
        Some("nothing here moved as a hip thrust or bridge rep does (the hips rising from bent to straight with the shoulders and feet planted, and back)")
    }
}

impl SessionSummary {
    pub fn clean_reps(&self) -> usize {
        clean_reps(&self.reps)
    }

    pub fn rep_at(&self, t_s: f64) -> Option<&Rep> {
        rep_at(&self.reps, t_s)
    }

    pub fn best_rep(&self) -> Option<&Rep> {
        best_rep(&self.reps)
    }

    /// Why no rep was counted where no warning says it ([`why_no_rep`]).
    pub fn why_no_rep(&self) -> Option<&'static str> {
        why_no_rep(self.reps.len(), self.partial_reps.len(), self.warnings.iter().copied())
    }

    /// Each warning with its message, naming what was seen: the words the report, the live
    /// window and the terminal all give.
    pub fn worded_warnings(&self) -> impl Iterator<Item = (Warning, String)> + '_ {
        self.warnings.iter().map(|&w| (w, warning_message(w, &self.look_alike_reasons, &self.reps)))
    }
}

/// The camera view a set's speeds are compared in: the one most of its reps were seen from
/// (the side on a tie). Each view reads the hips' path on its own scale (off the side it lies
/// in BlazePose's depth): the floor bridge's rep 3, as the lifter turned, read 0.11 m/s beside
/// 0.20 and 0.23, a "53 % loss" that was the camera's.
pub fn set_view<'a>(set_reps: impl IntoIterator<Item = &'a Rep>) -> Option<CameraView> {
    let mut counts: Vec<(Option<CameraView>, usize)> = Vec::new();
    for r in set_reps {
        match counts.iter_mut().find(|c| c.0 == r.view) {
            Some(c) => c.1 += 1,
            None => counts.push((r.view, 1)),
        }
    }
    // Most reps first; on a tie the view that judges most (side before oblique before frontal).
    counts.sort_by_key(|&(v, n)| (std::cmp::Reverse(n), v));
    counts.first().and_then(|c| c.0)
}

/// The video cut away (or the pose was lost) during this rep's lowering: the reps after it are
/// another stretch of footage. The lumbar-then-quad clip's two demonstrations, cut together,
/// had read "44 % slower" as if one set had slowed.
fn cut_after(r: &Rep) -> bool {
    r.judgement(FaultId::UncontrolledLowering).is_some_and(|j| j.reason == Some(NotJudgedReason::Cut))
}

/// The reps of a set (in order) whose speeds are compared: seen from `view`, and after the last
/// cut before the final rep given (earlier reps are another stretch of footage).
fn compared<'a: 'b, 'b>(
    set_reps: &'b [&'a Rep],
    view: Option<CameraView>,
) -> impl Iterator<Item = &'a Rep> + 'b {
    let last = set_reps.len().saturating_sub(1);
    let start = set_reps[..last].iter().rposition(|r| cut_after(r)).map_or(0, |i| i + 1);
    set_reps[start..].iter().copied().filter(move |r| r.view == view)
}

/// Why a rep's speed is left out of its set's comparison (its own speed is shown either way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotCompared {
    /// Seen from another view than most of its set's reps.
    OtherView,
    /// Before the set's last video cut: another stretch of footage.
    BeforeCut,
}

/// `None` when a rep's speed is compared with its set's (seen from [`set_view`] of its set, in
/// the set's last stretch of footage), else why not.
pub fn not_compared(rep: &Rep, reps: &[Rep]) -> Option<NotCompared> {
    let set: Vec<&Rep> = reps.iter().filter(|r| r.set == rep.set).collect();
    let view = set_view(set.iter().copied());
    if rep.view != view {
        return Some(NotCompared::OtherView);
    }
    let kept = compared(&set, view).any(|r| r.index == rep.index);
    (!kept).then_some(NotCompared::BeforeCut)
}

/// Whether a rep's speed is compared with its set's: see [`not_compared`].
pub fn speed_compared(rep: &Rep, reps: &[Rep]) -> bool {
    not_compared(rep, reps).is_none()
}

/// The mean concentric velocities a set compares (its loss and reps in reserve), in rep order:
/// the reps [`speed_compared`] keeps whose speed was read. `view`: the whole set's (a row of
/// the table compares the reps so far in the view of the whole set).
pub fn compared_velocities(set_reps: &[&Rep], view: Option<CameraView>) -> Vec<f32> {
    compared(set_reps, view).filter_map(|r| r.mean_concentric_velocity_m_s).collect()
}

/// A set's velocity loss so far, percent (its fastest rep to its last, over the reps
/// [`compared_velocities`] keeps): what the live stop cue and the loss bar watch.
pub fn set_velocity_loss_pct(reps: &[Rep], set: u32) -> Option<f32> {
    let set: Vec<&Rep> = reps.iter().filter(|r| r.set == set).collect();
    crate::velocity::velocity_loss_pct(&compared_velocities(&set, set_view(set.iter().copied())))
}

/// Reps with no fault raised and every fault judged (a rep whose form was not seen is not
/// called clean).
pub fn clean_reps(reps: &[Rep]) -> usize {
    reps.iter().filter(|r| r.is_clean()).count()
}

/// Clean reps as a count a reader can take at its word: `None` when reps were counted but no
/// rep's form was seen (an angle or a plate hid it), where "0 clean" would read as every rep
/// faulty. The terminal, the review window and the report's card say it so.
pub fn clean_count(reps: &[Rep]) -> Option<usize> {
    (reps.is_empty() || reps.iter().any(Rep::form_seen)).then(|| clean_reps(reps))
}

/// The rep whose span (start to end) holds a time, if any.
pub fn rep_at(reps: &[Rep], t_s: f64) -> Option<&Rep> {
    reps.iter().find(|r| t_s >= r.start_s && t_s <= r.end_s)
}

/// The rep to model the others on: complete, without faults first, then the highest lockout.
pub fn best_rep(reps: &[Rep]) -> Option<&Rep> {
    reps.iter().filter(|r| r.complete).max_by(|a, b| {
        (a.faults.is_empty(), a.metrics.peak_hip_angle)
            .partial_cmp(&(b.faults.is_empty(), b.metrics.peak_hip_angle))
            .unwrap_or(std::cmp::Ordering::Equal)
    })
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

#[cfg(test)]
mod look_alike_tests {
    use super::*;

    #[test]
    fn a_look_alike_warning_says_what_was_seen() {
        let m = warning_message(Warning::NotAHipThrust, &[LookAlikeReason::HandsBearingWeight], &[]);
        assert!(m.ends_with("Seen: the arms moved the weight, not the hips."), "{m}");
        let all = LookAlikeReason::ALL;
        let m = warning_message(Warning::LookAlikeMovement, &all, &[]);
        assert_eq!(m.matches("; ").count(), MESSAGE_REASONS - 1, "{m}");
        // Other warnings keep their words.
        assert_eq!(warning_message(Warning::NoPose, &all, &[]), Warning::NoPose.message());
        assert_eq!(warning_message(Warning::NotAHipThrust, &[], &[]), Warning::NotAHipThrust.message());
    }

    fn rep(index: u32, view: CameraView) -> Rep {
        Rep {
            index,
            set: 1,
            side: crate::Side::Left,
            start_s: 0.0,
            lockout_s: 1.0,
            end_s: 2.0,
            complete: true,
            metrics: RepMetrics::default(),
            faults: Vec::new(),
            judgements: Vec::new(),
            view: Some(view),
            mean_concentric_velocity_m_s: None,
            peak_concentric_velocity_m_s: None,
            range_of_motion_cm: None,
        }
    }

    #[test]
    fn the_camera_warning_names_the_reps_it_hid_beside_judged_ones() {
        let (s, o) = (CameraView::Side, CameraView::Oblique);
        let whole = warning_message(Warning::CameraFrontal, &[], &[rep(1, o), rep(2, CameraView::Frontal)]);
        assert_eq!(whole, Warning::CameraFrontal.message());
        let m = warning_message(Warning::CameraFrontal, &[], &[rep(1, s), rep(2, s), rep(3, o)]);
        assert!(m.starts_with("The camera saw rep 3 from off the side"), "{m}");
        assert!(m.contains("its hip, knee and foot faults are not judged; reps 1 and 2 were judged"), "{m}");
        let m = warning_message(Warning::CameraFrontal, &[], &[rep(1, o), rep(2, s), rep(3, o), rep(4, o)]);
        assert!(m.contains("saw reps 1, 3 and 4 from off the side"), "{m}");
        assert!(m.contains("their hip, knee and foot faults are not judged; rep 2 was judged"), "{m}");
        assert_eq!(rep_list(&[2, 3, 4, 5]), "reps 2–5");
    }

    #[test]
    fn a_count_of_reps_reads_in_words() {
        assert_eq!(reps_text(0), "0 reps");
        assert_eq!(reps_text(1), "1 rep");
        assert_eq!(reps_text(6), "6 reps");
        assert_eq!(counted(1, "session", "sessions"), "1 session");
    }

    #[test]
    fn a_lowering_the_clip_ended_in_reads_as_a_lower_bound() {
        let whole = Tempo { eccentric_s: Some(1.24), eccentric_at_least_s: None, ..Tempo::default() };
        assert_eq!(whole.lowering(), Some(Lowering::Whole(1.24)));
        assert_eq!(whole.lowering().map(|l| l.to_string()).as_deref(), Some("1.2"));
        let cut = Tempo { eccentric_s: None, eccentric_at_least_s: Some(0.84), ..Tempo::default() };
        assert_eq!(cut.lowering().map(|l| l.to_string()).as_deref(), Some("≥0.8"));
        assert_eq!(Tempo::default().lowering(), None);
    }

    #[test]
    fn a_set_compares_the_speeds_seen_from_its_own_view() {
        let (s, o) = (CameraView::Side, CameraView::Oblique);
        let with_speed = |index, view, v| Rep { mean_concentric_velocity_m_s: Some(v), ..rep(index, view) };
        // A turned rep's slow reading is not a loss: the two side reps are compared.
        let reps = [with_speed(1, s, 0.20), with_speed(2, s, 0.23), with_speed(3, o, 0.11)];
        assert_eq!(set_view(&reps), Some(s));
        let all: Vec<&Rep> = reps.iter().collect();
        assert_eq!(compared_velocities(&all, set_view(&reps)), vec![0.20, 0.23]);
        assert_eq!(set_velocity_loss_pct(&reps, 1), Some(0.0));
        assert!(!speed_compared(&reps[2], &reps) && speed_compared(&reps[0], &reps));
        assert_eq!(not_compared(&reps[2], &reps), Some(NotCompared::OtherView));
        // A set filmed mostly oblique compares its oblique reps; a tie goes to the side.
        let reps = [with_speed(1, o, 0.30), with_speed(2, s, 0.40), with_speed(3, o, 0.24)];
        assert_eq!(set_view(&reps), Some(o));
        assert_eq!(set_velocity_loss_pct(&reps, 1).map(f32::round), Some(20.0));
        assert_eq!(set_view(&reps[..2]), Some(s));
        // A video cut after rep 2's top: reps 3 and 4 are compared, the earlier stretch not.
        let mut reps =
            [with_speed(1, s, 0.40), with_speed(2, s, 0.30), with_speed(3, s, 0.25), with_speed(4, s, 0.20)];
        let id = FaultId::UncontrolledLowering;
        reps[1].judgements.push(Judgement::not_judged(id, NotJudgedReason::Cut));
        assert_eq!(set_velocity_loss_pct(&reps, 1).map(f32::round), Some(20.0));
        assert!(!speed_compared(&reps[0], &reps) && speed_compared(&reps[2], &reps));
        assert_eq!(not_compared(&reps[0], &reps), Some(NotCompared::BeforeCut));
        // Live, the cut rep as the set's last so far: it is still compared.
        assert_eq!(set_velocity_loss_pct(&reps[..2], 1).map(f32::round), Some(25.0));
    }
}
