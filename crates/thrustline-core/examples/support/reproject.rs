//! Real motion seen from another camera: a pose's world landmarks turned about the hips and
//! projected back into the picture the way MediaPipe relates its two landmark sets (the world
//! landmarks are metres in camera-aligned axes about the hips; the image landmarks are their
//! weak-perspective projection). Each frame's scale and offset are fitted to its own image
//! landmarks, so the camera as filmed gives back (nearly) the pose stage's picture; visibilities
//! are kept. Shared by `examples/views.rs` and the workspace's `tests/views.rs`.

use thrustline_core::{FrameGeometry, Landmark, PoseObservation};

/// Landmarks the weak-perspective fit uses: shoulders to toes (the face's depth is the model's
/// least certain, and the hands swing off the body's plane).
const FIT_FROM: usize = 11;
/// A landmark takes part in the fit only when seen at least this well.
const FIT_MIN_VISIBILITY: f32 = 0.5;

/// One frame of `thrustline pose --world`'s output.
pub struct RawFrame {
    pub t: f64,
    pub lm: Option<Vec<[f32; 4]>>,
    pub world: Option<Vec<[f32; 3]>>,
}

/// `thrustline pose --world`'s output (the MediaPipe reference schema plus world landmarks).
pub struct RawClip {
    pub width: u32,
    pub height: u32,
    pub frames: Vec<RawFrame>,
}

/// Reads `thrustline pose --world`'s JSON (read by hand: the workspace's tests have no serde
/// derive).
pub fn parse(text: &str) -> Result<RawClip, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let dim = |k: &str| v[k].as_u64().and_then(|x| u32::try_from(x).ok()).ok_or(format!("no {k}"));
    let frames = v["frames"]
        .as_array()
        .ok_or("no frames")?
        .iter()
        .map(|f| RawFrame {
            t: f["t"].as_f64().unwrap_or(f64::NAN),
            lm: points(&f["lm"]),
            world: points(&f["world"]),
        })
        .collect();
    Ok(RawClip { width: dim("width")?, height: dim("height")?, frames })
}

/// The frame as our pose stage saw it (no camera turned): its image landmarks, and its world
/// landmarks with their visibilities.
#[allow(dead_code)] // the drops and sensitivity examples'; the views keep the projection
pub fn as_filmed(f: &RawFrame) -> Option<PoseObservation> {
    let lm = f.lm.as_ref()?;
    let mut arr = [Landmark::default(); 33];
    for (d, s) in arr.iter_mut().zip(lm) {
        *d = Landmark::from(*s);
    }
    let world = f.world.as_ref().map(|w| {
        let mut out = [Landmark::default(); 33];
        for (i, (d, s)) in out.iter_mut().zip(w).enumerate() {
            *d = Landmark { x: s[0], y: s[1], z: s[2], visibility: arr[i].visibility };
        }
        out
    });
    Some(PoseObservation { landmarks: arr, world })
}

/// A list of `N`-component points, or `None` when absent or malformed.
fn points<const N: usize>(x: &serde_json::Value) -> Option<Vec<[f32; N]>> {
    x.as_array()?
        .iter()
        .map(|p| {
            let c: Vec<f32> =
                p.as_array()?.iter().map(|n| n.as_f64().map(|n| n as f32)).collect::<Option<_>>()?;
            c.try_into().ok()
        })
        .collect()
}

/// A virtual camera: turned about the vertical through the hips by `yaw` (90 = from the feet
/// or the head, 180 = the other side), raised by `pitch` (looking down on the lifter), then
/// rolled about its own axis by `roll` (a phone propped askew: the picture's vertical leans
/// off the floor's; positive is clockwise as seen from behind the camera, so the scene turns
/// anticlockwise in the picture, as ffmpeg's `rotate` with the negative angle).
#[derive(Clone, Copy)]
pub struct Camera {
    pub name: &'static str,
    pub yaw_deg: f64,
    pub pitch_deg: f64,
    pub roll_deg: f64,
}

type V3 = [f64; 3];

/// Camera-aligned world axes: x right, y down, z away from the camera. Yaw turns the camera
/// about y, pitch then raises it (the points turn the other way about the new x).
fn turn(p: V3, cam: Camera) -> V3 {
    let (sy, cy) = cam.yaw_deg.to_radians().sin_cos();
    let (x, y, z) = (cy * p[0] + sy * p[2], p[1], -sy * p[0] + cy * p[2]);
    let (sp, cp) = cam.pitch_deg.to_radians().sin_cos();
    // Raised and looking down: farther points climb the picture, and the floor (down, +y)
    // tilts to face the camera.
    let (y, z) = (cp * y - sp * z, sp * y + cp * z);
    // Rolled clockwise: the scene turns the other way in the picture.
    let (sr, cr) = cam.roll_deg.to_radians().sin_cos();
    [cr * x + sr * y, -sr * x + cr * y, z]
}

/// Image pixels ≈ s · world (x, y) + c over the well-seen body landmarks (least squares).
fn fit(lm: &[Landmark; 33], w: &[V3; 33], g: FrameGeometry) -> Option<(f64, [f64; 2])> {
    let (gw, gh) = (f64::from(g.width), f64::from(g.height));
    // Each row: image x, image y, world x, world y.
    let pts: Vec<[f64; 4]> = (FIT_FROM..33)
        .filter(|&i| lm[i].visibility >= FIT_MIN_VISIBILITY)
        .map(|i| [f64::from(lm[i].x) * gw, f64::from(lm[i].y) * gh, w[i][0], w[i][1]])
        .collect();
    if pts.len() < 4 {
        return None;
    }
    let n = pts.len() as f64;
    let mean = |k: usize| pts.iter().map(|p| p[k]).sum::<f64>() / n;
    let (px, py, wx, wy) = (mean(0), mean(1), mean(2), mean(3));
    let (mut num, mut den) = (0.0, 0.0);
    for p in &pts {
        num += (p[0] - px) * (p[2] - wx) + (p[1] - py) * (p[3] - wy);
        den += (p[2] - wx).powi(2) + (p[3] - wy).powi(2);
    }
    if den <= f64::EPSILON || num <= 0.0 {
        return None;
    }
    let s = num / den;
    Some((s, [px - s * wx, py - s * wy]))
}

/// A frame's image landmarks and its world landmarks (metres, f64), when it has both.
fn points_of(f: &RawFrame) -> Option<([Landmark; 33], [V3; 33])> {
    let (lm, world) = (f.lm.as_ref()?, f.world.as_ref()?);
    let mut img = [Landmark::default(); 33];
    for (d, s) in img.iter_mut().zip(lm) {
        *d = Landmark::from(*s);
    }
    let mut w = [[0.0; 3]; 33];
    for (d, s) in w.iter_mut().zip(world) {
        *d = [f64::from(s[0]), f64::from(s[1]), f64::from(s[2])];
    }
    Some((img, w))
}

pub fn reproject(f: &RawFrame, g: FrameGeometry, cam: Camera) -> Option<PoseObservation> {
    let (img, w) = points_of(f)?;
    let (s, c) = fit(&img, &w, g)?;
    Some(projected(&img, &w, (s, c), g, cam))
}

/// The world landmarks turned to `cam` and projected with the frame's fitted scale and offset;
/// visibilities from the image landmarks.
fn projected(
    img: &[Landmark; 33],
    w: &[V3; 33],
    (s, c): (f64, [f64; 2]),
    g: FrameGeometry,
    cam: Camera,
) -> PoseObservation {
    let (gw, gh) = (f64::from(g.width), f64::from(g.height));
    let mut out = PoseObservation { landmarks: *img, world: Some([Landmark::default(); 33]) };
    for i in 0..33 {
        let p = turn(w[i], cam);
        let vis = img[i].visibility;
        out.landmarks[i] = Landmark {
            x: ((c[0] + s * p[0]) / gw) as f32,
            y: ((c[1] + s * p[1]) / gh) as f32,
            // MediaPipe's image z: depth about the hips in the scale of x.
            z: (s * p[2] / gw) as f32,
            visibility: vis,
        };
        if let Some(wo) = out.world.as_mut() {
            wo[i] = Landmark { x: p[0] as f32, y: p[1] as f32, z: p[2] as f32, visibility: vis };
        }
    }
    out
}

/// As [`reproject`], but the pose stage's own image landmarks moved by the displacement the
/// turn gives the world landmarks: the camera as filmed gives back the picture exactly (the
/// world landmarks' own projection differs from it, by 7° of knee angle on the feet-far
/// thrust), and a moderate turn keeps the picture's proportions where the world's guess of
/// them is off. Far turns carry the picture's residual in the wrong direction: read it for
/// cameras within about 30° of the one filmed.
#[allow(dead_code)] // the views example's; `tests/views.rs` keeps the plain projection
pub fn reproject_moved(f: &RawFrame, g: FrameGeometry, cam: Camera) -> Option<PoseObservation> {
    let (img, w) = points_of(f)?;
    let (s, c) = fit(&img, &w, g)?;
    let mut out = projected(&img, &w, (s, c), g, cam);
    let (gw, gh) = (f64::from(g.width), f64::from(g.height));
    for i in 0..33 {
        let p = turn(w[i], cam);
        let l = &mut out.landmarks[i];
        l.x = (f64::from(img[i].x) + s * (p[0] - w[i][0]) / gw) as f32;
        l.y = (f64::from(img[i].y) + s * (p[1] - w[i][1]) / gh) as f32;
        l.z = (f64::from(img[i].z) + s * (p[2] - w[i][2]) / gw) as f32;
    }
    Some(out)
}
