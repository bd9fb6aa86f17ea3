//! Velocity-based training from the world landmarks: how fast the hips rose on each rep, how
//! far, how much a set slowed down, and the load–velocity profile across sessions.
//!
//! The hips are tracked relative to the planted feet (hip midpoint minus ankle midpoint, world
//! landmarks in metres): BlazePose's world frame is centred on the hips, and the feet stay put
//! through a bridge or a thrust, so this is the hips' own path, whatever the camera does.

use serde::{Deserialize, Serialize};

/// Share of the rise left out at each end when timing it (see [`concentric`]).
const TIMED_FROM: f32 = 0.1;
/// A rise shorter than this is noise, not a rep's path (a bridge's hips climb 15–30 cm).
const MIN_RISE_M: f32 = 0.03;
/// Half-width of the window positions are averaged over, seconds: about two frames at 30 fps
/// either side, so one frame's landmark noise (σ ≈ 0.5–1 cm) does not read as distance or
/// speed.
const SMOOTH_HALF_WINDOW_S: f64 = 0.05;
/// Half-width of the central difference for the peak velocity, seconds.
const PEAK_HALF_WINDOW_S: f64 = 0.066;

/// Mean velocity at a one-repetition maximum in the hip thrust (de Hoyo et al., J Strength Cond
/// Res 2021: the minimal velocity threshold, about 0.25 m/s).
pub const HIP_THRUST_MVT_M_S: f32 = 0.25;
/// Standing height over the ankle-to-shoulder length along the body (shin + thigh + torso):
/// Drillis and Contini's segment heights (shoulder 0.818 H, ankle 0.039 H).
pub const HEIGHT_PER_ANKLE_TO_SHOULDER: f32 = 1.0 / (0.818 - 0.039);

/// One rep's concentric, in metres and metres per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Concentric {
    pub mean_m_s: f32,
    pub peak_m_s: f32,
    /// Straight-line distance the hips rose, bottom to top.
    pub range_m: f32,
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The concentric from `(t seconds, hip position relative to the feet)` samples spanning a
/// rep's bottom to its top, in time order, all finite. `None` when the path cannot be read.
/// Allocates nothing (it runs inside the per-frame update).
pub fn concentric(pts: &[(f64, [f32; 3])]) -> Option<Concentric> {
    let n = pts.len();
    if n < 3 {
        return None;
    }
    let t = |i: usize| pts[i].0;
    // Position at sample i, averaged over the samples within the smoothing window (found by
    // bisection in the time-ordered samples, so a long rise costs no more per sample).
    let at = |i: usize| -> [f32; 3] {
        let (mut m, mut k) = ([0.0f32; 3], 0.0f32);
        let lo = pts.partition_point(|p| p.0 < t(i) - 2.0 * SMOOTH_HALF_WINDOW_S);
        let hi = pts.partition_point(|p| p.0 <= t(i) + 2.0 * SMOOTH_HALF_WINDOW_S);
        for p in pts[lo..hi].iter().filter(|p| (p.0 - t(i)).abs() <= SMOOTH_HALF_WINDOW_S) {
            for (mc, pc) in m.iter_mut().zip(p.1) {
                *mc += pc;
            }
            k += 1.0;
        }
        m.map(|v| v / k.max(1.0))
    };
    // Bottom: the lowest point before the top; top: the highest point (world y points down).
    // "Up" is then the direction from the bottom to the top, so a tilted camera changes nothing.
    let height = |i: usize| -at(i)[1];
    let top_i = (0..n).max_by(|&a, &b| height(a).total_cmp(&height(b)))?;
    let bot_i = (0..=top_i).min_by(|&a, &b| height(a).total_cmp(&height(b)))?;
    let rise = sub(at(top_i), at(bot_i));
    let range_m = dot(rise, rise).sqrt();
    if range_m.is_nan() || range_m < MIN_RISE_M || top_i <= bot_i + 1 {
        return None;
    }
    let u = [rise[0] / range_m, rise[1] / range_m, rise[2] / range_m];
    let base = at(bot_i);
    let s = |i: usize| dot(sub(at(i), base), u);
    // The rise between 10 % and 90 % of its height: the hips' slow start and finish, buried in
    // landmark noise, stay out, as linear-transducer VBT devices start timing past a velocity
    // threshold. Crossings are read off the samples themselves, interpolated (smoothing would
    // round a fast rise's corners into the timed span): the first time above 90 %, and the last
    // time below 10 % before it (a noise spike at the bottom cannot start the clock early).
    let raw = |i: usize| dot(sub(pts[i].1, base), u);
    let cross = |i: usize, level: f32| {
        let (s0, s1) = (raw(i), raw(i + 1));
        (s0 < level && s1 >= level).then(|| t(i) + f64::from((level - s0) / (s1 - s0)) * (t(i + 1) - t(i)))
    };
    let (lo, hi) = (TIMED_FROM * range_m, (1.0 - TIMED_FROM) * range_m);
    let hi_i = (bot_i..top_i).find(|&i| cross(i, hi).is_some())?;
    let t_hi = cross(hi_i, hi)?;
    let t_lo = (bot_i..hi_i.max(bot_i)).rev().find_map(|i| cross(i, lo)).or_else(|| cross(hi_i, lo))?;
    if t_hi <= t_lo {
        return None;
    }
    let mean_m_s = ((hi - lo) as f64 / (t_hi - t_lo)) as f32;
    let mut peak_m_s = mean_m_s;
    for i in bot_i..=top_i {
        let a = (bot_i..i).rev().find(|&j| t(i) - t(j) >= PEAK_HALF_WINDOW_S);
        let b = (i + 1..=top_i).find(|&j| t(j) - t(i) >= PEAK_HALF_WINDOW_S);
        if let (Some(a), Some(b)) = (a, b) {
            peak_m_s = peak_m_s.max((s(b) - s(a)) / (t(b) - t(a)) as f32);
        }
    }
    Some(Concentric { mean_m_s, peak_m_s, range_m })
}

/// Velocity loss of a set, percent: from its fastest rep to its last.
pub fn velocity_loss_pct(means: &[f32]) -> Option<f32> {
    let best = means.iter().copied().filter(|v| v.is_finite()).fold(f32::NAN, f32::max);
    let last = *means.last()?;
    (best > 0.0 && last.is_finite() && means.len() >= 2).then(|| (100.0 * (best - last) / best).max(0.0))
}

/// Reps left in reserve at the end of a set: how many more reps, slowing as the set did
/// (least-squares slope of mean velocity per rep), until the velocity at a one-rep maximum.
/// `None` with fewer than three reps or a set that did not slow down, and when a rep before
/// the last read under the threshold: a rep at a one-rep maximum's speed is the last one can
/// do, so more reps after it say the speeds' scale is off (a camera that misreads the depth,
/// BlazePose's scale on a lifter it guessed wrong), and a count measured against it would be a
/// guess.
pub fn reps_in_reserve(means: &[f32], mvt_m_s: f32) -> Option<f32> {
    let pts: Vec<(f32, f32)> =
        means.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (i as f32, v)).collect();
    if pts.len() < 3 {
        return None;
    }
    let before_last = &pts[..pts.len() - 1];
    if before_last.iter().any(|p| p.1 < mvt_m_s) {
        return None;
    }
    let n = pts.len() as f32;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f32>() / n, pts.iter().map(|p| p.1).sum::<f32>() / n);
    let sxx: f32 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f32 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let last = *means.last()?;
    (slope < 0.0 && last.is_finite()).then(|| ((last - mvt_m_s) / -slope).max(0.0))
}

/// A load–velocity profile: mean concentric velocity falls linearly with load; the one-rep
/// maximum is the load at the minimal velocity threshold.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadVelocity {
    /// m/s at no load, and m/s per kg (negative).
    pub intercept: f64,
    pub slope: f64,
    /// Estimated one-rep maximum, kg, and its standard error (from the fit's residuals).
    pub one_rep_max_kg: f64,
    pub one_rep_max_se_kg: f64,
    pub points: usize,
}

/// Fits `(load kg, mean velocity m/s)` points: at least three points over at least two loads,
/// velocity falling with load; else `None`.
pub fn load_velocity(points: &[(f64, f64)], mvt_m_s: f64) -> Option<LoadVelocity> {
    let pts: Vec<(f64, f64)> =
        points.iter().copied().filter(|(l, v)| l.is_finite() && v.is_finite()).collect();
    let n = pts.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / nf, pts.iter().map(|p| p.1).sum::<f64>() / nf);
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 1e-9 {
        return None;
    }
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx;
    if slope >= 0.0 {
        return None;
    }
    let intercept = my - slope * mx;
    let one_rep_max_kg = (mvt_m_s - intercept) / slope;
    // Inverse prediction's standard error (Draper and Smith, calibration): the residual spread
    // over the slope, widened by how far the answer lies from the data's centre.
    let sse: f64 = pts.iter().map(|p| (p.1 - intercept - slope * p.0).powi(2)).sum();
    let s = if n > 2 { (sse / (nf - 2.0)).sqrt() } else { 0.0 };
    let one_rep_max_se_kg = s / slope.abs() * (1.0 / nf + (one_rep_max_kg - mx).powi(2) / sxx).sqrt();
    Some(LoadVelocity { intercept, slope, one_rep_max_kg, one_rep_max_se_kg, points: n })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hips rising `d` metres at constant speed `v` along a tilted direction, 30 fps, with a
    /// still bottom and top.
    fn lift(d: f32, v: f32) -> Vec<(f64, [f32; 3])> {
        let dir = [0.3f32, -0.9, 0.2];
        let n = dot(dir, dir).sqrt();
        let mut out = Vec::new();
        let dur = f64::from(d / v);
        let mut t = 0.0;
        while t < dur + 1.0 {
            let s = ((t - 0.5).clamp(0.0, dur) / dur) as f32 * d;
            out.push((t, [0.1 + dir[0] / n * s, 0.2 + dir[1] / n * s, dir[2] / n * s]));
            t += 1.0 / 30.0;
        }
        out
    }

    #[test]
    fn a_constant_speed_rise_reads_its_speed_and_range() {
        for (d, v) in [(0.2f32, 0.5f32), (0.25, 0.3), (0.2, 1.0)] {
            let c = concentric(&lift(d, v)).unwrap();
            assert!((c.mean_m_s / v - 1.0).abs() < 0.05, "{d} m at {v} m/s: {c:?}");
            assert!((c.range_m / d - 1.0).abs() < 0.02, "{c:?}");
            assert!(c.peak_m_s >= c.mean_m_s && c.peak_m_s < 1.2 * v, "{c:?}");
        }
    }

    #[test]
    fn no_rise_no_velocity() {
        let still: Vec<(f64, [f32; 3])> = (0..60).map(|i| (f64::from(i) / 30.0, [0.0, 0.2, 0.0])).collect();
        assert!(concentric(&still).is_none());
    }

    #[test]
    fn loss_and_reserve_follow_a_slowing_set() {
        let means = [0.60f32, 0.58, 0.55, 0.52, 0.48];
        assert!((velocity_loss_pct(&means).unwrap() - 20.0).abs() < 1e-3);
        // Slope -0.03 m/s per rep: (0.48 - 0.25) / 0.03 = 7.7 reps left.
        let rir = reps_in_reserve(&means, HIP_THRUST_MVT_M_S).unwrap();
        assert!((rir - 7.7).abs() < 0.4, "{rir}");
        assert!(reps_in_reserve(&[0.5, 0.5, 0.5], 0.25).is_none());
        // Rep 2 under a one-rep maximum's speed, then another rep: the scale is off, no count.
        assert!(reps_in_reserve(&[0.23, 0.13, 0.18], 0.25).is_none());
        // The last rep alone at or under it: nothing left, said as 0.
        assert_eq!(reps_in_reserve(&[0.40, 0.33, 0.24], 0.25), Some(0.0));
    }

    #[test]
    fn a_profile_finds_the_load_at_the_threshold() {
        // v = 1.2 - 0.008 * load: 1RM where v = 0.25 is 118.75 kg.
        let pts: Vec<(f64, f64)> = [40.0, 60.0, 80.0, 100.0].iter().map(|&l| (l, 1.2 - 0.008 * l)).collect();
        let p = load_velocity(&pts, 0.25).unwrap();
        assert!((p.one_rep_max_kg - 118.75).abs() < 1e-6 && p.one_rep_max_se_kg < 1e-6, "{p:?}");
        assert!(load_velocity(&pts[..2], 0.25).is_none());
    }
}
