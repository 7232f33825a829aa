"""Checks the words of a map PDF (pdftotext -bbox) against its sidecar: every
word lies on the page, no two words overlap, every legend label is printed
whole on one line inside the legend's box, and the legend title keeps
"per 1,000" on one line.  Prints one line per problem; none when all hold.

usage: textboxes.py MAP.pdf MAP.pdf.json BBOX.html"""
import json
import re
import sys

PT = 72 / 25.4
pdf, side, bbox = sys.argv[1:4]
d = json.load(open(side))
page = d["page"]
words = []
for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                     open(bbox, encoding="utf-8").read()):
    x0, y0, x1, y1 = (float(v) / PT for v in m.groups()[:4])
    words.append((x0, y0, x1, y1, m.group(5).replace("&amp;", "&")))
if not words:
    print("no text in", pdf)
W, H = page["width_mm"], page["height_mm"]
for x0, y0, x1, y1, t in words:
    if x0 < -0.01 or y0 < -0.01 or x1 > W + 0.01 or y1 > H + 0.01:
        print("off the page: %r at %.1f,%.1f-%.1f,%.1f of %gx%g mm" % (t, x0, y0, x1, y1, W, H))
# glyph boxes are the font's ascent to descent: lines of one paragraph
# touch, so overlap is counted beyond 0.3 mm each way
for i, a in enumerate(words):
    for b in words[i + 1:]:
        ox = min(a[2], b[2]) - max(a[0], b[0])
        oy = min(a[3], b[3]) - max(a[1], b[1])
        if ox > 0.3 and oy > 0.3:
            print("words overlap: %r and %r" % (a[4], b[4]))
leg = page.get("legend_mm")
if not leg:
    print("no legend box in the sidecar")
else:
    lx, ly, lw, lh = leg
    for c in d["classes"]:
        toks = c["label"].split()
        found = False
        for i in range(len(words) - len(toks) + 1):
            run = words[i:i + len(toks)]
            if [w[4] for w in run] != toks:
                continue
            one_line = all(abs(w[1] - run[0][1]) < 0.2 for w in run)
            inside = all(w[0] >= lx - 0.2 and w[2] <= lx + lw + 0.2 and w[1] >= ly - 0.5 and
                         w[3] <= ly + lh + 0.5 for w in run)
            if one_line and inside:
                found = True
        if not found:
            print("legend label not whole on one line inside the legend: %r" % c["label"])
    for i, w in enumerate(words[:-1]):
        if w[4] == "per" and re.match(r"\d", words[i + 1][4]) and abs(words[i + 1][1] - w[1]) > 0.2:
            print("legend title breaks between %r and %r" % (w[4], words[i + 1][4]))
sb = page.get("scale_bar_mm")
if leg and sb:
    ox = min(leg[0] + leg[2], sb[0] + sb[2]) - max(leg[0], sb[0])
    oy = min(leg[1] + leg[3], sb[1] + sb[3]) - max(leg[1], sb[1])
    if ox > 0 and oy > 0:
        print("the scale bar overlaps the legend")
