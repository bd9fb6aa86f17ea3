#!/usr/bin/env python3
"""Reproducible conversion of MediaPipe BlazePose TFLite models to ONNX.

Sources (see models/README.md):
  pose_detection.tflite            PyPI mediapipe==0.10.14, mediapipe/modules/pose_detection/
  pose_landmark_{lite,full,heavy}  npm @mediapipe/pose 0.5.1675469404

Usage: python3 models/convert.py --src DIR_WITH_TFLITES --out models/ [--heavy]
Needs: tensorflow-cpu, tf2onnx==1.17.*, onnx, onnxruntime, numpy.
"""
import argparse
import copy
import hashlib
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf
from tensorflow.lite.tools import flatbuffer_utils

# Outputs kept in the lean landmark variants. "_nohead": landmarks, pose flag, world landmarks.
# "_noseg": also the heatmap, which MediaPipe uses to refine landmarks (RefineLandmarksFromHeatmap).
NOHEAD_OUTPUTS = ["Identity", "Identity_1", "Identity_4"]
NOSEG_OUTPUTS = ["Identity", "Identity_1", "Identity_3", "Identity_4"]


def densify(src, dst):
    """Replace DENSIFY(sparse const) with a dense constant buffer, so tf2onnx can read it."""
    # XNNPACK would consume the sparse weights itself and never run DENSIFY: use the builtin kernels.
    interp = tf.lite.Interpreter(
        model_path=src,
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    interp.set_tensor(inp["index"], np.zeros(inp["shape"], dtype=inp["dtype"]))
    interp.invoke()
    model = flatbuffer_utils.read_model(src)
    sub = model.subgraphs[0]
    codes = set()
    for i, oc in enumerate(model.operatorCodes):
        code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
        if code == 124:  # BuiltinOperator.DENSIFY
            codes.add(i)
    kept, n = [], 0
    for op in sub.operators:
        if op.opcodeIndex in codes:
            out_t = op.outputs[0]
            in_t = op.inputs[0]
            dense = interp.get_tensor(out_t)
            buf = type(model.buffers[0])()
            buf.data = np.frombuffer(dense.tobytes(), dtype=np.uint8)
            model.buffers.append(buf)
            sub.tensors[out_t].buffer = len(model.buffers) - 1
            # The sparse input is now unused: make it an empty dense tensor.
            sub.tensors[in_t].sparsity = None
            sub.tensors[in_t].shape = np.array([0], dtype=np.int32)
            sub.tensors[in_t].buffer = 0
            n += 1
        else:
            kept.append(op)
    sub.operators = kept
    flatbuffer_utils.write_model(model, dst)
    print(f"densified {n} tensors in {os.path.basename(src)}")
    return n


def to_onnx(tflite, out):
    cmd = [sys.executable, "-m", "tf2onnx.convert", "--tflite", tflite, "--output", out, "--opset", "17"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def extract(src, out, outputs):
    """Keeps only `outputs`: ONNX Runtime then skips the dropped heads entirely."""
    m = onnx.load(src)
    m = onnx.utils.Extractor(m).extract_model([i.name for i in m.graph.input], outputs)
    onnx.save(m, out)


def compare(tflite, onnx_path, seed=0):
    """Max abs difference per output between TFLite and ONNX Runtime on one random input."""
    interp = tf.lite.Interpreter(model_path=tflite)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    x = np.random.default_rng(seed).uniform(0, 1, inp["shape"]).astype(np.float32)
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    tfl = {d["name"]: interp.get_tensor(d["index"]) for d in interp.get_output_details()}
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    outs = sess.run(None, {name: x})
    worst = 0.0
    for o, val in zip(sess.get_outputs(), outs):
        ref = tfl.get(o.name)
        if ref is None:
            continue
        d = float(np.max(np.abs(ref.reshape(val.shape) - val)))
        scale = float(np.max(np.abs(ref))) or 1.0
        if scale > 1e-3:  # a near-zero output (the pose flag on noise) has no meaningful scale
            worst = max(worst, d / scale)
        print(f"  {os.path.basename(onnx_path)} {o.name} {list(val.shape)}: max|diff| = {d:.3g} (scale {scale:.3g})")
    return worst


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--heavy", action="store_true", help="also convert pose_landmark_heavy")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tmp = tempfile.mkdtemp()
    det_dense = os.path.join(tmp, "pose_detection_dense.tflite")
    densify(os.path.join(a.src, "pose_detection.tflite"), det_dense)
    det = os.path.join(a.out, "pose_detection.onnx")
    to_onnx(det_dense, det)
    worst = compare(os.path.join(a.src, "pose_detection.tflite"), det)
    names = ["lite", "full"] + (["heavy"] if a.heavy else [])
    produced = [det]
    for n in names:
        src = os.path.join(a.src, f"pose_landmark_{n}.tflite")
        full = os.path.join(a.out, f"pose_landmark_{n}.onnx")
        to_onnx(src, full)
        worst = max(worst, compare(src, full))
        produced.append(full)
        for suffix, outputs in (("noseg", NOSEG_OUTPUTS), ("nohead", NOHEAD_OUTPUTS)):
            lean = os.path.join(a.out, f"pose_landmark_{n}_{suffix}.onnx")
            extract(full, lean, outputs)
            worst = max(worst, compare(src, lean))
            produced.append(lean)
    print(f"worst relative max|diff| over all outputs: {worst:.3g}")
    for p in produced:
        print(f"{sha256(p)}  {os.path.basename(p)}")


if __name__ == "__main__":
    main()
