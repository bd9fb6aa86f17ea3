//! Issue 27: hostile and unlucky inputs, round 2. A received session or bundle cannot exhaust
//! memory or become unreadable, a relative path never ships someone else's video, the log
//! counts only training and opens on a read-only place, a typo overwrites nothing, every error
//! is one line, and no run leaves its temp files behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{json, Value};

fn sample() -> PathBuf {
    common::root().join("assets/glute_bridge_bodyweight_1rep.mp4")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

/// One analysis of the bundled sample (no video, no log), shared by the tests that edit a copy.
fn analyzed() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = common::tmpdir("hostile-base").join("s");
        common::analyze_ok(&sample(), &d, &["--no-video", "--no-log", "--variation", "glute-bridge"], &[]);
        d
    })
}

/// A copy of the analyzed session folder.
fn session_copy(name: &str) -> PathBuf {
    let d = common::tmpdir(name).join("s");
    std::fs::create_dir_all(d.join("keyframes")).unwrap();
    let src = analyzed();
    for e in walk(src) {
        let rel = e.strip_prefix(src).unwrap();
        std::fs::copy(&e, d.join(rel)).unwrap();
    }
    d
}

fn walk(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs the binary under a 1 GiB address-space limit (`prlimit`): an allocation driven by a
/// file's number fails there instead of taking the machine's memory.
fn limited(args: &[&str], data: &Path) -> Output {
    Command::new("prlimit")
        .arg(format!("--as={}", 1u64 << 30))
        .arg(env!("CARGO_BIN_EXE_thrustline"))
        .args(args)
        .env("THRUSTLINE_DATA", data)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A clean refusal: not killed by a signal (an abort on a failed allocation is SIGABRT), no
/// panic, one line.
fn one_line_refusal(o: &Output, what: &str) {
    use std::os::unix::process::ExitStatusExt;
    let err = stderr(o);
    assert!(o.status.signal().is_none(), "{what}: killed by signal {:?}: {err}", o.status.signal());
    assert!(!o.status.success(), "{what}: accepted: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{what}: one line expected: {err}");
}

fn bundle_of(dir: &Path, out: &Path) {
    let o = common::thrustline(&["bundle", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A zip with these entries (name, bytes), as a hostile sender would build it.
fn zip_of(out: &Path, entries: &[(&str, Vec<u8>)]) {
    let f = std::fs::File::create(out).unwrap();
    let mut z = zip::ZipWriter::new(f);
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut z, bytes).unwrap();
    }
    z.finish().unwrap();
}

/// An edit of a session.json.
type Edit<'a> = Box<dyn Fn(&mut Value) + 'a>;

/// 27.1 and 27.4, fuzz-style: extreme numbers, huge counts and strings in session.json, in a
/// folder (`comment`, `bundle`) and in a received bundle (`review`, which opens it before any
/// window), each run under 1 GiB of address space: refused in one line naming the field, no
/// partial folder left, never killed. Before the fix `duration_s: 1e12` allocated 5.9 GB.
#[test]
fn extreme_numbers_in_sessions_and_bundles_are_refused_in_bounded_memory() {
    let base = read_json(&analyzed().join("session.json"));
    let text = "x".repeat(20_000);
    let comment = |t: Value, text: &str, mark: Option<Value>| {
        let mut c = json!({"t_s": t, "rep": 1, "author": "coach", "text": text});
        if let Some(m) = mark {
            c["mark"] = m;
        }
        c
    };
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("duration 1e12", Box::new(|s| s["input"]["duration_s"] = json!(1e12)), "input.duration_s"),
        ("duration 1e308", Box::new(|s| s["input"]["duration_s"] = json!(1e308)), "input.duration_s"),
        ("duration -1e308", Box::new(|s| s["input"]["duration_s"] = json!(-1e308)), "input.duration_s"),
        ("fps 1e308", Box::new(|s| s["input"]["fps"] = json!(1e308)), "input.fps"),
        ("camera pitch 3e38", Box::new(|s| s["camera_pitch_deg"] = json!(3e38)), "camera_pitch_deg"),
        ("camera yaw -3e38", Box::new(|s| s["camera_yaw_deg"] = json!(-3e38)), "camera_yaw_deg"),
        ("frames u64 max", Box::new(|s| s["input"]["frames"] = json!(u64::MAX)), "input.frames"),
        (
            "metric beyond f32",
            Box::new(|s| s["reps"][0]["metrics"]["lockout_hip_angle"] = json!(1e39)),
            "reps[0].metrics.lockout_hip_angle",
        ),
        ("rep time 1e300", Box::new(|s| s["reps"][0]["end_s"] = json!(1e300)), "reps[0].end_s"),
        (
            "comment at 1e308",
            Box::new(|s| s["comments"] = json!([comment(json!(1e308), "hi", None)])),
            "comments[0].t_s",
        ),
        (
            "mark at 1e308",
            Box::new(|s| {
                let m = json!({"kind": "line", "points": [[0.1, 0.1], [1e308, 0.5]], "degrees": 3.0});
                s["comments"] = json!([comment(json!(0.5), "hi", Some(m))]);
            }),
            "comments[0].mark.points[1][0]",
        ),
        (
            "mark with 100000 points",
            Box::new(|s| {
                let pts: Vec<[f32; 2]> = vec![[0.5, 0.5]; 100_000];
                let m = json!({"kind": "angle", "points": pts, "degrees": 3.0});
                s["comments"] = json!([comment(json!(0.5), "hi", Some(m))]);
            }),
            "comments[0].mark.points",
        ),
        (
            "20000 comments",
            Box::new(|s| s["comments"] = Value::Array(vec![comment(json!(0.5), "hi", None); 20_000])),
            "comments holds 20000",
        ),
        (
            "a 20000-character comment",
            Box::new(move |s| s["comments"] = json!([comment(json!(0.5), &text, None)])),
            "comments[0].text",
        ),
        ("not an object", Box::new(|s| *s = json!([1, 2, 3])), "not a Thrustline session"),
    ];
    let d = common::tmpdir("extreme");
    let data = d.join("data");
    for (i, (what, edit, field)) in cases.iter().enumerate() {
        let dir = d.join(format!("case{i}"));
        std::fs::create_dir_all(dir.join("keyframes")).unwrap();
        for e in walk(analyzed()) {
            std::fs::copy(&e, dir.join(e.strip_prefix(analyzed()).unwrap())).unwrap();
        }
        let mut s = base.clone();
        edit(&mut s);
        write_json(&dir.join("session.json"), &s);
        let dirs = dir.to_str().unwrap();
        let o = limited(&["comment", dirs, "--at", "0.5", "--text", "ok"], &data);
        one_line_refusal(&o, &format!("comment, {what}"));
        assert!(stderr(&o).contains(field), "comment, {what}: the field is named: {}", stderr(&o));
        let thrust = d.join(format!("case{i}.thrust"));
        let o = limited(&["bundle", dirs, "-o", thrust.to_str().unwrap()], &data);
        one_line_refusal(&o, &format!("bundle, {what}"));
        assert!(!thrust.exists(), "{what}: a bundle of a refused session was written");
        // The same session.json in a bundle someone sends: refused on opening, nothing left.
        let mut entries = vec![("session.json", serde_json::to_vec(&s).unwrap())];
        entries.push(("frames.jsonl", std::fs::read(analyzed().join("frames.jsonl")).unwrap()));
        zip_of(&thrust, &entries);
        let o = limited(&["review", thrust.to_str().unwrap()], &data);
        one_line_refusal(&o, &format!("review, {what}"));
        assert!(stderr(&o).contains(field), "review, {what}: {}", stderr(&o));
        assert!(!stderr(&o).contains(".partial"), "review, {what}: a temp path in the message");
        let reviews = data.join("reviews");
        let left: Vec<_> = std::fs::read_dir(&reviews).map(|r| r.flatten().collect()).unwrap_or_default();
        assert!(left.is_empty(), "{what}: left in {}: {left:?}", reviews.display());
    }
    // A frame stream whose times run past a day is refused the same way.
    let dir = session_copy("extreme-frames");
    let mut lines: Vec<String> =
        std::fs::read_to_string(dir.join("frames.jsonl")).unwrap().lines().map(String::from).collect();
    let mut v: Value = serde_json::from_str(&lines[5]).unwrap();
    v["t"] = json!(1e15);
    lines[5] = v.to_string();
    std::fs::write(dir.join("frames.jsonl"), lines.join("\n") + "\n").unwrap();
    let o = limited(&["comment", dir.to_str().unwrap(), "--at", "0.5", "--text", "ok"], &data);
    one_line_refusal(&o, "frames.jsonl t 1e15");
    assert!(stderr(&o).contains("line 6"), "{}", stderr(&o));
    // At the edge of what is sane, the session is read and its report stays small.
    let dir = session_copy("extreme-edge");
    let mut s = read_json(&dir.join("session.json"));
    s["input"]["duration_s"] = json!(86_000.0);
    write_json(&dir.join("session.json"), &s);
    let o = limited(&["comment", dir.to_str().unwrap(), "--at", "80000", "--text", "late"], &data);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.len() < 2 << 20, "report of {} bytes", html.len());
    assert!(html.contains("late"));
    let _ = std::fs::remove_dir_all(&d);
}

/// 27.1: a real video whose timestamps jump by 1e9 s after frame 45 (the ffmpeg
/// command) is refused in one line, under 1 GiB, and leaves no session behind.
#[test]
fn a_timestamp_jump_in_a_video_is_refused() {
    let d = common::tmpdir("tsjump");
    let clip = d.join("tsjump.mkv");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(sample())
        .args(["-an", "-vf", "setpts='if(gte(N,45),PTS+1e9/TB,PTS)'", "-fps_mode", "passthrough"])
        .args(["-c:v", "libx264", "-preset", "ultrafast"])
        .arg(&clip)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIP: ffmpeg with libx264 is needed to make the clip");
        return;
    }
    let out = d.join("o");
    let o = limited(
        &["analyze", "--quiet", "--no-log", "--out", out.to_str().unwrap(), clip.to_str().unwrap()],
        &d.join("data"),
    );
    one_line_refusal(&o, "timestamp jump");
    assert!(stderr(&o).contains("timestamps are broken"), "{}", stderr(&o));
    assert!(!out.join("session.json").exists());
    let _ = std::fs::remove_dir_all(&d);
}

/// 27.3: `analyze clip.mp4` stored "clip.mp4", and `bundle` run from another folder packed that
/// folder's clip.mp4 (someone else's video). The session now stores the canonical path, and a
/// path is followed only to the file analyzed (its size and sha256).
#[test]
fn a_session_never_ships_another_folders_video() {
    let d = common::tmpdir("relative");
    let (a, b) = (d.join("a"), d.join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::copy(sample(), a.join("clip.mp4")).unwrap();
    // Another person's video, same name, in another folder.
    let mut other = std::fs::read(sample()).unwrap();
    other.extend_from_slice(b"another person");
    std::fs::write(b.join("clip.mp4"), &other).unwrap();
    let s = d.join("s");
    let o = Command::new(env!("CARGO_BIN_EXE_thrustline"))
        .current_dir(&a)
        .args(["analyze", "--quiet", "--no-video", "--no-log", "--out"])
        .arg(&s)
        .arg("clip.mp4")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&s.join("session.json"));
    let file = v["input"]["file"].as_str().unwrap();
    assert!(Path::new(file).is_absolute() && file.ends_with("a/clip.mp4"), "{file}");
    let bundle_from_b = |name: &str| -> Vec<String> {
        let out = d.join(name);
        let o = Command::new(env!("CARGO_BIN_EXE_thrustline"))
            .current_dir(&b)
            .args(["bundle"])
            .arg(&s)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        z.file_names().map(|n| n.unwrap().into_owned()).collect()
    };
    // With the original in place, the original travels.
    let names = bundle_from_b("one.thrust");
    assert!(names.contains(&"video.mp4".to_string()), "{names:?}");
    let mut z = zip::ZipArchive::new(std::fs::File::open(d.join("one.thrust")).unwrap()).unwrap();
    let mut shipped = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name("video.mp4").unwrap(), &mut shipped).unwrap();
    assert_eq!(shipped, std::fs::read(sample()).unwrap(), "the analyzed video, not b's");
    // A session from before (a relative name), run from b: b's clip.mp4 is not followed.
    let mut v2 = v.clone();
    v2["input"]["file"] = json!("clip.mp4");
    write_json(&s.join("session.json"), &v2);
    assert!(!bundle_from_b("two.thrust").iter().any(|n| n.starts_with("video.")));
    // A hand-edited absolute path to another video: its checksum is not the one analyzed.
    v2["input"]["file"] = json!(b.join("clip.mp4").display().to_string());
    write_json(&s.join("session.json"), &v2);
    assert!(!bundle_from_b("three.thrust").iter().any(|n| n.starts_with("video.")));
    let _ = std::fs::remove_dir_all(&d);
}

/// 27.2: on a read-only folder `thrustline log` said the healthy log was damaged (its WAL
/// reader wanted a -shm file). Run as an unprivileged user, since root writes anywhere.
#[test]
fn the_log_reads_on_a_read_only_folder_and_leaves_nothing_there() {
    let d = common::tmpdir("ro-log");
    let data = d.join("data");
    let env = [("THRUSTLINE_DATA", data.to_str().unwrap())];
    common::analyze_ok(&sample(), &d.join("s"), &["--no-video"], &env);
    let is_root = unsafe_getuid() == 0;
    let setpriv = Path::new("/usr/bin/setpriv").is_file();
    if !is_root || !setpriv {
        eprintln!("SKIP: needs root and setpriv to run the log as an unprivileged user");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    // World-readable, nobody's to write: the folder and the log.
    for p in [&d, &data] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(data.join("training_log.sqlite3"), std::fs::Permissions::from_mode(0o644))
        .unwrap();
    let before: Vec<PathBuf> = walk(&data);
    let mut exe_ok = true;
    for a in Path::new(env!("CARGO_BIN_EXE_thrustline")).ancestors().skip(1) {
        let m = std::fs::metadata(a).map(|m| m.permissions().mode()).unwrap_or(0);
        exe_ok &= m & 0o001 != 0;
    }
    if !exe_ok {
        eprintln!("SKIP: the test binary's folders are not open to an unprivileged user");
        return;
    }
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_thrustline"))
        .args(["log", "--json"])
        .env("THRUSTLINE_DATA", &data)
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "log as nobody: {err}");
    assert!(!err.contains("damaged"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(walk(&data), before, "reading created files beside the log");
    // The owner still writes afterwards.
    let o = common::thrustline_env(
        &[
            "analyze",
            "--quiet",
            "--no-video",
            "--out",
            d.join("s2").to_str().unwrap(),
            "--date",
            "2026-01-02",
            sample().to_str().unwrap(),
        ],
        &env,
    );
    assert!(o.status.success() && !stderr(&o).contains("not updated"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&d);
}

fn unsafe_getuid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// 27.5: 0-rep sessions were logged, every `analyze --force` added a row, the same file twice
/// in one call was logged twice, and the date was the analysis's, not the training's.
#[test]
fn the_log_counts_each_workout_once_on_the_day_it_was_recorded() {
    let d = common::tmpdir("log-once");
    let data = d.join("data");
    let env = [("THRUSTLINE_DATA", data.to_str().unwrap())];
    // The sample stamped as recorded on 2025-03-04 10:20 UTC by its container.
    let dated = d.join("dated.mp4");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(sample())
        .args(["-c", "copy", "-metadata", "creation_time=2025-03-04T10:20:00.000000Z"])
        .arg(&dated)
        .status()
        .is_ok_and(|s| s.success());
    let log = || -> Vec<Value> {
        let o = common::thrustline_env(&["log", "--json"], &env);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["sessions"].as_array().unwrap().clone()
    };
    let s = sample();
    let out = d.join("o");
    let analyze = |extra: &[&str], inputs: &[&Path]| {
        let mut args = vec!["analyze", "--quiet", "--no-video", "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        let o = common::thrustline_env(&args, &env);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    analyze(&[], &[&s]);
    analyze(&["--force"], &[&s]);
    analyze(&["--force"], &[&s]);
    assert_eq!(log().len(), 1, "one workout analyzed three times");
    // The same file twice in one call (two folders): still one workout.
    let _ = std::fs::remove_dir_all(&out);
    let copy = d.join("again.mp4");
    std::fs::copy(&s, &copy).unwrap();
    analyze(&[], &[&s, &copy]);
    assert_eq!(log().len(), 1, "the same recording twice");
    // A look-alike with 0 reps is not training: the pelvic tilt, where the lifter is seen.
    if let Some(shared) = common::shared() {
        let _ = std::fs::remove_dir_all(&out);
        analyze(&[], &[&shared.join("footage/pelvic_tilt_supine_0reps.mp4")]);
        assert_eq!(log().len(), 1, "a 0-rep session was logged");
    }
    if made {
        let _ = std::fs::remove_dir_all(&out);
        analyze(&[], &[&dated]);
        let e = log();
        let t = e.iter().map(|x| x["recorded_unix_s"].as_i64().unwrap()).min().unwrap();
        // 2025-03-04T10:20:00Z: 1741083600.
        assert_eq!(t, 1_741_083_600, "{e:?}");
        // --date says it over the container (the same recording: still one row).
        let _ = std::fs::remove_dir_all(&out);
        analyze(&["--date", "2025-03-06 07:00"], &[&dated]);
        let e = log();
        assert!(e.iter().any(|x| x["recorded_unix_s"] == 1_741_244_400), "{e:?}");
        assert!(!e.iter().any(|x| x["recorded_unix_s"] == 1_741_083_600), "{e:?}");
    } else {
        eprintln!("SKIP (part): ffmpeg is needed to stamp a creation time");
    }
    let o =
        common::thrustline_env(&["analyze", "--out", "x", "--date", "tuesday", s.to_str().unwrap()], &env);
    assert!(!o.status.success() && stderr(&o).contains("\"tuesday\" is not a date"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&d);
}

/// 27.6: `bundle s -o s/session.json` turned the session into a zip, `-o` onto the video
/// replaced it, and two analyses into one folder at once lost one silently.
#[test]
fn a_typo_overwrites_nothing_and_a_busy_folder_is_refused() {
    let dir = session_copy("typo");
    let d = dir.parent().unwrap().to_path_buf();
    let session_before = std::fs::read(dir.join("session.json")).unwrap();
    let video = d.join("mine.mp4");
    std::fs::copy(sample(), &video).unwrap();
    let mut v = read_json(&dir.join("session.json"));
    v["input"]["file"] = json!(video.display().to_string());
    v["input"]["size_bytes"] = json!(std::fs::metadata(&video).unwrap().len());
    write_json(&dir.join("session.json"), &v);
    let notes = d.join("notes.txt");
    std::fs::write(&notes, "my notes").unwrap();
    let ds = dir.to_str().unwrap();
    for (target, needle) in [
        (dir.join("session.json"), "inside the session folder"),
        (dir.join("new.thrust"), "inside the session folder"),
        (video.clone(), "is the session's video"),
        (notes.clone(), "not a Thrustline bundle"),
        (d.clone(), "is a folder"),
    ] {
        let before = std::fs::read(&target).ok();
        let o = common::thrustline(&["bundle", ds, "-o", target.to_str().unwrap()]);
        one_line_refusal(&o, &target.display().to_string());
        assert!(stderr(&o).contains(needle), "{}: {}", target.display(), stderr(&o));
        assert_eq!(std::fs::read(&target).ok(), before, "{} changed", target.display());
    }
    // The coach's page the same way: `share -o` had written its page over the annotated video,
    // session.json and the lifter's own video, exit status 0.
    for (target, needle) in [
        (dir.join("session.json"), "inside the session folder"),
        (dir.join("keyframes").join("review.html"), "inside the session folder"),
        (video.clone(), "is the session's video"),
        (notes.clone(), "not a Thrustline review page"),
        (d.clone(), "is a folder"),
    ] {
        let before = std::fs::read(&target).ok();
        let o = common::thrustline(&["share", ds, "-o", target.to_str().unwrap(), "--video-size", "160"]);
        one_line_refusal(&o, &target.display().to_string());
        assert!(stderr(&o).contains(needle), "{}: {}", target.display(), stderr(&o));
        assert_eq!(std::fs::read(&target).ok(), before, "{} changed", target.display());
    }
    // A page is replaced by a page (here or at the folder's own review.html); --force replaces
    // another file.
    let page = d.join("page.html");
    for args in [&["-o", page.to_str().unwrap()][..], &["-o", page.to_str().unwrap()], &[], &[]] {
        let o = common::thrustline(&[&["share", ds, "--video-size", "160"][..], args].concat());
        assert!(o.status.success(), "share {args:?}: {}", stderr(&o));
    }
    let other = d.join("other.txt");
    std::fs::write(&other, "mine").unwrap();
    let o =
        common::thrustline(&["share", ds, "-o", other.to_str().unwrap(), "--force", "--video-size", "160"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(std::fs::read(dir.join("session.json")).unwrap(), session_before, "the edit above holds");
    // A bundle is replaced by a bundle; --force replaces another file.
    let b = d.join("x.thrust");
    bundle_of(&dir, &b);
    bundle_of(&dir, &b);
    let o = common::thrustline(&["bundle", ds, "-o", notes.to_str().unwrap(), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Another analysis holds the folder: a clear refusal, the folder untouched.
    let out = d.join("busy");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.join(".busy.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-video",
        "--no-log",
        "--force",
        "--out",
        out.to_str().unwrap(),
        sample().to_str().unwrap(),
    ]);
    one_line_refusal(&o, "busy folder");
    assert!(stderr(&o).contains("another Thrustline"), "{}", stderr(&o));
    assert!(!out.exists());
    drop(lock);
    let _ = std::fs::remove_dir_all(&d);
}

/// 27.7: errors printed twice, internals (EOCD, serde's struct names, a temp path), a folder
/// called "no such file", and `comment --at` taking a second past the end.
#[test]
fn every_error_is_one_line_in_the_users_words() {
    let dir = session_copy("messages");
    let d = dir.parent().unwrap().to_path_buf();
    let data = d.join("data");
    let duration = read_json(&dir.join("session.json"))["input"]["duration_s"].as_f64().unwrap();
    let ds = dir.to_str().unwrap();
    let past = format!("{}", duration + 0.5);
    let o = common::thrustline(&["comment", ds, "--at", &past, "--text", "late"]);
    one_line_refusal(&o, "comment past the end");
    assert!(stderr(&o).contains("outside the video"), "{}", stderr(&o));
    let not_zip = d.join("broken.thrust");
    std::fs::write(&not_zip, b"this is not a zip").unwrap();
    let not_session = d.join("nosession.thrust");
    zip_of(&not_session, &[("session.json", b"{\"hello\": 1}".to_vec())]);
    let folder = d.join("a-folder");
    std::fs::create_dir_all(&folder).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["review".into(), not_zip.display().to_string()], "not a Thrustline bundle"),
        (vec!["review".into(), not_session.display().to_string()], "not a Thrustline session"),
        (
            vec![
                "analyze".into(),
                "--out".into(),
                d.join("o").display().to_string(),
                folder.display().to_string(),
            ],
            "is a folder",
        ),
        (
            vec![
                "pose".into(),
                "/nonexistent/clip.mp4".into(),
                "-o".into(),
                d.join("p.json").display().to_string(),
            ],
            "no such file",
        ),
        (
            vec![
                "bundle".into(),
                "/nonexistent/session".into(),
                "-o".into(),
                d.join("b.thrust").display().to_string(),
            ],
            "session",
        ),
        // A missing folder is named as missing, with or without a display (it had been hidden
        // behind "no display to open the review window on").
        (vec!["review".into(), "/nonexistent/session".into()], "no such file or folder"),
        (
            vec!["comment".into(), ds.into(), "--import".into(), "/nonexistent/reply.json".into()],
            "cannot read",
        ),
    ];
    for (args, needle) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = limited(&a, &data);
        one_line_refusal(&o, &args.join(" "));
        let err = stderr(&o);
        assert!(err.contains(needle), "{args:?}: {err}");
        for internal in ["EOCD", "expected struct", ".partial", "WARN", "moov atom"] {
            assert!(!err.contains(internal), "{args:?}: internals in {err}");
        }
        // Each path appears once.
        for p in args.iter().filter(|a| a.starts_with('/')) {
            assert!(err.matches(p.as_str()).count() <= 1, "{args:?}: {p} repeated in {err}");
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// 27.8: a killed run left `.annotated.tmp.mp4` (never swept, and the folder then read as "not
/// empty") and `.frames.jsonl.<pid>.tmp` whose pid had been reused.
#[test]
fn temp_files_of_any_earlier_run_are_swept() {
    let d = common::tmpdir("leftovers");
    let out = d.join("s");
    std::fs::create_dir_all(&out).unwrap();
    // pid 1 is always alive: only the folder's lock can tell these are stale.
    for name in [".annotated.tmp.mp4", ".frames.jsonl.1.tmp", ".session.json.1.tmp"] {
        std::fs::write(out.join(name), vec![0u8; 4096]).unwrap();
    }
    common::analyze_ok(&sample(), &out, &["--no-log"], &[]);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");
    assert!(names.contains(&"annotated.mp4".to_string()));
    let _ = std::fs::remove_dir_all(&d);
}
