#!/usr/bin/env python3
"""Generates the sample appearance images (python3 standard library only, zlib for PNG):
  sample-signature.png  blue ink stroke on a transparent background (RGBA)
  sample-seal.png       red round seal with a text ring and a star, transparent background,
                        pHYs 300 dpi so it prints at ~36 mm (Decree 30 true-size seal)
Run from anywhere: python3 resources/appearance/make-samples.py"""
import math, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DPI = 300
PPM = round(DPI / 0.0254)


def write_png(path, w, h, rgba, ppm=PPM):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        raw += rgba[y * w * 4:(y + 1) * w * 4]
    data = b'\x89PNG\r\n\x1a\n'
    data += chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0))
    data += chunk(b'pHYs', struct.pack('>IIB', ppm, ppm, 1))
    data += chunk(b'IDAT', zlib.compress(bytes(raw), 9))
    data += chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(data)


def signature():
    w, h = 600, 220
    cov = [0.0] * (w * h)
    pen = 5.0

    def stamp(cx, cy, r):
        for y in range(max(0, int(cy - r - 2)), min(h, int(cy + r + 3))):
            for x in range(max(0, int(cx - r - 2)), min(w, int(cx + r + 3))):
                d = math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                c = min(1.0, max(0.0, r + 0.5 - d))
                i = y * w + x
                if c > cov[i]:
                    cov[i] = c

    def stroke(fn, t0, t1, steps):
        for k in range(steps + 1):
            t = t0 + (t1 - t0) * k / steps
            x, y, r = fn(t)
            stamp(x, y, r)

    # A looping cursive stroke: a slanted wave with loops, then a long underline flourish.
    def main(t):
        x = 40 + 470 * t + 38 * math.cos(t * 2 * math.pi * 5)
        y = 105 - 55 * math.sin(t * 2 * math.pi * 5) * (1 - 0.4 * t) - 25 * t
        return x, y, pen * (0.75 + 0.35 * math.sin(t * 9))
    stroke(main, 0.0, 1.0, 4000)

    def flourish(t):
        x = 70 + 480 * t
        y = 175 - 30 * math.sin(t * math.pi) + 10 * t
        return x, y, pen * (1.0 - 0.6 * t)
    stroke(flourish, 0.0, 1.0, 1500)

    rgba = bytearray(w * h * 4)
    for i, c in enumerate(cov):
        if c > 0:
            rgba[4 * i:4 * i + 4] = bytes((16, 42, 190, round(255 * c)))
    write_png(os.path.join(HERE, 'sample-signature.png'), w, h, rgba)


# 5x7 capitals for the ring text (enough for the letters used below).
FONT = {
    'A': ['01110', '10001', '10001', '11111', '10001', '10001', '10001'],
    'B': ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
    'D': ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
    'G': ['01110', '10001', '10000', '10111', '10001', '10001', '01111'],
    'H': ['10001', '10001', '10001', '11111', '10001', '10001', '10001'],
    'I': ['01110', '00100', '00100', '00100', '00100', '00100', '01110'],
    'N': ['10001', '11001', '10101', '10011', '10001', '10001', '10001'],
    'O': ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
    'T': ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
    'U': ['10001', '10001', '10001', '10001', '10001', '10001', '01110'],
    'Y': ['10001', '10001', '01010', '00100', '00100', '00100', '00100'],
    '*': ['00000', '00100', '10101', '01110', '10101', '00100', '00000'],
    ' ': ['00000'] * 7,
}


def seal():
    size = 425  # 425 px at 300 dpi = 35.98 mm
    c = size / 2
    r_out, r_ring_in, r_inner = 205.0, 192.0, 128.0
    text = 'UY BAN NHAN DAN TINH HAI DUONG * '
    n = len(text)
    band_lo, band_hi = 140.0, 185.0  # radial extent of the letters
    star_r = 60.0
    rgba = bytearray(size * size * 4)
    ss = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]

    def inside_star(dx, dy):
        ang = math.atan2(dy, dx) + math.pi / 2
        rr = math.hypot(dx, dy)
        k = (ang % (2 * math.pi / 5)) / (2 * math.pi / 5)
        edge = star_r * (0.38 + 0.62 * abs(1 - 2 * k) ** 1.6)
        return rr <= edge

    for y in range(size):
        for x in range(size):
            hits = 0
            for ox, oy in ss:
                dx, dy = x + ox - c, y + oy - c
                rr = math.hypot(dx, dy)
                on = (r_ring_in <= rr <= r_out) or (r_inner - 4 <= rr <= r_inner) or inside_star(dx, dy)
                if not on and band_lo <= rr <= band_hi:
                    # Clockwise from the top: angle 0 at 12 o'clock.
                    a = (math.atan2(dx, -dy)) % (2 * math.pi)
                    pos = a / (2 * math.pi) * n
                    ch = text[int(pos) % n]
                    gx = (pos - int(pos)) * 7 - 1  # 5 columns inside a 7-wide cell
                    gy = (band_hi - rr) / (band_hi - band_lo) * 7
                    if 0 <= gx < 5 and 0 <= gy < 7:
                        on = FONT[ch][int(gy)][int(gx)] == '1'
                if on:
                    hits += 1
            if hits:
                i = 4 * (y * size + x)
                rgba[i:i + 4] = bytes((214, 24, 28, round(255 * hits / 4)))
    write_png(os.path.join(HERE, 'sample-seal.png'), size, size, rgba)


if __name__ == '__main__':
    signature()
    seal()
