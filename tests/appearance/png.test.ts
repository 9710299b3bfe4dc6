// The PNG decoder against images whose samples the test knows exactly: every colour type and
// bit depth, palettes with tRNS, grey and RGB colour keys, Adam7, pHYs, and bad files.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodePng, physicalWidthPt } from '../../src-shared/appearance/png';
import { VanthuError } from '../../src-shared/errors';
import { encodePng, type PngSpec } from './png-encoder';

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const W = 13;
const H = 11;
const val = (x: number, y: number, c: number, max: number) => (x * 31 + y * 17 + c * 7 + x * y) % (max + 1);
const to8 = (v: number, depth: number) => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / ((1 << depth) - 1)));

const cases: { colorType: 0 | 2 | 4 | 6; depth: 1 | 2 | 4 | 8 | 16 }[] = [
  { colorType: 0, depth: 1 }, { colorType: 0, depth: 2 }, { colorType: 0, depth: 4 }, { colorType: 0, depth: 8 }, { colorType: 0, depth: 16 },
  { colorType: 2, depth: 8 }, { colorType: 2, depth: 16 },
  { colorType: 4, depth: 8 }, { colorType: 4, depth: 16 },
  { colorType: 6, depth: 8 }, { colorType: 6, depth: 16 },
];
const CH = { 0: 1, 2: 3, 4: 2, 6: 4 } as const;

describe('decodePng', () => {
  for (const { colorType, depth } of cases) {
    for (const interlace of [false, true]) {
      it(`decodes colour type ${colorType} at ${depth} bits${interlace ? ' with Adam7 interlacing' : ''} to the exact samples`, () => {
        const max = (1 << depth) - 1;
        const spec: PngSpec = {
          width: W, height: H, colorType, depth, interlace,
          sample: (x, y) => Array.from({ length: CH[colorType] }, (_, c) => val(x, y, c, max)),
        };
        const png = decodePng(encodePng(spec));
        expect([png.width, png.height]).toEqual([W, H]);
        const colour = colorType === 2 || colorType === 6 ? 3 : 1;
        expect(png.color).toBe(colour === 3 ? 'rgb' : 'gray');
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const s = spec.sample(x, y);
            const i = y * W + x;
            for (let c = 0; c < colour; c++) expect(png.pixels[i * colour + c]).toBe(to8(s[c]!, depth));
            if (colorType === 4 || colorType === 6) {
              // An alpha plane exists because some samples are below the maximum.
              expect(png.alpha![i]).toBe(to8(s[colour]!, depth));
            }
          }
        }
        if (colorType === 0 || colorType === 2) expect(png.alpha).toBeUndefined();
      });
    }
  }

  for (const depth of [1, 2, 4, 8] as const) {
    it(`expands a ${depth}-bit palette image to RGB and takes alpha from tRNS`, () => {
      const n = Math.min(1 << depth, 6);
      const palette: [number, number, number][] = Array.from({ length: n }, (_, i) => [i * 40, 255 - i * 30, (i * 77) % 256]);
      const trns = Uint8Array.from([0, 128]); // entries 2.. are opaque
      const index = (x: number, y: number) => (x + 2 * y) % n;
      const png = decodePng(encodePng({ width: W, height: H, colorType: 3, depth, palette, trns, sample: (x, y) => [index(x, y)] }));
      expect(png.color).toBe('rgb');
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = y * W + x;
          const k = index(x, y);
          expect(Array.from(png.pixels.subarray(3 * i, 3 * i + 3))).toEqual(palette[k]);
          expect(png.alpha![i]).toBe(k === 0 ? 0 : k === 1 ? 128 : 255);
        }
      }
    });
  }

  it('treats the tRNS colour key of a grey or RGB image as transparent', () => {
    const grey = decodePng(encodePng({
      width: 4, height: 1, colorType: 0, depth: 8, trns: Uint8Array.from([0, 7]), sample: (x) => [x === 2 ? 7 : 200],
    }));
    expect(Array.from(grey.alpha!)).toEqual([255, 255, 0, 255]);
    const rgb = decodePng(encodePng({
      width: 3, height: 1, colorType: 2, depth: 8, trns: Uint8Array.from([0, 1, 0, 2, 0, 3]),
      sample: (x) => (x === 0 ? [1, 2, 3] : [1, 2, 4]),
    }));
    expect(Array.from(rgb.alpha!)).toEqual([0, 255, 255]);
  });

  it('reads pHYs and turns it into a physical width in points', () => {
    const png = decodePng(encodePng({ width: 300, height: 2, colorType: 0, depth: 8, pixelsPerMetre: 11811, sample: () => [0] }));
    expect(png.pixelsPerMetre).toEqual({ x: 11811, y: 11811 });
    // 300 px at 300 dpi is one inch.
    expect(physicalWidthPt(png)).toBeCloseTo(72, 1);
  });

  it('decodes the committed sample seal at about 36 mm and the sample signature as blue ink with alpha', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const seal = decodePng(readFileSync(path.join(root, 'resources/appearance/sample-seal.png')));
    expect((physicalWidthPt(seal)! / 72) * 25.4).toBeGreaterThan(35.5);
    expect((physicalWidthPt(seal)! / 72) * 25.4).toBeLessThan(36.5);
    expect(seal.alpha).toBeDefined();
    const sig = decodePng(readFileSync(path.join(root, 'resources/appearance/sample-signature.png')));
    let ink = 0;
    for (let i = 0; i < sig.width * sig.height; i++) {
      if (sig.alpha![i]! > 200) {
        ink++;
        expect(sig.pixels[3 * i + 2]!).toBeGreaterThan(sig.pixels[3 * i]! + 100);
      }
    }
    expect(ink).toBeGreaterThan(1000);
  });

  const expectCode = (f: () => unknown, code: string) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(VanthuError);
      expect((e as VanthuError).code).toBe(code);
      expect((e as VanthuError).message_vi).toMatch(/PNG/);
      return;
    }
    throw new Error('expected an error');
  };

  it('refuses an image whose header claims more than 16 megapixels before inflating anything', () => {
    const png = Buffer.from(encodePng({ width: 4, height: 4, colorType: 6, depth: 16, sample: () => [0, 0, 0, 0] }));
    png.writeUInt32BE(5000, 16);
    png.writeUInt32BE(4000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    expectCode(() => decodePng(png), 'APPEARANCE_PNG_INVALID');
    expect(() => decodePng(png)).toThrow(/5000×4000/);
  });

  it('rejects a non-PNG, a corrupted chunk and a truncated file with a clear error', () => {
    const good = encodePng({ width: 5, height: 5, colorType: 2, depth: 8, sample: () => [1, 2, 3] });
    expectCode(() => decodePng(new TextEncoder().encode('GIF89a....')), 'APPEARANCE_PNG_INVALID');
    const corrupt = good.slice();
    corrupt[40] = corrupt[40]! ^ 0xff;
    expectCode(() => decodePng(corrupt), 'APPEARANCE_PNG_INVALID');
    expectCode(() => decodePng(good.subarray(0, good.length - 20)), 'APPEARANCE_PNG_INVALID');
  });
});
