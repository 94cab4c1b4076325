#!/bin/sh
# tests/stress/vm_teardown.sh ZF_VM - the runner's teardown without a guest
# (ctest stress.vm_teardown; docs/stress.md "The runner"). A stand-in QEMU
# (fake-qemu.sh, through ZF_VM_QEMU) plays a guest that never powers off:
#
#   1. the wall-clock limit: the runner kills it (SIGTERM, then SIGKILL after
#      5 s, as this one ignores SIGTERM), exits 3, the bundle says "timeout"
#   2. SIGINT and 3. SIGTERM to the runner: QEMU torn down, exit 3, "interrupted"
#   4. the runner SIGKILLed: PR_SET_PDEATHSIG takes QEMU with it
#   5. the accelerator: an unusable KVM device (ZF_VM_KVM_DEV) gives TCG;
#      where /dev/kvm answers, a KVM guest that stays silent is rerun on TCG
#
# After each case no process of the stand-in's group may be left (checked by
# the pids it wrote, zombies count as gone). About 20 s.
set -u
ZF_VM=${1:?usage: vm_teardown.sh path/to/zf-vm}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/zf-vm-teardown.XXXXXX")
FAILS=0
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/cache"
: >"$W/cache/vmlinuz"
: >"$W/cache/initramfs.cpio.gz"
export ZF_VM_QEMU="$HERE/fake-qemu.sh" ZF_VM_CACHE="$W/cache"

fail() {
	echo "vm_teardown: FAIL: $*"
	FAILS=$((FAILS + 1))
}

# alive PID: a process that is there and not a zombie
alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# wait_for FILE SECONDS
wait_for() {
	n=0
	while [ ! -s "$1" ] && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -s "$1" ]
}

# no_survivors CASE DIR: QEMU and its child are gone
no_survivors() {
	for f in qemu.pid child.pid; do
		[ -s "$2/$f" ] || continue
		p=$(cat "$2/$f")
		# SIGKILL is asynchronous: give the kernel a moment
		n=0
		while alive "$p" && [ $n -lt 20 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		if alive "$p"; then
			fail "$1: $f $p outlived the runner"
			kill -9 "$p" 2>/dev/null
		fi
	done
}

# bundle_field DIR KEY: a top-level or vm.KEY value of bundle.json
bundle_field() {
	python3 -c 'import json,sys
b=json.load(open(sys.argv[1]+"/bundle.json"))
k=sys.argv[2]
v=b["vm"][k[3:]] if k.startswith("vm.") else b[k]
print(str(v).lower() if isinstance(v,bool) else v)' "$1" "$2" 2>/dev/null
}

new_case() {
	D="$W/$1"
	mkdir -p "$D"
	export FAKE_QEMU_DIR="$D" FAKE_QEMU_MODE="$2"
}

# ---- 1. the wall-clock limit, a QEMU that ignores SIGTERM ----------------
new_case limit hang
T0=$(date +%s)
"$ZF_VM" run --profile smoke --no-build --accel tcg --limit 2 --out "$D/out" --quiet
RC=$?
T=$(($(date +%s) - T0))
[ $RC -eq 3 ] || fail "limit: exit $RC, expected 3"
[ "$(bundle_field "$D/out" status)" = timeout ] || fail "limit: bundle status '$(bundle_field "$D/out" status)'"
[ "$(bundle_field "$D/out" vm.timed_out)" = true ] || fail "limit: vm.timed_out not true"
[ "$(bundle_field "$D/out" vm.limit_s)" = 2 ] || fail "limit: vm.limit_s not 2"
# 2 s limit + 5 s SIGTERM grace + SIGKILL: well under 20 s
[ $T -lt 20 ] || fail "limit: the runner took $T s"
no_survivors limit "$D"

# ---- 2./3. SIGINT and SIGTERM to the runner ------------------------------
for sig in INT TERM; do
	new_case "sig$sig" sleep
	"$ZF_VM" run --profile smoke --no-build --accel tcg --limit 60 --out "$D/out" --quiet &
	RPID=$!
	wait_for "$D/ready" 10 || fail "sig$sig: the stand-in QEMU never started"
	kill -s "$sig" $RPID
	wait $RPID
	RC=$?
	[ $RC -eq 3 ] || fail "sig$sig: exit $RC, expected 3"
	[ "$(bundle_field "$D/out" status)" = interrupted ] ||
		fail "sig$sig: bundle status '$(bundle_field "$D/out" status)'"
	no_survivors "sig$sig" "$D"
done

# ---- 4. the runner itself SIGKILLed --------------------------------------
new_case sigkill lonely
"$ZF_VM" run --profile smoke --no-build --accel tcg --limit 60 --out "$D/out" --quiet &
RPID=$!
wait_for "$D/ready" 10 || fail "sigkill: the stand-in QEMU never started"
kill -9 $RPID
wait $RPID 2>/dev/null
no_survivors sigkill "$D"

# ---- 5. the accelerator --------------------------------------------------
new_case nokvm lonely
ZF_VM_KVM_DEV=/nonexistent/kvm "$ZF_VM" run --profile smoke --no-build --limit 1 \
	--out "$D/out" --quiet
grep -q -- "-accel tcg" "$D/argv" || fail "nokvm: QEMU not started with -accel tcg: $(cat "$D/argv")"
grep -q -- "-accel kvm" "$D/argv" && fail "nokvm: QEMU started with -accel kvm"
[ "$(bundle_field "$D/out" vm.accel)" = tcg ] || fail "nokvm: bundle accel '$(bundle_field "$D/out" vm.accel)'"
bundle_field "$D/out" vm.accel_reason | grep -q "/nonexistent/kvm" ||
	fail "nokvm: accel_reason '$(bundle_field "$D/out" vm.accel_reason)'"
no_survivors nokvm "$D"

new_case devnull lonely
ZF_VM_KVM_DEV=/dev/null "$ZF_VM" run --profile smoke --no-build --limit 1 --out "$D/out" --quiet
[ "$(bundle_field "$D/out" vm.accel)" = tcg ] || fail "devnull: bundle accel '$(bundle_field "$D/out" vm.accel)'"
no_survivors devnull "$D"

# the KVM path itself, where /dev/kvm answers KVM_GET_API_VERSION (the CPU
# flags come from a stand-in cpuinfo): a silent KVM guest is rerun on TCG
if python3 -c 'import os,fcntl,sys; fd=os.open("/dev/kvm",os.O_RDWR); sys.exit(fcntl.ioctl(fd,0xAE00)!=12)' 2>/dev/null; then
	new_case kvm silent
	printf 'flags\t\t: fpu vmx lm\n' >"$D/cpuinfo"
	ZF_VM_CPUINFO="$D/cpuinfo" ZF_VM_KVM_SILENT_S=2 "$ZF_VM" run --profile smoke --no-build \
		--limit 30 --out "$D/out" --quiet
	[ "$(sed -n 1p "$D/argv" | grep -c -- '-accel kvm')" = 1 ] || fail "kvm: first QEMU not -accel kvm: $(cat "$D/argv")"
	[ "$(sed -n 2p "$D/argv" | grep -c -- '-accel tcg')" = 1 ] || fail "kvm: no TCG rerun: $(cat "$D/argv")"
	[ "$(bundle_field "$D/out" vm.kvm_fallback_to_tcg)" = true ] || fail "kvm: kvm_fallback_to_tcg not true"
	no_survivors kvm "$D"
else
	echo "vm_teardown: /dev/kvm does not answer here: the KVM-silent fallback case is not run"
fi

if [ $FAILS -ne 0 ]; then
	echo "vm_teardown: $FAILS failure(s)"
	exit 1
fi
echo "vm_teardown: all cases passed"
