#!/usr/bin/env bash
# bench/incidents.sh: assigning a million points to England's 7,681 wards
# (2013), needsmap's "count incidents" (its own point in polygon index)
# against SpatiaLite's SQL join through its spatial index, in the same
# session, alternating run by run.  Both sides get the same points and the
# same ward polygons, and their per-ward counts must be identical.
#
#   bench/incidents.sh              N=3 runs of each query
#   N=5 bench/incidents.sh          more runs
#   POINTS=200000 ...               fewer points (default 1,000,000)
#   NM=/path/needsmap ...           use that binary instead of building one
#   NM_DATA=/path/data ...          the data folder (default ../shared/data)
#
# Target: needsmap's median time at most half SpatiaLite's, and needsmap's
# peak memory (RSS, every needsmap command of the run) under 300 MB.  Exit
# status 0 when both hold and the counts agree, 1 when not, 2 when the bench
# cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-3}
POINTS=${POINTS:-1000000}
data=${NM_DATA:-$repo/../shared/data}
shp=$data/boundaries/england/england_wards13.shp
MAX_RATIO=0.5
MAX_RSS_MB=300

die() { echo "bench/incidents.sh: $*" >&2; exit 2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ $POINTS =~ ^[1-9][0-9]*$ ]] || die "POINTS must be a positive whole number, not '$POINTS'"
[[ -f $shp ]] || die "no $shp (give NM_DATA=DIR; see ../shared/data/README.md)"

# ---- tools and the binary --------------------------------------------------
source "$here/lib.sh"
bench_need_tools gdal-bin:ogr2ogr spatialite-bin:spatialite time:/usr/bin/time
bench_needsmap
bench_init
work=$BENCH_DIR

# ---- the points ----------------------------------------------------------
# Uniform over England's box in BNG, from the Park-Miller generator (exact
# in awk's doubles, so every awk makes the same file): about a third land
# in a ward, the rest in the sea, Wales or Scotland.
echo "generating $POINTS points" >&2
awk -v n="$POINTS" 'BEGIN {
    s = 20261123
    split("Violence and sexual offences,Burglary,Anti-social behaviour,Vehicle crime,Shoplifting", cat, ",")
    print "easting,northing,date,category,sex"
    for (i = 0; i < n; i++) {
        s = (16807 * s) % 2147483647; x = 82000 + 574000 * s / 2147483647
        s = (16807 * s) % 2147483647; y = 5000 + 653000 * s / 2147483647
        s = (16807 * s) % 2147483647; k = s % 1000
        printf "%.2f,%.2f,2018-%02d,%s,%s\n", x, y, 1 + k % 12, cat[1 + k % 5], (k % 3 == 0 ? "F" : k % 3 == 1 ? "M" : "")
    }
}' >"$work/points.csv"

# timed NAME OUT CMD...: one run of CMD, its stdout to OUT (bench/lib.sh)
timed() {
    local name=$1 out=$2; shift 2
    BENCH_OUT=$out bench_run "$name" "$@"
}

echo "loading: needsmap import boundaries + incidents; ogr2ogr wards + points" >&2
timed nm_load_wards /dev/null "$NM" --db "$work/nm.sqlite" --quiet import boundaries "$shp" --level ward
timed nm_load_points /dev/null "$NM" --db "$work/nm.sqlite" --quiet import incidents "$work/points.csv" --name bench --sex sex
timed sl_load_wards /dev/null ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/sl.sqlite" "$shp" \
    -nln wards -nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom
timed sl_load_points /dev/null ogr2ogr -f SQLite -update "$work/sl.sqlite" "$work/points.csv" -nln points \
    -oo X_POSSIBLE_NAMES=easting -oo Y_POSSIBLE_NAMES=northing -oo KEEP_GEOM_COLUMNS=NO \
    -a_srs EPSG:27700 -nlt POINT -lco GEOMETRY_NAME=geom

# SpatiaLite's fastest honest form: per ward, the points its box holds
# through the points' R-tree, then the exact ST_Contains (GEOS, with the
# ward prepared once and reused across its points).  The per-point form (a
# ward R-tree look-up per point) measured about 3 times slower.
cat >"$work/join.sql" <<'SQL'
SELECT w.wd13cd, COUNT(*) FROM wards w JOIN points p
  ON p.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'points' AND search_frame = w.geom)
 AND ST_Contains(w.geom, p.geom)
GROUP BY w.wd13cd ORDER BY w.wd13cd;
SQL

run_nm() {
    timed nm_count "$work/nm_counts.tsv" "$NM" --db "$work/nm.sqlite" --quiet count incidents \
        --level ward --incidents bench --name bench --suppress-below 0
}
run_sl() {
    timed sl_join "$work/sl_counts.txt" spatialite -silent "$work/sl.sqlite" <"$work/join.sql"
}

for ((i = 1; i <= N; i++)); do
    echo "run $i of $N" >&2
    if ((i % 2)); then run_nm; run_sl; else run_sl; run_nm; fi
done

# ---- the same counts? ------------------------------------------------------
tail -n +2 "$work/nm_counts.tsv" | awk -F'\t' '$3 > 0 { print $1 "|" $3 }' | sort >"$work/a"
sort "$work/sl_counts.txt" >"$work/b"
if cmp -s "$work/a" "$work/b"; then
    same=1
    agree="identical: $(wc -l <"$work/a") wards with points, $(awk -F'|' '{ s += $2 } END { print s }' "$work/a") points in a ward"
else
    same=0
    agree="DIFFERENT: $(diff "$work/a" "$work/b" | grep -c '^[<>]') lines differ, e.g. $(diff "$work/a" "$work/b" | grep '^[<>]' | head -3 | tr '\n' ' ')"
fi

# ---- report --------------------------------------------------------------
echo "needsmap: $NM"
echo "$POINTS points, England wards 2013 (7,681)"
bench_header
bench_row "needsmap import boundaries (wards)" nm_load_wards
bench_row "needsmap import incidents (points)" nm_load_points
bench_row "ogr2ogr wards into SpatiaLite" sl_load_wards
bench_row "ogr2ogr points into SpatiaLite" sl_load_points
bench_row "needsmap count incidents --level ward" nm_count
bench_row "SpatiaLite ST_Contains join, R-tree" sl_join
echo
echo "counts per ward: $agree"
bench_ratio "ratio needsmap / SpatiaLite" nm_count sl_join "$MAX_RATIO"
peak=$(for n in nm_load_wards nm_load_points nm_count; do bench_stat $n rss max; done | sort -n | tail -1)
bench_verdict "peak RSS of needsmap" "$((peak / 1024))" "<" "$MAX_RSS_MB" MB
if ((same)); then echo "same counts: PASS"; else echo "same counts: FAIL"; BENCH_FAIL=1; fi
exit $BENCH_FAIL
