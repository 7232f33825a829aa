# End to end: wards and localities on the Southend data.  The interior-point
# assignment against the derived LSOA -> ward lookup (all 107 LSOAs); the
# ward aggregates against an independent calculation in sqlite3 from the
# IoD 2019 assembled CSV and that lookup; check value C2 (Kursaal and
# Victoria wholly in the East of England's most deprived 20%, Milton 5 of
# 6); the example localities; tables read back; ward and locality maps.
source "$(dirname "$0")/lib.bash"
need_data
IOD="$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
LOOKUP="$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/E06000033_wards13.json" --level ward
nm --quiet import iod "$IOD"

# --- assign by interior point = the derived lookup ---------------------------
nm --quiet assign --child lsoa --parent ward
eq "point memberships" "107|17" "$(sql "SELECT COUNT(*), COUNT(DISTINCT parent) FROM membership WHERE method='point'")"
awk -F, 'NR>1 && $3=="E06000033" {print $1"|"$4}' "$LOOKUP" | sort > "$T/derived.txt"
sql "SELECT child||'|'||parent FROM membership WHERE method='point' ORDER BY child" > "$T/point.txt"
eq "derived lookup has 107 Southend LSOAs" 107 "$(wc -l < "$T/derived.txt")"
eq "point assignment = derived lookup for every LSOA" "" "$(diff "$T/derived.txt" "$T/point.txt")"

# --- by area: weights sum to 1; the official lookup agrees -------------------
nm --quiet import lookup "$LOOKUP" --child LSOA11CD --parent WD13CD --parent-level ward
nm assign --child lsoa --parent ward --method area 2> "$T/area.err"
contains "agreement said" "every stored lookup agrees" "$(cat "$T/area.err")"
eq "area weights sum to 1 for every LSOA" "107|0" \
   "$(sql "SELECT COUNT(*), SUM(ABS(s - 1) > 1e-9) FROM (SELECT SUM(weight) s FROM membership WHERE method='area' GROUP BY child)")"
eq "no weight below 0.1%" 0 "$(sql "SELECT COUNT(*) FROM membership WHERE method='area' AND weight < 0.001 - 1e-12")"
# a second run replaces, not adds
before=$(sql "SELECT COUNT(*) FROM membership WHERE method='area'")
nm --quiet assign --child lsoa --parent ward --method area
eq "assign replaces its earlier memberships" "$before" "$(sql "SELECT COUNT(*) FROM membership WHERE method='area'")"

# --- aggregates to wards against an independent calculation -----------------
nm --quiet aggregate --to ward --within E06000033
nm --quiet table --level ward --within E06000033 \
   --indicators pop_total,pop_0_15,imd_score_pw,imd_nat10_lsoas,imd_reg20_share,imd_reg20_lsoas --ids -o "$T/wards.csv"
C="$T/check.sqlite"
sqlite3 -batch "$C" ".import --csv $IOD iod" ".import --csv $LOOKUP lk" ".import --csv $T/wards.csv nm"
expected=$(sqlite3 -batch "$C" "
  SELECT lk.WD13CD, SUM(CAST(iod.\"Total population: mid 2015 (excluding prisoners)\" AS INTEGER)),
         SUM(CAST(iod.\"Dependent Children aged 0-15: mid 2015 (excluding prisoners)\" AS INTEGER)),
         printf('%.6f', SUM(CAST(iod.\"Total population: mid 2015 (excluding prisoners)\" AS REAL) *
                CAST(iod.\"Index of Multiple Deprivation (IMD) Score\" AS REAL)) /
                SUM(CAST(iod.\"Total population: mid 2015 (excluding prisoners)\" AS REAL))),
         SUM(CAST(iod.\"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\" AS INTEGER) = 1)
  FROM iod JOIN lk ON lk.LSOA11CD = iod.\"LSOA code (2011)\"
  WHERE iod.\"Local Authority District code (2019)\" = 'E06000033' GROUP BY lk.WD13CD ORDER BY 1;")
actual=$(sqlite3 -batch "$C" "SELECT code, CAST(ward_pop_total AS INTEGER), CAST(ward_pop_0_15 AS INTEGER),
  printf('%.6f', CAST(ward_imd_score_pw AS REAL)), CAST(ward_imd_nat10_lsoas AS INTEGER) FROM nm ORDER BY 1;")
eq "17 wards computed independently" 17 "$(printf '%s\n' "$expected" | wc -l)"
eq "ward population, children, weighted IMD score, decile-1 LSOAs = independent calculation" "$expected" "$actual"
eq "Southend total population (C1)" 179234 "$(sqlite3 -batch "$C" "SELECT SUM(CAST(ward_pop_total AS INTEGER)) FROM nm")"
eq "decile-1 LSOAs in all (C1)" 9 "$(sqlite3 -batch "$C" "SELECT SUM(CAST(ward_imd_nat10_lsoas AS INTEGER)) FROM nm")"
# C2: regional most deprived 20%
reg() { sqlite3 -batch "$C" "SELECT CAST(ward_imd_reg20_share AS REAL) FROM nm WHERE name='$1'"; }
eq "Kursaal: every LSOA in the region's 20% (C2)" 1.0 "$(reg Kursaal)"
eq "Victoria: every LSOA in the region's 20% (C2)" 1.0 "$(reg Victoria)"
eq "Milton: 5 of 6 (C2)" "0.833333|5" "$(sqlite3 -batch "$C" "SELECT printf('%.6f', ward_imd_reg20_share), CAST(ward_imd_reg20_lsoas AS INTEGER) FROM nm WHERE name='Milton'")"
eq "only Kursaal and Victoria wholly in it" "Kursaal Victoria" "$(sqlite3 -batch "$C" "SELECT group_concat(name, ' ') FROM (SELECT name FROM nm WHERE CAST(ward_imd_reg20_share AS REAL) = 1 ORDER BY name)")"

# --- table read back = stored values -----------------------------------------
nm --quiet table --level ward --within E06000033 --ids -o "$T/all.csv"
python3 - "$T/all.csv" "$DB" > "$T/roundtrip.txt" <<'PY'
import csv, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
db = sqlite3.connect(sys.argv[2])
bad = checked = 0
for key in rows[0]:
    if key in ('code', 'name'):
        continue
    tbl, col = db.execute("SELECT p.tbl, p.col FROM indicator i JOIN indicator_part p ON p.indicator = i.id WHERE i.key=? ORDER BY i.period DESC LIMIT 1", (key,)).fetchone()
    stored = dict(db.execute('SELECT code, "%s" FROM "%s"' % (col, tbl)))
    for r in rows:
        checked += 1
        want = stored.get(r['code'])
        got = float(r[key]) if r[key] != '' else None
        bad += got != want
print(len(rows), checked >= 17 * 20, bad)
PY
eq "table CSV: 17 rows, every stored value read back exactly" "17 True 0" "$(cat "$T/roundtrip.txt")"
nm --quiet table --level ward --within E06000033 --indicators pop_total,imd_reg20_share -o "$T/wards.md"
contains "Markdown right-aligned numbers" "| :--- | :--- | ---: | ---: |" "$(cat "$T/wards.md")"
contains "Markdown thousands and percentages" "| E05002216 | Kursaal | 11,668 | 100.0% |" "$(cat "$T/wards.md")"
contains "names with punctuation kept" "St. Luke's" "$(cat "$T/wards.md")"

# --- localities --------------------------------------------------------------
nm --quiet import localities "$NM_SRC/examples/southend/localities.csv"
eq "3 localities" "LOC-CENTRAL Central|LOC-EAST East|LOC-WEST West" \
   "$(sql "SELECT group_concat(code || ' ' || name, '|') FROM (SELECT code, name FROM area WHERE level='locality' ORDER BY code)")"
eq "17 wards in them" "17|17" "$(sql "SELECT COUNT(*), COUNT(DISTINCT child) FROM membership WHERE parent_level='locality'")"
eq "locality boundaries valid, area = the wards'" "3|1" \
   "$(spatial_sql "SELECT COUNT(*), ABS(SUM(ST_Area(geom)) - (SELECT SUM(ST_Area(geom)) FROM area WHERE level='ward')) < 1 FROM area WHERE level='locality' AND ST_IsValid(geom)")"
nm --quiet aggregate --to locality --within E06000033
eq "localities cover 107 LSOAs and every Southend resident" "107 179234" \
   "$(nm --quiet table --level locality --indicators lsoas,pop_total -o "$T/loc.csv" && \
      awk -F, 'NR>1 {n+=$3; p+=$4} END {print n, p}' "$T/loc.csv")"
nm --quiet map imd_score_pw --level locality --within E06000033 --classify quantile:3 --overlay ward -o "$T/loc.png"
eq "locality map written" 1 "$([ -s "$T/loc.png" ] && echo 1)"
nm --quiet map imd_score_pw --level ward --within E06000033 -o "$T/ward.png"
eq "ward map of 17 areas" 17 "$(python3 -c "import json; print(len(json.load(open('$T/ward.png.json'))['areas']))")"
# a ward map's classes are named by their wards, each once: no "(1)" counts
ALT=$(jq -r '.alt_text' "$T/ward.png.json")
eq "alt text names the wards of both ends" 2 "$(grep -oE 'holds [0-9]+ wards[^.:]*: [A-Z]' <<< "$ALT" | wc -l)"
eq "alt text: no per-ward counts on a ward map" 0 "$(grep -c '(1)' <<< "$ALT")"

# --- errors: each leaves the store as it was ---------------------------------
sum0=$(checksum "$DB")
printf 'ward,locality\nBelfairs,West\nNowhere Ward,West\n' > "$T/bad1.csv"
expect_status "unknown ward" 3 nm import localities "$T/bad1.csv"
contains "unknown ward with its line" "bad1.csv:3: unknown ward \"Nowhere Ward\"" "$ERR"
printf 'ward,locality\nBelfairs,West\nE05002212,East\n' > "$T/bad2.csv"
expect_status "ward in two localities" 3 nm import localities "$T/bad2.csv"
contains "ward in two localities message" "a ward belongs to one locality" "$ERR"
printf 'ward,locality\n' > "$T/bad3.csv"
expect_status "empty file" 3 nm import localities "$T/bad3.csv"
eq "store unchanged by the failed imports" "$sum0" "$(checksum "$DB")"
expect_status "aggregate needs --to" 2 nm aggregate
expect_status "assign: bad method" 2 nm assign --child lsoa --parent ward --method centroid

finish
