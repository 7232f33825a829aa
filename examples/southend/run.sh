#!/usr/bin/env bash
# The Southend-on-Sea (E06000033) needs analysis from the real public files
# in ../shared/data (see README "Data"): every input and figure is listed in
# examples/southend/figures.ini, and 'needsmap build' imports what changed
# and redraws what is stale (run it twice: the second run does nothing).
#   usage: examples/southend/run.sh [NEEDSMAP] [DATA] [OUT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NM=${1:-$here/../../build/needsmap}
DATA=${2:-$here/../../../shared/data}
OUT=${3:-output/southend}
mkdir -p "$OUT"
"$NM" --db "$OUT/needsmap.sqlite" build "$here/figures.ini" -j 2 \
    --set data="$DATA" --set out="$OUT" --out "$OUT"
echo "figures written to $OUT"
