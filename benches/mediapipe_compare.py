#!/usr/bin/env python3
"""Runs MediaPipe's own Python Pose and Thrustline on the same clip, in the same run, and
prints ms/frame, throughput and the ratios.

  python3 benches/mediapipe_compare.py [CLIP ...] [--models lite,full] [--repeat N]
                                      [--load none|busy-core|analyze] [--threads N]

Needs `bash scripts/setup.sh`, a release build (`cargo build --release`) and a venv with
mediapipe==0.10.14 (made in .cache/bench-venv on first use). Per-frame times are the same
span on both sides: from a decoded RGB frame to its landmarks (MediaPipe's `Pose.process`).
Throughput is the whole job: MediaPipe + OpenCV decode, against `thrustline analyze`.
With --repeat N both sides run N times, alternating, and the medians are printed: these
shared machines are noisy, and a 3 s clip's single run swings by ±15 %. With --load, the
competing load of `benches/load.py` runs beside both sides (started before, stopped after).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load  # noqa: E402
from machine import machine  # noqa: E402  (printed the same way by every benchmark)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".cache", "bench-venv")
BIN = os.path.join(ROOT, "target", "release", "thrustline")
COMPLEXITY = {"lite": 0, "full": 1, "heavy": 2}


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if subprocess.run([py, "-c", "import mediapipe, cv2"], capture_output=True).returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", "mediapipe==0.10.14", "opencv-python-headless"], check=True)
    # The wheel bundles only the full landmark model and downloads the others from the web at
    # first use, which these machines cannot reach: take them from the npm package instead.
    mod = subprocess.run([py, "-c", "import mediapipe, os; print(os.path.dirname(mediapipe.__file__))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    dst = os.path.join(mod, "modules", "pose_landmark")
    if not os.path.exists(os.path.join(dst, "pose_landmark_lite.tflite")):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["npm", "pack", "--silent", "@mediapipe/pose@0.5.1675469404"], cwd=d, check=True, capture_output=True)
            subprocess.run(["tar", "xzf", "mediapipe-pose-0.5.1675469404.tgz"], cwd=d, check=True)
            for n in ("lite", "heavy"):
                os.replace(os.path.join(d, "package", f"pose_landmark_{n}.tflite"), os.path.join(dst, f"pose_landmark_{n}.tflite"))
    return py


MP_SCRIPT = r"""
import sys, time, json, cv2, mediapipe as mp
clip, complexity = sys.argv[1], int(sys.argv[2])
cap = cv2.VideoCapture(clip)
frames = []
while True:
    ok, f = cap.read()
    if not ok: break
    frames.append(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
# Per-frame: Pose.process only, frames decoded beforehand.
with mp.solutions.pose.Pose(model_complexity=complexity) as pose:
    t = time.perf_counter()
    for f in frames: pose.process(f)
    per_frame = (time.perf_counter() - t) * 1000 / len(frames)
# Throughput: decode + convert + process, as a user's script would run.
t = time.perf_counter()
with mp.solutions.pose.Pose(model_complexity=complexity) as pose:
    cap = cv2.VideoCapture(clip)
    n = 0
    while True:
        ok, f = cap.read()
        if not ok: break
        pose.process(cv2.cvtColor(f, cv2.COLOR_BGR2RGB)); n += 1
total = time.perf_counter() - t
print(json.dumps({"ms_per_frame": per_frame, "fps": n / total, "frames": n}))
"""



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clips", nargs="*", default=[os.path.join(ROOT, "assets", "glute_bridge_bodyweight_1rep.mp4")])
    ap.add_argument("--models", default="lite,full")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--load", default="none", help="none, busy-core or analyze (benches/load.py)")
    ap.add_argument("--threads", type=int, default=None, help="`thrustline pose --threads` (default: its own)")
    a = ap.parse_args()
    py = ensure_venv()
    print(f"machine: {machine()}")
    print(f"load: {a.load}")
    background = load.start(a.load)
    try:
        run(a, py)
    finally:
        load.stop(background)


def run(a, py):
    print(f"{'clip':36} {'model':5} {'MP ms/f':>8} {'ours ms/f':>9} {'ratio':>6} {'MP fps':>7} {'ours fps':>8} {'x MP':>6} {'x real':>6}")
    for clip in a.clips:
        for model in a.models.split(","):
            mps, ours_pf, walls = [], [], []
            for _ in range(max(1, a.repeat)):
                mp_out = subprocess.run([py, "-c", MP_SCRIPT, clip, str(COMPLEXITY[model])], capture_output=True, text=True, check=True)
                mps.append(json.loads(mp_out.stdout.strip().splitlines()[-1]))
                with tempfile.TemporaryDirectory() as d:
                    out = os.path.join(d, "pose.json")
                    threads = ["--threads", str(a.threads)] if a.threads else []
                    subprocess.run([BIN, "pose", clip, "-o", out, "--model", model, *threads], check=True, capture_output=True)
                    ours_pf.append(json.load(open(out))["ms_per_frame"])
                    t = time.perf_counter()
                    subprocess.run([BIN, "analyze", "--quiet", "--no-log", "--model", model, "--out", os.path.join(d, "a"), clip], check=True, capture_output=True)
                    walls.append(time.perf_counter() - t)
                    session = json.load(open(os.path.join(d, "a", "session.json")))
            mp = {"ms_per_frame": statistics.median(m["ms_per_frame"] for m in mps), "fps": statistics.median(m["fps"] for m in mps)}
            ours_ms = statistics.median(ours_pf)
            wall = statistics.median(walls)
            frames = session["input"]["frames"]
            fps = frames / wall
            print(f"{os.path.basename(clip)[:36]:36} {model:5} {mp['ms_per_frame']:8.1f} {ours_ms:9.1f} "
                  f"{ours_ms / mp['ms_per_frame']:6.2f} {mp['fps']:7.1f} {fps:8.1f} {fps / mp['fps']:6.2f} "
                  f"{session['input']['duration_s'] / wall:6.2f}", flush=True)
    print("ratio = ours / MediaPipe per-frame time (lower is better); x MP = our analyze throughput "
          "(incl. process start, model load, annotated video and reports) over MediaPipe + OpenCV decode")


if __name__ == "__main__":
    main()
