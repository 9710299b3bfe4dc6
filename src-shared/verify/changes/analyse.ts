// Change analysis of one incremental update (revision k-1 → k), modelled on pyHanko's diff
// analysis: every object the update touches must be explained by a small named rule, and each
// explanation carries a category that a signature's policy later accepts or refuses
// (see policy.ts). Whatever no rule explains is a forbidden change. The rules look at what a
// viewer shows: catalog, page tree, page dictionaries, annotations, form fields and their
// appearances, DSS and metadata.

import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from '../../pdf/objects';
import type { PageInfo, PdfReader } from '../../pdf/reader';
import { changedKeys, dictOf, sameValue } from './values';

export type ChangeCategory = 'signature' | 'doc-timestamp' | 'dss' | 'metadata' | 'form-fill' | 'annotation' | 'forbidden';

/** A change as found, before any policy judges it. */
export interface ChangeFact {
  /** 1-based revision number in which the change appears. */
  revision: number;
  rule: string;
  category: ChangeCategory;
  /** Fully qualified field name for form filling / signing facts. */
  field?: string;
  objects: string[];
  message_vi: string;
  message_en: string;
}

interface Ctx {
  old: PdfReader;
  neu: PdfReader;
  revision: number;
  /** Objects that existed before and differ now. */
  modified: Set<number>;
  /** Objects new in this update. */
  created: Set<number>;
  explained: Set<number>;
  facts: ChangeFact[];
}

const SAFE = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

const PAGES = new WeakMap<PdfReader, PageInfo[] | null>();
const FIELDS = new WeakMap<PdfReader, Map<string, FieldView>>();

/** The page list of a revision view, computed once per view (null when unreadable). */
function pagesOf(r: PdfReader): PageInfo[] | null {
  if (!PAGES.has(r)) PAGES.set(r, SAFE(() => r.pages(), null));
  return PAGES.get(r)!;
}

function nm(v: PdfValue | undefined): string | null {
  return v instanceof PdfName ? v.name : null;
}

function fact(c: Ctx, rule: string, category: ChangeCategory, vi: string, en: string, objects: number[] = [], field?: string): void {
  c.facts.push({ revision: c.revision, rule, category, field, objects: objects.map((n) => `${n} 0 obj`), message_vi: vi, message_en: en });
}

function explain(c: Ctx, v: PdfValue | undefined): void {
  if (v instanceof PdfRef) c.explained.add(v.num);
}

/** All object numbers reachable from `v` in `r` (bounded), for subtrees owned wholesale by one rule. */
function reachable(r: PdfReader, v: PdfValue | undefined, out: Set<number>, budget = { n: 20000 }, depth = 0): void {
  if (budget.n-- <= 0 || depth > 64 || v === undefined || v === null) return;
  if (v instanceof PdfRef) {
    if (out.has(v.num)) return;
    out.add(v.num);
    reachable(r, SAFE(() => r.getObject(v), null), out, budget, depth + 1);
  } else if (Array.isArray(v)) for (const x of v) reachable(r, x, out, budget, depth + 1);
  else if (v instanceof PdfDict) for (const x of v.map.values()) reachable(r, x, out, budget, depth + 1);
  else if (v instanceof PdfStream) reachable(r, v.dict, out, budget, depth + 1);
}

// ------------------------------------------------------------------ rules

/** Catalog: only /AcroForm, /DSS, /Extensions and /Metadata may change; /Perms, /OpenAction, /OCProperties, /Names… may not. */
function ruleCatalog(c: Ctx): void {
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
  for (const k of changedKeys(a, b)) {
    if (k === 'AcroForm') continue; // judged by ruleAcroForm
    if (k === 'DSS') {
      fact(c, 'dss-added', 'dss', 'Bổ sung dữ liệu kiểm tra dài hạn (DSS).', 'Long-term validation data (DSS) added.');
    } else if (k === 'Extensions') {
      const objs = new Set<number>();
      reachable(c.neu, b.get('Extensions'), objs);
      for (const n of objs) c.explained.add(n);
      fact(c, 'extensions-updated', 'metadata', 'Cập nhật khai báo phần mở rộng PDF (/Extensions).', 'PDF extension declarations (/Extensions) updated.');
    } else if (k === 'Version' && versionRaised(a.get('Version'), b.get('Version'))) {
      fact(c, 'version-raised', 'metadata', 'Nâng phiên bản PDF khai báo.', 'Declared PDF version raised.');
    } else if (k === 'Metadata') {
      fact(c, 'metadata-updated', 'metadata', 'Cập nhật siêu dữ liệu (XMP).', 'XMP metadata updated.');
    } else if (k === 'Pages') {
      // page tree judged by rulePages on the resolved pages; a different /Pages object is a rewrite
      fact(c, 'catalog-pages-replaced', 'forbidden', 'Cây trang của tài liệu bị thay thế.', 'The page tree of the document was replaced.');
    } else {
      fact(c, 'catalog-changed', 'forbidden', `Danh mục tài liệu bị thay đổi: /${k}.`, `The document catalog was changed: /${k}.`);
    }
  }
}

function versionRaised(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const v = (x: PdfValue | undefined) => (x instanceof PdfName ? Number(x.name) : NaN);
  const nb = v(b);
  return Number.isFinite(nb) && (a === undefined || nb >= v(a));
}

/** Trailer: /Info may change (metadata); a new /Encrypt may not. */
function ruleTrailer(c: Ctx): void {
  const info = c.neu.trailer.get('Info');
  if (info instanceof PdfRef && (c.modified.has(info.num) || c.created.has(info.num))) {
    c.explained.add(info.num);
    fact(c, 'info-updated', 'metadata', 'Cập nhật thông tin tài liệu (/Info).', 'Document information (/Info) updated.', [info.num]);
  }
  const meta = SAFE(() => c.neu.catalog.get('Metadata'), undefined);
  if (meta instanceof PdfRef && c.modified.has(meta.num)) {
    c.explained.add(meta.num);
    fact(c, 'metadata-updated', 'metadata', 'Cập nhật siêu dữ liệu (XMP).', 'XMP metadata updated.', [meta.num]);
  }
  if (!sameValue(c.old.trailer.get('Encrypt'), c.neu.trailer.get('Encrypt'))) {
    fact(c, 'encryption-changed', 'forbidden', 'Mã hóa tài liệu bị thay đổi sau khi ký.', 'The document encryption was changed after signing.');
  }
}

/** Pages: same pages in the same order; page dictionaries may change only in /Annots. */
function rulePages(c: Ctx): void {
  const a = pagesOf(c.old);
  const b = pagesOf(c.neu);
  if (!a || !b) {
    fact(c, 'pages-unreadable', 'forbidden', 'Không đọc được cây trang.', 'The page tree cannot be read.');
    return;
  }
  if (b.length > a.length) fact(c, 'page-added', 'forbidden', `Thêm ${b.length - a.length} trang sau khi ký.`, `${b.length - a.length} page(s) added after signing.`);
  else if (b.length < a.length) fact(c, 'page-removed', 'forbidden', `Xóa ${a.length - b.length} trang sau khi ký.`, `${a.length - b.length} page(s) removed after signing.`);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const pa = a[i], pb = b[i];
    if (pa.holder.num !== pb.holder.num || (pa.ref?.num ?? -1) !== (pb.ref?.num ?? -1)) {
      fact(c, 'page-replaced', 'forbidden', `Trang ${i + 1} bị thay thế bằng đối tượng khác.`, `Page ${i + 1} was replaced by another object.`, [pb.holder.num]);
      continue;
    }
    if (!pb.ref || !c.modified.has(pb.ref.num)) continue;
    c.explained.add(pb.ref.num);
    const keys = changedKeys(pa.dict, pb.dict).filter((k) => k !== 'Annots');
    for (const k of keys) {
      const what = k === 'Contents' ? ['nội dung', 'content'] : k === 'Resources' ? ['tài nguyên (phông chữ, hình ảnh)', 'resources (fonts, images)'] : [`/${k}`, `/${k}`];
      fact(c, k === 'Contents' ? 'page-content-changed' : k === 'Resources' ? 'page-resources-changed' : 'page-changed', 'forbidden',
        `Trang ${i + 1}: ${what[0]} bị thay đổi sau khi ký.`, `Page ${i + 1}: ${what[1]} changed after signing.`, [pb.ref.num]);
    }
  }
  // intermediate /Pages nodes: any change to them alters inheritance or order
  const nodes = new Set<number>();
  const root = SAFE(() => c.neu.catalog.get('Pages'), undefined);
  const walk = (v: PdfValue | undefined, depth: number) => {
    if (!(v instanceof PdfRef) || depth > 64 || nodes.has(v.num)) return;
    const d = dictOf(SAFE(() => c.neu.getObject(v), null));
    if (!d || nm(d.get('Type')) === 'Page') return;
    nodes.add(v.num);
    const kids = SAFE(() => c.neu.resolve(d.get('Kids')), undefined);
    if (Array.isArray(kids)) for (const k of kids) walk(k, depth + 1);
  };
  walk(root, 0);
  for (const num of nodes) {
    if (!c.modified.has(num)) continue;
    c.explained.add(num);
    fact(c, 'page-tree-changed', 'forbidden', 'Cây trang bị thay đổi sau khi ký.', 'The page tree was changed after signing.', [num]);
  }
}

interface FieldView {
  name: string;
  ref: PdfRef | null;
  dict: PdfDict;
  ft: string | null;
}

function fieldMap(r: PdfReader): Map<string, FieldView> {
  let m = FIELDS.get(r);
  if (!m) {
    m = new Map<string, FieldView>();
    for (const f of SAFE(() => r.formFields(), [])) if (!m.has(f.name)) m.set(f.name, f);
    FIELDS.set(r, m);
  }
  return m;
}

/** The widget annotations of a terminal field: itself when merged, else its /Kids. */
function widgetsOf(r: PdfReader, f: FieldView): Array<{ ref: PdfRef | null; dict: PdfDict }> {
  if (nm(f.dict.get('Subtype')) === 'Widget' || !f.dict.has('Kids')) return [{ ref: f.ref, dict: f.dict }];
  const kids = SAFE(() => r.resolve(f.dict.get('Kids')), undefined);
  const out: Array<{ ref: PdfRef | null; dict: PdfDict }> = [];
  if (Array.isArray(kids)) for (const k of kids) {
    const d = dictOf(SAFE(() => r.resolve(k), undefined));
    if (d) out.push({ ref: k instanceof PdfRef ? k : null, dict: d });
  }
  return out;
}

/** Appearance objects of a widget (/AP dict and its streams, state sub-dictionaries). */
function appearanceObjects(r: PdfReader, widget: PdfDict, out: Set<number>): void {
  const ap = widget.get('AP');
  if (ap instanceof PdfRef) out.add(ap.num);
  const apd = dictOf(SAFE(() => r.resolve(ap), undefined));
  if (!apd) return;
  for (const v of apd.map.values()) {
    if (v instanceof PdfRef) out.add(v.num);
    const sub = SAFE(() => r.resolve(v), undefined);
    if (sub instanceof PdfDict) for (const s of sub.map.values()) if (s instanceof PdfRef) out.add(s.num);
  }
}

function sigKind(r: PdfReader, f: FieldView): 'signature' | 'doc-timestamp' {
  const v = dictOf(SAFE(() => r.resolve(f.dict.get('V')), undefined));
  return v && nm(v.get('Type')) === 'DocTimeStamp' ? 'doc-timestamp' : 'signature';
}

const WIDGET_APPEARANCE_KEYS = new Set(['AP', 'AS', 'MK']);
const SIG_FIELD_KEYS = new Set(['V', 'AP', 'AS', 'MK', 'F', 'Lock', 'SV']);
const FILL_FIELD_KEYS = new Set(['V', 'AP', 'AS', 'MK']);

/** Form fields: new fields may only be signature fields; existing ones may be signed or filled, nothing else. */
function ruleFields(c: Ctx): Set<number> {
  const before = fieldMap(c.old);
  const after = fieldMap(c.neu);
  const appearanceOwners = new Set<number>();
  for (const [name, f] of after) {
    const prev = before.get(name);
    if (!prev) {
      if (f.ft === 'Sig') {
        const k = sigKind(c.neu, f);
        fact(c, k === 'doc-timestamp' ? 'document-timestamp-added' : 'signature-field-added', k,
          k === 'doc-timestamp' ? `Thêm dấu thời gian tài liệu (${name}).` : `Thêm trường chữ ký ${name}.`,
          k === 'doc-timestamp' ? `Document timestamp added (${name}).` : `Signature field ${name} added.`, f.ref ? [f.ref.num] : [], name);
      } else {
        fact(c, 'form-field-added', 'forbidden', `Thêm trường biểu mẫu ${name} sau khi ký.`, `Form field ${name} added after signing.`, f.ref ? [f.ref.num] : [], name);
      }
      continue;
    }
    if (f.ref && prev.ref && f.ref.num !== prev.ref.num) {
      fact(c, 'form-field-replaced', 'forbidden', `Trường ${name} bị thay thế bằng đối tượng khác.`, `Field ${name} was replaced by another object.`, [f.ref.num], name);
      continue;
    }
    // the field dictionary itself and its widgets
    const touched: number[] = [];
    const keys = new Set<string>();
    if (f.ref && c.modified.has(f.ref.num)) {
      touched.push(f.ref.num);
      for (const k of changedKeys(prev.dict, f.dict)) keys.add(k);
    }
    const oldW = widgetsOf(c.old, prev);
    for (const w of widgetsOf(c.neu, f)) {
      if (!w.ref || w.ref.num === f.ref?.num || !c.modified.has(w.ref.num)) continue;
      const ow = oldW.find((x) => x.ref?.num === w.ref!.num);
      if (!ow) continue;
      touched.push(w.ref.num);
      for (const k of changedKeys(ow.dict, w.dict)) keys.add(WIDGET_APPEARANCE_KEYS.has(k) ? k : `widget:${k}`);
    }
    // appearance streams rewritten in place belong to the field they draw
    const aps = new Set<number>();
    for (const w of oldW) appearanceObjects(c.old, w.dict, aps);
    const apTouched = [...aps].filter((n) => c.modified.has(n));
    if (touched.length === 0 && apTouched.length === 0) continue;
    for (const n of touched) c.explained.add(n);
    const allowedKeys = f.ft === 'Sig' ? SIG_FIELD_KEYS : FILL_FIELD_KEYS;
    const bad = [...keys].filter((k) => !allowedKeys.has(k));
    if (f.ft === 'Sig' && prev.dict.has('V') && keys.has('V')) bad.push('V');
    if (bad.length > 0) {
      fact(c, f.ft === 'Sig' ? 'signature-field-changed' : 'form-field-changed', 'forbidden',
        `Trường ${name} bị thay đổi ngoài phạm vi cho phép (${bad.join(', ')}).`, `Field ${name} changed beyond what is permitted (${bad.join(', ')}).`, touched, name);
      continue;
    }
    if (f.ft === 'Sig') {
      if (keys.has('V')) {
        const k = sigKind(c.neu, f);
        fact(c, k === 'doc-timestamp' ? 'document-timestamp-added' : 'signature-added', k,
          `Ký vào trường chữ ký ${name}.`, `Signature field ${name} signed.`, touched, name);
      } else if (touched.length > 0 || apTouched.length > 0) {
        fact(c, 'signature-appearance-changed', prev.dict.has('V') ? 'annotation' : 'signature',
          `Hình thể hiện của trường chữ ký ${name} bị thay đổi.`, `The appearance of signature field ${name} was changed.`, [...touched, ...apTouched], name);
      }
    } else {
      fact(c, 'form-filled', 'form-fill', `Điền trường biểu mẫu ${name}.`, `Form field ${name} filled in.`, [...touched, ...apTouched], name);
    }
    for (const n of apTouched) { c.explained.add(n); appearanceOwners.add(n); }
  }
  for (const [name, f] of before) {
    if (!after.has(name)) fact(c, 'form-field-removed', 'forbidden', `Trường ${name} bị xóa sau khi ký.`, `Field ${name} was removed after signing.`, f.ref ? [f.ref.num] : [], name);
  }
  return appearanceOwners;
}

/** AcroForm dictionary: /Fields (judged by ruleFields), /SigFlags and additive /DR entries may change. */
function ruleAcroForm(c: Ctx): void {
  const oldRef = SAFE(() => c.old.catalog.get('AcroForm'), undefined);
  const newRef = SAFE(() => c.neu.catalog.get('AcroForm'), undefined);
  explain(c, newRef);
  const a = dictOf(SAFE(() => c.old.resolve(oldRef), undefined)) ?? new PdfDict();
  const b = dictOf(SAFE(() => c.neu.resolve(newRef), undefined));
  if (!b) {
    if (oldRef !== undefined) fact(c, 'acroform-removed', 'forbidden', 'Biểu mẫu (AcroForm) bị xóa.', 'The form (AcroForm) was removed.');
    return;
  }
  explain(c, b.get('Fields'));
  for (const k of changedKeys(a, b)) {
    if (k === 'Fields') continue;
    if (k === 'SigFlags') continue;
    if (k === 'DR') {
      const ok = additiveDict(c, a.get('DR'), b.get('DR'), 0);
      if (!ok) fact(c, 'form-resources-changed', 'forbidden', 'Tài nguyên mặc định của biểu mẫu (/DR) bị thay đổi.', 'The default form resources (/DR) were changed.');
      continue;
    }
    fact(c, 'acroform-changed', 'forbidden', `Biểu mẫu bị thay đổi: /${k}.`, `The form dictionary was changed: /${k}.`);
  }
}

/** True when every entry of the old dictionary is kept unchanged in the new one (nested one level). */
function additiveDict(c: Ctx, oldV: PdfValue | undefined, newV: PdfValue | undefined, depth: number): boolean {
  const a = dictOf(SAFE(() => c.old.resolve(oldV), undefined));
  const b = dictOf(SAFE(() => c.neu.resolve(newV), undefined));
  explain(c, newV);
  if (!a) return true;
  if (!b) return false;
  for (const [k, v] of a.map) {
    const w = b.map.get(k);
    if (sameValue(v, w) && !(v instanceof PdfRef && c.modified.has(v.num) && depth > 0)) continue;
    if (depth < 1 && dictOf(SAFE(() => c.old.resolve(v), undefined)) && additiveDict(c, v, w, depth + 1)) continue;
    return false;
  }
  return true;
}

/** Annotations: existing ones kept; new ones are widgets of signature fields, or annotations (P=3 only). */
function ruleAnnotations(c: Ctx, sigFieldWidgets: Set<number>, fieldWidgets: Set<number>): void {
  const a = pagesOf(c.old) ?? [];
  const b = pagesOf(c.neu) ?? [];
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const oldAnnots = a[i].dict.get('Annots');
    const newAnnots = b[i].dict.get('Annots');
    if (newAnnots instanceof PdfRef) c.explained.add(newAnnots.num);
    const la = SAFE(() => c.old.resolve(oldAnnots), undefined);
    const lb = SAFE(() => c.neu.resolve(newAnnots), undefined);
    const oldList = Array.isArray(la) ? la : [];
    const newList = Array.isArray(lb) ? lb : [];
    const key = (v: PdfValue) => (v instanceof PdfRef ? `r${v.num}` : null);
    const oldKeys = new Set(oldList.map(key).filter((x): x is string => x !== null));
    const newKeys = new Set(newList.map(key).filter((x): x is string => x !== null));
    for (const v of oldList) {
      const k = key(v);
      if (k && !newKeys.has(k)) fact(c, 'annotation-removed', 'annotation', `Trang ${i + 1}: xóa một chú thích.`, `Page ${i + 1}: an annotation was removed.`, [(v as PdfRef).num]);
    }
    const oldDirect = oldList.filter((v) => !(v instanceof PdfRef));
    const newDirect = newList.filter((v) => !(v instanceof PdfRef));
    if (!sameValue(oldDirect, newDirect)) fact(c, 'annotation-changed', 'annotation', `Trang ${i + 1}: chú thích trực tiếp bị thay đổi.`, `Page ${i + 1}: direct annotations changed.`);
    for (const v of newList) {
      if (!(v instanceof PdfRef) || oldKeys.has(`r${v.num}`)) continue;
      const d = dictOf(SAFE(() => c.neu.getObject(v), null));
      const sub = d ? nm(d.get('Subtype')) : null;
      if (sub === 'Widget' && sigFieldWidgets.has(v.num)) {
        c.explained.add(v.num);
        continue; // counted with its signature field
      }
      if (sub === 'Widget') {
        fact(c, fieldWidgets.has(v.num) ? 'widget-added' : 'orphan-widget-added', 'forbidden', `Trang ${i + 1}: thêm ô biểu mẫu không phải chữ ký.`, `Page ${i + 1}: a non-signature form widget was added.`, [v.num]);
        continue;
      }
      fact(c, 'annotation-added', 'annotation', `Trang ${i + 1}: thêm chú thích /${sub ?? '?'}.`, `Page ${i + 1}: /${sub ?? '?'} annotation added.`, [v.num]);
      c.explained.add(v.num);
    }
    // existing non-widget annotations modified in place
    for (const v of newList) {
      if (!(v instanceof PdfRef) || !oldKeys.has(`r${v.num}`) || !c.modified.has(v.num) || fieldWidgets.has(v.num)) continue;
      c.explained.add(v.num);
      fact(c, 'annotation-modified', 'annotation', `Trang ${i + 1}: một chú thích bị sửa.`, `Page ${i + 1}: an annotation was modified.`, [v.num]);
    }
  }
}

/** DSS: the dictionary and everything under it may be added or replaced. */
function ruleDss(c: Ctx): void {
  const dss = SAFE(() => c.neu.catalog.get('DSS'), undefined);
  if (dss === undefined) return;
  const objs = new Set<number>();
  reachable(c.neu, dss, objs);
  let touched = false;
  for (const n of objs) if (c.modified.has(n) || c.created.has(n)) { c.explained.add(n); touched = true; }
  if (touched) fact(c, 'dss-updated', 'dss', 'Cập nhật dữ liệu kiểm tra dài hạn (DSS).', 'Long-term validation data (DSS) updated.');
}

/** /Extensions held in indirect objects may be updated in place (developer extensions, e.g. ESIC for PAdES). */
function ruleExtensions(c: Ctx): void {
  const ext = SAFE(() => c.neu.catalog.get('Extensions'), undefined);
  if (ext === undefined) return;
  const objs = new Set<number>();
  reachable(c.neu, ext, objs);
  const touched = [...objs].filter((n) => c.modified.has(n) && !c.explained.has(n));
  for (const n of touched) c.explained.add(n);
  if (touched.length) fact(c, 'extensions-updated', 'metadata', 'Cập nhật khai báo phần mở rộng PDF (/Extensions).', 'PDF extension declarations (/Extensions) updated.', touched);
}

/** Whatever was modified and no rule explained: forbidden, described by what it was. */
function ruleUnexplained(c: Ctx): void {
  for (const num of c.modified) {
    if (c.explained.has(num)) continue;
    const v = SAFE(() => c.old.getObject(num), null);
    const d = dictOf(v);
    const type = d ? nm(d.get('Type')) : null;
    const sub = d ? nm(d.get('Subtype')) : null;
    let vi = `Đối tượng ${num} bị thay đổi sau khi ký.`, en = `Object ${num} was changed after signing.`, rule = 'object-modified';
    if (sub === 'Image') { rule = 'image-replaced'; vi = `Hình ảnh (đối tượng ${num}) bị thay thế sau khi ký.`; en = `An image (object ${num}) was replaced after signing.`; }
    else if (type === 'Font' || type === 'FontDescriptor') { rule = 'font-changed'; vi = `Phông chữ (đối tượng ${num}) bị thay đổi.`; en = `A font (object ${num}) was changed.`; }
    else if (sub === 'Form') { rule = 'xobject-changed'; vi = `XObject (đối tượng ${num}) bị thay đổi — có thể là tấn công che/thay nội dung (shadow attack).`; en = `An XObject (object ${num}) was changed — possible shadow (hide/replace) attack.`; }
    else if (type === 'Sig' || type === 'DocTimeStamp') { rule = 'signature-dictionary-changed'; vi = `Từ điển chữ ký (đối tượng ${num}) bị thay đổi.`; en = `A signature dictionary (object ${num}) was changed.`; }
    else if (v instanceof PdfStream) { rule = 'stream-changed'; vi = `Luồng dữ liệu (đối tượng ${num}) bị thay đổi, có thể là nội dung trang.`; en = `A stream (object ${num}) was changed, possibly page content.`; }
    else if (type === 'Annot' || sub !== null) { rule = 'annotation-modified'; }
    fact(c, rule, rule === 'annotation-modified' ? 'annotation' : 'forbidden', vi, en, [num]);
  }
}

function existedIn(r: PdfReader, num: number): boolean {
  const loc = r.locate(num);
  return loc.type === 'offset' || loc.type === 'compressed';
}

/**
 * Analyse the update that turns `old` into `neu` (`changed` = the object numbers its
 * cross-reference section lists; `revision` = its 1-based number).
 */
export function analyseUpdate(old: PdfReader, neu: PdfReader, changed: number[], revision: number): ChangeFact[] {
  const c: Ctx = { old, neu, revision, modified: new Set(), created: new Set(), explained: new Set(), facts: [] };
  for (const num of changed) {
    if (num === 0) continue;
    const had = existedIn(old, num);
    const has = existedIn(neu, num);
    if (!had) {
      if (has) c.created.add(num);
      continue;
    }
    if (!has) {
      fact(c, 'object-freed', 'forbidden', `Đối tượng ${num} bị xóa sau khi ký.`, `Object ${num} was deleted after signing.`, [num]);
      continue;
    }
    let same = false;
    try {
      same = sameValue(old.getObject(num), neu.getObject(num));
    } catch {
      same = false;
    }
    if (!same) c.modified.add(num);
  }
  // the xref stream object of the update itself is not content
  for (const num of [...c.modified]) {
    const d = dictOf(SAFE(() => neu.getObject(num), null));
    if (d && nm(d.get('Type')) === 'XRef') c.modified.delete(num);
  }
  ruleCatalog(c);
  ruleTrailer(c);
  rulePages(c);
  ruleAcroForm(c);
  const sigWidgets = new Set<number>();
  const allWidgets = new Set<number>();
  for (const f of fieldMap(neu).values()) {
    for (const w of widgetsOf(neu, f)) if (w.ref) { allWidgets.add(w.ref.num); if (f.ft === 'Sig') sigWidgets.add(w.ref.num); }
  }
  ruleFields(c);
  ruleAnnotations(c, sigWidgets, allWidgets);
  ruleDss(c);
  ruleExtensions(c);
  ruleUnexplained(c);
  return dedupe(c.facts);
}

function dedupe(facts: ChangeFact[]): ChangeFact[] {
  const seen = new Set<string>();
  return facts.filter((f) => {
    const k = `${f.rule}|${f.field ?? ''}|${f.objects.join(',')}|${f.message_en}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Text of a PDF string for messages. */
export function pdfText(v: PdfValue | undefined): string | null {
  return v instanceof PdfString ? new TextDecoder('latin1').decode(v.bytes) : null;
}
