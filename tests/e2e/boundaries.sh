#!/usr/bin/env bash
# End-to-end checks of `needsmap import boundaries` on the real ONS files in
# $NM_DATA (see its README, sections 1, 2 and 7): counts, areas, upsert,
# the count of invalid geometries against SpatiaLite's ST_IsValid on an
# ogr2ogr copy, and exit codes for bad input.  Fails without the data.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
need_data
B="$NM_DATA/boundaries"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$T"' EXIT
db="$tmp/store.sqlite"

fail() { echo "FAIL: $*" >&2; exit 1; }
# q DB SQL: one value from SQL with SpatiaLite loaded
q() { sqlite3 -cmd ".load mod_spatialite" "$1" "$2"; }
# expect_exit CODE COMMAND...: runs COMMAND, which must exit with CODE
expect_exit() {
    local want=$1 got=0
    shift
    "$@" 2>"$tmp/err" || got=$?
    [ "$got" -eq "$want" ] || { cat "$tmp/err" >&2; fail "$* exited $got, not $want"; }
}

# Southend LSOAs from the shapefile, then again: upsert keeps 107
"$NM" --db "$db" import boundaries "$B/southend/shp/southend_lsoa11.shp" --level lsoa
[ "$(q "$db" "SELECT COUNT(*) FROM area WHERE level='lsoa' AND vintage=2011")" = 107 ] ||
    fail "Southend LSOAs"
"$NM" --db "$db" import boundaries "$B/southend/shp/southend_lsoa11.shp" --level lsoa
[ "$(q "$db" "SELECT COUNT(*) FROM area WHERE level='lsoa'")" = 107 ] || fail "upsert"
[ "$(q "$db" "SELECT COUNT(*) FROM dataset WHERE kind='boundaries'")" = 2 ] || fail "datasets"
[ "$(q "$db" "SELECT name FROM area WHERE code='E01015842'")" = "Southend-on-Sea 014D" ] ||
    fail "LSOA name"

# Southend wards from GeoJSON (CRS84 lon/lat): 17 wards of 41.75 km² in all
"$NM" --db "$db" import boundaries "$B/southend/geojson/E06000033_wards13.json" --level ward
[ "$(q "$db" "SELECT COUNT(*) FROM area WHERE level='ward' AND vintage=2013")" = 17 ] ||
    fail "Southend wards"
[ "$(q "$db" "SELECT abs(SUM(ST_Area(geom)) / 1e6 - 41.75) <= 41.75 * 0.001 FROM area
              WHERE level='ward'")" = 1 ] || fail "ward area $(q "$db" \
    "SELECT SUM(ST_Area(geom)) / 1e6 FROM area WHERE level='ward'")"
[ "$(q "$db" "SELECT COUNT(*) FROM area WHERE level='ward' AND name='Kursaal' AND
              ST_Contains(geom, MakePoint(588600, 185800, 27700))")" = 1 ] ||
    fail "wards not in British National Grid"

# Bad input: exit 3 and the store unchanged
before=$(sha256sum "$db")
cp "$B/southend/shp/southend_lsoa11".{shp,shx,prj,cpg} "$tmp/"
expect_exit 3 "$NM" --db "$db" import boundaries "$tmp/southend_lsoa11.shp" --level lsoa
grep -q "southend_lsoa11.dbf" "$tmp/err" || fail "missing .dbf not named"
expect_exit 2 "$NM" --db "$db" import boundaries "$B/southend/shp/southend_lsoa11.shp" --level ward
grep -q "LSOA11CD" "$tmp/err" || fail "usage error does not list the fields"
expect_exit 1 "$NM" --db "$db" import boundaries "$tmp/none.shp" --level lsoa
[ "$(sha256sum "$db")" = "$before" ] || fail "a failed import changed the store"

# England: 32,844 LSOAs; invalid geometries as GEOS counts them on an ogr2ogr copy
"$NM" --db "$db" import boundaries "$B/england/england_lsoa11.shp" --level lsoa 2>"$tmp/err"
cat "$tmp/err"
[ "$(q "$db" "SELECT COUNT(*) FROM area WHERE level='lsoa'")" = 32844 ] || fail "England LSOAs"
reported=$(sed -n 's/.*: \([0-9]*\) invalid geometries.*/\1/p' "$tmp/err")
ogr2ogr -f SQLite -dsco SPATIALITE=YES -nlt MULTIPOLYGON "$tmp/ogr.sqlite" \
    "$B/england/england_lsoa11.shp" -nln lsoa
expected=$(q "$tmp/ogr.sqlite" "SELECT COUNT(*) FROM lsoa WHERE NOT ST_IsValid(GEOMETRY)" 2>/dev/null)
[ -n "$reported" ] && [ "$reported" = "$expected" ] ||
    fail "invalid geometries: reported '${reported}', ST_IsValid on the ogr2ogr copy says $expected"
stored=$(q "$db" "SELECT COUNT(*) FROM area WHERE level='lsoa' AND NOT ST_IsValid(geom)" 2>/dev/null)
[ "$stored" = "$expected" ] || fail "invalid geometries in the store: $stored, not $expected"
# the spatial index finds an LSOA by its point
[ "$(q "$db" "SELECT COUNT(*) FROM area WHERE level='lsoa' AND ROWID IN (SELECT pkid FROM
              idx_area_geom WHERE xmin <= 588600 AND xmax >= 588600 AND ymin <= 185800 AND
              ymax >= 185800) AND ST_Contains(geom, MakePoint(588600, 185800, 27700))")" = 1 ] ||
    fail "spatial index"
echo "boundaries: all checks passed"
