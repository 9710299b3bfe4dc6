// DocMDP on a third-party certified document (pyHanko, /P 1): the certification is found, DSS data
// may still be added (PAdES LTV), a new signature field may not.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPdf } from '../../src-shared/verify/verify-pdf';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfRef, PdfStream, name, str } from '../../src-shared/pdf/objects';
import { CORPUS, appendUpdate } from './fixtures';

const certified = new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/certified-with-indirect-refs-in-dir.pdf')));
const verify = (bytes: Uint8Array) => verifyPdf(new BytesSource(bytes), 'certified.pdf', { validateChain: null });

describe('certified documents (DocMDP)', () => {
  it('reports the certification permission and no changes on the untouched file', async () => {
    const r = await verify(certified);
    expect(r.signatures[0]).toMatchObject({ docMdpPermission: 1, integrity: 'intact', modificationsAfter: 'none' });
  });

  it('allows a DSS update under P=1', async () => {
    const t = appendUpdate(certified, (rd, w) => {
      const c = w.add(new PdfStream(new PdfDict(), new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])));
      const dss = w.add(new PdfDict({ Certs: [c] }));
      w.update(rd.rootRef, new PdfDict(rd.catalog.map).set('DSS', dss));
    });
    const r = await verify(t);
    expect(r.signatures[0].modificationsAfter).toBe('allowed');
  });

  it('disallows a new signature field under P=1', async () => {
    const t = appendUpdate(certified, (rd, w) => {
      const page = rd.pages()[0];
      const field = w.add(new PdfDict({ FT: name('Sig'), T: str('Sig2'), Type: name('Annot'), Subtype: name('Widget'), Rect: [0, 0, 0, 0], P: page.ref! }));
      const af = rd.resolveDict(rd.catalog.get('AcroForm'))!;
      const fields = [...(rd.resolve(af.get('Fields')) as PdfRef[]), field];
      const afRef = rd.catalog.get('AcroForm');
      if (afRef instanceof PdfRef) w.update(afRef, new PdfDict(af.map).set('Fields', fields));
      else w.update(rd.rootRef, new PdfDict(rd.catalog.map).set('AcroForm', new PdfDict(af.map).set('Fields', fields)));
      const annots = rd.resolve(page.dict.get('Annots'));
      w.update(page.ref!, new PdfDict(page.dict.map).set('Annots', [...(Array.isArray(annots) ? annots : []), field]));
    });
    const r = await verify(t);
    expect(r.signatures[0].changesAfter.map((c) => `${c.rule}:${c.verdict}`)).toContain('signature-field-added:disallowed');
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.verdict).toBe('TOTAL_FAILED');
  });
});
