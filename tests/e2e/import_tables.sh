# End to end: the official IoD files, generic indicator tables and ONS
# lookups, on ../shared/data, and every kind of bad table leaving the store
# byte for byte as it was.
source "$(dirname "$0")/lib.bash"
need_data
IOD=$NM_DATA/indicators/iod2019

# --- the assembled 2019 file: 27 indicators, 32,844 LSOAs ------------------
nm --quiet import iod "$IOD/iod2019_lsoa_assembled.csv"
eq "indicators from the assembled file" 26 "$(sql "SELECT COUNT(*) FROM indicator WHERE period='2019'")"
# values live in data_<dataset> tables; the indicator row says which column
val() {
    local where
    where=$(sql "SELECT '\"' || p.col || '\" FROM \"' || p.tbl || '\"' FROM indicator i JOIN indicator_part p ON p.indicator = i.id WHERE i.key='$1' AND i.period='$2'")
    sql "SELECT $where WHERE code='$3'"
}
# a table of one indicator's values: code, value
values_of() {
    local where
    where=$(sql "SELECT 'code, \"' || p.col || '\" AS value FROM \"' || p.tbl || '\"' FROM indicator i JOIN indicator_part p ON p.indicator = i.id WHERE i.key='$1' AND i.period='$2'")
    echo "(SELECT $where)"
}
eq "IMD values" 32844 "$(sql "SELECT COUNT(value) FROM $(values_of imd_rank 2019)")"
eq "E01015842 IMD 2019 rank" 136.0 "$(val imd_rank 2019 E01015842)"
eq "E01015842 IMD 2019 score" 73.557 "$(val imd_score 2019 E01015842)"
eq "E01015842 IDACI decile" 1.0 "$(val idaci_decile 2019 E01015842)"
eq "polarity of ranks" -1 "$(sql "SELECT polarity FROM indicator WHERE key='imd_rank'")"
eq "polarity of scores" 1 "$(sql "SELECT polarity FROM indicator WHERE key='imd_score'")"
eq "Southend LSOAs via the LAD column" 107 "$(sql "SELECT COUNT(*) FROM membership WHERE parent='E06000033' AND parent_level='lad'")"
eq "Southend's name" "Southend-on-Sea" "$(sql "SELECT name FROM area WHERE code='E06000033'")"
eq "regions through their LADs, once per LAD" "317|0" "$(sql "SELECT (SELECT COUNT(*) FROM membership WHERE child_level='lad' AND parent_level='region'), (SELECT COUNT(*) FROM membership WHERE child_level='lsoa' AND parent_level='region')")"
# check value C1 of shared/data/README.md, from the store
eq "C1: decile-1 LSOAs, people, children" "9|15823|3628" "$(sql "
  SELECT COUNT(*), CAST(SUM(p.value) AS INT), CAST(SUM(c.value) AS INT)
  FROM membership m
  JOIN $(values_of imd_decile 2019) d ON d.code=m.child
  JOIN $(values_of pop_total 2019) p ON p.code=m.child
  JOIN $(values_of pop_0_15 2019) c ON c.code=m.child
  WHERE m.parent='E06000033' AND d.value=1")"

# --- the published files one by one -----------------------------------------
nm --quiet import iod "$IOD/File_2_-_IoD2019_Domains_of_Deprivation.csv"
nm --quiet import iod "$IOD/File_3_-_IoD2019_Supplementary_Indices_-_IDACI_and_IDAOPI.csv"
nm --quiet import iod "$IOD/File_6_-_IoD2019_Population_Denominators.csv"
eq "still 26 indicators of 2019 after Files 2, 3, 6" 26 "$(sql "SELECT COUNT(*) FROM indicator WHERE period='2019'")"
eq "File 3 numbers written 29199.00" 29199.0 "$(val imd_rank 2019 E01000001)"
eq "superseded data tables are dropped" 4 "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE name GLOB 'data_[0-9]*'")"
nm --quiet import iod "$NM_DATA/indicators/imd2010/imd2010_england_lsoa01.csv"
nm --quiet import iod "$NM_DATA/indicators/imd2007/imd2007_lsoa01_england.csv"
eq "IMD 2010 indicators" 24 "$(sql "SELECT COUNT(*) FROM indicator WHERE period='2010'")"
eq "IMD 2007 E01015842 rank (C4)" 93.0 "$(val imd_rank 2007 E01015842)"
eq "IMD 2007 code vintage" 2001 "$(sql "SELECT vintage FROM indicator WHERE key='imd_rank' AND period='2007'")"
eq "one id, three periods" "2007,2010,2019" "$(sql "SELECT group_concat(period) FROM (SELECT period FROM indicator WHERE key='imd_score' ORDER BY period)")"
eq "C4: IMD 2007 decile 1 in Southend" "8|93" "$(sql "
  SELECT COUNT(*), CAST(MIN(r.value) AS INT) FROM membership m
  JOIN $(values_of imd_decile 2007) d ON d.code=m.child
  JOIN $(values_of imd_rank 2007) r ON r.code=m.child
  WHERE m.child_vintage=2001 AND m.parent_level='lad' AND m.parent IN (SELECT code FROM area WHERE name='Southend-on-Sea' AND vintage=2007) AND d.value=1")"

# --- the same release as a spreadsheet (XLSX through GDAL) -----------------
ogr2ogr -f XLSX "$T/southend_iod.xlsx" "$IOD/southend_iod2019_assembled.csv" -oo AUTODETECT_TYPE=YES -nln IoD2019 2>/dev/null
"$NM" --db "$T/xlsx.sqlite" --quiet import iod "$T/southend_iod.xlsx" 2>/dev/null
eq "XLSX: release from the population heading" 2019 "$(sqlite3 "$T/xlsx.sqlite" "SELECT DISTINCT period FROM indicator")"
eq "XLSX: 26 indicators" 26 "$(sqlite3 "$T/xlsx.sqlite" "SELECT COUNT(*) FROM indicator")"
eq "XLSX: E01015842 rank" 136.0 "$(sqlite3 "$T/xlsx.sqlite" "SELECT imd_rank FROM data_1 WHERE code='E01015842'")"
eq "XLSX: E01015842 score" 73.557 "$(sqlite3 "$T/xlsx.sqlite" "SELECT imd_score FROM data_1 WHERE code='E01015842'")"

# --- info --------------------------------------------------------------------
INFO=$(nm info)
contains "info lists imd_score 2019" "imd_score              2019" "$INFO"
contains "info lists the dataset checksum" "$(checksum "$IOD/iod2019_lsoa_assembled.csv")" "$INFO"
INFO=$(nm info --indicator idaci_rank)
contains "info --indicator" "idaci_rank" "$INFO"
expect_status "info of an unknown indicator" 2 nm info --indicator no_such_thing

# --- lookups -----------------------------------------------------------------
nm --quiet import lookup "$NM_DATA/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv" --child LSOA11CD --parent WD19CD --parent-level ward
eq "LSOA to ward memberships" 34753 "$(sql "SELECT COUNT(*) FROM membership WHERE parent_level='ward' AND parent_vintage=2019")"
eq "Kursaal's name from the lookup" "Kursaal" "$(sql "SELECT name FROM area WHERE code='E05002216' AND level='ward'")"
nm --quiet import lookup "$NM_DATA/lookups/ons/LSOA01_LSOA11_LAD11_EW_LU.csv" --child LSOA01CD --parent LSOA11CD --parent-level lsoa
eq "a split LSOA weighs 1/k in each part" 1 "$(sql "SELECT COUNT(*)>0 FROM membership WHERE child_vintage=2001 AND parent_vintage=2011 AND weight<1")"
nm --quiet import lookup "$NM_DATA/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv" --child LSOA11CD --parent WD19CD --parent-level ward
eq "re-importing a lookup replaces, not doubles" 34753 "$(sql "SELECT COUNT(*) FROM membership WHERE parent_level='ward' AND parent_vintage=2019")"

# --- generic indicators ------------------------------------------------------
printf 'code,Life expectancy (F),Life expectancy (M),name\nE05002216,79.5,74.25,Kursaal\nE05002225,82,78.1,Victoria\n' > "$T/le.csv"
nm --quiet import indicators "$T/le.csv" --key code --level ward --vintage 2019 --period 2014-2018
eq "one indicator per numeric column" "life_expectancy_f,life_expectancy_m" "$(sql "SELECT group_concat(key) FROM (SELECT key FROM indicator WHERE period='2014-2018' ORDER BY key)")"
eq "a value" 74.25 "$(val life_expectancy_m 2014-2018 E05002216)"
nm --quiet import indicators "$T/le.csv" --key code --level ward --vintage 2019 --period 2014-2018 --columns "Life expectancy (F)" --source "ONS"
eq "--columns picks" 82.0 "$(val life_expectancy_f 2014-2018 E05002225)"

# --- bad tables: message, exit 3, store unchanged ----------------------------
BEFORE=$(checksum "$DB")
bad() { # bad WHAT EXIT NEEDLE FILE ARGS...
    local what=$1 want=$2 needle=$3
    shift 3
    expect_status "$what" "$want" nm import "$@"
    contains "$what: message" "$needle" "$ERR"
    eq "$what: store unchanged" "$BEFORE" "$(checksum "$DB")"
}
printf 'code,IMD Score\nE01000001,1.5\nE01000002,n/a\nE01000003,2\nE01000004,-\nE01000005,x\n' > "$T/nan.csv"
bad "non-numeric value" 3 'nan.csv:3: value "n/a" in column "IMD Score" is not a number (and 2 more like this: at 5, 6)' indicators "$T/nan.csv" --key code --period 2019
printf 'code,v\nE01000001,1\nE01000002,2\nE01000001,3\n' > "$T/dup.csv"
bad "duplicated code" 3 'dup.csv:4: area code "E01000001" appears again (first at line 2)' indicators "$T/dup.csv" --key code --period 2019
printf 'code,v\nE01000001,1\n,2\n' > "$T/nocode.csv"
bad "empty code" 3 'nocode.csv:3: no area code in column "code"' indicators "$T/nocode.csv" --key code --period 2019
: > "$T/empty.csv"
bad "empty file" 3 'empty.csv: the file is empty' indicators "$T/empty.csv" --key code --period 2019
printf 'code,v\n' > "$T/headonly.csv"
bad "headings only" 3 'headonly.csv: no rows below the headings' indicators "$T/headonly.csv" --key code --period 2019
bad "missing file" 1 'nosuch.csv: cannot open' indicators "$T/nosuch.csv" --key code --period 2019
printf '\xff\xfec\x00o\x00d\x00e\x00\n\x00' > "$T/utf16.csv"
bad "UTF-16 file" 3 'utf16.csv: the file is UTF-16 text' indicators "$T/utf16.csv" --key code --period 2019
printf 'code,name,v\nE01000001,Caf\xe9,1\n' > "$T/latin1.csv"
bad "Latin-1 text" 3 'latin1.csv:2: column "name": value "Caf\xE9" is not UTF-8 text' indicators "$T/latin1.csv" --key code --period 2019 --columns v
bad "unknown key column" 2 'no key column "lsoa"' indicators "$T/nan.csv" --key lsoa --period 2019
bad "not an IoD file" 3 'not an Indices of Deprivation file' iod "$T/nan.csv"
printf 'LSOA code (2011),IMD Score\nE01000001,1\n' > "$T/unknown-release.csv"
bad "IoD release unknown" 2 'give --period YEAR' iod "$T/unknown-release.csv"
printf 'LSOA11CD,WD19CD\nE01000001,E05000001\nE01000001,E05000001\n,E05000002\n' > "$T/lu.csv"
# a repeated pair is one membership (a LAD on every row of its wards); a row
# without a child code is an error
bad "bad lookup" 3 'lu.csv:4: no child code' lookup "$T/lu.csv" --child LSOA11CD --parent WD19CD --parent-level ward
eq "the repeated pair is not a problem" "" "$(printf '%s\n' "$ERR" | grep 'appears again')"
# a row without a parent (a unitary with no county) is counted, not fatal
printf 'LAD19CD,CTY19CD\nE07000070,E10000012\nE07000070,E10000012\nE06000033,\n' > "$T/cty.csv"
OUT=$(nm import lookup "$T/cty.csv" --child LAD19CD --parent CTY19CD --parent-level region 2>&1)
contains "row without a parent reported" '1 rows without a parent code were left out' "$OUT"
contains "row without a parent named" 'cty.csv:4: "E06000033" has no parent code in column "CTY19CD"' "$OUT"
eq "one membership from the repeated pair" 1 "$(sql "SELECT COUNT(*) FROM membership WHERE child = 'E07000070' AND parent = 'E10000012'")"
BEFORE=$(checksum "$DB")
printf 'LSOA11CD,WD19CD\nE01099999,E05000001\n' > "$T/strict.csv"
bad "--strict unmatched" 3 '1 child codes match no stored lsoa (2011) area (first: E01099999)' lookup "$T/strict.csv" --child LSOA11CD --parent WD19CD --parent-level ward --strict
# a failure halfway through writing (the second column is fine to parse but
# the store is read-only) must also leave the store as it was
# (as another user: root may write any file)
chmod a-w "$DB"
expect_status "read-only store" 1 as_other_user "$NM" --db "$DB" import indicators "$T/le.csv" --key code --level ward --vintage 2019 --period 2015
contains "read-only store: message" "readonly" "$ERR"
eq "read-only store: store unchanged" "$BEFORE" "$(checksum "$DB")"
chmod u+w "$DB"

# --- a store of another schema version is refused ----------------------------
cp "$DB" "$T/old.sqlite"
sqlite3 "$T/old.sqlite" "PRAGMA user_version = 99"
expect_status "other schema version" 1 "$NM" --db "$T/old.sqlite" info
contains "schema message says what to do" "store schema version 99" "$ERR"
contains "schema message says what to do (2)" "re-import the inputs into a new store" "$ERR"
# a store of this schema made before the index area_drawn: an import that
# fails inside its transaction leaves it as it was, a good one adds the index
cp "$DB" "$T/older.sqlite"
sqlite3 "$T/older.sqlite" "DROP INDEX area_drawn"
OLDER=$(checksum "$T/older.sqlite")
printf 'code,v\nE01099999,1\n' > "$T/unmatched.csv"
expect_status "a failed import into an older store" 3 "$NM" --db "$T/older.sqlite" import indicators "$T/unmatched.csv" --key code --period 2019 --level lsoa --strict
eq "the older store unchanged" "$OLDER" "$(checksum "$T/older.sqlite")"
printf 'code,v\nE01000001,1\n' > "$T/one.csv"
"$NM" --db "$T/older.sqlite" --quiet import indicators "$T/one.csv" --key code --period 2019
eq "the older store gains the index" 1 "$(sqlite3 "$T/older.sqlite" "SELECT COUNT(*) FROM sqlite_master WHERE name = 'area_drawn'")"

sqlite3 "$T/foreign.sqlite" "CREATE TABLE t(x)"
expect_status "foreign SQLite file" 1 "$NM" --db "$T/foreign.sqlite" info
contains "foreign file message" "not a needsmap store" "$ERR"

finish
