// PNG decoder for signature and seal images: checks chunk CRCs, inflates IDAT with fflate,
// undoes the row filters (and Adam7 interlacing), and returns 8-bit colour samples (RGB or
// grey) plus an 8-bit alpha plane when the image has transparency (alpha channel or tRNS).
// pHYs gives the physical size, which the seal needs to be drawn at true size.

import { unzlibSync } from 'fflate';
import { VanthuError } from '../errors';
import { concatBytes } from '../crypto/bytes';

export interface DecodedPng {
  width: number;
  height: number;
  /** 'rgb' → 3 samples per pixel, 'gray' → 1. Palettes are expanded to RGB. */
  color: 'rgb' | 'gray';
  /** Colour samples, 8 bits each, row-major, no padding. */
  pixels: Uint8Array;
  /** One byte per pixel (0 transparent … 255 opaque), or undefined when fully opaque. */
  alpha?: Uint8Array;
  /** Pixels per metre from pHYs when its unit is the metre. */
  pixelsPerMetre?: { x: number; y: number };
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngError(detail: string, code = 'APPEARANCE_PNG_INVALID'): VanthuError {
  return new VanthuError(code, `Ảnh PNG không hợp lệ hoặc không được hỗ trợ: ${detail}.`, `Invalid or unsupported PNG image: ${detail}.`);
}

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

// Adam7 passes: x start, y start, x step, y step.
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

export function decodePng(bytes: Uint8Array): DecodedPng {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw pngError('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let ihdr: { width: number; height: number; depth: number; colorType: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  let phys: DecodedPng['pixelsPerMetre'];
  const idat: Uint8Array[] = [];
  let ended = false;
  while (at + 12 <= bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const dataAt = at + 8;
    if (dataAt + len + 4 > bytes.length) throw pngError(`chunk ${type} is truncated`);
    if (crc32(bytes, at + 4, dataAt + len) !== view.getUint32(dataAt + len)) throw pngError(`bad CRC in chunk ${type}`);
    const data = bytes.subarray(dataAt, dataAt + len);
    if (type === 'IHDR') {
      if (len < 13) throw pngError('short IHDR');
      ihdr = {
        width: view.getUint32(dataAt), height: view.getUint32(dataAt + 4), depth: data[8]!, colorType: data[9]!, interlace: data[12]!,
      };
      if (data[10] !== 0 || data[11] !== 0) throw pngError('unknown compression or filter method');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'pHYs' && len >= 9 && data[8] === 1) phys = { x: view.getUint32(dataAt), y: view.getUint32(dataAt + 4) };
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    at = dataAt + len + 4;
  }
  if (!ihdr) throw pngError('missing IHDR');
  if (!ended) throw pngError('missing IEND (file truncated)');
  const { width, height, depth, colorType, interlace } = ihdr;
  if (!(colorType in CHANNELS) || !DEPTHS[colorType]!.includes(depth)) {
    throw pngError(`colour type ${colorType} with bit depth ${depth}`);
  }
  if (width === 0 || height === 0 || width * height > 16_777_216) throw pngError(`image size ${width}×${height}`);
  if (interlace > 1) throw pngError(`interlace method ${interlace}`);
  if (colorType === 3 && !palette) throw pngError('palette image without PLTE');

  const compressed = concatBytes(...idat);
  const channels = CHANNELS[colorType]!;
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  // The exact size of the filtered data: inflating into a buffer of that size is several times
  // faster than letting the output grow, and bounds the memory a hostile file can claim.
  let expected = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw > 0 && ph > 0) expected += ph * (1 + Math.ceil((pw * bitsPerPixel) / 8));
  }
  let raw: Uint8Array;
  try {
    raw = unzlibSync(compressed, { out: new Uint8Array(expected) });
  } catch {
    throw pngError('image data cannot be decompressed');
  }
  // Samples per pixel, each widened to 16 bits so that 16-bit tRNS keys compare exactly.
  const samples = new Uint16Array(width * height * channels);
  let pos = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const stride = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = new Uint8Array(stride);
    for (let y = 0; y < ph; y++) {
      if (pos + 1 + stride > raw.length) throw pngError('image data is too short');
      const filter = raw[pos]!;
      const line = raw.slice(pos + 1, pos + 1 + stride);
      pos += 1 + stride;
      unfilter(filter, line, prev, bpp);
      prev = line;
      const py = y0 + y * dy;
      for (let x = 0; x < pw; x++) {
        const px = x0 + x * dx;
        const base = (py * width + px) * channels;
        for (let c = 0; c < channels; c++) samples[base + c] = readSample(line, x * channels + c, depth);
      }
    }
  }

  const n = width * height;
  const to8 = depth === 16 ? (v: number) => v >> 8 : depth === 8 ? (v: number) => v : (v: number) => Math.round((v * 255) / ((1 << depth) - 1));
  const hasColour = colorType === 2 || colorType === 6 || colorType === 3;
  const pixels = new Uint8Array(n * (hasColour ? 3 : 1));
  let alpha: Uint8Array | undefined;
  if (colorType === 4 || colorType === 6 || trns) alpha = new Uint8Array(n).fill(255);
  const tv = trns ? new DataView(trns.buffer, trns.byteOffset, trns.byteLength) : undefined;
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    switch (colorType) {
      case 0: {
        const g = samples[s]!;
        pixels[i] = to8(g);
        if (alpha && tv && tv.byteLength >= 2 && g === tv.getUint16(0)) alpha[i] = 0;
        break;
      }
      case 2: {
        const r = samples[s]!, g = samples[s + 1]!, b = samples[s + 2]!;
        pixels[3 * i] = to8(r);
        pixels[3 * i + 1] = to8(g);
        pixels[3 * i + 2] = to8(b);
        if (alpha && tv && tv.byteLength >= 6 && r === tv.getUint16(0) && g === tv.getUint16(2) && b === tv.getUint16(4)) alpha[i] = 0;
        break;
      }
      case 3: {
        const idx = samples[s]!;
        if (3 * idx + 2 >= palette!.length) throw pngError(`palette index ${idx} out of range`);
        pixels[3 * i] = palette![3 * idx]!;
        pixels[3 * i + 1] = palette![3 * idx + 1]!;
        pixels[3 * i + 2] = palette![3 * idx + 2]!;
        if (alpha) alpha[i] = idx < trns!.length ? trns![idx]! : 255;
        break;
      }
      case 4:
        pixels[i] = to8(samples[s]!);
        alpha![i] = to8(samples[s + 1]!);
        break;
      case 6:
        pixels[3 * i] = to8(samples[s]!);
        pixels[3 * i + 1] = to8(samples[s + 1]!);
        pixels[3 * i + 2] = to8(samples[s + 2]!);
        alpha![i] = to8(samples[s + 3]!);
        break;
    }
  }
  if (alpha && alpha.every((a) => a === 255)) alpha = undefined;
  return { width, height, color: hasColour ? 'rgb' : 'gray', pixels, alpha, pixelsPerMetre: phys };
}

function readSample(line: Uint8Array, index: number, depth: number): number {
  switch (depth) {
    case 8:
      return line[index]!;
    case 16:
      return (line[2 * index]! << 8) | line[2 * index + 1]!;
    default: {
      const bit = index * depth;
      const byte = line[bit >> 3]!;
      const shift = 8 - depth - (bit & 7);
      return (byte >> shift) & ((1 << depth) - 1);
    }
  }
}

function unfilter(filter: number, line: Uint8Array, prev: Uint8Array, bpp: number): void {
  const n = line.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) line[i] = (line[i]! + line[i - bpp]!) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) line[i] = (line[i]! + prev[i]!) & 0xff;
      return;
    case 3:
      for (let i = 0; i < n; i++) line[i] = (line[i]! + (((i >= bpp ? line[i - bpp]! : 0) + prev[i]!) >> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? line[i - bpp]! : 0;
        const b = prev[i]!;
        const c = i >= bpp ? prev[i - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        line[i] = (line[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      return;
    default:
      throw pngError(`unknown row filter ${filter}`);
  }
}

/** Physical width in points from pHYs, or undefined when the PNG has no metric pHYs. */
export function physicalWidthPt(png: DecodedPng): number | undefined {
  const ppm = png.pixelsPerMetre?.x;
  if (!ppm) return undefined;
  return (png.width / ppm) * (72 / 0.0254);
}
