//! Per-frame kinematics from one pose, measured in pixel space.

use serde::{Deserialize, Serialize};

use crate::config::Thresholds;
use crate::landmarks::{idx, FrameGeometry, Landmark, PoseObservation, SideIdx, LEFT, RIGHT};

/// Which side of the body the metrics come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
    /// Frontal view: both sides visible, values averaged.
    Both,
}

/// A measured value with the trust behind it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "MetricRecord")]
pub struct Metric {
    pub value: f32,
    /// How far this value can be trusted from this camera: the landmarks' `visibility` times
    /// how well the view shows what the metric measures (the sagittal plane for the hip, knee,
    /// shin, head and foot angles; the left–right axis for the hips' roll).
    pub confidence: f32,
    /// Lowest visibility of the landmarks behind the value (occlusion alone, whatever the view).
    pub visibility: f32,
}

impl Metric {
    /// A value whose view shows it fully: confidence is the landmarks' visibility.
    pub fn seen(value: f32, visibility: f32) -> Self {
        Self { value, confidence: visibility, visibility }
    }

    /// The same value from a view that shows `quality` (0–1) of it.
    fn in_view(self, quality: f32) -> Self {
        Self { confidence: self.visibility * quality.clamp(0.0, 1.0), ..self }
    }
}

/// `Metric` as stored: files written before `visibility` existed carry the landmarks'
/// visibility as `confidence`.
#[derive(Deserialize)]
struct MetricRecord {
    value: f32,
    confidence: f32,
    visibility: Option<f32>,
}

impl From<MetricRecord> for Metric {
    fn from(r: MetricRecord) -> Self {
        Self { value: r.value, confidence: r.confidence, visibility: r.visibility.unwrap_or(r.confidence) }
    }
}

/// Everything measured on one frame. `None` means "not measurable with confidence here".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameMetrics {
    /// Side the metrics come from (the one facing the camera).
    pub side: Side,
    /// Leg that carries the load (the lower foot in single-leg work).
    pub working_leg: Side,
    /// The leg held off the floor (single-leg work): its ankle well above the other's, both
    /// placed by the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raised_leg: Option<Side>,
    /// `raised_leg` could be read on this frame (world landmarks: one ankle seen and the lower
    /// leg placed; the picture: both ankles seen): a frame that cannot read a raise says
    /// nothing about whether a leg is raised.
    #[serde(skip)]
    pub legs_read: bool,
    /// A B-stance's kickstand: this foot planted ahead of the other on its toes, the heel up
    /// (world landmarks, both feet placed). Its knee, shin and foot are not the working leg's:
    /// held through a top on the leg the placement and foot checks read, they are not judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kickstand: Option<Side>,
    /// Shoulder-hip-knee angle, signed: 180 = straight line, above 180 = hyperextended.
    pub hip_angle: Option<Metric>,
    /// The hip angle where the hips are hidden (a plate in front of them): read off landmarks
    /// the model placed but barely sees, else off the shoulder–knee reach; only when
    /// `hip_angle` is unmeasurable, only to keep the count going; no fault is judged on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hip_angle_hidden: Option<Metric>,
    /// Hip's distance from the shoulder-knee line over that line's length; + above, - below.
    pub hip_line_offset: Option<Metric>,
    /// Hip-knee-ankle angle.
    pub knee_angle: Option<Metric>,
    /// Shin from vertical; + when the ankle is ahead of the knee (feet out), - behind.
    pub shin_angle: Option<Metric>,
    /// Ear-shoulder-hip angle (head position).
    pub neck_angle: Option<Metric>,
    /// Shoulder-hip line from horizontal: 0 lying flat, 90 upright (sitting, standing), negative
    /// with the hips above the shoulders (a bridge's top; −90 upside down).
    pub torso_incline: Option<Metric>,
    /// Heel height above its set baseline, in foot lengths.
    pub heel_lift: Option<Metric>,
    /// Toe (foot index) height above its set baseline, in foot lengths.
    pub toe_lift: Option<Metric>,
    /// Roll of the pelvis against the shoulders about the spine, in the body's own frame
    /// (world landmarks), degrees: one hip higher than the other. `None` without world landmarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hip_roll: Option<Metric>,
    /// The knees' distance apart over the hips' (world landmarks): about 1 with the knees over
    /// the feet, 3 or more with them turned out wide (a frog stance). `None` without world
    /// landmarks or with a knee or hip unseen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knees_apart: Option<Metric>,
    /// Shoulder and hip widths over the shoulder–hip and hip–knee lengths, in the image: near
    /// its floor in a side view (the left–right axis points at the camera), large when the
    /// camera faces the lifter or looks along the body from the feet or the head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateral_spread: Option<Metric>,
    /// How far a straight-armed wrist sits below its shoulder, in torso lengths (world
    /// landmarks when given, else the image in side views): a hand bearing weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand_support: Option<Metric>,
    /// Which way the face points: the nose's distance from the shoulder–hip line on its up side,
    /// in torso lengths (world landmarks when given, else the image in side views); positive
    /// lying face up, about zero or negative face down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_up: Option<Metric>,
    /// Height of the hips above the working leg's ankle, in thigh lengths (world landmarks when
    /// given, else the image in side views): it climbs through a bridge's rise, and stays put
    /// when only the torso moves (a sit-up, a crunch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hip_height: Option<Metric>,
    /// How far the working leg's ankle sits below its knee, over the shin's length (world
    /// landmarks when given, else the image in side views): near 1 with a foot planted under a
    /// vertical shin, 0 or less with the lower leg lying flat or curled up (prone work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foot_below_knee: Option<Metric>,
    /// The working thigh's elevation, degrees, positive with the knee above the hip (world
    /// landmarks when given, else the image in side views): a bridge turns the thigh about the
    /// knee as the hips climb; a sit-up or crunch leaves it where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thigh_elevation: Option<Metric>,
    /// Shoulders, hips, knees and ankles are all inside the frame and seen (not a close-up, a
    /// title card or a cut-away).
    #[serde(default = "yes")]
    pub body_in_view: bool,
    /// Room between the working foot and the frame's nearest edge, in foot lengths (negative:
    /// past it): the least of heel, toe and ankle, and the ankle's alone. The model guesses a
    /// foot the frame cuts (see [`FOOT_EDGE_ROOM`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foot_edge_room: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ankle_edge_room: Option<f32>,
    /// Camera's yaw away from a pure side view, in degrees (0 side, 90 frontal), from the world
    /// landmarks; the sagittal metrics above are corrected for its foreshortening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_yaw: Option<Metric>,
    /// How well this view shows the sagittal plane the hip, knee and foot angles live in, 0–1:
    /// the share of the plane's foreshortened axis that reaches the image (cos of the obliquity
    /// from the world landmarks: a camera turned or pitched, a low camera along the thighs),
    /// lowered further as the lateral spread grows past a side view's (the plane edge-on from
    /// the feet or the head). Its `confidence` is the landmarks' behind the estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sagittal_view: Option<Metric>,
    /// Inward bow of the back's outline over the shoulder–hip distance, on frames given a
    /// segmentation mask (the top of a rep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_curvature: Option<Metric>,
}

fn yes() -> bool {
    true
}

impl FrameMetrics {
    /// Hip extension deficit: how far short of the straight shoulder-knee line (0 when there).
    pub fn hip_deficit(&self) -> Option<f32> {
        self.hip_angle.map(|m| (180.0 - m.value).max(0.0))
    }
}

/// Raw foot heights (pixels, image y grows downwards) used to build the set's floor baseline.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FootSample {
    pub heel_y: f32,
    pub toe_y: f32,
    pub foot_len: f32,
    pub confidence: f32,
}

#[derive(Clone, Copy, Debug)]
struct P {
    x: f32,
    y: f32,
}

/// Pixel scale of the normalized coordinates, and the stretch `k` along the image direction
/// `(ux, uy)` that undoes the view's foreshortening of the sagittal plane (1: none).
#[derive(Clone, Copy, Debug)]
struct Px {
    w: f32,
    h: f32,
    ux: f32,
    uy: f32,
    k: f32,
}

impl Px {
    fn plain(w: f32, h: f32) -> Self {
        Self { w, h, ux: 1.0, uy: 0.0, k: 1.0 }
    }
}

fn px(l: &Landmark, g: Px) -> P {
    let (x, y) = (l.x * g.w, l.y * g.h);
    let along = (g.k - 1.0) * (x * g.ux + y * g.uy);
    P { x: x + along * g.ux, y: y + along * g.uy }
}

/// Where the sagittal plane faces, from the world landmarks: its normal (the body's left–right
/// axis) makes `obliquity_deg` with the camera's axis, and leans towards image direction
/// `(ux, uy)`. A yawed camera leans it sideways, a raised or low one up or down; the plane is
/// foreshortened by cos(obliquity) along that direction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewAxis {
    pub obliquity_deg: f32,
    pub ux: f32,
    pub uy: f32,
    /// Measure the hip angle and torso incline on the world landmarks' midline instead of the
    /// image (views turned past what the image's stretch can undo). The analyzer sets it with
    /// hysteresis so the signal never flips between the two near the limit.
    pub world_angles: bool,
}

/// The body's left–right axis in camera coordinates (unit, right minus left), from the world
/// landmarks. Its sign is the body's own (never flipped towards the camera): near a view
/// along the body the depth component crosses zero and a flip would make a steady estimate
/// average opposite vectors away.
pub fn lateral_axis(pose: &PoseObservation) -> Option<[f32; 3]> {
    let w = pose.world.as_ref()?;
    let d = |a: usize, b: usize| [w[a].x - w[b].x, w[a].y - w[b].y, w[a].z - w[b].z];
    let (h, s) = (d(idx::RIGHT_HIP, idx::LEFT_HIP), d(idx::RIGHT_SHOULDER, idx::LEFT_SHOULDER));
    let mut l = [h[0] + s[0], h[1] + s[1], h[2] + s[2]];
    let n = (l[0] * l[0] + l[1] * l[1] + l[2] * l[2]).sqrt();
    if !(n > f32::EPSILON && n.is_finite()) {
        return None;
    }
    for c in &mut l {
        *c /= n;
    }
    Some(l)
}

impl ViewAxis {
    /// From a (steady) unit left–right axis in camera coordinates.
    pub fn from_axis(l: [f32; 3]) -> Option<Self> {
        let across = l[0].hypot(l[1]);
        let obliquity_deg = across.atan2(l[2].abs()).to_degrees();
        if !obliquity_deg.is_finite() {
            return None;
        }
        let (ux, uy) = if across > f32::EPSILON { (l[0] / across, l[1] / across) } else { (1.0, 0.0) };
        Some(Self { obliquity_deg, ux, uy, world_angles: false })
    }

    /// A pure yaw (the camera turned about the vertical axis).
    pub fn yaw(yaw_deg: f32, t: &Thresholds) -> Self {
        Self { obliquity_deg: yaw_deg, ux: 1.0, uy: 0.0, world_angles: yaw_deg > t.max_view_yaw_deg }
    }
}

/// The camera's yaw away from a pure side view (degrees, 0–90) from the world landmarks: the
/// body's left–right axis (hips and shoulders) lies along the camera's depth in a side view
/// and across the image in a frontal one. `None` without world landmarks.
pub fn view_yaw(pose: &PoseObservation) -> Option<f32> {
    let [x, _, z] = lateral_axis(pose)?;
    let yaw = x.abs().atan2(z.abs()).to_degrees();
    (x.hypot(z) > f32::EPSILON && yaw.is_finite()).then_some(yaw)
}

/// Roll of the pelvis against the shoulders about the spine axis (degrees, unsigned), from
/// the world landmarks: both left–right lines are projected onto the plane across the spine,
/// so the lifter's own posture, not the camera, decides it.
pub fn hip_roll(pose: &PoseObservation, min_vis: f32) -> Option<Metric> {
    let w = pose.world.as_ref()?;
    let spine = sub3(
        world_mid(w, idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
        world_mid(w, idx::LEFT_HIP, idx::RIGHT_HIP),
    );
    let sl = dot3(spine, spine).sqrt();
    if sl <= f32::EPSILON {
        return None;
    }
    let a = [spine[0] / sl, spine[1] / sl, spine[2] / sl];
    let across = |x: [f32; 3]| {
        let k = dot3(x, a);
        [x[0] - k * a[0], x[1] - k * a[1], x[2] - k * a[2]]
    };
    let line = |l: usize, r: usize| across(sub3(world_at(w, r), world_at(w, l)));
    let (h, s) = (line(idx::LEFT_HIP, idx::RIGHT_HIP), line(idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER));
    let n = dot3(h, h).sqrt() * dot3(s, s).sqrt();
    if n <= f32::EPSILON {
        return None;
    }
    let deg = (dot3(h, s) / n).clamp(-1.0, 1.0).acos().to_degrees();
    let conf = least_visibility(
        &pose.landmarks,
        &[idx::LEFT_HIP, idx::RIGHT_HIP, idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER],
    );
    metric(deg, conf, min_vis)
}

/// The knees' distance apart over the hips' distance apart (world landmarks, metres over
/// metres, so the camera's angle leaves it alone).
pub fn knees_apart(pose: &PoseObservation, min_vis: f32) -> Option<Metric> {
    let w = pose.world.as_ref()?;
    let d = |a: usize, b: usize| dist3(world_at(w, a), world_at(w, b));
    let hips = d(idx::LEFT_HIP, idx::RIGHT_HIP);
    if hips <= f32::EPSILON {
        return None;
    }
    let conf =
        least_visibility(&pose.landmarks, &[idx::LEFT_HIP, idx::RIGHT_HIP, idx::LEFT_KNEE, idx::RIGHT_KNEE]);
    metric(d(idx::LEFT_KNEE, idx::RIGHT_KNEE) / hips, conf, min_vis)
}

/// The lowest visibility among `ids`: a value read off several landmarks is as seen as its
/// least seen one.
fn least_visibility(lm: &[Landmark], ids: &[usize]) -> f32 {
    ids.iter().map(|&i| lm[i].visibility).fold(1.0f32, f32::min)
}

/// How well the view shows the sagittal plane (see [`FrameMetrics::sagittal_view`]): the
/// world's cos(obliquity) when known, times the share of the way from a side view's spread to
/// a frontal one still left.
fn sagittal_view(view: Option<ViewAxis>, spread: Option<Metric>, t: &Thresholds) -> Option<Metric> {
    let from_axis = view.map(|v| v.obliquity_deg.to_radians().cos().clamp(0.0, 1.0));
    let from_spread = spread.map(|s| {
        let (side, frontal) =
            (t.side_view_max_spread, t.frontal_view_min_spread.max(t.side_view_max_spread + 1e-3));
        // Full up to half a side view's limit (the spread's own floor), nothing when frontal.
        (1.0 - (s.value - 0.5 * side) / (frontal - 0.5 * side)).clamp(0.0, 1.0)
    });
    let q = match (from_axis, from_spread) {
        (Some(a), Some(b)) => a * b,
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    Some(Metric::seen(q, spread.map_or(1.0, |s| s.visibility)))
}

/// Lateral spread of the body in the image (see [`FrameMetrics::lateral_spread`]).
fn lateral_spread(lm: &[Landmark], g: Px, min_vis: f32) -> Option<Metric> {
    let p = |i: usize| px(&lm[i], g);
    let mid = |a: P, b: P| P { x: 0.5 * (a.x + b.x), y: 0.5 * (a.y + b.y) };
    let (ls, rs, lh, rh) =
        (p(idx::LEFT_SHOULDER), p(idx::RIGHT_SHOULDER), p(idx::LEFT_HIP), p(idx::RIGHT_HIP));
    let (ms, mh) = (mid(ls, rs), mid(lh, rh));
    let mk = mid(p(idx::LEFT_KNEE), p(idx::RIGHT_KNEE));
    let lengths = norm(sub(ms, mh)) + norm(sub(mk, mh));
    let widths = norm(sub(ls, rs)) + norm(sub(lh, rh));
    // One side seen is enough: in a side view the far side is placed behind the near one with
    // a low visibility, which is itself a sign of the view. The knees only give the scale.
    let v = |i: usize| lm[i].visibility;
    let conf = v(idx::LEFT_SHOULDER).min(v(idx::LEFT_HIP)).max(v(idx::RIGHT_SHOULDER).min(v(idx::RIGHT_HIP)));
    if lengths <= 1.0 {
        return None;
    }
    metric(widths / lengths, conf, min_vis)
}

/// Elbow straighter than this counts as a straight arm (a hand bearing weight locks it;
/// hands holding a bar or resting beside the hips keep it bent or lie flat).
const STRAIGHT_ELBOW_DEG: f32 = 150.0;

/// Largest drop of a straight-armed wrist below its shoulder, in torso lengths. World
/// landmarks (metres, camera-aligned, y down) when given; else the image, trusted only when
/// `side_view` (from the feet, straight arms lying beside the body drop in the image too).
fn hand_support(pose: &PoseObservation, g: Px, side_view: bool, min_vis: f32) -> Option<Metric> {
    let lm = &pose.landmarks;
    let arms = [
        (idx::LEFT_SHOULDER, idx::LEFT_ELBOW, idx::LEFT_WRIST, idx::LEFT_HIP),
        (idx::RIGHT_SHOULDER, idx::RIGHT_ELBOW, idx::RIGHT_WRIST, idx::RIGHT_HIP),
    ];
    let mut best: Option<Metric> = None;
    for (s, e, w, h) in arms {
        let conf = lm[s].visibility.min(lm[e].visibility).min(lm[w].visibility);
        if conf < min_vis {
            continue;
        }
        let drop = match pose.world.as_ref() {
            Some(wl) => {
                let elbow = angle3(&wl[s], &wl[e], &wl[w]);
                let torso = {
                    let (x, y, z) = (wl[s].x - wl[h].x, wl[s].y - wl[h].y, wl[s].z - wl[h].z);
                    (x * x + y * y + z * z).sqrt()
                };
                // NaN (a degenerate arm) is not straight either.
                if elbow.is_nan() || elbow < STRAIGHT_ELBOW_DEG || torso <= f32::EPSILON {
                    continue;
                }
                (wl[w].y - wl[s].y) / torso
            }
            None => {
                if !side_view {
                    continue;
                }
                let (ps, pe, pw, ph) = (px(&lm[s], g), px(&lm[e], g), px(&lm[w], g), px(&lm[h], g));
                let torso = norm(sub(ps, ph));
                let elbow = angle(ps, pe, pw);
                if elbow.is_nan() || elbow < STRAIGHT_ELBOW_DEG || torso <= 1.0 {
                    continue;
                }
                (pw.y - ps.y) / torso
            }
        };
        if drop.is_finite() && best.is_none_or(|b| drop > b.value) {
            best = Some(Metric::seen(drop, conf));
        }
    }
    best
}

/// The nose's side of the shoulder–hip line (see [`FrameMetrics::face_up`]).
fn face_up(pose: &PoseObservation, body: &SideIdx, g: Px, side_view: bool, min_vis: f32) -> Option<Metric> {
    let lm = &pose.landmarks;
    let conf = lm[idx::NOSE].visibility.min(lm[body.shoulder].visibility).min(lm[body.hip].visibility);
    // (shoulder, hip, nose) with y down: the world's 3D landmarks, or the image in side views.
    let pt = |p: P| [p.x, p.y, 0.0];
    let (s, h, n) = match pose.world.as_ref() {
        // The nose sits on the body's midline, so it is read against the midline: against one
        // side's shoulder–hip line, a camera raised over the lifter moves that line up or down
        // the picture by half the shoulders' width (a far side read "face down" at 45° up).
        Some(w) => {
            let v = |i: usize| world_at(w, i);
            (
                world_mid(w, idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
                world_mid(w, idx::LEFT_HIP, idx::RIGHT_HIP),
                v(idx::NOSE),
            )
        }
        None if side_view => {
            (pt(px(&lm[body.shoulder], g)), pt(px(&lm[body.hip], g)), pt(px(&lm[idx::NOSE], g)))
        }
        None => return None,
    };
    let dot = |a: [f32; 3], b: [f32; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let d = [h[0] - s[0], h[1] - s[1], h[2] - s[2]];
    let len2 = dot(d, d);
    if len2 <= f32::EPSILON {
        return None;
    }
    // "Up" (−y) with its share along the torso removed: the side of the shoulder–hip line the
    // ceiling is on, whatever the camera's angle.
    let k = -d[1] / len2;
    let up = [-k * d[0], -1.0 - k * d[1], -k * d[2]];
    let up_len = dot(up, up).sqrt();
    if up_len <= f32::EPSILON {
        return None;
    }
    let v = [n[0] - s[0], n[1] - s[1], n[2] - s[2]];
    metric(dot(v, up) / (up_len * len2.sqrt()), conf, min_vis)
}

/// Hip height above the ankle in thigh lengths (see [`FrameMetrics::hip_height`]), all on the
/// working leg's side: the better-seen side's hip with the other leg's knee and ankle (a
/// single-leg bridge, near leg raised) carried the hips' sideways offset into the vertical
/// wherever a raised, turned camera mixes them.
fn hip_height(pose: &PoseObservation, leg: &SideIdx, g: Px, side_view: bool, min_vis: f32) -> Option<Metric> {
    let lm = &pose.landmarks;
    let conf = lm[leg.hip].visibility.min(lm[leg.knee].visibility).min(lm[leg.ankle].visibility);
    let v = match pose.world.as_ref() {
        Some(w) => {
            let at = |i: usize| world_at(w, i);
            (w[leg.ankle].y - w[leg.hip].y) / dist3(at(leg.hip), at(leg.knee))
        }
        None if side_view => {
            let (h, k, a) = (px(&lm[leg.hip], g), px(&lm[leg.knee], g), px(&lm[leg.ankle], g));
            (a.y - h.y) / norm(sub(h, k))
        }
        None => return None,
    };
    metric(v, conf, min_vis)
}

/// How far landmark `to` sits below `from`, over the distance between them (the sine of the
/// segment's drop): world landmarks when given, else the image in side views.
fn drop_sine(pose: &PoseObservation, from: usize, to: usize, g: Px, side_view: bool) -> Option<f32> {
    let v = match pose.world.as_ref() {
        Some(w) => {
            let (f, t) = (&w[from], &w[to]);
            (t.y - f.y) / ((t.x - f.x).powi(2) + (t.y - f.y).powi(2) + (t.z - f.z).powi(2)).sqrt()
        }
        None if side_view => {
            let (f, t) = (px(&pose.landmarks[from], g), px(&pose.landmarks[to], g));
            (t.y - f.y) / norm(sub(t, f))
        }
        None => return None,
    };
    v.is_finite().then_some(v)
}

/// Ankle below knee over shin length (see [`FrameMetrics::foot_below_knee`]).
fn foot_below_knee(
    pose: &PoseObservation,
    leg: &SideIdx,
    g: Px,
    side_view: bool,
    min_vis: f32,
) -> Option<Metric> {
    let lm = &pose.landmarks;
    let conf = lm[leg.knee].visibility.min(lm[leg.ankle].visibility);
    metric(drop_sine(pose, leg.knee, leg.ankle, g, side_view)?, conf, min_vis)
}

/// The thigh's elevation: the hip's drop below the knee, as an angle (see
/// [`FrameMetrics::thigh_elevation`]), on the working leg's own side as [`hip_height`].
fn thigh_elevation(
    pose: &PoseObservation,
    leg: &SideIdx,
    g: Px,
    side_view: bool,
    min_vis: f32,
) -> Option<Metric> {
    let lm = &pose.landmarks;
    let conf = lm[leg.hip].visibility.min(lm[leg.knee].visibility);
    let sine = drop_sine(pose, leg.knee, leg.hip, g, side_view)?;
    metric(sine.clamp(-1.0, 1.0).asin().to_degrees(), conf, min_vis)
}

/// A foot landmark nearer the frame's edge than this many foot lengths is guessed, not seen.
/// Measured on `hip_thrust_feet_normal` cropped from the toes' side (our pose stage): with the
/// foot's median room at 0.14 foot lengths (toes on the edge) the heel-over-toe tip at the top
/// moved by 0.07–0.33 foot lengths from the uncropped clip's; at 0.19, by 0.02–0.05 (the
/// landmarks' own spread); the knee and shin angles moved under 2° throughout, so only the
/// ankle's own room counts for them. The shared clips' feet have 0.54 foot lengths or more.
pub const FOOT_EDGE_ROOM: f32 = 0.25;

/// A nose nearer the frame's edge than this many torso lengths belongs to a head the frame cuts
/// (nose to crown is about a quarter of the torso): which side of the torso it lies on is the
/// model's guess, not read. Measured (our pose stage): 9:16 crops of the side-view bridge with
/// the head on the edge read the nose 0–0.1 torso lengths in and called lying face up "face
/// down" on three of five rises; the shared clips' noses sit 0.33 or more in (5th percentile
/// per clip), but the dumbbell bridge's (its head cut off as filmed, 0.02) and the back
/// extension's (0.15).
pub const FACE_EDGE_ROOM: f32 = 0.25;

/// The least room between these landmarks and the frame's edges, in the foot's own lengths
/// (heel to toe). In the picture's own pixels (`width` × `height`, not the view-corrected ones:
/// the edge is the camera's). The judgement and the setup check both read it.
pub fn edge_room(lm: &[Landmark], foot: &SideIdx, width: f32, height: f32, which: &[usize]) -> Option<f32> {
    let raw = |i: usize| P { x: lm[i].x * width, y: lm[i].y * height };
    let length = norm(sub(raw(foot.heel), raw(foot.toe)));
    if !length.is_finite() || length < 1.0 {
        return None;
    }
    let room = which.iter().map(|&i| room_in_frame(raw(i), width, height)).fold(f32::INFINITY, f32::min);
    room.is_finite().then_some(room / length)
}

/// The room between a point and the nearest edge of a `width` × `height` picture (pixels).
fn room_in_frame(p: P, width: f32, height: f32) -> f32 {
    p.x.min(width - p.x).min(p.y).min(height - p.y)
}

/// Landmarks at least this visible still place a hidden hip for counting (BlazePose infers an
/// occluded joint from the body around it; under 0.2 it is a guess).
const HIDDEN_MIN_VISIBILITY: f32 = 0.2;

/// Plausible range of a hip thrust's or bridge's hip angle, seen or hidden: their hips never
/// fold under 45° (the deepest shared bottom is 58°) nor open past 230°.
pub(crate) const HIP_MIN_DEG: f32 = 45.0;
pub(crate) const HIP_MAX_DEG: f32 = 230.0;

/// Torso (shoulder–hip) and thigh (hip–knee) lengths over the shin's (knee–ankle): Drillis and
/// Contini's segment heights (Winter, *Biomechanics and Motor Control of Human Movement*,
/// fig. 4.1: shoulder 0.818 H, hip 0.530 H, knee 0.285 H, ankle 0.039 H).
pub const TORSO_PER_SHIN: f32 = 1.17;
pub const THIGH_PER_SHIN: f32 = 1.0;

/// How far the shoulder–knee distance may exceed the torso and thigh laid end to end before
/// the reading is a mix-up, not a straight hip: people's proportions spread about 10 % around
/// the anthropometric means (Winter, table 4.1's segment lengths across subjects).
const REACH_SLACK: f32 = 0.10;

/// The lifter's own segment proportions (torso and thigh over the shin), measured on frames
/// where the whole chain is seen; the anthropometric means until then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Proportions {
    pub torso_per_shin: f32,
    pub thigh_per_shin: f32,
}

impl Default for Proportions {
    fn default() -> Self {
        Self { torso_per_shin: TORSO_PER_SHIN, thigh_per_shin: THIGH_PER_SHIN }
    }
}

/// What the analyzer has learned about the lifter that one frame cannot show.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Baseline {
    /// The set's floor baseline for the feet.
    pub foot: Option<FootSample>,
    /// Segment proportions, for the hip angle read off the shoulder–knee reach.
    pub proportions: Proportions,
    /// A leg held off the floor through the last moments (single-leg work): the readings
    /// across both sides take the working leg in its place.
    pub raised_leg: Option<Side>,
}

/// Share of the raised leg's gap (`single_leg_world_gap`, read across the body's sagittal
/// plane, which no camera changes) that the camera's vertical must show, for which leg is up and
/// that it is up rather than ahead: a raised camera shows a raise shortened (generated
/// single-leg sets from a camera raised 40°: 25 of 78 read two-leg with the whole gap asked
/// along the vertical, 4 with half).
const SINGLE_LEG_DROP_SHARE: f32 = 0.5;

/// A kickstand's ankle sits this far ahead of the other along the body's long axis, in thigh
/// lengths (a B-stance puts the kickstand's heel by the working foot's toes, about 0.6). Our
/// pose stage on the 13 shared clips with reps reads −0.39 to 0.31 (5th–95th percentiles per
/// clip, the farthest filmed from the feet, where this offset is the model's depth guess).
const KICKSTAND_AHEAD: f32 = 0.4;
/// ... and its foot tips heel-up this much more than the other, heel over toe in foot lengths
/// (a kickstand on the ball of the foot, 0.4–0.7). Together with the offset, no frame of the
/// 13 clips comes within two thirds of both (the largest reads 0.66 of them).
const KICKSTAND_TILT: f32 = 0.25;

/// The foot planted ahead of the other on its toes, heel up (a B-stance's kickstand), on the
/// world landmarks with both feet placed by the model.
fn kickstand(pose: &PoseObservation) -> Option<Side> {
    let w = pose.world.as_ref()?;
    let lm = &pose.landmarks;
    let placed = |leg: &SideIdx| {
        least_visibility(lm, &[leg.knee, leg.ankle, leg.heel, leg.toe]) >= HIDDEN_MIN_VISIBILITY
    };
    if !(placed(&LEFT) && placed(&RIGHT)) {
        return None;
    }
    let at = |i: usize| world_at(w, i);
    let hips = world_mid(w, idx::LEFT_HIP, idx::RIGHT_HIP);
    let knees = world_mid(w, idx::LEFT_KNEE, idx::RIGHT_KNEE);
    let thigh = sub3(knees, hips);
    // The body's long axis along the floor (the camera's vertical taken out).
    let along = [thigh[0], 0.0, thigh[2]];
    let (len, flat) = (dist3(hips, knees), dot3(along, along).sqrt());
    if len <= f32::EPSILON || flat <= f32::EPSILON {
        return None;
    }
    let ahead = dot3(sub3(at(idx::LEFT_ANKLE), at(idx::RIGHT_ANKLE)), along) / (flat * len);
    // Heel over toe in foot lengths (y grows downwards).
    let tip = |leg: &SideIdx| {
        let (heel, toe) = (at(leg.heel), at(leg.toe));
        (toe[1] - heel[1]) / dist3(heel, toe).max(f32::EPSILON)
    };
    let (front, front_leg, back_leg) =
        if ahead > 0.0 { (Side::Left, &LEFT, &RIGHT) } else { (Side::Right, &RIGHT, &LEFT) };
    (ahead.abs() > KICKSTAND_AHEAD && tip(front_leg) - tip(back_leg) > KICKSTAND_TILT).then_some(front)
}

/// `pose` with the leg other than `working` replaced by the working one moved across by the
/// hips' width, in the picture and in the world: a single-leg set's hip angle on both sides'
/// mean (turned views, the ends) must not average in a free knee drawn up to the chest.
fn working_leg_on_both_sides(pose: &PoseObservation, working: Side) -> PoseObservation {
    let (w, r) = match working {
        Side::Right => (&RIGHT, &LEFT),
        _ => (&LEFT, &RIGHT),
    };
    let across = |lm: &mut [Landmark; crate::landmarks::NUM_LANDMARKS]| {
        let (dx, dy, dz) = (lm[r.hip].x - lm[w.hip].x, lm[r.hip].y - lm[w.hip].y, lm[r.hip].z - lm[w.hip].z);
        // Placed by the other hip: seen no better than it.
        let hip_vis = lm[r.hip].visibility;
        for (ri, wi) in [(r.knee, w.knee), (r.ankle, w.ankle), (r.heel, w.heel), (r.toe, w.toe)] {
            let l = lm[wi];
            lm[ri] =
                Landmark { x: l.x + dx, y: l.y + dy, z: l.z + dz, visibility: l.visibility.min(hip_vis) };
        }
    };
    let mut p = *pose;
    across(&mut p.landmarks);
    if let Some(world) = p.world.as_mut() {
        across(world);
    }
    p
}

/// A world landmark's point (metres, camera-aligned axes).
pub(crate) fn world_at(w: &[Landmark], i: usize) -> [f32; 3] {
    [w[i].x, w[i].y, w[i].z]
}

/// Midpoint of two world landmarks (metres, camera-aligned axes).
pub(crate) fn world_mid(w: &[Landmark], a: usize, b: usize) -> [f32; 3] {
    [0.5 * (w[a].x + w[b].x), 0.5 * (w[a].y + w[b].y), 0.5 * (w[a].z + w[b].z)]
}

pub(crate) fn sub3(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot3(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn dist3(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The hip angle a plate cannot hide: with the torso and thigh lengths known (proportions times
/// the seen shin), the shoulder–knee distance fixes the angle between them (law of cosines).
/// Unsigned (it cannot tell hips above the shoulder–knee line from below), for the count alone.
fn hip_angle_from_reach(
    shoulder: [f32; 3],
    knee: [f32; 3],
    ankle: [f32; 3],
    p: Proportions,
    visibility: f32,
    min_vis: f32,
) -> Option<Metric> {
    let shin = dist3(knee, ankle);
    if shin <= f32::EPSILON {
        return None;
    }
    let (t, f, d) = (p.torso_per_shin * shin, p.thigh_per_shin * shin, dist3(shoulder, knee));
    if d > (t + f) * (1.0 + REACH_SLACK) || d < (t - f).abs() {
        return None;
    }
    let c = ((t * t + f * f - d * d) / (2.0 * t * f)).clamp(-1.0, 1.0);
    metric(c.acos().to_degrees(), visibility, min_vis)
}

/// Shoulders, hips and knees are inside the frame and one side's shoulder and knee are seen (not a close-up, a
/// title card or a cut-away). Feet cut off by the frame's edge still leave the hips countable;
/// what needs them is not judged (`in_frame`).
fn body_in_view(lm: &[Landmark], min_vis: f32) -> bool {
    let chains = [
        [idx::LEFT_SHOULDER, idx::LEFT_HIP, idx::LEFT_KNEE],
        [idx::RIGHT_SHOULDER, idx::RIGHT_HIP, idx::RIGHT_KNEE],
    ];
    // One side's shoulder and knee seen is enough (the far side hides behind the near one in a
    // side view, a plate may hide the hips wholly): what leaves the picture is a close-up or a
    // cut-away.
    chains
        .iter()
        .any(|c| [c[0], c[2]].iter().all(|&i| lm[i].visibility >= min_vis.min(HIDDEN_MIN_VISIBILITY)))
        && chains.iter().flatten().all(|&i| lm[i].in_frame())
}

/// The pose with every landmark outside the frame marked unseen: BlazePose places a joint the
/// frame cuts off (feet below its edge) with a visibility of its own, but nothing measured on
/// it can be trusted.
fn in_frame(pose: &PoseObservation) -> PoseObservation {
    let mut p = *pose;
    for l in p.landmarks.iter_mut().filter(|l| !l.in_frame()) {
        l.visibility = 0.0;
    }
    p
}

/// Half-width of the band around `max_view_yaw_deg` in which the hip angle's source (image or
/// world landmarks) keeps its last choice: the steady yaw wobbles by a few degrees.
pub const WORLD_ANGLES_HYSTERESIS_DEG: f32 = 5.0;

/// Stretch that undoes a turned camera's foreshortening of the sagittal plane: along the
/// direction its normal leans, the plane projects at cos(obliquity) of its length.
fn stretch(view: Option<ViewAxis>, t: &Thresholds) -> f32 {
    match view {
        Some(v) if v.obliquity_deg.is_finite() => {
            // Exact while the image angles are in use (up to the hysteresis band's top).
            let cap = t.max_view_yaw_deg + WORLD_ANGLES_HYSTERESIS_DEG;
            1.0 / v.obliquity_deg.clamp(0.0, cap).to_radians().cos()
        }
        _ => 1.0,
    }
}

fn sub(a: P, b: P) -> P {
    P { x: a.x - b.x, y: a.y - b.y }
}

fn norm(a: P) -> f32 {
    (a.x * a.x + a.y * a.y).sqrt()
}

/// Unsigned angle at `b` in degrees, in 3D (world landmarks).
fn angle3(a: &Landmark, b: &Landmark, c: &Landmark) -> f32 {
    let u = [a.x - b.x, a.y - b.y, a.z - b.z];
    let v = [c.x - b.x, c.y - b.y, c.z - b.z];
    let d =
        (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).sqrt() * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    if d <= f32::EPSILON {
        return f32::NAN;
    }
    ((u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / d).clamp(-1.0, 1.0).acos().to_degrees()
}

/// Unsigned angle at `b` in degrees.
fn angle(a: P, b: P, c: P) -> f32 {
    let (u, v) = (sub(a, b), sub(c, b));
    let d = norm(u) * norm(v);
    if d <= f32::EPSILON {
        return f32::NAN;
    }
    ((u.x * v.x + u.y * v.y) / d).clamp(-1.0, 1.0).acos().to_degrees()
}

fn side_idx(s: Side) -> &'static SideIdx {
    match s {
        Side::Right => &RIGHT,
        _ => &LEFT,
    }
}

fn metric(value: f32, visibility: f32, min_vis: f32) -> Option<Metric> {
    (value.is_finite() && visibility >= min_vis).then_some(Metric::seen(value, visibility))
}

/// Both sides' value, averaged; but when only one side is seen well enough to judge faults on
/// (`trusted`), that side alone: in a three-quarter view the half-seen far side would only
/// lower the trust in what the near side shows clearly.
fn avg(a: Option<Metric>, b: Option<Metric>, trusted: f32) -> Option<Metric> {
    match (a, b) {
        (Some(a), Some(b)) if (a.visibility >= trusted) != (b.visibility >= trusted) => {
            Some(if a.visibility >= trusted { a } else { b })
        }
        (Some(a), Some(b)) => Some(Metric::seen(0.5 * (a.value + b.value), a.visibility.min(b.visibility))),
        (a, None) => a,
        (None, b) => b,
    }
}

struct Chain {
    hip_angle: Option<Metric>,
    offset: Option<Metric>,
    knee: Option<Metric>,
    shin: Option<Metric>,
    neck: Option<Metric>,
    torso: Option<Metric>,
}

/// Upper-body chain from `body` side, leg chain from `leg` side (they differ in single-leg work).
fn chain(lm: &[Landmark], g: Px, body: &SideIdx, leg: &SideIdx, min_vis: f32) -> Chain {
    let v = |i: usize| lm[i].visibility;
    let (e, s, h) = (px(&lm[body.ear], g), px(&lm[body.shoulder], g), px(&lm[body.hip], g));
    let (k, a) = (px(&lm[leg.knee], g), px(&lm[leg.ankle], g));
    let shk = v(body.shoulder).min(v(body.hip)).min(v(leg.knee));
    let theta = angle(s, h, k);
    // Normal of the shoulder-knee line pointing up in the image (y grows downwards).
    let sk = sub(k, s);
    let len = norm(sk);
    let (mut nx, mut ny) = (sk.y, -sk.x);
    if ny > 0.0 {
        nx = -nx;
        ny = -ny;
    }
    let hs = sub(h, s);
    let offset = if len > f32::EPSILON { (hs.x * nx + hs.y * ny) / (len * len) } else { f32::NAN };
    let signed = if offset > 0.0 { 360.0 - theta } else { theta };
    let hka = v(body.hip).min(v(leg.knee)).min(v(leg.ankle));
    let dir = if k.x >= h.x { 1.0 } else { -1.0 };
    let shin = ((a.x - k.x) * dir).atan2(a.y - k.y).to_degrees();
    // Signed: + with the shoulders above the hips (y grows downwards).
    let torso = (h.y - s.y).atan2((s.x - h.x).abs()).to_degrees();
    Chain {
        hip_angle: metric(signed, shk, min_vis),
        offset: metric(offset, shk, min_vis),
        knee: metric(angle(h, k, a), hka, min_vis),
        shin: metric(shin, v(leg.knee).min(v(leg.ankle)), min_vis),
        neck: metric(angle(e, s, h), v(body.ear).min(v(body.shoulder)).min(v(body.hip)), min_vis),
        torso: metric(torso, v(body.shoulder).min(v(body.hip)), min_vis),
    }
}

fn side_visibility(lm: &[Landmark], s: &SideIdx) -> f32 {
    (lm[s.shoulder].visibility + lm[s.hip].visibility + lm[s.knee].visibility + lm[s.ankle].visibility) / 4.0
}

/// Measures one pose. `baseline` is the set's floor baseline for the feet, if established.
/// `forced` overrides the side facing the camera (the live app's side picker). `yaw_deg` is
/// the camera's yaw away from a side view (the analyzer's steady estimate of [`view_yaw`]);
/// the sagittal angles are measured with its foreshortening undone.
/// Returns the metrics and the raw foot sample of the working leg.
pub fn measure(
    pose: &PoseObservation,
    geom: FrameGeometry,
    t: &Thresholds,
    baseline: Option<FootSample>,
    forced: Option<Side>,
    yaw_deg: Option<f32>,
) -> (FrameMetrics, Option<FootSample>) {
    let baseline = Baseline { foot: baseline, ..Baseline::default() };
    let (m, foot, _) =
        measure_in_view(pose, geom, t, baseline, forced, yaw_deg.map(|y| ViewAxis::yaw(y, t)), yaw_deg);
    (m, foot)
}

/// The hips at or above the lockout threshold on this pose alone (no set context): where a
/// pipeline samples extra work for the top of a rep (the back's outline).
pub fn near_lockout(pose: &PoseObservation, geom: FrameGeometry, t: &Thresholds) -> bool {
    let (m, _) = measure(pose, geom, t, None, None, view_yaw(pose));
    m.hip_angle.is_some_and(|h| h.value >= t.lockout_enter_deg)
}

/// As [`measure`], with the view's full axis (yaw and pitch) for the foreshortening correction
/// and the choice of angles, and the lifter's proportions; `yaw_deg` is only reported. Also
/// returns the proportions this frame shows, when its whole chain is seen well.
pub fn measure_in_view(
    pose: &PoseObservation,
    geom: FrameGeometry,
    t: &Thresholds,
    baseline: Baseline,
    forced: Option<Side>,
    view: Option<ViewAxis>,
    yaw_deg: Option<f32>,
) -> (FrameMetrics, Option<FootSample>, Option<Proportions>) {
    let framed = in_frame(pose);
    let pose = &framed;
    let lm = &pose.landmarks;
    // Which side faces the camera is judged on the image as seen.
    let seen = Px::plain(geom.width as f32, geom.height as f32);
    let g = match view {
        Some(v) => Px { ux: v.ux, uy: v.uy, k: stretch(view, t), ..seen },
        None => seen,
    };
    let (vl, vr) = (side_visibility(lm, &LEFT), side_visibility(lm, &RIGHT));
    let (lh, rh) = (px(&lm[idx::LEFT_HIP], seen), px(&lm[idx::RIGHT_HIP], seen));
    let mid_s = P {
        x: 0.5 * (px(&lm[idx::LEFT_SHOULDER], seen).x + px(&lm[idx::RIGHT_SHOULDER], seen).x),
        y: 0.5 * (px(&lm[idx::LEFT_SHOULDER], seen).y + px(&lm[idx::RIGHT_SHOULDER], seen).y),
    };
    let mid_h = P { x: 0.5 * (lh.x + rh.x), y: 0.5 * (lh.y + rh.y) };
    let torso_len = norm(sub(mid_s, mid_h)).max(1.0);
    let hip_width = norm(sub(lh, rh));
    let frontal = vl.min(vr) >= t.min_visibility && hip_width / torso_len > t.frontal_hip_spread;
    let side = if let Some(f) = forced {
        f
    } else if frontal {
        Side::Both
    } else if vl >= vr {
        Side::Left
    } else {
        Side::Right
    };

    // Single-leg: the raised leg's ankle is well above the other one; the lower leg works.
    let (lv, rv) = (lm[idx::LEFT_ANKLE].visibility, lm[idx::RIGHT_ANKLE].visibility);
    // In the picture, both ankles well seen: the lower foot works. Only a side view tells a
    // raised leg from a nearer foot this way (from the feet the nearer one sits lower).
    let (la, ra) = (px(&lm[idx::LEFT_ANKLE], g), px(&lm[idx::RIGHT_ANKLE], g));
    let thigh = norm(sub(px(&lm[side_idx(side).knee], g), px(&lm[side_idx(side).hip], g))).max(1.0);
    let gap = (la.y - ra.y) / thigh;
    let in_picture = (lv.min(rv) >= t.min_visibility && gap.abs() > t.single_leg_ankle_gap)
        .then_some(if gap > 0.0 { Side::Right } else { Side::Left });
    // In metres, free of the picture's perspective, with one ankle well seen and the lower
    // leg placed (its knee and ankle): from the side the far ankle reads 0.38–0.72 visibility
    // and the far knee 0.24–0.50 (10th percentiles, the shared side clips' MediaPipe
    // references), and with the near leg raised the planted one is that far one (both ankles
    // at 0.5 had missed it, and the raised leg read as the working one counted no rep: "the
    // feet left the floor"). A leg the model has not placed is no working leg: a compressed
    // prone leg curl's hidden leg (knee at 0.10–0.17), found again low, had counted a rep.
    // Whether the frame could read a raise at all, and the raised leg it read.
    let (world_read, in_world) = pose.world.as_ref().map_or((false, None), |w| {
        let body = side_idx(side);
        let at = |i: usize| world_at(w, i);
        let thigh = dist3(at(body.hip), at(body.knee));
        let drop = (w[idx::LEFT_ANKLE].y - w[idx::RIGHT_ANKLE].y) / thigh;
        let (raised, lower) = if drop > 0.0 { (Side::Right, &LEFT) } else { (Side::Left, &RIGHT) };
        let placed = lv.max(rv) >= t.min_visibility
            && lm[lower.ankle].visibility.min(lm[lower.knee].visibility) >= HIDDEN_MIN_VISIBILITY;
        // The gap is read across the body's sagittal plane (the ankles' offset less its part
        // along the hips' left–right axis), whatever the camera: a raised, turned camera puts
        // the feet's width into its vertical (a two-leg thrust seen 45° turned and raised 30°
        // read one leg raised on 88 % of frames; planted pairs read at most 0.50 this way). The
        // camera's vertical then only says which leg is up, and that it is up.
        let lateral = sub3(at(idx::LEFT_HIP), at(idx::RIGHT_HIP));
        let apart = sub3(at(idx::LEFT_ANKLE), at(idx::RIGHT_ANKLE));
        let across = dot3(apart, lateral) / dot3(lateral, lateral).max(f32::EPSILON);
        let sagittal = dist3(apart, [across * lateral[0], across * lateral[1], across * lateral[2]]) / thigh;
        let read = thigh > 0.0 && placed;
        let up_and_apart =
            drop.abs() > SINGLE_LEG_DROP_SHARE * t.single_leg_world_gap && sagittal > t.single_leg_world_gap;
        (read, (read && up_and_apart).then_some(raised))
    });
    let (legs_read, raised_leg) = match pose.world {
        Some(_) => (world_read, in_world),
        None => {
            (lv.min(rv) >= t.min_visibility && side != Side::Both, in_picture.filter(|_| side != Side::Both))
        }
    };
    // This frame's reading first; a set held on one leg keeps its working leg through a frame
    // that misses the raise, before the picture's rule, which the world overrules (from the
    // ends the nearer foot sits lower).
    let lifted = match pose.world {
        Some(_) => in_world.or(baseline.raised_leg).or(in_picture),
        None => in_picture.or(baseline.raised_leg),
    };
    let working_leg = match lifted {
        Some(Side::Right) => Side::Left,
        Some(Side::Left) => Side::Right,
        _ => side,
    };
    // A leg read raised on this frame or held raised through the set (either makes `lifted` a
    // leg, so the working leg is one side): the means across both sides read the working leg in
    // its place.
    let both_working = raised_leg.or(baseline.raised_leg).is_some();
    let measured;
    let pose = if both_working {
        measured = working_leg_on_both_sides(pose, working_leg);
        &measured
    } else {
        pose
    };
    let lm = &pose.landmarks;
    let (vl, vr) = (side_visibility(lm, &LEFT), side_visibility(lm, &RIGHT));
    // With the working leg on both sides, the better-seen side's chain reads it without the
    // hips' width between its hip and knee.
    let chain_leg = if both_working && side != Side::Both { side } else { working_leg };

    let mv = t.min_visibility;
    // Turned past the side view (nothing judged, only counted), both sides are seen: their mean
    // cancels the error of one side's chain bending sideways out of the sagittal plane (the
    // shoulders sit wider than the hips).
    let oblique = view.is_some_and(|v| v.obliquity_deg > t.side_view_max_yaw_deg)
        && vl.min(vr) >= t.min_visibility
        && forced.is_none()
        && chain_leg == side;
    let c = if (side == Side::Both && (working_leg == Side::Both || both_working)) || oblique {
        let (a, b) = (chain(lm, g, &LEFT, &LEFT, mv), chain(lm, g, &RIGHT, &RIGHT, mv));
        let ft = if oblique { 0.0 } else { t.fault_min_visibility };
        Chain {
            hip_angle: avg(a.hip_angle, b.hip_angle, ft),
            offset: avg(a.offset, b.offset, ft),
            knee: avg(a.knee, b.knee, ft),
            shin: avg(a.shin, b.shin, ft),
            neck: avg(a.neck, b.neck, ft),
            torso: avg(a.torso, b.torso, ft),
        }
    } else {
        let body = if side == Side::Both { working_leg } else { side };
        chain(lm, g, side_idx(body), side_idx(chain_leg), mv)
    };

    // Both legs working (seen from the ends): the better-seen one is read. Always the left had
    // been, and a prone leg curl from the end, its left leg unseen (knee at 0.06) and its
    // right one placed (0.56), read no leg at all.
    let leg_seen = |s: &SideIdx| lm[s.knee].visibility.min(lm[s.ankle].visibility);
    let leg = match working_leg {
        Side::Both if leg_seen(&RIGHT) > leg_seen(&LEFT) => &RIGHT,
        w => side_idx(w),
    };
    let (heel, toe) = (px(&lm[leg.heel], g), px(&lm[leg.toe], g));
    let foot_conf = lm[leg.heel].visibility.min(lm[leg.toe].visibility);
    let foot = (foot_conf >= mv).then_some(FootSample {
        heel_y: heel.y,
        toe_y: toe.y,
        foot_len: norm(sub(heel, toe)),
        confidence: foot_conf,
    });
    let lift = |f: Option<FootSample>, sel: fn(&FootSample) -> f32| -> Option<Metric> {
        match (f, baseline.foot) {
            (Some(f), Some(b)) if b.foot_len > 1.0 => {
                metric((sel(&b) - sel(&f)) / b.foot_len, f.confidence.min(b.confidence), mv)
            }
            _ => None,
        }
    };
    let spread = lateral_spread(lm, seen, mv);
    // Whether the picture's vertical may stand in for the world's (image-only input): a camera
    // turned about the vertical keeps it, so the spread's geometric limit holds here, not the
    // tighter one the view's judging takes without world landmarks.
    let side_view = spread.is_some_and(|s| s.value <= t.side_view_max_spread);
    // Turned past the side view, the image foreshortens the sagittal plane beyond what the
    // stretch can undo; the world landmarks' own 3D angle keeps the count (unsigned: the
    // overarch it cannot show is not judged from there).
    let world_angles = view.is_some_and(|v| v.world_angles);
    // On the body's midline, which lies in the sagittal plane (the shoulders sit wider than the
    // hips, so one side's shoulder–hip–knee bends sideways in 3D).
    let midline = pose.world.as_ref().filter(|_| world_angles).map(|w| {
        let mid = |a: usize, b: usize| Landmark {
            x: 0.5 * (w[a].x + w[b].x),
            y: 0.5 * (w[a].y + w[b].y),
            z: 0.5 * (w[a].z + w[b].z),
            visibility: lm[a].visibility.max(lm[b].visibility),
        };
        (
            mid(idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
            mid(idx::LEFT_HIP, idx::RIGHT_HIP),
            mid(idx::LEFT_KNEE, idx::RIGHT_KNEE),
        )
    });
    let midline_conf =
        |(s3, h3, k3): &(Landmark, Landmark, Landmark)| s3.visibility.min(h3.visibility).min(k3.visibility);
    let (hip_angle, torso_incline) = match &midline {
        Some(m @ (s3, h3, k3)) => {
            let conf = midline_conf(m);
            // Camera-aligned world axes: y is the vertical of a level camera.
            let (dx, dy, dz) = (s3.x - h3.x, s3.y - h3.y, s3.z - h3.z);
            let incline = (-dy).atan2(dx.hypot(dz)).to_degrees();
            (metric(angle3(s3, h3, k3), conf, mv), metric(incline, s3.visibility.min(h3.visibility), mv))
        }
        None => (c.hip_angle, c.torso),
    };
    // Hips hidden (a plate, a bench upright): for the count alone, the same angle on landmarks
    // barely seen, else the angle the shoulder–knee reach implies (no hip landmark needed).
    let body = side_idx(if side == Side::Both { working_leg } else { side });
    // The leg the chain reads (the working one, or its stand-in on the body's side).
    let cleg = side_idx(chain_leg);
    let hip_angle_hidden = if hip_angle.is_some() {
        None
    } else {
        let placed = if world_angles {
            midline.as_ref().and_then(|m @ (s3, h3, k3)| {
                metric(angle3(s3, h3, k3), midline_conf(m), HIDDEN_MIN_VISIBILITY)
            })
        } else {
            chain(lm, g, body, cleg, HIDDEN_MIN_VISIBILITY).hip_angle
        };
        // A plate hides the hips, not the shoulders; and a folded-over reading is a mix-up
        // (another person, a cut), not a hip.
        let plausible = |h: &Metric| (HIP_MIN_DEG..=HIP_MAX_DEG).contains(&h.value);
        let reach_vis =
            lm[body.shoulder].visibility.min(lm[cleg.knee].visibility).min(lm[cleg.ankle].visibility);
        let reach = || match (world_angles, pose.world.as_ref()) {
            (true, Some(w)) => hip_angle_from_reach(
                world_mid(w, idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
                world_mid(w, idx::LEFT_KNEE, idx::RIGHT_KNEE),
                world_mid(w, idx::LEFT_ANKLE, idx::RIGHT_ANKLE),
                baseline.proportions,
                reach_vis,
                mv,
            ),
            _ => {
                let p3 = |i: usize| {
                    let p = px(&lm[i], g);
                    [p.x, p.y, 0.0]
                };
                hip_angle_from_reach(
                    p3(body.shoulder),
                    p3(cleg.knee),
                    p3(cleg.ankle),
                    baseline.proportions,
                    reach_vis,
                    mv,
                )
            }
        };
        placed
            .filter(|h| lm[body.shoulder].visibility >= mv && plausible(h))
            .or_else(|| reach().filter(plausible))
    };
    // This lifter's proportions, where the whole chain is seen well enough to judge on.
    let chain_vis = least_visibility(lm, &[body.shoulder, body.hip, cleg.knee, cleg.ankle]);
    let proportions = (chain_vis >= t.fault_min_visibility).then(|| {
        let (s, h, k, a) =
            (px(&lm[body.shoulder], g), px(&lm[body.hip], g), px(&lm[cleg.knee], g), px(&lm[cleg.ankle], g));
        let shin = norm(sub(k, a));
        (shin > 1.0).then(|| Proportions {
            torso_per_shin: norm(sub(s, h)) / shin,
            thigh_per_shin: norm(sub(h, k)) / shin,
        })
    });
    // Each metric's confidence says how well this view shows it: the sagittal angles by the
    // share of the plane the image shows, the hips' roll by the share of the left–right axis.
    let sagittal = sagittal_view(view, spread, t);
    let plane = |m: Option<Metric>| m.map(|m| m.in_view(sagittal.map_or(1.0, |q| q.value)));
    let across = view.map_or(1.0, |v| v.obliquity_deg.to_radians().sin());
    let nose_room = room_in_frame(px(&lm[idx::NOSE], seen), seen.w, seen.h) / torso_len;
    let m = FrameMetrics {
        side,
        working_leg,
        raised_leg,
        legs_read,
        // A raised leg reads as a foot ahead and tipped too: it comes first.
        kickstand: kickstand(pose).filter(|_| raised_leg.is_none()),
        hip_angle: plane(hip_angle),
        hip_angle_hidden: plane(hip_angle_hidden),
        hip_line_offset: plane(c.offset),
        knee_angle: plane(c.knee),
        shin_angle: plane(c.shin),
        neck_angle: plane(c.neck),
        torso_incline: plane(torso_incline),
        heel_lift: plane(lift(foot, |f| f.heel_y)),
        toe_lift: plane(lift(foot, |f| f.toe_y)),
        hip_roll: hip_roll(pose, mv).map(|m| m.in_view(across)),
        // Placed is enough: from the side the far knee is seen at about 0.5, and the rule only
        // withholds judgement.
        knees_apart: knees_apart(pose, HIDDEN_MIN_VISIBILITY),
        lateral_spread: spread,
        hand_support: hand_support(pose, seen, side_view, mv),
        // The movement checks read what the count reads, hidden hips included: a rep counted on
        // barely seen landmarks is checked on them too.
        foot_below_knee: foot_below_knee(pose, leg, seen, side_view, HIDDEN_MIN_VISIBILITY),
        // But not a head on the frame's edge, where the model guesses the part the frame cuts.
        face_up: face_up(pose, body, seen, side_view, mv).filter(|_| nose_room >= FACE_EDGE_ROOM),
        hip_height: hip_height(pose, leg, seen, side_view, HIDDEN_MIN_VISIBILITY),
        thigh_elevation: thigh_elevation(pose, leg, seen, side_view, HIDDEN_MIN_VISIBILITY),
        body_in_view: body_in_view(lm, mv),
        foot_edge_room: edge_room(lm, leg, g.w, g.h, &[leg.heel, leg.toe, leg.ankle]),
        ankle_edge_room: edge_room(lm, leg, g.w, g.h, &[leg.ankle]),
        view_yaw: yaw_deg.and_then(|y| metric(y, 1.0, mv)),
        sagittal_view: sagittal,
        back_curvature: None,
    };
    (m, foot, proportions.flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landmarks::NUM_LANDMARKS;

    fn pose_from(points: &[(usize, f32, f32)]) -> PoseObservation {
        let mut lm = [Landmark { x: 0.5, y: 0.5, z: 0.0, visibility: 0.0 }; NUM_LANDMARKS];
        for &(i, x, y) in points {
            lm[i] = Landmark { x, y, z: 0.0, visibility: 0.99 };
        }
        PoseObservation::new(lm)
    }

    const G: FrameGeometry = FrameGeometry { width: 1000, height: 1000 };

    #[test]
    fn straight_line_is_180_and_right_angle_knee() {
        // Shoulder, hip, knee on one horizontal line; ankle straight below the knee.
        let p = pose_from(&[
            (idx::LEFT_EAR, 0.05, 0.45),
            (idx::LEFT_SHOULDER, 0.1, 0.5),
            (idx::LEFT_HIP, 0.4, 0.5),
            (idx::LEFT_KNEE, 0.7, 0.5),
            (idx::LEFT_ANKLE, 0.7, 0.8),
            (idx::LEFT_HEEL, 0.68, 0.82),
            (idx::LEFT_FOOT_INDEX, 0.8, 0.82),
        ]);
        let (m, _) = measure(&p, G, &Thresholds::default(), None, None, None);
        assert_eq!(m.side, Side::Left);
        assert!((m.hip_angle.unwrap().value - 180.0).abs() < 0.01);
        assert!((m.knee_angle.unwrap().value - 90.0).abs() < 0.01);
        assert!(m.shin_angle.unwrap().value.abs() < 0.01);
        assert!(m.torso_incline.unwrap().value.abs() < 0.01);
    }

    #[test]
    fn hips_above_line_are_hyperextended_and_below_are_flexed() {
        let up = pose_from(&[
            (idx::LEFT_SHOULDER, 0.1, 0.5),
            (idx::LEFT_HIP, 0.4, 0.45),
            (idx::LEFT_KNEE, 0.7, 0.5),
        ]);
        let (m, _) = measure(&up, G, &Thresholds::default(), None, None, None);
        assert!(m.hip_angle.unwrap().value > 180.0);
        assert!(m.hip_line_offset.unwrap().value > 0.0);
        let down = pose_from(&[
            (idx::LEFT_SHOULDER, 0.1, 0.5),
            (idx::LEFT_HIP, 0.4, 0.55),
            (idx::LEFT_KNEE, 0.7, 0.5),
        ]);
        let (m, _) = measure(&down, G, &Thresholds::default(), None, None, None);
        assert!(m.hip_angle.unwrap().value < 180.0);
        assert!(m.hip_line_offset.unwrap().value < 0.0);
    }

    #[test]
    fn invisible_landmarks_are_not_measured() {
        let p = pose_from(&[(idx::LEFT_SHOULDER, 0.1, 0.5), (idx::LEFT_HIP, 0.4, 0.5)]);
        let (m, foot) = measure(&p, G, &Thresholds::default(), None, None, None);
        assert!(m.hip_angle.is_none());
        assert!(m.knee_angle.is_none());
        assert!(foot.is_none());
    }
}
