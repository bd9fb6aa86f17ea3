//! The per-frame update: metrics → phase machine → reps, partials, faults and sets.

use serde::{Deserialize, Serialize};

use crate::config::Thresholds;
use crate::landmarks::{FrameGeometry, PoseObservation};
use crate::metrics::{measure, FootSample, FrameMetrics, Side};
use crate::session::{
    Evidence, Fault, FaultCount, FaultId, PartialRep, Rep, RepMetrics, SessionSummary, SetSummary, Tempo,
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
    asym: f32,
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
    frames: u64,
    frames_with_pose: u64,
    frames_low_conf: u64,
    frames_upright: u64,
    warnings: Vec<Warning>,
    /// Steady estimate of the camera's yaw from a side view (degrees).
    view_yaw: Option<f32>,
    /// Per-frame yaw readings by whole degree (0–90), for the session's median.
    yaw_histogram: [u32; 91],
}

/// A pose gap longer than this inside the lowering leaves its speed unjudged.
const LOWERING_MAX_GAP_S: f64 = 0.2;
/// The bottom counts as reached at the last drop of this many degrees (later drift is rest).
const BOTTOM_SETTLE_DEG: f32 = 3.0;
/// Time at the bottom after which a lowering cut by the end of the clip still counts as done.
const BOTTOM_SETTLE_S: f64 = 0.3;
/// Weight of a new bottom-phase foot sample in the set's floor baseline.
const FOOT_BASELINE_ALPHA: f32 = 0.2;
/// Share of posed frames with an upright torso beyond which the clip is not a hip thrust.
const UPRIGHT_SHARE: f64 = 0.5;
/// Time constant of the camera-yaw estimate: the camera stays put within a set while each
/// frame's world landmarks wobble by several degrees (side-view clips: p5–p95 spans 2–12°).
const VIEW_YAW_SMOOTHING_S: f64 = 1.0;
/// Posed frames needed before judging the movement type (1 s at 30 fps).
const MIN_FRAMES_FOR_MOVEMENT_CHECK: u64 = 30;

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
            frames: 0,
            frames_with_pose: 0,
            frames_low_conf: 0,
            frames_upright: 0,
            warnings: Vec::with_capacity(4),
            forced_side: None,
            view_yaw: None,
            yaw_histogram: [0; 91],
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
        let yaw = self.view_yaw;
        if yaw.is_some_and(|y| y > self.cfg.max_view_yaw_deg)
            && self.frames_with_pose >= MIN_FRAMES_FOR_MOVEMENT_CHECK
        {
            self.warn(Warning::CameraFrontal, &mut ev);
        }
        let metrics = pose.map(|p| {
            let (mut m, foot) = measure(p, self.geom, &self.cfg, self.foot_baseline, self.forced_side, yaw);
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
        let hip = m.and_then(|m| m.hip_angle).map(|h| h.value);

        if let Some((m, foot)) = metrics {
            self.frames_with_pose += 1;
            if m.hip_angle.is_none() {
                self.frames_low_conf += 1;
            }
            if m.torso_incline.is_some_and(|ti| ti.value > self.cfg.max_torso_incline_deg) {
                self.frames_upright += 1;
            }
            if self.frames_with_pose >= MIN_FRAMES_FOR_MOVEMENT_CHECK
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
                }
                // The lowering's duration is unknowable across a long gap in the poses.
                if self.last_pose_t.is_some_and(|lp| t - lp > LOWERING_MAX_GAP_S)
                    && (self.phase == Phase::Descent || self.pending_lowering.is_some())
                {
                    self.rep.cut = self.rep.cut || self.phase == Phase::Descent;
                    self.pending_lowering = None;
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

    /// `a`: smoothed hip angle, for thresholds and the top of the rep; `h`: this frame's own
    /// angle, for the bottom's timing (the smoothing lag would stretch the lowering).
    fn step(&mut self, t: f64, a: f32, h: f32, m: &FrameMetrics, ev: &mut Events) {
        let c = self.cfg;
        match self.phase {
            Phase::Setup => {
                if a < c.bottom_max_deg {
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
                    self.phase = Phase::Ascent;
                    self.set_last_activity = Some(t);
                    self.record(t, a, m, ev);
                }
            }
            Phase::Ascent => {
                self.record(t, a, m, ev);
                if a >= c.lockout_enter_deg {
                    self.reach_lockout(t, m, ev);
                } else if a < self.rep.peak - c.partial_turn_delta_deg {
                    self.phase = Phase::Descent;
                    self.rep.lockout_exit_t = Some(t);
                }
            }
            Phase::Lockout => {
                self.record(t, a, m, ev);
                if a < c.lockout_exit_deg {
                    self.phase = Phase::Descent;
                    self.rep.lockout_exit_t = Some(t);
                    if self.rep.counted.is_some() {
                        self.check_top(t, true, ev);
                    }
                }
            }
            Phase::Descent => {
                self.record(t, a, m, ev);
                if a < c.bottom_max_deg {
                    self.finish_rep(t, true, ev);
                    self.enter_bottom(t, h);
                } else if a >= c.lockout_enter_deg {
                    if self.rep.counted.is_some() {
                        // Re-squeeze at the top: same rep, not a new count.
                        self.phase = Phase::Lockout;
                        self.rep.lockout_exit_t = None;
                    } else {
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
        self.phase = Phase::Bottom;
        self.bottom_settle_angle = a;
        self.bottom_settle_t = t;
        self.bottom_enter_t = t;
        self.bottom_min = a;
        self.bottom_min_t = t;
    }

    fn reach_lockout(&mut self, t: f64, m: &FrameMetrics, ev: &mut Events) {
        let upright = m.torso_incline.is_some_and(|ti| ti.value > self.cfg.max_torso_incline_deg);
        if upright || self.warnings.contains(&Warning::NotAHipThrust) {
            // Standing up from a squat also reaches a straight hip: not a rep.
            self.warn(Warning::NotAHipThrust, ev);
            self.phase = Phase::Lockout;
            self.rep.counted = None;
            self.rep.top_checked = true;
            return;
        }
        self.phase = Phase::Lockout;
        self.rep.lockout_t = t;
        let index = self.reps.len() as u32 + 1;
        self.rep.counted = Some(index);
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
        });
        ev.push(Event::RepCounted { rep: index });
    }

    fn record(&mut self, t: f64, a: f32, m: &FrameMetrics, ev: &mut Events) {
        let min_conf = self.cfg.fault_min_visibility;
        let val = |o: Option<crate::metrics::Metric>| {
            o.filter(|x| x.confidence >= min_conf).map_or(f32::NAN, |x| x.value)
        };
        if self.rep.samples.len() < REP_BUFFER_FRAMES {
            self.rep.samples.push(Sample {
                t,
                hip: a,
                knee: val(m.knee_angle),
                shin: val(m.shin_angle),
                heel: val(m.heel_lift),
                toe: val(m.toe_lift),
                asym: val(m.hip_asymmetry),
            });
        }
        if a > self.rep.peak {
            self.rep.peak = a;
            self.rep.peak_t = t;
        }
        // Overarch: sustained extension past the shoulder-knee line, raised as soon as it is sure.
        let hyper = a - 180.0;
        self.rep.max_hyper = self.rep.max_hyper.max(hyper);
        if hyper > self.cfg.overarch_hyperext_deg {
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

    fn push_fault(&mut self, rep: u32, f: Fault, ev: &mut Events) {
        if let Some(r) = self.reps.get_mut(rep as usize - 1) {
            if r.faults.iter().any(|x| x.id == f.id) {
                return;
            }
            ev.push(Event::FaultRaised { rep, id: f.id });
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
        let max_of = |f: fn(&Sample) -> f32| -> Option<(f32, f64, f64)> {
            // Largest value over the rep, with the span where it exceeds half of it.
            let mut best: Option<(f32, f64)> = None;
            for x in s.iter() {
                let v = f(x);
                if v.is_finite() && best.is_none_or(|(b, _)| v > b) {
                    best = Some((v, x.t));
                }
            }
            best.map(|(v, bt)| {
                let (mut st, mut en) = (bt, bt);
                for x in s.iter() {
                    if f(x) >= 0.5 * v {
                        st = st.min(x.t);
                        en = en.max(x.t);
                    }
                }
                (v, st, en)
            })
        };
        let knee = mean(|x| x.knee);
        let shin = mean(|x| x.shin);
        let lockout_angle = mean(|x| x.hip).unwrap_or(self.rep.peak);
        let heel = mean(|x| x.heel);
        let toe = mean(|x| x.toe);
        let asym = max_of(|x| x.asym);
        let peak = self.rep.peak;
        let mut faults: Vec<Fault> = Vec::new();
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
        if peak < c.incomplete_lockout_deg {
            faults.push(mk(
                FaultId::IncompleteLockout,
                top_start,
                top_end,
                vec![e("peak_hip_angle_deg", peak, "<", c.incomplete_lockout_deg)],
            ));
        }
        if let (Some(k), Some(sh)) = (knee, shin) {
            if k < c.feet_close_knee_max_deg && sh < c.feet_close_shin_max_deg {
                faults.push(mk(
                    FaultId::FeetTooClose,
                    top_start,
                    top_end,
                    vec![
                        e("knee_angle_at_top_deg", k, "<", c.feet_close_knee_max_deg),
                        e("shin_angle_at_top_deg", sh, "<", c.feet_close_shin_max_deg),
                    ],
                ));
            }
            if k > c.feet_far_knee_min_deg && sh > c.feet_far_shin_min_deg {
                faults.push(mk(
                    FaultId::FeetTooFar,
                    top_start,
                    top_end,
                    vec![
                        e("knee_angle_at_top_deg", k, ">", c.feet_far_knee_min_deg),
                        e("shin_angle_at_top_deg", sh, ">", c.feet_far_shin_min_deg),
                    ],
                ));
            }
        }
        if hold_ended && !top_gap && hold < c.min_top_hold_s {
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
        }
        if let Some(v) = heel.filter(|&h| h > c.heel_lift_max) {
            let ev = vec![e("heel_lift_at_top_foot_lengths", v, ">", c.heel_lift_max)];
            faults.push(mk(FaultId::HeelsLifting, top_start, top_end, ev));
        }
        if let Some(v) = toe.filter(|&h| h > c.toe_lift_max) {
            let ev = vec![e("toe_lift_at_top_foot_lengths", v, ">", c.toe_lift_max)];
            faults.push(mk(FaultId::ToesLifting, top_start, top_end, ev));
        }
        if let Some((v, st, en)) = asym.filter(|h| h.0 > c.hip_asymmetry_max) {
            faults.push(mk(
                FaultId::HipsUneven,
                st,
                en,
                vec![e("hip_asymmetry", v, ">", c.hip_asymmetry_max)],
            ));
        }
        self.rep.top_end_t = top_end;
        if let Some(r) = self.reps.get_mut(idx as usize - 1) {
            r.metrics.bottom_hip_angle = self.rep.bottom_angle;
            r.metrics.peak_hip_angle = peak;
            r.metrics.rom_deg = peak - self.rep.bottom_angle;
            r.metrics.lockout_hip_angle = lockout_angle;
            r.metrics.knee_angle_at_top = knee;
            r.metrics.shin_angle_at_top = shin;
            r.metrics.max_hyperextension_deg = self.rep.max_hyper.max(0.0);
            r.metrics.heel_lift_at_top = heel;
            r.metrics.toe_lift_at_top = toe;
            r.metrics.max_hip_asymmetry = asym.map(|h| h.0);
            r.metrics.tempo = Tempo {
                concentric_s: (top_start - self.rep.start_t).max(0.0),
                top_hold_s: hold,
                eccentric_s: None,
                bottom_pause_s: (self.rep.start_t - self.rep.bottom_enter_t).max(0.0),
            };
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
                }
            }
            None => {
                let rom = self.rep.peak - self.rep.bottom_angle;
                if complete
                    && rom >= self.cfg.partial_min_rom_deg
                    && !self.warnings.contains(&Warning::NotAHipThrust)
                {
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
        if ecc < c.uncontrolled_eccentric_ratio * conc && ecc < c.uncontrolled_eccentric_max_s {
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
        }
    }

    fn abandon(&mut self, last_pose_t: f64) {
        let mut ev = Events::default();
        self.judge_lowering(&mut ev);
        if matches!(self.phase, Phase::Ascent | Phase::Lockout | Phase::Descent) {
            self.finish_rep(last_pose_t, false, &mut ev);
        }
        self.phase = Phase::Setup;
    }

    /// Snapshot of the session so far (the live app saves this incrementally).
    pub fn summary(&self) -> SessionSummary {
        let mut warnings = self.warnings.clone();
        if self.frames > 0 && self.frames_with_pose == 0 {
            warnings.push(Warning::NoPose);
        } else if self.frames_with_pose > 0 && self.frames_low_conf * 2 > self.frames_with_pose {
            warnings.push(Warning::LowConfidence);
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
        }
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
        let max_set =
            self.reps.iter().map(|r| r.set).chain(self.partials.iter().map(|p| p.set)).max().unwrap_or(0);
        (1..=max_set)
            .filter_map(|set| {
                let reps: Vec<&Rep> = self.reps.iter().filter(|r| r.set == set).collect();
                let partials: Vec<&PartialRep> = self.partials.iter().filter(|p| p.set == set).collect();
                if reps.is_empty() && partials.is_empty() {
                    return None;
                }
                let start = reps
                    .iter()
                    .map(|r| r.start_s)
                    .chain(partials.iter().map(|p| p.start_s))
                    .fold(f64::MAX, f64::min);
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
                    clean_reps: reps.iter().filter(|r| r.faults.is_empty()).count() as u32,
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
                })
            })
            .collect()
    }
}
