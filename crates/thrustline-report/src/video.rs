//! The annotated video: every input frame, with the overlay, H.264 when OpenCV's FFmpeg can
//! encode it, MPEG-4 Part 2 otherwise.

use std::path::Path;

use opencv::core::{Mat, Size};
use opencv::prelude::*;
use opencv::videoio::{VideoWriter, CAP_FFMPEG};

use crate::ReportError;

pub struct AnnotatedWriter {
    writer: VideoWriter,
    pub codec: &'static str,
    pub frames: u64,
}

impl AnnotatedWriter {
    pub fn create(path: &Path, fps: f64, width: u32, height: u32) -> Result<Self, ReportError> {
        let name = path.to_string_lossy();
        for (codec, cc) in [("H.264", ['a', 'v', 'c', '1']), ("MPEG-4", ['m', 'p', '4', 'v'])] {
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
