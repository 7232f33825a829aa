# End to end: needsmap map on the Southend data, the files it writes
# (PNG with world file and JSON sidecar, PDF, SVG), the counts in the
# sidecar against the CSV, regional ranks against check value C2, and the
# errors of the command line.
source "$(dirname "$0")/lib.bash"
need_data
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/E06000033_wards13.json" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" --child LSOA11CD --parent WD13CD --parent-level ward

# --- national deciles: files and counts --------------------------------------
nm --quiet map imd_decile --within E06000033 --overlay ward --labels ward -o "$T/imd.png"
eq "PNG written" 1 "$([ -s "$T/imd.png" ] && echo 1)"
eq "world file has six lines" 6 "$(wc -l < "$T/imd.pgw")"
eq "sidecar counts = CSV decile counts (C1)" "9 14 12 10 13 5 10 8 13 13" \
   "$(jq -r '[.classes | reverse | .[].count] | join(" ")' "$T/imd.png.json" 2>/dev/null || \
      python3 -c "import json,sys; d=json.load(open('$T/imd.png.json')); print(' '.join(str(c['count']) for c in reversed(d['classes'])))")"
CSV_COUNTS=$(awk -F, 'NR>1 && $3=="E06000033" {n[$7]++} END {s=""; for (d=1; d<=10; d++) s=s (d>1?" ":"") n[d]; print s}' "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv")
eq "the CSV agrees" "9 14 12 10 13 5 10 8 13 13" "$CSV_COUNTS"
py() { python3 -c "import json; d=json.load(open('$1')); $2"; }
eq "E01015842 is in the darkest class" 9 "$(py "$T/imd.png.json" "print([a['class'] for a in d['areas'] if a['code']=='E01015842'][0])")"
eq "world file pixel size = sidecar" "$(head -1 "$T/imd.pgw")" "$(py "$T/imd.png.json" "print('%.10f' % d['page']['world_file'][0])")"

# --- alt text: where, in wards; a side of the map only when 2/3 lie there ----
ALT=$(py "$T/imd.png.json" "print(d['alt_text'])")
contains "alt text: the darkest class by its wards" "holds 9 LSOAs, in Kursaal (2), Southchurch (2)" "$ALT"
eq "alt text: every side named holds 2/3 of its class" ok "$(spatial_sql "SELECT code,
  (MbrMinX(geom) + MbrMaxX(geom)) / 2, (MbrMinY(geom) + MbrMaxY(geom)) / 2, MbrMinX(geom),
  MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM area WHERE level = 'lsoa'" |
  python3 "$NM_SRC/tests/e2e/alt_sides.py" "$T/imd.png.json")"

# --- regional quintiles: the East of England's most deprived 20% (C2) -------
nm --quiet map imd_rank --within E06000033 --rank region --classify quintiles -o "$T/region.png"
# Kursaal (E05002216) and Victoria (E05002225): every LSOA in quintile 1
for ward in E05002216 E05002225; do
    lsoas=$(sql "SELECT group_concat(child) FROM membership WHERE parent='$ward' AND child_level='lsoa'")
    eq "every LSOA of $ward in the region's top 20%" 6 "$(py "$T/region.png.json" "print(sum(1 for a in d['areas'] if a['code'] in '$lsoas'.split(',') and a['class']==4))")"
done
eq "ranked within the region" region "$(py "$T/region.png.json" "print(d['rank'])")"
# the region's ranks and its size (the East of England's LSOAs, counted in
# the CSV): each Southend LSOA's value is its rank among them, and its
# decile is ceil(rank * 10 / size)
REGION=$(python3 - "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" "$T/region.png.json" <<'PY'
import csv, json, math, sys
rows = [r for r in csv.reader(open(sys.argv[1]))][1:]
east = sorted((int(r[5]), r[0]) for r in rows if r[-2] == "E12000006")
rank = {code: i + 1 for i, (_, code) in enumerate(east)}
d = json.load(open(sys.argv[2]))
bad = [a["code"] for a in d["areas"]
       if a["value"] != rank[a["code"]] or a["classed_as"] != math.ceil(rank[a["code"]] * 10 / len(east))]
print(len(east), len(d["areas"]), len(bad))
PY
)
eq "region size 3614, 107 LSOAs, none ranked or classed otherwise" "3614 107 0" "$REGION"

# --- PDF and SVG: text as text -----------------------------------------------
nm --quiet map idaci_decile --within E06000033 --overlay ward -o "$T/idaci.pdf"
TXT=$(pdftotext "$T/idaci.pdf" -)
contains "PDF title" "Income Deprivation Affecting Children Index (IDACI) decile, 2019" "$TXT"
contains "PDF attribution" "Contains OS data" "$TXT"
eq "each statement once, though two boundary files carry it" 1 "$(grep -o "Contains OS data" <<<"$TXT" | wc -l)"
nm --quiet map education_decile --within E06000033 -o "$T/edu.svg"
contains "SVG has its title as text" "Education, Skills and Training" "$(cat "$T/edu.svg")"

# --- overlay without memberships: the wards that hold the LSOAs ---------------
# England's wards and no LSOA -> ward lookup: the overlay takes the wards
# holding an LSOA's interior point, not every ward in Southend's box
MAIN_DB=$DB
DB="$T/nolookup.sqlite"
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_wards13.shp" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet map imd_decile --within E06000033 --overlay ward --labels ward -o "$T/overlay.pdf"
OTXT=$(pdftotext "$T/overlay.pdf" - | tr '\n' ' ')
expected=$(spatial_sql "SELECT DISTINCT w.name FROM area w, area l WHERE w.level = 'ward'
  AND l.level = 'lsoa' AND ST_Contains(w.geom, ST_PointOnSurface(l.geom)) ORDER BY 1")
others=$(spatial_sql "SELECT w.name FROM area w WHERE w.level = 'ward'
  AND MbrIntersects(w.geom, (SELECT Extent(geom) FROM area WHERE level = 'lsoa'))
  AND w.name NOT IN (SELECT DISTINCT w2.name FROM area w2, area l WHERE w2.level = 'ward'
  AND l.level = 'lsoa' AND ST_Contains(w2.geom, ST_PointOnSurface(l.geom))) ORDER BY 1")
eq "the wards holding Southend's LSOAs" 17 "$(printf '%s\n' "$expected" | grep -c .)"
eq "neighbours in the box to leave out" 1 "$([ "$(printf '%s\n' "$others" | grep -c .)" -gt 0 ] && echo 1)"
while IFS= read -r w; do contains "overlay names $w" "$w" "$OTXT"; done <<<"$expected"
while IFS= read -r w; do
    if grep -qF -- "$w" <<<"$expected"; then continue; fi # a name inside another's
    eq "overlay leaves out $w" 0 "$(grep -cF -- "$w" <<<"$OTXT" || true)"
done <<<"$others"
DB=$MAIN_DB

# --- GDAL is loaded only by what reads through it -----------------------------
# needsmap-gdal.so made unfindable: maps, shapefile and CSV imports still
# work (a CSV file is read by needsmap's own reader), a spreadsheet import
# says what is missing
NEEDSMAP_GDAL_MODULE=/nonexistent/needsmap-gdal.so nm --quiet map imd_decile --within E06000033 -o "$T/nogdal.png"
eq "a map needs no GDAL" 1 "$([ -s "$T/nogdal.png" ] && echo 1)"
NEEDSMAP_GDAL_MODULE=/nonexistent/needsmap-gdal.so nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_msoa11.shp" --level msoa
eq "a shapefile import needs no GDAL" 17 "$(sql "SELECT count(*) FROM area WHERE level='msoa'")"
cp "$DB" "$T/nogdal.sqlite"
sqlite3 "$T/nogdal.sqlite" "DELETE FROM membership WHERE child_level = 'lsoa' AND parent = 'E06000033'"
expect_status "a CSV import needs no GDAL" 0 env NEEDSMAP_GDAL_MODULE=/nonexistent/needsmap-gdal.so "$NM" --db "$T/nogdal.sqlite" --quiet import iod "$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv"
eq "which stores its memberships" 107 "$(sqlite3 "$T/nogdal.sqlite" "SELECT count(*) FROM membership WHERE child_level = 'lsoa' AND parent = 'E06000033'")"
printf 'code,v\nE01000001,1\n' >"$T/nogdal.xlsx"
expect_status "a spreadsheet import without the module" 1 env NEEDSMAP_GDAL_MODULE=/nonexistent/needsmap-gdal.so "$NM" --db "$T/nogdal.sqlite" import indicators "$T/nogdal.xlsx" --key code --period 2019
contains "which says what is missing" "cannot load needsmap-gdal.so" "$ERR"

# --- errors --------------------------------------------------------------------
expect_status "unknown indicator" 2 nm map nothing_here -o "$T/x.png"
contains "unknown indicator message" 'no indicator "nothing_here"' "$ERR"
expect_status "unknown area" 2 nm map imd_score --within E06999999 -o "$T/x.png"
contains "unknown area message" 'no area "E06999999"' "$ERR"
expect_status "too many classes" 2 nm map imd_decile --within E06000033 --classify quantile:20 -o "$T/x.png"
expect_status "deciles of a score" 2 nm map imd_score --within E06000033 --classify deciles -o "$T/x.png"
expect_status "no output" 2 nm map imd_score
expect_status "bad rank scope" 2 nm map imd_score --rank planet -o "$T/x.png"
expect_status "unwritable output" 1 nm map imd_score --within E06000033 -o /nonexistent/dir/x.png
eq "no stray output from failures" "" "$(ls "$T"/x.* 2>/dev/null)"
# an existing map survives a failed redraw
cp "$T/imd.png" "$T/keep.png"
expect_status "failed redraw" 2 nm map imd_decile --within E06000033 --classify jenks:0 -o "$T/imd.png"
eq "previous map intact" "$(checksum "$T/keep.png")" "$(checksum "$T/imd.png")"

# --- the sidecar's own JSON writer: names escaped, numbers as numbers -------
sql "UPDATE area SET name = 'Say \"here\" \\ or'||char(9)||char(1)||'Sé' WHERE code = 'E01015842' AND level = 'lsoa'"
nm --quiet map imd_score --within E06000033 -o "$T/esc.png"
eq "an awkward name reads back whole" '"Say \"here\" \\ or\t\u0001S\u00e9"' \
   "$(py "$T/esc.png.json" "print(json.dumps([a['name'] for a in d['areas'] if a['code']=='E01015842'][0]))")"
eq "scores read back as in the CSV" ok "$(python3 - "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" "$T/esc.png.json" <<'PY'
import csv, json, sys
rows = {r["LSOA code (2011)"]: float(r["Index of Multiple Deprivation (IMD) Score"]) for r in csv.DictReader(open(sys.argv[1]))}
areas = json.load(open(sys.argv[2]))["areas"]
bad = [a["code"] for a in areas if a["value"] != rows[a["code"]]]
print("ok" if len(areas) == 107 and not bad else "%d areas, differ: %s" % (len(areas), bad[:5]))
PY
)"

finish
