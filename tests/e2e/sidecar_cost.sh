# End to end: the JSON sidecar is a streamed write that costs little
# (issue 16): the England map of IMD 2025 deciles on the 33,755 LSOAs of
# 2021 makes at most 5,000 more minor page faults with its sidecar than
# without (the tree of every area's object made 13,000 more; the map alone
# varies by 3,000 from run to run with transparent huge pages), and the
# sidecar lists every area with its value and class.
source "$(dirname "$0")/lib.bash"
need_data
D=$NM_DATA
[ -x /usr/bin/time ] || { echo "FAIL: /usr/bin/time is needed"; exit 1; }
nm --quiet import boundaries "$D/boundaries/england/england_lsoa21_bsc.geojson" --level lsoa
nm --quiet import iod "$D/indicators/iod2025/iod2025_lsoa21_assembled.csv"
# faults ARGS...: minor page faults of one map
faults() {
    /usr/bin/time -o "$T/t" -f "%R" "$NM" --quiet --db "$DB" map imd_decile --dpi 150 --portrait "$@"
    tail -n 1 "$T/t"
}
without=$(faults --no-sidecar -o "$T/plain.png")
with=$(faults -o "$T/eng.png")
echo "minor faults: $without without the sidecar, $with with it"
# Under AddressSanitizer every allocation touches shadow memory and sits in
# quarantine, so faults count allocations, not the write: the budget is
# judged by the plain build of the same suite, the content checked here in both.
if ldd "$NM" 2>/dev/null | grep -q 'libasan'; then
    echo "fault budget not judged under AddressSanitizer (the plain build judges it)"
else
    eq "at most 5,000 more faults with the sidecar (without $without, with $with)" 1 \
        "$(( with - without <= 5000 ))"
fi
eq "areas in the sidecar" 33755 \
    "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['areas']))" "$T/eng.png.json")"
eq "area classes in the sidecar are 0 to 9" "0 9" \
    "$(python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['areas']; print(min(x['class'] for x in a), max(x['class'] for x in a))" "$T/eng.png.json")"
finish
