#!/bin/sh
# Build the zonefuzz guest initramfs (non-root; docs/stress.md).
#
#   mkinitramfs.sh OUT.cpio.gz INIT PROFILES_DIR [BINARY...]
#
# Contents: /bin/busybox (busybox-static) with /bin/sh, /init, /profiles/*.job,
# /usr/bin/stress-ng and every extra BINARY in /usr/bin, each dynamic binary's
# shared libraries copied to their ldd paths (stress-ng needs 27 of them, the
# loader included: ecosystem notes §6.6 pitfall 4). gzip -1: unpacking is a
# third of a second under TCG, compressing harder saves nothing that matters.
set -eu

if [ $# -lt 3 ]; then
	echo "usage: $0 OUT.cpio.gz INIT PROFILES_DIR [BINARY...]" >&2
	exit 2
fi
OUT=$1
INIT=$2
PROFILES=$3
shift 3

BUSYBOX=${ZF_BUSYBOX:-/bin/busybox}
STRESS_NG=${ZF_STRESS_NG:-$(command -v stress-ng || true)}
[ -x "$BUSYBOX" ] || { echo "mkinitramfs: no $BUSYBOX (apt-get install busybox-static)" >&2; exit 1; }
[ -n "$STRESS_NG" ] || { echo "mkinitramfs: no stress-ng (apt-get install stress-ng)" >&2; exit 1; }

R=$(mktemp -d "${TMPDIR:-/tmp}/zf-initramfs.XXXXXX")
trap 'rm -rf "$R"' EXIT INT TERM
mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/usr/sbin" "$R/proc" "$R/sys" "$R/dev" \
	"$R/tmp" "$R/run" "$R/etc" "$R/profiles"

# copy_libs BINARY: its shared libraries at their ldd paths
copy_libs() {
	ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}' | while read -r lib; do
		[ -e "$R$lib" ] && continue
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done
}

cp "$BUSYBOX" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
copy_libs "$BUSYBOX"
cp "$STRESS_NG" "$R/usr/bin/stress-ng"
copy_libs "$STRESS_NG"
for b in "$@"; do
	cp "$b" "$R/usr/bin/$(basename "$b")"
	copy_libs "$b"
done
cp "$INIT" "$R/init"
chmod 755 "$R/init"
cp "$PROFILES"/*.job "$R/profiles/"
echo "root:x:0:0:root:/:/bin/sh" >"$R/etc/passwd"

TMP_OUT="$OUT.tmp.$$"
(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) | gzip -1 >"$TMP_OUT"
mv -f "$TMP_OUT" "$OUT"
