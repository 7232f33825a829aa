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
work=$(mktemp -d "${TMPDIR:-/tmp}/nm-bench-inc.XXXXXX")
trap 'rm -rf "$work"' EXIT
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

# ---- one timed command ---------------------------------------------------
# timed NAME OUT CMD...: runs CMD under /usr/bin/time, its stdout to OUT and
# stderr to $work/NAME.err; appends "NAME wall rss_kb" to $work/times.
timed() {
    local name=$1 out=$2; shift 2
    if ! /usr/bin/time -o "$work/t" -f "%e %M" "$@" >"$out" 2>"$work/$name.err"; then
        cat "$work/$name.err" >&2
        die "$name failed: $*"
    fi
    echo "$name $(tail -n 1 "$work/t")" >>"$work/times"
}

: >"$work/times"
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
awk -v n="$N" -v pts="$POINTS" -v max_ratio="$MAX_RATIO" -v max_rss="$MAX_RSS_MB" -v nm="$NM" \
    -v same="$same" -v agree="$agree" '
function median(a, k,   i, j, t, b) {
    for (i = 1; i <= k; i++) b[i] = a[i]
    for (i = 2; i <= k; i++)
        for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
    return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
function row(label, name,   i, a, r, lo, hi, rmax) {
    for (i = 1; i <= cnt[name]; i++) { a[i] = wall[name, i]; if (rss[name, i] > rmax) rmax = rss[name, i] }
    lo = hi = a[1]
    for (i = 2; i <= cnt[name]; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
    med[name] = median(a, cnt[name]); peak[name] = rmax / 1024
    printf "%-44s %5d %8.2f %8.2f %8.2f %9.0f\n", label, cnt[name], med[name], lo, hi, peak[name]
}
{ wall[$1, ++cnt[$1]] = $2; rss[$1, cnt[$1]] = $3 }
END {
    printf "needsmap: %s\n%d points, England wards 2013 (7,681); wall seconds, peak RSS\n\n", nm, pts
    printf "%-44s %5s %8s %8s %8s %9s\n", "", "runs", "median", "min", "max", "RSS (MB)"
    row("needsmap import boundaries (wards)", "nm_load_wards")
    row("needsmap import incidents (points)", "nm_load_points")
    row("ogr2ogr wards into SpatiaLite", "sl_load_wards")
    row("ogr2ogr points into SpatiaLite", "sl_load_points")
    row("needsmap count incidents --level ward", "nm_count")
    row("SpatiaLite ST_Contains join, R-tree", "sl_join")
    ratio = med["nm_count"] / med["sl_join"]
    rmax = 0
    split("nm_load_wards nm_load_points nm_count", names, " ")
    for (k in names) if (peak[names[k]] > rmax) rmax = peak[names[k]]
    t_ok = ratio <= max_ratio; m_ok = rmax < max_rss
    printf "\ncounts per ward: %s\n", agree
    printf "ratio needsmap / SpatiaLite: %.3f (%.0f times faster; target <= %.1f): %s\n", ratio, 1 / ratio, max_ratio, t_ok ? "PASS" : "FAIL"
    printf "peak RSS of needsmap: %.0f MB (target < %d MB): %s\n", rmax, max_rss, m_ok ? "PASS" : "FAIL"
    printf "same counts: %s\n", same ? "PASS" : "FAIL"
    exit !(t_ok && m_ok && same)
}' "$work/times"
