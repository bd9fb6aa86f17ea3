//! Is the camera set up so the lifter can be judged? Per frame: the whole body from the
//! shoulders to the feet inside the picture, the lifter's size in it, how surely the landmarks
//! are seen and how bright the room is. A problem that holds for about a second becomes the
//! setup's current issue (what the live window and the voice tell the lifter to fix); the
//! session keeps how often each was seen (the report's setup line).

use serde::{Deserialize, Serialize};

use crate::landmarks::{idx, FrameGeometry, PoseObservation, LEFT, RIGHT};
use crate::metrics::{edge_room, FOOT_EDGE_ROOM};

/// Mean luma (0–255) under which the room is too dark. Measured on `hip_thrust_feet_normal`
/// darkened step by step: landmarks moved 0.39 % of the diagonal from the lit clip's at a luma of
/// 46 and 0.64 % at 30 (the pose bar is 0.5 %); under 7 nobody was found.
pub const DARK_LUMA: f32 = 40.0;
/// The body's length in the picture (shoulder–hip–knee–ankle, the longer side) under this share
/// of the frame's longer side is too far: the shared clips' lifters measure 0.40–0.66, and at a
/// quarter of a 640-pixel frame a thigh spans about 55 pixels, where a 2-pixel landmark wobble
/// turns a joint angle by about 2°.
pub const MIN_BODY_SHARE: f32 = 0.25;
/// Mean visibility of shoulders, hips, knees and ankles (each pair's better side) under which
/// the lifter is hard to see: MediaPipe's own threshold for a landmark to count as visible.
pub const MIN_VISIBILITY: f32 = 0.5;
/// Time constant of each issue's running share of frames, seconds: about a second of frames.
const SMOOTH_S: f64 = 1.0;
/// An issue becomes current when it holds on this share of the recent frames, and stops being
/// current under the lower share (hysteresis: a borderline frame does not flicker the banner).
const ON_SHARE: f32 = 0.6;
const OFF_SHARE: f32 = 0.3;
/// A session's setup line names an issue seen on at least this share of its checked frames.
pub const REPORT_SHARE: f32 = 0.2;

/// What keeps the camera from judging the lifter, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupIssue {
    TooDark,
    FeetOutOfFrame,
    /// In the picture, but too near its edge for the model to see them (the foot lifts are not
    /// judged there: [`crate::metrics::FOOT_EDGE_ROOM`]).
    FeetAtEdge,
    ShouldersOutOfFrame,
    TooFar,
    HardToSee,
}

impl SetupIssue {
    pub const ALL: [SetupIssue; 6] = [
        SetupIssue::TooDark,
        SetupIssue::FeetOutOfFrame,
        SetupIssue::FeetAtEdge,
        SetupIssue::ShouldersOutOfFrame,
        SetupIssue::TooFar,
        SetupIssue::HardToSee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SetupIssue::TooDark => "too_dark",
            SetupIssue::FeetOutOfFrame => "feet_out_of_frame",
            SetupIssue::FeetAtEdge => "feet_at_edge",
            SetupIssue::ShouldersOutOfFrame => "shoulders_out_of_frame",
            SetupIssue::TooFar => "too_far",
            SetupIssue::HardToSee => "hard_to_see",
        }
    }

    /// What to do about it, as said to the lifter (also the spoken cue).
    pub fn message(self) -> &'static str {
        match self {
            SetupIssue::TooDark => "More light, please: the room is too dark to see you well",
            SetupIssue::FeetOutOfFrame => "Step back: your feet are out of the picture",
            SetupIssue::FeetAtEdge => "Leave room around your feet: they are at the edge of the picture",
            SetupIssue::ShouldersOutOfFrame => "Step back: your shoulders are out of the picture",
            SetupIssue::TooFar => "Move the camera closer: you are small in the picture",
            SetupIssue::HardToSee => "The camera cannot see you clearly: clear the view of your side",
        }
    }
}

/// How often one issue was seen over a session.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetupShare {
    pub id: SetupIssue,
    /// Share of the checked frames, 0–1.
    pub share: f32,
}

/// The session's setup, as the report states it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetupSummary {
    /// Frames checked (every frame; those without a pose only for the light).
    pub frames: u64,
    /// Each issue seen, with the share of frames it was seen on, most frequent first.
    pub issues: Vec<SetupShare>,
    /// The body's length in the picture over the frame's longer side, the median of the posed
    /// frames (0.25 or more is close enough).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_share: Option<f32>,
    /// Mean luma of the sampled frames, 0–255.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_luma: Option<f32>,
    /// Mean visibility of the key joints over the posed frames, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_visibility: Option<f32>,
}

impl SetupSummary {
    /// The issues seen often enough to name ([`REPORT_SHARE`]), most frequent first.
    pub fn notable(&self) -> impl Iterator<Item = &SetupShare> {
        self.issues.iter().filter(|s| s.share >= REPORT_SHARE)
    }

    /// One line on the setup's quality, e.g. "Setup: your feet were out of the picture on 96 % of
    /// frames: step back …" or "Setup: good: …".
    pub fn line(&self) -> String {
        let notable: Vec<String> = self
            .notable()
            .map(|s| format!("{} ({:.0} % of frames)", s.id.message(), 100.0 * s.share))
            .collect();
        if notable.is_empty() {
            let mut good = vec!["the whole body in the picture".to_string()];
            if let Some(b) = self.body_share {
                good.push(format!("the body {:.0} % of the frame's length", 100.0 * b));
            }
            if let Some(l) = self.mean_luma {
                good.push(format!("light {l:.0}/255"));
            }
            format!("Setup: good ({}).", good.join(", "))
        } else {
            format!("Setup: {}.", notable.join("; "))
        }
    }
}

/// Bins of the body-share histogram (the median without storing every frame's value).
const BODY_BINS: usize = 100;

/// The running setup check: feed it every frame ([`SetupCheck::observe`]) and a brightness
/// sample now and then ([`SetupCheck::set_luma`]). Allocates nothing per frame.
#[derive(Clone, Debug)]
pub struct SetupCheck {
    geom: FrameGeometry,
    luma: Option<f32>,
    luma_sum: f64,
    luma_samples: u64,
    /// Running share of recent frames with each issue.
    level: [f32; SetupIssue::ALL.len()],
    seen: [u64; SetupIssue::ALL.len()],
    current: Option<SetupIssue>,
    last_t: Option<f64>,
    frames: u64,
    posed: u64,
    visibility_sum: f64,
    body_hist: [u32; BODY_BINS],
}

impl SetupCheck {
    pub fn new(geom: FrameGeometry) -> Self {
        Self {
            geom,
            luma: None,
            luma_sum: 0.0,
            luma_samples: 0,
            level: [0.0; SetupIssue::ALL.len()],
            seen: [0; SetupIssue::ALL.len()],
            current: None,
            last_t: None,
            frames: 0,
            posed: 0,
            visibility_sum: 0.0,
            body_hist: [0; BODY_BINS],
        }
    }

    /// The frame's mean luma (0–255), sampled by the caller every few frames: light changes
    /// slowly, and the mean costs a pass over the pixels.
    pub fn set_luma(&mut self, luma: f32) {
        if luma.is_finite() {
            self.luma = Some(luma);
            self.luma_sum += f64::from(luma);
            self.luma_samples += 1;
        }
    }

    /// The picture's size from here (the landmarks are normalized to it).
    pub fn set_geometry(&mut self, geom: FrameGeometry) {
        self.geom = geom;
    }

    /// The issue being shown now, if any.
    pub fn current(&self) -> Option<SetupIssue> {
        self.current
    }

    /// Checks one frame (`t_s` increasing; `pose` `None` when nobody was found). Returns the new
    /// current issue when it changed (`Some(None)`: the setup is fine again).
    pub fn observe(&mut self, t_s: f64, pose: Option<&PoseObservation>) -> Option<Option<SetupIssue>> {
        let flags = self.flags(pose);
        self.frames += 1;
        let dt = self.last_t.map_or(0.0, |l| (t_s - l).max(0.0));
        self.last_t = Some(t_s);
        // Each frame moves the shares by its own duration, from none: an issue is current once
        // it held for most of a second. Seeded from the first frame, one stray landmark there
        // (a far toe placed past the edge of a dark, noisy copy of the oblique barbell clip)
        // had put "Step back: your feet are out of the picture" on rep 1's key frame, 0.4 s
        // in, with the feet in the picture and the summary's setup good.
        let alpha = (1.0 - (-dt / SMOOTH_S).exp()) as f32;
        for (i, on) in flags.iter().enumerate() {
            let x = if *on { 1.0 } else { 0.0 };
            self.level[i] += alpha * (x - self.level[i]);
            self.seen[i] += u64::from(*on);
        }
        let holds = |i: SetupIssue, share: f32| self.level[i as usize] >= share;
        let next = match self.current {
            // The current issue stays until it clears, unless a more urgent one takes over.
            Some(c) if holds(c, OFF_SHARE) => {
                SetupIssue::ALL.iter().copied().find(|&i| i < c && holds(i, ON_SHARE)).or(Some(c))
            }
            _ => SetupIssue::ALL.iter().copied().find(|&i| holds(i, ON_SHARE)),
        };
        (next != self.current).then(|| {
            self.current = next;
            next
        })
    }

    /// Which issues this frame shows, in [`SetupIssue::ALL`]'s order.
    fn flags(&mut self, pose: Option<&PoseObservation>) -> [bool; SetupIssue::ALL.len()] {
        let mut f = [false; SetupIssue::ALL.len()];
        f[SetupIssue::TooDark as usize] = self.luma.is_some_and(|l| l < DARK_LUMA);
        let Some(p) = pose else { return f };
        let lm = &p.landmarks;
        // The same "in the picture" the judgement uses: feet out here are feet not judged there.
        let inside = |i: usize| lm[i].in_frame();
        f[SetupIssue::FeetOutOfFrame as usize] = !idx::FEET.iter().all(|&i| inside(i));
        // The better-seen foot, as the judgement reads it: room under a quarter foot length.
        let (w, h) = (self.geom.width.max(1) as f32, self.geom.height.max(1) as f32);
        let foot =
            if lm[idx::LEFT_ANKLE].visibility >= lm[idx::RIGHT_ANKLE].visibility { &LEFT } else { &RIGHT };
        f[SetupIssue::FeetAtEdge as usize] = !f[SetupIssue::FeetOutOfFrame as usize]
            && edge_room(lm, foot, w, h, &[foot.heel, foot.toe, foot.ankle])
                .is_some_and(|r| r < FOOT_EDGE_ROOM);
        f[SetupIssue::ShouldersOutOfFrame as usize] =
            !(inside(idx::LEFT_SHOULDER) && inside(idx::RIGHT_SHOULDER));
        let px = |i: usize| (lm[i].x * w, lm[i].y * h);
        let dist = |a: usize, b: usize| {
            let ((ax, ay), (bx, by)) = (px(a), px(b));
            (ax - bx).hypot(ay - by)
        };
        let chain = |s: usize, hp: usize, k: usize, a: usize| dist(s, hp) + dist(hp, k) + dist(k, a);
        let body = chain(idx::LEFT_SHOULDER, idx::LEFT_HIP, idx::LEFT_KNEE, idx::LEFT_ANKLE).max(chain(
            idx::RIGHT_SHOULDER,
            idx::RIGHT_HIP,
            idx::RIGHT_KNEE,
            idx::RIGHT_ANKLE,
        ));
        let share = body / w.max(h);
        if share.is_finite() {
            self.body_hist[((share * BODY_BINS as f32 / 2.0) as usize).min(BODY_BINS - 1)] += 1;
        }
        f[SetupIssue::TooFar as usize] = share < MIN_BODY_SHARE;
        let pairs = [
            (idx::LEFT_SHOULDER, idx::RIGHT_SHOULDER),
            (idx::LEFT_HIP, idx::RIGHT_HIP),
            (idx::LEFT_KNEE, idx::RIGHT_KNEE),
            (idx::LEFT_ANKLE, idx::RIGHT_ANKLE),
        ];
        let vis = pairs.iter().map(|&(a, b)| lm[a].visibility.max(lm[b].visibility)).sum::<f32>() / 4.0;
        self.posed += 1;
        self.visibility_sum += f64::from(vis);
        f[SetupIssue::HardToSee as usize] = vis < MIN_VISIBILITY;
        f
    }

    pub fn summary(&self) -> SetupSummary {
        let n = self.frames.max(1) as f32;
        let mut issues: Vec<SetupShare> = SetupIssue::ALL
            .iter()
            .filter(|&&i| self.seen[i as usize] > 0)
            .map(|&i| SetupShare { id: i, share: self.seen[i as usize] as f32 / n })
            .collect();
        issues.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.id.cmp(&b.id)));
        let total: u32 = self.body_hist.iter().sum();
        let body_share = (total > 0).then(|| {
            let mut acc = 0;
            let bin = self.body_hist.iter().position(|c| {
                acc += c;
                2 * acc >= total
            });
            // The bin's centre; bins are 0.02 of the frame wide.
            (bin.unwrap_or(0) as f32 + 0.5) * 2.0 / BODY_BINS as f32
        });
        SetupSummary {
            frames: self.frames,
            issues,
            body_share,
            mean_luma: (self.luma_samples > 0).then(|| (self.luma_sum / self.luma_samples as f64) as f32),
            mean_visibility: (self.posed > 0).then(|| (self.visibility_sum / self.posed as f64) as f32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landmarks::{Landmark, NUM_LANDMARKS};

    /// A lifter lying across a 640×480 frame, every joint seen; `dy` shifts the feet down.
    fn lifter(feet_dy: f32) -> PoseObservation {
        let mut lm = [Landmark { x: 0.5, y: 0.5, z: 0.0, visibility: 0.99 }; NUM_LANDMARKS];
        for (i, x, y) in [(11, 0.2, 0.5), (23, 0.45, 0.55), (25, 0.65, 0.4), (27, 0.75, 0.7)] {
            lm[i] = Landmark { x, y, z: 0.0, visibility: 0.99 };
            lm[i + 1] = Landmark { x: x + 0.01, y, z: 0.0, visibility: 0.99 };
        }
        for i in [27, 28, 29, 30, 31, 32] {
            lm[i].y = 0.72 + feet_dy;
        }
        PoseObservation::new(lm)
    }

    fn run(
        check: &mut SetupCheck,
        seconds: f64,
        pose: Option<&PoseObservation>,
        from: f64,
    ) -> Vec<Option<SetupIssue>> {
        let mut changes = Vec::new();
        let mut t = from;
        while t < from + seconds {
            if let Some(c) = check.observe(t, pose) {
                changes.push(c);
            }
            t += 1.0 / 30.0;
        }
        changes
    }

    #[test]
    fn feet_out_of_the_picture_become_the_issue_and_clear_when_back() {
        let mut c = SetupCheck::new(FrameGeometry { width: 640, height: 480 });
        c.set_luma(120.0);
        assert!(run(&mut c, 2.0, Some(&lifter(0.0)), 0.0).is_empty());
        let out = lifter(0.35);
        assert_eq!(run(&mut c, 2.0, Some(&out), 2.0), vec![Some(SetupIssue::FeetOutOfFrame)]);
        assert_eq!(run(&mut c, 2.0, Some(&lifter(0.0)), 4.0), vec![None]);
        let s = c.summary();
        assert_eq!(s.issues.len(), 1);
        assert!((s.issues[0].share - 1.0 / 3.0).abs() < 0.02, "{s:?}");
        assert!(s.line().contains("your feet are out of the picture"), "{}", s.line());
        assert_eq!(s.mean_luma, Some(120.0));
    }

    #[test]
    fn one_stray_frame_at_the_start_is_no_issue() {
        // The first frame's feet placed out of the picture, every later one in it: no banner.
        let mut c = SetupCheck::new(FrameGeometry { width: 640, height: 480 });
        c.set_luma(120.0);
        assert_eq!(c.observe(0.0, Some(&lifter(0.35))), None);
        assert!(run(&mut c, 2.0, Some(&lifter(0.0)), 1.0 / 30.0).is_empty());
        assert_eq!(c.current(), None);
        // Most of a second out of it is one.
        assert_eq!(run(&mut c, 1.5, Some(&lifter(0.35)), 2.1), vec![Some(SetupIssue::FeetOutOfFrame)]);
    }

    #[test]
    fn a_dark_room_and_a_small_lifter_are_told_most_urgent_first() {
        let mut c = SetupCheck::new(FrameGeometry { width: 640, height: 480 });
        // Shrunk to a fifth about the frame's centre: under a quarter of the frame's length.
        let mut small = lifter(0.0);
        for l in small.landmarks.iter_mut() {
            l.x = 0.5 + (l.x - 0.5) * 0.2;
            l.y = 0.5 + (l.y - 0.5) * 0.2;
        }
        c.set_luma(20.0);
        assert_eq!(run(&mut c, 2.0, Some(&small), 0.0), vec![Some(SetupIssue::TooDark)]);
        c.set_luma(100.0);
        assert_eq!(run(&mut c, 3.0, Some(&small), 2.0), vec![Some(SetupIssue::TooFar)]);
        // Nobody found in the dark: the light is still checked.
        c.set_luma(5.0);
        assert_eq!(run(&mut c, 2.0, None, 5.0), vec![Some(SetupIssue::TooDark)]);
    }

    #[test]
    fn a_good_setup_says_so() {
        let mut c = SetupCheck::new(FrameGeometry { width: 640, height: 480 });
        c.set_luma(130.0);
        assert!(run(&mut c, 3.0, Some(&lifter(0.0)), 0.0).is_empty());
        let s = c.summary();
        assert!(s.issues.is_empty() && s.line().starts_with("Setup: good"), "{s:?}");
        let b = s.body_share.unwrap();
        assert!((0.4..0.8).contains(&b), "{b}");
    }
}
