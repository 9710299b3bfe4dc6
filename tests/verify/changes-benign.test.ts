// Benign changes that conforming signers, timestampers and LTV tools write after a signature
// (ISO 32000-1 §12.8.2, pyHanko's diff policy as the model): each is allowed by one named rule,
// the report says so, and the document still verifies TOTAL_PASSED. Built with our own writer on
// documents signed by our signer with the test PKI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfRef, PdfStream, name, str, type PdfValue } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { addSignatureField, defaultPadesServices, extendPdf } from '../../src-shared/pades';
import { createNodeNet } from '../../src-main/services/net/http';
import { analyseUpdate } from '../../src-shared/verify/changes/analyse';
import { judge } from '../../src-shared/verify/changes/policy';
import { SignatureReportSchema } from '../../src-shared/ipc/features';
import { CORPUS, appendUpdate, concat, makeWorld, save, signOurs, type World } from './fixtures';
import { enc, existingField, expectChange, field, formXObject, newField, prepareForm, rawUpdate, rules, setIn, signWith } from './changes-fixtures';

let w: World;
let signed: Uint8Array; // base.pdf (2 pages, text and an image each) signed once, no form before
let form: Uint8Array; // prepareForm(base) signed once (KyDuyet)
beforeAll(async () => {
  w = await makeWorld('changes-benign');
  signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
  form = await signOurs(w, prepareForm(w.base), w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
});
afterAll(async () => {
  await w?.close();
});

const verify = (label: string, bytes: Uint8Array) => verifyFile(save(w, `benign-${label}.pdf`, bytes), { trust: [w.rootPem], cacheDir: null, isolate: false });
const acroOf = (r: PdfReader) => ({ ref: r.catalog.get('AcroForm') as PdfRef, dict: r.resolveDict(r.catalog.get('AcroForm'))! });

async function passes(label: string, bytes: Uint8Array) {
  const rep = await verify(label, bytes);
  expect(rep.signatures[0].integrity).toBe('intact');
  expect(rep.signatures[0].changesAfter.filter((c) => c.verdict === 'disallowed')).toEqual([]);
  expect(rep.verdict).toBe('TOTAL_PASSED');
  return rep;
}

describe('AcroForm updates written with a new signature', () => {
  it('form-default-appearance-changed: /DA added to the AcroForm', async () => {
    const t = appendUpdate(signed, (r, wr) => { const a = acroOf(r); wr.update(a.ref, setIn(a.dict, 'DA', str('/Helv 0 Tf 0 g'))); });
    expect(expectChange(await passes('da', t), 'form-default-appearance-changed', 'allowed').category).toBe('signature');
  });

  it('form-resources-updated: /DR gains fonts for a new appearance (new objects)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const a = acroOf(r);
      const f = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type0'), BaseFont: name('Arial') }));
      wr.update(a.ref, setIn(a.dict, 'DR', new PdfDict({ Font: new PdfDict({ F9: f }) })));
    });
    expectChange(await passes('dr-added', t), 'form-resources-updated', 'allowed');
  });

  it('form-resources-updated: an existing /DR font entry replaced by an equivalent new one', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const a = acroOf(r);
      const helv = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Helvetica') }));
      const zadb = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('ZapfDingbats') }));
      wr.update(a.ref, setIn(a.dict, 'DR', new PdfDict({ Font: new PdfDict({ Helv: helv, ZaDb: zadb }) })));
    });
    expectChange(await passes('dr-equivalent', t), 'form-resources-updated', 'allowed');
  });

  it('form-need-appearances-changed: /NeedAppearances set, then removed', async () => {
    const t1 = appendUpdate(form, (r, wr) => { const a = acroOf(r); wr.update(a.ref, setIn(a.dict, 'NeedAppearances', true)); });
    const t2 = appendUpdate(t1, (r, wr) => { const a = acroOf(r); const d = new PdfDict(a.dict.map); d.delete('NeedAppearances'); wr.update(a.ref, d); });
    const rep = await passes('need-appearances', t2);
    const hits = rep.signatures[0].changesAfter.filter((c) => c.rule === 'form-need-appearances-changed');
    expect(hits.map((c) => [c.revision, c.verdict, c.before, c.after])).toEqual([[4, 'allowed', '(absent)', 'true'], [5, 'allowed', 'true', '(absent)']]);
  });

  it('sig-flags-changed: /SigFlags raised', async () => {
    const t = appendUpdate(form, (r, wr) => { const a = acroOf(r); wr.update(a.ref, setIn(a.dict, 'SigFlags', 1)); });
    expectChange(await passes('sigflags', t), 'sig-flags-changed', 'allowed');
  });

  it('acroform-created: the first signature field brings a new AcroForm (rule on the update itself)', () => {
    const unsigned = PdfReader.open(new BytesSource(w.base));
    const withField = appendUpdate(w.base, (r, wr) => { addSignatureField(r, wr, wr.add(new PdfDict({ Type: name('Sig') })), { fieldName: 'Moi' }); });
    const after = PdfReader.open(new BytesSource(withField));
    const facts = analyseUpdate(unsigned, after, after.revisions[1].changedObjects, 2);
    expect(facts.map((f) => `${f.rule}:${f.category}`).sort()).toEqual(['acroform-created:signature', 'sig-flags-changed:metadata', 'signature-field-added:signature']);
  });

  it('the AcroForm moved to a new object with the same fields plus a new signature field', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const a = acroOf(r);
      const page = r.pages()[1];
      const fieldRef = wr.add(new PdfDict({ FT: name('Sig'), T: str('Sig2'), Type: name('Annot'), Subtype: name('Widget'), Rect: [0, 0, 0, 0], P: page.ref!, F: 132 }));
      const fields = [...(r.resolve(a.dict.get('Fields')) as PdfValue[]), fieldRef];
      const moved = wr.add(new PdfDict(a.dict.map).set('Fields', fields));
      wr.update(r.rootRef, setIn(r.catalog, 'AcroForm', moved));
      wr.update(page.ref!, setIn(page.dict, 'Annots', [fieldRef]));
    });
    const rep = await passes('acroform-moved', t);
    expect(rules(rep)).toEqual(['signature-field-added:allowed']);
  });
});

describe('fonts, resources and appearances of a new signature', () => {
  it('signature-field-added: a second, visible signature with its own fonts and images passes both', async () => {
    const { fonts, sampleSignature } = await import('../appearance/render-helpers');
    const two = await signOurs(w, signed, w.pki.signers.p256, {
      level: 'B-B', fieldName: 'PhatHanh',
      visible: { pageIndex: 1, appearance: { kind: 'signer', rect: [330, 250, 540, 380], signatureImage: sampleSignature(), fonts: fonts(), title: ['CHỦ TỊCH'], fullName: 'Nguyễn Văn An' } },
    });
    const rep = await passes('second-visible', two);
    expect(rules(rep)).toEqual(['signature-field-added:allowed']);
    expect(rep.signatures[0].changesAfter[0].field).toBe('PhatHanh');
    expect(rep.signatures[1].indication).toBe('TOTAL_PASSED');
  });

  it('page-resources-added: a page gains resources its content does not use', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = r.pages()[0];
      const f = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Helvetica') }));
      const res = new PdfDict(p.resources!.map).set('Font', new PdfDict(r.resolveDict(p.resources!.get('Font'))!.map).set('SigF1', f));
      wr.update(p.ref!, setIn(p.dict, 'Resources', res));
    });
    const c = expectChange(await passes('page-resources-added', t), 'page-resources-added', 'allowed');
    expect(c.after).toBe('Font/SigF1');
  });

  it('a page dictionary rewritten with its /Resources in a new object, every entry equal: no change at all', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = r.pages()[0];
      const copyFont = wr.add(r.getObject(r.resolveDict(p.resources!.get('Font'))!.get('F1') as PdfRef));
      const res = wr.add(new PdfDict(p.resources!.map).set('Font', new PdfDict({ F1: copyFont })));
      wr.update(p.ref!, setIn(p.dict, 'Resources', res));
    });
    const rep = await passes('page-resources-same', t);
    expect(rep.signatures[0].changesAfter).toEqual([]);
  });

  it('page-tab-order-changed: /Tabs set on the page that receives the widget', async () => {
    const t = appendUpdate(signed, (r, wr) => { const p = r.pages()[0]; wr.update(p.ref!, setIn(p.dict, 'Tabs', name('S'))); });
    expectChange(await passes('tabs', t), 'page-tab-order-changed', 'allowed');
  });
});

describe('metadata, extensions, version', () => {
  it('extensions-updated: /Extensions with ADBE and ESIC declarations', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const ext = new PdfDict({
        ADBE: new PdfDict({ Type: name('DeveloperExtensions'), BaseVersion: name('1.7'), ExtensionLevel: 8 }),
        ESIC: new PdfDict({ Type: name('DeveloperExtensions'), BaseVersion: name('1.7'), ExtensionLevel: 2 }),
      });
      wr.update(r.rootRef, setIn(r.catalog, 'Extensions', wr.add(ext)));
    });
    expectChange(await passes('extensions', t), 'extensions-updated', 'allowed');
  });

  it('info-updated, metadata-updated, version-raised: Producer/ModDate, XMP and /Version', async () => {
    const xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta><?xpacket end="w"?>';
    const t1 = appendUpdate(signed, (r, wr) => {
      const info = wr.add(new PdfDict({ Producer: str('Văn thư số'), ModDate: str("D:20250101000000+07'00'") }));
      wr.setInfo(info);
      const meta = wr.add(new PdfStream(new PdfDict({ Type: name('Metadata'), Subtype: name('XML') }), enc(xmp)));
      wr.update(r.rootRef, setIn(setIn(r.catalog, 'Metadata', meta), 'Version', name('2.0')));
    });
    const t2 = appendUpdate(t1, (r, wr) => {
      const m = r.catalog.get('Metadata') as PdfRef;
      wr.update(m, new PdfStream(new PdfDict({ Type: name('Metadata'), Subtype: name('XML') }), enc(xmp.replace('/>', '><rdf:Description/></rdf:RDF>'))));
      const i = r.trailer.get('Info') as PdfRef;
      wr.update(i, new PdfDict({ Producer: str('Văn thư số 2') }));
    });
    const rep = await passes('metadata', t2);
    expect(expectChange(rep, 'version-raised', 'allowed').after).toBe('2.0');
    expect(rep.signatures[0].changesAfter.filter((c) => c.rule === 'info-updated').map((c) => c.revision)).toEqual([3, 4]);
    expect(rep.signatures[0].changesAfter.filter((c) => c.rule === 'metadata-updated').map((c) => c.revision)).toEqual([3, 4]);
  });

  it('markinfo-updated: /MarkInfo declared', async () => {
    const t = appendUpdate(signed, (r, wr) => { wr.update(r.rootRef, setIn(r.catalog, 'MarkInfo', new PdfDict({ Marked: true }))); });
    expectChange(await passes('markinfo', t), 'markinfo-updated', 'allowed');
  });
});

describe('tagged PDF (pyHanko minimal-pdf-ua-and-a.pdf)', () => {
  it('struct-tree-updated: a new widget gets a structure element (OBJR), a /ParentTree entry and /ParentTreeNextKey', async () => {
    const tagged = new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/minimal-pdf-ua-and-a.pdf')));
    const one = await signOurs(w, tagged, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => {
      const root = r.catalog.get('StructTreeRoot') as PdfRef;
      const rootDict = r.resolveDict(root)!;
      const doc = (r.resolve(rootDict.get('K')) as PdfRef[])[0];
      const docDict = r.resolveDict(doc)!;
      const ptRef = rootDict.get('ParentTree') as PdfRef;
      const pt = r.resolveDict(ptRef)!;
      const page = r.pages()[0];
      const fieldRef = wr.reserve();
      const elem = wr.add(new PdfDict({ Type: name('StructElem'), S: name('Form'), P: doc, Pg: page.ref!, K: new PdfDict({ Type: name('OBJR'), Obj: fieldRef, Pg: page.ref! }) }));
      wr.set(fieldRef, new PdfDict({ FT: name('Sig'), T: str('ChuKyMoi'), Type: name('Annot'), Subtype: name('Widget'), Rect: [0, 0, 0, 0], F: 132, P: page.ref!, StructParent: 1 }));
      wr.update(doc, setIn(docDict, 'K', [...(r.resolve(docDict.get('K')) as PdfValue[]), elem]));
      wr.update(ptRef, setIn(pt, 'Nums', [...(r.resolve(pt.get('Nums')) as PdfValue[]), 1, elem]));
      wr.update(root, setIn(rootDict, 'ParentTreeNextKey', 2));
      const a = acroOf(r);
      wr.update(a.ref, setIn(a.dict, 'Fields', [...(r.resolve(a.dict.get('Fields')) as PdfValue[]), fieldRef]));
      const annots = r.resolve(page.dict.get('Annots'));
      if (page.dict.get('Annots') instanceof PdfRef) wr.update(page.dict.get('Annots') as PdfRef, [...(annots as PdfValue[]), fieldRef]);
      else wr.update(page.ref!, setIn(page.dict, 'Annots', [...(Array.isArray(annots) ? annots : []), fieldRef]));
    });
    const rep = await passes('tagged', t);
    const c = expectChange(rep, 'struct-tree-updated', 'allowed');
    expect(c.category).toBe('structure');
    expectChange(rep, 'signature-field-added', 'allowed');
  });

  it('struct-parent-added: an existing empty signature field is signed and tagged (/StructParent on its widget)', async () => {
    // the corpus file's empty field Sig1 is tagged already: untag it before the first signature
    const tagged = appendUpdate(new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/minimal-with-field-tagged.pdf'))), (r, wr) => {
      const f = field(r, 'Sig1');
      const d = new PdfDict(f.dict.map);
      d.delete('StructParent');
      wr.update(f.ref!, d);
    });
    const one = await signOurs(w, tagged, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const two = await signWith(one, w.pki.signers.p256, (r, wr, sigRef) => {
      const f = field(r, 'Sig1');
      wr.update(f.ref!, new PdfDict(f.dict.map).set('V', sigRef).set('StructParent', 1).set('AP', new PdfDict({ N: wr.add(formXObject('Ky')) })));
    });
    const rep = await passes('struct-parent', two);
    expectChange(rep, 'struct-parent-added', 'allowed');
    expectChange(rep, 'signature-added', 'allowed');
  });
});

describe('file structure: object streams, xref streams, hybrid files, rewrites with the same value', () => {
  it('objects moved into an object stream (xref stream section) with the same value: no change', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    const cat = r.rootRef.num;
    const pagesNum = (r.catalog.get('Pages') as PdfRef).num;
    const t = rawUpdate(signed, {
      kind: 'stream',
      objStm: { num: r.size, members: [
        { num: cat, body: serialise(r, r.catalog) },
        { num: pagesNum, body: serialise(r, r.resolveDict(r.catalog.get('Pages'))!) },
      ] },
    });
    const rep = await passes('into-objstm', t);
    expect(rep.revisions).toBe(3);
    expect(rep.signatures[0].changesAfter).toEqual([]);
  });

  it('a hybrid-reference update (table + /XRefStm with compressed objects) that only updates /Info: info-updated', async () => {
    const hybrid = new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/minimal-hybrid-xref.pdf')));
    const one = await signOurs(w, hybrid, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const r = PdfReader.open(new BytesSource(one));
    const infoNum = r.size;
    const t = rawUpdate(one, {
      kind: 'hybrid',
      objects: [{ num: r.rootRef.num, body: serialise(r, r.catalog) }],
      objStm: { num: infoNum + 1, members: [{ num: infoNum, body: '<< /Producer (Van thu so) >>' }] },
      info: infoNum,
    });
    const rep = await passes('hybrid', t);
    expect(PdfReader.open(new BytesSource(t)).revisions.at(-1)!.xrefStm).toBeGreaterThan(0);
    expect(rules(rep)).toEqual(['info-updated:allowed']);
  });

  it('an object rewritten with the same value, and a stream re-encoded with the same data: no change', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = r.pages()[0];
      wr.update(p.ref!, r.getObject(p.ref!));
      const c = p.dict.get('Contents') as PdfRef;
      const data = r.decode(r.getObject(c) as PdfStream);
      wr.update(c, new PdfStream(new PdfDict({ Filter: name('ASCIIHexDecode') }), enc([...data].map((b) => b.toString(16).padStart(2, '0')).join('') + '>')));
    });
    const rep = await passes('same-value', t);
    expect(rep.signatures[0].changesAfter).toEqual([]);
  });

  it('unused-object-freed: an object nothing refers to any more is freed', async () => {
    const withOrphan = appendUpdate(w.base, (_r, wr) => { wr.add(str('tạm')); });
    const one = await signOurs(w, withOrphan, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const orphan = PdfReader.open(new BytesSource(withOrphan)).revisions[1].changedObjects.find((n) => n !== 0)!;
    const t = rawUpdate(one, { free: [orphan] });
    expectChange(await passes('freed-unused', t), 'unused-object-freed', 'allowed');
  });
});

describe('DSS and document timestamps (PAdES B-LT, B-LTA)', () => {
  it('dss-added and document-timestamp-added: a B-LTA extension (DSS with certificates and CRLs, then a document timestamp)', async () => {
    const one = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-T', fieldName: 'KyDuyet' });
    const net = createNodeNet({ timeoutMs: 10_000 });
    const services = defaultPadesServices({
      net,
      collectValidationData: async (chains) => {
        const crls = [];
        for (const u of ['root', 'intermediate']) crls.push((await net.get(`${w.rev.crlBaseUrl}/${u}.crl`)).body);
        return { certs: chains.flat(), crls, ocsps: [] };
      },
    });
    const ext = await extendPdf(new BytesSource(one), 'B-LTA', w.tsa.url, services);
    const rep = await verifyFile(save(w, 'benign-lta.pdf', concat(one, ext.appended)), { trust: [w.rootPem], cacheDir: null, isolate: false, offline: true });
    expect(rep.verdict).toBe('TOTAL_PASSED');
    expectChange(rep, 'dss-added', 'allowed');
    expectChange(rep, 'document-timestamp-added', 'allowed');
    expect(rules(rep).every((x) => x.endsWith(':allowed'))).toBe(true);
    expect(rep.signatures[0].level).toBe('B-LTA');
  });

  it('dss-updated: a DSS replaced by a bigger one (new object, more certificates, a VRI entry)', async () => {
    const t1 = appendUpdate(signed, (r, wr) => {
      const c1 = wr.add(new PdfStream(new PdfDict(), w.pki.intermediate.der));
      wr.update(r.rootRef, setIn(r.catalog, 'DSS', wr.add(new PdfDict({ Type: name('DSS'), Certs: [c1] }))));
    });
    const t2 = appendUpdate(t1, (r, wr) => {
      const old = r.resolveDict(r.catalog.get('DSS'))!;
      const c2 = wr.add(new PdfStream(new PdfDict(), w.pki.root.der));
      const vri = new PdfDict({ ['A'.repeat(40)]: new PdfDict({ Cert: [c2] }) });
      wr.update(r.rootRef, setIn(r.catalog, 'DSS', wr.add(new PdfDict({ Type: name('DSS'), Certs: [...(old.get('Certs') as PdfValue[]), c2], VRI: vri }))));
    });
    const rep = await passes('dss-bigger', t2);
    expect(rules(rep)).toEqual(['dss-added:allowed', 'dss-updated:allowed']);
  });
});

describe('form filling and signing existing fields (P = 2)', () => {
  it('form-filled: an empty field filled in; the report names it and its new value', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const f = field(r, 'NgayBanHanh');
      wr.update(f.ref!, new PdfDict(f.dict.map).set('V', str('05/01/2025')).set('AP', new PdfDict({ N: wr.add(formXObject('05/01/2025')) })));
    });
    const c = expectChange(await passes('fill', t), 'form-filled', 'allowed');
    expect([c.field, c.before, c.after, c.category]).toEqual(['NgayBanHanh', '', '05/01/2025', 'form-fill']);
  });

  it('form-filled: a child field under a parent (NhomA.A1) filled in', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const f = field(r, 'NhomA.A1');
      wr.update(f.ref!, new PdfDict(f.dict.map).set('V', str('x')).set('AP', new PdfDict({ N: wr.add(formXObject('x')) })));
    });
    expect(expectChange(await passes('fill-child', t), 'form-filled', 'allowed').field).toBe('NhomA.A1');
  });

  it('form-filled: a checkbox checked, /AS following /V', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'DongY'); wr.update(f.ref!, new PdfDict(f.dict.map).set('V', name('Yes')).set('AS', name('Yes'))); });
    const c = expectChange(await passes('checkbox', t), 'form-filled', 'allowed');
    expect(c.after).toBe('Yes');
  });

  it('field-flags-changed and widget-flags-changed: a signer sets ReadOnly on a field and Locked on its widget', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'NgayBanHanh'); wr.update(f.ref!, new PdfDict(f.dict.map).set('Ff', 1).set('F', 4 | 128)); });
    const rep = await passes('readonly', t);
    expectChange(rep, 'field-flags-changed', 'allowed');
    expectChange(rep, 'widget-flags-changed', 'allowed');
  });

  it('field-appearance-refreshed: a filled field\'s appearance regenerated, showing the same text', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const w1 = (r.resolve(field(r, 'SoVanBan').dict.get('Kids')) as PdfRef[])[0];
      wr.update(w1, setIn(r.resolveDict(w1)!, 'AP', new PdfDict({ N: wr.add(formXObject('15/QD-UBND', [0, 0, 210, 30])) })));
    });
    const c = expectChange(await passes('ap-refreshed', t), 'field-appearance-refreshed', 'allowed');
    expect([c.field, c.before, c.after]).toEqual(['SoVanBan', '15/QD-UBND', '15/QD-UBND']);
  });

  it('field-appearance-generated: an appearance generated for a value that had none', async () => {
    const prepared = appendUpdate(prepareForm(w.base), (r, wr) => {
      const f = field(r, 'NgayBanHanh');
      const d = new PdfDict(f.dict.map).set('V', str('01/01/2025'));
      d.delete('AP');
      wr.update(f.ref!, d);
    });
    const one = await signOurs(w, prepared, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => { const f = field(r, 'NgayBanHanh'); wr.update(f.ref!, setIn(f.dict, 'AP', new PdfDict({ N: wr.add(formXObject('01/01/2025')) }))); });
    expectChange(await passes('ap-generated', t), 'field-appearance-generated', 'allowed');
  });

  it('field-appearance-settings-changed: /DA of a filled field updated, nothing shown changes', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'SoVanBan'); wr.update(f.ref!, new PdfDict(f.dict.map).set('DA', str('/Helv 10 Tf 0 g'))); });
    expectChange(await passes('da-field', t), 'field-appearance-settings-changed', 'allowed');
  });

  it('signature-added: an existing empty signature field is signed (its old appearance rewritten in place)', async () => {
    const two = await signWith(form, w.pki.signers.p256, (r, wr, sigRef) => {
      const f = field(r, 'ChuKy2');
      const apN = (r.resolveDict(f.dict.get('AP'))!.get('N')) as PdfRef;
      wr.update(apN, formXObject('Nguyen Van An'));
      wr.update(f.ref!, new PdfDict(f.dict.map).set('V', sigRef).set('F', 132));
    });
    const rep = await passes('sign-existing', two);
    expect(expectChange(rep, 'signature-added', 'allowed').field).toBe('ChuKy2');
    expect(rep.signatures[1].indication).toBe('TOTAL_PASSED');
  });

  it('signature-field-added under an existing parent field (NhomA gains a signature kid)', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const parent = r.formFields().find((x) => x.name === 'NhomA.A1')!.dict.get('Parent') as PdfRef;
      const pd = r.resolveDict(parent)!;
      const kid = wr.add(new PdfDict({ FT: name('Sig'), T: str('Ky'), Parent: parent, Type: name('Annot'), Subtype: name('Widget'), Rect: [0, 0, 0, 0], F: 132, P: r.pages()[0].ref! }));
      wr.update(parent, setIn(pd, 'Kids', [...(pd.get('Kids') as PdfValue[]), kid]));
      const p = r.pages()[0];
      wr.update(p.ref!, setIn(p.dict, 'Annots', [...(r.resolve(p.dict.get('Annots')) as PdfValue[]), kid]));
    });
    const rep = await passes('deep-sig-field', t);
    expect(expectChange(rep, 'signature-field-added', 'allowed').field).toBe('NhomA.Ky');
  });
});

describe('a field filled after a signature and corrected later', () => {
  it('field-value-changed is form filling for a signature made while the field was still empty (policy signedRevision)', async () => {
    const fill = (v: string) => (r: PdfReader, wr: import('../../src-shared/pdf/writer').IncrementalWriter) => {
      const f = field(r, 'NgayBanHanh');
      wr.update(f.ref!, new PdfDict(f.dict.map).set('V', str(v)).set('AP', new PdfDict({ N: wr.add(formXObject(v)) })));
    };
    const t = appendUpdate(appendUpdate(form, fill('05/01/2025')), fill('06/01/2025')); // revisions 4 and 5; KyDuyet signed revision 3
    const src = new BytesSource(t);
    const full = PdfReader.open(src);
    const cut = (i: number) => PdfReader.open(new BytesSource(t.subarray(0, full.revisions[i].end!)));
    const facts = analyseUpdate(cut(3), full, full.revisions[4].changedObjects, 5);
    const f = facts.find((x) => x.rule === 'field-value-changed')!;
    expect([f.field, f.before, f.after, f.valueSince]).toEqual(['NgayBanHanh', '05/01/2025', '06/01/2025', 4]);
    const base = { docMdp: null, locks: [], defaultPermission: 2 as const };
    expect(judge([f], { ...base, signedRevision: 3 })[0]).toMatchObject({ verdict: 'allowed', category: 'form-fill', judgedBy: 'filled-after-signature' });
    expect(judge([f], { ...base, signedRevision: 4 })[0]).toMatchObject({ verdict: 'disallowed', category: 'forbidden' });
    expect(judge([f], { ...base, signedRevision: 3, locks: [{ action: 'Include', fields: ['NgayBanHanh'] }] })[0]).toMatchObject({ verdict: 'disallowed', judgedBy: 'field-locked' });
  });
});

describe('certified documents', () => {
  it('signature-appearance-changed: the appearance of a signed field refreshed (flattened) is allowed under DocMDP P=3', async () => {
    const cert = await signWith(w.base, w.pki.signers.rsa2048, newField('ChungThuc', { docMdp: 3 }));
    const t = appendUpdate(cert, (r, wr) => {
      const f = field(r, 'ChungThuc');
      wr.update(f.ref!, setIn(f.dict, 'AP', new PdfDict({ N: wr.add(formXObject('Da ky')) })));
    });
    const rep = await passes('p3-appearance', t);
    expect(rep.signatures[0].docMdpPermission).toBe(3);
    const c = expectChange(rep, 'signature-appearance-changed', 'allowed');
    expect(c.category).toBe('annotation');
  });

  it('a certified P=2 document: a later approval signature in an existing empty field is allowed', async () => {
    const cert = await signWith(prepareForm(w.base), w.pki.signers.rsa2048, newField('ChungThuc', { docMdp: 2 }));
    const two = await signWith(cert, w.pki.signers.p256, existingField('ChuKy2'));
    const rep = await passes('p2-approval', two);
    expectChange(rep, 'signature-added', 'allowed');
  });
});

describe('pyHanko appearance edge cases (corpus): an empty field\'s own appearance rewritten in place when it is signed', () => {
  for (const f of ['form-update-override-appearance-stream', 'form-update-override-appearance-stream-ap-indirect', 'form-update-no-override-appearance-stream-ap-indirect', 'form-update-original-ap-type-wrong']) {
    it(`${f}.pdf: signature-added, nothing disallowed`, async () => {
      const rep = await verifyFile(path.join(CORPUS, 'pyhanko', `${f}.pdf`), { cacheDir: null, isolate: false });
      expect(rules(rep)).toContain('signature-added:allowed');
      expect(rep.signatures[0].modificationsAfter).toBe('allowed');
    });
  }
});

describe('pyHanko /Extensions corpus files (a second signature declares extensions, raises /Version, updates XMP)', () => {
  for (const f of ['extensions-direct', 'extensions-indirect', 'extensions-update-direct', 'extensions-update-indirect']) {
    it(`${f}.pdf: extensions-updated, nothing disallowed`, async () => {
      const rep = await verifyFile(path.join(CORPUS, 'pyhanko', `${f}.pdf`), { cacheDir: null, isolate: false });
      expect(rules(rep)).toContain('extensions-updated:allowed');
      expect(rep.signatures[0].modificationsAfter).toBe('allowed');
    });
  }
});

describe('the JSON report', () => {
  it('each change carries revision, rule, verdict, category, objects, field, before/after and both languages, and passes the IPC schema', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const f = field(r, 'NgayBanHanh');
      wr.update(f.ref!, new PdfDict(f.dict.map).set('V', str('05/01/2025')).set('AP', new PdfDict({ N: wr.add(formXObject('05/01/2025')) })));
    });
    const rep = await passes('json', t);
    const c = rep.signatures[0].changesAfter[0];
    expect(c).toMatchObject({ revision: 4, rule: 'form-filled', verdict: 'allowed', category: 'form-fill', field: 'NgayBanHanh', before: '', after: '05/01/2025' });
    expect(c.objects.length).toBeGreaterThan(0);
    expect(c.message_vi).toContain('NgayBanHanh');
    expect(c.message_en).toContain('NgayBanHanh');
    const parsed = SignatureReportSchema.parse(JSON.parse(JSON.stringify(rep.signatures[0])));
    expect(parsed.changesAfter[0]).toMatchObject({ field: 'NgayBanHanh', before: '', after: '05/01/2025', category: 'form-fill' });
  });
});

/** The text of a dictionary as our serializer writes it (for hand-written updates). */
function serialise(_r: PdfReader, d: PdfDict): string {
  const parts: string[] = [];
  const v = (x: PdfValue): string => {
    if (x === null) return 'null';
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    if (x instanceof PdfRef) return `${x.num} ${x.gen} R`;
    if (Array.isArray(x)) return `[${x.map(v).join(' ')}]`;
    if (x instanceof PdfDict) return `<< ${[...x.map].map(([k, y]) => `/${k} ${v(y)}`).join(' ')} >>`;
    const n = (x as { name?: string }).name;
    if (n !== undefined) return `/${n}`;
    const b = (x as { bytes?: Uint8Array }).bytes;
    if (b) return `<${[...b].map((c) => c.toString(16).padStart(2, '0')).join('')}>`;
    throw new Error('cannot serialise');
  };
  parts.push(v(d));
  return parts.join('');
}
