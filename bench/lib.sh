# bench/lib.sh: what the benchmark scripts share.  Source it after setting
# 'here' (this folder), 'repo' (the repository) and a die() function.

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

# bench_timed DIR NAME CMD...: runs CMD under /usr/bin/time and appends
# "NAME wall user sys major_faults minor_faults peak_rss_kb" to DIR/times;
# CMD's output goes to DIR/NAME.log; a failure stops the bench.
bench_timed() {
    local dir=$1 name=$2; shift 2
    if ! /usr/bin/time -o "$dir/t" -f "%e %U %S %F %R %M" "$@" >"$dir/$name.log" 2>&1; then
        cat "$dir/$name.log" >&2
        die "$name failed: $*"
    fi
    echo "$name $(tail -n 1 "$dir/t")" >>"$dir/times"
}
