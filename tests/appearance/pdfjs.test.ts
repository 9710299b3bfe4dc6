// A second, independent viewer: Mozilla's pdf.js (Firefox and most web e-office systems) renders
// the appearances to a canvas (@napi-rs/canvas) and extracts their text. Same pixel checks as
// with poppler: the embedded Vietnamese subset font and the PNG images must work there too.

import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildSignatureAppearance, formatVnIso, type Rect } from '../../src-shared/appearance';
import { assemblePdf, MemorySink, type PlacedAppearance } from './pdf-assembler';
import { A4, ARTIFACTS, fonts, grow, isBlue, isDark, isRed, makeRaster, sampleSeal, sampleSignature, type Raster } from './render-helpers';

const MM = 72 / 25.4;
const TIME = new Date('2026-11-26T07:03:21Z');
const SIGNER_RECT: Rect = [330, 280, 540, 410];

async function openPdf(bytes: Uint8Array) {
  return pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0, useSystemFonts: false }).promise;
}

/** Render page 1 with annotation appearances at 72 dpi; keep the PNG as an artifact. */
async function renderWithPdfjs(pdf: Uint8Array, name: string): Promise<Raster> {
  const doc = await openPdf(pdf);
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale: 1 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({
    canvasContext: ctx as unknown as CanvasRenderingContext2D, canvas: canvas as unknown as HTMLCanvasElement, viewport,
    annotationMode: pdfjs.AnnotationMode.ENABLE,
  }).promise;
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `${name}.pdf`), pdf);
  writeFileSync(path.join(ARTIFACTS, `${name}.png`), canvas.toBuffer('image/png'));
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  await doc.destroy();
  return makeRaster(canvas.width, canvas.height, (ix, iy) => {
    const i = 4 * (iy * canvas.width + ix);
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  });
}

function assembled(make: (sink: MemorySink) => PlacedAppearance[], opts: { drawInContent?: boolean } = {}) {
  const sink = new MemorySink();
  const placed = make(sink);
  return { pdf: assemblePdf(sink, A4, placed, opts), placed };
}

describe('appearances in pdf.js', () => {
  it('renders the blue signature, the title and name, and the red seal over the left third', async () => {
    let imageRect: Rect | undefined;
    const { pdf } = assembled((sink) => {
      const s = buildSignatureAppearance(sink, {
        kind: 'signer', rect: SIGNER_RECT, signatureImage: sampleSignature(), fonts: fonts(),
        title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến',
      });
      imageRect = s.imageRect;
      return [s, buildSignatureAppearance(sink, { kind: 'organisation', sealImage: sampleSeal(), signerRect: s.rect, signerImageRect: s.imageRect })];
    });
    const r = await renderWithPdfjs(pdf, 'pdfjs-signer-and-seal');
    const img = imageRect!;
    const third = img[0] + (img[2] - img[0]) / 3;
    expect(r.count(isBlue, [third + 2, img[1], img[2], img[3]])).toBeGreaterThan(200);
    expect(r.count(isBlue, grow(img, 1))).toBe(r.count(isBlue));
    expect(r.count(isRed, [img[0], img[1], third, img[3]])).toBeGreaterThan(200);
    expect(r.count(isRed, [third + 2, img[1], img[2], img[3]])).toBe(0);
    expect(r.count(isDark, [SIGNER_RECT[0], img[3], SIGNER_RECT[2], SIGNER_RECT[3]])).toBeGreaterThan(100);
    expect(r.count(isDark, [third + 2, SIGNER_RECT[1], SIGNER_RECT[2], img[1]])).toBeGreaterThan(50);
  });

  it('renders the copy text in black at the top right of page 1', async () => {
    const { pdf, placed } = assembled((sink) => [
      buildSignatureAppearance(sink, {
        kind: 'copy', pageBox: A4, documentNumber: '05/SY-VP', signingTime: TIME, fonts: fonts(),
        copyForm: 'TRÍCH SAO', copyingAgency: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG',
      }),
    ]);
    const r = await renderWithPdfjs(pdf, 'pdfjs-copy');
    const dark = r.bbox(isDark)!;
    expect(dark).toBeDefined();
    expect(dark[2]).toBeLessThanOrEqual(A4[2] - 20 * MM + 1);
    expect(dark[2]).toBeGreaterThan(A4[2] - 20 * MM - 3);
    expect(dark[3]).toBeGreaterThan(A4[3] - 25 * MM);
    expect(r.count(isDark)).toBe(r.count(isDark, grow(placed[0]!.rect, 0.5)));
    expect(dark[3] - dark[1]).toBeGreaterThan(40);
  });

  it('extracts the Vietnamese text through the ToUnicode map of the subset font', async () => {
    const lines = ['Ủy ban nhân dân tỉnh Hải Dương — Quyết định số 15/QĐ-UBND', formatVnIso(TIME)];
    const { pdf } = assembled((sink) => [
      buildSignatureAppearance(sink, { kind: 'attachment', pageBox: A4, documentNumber: '', signingTime: TIME, fonts: fonts(), lines }),
    ], { drawInContent: true });
    const doc = await openPdf(pdf);
    const page = await doc.getPage(1);
    const text = await page.getTextContent();
    const strings = text.items.map((i) => ('str' in i ? i.str : '')).filter(Boolean);
    await doc.destroy();
    expect(strings).toEqual(lines);
  });
});
