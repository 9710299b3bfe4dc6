// Rules on the document level: catalog entries, trailer (/Info, /Encrypt), XMP metadata,
// /Extensions, /MarkInfo and the Document Security Store. An object is explained by the role it
// plays (Info, XMP stream, DSS entry…) only if it is new or played that role before.

import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../../../pdf/objects';
import type { PdfReader } from '../../../pdf/reader';
import { SAFE, explain, explainOwned, fact, holderOf, nm, reachable, same, sameRole, type RuleContext as Ctx } from '../context';
import { changedKeysResolved, dictOf, sameValue } from '../values';

/** Catalog: only /AcroForm, /DSS, /Extensions, /Metadata, /MarkInfo, /StructTreeRoot and a raised /Version may change; /Perms, /OpenAction, /OCProperties, /Names… may not. */
export function ruleCatalog(c: Ctx): void {
  const oldRoot = c.old.trailer.get('Root');
  const newRoot = c.neu.trailer.get('Root');
  explain(c, oldRoot);
  explain(c, newRoot);
  const a = SAFE(() => c.old.catalog, null);
  const b = SAFE(() => c.neu.catalog, null);
  if (!a || !b) {
    fact(c, 'catalog-unreadable', 'forbidden', 'Không đọc được danh mục tài liệu sau cập nhật.', 'The document catalog cannot be read after the update.');
    return;
  }
  for (const k of changedKeysResolved(c.cmp, a, b)) {
    if (k === 'AcroForm' || k === 'DSS' || k === 'StructTreeRoot') continue; // judged by ruleAcroForm, ruleDss, ruleStructTree
    if (k === 'Extensions') {
      explainUnder(c, a.get('Extensions'), b.get('Extensions'));
      fact(c, 'extensions-updated', 'metadata', 'Cập nhật khai báo phần mở rộng PDF (/Extensions).', 'PDF extension declarations (/Extensions) updated.');
    } else if (k === 'Version' && versionRaised(a.get('Version'), b.get('Version'))) {
      fact(c, 'version-raised', 'metadata', 'Nâng phiên bản PDF khai báo.', 'Declared PDF version raised.', [], undefined,
        { before: nm(a.get('Version')) ?? '', after: nm(b.get('Version')) ?? '' });
    } else if (k === 'Metadata' && isXmp(c.neu, b.get('Metadata'))) {
      fact(c, 'metadata-updated', 'metadata', 'Cập nhật siêu dữ liệu (XMP).', 'XMP metadata updated.');
    } else if (k === 'MarkInfo' && b.has('MarkInfo')) {
      explainUnder(c, a.get('MarkInfo'), b.get('MarkInfo'));
      fact(c, 'markinfo-updated', 'metadata', 'Cập nhật khai báo tài liệu gắn thẻ (/MarkInfo).', 'Tagged-PDF declaration (/MarkInfo) updated.');
    } else if (k === 'OCProperties') {
      fact(c, 'optional-content-changed', 'forbidden', 'Cấu hình nội dung tùy chọn (/OCProperties) bị thay đổi — nội dung có thể bị ẩn hoặc hiện ra.', 'The optional content configuration (/OCProperties) was changed — content may be hidden or revealed.', [], undefined,
        { before: describe(c.old, a.get(k)), after: describe(c.neu, b.get(k)) });
    } else if (k === 'Pages') {
      // page tree judged by rulePages on the resolved pages; a different /Pages object is a rewrite
      fact(c, 'catalog-pages-replaced', 'forbidden', 'Cây trang của tài liệu bị thay thế.', 'The page tree of the document was replaced.');
    } else {
      fact(c, 'catalog-changed', 'forbidden', `Danh mục tài liệu bị thay đổi: /${k}.`, `The document catalog was changed: /${k}.`, [], undefined,
        { before: describe(c.old, a.get(k)), after: describe(c.neu, b.get(k)) });
    }
  }
}

/** A short text for a catalog value in a report (names, numbers, "absent", or the kind of object). */
function describe(r: PdfReader, v: PdfValue | undefined): string {
  if (v === undefined) return '(absent)';
  const x = SAFE(() => r.resolve(v), undefined);
  if (x instanceof PdfName) return `/${x.name}`;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  const ref = v instanceof PdfRef ? ` ${v.num} ${v.gen} R` : '';
  if (Array.isArray(x)) return `[${x.length}]${ref}`;
  return `<<…>>${ref}`;
}

/**
 * Explain the dictionaries and arrays under a value that moved with it: new objects, and objects
 * that already sat under the old value and that nothing else used (streams are never explained this way).
 */
function explainUnder(c: Ctx, oldV: PdfValue | undefined, newV: PdfValue | undefined): number[] {
  const before = new Set<number>();
  reachable(c.old, oldV, before);
  const after = new Set<number>();
  reachable(c.neu, newV, after);
  const owners = [...before, c.old.rootRef?.num ?? -1];
  const out: number[] = [];
  for (const n of after) {
    if (!c.modified.has(n) && !c.created.has(n)) continue;
    if (c.modified.has(n) && (!before.has(n) || SAFE(() => c.neu.getObject(n), null) instanceof PdfStream)) continue;
    if (explainOwned(c, n, owners)) out.push(n);
  }
  return out;
}

function versionRaised(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const v = (x: PdfValue | undefined) => (x instanceof PdfName ? Number(x.name) : NaN);
  const nb = v(b);
  return Number.isFinite(nb) && (a === undefined || nb >= v(a));
}

/** Trailer: /Info may change (metadata); a new /Encrypt may not. */
export function ruleTrailer(c: Ctx): void {
  const info = c.neu.trailer.get('Info');
  if (info instanceof PdfRef && (c.modified.has(info.num) || c.created.has(info.num)) && sameRole(c, info.num, c.old.trailer.get('Info')) && explainOwned(c, info.num, [-1])) {
    fact(c, 'info-updated', 'metadata', 'Cập nhật thông tin tài liệu (/Info).', 'Document information (/Info) updated.', [info.num]);
  }
  const meta = SAFE(() => c.neu.catalog.get('Metadata'), undefined);
  const oldMeta = SAFE(() => c.old.catalog.get('Metadata'), undefined);
  if (meta instanceof PdfRef && c.modified.has(meta.num) && sameRole(c, meta.num, oldMeta) && isXmp(c.old, meta)) {
    if (isXmp(c.neu, meta) && explainOwned(c, meta.num, [holderOf(c.old, undefined)])) fact(c, 'metadata-updated', 'metadata', 'Cập nhật siêu dữ liệu (XMP).', 'XMP metadata updated.', [meta.num]);
    else {
      c.explained.add(meta.num);
      fact(c, 'metadata-invalid', 'forbidden', 'Siêu dữ liệu (XMP) bị thay bằng dữ liệu không phải XMP hoặc dùng chung với nội dung khác.', 'The XMP metadata was replaced by something that is not XMP, or is shared with other content.', [meta.num]);
    }
  }
  if (!sameValue(c.old.trailer.get('Encrypt'), c.neu.trailer.get('Encrypt'))) {
    fact(c, 'encryption-changed', 'forbidden', 'Mã hóa tài liệu bị thay đổi sau khi ký.', 'The document encryption was changed after signing.');
  }
}

/** An XMP metadata stream: an x:xmpmeta or rdf:RDF packet (/Type /Metadata where a type is given). */
function isXmp(r: PdfReader, v: PdfValue | undefined): boolean {
  const s = SAFE(() => r.resolve(v), undefined);
  if (!(s instanceof PdfStream) || (s.dict.has('Type') && nm(s.dict.get('Type')) !== 'Metadata')) return false;
  const data = SAFE(() => r.decode(s), null);
  if (!data) return false;
  const text = new TextDecoder('latin1').decode(data.subarray(0, 1 << 20));
  return /<x:xmpmeta|<rdf:RDF/.test(text);
}

/** /Extensions held in indirect objects may be updated in place (developer extensions, e.g. ADBE, ESIC for PAdES). */
export function ruleExtensions(c: Ctx): void {
  const ext = SAFE(() => c.neu.catalog.get('Extensions'), undefined);
  if (ext === undefined) return;
  const touched = explainUnder(c, SAFE(() => c.old.catalog.get('Extensions'), undefined), ext).filter((n) => c.modified.has(n));
  if (touched.length) fact(c, 'extensions-updated', 'metadata', 'Cập nhật khai báo phần mở rộng PDF (/Extensions).', 'PDF extension declarations (/Extensions) updated.', touched);
}

/**
 * DSS (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1): the dictionary may be added, grown or replaced.
 * What it explains is its own structure (/Certs, /CRLs, /OCSPs, /VRI and their entries): new
 * objects, dictionaries and arrays that were part of the old DSS, and old DSS streams rewritten in
 * place that nothing outside the DSS uses. Removing the DSS is not allowed.
 */
export function ruleDss(c: Ctx): void {
  const oldV = SAFE(() => c.old.catalog.get('DSS'), undefined);
  const newV = SAFE(() => c.neu.catalog.get('DSS'), undefined);
  if (newV === undefined) {
    if (oldV !== undefined) fact(c, 'dss-removed', 'forbidden', 'Dữ liệu kiểm tra dài hạn (DSS) bị xóa.', 'The long-term validation data (DSS) was removed.');
    return;
  }
  const before = dssObjects(c.old, oldV);
  const after = dssObjects(c.neu, newV);
  const touched: number[] = [];
  const owners = [...before, holderOf(c.old, undefined)];
  for (const n of after) {
    if (c.modified.has(n) && !before.has(n)) continue; // an object that was something else before: not DSS data
    if (explainOwned(c, n, owners)) touched.push(n);
  }
  const problem = same(c, oldV, newV) ? null : dssProblem(c.neu, newV);
  if (problem) {
    fact(c, 'dss-malformed', 'forbidden', `Dữ liệu kiểm tra dài hạn (DSS) không đúng cấu trúc: ${problem}.`, `The long-term validation data (DSS) is malformed: ${problem}.`, touched);
    return;
  }
  if (oldV === undefined) fact(c, 'dss-added', 'dss', 'Bổ sung dữ liệu kiểm tra dài hạn (DSS).', 'Long-term validation data (DSS) added.', touched);
  else if (touched.length > 0 || !same(c, oldV, newV)) fact(c, 'dss-updated', 'dss', 'Cập nhật dữ liệu kiểm tra dài hạn (DSS).', 'Long-term validation data (DSS) updated.', touched);
}

const DSS_ARRAYS = ['Certs', 'CRLs', 'OCSPs'];
const VRI_ARRAYS = ['Cert', 'CRL', 'OCSP'];

/** The objects of a DSS: the dictionary, its arrays and their streams, /VRI and its entries (nothing else it may point to). */
function dssObjects(r: PdfReader, dss: PdfValue | undefined): Set<number> {
  const out = new Set<number>();
  const add = (v: PdfValue | undefined) => { if (v instanceof PdfRef) out.add(v.num); };
  const arrays = (d: PdfDict, keys: string[]) => {
    for (const k of keys) {
      const v = d.get(k);
      add(v);
      const arr = SAFE(() => r.resolve(v), undefined);
      if (Array.isArray(arr)) for (const x of arr.slice(0, 100_000)) add(x);
    }
  };
  add(dss);
  const d = dictOf(SAFE(() => r.resolve(dss), undefined));
  if (!d) return out;
  arrays(d, DSS_ARRAYS);
  const vri = d.get('VRI');
  add(vri);
  const vd = dictOf(SAFE(() => r.resolve(vri), undefined));
  if (vd) for (const e of vd.map.values()) {
    add(e);
    const ed = dictOf(SAFE(() => r.resolve(e), undefined));
    if (!ed) continue;
    arrays(ed, VRI_ARRAYS);
    add(ed.get('TS'));
  }
  return out;
}

const DSS_KEYS = new Set(['Type', 'Certs', 'CRLs', 'OCSPs', 'VRI']);
const VRI_KEYS = new Set(['Type', 'TU', 'TS', 'Cert', 'CRL', 'OCSP']);

/** What is wrong with a DSS (ETSI EN 319 142-1 §5.4.2: arrays of streams, /VRI of dictionaries keyed by SHA-1 hex), or null. */
function dssProblem(r: PdfReader, dss: PdfValue | undefined): string | null {
  const d = SAFE(() => r.resolve(dss), undefined);
  if (!(d instanceof PdfDict)) return 'not a dictionary';
  const streams = (v: PdfValue | undefined, what: string): string | null => {
    const a = SAFE(() => r.resolve(v), undefined);
    if (!Array.isArray(a)) return `${what} is not an array`;
    return a.every((x) => x instanceof PdfRef && SAFE(() => r.getObject(x), null) instanceof PdfStream) ? null : `${what} holds something other than streams`;
  };
  for (const [k, v] of d.map) {
    if (!DSS_KEYS.has(k)) return `unexpected /${k}`;
    if (k === 'Type') continue;
    if (k !== 'VRI') { const p = streams(v, `/${k}`); if (p) return p; continue; }
    const vri = SAFE(() => r.resolve(v), undefined);
    if (!(vri instanceof PdfDict)) return '/VRI is not a dictionary';
    for (const [key, e] of vri.map) {
      if (!/^[0-9A-Fa-f]{40}$/.test(key)) return `/VRI key /${key} is not a SHA-1 hash`;
      const ed = SAFE(() => r.resolve(e), undefined);
      if (!(ed instanceof PdfDict)) return `/VRI /${key} is not a dictionary`;
      for (const [vk, vv] of ed.map) {
        if (!VRI_KEYS.has(vk)) return `unexpected /${vk} in /VRI /${key}`;
        if (vk === 'Cert' || vk === 'CRL' || vk === 'OCSP') { const p = streams(vv, `/VRI /${key} /${vk}`); if (p) return p; }
      }
    }
  }
  return null;
}
