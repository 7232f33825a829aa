# End to end: police.uk street-level crime for Southend-on-Sea (Jan-Jul
# 2018) imported and counted per 2013 ward; every point in a Southend ward,
# the counts equal to an independent SpatiaLite point-in-polygon query on
# the raw CSV (check value C5 of shared/data/README.md), rates over LSOA
# populations summed to wards, and bad files refused without touching the
# store.
source "$(dirname "$0")/lib.bash"
need_data
CRIME=$NM_DATA/crime/police_uk/southend_2018-01_to_2018-07-street.csv
WARDS=$NM_DATA/boundaries/southend/shp/southend_wards13.shp

nm --quiet import boundaries "$WARDS" --level ward
OUT=$(nm import incidents "$CRIME" --name police 2>&1)
contains "import says what it stored" "14885 incidents stored from 14885 rows (0 left out, 0 in no stored area)" "$OUT"
eq "incidents stored" 14885 "$(sql "SELECT COUNT(*) FROM incident WHERE name='police'")"
eq "months normalised" "2018-01|2018-07" "$(sql "SELECT MIN(date), MAX(date) FROM incident")"
eq "categories" 14 "$(sql "SELECT COUNT(DISTINCT category) FROM incident")"
eq "spatial index filled" 14885 "$(sql "SELECT COUNT(*) FROM idx_incident_geom")"
# the index is built in bulk: it must be whole, hold each point, and the
# SpatiaLite triggers must be back for other writers
index_ok() {
    eq "$1: R-tree consistent" ok "$(sql "SELECT rtreecheck('idx_incident_geom')")"
    eq "$1: each point inside its box" "$(sql "SELECT COUNT(*) FROM incident")" "$(spatial_sql "
      SELECT COUNT(*) FROM incident i JOIN idx_incident_geom r ON r.pkid = i.id
       WHERE r.xmin <= ST_X(i.geom) AND r.xmax >= ST_X(i.geom)
         AND r.ymin <= ST_Y(i.geom) AND r.ymax >= ST_Y(i.geom)")"
    eq "$1: index rows = incidents" "$(sql "SELECT COUNT(*) FROM incident")" "$(sql "SELECT COUNT(*) FROM idx_incident_geom_rowid")"
    eq "$1: SpatiaLite's 8 triggers restored" 8 "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE type='trigger' AND tbl_name='incident'")"
}
index_ok "first import"

# --- counts per ward against SpatiaLite on the raw CSV ------------------------
nm count incidents --level ward --incidents police --name crime > "$T/counts.tsv" 2> "$T/count.err"
contains "count says none outside" "14885 incidents, 14885 in 17 ward areas, 0 outside" "$(cat "$T/count.err")"
ours=$(tail -n +2 "$T/counts.tsv" | cut -f1,3 | tr '\t' '|' | sort)
cp "$DB" "$T/check.sqlite"
sqlite3 -batch "$T/check.sqlite" ".import --csv $CRIME raw"
theirs=$(sqlite3 -batch -noheader -cmd "SELECT load_extension('mod_spatialite');" "$T/check.sqlite" "
  SELECT a.code, COUNT(*) FROM raw c JOIN area a ON a.level = 'ward'
    AND ST_Contains(a.geom, ST_Transform(MakePoint(CAST(c.longitude AS REAL), CAST(c.latitude AS REAL), 4326), 27700))
  GROUP BY a.code ORDER BY a.code;" | tail -n +2 | sort)
eq "per-ward counts equal SpatiaLite's ST_Contains on the raw points" "$theirs" "$ours"
eq "SpatiaLite places every raw point too" 14885 "$(printf '%s\n' "$theirs" | cut -d'|' -f2 | paste -sd+ | bc)"
count_of() { grep -P "\t$1\t" "$T/counts.tsv" | cut -f3; }
eq "C5 Milton" 2846 "$(count_of Milton)"
eq "C5 Victoria" 2046 "$(count_of Victoria)"
eq "C5 Kursaal" 1875 "$(count_of Kursaal)"
eq "C5 Shoeburyness" 894 "$(count_of Shoeburyness)"
eq "stored count of Milton" 2846.0 "$(sql "SELECT crime_count FROM data_$(sql "SELECT dataset FROM indicator WHERE key='crime_count'") WHERE code='E05002218'")"
eq "period of the stored counts" "2018-01..2018-07" "$(sql "SELECT period FROM indicator WHERE key='crime_count'")"

# --- a window, a category, rates per 1,000 over LSOA populations -------------
nm --quiet import iod "$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv"
nm --quiet import lookup "$NM_DATA/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv" --child LSOA11CD --parent WD19CD --parent-level ward
nm --quiet count incidents --level ward --category "Violence and sexual offences" --from 2018-01 --to 2018-06 \
    --per pop_total --name violence > "$T/violence.tsv"
eq "violence period" "2018-01..2018-06" "$(sql "SELECT DISTINCT period FROM indicator WHERE key LIKE 'violence_%'")"
VATTR=$(sql "SELECT d.attribution FROM indicator i JOIN dataset d ON d.id = i.dataset WHERE i.key = 'violence_rate'")
contains "a rate credits the incidents" "data.police.uk" "$VATTR"
contains "and the populations it divides by" "English Indices of Deprivation" "$VATTR"
milton_pop=$(sql "SELECT CAST(SUM(p.pop_total) AS INT) FROM membership m JOIN data_$(sql "SELECT dataset FROM indicator WHERE key='pop_total'") p ON p.code=m.child
  WHERE m.parent='E05002218' AND m.parent_level='ward'")
milton_n=$(sqlite3 -batch "$T/check.sqlite" "SELECT COUNT(*) FROM incident i JOIN area a ON a.code='E05002218'
  AND ST_Contains(a.geom, i.geom) WHERE i.category='Violence and sexual offences' AND i.date BETWEEN '2018-01' AND '2018-06'" \
  -cmd "SELECT load_extension('mod_spatialite');" | tail -n 1)
eq "Milton violent crimes, Jan-Jun" "$milton_n" "$(grep -P "\tMilton\t" "$T/violence.tsv" | cut -f3)"
eq "Milton rate per 1,000" "$(awk -v n="$milton_n" -v p="$milton_pop" 'BEGIN { printf "%.3f", n * 1000 / p }')" \
   "$(grep -P "\tMilton\t" "$T/violence.tsv" | cut -f6 | awk '{ printf "%.3f", $1 }')"
nm --quiet count incidents --level ward --category "Bicycle theft" --from 2018-03 --to 2018-03 --name bikes > "$T/bikes.tsv"
contains "small counts are shown as suppressed" "suppressed" "$(cat "$T/bikes.tsv")"
eq "suppressed flags stored, counts not" "$(grep -c suppressed "$T/bikes.tsv")|0" \
   "$(sql "SELECT CAST(SUM(bikes_suppressed) AS INT), COUNT(bikes_count) FILTER (WHERE bikes_suppressed = 1) FROM data_$(sql "SELECT dataset FROM indicator WHERE key='bikes_count'")")"

# --suppress-below 0 is "suppress nothing" on the command line and in a
# figures file alike (a file's 0 used to mean the default 5)
nm --quiet count incidents --level ward --category "Bicycle theft" --from 2018-03 --to 2018-03 \
    --suppress-below 0 --name bikes0 > "$T/bikes0.tsv"
eq "--suppress-below 0: nothing suppressed" 0 "$(grep -c suppressed "$T/bikes0.tsv")"
bikes_total=$(tail -n +2 "$T/bikes0.tsv" | cut -f3 | paste -sd+ | bc)
printf '%s\n' "[data.bikesf]" "type = count" "level = ward" "category = Bicycle theft" \
    "from = 2018-03" "to = 2018-03" "suppress-below = 0" "name = bikesf" > "$T/nosup.ini"
nm --quiet build "$T/nosup.ini"
eq "suppress-below = 0 in a figures file: nothing suppressed, every count stored" "0|$bikes_total" \
   "$(sql "SELECT CAST(SUM(bikesf_suppressed) AS INT), CAST(SUM(bikesf_count) AS INT) FROM data_$(sql "SELECT dataset FROM indicator WHERE key='bikesf_count'")")"

# --- a re-import replaces; bad input leaves the store alone ------------------
nm --quiet import incidents "$CRIME" --name police
eq "re-import replaces" 14885 "$(sql "SELECT COUNT(*) FROM incident")"
index_ok "re-import"
# a small second set in a large index takes the one-by-one path
head -101 "$CRIME" > "$T/few.csv"
nm --quiet import incidents "$T/few.csv" --name few
nm --quiet import incidents "$T/few.csv" --name few
eq "a second set beside the first" 14985 "$(sql "SELECT COUNT(*) FROM incident")"
index_ok "small re-import"
printf 'longitude,latitude,month\n,,2018-01\nabc,51.5,2018-01\n200,51.5,2018-01\n' > "$T/bad.csv"
before=$(checksum "$DB")
expect_status "a file with no usable coordinates" 3 nm import incidents "$T/bad.csv"
contains "names the empty coordinate's line" "bad.csv:2: no coordinate" "$ERR"
contains "names the bad number's line" "bad.csv:3: coordinate \"abc\"" "$ERR"
contains "names the out-of-range line" "bad.csv:4: coordinate \"200\" in column \"longitude\" is outside -180..180" "$ERR"
expect_status "an unknown column" 2 nm import incidents "$CRIME" --category nope
contains "lists the columns" "no column \"nope\"" "$ERR"
eq "store unchanged" "$before" "$(checksum "$DB")"
expect_status "count without --level" 2 nm count incidents
expect_status "count of an unknown set" 2 nm count incidents --level ward --incidents nothing

finish
