#!/usr/bin/env bash
# The Southend-on-Sea (E06000033) needs-analysis data set, from the real
# public files in ../shared/data (see README "Data"): boundaries, the
# English Indices of Deprivation 2019, 2010 and 2007, and ONS lookups, into
# one store, then what the store holds.
#   usage: examples/southend/run.sh [NEEDSMAP] [DATA] [OUT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NM=${1:-$here/../../build/needsmap}
DATA=${2:-$here/../../../shared/data}
OUT=${3:-output/southend}
mkdir -p "$OUT"
DB=$OUT/needsmap.sqlite
rm -f "$DB"
nm() { "$NM" --db "$DB" --quiet "$@"; }

nm import boundaries "$DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm import boundaries "$DATA/boundaries/southend/shp/southend_wards13.shp" --level ward
nm import iod "$DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm import iod "$DATA/indicators/imd2010/imd2010_england_lsoa01.csv"
nm import iod "$DATA/indicators/imd2007/imd2007_lsoa01_england.csv"
nm import lookup "$DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" \
   --child LSOA11CD --parent WD13CD --parent-level ward
nm import lookup "$DATA/lookups/ons/LSOA01_LSOA11_LAD11_EW_LU.csv" \
   --child LSOA01CD --parent LSOA11CD --parent-level lsoa
"$NM" --db "$DB" info --level lsoa
