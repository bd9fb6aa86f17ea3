//! Video sources as timestamped RGB frames: files through FFmpeg's libraries (`libav`: the
//! stream's own colour matrix), cameras and streams through OpenCV's `VideoCapture`.
//! Timestamps come from the frames' stamps, falling back to index / fps where they are 0 or do
//! not increase.

mod bars;
mod libav;

pub use bars::Content;

use std::path::Path;

use opencv::core::Mat;
use opencv::imgproc;
use opencv::prelude::*;
use opencv::videoio::{self, VideoCapture};

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{0}: no such file")]
    NotFound(String),
    #[error("{0}: is a folder, not a video (give the video files in it)")]
    Folder(String),
    #[error("{0}: cannot be opened as a video (unreadable, truncated or not a video)")]
    Unreadable(String),
    #[error("{0}: contains no decodable frames")]
    NoFrames(String),
    #[error("camera {0} cannot be opened{1}")]
    Camera(String, String),
    #[error("cannot decode {0}")]
    Decode(String),
    #[error("{0}: a live source cannot seek")]
    NotSeekable(String),
    #[error("frame format: {0}")]
    Format(String),
    #[error("video error: {0}")]
    OpenCv(String),
    #[error("{0}: frame {1} is stamped {2:.0} s after the start, past a day: its timestamps are broken (re-encode it, e.g. ffmpeg -i IN -c:v libx264 OUT.mp4)")]
    BadTimestamp(String, u64, f64),
}

/// Latest frame time a source may give, ms: a day, the longest recording a session holds
/// (`thrustline_report::session::MAX_DURATION_S`); a later stamp is a broken container, and
/// would drive every loop that spans the session's time.
pub const MAX_STREAM_MS: f64 = 86_400_000.0;

impl From<opencv::Error> for CaptureError {
    fn from(e: opencv::Error) -> Self {
        CaptureError::OpenCv(e.message)
    }
}

/// 8-bit, 3-channel RGB pixels: what every source decodes to and every stage reads. The
/// type holds its invariant, so the stages need not check the pixel format again.
#[derive(Debug)]
pub struct RgbImage(Mat);

impl RgbImage {
    /// Wraps pixels already in RGB order; anything but a non-empty 8-bit 3-channel image is
    /// refused.
    pub fn from_rgb_mat(rgb: Mat) -> Result<Self, CaptureError> {
        if rgb.typ() != opencv::core::CV_8UC3 || rgb.empty() {
            return Err(CaptureError::Format(format!(
                "expected a non-empty 8-bit 3-channel image, got type {} of {}x{}",
                rgb.typ(),
                rgb.cols(),
                rgb.rows()
            )));
        }
        Ok(Self(rgb))
    }

    /// Converts OpenCV's BGR order (what `imread` and `VideoCapture` give) to RGB.
    pub fn from_bgr(bgr: &Mat) -> Result<Self, CaptureError> {
        let mut rgb = Mat::default();
        imgproc::cvt_color_def(bgr, &mut rgb, imgproc::COLOR_BGR2RGB)?;
        Self::from_rgb_mat(rgb)
    }

    pub fn width(&self) -> u32 {
        self.0.cols() as u32
    }

    pub fn height(&self) -> u32 {
        self.0.rows() as u32
    }

    /// Mean luma, 0–255 (Rec. 601 weights): how bright the scene is.
    pub fn mean_luma(&self) -> Result<f32, CaptureError> {
        self.mean_luma_in(None)
    }

    /// The rows and columns holding anything brighter than a video's black bars; `None` for a
    /// black frame.
    pub fn content_box(&self) -> Result<Option<Content>, CaptureError> {
        bars::content_box(&self.0)
    }

    /// [`Self::mean_luma`] over `content` alone (the picture inside a video's black bars).
    pub fn mean_luma_in(&self, content: Option<Content>) -> Result<f32, CaptureError> {
        let m = match content {
            Some(c) => opencv::core::mean(&Mat::roi(&self.0, c.rect())?, &opencv::core::no_array())?,
            None => opencv::core::mean(&self.0, &opencv::core::no_array())?,
        };
        Ok((0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2]) as f32)
    }

    /// The pixels as an OpenCV matrix, for imgproc and the model's crop.
    pub fn mat(&self) -> &Mat {
        &self.0
    }
}

/// One decoded frame.
#[derive(Debug)]
pub struct Frame {
    pub rgb: RgbImage,
    /// Milliseconds since the start, strictly increasing.
    pub t_ms: f64,
    pub index: u64,
}

/// What a source says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// Frame count the container declares (0 when unknown, as for cameras).
    pub frame_count: u64,
    /// When the recording was made (Unix seconds): the container's `creation_time`, else the
    /// file's modification time; `None` for cameras and streams.
    pub recorded_unix_s: Option<i64>,
    /// The picture inside black bars (a letterboxed or pillarboxed file), upright; `None`
    /// when the picture fills the frame, and for cameras and streams.
    pub content: Option<Content>,
}

/// Frames a file's start is probed over for black bars: a second, past black frames.
const PROBE_FRAMES: u64 = 30;
/// Frames with a picture the bars must agree on: the first few, as each probed frame is a
/// decode added to the start-up (three left it unchanged within the noise: capture README; a
/// fade from black, whose picture grows frame by frame, disagrees and is left whole).
const PROBE_PICTURES: usize = 3;

/// A file's modification time, Unix seconds.
fn modified_unix_s(path: &Path) -> Option<i64> {
    let m = std::fs::metadata(path).ok()?.modified().ok()?;
    m.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// Frame rate assumed when a source reports none.
const FALLBACK_FPS: f64 = 30.0;

/// Where frames come from: a camera, a stream or a file ([`VideoSource`]: FFmpeg's libraries
/// for files, OpenCV's `VideoCapture` for the rest). Live and offline read frames in order;
/// review also seeks.
pub trait FrameSource: Send {
    fn info(&self) -> &SourceInfo;
    /// Decodes the next frame; `None` at the end of the stream.
    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError>;
    /// Moves so that the next frame is number `index` (from 0). Only files can.
    fn seek(&mut self, index: u64) -> Result<(), CaptureError>;
}

/// What decodes: FFmpeg's libraries for files (the stream's colour matrix honoured, see
/// `libav`), OpenCV for cameras and network streams.
enum Backend {
    OpenCv(VideoCapture),
    Libav(Box<libav::FileDecoder>),
}

pub struct VideoSource {
    backend: Backend,
    info: SourceInfo,
    bgr: Mat,
    /// The frame turned upright, when the container asks for a rotation.
    upright: Mat,
    rotation: Rotation,
    index: u64,
    last_t: f64,
}

/// Where frames come from, parsed from the command line's SOURCE.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceSpec {
    /// A camera by index (`0`, `1`…).
    Camera(i32),
    /// A capture device by path (`/dev/video2`).
    Device(String),
    /// A network stream (`rtsp://…`, `http://…`).
    Url(String),
    /// A recorded video, played at its own frame rate by the live app.
    File(std::path::PathBuf),
}

impl SourceSpec {
    pub fn parse(s: &str) -> Self {
        let t = s.trim();
        if let Ok(i) = t.parse::<i32>() {
            SourceSpec::Camera(i)
        } else if t.contains("://") {
            SourceSpec::Url(t.to_string())
        } else if t.starts_with("/dev/") {
            SourceSpec::Device(t.to_string())
        } else {
            SourceSpec::File(t.into())
        }
    }

    pub fn is_file(&self) -> bool {
        matches!(self, SourceSpec::File(_))
    }
}

impl std::fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceSpec::Camera(i) => write!(f, "camera {i}"),
            SourceSpec::Device(d) => write!(f, "{d}"),
            SourceSpec::Url(u) => write!(f, "{u}"),
            SourceSpec::File(p) => write!(f, "{}", p.display()),
        }
    }
}

impl VideoSource {
    /// Opens any source.
    pub fn open(spec: &SourceSpec) -> Result<Self, CaptureError> {
        match spec {
            SourceSpec::Camera(i) => Self::open_camera(*i),
            SourceSpec::File(p) => Self::open_file(p),
            SourceSpec::Device(d) => {
                if !Path::new(d).exists() {
                    return Err(CaptureError::Camera(d.clone(), camera_hint()));
                }
                quiet_backends();
                let mut cap = VideoCapture::from_file(d, videoio::CAP_V4L2)
                    .map_err(|e| CaptureError::Camera(d.clone(), format!(": {}", e.message)))?;
                if !cap.is_opened().unwrap_or(false) {
                    return Err(CaptureError::Camera(d.clone(), camera_hint()));
                }
                let _ = cap.set(videoio::CAP_PROP_BUFFERSIZE, 1.0);
                Self::from_capture(cap, d.clone())
            }
            SourceSpec::Url(u) => {
                let (cap, rotation) = open_upright(u).ok_or_else(|| CaptureError::Unreadable(u.clone()))?;
                let mut s = Self::from_capture(cap, u.clone())?;
                s.rotation = rotation;
                if rotation.swaps_sides() {
                    std::mem::swap(&mut s.info.width, &mut s.info.height);
                }
                Ok(s)
            }
        }
    }

    /// Opens a video file, upright as players show it (its display rotation applied), with
    /// the picture inside any black bars in [`SourceInfo::content`].
    pub fn open_file(path: &Path) -> Result<Self, CaptureError> {
        let mut s = Self::open_file_frames(path)?;
        // A second decoder reads the first moments, so the frames handed out start at the first.
        s.info.content = Self::open_file_frames(path).ok().and_then(|mut probe| probe.letterbox());
        Ok(s)
    }

    /// The picture inside black bars, from the first [`PROBE_FRAMES`] frames (`None` on any
    /// doubt: bars that disagree, a decoding error, no picture at all).
    fn letterbox(&mut self) -> Option<Content> {
        let mut boxes = Vec::with_capacity(PROBE_PICTURES);
        for _ in 0..PROBE_FRAMES {
            let f = self.next_frame().ok()??;
            if let Some(b) = f.rgb.content_box().ok()? {
                boxes.push(b);
            }
            if boxes.len() == PROBE_PICTURES {
                break;
            }
        }
        bars::letterbox(self.info.width, self.info.height, &boxes)
    }

    fn open_file_frames(path: &Path) -> Result<Self, CaptureError> {
        let name = path.display().to_string();
        if path.is_dir() {
            return Err(CaptureError::Folder(name));
        }
        if !path.is_file() {
            return Err(CaptureError::NotFound(name));
        }
        let d = libav::FileDecoder::open(path, &name)?;
        let (width, height) =
            if d.rotation.swaps_sides() { (d.height, d.width) } else { (d.width, d.height) };
        Ok(Self {
            info: SourceInfo {
                name,
                width,
                height,
                fps: d.fps,
                frame_count: d.frame_count,
                recorded_unix_s: d.created_unix_s.or_else(|| modified_unix_s(path)),
                content: None,
            },
            bgr: Mat::default(),
            upright: Mat::default(),
            rotation: d.rotation,
            index: 0,
            last_t: f64::NEG_INFINITY,
            backend: Backend::Libav(Box::new(d)),
        })
    }

    /// Opens a camera by index, with a one-frame driver buffer so frames are fresh.
    pub fn open_camera(index: i32) -> Result<Self, CaptureError> {
        quiet_backends();
        let cap = VideoCapture::new(index, videoio::CAP_V4L2)
            .map_err(|e| CaptureError::Camera(index.to_string(), format!(": {}", e.message)))?;
        if !cap.is_opened().unwrap_or(false) {
            return Err(CaptureError::Camera(index.to_string(), camera_hint()));
        }
        let mut cap = cap;
        let _ = cap.set(videoio::CAP_PROP_BUFFERSIZE, 1.0);
        Self::from_capture(cap, format!("camera {index}"))
    }

    fn from_capture(cap: VideoCapture, name: String) -> Result<Self, CaptureError> {
        let fps = cap.get(videoio::CAP_PROP_FPS).unwrap_or(0.0);
        let info = SourceInfo {
            width: cap.get(videoio::CAP_PROP_FRAME_WIDTH).unwrap_or(0.0) as u32,
            height: cap.get(videoio::CAP_PROP_FRAME_HEIGHT).unwrap_or(0.0) as u32,
            fps: if fps.is_finite() && fps > 0.0 { fps } else { FALLBACK_FPS },
            frame_count: cap.get(videoio::CAP_PROP_FRAME_COUNT).unwrap_or(0.0).max(0.0) as u64,
            recorded_unix_s: None,
            content: None,
            name,
        };
        Ok(Self {
            backend: Backend::OpenCv(cap),
            info,
            bgr: Mat::default(),
            upright: Mat::default(),
            rotation: Rotation::None,
            index: 0,
            last_t: f64::NEG_INFINITY,
        })
    }

    pub fn info(&self) -> &SourceInfo {
        &self.info
    }

    /// Moves so that the next frame is number `index` (files only).
    pub fn seek(&mut self, index: u64) -> Result<(), CaptureError> {
        // Files (FFmpeg's decoder) seek; cameras and streams do not.
        if matches!(self.backend, Backend::OpenCv(_)) {
            return Err(CaptureError::NotSeekable(self.info.name.clone()));
        }
        if index != self.index {
            match &mut self.backend {
                Backend::OpenCv(cap) => {
                    cap.set(videoio::CAP_PROP_POS_FRAMES, index as f64)?;
                }
                Backend::Libav(d) => d.seek(index, &self.info.name)?,
            }
            self.index = index;
            // Times restart from the new position.
            self.last_t = f64::NEG_INFINITY;
        }
        Ok(())
    }

    /// Decodes the next frame; `None` at the end of the stream.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        let (rgb, pos) = match &mut self.backend {
            Backend::OpenCv(cap) => {
                if !cap.read(&mut self.bgr)? || self.bgr.empty() {
                    return self.ended();
                }
                let bgr = if self.rotation == Rotation::None {
                    &self.bgr
                } else {
                    self.rotation.apply(&self.bgr, &mut self.upright)?;
                    &self.upright
                };
                (RgbImage::from_bgr(bgr)?, cap.get(videoio::CAP_PROP_POS_MSEC).unwrap_or(0.0))
            }
            Backend::Libav(d) => {
                let Some((stored, t)) = d.next(&self.info.name)? else { return self.ended() };
                let rgb = if self.rotation == Rotation::None {
                    stored
                } else {
                    let mut upright = Mat::default();
                    self.rotation.apply(&stored, &mut upright)?;
                    upright
                };
                (RgbImage::from_rgb_mat(rgb)?, t.unwrap_or(0.0))
            }
        };
        let by_index = self.index as f64 * 1000.0 / self.info.fps;
        // The container's stamp when it is usable, else index / fps.
        let t = if pos.is_finite() && pos > self.last_t && (pos > 0.0 || self.index == 0) {
            pos
        } else {
            by_index.max(self.last_t + 1e-3)
        };
        let t = if self.index == 0 { t.max(0.0) } else { t };
        if t > MAX_STREAM_MS {
            return Err(CaptureError::BadTimestamp(self.info.name.clone(), self.index, t / 1000.0));
        }
        self.last_t = t;
        let frame = Frame { rgb, t_ms: t, index: self.index };
        self.index += 1;
        if self.info.width == 0 {
            self.info.width = frame.rgb.width();
            self.info.height = frame.rgb.height();
        }
        Ok(Some(frame))
    }

    /// The end of the stream: an error when not one frame came out of it.
    fn ended(&self) -> Result<Option<Frame>, CaptureError> {
        if self.index == 0 {
            return Err(CaptureError::NoFrames(self.info.name.clone()));
        }
        Ok(None)
    }
}

impl FrameSource for VideoSource {
    fn info(&self) -> &SourceInfo {
        VideoSource::info(self)
    }
    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        VideoSource::next_frame(self)
    }
    fn seek(&mut self, index: u64) -> Result<(), CaptureError> {
        VideoSource::seek(self, index)
    }
}

/// A video's display rotation: how its stored frames must turn to stand as players show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rotation {
    None,
    Clockwise90,
    Half,
    CounterClockwise90,
}

impl Rotation {
    /// From the container's rotation as OpenCV reads it (`CAP_PROP_ORIENTATION_META`, degrees).
    pub fn from_meta_degrees(deg: f64) -> Self {
        if !deg.is_finite() {
            return Rotation::None;
        }
        match (deg.round() as i64).rem_euclid(360) {
            90 => Rotation::CounterClockwise90,
            180 => Rotation::Half,
            270 => Rotation::Clockwise90,
            _ => Rotation::None,
        }
    }

    /// Width and height trade places.
    pub fn swaps_sides(self) -> bool {
        matches!(self, Rotation::Clockwise90 | Rotation::CounterClockwise90)
    }

    /// Turns `src` upright into `dst`.
    pub fn apply(self, src: &Mat, dst: &mut Mat) -> opencv::Result<()> {
        let code = match self {
            Rotation::None => return src.copy_to(dst),
            Rotation::Clockwise90 => opencv::core::ROTATE_90_CLOCKWISE,
            Rotation::Half => opencv::core::ROTATE_180,
            Rotation::CounterClockwise90 => opencv::core::ROTATE_90_COUNTERCLOCKWISE,
        };
        opencv::core::rotate(src, dst, code)
    }
}

/// Opens a file or stream with FFmpeg and the rotation its frames need. OpenCV's own
/// auto-rotation is turned off: with the FFmpeg 5 of Debian 12 it turns a display-matrix
/// rotation of 90° the wrong way (a portrait phone clip came out upside down).
pub fn open_upright(name: &str) -> Option<(VideoCapture, Rotation)> {
    quiet_backends();
    let mut cap = VideoCapture::from_file(name, videoio::CAP_FFMPEG).ok()?;
    if !cap.is_opened().unwrap_or(false) {
        return None;
    }
    let _ = cap.set(videoio::CAP_PROP_ORIENTATION_AUTO, 0.0);
    let meta = cap.get(videoio::CAP_PROP_ORIENTATION_META).unwrap_or(0.0);
    Some((cap, Rotation::from_meta_degrees(meta)))
}

/// OpenCV and FFmpeg print their own diagnostics to stderr; the user gets our one-line
/// errors instead.
pub fn quiet_backends() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // FFmpeg's log level is read from the environment when the backend first loads.
        std::env::set_var("OPENCV_FFMPEG_LOGLEVEL", "-8");
        let _ = opencv::core::set_log_level(opencv::core::LogLevel::LOG_LEVEL_SILENT);
    });
}

/// "; cameras found: 0, 2" or ": no cameras found", for errors.
fn camera_hint() -> String {
    let found = list_cameras();
    if found.is_empty() {
        ": no cameras found".to_string()
    } else {
        format!("; cameras found: {}", found.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", "))
    }
}

/// Camera indices 0..8 that open.
pub fn list_cameras() -> Vec<i32> {
    // Probing absent devices makes OpenCV warn once per index: the caller says it in one line.
    quiet_backends();
    (0..8)
        .filter(|&i| {
            VideoCapture::new(i, videoio::CAP_V4L2).map(|c| c.is_opened().unwrap_or(false)).unwrap_or(false)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_specs() {
        assert_eq!(SourceSpec::parse("0"), SourceSpec::Camera(0));
        assert_eq!(SourceSpec::parse("/dev/video2"), SourceSpec::Device("/dev/video2".into()));
        assert_eq!(SourceSpec::parse("rtsp://cam/1"), SourceSpec::Url("rtsp://cam/1".into()));
        assert_eq!(SourceSpec::parse("a.mp4"), SourceSpec::File("a.mp4".into()));
    }

    #[test]
    fn missing_camera_says_which_exist() {
        let e = VideoSource::open(&SourceSpec::Camera(7)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("camera 7 cannot be opened"), "{e}");
        assert!(e.contains("cameras found") || e.contains("no cameras found"), "{e}");
    }
}
