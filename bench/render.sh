#!/usr/bin/env bash
# bench/render.sh: the same choropleth (IMD 2019 national deciles, thin
# outlines, A4 portrait at 300 dpi) drawn by needsmap and by MapServer
# (map2img: AGG for PNG, Cairo for PDF), side by side in one run, for all
# 32,844 LSOAs of England and for Southend-on-Sea's 107.
#
#   bench/render.sh            # N=5 repetitions, ../shared/data
#   N=7 NM=build/needsmap NM_DATA=/path/to/data bench/render.sh
#
# needsmap runs as a user types it: `map imd_decile --dpi 300 --portrait -o
# FILE`, which also writes the JSON sidecar; England is drawn once more with
# --no-sidecar to show what the sidecar costs.  Both sides draw from the
# same shapefile geometry and the same decile of every LSOA (joined into
# the shapefile for MapServer in an untimed preparation step).  needsmap's
# page also carries a title, legend, scale bar, north arrow and
# attribution; MapServer's draws the map alone, so the comparison favours
# MapServer slightly.  Every side: median wall, user and system time, peak
# RSS, page faults, and the load average before each run (bench/lib.sh).
#
# Targets (issue 16): England PNG at most 0.5 of MapServer AGG's time; the
# sidecar at most 10% more than without; England PDF at most half
# MapServer Cairo's time and size; Southend's PNG in at most 0.1 s; peak
# memory under 150 MB.  Exit 0 when all hold, 1 when not, 2 when the
# bench cannot run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
DATA=${NM_DATA:-$repo/../shared/data}
die() { echo "bench/render.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$N'"
source "$here/lib.sh"
bench_need_tools mapserver-bin:map2img gdal-bin:ogr2ogr time:/usr/bin/time poppler-utils:pdftoppm
bench_needsmap
bench_init
W=$BENCH_DIR

echo "== preparing (not timed)"
ENG=$DATA/boundaries/england/england_lsoa11.shp
SOU=$DATA/boundaries/southend/shp/southend_lsoa11.shp
IOD=$DATA/indicators/iod2019/iod2019_lsoa_assembled.csv
for area in england southend; do
  shp=$ENG; [ $area = southend ] && shp=$SOU
  "$NM" --quiet --db "$W/$area.sqlite" import boundaries "$shp" --level lsoa
  "$NM" --quiet --db "$W/$area.sqlite" import iod "$IOD" 2>/dev/null
  # the decile joined onto the boundaries for MapServer, through SQLite so
  # that the join is indexed (OGR's own SQL joins row by row)
  rm -f "$W/prep.gpkg"
  ogr2ogr -f GPKG "$W/prep.gpkg" "$shp" -nln s -nlt MULTIPOLYGON
  ogr2ogr -update "$W/prep.gpkg" "$IOD" -nln i
  ogr2ogr -f "ESRI Shapefile" "$W/${area}_dec.shp" "$W/prep.gpkg" -nln "${area}_dec" -dialect SQLite -sql \
    "SELECT s.geom, s.LSOA11CD, CAST(i.\"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\" AS integer) AS dec FROM s JOIN i ON i.\"LSOA code (2011)\" = s.LSOA11CD"
done
# the YlOrRd colours needsmap uses for 10 classes, most deprived first
COLOURS=$(sed -n 's/.*"colour": *"#\(..\)\(..\)\(..\)".*/\1 \2 \3/p' < <(
  "$NM" --quiet --db "$W/southend.sqlite" map imd_decile -o "$W/probe.png" && cat "$W/probe.png.json") | tac)

mapfile_for() { # AREA FORMAT -> writes $W/AREA.map
  local area=$1 ext
  ext=$(ogrinfo -so -al "$W/${area}_dec.shp" | sed -n 's/^Extent: (\(.*\), \(.*\)) - (\(.*\), \(.*\))/\1 \2 \3 \4/p')
  {
    echo "MAP"
    echo "  EXTENT $ext"
    echo "  SIZE 2480 3508"        # A4 portrait at 300 dpi
    echo "  RESOLUTION 300"
    echo "  DEFRESOLUTION 300"
    echo "  UNITS METERS"
    echo "  IMAGECOLOR 255 255 255"
    echo "  OUTPUTFORMAT NAME 'png' DRIVER AGG/PNG MIMETYPE 'image/png' IMAGEMODE RGB EXTENSION 'png' FORMATOPTION 'COMPRESSION=3' END"
    echo "  OUTPUTFORMAT NAME 'pdf' DRIVER CAIRO/PDF MIMETYPE 'application/x-pdf' IMAGEMODE RGB EXTENSION 'pdf' END"
    echo "  LAYER NAME '${area}' TYPE POLYGON STATUS DEFAULT DATA '$W/${area}_dec.shp' CLASSITEM 'dec'"
    local d=1
    while read -r r g b; do
      printf "    CLASS EXPRESSION '%d' STYLE COLOR %d %d %d OUTLINECOLOR %d %d %d WIDTH 0.4 END END\n" \
        "$d" "0x$r" "0x$g" "0x$b" "$(( (0x$r * 6) / 10 ))" "$(( (0x$g * 6) / 10 ))" "$(( (0x$b * 6) / 10 ))"
      d=$((d + 1))
    done <<< "$COLOURS"
    echo "  END"
    echo "END"
  } > "$W/$area.map"
}

for area in england southend; do
  mapfile_for $area
  nm=("$NM" --quiet --db "$W/$area.sqlite" map imd_decile)
  # one untimed warm-up of each, then alternate
  map2img -m "$W/$area.map" -i png -o "$W/warm.png" >/dev/null 2>&1
  "${nm[@]}" --dpi 300 --portrait -o "$W/warm.png"
  for i in $(seq "$N"); do
    bench_run "$area-ms-png" map2img -m "$W/$area.map" -i png -o "$W/ms.png"
    bench_run "$area-nm-png" "${nm[@]}" --dpi 300 --portrait -o "$W/nm.png"
    [ $area = england ] && bench_run "$area-nm-png-bare" "${nm[@]}" --dpi 300 --portrait --no-sidecar -o "$W/nm-bare.png"
    bench_run "$area-ms-pdf" map2img -m "$W/$area.map" -i pdf -o "$W/ms.pdf"
    bench_run "$area-nm-pdf" "${nm[@]}" --portrait -o "$W/nm.pdf"
  done
  for f in ms.png nm.png ms.pdf nm.pdf; do stat -c %s "$W/$f" >"$W/$area-$f.size"; done
  if [ "$area" = england ] && [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"
    cp "$W/ms.png" "$W/nm.png" "$W/ms.pdf" "$W/nm.pdf" "$KEEP/"
  fi
done

echo
echo "needsmap: $NM; $N runs of each, alternating"
bench_header
for area in england southend; do
  bench_row "$area: MapServer AGG PNG" $area-ms-png
  bench_row "$area: needsmap PNG (with its sidecar)" $area-nm-png
  [ $area = england ] && bench_row "$area: needsmap PNG --no-sidecar" $area-nm-png-bare
  bench_row "$area: MapServer Cairo PDF" $area-ms-pdf
  bench_row "$area: needsmap PDF (with its sidecar)" $area-nm-pdf
done
echo
size() { cat "$W/$1.size"; }
bench_ratio "England PNG time, needsmap / MapServer AGG" england-nm-png england-ms-png 0.5
bench_ratio "England PNG time, with the sidecar / without" england-nm-png england-nm-png-bare 1.10
bench_ratio "England PDF time, needsmap / MapServer Cairo" england-nm-pdf england-ms-pdf 0.5
bench_verdict "England PDF size, needsmap / MapServer Cairo" \
  "$(awk -v a="$(size england-nm.pdf)" -v b="$(size england-ms.pdf)" 'BEGIN { printf "%.2f", a / b }')" "<=" 0.5 "" \
  "($(( $(size england-nm.pdf) / 1024 )) KB against $(( $(size england-ms.pdf) / 1024 )) KB)"
bench_limit "Southend PNG A4 300 dpi, needsmap median wall" southend-nm-png wall "<=" 0.1 s
peak=$(for n in england-nm-png england-nm-pdf southend-nm-png southend-nm-pdf; do bench_stat $n rss max; done | sort -n | tail -1)
bench_verdict "needsmap peak memory" "$((peak / 1024))" "<" 150 MB
echo "Southend time ratios (information): PNG $(awk -v a="$(bench_stat southend-nm-png wall)" -v b="$(bench_stat southend-ms-png wall)" 'BEGIN { printf "%.2f", a / b }')," \
  "PDF $(awk -v a="$(bench_stat southend-nm-pdf wall)" -v b="$(bench_stat southend-ms-pdf wall)" 'BEGIN { printf "%.2f", a / b }')"
exit $BENCH_FAIL
