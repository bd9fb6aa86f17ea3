//! Helpers shared by the end-to-end tests: the shared footage and the binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the checkout, or `None` with a clear skip notice (on a user's clone).
pub fn shared() -> Option<PathBuf> {
    let d = root().join("../shared");
    if d.join("footage/LABELS.json").is_file() {
        Some(d)
    } else {
        eprintln!("SKIP: ../shared (footage and MediaPipe reference) not found beside the checkout");
        None
    }
}

pub fn clips(shared: &std::path::Path) -> Vec<String> {
    let labels: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(shared.join("footage/LABELS.json")).unwrap()).unwrap();
    labels.keys().cloned().collect()
}

/// The test run's own training log, so tests never write to the user's.
fn test_data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("thrustline-test-data-{}", std::process::id()))
}

pub fn thrustline(args: &[&str]) -> Output {
    thrustline_env(args, &[])
}

pub fn thrustline_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_thrustline"));
    c.args(args).env("THRUSTLINE_DATA", test_data_dir());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

pub fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("thrustline-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
