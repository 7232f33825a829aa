# End to end: outlines that show.  A ward map draws a visible border
# between neighbouring wards of one class (sampled in the PNG on their
# shared boundary, read with SpatiaLite); outline width follows the areas'
# size on the page (thinner for crowded LSOAs, as at region or England
# scale) unless --outline-width or --no-outlines says otherwise; greyscale
# outlines over the darkest classes are lighter than the fill, not lost in
# it; and the 10-class greyscale legend says that its greys are closer than
# the 8 CIEDE2000 the default schemes keep.
source "$(dirname "$0")/lib.bash"
need_data
southend_wards_store
side() { python3 -c "import json, sys; d = json.load(open('$1')); print($2)"; }

# --- a ward map: borders between wards of one class ------------------------------
nm --quiet map imd_score_pw --level ward --within E06000033 --dpi 150 -o "$T/w.png"
TOP=$(side "$T/w.png.json" "','.join(\"'\" + a['code'] + \"'\" for a in d['areas'] if a['class'] == len(d['classes']) - 1)")
FILL=$(side "$T/w.png.json" "d['classes'][-1]['colour'][1:]")
# the longest boundary two wards of the top class share, and a vertex in its middle
read -r X Y <<< "$(spatial_sql "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(l, ST_NumPoints(l) / 2 + 1) AS p
    FROM (SELECT ST_GeometryN(ST_Intersection(a.geom, b.geom), 1) AS l, ST_Length(ST_Intersection(a.geom, b.geom)) AS len
          FROM area a, area b WHERE a.level = 'ward' AND b.level = 'ward' AND a.code < b.code
          AND a.code IN ($TOP) AND b.code IN ($TOP) AND ST_Intersects(a.geom, b.geom) ORDER BY len DESC LIMIT 1))" | tr '|' ' ')"
eq "two wards of the top class share a boundary" 1 "$([ -n "$X" ] && echo 1)"
# ink of the line across 7 px: a hairline of 0.1 mm gives about 5, a
# border to see between wards at least 7.5 (1 px of black and more)
INK=$(python3 "$(dirname "$0")/border.py" "$T/w.png" "$X" "$Y" "$FILL")
eq "their border shows (ink $INK >= 7.5)" 1 "$(echo "$INK >= 7.5" | bc -l)"
W_WARD=$(side "$T/w.png.json" "d['page']['outline_mm']")

# --- width by density ----------------------------------------------------------
nm --quiet map imd_decile --within E06000033 -o "$T/l.png" --dpi 60
nm --quiet map imd_decile --within E06000033 --size 100x75mm --legend none -o "$T/small.png" --dpi 60
W_LSOA=$(side "$T/l.png.json" "d['page']['outline_mm']")
W_SMALL=$(side "$T/small.png.json" "d['page']['outline_mm']")
eq "ward borders thicker than a borough's LSOA outlines ($W_WARD, $W_LSOA)" 1 "$(echo "$W_WARD > $W_LSOA" | bc -l)"
eq "crowded LSOAs get thinner outlines ($W_SMALL, $W_LSOA)" 1 "$(echo "$W_SMALL < $W_LSOA" | bc -l)"
nm --quiet map imd_decile --within E06000033 --size 100x75mm --legend none --outline-width 0.3 -o "$T/given.png" --dpi 60
eq "--outline-width still rules" 0.3 "$(side "$T/given.png.json" "d['page']['outline_mm']")"
nm --quiet map imd_decile --within E06000033 --no-outlines -o "$T/none.png" --dpi 60
eq "--no-outlines still rules" 0.0 "$(side "$T/none.png.json" "d['page']['outline_mm']")"

# --- greyscale: outlines seen over every class --------------------------------------
nm --quiet map imd_decile --within E06000033 --greyscale --overlay ward --dpi 300 -o "$T/g.png"
# WCAG contrast ratio of each class's outline with its fill, computed here
LOW=$(python3 -c "
import json
def L(h):
    def lin(c):
        c = int(c, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(h[1:3]) + 0.7152 * lin(h[3:5]) + 0.0722 * lin(h[5:7])
d = json.load(open('$T/g.png.json'))
print('%.2f' % min((max(L(c['colour']), L(c['outline'])) + 0.05) / (min(L(c['colour']), L(c['outline'])) + 0.05) for c in d['classes']))")
eq "every class's outline stands out from its fill (contrast ratio $LOW >= 1.5)" 1 "$(echo "$LOW >= 1.5" | bc -l)"
DARK=$(side "$T/g.png.json" "d['classes'][-1]['outline'][1:]")
DARKFILL=$(side "$T/g.png.json" "d['classes'][-1]['colour'][1:]")
eq "the darkest class's outline is lighter than its fill" 1 "$(python3 -c "print(int(int('$DARK'[:2], 16) > int('$DARKFILL'[:2], 16)))")"
eq "and drawn (pixels of it in the PNG)" 1 "$(python3 "$(dirname "$0")/pixel.py" "$T/g.png" --count "$DARK" | awk '{print ($1 > 200)}')"

# --- the 10-class greyscale limit, said ------------------------------------------------
eq "10 greys: the sidecar says they miss the thresholds" False "$(side "$T/g.png.json" "d['colour_contrast']['meets_thresholds']")"
nm --quiet map imd_decile --within E06000033 --greyscale -o "$T/g.pdf"
contains "and the map says so" "Adjacent classes are as little as 6.4 apart" "$(pdftotext "$T/g.pdf" - | tr '\n' ' ')"
nm --quiet map imd_score --within E06000033 --greyscale --classify quantile:5 -o "$T/g5.png" --dpi 60
eq "5 greys meet them" True "$(side "$T/g5.png.json" "d['colour_contrast']['meets_thresholds']")"

finish
