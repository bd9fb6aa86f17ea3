//! The rep phase machine on the smoothed hip angle: bottom, ascent, lockout (the count),
//! descent; thresholds that follow the set's own range; partial and abandoned reps.

use super::*;

/// A rise shorter than this from its start to its peak is a landmark spike, not a partial rep:
/// the counted reps of the shared clips rise 0.17 s or more from the ascent's start to lockout,
/// and the oblique barbell clip's last frames had reported a "partial rep" of 20° that peaked
/// on the frame it started (our pose stage, 2026-12-06).
const PARTIAL_MIN_RISE_S: f64 = 0.1;

impl Analyzer {
    /// Bottom, lockout-exit and lockout-enter thresholds for this moment. They keep their
    /// absolute values unless the set's own range of motion (at least `min_excursion_deg`)
    /// sits higher: then all three shift up so the bottom threshold lies
    /// `bottom_range_fraction` of the range above the observed bottom.
    pub(super) fn thresholds_now(&self) -> (f32, f32, f32) {
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
    pub(super) fn step(&mut self, t: f64, a: f32, h: f32, m: &FrameMetrics, ev: &mut Events) {
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
                // Before any top the hysteresis under it has nothing to hold: below where a top
                // is left the hips are on the bottom's side (a clip that opens in the first
                // rep's lowering, its bottom read a few degrees open by a turned camera).
                // And hips come down from their highest by a set's least range of motion are at
                // a bottom wherever the camera reads it (a shallow bridge from the head end,
                // bottoms at 145° without a pause, in a clip that opens at a top).
                let came_down = self.setup_hi - a >= c.min_excursion_deg && a < c.lockout_enter_deg;
                // After a track found again, read on a kept run, not on its first frame: that one
                // may be the wrong joints (a blurred copy of the bench press, its track lost for
                // a second, read a hidden hip at 48° for one frame and counted the rise from it).
                let proven = !self.run_after_loss || self.kept_run >= MIN_KEPT_RUN;
                if proven && (a < bottom_max.max(lockout_exit) || still_low || came_down) {
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
                    if let Some(te) = m.thigh_elevation {
                        self.bottom_thigh_elevation = Some(te.value);
                    }
                    if self.frame_torso.is_some() {
                        self.bottom_torso = self.frame_torso;
                    }
                }
                // The lowering ends once the hips settle: the last drop of BOTTOM_SETTLE_DEG.
                if h < self.bottom_settle_angle - BOTTOM_SETTLE_DEG {
                    self.bottom_settle_angle = h;
                    self.bottom_settle_t = t;
                    if let Some((idx, _, _)) = self.pending_lowering {
                        if let Some(r) = self.reps.get_mut(idx as usize - 1) {
                            r.end_s = t;
                        }
                    }
                }
                if a > self.bottom_min + c.ascent_start_delta_deg {
                    self.judge_lowering(ev);
                    self.rep.begin(
                        self.bottom_enter_t,
                        self.bottom_settle_t,
                        self.bottom_min_t,
                        self.bottom_min,
                    );
                    self.rep.side = m.side;
                    let here = RiseStart {
                        angle: self.bottom_min,
                        hip_height: self.bottom_hip_height,
                        thigh_elevation: self.bottom_thigh_elevation,
                    };
                    self.rep.rise_start = Some(self.turned_start.map_or(here, |s| s.lowest(here)));
                    self.rep.start_torso = self.frame_torso;
                    self.rep.low_torso = self.bottom_torso;
                    self.rep.start_feet = self.frame_feet;
                    self.phase = Phase::Ascent;
                    self.set_last_activity = Some(t);
                    self.record(t, a, m);
                }
            }
            Phase::Ascent => {
                self.record(t, a, m);
                if a >= lockout_enter {
                    self.reach_lockout(t, m, ev);
                } else if a < self.rep.peak - c.partial_turn_delta_deg {
                    self.phase = Phase::Descent;
                    self.rep.lockout_exit_t = Some(t);
                }
            }
            Phase::Lockout => {
                self.record(t, a, m);
                if a < lockout_exit {
                    self.phase = Phase::Descent;
                    self.rep.lockout_exit_t = Some(t);
                    if self.rep.counted.is_some() {
                        self.check_top(t, true, ev);
                    }
                }
            }
            Phase::Descent => {
                self.record(t, a, m);
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

    pub(super) fn enter_bottom(&mut self, t: f64, a: f32) {
        self.bottom_hip_height = None;
        self.bottom_thigh_elevation = None;
        self.bottom_torso = None;
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

    pub(super) fn reach_lockout(&mut self, t: f64, m: &FrameMetrics, ev: &mut Events) {
        let c = &self.cfg;
        let upright = m.torso_incline.is_some_and(|ti| ti.value > c.max_torso_incline_deg);
        let planted = match (self.frame_torso, self.rep.start_torso) {
            (Some(now), Some(start)) => now.hand_planted_since(&start, c.min_visibility),
            _ => true,
        };
        let hands = self.rep.rise_frames > 0
            && self.rep.hand_frames as f32 >= c.hand_support_share * self.rep.rise_frames as f32
            && planted;
        // The upper back left its support during the rise: lying back from sitting (a
        // pullover's start) opens the hip too, but a hip thrust pivots on the shoulders. Read in
        // the picture and, where the world landmarks place the ankles, against them as well: a
        // picture far off the side reads the body's depth errors as the shoulders' travel.
        let back_moved = self.rep.shoulder_travel > MAX_SHOULDER_TRAVEL
            && self.rep.world_back_travel.is_none_or(|w| w > MAX_WORLD_BACK_TRAVEL);
        // Feet off the floor through most of the rise: lying prone, a leg curl, not a bridge.
        // Or the working foot carried away from where it was planted: a leg that extends while
        // the hips stay down (a dead bug) opens the hip too.
        let travel = self.rep.feet_travel.map(|r| r.lately());
        let working = match m.working_leg {
            Side::Left => travel[0],
            Side::Right => travel[1],
            Side::Both => travel[0].min(travel[1]),
        };
        let feet_moved = working > FOOT_TRAVEL_MAX;
        let feet_up =
            (self.rep.foot_frames > 0 && 2 * self.rep.planted_frames < self.rep.foot_frames) || feet_moved;
        // The hips stayed down while the hip opened: the torso lay back (a sit-up), not a bridge.
        // Read from where the rise left the bottom, before any turn short of the top: a noisy
        // hip angle (a camera at the feet) turns a rise back and restarts it halfway up.
        self.turned_start = None;
        let start = self.rep.rise_start;
        let opened = start.zip(m.hip_angle).map(|(s, h)| h.value - s.angle);
        let hips_stayed = match (start.and_then(|s| s.hip_height), m.hip_height, opened) {
            (Some(a), Some(b), Some(deg)) if deg >= MIN_OPENING_FOR_RISE_DEG => {
                (b.value - a) / deg < c.min_hip_rise_per_deg
            }
            _ => false,
        };
        // ... and the thigh stayed where it was. Two readings must agree before a rise is
        // refused: the hips' height alone hangs on BlazePose's depth, which can flatten a whole
        // rise (a mirrored oblique clip's first rep: 0.15 thigh lengths over 50°).
        let thigh_turned = match (start.and_then(|s| s.thigh_elevation), m.thigh_elevation, opened) {
            (Some(a), Some(b), Some(deg)) if deg >= MIN_OPENING_FOR_RISE_DEG => {
                a - b.value >= MIN_THIGH_TURN_SHARE * deg
            }
            _ => false,
        };
        let hips_stayed = hips_stayed && !thigh_turned;
        // Lying face down through most of the rise (prone work on a bench or the floor).
        let face_down = self.rep.face_frames > 0 && 2 * self.rep.face_down_frames > self.rep.face_frames;
        // The knees swung while the hips stayed: the legs opened the hip (a leg raise), not a
        // bridge, whose planted feet hold the knees; told even with the feet out of the picture.
        let legs_swung = match (self.frame_torso, self.rep.low_torso) {
            (Some(now), Some(start)) => now.legs_swung_since(&start),
            _ => false,
        };
        if upright || hands || feet_up || hips_stayed || face_down || back_moved || legs_swung {
            // Refused on a hip the camera did not see (a plate in front of it through most of
            // the rise, or at this top): the checks read guessed landmarks, so the rise is not
            // counted, and not called another movement either.
            // The feet off the floor and planted hands are read without the hips: seen.
            let hips_hidden = m.hip_angle.is_none() || 2 * self.rep.hidden_frames > self.rep.rise_frames;
            let unseen = hips_hidden && !(feet_up || hands);
            let slot = (self.set as usize).clamp(1, MAX_SETS) - 1;
            self.look_alikes[slot] += 1;
            if unseen {
                self.unseen_look_alikes[slot] += 1;
                self.warn(Warning::CannotSeeEnough, ev);
            } else {
                let seen = [upright, hands, feet_up, hips_stayed, face_down, back_moved, legs_swung];
                for (n, _) in self.look_alike_reasons.iter_mut().zip(seen).filter(|(_, s)| *s) {
                    *n += 1;
                }
                // Standing up from a squat, hips raised on straight arms (a reverse tabletop, a
                // get-up) or legs curled while lying prone also reach a straight hip: not a rep.
                if self.reps.is_empty() {
                    self.warn(Warning::NotAHipThrust, ev);
                } else {
                    self.warn(Warning::LookAlikeMovement, ev);
                }
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
            mean_concentric_velocity_m_s: None,
            peak_concentric_velocity_m_s: None,
            range_of_motion_cm: None,
        });
        ev.push(Event::RepCounted { rep: index });
    }

    /// Closes the rep in progress at `t`. `complete`: the hips came back down; the lowering is
    /// judged once the bottom is known ([`Self::judge_lowering`]).
    pub(super) fn finish_rep(&mut self, t: f64, complete: bool, ev: &mut Events) {
        match self.rep.counted {
            Some(idx) => {
                self.check_top(t, complete, ev);
                if let Some(r) = self.reps.get_mut(idx as usize - 1) {
                    r.end_s = t;
                    r.complete = complete;
                }
                if complete && !self.rep.cut {
                    self.pending_lowering = Some((idx, self.rep.top_end_t, self.rep.top_end_unseen_s));
                } else if self.rep.cut {
                    let id = FaultId::UncontrolledLowering;
                    self.set_verdict(idx, id, Judgement::not_judged(id, NotJudgedReason::Cut));
                }
            }
            None => {
                if !self.rep.top_checked {
                    self.turned_start = self.rep.rise_start;
                }
                let rom = self.rep.peak - self.rep.bottom_angle;
                let slot = (self.set as usize).clamp(1, MAX_SETS) - 1;
                let rose_for = self.rep.peak_t - self.rep.start_t;
                if complete
                    && rom >= self.cfg.partial_min_rom_deg
                    && rose_for >= PARTIAL_MIN_RISE_S
                    && self.look_alikes[slot] == 0
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
        self.last_peak = Some(self.rep.peak);
        self.rep.counted = None;
    }

    pub(super) fn abandon(&mut self, last_pose_t: f64) {
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
        self.restart_setup();
    }

    /// A cut in the video, or a track found again on the wrong joints, at this frame: the
    /// smoothing restarts and the rep's lowering goes unjudged. A new scene (or another person):
    /// a rise or a bottom seen across it is no movement. A counted rep keeps its count; anything
    /// else starts over, the setup's highest and lowest readings too (a slowed copy of the
    /// prone leg curl, its track found again after a glitch, read the hips 26° under the highest
    /// reading before it and took that for a bottom).
    pub(super) fn cut(&mut self) {
        self.smoothed = None;
        self.rep.cut = true;
        if self.rep.counted.is_none() {
            match (self.phase, self.last_pose_t) {
                (Phase::Setup, _) => self.restart_setup(),
                (_, Some(lp)) => self.abandon(lp),
                _ => {}
            }
        }
    }

    /// Back to setup with nothing seen yet: no highest or lowest reading, no stillness.
    pub(super) fn restart_setup(&mut self) {
        self.phase = Phase::Setup;
        self.turned_start = None;
        self.setup_lo = f32::MAX;
        self.setup_hi = f32::MIN;
        self.still_ref = f32::NAN;
    }
}
