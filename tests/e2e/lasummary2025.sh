# End to end: IoD 2025 on 2021 LSOAs (issue 11).  The official File 7
# extract of Southend gives check value C5 and stores cyp_decile and
# pop_working_age; la-summary never ranks on partial data but says what is
# missing; the upper tier (counties and unitaries) through the ONS LAD ->
# UTLA lookup, checked against python3 straight from the CSVs.
source "$(dirname "$0")/lib.bash"
need_data
F7=$NM_DATA/indicators/iod2025/File_7_IoD2025_southend_E06000033.csv
ALL=$NM_DATA/indicators/iod2025/iod2025_lsoa21_assembled.csv
UT=$NM_DATA/lookups/ons/LAD23_UTLA23_EW_LU.csv
nm --quiet import iod "$F7" 2>/dev/null

# --- File 7: every column, C5 ---------------------------------------------------
eq "period 2025 on LSOA 2021 codes" "2025|lsoa|2021" \
   "$(sql "SELECT DISTINCT period, level, vintage FROM indicator")"
nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/southend_lsoa21_bsc.geojson" --level lsoa 2>/dev/null
nm table --level lsoa --indicators cyp_decile,pop_working_age --ids -o "$T/t.csv"
python3 - "$F7" "$T/t.csv" > "$T/f7.txt" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')))
cyp = [c for c in rows[0] if c.startswith('Children and Young People Sub-domain Decile')][0]
wa = [c for c in rows[0] if c.startswith('Working age population')][0]
want = {r['LSOA code (2021)']: (float(r[cyp]), float(r[wa])) for r in rows}
got = list(csv.DictReader(open(sys.argv[2], encoding='utf-8-sig')))
code = [c for c in got[0] if c.lower().startswith('code') or 'code' in c.lower()][0]
cc = [c for c in got[0] if 'cyp_decile' in c][0]
wc = [c for c in got[0] if 'pop_working_age' in c][0]
have = {r[code]: (float(r[cc]), float(r[wc])) for r in got if r[cc] != '' and r[wc] != ''}
print(len(have), all(have.get(k) == v for k, v in want.items()))
PY
eq "cyp_decile and pop_working_age stored for the 108 LSOAs, = the CSV" "108 True" "$(cat "$T/f7.txt")"
FACTS=$(nm facts --within E06000033 --period 2025)
contains "C5: 12 LSOAs in decile 1" "12" "$FACTS"
contains "C5: 22,017 people" "22,017" "$FACTS"
contains "C5: 4,965 children" "4,965" "$FACTS"

# --- la-summary on one borough's rows: no rank, what is missing said ---------
TXT=$(nm la-summary --la E06000033 --period 2025 2>/dev/null)
if grep -q "Rank of" <<<"$TXT"; then eq "no 'Rank of' on partial data" "" "$(grep "Rank of" <<<"$TXT")"; fi
contains "says what is missing" "Rank not given: IMD ranks stored for 108 of the 33,755 LSOAs of England" "$TXT"
CSV=$(nm la-summary --period 2025 --format csv 2>/dev/null)
eq "no nan in the CSV" 0 "$(grep -ci nan <<<"$CSV" || true)"
eq "no rank in the CSV" ",,,," "$(awk -F, '$1=="E06000033" {print $6","$8","$10","$12","$14}' <<<"$CSV")"

# Southend's measures from its own rows against N = 33,755 (python)
python3 - "$F7" > "$T/sc.txt" <<'PY'
import csv, sys, math
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')))
N = 33755
R = 'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)'
S = 'Index of Multiple Deprivation (IMD) Score'
P = 'Total population: mid 2022'
pop = sum(float(r[P]) for r in rows)
avg_rank = sum(float(r[P]) * (N + 1 - int(r[R])) for r in rows) / pop
avg_score = sum(float(r[P]) * float(r[S]) for r in rows) / pop
def w(rank):
    pct = math.ceil(rank * 100 / N)
    return 1 if pct <= 10 else (0.95 - 0.9 / 19 * (pct - 11) if pct <= 30 else 0)
extent = sum(float(r[P]) * w(int(r[R])) for r in rows) / pop
print('%.6f %.6f %.6f' % (avg_rank, avg_score, extent))
PY
eq "Southend 2025 average rank, score, extent = python" "$(cat "$T/sc.txt")" \
   "$(awk -F, '$1=="E06000033" {printf "%.6f %.6f %.6f", $5, $7, $11}' <<<"$CSV")"

# --- all of England without populations: still no rank --------------------------
nm --quiet import iod "$ALL" 2>/dev/null
TXT=$(nm la-summary --la E06000033 --period 2025 2>/dev/null)
contains "populations missing" "Rank not given: population denominators present for 1 of 296 districts" "$TXT"
if grep -q "Rank of" <<<"$TXT"; then eq "still no 'Rank of'" "" "$(grep "Rank of" <<<"$TXT")"; fi

# --- upper tier: counties and unitaries -----------------------------------------
nm --quiet import lookup "$UT" --child LAD23CD --parent UTLA23CD --parent-level county 2>/dev/null
nm la-summary --level utla --period 2025 --format csv -o "$T/ut.csv" 2>/dev/null
eq "153 upper-tier authorities" 154 "$(wc -l < "$T/ut.csv")"
python3 - "$ALL" "$UT" > "$T/ut.txt" <<'PY'
import csv, sys
up = {r['LAD23CD']: r['UTLA23CD'] for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
n = {}
d1 = {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')):
    u = up[r['Local Authority District code (2024)']]
    n[u] = n.get(u, 0) + 1
    d1[u] = d1.get(u, 0) + (r['Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'] == '1')
print(n['E10000012'], '%.6f' % (d1['E10000012'] / n['E10000012']), n['E06000033'])
PY
eq "Essex: LSOAs and share in decile 1, Southend its own = python" "$(cat "$T/ut.txt")" \
   "$(awk -F, '$1=="E10000012" {printf "%s %.6f ", $3, $9} $1=="E06000033" {s=$3} END {print s}' "$T/ut.csv")"
TXT=$(nm la-summary --level utla --la E10000012 --period 2025 2>/dev/null)
contains "Essex heading" "Essex (E10000012): local authority summary measures, IMD 2025" "$TXT"
contains "no upper-tier rank either" "Rank not given: population denominators present for 1 of 153 upper-tier authorities" "$TXT"
expect_status "bad level" 2 nm la-summary --level ward

# --- 2019 on the full file: upper-tier ranks are given, = python ---------------
DB=$T/2019.sqlite
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" 2>/dev/null
nm --quiet import lookup "$NM_DATA/lookups/ons/LAD19_UTLA19_EW_LU.csv" --child LAD19CD --parent UTLA19CD --parent-level county 2>/dev/null
nm la-summary --level utla --format csv -o "$T/ut19.csv"
python3 - "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" "$NM_DATA/lookups/ons/LAD19_UTLA19_EW_LU.csv" > "$T/ut19.txt" <<'PY'
import csv, sys
up = {r['LAD19CD']: r['UTLA19CD'] for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
pop, ws = {}, {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')):
    u = up[r['Local Authority District code (2019)']]
    p = float(r['Total population: mid 2015 (excluding prisoners)'])
    pop[u] = pop.get(u, 0) + p
    ws[u] = ws.get(u, 0) + p * float(r['Index of Multiple Deprivation (IMD) Score'])
avg = {u: ws[u] / pop[u] for u in pop}
print(len(avg), '%.6f' % avg['E10000012'], 1 + sum(1 for v in avg.values() if v > avg['E10000012']))
PY
eq "2019 upper tier: count, Essex average score and its rank = python" "$(cat "$T/ut19.txt")" \
   "$(awk -F, 'NR>1 {n++} $1=="E10000012" {s=sprintf("%.6f %s", $7, $8)} END {print n, s}' "$T/ut19.csv")"
TXT=$(nm la-summary --level utla --la E10000012)
contains "2019 ranks given" "Rank of 151" "$TXT"

finish
