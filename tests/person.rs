//! Locking onto the lifter (issue 14): two shared clips side by side (ffmpeg hstack), each
//! lifter picked with `--person`; the leg-curl clip's walker behind the bench never tracked.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn has_ffmpeg() -> bool {
    let ok = Command::new("ffmpeg").arg("-version").output().is_ok();
    if !ok {
        eprintln!("SKIP: ffmpeg not installed (scripts/test.sh installs it)");
    }
    ok
}

#[test]
fn each_lifter_side_by_side_is_coached_on_their_own() {
    let Some(shared) = common::shared() else { return };
    if !has_ffmpeg() {
        return;
    }
    let out = common::tmpdir("person-sbs");
    let clip = out.join("side_by_side.mp4");
    let ok = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(shared.join("footage/hip_thrust_feet_far.mp4"))
        .arg("-i")
        .arg(shared.join("footage/hip_thrust_feet_normal.mp4"))
        .args([
            "-filter_complex",
            "[0:v][1:v]hstack=inputs=2,format=yuv420p",
            "-c:v",
            "libx264",
            "-crf",
            "18",
            "-an",
        ])
        .arg(&clip)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "ffmpeg could not put the clips side by side");
    // Left: the feet-far lifter, whose two reps have their feet too far; right: feet placed well.
    for (person, expected) in [("left", Some("feet_too_far")), ("right", None)] {
        let dir = out.join(person);
        let o = common::thrustline(&[
            "analyze",
            "--quiet",
            "--no-video",
            "--no-log",
            "--person",
            person,
            "--out",
            dir.to_str().unwrap(),
            clip.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{person}: {}", String::from_utf8_lossy(&o.stderr));
        let s = json(&dir.join("session.json"));
        let reps = s["reps"].as_array().unwrap();
        assert_eq!(reps.len(), 2, "--person {person}");
        for r in reps {
            let faults: Vec<&str> =
                r["faults"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
            match expected {
                Some(id) => assert!(faults.contains(&id), "--person {person} rep {}: {faults:?}", r["index"]),
                None => assert!(
                    !faults.iter().any(|f| f.starts_with("feet_") || f.ends_with("_lifting")),
                    "--person {person} rep {}: {faults:?}",
                    r["index"]
                ),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_walker_behind_the_bench_is_never_tracked() {
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("person-walker");
    let json_path = out.join("prone.json");
    let o = common::thrustline(&[
        "pose",
        shared.join("footage/prone_leg_curl_bench_0reps.mp4").to_str().unwrap(),
        "-o",
        json_path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = json(&json_path);
    let (w, h) = (d["width"].as_f64().unwrap(), d["height"].as_f64().unwrap());
    let mut posed = 0;
    for (i, f) in d["frames"].as_array().unwrap().iter().enumerate() {
        let Some(lm) = f["lm"].as_array() else { continue };
        posed += 1;
        let p = |k: usize, a: usize| lm[k][a].as_f64().unwrap();
        // The lifter lies prone on the bench: shoulders beside the hips, not above them as the
        // walker's are.
        let dx = ((p(11, 0) + p(12, 0)) - (p(23, 0) + p(24, 0))) / 2.0 * w;
        let dy = ((p(11, 1) + p(12, 1)) - (p(23, 1) + p(24, 1))) / 2.0 * h;
        assert!(
            dx.abs() > dy.abs(),
            "frame {i}: an upright person is tracked (shoulders {dx:.0}, {dy:.0} px from the hips)"
        );
    }
    assert!(posed > 150, "the lifter is tracked on {posed} frames");
    let _ = std::fs::remove_dir_all(&out);
}

/// One `analyze` run over several videos: each video starts with nobody locked on. The lifter
/// of the video before was once remembered into the next (their place in another picture), so
/// its first detection read as "now tracking another" and, in auto mode, someone standing
/// could be passed over. The batch must give what each video gives alone.
#[test]
fn each_video_of_a_batch_starts_with_nobody_locked_on() {
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("person-batch");
    let clips = ["glute_bridge_bodyweight_1rep.mp4", "glute_bridge_dumbbell_6reps.mp4"];
    let videos: Vec<String> =
        clips.iter().map(|c| shared.join("footage").join(c).display().to_string()).collect();
    // `analyze` into `dir`; its stderr.
    let analyze = |dir: &Path, videos: &[String]| {
        let mut args = vec!["analyze", "--quiet", "--no-video", "--no-log", "--out", dir.to_str().unwrap()];
        args.extend(videos.iter().map(String::as_str));
        let o = common::thrustline(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let batch = out.join("batch");
    let stderr = analyze(&batch, &videos);
    assert!(!stderr.contains("now tracking another"), "a batch switched people between videos: {stderr}");
    for (clip, video) in clips.iter().zip(&videos) {
        let alone = out.join(clip.trim_end_matches(".mp4"));
        analyze(&alone, std::slice::from_ref(video));
        let a = json(&batch.join(clip.trim_end_matches(".mp4")).join("session.json"));
        let b = json(&alone.join("session.json"));
        assert_eq!(a["reps"], b["reps"], "{clip}: reps in the batch and alone");
        assert_eq!(a["frames_with_pose"], b["frames_with_pose"], "{clip}: frames with a pose");
    }
    let _ = std::fs::remove_dir_all(&out);
}
