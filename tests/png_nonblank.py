"""Checks that a PNG (8-bit RGB or RGBA, as Chromium writes screenshots) is not blank.

Decodes the image with the standard library only (zlib + the PNG row filters) and requires at least
--min-ink of the pixels to differ from the background (the top-left pixel) and at least
--min-colours distinct colours. Prints the figures; exit status 1 when the image looks blank or has
another size than --width x --height (when given), 2 when it cannot be decoded.
"""

import argparse
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"{path}: only 8-bit non-interlaced RGB/RGBA is supported")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png")
    parser.add_argument("--width", type=int)
    parser.add_argument("--height", type=int)
    parser.add_argument("--min-ink", type=float, default=0.01, help="fraction of non-background pixels")
    parser.add_argument("--min-colours", type=int, default=16)
    args = parser.parse_args()
    try:
        width, height, bpp, rows = decode(args.png)
    except (OSError, ValueError, zlib.error, TypeError, struct.error) as e:
        print(f"cannot decode {args.png}: {e}", file=sys.stderr)
        return 2
    background = rows[0][:3]
    ink, colours = 0, set()
    for row in rows:
        for x in range(0, width * bpp, bpp):
            px = row[x : x + 3]
            colours.add(px)
            if px != background:
                ink += 1
    share = ink / (width * height)
    print(f"{args.png}: {width}x{height}, {share:.1%} non-background pixels, {len(colours)} colours")
    problems = []
    if args.width and args.height and (width, height) != (args.width, args.height):
        problems.append(f"size {width}x{height}, expected {args.width}x{args.height}")
    if share < args.min_ink:
        problems.append(f"only {share:.2%} non-background pixels (< {args.min_ink:.0%})")
    if len(colours) < args.min_colours:
        problems.append(f"only {len(colours)} colours (< {args.min_colours})")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
