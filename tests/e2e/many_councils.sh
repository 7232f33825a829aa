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
expect_status "table of wards never aggregated" 1 "$NM" --db "$DB" table --level ward --within E06000009 -o "$T/empty.csv"
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
expect_status "aggregate within an unknown code" 1 "$NM" --db "$DB" aggregate --to ward --within E99999999
eq "failed aggregate leaves the store as it was" "$BEFORE" "$(checksum "$DB")"
expect_status "aggregate of an unknown indicator" 1 "$NM" --db "$DB" aggregate --to ward --within E06000009 --indicators nosuch
eq "failed aggregate (indicator) leaves the store as it was" "$BEFORE" "$(checksum "$DB")"

# --- summary of wards without values: an error, not a page of dashes -------------
cp "$T/base.sqlite" "$T/plain.sqlite"
printf 'ward,locality\nE05001643,North\n' > "$T/loc.csv"
"$NM" --db "$T/plain.sqlite" --quiet import localities "$T/loc.csv" --ward ward --locality locality 2>/dev/null || true
PLAIN=$(checksum "$T/plain.sqlite")
expect_status "summary of wards never aggregated" 1 "$NM" --db "$T/plain.sqlite" summary --within E06000009 -o "$T/s.csv"
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
finish
