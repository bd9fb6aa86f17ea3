//! The BlazePose landmark model on a rotated 256×256 crop: decoding, heatmap refinement and
//! projection back to the frame (pose_landmark_by_roi_cpu.pbtxt and its post-processing).

use std::path::{Path, PathBuf};

use opencv::core::{Mat, BORDER_REPLICATE};
use opencv::prelude::*;
use ort::session::Session;
use ort::value::TensorRef;

use crate::error::PoseError;
use crate::roi::NormRect;
use crate::tensor::InputTensor;
use crate::threads::{OtherLoad, ThreadChoice};

const INPUT: i32 = 256;
/// The input square's side, for warming the session up.
pub const INPUT_SIDE: usize = INPUT as usize;
/// 33 body landmarks plus 2 auxiliary (ROI) points and 4 unused ones.
pub const MODEL_LANDMARKS: usize = 39;
/// Pose presence below this drops the pose and re-runs the detector (min_tracking_confidence).
pub const MIN_PRESENCE: f32 = 0.5;
/// Heatmap refinement window (RefineLandmarksFromHeatmapCalculator kernel_size). 9 reproduces
/// MediaPipe 0.10.14's landmarks (median error to its references 0.01–0.05 % of the frame
/// diagonal on the side-view clips, against 0.08–0.25 % with the 7 of older pbtxt files).
const HEATMAP_KERNEL: usize = 9;
/// Heatmap refinement only where the heatmap is this confident (calculator default).
const HEATMAP_MIN_CONFIDENCE: f32 = 0.5;

/// One landmark in frame-normalized coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawLandmark {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub visibility: f32,
    pub presence: f32,
}

/// The landmark model's output for one ROI, projected to the frame.
#[derive(Clone, Debug)]
pub struct LandmarkOutput {
    pub presence_score: f32,
    pub landmarks: [RawLandmark; MODEL_LANDMARKS],
    /// World landmarks in metres (hip-centred), rotated like the ROI.
    pub world: [[f32; 3]; MODEL_LANDMARKS],
}

/// The same model on one thread, beside a pool ([`crate::threads`]).
enum Lone {
    /// None: one thread was asked for, or it could not be loaded.
    Off,
    /// Loaded once another process is seen taking CPU.
    OnLoad {
        load: OtherLoad,
        model: PathBuf,
        hint: String,
    },
    Loading(std::thread::JoinHandle<Result<Session, PoseError>>),
    Ready(Session),
}

/// Loads the model on one thread, warmed up (its first run plans its memory).
fn load_lone(model: &Path, hint: &str) -> Result<Session, PoseError> {
    crate::runtime::session(model, 1, false, hint).and_then(|l| crate::runtime::warm_up(l, INPUT_SIDE))
}

pub struct Landmarker {
    session: Session,
    lone: Lone,
    choice: ThreadChoice,
    has_heatmap: bool,
    input: InputTensor,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// MediaPipe's heatmap refinement (including its quirks: column/width from the top-left
/// corner of heatmap cells).
fn refine(lms: &mut [RawLandmark; MODEL_LANDMARKS], hm: &[f32], hm_h: usize, hm_w: usize) {
    let ch = MODEL_LANDMARKS;
    let off = (HEATMAP_KERNEL - 1) / 2;
    for (i, lm) in lms.iter_mut().enumerate() {
        let col = (lm.x * hm_w as f32) as i64;
        let row = (lm.y * hm_h as f32) as i64;
        // MediaPipe tests the column against the height where the row belongs, so a point
        // up to half a kernel below the crop is still refined from the heatmap's last rows.
        if col < 0 || col >= hm_w as i64 || row < 0 || col >= hm_h as i64 {
            continue;
        }
        let (col, row) = (col as usize, row as usize);
        let (c0, c1) = (col.saturating_sub(off), (col + off + 1).min(hm_w));
        let (r0, r1) = (row.saturating_sub(off), (row + off + 1).min(hm_h));
        let (mut sum, mut wc, mut wr, mut max) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for r in r0..r1 {
            for c in c0..c1 {
                let conf = sigmoid(hm[(r * hm_w + c) * ch + i]);
                sum += conf;
                max = max.max(conf);
                wc += c as f32 * conf;
                wr += r as f32 * conf;
            }
        }
        if max >= HEATMAP_MIN_CONFIDENCE && sum > 0.0 {
            lm.x = wc / hm_w as f32 / sum;
            lm.y = wr / hm_h as f32 / sum;
        }
    }
}

impl Landmarker {
    /// The sessions `run` chooses between have run once ([`crate::runtime::warm_up`], as
    /// `PoseTracker` loads them), so every timed run is a fair one; `mask` is never timed.
    pub fn new(session: Session) -> Result<Self, PoseError> {
        let has_heatmap = session.outputs().iter().any(|o| o.name() == "Identity_3");
        Ok(Self {
            session,
            lone: Lone::Off,
            choice: ThreadChoice::warm(),
            has_heatmap,
            input: InputTensor::new(INPUT)?,
        })
    }

    /// Adds the same model (`model`) on one thread, for when `load` sees another process take
    /// CPU: loaded now if it already has (or where it cannot be read), as a frame's time must
    /// not carry the compile, else in the background once it does. Each frame then runs on
    /// whichever is faster lately. `hint` goes with a missing model's error.
    pub fn with_lone(mut self, model: PathBuf, hint: String, load: Option<OtherLoad>) -> Self {
        self.lone = match load.and_then(|mut l| (!l.taken()).then_some(l)) {
            Some(load) => Lone::OnLoad { load, model, hint },
            None => Self::loaded(load_lone(&model, &hint)),
        };
        self
    }

    /// The one-thread session as loaded; a failure leaves the pool alone: it runs the same
    /// model, which loaded.
    fn loaded(lone: Result<Session, PoseError>) -> Lone {
        match lone {
            Ok(s) => Lone::Ready(s),
            Err(e) => {
                tracing::warn!("the one-thread landmark session did not load: {e}");
                Lone::Off
            }
        }
    }

    /// Starts loading the one-thread session when load has come, and takes it once loaded.
    fn tend_lone(&mut self) {
        let load_came = match &mut self.lone {
            Lone::OnLoad { load, .. } => load.taken(),
            _ => false,
        };
        let loaded = matches!(&self.lone, Lone::Loading(h) if h.is_finished());
        if !(load_came || loaded) {
            return;
        }
        self.lone = match std::mem::replace(&mut self.lone, Lone::Off) {
            Lone::OnLoad { model, hint, .. } => {
                Lone::Loading(std::thread::spawn(move || load_lone(&model, &hint)))
            }
            Lone::Loading(h) => match h.join() {
                Ok(lone) => Self::loaded(lone),
                Err(_) => {
                    tracing::warn!("the one-thread landmark session's loading thread failed");
                    Lone::Off
                }
            },
            other => other,
        };
    }

    /// Frames run on the pooled session and on the single-threaded one.
    pub fn runs(&self) -> [u64; 2] {
        self.choice.used()
    }

    /// Crop pixel → frame pixel for `roi` of a `fw`×`fh` frame.
    fn crop_matrix(roi: &NormRect, fw: f32, fh: f32) -> [[f32; 3]; 2] {
        let (sw, sh) = (roi.width * fw, roi.height * fh);
        let (cx, cy) = (roi.x_center * fw, roi.y_center * fh);
        let (s, c) = roi.rotation.sin_cos();
        let n = INPUT as f32;
        // Output pixel (u, v) samples the frame at centre + R·((u/n − ½)·sw, (v/n − ½)·sh),
        // the same mapping as MediaPipe's corner-to-corner perspective warp.
        [
            [c * sw / n, -s * sh / n, cx - c * sw / 2.0 + s * sh / 2.0],
            [s * sw / n, c * sh / n, cy - s * sw / 2.0 - c * sh / 2.0],
        ]
    }

    /// The segmentation head's person probabilities on `roi` (row-major, square) and the
    /// frame pixel → mask pixel affine. Needs a model with the head (`pose_landmark_*.onnx`).
    pub fn mask(&mut self, rgb: &Mat, roi: &NormRect) -> Result<Option<crate::PoseMask>, PoseError> {
        let m = Self::crop_matrix(roi, rgb.cols() as f32, rgb.rows() as f32);
        self.input.fill(rgb, m, BORDER_REPLICATE, 0.0, 1.0)?;
        let input = TensorRef::from_array_view((self.input.shape(), &self.input.data[..]))?;
        let outputs = self.session.run(ort::inputs![input])?;
        let Some(seg) = outputs.get("Identity_2") else {
            return Err(PoseError::Inference("landmark model has no segmentation output Identity_2".into()));
        };
        let raw = seg.try_extract_tensor::<f32>()?.1;
        let side = (raw.len() as f64).sqrt() as usize;
        if side * side != raw.len() || side == 0 {
            return Err(PoseError::Inference("segmentation output is not square".into()));
        }
        // Logits (TensorsToSegmentationCalculator's sigmoid activation).
        let prob: Vec<f32> = raw.iter().map(|&v| sigmoid(v)).collect();
        // Invert crop → frame, then scale crop pixels (INPUT) to mask pixels (side).
        let (a, b, c, d) = (m[0][0], m[0][1], m[1][0], m[1][1]);
        let det = a * d - b * c;
        if det.abs() < 1e-12 {
            return Ok(None);
        }
        let k = side as f32 / INPUT as f32;
        let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
        let (tx, ty) = (m[0][2], m[1][2]);
        let inv = [k * ia, k * ib, -k * (ia * tx + ib * ty), k * ic, k * id, -k * (ic * tx + id * ty)];
        Ok(Some(crate::PoseMask { prob, side, frame_to_mask: inv }))
    }

    /// Runs the model on `roi` of an RGB frame. `None` when no pose is present.
    pub fn run(&mut self, rgb: &Mat, roi: &NormRect) -> Result<Option<LandmarkOutput>, PoseError> {
        self.tend_lone();
        let m = Self::crop_matrix(roi, rgb.cols() as f32, rgb.rows() as f32);
        let (s, c) = roi.rotation.sin_cos();
        let n = INPUT as f32;
        self.input.fill(rgb, m, BORDER_REPLICATE, 0.0, 1.0)?;
        let input = TensorRef::from_array_view((self.input.shape(), &self.input.data[..]))?;
        let (i, explored) = if matches!(self.lone, Lone::Ready(_)) { self.choice.pick() } else { (0, false) };
        let session = match (i, &mut self.lone) {
            (1, Lone::Ready(lone)) => lone,
            _ => &mut self.session,
        };
        let started = std::time::Instant::now();
        let outputs = session.run(ort::inputs![input])?;
        self.choice.record(i, started.elapsed().as_secs_f64() * 1000.0, explored);
        let get = |name: &str| -> Result<&[f32], PoseError> {
            Ok(outputs
                .get(name)
                .ok_or_else(|| PoseError::Inference(format!("landmark model has no output {name}")))?
                .try_extract_tensor::<f32>()?
                .1)
        };
        let flag = get("Identity_1")?.first().copied().unwrap_or(0.0);
        if flag < MIN_PRESENCE {
            return Ok(None);
        }
        let raw = get("Identity")?;
        let world_raw = get("Identity_4")?;
        if raw.len() != MODEL_LANDMARKS * 5 || world_raw.len() != MODEL_LANDMARKS * 3 {
            return Err(PoseError::Inference("landmark model outputs have unexpected sizes".into()));
        }
        let mut lms = [RawLandmark::default(); MODEL_LANDMARKS];
        for (i, lm) in lms.iter_mut().enumerate() {
            let r = &raw[i * 5..i * 5 + 5];
            *lm = RawLandmark {
                x: r[0] / n,
                y: r[1] / n,
                z: r[2] / n,
                visibility: sigmoid(r[3]),
                presence: sigmoid(r[4]),
            };
        }
        if self.has_heatmap {
            let hm = get("Identity_3")?;
            let side = ((hm.len() / MODEL_LANDMARKS) as f64).sqrt() as usize;
            if side * side * MODEL_LANDMARKS == hm.len() {
                refine(&mut lms, hm, side, side);
            }
        }
        // Project from the ROI to the frame (LandmarkProjectionCalculator).
        for lm in lms.iter_mut() {
            let (x, y) = roi.project(lm.x, lm.y);
            lm.x = x;
            lm.y = y;
            lm.z *= roi.width;
        }
        let mut world = [[0.0f32; 3]; MODEL_LANDMARKS];
        for (i, w) in world.iter_mut().enumerate() {
            let (x, y, z) = (world_raw[i * 3], world_raw[i * 3 + 1], world_raw[i * 3 + 2]);
            *w = [c * x - s * y, s * x + c * y, z];
        }
        Ok(Some(LandmarkOutput { presence_score: flag, landmarks: lms, world }))
    }
}
