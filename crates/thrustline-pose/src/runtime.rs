//! Finding and loading ONNX Runtime (load-dynamic) and the model files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;

use crate::error::PoseError;

/// Where `scripts/setup.sh` puts the library, relative to the repository root.
const ORT_CACHE: &str = ".cache/onnxruntime/libonnxruntime.so";

static ENV: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// The repository root this binary was built from, if it still exists.
fn build_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.is_dir().then_some(root)
}

/// Directories searched for `.cache/` and `models/`: the working directory, the binary's
/// repository (target/<profile>/thrustline → ../..) and the build's repository.
fn roots() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from(".")];
    if let Ok(exe) = std::env::current_exe() {
        if let Some(p) = exe.parent().and_then(|p| p.parent()).and_then(|p| p.parent()) {
            v.push(p.to_path_buf());
        }
    }
    v.extend(build_root());
    v
}

/// The ONNX Runtime library: `ORT_DYLIB_PATH`, else the setup script's cache.
pub fn dylib_path() -> Result<PathBuf, PoseError> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(PoseError::RuntimeMissing { searched: format!("ORT_DYLIB_PATH={}", p.display()) })
        };
    }
    let candidates: Vec<PathBuf> = roots().into_iter().map(|r| r.join(ORT_CACHE)).collect();
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| PoseError::RuntimeMissing {
        searched: candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
    })
}

/// Loads ONNX Runtime once per process.
pub fn environment() -> Result<ort::environment::Environment, PoseError> {
    let path = dylib_path()?;
    let env = ENV.get_or_init(|| {
        // A library that is not ONNX Runtime at all would fail symbol lookup inside `ort`
        // with a panic; check the exported entry point first.
        check_library(&path)?;
        ort::init_from(&path)
            .map_err(|e| e.to_string())?
            .with_name("thrustline")
            .with_telemetry(false)
            .build()
            .map_err(|e| e.to_string())
    });
    env.clone().map_err(|reason| PoseError::RuntimeUnusable { path, reason })
}

fn check_library(path: &Path) -> Result<(), String> {
    // SAFETY: loading a shared library runs its initializers; this is the library the user
    // pointed us at (or the setup script fetched), the same one `ort` is about to load.
    let lib = unsafe { libloading::Library::new(path) }.map_err(|e| e.to_string())?;
    // SAFETY: only the symbol's presence is checked; it is never called here.
    unsafe { lib.get::<unsafe extern "C" fn()>(b"OrtGetApiBase") }
        .map(|_| ())
        .map_err(|_| "not an ONNX Runtime library (no OrtGetApiBase)".to_string())
}

/// The models directory: `THRUSTLINE_MODELS`, else `models/` in one of [`roots`].
pub fn models_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("THRUSTLINE_MODELS") {
        return PathBuf::from(p);
    }
    roots()
        .into_iter()
        .map(|r| r.join("models"))
        .find(|p| p.join("pose_detection.onnx").is_file())
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// Creates a session for `path` with `threads` intra-op threads, spinning when idle or not.
pub fn session(path: &Path, threads: usize, spin: bool, hint: &str) -> Result<Session, PoseError> {
    if !path.is_file() {
        return Err(PoseError::ModelMissing { path: path.to_path_buf(), hint: hint.to_string() });
    }
    let env = environment()?;
    let unusable = |e: String| PoseError::ModelUnusable { path: path.to_path_buf(), reason: e };
    Session::builder(&env)
        .map_err(|e| unusable(e.to_string()))?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(|e| unusable(e.to_string()))?
        .with_intra_threads(threads)
        .map_err(|e| unusable(e.to_string()))?
        .with_inter_threads(1)
        .map_err(|e| unusable(e.to_string()))?
        .with_intra_op_spinning(spin)
        .map_err(|e| unusable(e.to_string()))?
        .commit_from_file(path)
        .map_err(|e| unusable(e.to_string()))
}
