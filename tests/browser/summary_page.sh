# Browser test of the locality summary page: a Southend store as the plan
# builds it (as e2e/summary.sh), with one ward renamed to a script tag and
# a locality named with markup, then summary_page.py drives the page in
# headless Chromium.  Missing data or browser is a failure, never a skip.
source "$(dirname "$0")/../e2e/lib.bash"
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "$NM_DATA" ] || [ ! -d "$NM_DATA/indicators" ]; then
    echo "FAIL: ../shared/data not found (NM_DATA=$NM_DATA)"; exit 1
fi
CHROMIUM=${NM_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "FAIL: $CHROMIUM not found: run scripts/install-deps"; exit 1; }
OUT=${NM_BROWSER_OUT:-$T/out}
mkdir -p "$OUT"

# a ward whose name is a script (Kursaal, E05002216)
ogr2ogr -dialect SQLite -sql "SELECT WD13CD, WD13CDO, CAST(CASE WHEN WD13NM = 'Kursaal' THEN \
'<script>alert(1)</script>' ELSE WD13NM END AS CHARACTER(60)) AS WD13NM, geometry FROM southend_wards13" \
    "$T/wards.shp" "$NM_DATA/boundaries/southend/shp/southend_wards13.shp" -lco ENCODING=UTF-8
sed -e 's|^Kursaal,|"<script>alert(1)</script>",|' "$NM_SRC/examples/southend/localities.csv" > "$T/localities.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$T/wards.shp" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" --child LSOA11CD --parent WD13CD --parent-level ward
nm --quiet aggregate --to ward --within E06000033
nm --quiet import localities "$T/localities.csv"
nm --quiet aggregate --to locality --within E06000033
nm --quiet import incidents "$NM_DATA/crime/police_uk/southend_2018-01_to_2018-07-street.csv" --name crime2018
nm --quiet count incidents --level ward --incidents crime2018 --category "Violence and sexual offences" \
   --per pop_total --per-period 2019 --name violence > /dev/null
nm --quiet count incidents --level ward --incidents crime2018 --category "Bicycle theft" \
   --from 2018-03 --to 2018-03 --per pop_total --name bikes > /dev/null

OUTMSG=$(nm summary --within E06000033 -o "$T/page.html" 2>&1)
contains "summary says what it made" "3 localities, 17 wards" "$OUTMSG"
nm --quiet summary --within E06000033 -o "$T/page.csv"
nm --quiet map ward_imd_score_pw --level ward --within E06000033 -o "$T/wards.png" 2>/dev/null
nm --quiet map imd_decile --within E06000033 -o "$T/lsoas.png"
SIZE=$(stat -c %s "$T/page.html")
eq "Southend's page under 1.5 MB" 1 "$([ "$SIZE" -lt 1500000 ] && echo 1 || echo "$SIZE bytes")"
eq "--format html" 0 "$(nm --quiet summary --within E06000033 --format html -o "$T/page2.x" >/dev/null 2>&1; echo $?)"
eq "--format html: the same page" "$(checksum "$T/page.html")" "$(checksum "$T/page2.x")"

CHECKS=$((CHECKS + 1))
if ! python3 "$HERE/summary_page.py" "$T/page.html" "$T/page.csv" "$T/wards.png.json" "$T/lsoas.png.json" "$OUT"; then
    FAILS=$((FAILS + 1))
fi
# the comparison and a single map as pages
OUTMSG=$(nm compare "<script>alert(1)</script>" Victoria Milton --within E06000033 -o "$T/compare.html" 2>&1)
contains "compare makes a page" "3 wards" "$OUTMSG"
# the comparison's legend counts the three wards' LSOAs by national decile:
# counted here from the LSOA map's sidecar and the lookup
python3 - "$T/lsoas.png.json" "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" \
    E05002216 E05002225 E05002218 > "$T/compare.json" <<'PY'
import csv, json, sys
side = json.load(open(sys.argv[1]))
wards = set(sys.argv[3:])
mine = {r["LSOA11CD"] for r in csv.DictReader(open(sys.argv[2])) if r["WD13CD"] in wards}
for c in side["classes"]:
    c["count"] = sum(1 for a in side["areas"] if a["code"] in mine and a["class"] == c["class"])
side["missing"] = 0
json.dump(side, sys.stdout)
PY
CHECKS=$((CHECKS + 1))
python3 "$HERE/page_basic.py" "$T/compare.html" "$T/compare.json" "$OUT/compare.png" \
    "Victoria ward" "Milton ward" "<script>alert(1)</script> ward" || FAILS=$((FAILS + 1))
nm --quiet map imd_decile --within E06000033 --overlay ward --labels ward -o "$T/map.html"
eq "map -o FILE.html writes no sidecar" 0 "$(ls "$T" | grep -c '^map.html.json' || true)"
CHECKS=$((CHECKS + 1))
python3 "$HERE/page_basic.py" "$T/map.html" "$T/lsoas.png.json" "$OUT/map.png" "Index of Multiple Deprivation" \
    || FAILS=$((FAILS + 1))

cp "$T/page.html" "$T/page.csv" "$T/wards.png.json" "$T/lsoas.png.json" "$OUT/" 2>/dev/null || true
finish
