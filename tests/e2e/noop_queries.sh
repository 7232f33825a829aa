# End to end: a no-op rebuild asks the store a fixed number of questions,
# however many figures the file holds (issue 16: an atlas's no-op rebuild
# to a few queries).  Two figures files on the Southend store, one with 2
# maps and one with the same 2 and 10 more, are built, then rebuilt with
# nothing to do under bench/sqlcount.c (a preloaded shim counting the SQL
# statements prepared): both rebuilds prepare as many statements, and
# report every figure up to date.
source "$(dirname "$0")/lib.bash"
need_data
D=$NM_DATA
here=$(cd "$(dirname "$0")" && pwd)
command -v cc >/dev/null || { echo "FAIL: a C compiler (cc) is needed for bench/sqlcount.c"; exit 1; }
cc -O2 -shared -fPIC -o "$T/sqlcount.so" "$here/../../bench/sqlcount.c" -ldl
nm --quiet import boundaries "$D/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import iod "$D/indicators/iod2019/southend_iod2019_assembled.csv"

# figures N: a figures file of N decile maps (two indicators in turn)
figures() {
    local i ind
    for ((i = 1; i <= $1; i++)); do
        if ((i % 2)); then ind=imd_decile; else ind=income_decile; fi
        printf '[map.m%d]\nindicator = %s\nwithin = E06000033\ndpi = 40\noutput = out/m%d.png\n\n' \
            "$i" "$ind" "$i"
    done
}
figures 2 >"$T/two.ini"
figures 12 >"$T/twelve.ini"
nm --quiet build "$T/two.ini"
nm --quiet build "$T/twelve.ini"

# prepared INI: the statements a no-op rebuild of INI prepares
prepared() {
    # an ASan build wants its runtime first; the shim only wraps sqlite3_prepare*
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/sqlcount.so" "$NM" --db "$DB" build "$1" 2>"$T/noop.log" >/dev/null
    sed -n 's/^sqlcount: \([0-9]*\) prepared.*/\1/p' "$T/noop.log"
}
two=$(prepared "$T/two.ini")
grep -q "0 built, 2 up to date" "$T/noop.log" || { cat "$T/noop.log"; echo "FAIL: two.ini was not a no-op"; exit 1; }
twelve=$(prepared "$T/twelve.ini")
grep -q "0 built, 12 up to date" "$T/noop.log" || { cat "$T/noop.log"; echo "FAIL: twelve.ini was not a no-op"; exit 1; }
[ -n "$two" ] || { echo "FAIL: the shim counted nothing"; exit 1; }
eq "statements a no-op rebuild of 12 figures prepares, as many as for 2" "$two" "$twelve"
finish
