#!/usr/bin/env bash
# bench/change.sh: an England change map (IMD 2025 against 2019, 33,755
# LSOAs of 2021 through the ONS LSOA 2011 -> 2021 lookup, A4 PNG at 300
# dpi) against the plain England decile map of 2025 with the same options,
# side by side in one run, alternating, after one untimed warm-up of each.
# Prints the median wall, user and system time, minor page faults and peak
# memory of each side.
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
W=$(mktemp -d "${TMPDIR:-/tmp}/nm-bench-change.XXXXXX")
trap 'rm -rf "$W"' EXIT
DB=$W/england.sqlite

echo "== preparing the store (not timed)"
"$NM" --quiet --db "$DB" import boundaries "$DATA/boundaries/england/england_lsoa21_bsc.geojson" --level lsoa
"$NM" --quiet --db "$DB" import iod "$DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv" 2>/dev/null
"$NM" --quiet --db "$DB" import iod "$DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
"$NM" --quiet --db "$DB" import lookup "$DATA/lookups/ons/LSOA11_LSOA21_LAD22_EW_LU.csv" \
    --child LSOA11CD --parent LSOA21CD --parent-level lsoa 2>/dev/null

PLAIN=("$NM" --quiet --db "$DB" map imd_decile --period 2025 --dpi 300 -o "$W/plain.png")
CHANGE=("$NM" --quiet --db "$DB" map imd_decile --period 2025 --since 2019 --dpi 300 -o "$W/change.png")
# run NAME: runs that side's command, appending "wall user sys minor-faults
# rss-kb" to $W/NAME.times
run() {
    local -n cmd=${1^^}
    /usr/bin/time -f "%e %U %S %R %M" -o "$W/t" "${cmd[@]}" >/dev/null 2>&1 || die "$1 failed"
    cat "$W/t" >>"$W/$1.times"
}
"${PLAIN[@]}"; "${CHANGE[@]}"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= N; i++)); do
    if ((i % 2)); then run plain; run change; else run change; run plain; fi
done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { cut -d' ' -f"$2" "$W/$1.times" | median; }
echo "needsmap: $NM"
echo "load average before the timed runs: $LOAD; $N runs each"
printf '%-34s %8s %8s %8s %12s %9s\n' "" "wall s" "user s" "sys s" "minor faults" "peak MB"
for side in plain change; do
    name="England IMD 2025 deciles"; [ $side = change ] && name="England change since 2019"
    printf '%-34s %8.2f %8.2f %8.2f %12.0f %9.0f\n' "$name" "$(col $side 1)" "$(col $side 2)" \
        "$(col $side 3)" "$(col $side 4)" "$(echo "$(cut -d' ' -f5 "$W/$side.times" | sort -n | tail -1) / 1024" | bc)"
done
ratio=$(awk -v a="$(col change 1)" -v b="$(col plain 1)" 'BEGIN {printf "%.2f", a / b}')
verdict=$(awk -v r="$ratio" 'BEGIN {print (r <= 1.2) ? "PASS" : "FAIL"}')
echo "change map / plain map, median wall time: $ratio (target <= 1.2): $verdict"
[ "$verdict" = PASS ]
