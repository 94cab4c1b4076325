#!/bin/sh
# tests/stress/fake-qemu.sh - a stand-in for qemu-system-x86_64 (ZF_VM_QEMU)
# for vm_teardown.sh: records its argv and pid in $FAKE_QEMU_DIR, then
# behaves as $FAKE_QEMU_MODE says:
#   hang      a guest that never powers off: ignores SIGTERM (so the runner
#             must escalate to SIGKILL) and leaves a child in its process group
#   sleep     a guest that never powers off but goes on SIGTERM, with a child
#   lonely    like sleep, without a child (for the runner-killed case: only
#             QEMU itself gets PR_SET_PDEATHSIG)
#   silent    prints nothing while given "-accel kvm"; under TCG it writes a
#             console line and exits 0 (the KVM-silent fallback)
set -u
D=${FAKE_QEMU_DIR:?}
echo "$*" >>"$D/argv"
echo $$ >"$D/qemu.pid"
mode=${FAKE_QEMU_MODE:-sleep}
case " $* " in
*" -accel kvm "*) accel=kvm ;;
*) accel=tcg ;;
esac
if [ "$mode" = silent ]; then
	[ "$accel" = tcg ] || exec sleep 1000
	# -serial file:CONSOLE is the first -serial
	con=$(echo "$*" | sed -n 's/.*-serial file:\([^ ]*\).*-serial.*/\1/p')
	echo "Linux version fake" >"$con"
	exit 0
fi
[ "$mode" = hang ] && trap '' TERM
if [ "$mode" != lonely ]; then
	sleep 1000 &
	echo $! >"$D/child.pid"
fi
echo ready >"$D/ready"
# a loop of short sleeps, not one exec'd sleep: the shell stays QEMU's pid
while :; do sleep 1; done
