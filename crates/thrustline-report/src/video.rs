//! The annotated video: every input frame, with the overlay, in H.264 (VP9 without libx264)
//! that browsers and phones play; MPEG-4 Part 2 through OpenCV when FFmpeg has neither. Live's
//! raw recording keeps the cheap MPEG-4 first.

use std::path::Path;

use opencv::core::{Mat, Size};
use opencv::prelude::*;
use opencv::videoio::{VideoWriter, CAP_FFMPEG};

use crate::ReportError;

const H264: (&str, [char; 4]) = ("H.264", ['a', 'v', 'c', '1']);
const MPEG4: (&str, [char; 4]) = ("MPEG-4", ['m', 'p', '4', 'v']);

enum Backend {
    Web(Box<crate::h264::WebVideo>),
    OpenCv(VideoWriter),
}

/// A video's size with its longest side at most `max_side` (0: as it is), both sides even
/// (H.264 and MPEG-4 encoders need them).
pub fn even_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    let scale = if max_side > 0 && long > max_side { f64::from(max_side) / f64::from(long) } else { 1.0 };
    let even = |v: u32| ((f64::from(v) * scale / 2.0).round() as u32 * 2).max(2);
    (even(width), even(height))
}

pub struct AnnotatedWriter {
    writer: Backend,
    pub codec: &'static str,
    pub frames: u64,
}

/// Encoder threads for the web video: one, beside inference on the other core (README, Speed).
const WEB_THREADS: usize = 1;

impl AnnotatedWriter {
    /// The annotated video, for a browser: H.264 (or VP9) in MP4 with the index in front.
    pub fn create(path: &Path, fps: f64, width: u32, height: u32) -> Result<Self, ReportError> {
        let web = crate::h264::WebVideo::create(path, fps, width, height, WEB_THREADS);
        Self::web_or_opencv(web, path, fps, width, height, &[H264, MPEG4])
    }

    /// Live's raw recording: H.264 at libx264's cheapest preset on one thread (browsers and
    /// phones play it; MPEG-4 Part 2 where FFmpeg has no H.264 encoder), in Matroska by the
    /// path's extension, so a crash leaves a file that plays up to the cut.
    pub fn create_fast(path: &Path, fps: f64, width: u32, height: u32) -> Result<Self, ReportError> {
        let web = crate::h264::WebVideo::create_live(path, fps, width, height);
        Self::web_or_opencv(web, path, fps, width, height, &[MPEG4, H264])
    }

    /// FFmpeg's web encoder when it opened, else OpenCV's writer with `codecs` in that order.
    fn web_or_opencv(
        web: Result<crate::h264::WebVideo, ReportError>,
        path: &Path,
        fps: f64,
        width: u32,
        height: u32,
        codecs: &[(&'static str, [char; 4])],
    ) -> Result<Self, ReportError> {
        match web {
            Ok(w) => Ok(Self { codec: w.codec, writer: Backend::Web(Box::new(w)), frames: 0 }),
            Err(e) => {
                tracing::debug!("no web encoder ({e}); OpenCV's instead");
                let _ = std::fs::remove_file(path);
                Self::create_with(path, fps, width, height, codecs)
            }
        }
    }

    fn create_with(
        path: &Path,
        fps: f64,
        width: u32,
        height: u32,
        codecs: &[(&'static str, [char; 4])],
    ) -> Result<Self, ReportError> {
        let name = path.to_string_lossy();
        for &(codec, cc) in codecs {
            let fourcc = VideoWriter::fourcc(cc[0], cc[1], cc[2], cc[3])?;
            if let Ok(w) = VideoWriter::new_with_backend(
                &name,
                CAP_FFMPEG,
                fourcc,
                fps,
                Size::new(width as i32, height as i32),
                true,
            ) {
                if w.is_opened().unwrap_or(false) {
                    return Ok(Self { writer: Backend::OpenCv(w), codec, frames: 0 });
                }
            }
        }
        Err(ReportError::Image(format!("cannot create a video writer for {name}")))
    }

    /// Appends one BGR frame.
    pub fn write(&mut self, bgr: &Mat) -> Result<(), ReportError> {
        match &mut self.writer {
            Backend::Web(w) => w.write(bgr)?,
            Backend::OpenCv(w) => w.write(bgr)?,
        }
        self.frames += 1;
        Ok(())
    }

    /// Appends one RGB frame (the capture's own order): FFmpeg converts it to YUV in one pass,
    /// where an RGB→BGR copy first cost the live recorder as much as the conversion itself.
    pub fn write_rgb(&mut self, rgb: &Mat, scratch: &mut Mat) -> Result<(), ReportError> {
        match &mut self.writer {
            Backend::Web(w) => w.write_rgb(rgb)?,
            Backend::OpenCv(w) => {
                opencv::imgproc::cvt_color_def(rgb, scratch, opencv::imgproc::COLOR_RGB2BGR)?;
                w.write(scratch)?
            }
        }
        self.frames += 1;
        Ok(())
    }

    /// [`Self::write_rgb`] at the stream's `index`th frame (0-based, after the last written): a
    /// skipped frame leaves the one before it on screen for its time (FFmpeg's writer), or is
    /// filled by it (OpenCV's, which has no timestamps), so the video stays as long as the take.
    pub fn write_rgb_at(&mut self, rgb: &Mat, index: u64, scratch: &mut Mat) -> Result<(), ReportError> {
        match &mut self.writer {
            Backend::Web(w) => {
                w.skip_to(index);
                w.write_rgb(rgb)?;
                self.frames += 1;
            }
            Backend::OpenCv(w) => {
                opencv::imgproc::cvt_color_def(rgb, scratch, opencv::imgproc::COLOR_RGB2BGR)?;
                for _ in self.frames..=index.max(self.frames) {
                    w.write(scratch)?;
                    self.frames += 1;
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<u64, ReportError> {
        match self.writer {
            Backend::Web(w) => w.finish()?,
            Backend::OpenCv(mut w) => w.release()?,
        }
        Ok(self.frames)
    }
}
