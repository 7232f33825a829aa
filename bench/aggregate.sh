#!/usr/bin/env bash
# bench/aggregate.sh: importing the LSOA -> ward lookups and aggregating all
# of England's 7,681 wards (2013), by this tree and by a reference commit
# (default c64d8d9, the store before indicator parts), both built here by
# this script.  Each binary gets its own store of England's LSOAs, wards and
# IoD 2019 (not timed); then, N times and alternating which goes first, it
# imports the point-on-surface WD13 and the ONS WD19 lookups and aggregates
# every ward.  Every side: median wall, user and system time, peak RSS,
# page faults and the load average before each run (bench/lib.sh).
#
#   bench/aggregate.sh            N=5 runs of each after one warm-up run
#   N=9 bench/aggregate.sh        more runs
#   BASE=abc1234 ...              another reference commit
#   NM=/path/needsmap ...         this tree's binary instead of building one
#   NM_DATA=/path/data ...        the data folder (default ../shared/data)
#
# Target: each step within 1.2 times the reference (medians of wall time).
# Exit status 0 when it holds, 1 when not, 2 when the bench cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
BASE=${BASE:-c64d8d9}
data=${NM_DATA:-$repo/../shared/data}
lsoa=$data/boundaries/england/england_lsoa11.shp
wards=$data/boundaries/england/england_wards13.shp
iod=$data/indicators/iod2019/iod2019_lsoa_assembled.csv
wd13=$data/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv
wd19=$data/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv
MAX_RATIO=1.2

die() { echo "bench/aggregate.sh: $*" >&2; exit 2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
for f in "$lsoa" "$wards" "$iod" "$wd13" "$wd19"; do
    [[ -f $f ]] || die "no $f (give NM_DATA=DIR; see ../shared/data/README.md)"
done

# ---- tools and the two binaries ------------------------------------------
source "$here/lib.sh"
bench_need_tools time:/usr/bin/time
bench_needsmap
bench_init
work=$BENCH_DIR
echo "building $BASE (Release) in $work/base" >&2
mkdir -p "$work/base"
git -C "$repo" archive "$BASE" | tar -x -C "$work/base" || die "cannot read commit $BASE"
cmake -S "$work/base" -B "$work/base/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$work/base/build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
REF=$work/base/build/needsmap
[[ -x $REF ]] || die "the build of $BASE made no binary"

# ---- stores (not timed) ----------------------------------------------------
for who in new ref; do
    bin=$NM; [[ $who == ref ]] && bin=$REF
    "$bin" --db "$work/$who.base.sqlite" --quiet import boundaries "$lsoa" --level lsoa
    "$bin" --db "$work/$who.base.sqlite" --quiet import boundaries "$wards" --level ward
    "$bin" --db "$work/$who.base.sqlite" --quiet import iod "$iod"
done

run() { # run new|ref
    local who=$1 bin=$NM db=$work/$1.sqlite
    [[ $who == ref ]] && bin=$REF
    cp "$work/$who.base.sqlite" "$db"
    sync
    bench_run "$who.lookups" sh -c '"$1" --db "$2" --quiet import lookup "$3" --child LSOA11CD --parent WD13CD --parent-level ward 2>/dev/null &&
        "$1" --db "$2" --quiet import lookup "$4" --child LSOA11CD --parent WD19CD --parent-level ward 2>/dev/null' \
        sh "$bin" "$db" "$wd13" "$wd19"
    bench_run "$who.aggregate" "$bin" --db "$db" --quiet aggregate --to ward
}

echo "warm-up" >&2
run new
run ref
bench_clear new.lookups new.aggregate ref.lookups ref.aggregate
for ((i = 1; i <= N; i++)); do
    echo "run $i of $N" >&2
    if ((i % 2)); then run new; run ref; else run ref; run new; fi
done
wards_done=$(sqlite3 "$work/new.sqlite" "SELECT COUNT(DISTINCT code) FROM area WHERE level = 'ward' AND vintage = 2013" 2>/dev/null || echo "?")

# ---- report ----------------------------------------------------------------
echo "this tree: $NM"
echo "reference: $BASE (built by this script)"
echo "$N runs each (after one warm-up), alternating; $wards_done wards of 2013 in the store"
bench_header
bench_row "this tree, import both lookups" new.lookups
bench_row "$BASE, import both lookups" ref.lookups
bench_row "this tree, aggregate all wards" new.aggregate
bench_row "$BASE, aggregate all wards" ref.aggregate
echo
bench_ratio "import both lookups, this tree / $BASE" new.lookups ref.lookups "$MAX_RATIO"
bench_ratio "aggregate all wards, this tree / $BASE" new.aggregate ref.aggregate "$MAX_RATIO"
exit $BENCH_FAIL
