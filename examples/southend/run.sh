#!/usr/bin/env bash
# The Southend-on-Sea (E06000033) needs-analysis data set, from the real
# public files in ../shared/data (see README "Data"): boundaries, the
# English Indices of Deprivation 2019, 2010 and 2007, and ONS lookups, into
# one store, then the five LSOA maps of the plan.
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

LA=E06000033
map() { "$NM" --db "$DB" map "$@"; }
# 1. Index of Multiple Deprivation, national deciles, wards outlined and named
map imd_decile --within $LA --overlay ward --labels ward \
    --title "Index of Multiple Deprivation 2019" -o "$OUT/imd2019_deciles.png"
# 2. LSOAs among the 20% most deprived of the East of England (regional quintiles)
map imd_rank --within $LA --rank region --classify quintiles --overlay ward --labels ward \
    --title "Deprivation compared with the East of England (IMD 2019)" -o "$OUT/imd2019_region_quintiles.png"
# 3. IDACI rank within Southend (local quintiles)
map idaci_rank --within $LA --rank local --classify quintiles --overlay ward \
    --title "IDACI rank within Southend-on-Sea, 2019" -o "$OUT/idaci2019_local_quintiles.png"
# 4. IDACI compared to national data (national deciles)
map idaci_decile --within $LA --overlay ward \
    --title "IDACI rank compared to national data, 2019" -o "$OUT/idaci2019_national_deciles.pdf"
# 5. Education, Skills and Training deprivation by LSOA (national deciles)
map education_decile --within $LA --overlay ward \
    --title "Education deprivation by LSOA, 2019" -o "$OUT/education2019_deciles.png"
echo "maps written to $OUT"
