#!/usr/bin/env python3
"""Static INT8 (QDQ, per-channel weights) landmark models, calibrated on real ROI crops, and
how far they move the landmarks from the fp32 model.

  .cache/bench-venv/bin/python models/quantize.py [--model full|lite] [--float-first N]
      [--float-from N] [--method minmax|percentile|entropy] [--out DIR]

Makes DIR/pose_landmark_{model}_noseg_int8.onnx (default DIR: a temporary folder) from the
fp32 `_noseg` model (the one the pipeline runs per frame), then runs both on crops of the
held-out clips and prints the landmarks' distance to fp32 (% of the crop's diagonal), the pose
flag's largest change and ms per crop at 2 threads. Needs onnx and onnxruntime (the benchmark's
venv has both after `pip install onnx`) and opencv-python; reads ../shared/footage and
../shared/reference. Nodes before --float-first and from --float-from on (in graph order after
ONNX Runtime's pre-processing) stay in float.

Calibration crops are the ones the pipeline itself feeds the model: each clip is tracked the
way pose_landmark_cpu tracks (the next ROI from the model's own auxiliary landmarks 33 and 34,
squared and scaled by 1.25), seeded from MediaPipe's reference pose whenever the track is lost,
and every N-th crop is kept. By default only every other shared clip is used for calibration,
so the accuracy tests also run the quantized model on clips it was not calibrated on.
"""
import argparse
import hashlib
import json
import math
import os
import tempfile
import time

import cv2
import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOOTAGE = os.path.join(ROOT, "..", "shared", "footage")
REFERENCE = os.path.join(ROOT, "..", "shared", "reference")
SIDE = 256
ROI_SCALE = 1.25  # pose_landmarks_to_roi.pbtxt
MIN_PRESENCE = 0.5  # min_tracking_confidence
# Calibration clips: every other shared clip (sorted by name); the rest stay held out.
DEFAULT_CLIPS = sorted(f for f in os.listdir(FOOTAGE) if f.endswith(".mp4"))[::2] if os.path.isdir(FOOTAGE) else []


def roi_from_points(c, s, w, h):
    """(cx, cy, width, height, rotation) normalized, as thrustline_pose::roi::from_alignment_points."""
    x0, y0, x1, y1 = c[0] * w, c[1] * h, s[0] * w, s[1] * h
    size = math.hypot(x1 - x0, y1 - y0) * 2.0
    rot = math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0)
    rot = rot - 2 * math.pi * math.floor((rot + math.pi) / (2 * math.pi))
    return (x0 / w, y0 / h, size / w * ROI_SCALE, size / h * ROI_SCALE, rot)


def seed_roi(lm, w, h):
    """A body ROI from a reference pose: hip centre, scale point past the farthest landmark
    towards the shoulders (what the auxiliary landmarks approximate)."""
    p = np.array([[l[0], l[1]] for l in lm]) * [w, h]
    hip = (p[23] + p[24]) / 2
    sho = (p[11] + p[12]) / 2
    d = sho - hip
    n = np.linalg.norm(d)
    if n < 1e-6:
        return None
    reach = np.max(np.linalg.norm(p - hip, axis=1))
    s = hip + d / n * reach
    return roi_from_points((hip[0] / w, hip[1] / h), (s[0] / w, s[1] / h), w, h)


def crop(rgb, roi):
    """The model input for `roi`: Landmarker::crop_matrix + InputTensor::fill."""
    h, w = rgb.shape[:2]
    cx, cy, rw, rh, rot = roi
    sw, sh, px, py = rw * w, rh * h, cx * w, cy * h
    s, c = math.sin(rot), math.cos(rot)
    m = np.array([[c * sw / SIDE, -s * sh / SIDE, px - c * sw / 2 + s * sh / 2],
                  [s * sw / SIDE, c * sh / SIDE, py - s * sw / 2 - c * sh / 2]])
    out = cv2.warpAffine(rgb, m, (SIDE, SIDE), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                         borderMode=cv2.BORDER_REPLICATE)
    return (out.astype(np.float32) / 255.0)[None]


def project(roi, x, y):
    cx, cy, rw, rh, rot = roi
    s, c = math.sin(rot), math.cos(rot)
    x, y = x - 0.5, y - 0.5
    return ((c * x - s * y) * rw + cx, (s * x + c * y) * rh + cy)


def crops(session, clip, every):
    """Every `every`-th crop of `clip` as the tracking pipeline would make it."""
    name = os.path.splitext(os.path.basename(clip))[0]
    ref = json.load(open(os.path.join(REFERENCE, name + ".mediapipe-raw.json")))["frames"]
    cap = cv2.VideoCapture(clip)
    roi, i, out = None, 0, []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        h, w = rgb.shape[:2]
        if roi is None and i < len(ref) and ref[i]["lm"]:
            roi = seed_roi(ref[i]["lm"], w, h)
        if roi is not None:
            x = crop(rgb, roi)
            if i % every == 0:
                out.append(x)
            lms, flag = session.run(["Identity", "Identity_1"], {session.get_inputs()[0].name: x})
            if flag.ravel()[0] < MIN_PRESENCE:
                roi = None
            else:
                a = lms.reshape(-1, 5)
                c = project(roi, a[33, 0] / SIDE, a[33, 1] / SIDE)
                s = project(roi, a[34, 0] / SIDE, a[34, 1] / SIDE)
                roi = roi_from_points(c, s, w, h)
        i += 1
    return out


class Reader(CalibrationDataReader):
    def __init__(self, name, data):
        self.name, self.it = name, iter(data)

    def get_next(self):
        x = next(self.it, None)
        return None if x is None else {self.name: x}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="full", choices=["lite", "full", "heavy"])
    ap.add_argument("--clips", nargs="*", default=[os.path.join(FOOTAGE, c) for c in DEFAULT_CLIPS])
    ap.add_argument("--every", type=int, default=3)
    # Percentile and entropy keep every activation: use --every 24 or more, or 24 GiB runs out.
    ap.add_argument("--method", default="minmax", choices=["minmax", "percentile", "entropy"])
    ap.add_argument("--float-first", type=int, default=0)
    ap.add_argument("--float-from", type=int, default=10**6)
    ap.add_argument("--out", default=None, help="folder for the INT8 model (default: a temporary one)")
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    a.out = a.out or tmp.name
    src = os.path.join(ROOT, "models", f"pose_landmark_{a.model}_noseg.onnx")
    dst = os.path.join(a.out, f"pose_landmark_{a.model}_noseg_int8.onnx")
    session = ort.InferenceSession(src, providers=["CPUExecutionProvider"])
    data = []
    for clip in a.clips:
        c = crops(session, clip, a.every)
        print(f"{os.path.basename(clip)}: {len(c)} crops")
        data += c
    print(f"calibrating on {len(data)} crops from {len(a.clips)} clips ({a.method})")
    method = {"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile,
              "entropy": CalibrationMethod.Entropy}[a.method]
    with tempfile.TemporaryDirectory() as d:
        pre = os.path.join(d, "pre.onnx")
        quant_pre_process(src, pre, skip_symbolic_shape=True)
        nodes = [n.name for n in onnx.load(pre).graph.node]
        keep = nodes[:a.float_first] + nodes[a.float_from:]
        quantize_static(
            pre, dst, Reader(session.get_inputs()[0].name, data),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=method,
            nodes_to_exclude=keep,
            extra_options={"CalibMovingAverage": False},
        )
    onnx.checker.check_model(dst)
    sha = hashlib.sha256(open(dst, "rb").read()).hexdigest()
    print(f"{sha}  {dst} ({len(keep)} of {len(nodes)} nodes in float)")
    held = [os.path.join(FOOTAGE, c) for c in sorted(os.listdir(FOOTAGE))
            if c.endswith(".mp4") and os.path.join(FOOTAGE, c) not in a.clips]
    compare(src, dst, [x for clip in held for x in crops(session, clip, 5)])


def timed(path, xs):
    """Per-crop ms (median of 5 passes) and the outputs of the last pass."""
    o = ort.SessionOptions()
    o.intra_op_num_threads, o.inter_op_num_threads = 2, 1
    s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
    name, runs = s.get_inputs()[0].name, []
    for _ in range(5):
        t = time.perf_counter()
        out = [s.run(["Identity", "Identity_1"], {name: x}) for x in xs]
        runs.append((time.perf_counter() - t) * 1000 / len(xs))
    return sorted(runs)[2], out


def compare(fp32, int8, xs):
    ms_f, ref = timed(fp32, xs)
    ms_q, got = timed(int8, xs)
    err, flag = [], 0.0
    for (lf, ff), (lq, fq) in zip(ref, got):
        d = lf.reshape(-1, 5)[:33, :2] - lq.reshape(-1, 5)[:33, :2]
        err.append(np.hypot(d[:, 0], d[:, 1]) / (SIDE * math.sqrt(2)))
        flag = max(flag, abs(float(ff.ravel()[0]) - float(fq.ravel()[0])))
    e = np.concatenate(err) * 100
    print(f"held-out crops: {len(xs)}; landmarks vs fp32: median {np.median(e):.2f} %, p95 "
          f"{np.percentile(e, 95):.2f} % of the crop diagonal; pose flag moved up to {flag:.3f}; "
          f"{ms_f:.2f} -> {ms_q:.2f} ms per crop (2 threads)")


if __name__ == "__main__":
    main()
