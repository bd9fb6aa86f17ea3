//! What the core judges the lifter against: the picture inside a file's black bars
//! (`SourceInfo::content`), else the whole frame. Landmarks stay normalized to the frame
//! wherever they are stored or drawn (frames.jsonl, the overlay); the core alone reads them
//! against the picture, so that a foot at the picture's edge is at the edge and a lifter
//! small in a letterboxed frame is measured against the picture they fill.

use thrustline_capture::{Content, SourceInfo};
use thrustline_core::{FrameGeometry, PoseObservation, SegmentationMask};
use thrustline_pose::{PoseFrame, PoseMask};

#[derive(Clone, Copy, Debug)]
pub(crate) struct Picture {
    frame: FrameGeometry,
    content: Option<Content>,
}

impl Picture {
    pub(crate) fn of(info: &SourceInfo) -> Self {
        Self { frame: FrameGeometry { width: info.width, height: info.height }, content: info.content }
    }

    /// The bars, when there are any (for the brightness sample).
    pub(crate) fn content(&self) -> Option<Content> {
        self.content
    }

    /// Whether `f` ends the bars: anything shown in them (the video cut to a picture that
    /// fills the frame, a caption laid over a bar) makes the whole frame the picture from here.
    pub(crate) fn bars_ended(&mut self, f: &thrustline_capture::Frame) -> bool {
        let Some(c) = self.content else { return false };
        match f.rgb.content_box() {
            Ok(Some(b)) if c.holds(&b) => false,
            // A black frame says nothing; a frame that cannot be read, nothing either.
            Ok(None) | Err(_) => false,
            Ok(Some(_)) => {
                self.content = None;
                true
            }
        }
    }

    /// The geometry the core measures in: the picture's size in pixels.
    pub(crate) fn geometry(&self) -> FrameGeometry {
        match self.content {
            Some(c) => FrameGeometry { width: c.width, height: c.height },
            None => self.frame,
        }
    }

    /// The pose with its image landmarks normalized to the picture (x and y; z, which MediaPipe
    /// scales as x, with it). World landmarks are metres: unchanged.
    pub(crate) fn observation(&self, p: &PoseFrame) -> PoseObservation {
        self.in_picture(p.observation())
    }

    fn in_picture(&self, mut o: PoseObservation) -> PoseObservation {
        if let Some(c) = self.content {
            let (fw, fh) = (self.frame.width as f32, self.frame.height as f32);
            let (cw, ch) = (c.width as f32, c.height as f32);
            for l in o.landmarks.iter_mut() {
                l.x = (l.x * fw - c.x as f32) / cw;
                l.y = (l.y * fh - c.y as f32) / ch;
                l.z *= fw / cw;
            }
        }
        o
    }

    /// The segmentation mask, read from the picture's pixels (its offset in the frame added).
    pub(crate) fn mask<'a>(&self, m: &'a PoseMask) -> SegmentationMask<'a> {
        let mut v = m.view();
        if let Some(c) = self.content {
            let t = &mut v.frame_to_mask;
            let (dx, dy) = (c.x as f32, c.y as f32);
            t[2] += t[0] * dx + t[1] * dy;
            t[5] += t[3] * dx + t[4] * dy;
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thrustline_core::{Landmark, NUM_LANDMARKS};

    #[test]
    fn a_landmark_at_the_pictures_corners_reads_0_and_1() {
        let info = SourceInfo {
            name: "t".into(),
            width: 720,
            height: 1280,
            fps: 30.0,
            frame_count: 0,
            recorded_unix_s: None,
            content: Some(Content { x: 0, y: 438, width: 720, height: 405 }),
        };
        let pic = Picture::of(&info);
        assert_eq!(pic.geometry(), FrameGeometry { width: 720, height: 405 });
        let mut lm = [Landmark { x: 0.5, y: 0.5, z: 0.1, visibility: 1.0 }; NUM_LANDMARKS];
        lm[0] = Landmark { x: 0.0, y: 438.0 / 1280.0, z: 0.0, visibility: 1.0 };
        lm[1] = Landmark { x: 1.0, y: 843.0 / 1280.0, z: 0.0, visibility: 1.0 };
        let o = pic.in_picture(PoseObservation::new(lm));
        assert!((o.landmarks[0].x).abs() < 1e-6 && (o.landmarks[0].y).abs() < 1e-6);
        assert!((o.landmarks[1].x - 1.0).abs() < 1e-6 && (o.landmarks[1].y - 1.0).abs() < 1e-6);
        // The frame's middle row, 640, is 202 rows into the 405-row picture.
        assert!((o.landmarks[2].y - 202.0 / 405.0).abs() < 1e-6, "{}", o.landmarks[2].y);
        assert!((o.landmarks[2].z - 0.1).abs() < 1e-6, "as wide as the frame: z as it was");
    }
}
