"""Where the marked area lies in a map's locator inset: locator.py FILE.png
X0 Y0 X1 Y1 CX CY (the inset's frame in pixels, England's extent and the
area's centre in BNG metres) prints the accent pixels' count and the
distance, as a fraction of the inset's width, between their centre and
where the area's centre falls in the inset when England's extent fills it
across (the inset is fitted to that extent and centred), and the pixels
a patch of the area's square metres (AREA, optional) covers in the inset."""
import sys

from pixel import pixels

ACCENT = (0xcb, 0x18, 0x1d)


def main():
    rows = pixels(sys.argv[1])
    x0, y0, x1, y1 = (int(float(v)) for v in sys.argv[2:6])
    ex0, ey0, ex1, ey1, cx, cy = (float(v) for v in sys.argv[6:12])
    n = sx = sy = 0
    for y in range(y0, y1):
        line = rows[y]
        for x in range(x0, x1):
            # within 4 of the accent in each channel: an area marked as
            # its LSOAs is outlined in its fill's colour darkened by 0.1%
            if all(abs(a - b) <= 4 for a, b in zip(line[3 * x:3 * x + 3], ACCENT)):
                n, sx, sy = n + 1, sx + x, sy + y
    if n == 0:
        print("0 1")
        return
    w, h = x1 - x0, y1 - y0
    s = min(w / (ex1 - ex0), h / (ey1 - ey0))
    want_x = x0 + w / 2 + (cx - (ex0 + ex1) / 2) * s
    want_y = y0 + h / 2 - (cy - (ey0 + ey1) / 2) * s
    print(n, "%.4f" % (((sx / n - want_x) ** 2 + (sy / n - want_y) ** 2) ** 0.5 / w),
          "%.0f" % (float(sys.argv[12]) * s * s if len(sys.argv) > 12 else 0))


main()
