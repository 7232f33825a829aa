# End to end: bad input refused at the door (issue 15, findings 1, 2 and 6)
# on copies of ../shared/data made wrong on purpose: a table cut in its last
# row or with a stray field, a value that is not UTF-8, a table too wide for
# the store, boundaries in another CRS than the one they declare, a .dbf cut
# short, and a folder given as the store.  Each fails with exit 3 (2 for
# usage), one message naming the file and the place, and the store byte for
# byte as it was.
source "$(dirname "$0")/lib.bash"
need_data
IOD=$NM_DATA/indicators/iod2019
SHP=$NM_DATA/boundaries/southend/shp
GJ=$NM_DATA/boundaries/southend/geojson

nm --quiet import boundaries "$SHP/southend_lsoa11.shp" --level lsoa
nm --quiet import iod "$IOD/southend_iod2019_assembled.csv"
BEFORE=$(checksum "$DB")
bad() { # bad WHAT EXIT NEEDLE ARGS...
    local what=$1 want=$2 needle=$3
    shift 3
    expect_status "$what" "$want" nm "$@"
    contains "$what: message" "$needle" "$ERR"
    eq "$what: store unchanged" "$BEFORE" "$(checksum "$DB")"
}

# --- finding 1: every row has the heading's number of fields ----------------
SRC=$IOD/southend_iod2019_assembled.csv
NF=$(python3 -c "import csv, sys; print(len(next(csv.reader(open(sys.argv[1])))))" "$SRC")
LAST=$(wc -l < "$SRC")
# the last row cut in the middle: 19 of its fields
{ head -n $((LAST - 1)) "$SRC"; tail -n 1 "$SRC" | cut -d, -f1-19 | tr -d '\n'; } > "$T/cut.csv"
bad "last row cut short" 3 "cut.csv:$LAST: 19 fields where the heading has $NF (the file ends inside it: cut short?)" import iod "$T/cut.csv"
awk 'NR == 50 { print $0 ",stray"; next } { print }' "$SRC" > "$T/long.csv"
bad "a row with a field too many" 3 "long.csv:50: $((NF + 1)) fields where the heading has $NF" import iod "$T/long.csv"
awk 'NR == 30 { sub(/,[^,]*$/, "") } { print }' "$SRC" > "$T/short.csv"
bad "a row with a field too few" 3 "short.csv:30: $((NF - 1)) fields where the heading has $NF" import indicators "$T/short.csv" --key "LSOA code (2011)" --period 2019
eq "a single problem is printed once" 1 "$(grep -c "short.csv:30" <<<"$ERR")"

# --- finding 6: the smaller ones -----------------------------------------------
# a byte of Latin-1 in a column of numbers: the line and the value, not "no
# column of numbers"
printf 'code,v\nE01015814,1\nE01015815,2\xb0\n' > "$T/latin1.csv"
bad "Latin-1 byte in a value" 3 'latin1.csv:3: column "v": value "2\xB0" is not UTF-8 text' import indicators "$T/latin1.csv" --key code --period 2019
# 10,000 columns: the CSV is named, not the store
python3 -c "
n = 10000
print('code,' + ','.join('v%d' % i for i in range(n)))
print('E01015814,' + ','.join('1' for i in range(n)))" > "$T/wide.csv"
bad "10,000 columns" 3 "wide.csv: 10000 columns of values, more than one import takes (1999); choose some with --columns" import indicators "$T/wide.csv" --key code --period 2019
case "$ERR" in *store.sqlite*) eq "10,000 columns: the store is not named" "" "$ERR" ;; esac
# a .dbf cut short is reported as such, not as empty codes
mkdir "$T/cut"
for ext in shp shx prj cpg; do cp "$SHP/southend_lsoa11.$ext" "$T/cut/lsoa.$ext"; done
head -c 3000 "$SHP/southend_lsoa11.dbf" > "$T/cut/lsoa.dbf"
bad "truncated .dbf" 3 "lsoa.shp: the .dbf is cut short: $T/cut/lsoa.dbf has 3000 bytes where its header says" import boundaries "$T/cut/lsoa.shp" --level lsoa
# --db a folder
mkdir "$T/folder"
expect_status "--db a folder" 2 "$NM" --db "$T/folder" info
contains "--db a folder: message" "folder: a folder, not a store file" "$ERR"

# --- finding 2: coordinates where they cannot be ----------------------------------
# Southend's wards in longitude and latitude, declared British National Grid
sed 's|urn:ogc:def:crs:OGC:1.3:CRS84|urn:ogc:def:crs:EPSG::27700|' "$GJ/E06000033_wards13.json" > "$T/lonlat_as_bng.json"
grep -q 'EPSG::27700' "$T/lonlat_as_bng.json" || { echo "FAIL: could not declare the CRS"; exit 1; }
bad "lon/lat declared EPSG:27700" 3 "lies outside England" import boundaries "$T/lonlat_as_bng.json" --level ward
contains "lon/lat declared EPSG:27700: the hint" "these look like longitude and latitude" "$ERR"
contains "lon/lat declared EPSG:27700: all 17 counted" "17 problems" "$ERR"
sed 's|urn:ogc:def:crs:OGC:1.3:CRS84|urn:ogc:def:crs:EPSG::3857|' "$GJ/E06000033_wards13.json" > "$T/lonlat_as_3857.json"
bad "lon/lat declared EPSG:3857" 3 "lies outside England" import boundaries "$T/lonlat_as_3857.json" --level ward
sed 's|urn:ogc:def:crs:OGC:1.3:CRS84|EPSG:999999|' "$GJ/E06000033_wards13.json" > "$T/unknown_crs.json"
bad "unknown CRS" 3 "PROJ does not know" import boundaries "$T/unknown_crs.json" --level ward
# the same wards really in EPSG:3857 land where the lon/lat file puts them
ogr2ogr -f GeoJSON -t_srs EPSG:3857 "$T/wards_3857.json" "$GJ/E06000033_wards13.json" 2>/dev/null
"$NM" --db "$T/a.sqlite" --quiet import boundaries "$GJ/E06000033_wards13.json" --level ward
"$NM" --db "$T/b.sqlite" --quiet import boundaries "$T/wards_3857.json" --level ward
A=$(sqlite3 -batch -noheader -cmd "SELECT load_extension('mod_spatialite');" "$T/a.sqlite" "SELECT printf('%.0f %.0f %.0f', SUM(MbrMinX(geom)), SUM(MbrMinY(geom)), SUM(ST_Area(geom))) FROM area" | tail -n 1)
B=$(sqlite3 -batch -noheader -cmd "SELECT load_extension('mod_spatialite');" "$T/b.sqlite" "SELECT printf('%.0f %.0f %.0f', SUM(MbrMinX(geom)), SUM(MbrMinY(geom)), SUM(ST_Area(geom))) FROM area" | tail -n 1)
eq "EPSG:3857 lands where lon/lat does" "$A" "$B"
contains "and that is Southend (y about 185 km)" " 31" "$A"
# a user's extent that leaves Southend out
bad "outside --extent" 3 "lies outside the --extent" import boundaries "$SHP/southend_lsoa11.shp" --level lsoa --extent 0,0,100000,100000

finish
