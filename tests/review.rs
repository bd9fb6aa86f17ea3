//! Coach review: comments, `.thrust` bundles (round trip, hostile ones refused), and the review
//! window under Xvfb showing a bundle's comment at its timestamp.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zip::write::SimpleFileOptions;

fn sample() -> PathBuf {
    common::root().join("assets/glute_bridge_bodyweight_1rep.mp4")
}

fn analyze(out: &Path) {
    let o = common::thrustline(&[
        "analyze",
        sample().to_str().unwrap(),
        "--variation",
        "glute-bridge",
        "--quiet",
        "--no-log",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn xvfb() -> bool {
    let ok = Path::new("/usr/bin/xvfb-run").is_file();
    if !ok {
        eprintln!("SKIP: xvfb-run not installed (scripts/test.sh installs it)");
    }
    ok
}

/// `clip` analyzed (no video, no log) into `out/s`: the folder and its session.json.
fn analyzed(clip: &Path, out: &Path) -> (PathBuf, Value) {
    let session = out.join("s");
    common::analyze_ok(clip, &session, &["--no-log", "--no-video"], &[]);
    let s = serde_json::from_slice(&std::fs::read(session.join("session.json")).unwrap()).unwrap();
    (session, s)
}

/// The review window on `input` under Xvfb with `args` (it closes itself with `--exit`): the UI
/// trace it wrote, in `out`.
fn review_trace(input: &Path, out: &Path, args: &[&str]) -> Value {
    let trace = out.join("trace.json");
    let o = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1400x900x24", env!("CARGO_BIN_EXE_thrustline"), "review"])
        .arg(input)
        .args(args)
        .arg("--ui-trace")
        .arg(&trace)
        .env("THRUSTLINE_DATA", out.join("data"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap()
}

#[test]
fn comments_survive_a_bundle_round_trip_and_show_in_review() {
    let out = common::tmpdir("review-roundtrip");
    let session = out.join("session");
    analyze(&session);
    for (at, text) in [("1.5", "Chin tucked here, good"), ("2.6", "Lower slower")] {
        let o = common::thrustline(&[
            "comment",
            session.to_str().unwrap(),
            "--at",
            at,
            "--text",
            text,
            "--author",
            "Coach Ana",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    // The report is rebuilt with the comments, key frames kept.
    let html = std::fs::read_to_string(session.join("report.html")).unwrap();
    assert!(html.contains("Chin tucked here, good") && html.contains("Coach Ana"));
    assert!(html.contains("data:image/jpeg;base64,"));
    let bundle = out.join("share.thrust");
    let o = common::thrustline(&["bundle", session.to_str().unwrap(), "-o", bundle.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Opened elsewhere: the original folder is gone, the bundle carries the video.
    std::fs::remove_dir_all(&session).unwrap();
    let opened = out.join("opened");
    let rev = |extra: &[&str]| {
        let mut c = std::process::Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1400x900x24", env!("CARGO_BIN_EXE_thrustline"), "review"]);
        c.arg(&bundle).arg("--out").arg(&opened).args(["--exit", "--at", "1.5"]).args(extra);
        c.env("THRUSTLINE_DATA", out.join("data"));
        c.output().unwrap()
    };
    let dir = if xvfb() {
        let shot = out.join("review.png");
        let trace = out.join("trace.json");
        let o = rev(&["--screenshot", shot.to_str().unwrap(), "--ui-trace", trace.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let t: Value = serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap();
        assert_eq!(t["comments_visible"], serde_json::json!(["Chin tucked here, good"]), "{t}");
        assert_eq!(t["skeleton_drawn"], true, "{t}");
        assert_eq!(t["frame_shown"], 45, "{t}");
        let img = image::open(&shot).unwrap().to_rgb8();
        assert!(img.pixels().filter(|p| p.0 == [255, 210, 60]).count() > 100, "comment text not on screen");
        opened.join("share")
    } else {
        thrustline_report::bundle::extract(&bundle, &opened).unwrap()
    };
    let s: Value = serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap();
    let comments = s["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0]["text"], "Chin tucked here, good");
    assert_eq!(comments[0]["author"], "Coach Ana");
    assert_eq!(comments[0]["rep"], 1);
    assert_eq!(s["input"]["file"], "video.mp4");
    assert_eq!(
        std::fs::read(dir.join("video.mp4")).unwrap(),
        std::fs::read(sample()).unwrap(),
        "the video travels unchanged"
    );
}

#[test]
fn a_bare_video_is_analyzed_then_reviewed() {
    if !xvfb() {
        return;
    }
    let out = common::tmpdir("review-video");
    let s = out.join("s");
    let t = review_trace(
        &sample(),
        &out,
        &["--variation", "glute-bridge", "--exit", "--at", "1.0", "--out", s.to_str().unwrap()],
    );
    assert_eq!(t["rep_marks"], 1, "{t}");
    assert_eq!(t["skeleton_drawn"], true, "{t}");
}

/// A comment saved by another command while the window has the folder open is kept: the
/// window's next save had written back the copy it loaded, deleting it.
#[test]
fn a_comment_saved_while_the_window_is_open_is_kept() {
    use thrustline_report::folder::SessionFolder;
    use thrustline_report::session::Comment;
    let out = common::tmpdir("review-concurrent");
    let session = out.join("session");
    analyze(&session);
    let mut window = SessionFolder::open(&session).unwrap();
    let o =
        common::thrustline(&["comment", session.to_str().unwrap(), "--at", "1.0", "--text", "from the CLI"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mine =
        Comment { t_s: 2.0, rep: None, author: "me".into(), text: "from the window".into(), mark: None };
    window.add_comment(mine).unwrap();
    let texts = |d: &Path| -> Vec<String> {
        let s: Value = serde_json::from_slice(&std::fs::read(d.join("session.json")).unwrap()).unwrap();
        s["comments"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(texts(&session), ["from the CLI", "from the window"]);
    // Deleting the window's own comment finds it among what is on disk, and leaves the other.
    let stale = SessionFolder::open(&session).unwrap();
    let o =
        common::thrustline(&["comment", session.to_str().unwrap(), "--at", "0.5", "--text", "second CLI"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut stale = stale;
    let i = stale.session.comments.iter().position(|c| c.text == "from the window").unwrap();
    stale.remove_comment(i).unwrap();
    assert_eq!(texts(&session), ["second CLI", "from the CLI"]);
    let _ = std::fs::remove_dir_all(&out);
}

/// The same bundle opened twice reopens the folder it was opened into, with the comments made
/// there (each opening had unpacked a fresh copy, hiding them); another bundle of the same
/// name gets its own folder.
#[test]
fn a_bundle_opened_again_shows_the_comments_made_in_it() {
    use thrustline_report::bundle;
    let out = common::tmpdir("review-reopen");
    let session = out.join("session");
    analyze(&session);
    let b = out.join("share.thrust");
    let o = common::thrustline(&["bundle", session.to_str().unwrap(), "-o", b.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let root = out.join("opened");
    let (first, again) = bundle::open(&b, &root).unwrap();
    assert!(!again);
    let o =
        common::thrustline(&["comment", first.to_str().unwrap(), "--at", "1.0", "--text", "seen on opening"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (second, again) = bundle::open(&b, &root).unwrap();
    assert!(again);
    assert_eq!(second, first);
    let s: Value = serde_json::from_slice(&std::fs::read(second.join("session.json")).unwrap()).unwrap();
    assert_eq!(s["comments"][0]["text"], "seen on opening");
    // The sender's new bundle under the same name is another session: a folder of its own.
    let o = common::thrustline(&["comment", session.to_str().unwrap(), "--at", "2.0", "--text", "new"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = common::thrustline(&["bundle", session.to_str().unwrap(), "-o", b.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (third, again) = bundle::open(&b, &root).unwrap();
    assert!(!again);
    assert_ne!(third, first);
    let _ = std::fs::remove_dir_all(&out);
}

/// A bare video reviewed again reopens its earlier analysis with the comments made there,
/// where each review had analyzed into a new folder; `--out` analyzes it again.
#[test]
fn a_video_reviewed_again_shows_the_comments_made_before() {
    if !xvfb() {
        return;
    }
    let out = common::tmpdir("review-video-again");
    let video = out.join("my set.mp4");
    std::fs::copy(sample(), &video).unwrap();
    let review = || {
        std::process::Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1400x900x24", env!("CARGO_BIN_EXE_thrustline"), "review"])
            .arg(&video)
            .args(["--exit", "--at", "1.0", "--ui-trace"])
            .arg(out.join("trace.json"))
            .env("THRUSTLINE_DATA", out.join("data"))
            .output()
            .unwrap()
    };
    let o = review();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reviews = out.join("data").join("reviews");
    // Session folders (each analysis also leaves its lock file beside its folder).
    let folders = || -> Vec<PathBuf> {
        std::fs::read_dir(&reviews).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect()
    };
    assert_eq!(folders().len(), 1);
    let dir = folders()[0].clone();
    let o = common::thrustline(&["comment", dir.to_str().unwrap(), "--at", "1.2", "--text", "hips higher"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = review();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("reviewed before"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(folders(), [dir], "analyzed again into a new folder");
    let t: Value = serde_json::from_slice(&std::fs::read(out.join("trace.json")).unwrap()).unwrap();
    assert_eq!(t["comments_visible"], serde_json::json!(["hips higher"]), "{t}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_best_rep_is_a_ghost_over_another_rep() {
    let Some(shared) = common::shared() else { return };
    if !xvfb() {
        return;
    }
    let out = common::tmpdir("review-ghost");
    let (session, s) = analyzed(&shared.join("footage/glute_bridge_side_5reps.mp4"), &out);
    let reps = s["reps"].as_array().unwrap();
    // The best rep: complete, clean first, then the highest lockout.
    let key = |r: &Value| {
        (r["faults"].as_array().unwrap().is_empty(), r["metrics"]["peak_hip_angle"].as_f64().unwrap())
    };
    let best = reps
        .iter()
        .filter(|r| r["complete"] == true)
        .max_by(|a, b| key(a).partial_cmp(&key(b)).unwrap())
        .unwrap();
    let other = reps.iter().find(|r| r["index"] != best["index"]).unwrap();
    let at = (other["start_s"].as_f64().unwrap() + other["end_s"].as_f64().unwrap()) / 2.0;
    let t = review_trace(&session, &out, &["--ghost", "--exit", "--at", &format!("{at:.3}")]);
    assert_eq!(t["ghost_drawn"], true, "{t}");
    assert_eq!(t["rep_marks"], 5, "{t}");
}

/// A session with no rep says why in the review window, in the report's words: a lifter
/// reviewing a look-alike set sees "not a hip thrust … Seen: …", not a bare "0 reps".
#[test]
fn a_set_with_no_rep_says_why_in_review() {
    let Some(shared) = common::shared() else { return };
    if !xvfb() {
        return;
    }
    let out = common::tmpdir("review-why");
    let (session, s) = analyzed(&shared.join("footage/lying_leg_raise_floor_captions_0reps.mp4"), &out);
    let saved: Vec<Value> = s["warnings"].as_array().unwrap().iter().map(|w| w["message"].clone()).collect();
    assert!(saved.iter().any(|m| m.as_str().unwrap().contains("Seen: ")), "{saved:?}");
    let t = review_trace(&session, &out, &["--exit", "--at", "2.0"]);
    assert_eq!(t["warnings_shown"], Value::Array(saved), "{t}");
    let _ = std::fs::remove_dir_all(&out);
}

/// The window says what the report says where it had said less: why no rep counted on a set
/// with no warning (the pelvic tilt: "0 reps · 0 clean · hip thrust or bridge (told from the
/// video)" and nothing else), and what a rep's form could not show (the banded bridge's last
/// rep, cut by the clip's end: "clean (part not judged)" with no reason).
#[test]
fn review_says_why_no_rep_and_what_a_rep_left_unjudged() {
    let Some(shared) = common::shared() else { return };
    if !xvfb() {
        return;
    }
    let out = common::tmpdir("review-notes");
    let (session, s) = analyzed(&shared.join("footage/pelvic_tilt_supine_0reps.mp4"), &out);
    assert!(s["warnings"].as_array().unwrap().is_empty(), "{}", s["warnings"]);
    let t = review_trace(&session, &out, &["--exit", "--at", "2.0"]);
    assert_eq!(t["header"], "0 reps · no hip thrust or bridge counted", "{t}");
    let notes = t["notes_shown"].to_string();
    assert!(
        notes.contains("No rep was counted: nothing here moved as a hip thrust or bridge rep does"),
        "{t}"
    );
    let html = std::fs::read_to_string(session.join("report.html")).unwrap();
    assert!(html.contains("nothing here moved as a hip thrust or bridge rep does"));

    let out = common::tmpdir("review-notes-banded");
    let (session, s) = analyzed(&shared.join("footage/glute_bridge_banded_side_2reps.mp4"), &out);
    let last = s["reps"].as_array().unwrap().last().unwrap();
    let at = (last["start_s"].as_f64().unwrap() + last["end_s"].as_f64().unwrap()) / 2.0;
    let t = review_trace(&session, &out, &["--exit", "--at", &format!("{at:.3}")]);
    assert!(t["header"].as_str().unwrap().starts_with("2 reps · 2 clean"), "{t}");
    let notes = t["notes_shown"].to_string();
    assert!(
        notes.contains("not judged: the clip ended first (no squeeze at the top, uncontrolled lowering)"),
        "{t}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// A zip with the given (name, bytes) entries.
fn zip_with(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

fn refused(bundle: &Path, root: &Path, expect: &str) {
    let o = common::thrustline(&["review", bundle.to_str().unwrap(), "--out", root.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains(expect), "expected '{expect}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Nothing escaped, nothing half-extracted is left.
    let left: Vec<_> =
        std::fs::read_dir(root).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn hostile_and_damaged_bundles_are_refused() {
    let out = common::tmpdir("review-hostile");
    let session = out.join("session");
    analyze(&session);
    let json = std::fs::read(session.join("session.json")).unwrap();
    let root = out.join("root");

    let p = out.join("traversal.thrust");
    zip_with(&p, &[("session.json", &json), ("../escaped.txt", b"owned")]);
    refused(&p, &root, "unsafe path");
    assert!(!out.join("escaped.txt").exists() && !root.join("../escaped.txt").exists());

    let p = out.join("absolute.thrust");
    zip_with(&p, &[("session.json", &json), ("/tmp/thrustline-absolute.txt", b"owned")]);
    refused(&p, &root, "refused:");
    assert!(!Path::new("/tmp/thrustline-absolute.txt").exists());

    let p = out.join("unexpected.thrust");
    zip_with(&p, &[("session.json", &json), ("run.sh", b"rm -rf ~")]);
    refused(&p, &root, "unexpected file");

    // 300 MB of zeros squeezed into a few hundred kB.
    let p = out.join("bomb.thrust");
    zip_with(&p, &[("session.json", &json), ("frames.jsonl", &vec![0u8; 300 << 20])]);
    assert!(std::fs::metadata(&p).unwrap().len() < 4 << 20);
    refused(&p, &root, "zip bomb");

    let p = out.join("notjson.thrust");
    zip_with(&p, &[("session.json", b"{not json")]);
    refused(&p, &root, "damaged bundle");

    // A real bundle cut in half.
    let good = out.join("good.thrust");
    let o = common::thrustline(&["bundle", session.to_str().unwrap(), "-o", good.to_str().unwrap()]);
    assert!(o.status.success());
    let bytes = std::fs::read(&good).unwrap();
    let p = out.join("truncated.thrust");
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    refused(&p, &root, "damaged bundle");

    let p = out.join("garbage.thrust");
    std::fs::write(&p, b"PK\x03\x04 this is not a zip").unwrap();
    refused(&p, &root, "damaged bundle");

    // And the good one opens.
    let dir = thrustline_report::bundle::extract(&good, &root).unwrap();
    assert!(dir.join("session.json").is_file() && dir.join("video.mp4").is_file());
}

/// Issue 12.1: a received bundle's `input.file` is data, never a path to follow. A bundle whose
/// session names a local file (a secret, or a video elsewhere on the recipient's disk) opens
/// with its own video only, and a reply bundled from it carries nothing from outside.
#[test]
fn a_bundle_cannot_make_the_recipient_ship_a_local_file() {
    let out = common::tmpdir("review-leak");
    let session = out.join("session");
    analyze(&session);
    let mut s: Value = serde_json::from_slice(&std::fs::read(session.join("session.json")).unwrap()).unwrap();
    // Stand-ins for the recipient's private files: a secret, and a video outside the folder.
    let secret = out.join("secret.txt");
    std::fs::write(&secret, b"the recipient's secret").unwrap();
    let private_video = out.join("private.mp4");
    std::fs::copy(sample(), &private_video).unwrap();
    let root = out.join("root");
    for (i, target) in [
        secret.to_str().unwrap().to_string(),
        "/etc/passwd".to_string(),
        private_video.to_str().unwrap().to_string(),
        "../../private.mp4".to_string(),
    ]
    .iter()
    .enumerate()
    {
        s["input"]["file"] = Value::String(target.clone());
        let json = serde_json::to_vec(&s).unwrap();
        let theirs = out.join(format!("theirs-{i}.thrust"));
        zip_with(&theirs, &[("session.json", &json)]);
        // What review does first: open the bundle.
        let dir = thrustline_report::bundle::extract(&theirs, &root).unwrap();
        let opened: Value =
            serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap();
        assert_eq!(opened["input"]["file"], "", "{target}: the opened session still names it");
        // The reply bundled from the opened session.
        let reply = out.join(format!("reply-{i}.thrust"));
        let o = common::thrustline(&["bundle", dir.to_str().unwrap(), "-o", reply.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut z = zip::ZipArchive::new(std::fs::File::open(&reply).unwrap()).unwrap();
        let names: Vec<String> =
            (0..z.len()).map(|k| z.by_index(k).unwrap().name().unwrap().to_string()).collect();
        assert!(!names.iter().any(|n| n.starts_with("video.")), "{target}: reply carries {names:?}");
        for k in 0..z.len() {
            let mut e = z.by_index(k).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
            assert!(!bytes.windows(22).any(|w| w == b"the recipient's secret"), "{target}: secret leaked");
        }
    }
    // A session folder handed over as is (not a bundle) that names a non-video file: refused
    // as the video, so the bundle carries none.
    s["input"]["file"] = Value::String(secret.to_str().unwrap().to_string());
    std::fs::write(session.join("session.json"), serde_json::to_vec(&s).unwrap()).unwrap();
    let reply = out.join("folder-reply.thrust");
    let o = common::thrustline(&["bundle", session.to_str().unwrap(), "-o", reply.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let z = zip::ZipArchive::new(std::fs::File::open(&reply).unwrap()).unwrap();
    assert!(!z.file_names().any(|n| n.unwrap().starts_with("video.")));
    let _ = std::fs::remove_dir_all(&out);
}
