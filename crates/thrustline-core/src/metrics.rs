//! Per-frame kinematics from one pose, measured in pixel space.

use serde::{Deserialize, Serialize};

use crate::config::Thresholds;
use crate::landmarks::{idx, FrameGeometry, Landmark, PoseObservation};

/// Which side of the body the metrics come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
    /// Frontal view: both sides visible, values averaged.
    Both,
}

/// A measured value with the confidence (minimum landmark visibility) behind it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub value: f32,
    pub confidence: f32,
}

/// Everything measured on one frame. `None` means "not measurable with confidence here".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameMetrics {
    /// Side the metrics come from (the one facing the camera).
    pub side: Side,
    /// Leg that carries the load (the lower foot in single-leg work).
    pub working_leg: Side,
    /// Shoulder-hip-knee angle, signed: 180 = straight line, above 180 = hyperextended.
    pub hip_angle: Option<Metric>,
    /// Hip's distance from the shoulder-knee line over that line's length; + above, - below.
    pub hip_line_offset: Option<Metric>,
    /// Hip-knee-ankle angle.
    pub knee_angle: Option<Metric>,
    /// Shin from vertical; + when the ankle is ahead of the knee (feet out), - behind.
    pub shin_angle: Option<Metric>,
    /// Ear-shoulder-hip angle (head position).
    pub neck_angle: Option<Metric>,
    /// Shoulder-hip line from horizontal (0 lying flat, 90 upright).
    pub torso_incline: Option<Metric>,
    /// Heel height above its set baseline, in foot lengths.
    pub heel_lift: Option<Metric>,
    /// Toe (foot index) height above its set baseline, in foot lengths.
    pub toe_lift: Option<Metric>,
    /// Left/right hip height difference over hip width (frontal views only).
    pub hip_asymmetry: Option<Metric>,
    /// Camera's yaw away from a pure side view, in degrees (0 side, 90 frontal), from the world
    /// landmarks; the sagittal metrics above are corrected for its foreshortening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_yaw: Option<Metric>,
    /// Inward bow of the back's outline over the shoulder–hip distance, on frames given a
    /// segmentation mask (the top of a rep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_curvature: Option<Metric>,
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

/// Pixel scale of the normalized coordinates; `w` carries the view's foreshortening correction.
#[derive(Clone, Copy, Debug)]
struct Px {
    w: f32,
    h: f32,
}

fn px(l: &Landmark, g: Px) -> P {
    P { x: l.x * g.w, y: l.y * g.h }
}

/// The camera's yaw away from a pure side view (degrees, 0–90) from the world landmarks: the
/// body's left–right axis (hips and shoulders) lies along the camera's depth in a side view
/// and across the image in a frontal one. `None` without world landmarks.
pub fn view_yaw(pose: &PoseObservation) -> Option<f32> {
    let w = pose.world.as_ref()?;
    let across = |i: usize| (w[i].x, w[i].z);
    let (rh, lh, rs, ls) = (
        across(idx::RIGHT_HIP),
        across(idx::LEFT_HIP),
        across(idx::RIGHT_SHOULDER),
        across(idx::LEFT_SHOULDER),
    );
    let x = (rh.0 - lh.0) + (rs.0 - ls.0);
    let z = (rh.1 - lh.1) + (rs.1 - ls.1);
    let yaw = x.abs().atan2(z.abs()).to_degrees();
    (x.hypot(z) > f32::EPSILON && yaw.is_finite()).then_some(yaw)
}

/// Horizontal stretch that undoes a yawed camera's foreshortening of the sagittal plane: its
/// forward axis projects at cos(yaw) of its length while the vertical keeps its own.
fn stretch(yaw_deg: Option<f32>, t: &Thresholds) -> f32 {
    match yaw_deg {
        Some(y) if y.is_finite() => 1.0 / y.clamp(0.0, t.max_view_yaw_deg).to_radians().cos(),
        _ => 1.0,
    }
}

fn sub(a: P, b: P) -> P {
    P { x: a.x - b.x, y: a.y - b.y }
}

fn norm(a: P) -> f32 {
    (a.x * a.x + a.y * a.y).sqrt()
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

struct SideIdx {
    ear: usize,
    shoulder: usize,
    hip: usize,
    knee: usize,
    ankle: usize,
    heel: usize,
    toe: usize,
}

const LEFT: SideIdx = SideIdx {
    ear: idx::LEFT_EAR,
    shoulder: idx::LEFT_SHOULDER,
    hip: idx::LEFT_HIP,
    knee: idx::LEFT_KNEE,
    ankle: idx::LEFT_ANKLE,
    heel: idx::LEFT_HEEL,
    toe: idx::LEFT_FOOT_INDEX,
};
const RIGHT: SideIdx = SideIdx {
    ear: idx::RIGHT_EAR,
    shoulder: idx::RIGHT_SHOULDER,
    hip: idx::RIGHT_HIP,
    knee: idx::RIGHT_KNEE,
    ankle: idx::RIGHT_ANKLE,
    heel: idx::RIGHT_HEEL,
    toe: idx::RIGHT_FOOT_INDEX,
};

fn side_idx(s: Side) -> &'static SideIdx {
    match s {
        Side::Right => &RIGHT,
        _ => &LEFT,
    }
}

fn metric(value: f32, confidence: f32, min_vis: f32) -> Option<Metric> {
    (value.is_finite() && confidence >= min_vis).then_some(Metric { value, confidence })
}

/// Both sides' value, averaged; but when only one side is seen well enough to judge faults on
/// (`trusted`), that side alone: in a three-quarter view the half-seen far side would only
/// lower the trust in what the near side shows clearly.
fn avg(a: Option<Metric>, b: Option<Metric>, trusted: f32) -> Option<Metric> {
    match (a, b) {
        (Some(a), Some(b)) if (a.confidence >= trusted) != (b.confidence >= trusted) => {
            Some(if a.confidence >= trusted { a } else { b })
        }
        (Some(a), Some(b)) => {
            Some(Metric { value: 0.5 * (a.value + b.value), confidence: a.confidence.min(b.confidence) })
        }
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
    let torso = (s.y - h.y).abs().atan2((s.x - h.x).abs()).to_degrees();
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
    let lm = &pose.landmarks;
    // Which side faces the camera is judged on the image as seen.
    let seen = Px { w: geom.width as f32, h: geom.height as f32 };
    let g = Px { w: seen.w * stretch(yaw_deg, t), h: seen.h };
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
    let (la, ra) = (px(&lm[idx::LEFT_ANKLE], g), px(&lm[idx::RIGHT_ANKLE], g));
    let thigh = norm(sub(px(&lm[side_idx(side).knee], g), px(&lm[side_idx(side).hip], g))).max(1.0);
    let gap = (la.y - ra.y) / thigh;
    let ankles_seen = lm[idx::LEFT_ANKLE].visibility.min(lm[idx::RIGHT_ANKLE].visibility) >= t.min_visibility;
    let working_leg = if ankles_seen && gap.abs() > t.single_leg_ankle_gap {
        if gap > 0.0 {
            Side::Left
        } else {
            Side::Right
        }
    } else {
        side
    };

    let mv = t.min_visibility;
    let c = if side == Side::Both && working_leg == Side::Both {
        let (a, b) = (chain(lm, g, &LEFT, &LEFT, mv), chain(lm, g, &RIGHT, &RIGHT, mv));
        let ft = t.fault_min_visibility;
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
        chain(lm, g, side_idx(body), side_idx(working_leg), mv)
    };

    let leg = side_idx(working_leg);
    let (heel, toe) = (px(&lm[leg.heel], g), px(&lm[leg.toe], g));
    let foot_conf = lm[leg.heel].visibility.min(lm[leg.toe].visibility);
    let foot = (foot_conf >= mv).then_some(FootSample {
        heel_y: heel.y,
        toe_y: toe.y,
        foot_len: norm(sub(heel, toe)),
        confidence: foot_conf,
    });
    let lift = |f: Option<FootSample>, sel: fn(&FootSample) -> f32| -> Option<Metric> {
        match (f, baseline) {
            (Some(f), Some(b)) if b.foot_len > 1.0 => {
                metric((sel(&b) - sel(&f)) / b.foot_len, f.confidence.min(b.confidence), mv)
            }
            _ => None,
        }
    };
    let asym_conf = lm[idx::LEFT_HIP].visibility.min(lm[idx::RIGHT_HIP].visibility);
    let hip_asymmetry = if frontal && hip_width > 1.0 {
        metric((lh.y - rh.y).abs() / hip_width, asym_conf, mv)
    } else {
        None
    };
    let m = FrameMetrics {
        side,
        working_leg,
        hip_angle: c.hip_angle,
        hip_line_offset: c.offset,
        knee_angle: c.knee,
        shin_angle: c.shin,
        neck_angle: c.neck,
        torso_incline: c.torso,
        heel_lift: lift(foot, |f| f.heel_y),
        toe_lift: lift(foot, |f| f.toe_y),
        hip_asymmetry,
        view_yaw: yaw_deg.and_then(|y| metric(y, 1.0, mv)),
        back_curvature: None,
    };
    (m, foot)
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
