// Geometry and formatting rules of the Decree 30 appearances, without rendering: the ISO 8601
// Vietnam time, the seal placement over the signer image's left third, the top-right text box.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSignatureAppearance, defaultTextRect, signerImageRectFromAppearance, estimateSignerImageRect, formatVnIso, sealRectForSigner, subsetTrueType, TrueTypeFont,
  type Rect,
} from '../../src-shared/appearance';
import { PdfDict, PdfName, PdfStream } from '../../src-shared/pdf/objects';
import { MemorySink } from './pdf-assembler';
import { A4, fonts, sampleSignature } from './render-helpers';

const MM = 72 / 25.4;

describe('formatVnIso', () => {
  it('prints the instant in Vietnam time with the +07:00 offset', () => {
    expect(formatVnIso(new Date('2026-11-26T07:03:21Z'))).toBe('2026-11-26T14:03:21+07:00');
    expect(formatVnIso(new Date('2026-11-26T14:03:21+07:00'))).toBe('2026-11-26T14:03:21+07:00');
  });
  it('rolls over the day, month and year boundary in Vietnam time', () => {
    expect(formatVnIso(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01T00:00:00+07:00');
    expect(formatVnIso(new Date('2028-02-28T20:59:59.999Z'))).toBe('2028-02-29T03:59:59+07:00');
  });
  it('rejects an invalid date', () => {
    expect(() => formatVnIso(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('sealRectForSigner', () => {
  const signer: Rect = [300, 200, 500, 320];
  const image: Rect = [320, 230, 470, 290];
  it('puts the seal right edge one third into the signer image and centres it vertically', () => {
    const seal = sealRectForSigner(signer, 100, image);
    expect(seal[2]).toBeCloseTo(320 + 150 / 3, 9);
    expect(seal[2] - seal[0]).toBeCloseTo(100, 9);
    expect((seal[1] + seal[3]) / 2).toBeCloseTo(260, 9);
    expect(seal[3] - seal[1]).toBeCloseTo(100, 9);
  });
  it('supports non-square seals and reversed rect corners', () => {
    const seal = sealRectForSigner(signer, 100, [470, 290, 320, 230], 90);
    expect(seal[3] - seal[1]).toBeCloseTo(90, 9);
    expect(seal[2]).toBeCloseTo(370, 9);
  });
  it('estimates the image band from the signer widget when the image rect is unknown', () => {
    const est = estimateSignerImageRect(signer);
    expect(est[0]).toBeGreaterThan(signer[0]);
    expect(est[2]).toBeLessThan(signer[2]);
    expect(est[1]).toBeGreaterThan(signer[1]);
    expect(est[3]).toBeLessThan(signer[3]);
    const seal = sealRectForSigner(signer, 99);
    expect(seal[2]).toBeCloseTo(est[0] + (est[2] - est[0]) / 3, 9);
  });
  it('matches the real image rect of a signer appearance closely for a typical widget', () => {
    const rect: Rect = [330, 280, 540, 410];
    const r = buildSignatureAppearance(new MemorySink(), {
      kind: 'signer', rect, signatureImage: sampleSignature(), fonts: fonts(), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Lê Văn Bình',
    });
    const est = estimateSignerImageRect(rect);
    const centre = (x: Rect) => [(x[0] + x[2]) / 2, (x[1] + x[3]) / 2];
    expect(Math.abs(centre(est)[1]! - centre(r.imageRect!)[1]!)).toBeLessThan(6);
    expect(Math.abs(centre(est)[0]! - centre(r.imageRect!)[0]!)).toBeLessThan(1);
  });
});

describe('signerImageRectFromAppearance', () => {
  for (const pageRotation of [0, 90, 180, 270]) {
    it(`reads the signer image rect back from the appearance form (page rotated ${pageRotation}°)`, () => {
      const sink = new MemorySink();
      const rect: Rect = [300, 200, 430, 420];
      const r = buildSignatureAppearance(sink, {
        kind: 'signer', rect, signatureImage: sampleSignature(), fonts: fonts(), title: 'CHỦ TỊCH', fullName: 'Phạm Minh Chính', pageRotation,
      });
      const form = sink.objects[r.appearance.num] as PdfStream;
      const back = signerImageRectFromAppearance(form.dict, r.rect, pageRotation)!;
      back.forEach((v, i) => expect(v).toBeCloseTo(r.imageRect![i]!, 2));
      // Inside the widget.
      expect(back[0]).toBeGreaterThanOrEqual(rect[0]);
      expect(back[2]).toBeLessThanOrEqual(rect[2]);
    });
  }
  it('returns undefined for an appearance not made by us', () => {
    expect(signerImageRectFromAppearance(new PdfDict({ BBox: [0, 0, 10, 10] }), [0, 0, 10, 10])).toBeUndefined();
  });
});

describe('defaultTextRect', () => {
  it('anchors the box at the top right of the page box inside the margins', () => {
    const r = defaultTextRect(A4, ['15/QĐ-UBND', '2026-11-26T14:03:21+07:00'], { measure: (s) => s.length * 5 });
    expect(r[2]).toBeCloseTo(A4[2] - 20 * MM, 6);
    expect(r[3]).toBeCloseTo(A4[3] - 8 * MM, 6);
    expect(r[2] - r[0]).toBeCloseTo(25 * 5 + 2, 6);
    expect(r[3] - r[1]).toBeGreaterThan(2 * 10);
  });
  it('follows a page box that does not start at the origin (CropBox)', () => {
    const crop: Rect = [50, 60, 550, 760];
    const r = defaultTextRect(crop, ['x'], { marginRight: 10, marginTop: 10 });
    expect(r[2]).toBe(540);
    expect(r[3]).toBe(750);
  });
});

describe('appearance objects', () => {
  it('writes a Form XObject whose BBox is the rect size, with Flate streams carrying /Length', () => {
    const sink = new MemorySink();
    const res = buildSignatureAppearance(sink, {
      kind: 'attachment', pageBox: A4, documentNumber: '15/QĐ-UBND', signingTime: new Date(0), fonts: fonts(),
    });
    const form = sink.objects[res.appearance.num] as PdfStream;
    expect(form).toBeInstanceOf(PdfStream);
    expect((form.dict.get('Subtype') as PdfName).name).toBe('Form');
    expect(form.dict.get('BBox')).toEqual([0, 0, res.rect[2] - res.rect[0], res.rect[3] - res.rect[1]]);
    for (const o of sink.objects) {
      if (!(o instanceof PdfStream)) continue;
      expect((o.dict.get('Filter') as PdfName).name).toBe('FlateDecode');
      expect(o.dict.get('Length')).toBe(o.raw.length);
    }
    const fontsUsed = sink.objects.filter((o) => o instanceof PdfDict && (o.get('Subtype') as PdfName | undefined)?.name === 'CIDFontType2');
    expect(fontsUsed).toHaveLength(1);
    expect(((fontsUsed[0] as PdfDict).get('CIDToGIDMap') as PdfName).name).toBe('Identity');
  });

  it('never modifies the font bytes the caller passes in and subsets deterministically', () => {
    const bytes = readFileSync(path.resolve(import.meta.dirname, '../../resources/fonts/LiberationSerif-Regular.ttf'));
    const before = Buffer.from(bytes);
    const font = new TrueTypeFont(bytes);
    const a = subsetTrueType(font, [100, 200]).bytes;
    const b = subsetTrueType(font, [100, 200]).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(bytes.equals(before)).toBe(true);
  });
});
