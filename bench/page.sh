#!/usr/bin/env bash
# bench/page.sh: how fast a county's summary page answers in a browser.
# Builds Essex's page (12 districts, 267 wards, ~1,000 LSOAs; England store
# of IoD 2019 through the ONS LAD -> UTLA lookup, as tests/browser/
# county_page.sh), then N times opens it in a fresh headless Chromium and
# measures the time from navigation to interactive (the page's own
# 'nm-ready' mark) and of an indicator switch (to the weighted ward IMD
# score) and back, each to the frame that shows it.  No Debian tool makes
# such a page, so there is no peer side: the targets are fixed.
#
#   bench/page.sh              N=5
#   N=9 NM=build-rel/needsmap bench/page.sh
#
# Targets (issue 14, "interactive without lag"): interactive within 3 s,
# a switch within 0.5 s (medians).  The build of the page is timed too
# (wall, user, sys, peak RSS, faults; bench/lib.sh), without a target.
# Exit status 0 when both hold, 1 when not, 2 when the bench cannot run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
data=${NM_DATA:-$repo/../shared/data}
CHROMIUM=${NM_CHROMIUM:-/usr/bin/chromium}
READY_MS=3000
SWITCH_MS=500
die() { echo "bench/page.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ -d $data/lookups/ons ]] || die "no data in $data (give NM_DATA=DIR)"
[[ -x $CHROMIUM ]] || die "$CHROMIUM not found (scripts/install-deps installs chromium)"
source "$here/lib.sh"
bench_need_tools time:/usr/bin/time
bench_needsmap
bench_init
work=$BENCH_DIR
db=$work/england.sqlite
nm() { "$NM" --db "$db" --quiet "$@"; }
echo "making the store (not timed)" >&2
nm import boundaries "$data/boundaries/england/england_lsoa11.shp" --level lsoa
nm import boundaries "$data/boundaries/england/england_lad13.shp" --level lad
nm import boundaries "$data/boundaries/england/england_wards13.shp" --level ward
nm import iod "$data/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm import lookup "$data/lookups/ons/LSOA11_WD19_LAD19_EW_LU.csv" --child LSOA11CD --parent LAD19CD --parent-level lad
nm import lookup "$data/lookups/ons/LAD19_UTLA19_EW_LU.csv" --child LAD19CD --parent UTLA19CD --parent-level utla
nm import lookup "$data/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" --child LSOA11CD --parent WD13CD --parent-level ward
nm aggregate --to ward --within Essex
page=$work/essex.html
bench_run build "$NM" --db "$db" --quiet summary --within Essex -o "$page"
bench_clear build
: > "$work/times"
for ((i = 1; i <= N; i++)); do
    echo "run $i of $N" >&2
    bench_run build "$NM" --db "$db" --quiet summary --within Essex -o "$page"
    python3 "$here/page_timing.py" "$page" ward_imd_score_pw >> "$work/times"
done
med() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ready=$(cut -d' ' -f1 "$work/times" | med)
there=$(cut -d' ' -f2 "$work/times" | med)
back=$(cut -d' ' -f3 "$work/times" | med)
echo "needsmap: $NM; $N runs; page $(stat -c %s "$page") bytes; $(chromium --version 2>/dev/null || echo chromium)"
bench_header
bench_row "needsmap summary --within Essex -o .html" build
echo
echo "in the browser (ms, median of $N; each run: ready switch back):"
sed 's/^/    /' "$work/times"
bench_verdict "interactive after" "$ready" "<=" "$READY_MS" ms
bench_verdict "indicator switch" "$there" "<=" "$SWITCH_MS" ms
bench_verdict "switch back" "$back" "<=" "$SWITCH_MS" ms
exit $BENCH_FAIL
