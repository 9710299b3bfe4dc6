// Fixtures for the change-analysis tests (changes-benign, changes-attacks): a signer that writes
// the signature dictionary we ask for (certification with DocMDP /P, FieldMDP /Reference, signing
// an existing empty field with a /Lock), a raw incremental-update writer that can put objects in
// an object stream, write table, stream or hybrid cross-reference sections and forge their
// entries (the Incremental Saving Attack variants), and small helpers to read a report.
import { expect } from 'vitest';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfName, PdfRef, PdfStream, name, str, type PdfValue } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { pdfDate } from '../../src-shared/pdf/serialize';
import { IncrementalWriter } from '../../src-shared/pdf/writer';
import { addSignatureField, defaultPadesServices, webCryptoDigest } from '../../src-shared/pades';
import { BYTERANGE_MARK, CONTENTS_MARK, byteRangePlaceholder, contentsPlaceholder, fillContents, hashByteRanges, patchByteRange } from '../../src-shared/pades/placeholder';
import type { DocumentReport } from '../../src-shared/verify/report';
import { signerFor, type TestEntity } from '../helpers/pki';
import { runPdfsig } from '../helpers/nss';
import { concat } from './fixtures';

export const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/**
 * Sign `input` with a signature dictionary we build: `attach` puts it into a field (new or
 * existing) and may add /Reference, /Perms, /Lock … to the same update. Returns the whole file.
 */
export async function signWith(
  input: Uint8Array,
  entity: TestEntity,
  attach: (r: PdfReader, w: IncrementalWriter, sigRef: PdfRef, sig: PdfDict) => void,
): Promise<Uint8Array> {
  const src = new BytesSource(input);
  const r = PdfReader.open(src);
  const w = new IncrementalWriter(r);
  const contentsBytes = 12000;
  const sig = new PdfDict({ Type: name('Sig'), Filter: name('Adobe.PPKLite'), SubFilter: name('ETSI.CAdES.detached'), M: pdfDate(new Date()) });
  sig.set('ByteRange', byteRangePlaceholder() as unknown as PdfValue);
  sig.set('Contents', contentsPlaceholder(contentsBytes) as unknown as PdfValue);
  const sigRef = w.add(sig);
  attach(r, w, sigRef, sig);
  const built = w.build();
  const tail = built.bytes;
  const placed = patchByteRange(tail, src.length, built.marks.get(BYTERANGE_MARK)!, built.marks.get(CONTENTS_MARK)!, contentsBytes);
  const h = webCryptoDigest.create('SHA-256');
  hashByteRanges(src, tail, placed, h);
  const md = await h.digest();
  const signer = await signerFor(entity);
  const cms = await defaultPadesServices().buildCms({ messageDigest: md, hash: 'SHA-256', signer, signingTime: new Date() });
  await signer.close();
  fillContents(tail, src.length, placed, cms);
  return concat(input, tail);
}

/** attach() for a new signature field (optionally certifying with DocMDP /P and FieldMDP locks). */
export function newField(fieldName: string, opts: { docMdp?: 1 | 2 | 3; fieldMdp?: { action: 'All' | 'Include' | 'Exclude'; fields?: string[] } } = {}) {
  return (r: PdfReader, w: IncrementalWriter, sigRef: PdfRef, sig: PdfDict): void => {
    const refs: PdfValue[] = [];
    if (opts.docMdp) refs.push(new PdfDict({ Type: name('SigRef'), TransformMethod: name('DocMDP'), TransformParams: new PdfDict({ Type: name('TransformParams'), P: opts.docMdp, V: name('1.2') }) }));
    if (opts.fieldMdp) refs.push(new PdfDict({ Type: name('SigRef'), TransformMethod: name('FieldMDP'), TransformParams: lockDict(opts.fieldMdp) }));
    if (refs.length) sig.set('Reference', refs);
    addSignatureField(r, w, sigRef, { fieldName });
    if (opts.docMdp) {
      const cat = r.catalog; // the object addSignatureField may already have touched
      cat.set('Perms', new PdfDict({ DocMDP: sigRef }));
      w.update(r.rootRef, cat);
    }
  };
}

/** attach() signing an existing empty signature field (its /Lock stays as it is). */
export function existingField(fieldName: string) {
  return (r: PdfReader, w: IncrementalWriter, sigRef: PdfRef): void => {
    const f = r.formFields().find((x) => x.name === fieldName)!;
    w.update(f.ref!, new PdfDict(f.dict.map).set('V', sigRef));
  };
}

export function lockDict(l: { action: 'All' | 'Include' | 'Exclude'; fields?: string[] }): PdfDict {
  const d = new PdfDict({ Type: name('TransformParams'), Action: name(l.action), V: name('1.2') });
  if (l.fields) d.set('Fields', l.fields.map((f) => str(f)));
  return d;
}

/** A Form XObject drawing `text` (or nothing), for widget appearances. */
export function formXObject(text: string | null, bbox = [0, 0, 200, 30]): PdfStream {
  const body = text === null ? '' : `/Tx BMC q BT /Helv 12 Tf 2 10 Td (${text}) Tj ET Q EMC`;
  return new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: bbox, Resources: new PdfDict() }), enc(body));
}

export type RawEntry = { type: 0 | 1 | 2; f2: number; f3: number };
export interface RawObject {
  num: number;
  gen?: number;
  /** What goes between `N G obj` and `endobj`. */
  body: string;
}
export interface RawSpec {
  objects?: RawObject[];
  /** Objects written into one object stream (no streams among them). */
  objStm?: { num: number; members: RawObject[] };
  /** Object numbers to free. */
  free?: number[];
  /** Bytes written after the objects, before the cross-reference section, that it does not list. */
  extraBody?: string;
  kind?: 'table' | 'stream' | 'hybrid';
  /** Rewrite the entries before they are written (`at`: file offset of each object written). */
  forge?: (entries: Map<number, RawEntry>, at: Map<number, number>) => void;
  /** Object number for the trailer /Info (default: the document's). */
  info?: number;
  /** More trailer entries, as written (e.g. `/Encrypt 40 0 R`). */
  trailerExtra?: string;
}

/** Append a hand-written incremental update (see RawSpec). */
export function rawUpdate(bytes: Uint8Array, spec: RawSpec): Uint8Array {
  const r = PdfReader.open(new BytesSource(bytes));
  let text = bytes[bytes.length - 1] === 0x0a ? '' : '\n';
  const base = bytes.length;
  const at = new Map<number, number>();
  const entries = new Map<number, RawEntry>();
  const put = (s: string) => { text += s; };
  let maxNum = r.size - 1;
  for (const o of spec.objects ?? []) {
    at.set(o.num, base + text.length);
    put(`${o.num} ${o.gen ?? 0} obj\n${o.body}\nendobj\n`);
    entries.set(o.num, { type: 1, f2: at.get(o.num)!, f3: o.gen ?? 0 });
    maxNum = Math.max(maxNum, o.num);
  }
  if (spec.objStm) {
    const { num, members } = spec.objStm;
    let data = '';
    const offs: number[] = [];
    for (const m of members) { offs.push(data.length); data += `${m.body}\n`; }
    const header = members.map((m, i) => `${m.num} ${offs[i]}`).join(' ') + '\n';
    const all = header + data;
    at.set(num, base + text.length);
    put(`${num} 0 obj\n<< /Type /ObjStm /N ${members.length} /First ${header.length} /Length ${all.length} >>\nstream\n${all}\nendstream\nendobj\n`);
    entries.set(num, { type: 1, f2: at.get(num)!, f3: 0 });
    members.forEach((m, i) => { entries.set(m.num, { type: 2, f2: num, f3: i }); maxNum = Math.max(maxNum, m.num); });
    maxNum = Math.max(maxNum, num);
  }
  if (spec.extraBody) put(spec.extraBody);
  for (const n of spec.free ?? []) entries.set(n, { type: 0, f2: 0, f3: 1 });
  const kind = spec.kind ?? 'table';
  const xnum = maxNum + 1;
  const size = xnum + 1;
  const info = spec.info !== undefined ? new PdfRef(spec.info, 0) : r.trailer.get('Info');
  const trailerKeys = `/Size ${size} /Root ${r.rootRef.num} ${r.rootRef.gen} R${info instanceof PdfRef ? ` /Info ${info.num} ${info.gen} R` : ''} /Prev ${r.startxref}${spec.trailerExtra ? ` ${spec.trailerExtra}` : ''}`;
  const streamEntries = new Map([...entries].filter(([, e]) => kind === 'stream' || e.type === 2));
  let xrefStmAt = -1;
  if (kind !== 'table') {
    xrefStmAt = base + text.length;
    streamEntries.set(xnum, { type: 1, f2: xrefStmAt, f3: 0 });
    if (kind === 'hybrid') entries.set(xnum, { type: 1, f2: xrefStmAt, f3: 0 });
  }
  spec.forge?.(kind === 'stream' ? streamEntries : entries, at);
  if (kind === 'hybrid') spec.forge?.(streamEntries, at);
  if (kind !== 'table') {
    const nums = [...streamEntries.keys()].sort((a, b) => a - b);
    let bin = '';
    const index: number[] = [];
    for (const n of nums) {
      if (index.length && index[index.length - 2] + index[index.length - 1] === n) index[index.length - 1]++;
      else index.push(n, 1);
      const e = streamEntries.get(n)!;
      bin += String.fromCharCode(e.type, (e.f2 >>> 24) & 255, (e.f2 >>> 16) & 255, (e.f2 >>> 8) & 255, e.f2 & 255, (e.f3 >>> 8) & 255, e.f3 & 255);
    }
    put(`${xnum} 0 obj\n<< /Type /XRef /W [1 4 2] /Index [${index.join(' ')}] ${trailerKeys} /Length ${bin.length} >>\nstream\n${bin}\nendstream\nendobj\n`);
  }
  let startxref: number;
  if (kind === 'stream') startxref = xrefStmAt;
  else {
    startxref = base + text.length;
    const plain = new Map([...entries].filter(([, e]) => e.type !== 2));
    plain.set(0, { type: 0, f2: 0, f3: 65535 });
    const nums = [...plain.keys()].sort((a, b) => a - b);
    put('xref\n');
    for (let i = 0; i < nums.length; ) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
      put(`${nums[i]} ${j - i + 1}\n`);
      for (let k = i; k <= j; k++) {
        const e = plain.get(nums[k])!;
        put(`${String(e.f2).padStart(10, '0')} ${String(e.f3).padStart(5, '0')} ${e.type === 1 ? 'n' : 'f'}\r\n`);
      }
      i = j + 1;
    }
    put(`trailer\n<< ${trailerKeys}${kind === 'hybrid' ? ` /XRefStm ${xrefStmAt}` : ''} >>\n`);
  }
  put(`startxref\n${startxref}\n%%EOF\n`);
  return concat(bytes, enc(text));
}

/** The change entries of signature `i` as `rule:verdict`. */
export const rules = (rep: DocumentReport, i = 0): string[] => rep.signatures[i].changesAfter.map((c) => `${c.rule}:${c.verdict}`);

/** Assert that signature `i` has a change judged by `rule` with `verdict`, and return it. */
export function expectChange(rep: DocumentReport, rule: string, verdict: 'allowed' | 'disallowed', i = 0) {
  const all = rep.signatures[i].changesAfter;
  const hit = all.find((c) => c.rule === rule && c.verdict === verdict);
  expect(hit, `${rule}:${verdict} among ${JSON.stringify(all.map((c) => `${c.rule}:${c.verdict}`))}`).toBeDefined();
  return hit!;
}

/** What pdfsig says about the signature in field `fieldName` (undefined when it cannot read the file or find it). */
export function pdfsigOf(file: string, fieldName: string) {
  const r = runPdfsig(file, { noCert: true, noOcsp: true });
  return r.signatures.find((s) => s.fieldName === fieldName && s.ranges.length > 0);
}

export function setIn(d: PdfDict, key: string, v: PdfValue): PdfDict {
  return new PdfDict(d.map).set(key, v);
}

export const N = (n: string): PdfName => name(n);

/**
 * A form prepared before signing, on page 1 of `base`: SoVanBan (value "15/QD-UBND", three widgets:
 * the second hidden and drawing "99/QD-UBND" — the shadow —, the third zero-size drawing
 * "77/QD-UBND"), NgayBanHanh (empty, blank appearance),
 * GhiChu (no value, an appearance showing "Da duyet"), DongY (checkbox, off), NhomA.A1 / NhomA.A2
 * (a parent with two empty child fields), ChuKy2 (an empty signature field locking `lock`), and
 * /DR with /Helv. Returns the whole file (one unsigned update on `base`).
 */
export function prepareForm(base: Uint8Array, lock?: { action: 'All' | 'Include' | 'Exclude'; fields?: string[] }): Uint8Array {
  const r = PdfReader.open(new BytesSource(base));
  const w = new IncrementalWriter(r);
  const page = r.pages()[0];
  const pageRef = page.ref!;
  const annots: PdfRef[] = [];
  const widget = (extra: Record<string, PdfValue>, ap: PdfStream | PdfDict | null) => {
    const d = new PdfDict({ Type: name('Annot'), Subtype: name('Widget'), P: pageRef, F: 4, ...extra });
    if (ap instanceof PdfStream) d.set('AP', new PdfDict({ N: w.add(ap) }));
    else if (ap) d.set('AP', ap);
    const ref = w.add(d);
    annots.push(ref);
    return ref;
  };
  const helv = w.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Helvetica'), Encoding: name('WinAnsiEncoding') }));
  // SoVanBan: parent field with two widget kids
  const so = w.reserve();
  const w1 = widget({ Parent: so, Rect: [72, 700, 272, 730] }, formXObject('15/QD-UBND'));
  const w2 = widget({ Parent: so, Rect: [72, 700, 272, 730], F: 6 }, formXObject('99/QD-UBND'));
  const w3 = widget({ Parent: so, Rect: [0, 0, 0, 0] }, formXObject('77/QD-UBND'));
  w.set(so, new PdfDict({ FT: name('Tx'), T: str('SoVanBan'), V: str('15/QD-UBND'), DA: str('/Helv 12 Tf 0 g'), Kids: [w1, w2, w3] }));
  const ngay = widget({ FT: name('Tx'), T: str('NgayBanHanh'), DA: str('/Helv 12 Tf 0 g'), Rect: [72, 660, 272, 690] }, formXObject(null));
  const ghi = widget({ FT: name('Tx'), T: str('GhiChu'), DA: str('/Helv 12 Tf 0 g'), Rect: [72, 620, 272, 650] }, formXObject('Da duyet'));
  const on = w.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 20, 20], Resources: new PdfDict() }), enc('q 0 g BT /ZaDb 12 Tf 4 4 Td (4) Tj ET Q')));
  const off = w.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 20, 20], Resources: new PdfDict() }), enc('')));
  const dongY = widget({ FT: name('Btn'), T: str('DongY'), V: name('Off'), AS: name('Off'), Rect: [300, 700, 320, 720] }, new PdfDict({ N: new PdfDict({ Yes: on, Off: off }) }));
  const nhom = w.reserve();
  const a1 = widget({ T: str('A1'), Parent: nhom, Rect: [300, 660, 400, 690] }, formXObject(null));
  const a2 = widget({ T: str('A2'), Parent: nhom, Rect: [300, 620, 400, 650] }, formXObject(null));
  w.set(nhom, new PdfDict({ FT: name('Tx'), T: str('NhomA'), DA: str('/Helv 12 Tf 0 g'), Kids: [a1, a2] }));
  const sigExtra: Record<string, PdfValue> = { FT: name('Sig'), T: str('ChuKy2'), Rect: [300, 500, 500, 560] };
  if (lock) sigExtra.Lock = new PdfDict({ Type: name('SigFieldLock'), Action: name(lock.action), ...(lock.fields ? { Fields: lock.fields.map((f) => str(f)) } : {}) });
  const chuKy2 = widget(sigExtra, formXObject(null));
  const acro = w.add(new PdfDict({ Fields: [so, ngay, ghi, dongY, nhom, chuKy2], DA: str('/Helv 0 Tf 0 g'), DR: new PdfDict({ Font: new PdfDict({ Helv: helv }) }) }));
  w.update(r.rootRef, new PdfDict(r.catalog.map).set('AcroForm', acro));
  w.update(pageRef, new PdfDict(page.dict.map).set('Annots', annots));
  return concat(base, w.build().bytes);
}

/** The terminal field named `n` in `r`. */
export function field(r: PdfReader, n: string) {
  const f = r.formFields().find((x) => x.name === n);
  if (!f) throw new Error(`no field ${n}`);
  return f;
}
