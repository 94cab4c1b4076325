#!/usr/bin/env bash
# Regenerates the seed corpora and dictionaries from the readable sources:
#   corpus/<t>/scenarios/NAME.json  ->  corpus/<t>/seeds/NAME   (zonefuzz corpus regen)
#   targets/decoder.c tables        ->  corpus/<t>/<t>.dict      (zonefuzz corpus dict)
# Uses build/bin/zf-campaign (built here with the default preset if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TOOL=build/bin/zf-campaign
if [ ! -x "$TOOL" ]; then
  cmake --preset default >/dev/null
  cmake --build --preset default --target zf-campaign
fi
"$TOOL" corpus regen --dir "$ROOT/corpus"
"$TOOL" corpus dict --dir "$ROOT/corpus"
"$TOOL" corpus check --dir "$ROOT/corpus" --quiet
