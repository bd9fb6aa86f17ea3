//! The pose stage against MediaPipe's own output on every shared clip (issue bar: median
//! landmark error ≤ 0.5 % of the frame diagonal, 95th percentile ≤ 2 %, pose found on at
//! least 98 % as many frames as MediaPipe found one).

mod common;

use serde_json::Value;

struct Stats {
    median: f64,
    p95: f64,
    ours: usize,
    theirs: usize,
}

fn compare(ours: &Value, theirs: &Value) -> Stats {
    let (w, h) = (theirs["width"].as_f64().unwrap(), theirs["height"].as_f64().unwrap());
    let diag = w.hypot(h);
    let (a, b) = (ours["frames"].as_array().unwrap(), theirs["frames"].as_array().unwrap());
    assert_eq!(a.len(), b.len(), "frame count");
    let mut errs = Vec::new();
    let (mut na, mut nb) = (0, 0);
    for (x, y) in a.iter().zip(b) {
        na += usize::from(!x["lm"].is_null());
        nb += usize::from(!y["lm"].is_null());
        if let (Some(p), Some(q)) = (x["lm"].as_array(), y["lm"].as_array()) {
            for (p, q) in p.iter().zip(q) {
                let dx = (p[0].as_f64().unwrap() - q[0].as_f64().unwrap()) * w;
                let dy = (p[1].as_f64().unwrap() - q[1].as_f64().unwrap()) * h;
                errs.push(dx.hypot(dy) / diag * 100.0);
            }
        }
    }
    errs.sort_by(f64::total_cmp);
    let pct = |p: f64| errs[((errs.len() - 1) as f64 * p).round() as usize];
    Stats { median: pct(0.5), p95: pct(0.95), ours: na, theirs: nb }
}

/// `thrustline pose` on a video with MediaPipe Python's clock (as the references were made),
/// smoothed or not; its JSON.
fn pose(video: &std::path::Path, json: &std::path::Path, smooth: bool) -> Value {
    pose_nudged(video, json, smooth, "0")
}

/// [`pose`] with every detector-seeded crop nudged by `nudge` (`--nudge-roi`).
fn pose_nudged(video: &std::path::Path, json: &std::path::Path, smooth: bool, nudge: &str) -> Value {
    let flag = format!("--nudge-roi={nudge}");
    let mut args =
        vec!["pose", video.to_str().unwrap(), "-o", json.to_str().unwrap(), "--mediapipe-clock", &flag];
    if !smooth {
        args.push("--no-smooth");
    }
    let o = common::thrustline(&args);
    // The status too: one CI run saw a clean closing line, then a failed exit (a signal?).
    assert!(o.status.success(), "{}: {}: {}", video.display(), o.status, String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap()
}

/// Clips the pose stage does not yet match MediaPipe on, each with the issue that fixes it.
/// Strict: a clip listed here that passes fails the test, so the list only shrinks.
const EXPECTED_FAILURES: [(&str, &str); 1] = [
    // MediaPipe drops its own track at frame 39 (pose presence 0.445 on its crop) and re-detects
    // the lifter upside down; our crop, 0.6 % away after 39 tracked frames, scores 0.82 and keeps
    // the lifter upright (p95 19.9 %, poses on 167 of 177 frames). The presence score swings
    // that much for a crop moved by half a percent. A nudge of the first crop by 1e-7 (a
    // runtime's last digit; `benches/last_digit_floor.py`) moves our own pose count by 3 to 5
    // frames here: following MediaPipe on this clip takes TFLite's arithmetic bit for bit.
    ("prone_leg_curl_bench_0reps.mp4", "issue 14: match MediaPipe through cuts, crops and crowds"),
];

/// Clips where the tracking loop lets MediaPipe's own last digits decide the 95th percentile
/// (issue 24): our run with its crops nudged by ±1e-7 (a runtime's last digit) lands as far
/// from our own unnudged run as we land from MediaPipe (`benches/last_digit_floor.py`; on an
/// Intel Xeon, 2 cores: back extension 2.17 % against 2.45 %, bench press 2.59–3.12 % against
/// 2.67 %). Their p95 bar is the floor measured in this run: √2 × the larger nudged p95 (two
/// runs each that far from a common trajectory lie about √2 times as far from each other),
/// never under the 2 % of every other clip. Median and pose-count bars are unchanged.
const LAST_DIGIT_CLIPS: [(&str, &str); 2] = [
    ("back_extension_45deg_busy_gym_captions_0reps.mp4", "issue 24: new clips with their floor"),
    ("bench_press_barbell_oblique_0reps.mp4", "issue 24: new clips with their floor"),
];

/// The p95 bar for `clip`: 2 %, or the last-digit floor measured now for a listed clip.
fn p95_bar(clip: &str, video: &std::path::Path, ours_raw: &Value, out: &std::path::Path) -> f64 {
    if !LAST_DIGIT_CLIPS.iter().any(|(c, _)| *c == clip) {
        return 2.0;
    }
    let floor = ["1e-7", "-1e-7"]
        .iter()
        .map(|n| {
            let nudged = pose_nudged(video, &out.join(format!("{clip}.nudged{n}.json")), false, n);
            compare(&nudged, ours_raw).p95
        })
        .fold(0.0f64, f64::max);
    let bar = (std::f64::consts::SQRT_2 * floor).max(2.0);
    println!("  {clip}: last-digit floor p95 {floor:.3} %, bar {bar:.3} %");
    bar
}

#[test]
fn landmarks_match_mediapipe_on_every_clip() {
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("accuracy");
    let mut failures = Vec::new();
    for clip in common::clips(&shared) {
        let stem = clip.trim_end_matches(".mp4");
        let video = shared.join("footage").join(&clip);
        let ours_raw = pose(&video, &out.join(format!("{stem}.mediapipe-raw.json")), false);
        let bar = p95_bar(&clip, &video, &ours_raw, &out);
        for (smooth, reference) in [(true, "mediapipe"), (false, "mediapipe-raw")] {
            let ours = if smooth {
                pose(&video, &out.join(format!("{stem}.{reference}.json")), true)
            } else {
                ours_raw.clone()
            };
            let theirs: Value = serde_json::from_slice(
                &std::fs::read(shared.join("reference").join(format!("{stem}.{reference}.json"))).unwrap(),
            )
            .unwrap();
            for key in ["fps", "width", "height", "complexity"] {
                assert_eq!(ours[key], theirs[key], "{clip}: {key}");
            }
            let s = compare(&ours, &theirs);
            println!(
                "{clip:45} {reference:14} median {:.3}% p95 {:.3}% poses {}/{}",
                s.median, s.p95, s.ours, s.theirs
            );
            let fails = s.median > 0.5 || s.p95 > bar || (s.ours as f64) < 0.98 * s.theirs as f64;
            let expected = EXPECTED_FAILURES.iter().find(|(c, _)| *c == clip);
            match (fails, expected) {
                (true, None) => failures.push(format!(
                    "{clip} {reference}: median {:.3} p95 {:.3} poses {}/{}",
                    s.median, s.p95, s.ours, s.theirs
                )),
                (false, Some((_, issue))) => {
                    failures.push(format!("{clip} now passes: remove it from EXPECTED_FAILURES ({issue})"))
                }
                (true, Some((_, issue))) => println!("  expected failure, {issue}"),
                _ => {}
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Camera cuts (issue 14): eight shared clips cut together (different people, sizes, frame
/// rates, a zoom until the legs leave the picture, a close-up), made by
/// `tests/fixtures/cuts/make_clip.sh`; MediaPipe 0.10.14's landmarks for it are committed beside
/// it (`make_reference.py` says how they were made). The same bars as the shared clips.
#[test]
fn landmarks_match_mediapipe_through_camera_cuts() {
    let Some(shared) = common::shared() else { return };
    let out = common::tmpdir("accuracy-cuts");
    let clip = out.join("cuts.mp4");
    let fixtures = common::root().join("tests/fixtures/cuts");
    let made = std::process::Command::new("bash")
        .arg(fixtures.join("make_clip.sh"))
        .arg(&shared)
        .arg(&clip)
        .output()
        .unwrap();
    assert!(made.status.success(), "make_clip.sh: {}", String::from_utf8_lossy(&made.stderr));
    let mut failures = Vec::new();
    for (smooth, reference) in [(true, "mediapipe"), (false, "mediapipe-raw")] {
        let ours = pose(&clip, &out.join(format!("cuts.{reference}.json")), smooth);
        let theirs: Value =
            serde_json::from_slice(&std::fs::read(fixtures.join(format!("cuts.{reference}.json"))).unwrap())
                .unwrap();
        for key in ["width", "height", "complexity"] {
            assert_eq!(ours[key], theirs[key], "{key}");
        }
        let s = compare(&ours, &theirs);
        println!(
            "cuts {reference:14} median {:.3}% p95 {:.3}% poses {}/{}",
            s.median, s.p95, s.ours, s.theirs
        );
        if s.median > 0.5 || s.p95 > 2.0 || (s.ours as f64) < 0.98 * s.theirs as f64 {
            failures.push(format!(
                "cuts {reference}: median {:.3} p95 {:.3} poses {}/{}",
                s.median, s.p95, s.ours, s.theirs
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    assert!(failures.is_empty(), "{failures:#?}");
}
