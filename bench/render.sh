#!/usr/bin/env bash
# bench/render.sh: the same choropleth (IMD 2019 national deciles, thin
# outlines, A4 at 300 dpi) drawn by needsmap and by MapServer (map2img:
# AGG for PNG, Cairo for PDF), side by side in one run, for all 32,844
# LSOAs of England and for Southend-on-Sea's 107.
#
#   bench/render.sh            # N=5 repetitions, ../shared/data
#   N=3 NM=build/needsmap NM_DATA=/path/to/data bench/render.sh
#
# Both sides draw from the same shapefile geometry and the same decile
# of every LSOA (joined into the shapefile for MapServer in an untimed
# preparation step). needsmap's page also carries a title, legend, scale
# bar, north arrow and attribution; MapServer's draws the map alone, so
# the comparison favours MapServer slightly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-5}
DATA=${NM_DATA:-$repo/../shared/data}
W=$(mktemp -d /tmp/nm-bench-render.XXXXXX)
trap 'rm -rf "$W"' EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need map2img || ! need ogr2ogr || ! [ -x /usr/bin/time ] || ! need pdftoppm; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mapserver-bin gdal-bin time poppler-utils >/dev/null
fi
if [ -z "${NM:-}" ]; then
  cmake -S "$repo" -B "$here/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$here/build" -j2 >/dev/null
  NM=$here/build/needsmap
fi

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

# run LABEL OUTFILE COMMAND...: appends "seconds max_rss_kb" to $W/LABEL.times
run() {
  local label=$1 out=$2; shift 2
  rm -f "$out"
  /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; cat "$W/t" >&2; exit 2; }
  cat "$W/t" >> "$W/$label.times"
  stat -c %s "$out" > "$W/$label.size"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for area in england southend; do
  mapfile_for $area
  # one untimed warm-up of each, then alternate
  map2img -m "$W/$area.map" -i png -o "$W/warm.png" >/dev/null 2>&1
  "$NM" --quiet --db "$W/$area.sqlite" map imd_decile --dpi 300 --portrait --no-sidecar -o "$W/warm.png"
  for i in $(seq "$N"); do
    run "$area-ms-png" "$W/ms.png" map2img -m "$W/$area.map" -i png -o "$W/ms.png"
    run "$area-nm-png" "$W/nm.png" "$NM" --quiet --db "$W/$area.sqlite" map imd_decile --dpi 300 --portrait --no-sidecar -o "$W/nm.png"
    run "$area-ms-pdf" "$W/ms.pdf" map2img -m "$W/$area.map" -i pdf -o "$W/ms.pdf"
    run "$area-nm-pdf" "$W/nm.pdf" "$NM" --quiet --db "$W/$area.sqlite" map imd_decile --portrait --no-sidecar -o "$W/nm.pdf"
  done
  if [ "$area" = england ]; then
    mkdir -p "${KEEP:-$W}"
    cp "$W/ms.png" "$W/nm.png" "$W/ms.pdf" "$W/nm.pdf" "${KEEP:-$W}/" 2>/dev/null || true
  fi
done

echo
printf "%-10s %-22s %9s %9s %9s %10s %11s\n" area tool median min max "RSS MB" "size KB"
status=0
for area in england southend; do
  for t in ms-png nm-png ms-pdf nm-pdf; do
    f=$W/$area-$t.times
    med=$(cut -d' ' -f1 "$f" | median); mn=$(cut -d' ' -f1 "$f" | sort -n | head -1); mx=$(cut -d' ' -f1 "$f" | sort -n | tail -1)
    rss=$(cut -d' ' -f2 "$f" | sort -n | tail -1)
    case $t in ms-png) name="MapServer AGG PNG";; nm-png) name="needsmap PNG";; ms-pdf) name="MapServer Cairo PDF";; nm-pdf) name="needsmap PDF";; esac
    printf "%-10s %-22s %9.2f %9.2f %9.2f %10d %11d\n" $area "$name" "$med" "$mn" "$mx" $((rss / 1024)) $(( $(cat "$W/$area-$t.size") / 1024 ))
    eval "${area}_${t//-/_}_t=$med; ${area}_${t//-/_}_rss=$rss; ${area}_${t//-/_}_size=$(cat "$W/$area-$t.size")"
  done
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r <= t) ? "PASS" : "FAIL"}'; }
r1=$(ratio "$england_nm_png_t" "$england_ms_png_t"); v1=$(verdict "$r1" 0.5)
r2=$(ratio "$england_nm_pdf_t" "$england_ms_pdf_t"); v2=$(verdict "$r2" 0.5)
r3=$(ratio "$england_nm_pdf_size" "$england_ms_pdf_size"); v3=$(verdict "$r3" 0.5)
peak=$(( $(printf "%s\n" "$england_nm_png_rss" "$england_nm_pdf_rss" | sort -n | tail -1) / 1024 ))
v4=$(awk -v m="$peak" 'BEGIN {print (m < 150) ? "PASS" : "FAIL"}')
echo "England PNG time, needsmap / MapServer AGG:   $r1 (target <= 0.5): $v1"
echo "England PDF time, needsmap / MapServer Cairo: $r2 (target <= 0.5): $v2"
echo "England PDF size, needsmap / MapServer Cairo: $r3 (target <= 0.5): $v3"
echo "needsmap peak memory: $peak MB (target < 150 MB): $v4"
echo "Southend PNG time ratio: $(ratio "$southend_nm_png_t" "$southend_ms_png_t"), PDF: $(ratio "$southend_nm_pdf_t" "$southend_ms_pdf_t")"
for v in $v1 $v2 $v3 $v4; do [ "$v" = PASS ] || status=1; done
exit $status
