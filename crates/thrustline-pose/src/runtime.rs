//! Finding and loading ONNX Runtime (load-dynamic) and the model files.
//!
//! Both are looked up in this order: the flag or environment variable (`--onnxruntime` /
//! `ORT_DYLIB_PATH`, `--models` / `THRUSTLINE_MODELS`); the install prefix around the executable
//! (`bin/thrustline` → `lib/thrustline/`, `share/thrustline/models/`: the Debian package and the
//! tarball); then the development tree the executable was built in (`target/<profile>/…`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;

use crate::error::PoseError;

/// The library's folder under the install prefix (FHS: a program's private libraries).
const PREFIX_LIB: &str = "lib/thrustline";
/// The models' folder under the install prefix (FHS: architecture-independent data).
const PREFIX_MODELS: &str = "share/thrustline/models";
/// Where `scripts/setup.sh` puts the library in the development tree.
const DEV_ORT: &str = ".cache/onnxruntime";
/// The library's file name; the package ships it under its versioned name.
const ORT_NAME: &str = "libonnxruntime.so";
/// How far above the executable a development tree may be (target/release/deps/test-…).
const DEV_DEPTH: usize = 4;
/// The one model every job needs, which marks a models folder.
pub const DETECTOR: &str = "pose_detection.onnx";

/// ONNX Runtime's session option (`kOrtSessionOptionsConfigForceSpinningStop`): pools stop
/// spinning at the end of each run.
const FORCE_SPINNING_STOP: &str = "session.force_spinning_stop";

/// ONNX Runtime's own graph rewrites before OpenVINO takes the graph: none. OpenVINO compiles
/// it with its own; ONNX Runtime's (NCHWc layouts, fusions for its kernels) only cost each
/// session's load (0.22–0.27 s against 0.29–0.31 s for the landmark model, identical outputs).
const OPENVINO_GRAPH_LEVEL: GraphOptimizationLevel = GraphOptimizationLevel::Disable;

static ENV: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// The folder holding the running executable, symlinks resolved.
fn exe_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let exe = exe.canonicalize().unwrap_or(exe);
    exe.parent().map(Path::to_path_buf)
}

/// The install prefix: the executable's folder's parent (`/usr` for `/usr/bin/thrustline`).
fn prefix() -> Option<PathBuf> {
    exe_dir()?.parent().map(Path::to_path_buf)
}

/// The source tree the executable sits in: an ancestor with `Cargo.toml` and `models/`.
fn dev_tree() -> Option<PathBuf> {
    exe_dir()?
        .ancestors()
        .take(DEV_DEPTH + 1)
        .find(|d| d.join("Cargo.toml").is_file() && d.join("models").is_dir())
        .map(Path::to_path_buf)
}

/// A non-empty environment variable.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Folders searched for the library, in order (after `ORT_DYLIB_PATH`).
pub fn runtime_candidates() -> Vec<PathBuf> {
    prefix().map(|p| p.join(PREFIX_LIB)).into_iter().chain(dev_tree().map(|d| d.join(DEV_ORT))).collect()
}

/// Folders searched for the models, in order (after `THRUSTLINE_MODELS`).
pub fn models_candidates() -> Vec<PathBuf> {
    prefix().map(|p| p.join(PREFIX_MODELS)).into_iter().chain(dev_tree().map(|d| d.join("models"))).collect()
}

/// `libonnxruntime.so` in `dir`, else its newest versioned name (`libonnxruntime.so.1.22.0`).
fn library_in(dir: &Path) -> Option<PathBuf> {
    let plain = dir.join(ORT_NAME);
    if plain.is_file() {
        return Some(plain);
    }
    let versioned = format!("{ORT_NAME}.");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&versioned))
        })
        .collect();
    found.sort();
    found.pop()
}

/// "a, b and c" for the places an error names.
fn listed(places: &[String]) -> String {
    match places {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The ONNX Runtime library: `ORT_DYLIB_PATH`, else the install prefix, else the development
/// tree.
pub fn dylib_path() -> Result<PathBuf, PoseError> {
    if let Some(p) = env_path("ORT_DYLIB_PATH") {
        return if p.is_file() {
            Ok(p)
        } else {
            Err(PoseError::RuntimeMissing {
                searched: format!("--onnxruntime/ORT_DYLIB_PATH {}", p.display()),
            })
        };
    }
    let dirs = runtime_candidates();
    dirs.iter().find_map(|d| library_in(d)).ok_or_else(|| {
        let mut places = vec!["--onnxruntime/ORT_DYLIB_PATH (not set)".to_string()];
        places.extend(dirs.iter().map(|d| d.display().to_string()));
        PoseError::RuntimeMissing { searched: listed(&places) }
    })
}

/// The ONNX Runtime library's own version string (`OrtGetApiBase()->GetVersionString()`).
pub fn runtime_version(path: &Path) -> Result<String, String> {
    // SAFETY: loading a shared library runs its initializers; this is the library the user
    // pointed us at (or the setup script fetched), the same one `ort` loads.
    let lib = unsafe { libloading::Library::new(path) }.map_err(|e| e.to_string())?;
    // SAFETY: OrtGetApiBase takes nothing and returns a pointer to a static table, or null.
    let base = unsafe {
        let get = lib
            .get::<unsafe extern "C" fn() -> *const ort::sys::OrtApiBase>(b"OrtGetApiBase")
            .map_err(|_| "not an ONNX Runtime library (no OrtGetApiBase)".to_string())?;
        get()
    };
    if base.is_null() {
        return Err("OrtGetApiBase returned nothing".into());
    }
    // SAFETY: a non-null OrtApiBase from the library; GetVersionString returns a static C string.
    let s = unsafe { std::ffi::CStr::from_ptr(((*base).GetVersionString)()) };
    Ok(s.to_string_lossy().into_owned())
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
            .inspect(|env| {
                // Failures come back as results and are said once, in the user's words:
                // ONNX Runtime's own log would add its stack of C++ frames to stderr (an
                // OpenVINO compile that falls back prints a dozen lines).
                env.set_log_level(ort::logging::LogLevel::Fatal);
            })
            .map_err(|e| e.to_string())
    });
    env.clone().map_err(|reason| PoseError::RuntimeUnusable { path, reason })
}

fn check_library(path: &Path) -> Result<(), String> {
    runtime_version(path).map(|_| ())
}

/// The models directory: `THRUSTLINE_MODELS`, else the first of [`models_candidates`] holding
/// the detector, else the first candidate (whose missing files the error then names).
pub fn models_dir() -> PathBuf {
    if let Some(p) = env_path("THRUSTLINE_MODELS") {
        return p;
    }
    let dirs = models_candidates();
    dirs.iter()
        .find(|d| d.join(DETECTOR).is_file())
        .or(dirs.first())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// Where the models were looked for: the folder `--models`/`THRUSTLINE_MODELS` set, else
/// that it was not set and every candidate folder.
pub fn models_looked_in() -> String {
    if let Some(p) = env_path("THRUSTLINE_MODELS") {
        return format!("{} (set by --models/THRUSTLINE_MODELS)", p.display());
    }
    let mut places = vec!["--models/THRUSTLINE_MODELS (not set)".to_string()];
    places.extend(models_candidates().iter().map(|d| d.display().to_string()));
    listed(&places)
}

/// Where a missing model was looked for, and how to fix it, for its error.
fn models_hint() -> String {
    if env_path("THRUSTLINE_MODELS").is_some() {
        return " (set by --models/THRUSTLINE_MODELS)".into();
    }
    format!(
        "; looked in {}: install the package, run from the source tree, or pass --models DIR",
        models_looked_in()
    )
}

/// Which kernels run the models. OpenVINO's CPU plugin (oneDNN) runs the landmark model in
/// about three quarters of ONNX Runtime's own kernels' time on the same cores (README, Speed);
/// ONNX Runtime's CPU kernels remain for a library built without it, or when asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    OpenVino,
    Cpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::OpenVino => "OpenVINO CPU",
            Backend::Cpu => "ONNX Runtime CPU",
        }
    }
}

/// `THRUSTLINE_EP=cpu` keeps ONNX Runtime's own CPU kernels (to compare, or to work around a
/// fault in OpenVINO's).
const EP_VAR: &str = "THRUSTLINE_EP";

/// Why the last session fell back from OpenVINO to ONNX Runtime's own kernels, if it did.
static FALLBACK: OnceLock<String> = OnceLock::new();

/// The backend asked for: OpenVINO unless `THRUSTLINE_EP=cpu` or the library lacks it.
pub fn wanted_backend() -> Backend {
    let asked_cpu = std::env::var(EP_VAR).is_ok_and(|v| v.eq_ignore_ascii_case("cpu"));
    let has_openvino = <ort::ep::OpenVINO as ort::ep::ExecutionProvider>::is_available().unwrap_or(false);
    if asked_cpu || !has_openvino {
        Backend::Cpu
    } else {
        Backend::OpenVino
    }
}

/// The backend sessions actually run on, and why not OpenVINO when it was wanted but failed.
pub fn backend() -> (Backend, Option<String>) {
    match (wanted_backend(), FALLBACK.get()) {
        (Backend::OpenVino, Some(why)) => (Backend::Cpu, Some(why.clone())),
        (b, _) => (b, None),
    }
}

/// Creates a session for `path` with `threads` intra-op threads, spinning when idle or not, on
/// OpenVINO's CPU plugin when the library has it (else, or if it fails, ONNX Runtime's own).
pub fn session(path: &Path, threads: usize, spin: bool, hint: &str) -> Result<Session, PoseError> {
    if !path.is_file() {
        let hint = if hint.is_empty() { models_hint() } else { hint.to_string() };
        return Err(PoseError::ModelMissing { path: path.to_path_buf(), hint });
    }
    let env = environment()?;
    let unusable = |e: String| PoseError::ModelUnusable { path: path.to_path_buf(), reason: e };
    let builder =
        |level: GraphOptimizationLevel| -> Result<ort::session::builder::SessionBuilder, PoseError> {
            Session::builder(&env)
                .map_err(|e| unusable(e.to_string()))?
                .with_optimization_level(level)
                .map_err(|e| unusable(e.to_string()))?
                .with_intra_threads(threads)
                .map_err(|e| unusable(e.to_string()))?
                .with_inter_threads(1)
                .map_err(|e| unusable(e.to_string()))?
                .with_intra_op_spinning(spin)
                .map_err(|e| unusable(e.to_string()))?
                // Spin between the ops of a run, where it saves the wake-ups, not after it: a pool
                // left spinning takes the core that the next stage, or another program, needs.
                .with_config_entry(FORCE_SPINNING_STOP, "1")
                .map_err(|e| unusable(e.to_string()))
        };
    // Once OpenVINO has failed in this process, every session stays on the fallback.
    if wanted_backend() == Backend::OpenVino && FALLBACK.get().is_none() {
        // FP32 as the model is (OpenVINO would run bf16 on CPUs with AMX by default), on the
        // same thread count as ONNX Runtime's pool would use.
        let ep = ort::ep::OpenVINO::default()
            .with_device_type("CPU")
            .with_precision("FP32")
            .with_num_threads(threads)
            .build()
            .error_on_failure();
        let built = builder(OPENVINO_GRAPH_LEVEL)?
            .with_execution_providers([ep])
            .map_err(|e| e.to_string())
            .and_then(|mut b| b.commit_from_file(path).map_err(|e| e.to_string()));
        match built {
            Ok(s) => return Ok(s),
            Err(e) => {
                // A model ONNX Runtime cannot load either is the model's fault: its error
                // alone. One it can load is OpenVINO's: the process falls back.
                let plain = builder(GraphOptimizationLevel::All)?
                    .commit_from_file(path)
                    .map_err(|e| unusable(e.to_string()))?;
                // Not a warning on every job: the results are the same kind, `doctor` says it
                // (with the reason), and `pose` names the kernels it ran on.
                if FALLBACK.set(e.clone()).is_ok() {
                    tracing::info!(
                        "OpenVINO could not run {}: {e}; using ONNX Runtime's CPU kernels",
                        path.display()
                    );
                }
                return Ok(plain);
            }
        }
    }
    builder(GraphOptimizationLevel::All)?.commit_from_file(path).map_err(|e| unusable(e.to_string()))
}

/// Runs a session once on a zero `side`×`side` RGB input. A session's first run plans its
/// memory and takes several times a frame's time: at load, not on the lifter's first frame
/// (nor on the first frame the one-thread landmark session takes over).
pub fn warm_up(mut session: Session, side: usize) -> Result<Session, PoseError> {
    let zeros = vec![0f32; side * side * 3];
    {
        let input = ort::value::TensorRef::from_array_view(([1usize, side, side, 3], &zeros[..]))?;
        session.run(ort::inputs![input])?;
    }
    Ok(session)
}
