"""Colour of the pixel of a PNG at a British National Grid point, found
through the world file beside it: pixel.py FILE.png X Y prints RRGGBB
(or --count COLOURS: how many pixels have them).
Reads 8-bit RGB PNGs (what needsmap writes) with the standard library."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype == 2, "8-bit RGB expected"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), 3 * w, [], bytearray(3 * w)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return rows


def main():
    if sys.argv[2] == "--count":
        # pixel.py FILE.png --count RRGGBB,...: how many pixels have these colours
        want = {bytes.fromhex(c) for c in sys.argv[3].split(",")}
        print(sum(1 for line in pixels(sys.argv[1]) for i in range(0, len(line), 3)
                  if bytes(line[i:i + 3]) in want))
        return
    path, x, y = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    wf = [float(v) for v in open(path[:-4] + ".pgw").read().split()]
    col, row = round((x - wf[4]) / wf[0]), round((y - wf[5]) / wf[3])
    line = pixels(path)[row]
    print("%02x%02x%02x" % tuple(line[3 * col:3 * col + 3]))


if __name__ == "__main__":
    main()
