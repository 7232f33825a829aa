#!/usr/bin/env bash
# bench/import.sh: needsmap's whole import (England's LSOA boundaries, then
# the IoD 2019 assembled file) against ogr2ogr loading the same shapefile
# alone into a SpatiaLite file.  Both run alternately in the same session, so
# a busy or slow machine slows both alike; the ratio is what is judged.
#
#   bench/import.sh            N=5 runs of each after one warm-up run
#   N=9 bench/import.sh        more runs
#   NM=/path/needsmap ...      use that binary instead of building one
#   NM_DATA=/path/data ...     the data folder (default ../shared/data)
#
# Every side: median wall, user and system time, peak RSS, page faults and
# the load average before each run (bench/lib.sh).
#
# Target: needsmap's whole import at most 1.5 times ogr2ogr's time (medians
# of wall time), peak memory (RSS) under 200 MB.  Exit status 0 when both
# hold, 1 when not, 2 when the bench cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
data=${NM_DATA:-$repo/../shared/data}
shp=$data/boundaries/england/england_lsoa11.shp
iod=$data/indicators/iod2019/iod2019_lsoa_assembled.csv
MAX_RATIO=1.5
MAX_RSS_MB=200

die() { echo "bench/import.sh: $*" >&2; exit 2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
[[ -f $shp && -f $iod ]] || die "no data in $data (give NM_DATA=DIR; see ../shared/data/README.md)"

# ---- tools and the binary --------------------------------------------------
source "$here/lib.sh"
bench_need_tools gdal-bin:ogr2ogr spatialite-bin:spatialite time:/usr/bin/time
bench_needsmap

bench_init
bench_import "$shp" "$iod" england_lsoa11

# ---- report --------------------------------------------------------------
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ogr_mb=$(size_mb "$BENCH_DIR/ogr.sqlite")
nm_mb=$(size_mb "$BENCH_DIR/nm.sqlite")

echo "needsmap: $NM; $N runs of each (after one warm-up), alternating"
echo "store sizes: ogr2ogr $ogr_mb MB, needsmap $nm_mb MB"
bench_header
bench_row "ogr2ogr, boundaries only" ogr2ogr
bench_row "needsmap import boundaries" nm_boundaries
bench_row "needsmap import iod" nm_iod
bench_row "needsmap whole import (both)" nm_all
echo
bench_ratio "ratio needsmap whole / ogr2ogr" nm_all ogr2ogr "$MAX_RATIO"
bench_limit "peak RSS of needsmap" nm_all rss "<" "$MAX_RSS_MB" MB
exit $BENCH_FAIL
