# End to end: derived indicators from Census 2021 tables on 2021 LSOAs --
# the plan's Figure 1 (the share of residents outside the White group, and
# children aged 0-15 per hectare) -- each Southend LSOA's value against a
# calculation made here from the CSV files (shares) and from ogr2ogr's
# reprojection of the same boundaries (land in hectares); and every bad
# expression refused with the store unchanged.
source "$(dirname "$0")/lib.bash"
need_data
C="$NM_DATA/indicators/census2021"
G="$NM_DATA/boundaries/southend/geojson/southend_lsoa21_bsc.geojson"
nm --quiet import boundaries "$G" --level lsoa
nm --quiet import iod "$NM_DATA/indicators/iod2025/File_7_IoD2025_southend_E06000033.csv"
nm --quiet import indicators "$C/TS021_ethnic_group_lsoa21.csv" --key "geography code" --period 2021 2>/dev/null
nm --quiet import indicators "$C/census2021_usual_residents_age6_lsoa21.csv" --key "geography code" --period 2021 2>/dev/null

# a heading longer than the store's ids is cut at a word, and still works
contains "long heading's id" "ethnic_group_black_black_british_black_welsh_caribbean_or" "$(nm info)"

TOTAL=ethnic_group_total_all_usual_residents
# --- every bad input refused, nothing written -----------------------------------
before=$(sha256sum "$DB" | cut -d' ' -f1)
expect_status "unknown id" 2 nm derive x "ethnic_group_whit / 2"
contains "names the unknown id" "ethnic_group_whit" "$ERR"
expect_status "syntax" 2 nm derive x "ethnic_group_white / (2"
contains "says where" "at character 24: expected ')'" "$ERR"
expect_status "trailing text" 2 nm derive x "ethnic_group_white 2"
expect_status "capitals" 2 nm derive x "Ethnic_group_white"
expect_status "self reference" 2 nm derive ethnic_group_white "ethnic_group_white * 2"
expect_status "bad id" 2 nm derive "x-y" "ethnic_group_white"
expect_status "only land" 2 nm derive x "area_ha * 2"
expect_status "all divided by zero" 3 nm derive x "ethnic_group_white / 0"
contains "counts the divisions" "divide by zero" "$ERR"
expect_status "inputs of another period" 2 nm derive x "ethnic_group_white / imd_score"
contains "says which periods exist" "imd_score" "$ERR"
eq "store unchanged after every refusal" "$before" "$(sha256sum "$DB" | cut -d' ' -f1)"

# --- the shares -------------------------------------------------------------------
nm derive nonwhite_share "($TOTAL - ethnic_group_white) / $TOTAL" --unit share --higher-worse \
   --label "Residents outside the White ethnic group (Census 2021)" 2>"$T/derive.err"
contains "reports its counts" "35,672 values stored for 35,672 areas" "$(sed 's/\([0-9]\)\([0-9]\{3\}\) /\1,\2 /g' "$T/derive.err")"
nm table --level lsoa --within E06000033 --indicators nonwhite_share --ids -o "$T/share.csv"
python3 - "$C/TS021_ethnic_group_lsoa21.csv" "$T/share.csv" >"$T/share.cmp" <<'PY'
import csv, sys
want = {r['geography code']: (int(r['Ethnic group: Total: All usual residents']) - int(r['Ethnic group: White']))
        / int(r['Ethnic group: Total: All usual residents']) for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))}
rows = list(csv.DictReader(open(sys.argv[2], encoding='utf-8-sig')))
col = [k for k in rows[0] if k not in ('code', 'name')][-1]
bad = [r['code'] for r in rows if abs(float(r[col]) - want[r['code']]) > 1e-12]
print(len(rows), len(bad))
PY
eq "every Southend LSOA's share = TS021 (108 LSOAs, 0 differ)" "108 0" "$(cat "$T/share.cmp")"

# --- the density: land from the boundaries ------------------------------------------
nm derive child_density "age_aged_15_years_and_under / area_ha" --unit per_ha \
   --label "Children aged 0-15 per hectare (Census 2021)" 2>/dev/null
nm table --level lsoa --within E06000033 --indicators child_density --ids -o "$T/density.csv"
ogr2ogr -f SQLite -dsco SPATIALITE=YES -t_srs EPSG:27700 "$T/ogr.sqlite" "$G" -nln l 2>/dev/null
sqlite3 -csv "$T/ogr.sqlite" "SELECT load_extension('mod_spatialite'); SELECT lsoa21cd, ST_Area(GEOMETRY) / 10000.0 FROM l" 2>/dev/null | sed 1d >"$T/ha.csv"
python3 - "$C/census2021_usual_residents_age6_lsoa21.csv" "$T/ha.csv" "$T/density.csv" >"$T/density.cmp" <<'PY'
import csv, sys
kids = {r['geography code']: int(r['Age: Aged 15 years and under']) for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))}
ha = {r[0]: float(r[1]) for r in csv.reader(open(sys.argv[2]))}
rows = list(csv.DictReader(open(sys.argv[3], encoding='utf-8-sig')))
col = [k for k in rows[0] if k not in ('code', 'name')][-1]
worst = max(abs(float(r[col]) / (kids[r['code']] / ha[r['code']]) - 1) for r in rows)
print(len(rows), int(worst < 1e-6))
PY
eq "every Southend LSOA's density = census / ogr2ogr's hectares (to 1 in a million)" "108 1" "$(cat "$T/density.cmp")"

# --- sources and definition travel with the values ----------------------------------
IND=$(nm info)
contains "definition names the inputs" "age_aged_15_years_and_under = Age: Aged 15 years and under (2021)" "$IND"
contains "land defined" "area_ha = land area of the area in hectares" "$IND"
nm map nonwhite_share --within E06000033 -o "$T/share.png" 2>/dev/null
eq "map of the share: 108 areas" "108" "$(jq '[.classes[].count] | add' "$T/share.png.json")"
contains "map credits the census" "TS021_ethnic_group_lsoa21.csv" "$(jq -r '.source' "$T/share.png.json")"
# a census share is not an index of deprivation: its darkest class is its highest
ALT=$(jq -r '.alt_text' "$T/share.png.json")
contains "alt text: darkest is highest" "The darkest (highest) class" "$ALT"
eq "alt text: not called deprived" 0 "$(grep -c 'deprived' <<< "$ALT")"
# --- the same step in a figures file -------------------------------------------------
cat >"$T/figures.ini" <<INI
[data.ratio]
type = derive
id = white_per_child
expression = ethnic_group_white / age_aged_15_years_and_under
period = 2021
worse = none
label = White residents per child
INI
nm --quiet build "$T/figures.ini"
contains "figures file step stored it" "White residents per child" "$(nm info)"
finish
