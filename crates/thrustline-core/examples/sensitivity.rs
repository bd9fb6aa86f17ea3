//! How small a fault the core sees on real motion (issue 24): the clean reps of the shared
//! clips, as our pose stage saw them (`thrustline pose --world`), with each fault injected at a
//! growing size in a way the body allows, run back through the core. Per fault and view it
//! prints the largest size never raised and the smallest raised on at least 95 % of reps.
//!
//! `bash benches/sensitivity.sh` makes the landmarks and runs this; by hand:
//! `cargo run --release -p thrustline-core --example sensitivity -- POSES_DIR LABELS.json`.

use std::collections::BTreeMap;
use std::path::Path;

use thrustline_core::landmarks::{idx, SideIdx, LEFT, RIGHT};

#[path = "support/reproject.rs"]
#[allow(dead_code)] // the cameras are the views example's
mod reproject;
use reproject::{as_filmed, parse};
use thrustline_core::{
    Analyzer, FaultId, FrameGeometry, Landmark, PoseObservation, SessionSummary, Thresholds, Verdict,
};

/// Share of reps a size must raise the fault on to count as seen (the bar).
const SEEN_SHARE: f64 = 0.95;
/// Knee solutions closer than this to a straight or folded leg are not a pose the body takes:
/// the frame keeps its knee and the injection is reported as out of reach.
const IK_REACH_LIMIT: f64 = 0.995;
/// Frames this far up their rep are its top (for the feet's lead at the top).
const TOP_W: f64 = 0.9;
/// Step and range of the torso's swing about the shoulders when the hip angle is set.
const SWING_STEP_DEG: f64 = 0.1;
const SWING_MAX_DEG: f64 = 60.0;
/// How close the swing must bring the hip angle to its target (under the landmarks' noise).
const SWING_TOL_DEG: f64 = 0.25;

#[derive(serde::Deserialize)]
struct Label {
    reps: u32,
    kind: String,
    faults: Vec<serde_json::Value>,
    view: String,
}

struct Clip {
    name: String,
    geom: FrameGeometry,
    frames: Vec<(f64, Option<PoseObservation>)>,
    side_view: bool,
    /// On a bench (hip thrust) rather than the floor (bridge).
    bench: bool,
}

#[derive(Clone, Copy, Debug)]
struct V2 {
    x: f64,
    y: f64,
}

impl V2 {
    fn sub(self, o: V2) -> V2 {
        V2 { x: self.x - o.x, y: self.y - o.y }
    }
    fn add(self, o: V2) -> V2 {
        V2 { x: self.x + o.x, y: self.y + o.y }
    }
    fn mul(self, k: f64) -> V2 {
        V2 { x: self.x * k, y: self.y * k }
    }
    fn norm(self) -> f64 {
        self.x.hypot(self.y)
    }
    fn cross(self, o: V2) -> f64 {
        self.x * o.y - self.y * o.x
    }
    fn rot(self, about: V2, a: f64) -> V2 {
        let d = self.sub(about);
        let (s, c) = a.sin_cos();
        V2 { x: about.x + c * d.x - s * d.y, y: about.y + s * d.x + c * d.y }
    }
}

/// One of the two landmark sets of a pose, as 2D points in units where angles are true: the
/// image in pixels, the world in metres seen along the camera's axis (its x–y plane, which is
/// the sagittal plane in a side view).
#[derive(Clone, Copy, PartialEq)]
enum Space {
    Image,
    World,
}

fn get(p: &PoseObservation, s: Space, i: usize, g: FrameGeometry) -> Option<V2> {
    match s {
        Space::Image => {
            let l = p.landmarks[i];
            Some(V2 { x: f64::from(l.x) * f64::from(g.width), y: f64::from(l.y) * f64::from(g.height) })
        }
        Space::World => p.world.map(|w| V2 { x: f64::from(w[i].x), y: f64::from(w[i].y) }),
    }
}

fn set(p: &mut PoseObservation, s: Space, i: usize, v: V2, g: FrameGeometry) {
    match s {
        Space::Image => {
            p.landmarks[i].x = (v.x / f64::from(g.width)) as f32;
            p.landmarks[i].y = (v.y / f64::from(g.height)) as f32;
        }
        Space::World => {
            if let Some(w) = p.world.as_mut() {
                w[i].x = v.x as f32;
                w[i].y = v.y as f32;
            }
        }
    }
}

/// Both sides' chains, left then right.
const CHAINS: [SideIdx; 2] = [LEFT, RIGHT];

/// The knee that joins a thigh of length `l1` from `hip` to a shin of length `l2` to `ankle`,
/// bent to the same side as `was` (the knee stays over the same side of the hip–ankle line).
fn solve_knee(hip: V2, ankle: V2, l1: f64, l2: f64, was: V2) -> Option<V2> {
    let d = ankle.sub(hip);
    let r = d.norm();
    if r >= IK_REACH_LIMIT * (l1 + l2) || r <= (l1 - l2).abs() / IK_REACH_LIMIT || r <= f64::EPSILON {
        return None;
    }
    let a = (l1 * l1 - l2 * l2 + r * r) / (2.0 * r);
    let h = (l1 * l1 - a * a).max(0.0).sqrt();
    let u = d.mul(1.0 / r);
    let n = V2 { x: -u.y, y: u.x };
    let base = hip.add(u.mul(a));
    let side = d.cross(was.sub(hip)).signum();
    let k1 = base.add(n.mul(h));
    Some(if d.cross(k1.sub(hip)).signum() == side { k1 } else { base.sub(n.mul(h)) })
}

/// The signed shoulder–hip–knee angle (above 180 = the hip above the shoulder–knee line, up
/// being −y), as the core measures it.
fn signed_hip_angle(s: V2, h: V2, k: V2, up_sign: f64) -> f64 {
    let (a, b) = (s.sub(h), k.sub(h));
    let inner = a.cross(b).abs().atan2(a.x * b.x + a.y * b.y).to_degrees();
    // The hip's side of the shoulder–knee line, against the side the body bridges to.
    let above = k.sub(s).cross(h.sub(s)) * up_sign;
    if above > 0.0 {
        360.0 - inner
    } else {
        inner
    }
}

/// A fault injected at a size: what moves and by how much at full weight (`w` = 1, the top).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Inject {
    /// Feet slid along the floor away from (+) or toward (−) the hips, shin lengths.
    Feet(f64),
    /// The heel raised over the toe as the hips rise, foot lengths.
    Heel(f64),
    /// The toes raised over the heel as the hips rise, foot lengths.
    Toe(f64),
    /// The hips this many degrees past the shoulder–knee line at the top (a top already past
    /// it is left), moving about the planted shoulders and feet.
    Past(f64),
    /// The top cut short to this hip angle (a top already under it is left).
    TopAt(f64),
    /// The pelvis rolled about the spine at the top, degrees (one hip dropped).
    Roll(f64),
    /// The lowering sped up to take this many seconds (the time given back at the bottom).
    Lowering(f64),
}

/// Which side the body bridges to in this space: the sign of the cross product that puts the
/// hips above the shoulder–knee line at a clean top.
fn up_sign(p: &PoseObservation, s: Space, g: FrameGeometry, c: &SideIdx) -> Option<f64> {
    let (sh, k) = (get(p, s, c.shoulder, g)?, get(p, s, c.knee, g)?);
    // Up is −y in both spaces (image rows and MediaPipe's world both point y down).
    let up = V2 { x: 0.0, y: -1.0 };
    Some(k.sub(sh).cross(up).signum())
}

/// The foot's direction along the floor in this space: from heel to toe, horizontal.
fn floor_dir(p: &PoseObservation, s: Space, g: FrameGeometry, c: &SideIdx) -> Option<V2> {
    let (he, to) = (get(p, s, c.heel, g)?, get(p, s, c.toe, g)?);
    Some(V2 { x: (to.x - he.x).signum(), y: 0.0 })
}

/// Where a frame sits in its clean rep: `w` from 0 at the bottom to 1 at the top (0 outside
/// reps), and the rep's top hip angle.
#[derive(Clone, Copy, Default)]
struct Progress {
    w: f64,
    peak: f64,
    bottom: f64,
}

/// Full size from three quarters of the way up: a heel lifted or a hip dropped at the top is
/// held there through the squeeze.
fn held(w: f64) -> f64 {
    ((w - 0.25) / 0.5).clamp(0.0, 1.0)
}

/// Per clip, chain and space: the median shin length, and the ankle's median lead over the
/// knee along the floor at the tops, in shin lengths (0: shins vertical).
#[derive(Clone, Copy, Default)]
struct ClipCtx {
    shin: [[f64; 2]; 2],
    lead: [[f64; 2]; 2],
}

/// Swings the hips about the planted shoulders (ankles where they are now) until the near
/// chain's hip angle is `target`; every knee follows by its own leg's lengths. False (the frame
/// left as it was) when no swing reaches it.
fn swing_to(p: &mut PoseObservation, s: Space, g: FrameGeometry, target: f64, legs: &Legs) -> bool {
    let ni = legs.near;
    let c = &CHAINS[ni];
    let (Some(sh), Some(h), Some(a)) = (get(p, s, c.shoulder, g), get(p, s, c.hip, g), get(p, s, c.ankle, g))
    else {
        return false;
    };
    let (l1, l2) = legs.lens[ni];
    // The smallest swing that reaches the angle: a larger one can land on the other branch
    // of the leg's solution (a folded hip), which is not the same movement.
    let steps = (SWING_MAX_DEG / SWING_STEP_DEG) as i32;
    let reach = (0..=steps).flat_map(|i| [i, -i]).find_map(|i| {
        let h2 = h.rot(sh, (f64::from(i) * SWING_STEP_DEG).to_radians());
        let k2 = solve_knee(h2, a, l1, l2, legs.knees[ni])?;
        ((signed_hip_angle(sh, h2, k2, legs.up) - target).abs() <= SWING_TOL_DEG).then_some(h2)
    });
    let Some(h2) = reach else { return false };
    let dh = h2.sub(h);
    for (ci, c) in CHAINS.iter().enumerate() {
        let (Some(hi), Some(ai)) = (get(p, s, c.hip, g), get(p, s, c.ankle, g)) else { continue };
        let hi2 = hi.add(dh);
        set(p, s, c.hip, hi2, g);
        let (l1, l2) = legs.lens[ci];
        if let Some(k2) = solve_knee(hi2, ai, l1, l2, legs.knees[ci]) {
            set(p, s, c.knee, k2, g);
        }
    }
    true
}

/// A frame's legs before the injection: the near chain, each thigh and shin length, each knee
/// (its bend side), which way is up, and the near chain's hip angle.
struct Legs {
    near: usize,
    lens: [(f64, f64); 2],
    knees: [V2; 2],
    up: f64,
    angle: f64,
}

fn legs(p: &PoseObservation, s: Space, g: FrameGeometry) -> Option<Legs> {
    let near = near_chain(p);
    let mut lens = [(0.0, 0.0); 2];
    let mut knees = [V2 { x: 0.0, y: 0.0 }; 2];
    for (ci, c) in CHAINS.iter().enumerate() {
        let (h, k, a) = (get(p, s, c.hip, g)?, get(p, s, c.knee, g)?, get(p, s, c.ankle, g)?);
        lens[ci] = (k.sub(h).norm(), a.sub(k).norm());
        knees[ci] = k;
    }
    let c = &CHAINS[near];
    let up = up_sign(p, s, g, c)?;
    let angle = signed_hip_angle(get(p, s, c.shoulder, g)?, get(p, s, c.hip, g)?, knees[near], up);
    Some(Legs { near, lens, knees, up, angle })
}

fn inject_frame(p: &mut PoseObservation, g: FrameGeometry, inj: Inject, at: Progress, ctx: &ClipCtx) {
    for s in [Space::Image, Space::World] {
        if s == Space::World && p.world.is_none() {
            continue;
        }
        let si = usize::from(s == Space::World);
        match inj {
            Inject::Feet(d) => {
                // The feet placed so the ankle leads the knee by `d` shin lengths at the top,
                // the lifter reaching the same hip angles from there.
                let Some(l) = legs(p, s, g) else { continue };
                let before = *p;
                for (ci, c) in CHAINS.iter().enumerate() {
                    let Some(u) = floor_dir(p, s, g, c) else { continue };
                    let shift = u.mul((d - ctx.lead[ci][si]) * ctx.shin[ci][si]);
                    for i in [c.ankle, c.heel, c.toe] {
                        if let Some(v) = get(p, s, i, g) {
                            set(p, s, i, v.add(shift), g);
                        }
                    }
                }
                if !swing_to(p, s, g, l.angle, &l) {
                    // No swing keeps this frame's hip angle: the hips stay, each knee follows
                    // its ankle where the leg reaches, and the feet stay where they were put
                    // (a foot jumping back would be a movement the lifter never made).
                    for (ci, c) in CHAINS.iter().enumerate() {
                        let (Some(h), Some(a)) = (get(p, s, c.hip, g), get(p, s, c.ankle, g)) else {
                            continue;
                        };
                        let (l1, l2) = l.lens[ci];
                        if let Some(k2) = solve_knee(h, a, l1, l2, l.knees[ci]) {
                            set(p, s, c.knee, k2, g);
                        } else if let Some(k0) = get(&before, s, c.knee, g) {
                            set(p, s, c.knee, k0, g);
                        }
                    }
                }
            }
            Inject::Heel(hgt) | Inject::Toe(hgt) => {
                let heel_up = matches!(inj, Inject::Heel(_));
                for c in &CHAINS {
                    let pts = [c.hip, c.knee, c.ankle, c.heel, c.toe].map(|i| get(p, s, i, g));
                    let [Some(h), Some(k), Some(a), Some(he), Some(to)] = pts else { continue };
                    let (pivot, lifted) = if heel_up { (to, he) } else { (he, to) };
                    let foot = he.sub(to).norm();
                    if foot <= f64::EPSILON {
                        continue;
                    }
                    // The lifted end rises hgt·w foot lengths over the pivot's level.
                    let want = pivot.y - lifted.y + hgt * held(at.w) * foot;
                    let reach = lifted.sub(pivot).norm();
                    let cur = ((pivot.y - lifted.y) / reach).clamp(-1.0, 1.0).asin();
                    let target = (want / reach).clamp(-1.0, 1.0).asin();
                    // Rotating by +δ moves the lifted end's elevation by ±δ: pick the sign that raises it.
                    let delta = target - cur;
                    let up = |a: f64| pivot.y - lifted.rot(pivot, a).y;
                    let ang = if up(delta) >= up(-delta) { delta } else { -delta };
                    let a2 = a.rot(pivot, ang);
                    if let Some(k2) = solve_knee(h, a2, k.sub(h).norm(), a.sub(k).norm(), k) {
                        set(p, s, c.knee, k2, g);
                        set(p, s, c.ankle, a2, g);
                        set(p, s, if heel_up { c.heel } else { c.toe }, lifted.rot(pivot, ang), g);
                    }
                }
            }
            Inject::Past(_) | Inject::TopAt(_) => {
                let deg = match inj {
                    Inject::Past(x) => (180.0 + x - at.peak).max(0.0),
                    Inject::TopAt(a) => (a - at.peak).min(0.0),
                    _ => 0.0,
                };
                if at.w <= 0.0 || deg == 0.0 {
                    continue;
                }
                let Some(l) = legs(p, s, g) else { continue };
                swing_to(p, s, g, l.angle + deg * at.w, &l);
            }
            Inject::Roll(_) | Inject::Lowering(_) => {}
        }
    }
    if let Inject::Roll(deg) = inj {
        roll_hips(p, g, (deg * held(at.w)).to_radians());
    }
}

/// Rotates the hips about the spine through their midpoint (world), and moves the image hips
/// by the same displacement at the image's scale.
fn roll_hips(p: &mut PoseObservation, g: FrameGeometry, ang: f64) {
    let Some(w) = p.world.as_mut() else { return };
    let v = |l: Landmark| [f64::from(l.x), f64::from(l.y), f64::from(l.z)];
    let (lh, rh) = (v(w[idx::LEFT_HIP]), v(w[idx::RIGHT_HIP]));
    let (ls, rs) = (v(w[idx::LEFT_SHOULDER]), v(w[idx::RIGHT_SHOULDER]));
    let mid = |a: [f64; 3], b: [f64; 3]| [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]), 0.5 * (a[2] + b[2])];
    let (hm, sm) = (mid(lh, rh), mid(ls, rs));
    let ax = [sm[0] - hm[0], sm[1] - hm[1], sm[2] - hm[2]];
    let n = (ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]).sqrt();
    if n <= f64::EPSILON {
        return;
    }
    let k = [ax[0] / n, ax[1] / n, ax[2] / n];
    // Rodrigues' rotation about k through the hips' midpoint.
    let rot = |x: [f64; 3]| {
        let d = [x[0] - hm[0], x[1] - hm[1], x[2] - hm[2]];
        let (s, c) = ang.sin_cos();
        let kd = k[0] * d[0] + k[1] * d[1] + k[2] * d[2];
        let kx = [k[1] * d[2] - k[2] * d[1], k[2] * d[0] - k[0] * d[2], k[0] * d[1] - k[1] * d[0]];
        [0, 1, 2].map(|i| hm[i] + d[i] * c + kx[i] * s + k[i] * kd * (1.0 - c))
    };
    // Pixels per metre: the torso's length in both.
    let lm = p.landmarks;
    let px = |i: usize| V2 {
        x: f64::from(lm[i].x) * f64::from(g.width),
        y: f64::from(lm[i].y) * f64::from(g.height),
    };
    let img_torso = mid2(px(idx::LEFT_SHOULDER), px(idx::RIGHT_SHOULDER))
        .sub(mid2(px(idx::LEFT_HIP), px(idx::RIGHT_HIP)))
        .norm();
    let scale = img_torso / n;
    for (i, old) in [(idx::LEFT_HIP, lh), (idx::RIGHT_HIP, rh)] {
        let new = rot(old);
        w[i].x = new[0] as f32;
        w[i].y = new[1] as f32;
        w[i].z = new[2] as f32;
        let d = V2 { x: (new[0] - old[0]) * scale, y: (new[1] - old[1]) * scale };
        let moved = px(i).add(d);
        p.landmarks[i].x = (moved.x / f64::from(g.width)) as f32;
        p.landmarks[i].y = (moved.y / f64::from(g.height)) as f32;
    }
}

fn mid2(a: V2, b: V2) -> V2 {
    a.add(b).mul(0.5)
}

/// The chain the camera sees better (hip, knee, ankle visibility).
fn near_chain(p: &PoseObservation) -> usize {
    let vis = |c: &SideIdx| [c.hip, c.knee, c.ankle].iter().map(|&i| p.landmarks[i].visibility).sum::<f32>();
    usize::from(vis(&CHAINS[1]) > vis(&CHAINS[0]))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn clip_ctx(clip: &Clip, w: &[Progress]) -> ClipCtx {
    let mut out = ClipCtx::default();
    for (ci, c) in CHAINS.iter().enumerate() {
        for (si, s) in [Space::Image, Space::World].into_iter().enumerate() {
            let shin = |p: &PoseObservation| {
                Some(get(p, s, c.knee, clip.geom)?.sub(get(p, s, c.ankle, clip.geom)?).norm())
            };
            let poses = || clip.frames.iter().filter_map(|(_, p)| p.as_ref());
            out.shin[ci][si] = median(poses().filter_map(shin).collect());
            let lead = |p: &PoseObservation| {
                let u = floor_dir(p, s, clip.geom, c)?;
                let d = get(p, s, c.ankle, clip.geom)?.sub(get(p, s, c.knee, clip.geom)?);
                Some((d.x * u.x + d.y * u.y) / shin(p)?)
            };
            let tops: Vec<f64> = clip
                .frames
                .iter()
                .zip(w)
                .filter(|(_, at)| at.w >= TOP_W)
                .filter_map(|((_, p), _)| p.as_ref().and_then(lead))
                .collect();
            out.lead[ci][si] = if tops.is_empty() { 0.0 } else { median(tops) };
        }
    }
    out
}

/// Each frame's weight: 0 at a rep's bottom, 1 at its top (the hip angle's progress within the
/// clean rep), 0 outside reps.
fn weights(clip: &Clip, clean: &SessionSummary) -> Vec<Progress> {
    let angle = |p: &PoseObservation| {
        let c = &CHAINS[near_chain(p)];
        let (s, h, k) = (
            get(p, Space::Image, c.shoulder, clip.geom)?,
            get(p, Space::Image, c.hip, clip.geom)?,
            get(p, Space::Image, c.knee, clip.geom)?,
        );
        Some(signed_hip_angle(s, h, k, up_sign(p, Space::Image, clip.geom, c)?))
    };
    let angles: Vec<Option<f64>> = clip.frames.iter().map(|(_, p)| p.as_ref().and_then(angle)).collect();
    let mut w = vec![Progress::default(); clip.frames.len()];
    for r in &clean.reps {
        let (t0, t1) = (r.start_s * 1000.0, if r.complete { r.end_s * 1000.0 } else { f64::INFINITY });
        let inside: Vec<usize> =
            (0..clip.frames.len()).filter(|&i| (t0..=t1).contains(&clip.frames[i].0)).collect();
        let vals: Vec<f64> = inside.iter().filter_map(|&i| angles[i]).collect();
        let (lo, hi) =
            vals.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
        if hi - lo <= 1.0 {
            continue;
        }
        for &i in &inside {
            if let Some(a) = angles[i] {
                w[i] = Progress { w: ((a - lo) / (hi - lo)).clamp(0.0, 1.0), peak: hi, bottom: lo };
            }
        }
    }
    w
}

/// The lowering starts where the hips leave the top: frames within this many degrees of the
/// rep's peak are the top. The core's band is 4° about its smoothed peak, which sits under the
/// raw one by the landmarks' noise: twice that is past all of it.
const TOP_BAND_DEG: f64 = 8.0;

/// For `Lowering`: which source frame each frame shows, on the same timestamps, so the reps
/// after keep their times (the time saved is a pause at the bottom). Identity otherwise.
fn retime(clip: &Clip, clean: &SessionSummary, w: &[Progress], inj: Inject) -> Vec<usize> {
    let n = clip.frames.len();
    let mut src: Vec<usize> = (0..n).collect();
    let Inject::Lowering(d) = inj else { return src };
    let t = |i: usize| clip.frames[i].0;
    // The frame nearest a time (ms), at or after `from`.
    let at =
        |ms: f64, from: usize| (from..n).min_by(|&a, &b| (t(a) - ms).abs().total_cmp(&(t(b) - ms).abs()));
    for r in clean.reps.iter().filter(|r| r.complete) {
        let (t0, t1) = (r.start_s * 1000.0, r.end_s * 1000.0);
        let inside: Vec<usize> = (0..n).filter(|&i| (t0..=t1).contains(&t(i))).collect();
        let Some(&peak_i) = inside.iter().max_by(|&&a, &&b| w[a].w.total_cmp(&w[b].w)) else { continue };
        let range = w[peak_i].peak - w[peak_i].bottom;
        let band = |i: usize| w[i].w >= 1.0 - TOP_BAND_DEG / range.max(TOP_BAND_DEG);
        let mut b = peak_i;
        while inside.contains(&(b + 1)) && band(b + 1) {
            b += 1;
        }
        let Some(&end) = inside.last() else { continue };
        let (tb, te) = (t(b), t(end));
        let (was, now) = (te - tb, d * 1000.0);
        if now >= was {
            continue;
        }
        for i in inside.iter().copied().filter(|&i| t(i) > tb) {
            let want = tb + (t(i) - tb) * was / now.max(1.0);
            src[i] = if want >= te { end } else { at(want, b).unwrap_or(end) };
        }
    }
    src
}

fn run(clip: &Clip, frames: &[(f64, Option<PoseObservation>)]) -> SessionSummary {
    let mut a = Analyzer::new(Thresholds::default(), clip.geom);
    for (t, p) in frames {
        a.update(*t, p.as_ref());
    }
    a.finish()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    reps: u32,
    raised: u32,
    not_judged: u32,
    lost: u32,
}

impl Tally {
    /// Raised on at least [`SEEN_SHARE`] of the reps it was judged on (a rep the injection
    /// lost counts as missed).
    fn seen(&self) -> bool {
        // Judged on under half the reps, the view decides, not the size.
        let judged = self.reps - self.not_judged;
        2 * judged >= self.reps && judged > 0 && f64::from(self.raised) >= SEEN_SHARE * f64::from(judged)
    }
}

/// The injected run's verdicts on the clean run's reps (matched by their top's time).
fn tally(clean: &SessionSummary, got: &SessionSummary, id: FaultId) -> Tally {
    let mut t = Tally::default();
    // A rep the clip ends in has no whole top to judge a fault on.
    for r in clean.reps.iter().filter(|r| r.complete) {
        t.reps += 1;
        let m = got
            .reps
            .iter()
            .find(|g| (g.lockout_s - r.lockout_s).abs() < 0.5 * (r.end_s - r.start_s).max(0.5));
        let partial = || got.partial_reps.iter().any(|p| (r.start_s..=r.end_s).contains(&p.peak_s));
        match m {
            None if id == FaultId::IncompleteLockout && partial() => t.raised += 1,
            None => t.lost += 1,
            Some(g) if g.faults.iter().any(|f| f.id == id) => t.raised += 1,
            Some(g) if g.judgements.iter().any(|j| j.id == id && j.verdict == Verdict::NotJudged) => {
                t.not_judged += 1
            }
            Some(_) => {}
        }
    }
    t
}

struct Study {
    fault: FaultId,
    what: &'static str,
    unit: &'static str,
    sizes: Vec<f64>,
    make: fn(f64) -> Inject,
}

fn grid(max: f64, step: f64) -> Vec<f64> {
    (0..=((max / step).round() as i32)).map(|i| f64::from(i) * step).collect()
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(poses), Some(labels)) = (args.get(1), args.get(2)) else {
        return Err("usage: sensitivity POSES_DIR LABELS.json".into());
    };
    let text = std::fs::read_to_string(labels).map_err(|e| format!("{labels}: {e}"))?;
    let labels: BTreeMap<String, Label> =
        serde_json::from_str(&text).map_err(|e| format!("{labels}: {e}"))?;
    let mut clips = Vec::new();
    for (name, l) in &labels {
        if l.kind == "other" || l.reps == 0 || !l.faults.is_empty() {
            continue;
        }
        let path = Path::new(poses).join(name.replace(".mp4", ".json"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let raw = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let geom = FrameGeometry { width: raw.width, height: raw.height };
        let frames = raw.frames.iter().map(|f| (f.t, as_filmed(f))).collect();
        let side_view = l.view.starts_with("side") || l.view.starts_with("near side");
        clips.push(Clip { name: name.clone(), geom, frames, side_view, bench: l.kind == "hip_thrust" });
    }
    let studies = [
        Study {
            fault: FaultId::FeetTooFar,
            what: "feet placed ahead of the knees at the top",
            unit: "ankle's lead over the knee, shin lengths; 0 = shins vertical",
            sizes: grid(0.8, 0.025),
            make: Inject::Feet,
        },
        Study {
            fault: FaultId::FeetTooClose,
            what: "feet placed behind the knees at the top",
            unit: "ankle behind the knee, shin lengths; 0 = shins vertical",
            sizes: grid(0.8, 0.025),
            make: |d| Inject::Feet(-d),
        },
        Study {
            fault: FaultId::HeelsLifting,
            what: "heel raised over the toe",
            unit: "foot lengths",
            sizes: grid(1.0, 0.025),
            make: Inject::Heel,
        },
        Study {
            fault: FaultId::ToesLifting,
            what: "toes raised over the heel",
            unit: "foot lengths",
            sizes: grid(1.0, 0.025),
            make: Inject::Toe,
        },
        Study {
            fault: FaultId::OverarchLowerBack,
            what: "hips pushed past the shoulder–knee line at the top",
            unit: "degrees past the line",
            sizes: grid(40.0, 1.0),
            make: Inject::Past,
        },
        Study {
            fault: FaultId::IncompleteLockout,
            what: "top cut short",
            unit: "degrees short of a straight hip; partial reps count as caught",
            sizes: grid(50.0, 1.0),
            make: |d| Inject::TopAt(180.0 - d),
        },
        Study {
            fault: FaultId::UncontrolledLowering,
            what: "the lowering sped up",
            unit: "the lowering cut to 2 − x seconds (a shorter one is left)",
            sizes: grid(2.0, 0.05),
            make: |x| Inject::Lowering(2.0 - x),
        },
        Study {
            fault: FaultId::HipsUneven,
            what: "one hip dropped (pelvis rolled about the spine)",
            unit: "degrees of roll",
            sizes: grid(40.0, 1.0),
            make: Inject::Roll,
        },
    ];
    println!("| fault | injected | view | clips (reps) | never raised up to | raised on ≥ 95 % of judged reps | not judged (clean) | reps lost at the largest size |");
    println!("|---|---|---|---|---|---|---|---|");
    for st in &studies {
        // From the side, hip thrusts and floor bridges apart: the thigh lies flat at a hip
        // thrust's top and climbs to the knee on a bridge, which moves the knee angle.
        for (side, bench) in [(true, Some(true)), (true, Some(false)), (false, None)] {
            let group: Vec<&Clip> =
                clips.iter().filter(|c| c.side_view == side && bench.is_none_or(|b| c.bench == b)).collect();
            let mut rows: Vec<(f64, Tally)> = Vec::new();
            let mut cleans = Vec::new();
            for c in &group {
                let clean = run(c, &c.frames);
                if std::env::var_os("SENSITIVITY_VERBOSE").is_some() {
                    eprintln!(
                        "{}: {} clean reps, faults {:?}",
                        c.name,
                        clean.reps.len(),
                        clean
                            .reps
                            .iter()
                            .flat_map(|r| r.faults.iter().map(|f| f.id.as_str()))
                            .collect::<Vec<_>>()
                    );
                }
                let w = weights(c, &clean);
                let ctx = clip_ctx(c, &w);
                cleans.push((clean, w, ctx));
            }
            for &size in &st.sizes {
                let mut sum = Tally::default();
                for (c, (clean, w, ctx)) in group.iter().zip(&cleans) {
                    let order = retime(c, clean, w, (st.make)(size));
                    let frames: Vec<(f64, Option<PoseObservation>)> = order
                        .iter()
                        .enumerate()
                        .map(|(i, &from)| {
                            let p = c.frames[from].1.map(|mut p| {
                                inject_frame(&mut p, c.geom, (st.make)(size), w[from], ctx);
                                p
                            });
                            (c.frames[i].0, p)
                        })
                        .collect();
                    let got = run(c, &frames);
                    let t = tally(clean, &got, st.fault);
                    if std::env::var_os("SENSITIVITY_CLIPS").is_some() {
                        let m: Vec<String> = got
                            .reps
                            .iter()
                            .map(|r| {
                                let m = &r.metrics;
                                format!(
                                    "view {:?} faults {:?} knee {:?} shin {:?} lock {:.0} hyper {:?} heel {:?} roll {:?}",
                                    r.view,
                                    r.faults.iter().map(|f| (f.id.as_str(), f.evidence.iter().map(|e| e.value.round()).collect::<Vec<_>>())).collect::<Vec<_>>(),
                                    m.knee_angle_at_top.map(|v| v.round()),
                                    m.shin_angle_at_top.map(|v| v.round()),
                                    m.lockout_hip_angle,
                                    m.max_hyperextension_deg.map(|v| v.round()),
                                    m.heel_lift_at_top.map(|v| (v * 100.0).round() / 100.0),
                                    m.max_hip_roll_deg.map(|v| v.round())
                                )
                            })
                            .collect();
                        eprintln!(
                            "  {} {} {size}: {}/{} nj {} lost {} | reps {} partials {:?} lockouts {:?} | {}",
                            st.fault.as_str(),
                            c.name,
                            t.raised,
                            t.reps,
                            t.not_judged,
                            t.lost,
                            got.reps.len(),
                            got.partial_reps.iter().map(|p| (p.peak_s, p.peak_hip_angle)).collect::<Vec<_>>(),
                            got.reps.iter().map(|r| r.lockout_s).collect::<Vec<_>>(),
                            m.join(" ; ")
                        );
                    }
                    sum.reps += t.reps;
                    sum.raised += t.raised;
                    sum.not_judged += t.not_judged;
                    sum.lost += t.lost;
                }
                rows.push((size, sum));
            }
            let Some(&(_, first)) = rows.first() else { continue };
            let never = rows.iter().take_while(|(_, t)| t.raised == 0).last().map(|(s, _)| *s);
            // From the first size seen, as far as it stays seen (a far larger fault can turn
            // into another movement: feet slid so far the legs straighten).
            let from = rows.iter().position(|(_, t)| t.seen());
            let seen = from.map(|i| {
                let to = rows[i..].iter().take_while(|(_, t)| t.seen()).count() + i - 1;
                (rows[i].0, rows[to].0)
            });
            let fmt = |v: Option<f64>| {
                v.map_or("—".to_string(), |v| format!("{}", (v * 1000.0).round() / 1000.0))
            };
            let range = |r: Option<(f64, f64)>| match r {
                Some((a, b)) => format!("{}–{}", fmt(Some(a)), fmt(Some(b))),
                None if 2 * first.not_judged > first.reps => "not judged from this view".to_string(),
                None => "never".to_string(),
            };
            let last = rows.last().map(|r| r.1).unwrap_or(first);
            println!(
                "| `{}` | {} ({}) | {} | {} ({}) | {} | {} | {} of {} | {} |",
                st.fault.as_str(),
                st.what,
                st.unit,
                match bench {
                    Some(true) => "side, hip thrusts",
                    Some(false) => "side, floor bridges",
                    None => "oblique / from the feet",
                },
                group.len(),
                first.reps,
                if first.raised > 0 { format!("raised on {} clean reps", first.raised) } else { fmt(never) },
                range(seen),
                first.not_judged,
                first.reps,
                last.lost,
            );
            if std::env::var_os("SENSITIVITY_VERBOSE").is_some() {
                for (s, t) in &rows {
                    eprintln!(
                        "{} side={side} {s}: raised {}/{} nj {} lost {}",
                        st.fault.as_str(),
                        t.raised,
                        t.reps,
                        t.not_judged,
                        t.lost
                    );
                }
            }
        }
    }
    Ok(())
}
