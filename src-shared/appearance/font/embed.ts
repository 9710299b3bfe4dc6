// Embeds a TrueType font as a Type0 / CIDFontType2 font with Identity-H encoding: text is
// shown as two-byte glyph ids, the font program is a subset (FontFile2) holding only the
// glyphs used, /W gives their widths, /CIDToGIDMap is /Identity and a ToUnicode CMap maps the
// glyphs back to Unicode. Use: create, `encode()` every string you draw, then `finish(sink)`.

import { zlibSync } from 'fflate';
import { VanthuError } from '../../errors';
import { name, PdfDict, PdfStream, PdfString, type ObjectSink, type PdfRef, type PdfValue } from '../../pdf/objects';
import { ascii, hex4 } from '../bytes';
import { subsetTrueType } from './subset';
import { buildToUnicodeCMap } from './tounicode';
import { TrueTypeFont } from './truetype';

/** A compressed stream; /Length is set here too (serializers may overwrite it with the same value). */
export function flateStream(dict: PdfDict, data: Uint8Array, level: 6 | 9 = 6): PdfStream {
  const raw = zlibSync(data, { level });
  dict.set('Filter', name('FlateDecode'));
  dict.set('Length', raw.length);
  return new PdfStream(dict, raw);
}

export interface EncodedText {
  /** Hex string operand for Tj, e.g. `<00240047>`. */
  hex: string;
  /** Advance width of the text at 1 pt font size, in points. */
  width: number;
}

export class EmbeddedFont {
  readonly font: TrueTypeFont;
  private readonly used = new Map<number, string>();
  private readonly ref: PdfRef;

  /** `ref` is reserved now so content streams can be written before the font is finished. */
  constructor(fontBytes: Uint8Array, private readonly sink: ObjectSink) {
    this.font = new TrueTypeFont(fontBytes);
    this.ref = sink.reserve();
  }

  get reference(): PdfRef {
    return this.ref;
  }

  private glyphs(text: string): number[] {
    const out: number[] = [];
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0)!;
      const gid = this.font.glyphFor(cp);
      if (gid === 0) {
        throw new VanthuError(
          'APPEARANCE_GLYPH_MISSING',
          `Phông chữ không có ký tự "${ch}" (U+${hex4(cp)}).`,
          `The font has no glyph for "${ch}" (U+${hex4(cp)}).`,
          { codePoint: cp },
        );
      }
      out.push(gid);
      if (!this.used.has(gid)) this.used.set(gid, ch);
    }
    return out;
  }

  /** Width of `text` at `size` pt without recording its glyphs. */
  measure(text: string, size: number): number {
    let w = 0;
    for (const ch of text.normalize('NFC')) w += this.font.advance(this.font.glyphFor(ch.codePointAt(0)!));
    return (w / this.font.metrics.unitsPerEm) * size;
  }

  /** Ink extent of `text` at `size` pt: top (≥ 0) above and bottom (≤ 0) below the baseline. */
  inkExtent(text: string, size: number): { top: number; bottom: number } {
    let top = 0;
    let bottom = 0;
    for (const ch of text.normalize('NFC')) {
      const [yMin, yMax] = this.font.glyphYBounds(this.font.glyphFor(ch.codePointAt(0)!));
      top = Math.max(top, yMax);
      bottom = Math.min(bottom, yMin);
    }
    const k = size / this.font.metrics.unitsPerEm;
    return { top: top * k, bottom: bottom * k };
  }

  /** Encode text for a Tj operator and record its glyphs for the subset. */
  encode(text: string): EncodedText {
    const gids = this.glyphs(text);
    let w = 0;
    let hex = '<';
    for (const g of gids) {
      hex += hex4(g);
      w += this.font.advance(g);
    }
    return { hex: hex + '>', width: w / this.font.metrics.unitsPerEm };
  }

  /** Write the font objects into the sink (into the reserved reference) and return it. */
  finish(): PdfRef {
    const sink = this.sink;
    const { bytes, glyphs } = subsetTrueType(this.font, this.used.keys());
    const m = this.font.metrics;
    const scale = 1000 / m.unitsPerEm;
    const baseName = `${subsetTag(glyphs)}+${m.postScriptName}`;

    const fontFile = sink.add(flateStream(new PdfDict({ Length1: bytes.length }), bytes, 9));
    const flags = (1 << 1) /* serif */ | (1 << 2); /* symbolic: glyphs outside Adobe standard Latin */
    const descriptor = sink.add(new PdfDict({
      Type: name('FontDescriptor'),
      FontName: name(baseName),
      Flags: flags,
      FontBBox: m.bbox.map((v) => Math.round(v * scale)),
      ItalicAngle: m.italicAngle,
      Ascent: Math.round(m.ascent * scale),
      Descent: Math.round(m.descent * scale),
      CapHeight: Math.round(m.capHeight * scale),
      StemV: m.weight >= 600 ? 140 : 80,
      FontWeight: m.weight,
      FontFile2: fontFile,
    }));

    const sorted = [...glyphs].sort((a, b) => a - b);
    const w: PdfValue[] = [];
    for (let i = 0; i < sorted.length;) {
      const start = sorted[i]!;
      const run: number[] = [];
      while (i < sorted.length && sorted[i] === start + run.length) {
        run.push(Math.round(this.font.advance(sorted[i]!) * scale));
        i++;
      }
      w.push(start, run);
    }
    const cidFont = sink.add(new PdfDict({
      Type: name('Font'),
      Subtype: name('CIDFontType2'),
      BaseFont: name(baseName),
      CIDSystemInfo: new PdfDict({
        Registry: new PdfString(ascii('Adobe')),
        Ordering: new PdfString(ascii('Identity')),
        Supplement: 0,
      }),
      FontDescriptor: descriptor,
      DW: Math.round(this.font.advance(0) * scale),
      W: w,
      CIDToGIDMap: name('Identity'),
    }));
    const toUnicode = sink.add(flateStream(new PdfDict(), ascii(buildToUnicodeCMap(this.used))));
    sink.set(this.ref, new PdfDict({
      Type: name('Font'),
      Subtype: name('Type0'),
      BaseFont: name(baseName),
      Encoding: name('Identity-H'),
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }));
    return this.ref;
  }
}

/** Six upper-case letters derived from the glyph set (ISO 32000-1 §9.6.4 subset tag). */
function subsetTag(glyphs: Set<number>): string {
  let h = 0x811c9dc5;
  for (const g of [...glyphs].sort((a, b) => a - b)) {
    h ^= g & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= g >>> 8;
    h = Math.imul(h, 0x01000193);
  }
  let s = '';
  for (let i = 0; i < 6; i++) {
    s += String.fromCharCode(65 + ((h >>> 0) % 26));
    h = Math.floor((h >>> 0) / 26) ^ Math.imul(h, 31);
  }
  return s;
}
