#!/usr/bin/env bash
# bench/import2025.sh: needsmap's import of the 2021 geography and IoD 2025
# (england_lsoa21_bsc.geojson, then iod2025_lsoa21_assembled.csv) against
# ogr2ogr loading the GeoJSON alone into a SpatiaLite file.  Both run
# alternately in one session, so a busy machine slows both alike; the ratio
# of median wall times is what is judged (target <= 1.5, issue 11).
#
#   bench/import2025.sh         N=5 runs of each after one warm-up run
#   N=9 bench/import2025.sh     more runs
#   NM=/path/needsmap ...       use that binary instead of building one
#   NM_DATA=/path/data ...      the data folder (default ../shared/data)
#
# Prints, per step, the medians of wall, user and sys seconds, page faults
# (major/minor) and peak resident memory.  Exit status 0 when the ratio
# holds, 1 when not, 2 when the bench cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
data=${NM_DATA:-$repo/../shared/data}
geojson=$data/boundaries/england/england_lsoa21_bsc.geojson
iod=$data/indicators/iod2025/iod2025_lsoa21_assembled.csv
work=$(mktemp -d "${TMPDIR:-/tmp}/nm-bench2025.XXXXXX")
trap 'rm -rf "$work"' EXIT
MAX_RATIO=1.5

die() { echo "bench/import2025.sh: $*" >&2; exit 2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ -f $geojson && -f $iod ]] || die "no data in $data (give NM_DATA=DIR; see ../shared/data/README.md)"

source "$here/lib.sh"
bench_need_tools gdal-bin:ogr2ogr time:/usr/bin/time
bench_needsmap

run_ogr() {
    rm -f "$work/ogr.sqlite"
    bench_timed "$work" ogr2ogr ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/ogr.sqlite" \
        "$geojson" -nln england_lsoa21 -nlt PROMOTE_TO_MULTI
}

run_nm() {
    rm -f "$work/nm.sqlite"
    bench_timed "$work" nm_boundaries "$NM" --db "$work/nm.sqlite" --quiet import boundaries \
        "$geojson" --level lsoa
    bench_timed "$work" nm_iod "$NM" --db "$work/nm.sqlite" --quiet import iod "$iod"
}

echo "warm-up (page cache, dynamic loader)" >&2
run_ogr
run_nm
: >"$work/times"
for ((i = 1; i <= N; i++)); do
    echo "run $i of $N" >&2
    if ((i % 2)); then run_ogr; run_nm; else run_nm; run_ogr; fi
done

awk -v n="$N" -v max_ratio="$MAX_RATIO" -v nm="$NM" '
function median(a, k,   i, j, t, b) {
    for (i = 1; i <= k; i++) b[i] = a[i]
    for (i = 2; i <= k; i++)
        for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
    return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
{ k = ++cnt[$1]; for (f = 2; f <= 7; f++) v[$1, f, k] = $f }
function med(name, f,   i, a) { for (i = 1; i <= n; i++) a[i] = v[name, f, i]; return median(a, n) }
function line(label, name) {
    printf "%-30s %7.2f %7.2f %7.2f %8d %9d %8.0f\n", label, med(name, 2), med(name, 3),
           med(name, 4), med(name, 5), med(name, 6), med(name, 7) / 1024
}
END {
    for (i = 1; i <= n; i++) {
        for (f = 2; f <= 6; f++) v["both", f, i] = v["nm_boundaries", f, i] + v["nm_iod", f, i]
        r1 = v["nm_boundaries", 7, i]; r2 = v["nm_iod", 7, i]
        v["both", 7, i] = r1 > r2 ? r1 : r2
    }
    printf "needsmap: %s\n%d runs each after one warm-up; medians\n\n", nm, n
    printf "%-30s %7s %7s %7s %8s %9s %8s\n", "", "wall s", "user s", "sys s", "major pf", "minor pf", "peak MB"
    line("ogr2ogr, GeoJSON only", "ogr2ogr")
    line("needsmap import boundaries", "nm_boundaries")
    line("needsmap import iod", "nm_iod")
    line("needsmap both", "both")
    ratio = med("both", 2) / med("ogr2ogr", 2)
    printf "\nratio needsmap both / ogr2ogr (wall): %.2f (target <= %.1f): %s\n", ratio, max_ratio,
           ratio <= max_ratio ? "PASS" : "FAIL"
    exit !(ratio <= max_ratio)
}' "$work/times"
