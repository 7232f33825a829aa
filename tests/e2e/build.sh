# End to end: needsmap build on the Southend data.  A second build redoes
# nothing; a changed indicator file redoes exactly its figures; a changed
# section redoes that figure alone; a failing figure keeps its old output
# while the others build; -j 2 gives the same PNG bytes as -j 1; errors in
# the figures file name file, line and key; the sidecar's alt text names
# the wards of the most deprived LSOAs.
source "$(dirname "$0")/lib.bash"
need_data
D=$NM_DATA
# a generated indicator file of our own, so that changing it is safe
awk -F, 'NR==1 {print "code,score_x"; next} $3=="E06000033" {print $1 "," NR % 7}' \
    "$D/indicators/iod2019/southend_iod2019_assembled.csv" > "$T/extra.csv"
write_ini() {
cat > "$T/fig.ini" <<INI
[vars]
data = $D
out = out
[data.lsoa]
type = boundaries
file = \${data}/boundaries/southend/shp/southend_lsoa11.shp
level = lsoa
[data.wards]
type = boundaries
file = \${data}/boundaries/southend/shp/southend_wards13.shp
level = ward
[data.iod]
type = iod
file = \${data}/indicators/iod2019/southend_iod2019_assembled.csv
[data.extra]
type = indicators
file = extra.csv
key = code
period = 2020
[data.lsoa_ward]
type = lookup
file = \${data}/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv
child = LSOA11CD
parent = WD13CD
parent-level = ward
[map.imd]
indicator = imd_decile
within = E06000033
overlay = ward
labels = ward
output = \${out}/imd.png
[map.idaci]
indicator = idaci_decile
within = E06000033
title = ${1:-IDACI}
output = \${out}/idaci.png
[map.extra]
indicator = score_x
within = E06000033
output = \${out}/extra.png
INI
}
write_ini
build() { "$NM" --db "$DB" build "$T/fig.ini" "$@"; }
expect_status "first build" 0 build -j 2; [ "$FAILS" = 0 ] || { printf "%s\n" "$ERR"; exit 1; }
eq "three maps" 3 "$(ls "$T"/out/*.png | wc -l)"
py() { python3 -c "import json; d=json.load(open('$1')); $2"; }
ALT=$(py "$T/out/imd.png.json" "print(d['alt_text'])")
contains "alt text names Kursaal" "Kursaal (2)" "$ALT"
contains "alt text counts decile 1" "holds 9 LSOAs" "$ALT"
eq "sidecar lists inputs with checksums" 1 "$(py "$T/out/imd.png.json" "print(int(all(len(i['sha256'])==64 for i in d['inputs']) and len(d['inputs'])>=3))")"
contains "PDF-free: version in sidecar" "\"needsmap\"" "$(cat "$T/out/imd.png.json")"

OUT=$(build --dry-run 2>&1)
contains "nothing to do" "0 of 3 figures would be rebuilt" "$OUT"
expect_status "no-op build" 0 build
contains "no-op says so" "every figure is up to date" "$ERR"

# change the indicator file: only map.extra
sed -i '2s/,[0-9]*$/,99/' "$T/extra.csv"
OUT=$(build --dry-run 2>&1)
contains "dry run: extra input" "would import data.extra: file changed" "$OUT"
contains "dry run: extra map" "would rebuild map.extra: input extra changed" "$OUT"
eq "dry run: one figure" "1 of 3 figures would be rebuilt" "$(printf '%s\n' "$OUT" | tail -1)"
S_IMD=$(checksum "$T/out/imd.png")
expect_status "rebuild after change" 0 build
contains "extra redrawn" "map.extra" "$ERR"
eq "imd untouched" "$S_IMD" "$(checksum "$T/out/imd.png")"
eq "one built" 1 "$(printf '%s\n' "$ERR" | grep -c '\] map\.')"

# change one section: that figure alone
write_ini "IDACI again"
OUT=$(build --dry-run 2>&1)
contains "definition changed" "would rebuild map.idaci: definition changed" "$OUT"
eq "only idaci" "1 of 3 figures would be rebuilt" "$(printf '%s\n' "$OUT" | tail -1)"
build --quiet

# a failing figure keeps its output; the others build; exit 1
S_IDACI=$(checksum "$T/out/idaci.png")
sed -i 's/^indicator = idaci_decile/indicator = no_such_thing/' "$T/fig.ini"
sed -i 's/^title = IDACI again/title = IDACI 3/' "$T/fig.ini"
expect_status "failing figure" 1 build --force
contains "failure named" "map.idaci failed" "$ERR"
eq "old output intact" "$S_IDACI" "$(checksum "$T/out/idaci.png")"
OUT=$(build --dry-run 2>&1)
contains "failed figure retried" "would rebuild map.idaci: never built" "$OUT"
write_ini "IDACI again"

# -j 1 and -j 2 give the same PNG bytes
build --quiet --force -j 1
for f in imd idaci extra; do eval "J1_$f=$(checksum "$T/out/$f.png")"; done
build --quiet --force -j 2
eq "imd -j1 = -j2" "$J1_imd" "$(checksum "$T/out/imd.png")"
eq "idaci -j1 = -j2" "$J1_idaci" "$(checksum "$T/out/idaci.png")"
eq "extra -j1 = -j2" "$J1_extra" "$(checksum "$T/out/extra.png")"

# errors in the figures file: file, line and key
cat > "$T/bad.ini" <<'INI'
[map.x]
indicator = imd_decile
colour = red
dpi = lots
[map.y]
title = no indicator
output = y.png
[plot.z]
output = z.png
INI
expect_status "bad figures file" 2 "$NM" --db "$DB" build "$T/bad.ini"
contains "unknown key" "bad.ini:3: [map.x] colour: unknown key" "$ERR"
contains "bad value" "bad.ini:4: [map.x] dpi: \"lots\" is not a whole number" "$ERR"
contains "missing key" "bad.ini:1: [map.x]: the required key \"output\" is missing" "$ERR"
contains "missing indicator" "bad.ini:5: [map.y]: the required key \"indicator\" is missing" "$ERR"
contains "unknown type" "bad.ini:8: [plot.z]: unknown figure type" "$ERR"
expect_status "unknown variable" 2 "$NM" --db "$DB" build "$T/fig.ini" --set data= --only nothing
finish
