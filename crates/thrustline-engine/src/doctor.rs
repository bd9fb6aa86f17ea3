//! `thrustline doctor`: what this machine has for each job, one line per check with what to do
//! when it fails. The live window shows the same checks when its camera cannot be opened.

use std::path::{Path, PathBuf};

use opencv::prelude::*;
use opencv::videoio;
use serde::Serialize;

/// Camera indices probed, as `thrustline_capture::list_cameras` does.
const CAMERA_INDICES: std::ops::Range<i32> = 0..8;
/// Decoders for the videos phones and cameras record (H.264, HEVC, VP9, MPEG-4 part 2, MJPEG).
const DECODERS: &[&str] = &["h264", "hevc", "vp9", "mpeg4", "mjpeg"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// Missing, but only a job that was not asked for needs it.
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Short name: `onnxruntime`, `model`, `camera`, `audio`, `display`, `data`, `log`, `codecs`.
    pub name: &'static str,
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do about it, when it is not ok.
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Self {
        Self { name, status: Status::Ok, detail: detail.into(), fix: None }
    }

    fn bad(name: &'static str, status: Status, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { name, status, detail: detail.into(), fix: Some(fix.into()) }
    }

    /// `ok    onnxruntime  ONNX Runtime 1.24.1 at … (OpenVINO CPU)` (and ` — fix` when not ok).
    pub fn line(&self) -> String {
        let tag = match self.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        match &self.fix {
            Some(f) => format!("{tag}  {:<11} {} — {f}", self.name, self.detail),
            None => format!("{tag}  {:<11} {}", self.name, self.detail),
        }
    }
}

/// Which jobs the checks are for: what `analyze`, `review` and `share` need always fails when
/// missing; a camera and a display fail only for `live`, and warn otherwise.
#[derive(Clone, Copy, Debug, Default)]
pub struct Needs {
    pub live: bool,
}

/// Every check, in the order a user fixes them.
pub fn run(needs: Needs) -> Vec<Check> {
    let mut v = vec![onnxruntime()];
    v.extend(models());
    v.push(codecs());
    v.push(data());
    v.push(log());
    v.extend(cameras(needs));
    v.push(display(needs));
    v.push(audio());
    v
}

/// Only the checks a live window needs, for the window that cannot open its camera.
pub fn run_live() -> Vec<Check> {
    let needs = Needs { live: true };
    let mut v = vec![onnxruntime()];
    v.extend(models());
    v.extend(cameras(needs));
    v.push(audio());
    v
}

/// Whether every check passed that the asked jobs need.
pub fn passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Fail)
}

fn onnxruntime() -> Check {
    const NAME: &str = "onnxruntime";
    let fix =
        "install the package, run `bash scripts/setup.sh` in the source tree, or pass --onnxruntime FILE";
    let path = match thrustline_pose::runtime::dylib_path() {
        Ok(p) => p,
        Err(thrustline_pose::PoseError::RuntimeMissing { searched }) => {
            return Check::bad(NAME, Status::Fail, format!("library not found (looked in {searched})"), fix)
        }
        Err(e) => return Check::bad(NAME, Status::Fail, e.to_string(), fix),
    };
    let version = match thrustline_pose::runtime::runtime_version(&path) {
        Ok(v) => v,
        Err(e) => return Check::bad(NAME, Status::Fail, format!("{}: {e}", path.display()), fix),
    };
    if let Err(e) = thrustline_pose::runtime::environment() {
        return Check::bad(NAME, Status::Fail, e.to_string(), fix);
    }
    // Which kernels run the models is known once one is loaded: the detector, the smallest.
    let detector = thrustline_pose::runtime::models_dir().join(thrustline_pose::runtime::DETECTOR);
    if detector.is_file() {
        let _ = thrustline_pose::runtime::session(&detector, 1, false, "");
    }
    let found = format!("ONNX Runtime {version} at {}", path.display());
    match thrustline_pose::runtime::backend() {
        (b, None) => Check::ok(NAME, format!("{found} ({})", b.name())),
        (_, Some(why)) => Check::bad(
            NAME,
            Status::Warn,
            format!("{found}: OpenVINO failed ({why}); the models run on ONNX Runtime's own CPU kernels, about a quarter slower"),
            "reinstall the package, or run `bash scripts/setup.sh` in the source tree (it fetches OpenVINO's libraries)",
        ),
    }
}

fn models() -> Vec<Check> {
    const NAME: &str = "model";
    let dir = thrustline_pose::runtime::models_dir();
    let fix_missing = "reinstall the package, run from the source tree, or pass --models DIR";
    let looked = thrustline_pose::runtime::models_looked_in();
    thrustline_pose::models::SHIPPED
        .iter()
        .map(|file| {
            let path = dir.join(file);
            let Some(expected) = thrustline_pose::models::expected_sha256(file) else {
                return Check::bad(NAME, Status::Fail, format!("{file}: no published hash"), fix_missing);
            };
            if !path.is_file() {
                return Check::bad(
                    NAME,
                    Status::Fail,
                    format!("{file} not found (looked in {looked})"),
                    fix_missing,
                );
            }
            match thrustline_report::session::sha256_file(&path) {
                Ok(h) if h == expected => Check::ok(NAME, format!("{} (sha256 matches)", path.display())),
                Ok(h) => Check::bad(
                    NAME,
                    Status::Fail,
                    format!(
                        "{} has sha256 {}…, not the published {}…",
                        path.display(),
                        &h[..12],
                        &expected[..12]
                    ),
                    "the file is damaged or not ours: reinstall the package or `git checkout models/`",
                ),
                Err(e) => Check::bad(NAME, Status::Fail, format!("{}: {e}", path.display()), fix_missing),
            }
        })
        .collect()
}

fn codecs() -> Check {
    const NAME: &str = "codecs";
    let missing = thrustline_report::h264::missing_decoders(DECODERS);
    let fix = "install FFmpeg's libraries with their codecs (Debian: libavcodec59)";
    match thrustline_report::h264::web_encoder() {
        None => {
            Check::bad(NAME, Status::Fail, "FFmpeg has neither libx264 nor libvpx-vp9 for annotated.mp4", fix)
        }
        Some(_) if !missing.is_empty() => {
            Check::bad(NAME, Status::Fail, format!("FFmpeg cannot decode {}", missing.join(", ")), fix)
        }
        Some(enc) => Check::ok(NAME, format!("annotated video by {enc}; decoders {}", DECODERS.join(", "))),
    }
}

/// The nearest folder that exists at or above `p`.
fn existing_ancestor(p: &Path) -> Option<&Path> {
    p.ancestors().find(|a| a.is_dir())
}

fn writable(dir: &Path) -> bool {
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: access(2) only reads the NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

fn data() -> Check {
    const NAME: &str = "data";
    let dir = thrustline_log::data_dir();
    let fix = "make it writable, or set THRUSTLINE_DATA to a folder you own";
    if dir.is_dir() {
        return if writable(&dir) {
            Check::ok(NAME, format!("{} is writable", dir.display()))
        } else {
            Check::bad(NAME, Status::Fail, format!("{} is not writable", dir.display()), fix)
        };
    }
    // A file where the folder (or one above it) should be: no session could be saved there.
    if let Some(f) = dir.ancestors().find(|a| a.exists() && !a.is_dir()) {
        let what = if f == dir {
            "is a file, not a folder".to_string()
        } else {
            format!("cannot be made: {} is a file", f.display())
        };
        return Check::bad(
            NAME,
            Status::Fail,
            format!("{} {what}", dir.display()),
            "set THRUSTLINE_DATA to a folder, or move the file aside",
        );
    }
    match existing_ancestor(&dir) {
        Some(a) if writable(a) => Check::ok(NAME, format!("{} (made at the first session)", dir.display())),
        Some(a) => Check::bad(
            NAME,
            Status::Fail,
            format!("{} cannot be made: {} is not writable", dir.display(), a.display()),
            fix,
        ),
        None => Check::bad(NAME, Status::Fail, format!("{} has no existing parent", dir.display()), fix),
    }
}

fn log() -> Check {
    const NAME: &str = "log";
    let dir = thrustline_log::data_dir();
    match thrustline_log::TrainingLog::open_read_only(&dir) {
        Ok(None) => Check::ok(NAME, "no training log yet (started by the first session with a rep)"),
        Ok(Some(log)) => match log.entries() {
            Ok(e) => Check::ok(
                NAME,
                format!(
                    "training log intact, {}",
                    thrustline_core::session::counted(e.len() as u64, "session", "sessions")
                ),
            ),
            Err(e) => {
                Check::bad(NAME, Status::Fail, e.to_string(), "move the damaged log aside; a new one starts")
            }
        },
        Err(e) => {
            Check::bad(NAME, Status::Fail, e.to_string(), "move the damaged log aside; a new one starts")
        }
    }
}

/// `/sys/class/video4linux/videoN/name`, the name the driver gives the device.
fn device_name(index: i32) -> Option<String> {
    let n = std::fs::read_to_string(format!("/sys/class/video4linux/video{index}/name")).ok()?;
    Some(n.trim().to_string()).filter(|n| !n.is_empty())
}

/// `/dev/video*` nodes present, sorted by index.
fn video_nodes() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("/dev")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("video")))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A frame actually read from camera `index`: its size and the driver's frame rate.
fn read_frame(index: i32) -> Result<(i32, i32, f64), String> {
    let mut cap = videoio::VideoCapture::new(index, videoio::CAP_V4L2).map_err(|e| e.message)?;
    if !cap.is_opened().unwrap_or(false) {
        return Err("does not open".into());
    }
    let mut frame = opencv::core::Mat::default();
    if !cap.read(&mut frame).unwrap_or(false) || frame.empty() {
        return Err("opens but gives no frame".into());
    }
    let fps = cap.get(videoio::CAP_PROP_FPS).unwrap_or(0.0);
    Ok((frame.cols(), frame.rows(), fps))
}

fn cameras(needs: Needs) -> Vec<Check> {
    const NAME: &str = "camera";
    let absent = if needs.live { Status::Fail } else { Status::Warn };
    let nodes = video_nodes();
    if nodes.is_empty() {
        return vec![Check::bad(
            NAME,
            absent,
            "no camera found (no /dev/video* device)",
            "plug in a webcam, or give `thrustline live` a phone's stream URL (README: Set up your camera)",
        )];
    }
    thrustline_capture::quiet_backends();
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for index in CAMERA_INDICES {
        let node = format!("/dev/video{index}");
        if !Path::new(&node).exists() {
            continue;
        }
        let name = device_name(index).unwrap_or_else(|| "unnamed".into());
        match read_frame(index) {
            Ok((w, h, fps)) => out.push(Check::ok(
                NAME,
                format!("camera {index}: {node} \"{name}\", a {w}×{h} frame read at {fps:.0} fps"),
            )),
            // A webcam's second node carries metadata, not pictures: only say it if nothing works.
            Err(e) => failures.push(format!("{node} \"{name}\" {e}")),
        }
    }
    if out.is_empty() {
        let busy_or_denied =
            "close other programs using it, and check you may use it (`groups` lists `video`)";
        out.push(Check::bad(
            NAME,
            absent,
            format!("no camera gives frames: {}", failures.join("; ")),
            busy_or_denied,
        ));
    }
    out
}

/// The X11 socket for a local `:N` display.
fn x11_socket(display: &str) -> Option<PathBuf> {
    let rest = display.strip_prefix(':')?;
    let n = rest.split('.').next()?;
    n.parse::<u32>().ok().map(|n| PathBuf::from(format!("/tmp/.X11-unix/X{n}")))
}

fn display(needs: Needs) -> Check {
    const NAME: &str = "display";
    let absent = if needs.live { Status::Fail } else { Status::Warn };
    let fix = "run from a desktop session, or use `live --no-window` to coach from the terminal (and by sound, with speakers)";
    if let Some(w) = std::env::var_os("WAYLAND_DISPLAY") {
        let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).unwrap_or_default();
        let sock = runtime.join(&w);
        return if std::os::unix::net::UnixStream::connect(&sock).is_ok() {
            Check::ok(NAME, format!("Wayland display {}", w.to_string_lossy()))
        } else {
            Check::bad(NAME, absent, format!("Wayland display {} does not answer", sock.display()), fix)
        };
    }
    let Some(d) = std::env::var_os("DISPLAY").map(|d| d.to_string_lossy().into_owned()) else {
        return Check::bad(NAME, absent, "no display (DISPLAY and WAYLAND_DISPLAY are not set)", fix);
    };
    match x11_socket(&d) {
        Some(sock) if std::os::unix::net::UnixStream::connect(&sock).is_ok() => {
            Check::ok(NAME, format!("X11 display {d}"))
        }
        Some(sock) => {
            Check::bad(NAME, absent, format!("X11 display {d} does not answer at {}", sock.display()), fix)
        }
        // A remote display (host:N, over SSH): its server is not ours to probe.
        None => Check::ok(NAME, format!("X11 display {d} (remote, not probed)")),
    }
}

fn audio() -> Check {
    const NAME: &str = "audio";
    match crate::audio::output_device() {
        Ok(name) => Check::ok(NAME, format!("sound output \"{name}\"")),
        // Cues are optional everywhere: live coaches silently, with the window's banners.
        Err(e) => Check::bad(
            NAME,
            Status::Warn,
            e,
            "connect speakers or headphones for the spoken cues; live still coaches on screen",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x11_sockets() {
        assert_eq!(x11_socket(":99"), Some(PathBuf::from("/tmp/.X11-unix/X99")));
        assert_eq!(x11_socket(":0.1"), Some(PathBuf::from("/tmp/.X11-unix/X0")));
        assert_eq!(x11_socket("host:0"), None);
    }

    #[test]
    fn a_failed_check_says_what_to_do_on_its_line() {
        let c = Check::bad("camera", Status::Fail, "no camera found", "plug one in");
        assert_eq!(c.line(), "FAIL  camera      no camera found — plug one in");
        assert!(!passed(&[c, Check::ok("data", "x")]));
        assert!(passed(&[Check::bad("audio", Status::Warn, "none", "speakers")]));
    }
}
