#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fastpath-reference.sh OUTDIR [BUILD_DIR] [RELEASE_BUILD_DIR]
#
# Writes, under OUTDIR, the observable behaviour of the model that a
# performance change must leave byte-identical (docs/benchmarks-model.md):
# for every scenario of tests/scenarios, tests/planted, tests/known and
# cli/scenarios, `zonefuzz run FILE --json` with every /proc dump (planted
# bugs once more with their --bug), `zf-soak --ops 200000 --seed 1`, and
# every event (all fields, the emitting function included, but the source
# line) of `zf-bench-model --trace-events` (pcp pairs, mixed orders, the
# slow path under reclaim pressure; ~20 MB).
# Run it before and after a change and compare with `diff -r OLD NEW`.
# The exit status of each run is recorded with its output (a finding is 1).
# Findings name the source line of the event site, which any edit above it
# moves: the line numbers are written as "LINE" (the function and file stay).
# Output is not committed.
set -u
out=${1:?usage: fastpath-reference.sh OUTDIR [BUILD_DIR] [RELEASE_BUILD_DIR]}
build=${2:-build}
release=${3:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
zf=$build/bin/zonefuzz
soak=$release/bin/zf-soak
bench=$release/bin/zf-bench-model
[ -x "$zf" ] || { echo "fastpath-reference: $zf not built" >&2; exit 2; }
[ -x "$soak" ] || { echo "fastpath-reference: $soak not built" >&2; exit 2; }
[ -x "$bench" ] || { echo "fastpath-reference: $bench not built" >&2; exit 2; }
mkdir -p "$out"
dumps="--dump buddyinfo --dump zoneinfo --dump vmstat --dump pagetypeinfo"
# run OUTFILE ARGS...: one zonefuzz run, its exit status appended, source lines masked
run() {
	o=$1
	shift
	"$zf" "$@" >"$o.raw" 2>&1
	echo "rc=$?" >>"$o.raw"
	sed -E -e 's/:[0-9]+, op /:LINE, op /g' -e 's/"line":[0-9]+/"line":LINE/g' \
		"$o.raw" >"$o"
	rm -f "$o.raw"
}
n=0
for f in tests/scenarios/*.json tests/planted/*.json tests/known/*.json cli/scenarios/*.json; do
	[ -f "$f" ] || continue
	name=$(echo "$f" | tr '/' '_')
	# shellcheck disable=SC2086
	run "$out/$name.out" run "$f" --json $dumps
	n=$((n + 1))
	bug=$(grep -o '"bug": *"B[0-9]*"' "$f" | head -n 1 | grep -o 'B[0-9]*')
	if [ -n "$bug" ]; then
		# shellcheck disable=SC2086
		run "$out/$name.bug-$bug.out" run "$f" --json $dumps --bug "$bug"
		n=$((n + 1))
	fi
done
# the soak's wall time and rate are the only non-deterministic part: dropped
"$soak" --ops 200000 --seed 1 >"$out/soak.raw" 2>&1
echo "rc=$?" >>"$out/soak.raw"
sed -E 's/ in [0-9.]+ s \([0-9]+ ops\/s\)//' "$out/soak.raw" >"$out/soak.out"
rm -f "$out/soak.raw"
"$bench" --trace-events >"$out/events.out" 2>&1
echo "rc=$?" >>"$out/events.out"
echo "fastpath-reference: $n scenario runs, the soak and the event trace written to $out"
