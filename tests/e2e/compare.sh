# End to end: the ward comparison's maps at one shared, stated scale with
# one scale bar, on Southend's wards of very different sizes (Westborough
# 1.4 km across, Shoeburyness 3.1 km).  Each panel's scale is measured in
# the PNG (pixels of shaded LSOAs against the LSOAs' extent read with
# SpatiaLite), compared with the others and with the scale the page states.
source "$(dirname "$0")/lib.bash"
need_data
southend_wards_store

WARDS="Westborough Shoeburyness Kursaal"
# the extent of each ward's LSOAs, as the panels draw them
exts() {
    for w in $WARDS; do
        spatial_sql "SELECT (max(MbrMaxX(a.geom)) - min(MbrMinX(a.geom))) || ',' ||
                            (max(MbrMaxY(a.geom)) - min(MbrMinY(a.geom)))
                     FROM area a JOIN membership m ON m.child = a.code AND m.child_level = 'lsoa'
                     JOIN area p ON p.code = m.parent AND p.level = 'ward'
                     WHERE a.level = 'lsoa' AND p.name = '$w'"
    done
}
EXTS=$(exts | tr '\n' ' ')

OUT=$(nm compare $WARDS --within E06000033 --dpi 150 -o "$T/cmp.png" 2>&1)
contains "compare states the scale" "every map at 1:" "$OUT"
DENOM=$(printf '%s\n' "$OUT" | sed -n 's/.*every map at 1:\([0-9]*\).*/\1/p')
MEAS=$(python3 "$(dirname "$0")/panels.py" "$T/cmp.png" 150 $EXTS)
SPREAD=$(printf '%s\n' "$MEAS" | tail -1)
eq "every panel at one scale (largest relative difference under 3%)" 1 \
   "$(echo "$SPREAD < 0.03" | bc -l)"
# the stated scale is the one drawn: 150 dpi at 1:DENOM is 150/25.4*1000/DENOM px per metre
WANT=$(echo "150 / 25.4 * 1000 / ${DENOM:-1}" | bc -l)
FIRST=$(printf '%s\n' "$MEAS" | head -1 | cut -d' ' -f1)
eq "the scale drawn is the one stated (within 3%)" 1 \
   "$(echo "define a(x) { if (x < 0) return -x; return x; }; a($FIRST / $WANT - 1) < 0.03" | bc -l)"

nm --quiet compare $WARDS --within E06000033 -o "$T/cmp.pdf"
TXT=$(pdftotext -layout "$T/cmp.pdf" -)
contains "the page states the scale" "Every map at 1:" "$TXT"
contains "the subtitle says one scale" "at one scale" "$TXT"
eq "one scale bar, in km" 1 "$(printf '%s\n' "$TXT" | grep -cE '^ *0 +[0-9.]+ +[0-9.]+ +km *$|[^0-9]0 +[0-9.]+ +[0-9.]+ +km *$')"

# the neighbours around a small ward are drawn in grey, the sea left white
eq "context around the panels" 1 "$(python3 "$(dirname "$0")/pixel.py" "$T/cmp.png" --count e9e9e9 | awk '{print ($1 > 1000)}')"

# the web page's panels at one scale too: every ward's SVG the same viewBox
# and metres per unit, wide enough for the largest ward's LSOAs, with the
# same scale bar (a round length, drawn at that scale)
nm --quiet compare $WARDS --within E06000033 -o "$T/cmp.html"
HT=$(python3 - "$T/cmp.html" $EXTS <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
exts = [tuple(float(v) for v in e.split(",")) for e in sys.argv[2:]]
svgs = re.findall(r'<svg class="map" id="map-(\d+)" viewBox="0 0 ([\d.]+) ([\d.]+)"([^>]*)>(.*?)</svg>', page, re.S)
boxes = {(w, h) for _, w, h, _, _ in svgs}
mpp = [re.search(r'data-m-per-pt="([\d.]+)"', a) for _, _, _, a, _ in svgs]
mpp = [float(m.group(1)) if m else 0 for m in mpp]
bars = [re.search(r'<g class="scalebar" data-m="([\d.]+)" data-pt="([\d.]+)"', b) for *_, b in svgs]
bars = {(m.group(1), m.group(2)) if m else None for m in bars}
(bm, bpt), = bars if len(bars) == 1 and None not in bars else ((0, 0),)
w = float(svgs[0][1]) * mpp[0] if mpp[0] else 0
fits = all(ew <= w and eh <= float(svgs[0][2]) * mpp[0] for ew, eh in exts)
print(len(svgs), len(boxes), len(set(mpp)), int(mpp[0] > 0), len(bars),
      int(abs(float(bpt) * mpp[0] - float(bm)) < 0.5 if mpp[0] else 0), int(fits))
PY
)
eq "html: 3 ward maps, one viewBox, one scale, one scale bar drawn at it, the largest ward fits" "3 1 1 1 1 1 1" "$HT"
contains "html: the page says so" "Every map at one scale, with its scale bar." "$(cat "$T/cmp.html")"

finish
