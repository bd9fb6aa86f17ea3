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
        let label = &labels[clip];
        let reps = s["reps"].as_array().unwrap();
        assert_eq!(reps.len() as u64, label["reps"].as_u64().unwrap(), "mirrored {clip}: rep count");
        for f in label["faults"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap();
            if let Some(want) = f["reps"].as_array() {
                let with: Vec<&Value> = reps
                    .iter()
                    .filter(|r| r["faults"].as_array().unwrap().iter().any(|x| x["id"] == id))
                    .map(|r| &r["index"])
                    .collect();
                assert_eq!(with, want.iter().collect::<Vec<_>>(), "mirrored {clip} {id}");
            } else {
                let (a, b) = (f["start_s"].as_f64().unwrap(), f["end_s"].as_f64().unwrap());
                let hit = reps.iter().flat_map(|r| r["faults"].as_array().unwrap()).any(|x| {
                    x["id"] == id && x["start_s"].as_f64().unwrap() < b && x["end_s"].as_f64().unwrap() > a
                });
                assert!(hit, "mirrored {clip}: {id} within {a}-{b} s");
            }
        }
        if label["faults"].as_array().unwrap().is_empty() {
            let any: Vec<&Value> = reps.iter().flat_map(|r| r["faults"].as_array().unwrap()).collect();
            assert!(any.is_empty(), "mirrored {clip} is labelled clean: {any:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}
