#!/usr/bin/env bash
# Installs what Thrustline needs on Debian 12, idempotently: system packages for the OpenCV
# bindings and the ONNX Runtime shared library with its OpenVINO execution provider (from the
# PyPI `onnxruntime-openvino` wheel: OpenVINO's CPU plugin runs the pose models in about three
# quarters of ONNX Runtime's own kernels' time, README "Speed") into .cache/onnxruntime/. Safe
# to run again: it only fetches what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION="1.24.1"
ORT_DIR=".cache/onnxruntime"
ORT_LIB="$ORT_DIR/libonnxruntime.so.$ORT_VERSION"
# What the runtime loads: ONNX Runtime, its OpenVINO provider, and the parts of OpenVINO that
# provider needs on a CPU (the core, its ONNX reader, the CPU plugin, TBB). Each finds the next
# beside it ($ORIGIN). One list, the package's: Cargo.toml's libraries from this folder (which
# scripts/package.sh checks and the package and the tarball ship).
mapfile -t ORT_FILES < <(sed -n 's/^ *\["\.cache\/onnxruntime\/\(lib[^"]*\)".*/\1/p' Cargo.toml)
[[ " ${ORT_FILES[*]} " == *" libonnxruntime.so.$ORT_VERSION "* ]] \
  || { echo "setup: Cargo.toml's package assets do not list libonnxruntime.so.$ORT_VERSION" >&2; exit 1; }
# Build: OpenCV and FFmpeg bindings (clang; FFmpeg decodes files with their own colour matrix),
# ALSA for audio cues. Run: GL and X11 for the egui window.
APT_PACKAGES=(libopencv-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev clang libclang-dev pkg-config libasound2-dev libgl1-mesa-dri libegl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6)
# Extra packages for GUI, audio and report tests; a missing one only skips those tests.
APT_EXTRA=(xvfb espeak-ng chromium ffmpeg)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}" ${THRUSTLINE_SETUP_EXTRA:+"${APT_EXTRA[@]}"}; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# The ONNX Runtime wheel is fetched with pip, and the MediaPipe benchmark makes a venv: a stock
# Debian 12 has neither (a Python of its own, like pyenv's, may bring both).
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The libraries and their licence texts, which the package and the tarball ship beside them.
have_all=1
for f in "${ORT_FILES[@]}" LICENSE ThirdPartyNotices.txt; do [ -f "$ORT_DIR/$f" ] || have_all=0; done
if [ "$have_all" = 0 ]; then
  echo "setup: fetching ONNX Runtime $ORT_VERSION with OpenVINO (PyPI onnxruntime-openvino wheel)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 311 \
    --platform manylinux_2_27_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
    "onnxruntime-openvino==$ORT_VERSION" -d "$tmp"
  mkdir -p "$ORT_DIR"
  python3 - "$tmp" "$ORT_DIR" "${ORT_FILES[@]}" <<'PY'
import glob, os, sys, zipfile
tmp, out, *libs = sys.argv[1:]
whl = glob.glob(os.path.join(tmp, "onnxruntime_openvino-*.whl"))[0]
with zipfile.ZipFile(whl) as z:
    pairs = [(f"onnxruntime/capi/{lib}", lib) for lib in libs]
    pairs += [("onnxruntime/LICENSE", "LICENSE"), ("onnxruntime/ThirdPartyNotices.txt", "ThirdPartyNotices.txt")]
    for name, dst in pairs:
        dst = os.path.join(out, dst)
        with open(dst + ".tmp", "wb") as f:
            f.write(z.read(name))
        os.replace(dst + ".tmp", dst)
PY
  # The wheel's ONNX Runtime libraries keep their symbol tables (OpenVINO's are stripped):
  # the package ships them stripped, as Debian's policy asks.
  for f in "${ORT_FILES[@]}"; do strip --strip-unneeded "$ORT_DIR/$f"; done
fi
ln -sf "libonnxruntime.so.$ORT_VERSION" "$ORT_DIR/libonnxruntime.so"
echo "setup: ok (ONNX Runtime at $ORT_LIB)"
