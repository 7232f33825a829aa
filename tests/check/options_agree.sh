#!/usr/bin/env bash
# Every option of a command is a key of its figures-file section and every
# key an option (operands excepted), and a value means the same in both
# places: the same bad value gets the same complaint (kind, range,
# choices).  Black-box: it reads only --help and the messages.
set -uo pipefail
: "${NM:?NM must name the needsmap binary}"
work=$(mktemp -d "${TMPDIR:-/tmp}/nm-opts.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# command | section header lines | operands (file keys only)
pairs=(
  "import boundaries|[data.x] type=boundaries|"
  "import iod|[data.x] type=iod|"
  "import indicators|[data.x] type=indicators|"
  "import lookup|[data.x] type=lookup|"
  "import neighbours|[data.x] type=neighbours|"
  "import localities|[data.x] type=localities|"
  "import incidents|[data.x] type=incidents|"
  "assign|[data.x] type=assign|"
  "aggregate|[data.x] type=aggregate|"
  "count incidents|[data.x] type=count|"
  "derive|[data.x] type=derive|id expression"
  "map|[map.x]|indicator"
  "table|[table.x]|"
  "facts|[facts.x]|"
  "la-summary|[la-summary.x]|"
  "summary|[summary.x]|"
  "compare|[compare.x]|wards"
)

# writes f.ini: the section, then 'key = value' lines from the arguments
section() {
    local head=$1; shift
    { printf '%s\n' "${head%% *}"
      [ "$head" != "${head%% *}" ] && printf '%s\n' "${head#* }" | sed 's/=/ = /'
      printf '%s\n' "$@"; } >f.ini
}

for pair in "${pairs[@]}"; do
    IFS='|' read -r cmd head operands <<<"$pair"
    # shellcheck disable=SC2086
    cli=$("$NM" $cmd --help | sed -n 's/^  --\([a-z0-9-]*\).*/\1/p' | grep -vx help | sort)
    [ -n "$cli" ] || fail "$cmd: no options in --help"
    section "$head" "zzunknown = 1"
    "$NM" --db "$work/s.sqlite" build --dry-run f.ini >out 2>err
    keys=$(sed -n 's/.*unknown key for .*(known: \(.*\))$/\1/p' err | tr -d ' ' | tr ',' '\n' |
           grep -vx file | sort)
    [ -n "$keys" ] || { fail "$cmd: no key list in"; cat err; continue; }
    for op in $operands; do
        grep -qx "$op" <<<"$keys" || fail "$cmd: operand $op is not a figures-file key"
        keys=$(grep -vx "$op" <<<"$keys")
    done
    only_cli=$(comm -23 <(echo "$cli") <(echo "$keys"))
    only_file=$(comm -13 <(echo "$cli") <(echo "$keys"))
    [ -z "$only_cli" ] || fail "$cmd: command-line options with no figures-file key:" $only_cli
    [ -z "$only_file" ] || fail "$cmd: figures-file keys with no command-line option:" $only_file
    # the same bad value, the same complaint
    for opt in $(comm -12 <(echo "$cli") <(echo "$keys")); do
        # shellcheck disable=SC2086
        "$NM" $cmd --help | grep -qE "^  --$opt [^ ]" || continue # a flag: no value on the CLI
        # shellcheck disable=SC2086
        "$NM" --db "$work/s.sqlite" $cmd "--$opt" zzbad >out 2>err
        on_cli=$(sed -n "s/^needsmap: $cmd: --$opt: //p" err)
        section "$head" "$opt = zzbad"
        "$NM" --db "$work/s.sqlite" build --dry-run f.ini >out 2>err
        in_file=$(sed -n "s/^.*\] $opt: //p" err | grep -v deprecated)
        [ "$on_cli" = "$in_file" ] ||
            fail "$cmd --$opt zzbad: [$on_cli] on the command line, [$in_file] in a figures file"
    done
done
[ "$fails" -eq 0 ] || exit 1
echo "options agree"
