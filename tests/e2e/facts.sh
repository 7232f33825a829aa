# End to end: needsmap facts on the Southend data, IMD 2019 and IMD 2007.
# The numbers are checked against the check values of ../shared/data
# (README section 7: C1, C2, C4) and against sums computed here straight
# from the CSV files with python3.
source "$(dirname "$0")/lib.bash"
need_data
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_wards13.shp" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import iod "$NM_DATA/indicators/imd2007/imd2007_lsoa01_england.csv"
nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" --child LSOA11CD --parent WD13CD --parent-level ward
nm --quiet import lookup "$NM_DATA/lookups/ons/LSOA01_LSOA11_LAD11_EW_LU.csv" --child LSOA01CD --parent LSOA11CD --parent-level lsoa

# --- IMD 2019, text ------------------------------------------------------------
TXT=$(nm facts --within E06000033)
contains "C1 sentence" "15,823 people (8.8% of the population), including 3,628 children aged 0-15, live in the 9 LSOAs of Southend-on-Sea that are among the 10% most deprived in England (IMD 2019)." "$TXT"
contains "C2 wards" "In 2 of the 17 wards of Southend-on-Sea, Kursaal and Victoria, every LSOA is among the 20% most deprived of the 3,614 LSOAs of East of England (IMD 2019)" "$TXT"
contains "most deprived LSOA" 'The most deprived LSOA of Southend-on-Sea is E01015842 "Southend-on-Sea 014D" in Kursaal ward, ranked 136 of 32,844 LSOAs in England (IMD 2019).' "$TXT"
contains "decile shares" "9 (8.4%) are in national decile 1" "$TXT"
contains "definition given" "Definition: An LSOA is among the 10% most deprived" "$TXT"
contains "source given" "English Indices of Deprivation 2019" "$TXT"

# --- IMD 2019, JSON: every number against the CSV ---------------------------
nm facts --within E06000033 --format json -o "$T/facts.json"
py() { python3 -c "import json; d={f['id']: f for f in json.load(open('$T/facts.json'))}; $1"; }
eq "five facts, each with text, numbers, definition, source" "5 1" \
   "$(python3 -c "import json; a=json.load(open('$T/facts.json')); print(len(a), int(all(set(f)=={'id','text','numbers','definition','source'} for f in a)))")"
# independent sums straight from the CSV (python's csv: LAD names hold commas)
CSV=$(python3 - "$NM_DATA" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1] + '/indicators/iod2019/iod2019_lsoa_assembled.csv', encoding='utf-8'))
        if r['Local Authority District code (2019)'] == 'E06000033']
dec = 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'
pop = 'Total population: mid 2015 (excluding prisoners)'
kid = 'Dependent Children aged 0-15: mid 2015 (excluding prisoners)'
d1 = [r for r in rows if int(r[dec]) == 1]; d2 = [r for r in rows if int(r[dec]) <= 2]
counts = ' '.join(str(sum(1 for r in rows if int(r[dec]) == k)) for k in range(1, 11))
print(len(d1), sum(int(r[pop]) for r in d1), sum(int(r[kid]) for r in d1),
      len(d2), sum(int(r[pop]) for r in d2), sum(int(r[kid]) for r in d2),
      sum(int(r[pop]) for r in rows), '|', counts)
PY
)
eq "C1 numbers = CSV" "9 15823 3628" "$(echo "$CSV" | cut -d' ' -f1-3)"
eq "10% numbers in JSON = CSV" "$(echo "$CSV" | cut -d' ' -f1-3,7)" \
   "$(py "n=d['most_deprived_10']['numbers']; print(n['lsoas'], n['people'], n['children_0_15'], n['population'])")"
eq "20% numbers in JSON = CSV" "$(echo "$CSV" | cut -d' ' -f4-6)" \
   "$(py "n=d['most_deprived_20']['numbers']; print(n['lsoas'], n['people'], n['children_0_15'])")"
eq "decile counts = C1 and CSV" "9 14 12 10 13 5 10 8 13 13" "$(echo "$CSV" | cut -d'|' -f2 | sed 's/^ //')"
eq "decile counts in JSON" "9 14 12 10 13 5 10 8 13 13" \
   "$(py "n=d['decile_shares']['numbers']; print(' '.join(str(n['decile_%d' % k]) for k in range(1, 11)))")"
eq "decile shares sum to 1" "1.0" "$(py "n=d['decile_shares']['numbers']; print(round(sum(n['share_%d' % k] for k in range(1, 11)), 9))")"
eq "most deprived rank" "136" "$(py "print(d['most_deprived_lsoa']['numbers']['rank'])")"
# people in Kursaal and Victoria: their LSOAs from the lookup, populations from the CSV
WARDPOP=$(python3 - "$NM_DATA" <<'PY'
import csv, sys
lu = {r['LSOA11CD']: r['WD13NM'] for r in csv.DictReader(open(sys.argv[1] + '/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv'))}
pop = 'Total population: mid 2015 (excluding prisoners)'
print(sum(int(r[pop]) for r in csv.DictReader(open(sys.argv[1] + '/indicators/iod2019/iod2019_lsoa_assembled.csv', encoding='utf-8'))
          if r['Local Authority District code (2019)'] == 'E06000033' and lu.get(r['LSOA code (2011)']) in ('Kursaal', 'Victoria')))
PY
)
eq "C2 wards: 2, people = lookup + CSV" "2 $WARDPOP 3614" \
   "$(py "n=d['wards_region_20']['numbers']; print(n['wards'], n['people'], n['region_lsoas'])")"

# --- IMD 2007 on 2001 codes: the figures of a 2010 plan (C4) ----------------
TXT=$(nm facts --within E06000033 --period 2007)
contains "C4 count, no population" "8 of the 107 LSOAs of Southend-on-Sea are among the 10% most deprived in England (IMD 2007); population not available for this release." "$TXT"
contains "C4 most deprived" "E01015842 \"Southend-on-Sea 014D\" in Kursaal ward, ranked 93 of 32,482 LSOAs in England (IMD 2007)" "$TXT"
eq "C4 against the CSV" "8 93" "$(python3 -c "
import csv
r = [x for x in csv.DictReader(open('$NM_DATA/indicators/imd2007/imd2007_lsoa01_england.csv')) if x['lad07_name'] == 'Southend-on-Sea' and int(x['IMD_decile']) == 1]
print(len(r), min(int(x['IMD_rank']) for x in r))")"
TXT=$(nm facts --within E06000033 --period 2007 --population-period 2019)
contains "2019 denominators when asked, and said" "from the 2019 release (the 2007 release has none), as asked." "$TXT"
contains "2007 with 2019 population" "live in the 8 LSOAs of Southend-on-Sea that are among the 10% most deprived in England (IMD 2007)" "$TXT"

# --- Markdown, errors ------------------------------------------------------------
contains "markdown heading" "## Key facts: Southend-on-Sea (IMD 2019)" "$(nm facts --within E06000033 --format md)"
expect_status "bad format" 2 nm facts --within E06000033 --format csv
expect_status "unknown area" 2 nm facts --within E06999999
contains "unknown area message" 'no area "E06999999"' "$ERR"
expect_status "unknown period" 2 nm facts --within E06000033 --period 2004
contains "periods listed" "periods stored: 2007, 2019" "$ERR"
expect_status "unwritable output" 1 nm facts --within E06000033 -o /nonexistent/dir/f.txt

finish
