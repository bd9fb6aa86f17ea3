//! Issue 12: unlucky inputs lose nothing. Same-stem videos get their own folders, a
//! re-analysis keeps the coach's comments, bad thresholds are one clear line, a video of
//! nobody is not a training session, and a damaged training log is reported, never written.

mod common;

use std::path::Path;

use opencv::core::{Mat, Scalar, Size, CV_8UC3};
use opencv::prelude::*;
use opencv::videoio::VideoWriter;
use serde_json::Value;

fn sample() -> std::path::PathBuf {
    common::root().join("assets/glute_bridge_bodyweight_1rep.mp4")
}

fn session(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap()
}

fn one_error_line(o: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {err}");
    assert!(lines[0].contains(needle), "expected '{needle}' in: {err}");
    assert!(!err.contains("panicked"));
}

/// 12.3: `analyze a/clip.mp4 b/clip.mp4 b/clip.mov --out o` gave one folder, last wins.
#[test]
fn same_stem_videos_each_get_their_own_folder() {
    let d = common::tmpdir("same-stem");
    for (sub, name) in [("a", "clip.mp4"), ("b", "clip.mp4"), ("b", "clip.mov")] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
        std::fs::copy(sample(), d.join(sub).join(name)).unwrap();
    }
    let out = d.join("o");
    let inputs = [d.join("a/clip.mp4"), d.join("b/clip.mp4"), d.join("b/clip.mov")];
    let mut args = vec!["analyze", "--quiet", "--no-video", "--no-log", "--out", out.to_str().unwrap()];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let o = common::thrustline(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut seen: Vec<String> = Vec::new();
    for name in ["clip", "clip-mp4", "clip-mov"] {
        let s = session(&out.join(name));
        seen.push(s["input"]["file"].as_str().unwrap().to_string());
    }
    let want: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(seen, want, "each input in its own folder, in order");
    let _ = std::fs::remove_dir_all(&d);
}

/// 12.4: re-analyzing into a session folder wiped its comments and left a stale video.
#[test]
fn reanalysis_is_refused_without_force_and_keeps_comments_with_it() {
    let d = common::tmpdir("reanalyze");
    let out = d.join("s");
    let analyze = |extra: &[&str]| {
        let mut args = vec!["analyze", "--quiet", "--no-log", "--variation", "glute-bridge", "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        let s = sample();
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(s.display().to_string());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        common::thrustline(&refs)
    };
    assert!(analyze(&[]).status.success());
    let o = common::thrustline(&[
        "comment",
        out.to_str().unwrap(),
        "--at",
        "1.0",
        "--text",
        "Squeeze!",
        "--author",
        "Coach",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Without --force: one line, exit 2 (a video failed), nothing touched.
    let before = std::fs::read(out.join("session.json")).unwrap();
    let o = analyze(&[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("already holds a session") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(out.join("session.json")).unwrap(), before);
    // With --force: a fresh session that still carries the comment; the old one moved aside.
    let o = analyze(&["--force", "--no-video"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = session(&out);
    assert_eq!(s["comments"][0]["text"], "Squeeze!");
    assert!(!out.join("annotated.mp4").exists(), "a stale annotated video was left behind");
    let aside: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("s.replaced-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(aside[0].path().join("annotated.mp4").is_file(), "the old folder is kept whole");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Squeeze!"));
    let _ = std::fs::remove_dir_all(&d);
}

/// 12.9: NaN, infinite and out-of-range thresholds were accepted and left nulls behind.
#[test]
fn nan_infinite_and_negative_thresholds_are_one_clear_line() {
    let d = common::tmpdir("thresholds");
    for (toml, needle) in [
        ("overarch_hyperext_deg = nan", "overarch_hyperext_deg = NaN is out of range"),
        ("min_top_hold_s = inf", "min_top_hold_s = inf is out of range"),
        ("set_rest_s = -5.0", "set_rest_s = -5 is out of range"),
        ("fault_min_visibility = 1.5", "fault_min_visibility = 1.5 is out of range"),
        // TOML's own errors: one line (they used to print twice, with a caret drawing).
        ("lockout_enter = 3", "line 1, column 1: unknown field `lockout_enter`"),
        ("nonsense ===", "line 1, column 11: invalid string"),
    ] {
        let cfg = d.join("t.toml");
        std::fs::write(&cfg, toml).unwrap();
        let o = common::thrustline(&[
            "analyze",
            "--quiet",
            "--no-log",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            d.join("o").to_str().unwrap(),
            sample().to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "{toml} accepted");
        one_error_line(&o, needle);
        assert!(!d.join("o/session.json").exists());
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// 12.10: a video with nobody in it was logged as a training session.
#[test]
fn a_video_of_nobody_is_not_logged() {
    let d = common::tmpdir("nobody");
    let video = d.join("empty-room.avi");
    let fourcc = VideoWriter::fourcc('M', 'J', 'P', 'G').unwrap();
    let mut w = VideoWriter::new(video.to_str().unwrap(), fourcc, 30.0, Size::new(320, 240), true).unwrap();
    let grey = Mat::new_rows_cols_with_default(240, 320, CV_8UC3, Scalar::all(90.0)).unwrap();
    for _ in 0..30 {
        w.write(&grey).unwrap();
    }
    drop(w);
    let data = d.join("data");
    let env = [("THRUSTLINE_DATA", data.to_str().unwrap())];
    let o = common::thrustline_env(
        &[
            "analyze",
            "--quiet",
            "--no-video",
            "--out",
            d.join("o").to_str().unwrap(),
            video.to_str().unwrap(),
        ],
        &env,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = common::thrustline_env(&["log", "--json"], &env);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 0, "a video of nobody was logged");
    // The bundled sample, with a lifter, is.
    let o = common::thrustline_env(
        &[
            "analyze",
            "--quiet",
            "--no-video",
            "--out",
            d.join("o2").to_str().unwrap(),
            sample().to_str().unwrap(),
        ],
        &env,
    );
    assert!(o.status.success());
    let o = common::thrustline_env(&["log", "--json"], &env);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&d);
}

/// 12.6: a corrupted log was written to silently (analyze exit 0, `log` said "malformed").
#[test]
fn a_damaged_training_log_is_reported_and_the_reports_kept() {
    let d = common::tmpdir("damaged-log");
    let data = d.join("data");
    let env = [("THRUSTLINE_DATA", data.to_str().unwrap())];
    for i in 0..3 {
        let out = d.join(format!("o{i}"));
        let o = common::thrustline_env(
            &["analyze", "--quiet", "--no-video", "--out", out.to_str().unwrap(), sample().to_str().unwrap()],
            &env,
        );
        assert!(o.status.success());
    }
    let log = data.join("training_log.sqlite3");
    let mut bytes = std::fs::read(&log).unwrap();
    assert!(bytes.len() >= 2 * 4096, "{} bytes", bytes.len());
    for b in &mut bytes[4096..8192] {
        *b = 0x5A;
    }
    std::fs::write(&log, &bytes).unwrap();
    let out = d.join("after");
    let o = common::thrustline_env(
        &["analyze", "--quiet", "--no-video", "--out", out.to_str().unwrap(), sample().to_str().unwrap()],
        &env,
    );
    // The report is the job: exit 0, the folder complete, one warning that the log is damaged.
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("session.json").is_file() && out.join("report.html").is_file());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning: training log not updated") && err.contains("is damaged"), "{err}");
    assert_eq!(std::fs::read(&log).unwrap(), bytes, "the damaged log was written to");
    let o = common::thrustline_env(&["log"], &env);
    assert!(!o.status.success());
    one_error_line(&o, "is damaged");
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue 12 (also): `comment` dropped session.json fields it did not know.
#[test]
fn a_comment_keeps_fields_this_version_does_not_know() {
    let d = common::tmpdir("unknown-fields");
    let out = d.join("s");
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-video",
        "--no-log",
        "--out",
        out.to_str().unwrap(),
        sample().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let mut s = session(&out);
    s["coach_app"] = serde_json::json!({"plan": "week 3", "rpe": [7, 8]});
    std::fs::write(out.join("session.json"), serde_json::to_vec(&s).unwrap()).unwrap();
    let o = common::thrustline(&["comment", out.to_str().unwrap(), "--at", "0.5", "--text", "Good depth"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = session(&out);
    assert_eq!(s["coach_app"]["plan"], "week 3");
    assert_eq!(s["comments"][0]["text"], "Good depth");
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue 12 (also): `--threads` and `--video-size` had no bounds.
#[test]
fn threads_and_video_size_are_bounded() {
    for args in
        [["--threads", "0"], ["--threads", "100000"], ["--video-size", "5"], ["--video-size", "99999"]]
    {
        let mut all = vec!["analyze", "--out", "/tmp/never-written"];
        all.extend_from_slice(&args);
        let s = sample();
        all.push(s.to_str().unwrap());
        let o = common::thrustline(&all);
        assert!(!o.status.success(), "{args:?} accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("error: ") && err.contains("out of range"), "{args:?}: {err}");
        assert!(!Path::new("/tmp/never-written/session.json").exists());
    }
}

/// Issue 12.8: on a full disk a truncated annotated.mp4 stayed under its final name. A 300 kB
/// tmpfs (root only; otherwise a skip notice) fills while the annotated video is written.
#[test]
fn a_full_disk_never_leaves_a_truncated_video_under_its_name() {
    let d = common::tmpdir("full-disk");
    let mnt = d.join("small");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=300k", "tmpfs", mnt.to_str().unwrap()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIP: cannot mount a small tmpfs here (needs root): full-disk test not run");
        return;
    }
    let out = mnt.join("s");
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-log",
        "--out",
        out.to_str().unwrap(),
        sample().to_str().unwrap(),
    ]);
    let listing: Vec<String> = std::fs::read_dir(&out)
        .map(|r| r.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is the disk full") || err.contains("No space left"), "{err}");
    assert_eq!(err.lines().filter(|l| !l.trim().is_empty()).count(), 1, "{err}");
    assert!(!listing.iter().any(|n| n == "annotated.mp4" || n == "session.json"), "{listing:?}");
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue 12 (also): `.tmp` files left by a kill were never cleaned.
#[test]
fn temp_files_left_by_a_killed_run_are_swept() {
    let d = common::tmpdir("stale-tmp");
    let out = d.join("s");
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-video",
        "--no-log",
        "--out",
        out.to_str().unwrap(),
        sample().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    // A writer killed mid-write (its pid long gone), and one still running (this test).
    let dead = out.join(".session.json.4194300.tmp");
    let live = out.join(format!(".report.html.{}.tmp", std::process::id()));
    std::fs::write(&dead, b"half").unwrap();
    std::fs::write(&live, b"in progress").unwrap();
    let o = common::thrustline(&["comment", out.to_str().unwrap(), "--at", "0.5", "--text", "ok"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dead.exists(), "a dead writer's temp file was left");
    assert!(live.exists(), "a running writer's temp file was removed");
    let _ = std::fs::remove_dir_all(&d);
}
