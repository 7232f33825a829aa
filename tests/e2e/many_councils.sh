# End to end: one England store for several councils (issue 10).  Southend
# (E06000033), Blackpool (E06000009) and Norwich (E07000148) are aggregated
# to wards and counted in turn in one store; afterwards every council's
# ward table is byte for byte what it was in a store of its own, and the
# labels are those it had alone.  A table or summary of nothing but empty
# cells is an error that says what to run; failures leave the store as it
# was.
source "$(dirname "$0")/lib.bash"
need_data
COUNCILS="E06000033 E06000009 E07000148"
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_wards13.shp" --level ward
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" --child LSOA11CD --parent WD13CD --parent-level ward
nm --quiet import incidents "$NM_DATA/crime/police_uk/2018-01-essex-street.csv" --name police
cp "$DB" "$T/base.sqlite"

# --- before any aggregate: a ward table or summary of empty cells is refused -
BASE=$(checksum "$DB")
expect_status "table of wards never aggregated" 2 "$NM" --db "$DB" table --level ward --within E06000009 -o "$T/empty.csv"
contains "the table says what to run" "run 'needsmap aggregate --to ward --within E06000009' first" "$ERR"
eq "no table written" "no" "$([ -e "$T/empty.csv" ] && echo yes || echo no)"
eq "refused table leaves the store as it was" "$BASE" "$(checksum "$DB")"

# --- each council alone, in a store of its own ----------------------------------
run_council() { # DB CODE OUT: aggregate, count and the ward table
    "$NM" --db "$1" --quiet aggregate --to ward --within "$2"
    "$NM" --db "$1" --quiet count incidents --level ward --within "$2" --incidents police --name crime --per pop_total > /dev/null
    "$NM" --db "$1" --quiet table --level ward --within "$2" -o "$3"
}
labels() { sqlite3 -batch "$1" "SELECT key||'|'||period||'|'||label||'|'||unit FROM indicator WHERE level = 'ward' ORDER BY key, period"; }
for c in $COUNCILS; do
    cp "$T/base.sqlite" "$T/alone.sqlite"
    run_council "$T/alone.sqlite" "$c" "$T/alone_$c.csv"
    labels "$T/alone.sqlite" > "$T/labels_$c.txt"
done
eq "Southend alone: 17 wards" 18 "$(wc -l < "$T/alone_E06000033.csv")"
eq "Blackpool alone: 21 wards" 22 "$(wc -l < "$T/alone_E06000009.csv")"
eq "Norwich alone: 13 wards" 14 "$(wc -l < "$T/alone_E07000148.csv")"
eq "every council alone has the same labels" "" \
   "$(diff "$T/labels_E06000033.txt" "$T/labels_E06000009.txt"; diff "$T/labels_E06000033.txt" "$T/labels_E07000148.txt")"
contains "regional labels are neutral" "in their region" "$(cat "$T/labels_E06000009.txt")"

# --- all three in turn in one store ----------------------------------------------
for c in $COUNCILS; do run_council "$DB" "$c" "$T/first_$c.csv"; done
for c in $COUNCILS; do
    nm --quiet table --level ward --within "$c" -o "$T/shared_$c.csv"
    eq "$c: ward table after all three = alone (byte for byte)" "" "$(cmp "$T/alone_$c.csv" "$T/shared_$c.csv" 2>&1)"
done
eq "labels after all three = alone" "" "$(labels "$DB" | diff "$T/labels_E06000033.txt" -)"
# Blackpool again, then Southend's table is untouched
run_council "$DB" E06000009 "$T/again.csv"
eq "Blackpool re-run = alone" "" "$(cmp "$T/alone_E06000009.csv" "$T/again.csv" 2>&1)"
nm --quiet table --level ward --within E06000033 -o "$T/shared2.csv"
eq "Southend after Blackpool's re-run = alone" "" "$(cmp "$T/alone_E06000033.csv" "$T/shared2.csv" 2>&1)"
# every England ward at once replaces the councils' parts, with the same values
eq "one part per council and indicator" 3 \
   "$(sql "SELECT COUNT(*) FROM indicator_part p JOIN indicator i ON i.id = p.indicator WHERE i.key = 'ward_imd_score_pw'")"
expect_status "map of Blackpool's wards" 0 "$NM" --db "$DB" map ward_imd_score_pw --level ward --within E06000009 -o "$T/bp.png"

# --- a failed aggregate leaves the store byte for byte --------------------------
BEFORE=$(checksum "$DB")
expect_status "aggregate within an unknown code" 2 "$NM" --db "$DB" aggregate --to ward --within E99999999
eq "failed aggregate leaves the store as it was" "$BEFORE" "$(checksum "$DB")"
expect_status "aggregate of an unknown indicator" 2 "$NM" --db "$DB" aggregate --to ward --within E06000009 --indicators nosuch
eq "failed aggregate (indicator) leaves the store as it was" "$BEFORE" "$(checksum "$DB")"

# --- summary of wards without values: an error, not a page of dashes -------------
cp "$T/base.sqlite" "$T/plain.sqlite"
printf 'ward,locality\nE05001643,North\n' > "$T/loc.csv"
"$NM" --db "$T/plain.sqlite" --quiet import localities "$T/loc.csv" --ward ward --locality locality 2>/dev/null || true
PLAIN=$(checksum "$T/plain.sqlite")
expect_status "summary of wards never aggregated" 2 "$NM" --db "$T/plain.sqlite" summary --within E06000009 -o "$T/s.csv"
contains "the summary says what to run" "needsmap aggregate --to ward" "$ERR"
eq "no summary written" "no" "$([ -e "$T/s.csv" ] && echo yes || echo no)"
eq "refused summary leaves the store as it was" "$PLAIN" "$(checksum "$T/plain.sqlite")"

# --- the code year of a table comes from its codes and the stored boundaries ----
L21="$T/lsoa21.sqlite"
"$NM" --db "$L21" --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa21_bsc.geojson" --level lsoa
OUT=$("$NM" --db "$L21" import indicators "$NM_DATA/indicators/census2021/TS021_ethnic_group_lsoa21.csv" --key "geography code" --period 2021 2>&1)
contains "TS021: the code year is stated" "on the codes of lsoa 2021" "$OUT"
contains "TS021: only the Welsh codes are unmatched" "1917 codes match no stored lsoa (2021) area (first: W01" "$OUT"
eq "TS021 filed under LSOA 2021" "lsoa|2021" "$(sqlite3 "$L21" "SELECT DISTINCT level||'|'||vintage FROM indicator")"
TS=$(sqlite3 "$L21" "SELECT p.tbl FROM indicator_part p LIMIT 1")
eq "TS021: the 1,945 codes of 2021 only have values on a 2021 boundary" 1945 \
   "$(sqlite3 "$L21" "SELECT COUNT(*) FROM \"$TS\" d JOIN area a ON a.code = d.code AND a.level = 'lsoa' AND a.vintage = 2021 WHERE d.code > 'E01033768' AND d.code < 'E02'")"
# --- two ward lookups: one rule for every command, said on every output ----------
WD19="$NM_DATA/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv"
BEFORE=$(checksum "$DB")
expect_status "WD19 lookup, --strict, into a store of 2013 wards" 3 "$NM" --db "$DB" import lookup "$WD19" --child LSOA11CD --parent WD19CD --parent-level ward --strict
eq "refused lookup leaves the store as it was" "$BEFORE" "$(checksum "$DB")"
OUT=$(nm import lookup "$WD19" --child LSOA11CD --parent WD19CD --parent-level ward 2>&1)
contains "lookup: WD19 codes have no boundary" "parent codes match no stored ward (2019) boundary" "$OUT"
contains "lookup: the year they look like" "they look like ward 2013 codes" "$OUT"
SAID="Wards: ward 2013 boundaries; LSOA 2011 to ward 2013 by the lookup LSOA11_WD13_pointonsurface_EN.csv."
MOVED="6 LSOAs lie in another ward by the lookup LSOA11_WD19_LAD19_EW_LU.csv (ward 2019): E01026796 (Bowthorpe; University), E01026824 (Mancroft; Nelson), E01026825 (Mancroft; Wensum), E01026848 (Thorpe Hamlet; Crome), E01026857 (Town Close; Eaton), E01026863 (Wensum; Nelson)."
FACTS=$(nm facts --within E07000148)
contains "facts use the 2013 wards, as tables do (Mancroft 10,364)" "Mancroft, every LSOA is among the 20% most deprived of the 3,614 LSOAs of East of England (IMD 2019); 10,364 people" "$FACTS"
contains "facts say which wards" "$SAID" "$FACTS"
contains "facts name the 6 LSOAs that move" "$MOVED" "$FACTS"
nm table --level ward --within E07000148 -o "$T/nor.md" 2> "$T/nor.err"
contains "md table says which wards" "$SAID" "$(cat "$T/nor.md")"
contains "md table names the LSOAs that move" "6 LSOAs lie in another ward" "$(cat "$T/nor.md")"
contains "CSV table warns of the LSOAs that move" "$MOVED" "$(nm table --level ward --within E07000148 -o "$T/nor2.csv" 2>&1)"
eq "Norwich's table after the WD19 lookup = alone" "" "$(cmp "$T/alone_E07000148.csv" "$T/nor2.csv" 2>&1)"
nm --quiet map ward_imd_score_pw --level ward --within E07000148 -o "$T/nor.png"
contains "map sidecar says which wards" "$SAID $MOVED" "$(python3 -c "import json; print(json.load(open('$T/nor.png.json'))['wards'])")"
# and the map itself, in its source line: the boundaries and the lookup,
# and how Norwich's LSOAs were found (the LAD codes of the IoD file)
CHOSEN="Norwich: LSOA 2011 to LAD 2019 by the LAD codes of iod2019_lsoa_assembled.csv."
nm --quiet map ward_imd_score_pw --level ward --within E07000148 -o "$T/nor.pdf"
contains "ward map's source line says which wards" "Deprivation 2019. $CHOSEN $SAID $MOVED" \
    "$(pdftotext "$T/nor.pdf" - | tr '\n' ' ' | tr -s ' ')"
nm --quiet map imd_decile --within Norwich --overlay ward --labels ward -o "$T/nor_lsoa.pdf"
contains "LSOA map's source line: LSOA year and wards" "Boundaries: LSOA 2011. $CHOSEN $SAID" \
    "$(pdftotext "$T/nor_lsoa.pdf" - | tr '\n' ' ' | tr -s ' ')"
nm --quiet map imd_decile --within Norwich -o "$T/nor_plain.html"
contains "an HTML map names its boundaries" "Boundaries: LSOA 2011." "$(cat "$T/nor_plain.html")"
printf 'ward,locality\nE05005882,Centre\nE05005877,West\n' > "$T/norloc.csv"
nm --quiet import localities "$T/norloc.csv" --ward ward --locality locality
nm --quiet summary --within E07000148 -o "$T/nor_summary.md"
contains "summary says which wards" "$SAID" "$(tr '\n' ' ' < "$T/nor_summary.md")"
# the user names the year
FACTS19=$(nm --ward-vintage 2019 facts --within E07000148)
contains "--ward-vintage 2019: Mancroft of 2019 (7,412)" "Mancroft, every LSOA is among the 20% most deprived of the 3,614 LSOAs of East of England (IMD 2019); 7,412 people" "$FACTS19"
contains "--ward-vintage 2019 said" "Wards: ward 2019 codes (no boundaries stored); LSOA 2011 to ward 2019 by the lookup LSOA11_WD19_LAD19_EW_LU.csv." "$FACTS19"
BEFORE=$(checksum "$DB")
expect_status "table of 2019 wards without their boundaries" 2 "$NM" --db "$DB" --ward-vintage 2019 table --level ward --within E07000148 -o "$T/w19.csv"
contains "says the 2019 boundaries are missing" "no ward 2019 boundaries in the store" "$ERR"
eq "refused table (2019) leaves the store as it was" "$BEFORE" "$(checksum "$DB")"
OUT=$(nm assign --child lsoa --parent ward --within E07000148 2>&1)
contains "assign names the WD19 lookup's disagreements" "6 of 83 lsoas are placed by interior point in another ward than by the lookup LSOA11_WD19_LAD19_EW_LU.csv (ward 2019, compared by name): E01026796 (Bowthorpe; lookup University)" "$OUT"
contains "assign does not say all agree" "see the warnings on the stored lookups" "$OUT"
# --- releases on 2001 codes count every old LSOA of the area ---------------------
nm --quiet import iod "$NM_DATA/indicators/imd2007/imd2007_lsoa01_england.csv"
nm --quiet import iod "$NM_DATA/indicators/imd2010/imd2010_england_lsoa01.csv"
nm --quiet import lookup "$NM_DATA/lookups/ons/LSOA01_LSOA11_LAD11_EW_LU.csv" --child LSOA01CD --parent LSOA11CD --parent-level lsoa
# independently: IMD 2007's own district column
NOR07=$(python3 -c "
import csv
r = [x for x in csv.DictReader(open('$NM_DATA/indicators/imd2007/imd2007_lsoa01_england.csv')) if x['lad07_name'] == 'Norwich']
print(len(r), sum(1 for x in r if int(x['IMD_decile']) <= 2))")
eq "IMD 2007 puts 79 LSOAs in Norwich, 28 in deciles 1-2" "79 28" "$NOR07"
for year in 2007 2010; do
    nm facts --within E07000148 --period $year --format json -o "$T/nor$year.json"
    eq "Norwich $year: 79 LSOAs" 79 "$(python3 -c "import json; d={f['id']: f for f in json.load(open('$T/nor$year.json'))}; n=d['decile_shares']['numbers']; print(sum(n['decile_%d' % k] for k in range(1, 11)))")"
    contains "Norwich $year: the rule is said" "the 79 LSOAs of 2001 that make up the 83 LSOAs of 2011 by the ONS lookup" "$(python3 -c "import json; print(json.load(open('$T/nor$year.json'))[0]['definition'])")"
done
eq "Norwich 2007: 28 in deciles 1-2" 28 "$(python3 -c "import json; d={f['id']: f for f in json.load(open('$T/nor2007.json'))}; n=d['decile_shares']['numbers']; print(n['decile_1'] + n['decile_2'])")"
WARDS07=$(python3 -c "import json; d={f['id']: f for f in json.load(open('$T/nor2007.json'))}; print(d['wards_region_20']['text'])")
contains "Norwich 2007 wards name Bowthorpe" "Bowthorpe" "$WARDS07"
contains "Norwich 2007 wards name Mancroft" "Mancroft" "$WARDS07"
# a head count of 2019 (2011 codes) for the old LSOAs: a split one is the sum of its parts
NORPOP=$(python3 -c "
import csv
print(sum(int(r['Total population: mid 2015 (excluding prisoners)']) for r in csv.DictReader(open('$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv', encoding='utf-8')) if r['Local Authority District code (2019)'] == 'E07000148'))")
nm facts --within E07000148 --period 2007 --population-period 2019 --format json -o "$T/nor07pop.json"
eq "Norwich 2007 with 2019 population: all of Norwich's people" "$NORPOP" "$(python3 -c "import json; d={f['id']: f for f in json.load(open('$T/nor07pop.json'))}; print(d['most_deprived_10']['numbers']['population'])")"
finish
