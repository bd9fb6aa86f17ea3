//! The fault rules: each rep's evidence recorded frame by frame, then every fault raised,
//! clear or not judged (with the reason) at the top and after the lowering.

use super::view::classify_view;
use super::*;
use crate::metrics::FOOT_EDGE_ROOM;

impl Analyzer {
    pub(super) fn record(&mut self, t: f64, a: f32, m: &FrameMetrics) {
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
                // A hip behind the plate still gets a roll from the model: judged only when seen.
                roll: val(m.hip_roll),
                knees: m.knees_apart.map_or(f32::NAN, |k| k.value),
                kickstand: self.kickstand.is_some_and(|k| k == m.working_leg),
                foot_room: m.foot_edge_room.unwrap_or(f32::NAN),
                ankle_room: m.ankle_edge_room.unwrap_or(f32::NAN),
                spread: self.view_spread.unwrap_or(f32::NAN),
                yaw: self.view_axis().map_or(f32::NAN, |v| v.obliquity_deg),
            });
        }
        if self.rep.counted.is_none() && matches!(self.phase, Phase::Ascent) {
            self.rep.rise_frames += 1;
            if m.hip_angle.is_none() {
                self.rep.hidden_frames += 1;
            }
            if let (Some(now), Some(start)) = (self.frame_feet, self.rep.start_feet) {
                let min_vis = self.cfg.fault_min_visibility;
                let shoulders = match (self.frame_torso, self.rep.start_torso) {
                    (Some(t), Some(t0)) if t.shoulder_vis.min(t0.shoulder_vis) >= min_vis => {
                        Some((t.shoulders, t0.shoulders))
                    }
                    _ => None,
                };
                let moved = now.travel_since(&start, shoulders, min_vis);
                for (recent, m) in self.rep.feet_travel.iter_mut().zip(moved) {
                    recent.push(m);
                }
            }
            if let (Some(now), Some(start)) = (self.frame_torso, self.rep.start_torso) {
                self.rep.shoulder_travel = self.rep.shoulder_travel.max(now.shoulder_travel_since(&start));
                if let Some(w) = now.back_travel_world_since(&start) {
                    self.rep.world_back_travel = Some(self.rep.world_back_travel.map_or(w, |b| b.max(w)));
                }
            }
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
        self.rep.max_hyper = self.rep.max_hyper.max(a - 180.0);
    }

    /// Records a fault's verdict on a rep (in place: the list was sized when the rep was counted).
    pub(super) fn set_verdict(&mut self, rep: u32, id: FaultId, j: Judgement) {
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

    pub(super) fn push_fault(&mut self, rep: u32, f: Fault, ev: &mut Events) {
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
    pub(super) fn check_top(&mut self, t: f64, hold_ended: bool, ev: &mut Events) {
        if self.rep.top_checked {
            return;
        }
        self.rep.top_checked = true;
        let Some(idx) = self.rep.counted else { return };
        let c = self.cfg;
        let s = &self.rep.samples;
        let best = longest_run(s, self.rep.peak - c.top_band_deg);
        let top = &s[best.0..best.1];
        let span = |run: &[Sample]| match (run.first(), run.last()) {
            (Some(a), Some(b)) => (a.t, b.t),
            _ => (self.rep.lockout_t, t),
        };
        let (top_start, top_end) = span(top);
        let frame_dt = if s.len() > 1 { (s[s.len() - 1].t - s[0].t) / (s.len() - 1) as f64 } else { 0.0 };
        let hold = top_end - top_start + frame_dt;
        // A gap in the poses around the top hides how long the hips stayed there.
        let top_gap = s
            .windows(2)
            .any(|w| w[1].t >= top_start && w[0].t <= top_end && w[1].t - w[0].t > 2.5 * frame_dt);
        // Frames missed at the top's ends (a live worker behind, a pose lost for a frame or two)
        // may have held the hips in the band: the hold could be this much longer than seen. The
        // stream's own interval is the shortest step between samples (missed frames only
        // lengthen steps; their mean counts them in).
        let nominal_dt =
            s.windows(2).map(|w| w[1].t - w[0].t).filter(|d| *d > 0.0).fold(f64::INFINITY, f64::min);
        let (unseen_before, unseen_after) = if nominal_dt.is_finite() {
            let before = best.0.checked_sub(1).map_or(0.0, |i| top_start - s[i].t);
            let after = s.get(best.1).map_or(0.0, |x| x.t - top_end);
            ((before - nominal_dt).max(0.0), (after - nominal_dt).max(0.0))
        } else {
            (0.0, 0.0)
        };
        let unseen_top = unseen_before + unseen_after;
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
        // The pelvis through the whole hold, from the count to the hips' leaving the top, as its
        // median: the top band alone can be a few frames' landmark glitch (a compressed copy of
        // the oblique clip peaked 15° high for 0.2 s, its roll read 24° there and 11–16° after).
        let held = &s[s.partition_point(|x| x.t < self.rep.lockout_t)..];
        let roll = median_seen(held, |x| x.roll);
        let yaw = mean(|x| x.yaw);
        let knees_out = mean(|x| x.knees).is_some_and(|k| k >= KNEES_OUT_MIN_APART);
        // Most of the top read the placement and the foot off a B-stance's kickstand.
        let kickstand = 2 * top.iter().filter(|x| x.kickstand).count() > top.len();
        // Most of the top read off a view turned past the side (its frames read both sides'
        // mean, as `measure` does there): the rep was not seen from the side, whatever the mean
        // of a steady yaw hovering at the limit says.
        let turned = 2 * top.iter().filter(|x| x.yaw > c.side_view_max_yaw_deg).count() > top.len();
        let view = match classify_view(mean(|x| x.spread), yaw, &c) {
            Some(CameraView::Side) if turned => Some(CameraView::Oblique),
            v => v,
        };
        let side_view = view == Some(CameraView::Side);
        // Off the side the angle wanders through a held top by more than the band: the tempo,
        // an estimate there and not judged, is timed on a band as wide as that wander (the
        // oblique barbell clip had read a 0.3 s hold and a 1.9 s lowering over a 1.8 s hold).
        let (tempo_start, tempo_end, tempo_hold) = if side_view {
            (top_start, top_end, hold)
        } else {
            let wide = longest_run(s, self.rep.peak - OFF_SIDE_TOP_BAND_DEG);
            let (a, b) = span(&s[wide.0..wide.1]);
            (a, b, b - a + frame_dt)
        };
        // The 1/cos correction of a turned camera grows the landmarks' noise with it.
        let noise_scale = 1.0 / yaw.unwrap_or(0.0).clamp(0.0, c.max_view_yaw_deg).to_radians().cos();
        let (hip_m, knee_m, shin_m, arch_m) = (
            c.hip_angle_margin_deg * noise_scale,
            c.knee_angle_margin_deg * noise_scale,
            c.shin_angle_margin_deg * noise_scale,
            c.overarch_margin_deg * noise_scale,
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
            // Overarch: the top held past the shoulder–knee line by more than the noise, for
            // long enough at a stretch and through a good part of the hold: a lumbar finish is
            // a position held through the squeeze (the lumbar bridge: 0.7–1.4 s of a 0.8–2.7 s
            // top), while the noise riding a clean top just under the bar crosses it for a
            // moment (a clean bridge's crest at 12.2°: two frames; at half speed 0.24 s of 0.84).
            // The margin grows with the view's obliquity as the others do: a clean floor bridge
            // filmed from a raised camera (28° pitch, 8° yaw), padded to portrait, had held
            // 12.8° past straight against the side view's 12° bar for 0.24 s.
            let bar = c.overarch_hyperext_deg + arch_m;
            let past = |x: &Sample| x.hip_seen && x.hip - 180.0 > bar;
            let over: Vec<&Sample> = top.iter().filter(|x| past(x)).collect();
            let share = over.len() as f64 / top.len().max(1) as f64;
            // The longest stretch past the bar, first to last frame.
            let (mut stretch, mut from) = (0.0f64, None);
            for x in top {
                match (past(x), from) {
                    (true, None) => from = Some(x.t),
                    (true, Some(f)) => stretch = stretch.max(x.t - f),
                    (false, _) => from = None,
                }
            }
            match (over.first(), over.last()) {
                (Some(first), Some(last)) if stretch >= c.overarch_min_s && share >= OVERARCH_HOLD_SHARE => {
                    let mut ext: Vec<f32> = over.iter().map(|x| x.hip - 180.0).collect();
                    ext.sort_by(f32::total_cmp);
                    faults.push(mk(
                        FaultId::OverarchLowerBack,
                        first.t,
                        last.t,
                        vec![e("hip_hyperextension_deg", ext[ext.len() / 2], ">", c.overarch_hyperext_deg)],
                    ));
                }
                _ => verdict(FaultId::OverarchLowerBack, Judgement::clear(FaultId::OverarchLowerBack)),
            }
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
            // A frog stance or a kickstand: the hip extension is read as ever, the feet are not.
            let stance = if knees_out {
                Some(NotJudgedReason::KneesOut)
            } else {
                kickstand.then_some(NotJudgedReason::Kickstand)
            };
            // The first reason that holds, in this order (as for the foot lifts below).
            let placement_unjudged =
                stance.or(near_edge(top, |x| x.ankle_room).then_some(NotJudgedReason::FrameEdge));
            if let (Some(why), Some(_), Some(_)) = (placement_unjudged, knee, shin) {
                for id in [FaultId::FeetTooClose, FaultId::FeetTooFar] {
                    verdict(id, Judgement::not_judged(id, why));
                }
            } else if let (Some(k), Some(sh)) = (knee, shin) {
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
            // A hold short of this, even with the frames missed at its ends, is no squeeze.
            let hold_bar = c.min_top_hold_s - c.timing_margin_s.max(frame_dt);
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
            } else if hold + unseen_top < hold_bar {
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
            } else if hold < hold_bar {
                // Short as seen, but the frames missed at its ends may have held the squeeze.
                verdict(
                    FaultId::NoTopSqueeze,
                    Judgement::not_judged(FaultId::NoTopSqueeze, NotJudgedReason::Missed),
                );
            } else {
                verdict(FaultId::NoTopSqueeze, Judgement::clear(FaultId::NoTopSqueeze));
            }
            // A heel (or toe) lifts when the foot tips about the ankle: one end rises over the
            // other. Both ends up together is the foot sliding, or a floor baseline taken off a
            // moving foot, not a lift.
            let tip = |a: Option<f32>, b: Option<f32>| a.zip(b).map(|(a, b)| a - b);
            // Seen is not enough: a foot at the frame's edge is guessed, and one whose
            // landmarks never settle (a dark sock on a dark mat) wanders.
            let foot_edge = near_edge(top, |x| x.foot_room).then_some(NotJudgedReason::FrameEdge);
            let foot_unsteady =
                tip_jitter(top).is_some_and(|j| j > FOOT_TIP_JITTER_MAX).then_some(NotJudgedReason::Unsteady);
            // The first reason that holds, in this order.
            let unjudged = stance.or(foot_edge).or(foot_unsteady);
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
                match (v, unjudged) {
                    (Some(_), Some(why)) => verdict(id, Judgement::not_judged(id, why)),
                    (Some(v), None) if v > max + c.foot_lift_margin => {
                        faults.push(mk(id, top_start, top_end, vec![e(name, v, ">", max)]));
                    }
                    (Some(_), None) => verdict(id, Judgement::clear(id)),
                    (None, _) => verdict(id, hidden(id)),
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
        self.rep.top_end_t = tempo_end;
        self.rep.top_end_unseen_s = unseen_after;
        // A duration read off frames is uncertain by one frame: at 15 fps that is 67 ms.
        self.timing_margin_s = c.timing_margin_s.max(frame_dt);
        // The hips' rise, bottom to the top hold's end.
        let from = self.hip_track.partition_point(|x| x.0 < self.rep.bottom_enter_t);
        let to = self.hip_track.partition_point(|x| x.0 <= top_end);
        let rise = crate::velocity::concentric(&self.hip_track[from..to.max(from)]);
        let scale = self.velocity_scale();
        if let Some(r) = self.reps.get_mut(idx as usize - 1) {
            r.view = view;
            r.mean_concentric_velocity_m_s = rise.map(|c| c.mean_m_s * scale);
            r.peak_concentric_velocity_m_s = rise.map(|c| c.peak_m_s * scale);
            r.range_of_motion_cm = rise.map(|c| c.range_m * scale * 100.0);
            r.metrics.bottom_hip_angle = self.rep.bottom_angle;
            r.metrics.peak_hip_angle = peak;
            r.metrics.rom_deg = peak - self.rep.bottom_angle;
            r.metrics.lockout_hip_angle = lockout_angle;
            // Shown only where they are judged: off the side, the report says knee and foot
            // angles are not judged, and a figure beside that would claim to see them.
            let seen_from_side = view == Some(CameraView::Side);
            r.metrics.knee_angle_at_top = knee.filter(|_| seen_from_side);
            r.metrics.shin_angle_at_top = shin.filter(|_| seen_from_side);
            r.metrics.max_hyperextension_deg = Some(self.rep.max_hyper.max(0.0));
            r.metrics.heel_lift_at_top = heel;
            r.metrics.toe_lift_at_top = toe;
            r.metrics.max_hip_roll_deg = roll;
            r.metrics.tempo = Tempo {
                concentric_s: (tempo_start - self.rep.start_t).max(0.0),
                top_hold_s: tempo_hold,
                eccentric_s: None,
                eccentric_at_least_s: None,
                bottom_pause_s: (self.rep.start_t - self.rep.settled_t).max(0.0),
            };
        }
        for (id, j) in verdicts.into_iter().take(nv) {
            self.set_verdict(idx, id, j);
        }
        if !side_view {
            // The camera warning as the session gives it: from the first rep whose view hid
            // its side-view faults (before any rep, most frames decide: `update_masked`).
            if view.is_some() {
                self.warn(Warning::CameraFrontal, ev);
            }
            // The lowering is timed on the hip angle too.
            let id = FaultId::UncontrolledLowering;
            self.set_verdict(idx, id, if view.is_none() { hidden(id) } else { not_seen(id) });
        }
        for f in faults {
            self.push_fault(idx, f, ev);
        }
        if let Some(r) = self.reps.get_mut(idx as usize - 1) {
            r.drop_unseen_figures();
        }
    }

    /// A lowering the clip ended in (still under way, or its bottom not yet settled): what was
    /// seen of it, from the top hold's end to `last_t`, is the least it took. Past what an
    /// uncontrolled lowering takes, it was controlled whatever came after (clear); short of
    /// that it stays not judged (the clip ended). The bridges that end as the hips come down had
    /// said "the clip ended first" of lowerings the report's chart shows taking over a second.
    /// `unseen`: how much later than seen the top may have ended (frames missed after it); the
    /// lowering is clear only if it took long enough from there too.
    pub(super) fn judge_lowering_so_far(&mut self, idx: u32, top_end: f64, unseen: f64, last_t: f64) {
        let c = self.cfg;
        let seen = (last_t - top_end).max(0.0);
        let Some(r) = self.reps.get_mut(idx as usize - 1) else { return };
        // The table's down time says how long the lowering lasted before the clip ended.
        r.metrics.tempo.eccentric_at_least_s = Some(seen);
        if r.view != Some(CameraView::Side) {
            return;
        }
        let least = (seen - unseen).max(0.0);
        if !lowering_too_fast(&c, self.timing_margin_s, least, r.metrics.tempo.concentric_s) {
            let id = FaultId::UncontrolledLowering;
            self.set_verdict(idx, id, Judgement::clear(id));
        }
    }

    /// The eccentric runs from the end of the top hold to the lowest point of the bottom. Frames
    /// missed after the top's last seen one may have held it longer (`unseen`): the lowering is
    /// raised only if too fast as seen (its longest), clear only if long enough from the top's
    /// latest possible end, and otherwise not judged (frames missed). At half the frames left
    /// out the barbell clip's last lowering, with every frame too short to clear, had read clear.
    pub(super) fn judge_lowering(&mut self, ev: &mut Events) {
        let Some((idx, top_end, unseen)) = self.pending_lowering.take() else { return };
        let c = self.cfg;
        let Some(r) = self.reps.get_mut(idx as usize - 1) else { return };
        let ecc = (r.end_s - top_end).max(0.0);
        r.metrics.tempo.eccentric_s = Some(ecc);
        let conc = r.metrics.tempo.concentric_s;
        if r.view != Some(CameraView::Side) {
            return;
        }
        let margin = self.timing_margin_s;
        if lowering_too_fast(&c, margin, ecc, conc) {
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
        } else if lowering_too_fast(&c, margin, (ecc - unseen).max(0.0), conc) {
            let id = FaultId::UncontrolledLowering;
            self.set_verdict(idx, id, Judgement::not_judged(id, NotJudgedReason::Missed));
        } else {
            self.set_verdict(
                idx,
                FaultId::UncontrolledLowering,
                Judgement::clear(FaultId::UncontrolledLowering),
            );
        }
    }
}

/// Band under a rep's peak that times the top off the side (where the tempo is an estimate
/// and not judged): the frontal oblique barbell clip's smoothed hip angle wanders 176–190°
/// through holds its curve shows lasting 1.4–4.2 s, read 1.40–4.17 s on a 10° band (a 12° one
/// within 0.14 s of it) and 0.30–1.50 s on the side view's 4°.
const OFF_SIDE_TOP_BAND_DEG: f32 = 10.0;

/// The longest run of samples at or above `band_lo`: the rep's top (start, end index).
fn longest_run(s: &[Sample], band_lo: f32) -> (usize, usize) {
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
    best
}

/// An uncontrolled lowering: `ecc` seconds, under both the absolute bar (less the timing margin)
/// and its share of the `conc`-second ascent. One rule for a lowering seen whole and for the
/// least a lowering the clip ended in took.
fn lowering_too_fast(c: &Thresholds, margin_s: f64, ecc: f64, conc: f64) -> bool {
    ecc < c.uncontrolled_eccentric_ratio * conc && ecc < c.uncontrolled_eccentric_max_s - margin_s
}

/// A jitter read off fewer residuals than this says nothing (a 16 fps top can be 6 frames).
const MIN_JITTER_FRAMES: usize = 4;
/// A foot tip wandering more than this (foot lengths, frame to frame) over the top has
/// landmarks that never settled. Clean tops of the shared side clips: our pose stage ≤ 0.023,
/// MediaPipe's smoothed reference ≤ 0.016, its raw (unsmoothed) one ≤ 0.030 (white noise, which
/// the top's mean averages out). `hip_thrust_feet_normal` with its feet dimmed to a tenth to a
/// sixth of their contrast under sensor noise (the dark socks on a dark mat) reads
/// 0.031–0.046 with every landmark still seen over 0.85; at a quarter, 0.006–0.010 and the tip
/// within 0.1 of the clean clip's.
const FOOT_TIP_JITTER_MAX: f32 = 0.03;

/// The foot's room to the frame's edge under [`FOOT_EDGE_ROOM`] over most of the top's frames
/// that measured it.
fn near_edge(top: &[Sample], room: fn(&Sample) -> f32) -> bool {
    let (n, near) = top
        .iter()
        .map(room)
        .filter(|v| v.is_finite())
        .fold((0usize, 0usize), |(n, k), v| (n + 1, k + usize::from(v < FOOT_EDGE_ROOM)));
    n > 0 && 2 * near > n
}

/// Frame-to-frame wander of the foot's tip (heel lift minus toe lift, foot lengths) over the
/// top: the RMS of each frame's residual from its centred 3-frame mean, over runs of frames
/// that measured both ends. `None` under [`MIN_JITTER_FRAMES`] residuals.
fn tip_jitter(top: &[Sample]) -> Option<f32> {
    let (sum, n) = top
        .windows(3)
        .map(|w| [w[0].heel - w[0].toe, w[1].heel - w[1].toe, w[2].heel - w[2].toe])
        .filter(|t| t.iter().all(|v| v.is_finite()))
        .map(|[a, b, c]| b - (a + b + c) / 3.0)
        .fold((0.0f32, 0usize), |(s, n), r| (s + r * r, n + 1));
    (n >= MIN_JITTER_FRAMES).then(|| (sum / n as f32).sqrt())
}

/// Share of the top hold (the band round the peak) an overarch must be past its bar for. The
/// lumbar-driven bridge's rep 1 is past it for 53–100 % of its top through our pose stage (the
/// clip and its copies shrunk, compressed, resampled, dimmed, turned, played 1.6× faster and
/// at half speed) and 56–76 % on MediaPipe's own landmarks; clean tops whose crest reaches the bar
/// 0–29 % (half speed), 50 % for 0.16 s on the half-size copy (the stretch rule's). Between.
const OVERARCH_HOLD_SHARE: f64 = 0.4;

/// The median of a reading over `frames`, when at least half of them saw it.
fn median_seen(frames: &[Sample], f: fn(&Sample) -> f32) -> Option<f32> {
    let mut v: Vec<f32> = frames.iter().map(f).filter(|v| v.is_finite()).collect();
    if v.is_empty() || 2 * v.len() < frames.len() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}
