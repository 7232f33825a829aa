# End to end: the locator inset (`map --locator`), England's regions in grey
# with the council marked, in the corner of the frame that hides the least.
# The marked pixels are found in the PNG where Southend's centre falls when
# England's extent (read with SpatiaLite) is fitted to the inset the
# sidecar gives; without region or district boundaries the command says
# what to import.
source "$(dirname "$0")/lib.bash"
need_data
nm --quiet import boundaries "$NM_DATA/boundaries/southend/shp/southend_lsoa11.shp" --level lsoa
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"

expect_status "a locator without regions stored" 2 nm map imd_decile --within E06000033 --locator -o "$T/none.png"
contains "says what to import" "import boundaries england_eer13.shp --level region" "$ERR"
eq "no map left behind" 0 "$(ls "$T" | grep -c '^none' || true)"
expect_status "a locator needs --within" 2 nm map imd_decile --locator -o "$T/none.png"

nm --quiet import boundaries "$NM_DATA/boundaries/england/england_eer13.shp" --level region
expect_status "map --locator" 0 nm map imd_decile --within E06000033 --locator --dpi 150 -o "$T/loc.png"
inset_box() { python3 -c "
import json; p = json.load(open('$1'))['page']
l, m, k = p.get('locator_mm'), p['map_mm'], p['dpi'] / 25.4
if not l: print('none'); raise SystemExit
inside = l[0] >= m[0] and l[1] >= m[1] and l[0] + l[2] <= m[0] + m[2] and l[1] + l[3] <= m[1] + m[3]
# the inset's own map is drawn 2 mm inside its box
print('%d %d %d %d %s' % ((l[0] + 2) * k, (l[1] + 2) * k, (l[0] + l[2] - 2) * k, (l[1] + l[3] - 2) * k, inside))"; }
BOX=$(inset_box "$T/loc.png.json")
contains "the sidecar gives the inset, inside the frame" "True" "$BOX"
ENG=$(spatial_sql "SELECT min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom)) FROM area WHERE level = 'region'" | tr '|' ' ')
SOU=$(spatial_sql "SELECT (min(MbrMinX(geom)) + max(MbrMaxX(geom))) / 2, (min(MbrMinY(geom)) + max(MbrMaxY(geom))) / 2 FROM area WHERE level = 'lsoa'" | tr '|' ' ')
read -r N OFF _ <<< "$(python3 "$(dirname "$0")/locator.py" "$T/loc.png" ${BOX% *} $ENG $SOU)"
eq "the council is marked in the inset" 1 "$(( N > 20 ))"
eq "where Southend lies in England (within 3% of the inset's width)" 1 "$(echo "$OFF < 0.03" | bc -l)"
expect_status "map --locator to PDF" 0 nm map imd_decile --within E06000033 --locator -o "$T/loc.pdf"
pdftoppm -png -r 100 "$T/loc.pdf" "$T/locpdf"
eq "the PDF's inset marks it too" 1 "$(python3 "$(dirname "$0")/pixel.py" "$T/locpdf-1.png" --count cb181d | awk '{print ($1 > 20)}')"

# --- a whole region: the North West's 4,497 LSOAs marked as one patch over the
# regions (the region is stored by its electoral code, E15, and named by E12),
# drawn over the ground that holds it: the accent covers about the region's
# area at the inset's scale, where the region lies
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa11.shp" --level lsoa
expect_status "map of a region --locator" 0 nm map imd_decile --within E12000002 --locator --dpi 150 -o "$T/nw.png"
BOX=$(inset_box "$T/nw.png.json")
NW=$(spatial_sql "SELECT (min(MbrMinX(a.geom)) + max(MbrMaxX(a.geom))) / 2, (min(MbrMinY(a.geom)) + max(MbrMaxY(a.geom))) / 2, sum(ST_Area(a.geom))
                  FROM area a JOIN membership m ON m.child = a.code AND m.child_level = 'lsoa' AND m.parent_level = 'lad'
                  JOIN membership r ON r.child = m.parent AND r.child_level = 'lad' AND r.parent = 'E12000002'
                  WHERE a.level = 'lsoa'" | tr '|' ' ')
read -r N OFF WANT <<< "$(python3 "$(dirname "$0")/locator.py" "$T/nw.png" ${BOX% *} $ENG $NW)"
eq "the region is filled in the inset (${N:-0} accent pixels of ${WANT:-?} its area covers)" 1 \
   "$(python3 -c "print(int(0.6 * ${WANT:-0} < ${N:-0} < 1.2 * ${WANT:-0}))")"
eq "where the North West lies in England (within 3% of the inset's width)" 1 "$(echo "$OFF < 0.03" | bc -l)"

# --- summary and compare pages carry one too ------------------------------------------
DB=$T/wards.sqlite
southend_wards_store
nm --quiet import localities "$NM_SRC/examples/southend/localities.csv"
nm --quiet aggregate --to locality --within E06000033
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_eer13.shp" --level region
accent() { python3 -c "
import sys
sys.path.insert(0, '$(dirname "$0")')
from pixel import pixels
r, x0 = pixels('$1'), int(${2:-0})
print(sum(1 for y in range(len(r)) for x in range(x0, len(r[0]) // 3)
          if all(abs(a - b) <= 4 for a, b in zip(r[y][3 * x:3 * x + 3], (0xcb, 0x18, 0x1d)))))"; }
expect_status "summary --locator" 0 nm summary --within E06000033 --locator -o "$T/sum.pdf"
nm --quiet summary --within E06000033 -o "$T/sum0.pdf"
pdftoppm -png -r 200 -f 1 -l 1 "$T/sum.pdf" "$T/suml"
pdftoppm -png -r 200 -f 1 -l 1 "$T/sum0.pdf" "$T/sum0"
eq "summary: the overview's inset marks Southend (none without --locator)" "1 0" \
   "$(( $(accent "$T/suml-1.png") > 20 )) $(accent "$T/sum0-1.png")"
# compare: in the legend's column (its last 55 mm), beside the table
expect_status "compare --locator" 0 nm compare Kursaal Victoria Milton --within E06000033 --locator --dpi 150 -o "$T/cmp.png"
nm --quiet compare Kursaal Victoria Milton --within E06000033 --dpi 150 -o "$T/cmp0.png"
COL=$(( (297 - 10 - 55) * 150 * 10 / 254 ))
eq "compare: the inset marks Southend in the legend's column (none without --locator)" "1 0" \
   "$(( $(accent "$T/cmp.png" $COL) > 20 )) $(accent "$T/cmp0.png" $COL)"
finish
