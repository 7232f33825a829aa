"""How visible a border is in a PNG: border.py FILE.png X Y RRGGBB prints
the ink of the line through the BNG point X Y (found through the world
file): over the pixels within 3 px of it, the sum of how much darker than
the fill RRGGBB each is (1 - luminance / fill's), in pixels; 0 means no
line shows, a line 1 px wide as dark as black through the block gives 7."""
import sys

from pixel import pixels


def lum(r, g, b):
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def main():
    path, x, y, fill = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), bytes.fromhex(sys.argv[4])
    wf = [float(v) for v in open(path[:-4] + ".pgw").read().split()]
    col, row = round((x - wf[4]) / wf[0]), round((y - wf[5]) / wf[3])
    rows = pixels(path)
    ink = sum(max(0.0, 1 - lum(*rows[r][3 * c:3 * c + 3]) / lum(*fill))
              for r in range(row - 3, row + 4) for c in range(col - 3, col + 4))
    print("%.2f" % ink)


main()
