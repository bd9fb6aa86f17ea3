#!/usr/bin/env python3
"""How far MediaPipe's own lite and full pose models disagree on a rep's hip path.

Issue 16 asked for per-rep velocities that agree within 15 % between `--model lite` and
`--model full`. This runs MediaPipe 0.10.14's Pose (model_complexity 0 and 1) on the same clip
and, for each rep, prints the range the hips rose (image pixels over the body's
shoulder-to-ankle length, so neither model's metric scale enters) and the mean speed over the
middle 80 % of the rise, for both models side by side.

    .cache/bench-venv/bin/python benches/lite_vs_full.py ../shared/footage/glute_bridge_dumbbell_6reps.mp4
"""
import sys

import cv2
import mediapipe as mp
import numpy as np

# Reps: the hips' height (over the clip's 5-95 % span) rises past HIGH after sinking under LOW.
LOW, HIGH = 0.3, 0.7
# Timed span of a rise, as in thrustline's velocity (10 % to 90 %).
TIMED_FROM = 0.1


def track(path, complexity):
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    pose = mp.solutions.pose.Pose(model_complexity=complexity, smooth_landmarks=True)
    t, hip, body = [], [], []
    i = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        h, w = img.shape[:2]
        r = pose.process(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
        i += 1
        if not r.pose_landmarks:
            continue
        p = lambda k: np.array([r.pose_landmarks.landmark[k].x * w, r.pose_landmarks.landmark[k].y * h])
        chain = lambda s, hp, k, a: sum(np.linalg.norm(p(x) - p(y)) for x, y in ((s, hp), (hp, k), (k, a)))
        t.append((i - 1) / fps)
        hip.append((p(23) + p(24)) / 2 - (p(27) + p(28)) / 2)
        body.append((chain(11, 23, 25, 27) + chain(12, 24, 26, 28)) / 2)
    return np.array(t), np.array(hip) / np.median(body)


def reps(t, hip):
    up = -hip[:, 1]
    lo, hi = np.percentile(up, 5), np.percentile(up, 95)
    z = (up - lo) / (hi - lo)
    out, start, below = [], None, False
    for i, v in enumerate(z):
        if v < LOW:
            below, start = True, None
        elif below and start is None:
            start = max(i - 1, 0)
        if below and v > HIGH and start is not None:
            end = i
            while end + 1 < len(z) and z[end + 1] >= z[end]:
                end += 1
            first = start
            while first > 0 and z[first - 1] <= z[first]:
                first -= 1
            out.append((t[first], t[end]))
            below = False
    return out


def rise(t, hip, a, b):
    m = (t >= a) & (t <= b)
    tt, pp = t[m], hip[m]
    up = -pp[:, 1]
    top = int(np.argmax(up))
    bot = int(np.argmin(up[: top + 1]))
    v = pp[top] - pp[bot]
    rng = float(np.linalg.norm(v))
    s = (pp - pp[bot]) @ (v / rng)
    crossing = lambda level: next(
        tt[i] + (level - s[i]) / (s[i + 1] - s[i]) * (tt[i + 1] - tt[i]) for i in range(bot, top) if s[i] < level <= s[i + 1]
    )
    lo, hi = TIMED_FROM * rng, (1 - TIMED_FROM) * rng
    return rng, (hi - lo) / (crossing(hi) - crossing(lo))


def main():
    for path in sys.argv[1:]:
        full, lite = track(path, 1), track(path, 0)
        print(f"{path}: range and mean speed of the rise, in body lengths (and per second)")
        print(" rep  full range  lite range  diff   full speed  lite speed  diff")
        for k, (a, b) in enumerate(reps(*full), 1):
            (rf, vf), (rl, vl) = rise(*full, a - 0.3, b + 0.3), rise(*lite, a - 0.3, b + 0.3)
            print(f" {k:3d}  {rf:10.3f}  {rl:10.3f}  {100 * (rl - rf) / rf:+4.0f}%  {vf:10.3f}  {vl:10.3f}  {100 * (vl - vf) / vf:+4.0f}%")


if __name__ == "__main__":
    main()
