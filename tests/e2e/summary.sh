# End to end: locality summaries and the ward comparison on the Southend
# data.  A store as the plan builds it (LSOA and ward boundaries, IoD 2019,
# the LSOA -> ward lookup, the example localities, ward and locality
# aggregates, police.uk violence counted per ward with a rate); then the
# PDF's text read back (every locality and ward, page numbers, sources),
# its figures against the CSV and the XLSX read through GDAL, the stored
# aggregates and the check values, the comparison page, and the errors.
source "$(dirname "$0")/lib.bash"
need_data
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_wards13.shp" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" --child LSOA11CD --parent WD13CD --parent-level ward

# --- no localities yet: the message says what to do ---------------------------
nm --quiet aggregate --to ward --within E06000033
expect_status "no localities stored" 2 nm summary --within E06000033 -o "$T/none.pdf"
contains "no localities: run import localities" "run 'needsmap import localities FILE' first" "$ERR"
eq "no file left behind" "" "$(ls "$T" | grep none.pdf || true)"

nm --quiet import localities "$NM_SRC/examples/southend/localities.csv"
nm --quiet aggregate --to locality --within E06000033
nm --quiet import incidents "$NM_DATA/crime/police_uk/southend_2018-01_to_2018-07-street.csv" --name crime2018
nm --quiet count incidents --level ward --incidents crime2018 --category "Violence and sexual offences" \
   --per pop_total --per-period 2019 --name violence > /dev/null
nm --quiet count incidents --level ward --incidents crime2018 --category "Bicycle theft" \
   --from 2018-03 --to 2018-03 --per pop_total --name bikes > /dev/null

# --- the PDF -----------------------------------------------------------------
OUT=$(nm summary --within E06000033 --localities -o "$T/loc.pdf" 2>&1)
contains "summary says what it made" "3 localities, 17 wards" "$OUT"
PAGES=$(pdfinfo "$T/loc.pdf" | awk '/^Pages:/ {print $2}')
TXT=$(pdftotext -layout "$T/loc.pdf" -)
contains "title" "Southend-on-Sea: locality summaries" "$TXT"
for loc in West Central East; do contains "locality $loc" "$loc locality" "$TXT"; done
for w in Belfairs "Blenheim Park" Chalkwell "Eastwood Park" Leigh "West Leigh" Milton Prittlewell \
         "St Laurence" "St. Luke's" Victoria Westborough Kursaal Shoeburyness Southchurch Thorpe "West Shoebury"; do
    contains "ward $w" "$w" "$TXT"
done
for p in $(seq 1 "$PAGES"); do contains "page $p numbered" "Page $p of $PAGES" "$TXT"; done
eq "every page has the sources" "$PAGES" "$(printf '%s\n' "$TXT" | grep -c 'English Indices of Deprivation 2019')"
contains "police.uk attributed" "data.police.uk" "$TXT"
contains "dates of the data" "Data: IMD 2019; bicycle theft Mar 2018; violence and sexual offences Jan" "$TXT"
contains "contents list" "Contents" "$TXT"
contains "headline: C1 LSOAs" "(IMD 2019): 9 LSOAs" "$TXT"
contains "headline: C1 people" "15,823 people, 3,628 children" "$TXT"
contains "headline: population" "Population: 179,234" "$TXT"
contains "suppressed is not missing" "suppressed" "$TXT"

# --- CSV, XLSX and the PDF agree ---------------------------------------------
nm --quiet summary --within E06000033 -o "$T/loc.csv"
nm --quiet summary --within E06000033 --format xlsx -o "$T/loc.xlsx"
nm --quiet summary --within E06000033 -o "$T/loc.md"
csv() { python3 -c "
import csv, sys
for r in csv.DictReader(open('$T/loc.csv')):
    if r['table'] == sys.argv[1] and r['name'] == sys.argv[2]: print(r[sys.argv[3]])" "$@"; }
# xlsx SHEET NAME ID: a cell of the workbook, found by the heading the
# "Sources and definitions" sheet gives the id (labels head the columns)
xlsx() { OGR_XLSX_HEADERS=FORCE ogr2ogr -f CSV /vsistdout/ "$T/loc.xlsx" "Sources and definitions" 2>/dev/null > "$T/src.csv"
    ogr2ogr -f CSV /vsistdout/ "$T/loc.xlsx" "$1" 2>/dev/null | python3 -c "
import csv, sys
label = {}
for r in csv.reader(open(sys.argv[3])):
    if len(r) > 1: label[r[1]] = r[0]
key = sys.argv[2]
for tail, head in (('_count', ': incidents'), ('_rate_lo', ' per 1,000: lower 95% limit'),
                   ('_rate_hi', ' per 1,000: upper 95% limit'), ('_rate', ' per 1,000 residents')):
    if key.endswith(tail) and key[:-len(tail)] in label:
        key = label[key[:-len(tail)]] + head
        break
else:
    key = label[key]
for r in csv.DictReader(sys.stdin):
    if r['Name'] == sys.argv[1]: print(r[key])" "$2" "$3" "$T/src.csv"; }
eq "Kursaal population in the CSV" 11668 "$(csv East Kursaal pop_total)"
eq "Kursaal population in the XLSX" 11668 "$(xlsx East Kursaal pop_total)"
contains "Kursaal population in the PDF" "11,668" "$TXT"
KV=$(csv East Kursaal violence_rate)
eq "Kursaal violence rate: XLSX = CSV" "$(printf '%.6f' "$KV")" "$(printf '%.6f' "$(xlsx East Kursaal violence_rate)")"
KV1=$(printf '%.1f' "$KV")
LO1=$(printf '%.1f' "$(csv East Kursaal violence_rate_lo)"); HI1=$(printf '%.1f' "$(csv East Kursaal violence_rate_hi)")
contains "Kursaal violence rate and interval in the PDF" "($LO1–$HI1)" "$TXT"
contains "Kursaal violence rate in the PDF" "$KV1" "$TXT"
eq "Kursaal rate = count / population" "$(awk -v c="$(csv East Kursaal violence_count)" 'BEGIN {printf "%.6f", c * 1000 / 11668}')" "$(printf '%.6f' "$KV")"
eq "suppressed cell in the CSV" suppressed "$(csv East Kursaal bikes_count)"
eq "suppressed cell in the XLSX" suppressed "$(xlsx East Kursaal bikes_count)"
eq "a group's total over suppressed wards is missing, not suppressed" "" "$(csv East East bikes_count)"
eq "borough population (C1)" 179234 "$(csv Southend-on-Sea Southend-on-Sea pop_total)"
eq "borough people in the 10% (C1)" 15823 "$(csv Southend-on-Sea Southend-on-Sea imd_nat10_people)"
eq "England LSOAs" 32844 "$(csv Southend-on-Sea England lsoas)"
eq "England share in the 10%" "0.100" "$(printf '%.3f' "$(csv Southend-on-Sea England imd_nat10_share)")"
# locality totals from wards = the stored locality aggregates
for loc in West Central East; do
    stored=$(sql "SELECT CAST(locality_pop_total AS INT) FROM data_$(sql "SELECT dataset FROM indicator WHERE key='locality_pop_total'") d JOIN area a ON a.code = d.code AND a.level='locality' WHERE a.name='$loc'")
    eq "$loc population = stored aggregate" "$stored" "$(csv "$loc" "$loc" pop_total)"
    eq "$loc population in the XLSX" "$stored" "$(xlsx "$loc" "$loc" pop_total)"
    contains "$loc population in the PDF" "$(python3 -c "print(f'{$stored:,}')")" "$TXT"
done
eq "XLSX: one sheet per locality and the borough, and the sources" "Central East West Southend-on-Sea Sources" \
   "$(ogrinfo -ro -q "$T/loc.xlsx" 2>/dev/null | sed -n 's/^[0-9]*: \([^ ]*\).*/\1/p' | paste -sd' ')"
XH=$(ogr2ogr -f CSV /vsistdout/ "$T/loc.xlsx" East 2>/dev/null | head -1)
contains "XLSX headed by labels" "Level,Code,Name,Population," "$XH"
unzip -p "$T/loc.xlsx" xl/styles.xml > "$T/styles.xml"
for f in '#,##0' '0.0%' '0.0'; do contains "XLSX number format $f" "formatCode=\"$f\"" "$(cat "$T/styles.xml")"; done
contains "XLSX sources sheet: the IoD's attribution" "English Indices of Deprivation 2019" \
   "$(OGR_XLSX_HEADERS=FORCE ogr2ogr -f CSV /vsistdout/ "$T/loc.xlsx" "Sources and definitions" 2>/dev/null)"
contains "Markdown headings" "## East" "$(cat "$T/loc.md")"
contains "Markdown row" "| Kursaal | 11,668 |" "$(cat "$T/loc.md")"
nm --quiet summary --within E06000033 --indicators pop_total,violence -o "$T/two.csv"
eq "--indicators: the rows asked for" "table,level,code,name,pop_total,violence_count,violence_rate,violence_rate_lo,violence_rate_hi" "$(head -1 "$T/two.csv")"

# --- compare -------------------------------------------------------------------
OUT=$(nm compare Kursaal Victoria E05002218 --within E06000033 -o "$T/cmp.pdf" 2>&1)
contains "compare says what it made" "3 wards on A4 landscape" "$OUT"
CTXT=$(pdftotext -layout "$T/cmp.pdf" -)
for w in Kursaal Victoria Milton; do contains "compare shows $w" "$w" "$CTXT"; done
eq "one legend" 1 "$(printf '%s\n' "$CTXT" | grep -c 'National decile')"
eq "one page" 1 "$(pdfinfo "$T/cmp.pdf" | awk '/^Pages:/ {print $2}')"
contains "compare: Kursaal's numbers" "Population 11,668" "$CTXT"
contains "compare: page number" "Page 1 of 1" "$CTXT"
nm --quiet compare Kursaal Victoria Milton Thorpe Leigh --within E06000033 -o "$T/cmp5.png"
eq "five wards: an A3 landscape PNG" "PNG 3 2480" "$(python3 -c "
import struct; d=open('$T/cmp5.png','rb').read(24); w,h=struct.unpack('>II', d[16:24]); print(d[1:4].decode(), round(w/h*2), w)")"

# --- errors ----------------------------------------------------------------------
expect_status "unknown ward" 2 nm compare Kursaal Nowhere -o "$T/bad.pdf"
contains "unknown ward named" "unknown ward \"Nowhere\"" "$ERR"
eq "no output for an unknown ward" 0 "$(ls "$T" | grep -c '^bad.pdf' || true)"
expect_status "unwritable output" 1 nm summary --within E06000033 -o /nonexistent/dir/loc.pdf
expect_status "unwritable compare output" 1 nm compare Kursaal Victoria -o /nonexistent/dir/c.pdf
expect_status "unknown format" 2 nm summary --within E06000033 -o "$T/loc.txt"
expect_status "bad --format" 2 nm summary --format docx -o "$T/loc.pdf"
expect_status "compare needs wards" 2 nm compare -o "$T/c.pdf"
expect_status "unknown indicator" 2 nm summary --within E06000033 --indicators nothing_here -o "$T/x.csv"

finish
