// Change rules that the interoperability matrix (tests/interop) showed we needed: what other
// signers write after a signature and every other verifier accepts. Each case rebuilds the
// pattern with our writer on a document signed by our signer, checks that it passes under the
// named rule, and that the same edit becoming a real change is still refused.
//  - form-resource-replaced-unused: PDFBox's visible-signature template replaces iText's
//    /DR /XObject /FRM; nothing reaches the old entry through /DR (its appearance has resources of
//    its own), so nothing shown changes. An appearance that does look it up through /DR, or a /DA
//    naming a replaced font, keeps it a forbidden form-resources-changed.
//  - page-inherited-attribute-copied: iText copies the /MediaBox a page inherits from /Pages into
//    the page when it adds /Annots; the same effective value (ISO 32000-1 §7.7.3.4) is no change,
//    another one is page-changed.
//  - XREF_ENTRY_REPAIRED: a cross-reference entry of the signed revision itself that does not lead
//    to its object (shadow "hide via referenced object" before signing: readers repair it
//    differently) keeps the signature from passing (TOTAL_FAILED / FORMAT_FAILURE); a forged /Root
//    entry that makes the reader rebuild the cross-reference data is named in the report
//    (xref-entry-unreadable next to xref-recovered), also for a signature whose range then ends at
//    no revision.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { PdfDict, PdfRef, PdfStream, name, str, type PdfValue } from '../../src-shared/pdf/objects';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import type { IncrementalWriter } from '../../src-shared/pdf/writer';
import { CORPUS, appendUpdate, makeWorld, save, signOurs, type World } from './fixtures';
import { enc, existingField, expectChange, rawUpdate, setIn, signWith } from './changes-fixtures';

let w: World;
beforeAll(async () => {
  w = await makeWorld('changes-interop');
});
afterAll(async () => {
  await w?.close();
});

let n = 0;
const verify = (bytes: Uint8Array) => verifyFile(save(w, `interop-${n++}.pdf`, bytes), { trust: [w.rootPem], cacheDir: null, isolate: false, visualCheck: false });
const sign = (bytes: Uint8Array) => signOurs(w, bytes, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
const form = (content: string, resources?: PdfValue) => {
  const d = new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 200, 80] });
  if (resources !== undefined) d.set('Resources', resources);
  return new PdfStream(d, enc(content));
};

async function passes(bytes: Uint8Array, rule: string) {
  const rep = await verify(bytes);
  expect(rep.signatures[0]).toMatchObject({ integrity: 'intact', modificationsAfter: 'allowed', indication: 'TOTAL_PASSED' });
  return expectChange(rep, rule, 'allowed');
}

async function refused(bytes: Uint8Array, rule: string) {
  const rep = await verify(bytes);
  expect(rep.signatures[0]).toMatchObject({ integrity: 'intact', modificationsAfter: 'disallowed', indication: 'TOTAL_FAILED', subIndication: 'SIG_CONSTRAINTS_FAILURE' });
  return expectChange(rep, rule, 'disallowed');
}

describe('form-resource-replaced-unused: a /DR entry nothing shown uses is replaced (PDFBox after iText)', () => {
  /**
   * Before signing, as iText leaves a visible signature: /DR /XObject /FRM X, /DR /Font /Helv and
   * /F9, /DA naming /Helv, and a widget whose appearance draws /FRM — through resources of its own
   * (`own`), without any (`none`, so a viewer looks it up in /DR), or with /DR itself as its
   * /Resources (`dr`, /DR then an object of its own).
   */
  async function signedWithFrm(ap: 'own' | 'none' | 'dr'): Promise<Uint8Array> {
    const prepared = appendUpdate(w.base, (r, wr) => {
      const page = r.pages()[0];
      const frm = wr.add(form('q 0 0 1 rg 0 0 200 80 re f Q', new PdfDict()));
      const helv = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Helvetica') }));
      const f9 = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Courier') }));
      const drDict = new PdfDict({ XObject: new PdfDict({ FRM: frm }), Font: new PdfDict({ Helv: helv, F9: f9 }) });
      const dr: PdfValue = ap === 'dr' ? wr.add(drDict) : drDict;
      const res = ap === 'own' ? new PdfDict({ XObject: new PdfDict({ FRM: frm }) }) : ap === 'dr' ? dr : undefined;
      const n0 = wr.add(form('/FRM Do', res));
      const widget = wr.add(new PdfDict({ Type: name('Annot'), Subtype: name('Widget'), FT: name('Sig'), T: str('Mau'), F: 4, Rect: [300, 10, 500, 90], P: page.ref!, AP: new PdfDict({ N: n0 }) }));
      const acro = wr.add(new PdfDict({ Fields: [widget], DA: str('/Helv 0 Tf 0 g'), DR: dr }));
      wr.update(r.rootRef, setIn(r.catalog, 'AcroForm', acro));
      wr.update(page.ref!, setIn(page.dict, 'Annots', [widget]));
    });
    return sign(prepared);
  }

  /** The update after the signature: the AcroForm's /DR with `cat`/`entry` pointing at a new object. */
  const replace = (signed: Uint8Array, cat: 'XObject' | 'Font', entry: string) => appendUpdate(signed, (r: PdfReader, wr: IncrementalWriter) => {
    const acroRef = r.catalog.get('AcroForm') as PdfRef;
    const acro = r.resolveDict(acroRef)!;
    const dr = r.resolveDict(acro.get('DR'))!;
    const fresh = cat === 'XObject'
      ? wr.add(form('q 1 0 0 rg 0 0 200 80 re f Q', new PdfDict()))
      : wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Times-Bold') }));
    const catDict = new PdfDict(r.resolveDict(dr.get(cat))!.map).set(entry, fresh);
    wr.update(acroRef, setIn(acro, 'DR', new PdfDict(dr.map).set(cat, catDict)));
  });

  it('allowed: /DR /XObject /FRM replaced while the only appearance drawing /FRM has resources of its own', async () => {
    const c = await passes(replace(await signedWithFrm('own'), 'XObject', 'FRM'), 'form-resource-replaced-unused');
    expect(c.category).toBe('signature');
    expect(c.before).toBe('XObject/FRM');
  });

  it('allowed: a /DR font no /DA names replaced by a different one', async () => {
    await passes(replace(await signedWithFrm('own'), 'Font', 'F9'), 'form-resource-replaced-unused');
  });

  it('refused: the /DR font the form /DA names replaced by a different one', async () => {
    await refused(replace(await signedWithFrm('own'), 'Font', 'Helv'), 'form-resources-changed');
  });

  it('refused: /FRM replaced while an appearance without /Resources draws /FRM (looked up in /DR)', async () => {
    await refused(replace(await signedWithFrm('none'), 'XObject', 'FRM'), 'form-resources-changed');
  });

  it('refused: /FRM replaced while an appearance uses the /DR object itself as its /Resources', async () => {
    await refused(replace(await signedWithFrm('dr'), 'XObject', 'FRM'), 'form-resources-changed');
  });
});

describe('page-inherited-attribute-copied: the effective /MediaBox, /CropBox, /Rotate of a page (iText adding /Annots)', () => {
  // pyHanko's minimal.pdf: the page inherits /MediaBox [0 0 300 144] from /Pages
  let signed: Uint8Array;
  beforeAll(async () => {
    signed = await sign(new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/minimal.pdf'))));
  });
  const pageEdit = (entries: Record<string, PdfValue>) => appendUpdate(signed, (r, wr) => {
    const p = r.pages()[0];
    const d = new PdfDict(p.dict.map);
    for (const [k, v] of Object.entries(entries)) d.set(k, v);
    wr.update(p.ref!, d);
  });

  it('allowed: the inherited /MediaBox copied into the page, with /CropBox equal to it and /Rotate 0', async () => {
    const c = await passes(pageEdit({ MediaBox: [0, 0, 300, 144] }), 'page-inherited-attribute-copied');
    expect(c.category).toBe('metadata');
    const rep = await verify(pageEdit({ MediaBox: [0, 0, 300.0, 144], CropBox: [0, 0, 300, 144], Rotate: 0 }));
    expect(rep.signatures[0].indication).toBe('TOTAL_PASSED');
    expect(rep.signatures[0].changesAfter.filter((x) => x.rule === 'page-inherited-attribute-copied')).toHaveLength(3);
  });

  it('refused: a /MediaBox other than the inherited one, a /CropBox smaller than it, a /Rotate 90', async () => {
    for (const e of [{ MediaBox: [0, 0, 300, 200] }, { CropBox: [0, 0, 150, 144] }, { Rotate: 90 }] as Array<Record<string, PdfValue>>) {
      const c = await refused(pageEdit(e), 'page-changed');
      expect(c.message_en).toContain(`/${Object.keys(e)[0]}`);
    }
  });
});

describe('XREF_ENTRY_REPAIRED: an entry of the signed revision itself that does not lead to its object', () => {
  const evil = (text: string) => `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;
  const contentOf = (r: PdfReader) => (r.pages()[0].dict.get('Contents') as PdfRef).num;

  it('an offset entry pointing at the body of another object, then signed: TOTAL_FAILED / FORMAT_FAILURE naming the object', async () => {
    const r = PdfReader.open(new BytesSource(w.base));
    const c = contentOf(r), k = r.size;
    const prepared = rawUpdate(w.base, {
      objects: [{ num: k, body: evil('BT /F1 14 Tf 72 760 Td (NOI DUNG GIA) Tj ET') }],
      forge: (e, at) => e.set(c, { type: 1, f2: at.get(k)!, f3: 0 }),
    });
    const rep = await verify(await sign(prepared));
    const s = rep.signatures[0];
    expect(s).toMatchObject({ integrity: 'intact', indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', modificationsAfter: 'none' });
    const f = s.findings.find((x) => x.code === 'XREF_ENTRY_REPAIRED');
    expect(f?.severity).toBe('error');
    expect(f?.message_en).toContain(`object(s) ${c} does not lead`);
    expect(f?.message_en).toContain('revisions 1 to 3'); // base, the forged update, the signature
  });

  it('an object-stream entry naming an index that holds another object, then signed: TOTAL_FAILED / FORMAT_FAILURE', async () => {
    const r = PdfReader.open(new BytesSource(w.base));
    const c = contentOf(r), k = r.size;
    const prepared = rawUpdate(w.base, {
      kind: 'stream',
      objStm: { num: k + 1, members: [{ num: k, body: '<< /Evil true >>' }] },
      forge: (e) => e.set(c, { type: 2, f2: k + 1, f3: 0 }),
    });
    const s = (await verify(await sign(prepared))).signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(s.findings.find((x) => x.code === 'XREF_ENTRY_REPAIRED')?.message_en).toContain(`object(s) ${c} does not`);
  });

  it('a later update forging the /Root entry so that the cross-reference data is rebuilt: the specific entry is reported with xref-recovered', async () => {
    // the catalog only in an object stream (qpdf), and signing the existing empty field leaves it
    // there, so nothing can repair its forged entry by scanning
    const base = path.join(w.dir, 'field-objstm.pdf');
    execFileSync('qpdf', ['--object-streams=generate', path.join(CORPUS, 'pyhanko/minimal-with-field-tagged.pdf'), base]);
    const signed = await signWith(new Uint8Array(readFileSync(base)), w.pki.signers.rsa2048, existingField('Sig1'));
    const r = PdfReader.open(new BytesSource(signed));
    expect(r.locate(r.rootRef.num).type).toBe('compressed');
    const k = r.size;
    const forged = rawUpdate(signed, {
      kind: 'stream',
      objects: [{ num: k, body: '<< /Producer (x) >>' }],
      forge: (e) => e.set(r.rootRef.num, { type: 1, f2: 50_000_000, f3: 0 }),
      info: k,
    });
    expect(PdfReader.open(new BytesSource(forged)).recovered).toBe(true);
    const s = (await verify(forged)).signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', revision: 0 });
    expect(s.findings.map((x) => x.code)).toContain('BYTERANGE_NOT_REVISION_END');
    const c = expectChange({ signatures: [s] } as never, 'xref-entry-unreadable', 'disallowed');
    expect(c.objects).toEqual([`${r.rootRef.num} 0 obj`]);
    expect(c.message_en).toContain('offset 50000000');
    expectChange({ signatures: [s] } as never, 'xref-recovered', 'disallowed');
  });
});
