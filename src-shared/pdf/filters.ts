// Stream decoding filters (ISO 32000-1 §7.4): FlateDecode (fflate), ASCIIHexDecode,
// ASCII85Decode, LZWDecode, and PNG/TIFF predictors. Image-only filters (DCT, JPX, CCITT, JBIG2)
// are not decoded: the signer never needs their pixels.

import { unzlibSync, inflateSync } from 'fflate';
import { PdfDict, PdfName, type PdfValue } from './objects';
import { hexVal, isWhite } from './lexer';

export class FilterError extends Error {}

/** Hard cap on decoded size, against decompression bombs in structural streams. */
const MAX_DECODED = 512 * 1024 * 1024;

export function decodeStream(raw: Uint8Array, dict: PdfDict, resolve: (v: PdfValue | undefined) => PdfValue | undefined = (v) => v): Uint8Array {
  const f = resolve(dict.get('Filter'));
  const p = resolve(dict.get('DecodeParms')) ?? resolve(dict.get('DP'));
  const filters: string[] = [];
  const parms: (PdfDict | null)[] = [];
  if (f instanceof PdfName) {
    filters.push(f.name);
    parms.push(p instanceof PdfDict ? p : Array.isArray(p) && p[0] instanceof PdfDict ? p[0] : null);
  } else if (Array.isArray(f)) {
    f.forEach((x, i) => {
      const fx = resolve(x);
      if (!(fx instanceof PdfName)) throw new FilterError('bad /Filter entry');
      filters.push(fx.name);
      const px = Array.isArray(p) ? resolve(p[i]) : null;
      parms.push(px instanceof PdfDict ? px : null);
    });
  } else if (f !== undefined && f !== null) throw new FilterError('bad /Filter');
  let data = raw;
  filters.forEach((name, i) => {
    data = applyFilter(name, data, parms[i], resolve);
  });
  return data;
}

function applyFilter(name: string, data: Uint8Array, parms: PdfDict | null, resolve: (v: PdfValue | undefined) => PdfValue | undefined): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return predict(inflate(data), parms, resolve);
    case 'LZWDecode':
    case 'LZW': {
      const early = num(resolve(parms?.get('EarlyChange')), 1);
      return predict(lzwDecode(data, early), parms, resolve);
    }
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHexDecode(data);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85Decode(data);
    default:
      throw new FilterError(`unsupported filter ${name}`);
  }
}

function num(v: PdfValue | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

export function inflate(data: Uint8Array): Uint8Array {
  try {
    return unzlibSync(data);
  } catch {
    // some writers emit raw deflate or a bad Adler-32: try raw deflate after the 2-byte header
    try {
      return inflateSync(data.subarray(2));
    } catch {
      throw new FilterError('corrupt Flate stream');
    }
  }
}

export function predict(data: Uint8Array, parms: PdfDict | null, resolve: (v: PdfValue | undefined) => PdfValue | undefined): Uint8Array {
  if (!parms) return data;
  const predictor = num(resolve(parms.get('Predictor')), 1);
  if (predictor <= 1) return data;
  const colors = num(resolve(parms.get('Colors')), 1);
  const bpc = num(resolve(parms.get('BitsPerComponent')), 8);
  const columns = num(resolve(parms.get('Columns')), 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (rowLen <= 0 || rowLen > 1 << 24) throw new FilterError('bad predictor parameters');
  if (predictor === 2) return tiffPredict(data, rowLen, bpp, bpc);
  // PNG predictors: each row starts with a filter-type byte
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  let prev = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const src = data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1));
    const cur = out.subarray(r * rowLen, (r + 1) * rowLen);
    for (let i = 0; i < rowLen; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = src[i];
      switch (type) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new FilterError(`bad PNG predictor row type ${type}`);
      }
      cur[i] = v & 0xff;
    }
    prev = cur;
  }
  return out;
}

function tiffPredict(data: Uint8Array, rowLen: number, bpp: number, bpc: number): Uint8Array {
  if (bpc !== 8) throw new FilterError('TIFF predictor only for 8-bit components');
  const out = Uint8Array.from(data);
  for (let r = 0; r + rowLen <= out.length; r += rowLen)
    for (let i = bpp; i < rowLen; i++) out[r + i] = (out[r + i] + out[r + i - bpp]) & 0xff;
  return out;
}

export function asciiHexDecode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let hi = -1;
  for (const c of data) {
    if (c === 0x3e) break;
    if (isWhite(c)) continue;
    const v = hexVal(c);
    if (v < 0) throw new FilterError('bad ASCIIHex digit');
    if (hi < 0) hi = v;
    else {
      out.push(hi * 16 + v);
      hi = -1;
    }
  }
  if (hi >= 0) out.push(hi * 16);
  return Uint8Array.from(out);
}

export function ascii85Decode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  const group: number[] = [];
  let i = 0;
  if (data[0] === 0x3c && data[1] === 0x7e) i = 2;
  for (; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7e) break; // ~>
    if (isWhite(c)) continue;
    if (c === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 0x21 || c > 0x75) throw new FilterError('bad ASCII85 digit');
    group.push(c - 33);
    if (group.length === 5) {
      let v = 0;
      for (const g of group) v = v * 85 + g;
      out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      group.length = 0;
    }
  }
  if (group.length > 0) {
    const n = group.length;
    while (group.length < 5) group.push(84);
    let v = 0;
    for (const g of group) v = v * 85 + g;
    const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    out.push(...bytes.slice(0, n - 1));
  }
  return Uint8Array.from(out);
}

export function lzwDecode(data: Uint8Array, earlyChange = 1): Uint8Array {
  const out: number[] = [];
  let dict: Uint8Array[] = [];
  const reset = () => {
    dict = [];
    for (let i = 0; i < 256; i++) dict.push(Uint8Array.of(i));
    dict.push(new Uint8Array(0), new Uint8Array(0)); // 256 clear, 257 EOD
  };
  reset();
  let codeLen = 9;
  let bitBuf = 0, bitCount = 0, pos = 0;
  let prev: Uint8Array | null = null;
  for (;;) {
    while (bitCount < codeLen && pos < data.length) {
      bitBuf = ((bitBuf << 8) | data[pos++]) >>> 0;
      bitCount += 8;
    }
    if (bitCount < codeLen) break;
    const code = (bitBuf >>> (bitCount - codeLen)) & ((1 << codeLen) - 1);
    bitCount -= codeLen;
    bitBuf &= (1 << bitCount) - 1;
    if (code === 256) {
      reset();
      codeLen = 9;
      prev = null;
      continue;
    }
    if (code === 257) break;
    let entry: Uint8Array;
    if (code < dict.length) entry = dict[code];
    else if (prev && code === dict.length) {
      entry = new Uint8Array(prev.length + 1);
      entry.set(prev);
      entry[prev.length] = prev[0];
    } else throw new FilterError('bad LZW code');
    for (const b of entry) out.push(b);
    if (out.length > MAX_DECODED) throw new FilterError('LZW output too large');
    if (prev) {
      const n = new Uint8Array(prev.length + 1);
      n.set(prev);
      n[prev.length] = entry[0];
      dict.push(n);
    }
    prev = entry;
    const next = dict.length + earlyChange;
    if (next >= 4096) codeLen = 12;
    else if (next >= 2048) codeLen = 12;
    else if (next >= 1024) codeLen = 11;
    else if (next >= 512) codeLen = 10;
  }
  return Uint8Array.from(out);
}
