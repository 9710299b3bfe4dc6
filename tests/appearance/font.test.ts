// The TrueType reader and our subsetter on Liberation Serif: Vietnamese text maps to glyphs,
// the subset keeps exactly those glyphs (with composite components) at their original ids,
// drops the rest and the tables a PDF does not need, and stays a well-formed sfnt.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TrueTypeFont } from '../../src-shared/appearance/font/truetype';
import { closeGlyphSet, compositeComponents, subsetTrueType, writeFont } from '../../src-shared/appearance/font/subset';

const root = path.resolve(import.meta.dirname, '../..');
const regular = readFileSync(path.join(root, 'resources/fonts/LiberationSerif-Regular.ttf'));
const TEXT = 'Ủy ban nhân dân tỉnh Hải Dương — Quyết định số 15/QĐ-UBND';
// Every Vietnamese letter with every tone, upper and lower case.
const ALL_VI = 'aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ';

function checksum(b: Uint8Array): number {
  const p = new Uint8Array((b.length + 3) & ~3);
  p.set(b);
  const v = new DataView(p.buffer);
  let s = 0;
  for (let i = 0; i < p.length; i += 4) s = (s + v.getUint32(i)) >>> 0;
  return s;
}

describe('TrueType subsetting of Liberation Serif', () => {
  const font = new TrueTypeFont(regular);

  it('maps every Vietnamese letter (both cases, all tones) to a real glyph through cmap', () => {
    for (const ch of ALL_VI + ALL_VI.toUpperCase()) expect(font.glyphFor(ch.codePointAt(0)!), ch).toBeGreaterThan(0);
    expect(font.glyphFor(0x10ffff)).toBe(0);
  });

  it('keeps the glyphs of a Vietnamese sentence at their ids, with composite components, and empties the rest', () => {
    const gids = [...TEXT].map((c) => font.glyphFor(c.codePointAt(0)!));
    const { bytes, glyphs } = subsetTrueType(font, gids);
    const sub = new TrueTypeFont(bytes);
    expect(sub.numGlyphs).toBe(font.numGlyphs);
    for (const ch of TEXT) {
      const g = font.glyphFor(ch.codePointAt(0)!);
      expect(sub.glyphFor(ch.codePointAt(0)!)).toBe(g);
      const [s, e] = font.glyphRange(g);
      const [s2, e2] = sub.glyphRange(g);
      expect(Buffer.from(bytes.subarray(sub.table('glyf').offset + s2, sub.table('glyf').offset + e2)))
        .toEqual(Buffer.from(regular.subarray(font.table('glyf').offset + s, font.table('glyf').offset + e)));
    }
    // Precomposed Vietnamese letters are composites here; their components must survive.
    const composites = gids.filter((g) => compositeComponents(font, g).length > 0);
    expect(composites.length).toBeGreaterThan(0);
    for (const g of composites) {
      for (const c of compositeComponents(font, g)) {
        expect(glyphs.has(c)).toBe(true);
        const [s, e] = sub.glyphRange(c);
        expect(e - s).toBeGreaterThan(0);
      }
    }
    // A glyph the text does not use is emptied.
    const unused = font.glyphFor('Ж'.codePointAt(0)!);
    expect(unused).toBeGreaterThan(0);
    expect(glyphs.has(unused)).toBe(false);
    const [us, ue] = sub.glyphRange(unused);
    expect(ue - us).toBe(0);
    expect(bytes.length).toBeLessThan(regular.length / 5);
  });

  it('writes only the tables a PDF font program needs, with valid checksums', () => {
    const { bytes } = subsetTrueType(font, [font.glyphFor(0x1ee6)]);
    const sub = new TrueTypeFont(bytes);
    expect([...sub.tables.keys()].sort()).toEqual(
      ['OS/2', 'cmap', 'cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'name', 'post', 'prep'],
    );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < sub.tables.size; i++) {
      const rec = 12 + 16 * i;
      const tag = sub.r.tag(rec);
      const t = sub.table(tag);
      expect(t.offset % 4).toBe(0);
      if (tag === 'head') continue;
      expect(view.getUint32(rec + 4), tag).toBe(checksum(sub.tableBytes(tag)));
    }
    // The whole-font checksum with the adjustment is the magic constant.
    expect(checksum(bytes)).toBe(0xb1b0afba);
    expect(sub.locFormat).toBe(1);
  });

  it('always keeps .notdef and closes the set over components', () => {
    const g = font.glyphFor('ở'.codePointAt(0)!);
    const set = closeGlyphSet(font, [g]);
    expect(set.has(0)).toBe(true);
    expect(set.size).toBeGreaterThan(2);
  });

  it('reads and subsets a font with short (16-bit) loca offsets the same way', () => {
    // Rebuild Liberation Serif with a short loca: every glyph offset is even once glyphs are
    // padded, so offset / 2 fits 16 bits when the glyf table is below 128 KiB — true for a subset.
    const text = 'Quyết định số 15/QĐ-UBND';
    const gids = [...text].map((c) => font.glyphFor(c.codePointAt(0)!));
    const long = new TrueTypeFont(subsetTrueType(font, gids).bytes);
    const tables = new Map<string, Uint8Array>();
    for (const tag of long.tables.keys()) tables.set(tag, new Uint8Array(long.tableBytes(tag)));
    const loca = new Uint8Array(2 * (long.numGlyphs + 1));
    const lv = new DataView(loca.buffer);
    for (let g = 0; g <= long.numGlyphs; g++) {
      const off = g < long.numGlyphs ? long.glyphRange(g)[0] : long.glyphRange(g - 1)[1];
      expect(off % 2).toBe(0);
      lv.setUint16(2 * g, off / 2);
    }
    tables.set('loca', loca);
    new DataView(tables.get('head')!.buffer).setInt16(50, 0);
    const short = new TrueTypeFont(writeFont(tables));
    expect(short.locFormat).toBe(0);
    const { bytes } = subsetTrueType(short, gids);
    const sub = new TrueTypeFont(bytes);
    for (const g of gids) {
      const [s, e] = font.glyphRange(g);
      const [s2, e2] = sub.glyphRange(g);
      expect(e2 - s2).toBe(e - s);
      expect(Buffer.from(bytes.subarray(sub.table('glyf').offset + s2, sub.table('glyf').offset + e2)))
        .toEqual(Buffer.from(regular.subarray(font.table('glyf').offset + s, font.table('glyf').offset + e)));
    }
  });
});
