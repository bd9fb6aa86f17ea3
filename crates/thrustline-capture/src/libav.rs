//! Video files decoded with FFmpeg's libraries directly, converted to RGB with the stream's
//! own colour matrix and range.
//!
//! Why not OpenCV's `VideoCapture` for files: the OpenCV 4.6 of Debian 12 converts every
//! stream with BT.601 coefficients. Phone and HD video is tagged BT.709, and converted as
//! BT.601 its pixels move by 1.2 levels on average (up to 17): enough to shift MediaPipe's
//! detections by about 1 % of the frame, and on two shared clips to lose or swap the tracked
//! person. Here swscale gets the stream's matrix and range, as FFmpeg's own tools and current
//! OpenCV (which made the MediaPipe references) do: the frames are bit-identical to
//! opencv-python's on the shared clips. Cameras and network streams stay on OpenCV.

use std::path::Path;
use std::sync::Once;

use ffmpeg_next as ff;
use opencv::core::{Mat, CV_8UC3};
use opencv::prelude::*;

use crate::{CaptureError, Rotation, FALLBACK_FPS};

/// What the scaler was made for; a change mid-stream (resolution, format, tags) remakes it.
#[derive(Clone, Copy, PartialEq)]
struct ScalerKey {
    format: ff::format::Pixel,
    width: u32,
    height: u32,
    space: ff::color::Space,
    range: ff::color::Range,
}

/// A swscale context that may move between threads.
struct Scaler(ff::software::scaling::Context);

// SAFETY: a swscale context has no thread affinity; this one belongs to one decoder, which one
// thread at a time uses (the decoder moves with its source into the decode thread).
unsafe impl Send for Scaler {}

pub(crate) struct FileDecoder {
    input: ff::format::context::Input,
    stream: usize,
    decoder: ff::decoder::Video,
    scaler: Option<(ScalerKey, Scaler)>,
    frame: ff::frame::Video,
    rgb: ff::frame::Video,
    /// Seconds per stream tick, and the stream's first tick.
    time_base: f64,
    start: i64,
    /// The decoder has been told the input ended.
    drained: bool,
    /// A frame decoded while seeking, to be returned next.
    pending: bool,
    pub fps: f64,
    pub frame_count: u64,
    /// The container's `creation_time`, Unix seconds.
    pub created_unix_s: Option<i64>,
    pub rotation: Rotation,
    pub width: u32,
    pub height: u32,
}

/// An FFmpeg error in the words of this crate.
fn decode_error(name: &str, e: ff::Error) -> CaptureError {
    CaptureError::Decode(format!("{name}: {e}"))
}

fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = ff::init();
        // Our one-line errors replace FFmpeg's own diagnostics.
        ff::util::log::set_level(ff::util::log::Level::Quiet);
    });
}

fn rational(r: ff::Rational) -> f64 {
    if r.denominator() == 0 {
        0.0
    } else {
        f64::from(r.numerator()) / f64::from(r.denominator())
    }
}

/// swscale's coefficient table for a stream's matrix (FFmpeg's own mapping; unspecified and
/// unknown matrices get swscale's default, BT.601).
fn sws_colorspace(space: ff::color::Space) -> i32 {
    match space {
        ff::color::Space::BT709 => ff::ffi::SWS_CS_ITU709,
        ff::color::Space::FCC => ff::ffi::SWS_CS_FCC,
        ff::color::Space::SMPTE240M => ff::ffi::SWS_CS_SMPTE240M,
        ff::color::Space::BT2020NCL | ff::color::Space::BT2020CL => ff::ffi::SWS_CS_BT2020,
        _ => ff::ffi::SWS_CS_DEFAULT,
    }
}

impl FileDecoder {
    pub fn open(path: &Path, name: &str) -> Result<Self, CaptureError> {
        init();
        let input = ff::format::input(&path).map_err(|_| CaptureError::Unreadable(name.to_string()))?;
        let stream = input
            .streams()
            .best(ff::media::Type::Video)
            .ok_or_else(|| CaptureError::Unreadable(name.to_string()))?;
        let index = stream.index();
        let mut ctx = ff::codec::context::Context::from_parameters(stream.parameters())
            .map_err(|e| decode_error(name, e))?;
        // As OpenCV did: one decoding thread per core (decoding is bit-exact whatever the count).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        ctx.set_threading(ff::threading::Config {
            kind: ff::threading::Type::Frame,
            count: threads,
            ..Default::default()
        });
        let decoder = ctx.decoder().video().map_err(|_| CaptureError::Unreadable(name.to_string()))?;
        let time_base = rational(stream.time_base());
        let start = if stream.start_time() == ff::ffi::AV_NOPTS_VALUE { 0 } else { stream.start_time() };
        // OpenCV's rule, so frame rates match the MediaPipe references: the average rate, else
        // the base rate.
        let fps = [rational(stream.avg_frame_rate()), rational(stream.rate())]
            .into_iter()
            .find(|f| f.is_finite() && *f > 0.0)
            .unwrap_or(FALLBACK_FPS);
        let duration_s = if stream.duration() > 0 {
            stream.duration() as f64 * time_base
        } else {
            input.duration().max(0) as f64 / f64::from(ff::ffi::AV_TIME_BASE)
        };
        let frame_count = if stream.frames() > 0 {
            stream.frames() as u64
        } else {
            (duration_s * fps).round().max(0.0) as u64
        };
        let rotation = stream
            .side_data()
            .find(|d| d.kind() == ff::packet::side_data::Type::DisplayMatrix)
            .filter(|d| d.data().len() >= 36)
            .map(|d| {
                // SAFETY: the display matrix is nine 32-bit integers (checked length above);
                // av_display_rotation_get only reads them.
                let deg = unsafe { ff::ffi::av_display_rotation_get(d.data().as_ptr().cast::<i32>()) };
                // The matrix's angle as OpenCV 4.6's orientation property reported it for the
                // same files (tests/rotation.rs: tags 0, 90, 180 and 270 all come upright).
                Rotation::from_meta_degrees(deg.round().rem_euclid(360.0))
            })
            .unwrap_or(Rotation::None);
        let (width, height) = (decoder.width(), decoder.height());
        // Phones and cameras stamp the recording's start (ISO 8601, UTC) in the container.
        let created_unix_s = input
            .metadata()
            .get("creation_time")
            .and_then(thrustline_core::calendar::parse_iso8601)
            .or_else(|| {
                stream.metadata().get("creation_time").and_then(thrustline_core::calendar::parse_iso8601)
            })
            .filter(|&t| t > 0);
        Ok(Self {
            created_unix_s,
            input,
            stream: index,
            decoder,
            scaler: None,
            frame: ff::frame::Video::empty(),
            rgb: ff::frame::Video::empty(),
            time_base,
            start,
            drained: false,
            pending: false,
            fps,
            frame_count,
            rotation,
            width,
            height,
        })
    }

    /// Feeds the decoder one packet of our stream (or the end of the input).
    fn feed(&mut self) -> Result<(), ff::Error> {
        loop {
            let mut packet = ff::Packet::empty();
            match packet.read(&mut self.input) {
                Ok(()) if packet.stream() == self.stream => match self.decoder.send_packet(&packet) {
                    // A damaged packet is skipped, as players do.
                    Ok(()) | Err(ff::Error::InvalidData) => return Ok(()),
                    Err(e) => return Err(e),
                },
                Ok(()) => continue,
                // The end, or a file cut short: what was read is decoded.
                Err(_) => {
                    self.drained = true;
                    return self.decoder.send_eof();
                }
            }
        }
    }

    /// Decodes the next frame into `self.frame`; false at the end.
    fn decode(&mut self) -> Result<bool, ff::Error> {
        if self.pending {
            self.pending = false;
            return Ok(true);
        }
        loop {
            match self.decoder.receive_frame(&mut self.frame) {
                Ok(()) => return Ok(true),
                Err(ff::Error::Eof) => return Ok(false),
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => {
                    if self.drained {
                        return Ok(false);
                    }
                    self.feed()?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The decoded frame's time, milliseconds from the stream's start (`None`: not stamped).
    fn frame_ms(&self) -> Option<f64> {
        self.frame.timestamp().map(|t| (t - self.start) as f64 * self.time_base * 1000.0)
    }

    /// The next frame as RGB pixels (stored orientation) and its time, or `None` at the end.
    pub fn next(&mut self, name: &str) -> Result<Option<(Mat, Option<f64>)>, CaptureError> {
        if !self.decode().map_err(|e| decode_error(name, e))? {
            return Ok(None);
        }
        let key = ScalerKey {
            format: self.frame.format(),
            width: self.frame.width(),
            height: self.frame.height(),
            space: self.frame.color_space(),
            range: self.frame.color_range(),
        };
        if self.scaler.as_ref().is_none_or(|(k, _)| *k != key) {
            self.scaler = Some((key, Scaler(scaler(key).map_err(|e| decode_error(name, e))?)));
        }
        if let Some((_, s)) = self.scaler.as_mut() {
            s.0.run(&self.frame, &mut self.rgb).map_err(|e| decode_error(name, e))?;
        }
        let (w, h) = (key.width as usize, key.height as usize);
        // SAFETY: a new continuous h × w × 3 matrix, every byte of which the rows below
        // overwrite: zeroing it first cost a whole frame's memset (2.7 MB at 720p) per frame.
        let mut mat = unsafe { Mat::new_rows_cols(h as i32, w as i32, CV_8UC3) }?;
        let stride = self.rgb.stride(0);
        let src = self.rgb.data(0);
        let dst = mat.data_bytes_mut()?;
        for (y, row) in dst.chunks_exact_mut(w * 3).enumerate() {
            row.copy_from_slice(&src[y * stride..y * stride + w * 3]);
        }
        Ok(Some((mat, self.frame_ms())))
    }

    /// Positions so that the next frame returned is number `index` (counted at the stream's
    /// frame rate from its start): seeks to the keyframe before it, then decodes forward.
    pub fn seek(&mut self, index: u64, name: &str) -> Result<(), CaptureError> {
        let target_s = index as f64 / self.fps;
        let start_s = self.start as f64 * self.time_base;
        let ts = ((target_s + start_s) * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
        self.input.seek(ts, ..ts + 1).map_err(|e| decode_error(name, e))?;
        self.decoder.flush();
        self.drained = false;
        self.pending = false;
        // Half a frame of slack: stamps are rounded to the container's ticks.
        let want_ms = (target_s - 0.5 / self.fps) * 1000.0;
        while self.decode().map_err(|e| decode_error(name, e))? {
            if self.frame_ms().is_none_or(|t| t >= want_ms) {
                self.pending = true;
                break;
            }
        }
        Ok(())
    }
}

/// swscale to packed RGB at the same size, with the stream's matrix and range: the flags and
/// colour details FFmpeg's scale filter uses by default.
fn scaler(key: ScalerKey) -> Result<ff::software::scaling::Context, ff::Error> {
    let mut s = ff::software::scaling::Context::get(
        key.format,
        key.width,
        key.height,
        ff::format::Pixel::RGB24,
        key.width,
        key.height,
        ff::software::scaling::Flags::BICUBIC,
    )?;
    // SAFETY: the context is valid (just made); the coefficient tables are swscale's statics;
    // get/set only read and write the context's own colour fields.
    unsafe {
        let c = s.as_mut_ptr();
        let (mut inv, mut src_range, mut table, mut dst_range) =
            (std::ptr::null_mut(), 0, std::ptr::null_mut(), 0);
        let (mut brightness, mut contrast, mut saturation) = (0, 0, 0);
        if ff::ffi::sws_getColorspaceDetails(
            c,
            &mut inv,
            &mut src_range,
            &mut table,
            &mut dst_range,
            &mut brightness,
            &mut contrast,
            &mut saturation,
        ) >= 0
        {
            let full = i32::from(key.range == ff::color::Range::JPEG) | src_range;
            ff::ffi::sws_setColorspaceDetails(
                c,
                ff::ffi::sws_getCoefficients(sws_colorspace(key.space)),
                full,
                table,
                dst_range,
                brightness,
                contrast,
                saturation,
            );
        }
    }
    Ok(s)
}
