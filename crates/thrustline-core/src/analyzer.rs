//! The per-frame update: metrics → phase machine → reps, partials, faults and sets.

use serde::{Deserialize, Serialize};

use crate::config::Thresholds;
use crate::landmarks::{FrameGeometry, PoseObservation};
use crate::metrics::{
    lateral_axis, measure_in_view, Baseline, FootSample, FrameMetrics, Proportions, Side, ViewAxis,
    WORLD_ANGLES_HYSTERESIS_DEG,
};
use crate::session::{
    CameraView, Evidence, Fault, FaultCount, FaultId, Judgement, NotJudgedReason, PartialRep, Rep,
    RepMetrics, SessionSummary, SetSummary, Tempo, Verdict, Warning,
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
    RepCounted { rep: u32 },
    PartialRep { peak_hip_angle: f32 },
    FaultRaised { rep: u32, id: FaultId },
    SetEnded { set: u32 },
    Warning { id: Warning },
}

/// Fixed-capacity event list, so the per-frame update never allocates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Events {
    items: [Option<Event>; Events::CAPACITY],
    len: usize,
}

impl Events {
    pub const CAPACITY: usize = 12;

    fn push(&mut self, e: Event) {
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
    /// The hip angle's landmarks were seen well enough to judge on (not a hidden hip).
    hip_seen: bool,
    /// Steady lateral spread and view obliquity (world landmarks; NaN when unknown) at this frame.
    spread: f32,
    yaw: f32,
}

/// Frames a rep may hold (ascent to bottom): 60 s at 60 fps; later frames only extend times.
const REP_BUFFER_FRAMES: usize = 3600;

#[derive(Debug)]
struct RepTracker {
    bottom_enter_t: f64,
    start_t: f64,
    bottom_angle: f32,
    peak: f32,
    peak_t: f64,
    counted: Option<u32>,
    lockout_t: f64,
    lockout_exit_t: Option<f64>,
    top_end_t: f64,
    top_checked: bool,
    overarch_start: Option<f64>,
    overarch_raised: bool,
    max_hyper: f32,
    /// The video cut somewhere inside this rep.
    cut: bool,
    side: Side,
    /// Frames of the rise, and those with a hand bearing weight (a look-alike movement).
    rise_frames: u32,
    hand_frames: u32,
    /// Frames of the rise where the feet could be placed, and those with them planted.
    foot_frames: u32,
    planted_frames: u32,
    /// Hip height above the ankle (thigh lengths) at the bottom the rise left from.
    start_hip_height: Option<f32>,
    /// Frames of the rise where the face's side could be read, and those with it down.
    face_frames: u32,
    face_down_frames: u32,
    samples: Vec<Sample>,
}

impl RepTracker {
    fn new() -> Self {
        Self {
            bottom_enter_t: 0.0,
            start_t: 0.0,
            bottom_angle: 0.0,
            peak: 0.0,
            peak_t: 0.0,
            counted: None,
            lockout_t: 0.0,
            lockout_exit_t: None,
            top_end_t: 0.0,
            top_checked: false,
            overarch_start: None,
            overarch_raised: false,
            max_hyper: 0.0,
            cut: false,
            side: Side::Left,
            rise_frames: 0,
            hand_frames: 0,
            foot_frames: 0,
            planted_frames: 0,
            start_hip_height: None,
            face_frames: 0,
            face_down_frames: 0,
            samples: Vec::with_capacity(REP_BUFFER_FRAMES),
        }
    }

    fn begin(&mut self, bottom_enter_t: f64, start_t: f64, bottom_angle: f32) {
        self.bottom_enter_t = bottom_enter_t;
        self.start_t = start_t;
        self.bottom_angle = bottom_angle;
        self.peak = bottom_angle;
        self.peak_t = start_t;
        self.counted = None;
        self.lockout_t = 0.0;
        self.lockout_exit_t = None;
        self.top_end_t = 0.0;
        self.top_checked = false;
        self.overarch_start = None;
        self.overarch_raised = false;
        self.max_hyper = 0.0;
        self.cut = false;
        self.rise_frames = 0;
        self.hand_frames = 0;
        self.foot_frames = 0;
        self.planted_frames = 0;
        self.start_hip_height = None;
        self.face_frames = 0;
        self.face_down_frames = 0;
        self.samples.clear();
    }
}

/// Streaming analyzer: feed frames in time order with [`Analyzer::update`].
#[derive(Debug)]
pub struct Analyzer {
    forced_side: Option<Side>,
    cfg: Thresholds,
    geom: FrameGeometry,
    phase: Phase,
    smoothed: Option<f32>,
    last_t: Option<f64>,
    last_pose_t: Option<f64>,
    last_raw_hip: Option<f32>,
    first_t: Option<f64>,
    // Bottom tracking.
    bottom_enter_t: f64,
    bottom_min: f32,
    bottom_min_t: f64,
    bottom_settle_angle: f32,
    bottom_settle_t: f64,
    rep: RepTracker,
    /// Counted rep whose lowering is judged once its bottom is known: (rep, end of top hold).
    pending_lowering: Option<(u32, f64)>,
    reps: Vec<Rep>,
    partials: Vec<PartialRep>,
    set: u32,
    set_last_activity: Option<f64>,
    foot_baseline: Option<FootSample>,
    /// The lifter's segment proportions (for the hip angle read off the shoulder–knee reach).
    proportions: Proportions,
    frames: u64,
    frames_with_pose: u64,
    frames_low_conf: u64,
    frames_upright: u64,
    warnings: Vec<Warning>,
    /// Steady estimate of the camera's yaw from a side view (degrees).
    view_yaw: Option<f32>,
    /// Per-frame yaw readings by whole degree (0–90), for the session's median.
    yaw_histogram: [u32; 91],
    /// Steady estimate of the body's left–right axis in camera coordinates (world landmarks).
    axis: Option<[f32; 3]>,
    /// Hip angle and torso incline come from the world landmarks (a view turned far off the side).
    world_angles: bool,
    /// Hip height above the ankle at the current bottom's low (see `FrameMetrics::hip_height`).
    bottom_hip_height: Option<f32>,
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
}

/// Hip opening (degrees) below which the hips' climb per degree is too noisy to read.
const MIN_OPENING_FOR_RISE_DEG: f32 = 5.0;
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
/// Time constant of the camera-yaw estimate: the camera stays put within a set while each
/// frame's world landmarks wobble by several degrees (side-view clips: p5–p95 spans 2–12°).
const VIEW_YAW_SMOOTHING_S: f64 = 1.0;
/// Posed frames needed before judging the movement type (1 s at 30 fps).
const MIN_FRAMES_FOR_MOVEMENT_CHECK: u64 = 30;

/// The view a steady lateral spread and camera yaw describe (see [`CameraView`]).
fn classify_view(spread: Option<f32>, yaw: Option<f32>, c: &Thresholds) -> Option<CameraView> {
    if spread.is_none() && yaw.is_none() {
        return None;
    }
    let (sp, y) = (spread.unwrap_or(0.0), yaw.unwrap_or(0.0));
    Some(if sp >= c.frontal_view_min_spread || y > c.max_view_yaw_deg {
        CameraView::Frontal
    } else if sp > c.side_view_max_spread || y > c.side_view_max_yaw_deg {
        CameraView::Oblique
    } else {
        CameraView::Side
    })
}

/// Median of a histogram of whole-degree readings; `None` when it is empty.
fn median_bin(h: &[u32]) -> Option<f32> {
    let n: u64 = h.iter().map(|&c| u64::from(c)).sum();
    let mut seen = 0u64;
    for (deg, &c) in h.iter().enumerate() {
        seen += u64::from(c);
        if n > 0 && 2 * seen >= n {
            return Some(deg as f32);
        }
    }
    None
}

impl Analyzer {
    pub fn new(cfg: Thresholds, geom: FrameGeometry) -> Self {
        Self {
            cfg,
            geom,
            phase: Phase::Setup,
            smoothed: None,
            last_t: None,
            last_pose_t: None,
            last_raw_hip: None,
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
            frames: 0,
            frames_with_pose: 0,
            frames_low_conf: 0,
            frames_upright: 0,
            warnings: Vec::with_capacity(4),
            forced_side: None,
            view_yaw: None,
            yaw_histogram: [0; 91],
            axis: None,
            world_angles: false,
            bottom_hip_height: None,
            timing_margin_s: cfg.timing_margin_s,
            view_spread: None,
            view_frames: [0; 3],
            last_peak: None,
            setup_lo: f32::MAX,
            setup_hi: f32::MIN,
            still_ref: f32::NAN,
            still_since: 0.0,
            look_alikes: [0; MAX_SETS],
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

    /// Ends the current set now (the live app's "stop set").
    pub fn end_set(&mut self) -> Option<u32> {
        let has_reps =
            self.reps.iter().any(|r| r.set == self.set) || self.partials.iter().any(|p| p.set == self.set);
        if !has_reps {
            return None;
        }
        let ended = self.set;
        self.set += 1;
        self.foot_baseline = None;
        self.set_last_activity = None;
        Some(ended)
    }

    fn warn(&mut self, w: Warning, ev: &mut Events) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
            ev.push(Event::Warning { id: w });
        }
    }

    /// Feeds one frame. `t_ms` must increase; `pose` is `None` when nobody was found.
    pub fn update(&mut self, t_ms: f64, pose: Option<&PoseObservation>) -> FrameAnalysis {
        self.update_masked(t_ms, pose, None)
    }

    /// Measures one frame the way [`Self::update`] would (same view, side, floor baseline and
    /// proportions) without counting or judging it: between sets the angles shown match those
    /// in a set. Phase `Setup`, no events, nothing learned.
    pub fn observe(&self, t_ms: f64, pose: Option<&PoseObservation>) -> FrameAnalysis {
        let baseline = Baseline { foot: self.foot_baseline, proportions: self.proportions };
        let metrics = pose.map(|p| {
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

        if let Some(y) = pose.and_then(crate::metrics::view_yaw) {
            self.yaw_histogram[(y.round() as usize).min(90)] += 1;
            let alpha = (1.0 - (-dt / VIEW_YAW_SMOOTHING_S).exp()) as f32;
            self.view_yaw = Some(self.view_yaw.map_or(y, |v| v + alpha * (y - v)));
        }
        if let Some(l) = pose.and_then(lateral_axis) {
            let alpha = (1.0 - (-dt / VIEW_YAW_SMOOTHING_S).exp()) as f32;
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
        let metrics = pose.map(|p| {
            let baseline = Baseline { foot: self.foot_baseline, proportions: self.proportions };
            let (mut m, foot, proportions) =
                measure_in_view(p, self.geom, &self.cfg, baseline, self.forced_side, axis, yaw);
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
        // Hips hidden behind a plate still count (never judged: see `record`).
        let hip = m.filter(|_| in_view).and_then(|m| m.hip_angle.or(m.hip_angle_hidden)).map(|h| h.value);

        if let Some(sp) = m.filter(|_| in_view).and_then(|m| m.lateral_spread) {
            let alpha = (1.0 - (-dt / VIEW_YAW_SMOOTHING_S).exp()) as f32;
            self.view_spread = Some(self.view_spread.map_or(sp.value, |v| v + alpha * (sp.value - v)));
        }
        if in_view {
            if let Some(v) = self.current_view() {
                self.view_frames[v as usize] += 1;
                let seen: u64 = self.view_frames.iter().sum();
                let off_side = seen - self.view_frames[CameraView::Side as usize];
                if seen >= MIN_FRAMES_FOR_MOVEMENT_CHECK && 2 * off_side > seen {
                    self.warn(Warning::CameraFrontal, &mut ev);
                }
            }
        }

        if let Some((m, foot)) = metrics {
            self.frames_with_pose += 1;
            if m.hip_angle.is_none() {
                self.frames_low_conf += 1;
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

        match hip {
            Some(h) => {
                // A long gap abandons the rep in progress.
                if let Some(lp) = self.last_pose_t {
                    if t - lp > self.cfg.max_pose_gap_s && self.phase != Phase::Setup {
                        self.abandon(lp);
                        self.smoothed = None;
                    }
                }
                // A jump cut: restart the smoothing and leave the rep's lowering unjudged.
                let cut = match (self.last_raw_hip, self.last_pose_t) {
                    (Some(prev), Some(lp)) => {
                        (h - prev).abs() > self.cfg.max_hip_speed_deg_s * (t - lp).max(1e-3) as f32
                    }
                    _ => false,
                };
                if cut {
                    self.smoothed = None;
                    self.rep.cut = true;
                    // A new scene (or another person): a rise or a bottom seen across it is no
                    // movement. A counted rep keeps its count; anything else starts over.
                    if self.rep.counted.is_none() && self.phase != Phase::Setup {
                        if let Some(lp) = self.last_pose_t {
                            self.abandon(lp);
                        }
                    }
                }
                // The lowering's duration is unknowable across a long gap in the poses.
                if self.last_pose_t.is_some_and(|lp| t - lp > LOWERING_MAX_GAP_S)
                    && (self.phase == Phase::Descent || self.pending_lowering.is_some())
                {
                    self.rep.cut = self.rep.cut || self.phase == Phase::Descent;
                    if let Some((idx, _)) = self.pending_lowering.take() {
                        self.set_verdict(
                            idx,
                            FaultId::UncontrolledLowering,
                            Judgement::not_judged(FaultId::UncontrolledLowering, NotJudgedReason::Cut),
                        );
                    }
                }
                self.last_raw_hip = Some(h);
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
        FrameAnalysis {
            t_ms,
            metrics: m,
            hip_angle_smoothed: self.smoothed.filter(|_| hip.is_some()),
            phase: self.phase,
            reps: self.reps.len() as u32,
            rep_in_progress,
            set: self.set,
            events: ev,
        }
    }

    /// The view the steady estimates describe now: side (sagittal angles judged), oblique, or
    /// frontal (the left–right axis seen). `None` before anything was measured.
    fn current_view(&self) -> Option<CameraView> {
        classify_view(self.view_spread, self.view_axis().map(|v| v.obliquity_deg), &self.cfg)
    }

    /// The steady view axis (world landmarks), if any.
    fn view_axis(&self) -> Option<ViewAxis> {
        self.axis.and_then(ViewAxis::from_axis).map(|v| ViewAxis { world_angles: self.world_angles, ..v })
    }

    /// Bottom, lockout-exit and lockout-enter thresholds for this moment. They keep their
    /// absolute values unless the set's own range of motion (at least `min_excursion_deg`)
    /// sits higher: then all three shift up so the bottom threshold lies
    /// `bottom_range_fraction` of the range above the observed bottom.
    fn thresholds_now(&self) -> (f32, f32, f32) {
        let c = &self.cfg;
        let (lo, hi) = match self.phase {
            // Before the first bottom the range may be anyone getting into position: the
            // absolute thresholds (or hips held still below lockout) find the first bottom.
            Phase::Setup => return (c.bottom_max_deg, c.lockout_exit_deg, c.lockout_enter_deg),
            Phase::Bottom => (self.bottom_min, self.last_peak.unwrap_or(self.bottom_min)),
            _ => (self.rep.bottom_angle, self.rep.peak.max(self.last_peak.unwrap_or(f32::MIN))),
        };
        let range = hi - lo;
        let shift = if range.is_finite() && range >= c.min_excursion_deg {
            (lo + c.bottom_range_fraction * range - c.bottom_max_deg).max(0.0)
        } else {
            0.0
        };
        (c.bottom_max_deg + shift, c.lockout_exit_deg + shift, c.lockout_enter_deg + shift)
    }

    /// `a`: smoothed hip angle, for thresholds and the top of the rep; `h`: this frame's own
    /// angle, for the bottom's timing (the smoothing lag would stretch the lowering).
    fn step(&mut self, t: f64, a: f32, h: f32, m: &FrameMetrics, ev: &mut Events) {
        let c = self.cfg;
        let (bottom_max, lockout_exit, lockout_enter) = self.thresholds_now();
        match self.phase {
            Phase::Setup => {
                self.setup_lo = self.setup_lo.min(a);
                self.setup_hi = self.setup_hi.max(a);
                if !(self.still_ref.is_finite() && (a - self.still_ref).abs() <= BOTTOM_SETTLE_DEG) {
                    self.still_ref = a;
                    self.still_since = t;
                }
                // Hips held still below lockout before any rep: a bottom, even above 140°.
                let still_low = t - self.still_since >= c.setup_still_s && a < c.lockout_enter_deg;
                if a < bottom_max || still_low {
                    self.enter_bottom(t, h);
                }
            }
            Phase::Bottom => {
                if h < self.bottom_min {
                    self.bottom_min = h;
                }
                // The ascent starts when the hips last sat within BOTTOM_SETTLE_DEG of the bottom.
                if h <= self.bottom_min + BOTTOM_SETTLE_DEG {
                    self.bottom_min_t = t;
                    if let Some(hh) = m.hip_height {
                        self.bottom_hip_height = Some(hh.value);
                    }
                }
                // The lowering ends once the hips settle: the last drop of BOTTOM_SETTLE_DEG.
                if h < self.bottom_settle_angle - BOTTOM_SETTLE_DEG {
                    self.bottom_settle_angle = h;
                    self.bottom_settle_t = t;
                    if let Some((idx, _)) = self.pending_lowering {
                        if let Some(r) = self.reps.get_mut(idx as usize - 1) {
                            r.end_s = t;
                        }
                    }
                }
                if a > self.bottom_min + c.ascent_start_delta_deg {
                    self.judge_lowering(ev);
                    self.rep.begin(self.bottom_enter_t, self.bottom_min_t, self.bottom_min);
                    self.rep.side = m.side;
                    self.rep.start_hip_height = self.bottom_hip_height;
                    self.phase = Phase::Ascent;
                    self.set_last_activity = Some(t);
                    self.record(t, a, m, ev);
                }
            }
            Phase::Ascent => {
                self.record(t, a, m, ev);
                if a >= lockout_enter {
                    self.reach_lockout(t, m, ev);
                } else if a < self.rep.peak - c.partial_turn_delta_deg {
                    self.phase = Phase::Descent;
                    self.rep.lockout_exit_t = Some(t);
                }
            }
            Phase::Lockout => {
                self.record(t, a, m, ev);
                if a < lockout_exit {
                    self.phase = Phase::Descent;
                    self.rep.lockout_exit_t = Some(t);
                    if self.rep.counted.is_some() {
                        self.check_top(t, true, ev);
                    }
                }
            }
            Phase::Descent => {
                self.record(t, a, m, ev);
                if a < bottom_max {
                    self.finish_rep(t, true, ev);
                    self.enter_bottom(t, h);
                } else if a >= lockout_enter {
                    if self.rep.counted.is_some() {
                        // Re-squeeze at the top: same rep, not a new count.
                        self.phase = Phase::Lockout;
                        self.rep.lockout_exit_t = None;
                    } else if !self.rep.top_checked {
                        self.reach_lockout(t, m, ev);
                    }
                }
            }
        }
        self.set_last_activity = match self.phase {
            Phase::Ascent | Phase::Lockout | Phase::Descent => Some(t),
            _ => self.set_last_activity,
        };
    }

    fn enter_bottom(&mut self, t: f64, a: f32) {
        self.bottom_hip_height = None;
        if self.phase == Phase::Setup && self.setup_hi - self.setup_lo >= self.cfg.min_excursion_deg {
            self.last_peak = Some(self.setup_hi);
        }
        self.phase = Phase::Bottom;
        self.bottom_settle_angle = a;
        self.bottom_settle_t = t;
        self.bottom_enter_t = t;
        self.bottom_min = a;
        self.bottom_min_t = t;
    }

    fn reach_lockout(&mut self, t: f64, m: &FrameMetrics, ev: &mut Events) {
        let c = &self.cfg;
        let upright = m.torso_incline.is_some_and(|ti| ti.value > c.max_torso_incline_deg);
        let hands = self.rep.rise_frames > 0
            && self.rep.hand_frames as f32 >= c.hand_support_share * self.rep.rise_frames as f32;
        // Feet off the floor through most of the rise: lying prone, a leg curl, not a bridge.
        let feet_up = self.rep.foot_frames > 0 && 2 * self.rep.planted_frames < self.rep.foot_frames;
        // The hips stayed down while the hip opened: the torso lay back (a sit-up), not a bridge.
        let opened = m.hip_angle.map(|h| h.value - self.rep.bottom_angle);
        let hips_stayed = match (self.rep.start_hip_height, m.hip_height, opened) {
            (Some(a), Some(b), Some(deg)) if deg >= MIN_OPENING_FOR_RISE_DEG => {
                (b.value - a) / deg < c.min_hip_rise_per_deg
            }
            _ => false,
        };
        // Lying face down through most of the rise (prone work on a bench or the floor).
        let face_down = self.rep.face_frames > 0 && 2 * self.rep.face_down_frames > self.rep.face_frames;
        if upright || hands || feet_up || hips_stayed || face_down {
            // Standing up from a squat, hips raised on straight arms (a reverse tabletop, a
            // get-up) or legs curled while lying prone also reach a straight hip: not a rep.
            let slot = (self.set as usize).clamp(1, MAX_SETS) - 1;
            self.look_alikes[slot] += 1;
            if self.reps.is_empty() {
                self.warn(Warning::NotAHipThrust, ev);
            } else {
                self.warn(Warning::LookAlikeMovement, ev);
            }
            self.phase = Phase::Lockout;
            self.rep.counted = None;
            self.rep.top_checked = true;
            return;
        }
        self.phase = Phase::Lockout;
        self.rep.lockout_t = t;
        let index = self.reps.len() as u32 + 1;
        self.rep.counted = Some(index);
        // Every fault starts unjudged until its moment has been seen.
        let judgements =
            FaultId::ALL.iter().map(|&id| Judgement::not_judged(id, NotJudgedReason::ClipEnded)).collect();
        self.reps.push(Rep {
            index,
            set: self.set,
            side: self.rep.side,
            start_s: self.rep.start_t,
            lockout_s: t,
            end_s: t,
            complete: false,
            metrics: RepMetrics::default(),
            faults: Vec::new(),
            judgements,
            view: None,
        });
        ev.push(Event::RepCounted { rep: index });
    }

    fn record(&mut self, t: f64, a: f32, m: &FrameMetrics, ev: &mut Events) {
        let min_conf = self.cfg.fault_min_visibility;
        let val = |o: Option<crate::metrics::Metric>| {
            o.filter(|x| x.visibility >= min_conf).map_or(f32::NAN, |x| x.value)
        };
        if self.rep.samples.len() < REP_BUFFER_FRAMES {
            self.rep.samples.push(Sample {
                t,
                hip: a,
                hip_seen: m.hip_angle.is_some_and(|h| h.visibility >= min_conf),
                knee: val(m.knee_angle),
                shin: val(m.shin_angle),
                heel: val(m.heel_lift),
                toe: val(m.toe_lift),
                roll: m.hip_roll.map_or(f32::NAN, |x| x.value),
                spread: self.view_spread.unwrap_or(f32::NAN),
                yaw: self.view_axis().map_or(f32::NAN, |v| v.obliquity_deg),
            });
        }
        if self.rep.counted.is_none() && matches!(self.phase, Phase::Ascent) {
            self.rep.rise_frames += 1;
            if m.hand_support.is_some_and(|h| h.value > self.cfg.hand_support_min) {
                self.rep.hand_frames += 1;
            }
            if let Some(f) = m.face_up {
                self.rep.face_frames += 1;
                if f.value < self.cfg.face_up_min {
                    self.rep.face_down_frames += 1;
                }
            }
            if let Some(f) = m.foot_below_knee {
                self.rep.foot_frames += 1;
                if f.value >= self.cfg.foot_planted_min {
                    self.rep.planted_frames += 1;
                }
            }
        }
        if a > self.rep.peak {
            self.rep.peak = a;
            self.rep.peak_t = t;
        }
        // Overarch: sustained extension past the shoulder-knee line by more than the noise,
        // raised as soon as it is sure, and only where the view shows the sagittal plane.
        let hyper = a - 180.0;
        self.rep.max_hyper = self.rep.max_hyper.max(hyper);
        let side_view = self.current_view() == Some(CameraView::Side);
        let seen = m.hip_angle.is_some_and(|h| h.visibility >= min_conf);
        if side_view && seen && hyper > self.cfg.overarch_hyperext_deg + self.cfg.overarch_margin_deg {
            let start = *self.rep.overarch_start.get_or_insert(t);
            if !self.rep.overarch_raised && t - start >= self.cfg.overarch_min_s {
                if let Some(idx) = self.rep.counted {
                    self.rep.overarch_raised = true;
                    let f = Fault {
                        id: FaultId::OverarchLowerBack,
                        severity: FaultId::OverarchLowerBack.severity(),
                        cue: FaultId::OverarchLowerBack.cue().to_string(),
                        start_s: start,
                        end_s: t,
                        evidence: vec![Evidence {
                            metric: "hip_hyperextension_deg".into(),
                            value: f64::from(hyper),
                            op: ">".into(),
                            threshold: f64::from(self.cfg.overarch_hyperext_deg),
                        }],
                    };
                    self.push_fault(idx, f, ev);
                }
            }
        } else if let Some(start) = self.rep.overarch_start.take() {
            // Close the span of a raised overarch fault.
            if let Some(idx) = self.rep.counted {
                if let Some(r) = self.reps.get_mut(idx as usize - 1) {
                    if let Some(f) = r.faults.iter_mut().find(|f| f.id == FaultId::OverarchLowerBack) {
                        if (f.start_s - start).abs() < 1e-9 {
                            f.end_s = t;
                        }
                    }
                }
            }
        }
    }

    /// Records a fault's verdict on a rep (in place: the list was sized when the rep was counted).
    fn set_verdict(&mut self, rep: u32, id: FaultId, j: Judgement) {
        if let Some(r) = self.reps.get_mut(rep as usize - 1) {
            if let Some(slot) = r.judgements.iter_mut().find(|x| x.id == id) {
                // A raised fault stays raised, and what the view hides stays hidden for that reason.
                let view_hidden = slot.reason == Some(NotJudgedReason::View);
                if slot.verdict != Verdict::Raised && !view_hidden {
                    *slot = j;
                }
            }
        }
    }

    fn push_fault(&mut self, rep: u32, f: Fault, ev: &mut Events) {
        if let Some(r) = self.reps.get_mut(rep as usize - 1) {
            if r.faults.iter().any(|x| x.id == f.id) {
                return;
            }
            ev.push(Event::FaultRaised { rep, id: f.id });
            if let Some(slot) = r.judgements.iter_mut().find(|x| x.id == f.id) {
                *slot = Judgement { id: f.id, verdict: Verdict::Raised, reason: None };
            }
            r.faults.push(f);
        }
    }

    /// Faults judged over the top of the rep. `hold_ended` is false when the clip stopped at the top.
    fn check_top(&mut self, t: f64, hold_ended: bool, ev: &mut Events) {
        if self.rep.top_checked {
            return;
        }
        self.rep.top_checked = true;
        let Some(idx) = self.rep.counted else { return };
        let c = self.cfg;
        let band_lo = self.rep.peak - c.top_band_deg;
        let s = &self.rep.samples;
        // Longest run of frames within the top band.
        let (mut best, mut run_start): ((usize, usize), Option<usize>) = ((0, 0), None);
        for (i, x) in s.iter().enumerate() {
            if x.hip >= band_lo {
                let st = *run_start.get_or_insert(i);
                if i + 1 - st > best.1 - best.0 {
                    best = (st, i + 1);
                }
            } else {
                run_start = None;
            }
        }
        let top = &s[best.0..best.1];
        let (top_start, top_end) = match (top.first(), top.last()) {
            (Some(a), Some(b)) => (a.t, b.t),
            _ => (self.rep.lockout_t, t),
        };
        let frame_dt = if s.len() > 1 { (s[s.len() - 1].t - s[0].t) / (s.len() - 1) as f64 } else { 0.0 };
        let hold = top_end - top_start + frame_dt;
        // A gap in the poses around the top hides how long the hips stayed there.
        let top_gap = s
            .windows(2)
            .any(|w| w[1].t >= top_start && w[0].t <= top_end && w[1].t - w[0].t > 2.5 * frame_dt);
        let mean = |f: fn(&Sample) -> f32| -> Option<f32> {
            let (sum, n) =
                top.iter().map(f).filter(|v| v.is_finite()).fold((0.0, 0), |(s, n), v| (s + v, n + 1));
            (n > 0 && 2 * n >= top.len()).then(|| sum / n as f32)
        };
        let knee = mean(|x| x.knee);
        let shin = mean(|x| x.shin);
        let lockout_angle = mean(|x| x.hip).unwrap_or(self.rep.peak);
        let heel = mean(|x| x.heel);
        let toe = mean(|x| x.toe);
        let roll = mean(|x| x.roll);
        let yaw = mean(|x| x.yaw);
        let view = classify_view(mean(|x| x.spread), yaw, &c);
        let side_view = view == Some(CameraView::Side);
        // The 1/cos correction of a turned camera grows the landmarks' noise with it.
        let noise_scale = 1.0 / yaw.unwrap_or(0.0).clamp(0.0, c.max_view_yaw_deg).to_radians().cos();
        let (hip_m, knee_m, shin_m) = (
            c.hip_angle_margin_deg * noise_scale,
            c.knee_angle_margin_deg * noise_scale,
            c.shin_angle_margin_deg * noise_scale,
        );
        let peak = self.rep.peak;
        let mut faults: Vec<Fault> = Vec::new();
        let mut verdicts = [(FaultId::IncompleteLockout, Judgement::clear(FaultId::IncompleteLockout)); 8];
        let mut nv = 0;
        let mut verdict = |id: FaultId, j: Judgement| {
            if nv < verdicts.len() {
                verdicts[nv] = (id, j);
                nv += 1;
            }
        };
        let mk = |id: FaultId, st: f64, en: f64, evidence: Vec<Evidence>| Fault {
            id,
            severity: id.severity(),
            cue: id.cue().to_string(),
            start_s: st,
            end_s: en,
            evidence,
        };
        let e = |metric: &str, value: f32, op: &str, threshold: f32| Evidence {
            metric: metric.into(),
            value: f64::from(value),
            op: op.into(),
            threshold: f64::from(threshold),
        };
        let not_seen = |id: FaultId| Judgement::not_judged(id, NotJudgedReason::View);
        let hidden = |id: FaultId| Judgement::not_judged(id, NotJudgedReason::Occlusion);
        let sagittal = [
            FaultId::IncompleteLockout,
            FaultId::FeetTooClose,
            FaultId::FeetTooFar,
            FaultId::NoTopSqueeze,
            FaultId::HeelsLifting,
            FaultId::ToesLifting,
            FaultId::OverarchLowerBack,
        ];
        // The hip angle itself hidden over the top (a plate in front of the hips): the count
        // went on, but nothing read off that angle is judged.
        let hip_hidden = 2 * top.iter().filter(|x| x.hip_seen).count() < top.len();
        if view.is_none() {
            // Not even the view could be read (shoulders and hips barely seen): hidden.
            for id in sagittal {
                verdict(id, hidden(id));
            }
        } else if !side_view {
            for id in sagittal {
                verdict(id, not_seen(id));
            }
        } else if hip_hidden {
            for id in [FaultId::OverarchLowerBack, FaultId::IncompleteLockout, FaultId::NoTopSqueeze] {
                verdict(id, hidden(id));
            }
            for id in
                [FaultId::FeetTooClose, FaultId::FeetTooFar, FaultId::HeelsLifting, FaultId::ToesLifting]
            {
                verdict(id, hidden(id));
            }
        } else {
            verdict(FaultId::OverarchLowerBack, Judgement::clear(FaultId::OverarchLowerBack));
            // The hold's mean, not its peak: a peak is biased up by the landmarks' noise.
            if lockout_angle < c.incomplete_lockout_deg - hip_m {
                faults.push(mk(
                    FaultId::IncompleteLockout,
                    top_start,
                    top_end,
                    vec![e("lockout_hip_angle_deg", lockout_angle, "<", c.incomplete_lockout_deg)],
                ));
            } else {
                verdict(FaultId::IncompleteLockout, Judgement::clear(FaultId::IncompleteLockout));
            }
            if let (Some(k), Some(sh)) = (knee, shin) {
                if k < c.feet_close_knee_max_deg - knee_m && sh < c.feet_close_shin_max_deg - shin_m {
                    faults.push(mk(
                        FaultId::FeetTooClose,
                        top_start,
                        top_end,
                        vec![
                            e("knee_angle_at_top_deg", k, "<", c.feet_close_knee_max_deg),
                            e("shin_angle_at_top_deg", sh, "<", c.feet_close_shin_max_deg),
                        ],
                    ));
                } else {
                    verdict(FaultId::FeetTooClose, Judgement::clear(FaultId::FeetTooClose));
                }
                if k > c.feet_far_knee_min_deg + knee_m && sh > c.feet_far_shin_min_deg + shin_m {
                    faults.push(mk(
                        FaultId::FeetTooFar,
                        top_start,
                        top_end,
                        vec![
                            e("knee_angle_at_top_deg", k, ">", c.feet_far_knee_min_deg),
                            e("shin_angle_at_top_deg", sh, ">", c.feet_far_shin_min_deg),
                        ],
                    ));
                } else {
                    verdict(FaultId::FeetTooFar, Judgement::clear(FaultId::FeetTooFar));
                }
            } else {
                verdict(FaultId::FeetTooClose, hidden(FaultId::FeetTooClose));
                verdict(FaultId::FeetTooFar, hidden(FaultId::FeetTooFar));
            }
            if top_gap {
                verdict(
                    FaultId::NoTopSqueeze,
                    Judgement::not_judged(FaultId::NoTopSqueeze, NotJudgedReason::Cut),
                );
            } else if !hold_ended {
                verdict(
                    FaultId::NoTopSqueeze,
                    Judgement::not_judged(FaultId::NoTopSqueeze, NotJudgedReason::ClipEnded),
                );
            } else if hold < c.min_top_hold_s - c.timing_margin_s.max(frame_dt) {
                faults.push(mk(
                    FaultId::NoTopSqueeze,
                    top_start,
                    top_end,
                    vec![Evidence {
                        metric: "top_hold_s".into(),
                        value: hold,
                        op: "<".into(),
                        threshold: c.min_top_hold_s,
                    }],
                ));
            } else {
                verdict(FaultId::NoTopSqueeze, Judgement::clear(FaultId::NoTopSqueeze));
            }
            // A heel (or toe) lifts when the foot tips about the ankle: one end rises over the
            // other. Both ends up together is the foot sliding, or a floor baseline taken off a
            // moving foot, not a lift.
            let tip = |a: Option<f32>, b: Option<f32>| a.zip(b).map(|(a, b)| a - b);
            for (id, v, max, name) in [
                (
                    FaultId::HeelsLifting,
                    tip(heel, toe),
                    c.heel_lift_max,
                    "heel_over_toe_lift_at_top_foot_lengths",
                ),
                (
                    FaultId::ToesLifting,
                    tip(toe, heel),
                    c.toe_lift_max,
                    "toe_over_heel_lift_at_top_foot_lengths",
                ),
            ] {
                match v {
                    Some(v) if v > max + c.foot_lift_margin => {
                        faults.push(mk(id, top_start, top_end, vec![e(name, v, ">", max)]));
                    }
                    Some(_) => verdict(id, Judgement::clear(id)),
                    None => verdict(id, hidden(id)),
                }
            }
        }
        // Uneven hips: the pelvis against the shoulders in the body's own frame, where the
        // view shows the left–right axis.
        let uneven = FaultId::HipsUneven;
        match (roll, yaw) {
            (Some(r), Some(y)) if y >= c.lateral_view_min_yaw_deg => {
                if r > c.hip_roll_max_deg + c.hip_roll_margin_deg {
                    faults.push(mk(
                        uneven,
                        top_start,
                        top_end,
                        vec![e("hip_roll_deg", r, ">", c.hip_roll_max_deg)],
                    ));
                } else {
                    verdict(uneven, Judgement::clear(uneven));
                }
            }
            (Some(_), _) => verdict(uneven, not_seen(uneven)),
            (None, Some(_)) => verdict(uneven, hidden(uneven)),
            (None, None) => verdict(uneven, Judgement::not_judged(uneven, NotJudgedReason::NoDepth)),
        }
        self.rep.top_end_t = top_end;
        // A duration read off frames is uncertain by one frame: at 15 fps that is 67 ms.
        self.timing_margin_s = c.timing_margin_s.max(frame_dt);
        if let Some(r) = self.reps.get_mut(idx as usize - 1) {
            r.view = view;
            r.metrics.bottom_hip_angle = self.rep.bottom_angle;
            r.metrics.peak_hip_angle = peak;
            r.metrics.rom_deg = peak - self.rep.bottom_angle;
            r.metrics.lockout_hip_angle = lockout_angle;
            r.metrics.knee_angle_at_top = knee;
            r.metrics.shin_angle_at_top = shin;
            r.metrics.max_hyperextension_deg = self.rep.max_hyper.max(0.0);
            r.metrics.heel_lift_at_top = heel;
            r.metrics.toe_lift_at_top = toe;
            r.metrics.max_hip_roll_deg = roll;
            r.metrics.tempo = Tempo {
                concentric_s: (top_start - self.rep.start_t).max(0.0),
                top_hold_s: hold,
                eccentric_s: None,
                bottom_pause_s: (self.rep.start_t - self.rep.bottom_enter_t).max(0.0),
            };
        }
        for (id, j) in verdicts.into_iter().take(nv) {
            self.set_verdict(idx, id, j);
        }
        if !side_view {
            // The lowering is timed on the hip angle too.
            let id = FaultId::UncontrolledLowering;
            self.set_verdict(idx, id, if view.is_none() { hidden(id) } else { not_seen(id) });
            // An overarch raised while the view still read as side-on, in a rep whose top turned
            // out oblique (a view at the limit): the rep's own view decides, so the session never
            // holds a fault its view cannot show.
            if let Some(r) = self.reps.get_mut(idx as usize - 1) {
                let id = FaultId::OverarchLowerBack;
                r.faults.retain(|f| f.id != id);
                if let Some(slot) = r.judgements.iter_mut().find(|j| j.id == id) {
                    *slot = if view.is_none() { hidden(id) } else { not_seen(id) };
                }
            }
        }
        for f in faults {
            self.push_fault(idx, f, ev);
        }
    }

    /// Closes the rep in progress at `t`. `complete`: the hips came back down; the lowering is
    /// judged once the bottom is known ([`Self::judge_lowering`]).
    fn finish_rep(&mut self, t: f64, complete: bool, ev: &mut Events) {
        match self.rep.counted {
            Some(idx) => {
                self.check_top(t, complete, ev);
                if let Some(r) = self.reps.get_mut(idx as usize - 1) {
                    r.end_s = t;
                    r.complete = complete;
                }
                if complete && !self.rep.cut {
                    self.pending_lowering = Some((idx, self.rep.top_end_t));
                } else if self.rep.cut {
                    let id = FaultId::UncontrolledLowering;
                    self.set_verdict(idx, id, Judgement::not_judged(id, NotJudgedReason::Cut));
                }
            }
            None => {
                let rom = self.rep.peak - self.rep.bottom_angle;
                let slot = (self.set as usize).clamp(1, MAX_SETS) - 1;
                if complete && rom >= self.cfg.partial_min_rom_deg && self.look_alikes[slot] == 0 {
                    self.partials.push(PartialRep {
                        set: self.set,
                        start_s: self.rep.start_t,
                        peak_s: self.rep.peak_t,
                        end_s: t,
                        peak_hip_angle: self.rep.peak,
                        rom_deg: rom,
                    });
                    ev.push(Event::PartialRep { peak_hip_angle: self.rep.peak });
                }
            }
        }
        self.last_peak = Some(self.rep.peak);
        self.rep.counted = None;
    }

    /// The eccentric runs from the end of the top hold to the lowest point of the bottom.
    fn judge_lowering(&mut self, ev: &mut Events) {
        let Some((idx, top_end)) = self.pending_lowering.take() else { return };
        let c = self.cfg;
        let Some(r) = self.reps.get_mut(idx as usize - 1) else { return };
        let ecc = (r.end_s - top_end).max(0.0);
        r.metrics.tempo.eccentric_s = Some(ecc);
        let conc = r.metrics.tempo.concentric_s;
        if r.view != Some(CameraView::Side) {
            return;
        }
        if ecc < c.uncontrolled_eccentric_ratio * conc
            && ecc < c.uncontrolled_eccentric_max_s - self.timing_margin_s
        {
            let f = Fault {
                id: FaultId::UncontrolledLowering,
                severity: FaultId::UncontrolledLowering.severity(),
                cue: FaultId::UncontrolledLowering.cue().to_string(),
                start_s: top_end,
                end_s: r.end_s,
                evidence: vec![
                    Evidence {
                        metric: "eccentric_s".into(),
                        value: ecc,
                        op: "<".into(),
                        threshold: c.uncontrolled_eccentric_max_s,
                    },
                    Evidence {
                        metric: "eccentric_over_concentric".into(),
                        value: if conc > 0.0 { ecc / conc } else { 0.0 },
                        op: "<".into(),
                        threshold: c.uncontrolled_eccentric_ratio,
                    },
                ],
            };
            self.push_fault(idx, f, ev);
        } else {
            self.set_verdict(
                idx,
                FaultId::UncontrolledLowering,
                Judgement::clear(FaultId::UncontrolledLowering),
            );
        }
    }

    fn abandon(&mut self, last_pose_t: f64) {
        let mut ev = Events::default();
        self.judge_lowering(&mut ev);
        if matches!(self.phase, Phase::Ascent | Phase::Lockout | Phase::Descent) {
            let counted = self.rep.counted;
            self.finish_rep(last_pose_t, false, &mut ev);
            // The pose was lost: what the rep still had to show went unseen.
            if let Some(idx) = counted {
                for id in FaultId::ALL {
                    if self.reps.get(idx as usize - 1).and_then(|r| r.judgement(id)).is_some_and(|j| {
                        j.verdict == Verdict::NotJudged && j.reason == Some(NotJudgedReason::ClipEnded)
                    }) {
                        self.set_verdict(idx, id, Judgement::not_judged(id, NotJudgedReason::Cut));
                    }
                }
            }
        }
        self.phase = Phase::Setup;
        self.setup_lo = f32::MAX;
        self.setup_hi = f32::MIN;
        self.still_ref = f32::NAN;
    }

    /// Snapshot of the session so far (the live app saves this incrementally).
    pub fn summary(&self) -> SessionSummary {
        let mut warnings = self.warnings.clone();
        if self.frames > 0 && self.frames_with_pose == 0 {
            warnings.push(Warning::NoPose);
        } else if self.frames_with_pose > 0 && self.frames_low_conf * 2 > self.frames_with_pose {
            warnings.push(Warning::LowConfidence);
        }
        // One story per session: counted reps and "not a hip thrust" never stand together, and
        // the camera warning follows the view most frames were seen from.
        let look_alikes: u32 = self.look_alikes.iter().sum();
        if !self.reps.is_empty() {
            warnings.retain(|w| *w != Warning::NotAHipThrust);
            if look_alikes > 0 {
                warnings.push(Warning::LookAlikeMovement);
            }
        } else {
            warnings.retain(|w| *w != Warning::LookAlikeMovement);
            if look_alikes > 0 {
                warnings.push(Warning::NotAHipThrust);
            }
        }
        // The camera warning stands exactly when the view hid something: a rep seen from off
        // the side (its side-view faults are "not judged"), or, with no reps, most frames.
        let camera_view = self.camera_view();
        warnings.retain(|w| *w != Warning::CameraFrontal);
        let off_side = |v: Option<CameraView>| v.is_some_and(|v| v != CameraView::Side);
        let hid = if self.reps.is_empty() {
            off_side(camera_view)
        } else {
            self.reps.iter().any(|r| off_side(r.view))
        };
        if hid {
            warnings.push(Warning::CameraFrontal);
        }
        warnings.sort();
        warnings.dedup();
        let sets = self.set_summaries();
        SessionSummary {
            reps: self.reps.clone(),
            partial_reps: self.partials.clone(),
            sets,
            warnings,
            frames: self.frames,
            frames_with_pose: self.frames_with_pose,
            duration_s: match (self.first_t, self.last_t) {
                (Some(a), Some(b)) => b - a,
                _ => 0.0,
            },
            camera_yaw_deg: median_bin(&self.yaw_histogram),
            camera_view,
        }
    }

    /// The view most posed frames were seen from.
    fn camera_view(&self) -> Option<CameraView> {
        let views = [CameraView::Side, CameraView::Oblique, CameraView::Frontal];
        let (i, n) = self.view_frames.iter().enumerate().max_by_key(|&(i, n)| (*n, usize::MAX - i))?;
        (*n > 0).then_some(views[i])
    }

    /// Ends the stream: closes a rep cut off by the end of the clip and returns the session.
    pub fn finish(mut self) -> SessionSummary {
        let mut ev = Events::default();
        // A lowering still under way when the clip ends is not judged.
        let settled = self.last_t.is_some_and(|l| l - self.bottom_settle_t >= BOTTOM_SETTLE_S);
        if settled {
            self.judge_lowering(&mut ev);
        }
        if matches!(self.phase, Phase::Ascent | Phase::Lockout | Phase::Descent) {
            let t = self.last_pose_t.unwrap_or(0.0);
            self.finish_rep(t, false, &mut ev);
        }
        self.summary()
    }

    fn set_summaries(&self) -> Vec<SetSummary> {
        let look_alike_sets =
            self.look_alikes.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, _)| i as u32 + 1);
        let max_set = self
            .reps
            .iter()
            .map(|r| r.set)
            .chain(self.partials.iter().map(|p| p.set))
            .chain(look_alike_sets)
            .max()
            .unwrap_or(0);
        (1..=max_set)
            .filter_map(|set| {
                let reps: Vec<&Rep> = self.reps.iter().filter(|r| r.set == set).collect();
                let partials: Vec<&PartialRep> = self.partials.iter().filter(|p| p.set == set).collect();
                let look_alikes = self.look_alikes[(set as usize).clamp(1, MAX_SETS) - 1];
                if reps.is_empty() && partials.is_empty() && look_alikes == 0 {
                    return None;
                }
                let start = reps
                    .iter()
                    .map(|r| r.start_s)
                    .chain(partials.iter().map(|p| p.start_s))
                    .fold(f64::MAX, f64::min);
                let start = if start == f64::MAX { 0.0 } else { start };
                let end =
                    reps.iter().map(|r| r.end_s).chain(partials.iter().map(|p| p.end_s)).fold(0.0, f64::max);
                let n = reps.len().max(1) as f64;
                let ecc: Vec<f64> = reps.iter().filter_map(|r| r.metrics.tempo.eccentric_s).collect();
                let mut faults: Vec<FaultCount> = FaultId::ALL
                    .iter()
                    .map(|&id| FaultCount {
                        id,
                        reps: reps
                            .iter()
                            .filter(|r| r.faults.iter().any(|f| f.id == id))
                            .map(|r| r.index)
                            .collect(),
                    })
                    .filter(|fc| !fc.reps.is_empty())
                    .collect();
                faults.sort_by_key(|f| f.id);
                Some(SetSummary {
                    index: set,
                    start_s: start,
                    end_s: end,
                    reps: reps.len() as u32,
                    partials: partials.len() as u32,
                    clean_reps: reps.iter().filter(|r| r.is_clean()).count() as u32,
                    mean_rom_deg: (reps.iter().map(|r| f64::from(r.metrics.rom_deg)).sum::<f64>() / n) as f32,
                    mean_lockout_angle: (reps
                        .iter()
                        .map(|r| f64::from(r.metrics.lockout_hip_angle))
                        .sum::<f64>()
                        / n) as f32,
                    mean_concentric_s: reps.iter().map(|r| r.metrics.tempo.concentric_s).sum::<f64>() / n,
                    mean_top_hold_s: reps.iter().map(|r| r.metrics.tempo.top_hold_s).sum::<f64>() / n,
                    mean_eccentric_s: (!ecc.is_empty()).then(|| ecc.iter().sum::<f64>() / ecc.len() as f64),
                    faults,
                    look_alikes,
                    not_a_hip_thrust: look_alikes > 0 && reps.is_empty(),
                })
            })
            .collect()
    }
}
