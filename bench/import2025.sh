#!/usr/bin/env bash
# bench/import2025.sh: needsmap's import of the 2021 geography and IoD 2025
# (england_lsoa21_bsc.geojson, then iod2025_lsoa21_assembled.csv) against
# ogr2ogr loading the GeoJSON alone into a SpatiaLite file.  Both run
# alternately in one session, so a busy machine slows both alike; the ratio
# of median wall times is what is judged (target <= 1.5, issue 11).
#
#   bench/import2025.sh         N=5 runs of each after one warm-up run
#   N=9 bench/import2025.sh     more runs
#   NM=/path/needsmap ...       use that binary instead of building one
#   NM_DATA=/path/data ...      the data folder (default ../shared/data)
#
# Every side: median wall, user and system time, peak RSS, page faults and
# the load average before each run (bench/lib.sh).  Exit status 0 when the ratio
# holds, 1 when not, 2 when the bench cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
data=${NM_DATA:-$repo/../shared/data}
geojson=$data/boundaries/england/england_lsoa21_bsc.geojson
iod=$data/indicators/iod2025/iod2025_lsoa21_assembled.csv
MAX_RATIO=1.5

die() { echo "bench/import2025.sh: $*" >&2; exit 2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ -f $geojson && -f $iod ]] || die "no data in $data (give NM_DATA=DIR; see ../shared/data/README.md)"

source "$here/lib.sh"
bench_need_tools gdal-bin:ogr2ogr time:/usr/bin/time
bench_needsmap
bench_init
bench_import "$geojson" "$iod" england_lsoa21

echo "needsmap: $NM; $N runs each after one warm-up, alternating"
bench_header
bench_row "ogr2ogr, GeoJSON only" ogr2ogr
bench_row "needsmap import boundaries" nm_boundaries
bench_row "needsmap import iod" nm_iod
bench_row "needsmap both" nm_all
echo
bench_ratio "ratio needsmap both / ogr2ogr (wall)" nm_all ogr2ogr "$MAX_RATIO"
exit $BENCH_FAIL
