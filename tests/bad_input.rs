//! Bad input never panics: one clear line on stderr and a non-zero exit. Frames without a
//! person give `"lm": null` and the detector finds the person again afterwards.

mod common;

use opencv::core::{Mat, Scalar, Size, CV_8UC3};
use opencv::prelude::*;
use opencv::videoio::{VideoCapture, VideoWriter, CAP_FFMPEG};

fn sample() -> String {
    common::root().join("assets/glute_bridge_bodyweight_1rep.mp4").to_string_lossy().into_owned()
}

fn assert_clean_failure(o: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "expected failure, got success: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains(needle), "{err}");
}

#[test]
fn missing_file() {
    let d = common::tmpdir("missing");
    let out = d.join("o.json");
    let o = common::thrustline(&["pose", "/nonexistent/clip.mp4", "-o", out.to_str().unwrap()]);
    assert_clean_failure(&o, "no such file");
    assert!(!out.exists());
}

#[test]
fn non_video_and_truncated_files() {
    let d = common::tmpdir("nonvideo");
    let text = d.join("notes.mp4");
    std::fs::write(&text, "this is not a video\n").unwrap();
    let o = common::thrustline(&["pose", text.to_str().unwrap(), "-o", d.join("o.json").to_str().unwrap()]);
    assert_clean_failure(&o, "cannot be opened as a video");
    let bytes = std::fs::read(sample()).unwrap();
    let cut = d.join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let o = common::thrustline(&["pose", cut.to_str().unwrap(), "-o", d.join("o.json").to_str().unwrap()]);
    assert_clean_failure(&o, "cannot be opened as a video");
    let empty = d.join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let o = common::thrustline(&["pose", empty.to_str().unwrap(), "-o", d.join("o.json").to_str().unwrap()]);
    assert_clean_failure(&o, "cannot be opened as a video");
}

#[test]
fn unusable_model_files() {
    let d = common::tmpdir("models");
    std::fs::write(d.join("pose_detection.onnx"), b"garbage").unwrap();
    std::fs::write(d.join("pose_landmark_full_noseg.onnx"), b"garbage").unwrap();
    let o = common::thrustline_env(
        &["pose", &sample(), "-o", d.join("o.json").to_str().unwrap()],
        &[("THRUSTLINE_MODELS", d.to_str().unwrap())],
    );
    assert_clean_failure(&o, "cannot be loaded");
    let o = common::thrustline(&[
        "pose",
        &sample(),
        "-o",
        d.join("o.json").to_str().unwrap(),
        "--model",
        "heavy",
    ]);
    assert_clean_failure(&o, "--heavy");
    let o =
        common::thrustline(&["pose", &sample(), "-o", d.join("o.json").to_str().unwrap(), "--model", "huge"]);
    assert!(!o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
}

#[test]
fn missing_or_wrong_onnx_runtime() {
    let d = common::tmpdir("ort");
    let out = d.join("o.json");
    let o = common::thrustline_env(
        &["pose", &sample(), "-o", out.to_str().unwrap()],
        &[("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")],
    );
    assert_clean_failure(&o, "scripts/setup.sh");
    // A real shared library that is not ONNX Runtime.
    let not_ort = ["/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1"]
        .into_iter()
        .find(|p| std::path::Path::new(p).is_file())
        .expect("libz on Debian");
    let o = common::thrustline_env(
        &["pose", &sample(), "-o", out.to_str().unwrap()],
        &[("ORT_DYLIB_PATH", not_ort)],
    );
    assert_clean_failure(&o, "not an ONNX Runtime library");
    assert!(!out.exists());
}

/// Writes the sample with `blank` black frames inserted after frame `at`.
fn sample_with_gap(path: &std::path::Path, at: usize, blank: usize) -> usize {
    let mut cap = VideoCapture::from_file(&sample(), CAP_FFMPEG).unwrap();
    let fourcc = VideoWriter::fourcc('M', 'J', 'P', 'G').unwrap();
    let mut w = VideoWriter::new(path.to_str().unwrap(), fourcc, 30.0, Size::new(640, 480), true).unwrap();
    assert!(w.is_opened().unwrap());
    let black = Mat::new_rows_cols_with_default(480, 640, CV_8UC3, Scalar::all(0.0)).unwrap();
    let (mut i, mut frame) = (0, Mat::default());
    while cap.read(&mut frame).unwrap() && !frame.empty() {
        if i == at {
            for _ in 0..blank {
                w.write(&black).unwrap();
            }
        }
        w.write(&frame).unwrap();
        i += 1;
    }
    i + blank
}

#[test]
fn nobody_in_frame_gives_null_then_detects_again() {
    let d = common::tmpdir("gap");
    let video = d.join("gap.avi");
    let total = sample_with_gap(&video, 30, 8);
    let out = d.join("o.json");
    let o = common::thrustline(&["pose", video.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let frames = v["frames"].as_array().unwrap();
    assert_eq!(frames.len(), total);
    assert!(frames[..30].iter().all(|f| !f["lm"].is_null()));
    assert!(frames[30..38].iter().all(|f| f["lm"].is_null()), "black frames must have no pose");
    assert!(!frames[38]["lm"].is_null(), "the detector must find the person on the next frame");
    assert!(frames[38..].iter().all(|f| !f["lm"].is_null()));
}

#[test]
fn an_empty_scene_has_no_pose_anywhere() {
    let d = common::tmpdir("empty");
    let video = d.join("black.avi");
    let fourcc = VideoWriter::fourcc('M', 'J', 'P', 'G').unwrap();
    let mut w = VideoWriter::new(video.to_str().unwrap(), fourcc, 30.0, Size::new(320, 240), true).unwrap();
    let grey = Mat::new_rows_cols_with_default(240, 320, CV_8UC3, Scalar::all(90.0)).unwrap();
    for _ in 0..20 {
        w.write(&grey).unwrap();
    }
    drop(w);
    let out = d.join("o.json");
    let o = common::thrustline(&["pose", video.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let frames = v["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 20);
    assert!(frames.iter().all(|f| f["lm"].is_null()));
}

#[test]
fn a_nudge_past_a_last_digit_experiment_is_refused() {
    for args in [
        vec!["pose", "x.mp4", "-o", "o.json", "--nudge-roi", "0.5"],
        vec!["pose", "x.mp4", "-o", "o.json", "--nudge-roi=nan"],
        vec!["analyze", "x.mp4", "--nudge-roi", "-2"],
    ] {
        let o = common::thrustline(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        // clap's own error: the line naming the value, then its pointer to --help.
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        let first = err.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: invalid value") && first.contains("--nudge-roi"), "{err}");
    }
}

/// A data folder that is a file: doctor says so (it had said "ok … made at the first
/// session", and every session then failed to be saved).
#[test]
fn doctor_fails_a_data_folder_that_is_a_file() {
    let d = common::tmpdir("doctor-data-file");
    let file = d.join("data");
    std::fs::write(&file, "not a folder").unwrap();
    for (data, says) in [(file.clone(), "is a file, not a folder"), (file.join("sub"), "is a file")] {
        let o = common::thrustline_env(&["doctor"], &[("THRUSTLINE_DATA", data.to_str().unwrap())]);
        let out = String::from_utf8_lossy(&o.stdout);
        let line = out.lines().find(|l| l.starts_with("FAIL  data")).unwrap_or_else(|| panic!("{out}"));
        assert!(line.contains(says), "{line}");
        assert_eq!(o.status.code(), Some(2), "{out}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// The argument parser's refusals are one line like every other bad input (clap's own were
/// three to six: the error, its usage block and a tip), with the exit status 2.
#[test]
fn argument_errors_are_one_line() {
    for (args, says) in [
        (vec!["review", "x", "--at", "nan"], "is not a time in seconds"),
        (vec!["comment", "x", "--at", "nan", "--text", "t"], "is not a time in seconds"),
        (vec!["live", "x", "--height", "abc"], "is not a height"),
        (vec!["live", "x", "--stop-at-loss", "300"], "out of range"),
        (vec!["analyze"], "--out <OUT>"),
        (vec!["analyze", "--bogus", "x"], "unexpected argument '--bogus'"),
        (vec!["bogus"], "unrecognized subcommand"),
    ] {
        let o = common::thrustline(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says) && err.contains("--help"), "{args:?}: {err}");
    }
    // Help is whole, on stdout, and succeeds.
    let o = common::thrustline(&["analyze", "--help"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("Usage:"));
}

/// Output places a user gets wrong: a file where the folder goes, a folder name with a typo.
/// Each is said in the user's terms, not as the OS's "File exists" or a lock file's name.
#[test]
fn wrong_output_places_are_said_plainly() {
    let d = common::tmpdir("wrong-out");
    let file = d.join("afile");
    std::fs::write(&file, "x").unwrap();
    let o = common::thrustline(&[
        "analyze",
        &sample(),
        "--no-log",
        "--no-video",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_clean_failure(&o, "is a file, not a folder");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
    let o = common::thrustline(&["share", d.join("no-such").to_str().unwrap()]);
    assert_clean_failure(&o, "no such folder");
    // share and bundle take --out as analyze does (their own -o/--output too).
    for cmd in ["share", "bundle"] {
        let o = common::thrustline(&[cmd, d.join("no-such").to_str().unwrap(), "--out", "x"]);
        assert_clean_failure(&o, "no such folder");
    }
}
