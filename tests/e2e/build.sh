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
# the staleness question of every figure (which datasets its boundaries
# came from) reads an index, not every boundary of the level
PLAN=$(sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT DISTINCT dataset FROM area WHERE level = 'lsoa' AND dataset IS NOT NULL")
contains "boundary datasets from a covering index" "COVERING INDEX area_dataset" "$PLAN"

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

# inputs are checked by their stat, as git's index checks files: one that
# has stood still is recorded with its size and times beside its checksum,
# and a rebuild that finds them unchanged does not read it again (an
# atlas's no-op rebuild hashed 60 MB of inputs).  A file changed in the
# last second or two is read every time, hence the wait.
sleep 2
build --quiet
eq "the record keeps the file's stat beside its checksum" 1 \
   "$(sqlite3 "$DB" "SELECT count(*) FROM build WHERE figure = 'data.extra' AND inputs GLOB '[0-9a-f]* [0-9]*.[0-9]*.[0-9]*'")"
cp -p "$T/extra.csv" "$T/extra.keep"
sed -i '2s/,99$/,98/' "$T/extra.csv"
touch -r "$T/extra.keep" "$T/extra.csv"
eq "an edit of the same size and modification time" "$(stat -c '%s %Y' "$T/extra.keep")" "$(stat -c '%s %Y' "$T/extra.csv")"
OUT=$(build --dry-run 2>&1)
contains "is still seen (its change time moved)" "would import data.extra: file changed" "$OUT"
# the old content back, under new times: nothing to import or draw
cp -p "$T/extra.keep" "$T/extra.csv"
OUT=$(build --dry-run 2>&1)
contains "same content under new times: up to date" "0 of 3 figures would be rebuilt" "$OUT"
eq "same content under new times: nothing imported" 0 "$(printf '%s\n' "$OUT" | grep -c 'would import')"

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

# --- outputs stay where they belong (issue 15, finding 4) ---------------------
# every output under the figures file's folder or --out DIR, symlinks
# resolved; refused at its line with exit 2 before anything is written, and
# --dry-run says so too
mkdir -p "$T/w/sub" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/w/sub/escape"
BEFORE=$(checksum "$DB")
escape() { # LINE-2-OUTPUT: a figures file in $T/w/sub with one map
    printf '[map.x]\nindicator = imd_decile\nwithin = E06000033\noutput = %s\n' "$1" > "$T/w/sub/f.ini"
}
for out in ../../elsewhere/evil.png "$T/elsewhere/abs.png" ../../etc_like/passwd.csv escape/evil.png; do
    escape "$out"
    for dry in "" --dry-run; do
        expect_status "output $out $dry refused" 2 "$NM" --db "$DB" build "$T/w/sub/f.ini" $dry
        contains "output $out $dry: file, line, why" "f.ini:4: [map.x] output: \"" "$ERR"
        contains "output $out $dry: lies outside" "lies outside $T/w/sub" "$ERR"
    done
done
eq "nothing written elsewhere" "" "$(ls "$T/elsewhere"; ls -d "$T/etc_like" 2>/dev/null || true)"
eq "refused builds leave the store" "$BEFORE" "$(checksum "$DB")"
# --out DIR allows a folder elsewhere (a symlink into it is fine)
escape escape/ok.png
expect_status "output under --out" 0 "$NM" --db "$DB" build "$T/w/sub/f.ini" --out "$T/elsewhere" --quiet
eq "written under --out" 1 "$(ls "$T/elsewhere" | grep -c '^ok.png$')"
# two figures with one output; a key twice in a section; a variable that
# refers to itself or to one defined later
cat > "$T/w/dup.ini" <<'INI'
[vars]
self = ${self}/x
early = ${late}
late = y
[map.a]
indicator = imd_decile
within = E06000033
output = same.png
[map.b]
indicator = idaci_decile
indicator = imd_decile
within = E06000033
output = ./sub/../same.png
INI
for dry in "" --dry-run; do
    expect_status "duplicates $dry" 2 "$NM" --db "$DB" build "$T/w/dup.ini" $dry
    contains "one output twice $dry" "dup.ini:13: [map.b] output: \"$T/w/./sub/../same.png\" is also the output of [map.a] (line 8)" "$ERR"
    contains "a key twice $dry" "dup.ini:11: [map.b] indicator: given twice (first at line 10)" "$ERR"
    contains "self-reference $dry" "dup.ini:2: [vars] self: \"\${self}\" refers to itself" "$ERR"
    contains "defined later $dry" "dup.ini:3: [vars] early: variable \"late\" is defined later in [vars]" "$ERR"
done
eq "duplicates: nothing built" "" "$(ls "$T/w" | grep same.png || true)"
# an output that is the store (a hard link: another name, the same inode)
# or an input
BEFORE=$(checksum "$DB")
ln "$DB" "$T/w/store.png"
printf '[data.iod]\ntype = iod\nfile = %s\n[map.a]\nindicator = imd_decile\nwithin = E06000033\noutput = store.png\n[table.t]\noutput = iod.csv\n' \
    "$T/w/iod.csv" > "$T/w/onto.ini"
cp "$D/indicators/iod2019/southend_iod2019_assembled.csv" "$T/w/iod.csv"
expect_status "output onto the store or an input" 2 "$NM" --db "$DB" build "$T/w/onto.ini"
contains "onto the store" "onto.ini:7: [map.a] output: \"$T/w/store.png\" is the store" "$ERR"
contains "onto an input" "onto.ini:9: [table.t] output: \"$T/w/iod.csv\" is an input of this build" "$ERR"
eq "the store intact" "$BEFORE" "$(checksum "$DB")"
# --- names where codes are asked for: within = southend-on-sea ---------------------
mkdir -p "$T/names"
printf '[map.code]\nindicator = imd_decile\nwithin = E06000033\noutput = %s\n[map.name]\nindicator = imd_decile\nwithin = southend-on-sea\noutput = %s\n' \
    "$T/names/code.png" "$T/names/name.png" > "$T/names.ini"
expect_status "within = a name in a figures file" 0 "$NM" --db "$DB" build "$T/names.ini"
eq "the map by name = the map by code (PNG)" "$(checksum "$T/names/code.png")" "$(checksum "$T/names/name.png")"
eq "the sidecar records the code" "E06000033" "$(py "$T/names/name.png.json" "print(d['within'])")"
printf '[map.typo]\nindicator = imd_decile\nwithin = Southend-on-See\noutput = %s\n' "$T/names/typo.png" > "$T/typo.ini"
expect_status "a misspelt name fails the figure" 1 "$NM" --db "$DB" build "$T/typo.ini"
contains "with a suggestion" 'did you mean "Southend-on-Sea"' "$ERR"
finish
