"""Scale of each map panel of a comparison PNG, measured: panels.py FILE.png
DPI W0,H0 W1,H1 ... (each ward's extent in metres, in panel order) prints,
per panel, the pixels per metre across and down, then the largest relative
difference between any two of those figures.  A panel is a run of columns
holding coloured pixels (the shaded LSOAs; context, outlines, text and
paper are grey); the rightmost run is the legend and is left out."""
import sys

from pixel import pixels


def main():
    rows = pixels(sys.argv[1])
    exts = [tuple(float(v) for v in a.split(",")) for a in sys.argv[3:]]
    w = len(rows[0]) // 3
    cols = {}
    for y, line in enumerate(rows):
        for x in range(w):
            r, g, b = line[3 * x:3 * x + 3]
            if max(r, g, b) - min(r, g, b) > 40:
                lo = cols.setdefault(x, [y, y])
                lo[0], lo[1] = min(lo[0], y), max(lo[1], y)
    runs, xs = [], sorted(cols)
    for x in xs:
        if runs and x - runs[-1][1] <= 3:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    runs = runs[:-1]  # the legend's swatches
    assert len(runs) == len(exts), "%d panels found, %d wards" % (len(runs), len(exts))
    ratios = []
    for (x0, x1), (ew, eh) in zip(runs, exts):
        y0 = min(cols[x][0] for x in range(x0, x1 + 1) if x in cols)
        y1 = max(cols[x][1] for x in range(x0, x1 + 1) if x in cols)
        ratios += [(x1 - x0 + 1) / ew, (y1 - y0 + 1) / eh]
        print("%.5f %.5f" % tuple(ratios[-2:]))
    print("%.4f" % ((max(ratios) - min(ratios)) / min(ratios)))


main()
