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
for f in la_summary.md la_summary.csv key_facts.md localities.pdf ward_comparison.pdf imd_change_2019_2025.png; do
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

# --- the locality summaries and the ward comparison put 2019 beside 2025 ----------------
for f in localities.pdf ward_comparison.pdf; do
    TXT=$(pdftotext -layout "$OUT/$f" - | tr -s ' \n' ' ')
    contains "$f: 2019 rows" "deprived nationally (IMD 2019)" "$TXT"
    contains "$f: the lookup that compared them" "IMD 2025 against 2019 on 2011 LSOAs through LSOA11_LSOA21_LAD22_EW_LU.csv (106 unchanged, 2 split)" "$TXT"
done

# a second run does nothing
"$NM_SRC/examples/southend/run.sh" "$NM" "$NM_DATA" "$OUT" > "$T/run2.log" 2>&1
contains "second run: nothing to do" "0 built, $FIGS up to date" "$(cat "$T/run2.log")"

finish
