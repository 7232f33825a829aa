#!/usr/bin/env bash
# The library links like any other: `cmake --install` into a temporary
# prefix, then a program outside the project (tests/install/client.c) is
# built against the installed tree with pkg-config alone, shared and
# static, and imports GeoJSON boundaries (through the GDAL module) and a
# CSV, draws a map and writes facts.  The installed
# tree is then moved, and must still work (the .pc file and the GDAL
# module are found relative to where they lie).
source "$(dirname "$0")/lib.bash"
need_data
: "${NM_BUILD:?NM_BUILD must name the build folder}"
: "${NM_SRC:?NM_SRC must name the source folder}"

P="$T/prefix"
cmake --install "$NM_BUILD" --prefix "$P" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log"; exit 1; }
libdir=$(dirname "$(find "$P" -name needsmap.pc)")/..
libdir=$(cd "$libdir" && pwd)
for f in include/needsmap/core.h include/needsmap/report.h bin/needsmap; do
    CHECKS=$((CHECKS + 1)); [ -e "$P/$f" ] || { echo "FAIL: $f not installed"; FAILS=$((FAILS + 1)); }
done
soname=$(objdump -p "$libdir/libneedsmap.so" | awk '/SONAME/ {print $2}')
eq "soname" "libneedsmap.so.0" "$soname"
eq "module installed" "yes" "$([ -f "$libdir/needsmap/needsmap-gdal.so" ] && echo yes)"
# the module takes nothing from the program: no undefined needsmap symbol
eq "module's undefined nm_ symbols" "" \
   "$(command nm -D --undefined-only "$libdir/needsmap/needsmap-gdal.so" | awk '$2 ~ /^(nm_|bnd_)/ {print $2}')"
# the shared library publishes the API of include/needsmap and nothing else
eq "private nmC_fail exported" "" "$(command nm -D --defined-only "$libdir/libneedsmap.so" | awk '$3 ~ /^nmC_fail@/')"

# a sanitized build's library needs its clients built the same way
SAN=
if grep -q '^NM_SANITIZE:BOOL=ON' "$NM_BUILD/CMakeCache.txt"; then
    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
fi

# Moves the installed tree, then builds and runs the client against it:
# build_and_run NAME LINK-MODE
mv "$P" "$T/moved"
P="$T/moved"
libdir=$(cd "$(dirname "$(find "$P" -name needsmap.pc)")/.." && pwd)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
eq "pkg-config version" "$("$NM" --version | awk '{print $NF}')" "$(pkg-config --modversion needsmap)"

# The GDAL module a run loaded, from its LD_DEBUG=files log
loaded_module() {
    sed -n 's/.*calling init: \(.*needsmap-gdal.so\)$/\1/p' "$@" | xargs -r realpath | sort -u
}

run_client() { # NAME EXECUTABLE
    local name=$1 exe=$2 out="$T/$1"
    mkdir -p "$out"
    # boundaries from GeoJSON, which only the GDAL module reads (a CSV
    # file no longer needs it)
    if ! LD_DEBUG=files LD_DEBUG_OUTPUT="$out/ld" "$exe" "$out/store.sqlite" "$NM_DATA/boundaries/southend/geojson/E06000033_lsoa11.json" \
        "$NM_DATA/indicators/iod2019/southend_iod2019_assembled.csv" \
        "$out/map.png" "$out/facts.md" >"$out/stdout" 2>"$out/stderr"; then
        echo "FAIL: $name client:"; cat "$out/stderr"; FAILS=$((FAILS + 1)); return
    fi
    contains "$name: boundaries" "boundaries: 107 areas" "$(cat "$out/stdout")"
    contains "$name: map" "map: 107 areas" "$(cat "$out/stdout")"
    eq "$name: map is a PNG" "PNG" "$(head -c 4 "$out/map.png" | tail -c 3)"
    # check value C1: 9 LSOAs of decile 1, 15,823 people
    contains "$name: facts" "15,823" "$(cat "$out/facts.md")"
    # the module came from the installed tree, not from the build folder
    eq "$name: module loaded" "$libdir/needsmap/needsmap-gdal.so" \
       "$(loaded_module "$out"/ld.*)"
}

# shared: the ordinary way, and the GDAL module found beside the library
# shellcheck disable=SC2046,SC2086
cc $SAN -std=c11 -Wall -Wextra -Werror "$NM_SRC/tests/install/client.c" -o "$T/client_shared" \
    $(pkg-config --cflags --libs needsmap) -Wl,-rpath,"$libdir" || FAILS=$((FAILS + 1))
run_client shared "$T/client_shared"
eq "shared client uses libneedsmap.so" "1" \
   "$(ldd "$T/client_shared" | grep -c "$libdir/libneedsmap.so.0")"

# static: the archive, with the libraries it needs linked as shared ones
# (Debian ships no static libcurl dependencies): the .pc file's
# Requires.private and Libs.private, not pkg-config --static's closure
deps=$(pkg-config --print-requires-private needsmap | awk '{print $1}')
private=$(sed -n 's/^Libs.private: //p' "$PKG_CONFIG_PATH/needsmap.pc")
# shellcheck disable=SC2046,SC2086
cc $SAN -std=c11 -Wall -Wextra -Werror "$NM_SRC/tests/install/client.c" -o "$T/client_static" \
    $(pkg-config --cflags needsmap) "$libdir/libneedsmap.a" \
    $(pkg-config --libs $deps) $private || FAILS=$((FAILS + 1))
NEEDSMAP_GDAL_MODULE="$libdir/needsmap/needsmap-gdal.so" run_client static "$T/client_static"

# the installed tool finds the module from bin/ in the moved tree
LD_DEBUG=files LD_DEBUG_OUTPUT="$T/tool.ld" "$P/bin/needsmap" --db "$T/tool.sqlite" import boundaries \
    "$NM_DATA/boundaries/southend/geojson/E06000033_lsoa11.json" --level lsoa >/dev/null 2>"$T/tool.err" ||
    { echo "FAIL: installed tool:"; cat "$T/tool.err"; FAILS=$((FAILS + 1)); }
eq "tool: module loaded" "$libdir/needsmap/needsmap-gdal.so" \
   "$(loaded_module "$T"/tool.ld.*)"

finish
