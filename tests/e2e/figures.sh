# End to end: the figures of councils and regions other than Southend, on
# England's LSOAs and districts.  Every label is placed or reported (the
# North West's districts counted independently from the ONS lookup), and
# the options for the label field and size.
source "$(dirname "$0")/lib.bash"
need_data
LU="$NM_DATA/lookups/derived/LSOA11_LAD19_RGN19_EN.csv"
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lsoa11.shp" --level lsoa
nm --quiet import boundaries "$NM_DATA/boundaries/england/england_lad13.shp" --level lad
nm --quiet import iod "$NM_DATA/indicators/iod2019/iod2019_lsoa_assembled.csv"
nm --quiet import lookup "$LU" --child LSOA11CD --parent RGN19CD --parent-level region
py() { python3 -c "import json, sys; d = json.load(open('$1')); $2"; }

# --- every label placed or reported: the North West's districts ---------------
# the districts of the North West, from the lookup rather than the store
DISTRICTS=$(awk -F, 'NR > 1 && $7 == "E12000002" {print $5}' "$LU" | sort -u)
eq "the North West has 39 districts in the lookup" 39 "$(printf '%s\n' "$DISTRICTS" | grep -c .)"
ERR=$(nm --verbose map imd_decile --within E12000002 --labels lad -o "$T/nw.pdf" 2>&1 >/dev/null)
J="$T/nw.pdf.json"
eq "the sidecar counts every district's label" 39 "$(py "$J" "print(d['labels']['count'])")"
ACCOUNTED=$(py "$J" "print('\n'.join(sorted([l['code'] for l in d['labels']['placed_labels']] + [l['code'] for l in d['labels']['unplaced']])))")
eq "each district placed or listed, once" "$DISTRICTS" "$ACCOUNTED"
eq "a reason for every one left out" 0 "$(py "$J" "print(sum(1 for l in d['labels']['unplaced'] if not l['reason']))")"
TXT=$(pdftotext "$T/nw.pdf" - | tr '\n' ' ')
# names without --overlay: the districts' boundaries place them but are
# not drawn, and the source line must not say they are
contains "labels alone: the source line says what placed the names" \
    "Boundaries: LSOA 2011; names placed by LAD 2013 boundaries." "$TXT"
nm --quiet map imd_decile --within E12000002 --overlay lad --labels lad -o "$T/nwo.pdf"
contains "with --overlay: its outlines are drawn and said" "Boundaries: LSOA 2011; LAD 2013 outlines." \
    "$(pdftotext "$T/nwo.pdf" - | tr '\n' ' ')"
# the six the issue found missing, and every one the sidecar says it placed
for name in Blackpool Manchester Trafford Knowsley "Blackburn with Darwen" Hyndburn; do
    contains "the map names $name" "$name" "$TXT"
    eq "the sidecar places $name" 1 "$(py "$J" "print(sum(1 for l in d['labels']['placed_labels'] if l['text'] == '$name'))")"
done
while IFS= read -r name; do
    contains "placed $name is on the page" "$name" "$TXT"
done < <(py "$J" "print('\n'.join(l['text'] for l in d['labels']['placed_labels']))")
UNPLACED=$(py "$J" "print(len(d['labels']['unplaced']))")
if [ "$UNPLACED" -gt 0 ]; then
    contains "--verbose says how many were left out" "$UNPLACED of 39 lad labels not placed" "$ERR"
    while IFS= read -r code; do
        contains "--verbose lists $code" "$code" "$ERR"
    done < <(py "$J" "print('\n'.join(l['code'] for l in d['labels']['unplaced']))")
fi
eq "smaller sizes stay at or above 5.5 pt" 0 "$(py "$J" "print(sum(1 for l in d['labels']['placed_labels'] if l['pt'] < 5.5))")"

# --- LSOA names on a city: hundreds, each placed or listed --------------------
ERR=$(nm --verbose map imd_decile --within E08000003 --labels lsoa -o "$T/nwl.png" 2>&1 >/dev/null)
J="$T/nwl.png.json"
N=$(py "$J" "print(len(d['areas']))")
eq "every LSOA label accounted for" "$N" "$(py "$J" "print(len(d['labels']['placed_labels']) + len(d['labels']['unplaced']))")"
eq "--verbose lists each one left out" "$(py "$J" "print(len(d['labels']['unplaced']))")" \
   "$(grep -c '^needsmap: map:   E01' <<<"$ERR")"

# --- label field and size ------------------------------------------------------
nm --quiet map imd_decile --within E12000002 --labels lad --label-field code --label-size 6 -o "$T/codes.pdf"
TXT=$(pdftotext "$T/codes.pdf" -)
contains "codes as labels" "E06000009" "$TXT"
eq "no names with --label-field code" 0 "$(grep -c "Blackpool" <<<"$TXT" || true)"
eq "--label-size is the size tried first" 6 "$(py "$T/codes.pdf.json" "print('%g' % max(l['pt'] for l in d['labels']['placed_labels']))")"
expect_status "bad label field" 2 nm map imd_decile --within E12000002 --labels lad --label-field colour -o "$T/x.png"
expect_status "bad label size" 2 nm map imd_decile --within E12000002 --labels lad --label-size 0 -o "$T/x.png"

# --- context: the neighbours in grey, the sea plain, the council unchanged ----
nm --quiet map imd_decile --within E06000009 -o "$T/bp.png"
J="$T/bp.png.json"
# the frame in BNG metres, from the page's georeference
read -r FX0 FY0 FX1 FY1 < <(py "$J" "p = d['page']; w = p['world_file']; k = p['dpi'] / 25.4; m = p['map_mm']
print(w[4] + (m[0] * k - 0.5) * w[0], w[5] + ((m[1] + m[3]) * k - 0.5) * w[3], w[4] + ((m[0] + m[2]) * k - 0.5) * w[0], w[5] + (m[1] * k - 0.5) * w[3])")
points() { # SQL condition on LSOA codes -> "code x y" of interior points inside the frame
    spatial_sql "SELECT code, X(p), Y(p) FROM (SELECT code, ST_PointOnSurface(geom) p FROM area
      WHERE level = 'lsoa' AND $1) WHERE X(p) BETWEEN $FX0 + 300 AND $FX1 - 300
      AND Y(p) BETWEEN $FY0 + 300 AND $FY1 - 300 ORDER BY code LIMIT 5" | tr '|' ' '
}
NEIGH=$(points "code NOT IN (SELECT child FROM membership WHERE parent = 'E06000009')")
eq "neighbouring LSOAs inside Blackpool's frame" 5 "$(printf '%s\n' "$NEIGH" | grep -c .)"
while read -r code x y; do
    eq "neighbour $code drawn light grey" e9e9e9 "$(python3 "$(dirname "$0")/pixel.py" "$T/bp.png" "$x" "$y")"
done <<<"$NEIGH"
OWN=$(points "code IN (SELECT child FROM membership WHERE parent = 'E06000009')")
while read -r code x y; do
    want=$(py "$J" "c = [a['class'] for a in d['areas'] if a['code'] == '$code'][0]; print(d['classes'][c]['colour'][1:])")
    eq "Blackpool's $code keeps its class colour" "$want" "$(python3 "$(dirname "$0")/pixel.py" "$T/bp.png" "$x" "$y")"
done <<<"$OWN"
# the Irish Sea, 1 km off the promenade inside the frame's west edge: no
# boundaries there, so it stays white
eq "the sea stays plain" ffffff "$(python3 "$(dirname "$0")/pixel.py" "$T/bp.png" "$(echo "$FX0 + 100" | bc)" "$(echo "($FY0 + $FY1) / 2" | bc)")"
nm --quiet map imd_decile --within E06000009 --no-context -o "$T/bp0.png"
read -r code x y <<<"$(printf '%s\n' "$NEIGH" | head -1)"
eq "--no-context leaves neighbours white" ffffff "$(python3 "$(dirname "$0")/pixel.py" "$T/bp0.png" "$x" "$y")"

# --- a .prj beside the world file ---------------------------------------------
contains ".prj is British National Grid in ESRI WKT" 'PROJCS["British_National_Grid"' "$(cat "$T/bp.prj" 2>/dev/null)"
contains ".prj has the OSGB 1936 datum" 'D_OSGB_1936' "$(cat "$T/bp.prj" 2>/dev/null)"

# --- figures for documents: any size, no page furniture, legend position ------
nm --quiet map imd_decile --within E06000009 --size 160x120mm --figure -o "$T/fig.pdf"
contains "a 160 x 120 mm page" "453.543 x 340.157 pts" "$(pdfinfo "$T/fig.pdf")"
FTXT=$(pdftotext "$T/fig.pdf" -)
eq "a figure has no title" 0 "$(grep -c "Index of Multiple Deprivation (IMD) decile, 2019" <<<"$FTXT" || true)"
contains "a figure keeps its attribution" "Contains OS data" "$FTXT"
contains "and its legend" "National decile" "$FTXT"
nm --quiet map imd_decile --within E06000009 --size 160x120mm --figure --legend none -o "$T/fig0.pdf"
eq "--legend none" 0 "$(pdftotext "$T/fig0.pdf" - | grep -c "National decile" || true)"
for dpi in 150 300; do
    nm --quiet map imd_decile --within E12000002 --size 160x120 --figure --legend inside --dpi $dpi -o "$T/fig$dpi.png"
done
eq "inside: the frame takes the figure's whole width" 156 "$(py "$T/fig150.png.json" "print('%g' % d['page']['map_mm'][2])")"
eq "the same layout in mm at 150 and 300 dpi" "$(py "$T/fig150.png.json" "print(d['page']['map_mm'], d['page']['scale'])")" \
   "$(py "$T/fig300.png.json" "print(d['page']['map_mm'], d['page']['scale'])")"
eq "300 dpi is twice the pixels" "1890 1417" "$(py "$T/fig300.png.json" "print(d['page']['width_px'], d['page']['height_px'])")"
expect_status "a bad size" 2 nm map imd_decile --within E06000009 --size 160 -o "$T/x.png"
expect_status "a bad legend position" 2 nm map imd_decile --within E06000009 --legend left -o "$T/x.png"

# --- outlines ------------------------------------------------------------------
# outlines are each class's colour darkened by 0.4: count those pixels
for v in default none thick; do
    case $v in default) o=;; none) o=--no-outlines;; thick) o="--outline-width 0.5";; esac
    nm --quiet map imd_decile --within E06000009 --no-context --dpi 300 $o -o "$T/ol_$v.png"
done
DARK=$(py "$T/ol_default.png.json" "print(','.join('%02x%02x%02x' % tuple(int(int(c['colour'][i:i + 2], 16) * 0.6) for i in (1, 3, 5)) for c in d['classes']))")
N_DEF=$(python3 "$(dirname "$0")/pixel.py" "$T/ol_default.png" --count "$DARK")
eq "outlines drawn by default" 1 "$([ "$N_DEF" -gt 1000 ] && echo 1)"
eq "--no-outlines draws none" 0 "$(python3 "$(dirname "$0")/pixel.py" "$T/ol_none.png" --count "$DARK")"
eq "--outline-width 0.5 draws more" 1 "$([ "$(python3 "$(dirname "$0")/pixel.py" "$T/ol_thick.png" --count "$DARK")" -gt $((N_DEF * 2)) ] && echo 1)"

finish
