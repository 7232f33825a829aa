# End to end: needsmap fetch against a local HTTP server (127.0.0.1 only,
# bounded in time) serving generated files: good files arrive verified; a
# file with a wrong checksum is an error and leaves nothing in the cache;
# a server that stops halfway leaves FILE.part, and a second run resumes it.
source "$(dirname "$0")/lib.bash"
SRV="$(dirname "$0")/fetch_server.py"
mkdir -p "$T/files" "$T/m/indicators" "$T/m/boundaries" "$T/cache"
python3 -c "import os; open('$T/files/good.csv','wb').write(b'code,value\n' + b''.join(b'E0%07d,%d\n' % (i, i % 97) for i in range(20000)))"
head -c 300000 /dev/urandom > "$T/files/big.bin"
printf 'not what the manifest says\n' > "$T/files/bad.csv"
manifest() { # NAME FILE [SHA]
    local sha=${3:-$(checksum "$T/files/$2")}
    printf '[file]\nname = %s\nurl = http://127.0.0.1:1/%s\nsha256 = %s\nsize = %s\nlicence = OGL v3\n' \
        "$2" "$2" "$sha" "$(stat -c %s "$T/files/$2")" > "$T/m/indicators/$1.ini"
}
manifest good good.csv
manifest big big.bin
manifest bad bad.csv 0000000000000000000000000000000000000000000000000000000000000000
start_server() {
    coproc SERVER { exec timeout 60 python3 "$SRV" "$T/files" "$@"; }
    read -r PORT <&"${SERVER[0]}"
}
stop_server() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }

# a server that stops halfway through every file once
start_server --stop-after 100000
expect_status "interrupted download" 1 timeout 60 "$NM" fetch --manifests "$T/m" --cache "$T/cache" --mirror "http://127.0.0.1:$PORT/" --only big.bin --timeout 5
contains "says partial kept" "big.bin.part" "$ERR"
eq "partial file kept" 1 "$([ -s "$T/cache/big.bin.part" ] && echo 1)"
eq "no final file yet" "" "$(ls "$T/cache/big.bin" 2>/dev/null)"
PART=$(stat -c %s "$T/cache/big.bin.part")
expect_status "resumed download" 0 timeout 60 "$NM" fetch --manifests "$T/m" --cache "$T/cache" --mirror "http://127.0.0.1:$PORT/" --only big.bin --timeout 5
eq "resumed file verified" "$(checksum "$T/files/big.bin")" "$(checksum "$T/cache/big.bin")"
eq "part gone" "" "$(ls "$T/cache/big.bin.part" 2>/dev/null)"
eq "partial was partial" 1 "$([ "$PART" -lt 300000 ] && echo 1)"
stop_server

# good and bad files from a well-behaved server
start_server
expect_status "one bad file" 3 timeout 60 "$NM" fetch --manifests "$T/m" --cache "$T/cache" --mirror "http://127.0.0.1:$PORT" --timeout 5
contains "bad named" "bad.csv does not match its manifest" "$ERR"
eq "good fetched" "$(checksum "$T/files/good.csv")" "$(checksum "$T/cache/good.csv")"
eq "nothing of bad left" "" "$(ls "$T/cache"/bad.csv* 2>/dev/null)"
expect_status "second run: all cached but bad" 3 timeout 60 "$NM" fetch --manifests "$T/m" --cache "$T/cache" --mirror "http://127.0.0.1:$PORT" --timeout 5
contains "cached counted" "2 already cached" "$ERR"
stop_server

# a mirror folder
rm -f "$T/cache/good.csv"
expect_status "mirror folder" 0 "$NM" fetch --manifests "$T/m" --cache "$T/cache" --mirror "$T/files" --only good.csv
eq "copied and verified" "$(checksum "$T/files/good.csv")" "$(checksum "$T/cache/good.csv")"
# the repository's own manifests are well formed (a mirror of ../shared/data lacks flat names: just parse)
if [ -n "${NM_SRC:-}" ]; then
    expect_status "repository manifests parse" 1 "$NM" fetch --manifests "$NM_SRC" --cache "$T/cache2" --mirror "$T/empty" --only LAD18_RGN18_EN_LU.csv
    contains "mirror copy attempted" "LAD18_RGN18_EN_LU.csv" "$ERR"
fi
finish
