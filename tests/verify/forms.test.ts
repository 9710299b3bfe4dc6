// Form filling after an approval signature (ISO 32000 §12.8.2.2, P = 2 by default): filling a text
// field (value and its appearance) is allowed; moving the field or adding a new non-signature field
// is not. (FieldMDP locks are covered by the policy unit tests: our signer does not write them.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { PdfDict, PdfRef, PdfStream, name, str } from '../../src-shared/pdf/objects';
import type { PdfReader } from '../../src-shared/pdf/reader';
import type { IncrementalWriter } from '../../src-shared/pdf/writer';
import { CORPUS, appendUpdate, makeWorld, save, signOurs, type World } from './fixtures';

let w: World;
let signed: Uint8Array;
beforeAll(async () => {
  w = await makeWorld('forms');
  const form = new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/minimal-with-simple-form.pdf')));
  signed = await signOurs(w, form, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
});
afterAll(async () => {
  await w?.close();
});

const verify = (label: string, bytes: Uint8Array) => verifyFile(save(w, `${label}.pdf`, bytes), { trust: [w.rootPem], cacheDir: null, isolate: false });

function fill(r: PdfReader, wr: IncrementalWriter, extra: (d: PdfDict) => void = () => undefined): void {
  const f = r.formFields().find((x) => x.name === 'TextField1')!;
  const ap = wr.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 100, 20] }), new TextEncoder().encode('BT /Helv 10 Tf 2 6 Td (Số 15/QĐ-UBND) Tj ET')));
  const d = new PdfDict(f.dict.map).set('V', str('15/QD-UBND')).set('AP', new PdfDict({ N: ap }));
  extra(d);
  wr.update(f.ref as PdfRef, d);
}

describe('form filling after signing', () => {
  it('the signed form passes untouched', async () => {
    expect((await verify('form-signed', signed)).verdict).toBe('TOTAL_PASSED');
  });

  it('allows filling a text field (value and appearance)', async () => {
    const r = await verify('form-filled', appendUpdate(signed, (rd, wr) => fill(rd, wr)));
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures[0].changesAfter.map((c) => `${c.rule}:${c.verdict}`)).toEqual(['form-filled:allowed']);
  });

  it('disallows moving the field while filling it', async () => {
    const r = await verify('form-moved', appendUpdate(signed, (rd, wr) => fill(rd, wr, (d) => d.set('Rect', [0, 0, 595, 842]))));
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.signatures[0].changesAfter.map((c) => c.rule)).toContain('form-field-changed');
  });

  it('disallows adding a new text field', async () => {
    const r = await verify('form-added', appendUpdate(signed, (rd, wr) => {
      const page = rd.pages()[0];
      const nf = wr.add(new PdfDict({ FT: name('Tx'), T: str('Injected'), Type: name('Annot'), Subtype: name('Widget'), Rect: [10, 10, 200, 40], P: page.ref!, V: str('giả mạo') }));
      const afRef = rd.catalog.get('AcroForm');
      const af = rd.resolveDict(afRef)!;
      const fields = [...(rd.resolve(af.get('Fields')) as PdfRef[]), nf];
      if (afRef instanceof PdfRef) wr.update(afRef, new PdfDict(af.map).set('Fields', fields));
      else wr.update(rd.rootRef, new PdfDict(rd.catalog.map).set('AcroForm', new PdfDict(af.map).set('Fields', fields)));
      const annots = rd.resolve(page.dict.get('Annots'));
      wr.update(page.ref!, new PdfDict(page.dict.map).set('Annots', [...(Array.isArray(annots) ? annots : []), nf]));
    }));
    expect(r.signatures[0].changesAfter.map((c) => `${c.rule}:${c.verdict}`)).toContain('form-field-added:disallowed');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });
});
