//! Sets and the session's summary.

use super::view::median_bin;
use super::*;

impl Analyzer {
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
        self.turned_start = None;
        Some(ended)
    }

    /// Snapshot of the session so far (the live app saves this incrementally).
    pub fn summary(&self) -> SessionSummary {
        // Read once: the look-alike reasons defer to what it says of the feet.
        let setup = self.setup.summary();
        let mut warnings = self.warnings.clone();
        if self.frames > 0 && self.frames_with_pose == 0 {
            warnings.push(Warning::NoPose);
        } else if self.frames_with_pose > 0 && self.frames_low_conf * 2 > self.frames_with_pose {
            warnings.push(Warning::LowConfidence);
        }
        // One story per session: counted reps and "not a hip thrust" never stand together, and
        // the camera warning follows the view most frames were seen from.
        // Rises refused on what the camera saw say what it was; those refused on hidden hips,
        // and a session whose body was out of the picture most of the time, say the camera
        // could not see enough (never "not a hip thrust" for a plate or a close-up).
        let unseen: u32 = self.unseen_look_alikes.iter().sum();
        let look_alikes: u32 = self.look_alikes.iter().sum::<u32>() - unseen;
        warnings.retain(|w| !matches!(w, Warning::NotAHipThrust | Warning::LookAlikeMovement));
        let upright_seen = self.warnings.contains(&Warning::NotAHipThrust) && self.reps.is_empty();
        if !self.reps.is_empty() {
            if look_alikes > 0 {
                warnings.push(Warning::LookAlikeMovement);
            }
        } else if look_alikes > 0 || upright_seen {
            warnings.push(Warning::NotAHipThrust);
        }
        let mostly_out = self.frames_with_pose > 0 && 2 * self.frames_out_of_view > self.frames_with_pose;
        if unseen == 0 && !(self.reps.is_empty() && mostly_out) {
            warnings.retain(|w| *w != Warning::CannotSeeEnough);
        } else if !warnings.contains(&Warning::NotAHipThrust) {
            // One story: "could not see enough, and how to fix it" says what "hard to see" would.
            warnings.retain(|w| *w != Warning::LowConfidence);
            warnings.push(Warning::CannotSeeEnough);
        }
        // The camera warning stands exactly when the view hid something: a rep seen from off
        // the side (its side-view faults are "not judged"), or, with no reps, most frames.
        let camera_view = self.session_view();
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
        let look_alike_reasons = {
            let mut seen: Vec<(u32, LookAlikeReason)> = LookAlikeReason::ALL
                .iter()
                .zip(self.look_alike_reasons)
                .filter(|(_, n)| *n > 0)
                .map(|(&r, n)| (n, r))
                .collect();
            seen.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut reasons: Vec<LookAlikeReason> = seen.into_iter().map(|(_, r)| r).collect();
            // Feet out of the picture on most frames (a leg raise's feet leave its top edge):
            // "seen: the feet left the floor" beside "your feet are out of the picture" is a
            // claim the setup line contradicts. Another reason seen says what it was.
            let feet_out = setup.issues.iter().any(|i| {
                i.id == crate::setup::SetupIssue::FeetOutOfFrame && f64::from(i.share) > FEET_OUT_SHARE
            });
            if feet_out && reasons.len() > 1 {
                reasons.retain(|r| *r != LookAlikeReason::FeetOffFloor);
            }
            // No top at all, but upright on most posed frames: that is what was seen.
            let upright = self.frames_upright as f64 > UPRIGHT_SHARE * self.frames_with_pose as f64;
            if reasons.is_empty() && upright && warnings.contains(&Warning::NotAHipThrust) {
                reasons.push(LookAlikeReason::Upright);
            }
            reasons
        };
        // What the camera saw, once reps were counted: one foot raised on most frames, else the
        // shoulders' support.
        let seen_variation = (!self.reps.is_empty() && self.support_n >= MIN_SUPPORT_FRAMES).then(|| {
            if 2 * self.single_leg_frames > self.leg_frames {
                Variation::SingleLeg
            } else if self.support_sum / f64::from(self.support_n) > f64::from(BENCH_SUPPORT_MIN) {
                Variation::HipThrust
            } else {
                Variation::GluteBridge
            }
        });
        SessionSummary {
            seen_variation,
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
            camera_pitch_deg: median_bin(&self.pitch_histogram).map(|b| b - 90.0),
            camera_view,
            velocity_scale: self.reps.iter().any(|r| r.mean_concentric_velocity_m_s.is_some()).then_some(
                match (self.lifter_height_m, self.body_len_m) {
                    (Some(height_m), Some(_)) => VelocityScale::LifterHeight { height_m },
                    _ => VelocityScale::Blazepose,
                },
            ),
            setup: (setup.frames > 0).then_some(setup),
            look_alike_reasons,
        }
    }

    /// Ends the stream: closes a rep cut off by the end of the clip and returns the session.
    pub fn finish(mut self) -> SessionSummary {
        self.close()
    }

    /// The session as it ends, in place: a rep under way is closed with its top's metrics and
    /// verdicts as far as they were seen (the live window's session, saved when the video or the
    /// camera ends, had kept a rep counted at the top with a peak of 0° and no ascent time).
    /// Frames after it are a session's tail, not a new one: call it once, at the end.
    pub fn close(&mut self) -> SessionSummary {
        let mut ev = Events::default();
        // A lowering still under way when the clip ends is judged only as far as it was seen.
        let settled = self.last_t.is_some_and(|l| l - self.bottom_settle_t >= BOTTOM_SETTLE_S);
        let t = self.last_pose_t.unwrap_or(0.0);
        if settled {
            self.judge_lowering(&mut ev);
        } else if let Some((idx, top_end, unseen)) = self.pending_lowering {
            self.judge_lowering_so_far(idx, top_end, unseen, t);
        }
        if matches!(self.phase, Phase::Ascent | Phase::Lockout | Phase::Descent) {
            let descending = self.rep.counted.filter(|_| self.phase == Phase::Descent && !self.rep.cut);
            let (top_end, unseen) = (self.rep.top_end_t, self.rep.top_end_unseen_s);
            self.finish_rep(t, false, &mut ev);
            if let Some(idx) = descending {
                self.judge_lowering_so_far(idx, top_end, unseen, t);
            }
        }
        self.summary()
    }

    pub(super) fn set_summaries(&self) -> Vec<SetSummary> {
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
                // A set of look-alikes or partials only has no mean: 0, not the empty sum's −0.
                let mean = |sum: f64| if reps.is_empty() { 0.0 } else { sum / n };
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
                // Mean concentric velocity per rep, in order (reps whose path was not read, or
                // seen from another view than most of the set, are left out: the loss runs from
                // the fastest read to the last read).
                let view = crate::session::set_view(reps.iter().copied());
                let means = crate::session::compared_velocities(&reps, view);
                // The set's best speed, a point of the load–velocity profile, over all its reps
                // seen from its view (a cut parts the comparison, not the best).
                let best = reps
                    .iter()
                    .filter(|r| r.view == view)
                    .filter_map(|r| r.mean_concentric_velocity_m_s)
                    .reduce(f32::max);
                Some(SetSummary {
                    index: set,
                    start_s: start,
                    end_s: end,
                    reps: reps.len() as u32,
                    partials: partials.len() as u32,
                    clean_reps: reps.iter().filter(|r| r.is_clean()).count() as u32,
                    mean_rom_deg: mean(reps.iter().map(|r| f64::from(r.metrics.rom_deg)).sum()) as f32,
                    mean_lockout_angle: mean(
                        reps.iter().map(|r| f64::from(r.metrics.lockout_hip_angle)).sum(),
                    ) as f32,
                    mean_concentric_s: mean(reps.iter().map(|r| r.metrics.tempo.concentric_s).sum()),
                    mean_top_hold_s: mean(reps.iter().map(|r| r.metrics.tempo.top_hold_s).sum()),
                    mean_eccentric_s: (!ecc.is_empty()).then(|| ecc.iter().sum::<f64>() / ecc.len() as f64),
                    faults,
                    look_alikes,
                    // Only rises refused on what was seen make a set "not a hip thrust".
                    not_a_hip_thrust: look_alikes
                        > self.unseen_look_alikes[(set as usize).clamp(1, MAX_SETS) - 1]
                        && reps.is_empty(),
                    velocity_loss_pct: crate::velocity::velocity_loss_pct(&means),
                    reps_in_reserve: crate::velocity::reps_in_reserve(
                        &means,
                        crate::velocity::HIP_THRUST_MVT_M_S,
                    ),
                    best_mean_velocity_m_s: best,
                })
            })
            .collect()
    }
}
