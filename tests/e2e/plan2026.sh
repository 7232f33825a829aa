# End to end: the 2026 plan of examples/southend, built as the README's
# first command builds it (run.sh, figures.ini), carries the plan's Table 1:
# Southend on the IMD 2025 and each domain beside its ten DfE statistical
# neighbours (2025 model), ranked among England's upper-tier authorities.
# The numbers are checked against python3 straight from the CSVs.
source "$(dirname "$0")/lib.bash"
need_data
OUT=$T/out
"$NM_SRC/examples/southend/run.sh" "$NM" "$NM_DATA" "$OUT" > "$T/run.log" 2>&1 ||
    { cat "$T/run.log"; echo "FAIL: run.sh failed"; exit 1; }
FIGS=$(grep -cE '^\[(map|table|facts|la-summary|summary|compare)\.' "$NM_SRC/examples/southend/figures.ini")
contains "every figure built" "$FIGS built, 0 up to date" "$(cat "$T/run.log")"
for f in la_summary.md la_summary.csv table1_neighbours.png table1_neighbours.pdf key_facts.md localities.pdf ward_comparison.pdf imd_change_2019_2025.png; do
    eq "$f written" yes "$([ -s "$OUT/$f" ] && echo yes || echo no)"
done

# --- Table 1 -----------------------------------------------------------------------
MD=$(cat "$OUT/la_summary.md")
contains "Table 1 heading" "### Table 1: Southend-on-Sea on each domain beside its neighbours (DfE statistical neighbours, 2025 model)" "$MD"
contains "ranked among the upper tier" "Ranks among 153 upper-tier authorities (counties and unitaries) of England" "$MD"
contains "says the population weighting" "weighted by Usual residents (Census 2021)" "$MD"
python3 - "$NM_DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv" \
    "$NM_DATA/indicators/census2021/census2021_usual_residents_age6_lsoa21.csv" \
    "$NM_DATA/lookups/ons/LAD23_UTLA23_EW_LU.csv" "$NM_DATA/neighbours/dfe/sn_model_2025_wide.csv" \
    > "$T/t1.txt" <<'PY'
import csv, re, sys
pop = {r['geography code']: float(r['Age: Total: All usual residents'])
       for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
lu = list(csv.DictReader(open(sys.argv[3], encoding='utf-8-sig')))
up = {r['LAD23CD']: r['UTLA23CD'] for r in lu}
norm = lambda s: re.sub('[^a-z]', '', s.lower().replace('&', 'and'))
code = {norm(r['UTLA23NM']): r['UTLA23CD'] for r in lu}
w, ws = {}, {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')):
    u = up[r['Local Authority District code (2024)']]
    p = pop[r['LSOA code (2021)']]
    w[u] = w.get(u, 0) + p
    ws[u] = ws.get(u, 0) + p * float(r['Index of Multiple Deprivation (IMD) Score'])
avg = {u: ws[u] / w[u] for u in w}
rows = {r['old_la_code']: r for r in csv.DictReader(open(sys.argv[4], encoding='utf-8-sig'))}
sn = [code[norm(rows[rows['882']['SN_%d' % k]]['la_name'])] for k in range(1, 11)]
rank = 1 + sum(1 for u in avg if avg[u] > avg['E06000033'])
print('%d %.6f %.6f %d' % (len(avg), avg['E06000033'], sum(avg[c] for c in sn) / 10, rank))
print('|'.join(sn))
PY
read -r n_ut sc mean rank < "$T/t1.txt"
eq "153 upper-tier authorities (python)" 153 "$n_ut"
eq "Table 1: Southend's IMD average score, rank and the neighbours' mean = python" \
   "$sc $mean $rank" \
   "$(awk -F, '$1=="\"IMD\"" {printf "%.6f %.6f %d", $3, $5, $4}' "$OUT/la_summary.csv")"
eq "Table 1: the ten neighbours in DfE's order" "$(sed -n 2p "$T/t1.txt")" \
   "$(head -1 "$OUT/la_summary.csv" | cut -d, -f6- | tr ',' '|')"
eq "Table 1: the IMD and nine domains" 11 "$(wc -l < "$OUT/la_summary.csv")"
contains "neighbours named in Table 1" "| Bournemouth, Christchurch and Poole | Leeds | Milton Keynes | Bury |" "$MD"

# --- Table 1 as a chart: Southend's red dot at its rank on every ranked domain --------
# The dots are found in the PNG (solid red components the size of a dot,
# top to bottom; the last is the key's) and their centres turned into ranks
# on the axis (72 mm to 281 mm of the A4 landscape page at 150 dpi, 1 to
# the authorities ranked); they must be the CSV's ranks.
want=$(python3 -c 'import csv, sys; print(" ".join(r["rank"] for r in csv.DictReader(open(sys.argv[1])) if r["rank"]), end=" ")' "$OUT/la_summary.csv")
got=$(python3 - "$OUT/table1_neighbours.png" 153 <<PY
import sys
sys.path.insert(0, "$(dirname "$0")")
from pixel import pixels
rows, n = pixels(sys.argv[1]), int(sys.argv[2])
red = {(x // 3, y) for y, line in enumerate(rows) for x in range(0, len(line), 3)
       if bytes(line[x:x + 3]) == bytes.fromhex('c0392b')}
seen, dots = set(), []
for p in sorted(red, key=lambda q: (q[1], q[0])):
    if p in seen:
        continue
    stack, comp = [p], []
    seen.add(p)
    while stack:
        x, y = stack.pop()
        comp.append((x, y))
        for q in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if q in red and q not in seen:
                seen.add(q)
                stack.append(q)
    xs, ys = [c[0] for c in comp], [c[1] for c in comp]
    if max(xs) - min(xs) >= 16 and max(ys) - min(ys) >= 16:
        dots.append(((min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2))
dots.sort()
mm = lambda px: (px + 0.5) * 25.4 / 150
print(' '.join(str(round(1 + (mm(x) - 72) / (281 - 72) * (n - 1))) for _, x in dots[:-1]), end=' ')
PY
)
eq "chart: Southend's dot at its rank on each ranked domain (CSV's ranks)" "$want" "$got"
eq "chart: eight domains ranked (IDACI and IDAOPI are Southend's only)" 8 "$(wc -w <<<"$want")"
# the page is as tall as the chart: no blank band taller than 15 mm anywhere
# (between the title, the rows, the key and the footer), and under the
# footer only the 10 mm margin (and a little)
BANDS=$(python3 - "$OUT/table1_neighbours.png" <<PY
import sys
sys.path.insert(0, "$(dirname "$0")")
from pixel import pixels
rows, mm = pixels(sys.argv[1]), 25.4 / 150
blank = [all(v == 255 for v in r) for r in rows]
inked = [y for y, b in enumerate(blank) if not b]
run = best = 0
for b in blank[inked[0]:inked[-1] + 1]:
    run = run + 1 if b else 0
    best = max(best, run)
print(int(best * mm <= 15), int((len(rows) - 1 - inked[-1]) * mm <= 12))
PY
)
eq "chart: no empty band within the page, only the margin under the footer" "1 1" "$BANDS"
eq "chart PDF: tagged, title first, the chart a Figure, the footer last" "H1 P Figure P P P" \
   "$(pdfinfo -struct "$OUT/table1_neighbours.pdf" | sed -n 's/^  \([A-Za-z0-9]*\).*/\1/p' | paste -sd' ')"
CH=$(pdftotext -layout "$OUT/table1_neighbours.pdf" - | tr -s ' \n' ' ')
contains "chart PDF: title" "Table 1: Southend-on-Sea beside its statistical neighbours, IMD 2025" "$CH"
contains "chart PDF: the neighbours named" "Bournemouth, Christchurch and Poole, Leeds, Milton Keynes, Bury" "$CH"
contains "chart PDF: domains without ranks said" "IDACI, IDAOPI: not shown, since not every authority's rows of these domains are stored" "$CH"
contains "chart PDF: attribution" "Open Government Licence v3.0" "$CH"

# ranks on partial data are never drawn: without Census weights no authority but
# Southend has a 2025 population, and the chart is refused with why
ERR=$("$NM" --db "$OUT/needsmap.sqlite" la-summary --la E06000033 --level utla --neighbours dfe \
      --period 2025 -o "$T/partial.png" 2>&1 >/dev/null) && st=0 || st=$?
eq "chart on partial data refused (exit status)" 2 "$st"
contains "chart on partial data: says why" "Table 1's chart places every authority by its rank, and the ranks are not given (Rank not given: population denominators present for 1 of 153 upper-tier authorities)" "$ERR"
eq "chart on partial data: no file" no "$([ -e "$T/partial.png" ] && echo yes || echo no)"

# --- the locality summaries and the ward comparison put 2019 beside 2025 ----------------
for f in localities.pdf ward_comparison.pdf; do
    TXT=$(pdftotext -layout "$OUT/$f" - | tr -s ' \n' ' ')
    contains "$f: 2019 beside 2025" "IMD 2019 beside 2025." "$TXT"
    contains "$f: the lookup that compared them" "IMD 2025 against 2019 on 2011 LSOAs through LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2 split)" "$TXT"
done

# a second run does nothing
"$NM_SRC/examples/southend/run.sh" "$NM" "$NM_DATA" "$OUT" > "$T/run2.log" 2>&1
contains "second run: nothing to do" "0 built, $FIGS up to date" "$(cat "$T/run2.log")"

finish
