# End to end: upper-tier authorities (counties and unitaries, which run
# children's services) as the level 'utla', reached through the ONS
# LAD -> UTLA lookup, and areas given by name.  One England store: the map
# of Essex (E10000012) with its 12 districts outlined and named, facts and
# tables within it, names equal to codes byte for byte, and LAD boundaries
# of other codes than the lookup's said to be so.
source "$(dirname "$0")/lib.bash"
if [ -z "$NM_DATA" ] || [ ! -d "$NM_DATA/lookups/ons" ]; then
    echo "FAIL: ../shared/data not found (NM_DATA=$NM_DATA)"
    exit 1
fi
U19="$NM_DATA/lookups/ons/LAD19_UTLA19_EW_LU.csv"
L19="$NM_DATA/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lad13.shp" --level lad
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$L19" --child LSOA11CD --parent LAD19CD --parent-level lad
expect_status "LAD -> UTLA lookup" 0 nm import lookup "$U19" --child LAD19CD --parent UTLA19CD --parent-level utla
eq "utla memberships" 339 "$(sql "SELECT count(*) FROM membership WHERE parent_level = 'utla'")"
eq "a unitary is its own upper tier" E06000033 \
   "$(sql "SELECT parent FROM membership WHERE parent_level = 'utla' AND child = 'E06000033'")"

# --- independent counts from the lookups ------------------------------------
csv_col() { python3 -c "import csv,sys; print('\n'.join(sorted(r['$2'] for r in csv.DictReader(open('$1')) $3)))"; }
DISTRICTS=$(csv_col "$U19" LAD19NM "if r['UTLA19CD'] == 'E10000012'")
eq "Essex has 12 districts in the lookup" 12 "$(printf '%s\n' "$DISTRICTS" | wc -l)"
ESSEX_LSOAS=$(python3 -c "
import csv
d = {r['LAD19CD'] for r in csv.DictReader(open('$U19')) if r['UTLA19CD'] == 'E10000012'}
print(sum(1 for r in csv.DictReader(open('$L19')) if r['LAD19CD'] in d))")

# --- the map of Essex --------------------------------------------------------
expect_status "map of Essex" 0 nm map imd_decile --within E10000012 --overlay lad --labels lad -o "$T/essex.png"
py() { python3 -c "import json; d=json.load(open('$1')); $2"; }
eq "LSOAs drawn = LSOAs of Essex's districts in the lookup" "$ESSEX_LSOAS" "$(py "$T/essex.png.json" "print(len(d['areas']))")"
eq "no LSOA missing a value" 0 "$(py "$T/essex.png.json" "print(d['missing'])")"
nm --quiet map imd_decile --within Essex --overlay lad --labels lad -o "$T/essex.pdf"
pdftotext "$T/essex.pdf" "$T/essex.txt"
TEXT=$(tr '\n' ' ' < "$T/essex.txt")
while IFS= read -r name; do
    contains "district $name named on the map" "$name" "$TEXT"
done <<< "$DISTRICTS"
for neighbour in Thurrock Southend-on-Sea "East Hertfordshire" Babergh; do
    case "$TEXT" in *"$neighbour"*) eq "neighbour $neighbour not named" absent present ;; esac
done
contains "subtitle names the county" "LSOAs of Essex" "$TEXT"
# the source line names both lookups that found Essex's LSOAs
contains "source line says how Essex's LSOAs were found" \
    "Essex: LSOA 2011 to LAD 2019 by the lookup LSOA11_WD19_LAD19_EW_LU.csv; LAD 2019 to UTLA 2019 by the lookup LAD19_UTLA19_EW_LU.csv." \
    "$(tr -s ' ' <<< "$TEXT")"
eq "12 district labels" 12 "$(grep -cxF -f <(printf '%s\n' "$DISTRICTS") "$T/essex.txt" || true)"

# --- facts and tables within Essex, by code and by name -----------------------
nm facts --within E10000012 > "$T/facts_code.txt"
nm facts --within essex > "$T/facts_name.txt"
eq "facts by name = facts by code" "$(checksum "$T/facts_code.txt")" "$(checksum "$T/facts_name.txt")"
contains "facts count the LSOAs of Essex" "of the $ESSEX_LSOAS LSOAs of Essex" "$(cat "$T/facts_code.txt")"
D1=$(python3 -c "
import csv
d = {r['LAD19CD'] for r in csv.DictReader(open('$U19')) if r['UTLA19CD'] == 'E10000012'}
l = {r['LSOA11CD'] for r in csv.DictReader(open('$L19')) if r['LAD19CD'] in d}
print(sum(1 for r in csv.DictReader(open('$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv'))
          if r['LSOA code (2011)'] in l and r['Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'] == '1'))")
contains "decile 1 count from the IoD file" "in the $D1 LSOAs of Essex that are among the 10% most deprived" "$(cat "$T/facts_code.txt")"
nm --quiet table --level lsoa --within "ESSEX" --indicators imd_decile -o "$T/essex.csv"
eq "table rows within Essex" "$ESSEX_LSOAS" "$(($(wc -l < "$T/essex.csv") - 1))"

# --- the county's summary: its districts are the sections --------------------
# No localities are stored within Essex, so the summary (PDF and CSV) has a
# section per district, with the wards the point-on-surface lookup puts in
# each district's LSOAs; a unitary without localities is still refused.
W13="$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_wards13.shp" --level ward
nm --quiet import lookup "$W13" --child LSOA11CD --parent WD13CD --parent-level ward
nm --quiet aggregate --to ward --within Essex
expect_status "summary of Essex (PDF)" 0 nm summary --within Essex -o "$T/essex_sum.pdf"
contains "the districts are the sections, and it says so" "one section per district" "$ERR"
contains "it counts them" "12 districts" "$ERR"
pdftotext "$T/essex_sum.pdf" - | tr -d '\f' > "$T/essex_sum.txt"
while IFS= read -r name; do
    eq "a page headed \"$name district\"" 1 "$(grep -cxF "$name district" "$T/essex_sum.txt" || true)"
done <<< "$DISTRICTS"
contains "first page names the sections" "12 districts, " "$(cat "$T/essex_sum.txt")"
nm --quiet summary --within Essex -o "$T/essex_sum.csv"
# each district's wards, counted from the two lookups
python3 - "$U19" "$L19" "$W13" "$T/essex_sum.csv" > "$T/wards_by_district.txt" <<'PY'
import csv, sys
u19, l19, w13, got = sys.argv[1:5]
lads = {r['LAD19CD']: r['LAD19NM'] for r in csv.DictReader(open(u19)) if r['UTLA19CD'] == 'E10000012'}
lad_of = {r['LSOA11CD']: r['LAD19CD'] for r in csv.DictReader(open(l19)) if r['LAD19CD'] in lads}
want = {}
for r in csv.DictReader(open(w13)):
    if r['LSOA11CD'] in lad_of:
        want.setdefault(lads[lad_of[r['LSOA11CD']]], set()).add(r['WD13CD'])
have = {}
for r in csv.DictReader(open(got)):
    if r['level'] == 'ward':
        have.setdefault(r['table'], set()).add(r['code'])
print("\n".join("%s %s" % (d, "ok" if have.get(d) == want[d] else "differs") for d in sorted(want)))
print("district rows %d" % sum(1 for r in csv.DictReader(open(got))
                                if r['level'] == 'lad' and r['table'] == r['name']))
PY
eq "each district's wards as the lookups give them" "" "$(grep -v ' ok$' "$T/wards_by_district.txt" | grep -v '^district rows 12$' || true)"
eq "twelve district rows" 1 "$(grep -c '^district rows 12$' "$T/wards_by_district.txt" || true)"
nm --quiet aggregate --to ward --within Blackpool
before=$(checksum "$DB")
expect_status "a unitary without localities" 2 nm summary --within Blackpool -o "$T/bp_sum.pdf"
contains "what to import" "import localities" "$ERR"
eq "nothing written" 0 "$(ls "$T" | grep -c '^bp_sum' || true)"
eq "store unchanged" "$before" "$(checksum "$DB")"

# --- a unitary by name equals its code, byte for byte -------------------------
nm --quiet map imd_decile --within Blackpool --overlay lad -o "$T/bp_name.png"
nm --quiet map imd_decile --within E06000009 --overlay lad -o "$T/bp_code.png"
eq "map by name = map by code (PNG)" "$(checksum "$T/bp_code.png")" "$(checksum "$T/bp_name.png")"
eq "map by name = map by code (sidecar)" "$(checksum "$T/bp_code.png.json")" "$(checksum "$T/bp_name.png.json")"
nm facts --within blackpool > "$T/bp_name.txt"
nm facts --within E06000009 > "$T/bp_code.txt"
eq "facts by name = facts by code" "$(checksum "$T/bp_code.txt")" "$(checksum "$T/bp_name.txt")"
nm --quiet table --level lsoa --within Blackpool -o "$T/bp_name.csv"
nm --quiet table --level lsoa --within E06000009 -o "$T/bp_code.csv"
eq "table by name = table by code" "$(checksum "$T/bp_code.csv")" "$(checksum "$T/bp_name.csv")"

# --- names that fail leave the store as it was --------------------------------
before=$(checksum "$DB")
expect_status "misspelt county" 2 nm aggregate --to lad --within Esex
contains "suggestion" 'did you mean "Essex" (E10000012, utla)?' "$ERR"
eq "store unchanged by a failed aggregate" "$before" "$(checksum "$DB")"

# --- LAD boundaries of other codes than the lookup's -------------------------
# North Yorkshire's seven districts of 2019 became one unitary in 2023: with
# LAD 2024 boundaries the lookup's districts have none, and the map says so.
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lad24_bsc.geojson" --level lad
# the name is now both the 2023 unitary and the 2019 county: refused, with both
expect_status "an ambiguous name" 2 nm map imd_decile --within "north yorkshire" -o "$T/ny.png"
contains "both candidates" 'E06000065 "North Yorkshire" (lad), E10000023 "North Yorkshire" (utla); give the code' "$ERR"
expect_status "North Yorkshire on LAD 2024 boundaries" 0 nm map imd_decile --within E10000023 --overlay lad -o "$T/ny.png"
contains "the mismatch is said" "7 lad codes that the stored memberships give for these lsoa areas have no lad boundary of 2024 (E07000163" "$ERR"
expect_status "Essex on LAD 2024 boundaries" 0 nm map imd_decile --within Essex --overlay lad -o "$T/essex24.png"
case "$ERR" in *"no lad boundary"*) eq "no warning where the codes match" none "$ERR" ;; esac
finish
