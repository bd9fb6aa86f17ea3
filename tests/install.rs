//! The binary outside its build tree: in an install prefix's layout (`bin/`, `lib/thrustline/`,
//! `share/thrustline/models/`, as the package and the tarball lay it out) it finds everything
//! from any working directory; alone, its error names every place it looked and how to fix it;
//! `--models` and `--onnxruntime` point it anywhere; `doctor` tells a damaged model by its hash.
//! `scripts/package-test.sh` does the same with the real package in a clean Debian root.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn dev_runtime() -> PathBuf {
    common::root().join(".cache/onnxruntime/libonnxruntime.so.1.24.1")
}

/// Every library `scripts/setup.sh` fetched (ONNX Runtime and OpenVINO's), as the package
/// ships them side by side.
fn dev_libraries() -> Vec<PathBuf> {
    let dir = common::root().join(".cache/onnxruntime");
    let mut libs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("lib") && !p.is_symlink())
        .collect();
    libs.sort();
    libs
}

/// The binary run from `cwd` with no lookup variables set, so only its own search applies.
fn run_from(exe: &Path, cwd: &Path, args: &[&str]) -> Output {
    // A freshly copied binary can be "busy" for a moment: a child another test thread forks
    // while the copy is open inherits its write handle until it execs (ETXTBSY, seen in CI).
    for _ in 0..50 {
        let o = Command::new(exe)
            .args(args)
            .current_dir(cwd)
            .env_remove("ORT_DYLIB_PATH")
            .env_remove("THRUSTLINE_MODELS")
            .env("THRUSTLINE_DATA", cwd.join("data"))
            .output();
        match o {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(100))
            }
            o => return o.unwrap(),
        }
    }
    panic!("{} stayed busy for 5 s", exe.display());
}

fn copy_binary(to_dir: &Path) -> PathBuf {
    std::fs::create_dir_all(to_dir).unwrap();
    let exe = to_dir.join("thrustline");
    std::fs::copy(env!("CARGO_BIN_EXE_thrustline"), &exe).unwrap();
    exe
}

/// `prefix/{bin,lib/thrustline,share/thrustline/models}` with the binary copied and the rest
/// linked from the source tree.
fn install_prefix(prefix: &Path) -> PathBuf {
    let exe = copy_binary(&prefix.join("bin"));
    let lib = prefix.join("lib/thrustline");
    std::fs::create_dir_all(&lib).unwrap();
    for l in dev_libraries() {
        std::os::unix::fs::symlink(&l, lib.join(l.file_name().unwrap())).unwrap();
    }
    let models = prefix.join("share/thrustline/models");
    std::fs::create_dir_all(&models).unwrap();
    for m in thrustline_pose::models::SHIPPED {
        std::os::unix::fs::symlink(common::root().join("models").join(m), models.join(m)).unwrap();
    }
    exe
}

fn doctor_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

#[test]
fn an_install_prefix_works_from_anywhere() {
    if !dev_runtime().is_file() {
        eprintln!("SKIP: ONNX Runtime not set up (bash scripts/setup.sh)");
        return;
    }
    let d = common::tmpdir("install-prefix");
    let exe = install_prefix(&d.join("opt/thrustline"));
    let elsewhere = d.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();

    let o = run_from(&exe, &elsewhere, &["doctor", "--json"]);
    let report = doctor_json(&o);
    assert!(o.status.success(), "{report}");
    assert_eq!(report["ok"], true);
    let rt = check(&report, "onnxruntime");
    assert!(
        rt["detail"].as_str().unwrap().contains("opt/thrustline/lib/thrustline/libonnxruntime.so"),
        "{rt}"
    );
    // OpenVINO's libraries beside ONNX Runtime's are found there too: the models run on them.
    assert!(rt["detail"].as_str().unwrap().ends_with("(OpenVINO CPU)"), "{rt}");
    let models: Vec<&Value> =
        report["checks"].as_array().unwrap().iter().filter(|c| c["name"] == "model").collect();
    assert_eq!(models.len(), thrustline_pose::models::SHIPPED.len());
    for m in models {
        assert_eq!(m["status"], "ok", "{m}");
        assert!(m["detail"].as_str().unwrap().contains("opt/thrustline/share/thrustline/models/"), "{m}");
    }

    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let o = run_from(
        &exe,
        &elsewhere,
        &["analyze", "--quiet", "--no-log", "--out", "out", sample.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(elsewhere.join("out/session.json")).unwrap()).unwrap();
    assert_eq!(s["reps"].as_array().unwrap().len(), 1);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_lone_binary_says_where_it_looked() {
    let d = common::tmpdir("install-lone");
    let exe = copy_binary(&d.join("bin"));
    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let o = run_from(&exe, &d, &["analyze", "--no-log", "--out", "out", sample.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let looked = format!("{}", d.join("share/thrustline/models").display());
    assert!(err.contains("--models/THRUSTLINE_MODELS (not set)") && err.contains(&looked), "{err}");
    assert!(err.contains("pass --models DIR"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // doctor: every missing piece in one line, exit 2.
    let o = run_from(&exe, &d, &["doctor"]);
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    let rt = out.lines().find(|l| l.starts_with("FAIL  onnxruntime")).unwrap_or_else(|| panic!("{out}"));
    assert!(rt.contains("--onnxruntime/ORT_DYLIB_PATH (not set)"), "{rt}");
    assert!(rt.contains(&format!("{}", d.join("lib/thrustline").display())), "{rt}");
    assert!(rt.contains(" — "), "{rt}");
    let missing_models =
        out.lines().filter(|l| l.starts_with("FAIL  model") && l.contains("not found")).count();
    assert_eq!(missing_models, thrustline_pose::models::SHIPPED.len(), "{out}");

    // The flags point it at the source tree's files.
    if dev_runtime().is_file() {
        let models = common::root().join("models");
        let o = run_from(
            &exe,
            &d,
            &[
                "--models",
                models.to_str().unwrap(),
                "--onnxruntime",
                dev_runtime().to_str().unwrap(),
                "doctor",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn doctor_tells_a_damaged_model_by_its_hash() {
    let d = common::tmpdir("install-damaged");
    for m in thrustline_pose::models::SHIPPED {
        std::fs::copy(common::root().join("models").join(m), d.join(m)).unwrap();
    }
    // One byte changed in the detector's weights: the file still loads, the numbers differ.
    let det = d.join("pose_detection.onnx");
    let mut bytes = std::fs::read(&det).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    std::fs::write(&det, bytes).unwrap();
    let o = common::thrustline(&["--models", d.to_str().unwrap(), "doctor", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let report = doctor_json(&o);
    assert_eq!(report["ok"], false);
    let bad: Vec<&Value> =
        report["checks"].as_array().unwrap().iter().filter(|c| c["status"] == "fail").collect();
    assert_eq!(bad.len(), 1, "{report}");
    assert!(bad[0]["detail"].as_str().unwrap().contains("pose_detection.onnx has sha256"), "{}", bad[0]);
    assert!(bad[0]["fix"].as_str().unwrap().contains("reinstall"), "{}", bad[0]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn completions_and_man_pages_come_from_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let o = common::thrustline(&["completions", shell]);
        assert!(o.status.success());
        let s = String::from_utf8_lossy(&o.stdout);
        for word in ["analyze", "doctor", "variation"] {
            assert!(s.contains(word), "{shell} completion lacks {word}");
        }
    }
    let d = common::tmpdir("install-man");
    let o = common::thrustline(&["manpages", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let main = std::fs::read_to_string(d.join("thrustline.1")).unwrap();
    assert!(main.contains(".TH thrustline 1") && main.contains("doctor"), "{main}");
    assert!(std::fs::read_to_string(d.join("thrustline-doctor.1")).unwrap().contains("\\-\\-json"));
    assert!(!d.join("thrustline-render-cues.1").exists(), "a maintainers' command got a page");
    std::fs::remove_dir_all(&d).unwrap();
}
