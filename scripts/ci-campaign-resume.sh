#!/usr/bin/env bash
# CI check of `zonefuzz fuzz`'s kill-and-resume contract, for both engines
# (docs/fuzzing.md "Campaigns"; issue bar "a campaign killed with SIGKILL
# resumes"):
#   1. start a campaign on the buddy target with --ignore-known, SIGKILL the
#      runner (the runner only, as the OOM killer or a CI timeout would) once
#      it has written campaign.json;
#   2. no worker of that run outlives it for long (parent-death signal);
#   3. campaign.json is JSON with the time spent, the corpus is on disk;
#   4. the same command again says it resumes, carries the time on and ends
#      with its summary; the corpus is not smaller than before.
#
#   scripts/ci-campaign-resume.sh      exit 0 ok, 1 a broken contract
# Builds what is missing (presets fuzz-libfuzzer, fuzz-afl, fuzz-afl-cmplog;
# ci-fuzz.sh builds the first two) and needs build/bin/zonefuzz (preset default).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ZF=${ZF_BIN:-build/bin/zonefuzz}
[ -x "$ZF" ] || { echo "ci-campaign-resume: $ZF not built (cmake --preset default)" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-resume.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
rc=0
fail() { echo "ci-campaign-resume: FAIL: $*"; rc=1; }

# Workers of the campaign in $1: fuzz_buddy processes whose cwd or arguments
# name the campaign directory.
workers_of() {
	local dir=$1 pid
	for pid in $(pgrep -f 'fuzz_buddy' || true); do
		if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$dir" ||
			[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$dir" ] ||
			readlink "/proc/$pid/cwd" 2>/dev/null | grep -q -- "^$dir/"; then
			echo "$pid"
		fi
	done
}

corpus_size() { find "$1/corpus" -type f 2>/dev/null | wc -l; }

json_elapsed() {
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["elapsed_s"]))' "$1"
}

check_engine() {
	local engine=$1 dir="$TMP/$1" pid i n before el1 el2 out
	local args=(fuzz --engine "$engine" --target buddy --jobs 2 --time 40
		--dir "$dir" --ignore-known --status-interval 2)
	# 1. start, wait until the runner has recorded its state and fuzzed a while
	"$ZF" "${args[@]}" >"$TMP/$engine-1.log" 2>&1 &
	pid=$!
	for i in $(seq 1 60); do
		sleep 1
		if [ -s "$dir/campaign.json" ] && [ "$i" -ge 12 ]; then break; fi
	done
	[ -s "$dir/campaign.json" ] || { fail "$engine: no campaign.json after 60 s"; kill -9 "$pid"; return; }
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	# 2. the workers follow their runner (PR_SET_PDEATHSIG; AFL++ children exit with afl-fuzz)
	for i in $(seq 1 15); do
		n=$(workers_of "$dir" | wc -l)
		[ "$n" -eq 0 ] && break
		sleep 1
	done
	if [ "$n" -ne 0 ]; then
		fail "$engine: $n worker(s) outlived the SIGKILLed runner"
		workers_of "$dir" | xargs -r kill -9
	fi
	# 3. state on disk
	el1=$(json_elapsed "$dir/campaign.json") || { fail "$engine: campaign.json unreadable"; return; }
	[ "$el1" -gt 0 ] || fail "$engine: campaign.json records no time spent"
	before=$(corpus_size "$dir")
	# 4. resume
	"$ZF" "${args[@]}" >"$TMP/$engine-2.log" 2>&1
	out=$?
	if [ "$out" -ne 0 ] && [ "$out" -ne 1 ]; then
		fail "$engine: resumed run exited $out"
		tail -5 "$TMP/$engine-2.log"
	fi
	grep -q "resuming $dir: ${el1}s of 40s already done" "$TMP/$engine-2.log" ||
		fail "$engine: the second run did not resume from ${el1}s"
	el2=$(json_elapsed "$dir/campaign.json")
	[ "$el2" -ge "$el1" ] || fail "$engine: elapsed went back from $el1 to $el2"
	[ "$(corpus_size "$dir")" -ge "$before" ] || fail "$engine: corpus shrank below $before files"
	n=$(workers_of "$dir" | wc -l)
	[ "$n" -eq 0 ] || fail "$engine: $n worker(s) left after the resumed run"
	echo "ci-campaign-resume: $engine: killed at ${el1}s, resumed to ${el2}s, corpus $before -> $(corpus_size "$dir") files"
}

check_engine libfuzzer
check_engine afl
[ "$rc" = 0 ] && echo "ci-campaign-resume: ok"
exit "$rc"
