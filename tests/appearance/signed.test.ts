// Real signed PDFs of each Decree 30 visible kind, produced by the PAdES engine (signPdf) with
// our appearances: signer, then organisation seal over it, then a copy stamp on the same file,
// and an attachment stamp on its own. pdfsig must report every signature valid after each step;
// poppler renders the result and the pixels show the blue signature, the red seal over its left
// third and the black text at the top right. Files kept under test-artifacts/appearance/.

import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSignatureAppearance, formatVnIso, signerImageRectFromAppearance, type AppearanceSpec, type Rect } from '../../src-shared/appearance';
import type { PdfRef, PdfStream } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { defaultPadesServices, signPdf } from '../../src-shared/pades/index';
import type { Signer } from '../../src-shared/sign/signer';
import { makeNssDb, runPdfsig, type NssDb } from '../helpers/nss';
import { makeTestPki, signerFor } from '../helpers/pki';
import { MemorySink } from './pdf-assembler';
import { ARTIFACTS, fonts, grow, isBlue, isDark, isRed, pdftotext, qpdfCheck, renderPdf, sampleSeal, sampleSignature } from './render-helpers';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const EMPTY_A4 = path.join(SHARED, 'corpus/pdf/pyhanko/empty-a4.pdf');
const MM = 72 / 25.4;
const TIME = new Date('2026-11-26T07:03:21Z');
const SIGNER_RECT: Rect = [330, 250, 540, 380];

let signer: Signer;
let nss: NssDb;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-appearance-'));
  const pki = await makeTestPki(path.join(dir, 'pki'), { signerTypes: ['rsa2048'] });
  signer = await signerFor(pki.signers.rsa2048);
  nss = makeNssDb(path.join(dir, 'nss'), pki.root.pemPath);
});

async function sign(input: Uint8Array, appearance: AppearanceSpec, fieldName: string): Promise<Uint8Array> {
  const res = await signPdf(new BytesSource(input), signer, { signingTime: TIME, fieldName, visible: { pageIndex: 0, appearance } }, defaultPadesServices());
  return Buffer.concat([input, res.appended]);
}

function expectAllValid(file: string, count: number): void {
  const r = runPdfsig(file, { nss });
  expect(r.signatures).toHaveLength(count);
  for (const s of r.signatures) {
    expect(s.signatureValid, `${s.fieldName}: ${s.signatureValidation}`).toBe(true);
    expect(s.digestMismatch).toBe(false);
  }
  expect(r.signatures[count - 1]!.totalDocumentSigned).toBe(true);
}

describe('signed PDFs carrying Decree 30 visible signatures', () => {
  it('signer, then organisation seal, then copy stamp: every signature stays valid and each kind shows', async () => {
    const original = readFileSync(EMPTY_A4);
    const signerSpec: AppearanceSpec = {
      kind: 'signer', rect: SIGNER_RECT, signatureImage: sampleSignature(), fonts: fonts(),
      title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến',
    };
    const one = await sign(original, signerSpec, 'KyDuyet');
    const f1 = path.join(ARTIFACTS, 'signed-1-signer.pdf');
    const r1 = renderPdf(one, 'signed-1-signer');
    expectAllValid(f1, 1);
    // Where the signer image lies (the builder is deterministic for the same spec).
    const imageRect = buildSignatureAppearance(new MemorySink(), signerSpec).imageRect!;
    expect(r1.count(isBlue)).toBeGreaterThan(300);
    expect(r1.count(isBlue, grow(imageRect, 1))).toBe(r1.count(isBlue));

    // The clerk issues it: the earlier widget is read back from the signed file (its /Rect and the
    // image box recorded in its appearance), and the seal is placed from those.
    const reader = PdfReader.open(new BytesSource(one));
    const field = reader.signatureFields().find((f) => f.name === 'KyDuyet')!;
    const widgetRect = (reader.resolve(field.field.get('Rect')) as number[]) as Rect;
    const ap = reader.resolveDict(field.field.get('AP'))!;
    const form = reader.getObject(ap.get('N') as PdfRef) as PdfStream;
    const readBack = signerImageRectFromAppearance(form.dict, widgetRect, reader.pages()[0]!.rotate)!;
    expect(readBack).toBeDefined();
    readBack.forEach((v, i) => expect(v).toBeCloseTo(imageRect[i]!, 2));
    const two = await sign(one, {
      kind: 'organisation', sealImage: sampleSeal(), signerRect: widgetRect, signerImageRect: readBack,
    }, 'PhatHanh');
    const f2 = path.join(ARTIFACTS, 'signed-2-organisation.pdf');
    const r2 = renderPdf(two, 'signed-2-organisation');
    expectAllValid(f2, 2);
    const third = imageRect[0] + (imageRect[2] - imageRect[0]) / 3;
    expect(r2.count(isRed, [imageRect[0], imageRect[1], third, imageRect[3]])).toBeGreaterThan(200);
    expect(r2.count(isRed, [third + 1, imageRect[1], imageRect[2], imageRect[3]])).toBe(0);
    const red = r2.bbox(isRed)!;
    expect((red[2] - red[0]) / MM).toBeGreaterThan(34);
    expect((red[2] - red[0]) / MM).toBeLessThan(37);

    // A certified copy on the same file: text at the top right of page 1.
    const three = await sign(two, {
      // pageBox and signingTime left out: signPdf fills them from page 1 and the signature.
      kind: 'copy', documentNumber: '05/SY-VP', fonts: fonts(), copyForm: 'SAO Y', copyingAgency: 'VĂN PHÒNG UBND TỈNH HẢI DƯƠNG',
    }, 'SaoY');
    const f3 = path.join(ARTIFACTS, 'signed-3-copy.pdf');
    const r3 = renderPdf(three, 'signed-3-copy');
    expectAllValid(f3, 3);
    qpdfCheck(f3);
    const topRight: Rect = [r3.width / 2, r3.height - 30 * MM, r3.width, r3.height];
    expect(r3.count(isDark, topRight)).toBeGreaterThan(150);
    const text = pdftotext(f3);
    for (const s of ['SAO Y', 'VĂN PHÒNG UBND TỈNH HẢI DƯƠNG', '05/SY-VP', formatVnIso(TIME), 'PHÓ CHỦ TỊCH', 'Nguyễn Thị Hải Yến']) {
      expect(text).toContain(s);
    }
    // Earlier revisions are byte-for-byte prefixes of the later files.
    expect(Buffer.from(three.subarray(0, two.length)).equals(Buffer.from(two))).toBe(true);
  });

  it('an attachment signed by the organisation shows số/ký hiệu and time at the top right of page 1', async () => {
    const original = readFileSync(EMPTY_A4);
    const out = await sign(original, {
      kind: 'attachment', documentNumber: '15/QĐ-UBND', fonts: fonts(),
    }, 'PhuLuc');
    const file = path.join(ARTIFACTS, 'signed-attachment.pdf');
    const r = renderPdf(out, 'signed-attachment');
    expectAllValid(file, 1);
    qpdfCheck(file);
    const dark = r.bbox(isDark)!;
    expect(dark[2]).toBeLessThanOrEqual(r.width - 20 * MM + 1);
    expect(dark[2]).toBeGreaterThan(r.width - 20 * MM - 3);
    expect(dark[3]).toBeGreaterThan(r.height - 25 * MM);
    expect(dark[0]).toBeGreaterThan(r.width / 2);
    const text = pdftotext(file);
    expect(text).toContain('15/QĐ-UBND');
    expect(text).toContain('2026-11-26T14:03:21+07:00');
    writeFileSync(path.join(ARTIFACTS, 'signed-attachment.txt'), text);
  });
});
