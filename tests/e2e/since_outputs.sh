# End to end: two releases side by side in every output format, and
# England's empty column explained.  Southend on 2021 LSOAs (IMD 2025)
# beside IMD 2019 through the ONS LSOA 2011 -> 2021 lookup:
# - the web page and the workbook of `summary --since` carry the PDF's note
#   (the boundary change, the lookup, 106 unchanged and 2 split), and the
#   web page's since rows are the CSV's;
# - `compare --since` maps the change (diverging classes around "no change",
#   LSOAs counted per class in the legend, as python counts them from the
#   two CSVs and the lookup), not the 2025 deciles;
# - England's "–" cells say why (a store of one council) in PDF, web page,
#   workbook and Markdown;
# - `table --since` of ward aggregates says what compares instead of "no
#   indicators stored".
source "$(dirname "$0")/lib.bash"
need_data
southend21_since_store
nm --quiet import lookup "$LU" --child LSOA11CD --parent LSOA21CD --parent-level lsoa
NOTE="through LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2 split)"
BOUNDARY="The 2019 figures are of the LSOAs of 2011 that an area's LSOAs of 2021 come from"
ENGLAND="England: needs the figures of every LSOA of England (33,755 LSOAs of 2021); the store holds populations for 108 of them: import the national file"

for f in csv html xlsx pdf md; do
    nm --quiet summary --within E06000033 --since 2019 -o "$T/s.$f" 2>/dev/null
done

# --- the web page: the note, and the since rows of the CSV ---------------------------
python3 - "$T/s.html" > "$T/html.txt" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.notes, self.rows, self.heads, self.table, self.note, self.th = [], {}, {}, None, None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'table':
            self.table = a.get('id')
            self.heads[self.table] = []
        elif tag == 'th' and a.get('scope') == 'col':
            self.th = ''
        elif tag == 'tr' and 'data-code' in a:
            self.code = a['data-code']
            self.rows.setdefault(self.table, {})[self.code] = []
        elif tag == 'td' and self.table:
            self.rows[self.table][self.code].append(a.get('data-v', ''))
        elif tag == 'p' and 'tnote' in (a.get('class') or ''):
            self.note = ''
    def handle_endtag(self, tag):
        if tag == 'p' and self.note is not None:
            self.notes.append(self.note)
            self.note = None
        elif tag == 'th' and self.th is not None:
            self.heads[self.table].append(self.th)
            self.th = None
        elif tag == 'table':
            self.table = None
    def handle_data(self, d):
        if self.note is not None:
            self.note += d
        if self.th is not None:
            self.th += d
p = P()
p.feed(open(sys.argv[1], encoding='utf-8').read())
for n in p.notes:
    print('NOTE', n)
# the borough's table: its localities, itself and England
t = max(p.rows, key=lambda k: len(p.rows[k]) if 'E06000033' in p.rows[k] else 0)
heads = p.heads[t][1:]
cols = [i for i, h in enumerate(heads) if '(IMD 2019)' in h or '(IMD 2025)' in h or 'than in 2019' in h]
print('SINCE_COLS', len(cols))
for code in sorted(p.rows[t]):
    print('ROW', code, ' '.join('%.6f' % float(p.rows[t][code][i]) if p.rows[t][code][i] else '-' for i in cols))
PY
HTML=$(cat "$T/html.txt")
contains "web page: the lookup and the lineage counts" "$NOTE" "$HTML"
contains "web page: the boundary change" "$BOUNDARY" "$HTML"
contains "web page: scores are not compared" "so scores are of 2025 only" "$HTML"
contains "web page: why England is empty" "NOTE $ENGLAND" "$HTML"
eq "web page: six since rows" "SINCE_COLS 6" "$(grep SINCE_COLS "$T/html.txt")"
want=$(python3 - "$T/s.csv" <<'PY'
import csv, sys
ids = ['since_nat10_then', 'since_nat10_now', 'since_nat20_then', 'since_nat20_now', 'since_worse', 'since_better']
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['table'] == 'Southend-on-Sea']
for r in sorted(rows, key=lambda r: r['code']):
    print('ROW', r['code'], ' '.join('%.6f' % float(r[i]) if r[i] else '-' for i in ids))
PY
)
eq "five rows: three localities, the borough, England" 5 "$(printf '%s\n' "$want" | wc -l)"
eq "web page: since rows of the localities, borough and England = the CSV's" "$want" "$(grep '^ROW' "$T/html.txt")"

# --- the workbook's sources sheet ------------------------------------------------------
SRC=$(ogr2ogr -q -f CSV /vsistdout/ "$T/s.xlsx" "Sources and definitions" --config OGR_XLSX_HEADERS DISABLE)
contains "workbook: the lookup and the lineage counts" "$NOTE" "$SRC"
contains "workbook: the boundary change" "$BOUNDARY" "$SRC"
contains "workbook: why England is empty" "$ENGLAND" "$SRC"

# --- PDF and Markdown: why England is empty --------------------------------------------
PTXT=$(pdftotext -layout "$T/s.pdf" - | tr -s ' \n' ' ')
contains "PDF: why England is empty" "$ENGLAND" "$PTXT"
contains "PDF: England's rows of two releases" "Its rows comparing 2019 with 2025 are given for the council's areas, not for England." "$PTXT"
contains "Markdown: why England is empty" "$ENGLAND" "$(cat "$T/s.md")"
nm --quiet summary --within E06000033 -o "$T/one.pdf" 2>/dev/null
contains "one release: why England is empty too" "$ENGLAND" "$(pdftotext -layout "$T/one.pdf" - | tr -s ' \n' ' ')"

# --- compare --since: maps of the change ------------------------------------------------
WARDS="Kursaal Victoria Milton"
for w in $WARDS; do
    sql "SELECT m.child FROM membership m JOIN area p ON p.code = m.parent AND p.level = 'ward'
         WHERE m.parent_level = 'ward' AND m.child_level = 'lsoa' AND p.name = '$w'"
done > "$T/lsoas.txt"
counts=$(python3 - "$LU" "$I19" "$F7" "$T/lsoas.txt" <<'PY'
import csv, sys
dec = 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'
d19 = {r['LSOA code (2011)']: int(r[dec]) for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
d25 = {r['LSOA code (2021)']: int(r[dec]) for r in csv.DictReader(open(sys.argv[3], encoding='utf-8-sig'))}
parents = {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')):
    parents.setdefault(r['LSOA21CD'], []).append((r['LSOA11CD'], r['CHGIND']))
labels = ['2 or more deciles more deprived', '1 decile more deprived', 'No change',
          '1 decile less deprived', '2 or more deciles less deprived']
n = [0] * 5
for l in open(sys.argv[4]).read().split():
    (p, chg), = parents[l]  # Southend's are unchanged or split: one parent each
    assert chg in 'US'
    d = d25[l] - d19[p]
    n[0 if d <= -2 else 1 if d == -1 else 2 if d == 0 else 3 if d == 1 else 4] += 1
print(' '.join('%s (%d)' % (labels[k], n[k]) for k in range(5)))
PY
)
eq "19 LSOAs in the three wards" 19 "$(wc -w < "$T/lsoas.txt")"
nm --quiet compare $WARDS --within E06000033 --since 2019 -o "$T/c.pdf" 2>/dev/null
CTXT=$(pdftotext "$T/c.pdf" - | tr -s ' \n' ' ')
contains "compare PDF: the legend is of the change" "Change in national decile" "$CTXT"
contains "compare PDF: LSOAs per class of change (python)" "$counts" "$CTXT"
contains "compare PDF: the maps' subtitle" "LSOAs shaded by their change in national IMD decile, 2019 to 2025 on one classification and at one scale for all 3 wards" "$CTXT"
contains "compare PDF: why England is empty" "$ENGLAND" "$(pdftotext -layout "$T/c.pdf" - | tr -s ' \n' ' ')"
nm --quiet compare $WARDS --within E06000033 --since 2019 -o "$T/c.png" 2>/dev/null
# RdBu: more deprived f4a582 (Kursaal's and Victoria's LSOAs), no change
# f7f7f7, 2+ less deprived 0571b0 (one of Victoria's); no decile colour
px() { python3 "$(dirname "$0")/pixel.py" "$T/c.png" --count "$1"; }
eq "compare PNG: LSOAs 1 decile more deprived drawn" 1 "$(px f4a582 | awk '{print ($1 > 500)}')"
eq "compare PNG: the LSOA 2+ deciles less deprived drawn" 1 "$(px 0571b0 | awk '{print ($1 > 500)}')"
nm --quiet compare $WARDS --within E06000033 --since 2019 -o "$T/c.html" 2>/dev/null
legend=$(python3 - "$T/c.html" <<'PY'
import re, sys
t = open(sys.argv[1], encoding='utf-8').read()
first = re.search(r'<div class="legend" data-sec="-1">(.*?)</div>', t, re.S).group(1)
print(' '.join('%s (%s)' % m for m in re.findall(r'<span class="ll">([^<]*)</span> <span class="lc">([^<]*)</span>', first)))
PY
)
eq "compare web page: LSOAs per class of change (python)" "$counts" "$legend"
contains "compare web page: the lookup" "$NOTE" "$(cat "$T/c.html")"
# without --since the maps are the 2025 deciles, as before
nm --quiet compare $WARDS --within E06000033 -o "$T/d.pdf" 2>/dev/null
contains "compare without --since: national deciles" "National decile" "$(pdftotext "$T/d.pdf" - | tr -s ' \n' ' ')"

# --- table --since of ward aggregates: what compares ----------------------------------
expect_status "table --since of wards" 2 nm table --within E06000033 --period 2025 --since 2019 -o "$T/w.csv"
contains "says only ranks and deciles compare, and where to look" \
    "only they compare between releases: use --level lsoa, or 'needsmap summary --since 2019'" "$ERR"

finish
