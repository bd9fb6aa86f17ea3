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

/// `thrustline analyze --quiet FLAGS --out OUT VIDEO` with `env` added, which must succeed.
pub fn analyze_ok(
    video: &std::path::Path,
    out: &std::path::Path,
    flags: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut args = vec!["analyze", "--quiet"];
    args.extend_from_slice(flags);
    args.extend(["--out", out.to_str().unwrap(), video.to_str().unwrap()]);
    let o = thrustline_env(&args, env);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// `src` re-encoded by ffmpeg into `dst` with `args` (filters, codec) between input and output;
/// `None` (SKIP) without ffmpeg (`scripts/test.sh` installs it).
pub fn ffmpeg_copy(src: &std::path::Path, dst: PathBuf, args: &[&str]) -> Option<PathBuf> {
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("SKIP: ffmpeg not installed (scripts/test.sh installs it)");
        return None;
    }
    let ok = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(src)
        .args(args)
        .arg(&dst)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "ffmpeg could not re-encode {}", src.display());
    Some(dst)
}

/// `thrustline analyze` on `clip` into `dir` with no video and no log, which must succeed: its
/// output and session.json.
pub fn analyze_session(clip: &std::path::Path, dir: &std::path::Path) -> (Output, serde_json::Value) {
    let o = analyze_ok(clip, dir, &["--no-log", "--no-video"], &[]);
    let s = serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap();
    (o, s)
}

pub fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("thrustline-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Shared clips whose labels the judgement does not meet yet, each with the issue that fixes
/// it. Strict: a listed clip that meets its labels fails the test, so the list only shrinks.
pub const LABEL_EXPECTED_FAILURES: [(&str, &str); 0] = [];

/// [`assert_labels`] for a clip, honouring [`LABEL_EXPECTED_FAILURES`]: a listed clip must
/// still fail its labels. Returns a failure to report, if any.
pub fn check_labels(
    clip: &str,
    what: &str,
    s: &serde_json::Value,
    label: &serde_json::Value,
) -> Option<String> {
    let expected = LABEL_EXPECTED_FAILURES.iter().find(|(c, _)| *c == clip);
    let met = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| assert_labels(what, s, label)));
    match (met, expected) {
        (Ok(()), None) => None,
        (Err(e), None) => Some(
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|x| x.to_string()))
                .unwrap_or_else(|| format!("{what}: labels not met")),
        ),
        (Ok(()), Some((_, issue))) => {
            Some(format!("{what} now meets its labels: remove it from LABEL_EXPECTED_FAILURES ({issue})"))
        }
        (Err(_), Some((_, issue))) => {
            eprintln!("{what}: expected failure, {issue}");
            None
        }
    }
}

/// A session.json against its clip's entry in LABELS.json: the exact rep count, every labelled
/// fault on its reps (or within its time span), and no fault at all on a clip labelled clean.
/// `what` names the clip (and how it was made) in the messages.
pub fn assert_labels(what: &str, s: &serde_json::Value, label: &serde_json::Value) {
    let reps = s["reps"].as_array().unwrap();
    assert_eq!(reps.len() as u64, label["reps"].as_u64().unwrap(), "{what} rep count");
    for f in label["faults"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        if let Some(want) = f["reps"].as_array() {
            let with: Vec<u64> = reps
                .iter()
                .filter(|r| r["faults"].as_array().unwrap().iter().any(|x| x["id"] == id))
                .map(|r| r["index"].as_u64().unwrap())
                .collect();
            let want: Vec<u64> = want.iter().map(|x| x.as_u64().unwrap()).collect();
            assert_eq!(with, want, "{what} {id}");
        } else {
            let (a, b) = (f["start_s"].as_f64().unwrap(), f["end_s"].as_f64().unwrap());
            let hit = reps.iter().flat_map(|r| r["faults"].as_array().unwrap()).any(|x| {
                x["id"] == id && x["start_s"].as_f64().unwrap() < b && x["end_s"].as_f64().unwrap() > a
            });
            assert!(hit, "{what}: {id} within {a}-{b} s");
        }
    }
    if label["faults"].as_array().unwrap().is_empty() {
        let any: Vec<&serde_json::Value> =
            reps.iter().flat_map(|r| r["faults"].as_array().unwrap()).collect();
        assert!(any.is_empty(), "{what} is labelled clean: {any:?}");
    }
}
