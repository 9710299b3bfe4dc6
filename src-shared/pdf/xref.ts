// Cross-reference sections (ISO 32000-1 §7.5.4, §7.5.8): classic tables, xref streams and the
// hybrid form (/XRefStm), parsed into plain entry maps. The reader chains sections via /Prev.

import { PdfDict, PdfStream } from './objects';
import { Lexer, NeedMoreBytes, PdfKeyword, PdfSyntaxError } from './lexer';
import type { ByteSource } from './bytesource';

/** One shared decoder (creating a TextDecoder costs more than decoding a few bytes). */
const LATIN1 = new TextDecoder('latin1');

export type XrefEntry =
  | { type: 'free'; gen: number }
  | { type: 'offset'; offset: number; gen: number }
  | { type: 'compressed'; stream: number; index: number };

export interface XrefSection {
  kind: 'table' | 'stream';
  /** File offset of the `xref` keyword or of the xref stream object. */
  offset: number;
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
  /** File offset just past the section (after the trailer dict or after `endobj`). */
  end: number;
}

/** Parse a classic `xref` table plus its trailer dictionary, starting at `offset`. */
export function parseXrefTable(src: ByteSource, offset: number): XrefSection {
  let window = 8192;
  for (;;) {
    const buf = src.read(offset, window);
    const complete = offset + buf.length >= src.length;
    try {
      return parseTableFrom(new Lexer(buf, offset, complete), offset);
    } catch (e) {
      if (e instanceof NeedMoreBytes && !complete) {
        window *= 4;
        continue;
      }
      throw e;
    }
  }
}

function parseTableFrom(lx: Lexer, offset: number): XrefSection {
  lx.skipWhitespace();
  if (lx.readRegular() !== 'xref') throw new PdfSyntaxError('expected xref', offset);
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    lx.skipWhitespace();
    const at = lx.offset;
    const w = lx.readRegular();
    if (w === 'trailer') break;
    if (!/^\d+$/.test(w)) throw new PdfSyntaxError(`bad xref subsection header '${w}'`, at);
    lx.skipWhitespace();
    const cw = lx.readRegular();
    if (!/^\d+$/.test(cw)) throw new PdfSyntaxError('bad xref subsection count', lx.offset);
    let num = Number(w);
    const count = Number(cw);
    for (let i = 0; i < count; i++) {
      lx.skipWhitespace();
      const save = lx.pos;
      const a = lx.readRegular();
      if (!/^\d+$/.test(a)) {
        // count larger than the entries present: stop at the next header/trailer
        lx.pos = save;
        break;
      }
      lx.skipWhitespace();
      const b = lx.readRegular();
      lx.skipWhitespace();
      const t = lx.readRegular();
      if (!/^\d+$/.test(b) || (t !== 'n' && t !== 'f')) {
        // this was actually the next subsection header ("start count")
        lx.pos = save;
        break;
      }
      const off = Number(a), gen = Number(b);
      if (!entries.has(num)) {
        if (t === 'n' && off > 0) entries.set(num, { type: 'offset', offset: off, gen });
        else entries.set(num, { type: 'free', gen });
      }
      num++;
    }
  }
  const trailer = lx.parseValue();
  if (!(trailer instanceof PdfDict)) throw new PdfSyntaxError('trailer is not a dictionary', lx.offset);
  return { kind: 'table', offset, trailer, entries, end: lx.offset };
}

/** Decode the entries of an xref stream whose object has been parsed (`data` already unfiltered). */
export function parseXrefStreamEntries(stream: PdfStream, data: Uint8Array): Map<number, XrefEntry> {
  const d = stream.dict;
  const W = d.get('W');
  if (!Array.isArray(W) || W.length < 3 || !W.every((x) => typeof x === 'number' && x >= 0 && x <= 8))
    throw new PdfSyntaxError('bad /W in xref stream', 0);
  const [w1, w2, w3] = W as number[];
  const rowLen = w1 + w2 + w3;
  if (rowLen === 0) throw new PdfSyntaxError('bad /W in xref stream', 0);
  const size = d.get('Size');
  let index = d.get('Index');
  if (!Array.isArray(index)) index = [0, typeof size === 'number' ? size : 0];
  const entries = new Map<number, XrefEntry>();
  let pos = 0;
  const field = (w: number): number => {
    let v = 0;
    for (let k = 0; k < w; k++) v = v * 256 + data[pos++];
    return v;
  };
  for (let i = 0; i + 1 < index.length; i += 2) {
    const start = index[i], count = index[i + 1];
    if (typeof start !== 'number' || typeof count !== 'number') break;
    for (let k = 0; k < count; k++) {
      if (pos + rowLen > data.length) return entries;
      const type = w1 === 0 ? 1 : field(w1);
      const f2 = field(w2);
      const f3 = field(w3);
      const num = start + k;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { type: 'free', gen: f3 });
      else if (type === 1) entries.set(num, f2 > 0 ? { type: 'offset', offset: f2, gen: f3 } : { type: 'free', gen: f3 });
      else if (type === 2) entries.set(num, { type: 'compressed', stream: f2, index: f3 });
      // other types: treated as null objects (absent)
    }
  }
  return entries;
}

/** Find the last `startxref N` near the end of the file; null if absent. */
export function findStartxref(src: ByteSource): { value: number; at: number } | null {
  for (let window = 2048; ; window *= 8) {
    const start = Math.max(0, src.length - window);
    const buf = src.read(start, src.length - start);
    const text = LATIN1.decode(buf);
    const i = text.lastIndexOf('startxref');
    if (i >= 0) {
      const m = /^startxref\s+(\d+)/.exec(text.slice(i));
      if (m) return { value: Number(m[1]), at: start + i };
      return null;
    }
    if (start === 0 || window > 1 << 20) return null;
  }
}

export function isKeyword(v: unknown, word: string): boolean {
  return v instanceof PdfKeyword && v.word === word;
}
