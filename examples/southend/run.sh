#!/usr/bin/env bash
# The Southend-on-Sea (E06000033) needs analysis from the real public files
# in ../shared/data (see README "Data"): every input and figure is listed in
# a figures file beside this script, and 'needsmap build' imports what
# changed and redraws what is stale (run it twice: the second run does
# nothing).  The 2026 plan (IoD 2025 on 2021 LSOAs, Census 2021, change
# since 2019) is figures.ini; the previous plan (IoD 2019) figures2019.ini.
#   usage: examples/southend/run.sh [NEEDSMAP] [DATA] [OUT] [2026|2019]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NM=${1:-$here/../../build/needsmap}
DATA=${2:-$here/../../../shared/data}
OUT=${3:-output/southend}
PLAN=${4:-2026}
case $PLAN in
2026) FIGURES=$here/figures.ini ;;
2019) FIGURES=$here/figures2019.ini ;;
*) echo "run.sh: the plan is 2026 or 2019, not '$PLAN'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
"$NM" --db "$OUT/needsmap.sqlite" build "$FIGURES" -j 2 \
    --set data="$DATA" --set out="$OUT" --out "$OUT"
echo "figures of the $PLAN plan written to $OUT"
