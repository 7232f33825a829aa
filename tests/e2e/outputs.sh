#!/usr/bin/env bash
# End to end: no output replaces the store or another file the run reads
# (compared by device and inode, so another name or a link is caught too),
# a failed write names its file, and a failure's message survives to the
# terminal.  Issue 15, finding 5.
source "$(dirname "$0")/lib.bash"
need_data
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import iod "$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv"
SUM=$(checksum "$DB")

# the store under another name, as the output of each kind of writer
cp "$DB" "$T/store.csv"
cp "$DB" "$T/store.png"
ln -s store.csv "$T/link.md"
expect_status "table onto the store" 2 "$NM" --db "$T/store.csv" table --level lsoa --within E06000033 -o "$T/store.csv"
contains "table onto the store: message" "store.csv: is the store, which this run reads" "$ERR"
expect_status "table onto a link to the store" 2 "$NM" --db "$T/store.csv" table --level lsoa --within E06000033 -o "$T/link.md"
contains "link to the store: message" "link.md: is the store" "$ERR"
eq "table: the store intact" "$SUM" "$(checksum "$T/store.csv")"
expect_status "map onto the store" 2 "$NM" --db "$T/store.png" map imd_decile --within E06000033 -o "$T/store.png"
contains "map onto the store: message" "store.png: is the store" "$ERR"
eq "map: the store intact" "$SUM" "$(checksum "$T/store.png")"
eq "map: no sidecar or world file" "" "$(ls "$T" | grep -E '^store\.(png\.json|pgw)$' || true)"
# the store hard-linked: same inode, another name
ln "$T/store.png" "$T/hard.csv"
expect_status "table onto a hard link of the store" 2 "$NM" --db "$T/store.png" table --level lsoa --within E06000033 -o "$T/hard.csv"
eq "hard link: the store intact" "$SUM" "$(checksum "$T/store.png")"
# an ordinary output is still written
expect_status "table elsewhere" 0 "$NM" --db "$T/store.csv" table --level lsoa --within E06000033 -o "$T/t.csv"
eq "table elsewhere: 107 rows and a heading" 108 "$(wc -l < "$T/t.csv")"

# a write that fails names its file (the file size limit makes writes fail
# with EFBIG; SIGXFSZ ignored so that the write returns the error)
for f in big.png big.pdf; do
    ERR=$( (trap '' XFSZ; ulimit -f 20; "$NM" --db "$DB" map imd_decile --within E06000033 -o "$T/$f") 2>&1 >/dev/null) && got=0 || got=$?
    eq "$f: a failed write fails" 1 "$got"
    contains "$f: the message names the file" "$T/$f: " "$ERR"
    eq "$f: nothing left" "" "$(ls "$T" | grep "^$f" || true)"
done

# a failure's message reaches the terminal: summary on a store without ward
# aggregates printed only "needsmap: "
expect_status "summary without ward aggregates" 2 nm summary --within E06000033 -o "$T/x.pdf"
contains "summary says what is missing" "no ward populations are stored: run 'needsmap aggregate --to ward' first" "$ERR"
eq "summary: store unchanged" "$SUM" "$(checksum "$DB")"
finish
