//! The annotated video: every input frame, with the overlay, H.264 when OpenCV's FFmpeg can
//! encode it, MPEG-4 Part 2 otherwise.

use std::path::Path;

use opencv::core::{Mat, Size};
use opencv::prelude::*;
use opencv::videoio::{VideoWriter, CAP_FFMPEG};

use crate::ReportError;

const H264: (&str, [char; 4]) = ("H.264", ['a', 'v', 'c', '1']);
const MPEG4: (&str, [char; 4]) = ("MPEG-4", ['m', 'p', '4', 'v']);

pub struct AnnotatedWriter {
    writer: VideoWriter,
    pub codec: &'static str,
    pub frames: u64,
}

impl AnnotatedWriter {
    pub fn create(path: &Path, fps: f64, width: u32, height: u32) -> Result<Self, ReportError> {
        Self::create_with(path, fps, width, height, &[H264, MPEG4])
    }

    /// MPEG-4 Part 2 first: several times cheaper to encode than H.264, for recording live
    /// while inference needs the CPU.
    pub fn create_fast(path: &Path, fps: f64, width: u32, height: u32) -> Result<Self, ReportError> {
        Self::create_with(path, fps, width, height, &[MPEG4, H264])
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
                    return Ok(Self { writer: w, codec, frames: 0 });
                }
            }
        }
        Err(ReportError::Image(format!("cannot create a video writer for {name}")))
    }

    /// Appends one BGR frame.
    pub fn write(&mut self, bgr: &Mat) -> Result<(), ReportError> {
        self.writer.write(bgr)?;
        self.frames += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<u64, ReportError> {
        self.writer.release()?;
        Ok(self.frames)
    }
}
