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

# --- LSOA names on a region: thousands, each placed or listed ----------------
ERR=$(nm --verbose map imd_decile --within E12000002 --labels lsoa -o "$T/nwl.png" 2>&1 >/dev/null)
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

finish
