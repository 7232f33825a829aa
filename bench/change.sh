#!/usr/bin/env bash
# bench/change.sh: an England change map (IMD 2025 against 2019, 33,755
# LSOAs of 2021 through the ONS LSOA 2011 -> 2021 lookup, A4 PNG at 300
# dpi) against the plain England decile map of 2025 with the same options,
# side by side in one run, alternating, after one untimed warm-up of each.
# Every side: median wall, user and system time, peak RSS, page faults and
# the load average before each run (bench/lib.sh).
#   usage: bench/change.sh   (N=runs, default 5; NM=binary; NM_DATA=folder)
# Target (issue "The plan of 2026"): the change map at most 1.2 times the
# plain map's wall time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
die() { echo "bench/change.sh: $*" >&2; exit 2; }
N=${N:-5}
DATA=${NM_DATA:-$repo/../shared/data}
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ -f $DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv ]] ||
    die "no data in $DATA (give NM_DATA=DIR; see ../shared/data/README.md)"
source "$here/lib.sh"
bench_need_tools time:/usr/bin/time sqlite3:sqlite3
bench_needsmap
bench_init
W=$BENCH_DIR
DB=$W/england.sqlite

echo "== preparing the store (not timed)"
"$NM" --quiet --db "$DB" import boundaries "$DATA/boundaries/england/england_lsoa21_bsc.geojson" --level lsoa
"$NM" --quiet --db "$DB" import iod "$DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv" 2>/dev/null
"$NM" --quiet --db "$DB" import iod "$DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
"$NM" --quiet --db "$DB" import lookup "$DATA/lookups/ons/LSOA11_LSOA21_LAD22_EW_LU.csv" \
    --child LSOA11CD --parent LSOA21CD --parent-level lsoa 2>/dev/null

PLAIN=("$NM" --quiet --db "$DB" map imd_decile --period 2025 --dpi 300 -o "$W/plain.png")
CHANGE=("$NM" --quiet --db "$DB" map imd_decile --period 2025 --since 2019 --dpi 300 -o "$W/change.png")
run() { local -n cmd=${1^^}; bench_run "$1" "${cmd[@]}"; }
"${PLAIN[@]}"; "${CHANGE[@]}"
for ((i = 1; i <= N; i++)); do
    if ((i % 2)); then run plain; run change; else run change; run plain; fi
done
echo "needsmap: $NM; $N runs each, alternating"
bench_header
bench_row "England IMD 2025 deciles" plain
bench_row "England change since 2019" change
echo
bench_ratio "change map / plain map, median wall time" change plain 1.2
exit $BENCH_FAIL
