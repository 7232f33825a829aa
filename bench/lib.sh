# bench/lib.sh: what the benchmark scripts share: the tools, the binary, and
# one way of timing a command and reporting it.  Every timed run goes
# through bench_run, which records wall, user and system seconds, peak RSS,
# minor and major page faults (/usr/bin/time) and the 1-minute load average
# just before the run; bench_row prints the medians of one side, bench_ratio
# and bench_limit the PASS/FAIL lines.  Source it after setting 'here' (this
# folder), 'repo' (the repository) and a die() function.

# bench_need_tools PKG:COMMAND...: installs each Debian package whose command
# is missing (as root or through sudo).  COMMAND may be a path.
bench_need_tools() {
    local want missing=() sudo=
    for want in "$@"; do
        local pkg=${want%%:*} cmd=${want#*:}
        if [[ $cmd == /* ]]; then [[ -x $cmd ]] || missing+=("$pkg")
        else command -v "$cmd" >/dev/null || missing+=("$pkg"); fi
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) != 0 ]]; then
        command -v sudo >/dev/null || die "needs ${missing[*]}: install them, or run as root"
        sudo=sudo
    fi
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# bench_needsmap: sets NM to the binary to measure: NM as given, else a
# Release build made in bench/build.
bench_needsmap() {
    if [[ -z ${NM:-} ]]; then
        echo "building needsmap (Release) in bench/build" >&2
        cmake -S "$repo" -B "$here/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
        cmake --build "$here/build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
        NM=$here/build/needsmap
    fi
    [[ -x $NM ]] || die "$NM is not an executable"
}

# bench_init: makes the folder BENCH_DIR for the runs' records (removed on
# exit) and clears the verdict.  Call once, after bench_need_tools.
bench_init() {
    [[ -x /usr/bin/time ]] || bench_need_tools time:/usr/bin/time
    BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nm-bench.XXXXXX")
    trap 'rm -rf "$BENCH_DIR"' EXIT
    BENCH_FAIL=0
}

# bench_run NAME CMD...: runs CMD once under /usr/bin/time and appends
# "wall user sys rss_kb minor major load" to $BENCH_DIR/NAME.times, load
# being the 1-minute load average just before.  CMD's stdout goes to
# $BENCH_OUT when set (else NAME.out), stderr to NAME.log; a failure stops
# the bench with CMD's messages.
# The wall time is read from the clock in nanoseconds around the command:
# /usr/bin/time's %e counts in hundredths, a tenth of a 0.3 s map, which
# is the whole of what a 10% target allows.  It includes time's own start
# (under a millisecond), on both sides alike.
bench_run() {
    local name=$1 load t0 t1; shift
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s%N)
    if ! /usr/bin/time -o "$BENCH_DIR/t" -f "%U %S %M %R %F" "$@" \
        >"${BENCH_OUT:-$BENCH_DIR/$name.out}" 2>"$BENCH_DIR/$name.log"; then
        tail -n 20 "$BENCH_DIR/$name.log" >&2
        die "$name failed: $*"
    fi
    t1=$(date +%s%N)
    echo "$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.4f", n / 1e9 }') $(tail -n 1 "$BENCH_DIR/t") $load" \
        >>"$BENCH_DIR/$name.times"
}

# bench_sum NAME A B: NAME's runs as A's and B's run by run (the two
# commands of one step): times and faults added, the larger RSS, A's load.
bench_sum() {
    paste -d' ' "$BENCH_DIR/$2.times" "$BENCH_DIR/$3.times" |
        awk '{ printf "%.4f %.2f %.2f %d %d %d %s\n", $1 + $8, $2 + $9, $3 + $10,
               ($4 > $11 ? $4 : $11), $5 + $12, $6 + $13, $7 }' >"$BENCH_DIR/$1.times"
}

# bench_clear NAME...: forgets the runs of NAME (after a warm-up).
bench_clear() {
    local n
    for n in "$@"; do rm -f "$BENCH_DIR/$n.times"; done
}

# bench_stat NAME FIELD [max]: the median (or the largest) of FIELD over
# NAME's runs: wall, user, sys, rss (kB), minor, major or load.
bench_stat() {
    local col
    case $2 in wall) col=1;; user) col=2;; sys) col=3;; rss) col=4;; minor) col=5;;
        major) col=6;; load) col=7;; *) die "bench_stat: no field '$2'";; esac
    [[ -s $BENCH_DIR/$1.times ]] || die "bench_stat: no runs of $1"
    cut -d' ' -f"$col" "$BENCH_DIR/$1.times" | sort -g | awk -v max="${3:-}" '
        { a[NR] = $1 }
        END { if (max == "max") print a[NR]
              else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# bench_header: the machine, then the column headings of bench_row.
bench_header() {
    echo "machine: $(nproc 2>/dev/null || echo '?') cores, $(uname -sr)," \
        "transparent huge pages: $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?')"
    printf '%-44s %4s %8s %7s %7s %8s %9s %6s %s\n' "" runs "wall s" "user s" "sys s" \
        "peak MB" "minor pf" "major" "load before each run"
}

# bench_row LABEL NAME: one side: medians of wall, user and system time and
# of the faults, the largest peak RSS, and the load before each run.
bench_row() {
    printf '%-44s %4d %8.3f %7.3f %7.3f %8.1f %9.0f %6.0f %s\n' "$1" \
        "$(wc -l <"$BENCH_DIR/$2.times")" "$(bench_stat "$2" wall)" "$(bench_stat "$2" user)" \
        "$(bench_stat "$2" sys)" "$(awk -v k="$(bench_stat "$2" rss max)" 'BEGIN { print k / 1024 }')" \
        "$(bench_stat "$2" minor)" "$(bench_stat "$2" major)" \
        "$(cut -d' ' -f7 "$BENCH_DIR/$2.times" | tr '\n' ' ')"
}

# bench_verdict LABEL VALUE OP TARGET [UNIT] [DETAIL]: prints "LABEL: VALUE
# UNIT DETAIL (target OP TARGET UNIT): PASS" or FAIL, and remembers a
# failure in BENCH_FAIL.  OP is <= or <.
bench_verdict() {
    local ok unit=${5:+ $5}
    ok=$(awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN { print (op == "<" ? v < t : v <= t) ? "PASS" : "FAIL" }')
    printf '%s: %s%s%s (target %s %s%s): %s\n' "$1" "$2" "$unit" "${6:+ $6}" "$3" "$4" "$unit" "$ok"
    [[ $ok == PASS ]] || BENCH_FAIL=1
}

# bench_ratio LABEL A B TARGET: the ratio of A's to B's median wall times,
# judged against TARGET (at most).
bench_ratio() {
    local a b
    a=$(bench_stat "$2" wall); b=$(bench_stat "$3" wall)
    bench_verdict "$1" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')" \
        "<=" "$4" "" "($(printf '%.3f' "$a") s against $(printf '%.3f' "$b") s)"
}

# bench_limit LABEL NAME FIELD OP TARGET UNIT [DETAIL]: a median (the peak for rss,
# in MB) of NAME judged against TARGET.
bench_limit() {
    local v
    if [[ $3 == rss ]]; then
        v=$(awk -v k="$(bench_stat "$2" rss max)" 'BEGIN { printf "%.0f", k / 1024 }')
    else
        v=$(bench_stat "$2" "$3")
    fi
    bench_verdict "$1" "$v" "$4" "$5" "$6" "${7:-}"
}

# bench_import BOUNDARIES TABLE LAYER: the runs of the import benches:
# ogr2ogr loading BOUNDARIES alone into a SpatiaLite file (layer LAYER)
# against needsmap's whole import, `import boundaries BOUNDARIES --level
# lsoa` then `import iod TABLE` into a new store.  One warm-up run of each
# (page cache, dynamic loader), then N of each alternating which goes first,
# so that neither always follows the other's writes.  Records ogr2ogr,
# nm_boundaries, nm_iod and their sum nm_all; leaves the last stores in
# $BENCH_DIR/ogr.sqlite and nm.sqlite.
bench_import() {
    local i
    echo "warm-up (page cache, dynamic loader)" >&2
    _bench_import_ogr "$@"
    _bench_import_nm "$@"
    bench_clear ogr2ogr nm_boundaries nm_iod
    for ((i = 1; i <= N; i++)); do
        echo "run $i of $N" >&2
        if ((i % 2)); then _bench_import_ogr "$@"; _bench_import_nm "$@"
        else _bench_import_nm "$@"; _bench_import_ogr "$@"; fi
    done
    bench_sum nm_all nm_boundaries nm_iod
}

_bench_import_ogr() {
    rm -f "$BENCH_DIR/ogr.sqlite"
    bench_run ogr2ogr ogr2ogr -f SQLite -dsco SPATIALITE=YES "$BENCH_DIR/ogr.sqlite" "$1" \
        -nln "$3" -nlt PROMOTE_TO_MULTI
}

_bench_import_nm() {
    rm -f "$BENCH_DIR/nm.sqlite"
    bench_run nm_boundaries "$NM" --db "$BENCH_DIR/nm.sqlite" --quiet import boundaries "$1" \
        --level lsoa
    bench_run nm_iod "$NM" --db "$BENCH_DIR/nm.sqlite" --quiet import iod "$2"
}
