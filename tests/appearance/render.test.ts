// Each Decree 30 visible signature kind rendered by poppler (pdftoppm -r 72) and checked by
// pixels; text extracted back with pdftotext; the font embedded as a Unicode-mapped subset.
// PDFs and PNGs are kept under test-artifacts/appearance/.

import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildSignatureAppearance, formatVnIso, type Rect } from '../../src-shared/appearance';
import { VanthuError } from '../../src-shared/errors';
import { assemblePdf, MemorySink, type PlacedAppearance } from './pdf-assembler';
import {
  A4, ARTIFACTS, fonts, grow, isBlue, isDark, isRed, pdffonts, pdftotext, qpdfCheck, renderPdf, sampleSeal, sampleSignature,
} from './render-helpers';

const MM = 72 / 25.4;
const SIGNER_RECT: Rect = [330, 280, 540, 410];
const TIME = new Date('2026-11-26T07:03:21Z');

function build(name: string, make: (sink: MemorySink) => PlacedAppearance[]) {
  const sink = new MemorySink();
  const placed = make(sink);
  const raster = renderPdf(assemblePdf(sink, A4, placed), name);
  const pdfPath = path.join(ARTIFACTS, `${name}.pdf`);
  return { raster, pdfPath, placed };
}

describe('visible signature appearances rendered by poppler', () => {
  it('draws the blue signer image inside its rect, between the dark title lines and the name', () => {
    let imageRect: Rect | undefined;
    const { raster, pdfPath } = build('signer', (sink) => {
      const r = buildSignatureAppearance(sink, {
        kind: 'signer', rect: SIGNER_RECT, signatureImage: sampleSignature(), fonts: fonts(),
        title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến',
      });
      imageRect = r.imageRect;
      return [r];
    });
    expect(imageRect).toBeDefined();
    const img = imageRect!;
    // Image centred horizontally in the widget and inside it.
    expect((img[0] + img[2]) / 2).toBeCloseTo((SIGNER_RECT[0] + SIGNER_RECT[2]) / 2, 3);
    const blue = raster.count(isBlue);
    expect(blue).toBeGreaterThan(300);
    expect(raster.count(isBlue, grow(img, 1))).toBe(blue);
    // Title text above the image, name below it, both inside the widget.
    const above: Rect = [SIGNER_RECT[0], img[3], SIGNER_RECT[2], SIGNER_RECT[3]];
    const below: Rect = [SIGNER_RECT[0], SIGNER_RECT[1], SIGNER_RECT[2], img[1]];
    expect(raster.count(isDark, above)).toBeGreaterThan(100);
    expect(raster.count(isDark, below)).toBeGreaterThan(50);
    expect(raster.count(isDark)).toBe(raster.count(isDark, grow(SIGNER_RECT, 0.5)));
    const text = pdftotext(pdfPath);
    expect(text).toContain('KT. CHỦ TỊCH');
    expect(text).toContain('PHÓ CHỦ TỊCH');
    expect(text).toContain('Nguyễn Thị Hải Yến');
    qpdfCheck(pdfPath);
  });

  it("places the red seal at true size over the left third of the signer's image", () => {
    let signerImage: Rect | undefined;
    let sealRect: Rect | undefined;
    const { raster, pdfPath } = build('signer-and-seal', (sink) => {
      const s = buildSignatureAppearance(sink, {
        kind: 'signer', rect: SIGNER_RECT, signatureImage: sampleSignature(), fonts: fonts(),
        title: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH', fullName: 'Trần Văn Đức',
      });
      const o = buildSignatureAppearance(sink, {
        kind: 'organisation', sealImage: sampleSeal(), signerRect: s.rect, signerImageRect: s.imageRect,
      });
      signerImage = s.imageRect;
      sealRect = o.rect;
      return [s, o];
    });
    const img = signerImage!;
    const third = img[0] + (img[2] - img[0]) / 3;
    const red = raster.bbox(isRed)!;
    expect(red).toBeDefined();
    // True size: the sample seal is 425 px at 300 dpi ≈ 36 mm across.
    expect((red[2] - red[0]) / MM).toBeGreaterThan(34);
    expect((red[2] - red[0]) / MM).toBeLessThan(37);
    expect(sealRect![2] - sealRect![0]).toBeCloseTo((425 / 300) * 72, 1);
    // The seal image reaches exactly one third into the signer image from its left; its red ring
    // ends a little inside the PNG's edge (transparent margin), never beyond the third.
    expect(sealRect![2]).toBeCloseTo(third, 6);
    expect(red[2]).toBeLessThanOrEqual(third + 1);
    expect(red[2]).toBeGreaterThan(third - 4);
    const leftThird: Rect = [img[0], img[1], third, img[3]];
    expect(raster.count(isRed, leftThird)).toBeGreaterThan(200);
    expect(raster.count(isRed, [third + 2, img[1], img[2], img[3]])).toBe(0);
    // Vertically centred on the image.
    expect((red[1] + red[3]) / 2).toBeCloseTo((img[1] + img[3]) / 2, -0.5);
    // The blue signature is still visible to the right of the seal.
    expect(raster.count(isBlue, [third + 2, img[1], img[2], img[3]])).toBeGreaterThan(200);
    qpdfCheck(pdfPath);
  });

  it('uses 35 mm for a seal PNG without pHYs and estimates the image rect from the signer widget alone', async () => {
    const { encodePng } = await import('./png-encoder');
    const c = 50;
    const seal = encodePng({
      width: 100, height: 100, colorType: 6, depth: 8,
      sample: (x, y) => (Math.hypot(x + 0.5 - c, y + 0.5 - c) <= 48 ? [220, 20, 30, 255] : [0, 0, 0, 0]),
    });
    const sink = new MemorySink();
    const o = buildSignatureAppearance(sink, { kind: 'organisation', sealImage: seal, signerRect: SIGNER_RECT });
    expect(o.rect[2] - o.rect[0]).toBeCloseTo(35 * MM, 3);
    expect(o.rect[2]).toBeGreaterThan(SIGNER_RECT[0]);
    expect(o.rect[2]).toBeLessThan(SIGNER_RECT[0] + (SIGNER_RECT[2] - SIGNER_RECT[0]) / 2);
    const raster = renderPdf(assemblePdf(sink, A4, [o]), 'seal-default-size');
    const red = raster.bbox(isRed)!;
    expect((red[2] - red[0]) / MM).toBeGreaterThan(33);
    expect((red[2] - red[0]) / MM).toBeLessThan(35.5);
  });

  it('writes the attachment text in black 10 pt at the top right of page 1: số/ký hiệu and ISO 8601 time', () => {
    const { raster, pdfPath, placed } = build('attachment', (sink) => [
      buildSignatureAppearance(sink, {
        kind: 'attachment', pageBox: A4, documentNumber: '15/QĐ-UBND', signingTime: TIME, fonts: fonts(),
      }),
    ]);
    const rect = placed[0]!.rect;
    const dark = raster.bbox(isDark)!;
    expect(dark).toBeDefined();
    // Top right: right edge at the 20 mm right margin, top within the top 25 mm, right half.
    expect(dark[2]).toBeLessThanOrEqual(A4[2] - 20 * MM + 1);
    expect(dark[2]).toBeGreaterThan(A4[2] - 20 * MM - 3);
    expect(dark[3]).toBeGreaterThan(A4[3] - 25 * MM);
    expect(dark[0]).toBeGreaterThan(A4[2] / 2);
    expect(raster.count(isDark)).toBe(raster.count(isDark, grow(rect, 0.5)));
    // Two lines of 10 pt text.
    expect(dark[3] - dark[1]).toBeGreaterThan(16);
    expect(dark[3] - dark[1]).toBeLessThan(26);
    const text = pdftotext(pdfPath);
    expect(text).toContain('15/QĐ-UBND');
    expect(text).toContain('2026-11-26T14:03:21+07:00');
    const fontsOut = pdffonts(pdfPath);
    expect(fontsOut).toMatch(/[A-Z]{6}\+LiberationSerif\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    qpdfCheck(pdfPath);
  });

  it('adds the copy form and the copying agency for a copy, same place and style', () => {
    const { raster, pdfPath, placed } = build('copy', (sink) => [
      buildSignatureAppearance(sink, {
        kind: 'copy', pageBox: A4, documentNumber: '05/SY-VP', signingTime: TIME, fonts: fonts(),
        copyForm: 'SAO Y', copyingAgency: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG',
      }),
    ]);
    const rect = placed[0]!.rect;
    const dark = raster.bbox(isDark)!;
    expect(dark[2]).toBeLessThanOrEqual(A4[2] - 20 * MM + 1);
    expect(dark[3]).toBeGreaterThan(A4[3] - 25 * MM);
    expect(raster.count(isDark)).toBe(raster.count(isDark, grow(rect, 0.5)));
    // Four lines of text.
    expect(dark[3] - dark[1]).toBeGreaterThan(40);
    const lines = pdftotext(pdfPath).split('\n').map((s) => s.trim()).filter(Boolean);
    expect(lines).toEqual(['SAO Y', 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG', '05/SY-VP', formatVnIso(TIME)]);
    qpdfCheck(pdfPath);
  });

  it('wraps a copying agency name too long for the page at spaces, inside the margins', () => {
    const agency = 'SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TỈNH HẢI DƯƠNG — CHI CỤC THỦY LỢI VÀ PHÒNG CHỐNG THIÊN TAI KHU VỰC PHÍA BẮC';
    const { raster, pdfPath } = build('copy-wrapped', (sink) => [
      buildSignatureAppearance(sink, {
        kind: 'copy', pageBox: A4, documentNumber: '07/SL-CCTL', signingTime: TIME, fonts: fonts(), copyForm: 'SAO LỤC', copyingAgency: agency,
      }),
    ]);
    const dark = raster.bbox(isDark)!;
    expect(dark[0]).toBeGreaterThanOrEqual(30 * MM - 1);
    expect(dark[2]).toBeLessThanOrEqual(A4[2] - 20 * MM + 1);
    const lines = pdftotext(pdfPath).split('\n').map((s) => s.trim()).filter(Boolean);
    expect(lines.length).toBe(5);
    expect(lines.slice(1, 3).join(' ')).toBe(agency);
    expect(lines[4]).toBe(formatVnIso(TIME));
  });

  it('gives back the exact Vietnamese sentence through pdftotext (ToUnicode of the embedded subset)', () => {
    const sentence = 'Ủy ban nhân dân tỉnh Hải Dương — Quyết định số 15/QĐ-UBND';
    const { pdfPath } = build('vietnamese-text', (sink) => [
      buildSignatureAppearance(sink, {
        kind: 'attachment', pageBox: A4, documentNumber: '', signingTime: TIME, fonts: fonts(), lines: [sentence],
      }),
    ]);
    expect(pdftotext(pdfPath).trim()).toBe(sentence);
  });

  it('round-trips every Vietnamese letter with every tone, both cases, through pdftotext', () => {
    const groups = ['aàảãáạ', 'ăằẳẵắặ', 'âầẩẫấậ', 'eèẻẽéẹ', 'êềểễếệ', 'iìỉĩíị', 'oòỏõóọ', 'ôồổỗốộ', 'ơờởỡớợ', 'uùủũúụ', 'ưừửữứự', 'yỳỷỹýỵ', 'đ'];
    const all = [...groups, ...groups.map((g) => g.toUpperCase())];
    const { pdfPath } = build('vietnamese-alphabet', (sink) => [
      buildSignatureAppearance(sink, {
        kind: 'attachment', pageBox: A4, documentNumber: '', signingTime: TIME, fonts: fonts(), lines: [all.join(' ')],
      }),
    ]);
    expect(pdftotext(pdfPath).split(/\s+/).filter(Boolean)).toEqual(all);
  });

  it('renders the diacritics: a letter with tone marks paints more ink than the bare letter', () => {
    const inkOf = (s: string, name: string) => {
      const { raster } = build(name, (sink) => [
        buildSignatureAppearance(sink, {
          kind: 'attachment', pageBox: A4, documentNumber: '', signingTime: TIME, fonts: fonts(), lines: [s], fontSize: 40,
        }),
      ]);
      return { ink: raster.count(isDark), box: raster.bbox(isDark)! };
    };
    const bare = inkOf('UAOEDY', 'diacritics-bare');
    const marked = inkOf('ỦẶỖỆĐỸ', 'diacritics-marked');
    expect(bare.ink).toBeGreaterThan(500);
    expect(marked.ink).toBeGreaterThan(bare.ink * 1.1);
    // The stacked marks above the capitals (Ỗ: circumflex + tilde) are painted, not clipped by the
    // box: the ink rises well above the bare capitals and below them for the dots (Ặ, Ệ).
    const bareHeight = bare.box[3] - bare.box[1];
    expect(marked.box[3] - marked.box[1]).toBeGreaterThan(bareHeight + 0.3 * 40);
  });
});

describe('appearances on rotated pages (/Rotate)', () => {
  // Raster coordinates are the page as displayed, so "top right" and "left" are the reader's.
  for (const rotate of [90, 180, 270]) {
    it(`puts upright attachment text at the displayed top right of a page rotated ${rotate}°`, () => {
      const sink = new MemorySink();
      const r = buildSignatureAppearance(sink, {
        kind: 'attachment', pageBox: A4, documentNumber: '15/QĐ-UBND', signingTime: TIME, fonts: fonts(), pageRotation: rotate,
      });
      const raster = renderPdf(assemblePdf(sink, A4, [r], { rotate }), `attachment-rotate-${rotate}`);
      const dark = raster.bbox(isDark)!;
      expect(dark).toBeDefined();
      expect(dark[2]).toBeLessThanOrEqual(raster.width - 20 * MM + 1);
      expect(dark[2]).toBeGreaterThan(raster.width - 20 * MM - 3);
      expect(dark[3]).toBeGreaterThan(raster.height - 25 * MM);
      // Upright: two lines of ~120 pt are much wider than tall.
      expect(dark[2] - dark[0]).toBeGreaterThan(3 * (dark[3] - dark[1]));
      const text = pdftotext(path.join(ARTIFACTS, `attachment-rotate-${rotate}.pdf`));
      expect(text).toContain('15/QĐ-UBND');
    });
  }

  it('keeps the seal on the reader\'s left of the signer image on a page rotated 90°', () => {
    const sink = new MemorySink();
    const rect: Rect = [300, 300, 420, 520]; // tall in page space = wide when displayed
    const s = buildSignatureAppearance(sink, {
      kind: 'signer', rect, signatureImage: sampleSignature(), fonts: fonts(), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
      fullName: 'Nguyễn Văn An', pageRotation: 90,
    });
    const o = buildSignatureAppearance(sink, {
      kind: 'organisation', sealImage: sampleSeal(), signerRect: s.rect, signerImageRect: s.imageRect, pageRotation: 90,
    });
    const raster = renderPdf(assemblePdf(sink, A4, [s, o], { rotate: 90 }), 'signer-and-seal-rotate-90');
    const blue = raster.bbox(isBlue)!;
    const red = raster.bbox(isRed)!;
    // The signature reads left to right: wider than tall once displayed.
    expect(blue[2] - blue[0]).toBeGreaterThan(2 * (blue[3] - blue[1]));
    expect(red[2]).toBeGreaterThan(blue[0]);
    expect(red[2]).toBeLessThan((blue[0] + blue[2]) / 2);
    const cy = (red[1] + red[3]) / 2;
    expect(cy).toBeGreaterThan(blue[1] - 10);
    expect(cy).toBeLessThan(blue[3] + 10);
    // The title is above the image as displayed.
    expect(raster.count(isDark, [0, blue[3] + 2, raster.width, raster.height])).toBeGreaterThan(100);
  });
});

describe('bad appearance input', () => {
  const expectCode = (f: () => unknown, code: string) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VanthuError);
    expect((err as VanthuError).code).toBe(code);
    expect((err as VanthuError).message_vi.length).toBeGreaterThan(0);
  };

  it('refuses text the font cannot show instead of dropping it silently', () => {
    expectCode(() => buildSignatureAppearance(new MemorySink(), {
      kind: 'attachment', pageBox: A4, documentNumber: '15/QĐ-UBND 你好', signingTime: TIME, fonts: fonts(),
    }), 'APPEARANCE_GLYPH_MISSING');
  });

  it('refuses a signer box with no room for the image', () => {
    expectCode(() => buildSignatureAppearance(new MemorySink(), {
      kind: 'signer', rect: [100, 100, 250, 140], signatureImage: sampleSignature(), fonts: fonts(),
      title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Văn A',
    }), 'APPEARANCE_RECT_TOO_SMALL');
  });

  it('needs the page box and the signing time for attachment and copy text', () => {
    expectCode(() => buildSignatureAppearance(new MemorySink(), {
      kind: 'attachment', documentNumber: '15/QĐ-UBND', signingTime: TIME, fonts: fonts(),
    }), 'APPEARANCE_PAGE_BOX_MISSING');
    expectCode(() => buildSignatureAppearance(new MemorySink(), {
      kind: 'copy', pageBox: A4, documentNumber: '05/SY-VP', fonts: fonts(), copyForm: 'SAO LỤC', copyingAgency: 'VĂN PHÒNG',
    }), 'APPEARANCE_TIME_MISSING');
  });

  it('needs the signer rect or an explicit rect to place a seal', () => {
    expectCode(() => buildSignatureAppearance(new MemorySink(), { kind: 'organisation', sealImage: sampleSeal() }),
      'APPEARANCE_SEAL_POSITION_MISSING');
  });
});
