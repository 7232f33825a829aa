#!/usr/bin/env bash
# bench/import.sh: needsmap's whole import (England's LSOA boundaries, then
# the IoD 2019 assembled file) against ogr2ogr loading the same shapefile
# alone into a SpatiaLite file.  Both run alternately in the same session, so
# a busy or slow machine slows both alike; the ratio is what is judged.
#
#   bench/import.sh            N=5 runs of each after one warm-up run
#   N=9 bench/import.sh        more runs
#   NM=/path/needsmap ...      use that binary instead of building one
#   NM_DATA=/path/data ...     the data folder (default ../shared/data)
#
# Target: needsmap's whole import at most 1.5 times ogr2ogr's time (medians
# of wall time), peak memory (RSS) under 200 MB.  Exit status 0 when both
# hold, 1 when not, 2 when the bench cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
data=${NM_DATA:-$repo/../shared/data}
shp=$data/boundaries/england/england_lsoa11.shp
iod=$data/indicators/iod2019/iod2019_lsoa_assembled.csv
work=$(mktemp -d "${TMPDIR:-/tmp}/nm-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
MAX_RATIO=1.5
MAX_RSS_MB=200

die() { echo "bench/import.sh: $*" >&2; exit 2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ -f $shp && -f $iod ]] || die "no data in $data (give NM_DATA=DIR; see ../shared/data/README.md)"

# ---- tools and the binary --------------------------------------------------
source "$here/lib.sh"
bench_need_tools gdal-bin:ogr2ogr spatialite-bin:spatialite time:/usr/bin/time
bench_needsmap

# ---- one timed command ---------------------------------------------------
# timed NAME CMD...: runs CMD under /usr/bin/time and appends "NAME wall rss_kb"
# to $work/times; output of CMD goes to $work/NAME.log; a failure stops all.
timed() {
    local name=$1; shift
    if ! /usr/bin/time -o "$work/t" -f "%e %M" "$@" >"$work/$name.log" 2>&1; then
        cat "$work/$name.log" >&2
        die "$name failed: $*"
    fi
    echo "$name $(tail -n 1 "$work/t")" >>"$work/times"
}

run_ogr() {
    rm -f "$work/ogr.sqlite"
    timed ogr2ogr ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/ogr.sqlite" "$shp" \
        -nln england_lsoa11 -nlt PROMOTE_TO_MULTI
}

run_nm() {
    rm -f "$work/nm.sqlite"
    timed nm_boundaries "$NM" --db "$work/nm.sqlite" --quiet import boundaries "$shp" --level lsoa
    timed nm_iod "$NM" --db "$work/nm.sqlite" --quiet import iod "$iod"
}

echo "warm-up (page cache, dynamic loader)" >&2
run_ogr
run_nm
: >"$work/times"
for ((i = 1; i <= N; i++)); do
    echo "run $i of $N" >&2
    # alternate which goes first, so neither always follows the other's writes
    if ((i % 2)); then run_ogr; run_nm; else run_nm; run_ogr; fi
done

# ---- report --------------------------------------------------------------
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ogr_mb=$(size_mb "$work/ogr.sqlite")
nm_mb=$(size_mb "$work/nm.sqlite")

awk -v n="$N" -v max_ratio="$MAX_RATIO" -v max_rss="$MAX_RSS_MB" \
    -v ogr_mb="$ogr_mb" -v nm_mb="$nm_mb" -v nm="$NM" '
function median(a, k,   i, j, t, b) {
    for (i = 1; i <= k; i++) b[i] = a[i]
    for (i = 2; i <= k; i++)
        for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
    return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
function stats(name, a, k,   i, lo, hi) {
    lo = hi = a[1]
    for (i = 2; i <= k; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
    med[name] = median(a, k); min[name] = lo; max[name] = hi
}
{ wall[$1, ++cnt[$1]] = $2; rss[$1, cnt[$1]] = $3 }
END {
    for (i = 1; i <= n; i++) {
        o[i] = wall["ogr2ogr", i]; b[i] = wall["nm_boundaries", i]; v[i] = wall["nm_iod", i]
        w[i] = b[i] + v[i]
        ro[i] = rss["ogr2ogr", i] / 1024
        rb[i] = rss["nm_boundaries", i] / 1024; rv[i] = rss["nm_iod", i] / 1024
        rw[i] = rb[i] > rv[i] ? rb[i] : rv[i]
    }
    stats("ogr", o, n); stats("bnd", b, n); stats("iod", v, n); stats("all", w, n)
    stats("rogr", ro, n); stats("rbnd", rb, n); stats("riod", rv, n); stats("rall", rw, n)
    printf "needsmap: %s\n", nm
    printf "%d runs each (after one warm-up), wall seconds and peak RSS\n\n", n
    printf "%-38s %8s %8s %8s %10s %9s\n", "", "median", "min", "max", "RSS (MB)", "store MB"
    printf "%-38s %8.2f %8.2f %8.2f %10.0f %9s\n", "ogr2ogr, boundaries only", med["ogr"], min["ogr"], max["ogr"], med["rogr"], ogr_mb
    printf "%-38s %8.2f %8.2f %8.2f %10.0f %9s\n", "needsmap import boundaries", med["bnd"], min["bnd"], max["bnd"], med["rbnd"], ""
    printf "%-38s %8.2f %8.2f %8.2f %10.0f %9s\n", "needsmap import iod", med["iod"], min["iod"], max["iod"], med["riod"], ""
    printf "%-38s %8.2f %8.2f %8.2f %10.0f %9s\n", "needsmap whole import (both)", med["all"], min["all"], max["all"], max["rall"], nm_mb
    ratio = med["all"] / med["ogr"]
    rss_max = 0
    for (i = 1; i <= n; i++) if (rw[i] > rss_max) rss_max = rw[i]
    t_ok = ratio <= max_ratio; m_ok = rss_max < max_rss
    printf "\nratio needsmap whole / ogr2ogr: %.2f (target <= %.1f): %s\n", ratio, max_ratio, t_ok ? "PASS" : "FAIL"
    printf "peak RSS of needsmap: %.0f MB (target < %d MB): %s\n", rss_max, max_rss, m_ok ? "PASS" : "FAIL"
    exit !(t_ok && m_ok)
}' "$work/times"
