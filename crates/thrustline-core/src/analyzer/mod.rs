//! The per-frame update: metrics → phase machine → reps, partials, faults and sets. One
//! `Analyzer`, its methods by role: `phase` (the rep state machine), `faults` (the rules and
//! their verdicts), `sets` (sets and the summary), `view` (what the camera can see).

mod faults;
mod phase;
mod sets;
mod view;

use serde::{Deserialize, Serialize};

use crate::config::Thresholds;
use crate::landmarks::{FrameGeometry, PoseObservation};
use crate::metrics::{
    lateral_axis, measure_in_view, Baseline, FootSample, FrameMetrics, Proportions, Side, ViewAxis,
    WORLD_ANGLES_HYSTERESIS_DEG,
};
use crate::session::{
    CameraView, Evidence, Fault, FaultCount, FaultId, Judgement, LookAlikeReason, NotJudgedReason,
    PartialRep, Rep, RepMetrics, SessionSummary, SetSummary, Tempo, Variation, VelocityScale, Verdict,
    Warning,
};

/// Phase of the movement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the first bottom, or after tracking was lost.
    Setup,
    Ascent,
    Lockout,
    Descent,
    Bottom,
}

impl Phase {
    /// The phase as the overlay and the live window name it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Setup => "setup",
            Phase::Ascent => "up",
            Phase::Lockout => "lockout",
            Phase::Descent => "down",
            Phase::Bottom => "bottom",
        }
    }
}

/// Something that happened on this frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    RepCounted {
        rep: u32,
    },
    PartialRep {
        peak_hip_angle: f32,
    },
    FaultRaised {
        rep: u32,
        id: FaultId,
    },
    SetEnded {
        set: u32,
    },
    Warning {
        id: Warning,
    },
    /// The camera's setup has a new most urgent issue (`None`: fixed).
    Setup {
        issue: Option<crate::setup::SetupIssue>,
    },
}

/// Fixed-capacity event list, so the per-frame update never allocates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Events {
    items: [Option<Event>; Events::CAPACITY],
    len: usize,
}

impl Events {
    pub const CAPACITY: usize = 12;

    pub fn push(&mut self, e: Event) {
        if self.len < Self::CAPACITY {
            self.items[self.len] = Some(e);
            self.len += 1;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Event> {
        self.items[..self.len].iter().flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The core's output for one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameAnalysis {
    pub t_ms: f64,
    pub metrics: Option<FrameMetrics>,
    /// The smoothed hip angle the phase machine runs on.
    pub hip_angle_smoothed: Option<f32>,
    pub phase: Phase,
    /// Reps counted so far.
    pub reps: u32,
    /// Rep in progress (1-based), counted or not.
    pub rep_in_progress: Option<u32>,
    /// At a top that was not counted (a look-alike's, or one the camera could not see): a live
    /// "lockout" label would read as a rep.
    pub top_refused: bool,
    /// How the camera sees the lifter now (the judging's view): the knee's angle is shown only
    /// where it is judged, from the side.
    pub view: Option<CameraView>,
    pub set: u32,
    pub events: Events,
}

/// One frame inside a rep, kept for the rep's end-of-phase checks.
#[derive(Clone, Copy, Debug)]
struct Sample {
    t: f64,
    hip: f32,
    knee: f32,
    shin: f32,
    heel: f32,
    toe: f32,
    roll: f32,
    /// The knees' distance apart over the hips' (NaN when unknown).
    knees: f32,
    /// The leg the knee, shin and foot were read on is the set's kickstand (a B-stance).
    kickstand: bool,
    /// The working foot's room to the frame's edge (heel, toe, ankle) and the ankle's, foot
    /// lengths (NaN when unknown).
    foot_room: f32,
    ankle_room: f32,
    /// The hip angle's landmarks were seen well enough to judge on (not a hidden hip).
    hip_seen: bool,
    /// Steady lateral spread and view obliquity (world landmarks; NaN when unknown) at this frame.
    spread: f32,
    yaw: f32,
}

/// Knees this many hips' widths apart at the top are turned out (a frog stance): the shins and
/// feet leave the sagittal plane, and the side view reads the shin tilted forward and the knee
/// opened (a generated frog pump, knees 45° out: `feet_too_far` on every rep). Our pose stage
/// reads the shared clips' knees 1.0–1.7 apart (medians per clip), 2.3 at most on any frame;
/// knees turned 45° out over feet together read about 3.7.
const KNEES_OUT_MIN_APART: f32 = 3.0;

/// Frames a rep may hold (ascent to bottom): 60 s at 60 fps; later frames only extend times.
const REP_BUFFER_FRAMES: usize = 3600;

/// The hips where a rise left the bottom: what the movement checks read the rise against.
#[derive(Debug, Clone, Copy)]
struct RiseStart {
    /// Hip angle at the bottom (degrees).
    angle: f32,
    /// Hip height above the ankle (thigh lengths), if read.
    hip_height: Option<f32>,
    /// The thigh's elevation (degrees), if read.
    thigh_elevation: Option<f32>,
}

impl RiseStart {
    /// The lower of two bottoms: a rise that turned back and rose again is one rise from the
    /// lowest the hips sat, each reading at its own lowest (a noisy reading's lowest may fall
    /// on either bottom; measured on the views study's camera at the feet). A reading one
    /// bottom lacks is not known at the lowest: none (a bounce, rising on the frame after its
    /// bottom, reads nothing there, and the hips over a wobble higher in the lowering are no
    /// start: the CRF 38 copy of the oblique barbell clip lost a rep that way).
    fn lowest(self, other: Self) -> Self {
        let pick = |a: Option<f32>, b: Option<f32>, lower: fn(f32, f32) -> f32| match (a, b) {
            (Some(a), Some(b)) => Some(lower(a, b)),
            _ => None,
        };
        Self {
            angle: self.angle.min(other.angle),
            hip_height: pick(self.hip_height, other.hip_height, f32::min),
            // The thigh's elevation is highest at the bottom (it falls as the hips rise).
            thigh_elevation: pick(self.thigh_elevation, other.thigh_elevation, f32::max),
        }
    }
}

#[derive(Debug)]
struct RepTracker {
    bottom_enter_t: f64,
    /// When the hips settled at the bottom before this rise (the last lowering's end): the
    /// bottom pause runs from here, not from crossing into the bottom zone mid-lowering.
    settled_t: f64,
    start_t: f64,
    bottom_angle: f32,
    peak: f32,
    peak_t: f64,
    counted: Option<u32>,
    lockout_t: f64,
    lockout_exit_t: Option<f64>,
    top_end_t: f64,
    /// How much later than seen the top may have ended: frames missed after it.
    top_end_unseen_s: f64,
    top_checked: bool,
    max_hyper: f32,
    /// The video cut somewhere inside this rep.
    cut: bool,
    side: Side,
    /// Frames of the rise, and those with a hand bearing weight (a look-alike movement).
    rise_frames: u32,
    /// Rise frames counted on a hidden hip (a plate): a rise refused on those is unseen.
    hidden_frames: u32,
    hand_frames: u32,
    /// Frames of the rise where the feet could be placed, and those with them planted.
    foot_frames: u32,
    planted_frames: u32,
    /// The bottom the rise left from (the lowest of a rise that turned back and rose again).
    rise_start: Option<RiseStart>,
    /// Frames of the rise where the face's side could be read, and those with it down.
    face_frames: u32,
    face_down_frames: u32,
    /// The body in the picture where the rise left the bottom, and the shoulders' farthest
    /// travel from there since (torso lengths).
    start_torso: Option<Torso>,
    shoulder_travel: f32,
    /// The shoulders' farthest travel against the ankles since, in the world landmarks (torso
    /// lengths; `None` until measured).
    world_back_travel: Option<f32>,
    /// The body where the hips last sat at the bottom, read on a frame the hip angle kept (the
    /// rise's first frame may be one joint's glitch): the legs' swing is measured from here.
    low_torso: Option<Torso>,
    /// The feet where the rise left the bottom, and each ankle's last seen travels since (shin
    /// lengths, [`RecentTravel`]).
    start_feet: Option<Feet>,
    feet_travel: [RecentTravel; 2],
    samples: Vec<Sample>,
}

impl RepTracker {
    fn new() -> Self {
        Self {
            bottom_enter_t: 0.0,
            settled_t: 0.0,
            start_t: 0.0,
            bottom_angle: 0.0,
            peak: 0.0,
            peak_t: 0.0,
            counted: None,
            lockout_t: 0.0,
            lockout_exit_t: None,
            top_end_t: 0.0,
            top_end_unseen_s: 0.0,
            top_checked: false,
            max_hyper: 0.0,
            cut: false,
            side: Side::Left,
            rise_frames: 0,
            hidden_frames: 0,
            hand_frames: 0,
            foot_frames: 0,
            planted_frames: 0,
            rise_start: None,
            face_frames: 0,
            face_down_frames: 0,
            start_torso: None,
            shoulder_travel: 0.0,
            world_back_travel: None,
            low_torso: None,
            start_feet: None,
            feet_travel: [RecentTravel::default(); 2],
            samples: Vec::with_capacity(REP_BUFFER_FRAMES),
        }
    }

    fn begin(&mut self, bottom_enter_t: f64, settled_t: f64, start_t: f64, bottom_angle: f32) {
        self.bottom_enter_t = bottom_enter_t;
        self.settled_t = settled_t;
        self.start_t = start_t;
        self.bottom_angle = bottom_angle;
        self.peak = bottom_angle;
        self.peak_t = start_t;
        self.counted = None;
        self.lockout_t = 0.0;
        self.lockout_exit_t = None;
        self.top_end_t = 0.0;
        self.top_end_unseen_s = 0.0;
        self.top_checked = false;
        self.max_hyper = 0.0;
        self.cut = false;
        self.rise_frames = 0;
        self.hidden_frames = 0;
        self.hand_frames = 0;
        self.foot_frames = 0;
        self.planted_frames = 0;
        self.rise_start = None;
        self.face_frames = 0;
        self.face_down_frames = 0;
        self.start_torso = None;
        self.shoulder_travel = 0.0;
        self.world_back_travel = None;
        self.low_torso = None;
        self.start_feet = None;
        self.feet_travel = [RecentTravel::default(); 2];
        self.samples.clear();
    }
}

/// Streaming analyzer: feed frames in time order with [`Analyzer::update`].
#[derive(Debug)]
pub struct Analyzer {
    forced_side: Option<Side>,
    cfg: Thresholds,
    geom: FrameGeometry,
    setup: crate::setup::SetupCheck,
    phase: Phase,
    smoothed: Option<f32>,
    last_t: Option<f64>,
    last_pose_t: Option<f64>,
    last_raw_hip: Option<f32>,
    /// The torso where `last_raw_hip` was read (a cut moves it; a joint's glitch does not).
    last_torso: Option<Torso>,
    /// Frames kept in a row, each within reach of the one before (no cut, no gap).
    kept_run: u32,
    /// The kept run began after a gap in the poses or a cut (a track found again), not at the
    /// clip's first pose.
    run_after_loss: bool,
    /// This frame's body in the picture (the rise's start and travel are read from it).
    frame_torso: Option<Torso>,
    frame_feet: Option<Feet>,
    first_t: Option<f64>,
    // Bottom tracking.
    bottom_enter_t: f64,
    bottom_min: f32,
    bottom_min_t: f64,
    bottom_settle_angle: f32,
    bottom_settle_t: f64,
    rep: RepTracker,
    /// Counted rep whose lowering is judged once its bottom is known: (rep, end of top hold,
    /// how much later it may have ended unseen).
    pending_lowering: Option<(u32, f64, f64)>,
    reps: Vec<Rep>,
    partials: Vec<PartialRep>,
    set: u32,
    set_last_activity: Option<f64>,
    foot_baseline: Option<FootSample>,
    /// The lifter's segment proportions (for the hip angle read off the shoulder–knee reach).
    proportions: Proportions,
    /// The hips' recent path relative to the feet (world landmarks, metres), oldest first:
    /// the concentric's velocity is read off it when a rep's top is judged.
    hip_track: Vec<(f64, [f32; 3])>,
    /// Ankle-to-shoulder length of BlazePose's world skeleton (m, steady), and the lifter's
    /// height when given: the velocities' scale.
    body_len_m: Option<f32>,
    lifter_height_m: Option<f32>,
    frames: u64,
    frames_with_pose: u64,
    frames_low_conf: u64,
    frames_upright: u64,
    /// Posed frames without the body from shoulders to ankles in the picture (close-ups).
    frames_out_of_view: u64,
    /// Rises refused as look-alikes on evidence the camera could not carry (hips hidden
    /// through most of the rise): not "not a hip thrust", but "cannot see enough".
    unseen_look_alikes: [u32; MAX_SETS],
    warnings: Vec<Warning>,
    /// Steady estimate of the camera's yaw from a side view (degrees).
    view_yaw: Option<f32>,
    /// Per-frame yaw readings by whole degree (0–90), for the session's median.
    yaw_histogram: [u32; 91],
    /// Per-frame camera pitch readings by whole degree (−90–90, offset by 90), for the
    /// session's median.
    pitch_histogram: [u32; 181],
    /// Steady estimate of the body's left–right axis in camera coordinates (world landmarks).
    axis: Option<[f32; 3]>,
    /// Hip angle and torso incline come from the world landmarks (a view turned far off the side).
    world_angles: bool,
    /// Hip height above the ankle at the current bottom's low (see `FrameMetrics::hip_height`).
    bottom_hip_height: Option<f32>,
    /// The thigh's elevation there (see `FrameMetrics::thigh_elevation`).
    bottom_thigh_elevation: Option<f32>,
    /// The body there (see [`Torso`]).
    bottom_torso: Option<Torso>,
    /// Where the last rise left the bottom when it turned back before any top: the next rise
    /// continues the same movement, so the hips' rise is read from the lower of the two.
    turned_start: Option<RiseStart>,
    /// Timing faults' margin for the rep being judged: the threshold's, or one frame interval
    /// when frames come further apart.
    timing_margin_s: f64,
    /// Steady estimate of the lateral spread (see [`FrameMetrics::lateral_spread`]).
    view_spread: Option<f32>,
    /// Posed frames by the view they were seen from (side, oblique, frontal).
    view_frames: [u64; 3],
    /// Peak of the last rep (or rise) and the Setup phase's own range, for the adaptive
    /// thresholds.
    last_peak: Option<f32>,
    setup_lo: f32,
    setup_hi: f32,
    still_ref: f32,
    still_since: f64,
    /// Tops of look-alike movements per set (index = set - 1; later sets share the last slot).
    look_alikes: [u32; MAX_SETS],
    /// Look-alike tops by reason (index in `LookAlikeReason::ALL`).
    look_alike_reasons: [u32; LookAlikeReason::ALL.len()],
    /// The shoulders' height above the ankles (torso lengths) summed over bottom and rise
    /// frames, and how many: a bench or the floor.
    support_sum: f64,
    support_n: u32,
    /// Bottom and rise frames in view, and those with one leg raised (`FrameMetrics::raised_leg`).
    leg_frames: u32,
    single_leg_frames: u32,
    /// Share of recent frames in view reading each leg raised (left, right; smoothed), and the
    /// leg held off the floor by that reading ([`Baseline::raised_leg`]).
    raised_share: Option<[f32; 2]>,
    raised_leg: Option<Side>,
    /// The same for a B-stance's kickstand (`FrameMetrics::kickstand`), which the tops read.
    kick_share: Option<[f32; 2]>,
    kickstand: Option<Side>,
    /// The last reading of a frame that could read a raise, kept through frames that cannot
    /// (a free foot out of the picture at the top of the set's first rise).
    last_raise: Option<Side>,
}

/// Landmark noise in the torso's place from one frame to the next, in torso lengths: the
/// shoulder and hip midpoints of the shared clips and their mirrors move by 0.1–2 % (median)
/// and under 9 % at the 99th percentile, the movement included.
const TORSO_STEP_NOISE: f32 = 0.05;
/// Frames in a row the hip angle must have been kept before a jump from it is one joint's glitch
/// rather than a doubt about it: one frame alone (a track's first) proves nothing.
const MIN_KEPT_RUN: u32 = 2;
/// A gap in the kept frames longer than this many frame intervals (a frame without a pose between
/// them: a track lost and found again) starts a new run.
const MAX_KEPT_GAP_FRAMES: f64 = 1.5;
/// The torso's fastest real movement, torso lengths per second: hips rising at 1 m/s (a fast
/// unloaded bridge) under a 0.5 m torso.
const MAX_TORSO_SPEED: f32 = 2.0;
/// A step of the torso this large between frames (in [`Torso::reframe_from`]'s body sizes) is
/// a cut in the video, not the pose's noise: outside cuts the shared clips (our pose stage)
/// step at most 0.25 (a track's third frame), their blurred copies 0.34 and 12 fps copies 0.29
/// (the heavy barbell clip, mid-set); the faults tutorial's jump cut 0.54, 0.48 and 0.57.
const TORSO_CUT_STEP: f32 = 0.4;

/// The farthest the torso moves in `dt` seconds, noise included, in its lengths.
fn torso_reach(dt: f64) -> f32 {
    TORSO_STEP_NOISE + MAX_TORSO_SPEED * dt as f32
}

/// Distance between two picture points (pixels).
fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// How far `p` moved against `anchor` from (`p0`, `anchor0`) to (`p`, `anchor`), in pixels: the
/// part of its travel that the camera's own movement, which carries both, does not explain.
fn travel_against(p: [f32; 2], anchor: [f32; 2], p0: [f32; 2], anchor0: [f32; 2]) -> f32 {
    dist([p[0] - anchor[0], p[1] - anchor[1]], [p0[0] - anchor0[0], p0[1] - anchor0[1]])
}

/// Where the torso is in the picture: shoulder, hip and knee midpoints (pixels) and its length;
/// the wrists (pixels) with their visibility; the same midpoints and the ankles' in the world
/// landmarks.
#[derive(Debug, Clone, Copy)]
struct Torso {
    shoulders: [f32; 2],
    hips: [f32; 2],
    /// The knees' midpoint.
    knees: [f32; 2],
    /// Shoulder, hip and knee midpoints in the world landmarks (m), when given.
    world: Option<[[f32; 3]; 3]>,
    /// The ankles' midpoint in the world landmarks, when given and both ankles are seen.
    world_ankles: Option<[f32; 3]>,
    len: f32,
    wrists: [[f32; 2]; 2],
    wrist_vis: [f32; 2],
    /// Both ankles in the picture (pixels) and how well each is seen: the planted end of the
    /// body, which a camera held by hand moves with the shoulders.
    ankles: [[f32; 2]; 2],
    ankle_vis: [f32; 2],
    /// The better-seen shoulder's visibility: the supported end of the body, which a camera
    /// held by hand moves with the feet.
    shoulder_vis: f32,
    /// The body's size in the picture, torso lengths as the view least shortens them: the
    /// torso's own length, or the shoulders' breadth over [`SHOULDER_BREADTH_PER_TORSO`] where
    /// a view along the body (from the head or the feet) shortens the torso.
    scale: f32,
}

impl Torso {
    fn of(p: &PoseObservation, g: FrameGeometry) -> Option<Self> {
        use crate::landmarks::idx;
        use crate::metrics::world_mid;
        let lm = &p.landmarks;
        let mid = |a: usize, b: usize| {
            [(lm[a].x + lm[b].x) / 2.0 * g.width as f32, (lm[a].y + lm[b].y) / 2.0 * g.height as f32]
        };
        let (shoulders, hips) =
            (mid(idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER), mid(idx::LEFT_HIP, idx::RIGHT_HIP));
        let knees = mid(idx::LEFT_KNEE, idx::RIGHT_KNEE);
        let world = p.world.as_ref().map(|w| {
            [
                world_mid(w, idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
                world_mid(w, idx::LEFT_HIP, idx::RIGHT_HIP),
                world_mid(w, idx::LEFT_KNEE, idx::RIGHT_KNEE),
            ]
        });
        let ankles_seen = lm[idx::LEFT_ANKLE].visibility.min(lm[idx::RIGHT_ANKLE].visibility) >= ANKLE_SEEN;
        let world_ankles =
            p.world.as_ref().filter(|_| ankles_seen).map(|w| world_mid(w, idx::LEFT_ANKLE, idx::RIGHT_ANKLE));
        let len = (shoulders[0] - hips[0]).hypot(shoulders[1] - hips[1]);
        let px = |i: usize| [lm[i].x * g.width as f32, lm[i].y * g.height as f32];
        let wrists = [px(idx::LEFT_WRIST), px(idx::RIGHT_WRIST)];
        let wrist_vis = [lm[idx::LEFT_WRIST].visibility, lm[idx::RIGHT_WRIST].visibility];
        let ankles = [px(idx::LEFT_ANKLE), px(idx::RIGHT_ANKLE)];
        let ankle_vis = [lm[idx::LEFT_ANKLE].visibility, lm[idx::RIGHT_ANKLE].visibility];
        let shoulder_vis = lm[idx::LEFT_SHOULDER].visibility.max(lm[idx::RIGHT_SHOULDER].visibility);
        let (ls, rs) = (px(idx::LEFT_SHOULDER), px(idx::RIGHT_SHOULDER));
        let scale = len.max((ls[0] - rs[0]).hypot(ls[1] - rs[1]) / SHOULDER_BREADTH_PER_TORSO);
        (len.is_finite() && len > 0.0).then_some(Self {
            shoulders,
            hips,
            knees,
            world,
            world_ankles,
            len,
            wrists,
            wrist_vis,
            ankles,
            ankle_vis,
            shoulder_vis,
            scale,
        })
    }

    /// Whether a hand stayed planted while the hips rose from `start` to here: a wrist seen at
    /// both ends that travelled less than [`WRIST_PLANTED_SHARE`] of the hips' travel. A hand
    /// bearing the body's weight rests on a support and stays put; hands holding a bar or a
    /// dumbbell on the hips ride with them. `true` when it cannot be told (no wrist seen at both
    /// ends, or hips that barely moved), so the hand rule stands as measured. Both against the
    /// better-seen ankle where one is seen at both ends (a planted foot stays put with a planted
    /// hand, and a camera held by hand carries all three), else in the picture.
    fn hand_planted_since(&self, start: &Torso, min_vis: f32) -> bool {
        let seen = |i: usize| self.ankle_vis[i].min(start.ankle_vis[i]);
        let anchor = (0..2).filter(|&i| seen(i) >= ANKLE_SEEN).max_by(|&a, &b| seen(a).total_cmp(&seen(b)));
        let travel = |p: [f32; 2], p0: [f32; 2]| match anchor {
            Some(i) => travel_against(p, self.ankles[i], p0, start.ankles[i]),
            None => dist(p, p0),
        };
        let hips = travel(self.hips, start.hips) / start.scale;
        if hips.is_nan() || hips < MIN_HIP_TRAVEL_FOR_WRISTS {
            return true;
        }
        let mut moved = (0..2)
            .filter(|&i| self.wrist_vis[i] >= min_vis && start.wrist_vis[i] >= min_vis)
            .map(|i| travel(self.wrists[i], start.wrists[i]) / start.scale)
            .peekable();
        let none_seen = moved.peek().is_none();
        none_seen || moved.any(|w| w < WRIST_PLANTED_SHARE * hips)
    }

    /// Whether the legs swung about still hips since `start` (a leg raise): against the
    /// shoulders, the knees travelled at least [`LEG_SWING_MIN_TRAVEL`] torso lengths and
    /// [`LEG_SWING_RATIO`] times as far as the hips, read without the feet, which a leg raise
    /// can carry out of the picture. In the picture, and in the world landmarks too when both
    /// frames have them: each can be fooled alone (the picture by a view along the body, which
    /// sees the hips' rise end-on; the world by hips behind a plate, whose depth is a guess), a
    /// leg raise reads in both.
    fn legs_swung_since(&self, start: &Torso) -> bool {
        use crate::metrics::{dist3, sub3};
        let swung = |hips: f32, knees: f32| knees >= LEG_SWING_MIN_TRAVEL && knees >= LEG_SWING_RATIO * hips;
        let (s, s0) = (self.shoulders, start.shoulders);
        let travel = |p: [f32; 2], p0: [f32; 2]| {
            dist([p[0] - s[0], p[1] - s[1]], [p0[0] - s0[0], p0[1] - s0[1]]) / start.scale
        };
        let picture = swung(travel(self.hips, start.hips), travel(self.knees, start.knees));
        match (self.world, start.world) {
            (Some([s, h, k]), Some([s0, h0, k0])) => {
                let len = dist3(s0, h0);
                let travel = |p: [f32; 3], p0: [f32; 3]| dist3(sub3(p, s), sub3(p0, s0)) / len;
                picture && swung(travel(h, h0), travel(k, k0))
            }
            _ => picture,
        }
    }

    /// How far the shoulders moved against the ankles since `start`, in the world landmarks and
    /// torso lengths then: both rest on a support in a hip thrust or bridge, whatever the camera
    /// (`None` without the world landmarks or an ankle seen at both ends).
    fn back_travel_world_since(&self, start: &Torso) -> Option<f32> {
        use crate::metrics::{dist3, sub3};
        let ([s, ..], [s0, h0, _]) = (self.world?, start.world?);
        let (a, a0) = (self.world_ankles?, start.world_ankles?);
        let v = dist3(sub3(s, a), sub3(s0, a0)) / dist3(s0, h0);
        v.is_finite().then_some(v)
    }

    /// How far the shoulders' midpoint moved since `start`, in the body's scale then: in the
    /// picture, or against an ankle seen at both ends where that is less. A camera held by hand
    /// carries the whole body across the picture, planted feet and supported back alike; lying
    /// back from sitting moves the shoulders against the feet as much as in the picture. Not
    /// against the ankle alone: that adds the ankle's own noise to the shoulders' pivot on the
    /// bench, and clean reps would come near the limit.
    fn shoulder_travel_since(&self, start: &Torso) -> f32 {
        let in_picture = dist(self.shoulders, start.shoulders);
        let against_ankle = (0..2)
            .filter(|&i| self.ankle_vis[i].min(start.ankle_vis[i]) >= ANKLE_SEEN)
            .map(|i| travel_against(self.shoulders, self.ankles[i], start.shoulders, start.ankles[i]))
            .fold(f32::INFINITY, f32::min);
        in_picture.min(against_ankle) / start.scale
    }

    /// How far the torso moved or the body changed size since `before`, in the body's size
    /// then ([`Torso::scale`]: a view along the body shortens the torso's own length, and the
    /// hips rising towards such a camera move it by more than that length).
    fn reframe_from(&self, before: &Torso) -> f32 {
        self.step_in(before, |t| t.scale)
    }

    /// How far the torso moved or changed size since `before`, in its lengths then.
    fn step_from(&self, before: &Torso) -> f32 {
        self.step_in(before, |t| t.len)
    }

    /// The shoulders' or hips' travel, or the change in `size`, since `before`, over `size` then.
    fn step_in(&self, before: &Torso, size: fn(&Torso) -> f32) -> f32 {
        dist(self.shoulders, before.shoulders)
            .max(dist(self.hips, before.hips))
            .max((size(self) - size(before)).abs())
            / size(before)
    }
}

/// Both ankles in the picture (pixels), each shin's length there and how well each is seen: a
/// hip thrust's or bridge's feet stay where they were planted through the rise.
#[derive(Clone, Copy, Debug)]
struct Feet {
    ankles: [[f32; 2]; 2],
    shins: [f32; 2],
    vis: [f32; 2],
}

impl Feet {
    fn of(p: &PoseObservation, g: FrameGeometry) -> Self {
        use crate::landmarks::{LEFT, RIGHT};
        let lm = &p.landmarks;
        let at = |i: usize| [lm[i].x * g.width as f32, lm[i].y * g.height as f32];
        let side = |s: &crate::landmarks::SideIdx| {
            (at(s.ankle), dist(at(s.knee), at(s.ankle)), lm[s.ankle].visibility.min(lm[s.knee].visibility))
        };
        let (l, r) = (side(&LEFT), side(&RIGHT));
        Self { ankles: [l.0, r.0], shins: [l.1, r.1], vis: [l.2, r.2] }
    }

    /// Each ankle's distance from where it was at `start`, in that shin's lengths then (NaN
    /// when either end is not seen): in the picture, or against the shoulders' midpoint (`now`
    /// and at `start`, given where seen at both ends) where that is less. A lifter's feet and shoulders both stay put, so a
    /// camera held by hand, which carries both across the picture, moves neither against the
    /// other, while a leg carried away moves against both. Not against the shoulders alone:
    /// their picture moves with the torso's pivot and, from a raised or turned camera, with the
    /// depth guess (the views study then lost real reps to "the feet left the floor" from three
    /// more cameras). A camera panning with a working leg can hide it.
    fn travel_since(&self, start: &Feet, shoulders: Option<([f32; 2], [f32; 2])>, min_vis: f32) -> [f32; 2] {
        [0, 1].map(|i| {
            let seen = self.vis[i] >= min_vis && start.vis[i] >= min_vis && start.shins[i] > 1.0;
            if seen {
                let in_picture = dist(self.ankles[i], start.ankles[i]);
                let against = shoulders.map_or(f32::INFINITY, |(now, then)| {
                    travel_against(self.ankles[i], now, start.ankles[i], then)
                });
                in_picture.min(against) / start.shins[i]
            } else {
                f32::NAN
            }
        })
    }
}

/// An ankle's last few seen distances from where it was planted, newest last. What decides is
/// where the foot is by the top, read so that one glitching frame cannot decide: a leg that
/// extends (a dead bug) is still away when the hip has opened, while a planted ankle whose
/// landmark jumps for a few frames comes back (a heavily compressed copy of the barbell clip:
/// 1.13 shin lengths mid-rise, 0.05–0.13 by the top, where the original reads 0.14).
#[derive(Clone, Copy, Debug, Default)]
struct RecentTravel {
    last: [f32; TRAVEL_READINGS],
    seen: usize,
}

/// Seen readings kept per ankle: the travel is the second largest of the last three, so two
/// must agree.
const TRAVEL_READINGS: usize = 3;

impl RecentTravel {
    /// Adds a reading (NaN: not seen, ignored).
    fn push(&mut self, v: f32) {
        if v.is_nan() {
            return;
        }
        self.last.rotate_left(1);
        self.last[TRAVEL_READINGS - 1] = v;
        self.seen += 1;
    }

    /// Where the foot is lately: the second largest of the last three seen readings (the
    /// smallest while fewer are seen), NaN when none was.
    fn lately(&self) -> f32 {
        let n = self.seen.min(TRAVEL_READINGS);
        if n == 0 {
            return f32::NAN;
        }
        let mut v = [f32::INFINITY; TRAVEL_READINGS];
        v[..n].copy_from_slice(&self.last[TRAVEL_READINGS - n..]);
        v.sort_by(f32::total_cmp);
        if n == TRAVEL_READINGS {
            v[1]
        } else {
            v[0]
        }
    }
}

/// A planted foot's ankle is under this many shin lengths from where it was planted by the
/// top of a rise, in the picture or against the shoulders ([`RecentTravel`],
/// [`Feet::travel_since`]; read only where ankle and knee are seen at the faults' 0.85: below
/// that an ankle behind the plate wanders). Counted reps of the shared clips through our pose
/// stage: 0.00–0.14, and 0.00–0.54 on copies shrunk to half size, dimmed under noise, resampled
/// to 20 fps, compressed at CRF 38 (the 0.54: the barbell clip, compressed) or swayed as by a
/// hand (`benches/degraded.sh` handheld and shaky: 0.36 at most). A leg that extends while the
/// hips stay down (a dead bug) has its ankle 1.0–1.5 shin lengths from its tabletop place
/// (vertical thigh, level shin) by the time the hip has opened to the count (the leg straight,
/// under 15° up): the limit sits between the two.
const FOOT_TRAVEL_MAX: f32 = 0.7;

/// A planted hand's wrist travels less than this share of the hips' travel over a rise (both
/// against an ankle, [`Torso::hand_planted_since`]). Shared clips (2026-12-07, our pose stage;
/// in the picture before): hands holding the bar or dumbbell on the hips travel 0.61–4.4 times
/// the hips' path (0.78–5.2), the 0.61 the busy-gym thrust's third rep, whose hips the plate
/// hides; hands resting on the floor beside a bridge 0.03–0.41 (0.07–0.57); a hand bearing
/// weight does not move at all.
const WRIST_PLANTED_SHARE: f32 = 0.5;
/// Hips' travel (torso lengths) below which the wrists' share is not read: the landmarks' own
/// noise, as [`TORSO_STEP_NOISE`].
const MIN_HIP_TRAVEL_FOR_WRISTS: f32 = TORSO_STEP_NOISE;
/// Knees' travel against the shoulders over a rise (torso lengths) from which the legs may have
/// swung about the hips: past what the landmarks' noise moves them over a rise (a frame's is
/// [`TORSO_STEP_NOISE`]), under a leg raise's swing to the count (the shared floor leg raise's
/// world landmarks: 1.12–1.41; the generated bench leg raise in the picture 0.65–1.36 from the
/// side to 60° off, 0.36 from the feet raised 25°, a view along the body shortening it).
const LEG_SWING_MIN_TRAVEL: f32 = 0.25;
/// ... and this many times the hips' own travel. A planted foot holds its knee on an arc about
/// the ankle while the hips ride up the thigh's lever over it: the counted reps of the shared
/// clips, from the 18 cameras of the views study, moved the knees at most 1.95 times as far as
/// the hips in the world landmarks (2.64 in the picture, but 6.1 from the head end raised 30°,
/// where the picture shortens the hips' rise and not the knees' travel), and the barbell clip
/// mirrored, its hips behind the plate, 4.2 in the world on its first rep (2.9 in the picture):
/// both must say so. A leg raise's hips stay down (world 8.6–10.7, picture 7–11).
const LEG_SWING_RATIO: f32 = 4.0;
/// Shoulder breadth over shoulder–hip length in adults (biacromial ~0.39 m over a ~0.5 m torso).
const SHOULDER_BREADTH_PER_TORSO: f32 = 0.8;
/// Shoulders' travel over a rise (torso lengths, in the picture or against an ankle where that
/// is less: [`Torso::shoulder_travel_since`]) beyond which the upper back was not on its
/// support. A hip thrust pivots on the shoulder blades and a bridge rests on them: counted reps
/// of the shared clips moved them 0.00–0.20 (the bench's slide), 0.31 on the dimmed copies and
/// 0.27 swayed as by a hand (`benches/degraded.sh`); lying back from sitting (a pullover's
/// start) moved them 0.80, a standing hinge 0.57–0.79.
const MAX_SHOULDER_TRAVEL: f32 = 0.4;
/// ... and, where the world landmarks place the ankles, the shoulders' travel against them
/// (torso lengths) beyond which the back left its support, whatever the camera: the picture
/// reads a body's depth errors into the shoulders' path from a view far off the side (the
/// views study's counted reps refused for it alone moved 0.31–0.52 here), lying back from
/// sitting swings them about the hips by a torso length (the shared pullover: 1.31–1.34).
const MAX_WORLD_BACK_TRAVEL: f32 = 0.9;
/// Ankles at least this visible are seen ([`crate::config::MIN_VISIBILITY`]): under it the
/// world's ankle is the model's guess, and the shoulders' travel is not read against it.
const ANKLE_SEEN: f32 = crate::config::MIN_VISIBILITY;

/// The shoulders' height above the ankles (in the body's scale, in the picture) above which
/// they rest on a bench: the shared bridges read -0.09 to 0.18 (median over bottom and rise
/// frames, the shoulder joints a hand above the floor), the hip thrusts 0.84 to 1.43 (a 40 cm
/// bench); midway, with the bench's height varying by a third either way. Turned to the ends
/// (`benches/views.sh`, 2026-12-06): bridges -0.11 to 0.42, thrusts 1.17 to 1.76.
const BENCH_SUPPORT_MIN: f32 = 0.45;
/// Bottom and rise frames needed to tell the support (a third of a second at 30 fps).
const MIN_SUPPORT_FRAMES: u32 = 10;

/// The shoulders' height above the ankles over the body's scale (image; `Torso::scale`): the
/// better-seen shoulder and ankle (a side view hides the far ones), when both are seen. Over
/// the torso's own length, a view along the body, which shortens the torso, had read a floor
/// bridge from the feet at 3.5 (3 of the 13 clips with reps called bench thrusts from either
/// end); the shoulders' breadth keeps the scale there.
fn support_height(p: &PoseObservation, t: &Torso, g: FrameGeometry, min_vis: f32) -> Option<f32> {
    use crate::landmarks::idx;
    let lm = &p.landmarks;
    let better = |a: usize, b: usize| if lm[a].visibility >= lm[b].visibility { a } else { b };
    let (s, a) = (better(idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER), better(idx::LEFT_ANKLE, idx::RIGHT_ANKLE));
    if lm[s].visibility.min(lm[a].visibility) < min_vis {
        return None;
    }
    let h = (lm[a].y - lm[s].y) * g.height as f32 / t.scale;
    h.is_finite().then_some(h)
}

/// Hip opening (degrees) below which the hips' climb per degree is too noisy to read.
const MIN_OPENING_FOR_RISE_DEG: f32 = 5.0;
/// A rise turns the thigh about the knee by at least this share of the hip's opening: the
/// counted reps of the shared clips and their mirrors turned it by 0.25 of it or more in 19 of
/// 20 (median 0.43, world landmarks); a sit-up leaves it still (0 ± the landmarks' few degrees).
const MIN_THIGH_TURN_SHARE: f32 = 0.2;
/// Sets tracked for look-alike counts without allocating.
const MAX_SETS: usize = 64;

/// A pose gap longer than this inside the lowering leaves its speed unjudged.
const LOWERING_MAX_GAP_S: f64 = 0.2;
/// The bottom counts as reached at the last drop of this many degrees (later drift is rest).
const BOTTOM_SETTLE_DEG: f32 = 3.0;
/// Time at the bottom after which a lowering cut by the end of the clip still counts as done.
const BOTTOM_SETTLE_S: f64 = 0.3;
/// Weight of a new bottom-phase foot sample in the set's floor baseline.
const FOOT_BASELINE_ALPHA: f32 = 0.2;
/// Per-frame weight of a new reading of the lifter's proportions: about 2 s at 30 fps to settle,
/// so frame noise (a few percent on a segment's length) averages out.
const PROPORTIONS_ALPHA: f32 = 0.02;
/// Share of posed frames with an upright torso beyond which the clip is not a hip thrust.
const UPRIGHT_SHARE: f64 = 0.5;
/// The feet out of the picture on more than this share of the checked frames: a look-alike's
/// "feet left the floor" is not said beside the setup's "feet out of the picture" (most
/// frames, as the setup line words it).
const FEET_OUT_SHARE: f64 = 0.5;
/// Time constant of the camera-yaw estimate: the camera stays put within a set while each
/// frame's world landmarks wobble by several degrees (side-view clips: p5–p95 spans 2–12°).
const VIEW_YAW_SMOOTHING_S: f64 = 1.0;
/// Time from the first frame after which the view's estimates have settled enough to warn
/// about the camera as the video runs: three of their time constants. The dumbbell bridge's
/// first frame read 33° of obliquity and its estimate took 1.2 s to fall under the side limit,
/// and the window had warned "the camera does not see you from the side" at 1 s, on a clip
/// whose every rep is judged from the side. The session's own warning reads the reps' views.
const VIEW_SETTLE_S: f64 = 3.0 * VIEW_YAW_SMOOTHING_S;
/// Time constant of the raised-leg share: a single-leg set holds its free leg up for whole reps,
/// while a misread ankle on a two-leg set lasts a few frames.
const RAISED_LEG_SMOOTHING_S: f64 = 0.5;
/// Share of recent frames reading one leg raised from which the set is held on the other (0.8
/// s of steady readings from none) and below which it no longer is (hysteresis: a frame or
/// two that miss the raise keep it).
const RAISED_LEG_ENTER: f32 = 0.8;
const RAISED_LEG_LEAVE: f32 = 0.4;
/// The leg held one way through recent frames (raised, or a kickstand): each frame's reading
/// moves the two legs' shares with weight `a`; the first reading starts them (a set that opens
/// on one leg is held on it from its first rise); a leg is taken from a share of
/// [`RAISED_LEG_ENTER`] and kept down to [`RAISED_LEG_LEAVE`].
fn held_leg(
    shares: &mut Option<[f32; 2]>,
    held: Option<Side>,
    reading: Option<Side>,
    a: f32,
) -> Option<Side> {
    let now = [Side::Left, Side::Right].map(|l| if reading == Some(l) { 1.0 } else { 0.0 });
    let share = match *shares {
        Some(mut s) => {
            for (s, r) in s.iter_mut().zip(now) {
                *s += a * (r - *s);
            }
            s
        }
        None => now,
    };
    *shares = Some(share);
    let of = |l: Side| if l == Side::Right { share[1] } else { share[0] };
    match held {
        Some(l) if of(l) >= RAISED_LEG_LEAVE => Some(l),
        _ => [Side::Left, Side::Right].into_iter().find(|&l| of(l) >= RAISED_LEG_ENTER),
    }
}

/// Frames of the hips' path kept for the velocity (20 s at 60 fps: a rep from bottom to top);
/// when full, the older half goes (no allocation per frame).
const HIP_TRACK_FRAMES: usize = 1200;
/// Steady camera pitch (read off the left–right axis) the thresholds were set with: the 14
/// shared side clips as filmed read from 5° below the lifter to 20° above (medians per clip,
/// our pose stage; tripods above a lifter on the floor, and BlazePose's depth guess), the
/// banded bridge filmed "slightly raised" 9° above. Only the pitch past it is levelled.
const LEVEL_PITCH_NOISE_DEG: f32 = 20.0;
/// The left–right axis must lie 30° or more off the image's horizontal (sin 30°) for the
/// camera's pitch about it to be read: from the feet or the head it runs along the picture.
const LEVEL_MIN_ACROSS: f32 = 0.5;
/// Steady pitch past which the left–right axis is no lying body's level one (a side-lying
/// body's reads about 90°): the side clips turned to a camera raised 45° read 40–65°
/// (`benches/views.sh`), the two side-oblique ones 75–76°.
const LEVEL_MAX_PITCH_DEG: f32 = 70.0;

/// The camera's height over a lifter lying level, as a pitch in degrees (positive: above the
/// lifter, looking down), read off a left–right axis that lets it be read (see
/// `level_rotation`); `None` from the feet or the head.
fn camera_pitch_deg(axis: [f32; 3]) -> Option<f32> {
    let across = axis[1].hypot(axis[2]);
    if across.is_nan() || across < LEVEL_MIN_ACROSS {
        return None;
    }
    let uy = -axis[2] / across;
    let uz = axis[1] / across;
    // `up` turned to point up the picture; a camera above sees the far hip higher.
    let (uy, uz) = if uy > 0.0 { (-uy, -uz) } else { (uy, uz) };
    let pitch = -uz.atan2(-uy).to_degrees();
    pitch.is_finite().then_some(pitch)
}

/// The rotation about the camera's x axis (cos, sin) that levels a raised or low camera,
/// from the steady left–right axis: it lies level for a lifter on the floor or a bench, so
/// "up" is square to it and to the picture's horizontal (a camera held upright). Only the
/// pitch past what the thresholds were set with is taken out; `None` where nothing is.
/// The limits switch it whole, not by a fade: fading in over 30–45° off the horizontal, or
/// out over 65–80° of pitch, or holding its state in 5° bands, levelled part-way or late where
/// the depth guess leaks most, and counted a turned bench press or lost raised reps
/// (`benches/views.sh`, core README); the steady axis moves with a 1 s time constant.
fn level_rotation(axis: [f32; 3]) -> Option<(f32, f32)> {
    let above = camera_pitch_deg(axis)?;
    if above.abs() > LEVEL_MAX_PITCH_DEG {
        return None;
    }
    // About the camera's x axis a camera above turns the picture the negative way.
    let excess = -(above.abs() - LEVEL_PITCH_NOISE_DEG).max(0.0).copysign(above);
    (excess != 0.0).then(|| {
        let a = excess.to_radians();
        (a.cos(), a.sin())
    })
}

/// The pose with its world landmarks turned by `(cos, sin)` about the camera's x axis.
fn turned_world(pose: &PoseObservation, (c, s): (f32, f32)) -> PoseObservation {
    let mut p = *pose;
    if let Some(w) = p.world.as_mut() {
        for l in w.iter_mut() {
            let (y, z) = (l.y, l.z);
            l.y = y * c - z * s;
            l.z = y * s + z * c;
        }
    }
    p
}

/// Posed frames needed before judging the movement type (1 s at 30 fps).
const MIN_FRAMES_FOR_MOVEMENT_CHECK: u64 = 30;

impl Analyzer {
    pub fn new(cfg: Thresholds, geom: FrameGeometry) -> Self {
        Self {
            cfg,
            geom,
            setup: crate::setup::SetupCheck::new(geom),
            phase: Phase::Setup,
            smoothed: None,
            last_t: None,
            last_pose_t: None,
            last_raw_hip: None,
            last_torso: None,
            kept_run: 0,
            run_after_loss: false,
            frame_torso: None,
            frame_feet: None,
            first_t: None,
            bottom_enter_t: 0.0,
            bottom_min: f32::MAX,
            bottom_min_t: 0.0,
            bottom_settle_angle: f32::MAX,
            bottom_settle_t: 0.0,
            rep: RepTracker::new(),
            pending_lowering: None,
            reps: Vec::with_capacity(64),
            partials: Vec::with_capacity(16),
            set: 1,
            set_last_activity: None,
            foot_baseline: None,
            proportions: Proportions::default(),
            hip_track: Vec::with_capacity(HIP_TRACK_FRAMES),
            body_len_m: None,
            lifter_height_m: None,
            frames: 0,
            frames_with_pose: 0,
            frames_low_conf: 0,
            frames_upright: 0,
            frames_out_of_view: 0,
            unseen_look_alikes: [0; MAX_SETS],
            warnings: Vec::with_capacity(4),
            forced_side: None,
            view_yaw: None,
            yaw_histogram: [0; 91],
            pitch_histogram: [0; 181],
            axis: None,
            world_angles: false,
            bottom_hip_height: None,
            bottom_thigh_elevation: None,
            bottom_torso: None,
            turned_start: None,
            timing_margin_s: cfg.timing_margin_s,
            view_spread: None,
            view_frames: [0; 3],
            last_peak: None,
            setup_lo: f32::MAX,
            setup_hi: f32::MIN,
            still_ref: f32::NAN,
            still_since: 0.0,
            look_alikes: [0; MAX_SETS],
            look_alike_reasons: [0; LookAlikeReason::ALL.len()],
            support_sum: 0.0,
            support_n: 0,
            leg_frames: 0,
            single_leg_frames: 0,
            raised_share: None,
            kick_share: None,
            kickstand: None,
            raised_leg: None,
            last_raise: None,
        }
    }

    /// The lifter's standing height, metres: velocities and ranges are scaled so the body
    /// measures it (without it, BlazePose's own metric scale).
    pub fn set_lifter_height(&mut self, height_m: Option<f32>) {
        self.lifter_height_m = height_m.filter(|h| h.is_finite() && *h > 0.0);
    }

    /// Metres of this session per metre of BlazePose's world landmarks.
    fn velocity_scale(&self) -> f32 {
        match (self.lifter_height_m, self.body_len_m) {
            (Some(h), Some(b)) if b > 0.0 => h / (b * crate::velocity::HEIGHT_PER_ANKLE_TO_SHOULDER),
            _ => 1.0,
        }
    }

    /// The hips relative to the feet (midpoints, world landmarks) when both are seen, and the
    /// body's ankle-to-shoulder length for the scale.
    fn track_hips(&mut self, t: f64, pose: &PoseObservation) {
        use crate::landmarks::idx;
        use crate::metrics::{dist3, world_mid};
        let Some(w) = pose.world.as_ref() else { return };
        let lm = &pose.landmarks;
        let seen = |a: usize, b: usize| lm[a].visibility.max(lm[b].visibility) >= self.cfg.min_visibility;
        if !(seen(idx::LEFT_HIP, idx::RIGHT_HIP) && seen(idx::LEFT_ANKLE, idx::RIGHT_ANKLE)) {
            return;
        }
        // The feet anchor the hips' path: with them out of the picture their place is the
        // model's guess, and so would the speed be (a cropped clip read half its real speed).
        if !(lm[idx::LEFT_ANKLE].in_frame() && lm[idx::RIGHT_ANKLE].in_frame()) {
            return;
        }
        let (h, a) =
            (world_mid(w, idx::LEFT_HIP, idx::RIGHT_HIP), world_mid(w, idx::LEFT_ANKLE, idx::RIGHT_ANKLE));
        let p = [h[0] - a[0], h[1] - a[1], h[2] - a[2]];
        if !p.iter().all(|v| v.is_finite()) {
            return;
        }
        if self.hip_track.len() == HIP_TRACK_FRAMES {
            self.hip_track.drain(..HIP_TRACK_FRAMES / 2);
        }
        self.hip_track.push((t, p));
        let k = world_mid(w, idx::LEFT_KNEE, idx::RIGHT_KNEE);
        let s = world_mid(w, idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER);
        let len = dist3(a, k) + dist3(k, h) + dist3(h, s);
        if len.is_finite() && len > 0.0 {
            self.body_len_m = Some(self.body_len_m.map_or(len, |b| b + PROPORTIONS_ALPHA * (len - b)));
        }
    }

    /// Measures from this side instead of the one the camera sees best (`None`: automatic).
    pub fn set_side(&mut self, side: Option<Side>) {
        self.forced_side = side;
    }

    pub fn thresholds(&self) -> &Thresholds {
        &self.cfg
    }

    pub fn reps(&self) -> &[Rep] {
        &self.reps
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    fn warn(&mut self, w: Warning, ev: &mut Events) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
            ev.push(Event::Warning { id: w });
        }
    }

    /// The frame's mean luma (0–255) for the setup check, sampled now and then by the caller.
    pub fn set_luma(&mut self, luma: f32) {
        self.setup.set_luma(luma);
    }

    /// The picture the landmarks are normalized to changed (a video's black bars ended, and
    /// the frame is the picture from here). What was placed in the old picture is no reference
    /// in the new one: handled as a cut (a rise in progress is not counted across it), with the
    /// torso's and the feet's places and the feet's floor line forgotten.
    pub fn set_geometry(&mut self, geom: FrameGeometry) {
        if geom == self.geom {
            return;
        }
        self.geom = geom;
        self.setup.set_geometry(geom);
        self.cut();
        self.last_torso = None;
        self.bottom_torso = None;
        self.foot_baseline = None;
        self.rep.start_torso = None;
        self.rep.low_torso = None;
        self.rep.start_feet = None;
    }

    /// Runs the setup check alone, for frames between sets ([`Self::observe`]'s): an event when
    /// its current issue changes. [`Self::update`] runs it on every frame in a set.
    pub fn check_setup(&mut self, t_ms: f64, pose: Option<&PoseObservation>) -> Option<Event> {
        self.setup.observe(t_ms / 1000.0, pose).map(|issue| Event::Setup { issue })
    }

    /// The setup's most urgent issue now, if any.
    pub fn setup_issue(&self) -> Option<crate::setup::SetupIssue> {
        self.setup.current()
    }

    /// Feeds one frame. `t_ms` must increase; `pose` is `None` when nobody was found.
    pub fn update(&mut self, t_ms: f64, pose: Option<&PoseObservation>) -> FrameAnalysis {
        self.update_masked(t_ms, pose, None)
    }

    /// What the set has taught that one frame cannot show, as [`measure_in_view`] takes it.
    fn baseline(&self) -> Baseline {
        Baseline {
            foot: self.foot_baseline,
            proportions: self.proportions,
            raised_leg: self.raised_leg.or(self.last_raise),
        }
    }

    /// The pose in a levelled camera's axes for the vertical readings (hips' height, feet
    /// planted, face up, hands, the raised leg), when the steady left–right axis reads a
    /// camera pitched past what the thresholds were set with; `None` when nothing turns (the
    /// view and its judging always read the camera as it is).
    fn levelled(&self, pose: Option<&PoseObservation>) -> Option<PoseObservation> {
        let p = pose.filter(|p| p.world.is_some())?;
        self.axis.and_then(level_rotation).map(|rot| turned_world(p, rot))
    }

    /// Measures one frame the way [`Self::update`] would (same view, side, floor baseline and
    /// proportions) without counting or judging it: between sets the angles shown match those
    /// in a set. Phase `Setup`, no events, nothing learned.
    pub fn observe(&self, t_ms: f64, pose: Option<&PoseObservation>) -> FrameAnalysis {
        let baseline = self.baseline();
        let level = self.levelled(pose);
        let metrics = level.as_ref().or(pose).map(|p| {
            measure_in_view(
                p,
                self.geom,
                &self.cfg,
                baseline,
                self.forced_side,
                self.view_axis(),
                self.view_yaw,
            )
            .0
        });
        FrameAnalysis {
            t_ms,
            metrics,
            hip_angle_smoothed: metrics.and_then(|m| m.hip_angle.or(m.hip_angle_hidden)).map(|h| h.value),
            phase: Phase::Setup,
            reps: self.reps.len() as u32,
            rep_in_progress: None,
            top_refused: false,
            view: None,
            set: self.set,
            events: Events::default(),
        }
    }

    /// As [`Self::update`], with the person's segmentation mask when the pose stage gives one
    /// (it adds the back's curvature to the metrics).
    pub fn update_masked(
        &mut self,
        t_ms: f64,
        pose: Option<&PoseObservation>,
        mask: Option<&crate::mask::SegmentationMask>,
    ) -> FrameAnalysis {
        let mut ev = Events::default();
        if let Some(e) = self.check_setup(t_ms, pose) {
            ev.push(e);
        }
        let t = t_ms / 1000.0;
        self.frames += 1;
        self.first_t.get_or_insert(t);
        let dt = self.last_t.map_or(0.0, |l| (t - l).max(0.0));
        self.last_t = Some(t);

        // A long rest ends the set.
        if let Some(last) = self.set_last_activity {
            if matches!(self.phase, Phase::Bottom | Phase::Setup) && t - last > self.cfg.set_rest_s {
                if let Some(s) = self.end_set() {
                    ev.push(Event::SetEnded { set: s });
                }
            }
        }

        // The view's estimates (yaw, lateral axis, spread) share one time constant.
        let alpha = (1.0 - (-dt / VIEW_YAW_SMOOTHING_S).exp()) as f32;
        let ema = |prev: Option<f32>, x: f32| Some(prev.map_or(x, |v| v + alpha * (x - v)));
        if let Some(y) = pose.and_then(crate::metrics::view_yaw) {
            self.yaw_histogram[(y.round() as usize).min(90)] += 1;
            self.view_yaw = ema(self.view_yaw, y);
        }
        if let Some(l) = pose.and_then(lateral_axis) {
            if let Some(p) = camera_pitch_deg(l) {
                self.pitch_histogram[(p.round() + 90.0).clamp(0.0, 180.0) as usize] += 1;
            }
            let next = match self.axis {
                None => l,
                Some(a) => {
                    let m = [
                        a[0] + alpha * (l[0] - a[0]),
                        a[1] + alpha * (l[1] - a[1]),
                        a[2] + alpha * (l[2] - a[2]),
                    ];
                    let n = (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).sqrt().max(f32::EPSILON);
                    [m[0] / n, m[1] / n, m[2] / n]
                }
            };
            self.axis = Some(next);
        }
        if let Some(v) = self.axis.and_then(ViewAxis::from_axis) {
            // Past the stretch's limit the image angles give way to the world's, with hysteresis.
            let limit = self.cfg.max_view_yaw_deg;
            if v.obliquity_deg > limit + WORLD_ANGLES_HYSTERESIS_DEG {
                self.world_angles = true;
            } else if v.obliquity_deg < limit - WORLD_ANGLES_HYSTERESIS_DEG {
                self.world_angles = false;
            }
        }
        let yaw = self.view_yaw;
        let axis = self.view_axis();
        // The vertical readings in a levelled camera's axes (see `levelled`).
        let level = self.levelled(pose);
        let metrics = level.as_ref().or(pose).map(|p| {
            let (mut m, foot, proportions) =
                measure_in_view(p, self.geom, &self.cfg, self.baseline(), self.forced_side, axis, yaw);
            if let Some(q) = proportions {
                let a = PROPORTIONS_ALPHA;
                let p = &mut self.proportions;
                p.torso_per_shin += a * (q.torso_per_shin - p.torso_per_shin);
                p.thigh_per_shin += a * (q.thigh_per_shin - p.thigh_per_shin);
            }
            if let Some(mask) = mask {
                m.back_curvature = crate::mask::back_curvature(
                    &p.landmarks,
                    self.geom,
                    m.side,
                    mask,
                    self.cfg.min_visibility,
                );
            }
            (m, foot)
        });
        let m = metrics.map(|(m, _)| m);
        // Frames without the whole body in view (close-ups, title cards) pause the judgement.
        let in_view = m.is_some_and(|m| m.body_in_view);
        // Only frames that could read a raise weigh in: a raised foot that leaves the picture
        // is still raised.
        if let Some(m) = m.filter(|m| in_view && m.legs_read) {
            let a = (1.0 - (-dt / RAISED_LEG_SMOOTHING_S).exp()) as f32;
            self.raised_leg = held_leg(&mut self.raised_share, self.raised_leg, m.raised_leg, a);
            self.kickstand = held_leg(&mut self.kick_share, self.kickstand, m.kickstand, a);
            self.last_raise = m.raised_leg;
        }
        if let (true, Some(p)) = (in_view, pose) {
            self.track_hips(t, p);
        }
        // Hips hidden behind a plate still count (never judged: see `record`).
        let mut hip = m.filter(|_| in_view).and_then(|m| m.hip_angle.or(m.hip_angle_hidden)).map(|h| h.value);
        // A jump no body makes (faster than max_hip_speed_deg_s) is a cut in the video when the
        // torso jumped with it. With the torso where it was, one joint's landmark jumped (a knee
        // behind the plate): the frame's angle is left out rather than the rep abandoned.
        let torso = pose.and_then(|p| Torso::of(p, self.geom));
        self.frame_torso = torso;
        self.frame_feet = pose.map(|p| Feet::of(p, self.geom));
        let jump = match (hip, self.last_raw_hip, self.last_pose_t) {
            (Some(h), Some(prev), Some(lp)) => {
                (h - prev).abs() > self.cfg.max_hip_speed_deg_s * (t - lp).max(1e-3) as f32
            }
            _ => false,
        };
        // An angle no hip thrust's hips make is a glitch (a track found again on the wrong
        // joints): handled as a cut, so that no rise is counted from it. A 20 fps copy of the
        // prone leg curl read 12° and 9° after a lost track and counted a rise from there.
        let implausible =
            hip.is_some_and(|h| !(crate::metrics::HIP_MIN_DEG..=crate::metrics::HIP_MAX_DEG).contains(&h));
        // A new framing: the torso moved farther than a body moves in the time, whatever the
        // hip angle did. A cut between like poses, or one a low frame rate spreads over a long
        // frame: at 12 fps the faults tutorial's jump cut reads 620°/s, under the hip's bar,
        // while its torso moves 0.57 of its length (the lowering was timed across it).
        let reframed = match (torso, self.last_torso, self.last_pose_t) {
            (Some(now), Some(before), Some(lp)) => {
                now.reframe_from(&before) > TORSO_CUT_STEP.max(torso_reach(t - lp))
            }
            _ => false,
        };
        let jump = jump || implausible || reframed;
        // With the torso where it was, one joint's landmark jumped: the frame is left out. Unless
        // the frame it jumped from is itself unproven (the first of a track found again, or of a
        // scene): that one may be the glitch, and a rise from it no movement, so the jump is
        // handled as a cut. A compressed copy of the prone leg curl had counted a rep rising from
        // one 38° frame, the first after a lost track, whose next frames were left out. Nor when
        // this frame is the first of a track found again: its jump may be the wrong joints (a
        // half-speed copy of the leg curl, its track lost for 0.1 s, came back at 295°).
        let after_gap = !self.last_pose_t.is_some_and(|lp| t - lp <= MAX_KEPT_GAP_FRAMES * dt);
        if jump && self.kept_run >= MIN_KEPT_RUN && !after_gap {
            if let (Some(now), Some(before), Some(lp)) = (torso, self.last_torso, self.last_pose_t) {
                if now.step_from(&before) < torso_reach(t - lp) {
                    hip = None;
                }
            }
        }

        if let Some(sp) = m.filter(|_| in_view).and_then(|m| m.lateral_spread) {
            self.view_spread = ema(self.view_spread, sp.value);
        }
        // The view is settled for this frame from here on: read once, counted and reported.
        let view = self.current_view();
        if in_view {
            if let Some(v) = view {
                self.view_frames[v as usize] += 1;
                let seen: u64 = self.view_frames.iter().sum();
                let off_side = seen - self.view_frames[CameraView::Side as usize];
                // Before any rep, most frames off the side (the session's own rule without
                // reps); from the first rep on, the reps' views decide (`check_top`).
                let settled = self.first_t.is_some_and(|f| t - f >= VIEW_SETTLE_S);
                let before_reps = self.reps.is_empty();
                if before_reps && settled && seen >= MIN_FRAMES_FOR_MOVEMENT_CHECK && 2 * off_side > seen {
                    self.warn(Warning::CameraFrontal, &mut ev);
                }
            }
        }

        if let (true, Some((m, _)), Some(p), Some(t)) = (in_view, metrics, pose, torso) {
            if matches!(self.phase, Phase::Bottom | Phase::Ascent) {
                if let Some(h) = support_height(p, &t, self.geom, self.cfg.min_visibility) {
                    self.support_sum += f64::from(h);
                    self.support_n += 1;
                }
                self.leg_frames += 1;
                if m.raised_leg.is_some() {
                    self.single_leg_frames += 1;
                }
            }
        }
        if let Some((m, foot)) = metrics {
            self.frames_with_pose += 1;
            if m.hip_angle.is_none() {
                self.frames_low_conf += 1;
            }
            if !in_view {
                self.frames_out_of_view += 1;
            }
            if in_view && m.torso_incline.is_some_and(|ti| ti.value > self.cfg.max_torso_incline_deg) {
                self.frames_upright += 1;
            }
            if self.reps.is_empty()
                && self.frames_with_pose >= MIN_FRAMES_FOR_MOVEMENT_CHECK
                && self.frames_upright as f64 > UPRIGHT_SHARE * self.frames_with_pose as f64
            {
                self.warn(Warning::NotAHipThrust, &mut ev);
            }
            if matches!(self.phase, Phase::Setup | Phase::Bottom) {
                if let Some(f) = foot {
                    self.foot_baseline = Some(match self.foot_baseline {
                        None => f,
                        Some(b) => FootSample {
                            heel_y: b.heel_y + FOOT_BASELINE_ALPHA * (f.heel_y - b.heel_y),
                            toe_y: b.toe_y + FOOT_BASELINE_ALPHA * (f.toe_y - b.toe_y),
                            foot_len: b.foot_len + FOOT_BASELINE_ALPHA * (f.foot_len - b.foot_len),
                            confidence: b.confidence.min(f.confidence),
                        },
                    });
                }
            }
        }

        if jump && hip.is_some() {
            self.cut();
        }
        // An angle no hip makes starts over as a cut does, and is never read.
        match hip.filter(|_| !implausible) {
            Some(h) => {
                // A long gap abandons the rep in progress.
                if let Some(lp) = self.last_pose_t {
                    if t - lp > self.cfg.max_pose_gap_s && self.phase != Phase::Setup {
                        self.abandon(lp);
                        self.smoothed = None;
                    }
                }
                // The lowering's duration is unknowable across a long gap in the poses.
                if self.last_pose_t.is_some_and(|lp| t - lp > LOWERING_MAX_GAP_S)
                    && (self.phase == Phase::Descent || self.pending_lowering.is_some())
                {
                    self.rep.cut = self.rep.cut || self.phase == Phase::Descent;
                    if let Some((idx, _, _)) = self.pending_lowering.take() {
                        self.set_verdict(
                            idx,
                            FaultId::UncontrolledLowering,
                            Judgement::not_judged(FaultId::UncontrolledLowering, NotJudgedReason::Cut),
                        );
                    }
                }
                if jump || after_gap {
                    self.kept_run = 1;
                    self.run_after_loss = self.last_pose_t.is_some();
                } else {
                    self.kept_run += 1;
                }
                self.last_raw_hip = Some(h);
                self.last_torso = torso;
                self.last_pose_t = Some(t);
                let a = match self.smoothed {
                    None => h,
                    Some(s) => {
                        let alpha = if self.cfg.hip_smoothing_s > 0.0 {
                            1.0 - (-dt / self.cfg.hip_smoothing_s).exp()
                        } else {
                            1.0
                        };
                        s + alpha as f32 * (h - s)
                    }
                };
                self.smoothed = Some(a);
                if let Some(mm) = m {
                    self.step(t, a, h, &mm, &mut ev);
                }
            }
            None => {
                if let Some(lp) = self.last_pose_t {
                    if t - lp > self.cfg.max_pose_gap_s && self.phase != Phase::Setup {
                        self.abandon(lp);
                        self.smoothed = None;
                    }
                }
            }
        }

        let rep_in_progress = match self.phase {
            Phase::Ascent | Phase::Lockout | Phase::Descent => {
                Some(self.rep.counted.unwrap_or(self.reps.len() as u32 + 1))
            }
            _ => None,
        };
        let top_refused = self.phase == Phase::Lockout && self.rep.counted.is_none() && self.rep.top_checked;
        FrameAnalysis {
            t_ms,
            metrics: m,
            top_refused,
            view,
            hip_angle_smoothed: self.smoothed.filter(|_| hip.is_some()),
            phase: self.phase,
            reps: self.reps.len() as u32,
            rep_in_progress,
            set: self.set,
            events: ev,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Landmark;

    /// The left–right axis of a lifter lying level, seen by a camera pitched `deg` about its x
    /// axis (positive: the camera above the lifter, the far hip higher in the picture).
    fn axis_pitched(deg: f32) -> [f32; 3] {
        let r = deg.to_radians();
        [0.0, -r.sin(), r.cos()]
    }

    /// How much of a vertical unit segment the camera's y reads after levelling, for a camera
    /// pitched `camera_pitch_deg` (the axis read off a level lifter).
    fn vertical_reading(camera_pitch_deg: f32) -> f32 {
        let r = camera_pitch_deg.to_radians();
        // The world's "down" (unit) in the pitched camera's axes.
        let down = Landmark { x: 0.0, y: r.cos(), z: r.sin(), visibility: 1.0 };
        let mut world = [Landmark::default(); crate::NUM_LANDMARKS];
        world[0] = down;
        let pose =
            PoseObservation { landmarks: [Landmark::default(); crate::NUM_LANDMARKS], world: Some(world) };
        let level = level_rotation(axis_pitched(camera_pitch_deg)).map_or(pose, |r| turned_world(&pose, r));
        level.world.map_or(f32::NAN, |w| w[0].y)
    }

    #[test]
    fn a_raised_camera_is_levelled_past_what_the_thresholds_were_set_with() {
        // Within the side clips' own pitch nothing turns.
        assert!(level_rotation(axis_pitched(0.0)).is_none());
        assert!(level_rotation(axis_pitched(19.0)).is_none());
        assert!((vertical_reading(15.0) - 15f32.to_radians().cos()).abs() < 1e-6);
        // Raised or lowered 45°: a vertical climb read 0.71 of itself; levelled, the 20° left
        // read 0.94. The axis's own sign (which hip is "right") does not matter.
        for pitch in [45.0f32, -45.0] {
            let got = vertical_reading(pitch);
            assert!((got - 20f32.to_radians().cos()).abs() < 1e-5, "{pitch}: {got}");
            let flipped = axis_pitched(pitch).map(|c| -c);
            assert_eq!(level_rotation(flipped), level_rotation(axis_pitched(pitch)));
        }
        // From the feet the axis runs along the picture: its pitch cannot be read.
        assert!(level_rotation([1.0, 0.0, 0.0]).is_none());
        assert!(level_rotation([0.9, -0.3, 0.3]).is_none());
        // Past 70°, no body lies level (a side-lying one reads 90°).
        assert!(level_rotation(axis_pitched(80.0)).is_none());
        assert!(level_rotation(axis_pitched(-80.0)).is_none());
    }
}
