//! BlazePose's 33-landmark topology and the pose observation the core consumes.

use serde::{Deserialize, Serialize};

/// Number of body landmarks BlazePose reports.
pub const NUM_LANDMARKS: usize = 33;

/// BlazePose landmark indices (MediaPipe `PoseLandmark`).
pub mod idx {
    pub const NOSE: usize = 0;
    pub const LEFT_EAR: usize = 7;
    pub const RIGHT_EAR: usize = 8;
    pub const LEFT_SHOULDER: usize = 11;
    pub const RIGHT_SHOULDER: usize = 12;
    pub const LEFT_ELBOW: usize = 13;
    pub const RIGHT_ELBOW: usize = 14;
    pub const LEFT_WRIST: usize = 15;
    pub const RIGHT_WRIST: usize = 16;
    pub const LEFT_HIP: usize = 23;
    pub const RIGHT_HIP: usize = 24;
    pub const LEFT_KNEE: usize = 25;
    pub const RIGHT_KNEE: usize = 26;
    pub const LEFT_ANKLE: usize = 27;
    pub const RIGHT_ANKLE: usize = 28;
    pub const LEFT_HEEL: usize = 29;
    pub const RIGHT_HEEL: usize = 30;
    pub const LEFT_FOOT_INDEX: usize = 31;
    pub const RIGHT_FOOT_INDEX: usize = 32;
    /// Both feet: ankles, heels and toes.
    pub const FEET: [usize; 6] =
        [LEFT_ANKLE, RIGHT_ANKLE, LEFT_HEEL, RIGHT_HEEL, LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX];
}

/// One side's chain of landmarks, shoulder to toe.
#[derive(Debug)]
pub struct SideIdx {
    pub ear: usize,
    pub shoulder: usize,
    pub hip: usize,
    pub knee: usize,
    pub ankle: usize,
    pub heel: usize,
    pub toe: usize,
}

pub const LEFT: SideIdx = SideIdx {
    ear: idx::LEFT_EAR,
    shoulder: idx::LEFT_SHOULDER,
    hip: idx::LEFT_HIP,
    knee: idx::LEFT_KNEE,
    ankle: idx::LEFT_ANKLE,
    heel: idx::LEFT_HEEL,
    toe: idx::LEFT_FOOT_INDEX,
};
pub const RIGHT: SideIdx = SideIdx {
    ear: idx::RIGHT_EAR,
    shoulder: idx::RIGHT_SHOULDER,
    hip: idx::RIGHT_HIP,
    knee: idx::RIGHT_KNEE,
    ankle: idx::RIGHT_ANKLE,
    heel: idx::RIGHT_HEEL,
    toe: idx::RIGHT_FOOT_INDEX,
};

/// Skeleton edges for drawing (MediaPipe `POSE_CONNECTIONS`, body part only).
pub const CONNECTIONS: [(usize, usize); 22] = [
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (24, 26),
    (25, 27),
    (26, 28),
    (27, 29),
    (28, 30),
    (29, 31),
    (30, 32),
    (27, 31),
    (28, 32),
    (0, 7),
    (0, 8),
    (7, 11),
    (8, 12),
];

/// One landmark: x, y normalized to the frame (image) or metres (world), z, visibility.
/// Serialized as `[x, y, z, visibility]`, the reference files' layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f32; 4]", into = "[f32; 4]")]
pub struct Landmark {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub visibility: f32,
}

/// Margin outside the frame (normalized) within which a landmark still counts as in the
/// picture: the model places a foot flat on the edge a hair outside it.
pub const IN_FRAME_MARGIN: f32 = 0.02;

impl Landmark {
    /// Inside the picture (image landmarks, x and y normalized to the frame), give or take
    /// [`IN_FRAME_MARGIN`].
    pub fn in_frame(&self) -> bool {
        let r = -IN_FRAME_MARGIN..=1.0 + IN_FRAME_MARGIN;
        r.contains(&self.x) && r.contains(&self.y)
    }
}

impl From<[f32; 4]> for Landmark {
    fn from(a: [f32; 4]) -> Self {
        Self { x: a[0], y: a[1], z: a[2], visibility: a[3] }
    }
}

impl From<Landmark> for [f32; 4] {
    fn from(l: Landmark) -> Self {
        [l.x, l.y, l.z, l.visibility]
    }
}

/// A pose as the core consumes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoseObservation {
    /// Image landmarks, x and y normalized to the frame.
    pub landmarks: [Landmark; NUM_LANDMARKS],
    /// World landmarks in metres, hip-centred, when the pose stage provides them.
    pub world: Option<[Landmark; NUM_LANDMARKS]>,
}

impl PoseObservation {
    pub fn new(landmarks: [Landmark; NUM_LANDMARKS]) -> Self {
        Self { landmarks, world: None }
    }
}

/// Frame size in pixels: angles are measured in pixel space, not in anisotropic normalized units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameGeometry {
    pub width: u32,
    pub height: u32,
}
