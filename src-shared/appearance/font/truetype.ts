// Reads what the appearance builders need from a TrueType (glyf-outline) font: the table
// directory, character-to-glyph lookup through cmap format 4 and 12, advance widths and the
// metrics a PDF FontDescriptor carries. No outlines are interpreted here (see subset.ts).

import { VanthuError } from '../../errors';
import { BinReader } from '../bytes';

export interface TableRecord {
  tag: string;
  offset: number;
  length: number;
}

export interface FontMetrics {
  unitsPerEm: number;
  bbox: [number, number, number, number];
  ascent: number;
  descent: number;
  capHeight: number;
  italicAngle: number;
  /** PostScript name from the name table, or 'Font' when absent. */
  postScriptName: string;
  /** usWeightClass from OS/2 (400 regular, 700 bold). */
  weight: number;
}

function badFont(detail: string): VanthuError {
  return new VanthuError(
    'APPEARANCE_FONT_INVALID',
    `Tệp phông chữ không hợp lệ hoặc không được hỗ trợ (${detail}).`,
    `The font file is invalid or not supported (${detail}).`,
  );
}

export class TrueTypeFont {
  readonly r: BinReader;
  readonly tables = new Map<string, TableRecord>();
  readonly numGlyphs: number;
  readonly metrics: FontMetrics;
  private readonly advances: Uint16Array;
  private readonly cmapLookup: (cp: number) => number;

  constructor(readonly bytes: Uint8Array) {
    if (bytes.length < 12) throw badFont('too short');
    this.r = new BinReader(bytes);
    const version = this.r.u32(0);
    if (version !== 0x00010000 && version !== 0x74727565) {
      throw badFont(version === 0x4f54544f ? 'CFF outlines (OTTO) are not supported' : 'not a TrueType font');
    }
    const n = this.r.u16(4);
    for (let i = 0; i < n; i++) {
      const at = 12 + 16 * i;
      const rec = { tag: this.r.tag(at), offset: this.r.u32(at + 8), length: this.r.u32(at + 12) };
      if (rec.offset + rec.length > bytes.length) throw badFont(`table ${rec.tag} out of range`);
      this.tables.set(rec.tag, rec);
    }
    for (const t of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap']) {
      if (!this.tables.has(t)) throw badFont(`missing ${t} table`);
    }
    this.numGlyphs = this.r.u16(this.table('maxp').offset + 4);
    this.advances = this.readAdvances();
    this.metrics = this.readMetrics();
    this.cmapLookup = this.readCmap();
  }

  table(tag: string): TableRecord {
    const t = this.tables.get(tag);
    if (!t) throw badFont(`missing ${tag} table`);
    return t;
  }

  tableBytes(tag: string): Uint8Array {
    const t = this.table(tag);
    return this.bytes.subarray(t.offset, t.offset + t.length);
  }

  /** Glyph id for a Unicode code point, 0 (.notdef) when the font has none. */
  glyphFor(codePoint: number): number {
    return this.cmapLookup(codePoint);
  }

  /** Advance width in font units. */
  advance(gid: number): number {
    return this.advances[Math.min(gid, this.advances.length - 1)] ?? 0;
  }

  /** indexToLocFormat from head: 0 short offsets, 1 long offsets. */
  get locFormat(): number {
    return this.r.i16(this.table('head').offset + 50);
  }

  /** Byte range of one glyph inside the glyf table (relative to the table start). */
  glyphRange(gid: number): [number, number] {
    const loca = this.table('loca').offset;
    if (this.locFormat === 0) return [this.r.u16(loca + 2 * gid) * 2, this.r.u16(loca + 2 * gid + 2) * 2];
    return [this.r.u32(loca + 4 * gid), this.r.u32(loca + 4 * gid + 4)];
  }

  /** Vertical ink extent [yMin, yMax] of a glyph in font units from its glyf header ([0, 0] if empty). */
  glyphYBounds(gid: number): [number, number] {
    const [start, end] = this.glyphRange(gid);
    if (end - start < 10) return [0, 0];
    const at = this.table('glyf').offset + start;
    return [this.r.i16(at + 4), this.r.i16(at + 8)];
  }

  private readAdvances(): Uint16Array {
    const hhea = this.table('hhea').offset;
    const numberOfHMetrics = this.r.u16(hhea + 34);
    const hmtx = this.table('hmtx').offset;
    const out = new Uint16Array(this.numGlyphs);
    let last = 0;
    for (let g = 0; g < this.numGlyphs; g++) {
      if (g < numberOfHMetrics) last = this.r.u16(hmtx + 4 * g);
      out[g] = last;
    }
    return out;
  }

  private readMetrics(): FontMetrics {
    const head = this.table('head').offset;
    const hhea = this.table('hhea').offset;
    const unitsPerEm = this.r.u16(head + 18);
    const bbox: [number, number, number, number] = [
      this.r.i16(head + 36), this.r.i16(head + 38), this.r.i16(head + 40), this.r.i16(head + 42),
    ];
    // hhea ascender/descender: what viewers use for line metrics (the OS/2 typo values of
    // Liberation are much smaller and would clip Vietnamese stacked marks).
    const ascent = this.r.i16(hhea + 4);
    const descent = this.r.i16(hhea + 6);
    let capHeight = ascent;
    let weight = 400;
    const os2 = this.tables.get('OS/2');
    if (os2) {
      const version = this.r.u16(os2.offset);
      weight = this.r.u16(os2.offset + 4);
      if (version >= 2 && os2.length >= 90) capHeight = this.r.i16(os2.offset + 88);
    }
    let italicAngle = 0;
    const post = this.tables.get('post');
    if (post) italicAngle = this.r.u32(post.offset + 4) / 65536;
    if (italicAngle > 32767) italicAngle -= 65536;
    return { unitsPerEm, bbox, ascent, descent, capHeight, italicAngle, weight, postScriptName: this.readPostScriptName() };
  }

  private readPostScriptName(): string {
    const name = this.tables.get('name');
    if (!name) return 'Font';
    const base = name.offset;
    const count = this.r.u16(base + 2);
    const strings = base + this.r.u16(base + 4);
    for (let i = 0; i < count; i++) {
      const at = base + 6 + 12 * i;
      const platform = this.r.u16(at);
      const nameId = this.r.u16(at + 6);
      if (nameId !== 6) continue;
      const len = this.r.u16(at + 8);
      const off = strings + this.r.u16(at + 10);
      let s = '';
      if (platform === 3 || platform === 0) {
        for (let k = 0; k + 1 < len; k += 2) s += String.fromCharCode(this.r.u16(off + k));
      } else {
        for (let k = 0; k < len; k++) s += String.fromCharCode(this.r.u8(off + k));
      }
      s = s.replace(/[^A-Za-z0-9-]/g, '');
      if (s) return s;
    }
    return 'Font';
  }

  /** Pick the best Unicode subtable (format 12 full repertoire, else format 4 BMP). */
  private readCmap(): (cp: number) => number {
    const base = this.table('cmap').offset;
    const count = this.r.u16(base + 2);
    let best: { format: number; offset: number } | undefined;
    for (let i = 0; i < count; i++) {
      const platform = this.r.u16(base + 4 + 8 * i);
      const encoding = this.r.u16(base + 6 + 8 * i);
      const offset = base + this.r.u32(base + 8 + 8 * i);
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (!unicode) continue;
      const format = this.r.u16(offset);
      if (format === 12 && (!best || best.format !== 12)) best = { format, offset };
      else if (format === 4 && !best) best = { format, offset };
    }
    if (!best) throw badFont('no Unicode cmap (format 4 or 12)');
    return best.format === 12 ? this.cmap12(best.offset) : this.cmap4(best.offset);
  }

  private cmap4(at: number): (cp: number) => number {
    const r = this.r;
    const segX2 = r.u16(at + 6);
    const ends = at + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    const segs = segX2 / 2;
    return (cp: number) => {
      if (cp > 0xffff) return 0;
      let lo = 0;
      let hi = segs - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const end = r.u16(ends + 2 * mid);
        if (end < cp) lo = mid + 1;
        else hi = mid - 1;
      }
      if (lo >= segs) return 0;
      const start = r.u16(starts + 2 * lo);
      if (cp < start) return 0;
      const delta = r.u16(deltas + 2 * lo);
      const ro = r.u16(rangeOffsets + 2 * lo);
      if (ro === 0) return (cp + delta) & 0xffff;
      const gAt = rangeOffsets + 2 * lo + ro + 2 * (cp - start);
      const g = r.u16(gAt);
      return g === 0 ? 0 : (g + delta) & 0xffff;
    };
  }

  private cmap12(at: number): (cp: number) => number {
    const r = this.r;
    const groups = r.u32(at + 12);
    const first = at + 16;
    return (cp: number) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = first + 12 * mid;
        const s = r.u32(g);
        const e = r.u32(g + 4);
        if (cp < s) hi = mid - 1;
        else if (cp > e) lo = mid + 1;
        else return r.u32(g + 8) + (cp - s);
      }
      return 0;
    };
  }
}
