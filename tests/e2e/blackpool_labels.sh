# End to end: every label placed or reported (issue 12).  A ward map of
# Blackpool (E06000009, 21 wards, a long thin town between the sea and
# its neighbours) drawn as a small document figure, 90 x 120 mm with
# --figure, names every one of its 21 wards: inside its area, smaller, or
# on a leader line, never below the smallest size (5.5 pt).  The names'
# boxes (from the sidecar) lie inside the map's frame and meet no other
# name; no leader line crosses another or a name other than its own.  A
# figure too small for its names lists each one left out, with why, in
# the sidecar and under --verbose.
source "$(dirname "$0")/lib.bash"
need_data
blackpool_wards_store
nm --quiet aggregate --to ward --within E06000009
WARDS=$(awk -F, 'NR > 1 && $3 == "E06000009" {print $5}' "$NM_DATA/lookups/derived/LSOA11_WD13_pointonsurface_EN.csv" | sort -u)
eq "Blackpool has 21 wards in the lookup" 21 "$(printf '%s\n' "$WARDS" | grep -c .)"
py() { python3 -c "import json, sys; d = json.load(open('$1')); $2"; }

# geometry J: the problems of the placed names, one a line ("" when none):
# a box outside the frame, two boxes that meet, a leader line that crosses
# another or a box other than its own's
geometry() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fx, fy, fw, fh = d['page']['map_mm']
ls = d['labels']['placed_labels']
eps = 0.01
def meet(a, b):
    return a[0] < b[0] + b[2] - eps and b[0] < a[0] + a[2] - eps and \
           a[1] < b[1] + b[3] - eps and b[1] < a[1] + a[3] - eps
def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 1e-9) - (v < -1e-9)
def cross(s, t):
    p, q, r, u = s[:2], s[2:], t[:2], t[2:]
    return orient(p, q, r) * orient(p, q, u) < 0 and orient(r, u, p) * orient(r, u, q) < 0
def seg_box(s, b):  # the segment meets the box (sampled finely)
    for i in range(201):
        x = s[0] + (s[2] - s[0]) * i / 200
        y = s[1] + (s[3] - s[1]) * i / 200
        if b[0] + eps < x < b[0] + b[2] - eps and b[1] + eps < y < b[1] + b[3] - eps:
            return True
    return False
out = []
for i, a in enumerate(ls):
    b = a.get('box_mm')
    if not b:
        out.append(a['text'] + ' has no box_mm')
        continue
    if b[0] < fx - eps or b[1] < fy - eps or b[0] + b[2] > fx + fw + eps or b[1] + b[3] > fy + fh + eps:
        out.append(a['text'] + ' clipped by the frame')
    for c in ls[i + 1:]:
        if c.get('box_mm') and meet(b, c['box_mm']):
            out.append(a['text'] + ' meets ' + c['text'])
    if 'leader_mm' in a:
        for c in ls:
            if c is a:
                continue
            if c.get('box_mm') and seg_box(a['leader_mm'], c['box_mm']):
                out.append('the leader of ' + a['text'] + ' crosses ' + c['text'])
            if 'leader_mm' in c and cross(a['leader_mm'], c['leader_mm']):
                out.append('the leader of ' + a['text'] + ' crosses the leader of ' + c['text'])
print('\n'.join(out))
PY
}

# --- the figure of the issue: 21 of 21 named --------------------------------
ERR=$(nm --verbose map imd_score_pw --within E06000009 --level ward --labels ward \
      --size 90x120mm --figure -o "$T/bp.png" 2>&1 >/dev/null)
J="$T/bp.png.json"
eq "the sidecar counts 21 ward labels" 21 "$(py "$J" "print(d['labels']['count'])")"
eq "every ward placed, smaller or on a leader line" "$WARDS" \
   "$(py "$J" "print('\n'.join(sorted(l['text'] for l in d['labels']['placed_labels'] if l['status'] in ('placed', 'smaller', 'leader'))))")"
eq "none left out" 0 "$(py "$J" "print(len(d['labels']['unplaced']))")"
eq "no 'not placed' line" 0 "$(grep -c 'not placed' <<<"$ERR" || true)"
eq "no name below 5.5 pt" 0 "$(py "$J" "print(sum(1 for l in d['labels']['placed_labels'] if l['pt'] < 5.5 - 1e-9))")"
eq "names inside the frame, apart; leader lines clear" "" "$(geometry "$J")"
# the same at A4, and as a PDF (its text holds every name)
nm --quiet map imd_score_pw --within E06000009 --level ward --labels ward -o "$T/a4.pdf"
eq "A4: every ward named" 21 "$(py "$T/a4.pdf.json" "print(d['labels']['placed'])")"
eq "A4: names apart, leader lines clear" "" "$(geometry "$T/a4.pdf.json")"
TXT=$(pdftotext "$T/a4.pdf" - | tr '\n' ' ')
MISSING=""
while IFS= read -r w; do
    case "$TXT" in *"$w"*) ;; *) MISSING="$MISSING $w" ;; esac
done <<<"$WARDS"
eq "A4: the PDF's text holds every ward's name" "" "$MISSING"

# --- too small for its names: each one left out listed, with why -------------
ERR=$(nm --verbose map imd_score_pw --within E06000009 --level ward --labels ward \
      --size 80x100mm --figure --label-size 12 -o "$T/small.png" 2>&1 >/dev/null)
J="$T/small.png.json"
N=$(py "$J" "print(len(d['labels']['unplaced']))")
eq "small: every label placed or listed" 21 "$(py "$J" "print(len(d['labels']['placed_labels']) + len(d['labels']['unplaced']))")"
eq "small: a reason for every one left out" 0 "$(py "$J" "print(sum(1 for l in d['labels']['unplaced'] if not l.get('reason')))")"
eq "small: --verbose lists each one left out" "$N" "$(grep -c '^needsmap: map:   E05' <<<"$ERR" || true)"
if [ "$N" -gt 0 ]; then
    contains "small: --verbose counts them" "$N of 21 ward labels not placed" "$ERR"
fi
eq "small: names inside the frame, apart; leader lines clear" "" "$(geometry "$J")"
finish
