// Manipulations after a signature that must never pass: forged cross-reference entries (Incremental
// Saving Attack variants, "hide via referenced object"), switching which widget of a field is shown
// (ISO 32000-1 §12.5, §12.7), replacing what a field showed when it was signed (shadow "replace"),
// FieldMDP locks, and the classic forbidden changes (content, resources in use, actions, optional
// content, permissions, encryption). Each case names the rule that catches it; pdfsig is asked too:
// it does not analyse changes, but it must at least not call the signature "Total document signed".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfRef, PdfStream, name, str, type PdfValue } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import type { DocumentReport } from '../../src-shared/verify/report';
import { CORPUS, appendUpdate, makeWorld, save, signOurs, type World } from './fixtures';
import { enc, existingField, expectChange, field, formXObject, newField, pdfsigOf, prepareForm, rawUpdate, rules, setIn, signWith } from './changes-fixtures';

let w: World;
let signed: Uint8Array; // base.pdf signed once (KyDuyet)
let form: Uint8Array; // prepareForm(base) signed once (KyDuyet)
beforeAll(async () => {
  w = await makeWorld('changes-attacks');
  signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
  form = await signOurs(w, prepareForm(w.base), w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
});
afterAll(async () => {
  await w?.close();
});

const opts = () => ({ trust: [w.rootPem], cacheDir: null, isolate: false });

/** Verify, expect `rule` disallowed for signature `i` and the document TOTAL_FAILED; ask pdfsig. */
async function caught(label: string, bytes: Uint8Array, rule: string, i = 0): Promise<{ rep: DocumentReport; change: DocumentReport['signatures'][0]['changesAfter'][0] }> {
  const file = save(w, `attack-${label}.pdf`, bytes);
  const rep = await verifyFile(file, opts());
  const change = expectChange(rep, rule, 'disallowed', i);
  expect(rep.signatures[i]).toMatchObject({ integrity: 'intact', modificationsAfter: 'disallowed', indication: 'TOTAL_FAILED', subIndication: 'SIG_CONSTRAINTS_FAILURE' });
  expect(rep.verdict).toBe('TOTAL_FAILED');
  // pdfsig has no change analysis; its only opinion here is that the signature does not cover the file
  const ps = pdfsigOf(file, rep.signatures[i].field);
  if (ps) expect([ps.signatureValid, ps.totalDocumentSigned]).toEqual([true, false]);
  return { rep, change };
}

const contentOf = (r: PdfReader, i = 0) => r.pages()[i].dict.get('Contents') as PdfRef;
const evil = (text: string) => `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;

describe('forged cross-reference entries in a later revision', () => {
  it('xref-entry-mismatch: the page content entry points at the body of another object (shadow "hide via referenced object")', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    const c = contentOf(r).num;
    const k = r.size;
    const t = rawUpdate(signed, {
      objects: [{ num: k, body: evil('BT /F1 14 Tf 72 760 Td (NOI DUNG GIA) Tj ET') }],
      forge: (e, at) => e.set(c, { type: 1, f2: at.get(k)!, f3: 0 }),
    });
    const { change } = await caught('xref-mismatch', t, 'xref-entry-mismatch');
    expect(change.objects).toContain(`${c} 0 obj`);
    expect(change.message_en).toContain(`object ${c} 0 points at the body of object ${k} 0`);
  });

  it('xref-entry-unreadable: an entry points past the end of the file, another at the middle of a stream', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    const k = r.size;
    const t = rawUpdate(signed, {
      objects: [{ num: k, body: evil('BT ET') }],
      forge: (e, at) => {
        e.set(contentOf(r).num, { type: 1, f2: 50_000_000, f3: 0 });
        e.set(contentOf(r, 1).num, { type: 1, f2: at.get(k)! + 20, f3: 0 });
      },
    });
    const { rep } = await caught('xref-unreadable', t, 'xref-entry-unreadable');
    expect(rep.signatures[0].changesAfter.filter((x) => x.rule === 'xref-entry-unreadable')).toHaveLength(2);
  });

  it('objstm-entry-mismatch: an entry says an object lives in an object stream that does not hold it (xref stream section)', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    const k = r.size;
    const t = rawUpdate(signed, {
      kind: 'stream',
      objStm: { num: k + 1, members: [{ num: k, body: '<< /Evil true >>' }] },
      forge: (e) => e.set(contentOf(r, 1).num, { type: 2, f2: k + 1, f3: 0 }),
    });
    const { change } = await caught('objstm-mismatch', t, 'objstm-entry-mismatch');
    expect(change.objects).toEqual([`${contentOf(r, 1).num} 0 obj`]);
    expect(change.message_en).toContain(`which holds object ${k}`);
  });

  it('xref-entry-mismatch (hybrid section): the /XRefStm of a hybrid update forges an entry', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    const k = r.size;
    const t = rawUpdate(signed, {
      kind: 'hybrid',
      objStm: { num: k + 1, members: [{ num: k, body: '(harmless)' }] },
      forge: (e, at) => { if (e.get(k)?.type === 2) e.set(contentOf(r).num, { type: 1, f2: at.get(k + 1)!, f3: 0 }); },
    });
    await caught('hybrid-forged', t, 'xref-entry-mismatch');
  });

  it('object-body-unlisted: a body appended under the number of an object whose entry was already broken, without any entry for it', async () => {
    // before signing: the content of page 1 is rewritten, but its entry points 3 bytes off (readers repair it by scanning)
    const r0 = PdfReader.open(new BytesSource(w.base));
    const c = contentOf(r0).num;
    const data = r0.decode(r0.getObject(c) as PdfStream);
    const broken = rawUpdate(w.base, {
      objects: [{ num: c, body: evil(new TextDecoder('latin1').decode(data)) }],
      forge: (e, at) => e.set(c, { type: 1, f2: at.get(c)! + 3, f3: 0 }),
    });
    const one = await signOurs(w, broken, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const r1 = PdfReader.open(new BytesSource(one));
    const info = r1.size;
    const t = rawUpdate(one, {
      objects: [{ num: info, body: '<< /Producer (x) >>' }],
      extraBody: `${c} 0 obj\n${evil('BT /F1 14 Tf 72 760 Td (NOI DUNG GIA) Tj ET')}\nendobj\n`,
      info,
    });
    const { change } = await caught('hidden-body', t, 'object-body-unlisted');
    expect(change.objects).toEqual([`${c} 0 obj`]);
  });
});

describe('switching which widget of a field is shown', () => {
  const kids = (r: PdfReader) => r.resolve(field(r, 'SoVanBan').dict.get('Kids')) as PdfRef[];

  it('widget-visibility-changed: the hidden widget unhidden and the visible one hidden (/F)', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const [w1, w2] = kids(r);
      wr.update(w1, setIn(r.resolveDict(w1)!, 'F', 6));
      wr.update(w2, setIn(r.resolveDict(w2)!, 'F', 4));
    });
    const { rep, change } = await caught('widget-f', t, 'widget-visibility-changed');
    expect(change.field).toBe('SoVanBan');
    expect(rep.signatures[0].changesAfter.filter((c) => c.rule === 'widget-visibility-changed')).toHaveLength(2);
  });

  it('widget-visibility-changed: a zero-size widget given a visible /Rect', async () => {
    const t = appendUpdate(form, (r, wr) => { const w3 = kids(r)[2]; wr.update(w3, setIn(r.resolveDict(w3)!, 'Rect', [72, 700, 272, 730])); });
    const { change } = await caught('widget-rect', t, 'widget-visibility-changed');
    expect([change.before, change.after]).toEqual(['[0 0 0 0]', '[72 700 272 730]']);
  });

  it('widget-moved: a widget moved on the page (/Rect)', async () => {
    const t = appendUpdate(form, (r, wr) => { const w1 = kids(r)[0]; wr.update(w1, setIn(r.resolveDict(w1)!, 'Rect', [72, 100, 272, 130])); });
    await caught('widget-rect-moved', t, 'widget-moved');
  });

  it('widget-moved: a widget moved to another page (/Annots and /P)', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const [p1, p2] = r.pages();
      const w1 = kids(r)[0];
      const a1 = (r.resolve(p1.dict.get('Annots')) as PdfRef[]).filter((x) => x.num !== w1.num);
      wr.update(p1.ref!, setIn(p1.dict, 'Annots', a1));
      wr.update(p2.ref!, setIn(p2.dict, 'Annots', [w1]));
      wr.update(w1, setIn(r.resolveDict(w1)!, 'P', p2.ref!));
    });
    const { rep } = await caught('widget-page', t, 'widget-moved');
    expect(rep.signatures[0].changesAfter.find((c) => c.rule === 'widget-moved' && c.before === 'page 1')?.after).toBe('page 2');
  });

  it('widget-removed: a widget taken off its page', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const p1 = r.pages()[0];
      const w1 = kids(r)[0];
      wr.update(p1.ref!, setIn(p1.dict, 'Annots', (r.resolve(p1.dict.get('Annots')) as PdfRef[]).filter((x) => x.num !== w1.num)));
    });
    await caught('widget-removed', t, 'widget-removed');
  });

  it('field-kids-changed: the /Kids of the field reordered', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'SoVanBan'); const [a, b, c] = kids(r); wr.update(f.ref!, setIn(f.dict, 'Kids', [b, a, c])); });
    const { change } = await caught('kids-reordered', t, 'field-kids-changed');
    expect(change.message_en).toContain('reordered');
  });

  it('widget-state-switched: a checkbox /AS switched without its value', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'DongY'); wr.update(f.ref!, setIn(f.dict, 'AS', name('Yes'))); });
    const { change } = await caught('as-switched', t, 'widget-state-switched');
    expect([change.before, change.after]).toEqual(['Off', 'Yes']);
  });
});

describe('a field that showed something when signed shows something else (shadow "replace")', () => {
  it('field-appearance-replaced: a new appearance over the unchanged value', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const w1 = (r.resolve(field(r, 'SoVanBan').dict.get('Kids')) as PdfRef[])[0];
      wr.update(w1, setIn(r.resolveDict(w1)!, 'AP', new PdfDict({ N: wr.add(formXObject('99/QD-UBND')) })));
    });
    const { change } = await caught('ap-replaced', t, 'field-appearance-replaced');
    expect([change.field, change.before, change.after]).toEqual(['SoVanBan', '15/QD-UBND', '99/QD-UBND']);
  });

  it('field-appearance-replaced: the appearance stream rewritten in place, same value', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const w1 = (r.resolve(field(r, 'SoVanBan').dict.get('Kids')) as PdfRef[])[0];
      const n = r.resolveDict(r.resolveDict(w1)!.get('AP'))!.get('N') as PdfRef;
      wr.update(n, formXObject('99/QD-UBND'));
    });
    const { change } = await caught('ap-in-place', t, 'field-appearance-replaced');
    expect(change.after).toBe('99/QD-UBND');
  });

  it('field-value-changed: a value present at signing replaced (old and new value in the report)', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'SoVanBan'); wr.update(f.ref!, setIn(f.dict, 'V', str('99/QD-UBND'))); });
    const { change } = await caught('value-changed', t, 'field-value-changed');
    expect([change.field, change.before, change.after]).toEqual(['SoVanBan', '15/QD-UBND', '99/QD-UBND']);
    expect(change.message_vi).toContain('15/QD-UBND');
  });

  it('field-value-changed: a checked checkbox unchecked', async () => {
    const checked = await signOurs(w, appendUpdate(prepareForm(w.base), (r, wr) => { const f = field(r, 'DongY'); wr.update(f.ref!, setIn(setIn(f.dict, 'V', name('Yes')), 'AS', name('Yes'))); }), w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(checked, (r, wr) => { const f = field(r, 'DongY'); wr.update(f.ref!, setIn(setIn(f.dict, 'V', name('Off')), 'AS', name('Off'))); });
    const { change } = await caught('checkbox-unchecked', t, 'field-value-changed');
    expect([change.field, change.before, change.after]).toEqual(['DongY', 'Yes', 'Off']);
  });

  it('field-appearance-replaced: a field with no value but an appearance showing text gets another appearance', async () => {
    const t = appendUpdate(form, (r, wr) => { const f = field(r, 'GhiChu'); wr.update(f.ref!, setIn(f.dict, 'AP', new PdfDict({ N: wr.add(formXObject('Khong duyet')) }))); });
    const { change } = await caught('ap-no-value', t, 'field-appearance-replaced');
    expect([change.before, change.after]).toEqual(['Da duyet', 'Khong duyet']);
  });

  for (const f of ['form-update-override-appearance-stream-sneaky', 'form-update-override-appearance-stream-ap-indirect-sneaky', 'form-update-no-override-appearance-stream-ap-indirect-sneaky', 'form-update-ap-indirect-sneaky-trailer']) {
    it(`appearance-shared: pyHanko ${f}.pdf (an appearance used elsewhere is overwritten or given up)`, async () => {
      const rep = await verifyFile(path.join(CORPUS, 'pyhanko', `${f}.pdf`), { cacheDir: null, isolate: false });
      expectChange(rep, 'appearance-shared', 'disallowed');
      expect(rep.signatures[0].modificationsAfter).toBe('disallowed');
      expect(rep.verdict).toBe('TOTAL_FAILED');
    });
  }
});

describe('an object explained by its role but also used elsewhere', () => {
  it('object-modified: pyHanko extensions-indirect-not-all-paths.pdf (/Extensions rewritten in place, also the catalog\'s /DontOverrideMe)', async () => {
    const rep = await verifyFile(path.join(CORPUS, 'pyhanko/extensions-indirect-not-all-paths.pdf'), { cacheDir: null, isolate: false });
    const c = expectChange(rep, 'object-modified', 'disallowed');
    expect(c.message_en).toContain('It is used by: 1 0 obj');
    expect(rep.signatures[0].modificationsAfter).toBe('disallowed');
  });
});

describe('FieldMDP locks', () => {
  const fill = (n: string, v: string) => (r: PdfReader, wr: import('../../src-shared/pdf/writer').IncrementalWriter) => {
    const f = field(r, n);
    wr.update(f.ref!, setIn(setIn(f.dict, 'V', str(v)), 'AP', new PdfDict({ N: wr.add(formXObject(v)) })));
  };

  it('field-locked: the signature\'s /Reference FieldMDP Include [NgayBanHanh] forbids filling it; another field stays fillable', async () => {
    const one = await signWith(prepareForm(w.base), w.pki.signers.rsa2048, newField('KyKhoa', { fieldMdp: { action: 'Include', fields: ['NgayBanHanh'] } }));
    const other = await verifyFile(save(w, 'attack-lock-other.pdf', appendUpdate(one, fill('NhomA.A1', 'x'))), opts());
    expect(other.verdict).toBe('TOTAL_PASSED');
    const { change } = await caught('lock-include', appendUpdate(one, fill('NgayBanHanh', '05/01/2025')), 'form-filled');
    expect(change.judgedBy).toBe('field-locked');
    expect(change.field).toBe('NgayBanHanh');
  });

  it('field-locked: a signature field /Lock with /Action /All, the field signed, then any field filled', async () => {
    const one = await signWith(prepareForm(w.base, { action: 'All' }), w.pki.signers.rsa2048, existingField('ChuKy2'));
    const { change } = await caught('lock-all', appendUpdate(one, fill('NhomA.A2', 'y')), 'form-filled');
    expect(change.judgedBy).toBe('field-locked');
  });

  it('field-locked: /Action /Exclude [NhomA] — its child fields fillable, every other field locked', async () => {
    const one = await signWith(prepareForm(w.base), w.pki.signers.rsa2048, newField('KyKhoa', { fieldMdp: { action: 'Exclude', fields: ['NhomA'] } }));
    expect((await verifyFile(save(w, 'attack-exclude-ok.pdf', appendUpdate(one, fill('NhomA.A1', 'x'))), opts())).verdict).toBe('TOTAL_PASSED');
    await caught('lock-exclude', appendUpdate(one, fill('NgayBanHanh', 'z')), 'form-filled');
  });

  it('field-locked: a lock naming the parent (NhomA) covers its child field NhomA.A1 (/T on the kid)', async () => {
    const one = await signWith(prepareForm(w.base), w.pki.signers.rsa2048, newField('KyKhoa', { fieldMdp: { action: 'Include', fields: ['NhomA'] } }));
    const { change } = await caught('lock-parent', appendUpdate(one, fill('NhomA.A1', 'x')), 'form-filled');
    expect(change.field).toBe('NhomA.A1');
  });

  it('field-locked: a field whose /T is on the kid only (its parent has none) is locked by the kid\'s name', async () => {
    const prepared = appendUpdate(prepareForm(w.base), (r, wr) => {
      const page = r.pages()[0];
      const parent = wr.reserve();
      const kid = wr.add(new PdfDict({ T: str('B1'), Parent: parent, Type: name('Annot'), Subtype: name('Widget'), P: page.ref!, F: 4, Rect: [400, 700, 500, 720], AP: new PdfDict({ N: wr.add(formXObject(null)) }) }));
      wr.set(parent, new PdfDict({ FT: name('Tx'), Kids: [kid] }));
      const af = r.resolveDict(r.catalog.get('AcroForm'))!;
      wr.update(r.catalog.get('AcroForm') as PdfRef, setIn(af, 'Fields', [...(af.get('Fields') as PdfValue[]), parent]));
      wr.update(page.ref!, setIn(page.dict, 'Annots', [...(r.resolve(page.dict.get('Annots')) as PdfValue[]), kid]));
    });
    const one = await signWith(prepared, w.pki.signers.rsa2048, newField('KyKhoa', { fieldMdp: { action: 'Include', fields: ['B1'] } }));
    const { change } = await caught('lock-kid-name', appendUpdate(one, fill('B1', 'b')), 'form-filled');
    expect([change.field, change.judgedBy]).toEqual(['B1', 'field-locked']);
  });

  it('field-locked: a lock applies from the revision of the locking signature on', async () => {
    // rev 3: KyDuyet; rev 4: NgayBanHanh filled; rev 5: ChuKy2 signed, its /Lock covering NgayBanHanh and NhomA; rev 6: NhomA.A1 filled
    const prepared = await signOurs(w, prepareForm(w.base, { action: 'Include', fields: ['NgayBanHanh', 'NhomA'] }), w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const filled = appendUpdate(prepared, fill('NgayBanHanh', '05/01/2025'));
    const locked = await signWith(filled, w.pki.signers.p256, existingField('ChuKy2'));
    const t = appendUpdate(locked, fill('NhomA.A1', 'x'));
    const { rep, change } = await caught('lock-from-revision', t, 'form-filled', 1);
    expect(rep.signatures[1].field).toBe('ChuKy2');
    expect([change.revision, change.field, change.judgedBy]).toEqual([6, 'NhomA.A1', 'field-locked']);
    // the fill before the locking signature is not judged by its lock; the first signature has no lock
    expect(rep.signatures[1].changesAfter.map((c) => c.revision)).toEqual([6]);
    expect(rep.signatures[0].changesAfter.every((c) => c.verdict === 'allowed')).toBe(true);
  });
});

describe('changes that are always forbidden', () => {
  it('form-field-added: a new text field', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const af = r.resolveDict(r.catalog.get('AcroForm'))!;
      const nf = wr.add(new PdfDict({ FT: name('Tx'), T: str('Chen'), Type: name('Annot'), Subtype: name('Widget'), Rect: [10, 10, 200, 40], V: str('giả mạo') }));
      wr.update(r.catalog.get('AcroForm') as PdfRef, setIn(af, 'Fields', [...(af.get('Fields') as PdfValue[]), nf]));
    });
    await caught('field-added', t, 'form-field-added');
  });

  it('form-field-removed: a field taken out of /Fields', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const af = r.resolveDict(r.catalog.get('AcroForm'))!;
      const ghi = field(r, 'GhiChu').ref!;
      wr.update(r.catalog.get('AcroForm') as PdfRef, setIn(af, 'Fields', (af.get('Fields') as PdfRef[]).filter((x) => x.num !== ghi.num)));
    });
    expect((await caught('field-removed', t, 'form-field-removed')).change.field).toBe('GhiChu');
  });

  it('field-tree-changed: a parent field\'s inherited /DA changed', async () => {
    const t = appendUpdate(form, (r, wr) => { const p = field(r, 'NhomA.A1').dict.get('Parent') as PdfRef; wr.update(p, setIn(r.resolveDict(p)!, 'DA', str('/Helv 30 Tf 1 0 0 rg'))); });
    await caught('field-tree', t, 'field-tree-changed');
  });

  it('page-content-changed: the page points at new content', async () => {
    const t = appendUpdate(signed, (r, wr) => { const p = r.pages()[0]; wr.update(p.ref!, setIn(p.dict, 'Contents', wr.add(new PdfStream(new PdfDict(), enc('BT ET'))))); });
    await caught('content', t, 'page-content-changed');
  });

  it('page-resources-changed: a resource added under a name the page content already calls for', async () => {
    // before signing, page 1 draws /Im9, which does not exist (nothing is shown)
    const prepared = appendUpdate(w.base, (r, wr) => {
      const p = r.pages()[0];
      wr.update(p.ref!, setIn(p.dict, 'Contents', [p.dict.get('Contents')!, wr.add(new PdfStream(new PdfDict(), enc('q 300 0 0 300 100 100 cm /Im9 Do Q')))]));
    });
    const one = await signOurs(w, prepared, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => {
      const p = r.pages()[0];
      const xo = r.resolveDict(p.resources!.get('XObject'))!;
      wr.update(p.ref!, setIn(p.dict, 'Resources', setIn(p.resources!, 'XObject', setIn(xo, 'Im9', xo.get('Im1')!))));
    });
    const { change } = await caught('resources-used', t, 'page-resources-changed');
    expect(change.after).toBe('XObject/Im9');
  });

  it('page-resources-changed: an image of the page swapped through its resources', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = r.pages()[0];
      const img = r.getObject(r.resolveDict(p.resources!.get('XObject'))!.get('Im1') as PdfRef) as PdfStream;
      const other = wr.add(new PdfStream(new PdfDict(img.dict.map), new Uint8Array(img.raw.length)));
      wr.update(p.ref!, setIn(p.dict, 'Resources', setIn(p.resources!, 'XObject', new PdfDict({ Im1: other }))));
    });
    await caught('resources-swapped', t, 'page-resources-changed');
  });

  it('page-changed: a page /AA (open action) added', async () => {
    const t = appendUpdate(signed, (r, wr) => { const p = r.pages()[0]; wr.update(p.ref!, setIn(p.dict, 'AA', new PdfDict({ O: new PdfDict({ S: name('JavaScript'), JS: str('app.alert(1)') }) }))); });
    await caught('page-aa', t, 'page-changed');
  });

  it('catalog-changed: /OpenAction, /Names with JavaScript, /Perms', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const js = new PdfDict({ S: name('JavaScript'), JS: str('this.print()') });
      const cat = setIn(setIn(setIn(r.catalog, 'OpenAction', js), 'Names', new PdfDict({ JavaScript: new PdfDict({ Names: [str('a'), js] }) })), 'Perms', new PdfDict({ UR3: wr.add(new PdfDict({ Type: name('Sig') })) }));
      wr.update(r.rootRef, cat);
    });
    const { rep } = await caught('catalog', t, 'catalog-changed');
    expect(rep.signatures[0].changesAfter.filter((c) => c.rule === 'catalog-changed').map((c) => c.message_en.match(/\/(\w+)\.$/)?.[1]).sort()).toEqual(['Names', 'OpenAction', 'Perms']);
  });

  it('optional-content-changed: a layer switched off in the default configuration (/OCProperties /D /OFF, the classic "hide")', async () => {
    const prepared = appendUpdate(w.base, (r, wr) => {
      const ocg = wr.add(new PdfDict({ Type: name('OCG'), Name: str('Lớp 1') }));
      const d = wr.add(new PdfDict({ Order: [ocg], ON: [ocg], OFF: [] }));
      wr.update(r.rootRef, setIn(r.catalog, 'OCProperties', new PdfDict({ OCGs: [ocg], D: d })));
    });
    const one = await signOurs(w, prepared, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => {
      const ocp = r.resolveDict(r.catalog.get('OCProperties'))!;
      const ocg = (ocp.get('OCGs') as PdfRef[])[0];
      wr.update(ocp.get('D') as PdfRef, new PdfDict({ Order: [ocg], ON: [], OFF: [ocg] }));
    });
    await caught('oc-off', t, 'optional-content-changed');
  });

  it('encryption-changed: an /Encrypt entry appears in the trailer', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    const k = r.size;
    const t = rawUpdate(signed, { objects: [{ num: k, body: '<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>' }], trailerExtra: `/Encrypt ${k} 0 R` });
    await caught('encrypt', t, 'encryption-changed');
  });

  it('annotation-added: a text note under the default permission (P=2)', async () => {
    const t = appendUpdate(signed, (r, wr) => {
      const p = r.pages()[0];
      wr.update(p.ref!, setIn(p.dict, 'Annots', [wr.add(new PdfDict({ Type: name('Annot'), Subtype: name('FreeText'), Rect: [0, 0, 595, 842], Contents: str('ĐÃ HỦY') }))]));
    });
    const { change } = await caught('annot', t, 'annotation-added');
    expect(change.judgedBy).toBe('docmdp-p2');
  });

  it('signature-appearance-changed: a signed field\'s appearance replaced is not allowed below P=3', async () => {
    const t = appendUpdate(signed, (r, wr) => { const f = field(r, 'KyDuyet'); wr.update(f.ref!, setIn(f.dict, 'AP', new PdfDict({ N: wr.add(formXObject('Ky thay')) }))); });
    await caught('sig-ap-p2', t, 'signature-appearance-changed');
  });

  it('form-filled under DocMDP P=1 (certified, no changes)', async () => {
    const cert = await signWith(prepareForm(w.base), w.pki.signers.rsa2048, newField('ChungThuc', { docMdp: 1 }));
    const t = appendUpdate(cert, (r, wr) => { const f = field(r, 'NgayBanHanh'); wr.update(f.ref!, setIn(f.dict, 'V', str('x'))); });
    const { change } = await caught('p1-fill', t, 'form-filled');
    expect(change.judgedBy).toBe('docmdp-p1');
  });

  it('form-resources-changed: a /DR font replaced by a different one', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const af = r.resolveDict(r.catalog.get('AcroForm'))!;
      const courier = wr.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Courier') }));
      wr.update(r.catalog.get('AcroForm') as PdfRef, setIn(af, 'DR', new PdfDict({ Font: new PdfDict({ Helv: courier }) })));
    });
    await caught('dr-changed', t, 'form-resources-changed');
  });

  it('acroform-changed: an XFA form added', async () => {
    const t = appendUpdate(form, (r, wr) => {
      const af = r.resolveDict(r.catalog.get('AcroForm'))!;
      wr.update(r.catalog.get('AcroForm') as PdfRef, setIn(af, 'XFA', wr.add(new PdfStream(new PdfDict(), enc('<xdp:xdp/>')))));
    });
    await caught('xfa', t, 'acroform-changed');
  });

  it('object-freed: the page content freed while the page still uses it', async () => {
    const r = PdfReader.open(new BytesSource(signed));
    await caught('freed', rawUpdate(signed, { free: [contentOf(r).num] }), 'object-freed');
  });

  it('dss-malformed: a DSS with an unexpected entry', async () => {
    const t = appendUpdate(signed, (r, wr) => { wr.update(r.rootRef, setIn(r.catalog, 'DSS', wr.add(new PdfDict({ Certs: [], Foo: contentOf(r) })))); });
    await caught('dss-malformed', t, 'dss-malformed');
  });

  it('dss-removed: the DSS deleted', async () => {
    const withDss = appendUpdate(signed, (r, wr) => { wr.update(r.rootRef, setIn(r.catalog, 'DSS', wr.add(new PdfDict({ Certs: [wr.add(new PdfStream(new PdfDict(), w.pki.root.der))] })))); });
    const t = appendUpdate(withDss, (r, wr) => { const d = new PdfDict(r.catalog.map); d.delete('DSS'); wr.update(r.rootRef, d); });
    await caught('dss-removed', t, 'dss-removed');
  });

  it('stream-changed: a DSS that points at the page content does not make a content change "validation data" (pyHanko rogue back-reference)', async () => {
    const prepared = appendUpdate(w.base, (r, wr) => { wr.update(r.rootRef, setIn(r.catalog, 'DSS', new PdfDict({ Certs: [contentOf(r)] }))); });
    const one = await signOurs(w, prepared, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => { wr.update(contentOf(r), new PdfStream(new PdfDict(), enc('BT /F1 14 Tf 72 760 Td (NOI DUNG GIA) Tj ET'))); });
    await caught('dss-backref', t, 'stream-changed');
  });

  it('struct-tree-changed: the /ActualText of a structure element rewritten (tagged PDF)', async () => {
    const tagged = new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/minimal-with-field-tagged.pdf')));
    const one = await signOurs(w, tagged, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => {
      const root = r.resolveDict(r.catalog.get('StructTreeRoot'))!;
      const doc = r.resolveDict(root.get('K'))!;
      const title = (r.resolve(doc.get('K')) as PdfRef[])[0];
      wr.update(title, setIn(r.resolveDict(title)!, 'ActualText', str('Goodbye World')));
    });
    await caught('struct-text', t, 'struct-tree-changed');
  });

  it('metadata-invalid: the XMP metadata overwritten with something that is not XMP (pyHanko bogus metadata)', async () => {
    const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>';
    const prepared = appendUpdate(w.base, (r, wr) => { wr.update(r.rootRef, setIn(r.catalog, 'Metadata', wr.add(new PdfStream(new PdfDict({ Type: name('Metadata'), Subtype: name('XML') }), enc(xmp))))); });
    const one = await signOurs(w, prepared, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const t = appendUpdate(one, (r, wr) => { wr.update(r.catalog.get('Metadata') as PdfRef, new PdfStream(new PdfDict({ Type: name('Metadata'), Subtype: name('XML') }), enc('This is bogus data, yay!'))); });
    await caught('xmp-bogus', t, 'metadata-invalid');
  });
});
