//! Thrustline's pose stage: MediaPipe BlazePose's `pose_landmark_cpu` graph on ONNX Runtime.
//!
//! detect (only when not tracking) → ROI → rotated crop → 39 landmarks → heatmap refinement →
//! projection → next ROI from the smoothed auxiliary landmarks → one-euro smoothing.

pub mod anchors;
pub mod detector;
pub mod error;
pub mod filter;
pub mod landmarker;
pub mod models;
pub mod person;
pub mod roi;
pub mod runtime;
pub mod tensor;
pub mod threads;

use std::path::PathBuf;

pub use thrustline_capture::RgbImage;
use thrustline_core::{Landmark, PoseObservation, NUM_LANDMARKS};

pub use detector::Detection;
pub use error::PoseError;
pub use person::Person;
pub use roi::NormRect;

use filter::{LandmarkSmoother, VisibilitySmoother};
use landmarker::{LandmarkOutput, Landmarker};

/// Inference threads per model unless told otherwise: a pool of two, fastest on free cores
/// (`threads`; under load the landmark model also runs on one).
pub const DEFAULT_THREADS: usize = 2;

/// Landmark model size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    Lite,
    Full,
    Heavy,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Lite => "lite",
            ModelKind::Full => "full",
            ModelKind::Heavy => "heavy",
        }
    }

    /// MediaPipe's `model_complexity` for this model.
    pub fn complexity(self) -> u8 {
        match self {
            ModelKind::Lite => 0,
            ModelKind::Full => 1,
            ModelKind::Heavy => 2,
        }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lite" => Ok(ModelKind::Lite),
            "full" => Ok(ModelKind::Full),
            "heavy" => Ok(ModelKind::Heavy),
            other => Err(format!("unknown model '{other}' (expected lite, full or heavy)")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PoseConfig {
    pub model: ModelKind,
    /// One-euro smoothing of the output landmarks (MediaPipe's `smooth_landmarks`).
    pub smooth: bool,
    pub models_dir: PathBuf,
    /// ONNX Runtime intra-op threads per session.
    pub threads: usize,
    /// Whether idle inference threads spin: lowest latency live, but a spinning thread takes
    /// the core that other stages of an offline run need.
    pub spin: bool,
    /// Whom to track when several people are in view.
    pub person: Person,
    /// Diagnostic, 0 in use: every ROI the detector seeds is scaled by `1 + nudge_roi` and
    /// turned by `nudge_roi` radians. A nudge of 1e-7 is the size of the last-digit difference
    /// between two inference runtimes; what it does to a clip's landmarks is the floor under
    /// any comparison with MediaPipe that does not share TFLite's arithmetic.
    pub nudge_roi: f32,
}

impl Default for PoseConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::Full,
            smooth: true,
            models_dir: runtime::models_dir(),
            threads: DEFAULT_THREADS,
            spin: true,
            person: Person::Auto,
            nudge_roi: 0.0,
        }
    }
}

impl PoseConfig {
    pub fn detector_path(&self) -> PathBuf {
        self.models_dir.join(runtime::DETECTOR)
    }

    /// The model with every head, for the segmentation mask on chosen frames.
    pub fn segmentation_path(&self) -> PathBuf {
        self.models_dir.join(format!("pose_landmark_{}.onnx", self.model.name()))
    }

    /// The per-frame landmark model: without the segmentation head, with the heatmap.
    pub fn landmark_path(&self) -> PathBuf {
        self.models_dir.join(format!("pose_landmark_{}_noseg.onnx", self.model.name()))
    }
}

/// The pose stage's output for one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseFrame {
    /// Landmarks normalized to the frame; visibility from the model (smoothed when enabled).
    pub landmarks: [Landmark; NUM_LANDMARKS],
    /// Presence per landmark.
    pub presence: [f32; NUM_LANDMARKS],
    /// World landmarks in metres, hip-centred.
    pub world: [Landmark; NUM_LANDMARKS],
    /// The ROI the landmarks were found in.
    pub roi: NormRect,
    /// Pose presence score from the landmark model.
    pub score: f32,
    /// Whether the detector ran on this frame (tracking was lost or just started).
    pub detected: bool,
}

impl PoseFrame {
    pub fn observation(&self) -> PoseObservation {
        PoseObservation { landmarks: self.landmarks, world: Some(self.world) }
    }
}

/// The whole pose pipeline with its tracking state. One per video stream; owns its sessions.
pub struct PoseTracker {
    cfg: PoseConfig,
    detector: detector::Detector,
    landmarker: Landmarker,
    prev_roi: Option<NormRect>,
    /// Where the tracked lifter was last posed (kept through a lost track, for re-detection).
    lifter: Option<person::Lifter>,
    smoother: LandmarkSmoother<NUM_LANDMARKS>,
    world_smoother: LandmarkSmoother<NUM_LANDMARKS>,
    visibility: VisibilitySmoother<NUM_LANDMARKS>,
    aux_smoother: LandmarkSmoother<2>,
    /// The model with the segmentation head, loaded on first use.
    segmenter: Option<Landmarker>,
}

/// A person mask for one frame: probabilities on a square grid and where it sits.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseMask {
    pub prob: Vec<f32>,
    pub side: usize,
    /// Frame pixel → mask pixel affine (see `thrustline_core::SegmentationMask`).
    pub frame_to_mask: [f32; 6],
}

impl PoseMask {
    pub fn view(&self) -> thrustline_core::SegmentationMask<'_> {
        thrustline_core::SegmentationMask {
            width: self.side,
            height: self.side,
            prob: &self.prob,
            frame_to_mask: self.frame_to_mask,
        }
    }
}

impl PoseTracker {
    pub fn new(cfg: PoseConfig) -> Result<Self, PoseError> {
        let heavy_hint = if cfg.model == ModelKind::Heavy {
            " (the heavy model is not bundled: run `python3 models/convert.py --src DIR --out models/ --heavy` as models/README.md describes)"
                .to_string()
        } else {
            " (models/ ships with the repository; set THRUSTLINE_MODELS to another folder)".to_string()
        };
        // Read over the models' loading, so that the first frame already knows the load.
        let load = (cfg.threads > 1).then(threads::OtherLoad::new).flatten();
        // ONNX Runtime loads and optimizes the two models side by side: start-up weighs on
        // short clips.
        let (det, lm) = std::thread::scope(|s| {
            let det = s.spawn(|| {
                runtime::session(&cfg.detector_path(), cfg.threads, cfg.spin, "")
                    .and_then(|d| runtime::warm_up(d, detector::INPUT_SIDE))
            });
            let lm = runtime::session(&cfg.landmark_path(), cfg.threads, cfg.spin, &heavy_hint)
                .and_then(|l| runtime::warm_up(l, landmarker::INPUT_SIDE));
            let failed = || Err(PoseError::Inference("the model loading thread failed".into()));
            (det.join().unwrap_or_else(|_| failed()), lm)
        });
        let (det, lm) = (det?, lm?);
        let mut landmarker = Landmarker::new(lm)?;
        // With a pool, the landmark model also runs on one thread under load ([`threads`]).
        if cfg.threads > 1 {
            landmarker = landmarker.with_lone(cfg.landmark_path(), heavy_hint, load);
        }
        Ok(Self {
            detector: detector::Detector::new(det)?,
            landmarker,
            prev_roi: None,
            lifter: None,
            smoother: LandmarkSmoother::new(filter::LANDMARKS),
            world_smoother: LandmarkSmoother::new(filter::WORLD),
            visibility: VisibilitySmoother::default(),
            aux_smoother: LandmarkSmoother::new(filter::AUXILIARY),
            segmenter: None,
            cfg,
        })
    }

    /// The person mask on a frame's ROI (the segmentation head of the same landmark model).
    /// Costs one more landmark-model run; meant for the frames that need it (top of a rep).
    pub fn mask(&mut self, rgb: &RgbImage, roi: &NormRect) -> Result<Option<PoseMask>, PoseError> {
        if self.segmenter.is_none() {
            let s = runtime::session(&self.cfg.segmentation_path(), self.cfg.threads, self.cfg.spin, "")?;
            self.segmenter = Some(Landmarker::new(s)?);
        }
        let Some(seg) = self.segmenter.as_mut() else { return Ok(None) };
        seg.mask(rgb.mat(), roi)
    }

    /// Landmark-model runs on the `threads`-thread session and on the one-thread session.
    pub fn landmark_runs(&self) -> [u64; 2] {
        self.landmarker.runs()
    }

    pub fn config(&self) -> &PoseConfig {
        &self.cfg
    }

    /// Tracks someone else from the next frame: `person` picks them among those detected.
    pub fn set_person(&mut self, person: Person) {
        self.cfg.person = person;
        self.lifter = None;
        self.reset();
    }

    /// A new video: forgets the lifter as well as the track. The lifter's memory is in the
    /// old video's time and place; kept, it made the next video's first detection "another
    /// person" (and in auto mode passed over someone standing).
    pub fn start_over(&mut self) {
        self.lifter = None;
        self.reset();
    }

    /// Loses the track (the lifter is remembered a moment for re-detection): the next frame
    /// runs the detector.
    pub fn reset(&mut self) {
        self.prev_roi = None;
        self.smoother.reset();
        self.world_smoother.reset();
        self.visibility.reset();
        self.aux_smoother.reset();
    }

    /// Runs one RGB frame taken at `t_ms`.
    pub fn process(&mut self, image: &RgbImage, t_ms: f64) -> Result<Option<PoseFrame>, PoseError> {
        let rgb = image.mat();
        let (w, h) = (image.width(), image.height());
        let t_s = t_ms / 1000.0;
        let (roi, detected) = match self.prev_roi.take() {
            Some(r) => (r, false),
            None => {
                // Left, right or a point: everyone must be found to pick among them. Auto with
                // nobody lying in view (a coach standing near the camera, the lifter small
                // behind): a closer look for the lifter too. Otherwise the whole frame alone,
                // where a person MediaPipe would not find is not found either.
                let mut people = self.detector.detect_all(rgb)?;
                let lying = people.iter().any(|d| d.lying(w, h) >= person::LYING_SHARE);
                if self.cfg.person != Person::Auto || !lying {
                    self.detector.look_closer(rgb, &mut people)?;
                }
                match person::choose(&people, self.cfg.person, self.lifter.as_ref(), w, h, t_s) {
                    person::Choice::Track { detection, switched } => {
                        if switched {
                            tracing::warn!(
                                "at {:.1} s: the person tracked before is gone; now tracking another",
                                t_s
                            );
                        }
                        (roi::nudged(detection.roi(w, h), self.cfg.nudge_roi), true)
                    }
                    person::Choice::Nobody => {
                        self.reset();
                        return Ok(None);
                    }
                }
            }
        };
        let Some(out) = self.landmarker.run(rgb, &roi)? else {
            self.reset();
            return Ok(None);
        };
        let (hl, hr) = (&out.landmarks[23], &out.landmarks[24]);
        self.lifter = Some(person::Lifter {
            hip_px: ((hl.x + hr.x) / 2.0 * w as f32, (hl.y + hr.y) / 2.0 * h as f32),
            size_px: roi.width * w as f32,
            t_s,
        });
        // Object scale for smoothing: the unexpanded box of the raw auxiliary points, twice
        // the distance between them (pose_landmark_filtering.pbtxt's OBJECT_SCALE_ROI).
        let (wf, hf) = (w as f32, h as f32);
        let (a0, a1) = (&out.landmarks[33], &out.landmarks[34]);
        let scale = 2.0 * ((a1.x - a0.x) * wf).hypot((a1.y - a0.y) * hf);
        self.prev_roi = Some(self.next_roi(&out, t_s, scale, w, h));
        Ok(Some(self.finish(out, roi, detected, t_s, scale, (w, h))))
    }

    /// ROI for the next frame from the (always smoothed) auxiliary landmarks 33 and 34.
    fn next_roi(&mut self, out: &LandmarkOutput, t_s: f64, scale: f32, w: u32, h: u32) -> NormRect {
        let (wf, hf) = (w as f32, h as f32);
        let mut aux = [[0.0f32; 3]; 2];
        for (a, lm) in aux.iter_mut().zip(&out.landmarks[33..35]) {
            *a = [lm.x * wf, lm.y * hf, lm.z * wf];
        }
        self.aux_smoother.apply(t_s, Some(scale), &mut aux);
        roi::from_alignment_points((aux[0][0] / wf, aux[0][1] / hf), (aux[1][0] / wf, aux[1][1] / hf), w, h)
    }

    fn finish(
        &mut self,
        out: LandmarkOutput,
        roi: NormRect,
        detected: bool,
        t_s: f64,
        scale: f32,
        (w, h): (u32, u32),
    ) -> PoseFrame {
        let (wf, hf) = (w as f32, h as f32);
        let mut pts = [[0.0f32; 3]; NUM_LANDMARKS];
        let mut vis = [0.0f32; NUM_LANDMARKS];
        let mut presence = [0.0f32; NUM_LANDMARKS];
        let mut world = [[0.0f32; 3]; NUM_LANDMARKS];
        for i in 0..NUM_LANDMARKS {
            let lm = &out.landmarks[i];
            pts[i] = [lm.x * wf, lm.y * hf, lm.z * wf];
            vis[i] = lm.visibility;
            presence[i] = lm.presence;
            world[i] = out.world[i];
        }
        if self.cfg.smooth {
            self.visibility.apply(&mut vis);
            self.smoother.apply(t_s, Some(scale), &mut pts);
            self.world_smoother.apply(t_s, None, &mut world);
        }
        let mut landmarks = [Landmark::default(); NUM_LANDMARKS];
        let mut world_lm = [Landmark::default(); NUM_LANDMARKS];
        for i in 0..NUM_LANDMARKS {
            landmarks[i] =
                Landmark { x: pts[i][0] / wf, y: pts[i][1] / hf, z: pts[i][2] / wf, visibility: vis[i] };
            world_lm[i] = Landmark { x: world[i][0], y: world[i][1], z: world[i][2], visibility: vis[i] };
        }
        PoseFrame { landmarks, presence, world: world_lm, roi, score: out.presence_score, detected }
    }
}
