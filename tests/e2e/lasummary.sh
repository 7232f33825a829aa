# End to end: needsmap la-summary on IoD 2019, checked against an
# independent calculation made here with python3 straight from the
# assembled CSV (average rank, average score, proportion in the most
# deprived 10% for Southend, Blackpool and Hart, and Southend's rank on
# average score among all 317 authorities).
source "$(dirname "$0")/lib.bash"
need_data
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"

nm la-summary --format csv -o "$T/la.csv"
eq "317 authorities" 318 "$(wc -l < "$T/la.csv")"

python3 - "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv" "$T/la.csv" > "$T/check.txt" <<'PY'
import csv, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
N = len(rows)
LAD = 'Local Authority District code (2019)'
RANK = 'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)'
DEC = 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'
SCORE = 'Index of Multiple Deprivation (IMD) Score'
POP = 'Total population: mid 2015 (excluding prisoners)'
by = defaultdict(list)
for r in rows:
    by[r[LAD]].append(r)
def measures(lsoas):
    pop = sum(float(r[POP]) for r in lsoas)
    # MHCLG reverses the ranks: the most deprived LSOA counts N
    avg_rank = sum(float(r[POP]) * (N + 1 - int(r[RANK])) for r in lsoas) / pop
    avg_score = sum(float(r[POP]) * float(r[SCORE]) for r in lsoas) / pop
    prop10 = sum(1 for r in lsoas if int(r[DEC]) == 1) / len(lsoas)
    return avg_rank, avg_score, prop10
mine = {r['code']: r for r in csv.DictReader(open(sys.argv[2]))}
def close(a, b):
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1e-12)
print('authorities', len(by))
for code in ('E06000033', 'E06000009', 'E07000089'):
    a, s, p = measures(by[code])
    m = mine[code]
    print(code, 'lsoas', len(by[code]) == int(m['lsoas']),
          'avg_rank', close(a, float(m['avg_rank'])),
          'avg_score', close(s, float(m['avg_score'])),
          'prop10', close(p, float(m['prop10'])))
scores = {c: measures(v)[1] for c, v in by.items()}
print('southend_rank_avg_score', 1 + sum(1 for v in scores.values() if v > scores['E06000033']),
      mine['E06000033']['rank_avg_score'])
PY
CHECK=$(cat "$T/check.txt")
contains "python sees 317 authorities" "authorities 317" "$CHECK"
for code in E06000033 E06000009 E07000089; do
    eq "$code: LSOAs, average rank, average score, proportion = python" \
       "$code lsoas True avg_rank True avg_score True prop10 True" "$(grep "^$code" "$T/check.txt")"
done
R=$(grep southend_rank_avg_score "$T/check.txt" | cut -d' ' -f2)
eq "Southend's rank on average score = python" "$R" "$(grep southend_rank_avg_score "$T/check.txt" | cut -d' ' -f3)"
# C1: 9 of 107 LSOAs in decile 1
eq "Southend proportion in decile 1 (C1: 9 of 107)" "0.084112" \
   "$(awk -F, '$1=="E06000033" {printf "%.6f", $9}' "$T/la.csv")"
eq "Hart has none in decile 1 and no extent" "0 0" \
   "$(awk -F, '$1=="E07000089" {print $9, $11}' "$T/la.csv")"

# --- the authority, its ranks and its neighbours ------------------------------
TXT=$(nm la-summary --la E06000033 --neighbours E06000009,E07000089)
contains "heading" "Southend-on-Sea (E06000033): local authority summary measures, IMD 2019" "$TXT"
contains "ranks among 317" "Rank of 317" "$TXT"
contains "average score rank" "Average score                                 22.375           $R" "$TXT"
contains "neighbours' table" "Blackpool (E06000009)" "$TXT"
contains "neighbours' mean" "Neighbours (2)" "$TXT"
MD=$(nm la-summary --la E06000033 --neighbours E06000009 --format md)
contains "markdown table" "| Average rank | 16,811.9 | 129 |" "$MD"

# --- errors ----------------------------------------------------------------------
expect_status "unknown authority" 2 nm la-summary --la E06999999
contains "unknown authority message" 'no local authority "E06999999"' "$ERR"
expect_status "neighbours without --la" 2 nm la-summary --neighbours E06000009
expect_status "json is not a table format" 2 nm la-summary --format json
nm --quiet import iod "$NM_DATA/indicators/imd2007/imd2007_lsoa01_england.csv"
expect_status "IMD 2007 has no population" 2 nm la-summary --period 2007
contains "says why" "no population (pop_total) of 2007" "$ERR"

finish
