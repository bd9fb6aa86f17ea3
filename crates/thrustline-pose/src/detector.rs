//! The BlazePose person detector: letterboxed 224×224 input, SSD decoding, weighted NMS.

use opencv::core::{Mat, BORDER_CONSTANT};
use opencv::prelude::*;
use ort::session::Session;
use ort::value::TensorRef;

use crate::anchors::{generate, Anchor, AnchorOptions};
use crate::error::PoseError;
use crate::roi::{from_alignment_points, NormRect};
use crate::tensor::InputTensor;

const INPUT: i32 = 224;
/// The input square's side, for warming the session up.
pub const INPUT_SIDE: usize = INPUT as usize;
const NUM_BOXES: usize = 2254;
const NUM_COORDS: usize = 12;
/// Box and keypoint decoding scale (tensors_to_detections options: x/y/w/h_scale 224).
const COORD_SCALE: f32 = 224.0;
/// Raw scores are clipped to ±100 before the sigmoid (score_clipping_thresh).
const SCORE_CLIP: f32 = 100.0;
/// Minimum detection score: MediaPipe Pose's default min_detection_confidence.
pub const MIN_DETECTION_SCORE: f32 = 0.5;
/// Weighted NMS merges boxes overlapping more than this IoU (min_suppression_threshold).
const NMS_IOU: f32 = 0.3;

/// A decoded detection, normalized to the frame: box and 4 keypoints (hip centre, full-body
/// scale point, shoulder centre, upper-body scale point).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    pub score: f32,
    pub xmin: f32,
    pub ymin: f32,
    pub width: f32,
    pub height: f32,
    pub keypoints: [(f32, f32); 4],
}

impl Detection {
    /// The landmark model's ROI for this detection (pose_detection_to_roi.pbtxt).
    pub fn roi(&self, w: u32, h: u32) -> NormRect {
        from_alignment_points(self.keypoints[0], self.keypoints[1], w, h)
    }
}

pub struct Detector {
    session: Session,
    anchors: Vec<Anchor>,
    input: InputTensor,
    candidates: Vec<Detection>,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn iou(a: &Detection, b: &Detection) -> f32 {
    let ix = (a.xmin + a.width).min(b.xmin + b.width) - a.xmin.max(b.xmin);
    let iy = (a.ymin + a.height).min(b.ymin + b.height) - a.ymin.max(b.ymin);
    if ix <= 0.0 || iy <= 0.0 {
        return 0.0;
    }
    let inter = ix * iy;
    let union = a.width * a.height + b.width * b.height - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// MediaPipe's WEIGHTED non-max suppression over one cluster: the best remaining detection
/// with the boxes overlapping it averaged in by score; the cluster is removed from `dets`.
fn merge_best(dets: &mut Vec<Detection>) -> Option<Detection> {
    let top = *dets.first()?;
    let (mut total, mut acc) = (0.0f32, [0.0f32; 12]);
    for d in dets.iter().filter(|d| iou(&top, d) > NMS_IOU) {
        total += d.score;
        let vals = [
            d.xmin,
            d.ymin,
            d.xmin + d.width,
            d.ymin + d.height,
            d.keypoints[0].0,
            d.keypoints[0].1,
            d.keypoints[1].0,
            d.keypoints[1].1,
            d.keypoints[2].0,
            d.keypoints[2].1,
            d.keypoints[3].0,
            d.keypoints[3].1,
        ];
        for (a, v) in acc.iter_mut().zip(vals) {
            *a += d.score * v;
        }
    }
    dets.retain(|d| iou(&top, d) <= NMS_IOU);
    if total <= 0.0 {
        return Some(top);
    }
    let m = acc.map(|a| a / total);
    Some(Detection {
        score: top.score,
        xmin: m[0],
        ymin: m[1],
        width: m[2] - m[0],
        height: m[3] - m[1],
        keypoints: [(m[4], m[5]), (m[6], m[7]), (m[8], m[9]), (m[10], m[11])],
    })
}

/// MediaPipe's WEIGHTED non-max suppression: every person, best score first.
pub fn weighted_nms(dets: &mut Vec<Detection>) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut people = Vec::new();
    while let Some(d) = merge_best(dets) {
        people.push(d);
    }
    people
}

impl Detection {
    /// How level the body lies, 0 (upright) to 1 (lying flat): the hip centre → full-body
    /// scale point direction's horizontal share, in pixels.
    pub fn lying(&self, w: u32, h: u32) -> f32 {
        let dx = (self.keypoints[1].0 - self.keypoints[0].0) * w as f32;
        let dy = (self.keypoints[1].1 - self.keypoints[0].1) * h as f32;
        let len = dx.hypot(dy);
        if len > 0.0 {
            dx.abs() / len
        } else {
            0.0
        }
    }

    /// Whether a point (normalized to the frame) lies in the box.
    pub fn contains(&self, x: f32, y: f32) -> bool {
        (self.xmin..=self.xmin + self.width).contains(&x)
            && (self.ymin..=self.ymin + self.height).contains(&y)
    }
}

/// A frame this much longer than wide (or wider than long) is looked at in halves too.
const HALVES_ASPECT: f32 = 1.5;
/// Each half spans this share of the long side, so a person at the middle is whole in one.
const HALF_SHARE: f32 = 0.6;

/// The two overlapping halves of a long frame along its long side, `[x, y, width, height]`.
fn halves(w: f32, h: f32) -> Vec<[f32; 4]> {
    if w >= HALVES_ASPECT * h {
        let tw = (w * HALF_SHARE).round();
        vec![[0.0, 0.0, tw, h], [w - tw, 0.0, tw, h]]
    } else if h >= HALVES_ASPECT * w {
        let th = (h * HALF_SHARE).round();
        vec![[0.0, 0.0, w, th], [0.0, h - th, w, th]]
    } else {
        Vec::new()
    }
}

impl Detector {
    pub fn new(session: Session) -> Result<Self, PoseError> {
        Ok(Self {
            session,
            anchors: generate(&AnchorOptions::pose_detection()),
            input: InputTensor::new(INPUT)?,
            candidates: Vec::with_capacity(64),
        })
    }

    /// Runs the model on the frame, or on a `tile` of it (x, y, width, height in pixels), and
    /// decodes every box over the score threshold into `candidates`, normalized to the frame.
    fn candidates(&mut self, rgb: &Mat, tile: Option<[f32; 4]>) -> Result<(), PoseError> {
        let (fw, fh) = (rgb.cols() as f32, rgb.rows() as f32);
        let [x0, y0, w, h] = tile.unwrap_or([0.0, 0.0, fw, fh]);
        // Letterbox: the region's long side fills the square input, centred, zero border.
        let side = w.max(h);
        let s = side / INPUT as f32;
        let m = [[s, 0.0, x0 + w / 2.0 - side / 2.0], [0.0, s, y0 + h / 2.0 - side / 2.0]];
        self.input.fill(rgb, m, BORDER_CONSTANT, -1.0, 1.0)?;
        let pad_x = (1.0 - w / side) / 2.0;
        let pad_y = (1.0 - h / side) / 2.0;
        let input = TensorRef::from_array_view((self.input.shape(), &self.input.data[..]))?;
        let outputs = self.session.run(ort::inputs![input])?;
        let boxes = outputs
            .get("Identity")
            .ok_or_else(|| PoseError::Inference("detector has no output Identity".into()))?
            .try_extract_tensor::<f32>()?
            .1;
        let scores = outputs
            .get("Identity_1")
            .ok_or_else(|| PoseError::Inference("detector has no output Identity_1".into()))?
            .try_extract_tensor::<f32>()?
            .1;
        if boxes.len() != NUM_BOXES * NUM_COORDS || scores.len() != NUM_BOXES {
            return Err(PoseError::Inference(format!(
                "detector outputs have {} and {} values, expected {} and {}",
                boxes.len(),
                scores.len(),
                NUM_BOXES * NUM_COORDS,
                NUM_BOXES
            )));
        }
        self.candidates.clear();
        // Undo the letterbox: map from the padded square back to the region, then the frame.
        let to_frame = |x: f32, y: f32| match tile {
            None => (x, y),
            Some(_) => ((x0 + x * w) / fw, (y0 + y * h) / fh),
        };
        let unpad =
            |x: f32, y: f32| to_frame((x - pad_x) / (1.0 - 2.0 * pad_x), (y - pad_y) / (1.0 - 2.0 * pad_y));
        let (sx, sy) = match tile {
            None => (1.0, 1.0),
            Some(_) => (w / fw, h / fh),
        };
        for (i, a) in self.anchors.iter().enumerate() {
            let score = sigmoid(scores[i].clamp(-SCORE_CLIP, SCORE_CLIP));
            if score < MIN_DETECTION_SCORE {
                continue;
            }
            let r = &boxes[i * NUM_COORDS..(i + 1) * NUM_COORDS];
            let xc = r[0] / COORD_SCALE * a.w + a.x_center;
            let yc = r[1] / COORD_SCALE * a.h + a.y_center;
            let bw = r[2] / COORD_SCALE * a.w;
            let bh = r[3] / COORD_SCALE * a.h;
            let (xmin, ymin) = unpad(xc - bw / 2.0, yc - bh / 2.0);
            let mut keypoints = [(0.0, 0.0); 4];
            for (k, kp) in keypoints.iter_mut().enumerate() {
                let kx = r[4 + 2 * k] / COORD_SCALE * a.w + a.x_center;
                let ky = r[5 + 2 * k] / COORD_SCALE * a.h + a.y_center;
                *kp = unpad(kx, ky);
            }
            self.candidates.push(Detection {
                score,
                xmin,
                ymin,
                width: bw / (1.0 - 2.0 * pad_x) * sx,
                height: bh / (1.0 - 2.0 * pad_y) * sy,
                keypoints,
            });
        }
        Ok(())
    }

    /// Every person the whole frame shows, best score first (the first is MediaPipe's pick).
    pub fn detect_all(&mut self, rgb: &Mat) -> Result<Vec<Detection>, PoseError> {
        self.candidates(rgb, None)?;
        Ok(weighted_nms(&mut self.candidates))
    }

    /// Adds to `people` those only a closer look finds. In a wide or tall frame people shrink
    /// in the detector's 224-pixel square (two lifters side by side: the second scores under
    /// 0.5), so its two overlapping halves are looked at too.
    pub fn look_closer(&mut self, rgb: &Mat, people: &mut Vec<Detection>) -> Result<(), PoseError> {
        let (w, h) = (rgb.cols() as f32, rgb.rows() as f32);
        for tile in halves(w, h) {
            self.candidates(rgb, Some(tile))?;
            for d in weighted_nms(&mut self.candidates) {
                if people.iter().all(|p| iou(p, &d) <= NMS_IOU) {
                    people.push(d);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(score: f32, x: f32) -> Detection {
        Detection { score, xmin: x, ymin: 0.0, width: 1.0, height: 1.0, keypoints: [(x, 0.0); 4] }
    }

    #[test]
    fn weighted_nms_averages_overlapping_boxes_by_score() {
        let mut d = vec![det(0.6, 0.2), det(0.9, 0.0), det(0.7, 5.0)];
        let best = weighted_nms(&mut d)[0];
        assert_eq!(best.score, 0.9);
        // The far box (x = 5) does not overlap; the other two merge: (0.9·0 + 0.6·0.2) / 1.5.
        assert!((best.xmin - 0.08).abs() < 1e-6);
        assert!((best.keypoints[0].0 - 0.08).abs() < 1e-6);
    }

    #[test]
    fn every_person_is_kept_best_first() {
        let mut d = vec![det(0.6, 0.2), det(0.9, 0.0), det(0.7, 5.0)];
        let people = weighted_nms(&mut d);
        assert_eq!(people.len(), 2);
        assert_eq!((people[0].score, people[1].score), (0.9, 0.7));
        assert!((people[1].xmin - 5.0).abs() < 1e-6);
    }

    #[test]
    fn no_candidates_no_detection() {
        assert!(weighted_nms(&mut Vec::new()).is_empty());
    }
}
