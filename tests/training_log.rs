//! The training log after analyzing shared clips: one session per clip, right rep counts,
//! guidance present; `--json` for scripts.

mod common;

use serde_json::Value;

#[test]
fn analyzing_two_clips_logs_two_sessions() {
    let Some(shared) = common::shared() else { return };
    let data = common::tmpdir("logdata");
    let out = common::tmpdir("logout");
    let env = [("THRUSTLINE_DATA", data.to_str().unwrap())];
    let clips = ["hip_thrust_feet_far.mp4", "glute_bridge_side_5reps.mp4"];
    for (clip, load) in clips.iter().zip(["20kg", "0"]) {
        let video = shared.join("footage").join(clip);
        let o = common::thrustline_env(
            &[
                "analyze",
                "--quiet",
                "--no-video",
                "--load",
                load,
                "--out",
                out.join(clip).to_str().unwrap(),
                video.to_str().unwrap(),
            ],
            &env,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = common::thrustline_env(&["log", "--json", "--goal", "strength"], &env);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let sessions = v["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["reps"], 2);
    assert_eq!(sessions[0]["load_kg"], 20.0);
    assert_eq!(sessions[0]["faults"][0][0], "feet_too_far");
    assert_eq!(sessions[1]["reps"], 5);
    assert_eq!(sessions[1]["clean_reps"], 5);
    assert_eq!(v["guidance"]["goal"], "strength");
    assert!(v["guidance"]["rest_warning"].is_string(), "two sessions minutes apart");
    // The table form names both clips' sessions.
    let o = common::thrustline_env(&["log"], &env);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("feet_too_far x2") && text.contains("next load"), "{text}");
    // Progress plots, one point per session.
    let page = out.join("progress.html");
    let o = common::thrustline_env(&["log", "--html", page.to_str().unwrap()], &env);
    assert!(o.status.success());
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), 4);
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn an_unwritable_log_warns_but_keeps_the_reports() {
    let out = common::tmpdir("badlog");
    let blocker = out.join("not-a-dir");
    std::fs::write(&blocker, b"a file where the log folder should be").unwrap();
    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let o = common::thrustline_env(
        &[
            "analyze",
            "--quiet",
            "--no-video",
            "--out",
            out.join("r").to_str().unwrap(),
            sample.to_str().unwrap(),
        ],
        &[("THRUSTLINE_DATA", blocker.join("sub").to_str().unwrap())],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning: training log not updated"), "{err}");
    assert!(out.join("r/session.json").is_file());
    let _ = std::fs::remove_dir_all(&out);
}
