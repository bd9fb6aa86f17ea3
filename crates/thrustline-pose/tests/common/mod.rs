//! What the pose tests share: the source tree, when ONNX Runtime is set up in it, and the
//! bundled sample's frames.

use std::path::{Path, PathBuf};

use opencv::core::Mat;
use opencv::prelude::*;
use opencv::videoio::{VideoCapture, CAP_FFMPEG};
use thrustline_pose::RgbImage;

/// The source tree, or `None` (with a SKIP notice) when ONNX Runtime is not set up.
pub fn root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !root.join(".cache/onnxruntime/libonnxruntime.so").exists()
        && std::env::var_os("ORT_DYLIB_PATH").is_none()
    {
        eprintln!("SKIP: ONNX Runtime not set up (bash scripts/setup.sh)");
        return None;
    }
    Some(root)
}

/// Every frame of the bundled sample, as RGB.
pub fn sample_frames(root: &Path) -> Vec<RgbImage> {
    let sample = root.join("assets/glute_bridge_bodyweight_1rep.mp4");
    let mut cap = VideoCapture::from_file(sample.to_str().unwrap(), CAP_FFMPEG).unwrap();
    let mut bgr = Mat::default();
    let mut out = Vec::new();
    while cap.read(&mut bgr).unwrap() && !bgr.empty() {
        out.push(RgbImage::from_bgr(&bgr).unwrap());
    }
    out
}
