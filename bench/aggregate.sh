#!/usr/bin/env bash
# bench/aggregate.sh: importing the LSOA -> ward lookups and aggregating all
# of England's 7,681 wards (2013), by this tree and by a reference commit
# (default c64d8d9, the store before indicator parts), both built here by
# this script.  Each binary gets its own store of England's LSOAs, wards and
# IoD 2019 (not timed); then, N times and alternating which goes first, it
# imports the point-on-surface WD13 and the ONS WD19 lookups and aggregates
# every ward.  Wall, user and sys seconds and page faults (major/minor) are
# medians of N.
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
work=$(mktemp -d "${TMPDIR:-/tmp}/nm-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
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

# timed NAME CMD...: runs CMD under /usr/bin/time and appends
# "NAME wall user sys major minor" to $work/times; a failure stops all.
timed() {
    local name=$1; shift
    if ! /usr/bin/time -o "$work/t" -f "%e %U %S %F %R" "$@" >"$work/$name.log" 2>&1; then
        cat "$work/$name.log" >&2
        die "$name failed: $*"
    fi
    echo "$name $(tail -n 1 "$work/t")" >>"$work/times"
}

run() { # run new|ref
    local who=$1 bin=$NM db=$work/$1.sqlite
    [[ $who == ref ]] && bin=$REF
    cp "$work/$who.base.sqlite" "$db"
    sync
    timed "$who.lookups" sh -c '"$1" --db "$2" --quiet import lookup "$3" --child LSOA11CD --parent WD13CD --parent-level ward 2>/dev/null &&
        "$1" --db "$2" --quiet import lookup "$4" --child LSOA11CD --parent WD19CD --parent-level ward 2>/dev/null' \
        sh "$bin" "$db" "$wd13" "$wd19"
    timed "$who.aggregate" "$bin" --db "$db" --quiet aggregate --to ward
}

echo "warm-up" >&2
run new
run ref
: >"$work/times"
for ((i = 1; i <= N; i++)); do
    echo "run $i of $N" >&2
    if ((i % 2)); then run new; run ref; else run ref; run new; fi
done
wards_done=$(sqlite3 "$work/new.sqlite" "SELECT COUNT(DISTINCT code) FROM area WHERE level = 'ward' AND vintage = 2013" 2>/dev/null || echo "?")

# ---- report ----------------------------------------------------------------
awk -v n="$N" -v max_ratio="$MAX_RATIO" -v nm="$NM" -v base="$BASE" -v wards="$wards_done" '
function median(a, k,   i, j, t, b) {
    for (i = 1; i <= k; i++) b[i] = a[i]
    for (i = 2; i <= k; i++)
        for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
    return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
{ k = ++cnt[$1]; for (f = 2; f <= 6; f++) v[$1, f, k] = $f }
function med(name, f,   i, a) { for (i = 1; i <= cnt[name]; i++) a[i] = v[name, f, i]; return median(a, cnt[name]) }
END {
    printf "this tree: %s\nreference: %s (built by this script)\n", nm, base
    printf "%d runs each (after one warm-up), medians; %s wards of 2013 in the store\n\n", n, wards
    printf "%-34s %8s %8s %8s %8s %10s\n", "", "wall s", "user s", "sys s", "major pf", "minor pf"
    split("lookups aggregate", steps, " ")
    ok = 1
    for (s = 1; s <= 2; s++) {
        for (w = 1; w <= 2; w++) {
            who = w == 1 ? "new" : "ref"; name = who "." steps[s]
            printf "%-34s %8.2f %8.2f %8.2f %8d %10d\n", (w == 1 ? "this tree, " : base ", ") \
                (s == 1 ? "import both lookups" : "aggregate all wards"), med(name, 2), med(name, 3),
                med(name, 4), med(name, 5), med(name, 6)
        }
        r = med("ref." steps[s], 2) > 0 ? med("new." steps[s], 2) / med("ref." steps[s], 2) : 0
        printf "  ratio (wall, this tree / %s): %.2f (target <= %.1f): %s\n", base, r, max_ratio,
            r <= max_ratio ? "PASS" : "FAIL"
        if (r > max_ratio) ok = 0
    }
    exit !ok
}' "$work/times"
