use std::path::PathBuf;

/// Everything that can go wrong in the pose stage, each with a one-line message for the user.
#[derive(Debug, thiserror::Error)]
pub enum PoseError {
    #[error(
        "ONNX Runtime library not found; looked in {searched}: install the package, run `bash scripts/setup.sh` in the source tree, or pass --onnxruntime FILE"
    )]
    RuntimeMissing { searched: String },
    #[error("ONNX Runtime library at {path} cannot be used: {reason}")]
    RuntimeUnusable { path: PathBuf, reason: String },
    #[error("model file {path} not found{hint}")]
    ModelMissing { path: PathBuf, hint: String },
    #[error("model file {path} cannot be loaded: {reason}")]
    ModelUnusable { path: PathBuf, reason: String },
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("image processing failed: {0}")]
    Image(String),
}

impl From<opencv::Error> for PoseError {
    fn from(e: opencv::Error) -> Self {
        PoseError::Image(e.message)
    }
}

impl From<ort::Error> for PoseError {
    fn from(e: ort::Error) -> Self {
        PoseError::Inference(e.to_string())
    }
}
