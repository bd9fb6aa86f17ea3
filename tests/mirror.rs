//! A lifter facing the other way is the same lifter: every shared clip mirrored (ffmpeg
//! `hflip`) must give what LABELS.json says, as the clip itself does. BlazePose is not
//! mirror-symmetric (the hip angle at the top moves by up to 9° between a clip and its mirror
//! image), so this holds the fault margins to a real, measured bias rather than one clip's
//! numbers.

mod common;

use std::process::Command;

use serde_json::Value;

#[test]
fn mirrored_clips_give_the_labelled_counts_and_faults() {
    let Some(shared) = common::shared() else { return };
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("SKIP: ffmpeg not installed (scripts/test.sh installs it)");
        return;
    }
    let d = common::tmpdir("mirror");
    let clips = common::clips(&shared);
    let mut mirrored = Vec::new();
    for clip in &clips {
        let dst = d.join(clip);
        let ok = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-i"])
            .arg(shared.join("footage").join(clip))
            .args(["-vf", "hflip", "-an"])
            .arg(&dst)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ffmpeg could not mirror {clip}");
        mirrored.push(dst.to_string_lossy().into_owned());
    }
    let out = d.join("out");
    let mut args = vec!["analyze", "--quiet", "--no-video", "--no-log", "--out", out.to_str().unwrap()];
    args.extend(mirrored.iter().map(String::as_str));
    let o = common::thrustline(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let labels: Value =
        serde_json::from_slice(&std::fs::read(shared.join("footage/LABELS.json")).unwrap()).unwrap();
    for clip in &clips {
        let s: Value = serde_json::from_slice(
            &std::fs::read(out.join(clip.trim_end_matches(".mp4")).join("session.json")).unwrap(),
        )
        .unwrap();
        common::assert_labels(&format!("mirrored {clip}"), &s, &labels[clip]);
    }
    let _ = std::fs::remove_dir_all(&d);
}
