#!/usr/bin/env bash
# Builds the Debian package (cargo-deb) and the portable tarball into target/package/:
#   thrustline_<version>-1_amd64.deb and thrustline-<version>-x86_64-linux.tar.gz.
# Needs `bash scripts/setup.sh` first (the ONNX Runtime library and its licence texts).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

# cargo-deb, pinned: the packaging's config keys are this version's.
CARGO_DEB_VERSION="3.8.0"
OUT=target/package
STAGE=$OUT/stage
ARCH_TRIPLE=x86_64-linux

version=$(cargo metadata --no-deps --format-version 1 --locked \
  | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="thrustline"))')
changelog_version=$(sed -n '1s/^thrustline (\([^)-]*\)-[0-9]*).*/\1/p' packaging/changelog)
if [ "$changelog_version" != "$version" ]; then
  echo "package: packaging/changelog's top entry is $changelog_version, Cargo.toml says $version: add an entry" >&2
  exit 1
fi
# Every library Cargo.toml's asset list ships from the setup's folder, and the licence texts.
for f in $(sed -n 's/^ *\["\(\.cache\/onnxruntime\/[^"]*\)".*/\1/p' Cargo.toml) .cache/onnxruntime/LICENSE .cache/onnxruntime/ThirdPartyNotices.txt; do
  [ -f "$f" ] || { echo "package: $f is missing: run bash scripts/setup.sh" >&2; exit 1; }
done
if [ "$(cargo deb --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DEB_VERSION" ]; then
  echo "package: installing cargo-deb $CARGO_DEB_VERSION"
  cargo install -q --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi

cargo build --release --locked -q --bin thrustline
bin=target/release/thrustline

# Man pages and completions come from the clap definitions of the binary just built.
rm -rf "$STAGE"
mkdir -p "$STAGE/man" "$STAGE/completions"
"$bin" manpages "$STAGE/man"
gzip -9n "$STAGE"/man/*.1
"$bin" completions bash > "$STAGE/completions/thrustline"
"$bin" completions zsh > "$STAGE/completions/_thrustline"
"$bin" completions fish > "$STAGE/completions/thrustline.fish"

# The .deb: stripped (the release profile keeps line tables for profiling, not for users).
cargo deb --no-build --strip --locked -q --output "$OUT/"
deb=$(ls -t "$OUT"/thrustline_"$version"-*_amd64.deb | head -1)
# cargo-deb's $auto lists a library once per minimum version its ELF files ask for (the binary
# and ONNX Runtime's and OpenVINO's libraries each ask their own); Debian wants it once, at the
# highest. Repacked with one entry per package.
work=$(mktemp -d)
dpkg-deb -R "$deb" "$work/pkg"
python3 - "$work/pkg/DEBIAN/control" <<'PY'
import re, subprocess, sys
path = sys.argv[1]
lines = open(path).read().splitlines()
def newer(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0
for i, line in enumerate(lines):
    if not line.startswith("Depends: "):
        continue
    best, order = {}, []
    for dep in line[len("Depends: "):].split(", "):
        m = re.fullmatch(r"(\S+) \(>= ([^)]+)\)", dep)
        name, ver = (m.group(1), m.group(2)) if m else (dep, None)
        if name not in best:
            order.append(name)
            best[name] = ver
        elif ver and (best[name] is None or newer(ver, best[name])):
            best[name] = ver
    lines[i] = "Depends: " + ", ".join(n if best[n] is None else f"{n} (>= {best[n]})" for n in order)
open(path, "w").write("\n".join(lines) + "\n")
PY
dpkg-deb --root-owner-group -Zxz -b "$work/pkg" "$deb.tmp" >/dev/null
mv "$deb.tmp" "$deb"
rm -rf "$work"
echo "package: $deb ($(du -h "$deb" | cut -f1))"

# The tarball: the same files under one folder, with bin/, lib/ and share/ as in /usr.
name="thrustline-$version-$ARCH_TRIPLE"
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
dpkg-deb -x "$deb" "$tree/x"
mv "$tree/x/usr" "$tree/$name"
# zsh looks in site-functions under a prefix of one's own; vendor-completions is Debian's.
mkdir -p "$tree/$name/share/zsh/site-functions"
mv "$tree/$name/share/zsh/vendor-completions/_thrustline" "$tree/$name/share/zsh/site-functions/"
rmdir "$tree/$name/share/zsh/vendor-completions"
tar -C "$tree" --owner=0 --group=0 --sort=name -czf "$OUT/$name.tar.gz.tmp" "$name"
mv "$OUT/$name.tar.gz.tmp" "$OUT/$name.tar.gz"
echo "package: $OUT/$name.tar.gz ($(du -h "$OUT/$name.tar.gz" | cut -f1))"
