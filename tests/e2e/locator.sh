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
BOX=$(python3 -c "
import json; p = json.load(open('$T/loc.png.json'))['page']
l, m, k = p.get('locator_mm'), p['map_mm'], p['dpi'] / 25.4
if not l: print('none'); raise SystemExit
inside = l[0] >= m[0] and l[1] >= m[1] and l[0] + l[2] <= m[0] + m[2] and l[1] + l[3] <= m[1] + m[3]
# the inset's own map is drawn 2 mm inside its box
print('%d %d %d %d %s' % ((l[0] + 2) * k, (l[1] + 2) * k, (l[0] + l[2] - 2) * k, (l[1] + l[3] - 2) * k, inside))")
contains "the sidecar gives the inset, inside the frame" "True" "$BOX"
ENG=$(spatial_sql "SELECT min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom)) FROM area WHERE level = 'region'" | tr '|' ' ')
SOU=$(spatial_sql "SELECT (min(MbrMinX(geom)) + max(MbrMaxX(geom))) / 2, (min(MbrMinY(geom)) + max(MbrMaxY(geom))) / 2 FROM area WHERE level = 'lsoa'" | tr '|' ' ')
read -r N OFF <<< "$(python3 "$(dirname "$0")/locator.py" "$T/loc.png" ${BOX% *} $ENG $SOU)"
eq "the council is marked in the inset" 1 "$(( N > 20 ))"
eq "where Southend lies in England (within 3% of the inset's width)" 1 "$(echo "$OFF < 0.03" | bc -l)"
expect_status "map --locator to PDF" 0 nm map imd_decile --within E06000033 --locator -o "$T/loc.pdf"
pdftoppm -png -r 100 "$T/loc.pdf" "$T/locpdf"
eq "the PDF's inset marks it too" 1 "$(python3 "$(dirname "$0")/pixel.py" "$T/locpdf-1.png" --count cb181d | awk '{print ($1 > 20)}')"
finish
