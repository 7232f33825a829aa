# Browser test of a county's summary page: an England store with Essex
# (E10000012, 12 districts) reached through the LAD -> UTLA lookup, no
# localities, so the districts are the sections; the page under 6 MB, then
# county_page.py drives it in headless Chromium (timings, legends, keyboard,
# names that never meet, print with a footer on every page, scripts off).
# Missing data or browser is a failure, never a skip.
source "$(dirname "$0")/../e2e/lib.bash"
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "$NM_DATA" ] || [ ! -d "$NM_DATA/lookups/ons" ]; then
    echo "FAIL: ../shared/data not found (NM_DATA=$NM_DATA)"; exit 1
fi
CHROMIUM=${NM_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "FAIL: $CHROMIUM not found: run scripts/install-deps"; exit 1; }
OUT=${NM_BROWSER_OUT:-$T/out}
mkdir -p "$OUT"
L19="$NM_DATA/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv"
U19="$NM_DATA/lookups/ons/LAD19_UTLA19_EW_LU.csv"
W13="$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lad13.shp" --level lad
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_wards13.shp" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$L19" --child LSOA11CD --parent LAD19CD --parent-level lad
nm --quiet import lookup "$U19" --child LAD19CD --parent UTLA19CD --parent-level utla
nm --quiet import lookup "$W13" --child LSOA11CD --parent WD13CD --parent-level ward
nm --quiet aggregate --to ward --within Essex

expect_status "the county's page" 0 nm summary --within Essex -o "$T/essex.html"
contains "one section per district" "essex.html: 12 districts, 267 wards" "$ERR"
SIZE=$(stat -c %s "$T/essex.html")
echo "Essex page: $SIZE bytes"
eq "Essex's page under 6 MB" 1 "$([ "$SIZE" -lt 6000000 ] && echo 1 || echo "$SIZE bytes")"
nm --quiet summary --within Essex -o "$T/essex.csv"
nm --quiet map imd_decile --within Essex -o "$T/lsoas.png"
expect_status "the county's PDF" 0 nm summary --within Essex -o "$T/essex.pdf"
pdftoppm -png -r 40 -f 1 -l 4 "$T/essex.pdf" "$OUT/essex-pdf"

CHECKS=$((CHECKS + 1))
python3 "$HERE/county_page.py" "$T/essex.html" "$T/essex.csv" "$T/lsoas.png.json" "$L19" "$OUT" \
    || FAILS=$((FAILS + 1))
cp "$T/essex.html" "$T/essex.pdf" "$OUT/" 2>/dev/null || true
finish
