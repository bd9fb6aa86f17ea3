#!/usr/bin/env bash
# Tests the package and the tarball where a user installs them: a clean Debian 12 root made with
# debootstrap (cached in $THRUSTLINE_CI_CACHE, default ~/.cache/thrustline-ci), away from any
# source tree, as an ordinary user. Runs `bash scripts/package.sh` first. Needs root (chroot).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

CACHE=${THRUSTLINE_CI_CACHE:-$HOME/.cache/thrustline-ci}
MIRROR=${THRUSTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE="$CACHE/bookworm-minbase.tar"
# Packages a desktop user has that minbase lacks: man-db for `man thrustline`.
EXTRA=man-db

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
step() { echo "package-test: $*"; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }

missing=()
for p in debootstrap lintian; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/package.sh
version=$(sed -n '1s/^thrustline (\([^)-]*\)-.*/\1/p' packaging/changelog)
deb=$(ls -t "$repo"/target/package/thrustline_"$version"-*_amd64.deb | head -1)
tarball="$repo/target/package/thrustline-$version-x86_64-linux.tar.gz"

step "lintian"
lintian --fail-on error "$deb" 2>&1 | grep -v 'running with root privileges' || true
lintian --fail-on error "$deb" >/dev/null 2>&1 || fail "lintian reports errors"

mkdir -p "$CACHE/apt-archives/partial"
if [ ! -f "$BASE" ]; then
  step "debootstrap bookworm (cached in $BASE)"
  tmp=$(mktemp -d)
  as_root debootstrap --variant=minbase --include="$EXTRA" bookworm "$tmp/root" "$MIRROR" >"$tmp/log" 2>&1 \
    || { tail -20 "$tmp/log"; fail "debootstrap"; }
  as_root tar -C "$tmp/root" -cf "$BASE.tmp" .
  mv "$BASE.tmp" "$BASE"
  as_root rm -rf "$tmp"
fi

root=$(mktemp -d /tmp/thrustline-root.XXXXXX)
mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do as_root umount -l "${mounts[$i]}" 2>/dev/null || true; done
  as_root rm -rf "$root"
}
trap cleanup EXIT
as_root tar -C "$root" -xf "$BASE"
for m in proc dev dev/pts var/cache/apt/archives; do
  case $m in
    proc) as_root mount -t proc proc "$root/proc" ;;
    dev | dev/pts) as_root mount --bind "/$m" "$root/$m" ;;
    var/cache/apt/archives) as_root mount --bind "$CACHE/apt-archives" "$root/$m" ;;
  esac
  mounts+=("$root/$m")
done
# The host's view of the network and its mirror settings; the root's own Debian sources.
as_root cp /etc/resolv.conf "$root/etc/resolv.conf"
for f in /etc/apt/apt.conf.d/*proxy* /etc/apt/apt.conf.d/99artifact-registry; do
  [ -f "$f" ] && as_root cp "$f" "$root/etc/apt/apt.conf.d/"
done
as_root cp "$deb" "$tarball" "$root/tmp/"
in_root() { as_root chroot "$root" env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 "$@"; }
as_user() { in_root setpriv --reuid=1000 --regid=1000 --init-groups env HOME=/home/lifter "$@"; }

step "apt-get install ./$(basename "$deb") in a clean Debian 12 root"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" >/dev/null \
  || fail "apt-get install"
in_root useradd -m -u 1000 -s /bin/bash lifter

step "thrustline --version"
got=$(as_user sh -c 'cd /home/lifter && thrustline --version')
[ "$got" = "thrustline $version" ] || fail "--version says '$got', not 'thrustline $version'"

step "thrustline doctor (no camera, display or audio here)"
set +e
as_user sh -c 'cd /home/lifter && thrustline doctor' >"$root/tmp/doctor.txt" 2>&1
rc=$?
as_user sh -c 'cd /home/lifter && thrustline doctor --live' >"$root/tmp/doctor-live.txt" 2>&1
rc_live=$?
set -e
cat "$root/tmp/doctor.txt"
[ $rc = 0 ] || fail "doctor exits $rc, not 0, with everything analyze needs installed"
[ $rc_live = 2 ] || fail "doctor --live exits $rc_live, not 2, without a camera or display"
grep -q '^ok    onnxruntime ONNX Runtime 1.24.1 at /usr/lib/thrustline/.* (OpenVINO CPU)$' "$root/tmp/doctor.txt" \
  || fail "doctor: runtime line (ONNX Runtime with OpenVINO from the package)"
[ "$(grep -c '^ok    model .*/usr/share/thrustline/models/.*(sha256 matches)' "$root/tmp/doctor.txt")" = 5 ] || fail "doctor: model lines"
for name in camera display audio; do
  [ "$(grep -c "^warn  $name " "$root/tmp/doctor.txt")" = 1 ] || fail "doctor: no one-line warning for $name"
done
for name in camera display; do
  grep -q "^FAIL  $name .* — " "$root/tmp/doctor-live.txt" || fail "doctor --live: no one-line failure for $name"
done

step "thrustline analyze on the bundled sample"
as_user sh -c 'cd /home/lifter && thrustline analyze /usr/share/thrustline/sample/glute_bridge_bodyweight_1rep.mp4 --out out' \
  || fail "analyze"
for f in session.json reps.csv frames.jsonl report.html annotated.mp4 keyframes/index.json; do
  [ -s "$root/home/lifter/out/$f" ] || fail "analyze did not write $f"
done
reps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["reps"]))' "$root/home/lifter/out/session.json")
[ "$reps" = 1 ] || fail "analyze counted $reps reps, not 1"
[ -s "$root/home/lifter/.local/share/thrustline/training_log.sqlite3" ] || fail "no training log written"

step "man thrustline"
as_user env MANPAGER=cat MANWIDTH=80 man thrustline >"$root/tmp/man.txt" 2>/dev/null || fail "man thrustline"
grep -q 'doctor' "$root/tmp/man.txt" || fail "man thrustline does not list doctor"
as_user env MANPAGER=cat man thrustline-analyze | grep -q -- '--variation' || fail "man thrustline-analyze"
as_user bash -c '. /usr/share/bash-completion/completions/thrustline && complete -p thrustline' >/dev/null \
  || fail "bash completion"

step "apt-get purge: nothing left but the user's data"
in_root dpkg -L thrustline | sort >"$root/tmp/files.txt"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq thrustline >/dev/null || fail "purge"
while read -r f; do
  case $f in /. | /usr | /usr/bin | /usr/lib | /usr/share | /usr/share/doc | /usr/share/man | /usr/share/man/man1 | \
    /usr/share/applications | /usr/share/icons | /usr/share/icons/hicolor | /usr/share/icons/hicolor/scalable | \
    /usr/share/icons/hicolor/scalable/apps | /usr/share/bash-completion | /usr/share/bash-completion/completions | \
    /usr/share/zsh | /usr/share/zsh/vendor-completions | /usr/share/fish | /usr/share/fish/vendor_completions.d) continue ;;
  esac
  [ ! -e "$root$f" ] || fail "$f is left after purge"
done <"$root/tmp/files.txt"
[ -s "$root/home/lifter/out/session.json" ] && [ -s "$root/home/lifter/.local/share/thrustline/training_log.sqlite3" ] \
  || fail "purge removed the user's data"

step "the tarball, from a temporary folder"
tb=tmp/tarball
as_user sh -c "mkdir -p /$tb && tar -C /$tb -xzf /tmp/$(basename "$tarball") && mkdir -p /$tb/elsewhere"
tbin="/$tb/thrustline-$version-x86_64-linux/bin/thrustline"
got=$(as_user sh -c "cd /$tb/elsewhere && $tbin --version")
[ "$got" = "thrustline $version" ] || fail "tarball --version says '$got'"
as_user sh -c "cd /$tb/elsewhere && $tbin doctor" >"$root/tmp/doctor-tb.txt" 2>&1 || { cat "$root/tmp/doctor-tb.txt"; fail "tarball doctor"; }
grep -q "^ok    onnxruntime .* at /$tb/thrustline-$version-x86_64-linux/lib/thrustline/.* (OpenVINO CPU)$" "$root/tmp/doctor-tb.txt" \
  || fail "tarball doctor: runtime not from the tarball"
as_user sh -c "cd /$tb/elsewhere && $tbin analyze /$tb/thrustline-$version-x86_64-linux/share/thrustline/sample/glute_bridge_bodyweight_1rep.mp4 --out out --no-log" \
  || fail "tarball analyze"
[ -s "$root/$tb/elsewhere/out/report.html" ] || fail "tarball analyze wrote no report"

step "the binary alone, without the tarball's layout: the error says where it looked"
as_user sh -c "mkdir -p /$tb/alone && cp $tbin /$tb/alone/"
set +e
err=$(as_user sh -c "cd /$tb/elsewhere && /$tb/alone/thrustline analyze /$tb/thrustline-$version-x86_64-linux/share/thrustline/sample/glute_bridge_bodyweight_1rep.mp4 --out out2 --no-log" 2>&1)
rc=$?
set -e
echo "$err"
[ $rc = 1 ] || fail "the lone binary exits $rc, not 1"
[ "$(echo "$err" | wc -l)" = 1 ] || fail "the lone binary's error is not one line"
echo "$err" | grep -q -E -- "looked in .*(/$tb/share/thrustline/models|/$tb/lib/thrustline)" \
  || fail "the error does not say where it looked"
echo "$err" | grep -q -E -- "--models|--onnxruntime" || fail "the error does not say how to fix it"

step "ok: package $(basename "$deb") and tarball $(basename "$tarball") install, run and uninstall cleanly"
