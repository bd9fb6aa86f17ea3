//! Issue 12.2: phone videos carry a display rotation; players turn the stored frames upright
//! and so must analyze (and live and review, which open files the same way). Each of the four
//! rotations is made with ffmpeg from the bundled sample so that players show it upright: the
//! stored frames are turned the other way and the container says how to undo it.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn ffmpeg(args: &[&str]) -> bool {
    Command::new("ffmpeg").args(["-v", "error", "-y"]).args(args).status().is_ok_and(|s| s.success())
}

#[test]
fn rotated_phone_videos_are_analyzed_upright() {
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("SKIP: ffmpeg not installed (scripts/test.sh installs it)");
        return;
    }
    let out = common::tmpdir("rotation");
    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let sample = sample.to_str().unwrap();
    // (display rotation tag, the filter that stores the frames turned the other way)
    for (rotate, filter) in
        [("0", "null"), ("90", "transpose=1"), ("180", "hflip,vflip"), ("270", "transpose=2")]
    {
        let stored = out.join(format!("stored{rotate}.mp4"));
        let tagged = out.join(format!("phone{rotate}.mp4"));
        assert!(ffmpeg(&["-i", sample, "-vf", filter, "-an", stored.to_str().unwrap()]));
        assert!(ffmpeg(&[
            "-i",
            stored.to_str().unwrap(),
            "-metadata:s:v",
            &format!("rotate={rotate}"),
            "-c",
            "copy",
            tagged.to_str().unwrap()
        ]));
        let dir = out.join(format!("session{rotate}"));
        let o = common::thrustline(&[
            "analyze",
            "--quiet",
            "--no-log",
            "--variation",
            "glute-bridge",
            "--out",
            dir.to_str().unwrap(),
            tagged.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "rotate={rotate}: {}", String::from_utf8_lossy(&o.stderr));
        let s: Value = serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap();
        // Upright: the sample's own 640×480 landscape frame, and its one rep.
        assert_eq!(
            (s["input"]["width"].as_u64(), s["input"]["height"].as_u64()),
            (Some(640), Some(480)),
            "rotate={rotate}"
        );
        assert_eq!(s["reps"].as_array().unwrap().len(), 1, "rotate={rotate}");
        assert!(Path::new(&dir.join("annotated.mp4")).is_file());
    }
    let _ = std::fs::remove_dir_all(&out);
}
