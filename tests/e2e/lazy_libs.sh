# End to end: SpatiaLite, PROJ and libcurl are loaded only by what needs
# them (src/nm_lazy.h).  A map and its sidecar load none of the three; a
# boundary import loads SpatiaLite (and PROJ with it) and stores its areas;
# a map --within a parent found by position (no membership) registers
# SpatiaLite's SQL functions on the read-only store and finds its areas.
source "$(dirname "$0")/lib.bash"
need_data
D=$NM_DATA

# loaded CMD...: which of the three the run opened itself (dlopen), by name
loaded() {
    LD_DEBUG=files "$NM" --db "$DB" "$@" 2>"$T/ld.log" >/dev/null || { tail -5 "$T/ld.log"; echo "FAIL: $*"; exit 1; }
    sed -n 's/.*file=\(lib\(spatialite\|proj\|curl\)[^ ]*\) .*dynamically loaded.*/\2/p' "$T/ld.log" | sort -u | tr '\n' ' '
}
got=$(loaded --quiet import boundaries "$D/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa)
# (PROJ comes with SpatiaLite, which needs it, and is not opened again)
[ "$got" = "spatialite " ] || { echo "FAIL: a boundary import opened '$got', expected spatialite"; exit 1; }
n=$(sqlite3 "$DB" "SELECT count(*) FROM area WHERE level = 'lsoa' AND geom IS NOT NULL")
[ "$n" = 107 ] || { echo "FAIL: $n LSOAs stored, expected Southend's 107"; exit 1; }
nm --quiet import iod "$D/indicators/iod2019/southend_iod2019_assembled.csv"
got=$(loaded --quiet map imd_decile --dpi 40 -o "$T/m.png")
[ -z "$got" ] || { echo "FAIL: a map loaded '$got'"; exit 1; }
[ -s "$T/m.png" ] && [ -s "$T/m.png.json" ] || { echo "FAIL: no map or sidecar"; exit 1; }
# a parent that only its geometry relates to the LSOAs: the selection asks
# SpatialIndex and ST_Contains of a store opened read-only
nm --quiet import boundaries "$D/boundaries/southend/shp/southend_msoa11.shp" --level msoa
msoa=$(sqlite3 "$DB" "SELECT code FROM area WHERE level = 'msoa' ORDER BY code LIMIT 1")
got=$(loaded --quiet map imd_decile --within "$msoa" --dpi 40 -o "$T/w.png")
[ "$got" = "spatialite " ] || { echo "FAIL: a map within an MSOA by position loaded '$got', expected spatialite"; exit 1; }
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["areas"]))' "$T/w.png.json")
[ "$n" -ge 3 ] && [ "$n" -le 12 ] || { echo "FAIL: $n LSOAs found within $msoa by position (an MSOA holds 4-8)"; exit 1; }
echo "ok: map loads none of SpatiaLite/PROJ/libcurl; import loads SpatiaLite; $n LSOAs within $msoa by position"
