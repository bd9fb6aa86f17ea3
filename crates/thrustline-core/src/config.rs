//! Every threshold the core uses, with its source. Each can be overridden from TOML.

use serde::{Deserialize, Serialize};

/// Landmarks below this visibility are not measured (MediaPipe's own drawing utilities skip
/// landmarks under 0.5 visibility).
pub const MIN_VISIBILITY: f32 = 0.5;
/// Faults are judged only on landmarks at least this visible. Shared clips: unobstructed legs
/// stay above 0.94 (10th percentile); legs behind the barbell plate drop to 0.3-0.75.
pub const FAULT_MIN_VISIBILITY: f32 = 0.85;
/// Time constant of the short exponential smoothing of the hip angle fed to the rep machine;
/// a few frames at 30 fps, enough to absorb unsmoothed landmark jitter (shared clips, raw mode).
pub const HIP_SMOOTHING_S: f64 = 0.06;
/// Below this hip angle the hips are down: bottom of the rep. Clean bottoms on the shared clips
/// span 102-133 deg; bridge tops never fall under 160.
pub const BOTTOM_MAX_DEG: f32 = 140.0;
/// Hip angle at which lockout is reached and the rep counted. Lowest clean top on the shared
/// clips is 159 deg (barbell, plate occluding the knee); 150 leaves margin for camera angles.
pub const LOCKOUT_ENTER_DEG: f32 = 150.0;
/// Lockout is left only below this angle (hysteresis against jitter at the top; the barbell
/// clip wobbles 154-161 deg during its holds).
pub const LOCKOUT_EXIT_DEG: f32 = 143.0;
/// The ascent starts once the hips rise this far above the bottom's lowest angle.
pub const ASCENT_START_DELTA_DEG: f32 = 8.0;
/// An ascent that turns back by this much before lockout is a partial rep.
pub const PARTIAL_TURN_DELTA_DEG: f32 = 8.0;
/// A partial rep must have risen at least this far from the bottom to be reported at all.
pub const PARTIAL_MIN_ROM_DEG: f32 = 15.0;
/// Hip angle changing faster than this is a cut in the video, not movement (a dropped hip at
/// 30 fps moves under 15 deg per frame; the tutorial clip's jump cut is 58 deg in one frame).
pub const MAX_HIP_SPEED_DEG_S: f32 = 900.0;
/// Pose missing longer than this abandons the rep in progress (camera cut or the lifter left).
pub const MAX_POSE_GAP_S: f64 = 2.0;
/// No rep activity for this long ends the set (rest between sets is 1-3 min in the article;
/// 20 s of stillness is never inside a set on the shared clips).
pub const SET_REST_S: f64 = 20.0;
/// Lying, not standing: at lockout the shoulders must not stand this far above the hips (a
/// standing torso is near 90). Hips above the shoulders are a bridge's top, however steep:
/// the shared bridges peak at 36 deg, and one with the feet on a 0.6 m box (66 deg at the
/// top, generated) had been refused as upright before the sign was read.
pub const MAX_TORSO_INCLINE_DEG: f32 = 55.0;

/// Peak hip angle under this is an incomplete lockout: hips short of the shoulder-knee line.
/// Calibrated on the shared clips: the lowest clean top is 159-161 deg (barbell clip).
pub const INCOMPLETE_LOCKOUT_DEG: f32 = 155.0;
/// Hip extension past the shoulder-knee line beyond this is lumbar overarch. Clean tops on the
/// shared clips stay within 1.5 deg; the lumbar-driven bridge reaches 12-14 deg.
pub const OVERARCH_HYPEREXT_DEG: f32 = 6.0;
/// The overarch must persist this long at a stretch to be a fault, not a jitter (and through
/// a share of the top hold: `OVERARCH_HOLD_SHARE` in the fault rules).
pub const OVERARCH_MIN_S: f64 = 0.2;
/// Foot placement at lockout (Contreras: knees at ~90 deg, shins vertical at the top of a hip
/// thrust). Feet too close: knee angle under this AND shin tilted back (both must agree).
/// Shared clips: close 69 deg, normal 87 deg.
pub const FEET_CLOSE_KNEE_MAX_DEG: f32 = 78.0;
/// Shin tilt (ankle behind the knee) that goes with feet too close. Close clip -19, clean >= 3.
pub const FEET_CLOSE_SHIN_MAX_DEG: f32 = -8.0;
/// Feet too far: knee angle over this AND shin tilted forward. Far 111 deg, normal 87 deg.
pub const FEET_FAR_KNEE_MIN_DEG: f32 = 100.0;
/// Shin tilt (ankle ahead of the knee) that goes with feet too far. Far clip 24, clean <= 21.
pub const FEET_FAR_SHIN_MIN_DEG: f32 = 15.0;
/// Hip angle within this of the rep's peak counts as "at the top" for the squeeze hold.
pub const TOP_BAND_DEG: f32 = 4.0;
/// A top hold shorter than this is no squeeze (the article: pause and squeeze at the top;
/// the shortest clean hold on the shared clips is 0.38 s).
pub const MIN_TOP_HOLD_S: f64 = 0.25;
/// Lowering faster than this fraction of the ascent's duration is uncontrolled (tempo
/// prescriptions use an eccentric at least as long as the concentric).
pub const UNCONTROLLED_ECCENTRIC_RATIO: f64 = 0.4;
/// ...and only when the lowering is also this short in absolute terms.
pub const UNCONTROLLED_ECCENTRIC_MAX_S: f64 = 0.35;
/// Mean heel lift over the top hold above this fraction of foot length is heels lifting
/// (clean reps on the shared clips stay under 0.14; a raised heel is about half a foot).
pub const HEEL_LIFT_MAX: f32 = 0.3;
/// Mean toe lift over the top hold above this fraction of foot length is toes lifting
/// (clean reps on the shared clips stay under 0.2).
pub const TOE_LIFT_MAX: f32 = 0.3;
/// Pelvis rolled against the shoulders by more than this is uneven hips: one hip ~5 cm higher
/// across the ~0.2 m between the hip joints, which a coach sees from the feet. The world
/// landmarks read a level pelvis at 10.7–11.8° (median through each top) on the clean reps
/// filmed from the feet (our pose stage on the oblique shared clip), so the bar sits above
/// that, plus the margin.
pub const HIP_ROLL_MAX_DEG: f32 = 15.0;
/// Both sides count as visible (frontal view) when the hips are this far apart horizontally,
/// relative to torso length; in a side view they overlap.
pub const FRONTAL_HIP_SPREAD: f32 = 0.35;
/// The sagittal angles are corrected for a yawed camera up to this yaw from a side view: the
/// issue's range ends at a front three-quarter view (45°); past 60° the correction (1/cos)
/// more than doubles the landmarks' noise and the view is frontal.
pub const MAX_VIEW_YAW_DEG: f32 = 60.0;
/// Lateral spread (shoulder + hip widths over shoulder–hip + hip–knee lengths, in the image)
/// above which the sagittal plane is seen too obliquely to judge its angles. MediaPipe's
/// landmarks on the side-view shared clips: median 0.11–0.28, p90 at most 0.33 (the slightly
/// oblique dumbbell clip); the from-the-feet oblique clip 0.66. A body's widths are about 0.58
/// of those lengths, so 0.45 is about 25° of yaw over a side view's own spread.
pub const SIDE_VIEW_MAX_SPREAD: f32 = 0.45;
/// Without world landmarks (image-only input, e.g. MediaPipe's reference files) the spread
/// alone names the view, so it takes the world's 30° side limit's place. On our pose stage's
/// landmarks for the 22 shared clips: 0.7 % of the 4,281 frames the world reads within 30° of
/// the side spread past 0.33, and 22 % of the 1,594 it reads 30–60° turned stay under it (56 %
/// under 0.45): a view the spread cannot place is not judged as a side view.
pub const SIDE_VIEW_MAX_SPREAD_IMAGE_ONLY: f32 = 0.33;
/// From this lateral spread on, the view is frontal (facing the lifter, or along the body
/// from the feet or the head): the left–right axis is seen at least as long as the body.
pub const FRONTAL_VIEW_MIN_SPREAD: f32 = 0.6;
/// Sagittal faults are judged only up to this camera yaw (world landmarks): the 1/cos
/// correction grows the landmarks' noise by 15 % at 30°, and clean front three-quarter reps
/// raised faults past it (issue 11).
pub const SIDE_VIEW_MAX_YAW_DEG: f32 = 30.0;
/// `hips_uneven` is judged only from this yaw on: the left–right axis must be seen at
/// sin(45°) = 71 % of its length or more; from the side it points at the camera and its
/// depth is the pose model's guess.
pub const LATERAL_VIEW_MIN_YAW_DEG: f32 = 45.0;
/// A top where a straight-armed wrist sits this far below its shoulder (torso lengths) is
/// held up by the hands: a reverse tabletop, a dip or a get-up, not a hip thrust. Shared
/// clips at the top: bridges' straight arms 0.07–0.18 (lying on the floor), hip thrusts hold
/// the bar with bent arms. An arm is 1.15 torso lengths (Winter, table 4.1: upper arm and
/// forearm 0.332 H, shoulder to hip 0.288 H). "Below" is the camera's: an arm lying on the
/// floor towards a camera raised 30° at the feet reads 1.15 × sin 30° = 0.58 (0.50–0.62 on
/// the side clips turned there, `benches/views.sh`), a bearing arm leaning 45° off the
/// vertical 1.15 × cos 45° = 0.81; the bar sits between them.
pub const HAND_SUPPORT_MIN: f32 = 0.7;
/// Feet planted: at the top of a hip thrust or bridge the ankle sits under the knee, a shin's
/// cos(tilt) below it (0.9 for the feet-far clip's 25°, 0.7 even at 45°). Below this share of
/// the shin the lower leg lies flat or is curled up: prone work (leg curls), not a bridge.
pub const FOOT_PLANTED_MIN: f32 = 0.4;
/// The hips must climb as the hip opens, at least this much (thigh lengths above the ankle per
/// degree of hip angle, from the bottom to the count): a bridge's thigh swings up about the
/// knee, lifting the hips ~0.008 per degree (0.57 over 70° from a 110° bottom, 0.34 over 40°
/// from a 145° one); a sit-up or crunch opens the hip by lowering the torso while the hips
/// stay on the floor (~0, the landmarks' noise ±0.02 over the ≥ 8° of a rise).
pub const MIN_HIP_RISE_PER_DEG: f32 = 0.003;
/// Lying face up: the nose sits this far (torso lengths) on the up side of the shoulder–hip
/// line or more. Every supine shared clip reads 0.22–0.57 (10th to 90th percentiles, MediaPipe's
/// landmarks); the prone leg curl 0.0–0.12 at its median (face down on the bench).
pub const FACE_UP_MIN: f32 = 0.1;
/// Share of a rise's frames with a hand bearing weight that makes it a look-alike.
pub const HAND_SUPPORT_SHARE: f32 = 0.5;
/// Noise margins: a fault is raised only when its evidence clears the threshold by this
/// much. The landmark noise at the top of reps (hip angle at or above 165°) on the side-view
/// shared clips, as the residual from a centred 7-frame mean (`tests/noise.rs`, which fails if
/// a margin drops under 2σ): MediaPipe's smoothed / raw references σ = 0.73 / 0.79° hip angle,
/// 0.89 / 1.34° knee, 0.77 / 1.23° shin; our pose stage in the core README. Margin ≥ 2σ of
/// the noisiest source, rounded up; scaled by 1/cos of a turned view's obliquity.
pub const HIP_ANGLE_MARGIN_DEG: f32 = 2.0;
pub const KNEE_ANGLE_MARGIN_DEG: f32 = 3.0;
/// The shin also carries the model's mirror bias (below): the shared clips and their mirror
/// images differ by up to 3.2° at the top (half of it each way), on top of the frame noise.
pub const SHIN_ANGLE_MARGIN_DEG: f32 = 4.0;
/// The hip angle at the top is biased by which way the lifter faces: BlazePose is not
/// mirror-symmetric, and the shared side-view clips read up to 9.3° apart from their mirror
/// images at the top (clean reps then reach 10.6° past the line; the lumbar-driven bridge 15–16°
/// both ways). Half that difference is each orientation's bias; the overarch's margin covers
/// it (core README). The incomplete lockout keeps the frame-noise margin: the count itself
/// needs 150°, and tops further short are reported as partial reps.
pub const OVERARCH_MARGIN_DEG: f32 = 6.0;
/// Heel/toe tip (one end of the foot over the other): frame noise is only 0.006–0.018 foot
/// lengths, but the floor baseline is taken off the feet at the bottom and clean side-view reps
/// tip by up to 0.08 (our pose stage; core README); the bar is then 0.42, over five times that.
pub const FOOT_LIFT_MARGIN: f32 = 0.12;
/// Hip roll in the body frame (world landmarks): clean reps filmed from the feet read
/// 10.7–11.8°, and 7.4–13.9° on copies shrunk, compressed, resampled, dimmed or turned
/// (`benches/degraded.sh`): about ±3° around their bias, and a degree more for the world's
/// depth, its noisiest axis.
pub const HIP_ROLL_MARGIN_DEG: f32 = 4.0;
/// Timing faults: a duration read off frames is uncertain by one frame; this at 30 fps, and one
/// frame interval whenever frames come further apart (a 15 fps clip: 67 ms).
pub const TIMING_MARGIN_S: f64 = 0.034;
/// A set's own range of motion (hip angle, top minus bottom) must be at least this for the
/// rep thresholds to adapt to it; smaller wobbles are not reps (pelvic tilts move 10–15°).
pub const MIN_EXCURSION_DEG: f32 = 25.0;
/// With an adapted set, the bottom threshold sits this fraction of the range above the
/// observed bottom (lockout and its exit keep their offsets above it).
pub const BOTTOM_RANGE_FRACTION: f32 = 0.3;
/// Hips still (within the bottom's settle band) this long before any rep, lower than this
/// far above lockout, are a bottom: a set starting at the bottom above 140° (a bridge
/// filmed from the head end bottoms at 145°).
pub const SETUP_STILL_S: f64 = 0.5;

/// Single-leg: the raised leg's ankle sits this far (in thigh lengths) above the other in the
/// picture, read from the side only (without world landmarks).
pub const SINGLE_LEG_ANKLE_GAP: f32 = 0.5;
/// Single-leg with world landmarks: the raised ankle this many thigh lengths above the other.
/// Planted pairs on all 22 shared clips (our pose stage, `thrustline pose --world`) read at
/// most 0.65 (the floor bridge from the feet, obliquely); a leg held straight in line with the
/// thigh puts its ankle a shin's length (about a thigh) above the planted one at the top, and
/// more below it.
pub const SINGLE_LEG_WORLD_GAP: f32 = 0.8;

/// All thresholds, overridable from a TOML file (missing keys keep their defaults).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub min_visibility: f32,
    pub fault_min_visibility: f32,
    pub hip_smoothing_s: f64,
    pub bottom_max_deg: f32,
    pub lockout_enter_deg: f32,
    pub lockout_exit_deg: f32,
    pub ascent_start_delta_deg: f32,
    pub partial_turn_delta_deg: f32,
    pub partial_min_rom_deg: f32,
    pub max_hip_speed_deg_s: f32,
    pub max_pose_gap_s: f64,
    pub set_rest_s: f64,
    pub max_torso_incline_deg: f32,
    pub incomplete_lockout_deg: f32,
    pub overarch_hyperext_deg: f32,
    pub overarch_min_s: f64,
    pub feet_close_knee_max_deg: f32,
    pub feet_close_shin_max_deg: f32,
    pub feet_far_knee_min_deg: f32,
    pub feet_far_shin_min_deg: f32,
    pub top_band_deg: f32,
    pub min_top_hold_s: f64,
    pub uncontrolled_eccentric_ratio: f64,
    pub uncontrolled_eccentric_max_s: f64,
    pub heel_lift_max: f32,
    pub toe_lift_max: f32,
    pub hip_roll_max_deg: f32,
    pub frontal_hip_spread: f32,
    pub max_view_yaw_deg: f32,
    pub single_leg_ankle_gap: f32,
    pub single_leg_world_gap: f32,
    pub side_view_max_spread: f32,
    pub side_view_max_spread_image_only: f32,
    pub frontal_view_min_spread: f32,
    pub side_view_max_yaw_deg: f32,
    pub lateral_view_min_yaw_deg: f32,
    pub hand_support_min: f32,
    pub hand_support_share: f32,
    pub foot_planted_min: f32,
    pub min_hip_rise_per_deg: f32,
    pub face_up_min: f32,
    pub hip_angle_margin_deg: f32,
    pub overarch_margin_deg: f32,
    pub knee_angle_margin_deg: f32,
    pub shin_angle_margin_deg: f32,
    pub foot_lift_margin: f32,
    pub hip_roll_margin_deg: f32,
    pub timing_margin_s: f64,
    pub min_excursion_deg: f32,
    pub bottom_range_fraction: f32,
    pub setup_still_s: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            min_visibility: MIN_VISIBILITY,
            fault_min_visibility: FAULT_MIN_VISIBILITY,
            hip_smoothing_s: HIP_SMOOTHING_S,
            bottom_max_deg: BOTTOM_MAX_DEG,
            lockout_enter_deg: LOCKOUT_ENTER_DEG,
            lockout_exit_deg: LOCKOUT_EXIT_DEG,
            ascent_start_delta_deg: ASCENT_START_DELTA_DEG,
            partial_turn_delta_deg: PARTIAL_TURN_DELTA_DEG,
            partial_min_rom_deg: PARTIAL_MIN_ROM_DEG,
            max_hip_speed_deg_s: MAX_HIP_SPEED_DEG_S,
            max_pose_gap_s: MAX_POSE_GAP_S,
            set_rest_s: SET_REST_S,
            max_torso_incline_deg: MAX_TORSO_INCLINE_DEG,
            incomplete_lockout_deg: INCOMPLETE_LOCKOUT_DEG,
            overarch_hyperext_deg: OVERARCH_HYPEREXT_DEG,
            overarch_min_s: OVERARCH_MIN_S,
            feet_close_knee_max_deg: FEET_CLOSE_KNEE_MAX_DEG,
            feet_close_shin_max_deg: FEET_CLOSE_SHIN_MAX_DEG,
            feet_far_knee_min_deg: FEET_FAR_KNEE_MIN_DEG,
            feet_far_shin_min_deg: FEET_FAR_SHIN_MIN_DEG,
            top_band_deg: TOP_BAND_DEG,
            min_top_hold_s: MIN_TOP_HOLD_S,
            uncontrolled_eccentric_ratio: UNCONTROLLED_ECCENTRIC_RATIO,
            uncontrolled_eccentric_max_s: UNCONTROLLED_ECCENTRIC_MAX_S,
            heel_lift_max: HEEL_LIFT_MAX,
            toe_lift_max: TOE_LIFT_MAX,
            hip_roll_max_deg: HIP_ROLL_MAX_DEG,
            frontal_hip_spread: FRONTAL_HIP_SPREAD,
            max_view_yaw_deg: MAX_VIEW_YAW_DEG,
            single_leg_ankle_gap: SINGLE_LEG_ANKLE_GAP,
            single_leg_world_gap: SINGLE_LEG_WORLD_GAP,
            side_view_max_spread: SIDE_VIEW_MAX_SPREAD,
            side_view_max_spread_image_only: SIDE_VIEW_MAX_SPREAD_IMAGE_ONLY,
            frontal_view_min_spread: FRONTAL_VIEW_MIN_SPREAD,
            side_view_max_yaw_deg: SIDE_VIEW_MAX_YAW_DEG,
            lateral_view_min_yaw_deg: LATERAL_VIEW_MIN_YAW_DEG,
            hand_support_min: HAND_SUPPORT_MIN,
            hand_support_share: HAND_SUPPORT_SHARE,
            foot_planted_min: FOOT_PLANTED_MIN,
            min_hip_rise_per_deg: MIN_HIP_RISE_PER_DEG,
            face_up_min: FACE_UP_MIN,
            hip_angle_margin_deg: HIP_ANGLE_MARGIN_DEG,
            overarch_margin_deg: OVERARCH_MARGIN_DEG,
            knee_angle_margin_deg: KNEE_ANGLE_MARGIN_DEG,
            shin_angle_margin_deg: SHIN_ANGLE_MARGIN_DEG,
            foot_lift_margin: FOOT_LIFT_MARGIN,
            hip_roll_margin_deg: HIP_ROLL_MARGIN_DEG,
            timing_margin_s: TIMING_MARGIN_S,
            min_excursion_deg: MIN_EXCURSION_DEG,
            bottom_range_fraction: BOTTOM_RANGE_FRACTION,
            setup_still_s: SETUP_STILL_S,
        }
    }
}

/// A threshold file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// One line: where, and what (TOML's own report spans several lines with a caret drawing).
    #[error("invalid thresholds TOML at line {line}, column {column}: {message}")]
    Parse { line: usize, column: usize, message: String },
    #[error("inconsistent thresholds: {0}")]
    Inconsistent(&'static str),
    #[error("threshold {name} = {value} is out of range ({lo} to {hi})")]
    OutOfRange { name: &'static str, value: f64, lo: f64, hi: f64 },
}

impl Thresholds {
    /// The hip angles at the top that the lockout and overarch checks leave clear on a side
    /// view, the landmarks' margins included: what the report, the review and the live plots
    /// draw. Drawn without the margins (155–186°), a clean bridge's 191° tops sat above the zone
    /// beside "no fault seen".
    pub fn lockout_zone(&self) -> (f32, f32) {
        (
            self.incomplete_lockout_deg - self.hip_angle_margin_deg,
            180.0 + self.overarch_hyperext_deg + self.overarch_margin_deg,
        )
    }

    /// Parses a TOML document of overrides, e.g. `lockout_enter_deg = 155.0`.
    pub fn from_toml_str(s: &str) -> Result<Self, ConfigError> {
        let t: Thresholds = toml::from_str(s).map_err(|e| {
            let at = e.span().map_or(0, |r| r.start.min(s.len()));
            let before = &s[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            // The first line says it; an unknown key's list of every known one is left out.
            let first = e.message().lines().next().unwrap_or("").trim();
            let message = first.split(", expected one of").next().unwrap_or(first).to_string();
            ConfigError::Parse { line, column, message }
        })?;
        t.validate()?;
        Ok(t)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_ranges()?;
        if self.bottom_max_deg >= self.lockout_exit_deg {
            return Err(ConfigError::Inconsistent("bottom_max_deg must be below lockout_exit_deg"));
        }
        if self.lockout_exit_deg > self.lockout_enter_deg {
            return Err(ConfigError::Inconsistent("lockout_exit_deg must not exceed lockout_enter_deg"));
        }
        if !(0.0..=1.0).contains(&self.min_visibility) {
            return Err(ConfigError::Inconsistent("min_visibility must be within 0..1"));
        }
        if !(0.0..85.0).contains(&self.max_view_yaw_deg) {
            return Err(ConfigError::Inconsistent("max_view_yaw_deg must be within 0..85"));
        }
        Ok(())
    }
}

impl Thresholds {
    /// Every threshold must be finite and within a range that means something (NaN, infinity
    /// or a negative duration would leave the session full of nulls).
    fn check_ranges(&self) -> Result<(), ConfigError> {
        let f = |v: f32| f64::from(v);
        let table: [(&'static str, f64, f64, f64); 51] = [
            ("min_visibility", f(self.min_visibility), 0.0, 1.0),
            ("fault_min_visibility", f(self.fault_min_visibility), 0.0, 1.0),
            ("hip_smoothing_s", self.hip_smoothing_s, 0.0, 2.0),
            ("bottom_max_deg", f(self.bottom_max_deg), 0.0, 360.0),
            ("lockout_enter_deg", f(self.lockout_enter_deg), 0.0, 360.0),
            ("lockout_exit_deg", f(self.lockout_exit_deg), 0.0, 360.0),
            ("ascent_start_delta_deg", f(self.ascent_start_delta_deg), 0.0, 90.0),
            ("partial_turn_delta_deg", f(self.partial_turn_delta_deg), 0.0, 90.0),
            ("partial_min_rom_deg", f(self.partial_min_rom_deg), 0.0, 180.0),
            ("max_hip_speed_deg_s", f(self.max_hip_speed_deg_s), 1.0, 1e5),
            ("max_pose_gap_s", self.max_pose_gap_s, 0.0, 3600.0),
            ("set_rest_s", self.set_rest_s, 0.0, 86400.0),
            ("max_torso_incline_deg", f(self.max_torso_incline_deg), 0.0, 90.0),
            ("incomplete_lockout_deg", f(self.incomplete_lockout_deg), 0.0, 360.0),
            ("overarch_hyperext_deg", f(self.overarch_hyperext_deg), 0.0, 90.0),
            ("overarch_min_s", self.overarch_min_s, 0.0, 60.0),
            ("feet_close_knee_max_deg", f(self.feet_close_knee_max_deg), 0.0, 180.0),
            ("feet_close_shin_max_deg", f(self.feet_close_shin_max_deg), -90.0, 90.0),
            ("feet_far_knee_min_deg", f(self.feet_far_knee_min_deg), 0.0, 180.0),
            ("feet_far_shin_min_deg", f(self.feet_far_shin_min_deg), -90.0, 90.0),
            ("top_band_deg", f(self.top_band_deg), 0.0, 90.0),
            ("min_top_hold_s", self.min_top_hold_s, 0.0, 60.0),
            ("uncontrolled_eccentric_ratio", self.uncontrolled_eccentric_ratio, 0.0, 100.0),
            ("uncontrolled_eccentric_max_s", self.uncontrolled_eccentric_max_s, 0.0, 60.0),
            ("heel_lift_max", f(self.heel_lift_max), 0.0, 10.0),
            ("toe_lift_max", f(self.toe_lift_max), 0.0, 10.0),
            ("hip_roll_max_deg", f(self.hip_roll_max_deg), 0.0, 90.0),
            ("frontal_hip_spread", f(self.frontal_hip_spread), 0.0, 10.0),
            ("max_view_yaw_deg", f(self.max_view_yaw_deg), 0.0, 85.0),
            ("single_leg_ankle_gap", f(self.single_leg_ankle_gap), 0.0, 10.0),
            ("single_leg_world_gap", f(self.single_leg_world_gap), 0.0, 10.0),
            ("side_view_max_spread", f(self.side_view_max_spread), 0.0, 10.0),
            ("side_view_max_spread_image_only", f(self.side_view_max_spread_image_only), 0.0, 10.0),
            ("frontal_view_min_spread", f(self.frontal_view_min_spread), 0.0, 10.0),
            ("side_view_max_yaw_deg", f(self.side_view_max_yaw_deg), 0.0, 90.0),
            ("lateral_view_min_yaw_deg", f(self.lateral_view_min_yaw_deg), 0.0, 90.0),
            ("hand_support_min", f(self.hand_support_min), -10.0, 10.0),
            ("hand_support_share", f(self.hand_support_share), 0.0, 1.0),
            ("foot_planted_min", f(self.foot_planted_min), -1.0, 1.0),
            ("min_hip_rise_per_deg", f(self.min_hip_rise_per_deg), -1.0, 1.0),
            ("face_up_min", f(self.face_up_min), -10.0, 10.0),
            ("hip_angle_margin_deg", f(self.hip_angle_margin_deg), 0.0, 90.0),
            ("overarch_margin_deg", f(self.overarch_margin_deg), 0.0, 90.0),
            ("knee_angle_margin_deg", f(self.knee_angle_margin_deg), 0.0, 90.0),
            ("shin_angle_margin_deg", f(self.shin_angle_margin_deg), 0.0, 90.0),
            ("foot_lift_margin", f(self.foot_lift_margin), 0.0, 10.0),
            ("hip_roll_margin_deg", f(self.hip_roll_margin_deg), 0.0, 90.0),
            ("timing_margin_s", self.timing_margin_s, 0.0, 10.0),
            ("min_excursion_deg", f(self.min_excursion_deg), 0.0, 180.0),
            ("bottom_range_fraction", f(self.bottom_range_fraction), 0.0, 1.0),
            ("setup_still_s", self.setup_still_s, 0.0, 60.0),
        ];
        for (name, value, lo, hi) in table {
            if !value.is_finite() || value < lo || value > hi {
                return Err(ConfigError::OutOfRange { name, value, lo, hi });
            }
        }
        Ok(())
    }
}
