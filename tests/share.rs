//! Issue 25: the coach needs only a browser. The annotated video is H.264 with every frame;
//! `thrustline share` writes one page that plays the set with the skeleton, takes comments
//! with drawings and sends them back as a reply file, which `comment --import` merges once;
//! text from anyone is shown as text, in the page and in the report.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn ffprobe(path: &Path, entries: &str) -> String {
    let o = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_frames",
            "-show_entries",
            entries,
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe (scripts/test.sh installs ffmpeg)");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn session(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap()
}

/// Analyzes `clip` into a fresh folder, with the annotated video.
fn shared_session(name: &str, clip: &Path) -> PathBuf {
    let d = common::tmpdir(name).join("s");
    common::analyze_ok(clip, &d, &["--no-log"], &[]);
    d
}

fn share(dir: &Path) {
    let o = common::thrustline(&["share", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The review page in Chromium through playwright-core (tests/browser), or `None` with a SKIP
/// notice where Chromium or the driver is missing.
fn drive(page: &Path, shot: &Path, reply: &Path, comment: &str) -> Option<Value> {
    let driver = common::root().join("tests/browser/review_page.js");
    let module = common::root().join("tests/browser/node_modules/playwright-core");
    if !Path::new("/usr/bin/chromium").is_file() || !module.is_dir() {
        eprintln!("SKIP: the browser test needs /usr/bin/chromium and tests/browser's playwright-core (scripts/test.sh installs both)");
        return None;
    }
    let o = Command::new("node")
        .arg(&driver)
        .arg(format!("file://{}", page.display()))
        .arg(shot)
        .arg(reply)
        .env("COMMENT", comment)
        .output()
        .ok()?;
    assert!(o.status.success(), "driver: {}", String::from_utf8_lossy(&o.stderr));
    Some(serde_json::from_slice(&o.stdout).unwrap())
}

#[test]
fn the_annotated_video_is_h264_with_every_frame() {
    let Some(shared) = common::shared() else { return };
    let clip = shared.join("footage/hip_thrust_barbell_2reps.mp4");
    let d = shared_session("h264", &clip);
    let v = d.join("annotated.mp4");
    assert_eq!(ffprobe(&v, "stream=codec_name,pix_fmt"), "h264,yuv420p");
    assert_eq!(ffprobe(&v, "stream=nb_read_frames"), ffprobe(&clip, "stream=nb_read_frames"));
    // +faststart: the index before the media, so a browser plays while it loads.
    let bytes = std::fs::read(&v).unwrap();
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).unwrap();
    assert!(find(b"moov") < find(b"mdat"));
    let _ = std::fs::remove_dir_all(d.parent().unwrap());
}

#[test]
fn a_coach_reviews_in_a_browser_and_the_reply_comes_back() {
    let Some(shared) = common::shared() else { return };
    let d = shared_session("share", &shared.join("footage/glute_bridge_side_5reps.mp4"));
    share(&d);
    let page = d.join("review.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // One file, nothing fetched: the video and the data are inside.
    assert!(html.contains("data:video/mp4;base64,"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.len() < 25 << 20, "{} bytes", html.len());
    let reply = d.parent().unwrap().join("reply.json");
    let Some(r) = drive(&page, &d.parent().unwrap().join("page.png"), &reply, "Drive through the heels")
    else {
        return;
    };
    assert_eq!(r["errors"], Value::Array(vec![]), "{r}");
    // The video plays: time advanced and frames decoded.
    assert!(r["played_to"].as_f64().unwrap() > 0.5, "{r}");
    assert!(r["decoded"].as_u64().unwrap() > 10, "{r}");
    // Rep 2 from the table: its start.
    let s = session(&d);
    let rep2 = s["reps"][1]["start_s"].as_f64().unwrap();
    assert!((r["after_rep2"].as_f64().unwrap() - rep2).abs() < 0.05, "{r} vs {rep2}");
    let seeks = r["rep_seeks"].as_array().unwrap();
    let reps = s["reps"].as_array().unwrap();
    assert_eq!(seeks.len(), reps.len(), "{r}");
    for (got, rep) in seeks.iter().zip(reps) {
        let want = rep["start_s"].as_f64().unwrap();
        assert!((got.as_f64().unwrap() - want).abs() < 0.05, "rep {}: {got} vs {want}", rep["index"]);
    }
    // A seek near the end plays from there.
    let late = &r["late_seek"];
    let (t, dur) = (late["t"].as_f64().unwrap(), late["dur"].as_f64().unwrap());
    assert!(
        (t - 0.9 * dur).abs() < 0.3 && late["error"].is_null() && late["ready"].as_u64() >= Some(2),
        "{late}"
    );
    // Nothing new to send: no file, and the page says so.
    assert_eq!(r["empty_send"]["downloaded"], false, "{r}");
    assert!(r["empty_send"]["hint"].as_str().unwrap().contains("No new comments"), "{r}");
    assert_eq!(r["storenote_shown"], false, "the page kept the comment: {r}");
    assert_eq!(r["other_tab_stored"], true, "another tab sees the comment: {r}");
    assert_eq!(r["comments_after_reload"], 1, "kept in the browser: {r}");
    // Where the browser refuses storage, the coach is told to send before closing.
    assert_eq!(r["storenote_before_refused"], false, "{r}");
    assert_eq!(r["storenote_when_refused"], true, "{r}");
    assert_eq!(r["download_name"], "glute_bridge_side_5reps.feedback.json");
    // The lifter takes it in: once.
    for (round, want) in [(1, "1 comment imported"), (2, "nothing new")] {
        let o = common::thrustline(&["comment", d.to_str().unwrap(), "--import", reply.to_str().unwrap()]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success() && out.contains(want),
            "import {round}: {out} {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let s = session(&d);
    let c = &s["comments"].as_array().unwrap()[0];
    assert_eq!(c["author"], "Coach Ana");
    assert_eq!(c["text"], "Drive through the heels");
    assert_eq!(c["rep"], 2);
    assert_eq!(c["mark"]["kind"], "line");
    assert!(c["mark"]["degrees"].as_f64().unwrap() > 1.0, "measured again on import: {c}");
    assert!(std::fs::read_to_string(d.join("report.html")).unwrap().contains("Drive through the heels"));
    // A reply for another session is refused in one line.
    let other = shared_session("share-other", &shared.join("footage/glute_bridge_bodyweight_1rep.mp4"));
    let o = common::thrustline(&["comment", other.to_str().unwrap(), "--import", reply.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("another session") && err.lines().count() == 1, "{err}");
    let _ = std::fs::remove_dir_all(d.parent().unwrap());
    let _ = std::fs::remove_dir_all(other.parent().unwrap());
}

/// Hostile text is data everywhere: the report, the review page (no script runs), and a reply
/// file that carries it is imported as text.
#[test]
fn no_comment_text_runs_script() {
    let Some(shared) = common::shared() else { return };
    let d = shared_session("hostile-share", &shared.join("footage/glute_bridge_side_5reps.mp4"));
    let evil =
        "</script><script>window.__pwned=true;alert(1)</script><img src=x onerror=\"window.__pwned=true\">";
    let o = common::thrustline(&[
        "comment",
        d.to_str().unwrap(),
        "--at",
        "0.5",
        "--text",
        evil,
        "--author",
        evil,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(!report.contains("<script") && !report.contains("<img src=x"), "report: raw markup");
    assert!(report.contains("&lt;/script&gt;"));
    share(&d);
    let page = d.join("review.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<script").count(), 2, "only the page's own data and code");
    assert!(!html.contains("<img src=x"));
    let reply = d.parent().unwrap().join("reply.json");
    let Some(r) = drive(&page, &d.parent().unwrap().join("page.png"), &reply, evil) else { return };
    assert_eq!(r["injected"], false, "{r}");
    assert_eq!(r["alerted"], false, "{r}");
    assert_eq!(r["errors"], Value::Array(vec![]), "{r}");
    let texts = r["texts"].as_array().unwrap();
    assert!(texts.iter().any(|t| t.as_str().unwrap().contains("<img src=x")), "shown as text: {texts:?}");
    // The reply carrying it imports as text, in the review window (under a virtual display)
    // as through the command line, and the rebuilt report escapes it.
    if Path::new("/usr/bin/xvfb-run").is_file() {
        let shot = d.parent().unwrap().join("window.png");
        let o = Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1400x900x24", env!("CARGO_BIN_EXE_thrustline"), "review"])
            .arg(&d)
            .arg("--import")
            .arg(&reply)
            .args(["--at", "1.0", "--exit", "--screenshot"])
            .arg(&shot)
            .env("THRUSTLINE_DATA", d.parent().unwrap().join("data"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(shot.is_file());
    } else {
        eprintln!("SKIP (part): xvfb-run not installed (scripts/test.sh installs it)");
        let o = common::thrustline(&["comment", d.to_str().unwrap(), "--import", reply.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let texts: Vec<String> = session(&d)["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts.iter().filter(|t| *t == evil).count(), 2, "kept verbatim, as text: {texts:?}");
    let report = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(!report.contains("<script") && !report.contains("<img src=x"));
    // A reply that is not one, or names a comment outside the video, is one line.
    for (body, needle) in [
        (
            r#"{"format":"thrustline-feedback","version":1,"session":"x","comments":[],"path":"/etc/passwd"}"#,
            "not a Thrustline reply file",
        ),
        ("not json", "not a Thrustline reply file"),
        // A newer Thrustline's reply says so, not that it is not one.
        (r#"{"format":"thrustline-feedback","version":99,"session":"x","comments":[]}"#, "update Thrustline"),
    ] {
        std::fs::write(&reply, body).unwrap();
        let o = common::thrustline(&["comment", d.to_str().unwrap(), "--import", reply.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(needle) && err.lines().count() == 1, "{err}");
    }
    let key = session(&d)["input"]["sha256"].as_str().unwrap().to_string();
    let v = serde_json::json!({"format": "thrustline-feedback", "version": 1, "session": key,
        "comments": [{"t_s": 1e6, "rep": null, "author": "a", "text": "late"}]});
    std::fs::write(&reply, v.to_string()).unwrap();
    let o = common::thrustline(&["comment", d.to_str().unwrap(), "--import", reply.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("outside the video"), "{err}");
    let _ = std::fs::remove_dir_all(d.parent().unwrap());
}
