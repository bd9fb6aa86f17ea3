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
    // Trained 30 minutes apart (the log dates a session by its recording, issue 27).
    // The first in pounds: said back in pounds (it had read "20.41 kg" everywhere).
    for ((clip, load), date) in clips.iter().zip(["45lb", "0"]).zip(["2026-12-01 10:00", "2026-12-01 10:30"])
    {
        let video = shared.join("footage").join(clip);
        let o = common::thrustline_env(
            &[
                "analyze",
                "--quiet",
                "--no-video",
                "--date",
                date,
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
    assert_eq!(sessions[0]["load_kg"], 20.41);
    assert_eq!(sessions[0]["load_unit"], "lb");
    let session: Value =
        serde_json::from_slice(&std::fs::read(out.join(clips[0]).join("session.json")).unwrap()).unwrap();
    assert_eq!((&session["load_kg"], &session["load_unit"]), (&Value::from(20.41), &Value::from("lb")));
    let report = std::fs::read_to_string(out.join(clips[0]).join("report.html")).unwrap();
    assert!(report.contains(" · 45 lb"), "the report's header");
    assert_eq!(sessions[0]["faults"][0][0], "feet_too_far");
    assert_eq!(sessions[1]["reps"], 5);
    assert_eq!(sessions[1]["clean_reps"], 5);
    assert_eq!(v["guidance"]["goal"], "strength");
    assert!(v["guidance"]["rest_warning"].is_string(), "two sessions minutes apart");
    // The table form names both clips' sessions.
    let o = common::thrustline_env(&["log"], &env);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("feet too far x2") && text.contains("next load"), "{text}");
    assert!(text.contains("45 lb") && !text.contains("20.41"), "{text}");
    // Progress plots: four over time, and the load-velocity profile with both sessions (each
    // has a load and a hip velocity; two are too few for a fit, so no one-rep max is drawn).
    let page = out.join("progress.html");
    let o = common::thrustline_env(&["log", "--html", page.to_str().unwrap()], &env);
    assert!(o.status.success());
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), 5);
    let profile = &html[html.find("Load-velocity profile").expect("profile chart")..];
    assert_eq!(profile.matches("<circle").count(), 2, "{profile}");
    assert!(!profile.contains("1RM"));
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

#[test]
fn progress_window_plots_a_generated_history() {
    if !std::path::Path::new("/usr/bin/xvfb-run").is_file() {
        eprintln!("SKIP: xvfb-run not installed (scripts/test.sh installs it)");
        return;
    }
    let data = common::tmpdir("progress-window");
    {
        // Six sessions over two weeks, load rising, faults falling, the hips slowing with load.
        let mut log = thrustline_log::TrainingLog::open_in(&data).unwrap();
        for i in 0..6u32 {
            let e = thrustline_log::Entry {
                id: 0,
                recorded_unix_s: 1_760_000_000 + i64::from(i) * 3 * 86_400,
                source: format!("day{i}.mp4"),
                variation: "barbell".into(),
                load_kg: Some(60.0 + 2.5 * f64::from(i / 2)),
                sets: 3,
                reps_per_set: vec![8, 8, 8],
                reps: 24,
                partials: 0,
                clean_reps: 18 + i,
                load_unit: None,
                judged_reps: Some(24),
                mean_lockout_angle: Some(170.0 + f64::from(i)),
                faults: vec![("no_top_squeeze".into(), 6 - i)],
                best_mean_velocity_m_s: Some(1.2 - 0.01 * (60.0 + 2.5 * f64::from(i / 2))),
                workout: None,
            };
            log.add(&e).unwrap();
        }
    }
    let shot = data.join("progress.png");
    let o = std::process::Command::new("xvfb-run")
        .args([
            "-a",
            "-s",
            "-screen 0 1400x900x24",
            env!("CARGO_BIN_EXE_thrustline"),
            "log",
            "--window",
            "--screenshot",
        ])
        .arg(&shot)
        .env("THRUSTLINE_DATA", &data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let img = image::open(&shot).unwrap().to_rgb8();
    // Each chart's line colour is on screen: load (blue), reps (green), lockout (white), faults (red).
    for c in [[120u8, 180, 255], [80, 220, 120], [230, 70, 60]] {
        assert!(img.pixels().filter(|p| p.0 == c).count() > 400, "{c:?} missing");
    }
    // The load-velocity profile, under the four charts on the left: its points and fitted line
    // (blue) are drawn.
    let (w, h) = img.dimensions();
    let profile_blue = img
        .enumerate_pixels()
        .filter(|(x, y, p)| *x < w / 3 && *y > h * 6 / 10 && p.0 == [120, 180, 255])
        .count();
    assert!(profile_blue > 100, "profile chart: {profile_blue} blue pixels");
    let _ = std::fs::remove_dir_all(&data);
}
