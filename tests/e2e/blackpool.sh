# End to end on Blackpool (E06000009, 21 wards), cut from England's
# boundaries by the test: locality tables too wide for their page (with 8
# wards per locality, and then one locality of all 21, every number of the
# summary's CSV is found whole in the PDF's text, no "54,728,2" with "04"
# on the next line), and legends that say what is drawn for a ward share
# with many wards at 0 (quantiles merged by ties, fixed breaks clipped to
# 0-100%, percentages).
source "$(dirname "$0")/lib.bash"
need_data
blackpool_wards_store
cat > "$T/loc.csv" <<'CSV'
ward,locality
Anchorsholme,North Shore
Bispham,North Shore
Greenlands,North Shore
Ingthorpe,North Shore
Norbreck,North Shore
Warbreck,North Shore
Bloomfield,Central
Brunswick,Central
Claremont,Central
Talbot,Central
Tyldesley,Central
Victoria,Central
Layton,Central
Park,Central
Clifton,South
Hawes Side,South
Highfield,South
Marton,South
Squires Gate,South
Stanley,South
Waterloo,South
CSV
nm --quiet import localities "$T/loc.csv"
nm --quiet aggregate --to ward --within E06000009
nm --quiet aggregate --to locality --within E06000009

# whole_numbers WHAT CSV PDF: every figure of the CSV, as the PDF prints it
# (counts with thousands separators, shares as percentages, scores to one
# place), is a whole word of the pages of its section (a locality's pages
# hold its wards, itself, the borough and England; "Blackpool by
# locality" the localities, the borough and England)
whole_numbers() {
    local missing
    missing=$(pdftotext -layout "$3" - | python3 -c "
import csv, sys
pages = sys.stdin.read().split('\f')
rows = list(csv.DictReader(open(sys.argv[1])))
borough = [r for r in rows if r['level'] in ('borough', 'country')]
def shown(v, k):
    x = float(v)
    if k.endswith('_share'):
        return f'{x * 100:.1f}%'
    if k.endswith('_pw') or 'score' in k:
        return f'{x:.1f}'
    return f'{round(x):,}'
missing = []
for table in sorted({r['table'] for r in rows}):
    head = 'Blackpool by locality' if table == 'Blackpool' else table + ' locality'
    text = [p for p in pages if p.lstrip().startswith(head)]
    words = set(' '.join(text).split())
    if not text:
        missing.append('no pages for ' + head)
    for r in [r for r in rows if r['table'] == table] + borough:
        for k, v in r.items():
            if k in ('table', 'level', 'code', 'name') or v in ('', 'suppressed'):
                continue
            if shown(v, k) not in words:
                missing.append(f'{table}/{r[\"name\"]}/{k}={shown(v, k)}')
print(len(missing), ' '.join(missing[:8]))" "$2")
    eq "$1" "0 " "$missing"
}

nm --quiet summary --within E06000009 -o "$T/eight.pdf"
nm --quiet summary --within E06000009 -o "$T/eight.csv"
eq "the CSV has England's population" 54728204 "$(awk -F, '$4 == "England" {print $5; exit}' "$T/eight.csv")"
whole_numbers "8 wards a locality: every number whole in the PDF" "$T/eight.csv" "$T/eight.pdf"
TXT=$(pdftotext -layout "$T/eight.pdf" -)
contains "England's population whole" "54,728,204" "$TXT"

# --- legends of a ward share with ties --------------------------------------
ZEROS=$(sql "SELECT count(*) FROM data_$(sql "SELECT dataset FROM indicator WHERE key='ward_imd_nat10_share'") d
  WHERE d.ward_imd_nat10_share = 0")
eq "Blackpool wards with no LSOA in the 10% (as stored)" 7 "$ZEROS"
nm --quiet map ward_imd_nat10_share --level ward --within E06000009 --classify quantile:5 -o "$T/q5.pdf"
QTXT=$(pdftotext "$T/q5.pdf" - | tr '\n' ' ')
contains "subtitle: the classes drawn and why" "4 classes, not the 5 asked: $ZEROS of 21 wards share the value 0%" "$QTXT"
eq "no subtitle of 5 classes" 0 "$(printf '%s' "$QTXT" | grep -c '5 classes of equal counts' || true)"
eq "the class of zeros says 0%, with its count" "0%|$ZEROS" "$(python3 -c "
import json; c = json.load(open('$T/q5.pdf.json'))['classes'][0]; print(c['label'] + '|' + str(c['count']))")"
nm --quiet map ward_imd_nat10_share --level ward --within E06000009 --classify breaks:0,0.25,0.5,0.75,1 -o "$T/br.pdf"
eq "fixed breaks within 0-100%: the classes and counts" \
   "0% to under 25%:$(sql "SELECT count(*) FROM data_$(sql "SELECT dataset FROM indicator WHERE key='ward_imd_nat10_share'") WHERE ward_imd_nat10_share < 0.25") 25% to under 50% 50% to under 75% 75% to 100%:$(sql "SELECT count(*) FROM data_$(sql "SELECT dataset FROM indicator WHERE key='ward_imd_nat10_share'") WHERE ward_imd_nat10_share >= 0.75")" \
   "$(python3 -c "
import json; cs = json.load(open('$T/br.pdf.json'))['classes']
print(' '.join(c['label'] + (':' + str(c['count']) if i in (0, len(cs) - 1) else '') for i, c in enumerate(cs)))")"
BTXT=$(pdftotext "$T/br.pdf" - | tr '\n' ' ')
contains "breaks: the dropped break said" "4 classes, not the 6 asked: 2 breaks lie outside" "$BTXT"
eq "no class under 0 or over 100%" 0 "$(printf '%s' "$BTXT" | grep -c -E 'under 0|and over' || true)"

# --- a level without values: the message names the command ------------------
expect_status "imd_score of wards" 2 nm map imd_score --level ward --within E06000009 -o "$T/none.png"
contains "says which command makes ward figures" "run 'needsmap aggregate --to ward --within E06000009' and map imd_score_pw" "$ERR"

# --- tables for spreadsheets: labels, precision, XLSX read back through GDAL --
nm --quiet table --level ward --within E06000009 --indicators pop_total,imd_score_pw,imd_nat10_share -o "$T/w.csv"
eq "CSV headings are labels" "Code,Name,Total population,Population-weighted mean Index of Multiple Deprivation (IMD) score,Share of LSOAs among the 10% most deprived nationally (IMD) (%)" \
   "$(head -1 "$T/w.csv" | sed 's/\r//')"
nm --quiet table --level ward --within E06000009 --indicators pop_total,imd_score_pw,imd_nat10_share --ids -o "$T/ids.csv"
eq "--ids: ids as headings" "code,name,ward_pop_total,ward_imd_score_pw,ward_imd_nat10_share" "$(head -1 "$T/ids.csv")"
eq "CSV rounded to the unit's precision, = the full values rounded" \
   "$(python3 -c "
import csv
for r in csv.DictReader(open('$T/ids.csv')):
    print(r['code'], round(float(r['ward_pop_total'])), '%.3f' % float(r['ward_imd_score_pw']), '%.1f' % (100 * float(r['ward_imd_nat10_share'])))")" \
   "$(tail -n +2 "$T/w.csv" | python3 -c "
import csv, sys
for r in csv.reader(sys.stdin): print(r[0], r[2], r[3], r[4])")"
nm --quiet table --level ward --within E06000009 --indicators pop_total,imd_score_pw,imd_nat10_share -o "$T/w.xlsx"
XCSV=$(OGR_XLSX_HEADERS=FORCE OGR_XLSX_FIELD_TYPES=STRING ogr2ogr -f CSV /vsistdout/ "$T/w.xlsx" Table 2>/dev/null)
eq "XLSX headings are labels" "Code,Name,Total population,Population-weighted mean Index of Multiple Deprivation (IMD) score,Share of LSOAs among the 10% most deprived nationally (IMD)" \
   "$(printf '%s\n' "$XCSV" | head -1 | sed 's/\r//; s/"//g')"
eq "XLSX units row" ",,people,score,%" "$(printf '%s\n' "$XCSV" | sed -n 2p | sed 's/\r//; s/"//g')"
eq "XLSX values = the stored values (full precision under the formats)" \
   "$(tail -n +2 "$T/ids.csv" | cut -d, -f1,3- | python3 -c "
import sys
for l in sys.stdin:
    c = l.strip().split(','); print(c[0], '%.9g' % float(c[1]), '%.9g' % float(c[2]), '%.9g' % float(c[3]))")" \
   "$(printf '%s\n' "$XCSV" | tail -n +3 | python3 -c "
import csv, sys
for r in csv.reader(sys.stdin): print(r[0], '%.9g' % float(r[2]), '%.9g' % float(r[3]), '%.9g' % float(r[4]))")"
unzip -p "$T/w.xlsx" xl/styles.xml > "$T/styles.xml"
for f in '#,##0' '0.000' '0.0%'; do contains "XLSX number format $f" "formatCode=\"$f\"" "$(cat "$T/styles.xml")"; done
SRC=$(OGR_XLSX_HEADERS=FORCE ogr2ogr -f CSV /vsistdout/ "$T/w.xlsx" Sources 2>/dev/null)
contains "XLSX sources sheet: the IoD's attribution" "English Indices of Deprivation 2019" "$SRC"
contains "XLSX sources sheet: ids and units" "ward_imd_score_pw,score" "$SRC"

# one locality of all 21 wards: the table is set in blocks of columns
(echo ward,locality; tail -n +2 "$T/loc.csv" | sed 's/,.*$/,Whole town/') > "$T/one.csv"
nm --quiet import localities "$T/one.csv"
nm --quiet aggregate --to locality --within E06000009
nm --quiet summary --within E06000009 -o "$T/one.pdf"
nm --quiet summary --within E06000009 -o "$T/one.csv"
whole_numbers "21 wards in one locality: every number whole" "$T/one.csv" "$T/one.pdf"
# the borough's table (locality, borough, England) and the locality's (21
# wards, locality, borough, England), however many blocks they take
eq "every population cell set" 27 "$(pdftotext -layout "$T/one.pdf" - |
   sed -n 's/^ *Population  *\([0-9]\)/\1/p' | wc -w)"
finish
