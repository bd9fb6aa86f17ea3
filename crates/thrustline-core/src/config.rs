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
/// Lying, not standing: at lockout the shoulder-hip line must be flatter than this from
/// horizontal (bridges on the shared clips peak at 36 deg; a standing torso is near 90).
pub const MAX_TORSO_INCLINE_DEG: f32 = 55.0;

/// Peak hip angle under this is an incomplete lockout: hips short of the shoulder-knee line.
/// Calibrated on the shared clips: the lowest clean top is 159-161 deg (barbell clip).
pub const INCOMPLETE_LOCKOUT_DEG: f32 = 155.0;
/// Hip extension past the shoulder-knee line beyond this is lumbar overarch. Clean tops on the
/// shared clips stay within 1.5 deg; the lumbar-driven bridge reaches 12-14 deg.
pub const OVERARCH_HYPEREXT_DEG: f32 = 6.0;
/// The overarch must persist this long to be a fault, not a jitter.
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
/// Left/right hip height difference over this fraction of hip width is uneven hips.
pub const HIP_ASYMMETRY_MAX: f32 = 0.25;
/// Both sides count as visible (frontal view) when the hips are this far apart horizontally,
/// relative to torso length; in a side view they overlap.
pub const FRONTAL_HIP_SPREAD: f32 = 0.35;
/// The sagittal angles are corrected for a yawed camera up to this yaw from a side view: the
/// issue's range ends at a front three-quarter view (45°); past 60° the correction (1/cos)
/// more than doubles the landmarks' noise and the view is frontal.
pub const MAX_VIEW_YAW_DEG: f32 = 60.0;
/// Single-leg: the raised leg's ankle sits this far (in thigh lengths) above the other.
pub const SINGLE_LEG_ANKLE_GAP: f32 = 0.5;

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
    pub hip_asymmetry_max: f32,
    pub frontal_hip_spread: f32,
    pub max_view_yaw_deg: f32,
    pub single_leg_ankle_gap: f32,
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
            hip_asymmetry_max: HIP_ASYMMETRY_MAX,
            frontal_hip_spread: FRONTAL_HIP_SPREAD,
            max_view_yaw_deg: MAX_VIEW_YAW_DEG,
            single_leg_ankle_gap: SINGLE_LEG_ANKLE_GAP,
        }
    }
}

/// A threshold file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid thresholds TOML: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("inconsistent thresholds: {0}")]
    Inconsistent(&'static str),
}

impl Thresholds {
    /// Parses a TOML document of overrides, e.g. `lockout_enter_deg = 155.0`.
    pub fn from_toml_str(s: &str) -> Result<Self, ConfigError> {
        let t: Thresholds = toml::from_str(s)?;
        t.validate()?;
        Ok(t)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
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
