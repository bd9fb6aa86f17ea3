//! `thrustline analyze` end to end: the shared clips' labels come out in session.json, the
//! annotated video has every frame, the CSV parses, the HTML renders; golden schema on the
//! bundled sample.

mod common;

use opencv::prelude::*;
use opencv::videoio::{VideoCapture, CAP_FFMPEG, CAP_PROP_FRAME_COUNT};
use serde_json::Value;

fn count_frames(path: &std::path::Path) -> u64 {
    let mut cap = VideoCapture::from_file(path.to_str().unwrap(), CAP_FFMPEG).unwrap();
    let (mut n, mut m) = (0, opencv::core::Mat::default());
    while cap.read(&mut m).unwrap() && !m.empty() {
        n += 1;
    }
    let declared = cap.get(CAP_PROP_FRAME_COUNT).unwrap();
    assert!(declared >= 0.0);
    n
}

/// Keys and value types only: the schema, stable across machines.
fn skeleton(v: &Value) -> Value {
    match v {
        Value::Null => Value::String("null".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::String(_) => Value::String("string".into()),
        Value::Array(a) => Value::Array(a.first().map(skeleton).into_iter().collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), skeleton(v))).collect()),
    }
}

/// Faults read off the side view (sagittal angles, foot lift, timing on the hip angle).
const SAGITTAL: [&str; 8] = [
    "overarch_lower_back",
    "feet_too_far",
    "feet_too_close",
    "incomplete_lockout",
    "no_top_squeeze",
    "heels_lifting",
    "toes_lifting",
    "uncontrolled_lowering",
];

/// Reasons that say the picture could not show a check (`NotJudgedReason::unseen`), as against
/// when it happened (a cut, the clip's end, frames missed).
const UNSEEN_REASONS: [&str; 7] =
    ["view", "occlusion", "no_depth", "frame_edge", "unsteady", "knees_out", "kickstand"];

/// Clips labelled as a side view (the label's view starts with "side") that our pose stage reads
/// from off the side, each with its issue. Strict: a listed clip read as side fails the test.
const VIEW_EXPECTED_FAILURES: [(&str, &str); 1] = [
    // Labelled "side-oblique": the yaw is side-on (median 9°), but the body's left–right axis
    // tilts 30° out of the image plane (a raised camera over a lifter lying across the bench),
    // so the view's obliquity (32°) passes the 30° up to which the side angles are judged.
    // Nothing is judged on it (0 reps, a look-alike) and the camera warning says so. A 35°
    // limit would read it side, but raises false faults on clean reps (the floor bridge's rep
    // 3 at 31°: overarch; core README, "Other camera positions"): the limit stays.
    ("dumbbell_pullover_bench_gym_captions_0reps.mp4", "issue 24: evidence quality per fault"),
];

#[test]
fn shared_clips_reps_faults_and_outputs() {
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("analyze");
    let clips = common::clips(&shared);
    let paths: Vec<String> =
        clips.iter().map(|c| shared.join("footage").join(c).to_string_lossy().into_owned()).collect();
    let mut args = vec!["analyze", "--quiet", "--out", out.to_str().unwrap()];
    args.extend(paths.iter().map(String::as_str));
    let o = common::thrustline(&args);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&o.stderr));
    let labels: Value =
        serde_json::from_slice(&std::fs::read(shared.join("footage/LABELS.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    for clip in &clips {
        let stem = clip.trim_end_matches(".mp4");
        let dir = out.join(stem);
        let s: Value = serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap();
        let label = &labels[clip];
        failures.extend(common::check_labels(clip, clip, &s, label));
        let reps = s["reps"].as_array().unwrap();
        // No rep counted: the file says why, in a warning or in its own words.
        if reps.is_empty() {
            let warned = !s["warnings"].as_array().unwrap().is_empty();
            assert!(warned || s["no_rep_reason"].is_string(), "{clip}: 0 reps and no word why");
        } else {
            assert!(s.get("no_rep_reason").is_none(), "{clip}: {} reps and a reason for none", reps.len());
        }
        // Every input frame is in the annotated video and in frames.jsonl.
        let frames = s["input"]["frames"].as_u64().unwrap();
        let original = count_frames(&shared.join("footage").join(clip));
        assert_eq!(frames, original, "{clip}: frames analyzed");
        assert_eq!(count_frames(&dir.join("annotated.mp4")), original, "{clip}: annotated frames");
        let jsonl = std::fs::read_to_string(dir.join("frames.jsonl")).unwrap();
        assert_eq!(jsonl.lines().count() as u64, original);
        for line in jsonl.lines().take(3) {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v["t"].is_number() && v.get("phase").is_some());
        }
        // The CSV parses, one row per rep.
        let mut rdr = csv::Reader::from_path(dir.join("reps.csv")).unwrap();
        let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), reps.len(), "{clip} csv rows");
        // The report lists every rep and needs nothing from outside the file.
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert_eq!(html.matches(r#"<tr class="rep "#).count(), reps.len(), "{clip} report rows");
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
        // The hip chart is a curve or a sentence saying why there is none, never bare axes.
        assert!(!html.contains(r#"<path d="""#), "{clip}: a hip chart with no curve");
        // No figure beside a verdict that says the picture could not show it: the metric a
        // check rests on is null (and its CSV cell empty) where that check was not judged for
        // the angle, something in the way or feet it could not trust.
        let header = rdr.headers().unwrap().clone();
        for (r, row) in reps.iter().zip(&rows) {
            let unseen = |id: &str| {
                r["judgements"].as_array().unwrap().iter().any(|j| {
                    j["id"] == id
                        && j["verdict"] == "not_judged"
                        && UNSEEN_REASONS.contains(&j["reason"].as_str().unwrap_or_default())
                })
            };
            for (id, metric, column) in [
                ("overarch_lower_back", "max_hyperextension_deg", Some("max_hyperextension_deg")),
                ("heels_lifting", "heel_lift_at_top", None),
                ("toes_lifting", "toe_lift_at_top", None),
                ("hips_uneven", "max_hip_roll_deg", None),
            ] {
                if unseen(id) {
                    let m = &r["metrics"][metric];
                    assert!(m.is_null(), "{clip} rep {}: {metric} {m} with {id} not judged", r["index"]);
                    if let Some(col) = column {
                        let i = header.iter().position(|h| h == col).unwrap();
                        assert_eq!(&row[i], "", "{clip} rep {}: CSV {col}", r["index"]);
                    }
                }
            }
        }
        // A rep's bottom pause fits between the last rep's end and its own start.
        for w in reps.windows(2) {
            let gap = w[1]["start_s"].as_f64().unwrap() - w[0]["end_s"].as_f64().unwrap();
            let pause = w[1]["metrics"]["tempo"]["bottom_pause_s"].as_f64().unwrap();
            assert!(
                pause <= gap + 1e-6,
                "{clip} rep {}: bottom pause {pause} s in a {gap} s gap",
                w[1]["index"]
            );
        }
        // The camera's view as LABELS.json gives it: side views are judged whole; a view
        // that hides the side angles says so on every rep, in the report and the CSV.
        let view = label["view"].as_str().unwrap();
        let side = view.starts_with("side") || view.starts_with("near side");
        eprintln!("{clip}: camera {:?}, yaw {:?}", s["camera_view"], s["camera_yaw_deg"]);
        let csv_text = std::fs::read_to_string(dir.join("reps.csv")).unwrap();
        let view_expected = VIEW_EXPECTED_FAILURES.iter().find(|(c, _)| c == clip);
        if let (true, Some((_, issue))) = (side, view_expected) {
            // Strict: the listed clip must still read off the side, or leave the list.
            if s["camera_view"] == "side" {
                failures
                    .push(format!("{clip} now reads side: remove it from VIEW_EXPECTED_FAILURES ({issue})"));
            } else {
                eprintln!("{clip}: camera view {}: expected failure, {issue}", s["camera_view"]);
                // The report says why a camera at the side reads oblique: it looks down.
                let pitch = s["camera_pitch_deg"].as_f64().unwrap();
                assert!(pitch >= 25.0, "{clip}: camera pitch {pitch}");
                assert!(html.contains(&format!("{pitch:.0}° above the hips")), "{clip}: camera line");
            }
        } else if side {
            assert_eq!(s["camera_view"], "side", "{clip}: camera view");
            // As before this change: the world landmarks' yaw reads a side view too.
            let yaw = s["camera_yaw_deg"].as_f64().unwrap();
            assert!(yaw < 15.0, "{clip}: camera yaw {yaw}");
            // The side clips' cameras stood from 5° below the hips to 20° above (medians), the
            // side-oblique ones 30–31° above: levelling starts past 20° (`LEVEL_PITCH_NOISE_DEG`).
            let pitch = s["camera_pitch_deg"].as_f64().unwrap();
            let most = if view.starts_with("side-oblique") { 40.0 } else { 25.0 };
            assert!((-10.0..=most).contains(&pitch), "{clip}: camera pitch {pitch}");
            assert!(html.contains("Camera: side view"), "{clip}: camera line in the report");
        } else if !reps.is_empty() {
            assert_ne!(s["camera_view"], "side", "{clip}: camera view");
            assert!(s["warnings"].as_array().unwrap().iter().any(|w| w["id"] == "camera_frontal"), "{clip}");
            for r in reps {
                for id in SAGITTAL {
                    let j = r["judgements"].as_array().unwrap().iter().find(|j| j["id"] == id).unwrap();
                    assert_eq!(j["verdict"], "not_judged", "{clip} rep {} {id}", r["index"]);
                    assert_eq!(j["reason"], "view", "{clip} rep {} {id}", r["index"]);
                }
                // No knee or shin figure beside "knee and foot faults not judged".
                for m in ["knee_angle_at_top", "shin_angle_at_top"] {
                    assert!(r["metrics"][m].is_null(), "{clip} rep {}: {m} {}", r["index"], r["metrics"][m]);
                }
            }
            assert!(
                html.contains("not judged from this angle: put the camera at your side"),
                "{clip}: report"
            );
            assert!(csv_text.contains("overarch_lower_back:view"), "{clip}: csv not_judged column");
        }
        // One story on a session judged in part: the camera warning names the reps it hid and
        // says the others were judged, never "not judged from this angle" beside clean reps.
        let off_side: Vec<u64> =
            reps.iter().filter(|r| r["view"] != "side").map(|r| r["index"].as_u64().unwrap()).collect();
        let camera = s["warnings"].as_array().unwrap().iter().find(|w| w["id"] == "camera_frontal");
        assert_eq!(
            camera.is_some(),
            !off_side.is_empty() || (reps.is_empty() && s["camera_view"] != "side"),
            "{clip}"
        );
        if let (Some(w), true) = (camera, !off_side.is_empty() && off_side.len() < reps.len()) {
            let m = w["message"].as_str().unwrap();
            let named =
                if off_side.len() == 1 { format!("saw rep {}", off_side[0]) } else { "saw reps ".into() };
            assert!(m.starts_with(&format!("The camera {named}")), "{clip}: {m}");
            assert!(m.contains("judged from the side") && html.contains(m), "{clip}: {m}");
        }
        // A rep on which not one check was made is never "no fault seen" (rule 1: that read
        // as a clean rep beside nine checks not judged), nor is the set's summary.
        let judged_nothing = |r: &Value| {
            r["faults"].as_array().unwrap().is_empty()
                && r["judgements"].as_array().unwrap().iter().all(|j| j["verdict"] != "clear")
        };
        let blank = reps.iter().filter(|r| judged_nothing(r)).count();
        assert_eq!(html.matches("<td>nothing judged").count(), blank, "{clip}: reps judged on nothing");
        if !reps.is_empty() && reps.iter().all(judged_nothing) {
            assert!(!html.contains("No fault seen"), "{clip}: summary");
            assert!(html.contains("No check could be made on any rep"), "{clip}: summary");
        }
        // The oblique barbell clip's last frames hold a 20° jump of the hip angle that starts and
        // peaks on one frame, below every counted rep's bottom: no partial rep.
        if *clip == "hip_thrust_barbell_oblique.mp4" {
            assert_eq!(s["partial_reps"], serde_json::json!([]), "{clip}: partial reps");
        }
        // "Clean" only where the form was seen: from the side, with the hip's extension (overarch,
        // lockout, squeeze) not hidden from the camera (the barbell clip's plate hides it).
        let seen = |r: &Value| {
            r["view"] == "side"
                && r["judgements"].as_array().unwrap().iter().all(|j| {
                    let hip = ["overarch_lower_back", "incomplete_lockout", "no_top_squeeze"]
                        .contains(&j["id"].as_str().unwrap());
                    !(hip
                        && j["verdict"] == "not_judged"
                        && !["cut", "clip_ended"].contains(&j["reason"].as_str().unwrap()))
                })
        };
        let clean = reps.iter().filter(|r| seen(r) && r["faults"].as_array().unwrap().is_empty()).count();
        assert_eq!(html.matches(r#"<tr class="rep clean""#).count(), clean, "{clip}: clean rows");
        let seen_n = reps.iter().filter(|r| seen(r)).count();
        if seen_n > 0 {
            assert!(html.contains(&format!("clean reps ({clean} of {seen_n} judged)")), "{clip}: clean card");
        } else if !reps.is_empty() {
            assert!(html.contains("<b>–</b><span>clean reps:"), "{clip}: clean card without a rep seen");
        }
        // The lockout card averages the reps seen, or marks the estimate when none was.
        if seen_n == 0 && !reps.is_empty() {
            assert!(html.contains("an estimate, no rep's hips judged") && html.contains("<b>≈"), "{clip}");
        } else if seen_n < reps.len() {
            assert!(html.contains(&format!("over the {seen_n} of {} reps judged", reps.len())), "{clip}");
        }
        // A set compares the speeds of the reps seen from the view most of them were (the side
        // on a tie): the floor bridge's rep 3, seen off the side as the lifter turned, had made
        // a "53 % loss" of its set. The table marks unseen reps' hip angles as estimates.
        for set in s["sets"].as_array().unwrap() {
            let in_set: Vec<&Value> = reps.iter().filter(|r| r["set"] == set["index"]).collect();
            let view = ["side", "oblique", "frontal"]
                .into_iter()
                .rev()
                .max_by_key(|v| in_set.iter().filter(|r| r["view"] == *v).count())
                .unwrap();
            // ... and after the last cut in the set (the lumbar-then-quad clip's two demonstrations,
            // cut together, had read "44 % slower").
            let cut = |r: &Value| {
                r["judgements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|j| j["id"] == "uncontrolled_lowering" && j["reason"] == "cut")
            };
            let last = in_set.len().saturating_sub(1);
            let start = in_set[..last].iter().rposition(|r| cut(r)).map_or(0, |i| i + 1);
            let means: Vec<f64> = in_set[start..]
                .iter()
                .filter(|r| r["view"] == view)
                .filter_map(|r| r["mean_concentric_velocity_m_s"].as_f64())
                .collect();
            let best = means.iter().copied().fold(f64::MIN, f64::max);
            let want = (means.len() >= 2).then(|| (100.0 * (best - means[means.len() - 1]) / best).max(0.0));
            let got = set["velocity_loss_pct"].as_f64();
            assert!(
                match (got, want) {
                    (Some(g), Some(w)) => (g - w).abs() < 0.05,
                    (g, w) => g.is_none() && w.is_none(),
                },
                "{clip} set {}: velocity loss {got:?}, over the reps seen {want:?}",
                set["index"]
            );
        }
        assert_eq!(html.matches(r#"<td class="estimate""#).count(), 3 * (reps.len() - seen_n), "{clip}");
        // The hip chart never plots an angle past what a hip extends (225°): a look-alike facing
        // the floor (donkey kick, prone leg curl) had read 300°; its chart is the joint's opening,
        // or, where no angle a hip makes was read on any frame (the donkey kick's hips bend the
        // other way throughout: read as glitches since 2026-12-06), a sentence saying so.
        let chart = &html[html.find(r#"<section id="plot">"#).unwrap()..];
        let chart = &chart[..chart.find("</section>").unwrap()];
        if chart.contains("<svg") {
            let top_tick = chart
                .split(r#"<text x="4" y=""#)
                .skip(1)
                .filter_map(|t| t.split('>').nth(1)?.split('<').next()?.parse::<f64>().ok())
                .fold(0.0, f64::max);
            assert!((150.0..=225.0).contains(&top_tick), "{clip}: hip chart up to {top_tick}");
        } else {
            assert!(
                reps.is_empty() && chart.contains("No hip angle was read on any frame"),
                "{clip}: {chart}"
            );
            let jsonl = std::fs::read_to_string(dir.join("frames.jsonl")).unwrap();
            assert!(
                jsonl.lines().all(|l| l.contains(r#""hip_angle_smoothed":null"#)),
                "{clip}: an angle unplotted"
            );
        }
        // Every rep's hips rose at a speed a lifter can (issue 16: 0.05 to 2 m/s), over a
        // range a bridge covers.
        for r in reps {
            let v = r["mean_concentric_velocity_m_s"].as_f64();
            assert!(
                v.is_some_and(|v| (0.05..=2.0).contains(&v)),
                "{clip} rep {}: velocity {v:?}",
                r["index"]
            );
            let rom = r["range_of_motion_cm"].as_f64();
            assert!(
                rom.is_some_and(|c| (5.0..=60.0).contains(&c)),
                "{clip} rep {}: range {rom:?}",
                r["index"]
            );
        }
        if !reps.is_empty() {
            assert!(html.contains(r#"<section id="velocity">"#), "{clip}: the report's velocity chart");
        }
        // The setup check raises no false alarm on footage a coach could judge: no issue on a
        // fifth of the frames of any clip with reps (the feet of the 0-rep pelvic tilt are
        // out of the picture, and may be said so).
        let setup = &s["setup"];
        assert!(setup["frames"].as_u64() == Some(original), "{clip}: setup {setup}");
        if label["reps"].as_u64() > Some(0) {
            let notable: Vec<&Value> = setup["issues"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["share"].as_f64() >= Some(0.2))
                .collect();
            assert!(notable.is_empty(), "{clip}: setup issues {notable:?}");
            assert!(
                html.contains(r#"<p class="view" id="setup">Setup: good"#),
                "{clip}: the report's setup line"
            );
        }
        // The variation the camera saw (issue 24: `--variation auto`, the default).
        let want = match label["kind"].as_str().unwrap() {
            "hip_thrust" => Some("hip-thrust"),
            "glute_bridge" => Some("glute-bridge"),
            _ => None,
        };
        if let Some(want) = want {
            assert_eq!(s["variation"], want, "{clip}: variation seen");
        }
        // A look-alike is named with what was seen (issue 24), never a bare "not a hip thrust".
        for w in s["warnings"].as_array().unwrap() {
            if w["id"] == "not_a_hip_thrust" || w["id"] == "look_alike_movement" {
                assert!(w["message"].as_str().unwrap().contains("Seen: "), "{clip}: {w}");
                assert!(!s["look_alike_reasons"].as_array().unwrap().is_empty(), "{clip}");
            }
        }
        // One story: the feet out of the picture on most frames (the setup line says so) and
        // "Seen: the feet left the floor" never stand together (the leg raise's feet leave the
        // picture's top edge; its legs' swing says what it was).
        let feet_out = s["setup"]["issues"].as_array().is_some_and(|is| {
            is.iter().any(|i| i["id"] == "feet_out_of_frame" && i["share"].as_f64().unwrap() > 0.5)
        });
        if feet_out {
            let reasons = s["look_alike_reasons"].as_array().cloned().unwrap_or_default();
            assert!(
                !reasons.iter().any(|r| r == "feet_off_floor") || reasons.len() == 1,
                "{clip}: {reasons:?}"
            );
        }
        // Every rep has a verdict for every fault, and the raised ones are its faults.
        for r in reps {
            let js = r["judgements"].as_array().unwrap();
            assert_eq!(js.len(), 9, "{clip} rep {}", r["index"]);
            let raised = js.iter().filter(|j| j["verdict"] == "raised").count();
            assert_eq!(raised, r["faults"].as_array().unwrap().len(), "{clip} rep {}", r["index"]);
        }
        assert!(stdout.contains(clip), "terminal table lists {clip}");
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn session_schema_on_the_bundled_sample() {
    let out = common::tmpdir("schema");
    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-video",
        "--variation",
        "glute-bridge",
        "--load",
        "20kg",
        "--out",
        out.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&std::fs::read(out.join("session.json")).unwrap()).unwrap();
    assert_eq!(s["reps"].as_array().unwrap().len(), 1);
    assert_eq!(s["load_kg"], 20.0);
    assert!(!out.join("annotated.mp4").exists());
    insta::assert_json_snapshot!("session_schema", skeleton(&s));
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(out.join("frames.jsonl")).unwrap().lines().nth(20).unwrap(),
    )
    .unwrap();
    insta::assert_json_snapshot!("frame_schema", skeleton(&line));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_bad_file_among_good_ones_is_reported_and_the_rest_processed() {
    let out = common::tmpdir("mixed");
    let bad = out.join("broken.mp4");
    std::fs::write(&bad, b"not a video").unwrap();
    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-video",
        "--out",
        out.join("reports").to_str().unwrap(),
        bad.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "some failed: exit status must say so");
    assert!(err.contains("broken.mp4") && err.contains("cannot be opened as a video"), "{err}");
    assert!(!err.contains("panicked"));
    assert!(out.join("reports/glute_bridge_bodyweight_1rep/session.json").is_file());
    assert!(!out.join("reports/broken/session.json").exists());
}

#[test]
fn bad_load_and_config_are_one_line_errors() {
    let out = common::tmpdir("badargs");
    let sample = common::root().join("assets/glute_bridge_bodyweight_1rep.mp4");
    let o = common::thrustline(&[
        "analyze",
        "--load",
        "heavy",
        "--out",
        out.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid load"));
    let cfg = out.join("t.toml");
    std::fs::write(&cfg, "lockout_enter = 3").unwrap();
    let o = common::thrustline(&[
        "analyze",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("t.toml") && !err.contains("panicked"), "{err}");
}

#[test]
fn report_renders_in_headless_chromium_without_console_errors() {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.is_file() {
        eprintln!("SKIP: /usr/bin/chromium not installed (scripts/test.sh installs it)");
        return;
    }
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("chromium");
    let clip = shared.join("footage/hip_thrust_feet_far.mp4");
    let o = common::thrustline(&[
        "analyze",
        "--quiet",
        "--no-video",
        "--out",
        out.to_str().unwrap(),
        clip.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("file://{}", out.join("report.html").display());
    let o = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", out.join("profile").display()),
            "--dump-dom",
            &url,
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{log}");
    assert_eq!(dom.matches(r#"<tr class="rep faulty">"#).count(), 2, "both reps rendered as rows");
    assert!(dom.contains(r#"<b id="rep-count">2</b>"#));
    assert!(dom.contains("Feet closer to your hips"));
    let console: Vec<&str> =
        log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn back_outline_is_measured_at_the_top_of_reps() {
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("back-outline");
    let clip = shared.join("footage/glute_bridge_faults_lumbar_then_quad.mp4");
    let o = common::thrustline(&[
        "analyze",
        clip.to_str().unwrap(),
        "--quiet",
        "--no-log",
        "--no-video",
        "--back-outline",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lockout = thrustline_core::config::LOCKOUT_ENTER_DEG as f64;
    let mut n = 0;
    for l in std::fs::read_to_string(out.join("frames.jsonl")).unwrap().lines() {
        let f: Value = serde_json::from_str(l).unwrap();
        if let Some(c) = f["metrics"].get("back_curvature") {
            n += 1;
            let v = c["value"].as_f64().unwrap();
            assert!(v.is_finite() && v.abs() < 1.0, "{v}");
            // Only near the top: the raw hip angle past the lockout threshold.
            assert!(f["metrics"]["hip_angle"]["value"].as_f64().unwrap() >= lockout - 1e-3, "{l}");
        }
    }
    // Two reps with holds: at least a few sampled top frames each.
    assert!(n >= 6, "{n} frames with a back outline");
}
