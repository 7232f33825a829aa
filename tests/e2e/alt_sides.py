# Helper of e2e/map (not a test itself): checks the sides of the map the
# alt text names against the LSOAs' boxes.
import json, math, re, sys
# alt_sides.py SIDECAR < "code|cx|cy|minx|miny|maxx|maxy" rows: every side of the map the alt text claims for
# the darkest and lightest classes holds at least 2/3 of their areas (box
# centres outside the central third, in the 135-degree wedge of the side)
d = json.load(open(sys.argv[1]))
codes = {a['code']: a['class'] for a in d['areas']}
rows = []
for line in sys.stdin:
    f = line.strip().split('|')
    if len(f) == 7 and f[0] in codes:
        rows.append([f[0]] + [float(v) for v in f[1:]])
x0 = min(r[3] for r in rows); y0 = min(r[4] for r in rows); x1 = max(r[5] for r in rows); y1 = max(r[6] for r in rows)
names = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"]
k = max(codes.values())
bad = []
for which, cls in (("darkest", k), ("lightest", 0)):
    m = re.search(r"The %s [^.]*?class, [^,]*(?:\([^)]*\))?, holds [0-9,]+ LSOAs?(, mostly in the ([a-z-]+)|, in the centre)?" % which, d['alt_text'])
    if not m:
        bad.append(which + ": no sentence")
        continue
    if not m.group(2):
        continue
    s = names.index(m.group(2))
    n = near = 0
    for r in rows:
        if codes[r[0]] != cls:
            continue
        n += 1
        dx = (r[1] - (x0 + x1) / 2) / ((x1 - x0) / 2); dy = (r[2] - (y0 + y1) / 2) / ((y1 - y0) / 2)
        if math.hypot(dx, dy) < 1 / 3:
            continue
        sec = int(math.floor((math.degrees(math.atan2(dy, dx)) + 360 + 22.5) / 45)) % 8
        near += sec in (s, (s + 1) % 8, (s + 7) % 8)
    if 3 * near < 2 * n:
        bad.append("%s: 'mostly in the %s' but %d of %d there" % (which, m.group(2), near, n))
print(' '.join(bad) if bad else 'ok')
