// Our own TrueType subsetter for PDF embedding (FontFile2). Glyph ids are kept, so a PDF that
// uses CIDToGIDMap /Identity can address glyphs by their original ids; the outlines of unused
// glyphs are emptied (composite glyphs keep their components), loca is rebuilt with long
// offsets, and only the tables a PDF TrueType font program needs are written.

import { BinReader } from '../bytes';
import { TrueTypeFont } from './truetype';

/** Tables written into the subset; everything else (GSUB, GPOS, kern, FFTM, …) is dropped. */
const KEEP = ['OS/2', 'cmap', 'cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'name', 'post', 'prep'];

// Composite glyph component flags (OpenType glyf table).
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** Component glyph ids referenced by one glyph (empty for simple or empty glyphs). */
export function compositeComponents(font: TrueTypeFont, gid: number): number[] {
  const [start, end] = font.glyphRange(gid);
  if (end - start < 10) return [];
  const glyf = font.table('glyf').offset;
  const r = font.r;
  const at0 = glyf + start;
  if (r.i16(at0) >= 0) return [];
  const out: number[] = [];
  let at = at0 + 10;
  for (;;) {
    const flags = r.u16(at);
    out.push(r.u16(at + 2));
    at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) at += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
    if (!(flags & MORE_COMPONENTS)) break;
  }
  return out;
}

/** The glyph set closed over composite components, always including .notdef (0). */
export function closeGlyphSet(font: TrueTypeFont, gids: Iterable<number>): Set<number> {
  const keep = new Set<number>([0]);
  const todo = [...gids];
  while (todo.length) {
    const g = todo.pop()!;
    if (g >= font.numGlyphs || keep.has(g)) continue;
    keep.add(g);
    for (const c of compositeComponents(font, g)) if (!keep.has(c)) todo.push(c);
  }
  return keep;
}

function checksum(b: Uint8Array): number {
  let sum = 0;
  const padded = b.length % 4 ? new Uint8Array(b.length + 4 - (b.length % 4)) : b;
  if (padded !== b) padded.set(b);
  const v = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  return sum;
}

/**
 * Subset `font` to the given glyph ids (plus their components and .notdef).
 * Returns the new font program and the final glyph set.
 */
export function subsetTrueType(font: TrueTypeFont, gids: Iterable<number>): { bytes: Uint8Array; glyphs: Set<number> } {
  const glyphs = closeGlyphSet(font, gids);
  const srcGlyf = font.tableBytes('glyf');

  // glyf and loca (long offsets, each kept glyph padded to 4 bytes).
  let glyfLen = 0;
  for (const g of glyphs) {
    const [s, e] = font.glyphRange(g);
    glyfLen += (e - s + 3) & ~3;
  }
  const glyf = new Uint8Array(glyfLen);
  const loca = new Uint8Array(4 * (font.numGlyphs + 1));
  const locaView = new DataView(loca.buffer);
  let off = 0;
  for (let g = 0; g < font.numGlyphs; g++) {
    locaView.setUint32(4 * g, off);
    if (!glyphs.has(g)) continue;
    const [s, e] = font.glyphRange(g);
    glyf.set(srcGlyf.subarray(s, e), off);
    off += (e - s + 3) & ~3;
  }
  locaView.setUint32(4 * font.numGlyphs, off);

  // head: long loca, checksum adjustment recomputed below.
  // Copies via the Uint8Array constructor: Buffer#slice would alias the caller's bytes.
  const head = new Uint8Array(font.tableBytes('head'));
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0);
  headView.setInt16(50, 1);

  // post: version 3 (no glyph names) keeps italic angle and underline metrics only.
  let post: Uint8Array | undefined;
  if (font.tables.has('post')) {
    post = new Uint8Array(font.tableBytes('post').subarray(0, 32));
    new DataView(post.buffer).setUint32(0, 0x00030000);
  }

  const tables = new Map<string, Uint8Array>();
  for (const tag of KEEP) {
    if (!font.tables.has(tag)) continue;
    if (tag === 'glyf') tables.set(tag, glyf);
    else if (tag === 'loca') tables.set(tag, loca);
    else if (tag === 'head') tables.set(tag, head);
    else if (tag === 'post' && post) tables.set(tag, post);
    else tables.set(tag, font.tableBytes(tag));
  }
  const bytes = writeFont(tables);

  // checkSumAdjustment = 0xB1B0AFBA - checksum(whole font), written into head.
  const out = new BinReader(bytes);
  const n = out.u16(4);
  for (let i = 0; i < n; i++) {
    if (out.tag(12 + 16 * i) !== 'head') continue;
    const headAt = out.u32(12 + 16 * i + 8);
    out.view.setUint32(headAt + 8, (0xb1b0afba - checksum(bytes)) >>> 0);
  }
  return { bytes, glyphs };
}

/** Serialize an sfnt with a sorted table directory, 4-byte aligned tables and checksums. */
export function writeFont(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const n = tags.length;
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= n) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  const dirLen = 12 + 16 * n;
  let total = dirLen;
  for (const t of tags) total += (tables.get(t)!.length + 3) & ~3;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x00010000);
  v.setUint16(4, n);
  v.setUint16(6, searchRange);
  v.setUint16(8, entrySelector);
  v.setUint16(10, n * 16 - searchRange);
  let at = dirLen;
  tags.forEach((tag, i) => {
    const data = tables.get(tag)!;
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) out[rec + k] = tag.charCodeAt(k);
    v.setUint32(rec + 4, checksum(data));
    v.setUint32(rec + 8, at);
    v.setUint32(rec + 12, data.length);
    out.set(data, at);
    at += (data.length + 3) & ~3;
  });
  return out;
}
