// Tampered copies of a signed PDF, made here: the known attack classes on PDF signatures must not
// pass. Byte flips break integrity; incremental updates that change what a viewer shows are
// disallowed (Incremental Saving Attack, shadow hide/replace); missing or moved /Contents and
// /ByteRange are format failures (Universal Signature Forgery, Signature Wrapping).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, name } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { appendUpdate, concat, makeWorld, save, signOurs, type World } from './fixtures';

let w: World;
let signed: Uint8Array;
beforeAll(async () => {
  w = await makeWorld('tamper');
  signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
});
afterAll(async () => {
  await w?.close();
});

const verify = (label: string, bytes: Uint8Array) => verifyFile(save(w, `${label}.pdf`, bytes), { trust: [w.rootPem], cacheDir: null, isolate: false });
const enc = (s: string) => new TextEncoder().encode(s);
const firstPage = (r: PdfReader) => r.pages()[0];

function indexOf(hay: Uint8Array, needle: string, from = 0): number {
  const n = enc(needle);
  outer: for (let i = from; i <= hay.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
}

describe('tampered signed PDFs', () => {
  it('baseline: the untouched signed copy passes', async () => {
    expect((await verify('untouched', signed)).verdict).toBe('TOTAL_PASSED');
  });

  it('flags integrity broken when one byte inside the signed range is flipped', async () => {
    const t = signed.slice();
    const at = indexOf(t, 'Trang 1');
    expect(at).toBeGreaterThan(0);
    t[at] = 'X'.charCodeAt(0);
    const r = await verify('flipped', t);
    expect(r.verdict).toBe('TOTAL_FAILED');
    expect(r.signatures[0]).toMatchObject({ integrity: 'broken', subIndication: 'HASH_FAILURE' });
  });

  it('disallows an appended update that rewrites the page content stream', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const c = firstPage(r).dict.get('Contents') as PdfRef;
      wr.update(c, new PdfStream(new PdfDict(), enc('BT /F1 14 Tf 72 760 Td (Trang 1 - DA SUA) Tj ET')));
    });
    const r = await verify('content-rewritten', t);
    expect(r.verdict).not.toBe('TOTAL_PASSED');
    expect(r.signatures[0].integrity).toBe('intact');
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.signatures[0].subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('disallows an appended update that points the page at new content', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = firstPage(r);
      const extra = wr.add(new PdfStream(new PdfDict(), enc('q 1 1 1 rg 0 0 595 842 re f Q')));
      const d = new PdfDict(p.dict.map);
      d.set('Contents', [p.dict.get('Contents')!, extra]);
      wr.update(p.ref!, d);
    });
    const r = await verify('content-added', t);
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.signatures[0].changesAfter.map((c) => c.rule)).toContain('page-content-changed');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });

  it('disallows an appended update that adds a page', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const pagesRef = r.catalog.get('Pages') as PdfRef;
      const pages = r.resolveDict(pagesRef)!;
      const page = wr.add(new PdfDict({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842] }));
      const kids = [...(r.resolve(pages.get('Kids')) as PdfRef[]), page];
      const nd = new PdfDict(pages.map);
      nd.set('Kids', kids).set('Count', kids.length);
      wr.update(pagesRef, nd);
    });
    const r = await verify('page-added', t);
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.signatures[0].changesAfter.map((c) => c.rule)).toContain('page-added');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });

  it('disallows an appended update that swaps an image in place', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const res = firstPage(r).resources!;
      const xo = r.resolveDict(res.get('XObject'))!;
      const imRef = xo.get('Im1') as PdfRef;
      const img = r.getObject(imRef) as PdfStream;
      const raw = new Uint8Array(img.raw.length).fill(0x7f);
      wr.update(imRef, new PdfStream(new PdfDict(img.dict.map), raw));
    });
    const r = await verify('image-swapped', t);
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.signatures[0].changesAfter.map((c) => c.rule)).toContain('image-replaced');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });

  it('disallows an appended update that swaps an image through the page resources', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = firstPage(r);
      const img = r.getObject((r.resolveDict(p.resources!.get('XObject'))!.get('Im1')) as PdfRef) as PdfStream;
      const other = wr.add(new PdfStream(new PdfDict(img.dict.map), new Uint8Array(img.raw.length)));
      const res = new PdfDict(p.resources!.map).set('XObject', new PdfDict({ Im1: other }));
      wr.update(p.ref!, new PdfDict(p.dict.map).set('Resources', res));
    });
    const r = await verify('image-resources', t);
    expect(r.signatures[0].changesAfter.map((c) => c.rule)).toContain('page-resources-changed');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });

  it('disallows an overlay annotation added after an approval signature (shadow hide)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = firstPage(r);
      const ap = wr.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 595, 842] }), enc('1 1 1 rg 0 0 595 842 re f')));
      const annot = wr.add(new PdfDict({ Type: name('Annot'), Subtype: name('Square'), Rect: [0, 0, 595, 842], AP: new PdfDict({ N: ap }) }));
      const old = r.resolve(p.dict.get('Annots'));
      wr.update(p.ref!, new PdfDict(p.dict.map).set('Annots', [...(Array.isArray(old) ? old : []), annot]));
    });
    const r = await verify('overlay', t);
    expect(r.signatures[0].changesAfter.map((c) => c.rule)).toContain('annotation-added');
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
  });

  it('disallows replacing the appearance of the existing signature widget (shadow replace)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const f = r.signatureFields()[0];
      const ap = wr.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 100, 50] }), enc('0 0 1 rg 0 0 100 50 re f')));
      wr.update(f.fieldRef!, new PdfDict(f.field.map).set('AP', new PdfDict({ N: ap })).set('Rect', [0, 0, 595, 842]));
    });
    const r = await verify('widget-replaced', t);
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });

  it('disallows objects appended after %%EOF without a cross-reference section (incremental saving attack)', async () => {
    const r0 = PdfReader.open(new BytesSource(signed));
    const c = (firstPage(r0).dict.get('Contents') as PdfRef).num;
    const body = 'BT /F1 14 Tf 72 760 Td (NOI DUNG GIA) Tj ET';
    const t = concat(signed, enc(`\n${c} 0 obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\n`));
    const r = await verify('isa-no-xref', t);
    expect(r.signatures[0].changesAfter.map((x) => x.rule)).toContain('data-after-last-revision');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });

  it('fails a signature whose /Contents was zeroed in place (universal signature forgery)', async () => {
    const t = signed.slice();
    const f = PdfReader.open(new BytesSource(signed)).signatureFields()[0];
    for (let i = f.contentsSpan![0] + 1; i < f.contentsSpan![1] - 1; i++) t[i] = '0'.charCodeAt(0);
    const r = await verify('usf-zero', t);
    expect(r.verdict).toBe('TOTAL_FAILED');
    expect(r.signatures[0].subIndication).toBe('FORMAT_FAILURE');
    expect(r.signatures[0].findings.map((x) => x.code)).toContain('NO_CONTENTS');
  });

  it('fails a later update that drops /ByteRange from the signature dictionary (universal signature forgery)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const f = r.signatureFields()[0];
      const d = new PdfDict(f.sig!.map);
      d.delete('ByteRange');
      wr.update(f.sigRef!, d);
    });
    const r = await verify('usf-no-byterange', t);
    expect(r.verdict).toBe('TOTAL_FAILED');
    expect(r.signatures[0].findings.map((x) => x.code)).toContain('NO_BYTERANGE');
  });

  it('fails a signature dictionary re-declared in a later update (signature wrapping)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const f = r.signatureFields()[0];
      const d = new PdfDict(f.sig!.map);
      d.set('Contents', new PdfString(f.contents!, true)).set('Reason', new PdfString(enc('wrapped')));
      wr.update(f.sigRef!, d);
    });
    const r = await verify('swa', t);
    expect(r.verdict).toBe('TOTAL_FAILED');
    expect(r.signatures[0].findings.map((x) => x.code)).toContain('BYTERANGE_GAP_NOT_CONTENTS');
  });

  it('still passes after an appended DSS-only update', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const cert = wr.add(new PdfStream(new PdfDict(), w.pki.intermediate.der));
      const dss = wr.add(new PdfDict({ Type: name('DSS'), Certs: [cert] }));
      wr.update(r.rootRef, new PdfDict(r.catalog.map).set('DSS', dss));
    });
    const r = await verify('dss-only', t);
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures[0].modificationsAfter).toBe('allowed');
    expect(r.signatures[0].changesAfter.every((c) => c.verdict === 'allowed')).toBe(true);
  });

  it('disallows a catalog change that alters what is shown (OpenAction / optional content)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      wr.update(r.rootRef, new PdfDict(r.catalog.map).set('OCProperties', new PdfDict({ OCGs: [], D: new PdfDict({ Order: [] }) })).set('PageMode', new PdfName('FullScreen')));
    });
    const r = await verify('catalog', t);
    expect(r.signatures[0].changesAfter.filter((c) => c.verdict === 'disallowed').map((c) => c.rule)).toContain('catalog-changed');
    expect(r.verdict).not.toBe('TOTAL_PASSED');
  });
});
