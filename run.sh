#!/usr/bin/env bash
# zonefuzz: one entry point for a fresh Debian 12 machine (run as root, or
# with sudo available).
#
#   ./run.sh         install missing packages, build (default preset), run the
#                    main job (`zonefuzz demo`): every embedded scenario with
#                    all oracles -> out/report.json + out/summary.txt
#   ./run.sh test    install missing packages, build the gcc and clang
#                    ASan+UBSan presets, run ctest for both, fuzz every
#                    target briefly with libFuzzer and AFL++, run the
#                    OSS-Fuzz build script, kill and resume a campaign, and
#                    boot a QEMU guest for the stress smoke profile
#
# Never reads anything outside this repository.
set -euo pipefail

cd "$(dirname "$0")"

# what the main job needs; the test job adds the tools its checks drive
PACKAGES=(cmake ninja-build gcc clang libclang-rt-14-dev libcjson-dev python3)
TEST_PACKAGES=(python3-jsonschema chromium afl++ zip unzip llvm-14
	qemu-system-x86 busybox-static stress-ng cpio)
JOBS="$(nproc 2>/dev/null || echo 2)"

install_missing() { # [extra packages...]
	local missing=() p
	for p in "${PACKAGES[@]}" "$@"; do
		if ! dpkg -s "$p" >/dev/null 2>&1; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	echo "run.sh: installing ${missing[*]}" >&2
	local sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=(sudo)
		else
			echo "run.sh: missing packages (${missing[*]}) and not root" >&2
			exit 2
		fi
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() { # preset [target...]
	local preset="$1"
	shift
	cmake --preset "$preset" >/dev/null
	if (($# > 0)); then
		cmake --build --preset "$preset" -j "$JOBS" --target "$@"
	else
		cmake --build --preset "$preset" -j "$JOBS"
	fi
}

main_job() {
	install_missing
	build default zonefuzz
	mkdir -p out
	./build/bin/zonefuzz demo --out out
}

test_job() {
	install_missing "${TEST_PACKAGES[@]}"
	build asan
	build clang-asan
	local rc=0
	ctest --preset asan -j "$JOBS" || rc=1
	ctest --preset clang-asan -j "$JOBS" || rc=1
	build default zonefuzz
	# the fuzz targets as users and OSS-Fuzz build them: both engines fuzz
	# every target briefly and the committed corpus replays clean
	# (scripts/ci-fuzz.sh), the ClusterFuzzLite build script runs with the
	# OSS-Fuzz variables (scripts/ci-ossfuzz.sh), and a campaign killed with
	# SIGKILL resumes (scripts/ci-campaign-resume.sh)
	scripts/ci-fuzz.sh || rc=1
	scripts/ci-ossfuzz.sh || rc=1
	scripts/ci-campaign-resume.sh || rc=1
	# the real kernel: boot a QEMU guest from Debian packages, run the smoke
	# profile, parse and triage its bundle (stress/ci-smoke.sh)
	stress/ci-smoke.sh build || rc=1
	return "$rc"
}

case "${1:-}" in
"") main_job ;;
test) test_job ;;
-h | --help | help)
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	;;
*)
	echo "usage: ./run.sh [test]" >&2
	exit 2
	;;
esac
