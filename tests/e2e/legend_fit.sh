# End to end: a rate's legend at narrow figure sizes (a 90 mm column of a
# report).  Every legend label is printed whole on one line inside the
# legend's box, no word overlaps another or leaves the page, and the title
# keeps "per 1,000" together: checked on the words pdftotext -bbox finds,
# against the boxes the sidecar gives.  Text shrinks (to 75% at most,
# stated in the sidecar) before the map does; a page too small even then
# is refused with what to do.
source "$(dirname "$0")/lib.bash"
need_data
southend_wards_store
nm --quiet import incidents "$NM_DATA/crime/police_uk/southend_2018-01_to_2018-07-street.csv" --name police
nm --quiet count incidents --level ward --category "Violence and sexual offences" --per pop_total --name violence >/dev/null
check() { # NAME OPTIONS...: draws the ward rate map and checks its words
    local name=$1; shift
    expect_status "$name is drawn" 0 nm map violence_rate --level ward --within E06000033 "$@" -o "$T/$name.pdf"
    [ -f "$T/$name.pdf" ] || return 0
    pdftotext -bbox "$T/$name.pdf" "$T/$name.html"
    eq "$name: every legend label whole, inside, nothing overlapping" "" \
        "$(python3 "$(dirname "$0")/textboxes.py" "$T/$name.pdf" "$T/$name.pdf.json" "$T/$name.html")"
}
check a4
check fig160 --size 160x120mm
check fig90 --size 90x120mm
check fig90figure --size 90x120mm --figure
check fig90bottom --size 90x120mm --legend bottom
check fig90right --size 90x120mm --legend right
check fig90wide --size 110x80mm --figure
check fig90inside --size 90x100mm --figure --legend inside
scale() { python3 -c "import json; print(json.load(open('$T/$1.pdf.json'))['page']['text_scale'])"; }
eq "A4 keeps its text at full size" 1.0 "$(scale a4)"
eq "a 160 mm figure too" 1.0 "$(scale fig160)"
eq "a 90 x 120 mm page shrinks its text, not below 75%" 1 "$(scale fig90 | awk '{print ($1 < 1 && $1 >= 0.75)}')"
expect_status "a page too small even with smaller text" 2 nm map violence_rate --level ward --within E06000033 --size 40x30mm -o "$T/tiny.pdf"
contains "says so and what to do" "too small for the map with its legend" "$ERR"
contains "  naming the size" "40 x 30 mm" "$ERR"
expect_status "90 x 70 mm with title and source line" 2 nm map violence_rate --level ward --within E06000033 --size 90x70mm -o "$T/tiny.pdf"
contains "  suggests what makes room" "--legend inside or --figure" "$ERR"
expect_status "  and with the legend inside already" 2 nm map violence_rate --level ward --within E06000033 --size 90x70mm --figure --legend inside -o "$T/tiny.pdf"
contains "  suggests only the size" "give a larger --size:" "$ERR:"
eq "no file left by the refusals" 0 "$(ls "$T" | grep -c '^tiny' || true)"
finish
