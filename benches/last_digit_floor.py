#!/usr/bin/env python3
"""How closely can anything but MediaPipe's own TFLite arithmetic match MediaPipe on a clip?

For each clip: our landmarks against MediaPipe's (as tests/pose_accuracy.rs measures them,
`--no-smooth` against NAME.mediapipe-raw.json), and our landmarks against ours with every
detector-seeded ROI nudged by +1e-7 and by -1e-7 (`thrustline pose --nudge-roi`): a change of
the size of the last digit by which two inference runtimes differ. The tracking loop (each crop
placed by the last frame's landmarks, a pose kept or dropped by a presence score against 0.5)
carries such a change forward; what it grows to is the floor under any comparison with
MediaPipe that does not share its arithmetic.

    python3 benches/last_digit_floor.py [CLIP.mp4 ...]    # default: every shared clip
    bash tests/fixtures/cuts/make_clip.sh ../shared /tmp/cuts.mp4 && python3 benches/last_digit_floor.py /tmp/cuts.mp4

Needs `cargo build --release` first. Prints the machine: ONNX Runtime's kernels, and so the
last digits, depend on the CPU.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

from machine import machine  # the CPU model and core count, printed the same way

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
NUDGES = (1e-7, -1e-7)


def pose(clip, out, nudge):
    exe = os.path.join(ROOT, "target", "release", "thrustline")
    args = [exe, "pose", clip, "-o", out, "--mediapipe-clock", "--no-smooth", f"--nudge-roi={nudge}"]
    subprocess.run(args, check=True, capture_output=True)
    with open(out) as f:
        return json.load(f)


def compare(a, b):
    """Median and p95 landmark distance (% of the frame diagonal) and the pose counts."""
    w, h = b["width"], b["height"]
    diag = math.hypot(w, h)
    errs, na, nb = [], 0, 0
    for x, y in zip(a["frames"], b["frames"]):
        na += x["lm"] is not None
        nb += y["lm"] is not None
        if x["lm"] and y["lm"]:
            errs += [math.hypot((p[0] - q[0]) * w, (p[1] - q[1]) * h) / diag * 100 for p, q in zip(x["lm"], y["lm"])]
    errs.sort()
    if not errs:
        return "no pose in common"
    pct = lambda p: errs[round((len(errs) - 1) * p)]
    return f"{pct(0.5):.3f} / {pct(0.95):6.3f} %  {na:4d}/{nb:<4d}"


def main():
    clips = sys.argv[1:] or sorted(
        os.path.join(SHARED, "footage", c) for c in os.listdir(os.path.join(SHARED, "footage")) if c.endswith(".mp4")
    )
    print(f"machine: {machine()}")
    print("median / p95 of the landmark distance, frames with a pose (first / second)")
    head = f"{'clip':38} {'ours vs MediaPipe':26}" + "".join(f" {f'nudged {n:+g} vs ours':26}" for n in NUDGES)
    print(head)
    with tempfile.TemporaryDirectory() as tmp:
        for clip in clips:
            stem = os.path.basename(clip)[:-4]
            ref = os.path.join(SHARED, "reference", f"{stem}.mediapipe-raw.json")
            if not os.path.exists(ref):
                # The camera-cut fixture (tests/fixtures/cuts/make_clip.sh) keeps its own.
                ref = os.path.join(ROOT, "tests", "fixtures", "cuts", f"{stem}.mediapipe-raw.json")
            if not os.path.exists(ref):
                print(f"{stem:38} no MediaPipe reference, skipped")
                continue
            with open(ref) as f:
                theirs = json.load(f)
            ours = pose(clip, os.path.join(tmp, "0.json"), 0.0)
            row = f"{stem[:38]:38} {compare(ours, theirs):26}"
            for n in NUDGES:
                row += f" {compare(pose(clip, os.path.join(tmp, f'{n}.json'), n), ours):26}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
