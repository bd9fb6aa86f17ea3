#!/usr/bin/env python3
"""A reproducible competing load for the speed benchmarks, run until killed:

  python3 benches/load.py busy-core   # one process spinning (a core's worth of other work)
  python3 benches/load.py analyze     # a second `thrustline analyze` of a shared clip, looped

`benches/mediapipe_compare.py --load KIND` and `benches/live_latency.sh --load KIND` start it
beside both sides of their runs, so ours and MediaPipe's figures are taken under the same load.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "thrustline")
CLIP = os.path.join(ROOT, "..", "shared", "footage", "hip_thrust_barbell_2reps.mp4")


def busy_core():
    x = 0
    while True:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF


def analyze_loop():
    clip = CLIP if os.path.exists(CLIP) else os.path.join(ROOT, "assets", "glute_bridge_bodyweight_1rep.mp4")
    with tempfile.TemporaryDirectory() as d:
        while True:
            subprocess.run([BIN, "analyze", "--quiet", "--no-log", "--force", "--out", os.path.join(d, "a"), clip],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=dict(os.environ, THRUSTLINE_DATA=d))


def start(kind):
    """Starts the load in the background; `None` for no load."""
    if kind in (None, "", "none"):
        return None
    if kind not in ("busy-core", "analyze"):
        raise SystemExit(f"unknown load '{kind}' (none, busy-core or analyze)")
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), kind], start_new_session=True)


def stop(proc):
    if proc is not None:
        os.killpg(proc.pid, 9)
        proc.wait()


if __name__ == "__main__":
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind == "busy-core":
        busy_core()
    elif kind == "analyze":
        analyze_loop()
    else:
        raise SystemExit("usage: load.py busy-core|analyze")
