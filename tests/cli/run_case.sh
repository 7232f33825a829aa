#!/usr/bin/env bash
# Runs one command-line case (PROJ's test/cli, curl's tests/data): a file of
# "key: value" lines.
#   args:    the arguments after 'needsmap' (words split as by the shell)
#   exit:    the expected exit status
#   stdout:  a text stdout must contain (may repeat)
#   stderr:  a text stderr must contain (may repeat)
#   nostderr: a text stderr must not contain
#   env:     NAME=VALUE set for the command (may repeat)
#   fixture: NAME|LINE appends LINE to the file NAME of the scratch folder
#            (may repeat; written before the setup runs)
#   setup:   arguments of a needsmap command run first, which must succeed
#            (may repeat, run in order; $NM_DATA names ../shared/data)
# Each case runs in an empty scratch folder with its own store.  A case
# whose setup names $NM_DATA fails, never skips, when the data is missing.
set -uo pipefail
case_file=$1
: "${NM:?NM must name the needsmap binary}"
work=$(mktemp -d "${TMPDIR:-/tmp}/nm-case.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
args=$(sed -n 's/^args: //p' "$case_file")
want_exit=$(sed -n 's/^exit: //p' "$case_file")
while IFS= read -r assignment; do
    export "${assignment?}"
done < <(sed -n 's/^env: //p' "$case_file")
while IFS= read -r fixture; do
    printf '%s\n' "${fixture#*|}" >>"$work/${fixture%%|*}"
done < <(sed -n 's/^fixture: //p' "$case_file")
while IFS= read -r setup; do
    eval "set -- $setup"
    if ! "$NM" --db "$work/store.sqlite" "$@" >"$work/setup.out" 2>&1; then
        echo "FAIL: setup 'needsmap $setup' failed:"; head -20 "$work/setup.out"
        exit 1
    fi
done < <(sed -n 's/^setup: //p' "$case_file")
eval "set -- $args"
"$NM" --db "$work/store.sqlite" "$@" >"$work/out" 2>"$work/err"
got=$?
fails=0
if [ "$got" != "$want_exit" ]; then
    echo "FAIL: exit status $got, expected $want_exit"; fails=$((fails + 1))
fi
while IFS= read -r line; do
    key=${line%%: *}; val=${line#*: }
    case $key in
    stdout) grep -qF -- "$val" "$work/out" || { echo "FAIL: stdout lacks [$val]"; fails=$((fails + 1)); } ;;
    stderr) grep -qF -- "$val" "$work/err" || { echo "FAIL: stderr lacks [$val]"; fails=$((fails + 1)); } ;;
    nostderr) ! grep -qF -- "$val" "$work/err" || { echo "FAIL: stderr has [$val]"; fails=$((fails + 1)); } ;;
    esac
done < "$case_file"
if [ "$fails" -gt 0 ]; then
    echo "--- stdout"; head -20 "$work/out"; echo "--- stderr"; head -20 "$work/err"
    exit 1
fi
echo "1 passed, 0 failed"
