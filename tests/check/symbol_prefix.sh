#!/usr/bin/env bash
# Every function and variable a module makes visible to others says whose it
# is: the public API keeps the nm_ prefix and is declared in
# include/needsmap/, and a module's internal names carry its own prefix
# (nmC_ core, nmS_ store, nmI_ ingest, nmA_ analyse, nmK_ classify,
# nmR_ render, nmP_ report, nmB_ batch), as SQLite's internals are
# sqlite3Xxx beside the public sqlite3_xxx.  A reader can then tell from a
# name alone whether a change to it reaches library users.  The check reads
# the global symbols of the built object files; first it is run on a small
# list with one wrong name, which it must refuse.
set -uo pipefail
: "${NM_SRC:?NM_SRC must name the source tree}"
: "${NM_BUILD:?NM_BUILD must name the build folder}"

declare -A LETTER=([core]=C [store]=S [ingest]=I [analyse]=A [classify]=K
                   [render]=R [report]=P [batch]=B)
public=$(cat "$NM_SRC"/include/needsmap/*.h | grep -oE '\bnm_[a-z0-9_]+' | sort -u)

# check_symbols: reads "MODULE SYMBOL" lines, prints each one out of place
check_symbols() {
    local module sym bad=0
    while read -r module sym; do
        case $sym in
        nm_gdal_module) ;; # the GDAL module's entry point, found by dlsym
        __*) ;; # the compiler's own, e.g. AddressSanitizer's __odr_asan.X
        nm_*) grep -qxF "$sym" <<<"$public" ||
                  { echo "$module: $sym has the public prefix but is not in include/needsmap"; bad=1; } ;;
        nm[A-Z]_*)
            local want=${LETTER[$module]:-?} have=${sym:2:1}
            # the GDAL module's host shims stand for core's functions
            [ "$have" = "$want" ] || { [ "$module" = ingest ] && [ "$have" = C ]; } ||
                { echo "$module: $sym carries nm${have}_, not its module's nm${want}_"; bad=1; } ;;
        *) echo "$module: $sym has no needsmap prefix"; bad=1 ;;
        esac
    done
    return $bad
}

# the check itself must refuse a wrong name
if printf 'store nmS_ok\nrender nmS_wrong\n' | check_symbols >/dev/null; then
    echo "FAIL: the check accepted render's nmS_wrong"; exit 1
fi

objs=$(find "$NM_BUILD/CMakeFiles" -name "*.o" -path "*/src/*" ! -path "*/cli/*" ! -path "*/gen/*")
[ -n "$objs" ] || { echo "FAIL: no object files under $NM_BUILD/CMakeFiles"; exit 1; }
list=$(for o in $objs; do
    m=$(sed -E 's#.*/src/([a-z]+)/.*#\1#' <<<"$o")
    nm --defined-only "$o" | awk -v m="$m" '$2 ~ /^[TDBRC]$/ {print m, $3}'
done | sort -u)
n=$(wc -l <<<"$list")
if out=$(check_symbols <<<"$list"); then
    echo "symbol_prefix: $n global symbols, every one with its module's prefix"
else
    echo "$out"; echo "FAIL: $(wc -l <<<"$out") symbols out of place"; exit 1
fi
