# End to end: `table --since`, two releases side by side.  Southend's
# LSOAs (2021) with IMD and IDACI 2025 beside 2019 through the ONS LSOA
# 2011 -> 2021 lookup: every cell of the CSV against python3 reading the
# two CSV files and the lookup (U and S compare with the 2011 parent), the
# lineage counted (106 unchanged, 2 split), scores refused.
source "$(dirname "$0")/lib.bash"
need_data
F7="$NM_DATA/indicators/iod2025/File_7_IoD2025_southend_E06000033.csv"
I19="$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv"
LU="$NM_DATA/lookups/ons/LSOA11_LSOA21_LAD22_EW_LU.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/southend/geojson/southend_lsoa21_bsc.geojson" --level lsoa
nm --quiet import iod "$F7"
nm --quiet import iod "$I19" 2>/dev/null

expect_status "no lookup between the code years" 2 \
    nm table --level lsoa --within E06000033 --since 2019 --indicators imd_decile -o "$T/x.csv"
contains "says which lookup to import" "LSOA11_LSOA21_LAD22_EW_LU.csv" "$ERR"
eq "no file written" no "$([ -e "$T/x.csv" ] && echo yes || echo no)"
nm --quiet import lookup "$LU" --child LSOA11CD --parent LSOA21CD --parent-level lsoa 2>/dev/null

expect_status "a score does not compare" 2 \
    nm table --level lsoa --within E06000033 --since 2019 --indicators imd_score -o "$T/x.csv"
contains "says why" "scores are not on one scale across releases" "$ERR"
expect_status "an indicator the earlier release lacks" 2 \
    nm table --level lsoa --within E06000033 --since 2019 --indicators cyp_decile -o "$T/x.csv"
contains "names it" 'indicator "cyp_decile" has no period "2019"' "$ERR"

nm --quiet table --level lsoa --within E06000033 --period 2025 --since 2019 \
    --indicators imd_decile,imd_rank,idaci_decile --ids -o "$T/t.csv"
python3 - "$F7" "$I19" "$LU" > "$T/want.csv" <<'PY'
import csv, sys
def cols(name):
    return {'imd_decile': 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)',
            'imd_rank': 'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)',
            'idaci_decile': 'Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)'}[name]
now = {r['LSOA code (2021)']: r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))}
then = {r['LSOA code (2011)']: r for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}
parent, chg = {}, {}
for r in csv.DictReader(open(sys.argv[3], encoding='utf-8-sig')):
    if r['LSOA21CD'] in now:
        parent.setdefault(r['LSOA21CD'], []).append(r['LSOA11CD'])
        chg[r['LSOA21CD']] = r['CHGIND']
lineage = {'U': 'unchanged', 'S': 'split', 'M': 'merged', 'X': 'redrawn'}
print('code,name,then_code,lineage,' + ','.join(
    '%s_2019,%s_2025,%s_change' % (k, k, k) for k in ('imd_decile', 'imd_rank', 'idaci_decile')))
for code in sorted(now):
    assert chg[code] in 'US', (code, chg[code])
    old = parent[code][0]
    row = [code, now[code]['LSOA name (2021)'], old, lineage[chg[code]]]
    for k in ('imd_decile', 'imd_rank', 'idaci_decile'):
        a, b = int(then[old][cols(k)]), int(now[code][cols(k)])
        row += [str(a), str(b), str(b - a)]
    print(','.join(row))
PY
eq "every cell = python from the two CSVs and the ONS lookup" "$(cat "$T/want.csv")" "$(cat "$T/t.csv")"
eq "108 LSOAs" 109 "$(wc -l < "$T/t.csv")"

nm table --level lsoa --within E06000033 --period 2025 --since 2019 \
    --indicators imd_decile -o "$T/t.md" 2>"$T/err"
contains "lineage counted under the table" \
    "(106 unchanged, 2 split)" "$(tail -2 "$T/t.md")"
contains "the lookup named" "through LSOA11_LSOA21_LAD22_EW_LU.csv" "$(tail -2 "$T/t.md")"
contains "MHCLG's guidance said" "Ranks and deciles compare between releases; scores do not" "$(tail -2 "$T/t.md")"
contains "headings name both releases" \
    "| Code | Name | Compared with | Lineage | IMD decile (1 = most deprived 10%) (2019) |" "$(head -1 "$T/t.md" | sed 's/Index of Multiple Deprivation (IMD)/IMD/g')"
contains "the split LSOA beside its 2011 parent" "| E01034095 | Southend-on-Sea 010G | E01015895 | split |" "$(cat "$T/t.md")"

# the default list: every rank and decile of both, scores left out
nm --quiet table --level lsoa --within E06000033 --period 2025 --since 2019 --ids -o "$T/all.csv"
head -1 "$T/all.csv" | tr ',' '\n' > "$T/heads"
eq "no score column" 0 "$(grep -c score "$T/heads" || true)"
eq "IDACI decile in both and the change" 3 "$(grep -c '^idaci_decile_' "$T/heads")"
eq "cyp_decile (2025 only) left out" 0 "$(grep -c '^cyp_decile' "$T/heads" || true)"
nm --quiet table --level lsoa --within E06000033 --since 2019 --indicators imd_decile -o "$T/t.xlsx"
eq "workbook written" yes "$([ -s "$T/t.xlsx" ] && echo yes || echo no)"

finish
