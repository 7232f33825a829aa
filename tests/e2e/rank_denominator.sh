# End to end: a store holding only Southend's rows of the official File 7
# (IoD 2025, 108 LSOAs) still counts national ranks against England's
# 33,755 LSOAs of 2021 (check value C5: E01015842 is rank 50 of 33,755),
# not against the 108 rows stored.  IoD 2019 on Southend's 2011 LSOAs: out
# of 32,844.  A store of a whole synthetic country (ranks 1..n, n stored)
# keeps n: that is tested by the generated stores of the unit tests.
source "$(dirname "$0")/lib.bash"
need_data
F7=$NM_DATA/indicators/iod2025/File_7_IoD2025_southend_E06000033.csv
nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/southend_lsoa21_bsc.geojson" --level lsoa
nm --quiet import iod "$F7" 2>/dev/null
nm --quiet table --level lsoa --within E06000033 --indicators imd_rank --period 2025 --ids -o "$T/t.csv"
eq "108 rows stored" 109 "$(wc -l < "$T/t.csv")"

# --- map: national deciles of ranks up to 33,755 ----------------------------------
expect_status "map imd_rank of a Southend-only store" 0 \
    nm map imd_rank --within E06000033 --period 2025 -o "$T/rank.png"
eq "no complaint about ranks" "" "$(printf '%s' "$ERR" | grep -i 'national rank' || true)"
nm map imd_rank --within E06000033 --period 2025 -o "$T/rank.pdf" 2>/dev/null || true
# the legend counts the national deciles as the File's own deciles do (C5):
# 12, 13, 14, 7, 11, 11, 9, 5, 15, 11
eq "legend counts = File 7's deciles (C5)" "12 13 14 7 11 11 9 5 15 11" \
   "$(pdftotext -layout "$T/rank.pdf" - | grep -oE '\([0-9]+\)' | tr -d '()' | awk '{a[NR]=$1} END {for (i = 1; i <= 5; i++) printf "%s %s ", a[2*i-1], a[2*i]}' | \
      awk '{print $1, $3, $5, $7, $9, $2, $4, $6, $8, $10}')"

# --- facts: "rank 50 of 33,755" ---------------------------------------------------
TXT=$(nm facts --within E06000033 --period 2025 2>&1)
contains "facts: rank of England's 33,755" "50 of 33,755" "$TXT"
case "$TXT" in *"of 108 LSOAs in England"* | *"50 of 108"*) eq "facts: not of 108" no yes ;; esac
nm facts --within E06000033 --period 2025 --format json -o "$T/f.json" 2>/dev/null
eq "facts json: lsoas_national" 33755 \
   "$(python3 -c "import json; print(sorted({int(f['numbers']['lsoas_national']) for f in json.load(open('$T/f.json')) if 'lsoas_national' in f['numbers']}) [0])")"

# --- IoD 2019 on Southend's 2011 LSOAs: of 32,844 ---------------------------------
DB=$T/s19.sqlite
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import iod "$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv" 2>/dev/null
expect_status "map imd_rank 2019 of a Southend-only store" 0 \
    nm map imd_rank --within E06000033 --period 2019 -o "$T/rank19.png"
contains "facts 2019: of England's 32,844" "of 32,844" "$(nm facts --within E06000033 --period 2019 2>&1)"
finish
