#!/usr/bin/env bash
# bench/all.sh: every benchmark of bench/ in turn, on one Release binary, each
# with its own peer tool in the same run, and at the end the PASS/FAIL lines
# of all of them with the load before each script.  A verdict is claimable
# only when the load before its script was under 1.5 (bench/README.md);
# running this twice an hour apart gives the two runs issue 16 asks for.
#
#   bench/all.sh                         every bench, N=5
#   BENCHES="render import" bench/all.sh  some of them
#   N=9 NM=build-rel/needsmap bench/all.sh
#
# Logs go to bench/results/<UTC time>/<bench>.log (ignored by git).
# Exit status: 0 when every target held, 1 when one did not, 2 when a
# bench could not run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
export N=${N:-5}
BENCHES=${BENCHES:-render import import2025 aggregate change incidents page atlas}
stamp=$(date -u +%Y%m%dT%H%MZ)
logs=$here/results/$stamp
mkdir -p "$logs"

for b in $BENCHES; do
    [[ -f $here/$b.sh && $b != all && $b != lib ]] || { echo "bench/all.sh: no benchmark bench/$b.sh" >&2; exit 2; }
done
if [[ -z ${NM:-} ]]; then
    echo "building needsmap (Release) in $repo/bench/build" >&2
    cmake -S "$repo" -B "$repo/bench/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        >/dev/null && cmake --build "$repo/bench/build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null ||
        { echo "bench/all.sh: the Release build failed" >&2; exit 2; }
    NM=$repo/bench/build/needsmap
fi
export NM

# Waits (at most SETTLE_MAX seconds, default 300) for the 1-minute load to
# fall under SETTLE_UNDER (default 1.0): a bench that follows a busy one
# (the atlas after the page's Chromium) would otherwise start on the
# previous one's load and its verdict would not be claimable.
settle() {
    local under=${SETTLE_UNDER:-1.0} left=${SETTLE_MAX:-300} load
    while :; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$load" -v u="$under" 'BEGIN { exit !(l < u) }' && return
        ((left <= 0)) && { echo "bench/all.sh: load still $load after waiting; going on" >&2; return; }
        sleep 5
        left=$((left - 5))
    done
}

worst=0
summary=()
for b in $BENCHES; do
    script=$here/$b.sh
    settle
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "== bench/$b.sh (N=$N, load before: $load) -> $logs/$b.log" >&2
    start=$(date +%s)
    bash "$script" > "$logs/$b.log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    ((rc > worst)) && worst=$rc
    verdicts=$(grep -E ': (PASS|FAIL)' "$logs/$b.log" || echo "(no verdict: exit $rc, see the log)")
    summary+=("bench/$b.sh, load before $load, $took s, exit $rc")
    while IFS= read -r line; do summary+=("    $line"); done <<< "$verdicts"
done

echo
echo "needsmap: $NM ($(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'))"
echo "machine: $(nproc) cores, $(uname -sr); N=$N; logs in $logs"
printf '%s\n' "${summary[@]}"
exit $worst
