//! Files decode to the colours they were made from, whatever colour matrix their stream is
//! tagged with: a solid red made with ffmpeg as BT.709 (phones, HD), BT.601 and untagged
//! (FFmpeg's default, BT.601). Decoded as BT.601, the BT.709 clip came out 13–16 levels off
//! (184, 30, 48 for 200, 50, 50).

use std::path::Path;
use std::process::Command;

use opencv::prelude::*;
use thrustline_capture::VideoSource;

/// The colour the clips are made of.
const RED: [u8; 3] = [200, 50, 50];
/// Lossless encoding still rounds through limited-range 8-bit YUV: a few levels.
const TOLERANCE: i32 = 5;

fn make(path: &Path, matrix: &str, tags: &[&str]) -> bool {
    let mut args = vec!["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0xC83232:s=64x64:d=0.2", "-vf"];
    let filter = format!("scale=out_color_matrix={matrix}:out_range=tv,format=yuv420p");
    args.push(&filter);
    args.extend_from_slice(tags);
    args.extend_from_slice(&["-c:v", "libx264", "-qp", "0"]);
    let out = path.to_string_lossy().into_owned();
    args.push(&out);
    Command::new("ffmpeg").args(&args).status().is_ok_and(|s| s.success())
}

#[test]
fn decoded_colours_follow_the_stream_colour_matrix() {
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("SKIP: ffmpeg not installed (scripts/test.sh installs it)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tl-colour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &str, &[&str]); 3] = [
        ("bt709", "bt709", &["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]),
        (
            "bt601",
            "bt601",
            &["-colorspace", "smpte170m", "-color_primaries", "smpte170m", "-color_trc", "smpte170m"],
        ),
        ("untagged", "bt601", &[]),
    ];
    for (name, matrix, tags) in cases {
        let clip = dir.join(format!("{name}.mp4"));
        assert!(make(&clip, matrix, tags), "{name}: ffmpeg could not make the clip");
        let mut src = VideoSource::open_file(&clip).unwrap();
        let f = src.next_frame().unwrap().expect("a frame");
        let px = f.rgb.mat().at_2d::<opencv::core::Vec3b>(32, 32).unwrap().0;
        for (k, (&got, &want)) in px.iter().zip(&RED).enumerate() {
            assert!(
                (i32::from(got) - i32::from(want)).abs() <= TOLERANCE,
                "{name}: channel {k} decoded as {got}, made as {want} (pixel {px:?})"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
