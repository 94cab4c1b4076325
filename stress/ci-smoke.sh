#!/bin/sh
# stress/ci-smoke.sh - the CI step for the VM stress lane (docs/stress.md).
#
# Builds the guest image if needed (Debian cloud kernel via apt-get download,
# busybox-static, stress-ng, zf-guest-stress), boots the `smoke` profile
# under QEMU, and checks that the result bundle holds what the campaign
# tools rely on: stress-ng metrics, vmstat deltas, buddyinfo/zoneinfo
# snapshots, the kernel log, and the in-guest model stress summary. Then
# triages the bundle if `zonefuzz triage` exists, and boots once more with a
# wall-clock limit the guest cannot meet: the runner must kill it, say
# "timeout" in the bundle and leave no QEMU behind. Exit 0 on success.
#
#   stress/ci-smoke.sh [BUILD_DIR]        (default: build; configured here
#                                          if it is not yet, so a fresh clone
#                                          needs only this one command)
#
# Host packages: qemu-system-x86 busybox-static stress-ng cpio (and network
# to the Debian mirrors for the kernel .deb, unless ZF_VM_KERNEL=FILE).
# Budget: about 10 s of image build and 10-15 s of TCG boot+run here; the
# whole step must stay within 3 minutes.
set -eu

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${ZF_SMOKE_OUT:-out/vm/ci-smoke}
START=$(date +%s)

fail() {
	echo "ci-smoke: FAIL: $*" >&2
	[ -f "$OUT/console.log" ] && { echo "--- console.log (tail)" >&2; tail -n 30 "$OUT/console.log" >&2; }
	exit 1
}

# a fresh clone: configure the build directory first
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	echo "ci-smoke: configuring $BUILD"
	GEN=
	command -v ninja >/dev/null 2>&1 && GEN="-G Ninja"
	# shellcheck disable=SC2086
	cmake -S "$ROOT" -B "$BUILD" $GEN -DCMAKE_BUILD_TYPE=Debug >/dev/null || fail "cannot configure $BUILD"
fi

# the runner: the CLI's `zonefuzz vm` where it is wired, else zf-vm
if [ -x "$BUILD/bin/zonefuzz" ] && "$BUILD/bin/zonefuzz" vm --help >/dev/null 2>&1; then
	VM="$BUILD/bin/zonefuzz vm"
elif [ -x "$BUILD/bin/zf-vm" ]; then
	VM="$BUILD/bin/zf-vm"
else
	echo "ci-smoke: building zf-vm and zf-guest-stress in $BUILD"
	cmake --build "$BUILD" --target zf-vm zf-guest-stress >/dev/null || fail "cannot build zf-vm"
	VM="$BUILD/bin/zf-vm"
fi
[ -x "$BUILD/bin/zf-guest-stress" ] || cmake --build "$BUILD" --target zf-guest-stress >/dev/null ||
	fail "cannot build zf-guest-stress"

KERNEL_ARG=
[ -n "${ZF_VM_KERNEL:-}" ] && KERNEL_ARG="--kernel $ZF_VM_KERNEL"

echo "ci-smoke: $VM build"
# shellcheck disable=SC2086
$VM build $KERNEL_ARG || fail "guest image build"

rm -rf "$OUT"
echo "ci-smoke: $VM run --profile smoke"
set +e
# shellcheck disable=SC2086
$VM run --profile smoke --out "$OUT" --no-build --limit 150 $KERNEL_ARG
RC=$?
set -e
# 0 clean, 1 a real-kernel finding (still a complete bundle); anything else failed
[ "$RC" -le 1 ] || fail "the VM run failed (rc $RC)"

B="$OUT/bundle.json"
[ -s "$B" ] || fail "no bundle.json"
python3 - "$B" <<'EOF' || fail "the bundle is incomplete"
import json, os, sys
path = sys.argv[1]
b = json.load(open(path))
d = os.path.dirname(path)
errs = []
def need(cond, what):
    if not cond:
        errs.append(what)
need(b.get("schema") == "zonefuzz.vm-bundle/1", "schema")
need(b.get("status") == "ok", "status ok (got %r)" % b.get("status"))
need(b.get("kernel_release", "").startswith("6.") or b.get("kernel_release"), "kernel_release")
m = b.get("stress_ng", {}).get("metrics", [])
need(m and m[0].get("stressor") and m[0].get("bogo-ops", 0) > 0, "stress-ng metrics with bogo-ops")
need(b.get("stress_ng", {}).get("rc") == 0, "stress-ng rc 0")
dv = b.get("vmstat_delta", {})
need(dv.get("pgfault", 0) > 0 and "pgalloc_dma32" in dv, "vmstat deltas (pgfault, pgalloc_dma32)")
s = b.get("snapshots", {})
for k in ("buddyinfo.before", "buddyinfo.after", "zoneinfo.before", "zoneinfo.after",
          "vmstat.before", "vmstat.after", "dmesg"):
    f = s.get(k)
    need(f and os.path.getsize(os.path.join(d, f)) > 0, "snapshot " + k)
need("Node 0, zone" in open(os.path.join(d, "buddyinfo.after.txt")).read(), "buddyinfo content")
need("Linux version" in open(os.path.join(d, "kernel.log")).read(), "kernel log content")
g = b.get("guest_stress", {})
need(g.get("completed") and g.get("ops", 0) > 0, "in-guest model stress summary")
need(isinstance(b.get("findings"), list), "findings array")
for e in errs:
    print("missing:", e)
t = b.get("timing", {})
print("ci-smoke: bundle ok: kernel %s, wall %.1f s, guest /init at %.2f s, %d findings, "
      "model ops %d" % (b["kernel_release"], t.get("wall_s", -1), t.get("guest_init_uptime_s", -1),
                        len(b["findings"]), g.get("ops", 0)))
sys.exit(1 if errs else 0)
EOF

# triage, once the reports engineer's command exists
if [ -x "$BUILD/bin/zonefuzz" ] && "$BUILD/bin/zonefuzz" triage --help >/dev/null 2>&1; then
	echo "ci-smoke: zonefuzz triage $B"
	"$BUILD/bin/zonefuzz" triage "$B" --out "$OUT/triage" >"$OUT/triage.txt" 2>&1 || fail "zonefuzz triage (see $OUT/triage.txt)"
fi

# a guest that does not finish in time: killed at the limit, reported, no QEMU left
HANG="$OUT-timeout"
rm -rf "$HANG"
echo "ci-smoke: $VM run --profile smoke --time 60 --limit 3 (must time out)"
set +e
# shellcheck disable=SC2086
$VM run --profile smoke --out "$HANG" --no-build --time 60 --limit 3 --quiet $KERNEL_ARG
RC=$?
set -e
[ "$RC" -eq 3 ] || fail "the over-limit run exited $RC, not 3"
python3 - "$HANG/bundle.json" <<'EOF' || fail "the over-limit run's bundle does not record the timeout"
import json, sys
b = json.load(open(sys.argv[1]))
ok = b.get("status") == "timeout" and b["vm"].get("timed_out") is True and b["vm"].get("limit_s") == 3
print("ci-smoke: over-limit run: status %s, wall %.1f s, qemu signal %s" % (
    b.get("status"), b.get("timing", {}).get("wall_s", -1), b["vm"].get("exit_signal")))
sys.exit(0 if ok else 1)
EOF
# QEMU's command line names the bundle directory: nothing may still run with it
LEFT=$(pgrep -f "file:$HANG/console.log" || true)
if [ -n "$LEFT" ]; then
	# shellcheck disable=SC2086
	kill -9 $LEFT 2>/dev/null
	fail "a QEMU outlived the runner (pid $LEFT)"
fi

echo "ci-smoke: passed in $(($(date +%s) - START)) s"
