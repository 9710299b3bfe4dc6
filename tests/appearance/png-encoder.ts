// Test-only: a tiny PNG encoder (any colour type and bit depth, optional tRNS, pHYs and Adam7)
// so the decoder can be checked against images whose samples the test knows exactly.

import { deflateSync } from 'node:zlib';

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const body = Buffer.concat([head.subarray(4), data]);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, tail]);
}

export interface PngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  /** samples[y][x] = channel values at the given depth (palette index for type 3). */
  sample: (x: number, y: number) => number[];
  palette?: [number, number, number][];
  trns?: Uint8Array;
  interlace?: boolean;
  pixelsPerMetre?: number;
  /** Row filter to use for every row (0–4); default cycles through all five. */
  filter?: number;
}

const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

function packRow(spec: PngSpec, xs: number[], y: number): Uint8Array {
  const ch = CHANNELS[spec.colorType];
  const bits = ch * spec.depth;
  const row = new Uint8Array(Math.ceil((xs.length * bits) / 8));
  let bit = 0;
  for (const x of xs) {
    for (const v of spec.sample(x, y)) {
      if (spec.depth === 16) {
        row[bit >> 3] = v >> 8;
        row[(bit >> 3) + 1] = v & 0xff;
      } else if (spec.depth === 8) row[bit >> 3] = v;
      else row[bit >> 3]! |= v << (8 - spec.depth - (bit & 7));
      bit += spec.depth;
    }
  }
  return row;
}

function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length + 1);
  out[0] = type;
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    let pred = 0;
    if (type === 1) pred = a;
    else if (type === 2) pred = b;
    else if (type === 3) pred = (a + b) >> 1;
    else if (type === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[i + 1] = (row[i]! - pred) & 0xff;
  }
  return out;
}

export function encodePng(spec: PngSpec): Uint8Array {
  const bpp = Math.max(1, (CHANNELS[spec.colorType] * spec.depth) >> 3);
  const rows: Uint8Array[] = [];
  let k = 0;
  const passes = spec.interlace ? ADAM7 : [[0, 0, 1, 1]];
  for (const [x0, y0, dx, dy] of passes) {
    const xs: number[] = [];
    for (let x = x0!; x < spec.width; x += dx!) xs.push(x);
    if (!xs.length) continue;
    let prev: Uint8Array | undefined;
    for (let y = y0!; y < spec.height; y += dy!) {
      const row = packRow(spec, xs, y);
      prev ??= new Uint8Array(row.length);
      rows.push(filterRow(spec.filter ?? k++ % 5, row, prev, bpp));
      prev = row;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = spec.depth;
  ihdr[9] = spec.colorType;
  ihdr[12] = spec.interlace ? 1 : 0;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (spec.pixelsPerMetre) {
    const p = Buffer.alloc(9);
    p.writeUInt32BE(spec.pixelsPerMetre, 0);
    p.writeUInt32BE(spec.pixelsPerMetre, 4);
    p[8] = 1;
    parts.push(chunk('pHYs', p));
  }
  if (spec.palette) parts.push(chunk('PLTE', Uint8Array.from(spec.palette.flat())));
  if (spec.trns) parts.push(chunk('tRNS', spec.trns));
  const idat = deflateSync(Buffer.concat(rows));
  // Split IDAT in two to prove the decoder joins chunks.
  const half = idat.length >> 1;
  parts.push(chunk('IDAT', idat.subarray(0, half)), chunk('IDAT', idat.subarray(half)), chunk('IEND', new Uint8Array()));
  return Buffer.concat(parts);
}
