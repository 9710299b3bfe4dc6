// Rules on the interactive form (ISO 32000-1 §12.7, §12.8): new fields (signature fields only),
// existing fields being signed or filled — a field empty at signing may be filled, one that held a
// value or showed something may not show anything else — the field tree, the AcroForm dictionary
// and its default resources. Widget placement and visibility: widgets.ts; what a field shows: shown.ts.

import { PdfDict, PdfRef, type PdfValue } from '../../../pdf/objects';
import { SAFE, appearanceObjects, clip, earlierView, explain, explainOwned, fact, fieldMap, holderOf, nm, ownedBy, same, sameRole, sigKind, widgetsOf, type FieldView, type RuleContext as Ctx } from '../context';
import { drEntryInUse } from '../form-resources';
import { fieldShows, inherited, onStates } from '../shown';
import { changedKeysResolved, dictOf } from '../values';
import { kidsChanged, widgetKey } from './widgets';

/** Keys that fill a field in (value, appearance, appearance settings). */
const VALUE_KEYS = new Set(['V', 'RV', 'I']);
const SETTINGS_KEYS = new Set(['MK', 'DA', 'Q', 'DS']);
/** Annotation keys a writer may refresh without changing what is shown. */
const HARMLESS_KEYS = new Set(['M', 'NM']);
/** Field flags common to all fields that a signer may set when locking (ReadOnly, Required, NoExport). */
const COMMON_FF = 1 | 2 | 4;

/** Form fields: new fields may only be signature fields; existing ones may be signed or filled, nothing else. */
export function ruleFields(c: Ctx): void {
  const before = fieldMap(c.old);
  const after = fieldMap(c.neu);
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
    judgeField(c, name, prev, f);
  }
  for (const [name, f] of before) {
    if (!after.has(name)) fact(c, 'form-field-removed', 'forbidden', `Trường ${name} bị xóa sau khi ký.`, `Field ${name} was removed after signing.`, f.ref ? [f.ref.num] : [], name);
  }
}

interface KeyChange {
  key: string;
  ow: PdfDict;
  nw: PdfDict;
  num: number;
}

/** One field that existed at signing: what changed on it, its widgets and its appearance streams. */
function judgeField(c: Ctx, name: string, prev: FieldView, f: FieldView): void {
  const oldW = widgetsOf(c.old, prev);
  const newW = widgetsOf(c.neu, f);
  const fieldNum = f.ref?.num ?? -1;
  const changes: KeyChange[] = [];
  const touched: number[] = [];
  if (f.ref && c.modified.has(f.ref.num)) {
    touched.push(f.ref.num);
    for (const key of changedKeysResolved(c.cmp, prev.dict, f.dict)) changes.push({ key, ow: prev.dict, nw: f.dict, num: f.ref.num });
  }
  // a /Kids array or a /V held in their own objects
  for (const k of ['Kids', 'V']) {
    const v = f.dict.get(k);
    if (v instanceof PdfRef && c.modified.has(v.num) && sameRole(c, v.num, prev.dict.get(k)) && explainOwned(c, v.num, [fieldNum])) {
      touched.push(v.num);
      if (!changes.some((x) => x.key === k && x.num === fieldNum)) changes.push({ key: k, ow: prev.dict, nw: f.dict, num: fieldNum });
    }
  }
  for (const w of newW) {
    if (!w.ref || w.ref.num === fieldNum || !c.modified.has(w.ref.num)) continue;
    const ow = oldW.find((x) => x.ref?.num === w.ref!.num);
    if (!ow) continue; // a new widget: /Kids changed
    touched.push(w.ref.num);
    for (const key of changedKeysResolved(c.cmp, ow.dict, w.dict)) changes.push({ key, ow: ow.dict, nw: w.dict, num: w.ref.num });
  }
  // appearance objects rewritten in place belong to the field they draw
  const aps = new Set<number>();
  for (const w of oldW) appearanceObjects(c.old, w.dict, aps);
  const widgetNums = new Set([...oldW, ...newW].map((w) => w.ref?.num ?? -1));
  const apTouched = [...aps].filter((n) => c.modified.has(n) && !widgetNums.has(n));
  if (touched.length === 0 && apTouched.length === 0) return;
  for (const n of [...touched, ...apTouched]) c.explained.add(n);

  const isSig = f.ft === 'Sig';
  const wasSigned = isSig && dictOf(SAFE(() => c.old.resolve(inherited(c.old, prev.dict, 'V')), undefined)) !== null;
  const nowSigned = isSig && dictOf(SAFE(() => c.neu.resolve(inherited(c.neu, f.dict, 'V')), undefined)) !== null;
  const signing = isSig && !wasSigned && nowSigned;
  const seen = { value: false, ap: apTouched.length > 0, as: false, settings: false };
  const bad: string[] = [];
  for (const ch of changes) {
    const { key } = ch;
    // specific rules first; what they forbid also counts as the field being changed beyond what is permitted
    if (key === 'Kids') {
      if (kidsChanged(c, name, prev.dict.get('Kids'), f.dict.get('Kids'), fieldNum >= 0 ? fieldNum : null)) bad.push(key);
      continue;
    }
    const w = widgetKey(c, name, key, ch.ow, ch.nw, ch.num, signing);
    if (w === 'forbidden') bad.push(key);
    if (w !== null) continue;
    if (VALUE_KEYS.has(key)) seen.value = true;
    else if (key === 'AP') seen.ap = true;
    else if (key === 'AS') seen.as = true;
    else if (SETTINGS_KEYS.has(key)) seen.settings = true;
    else if (HARMLESS_KEYS.has(key)) continue;
    else if (key === 'Type' && !ch.ow.has('Type') && nm(ch.nw.get('Type')) === 'Annot') continue;
    else if ((key === 'StructParent' || key === 'StructParents') && !ch.ow.has(key)) {
      fact(c, 'struct-parent-added', 'structure', `Trường ${name}: gắn ô vào cây cấu trúc (/StructParent).`, `Field ${name}: the widget was attached to the structure tree (/StructParent).`, [ch.num], name);
    } else if (key === 'Ff' && ffHarmless(c, ch.ow.get('Ff'), ch.nw.get('Ff'))) {
      fact(c, 'field-flags-changed', 'signature', `Trường ${name}: đặt cờ chỉ đọc/bắt buộc (/Ff).`, `Field ${name}: read-only/required flags set (/Ff).`, [ch.num], name);
    } else if ((key === 'Lock' || key === 'SV') && signing) continue;
    else bad.push(key);
  }
  if (bad.length > 0) {
    const keys = [...new Set(bad)].join(', ');
    fact(c, isSig ? 'signature-field-changed' : 'form-field-changed', 'forbidden',
      `Trường ${name} bị thay đổi ngoài phạm vi cho phép (${keys}).`, `Field ${name} changed beyond what is permitted (${keys}).`, touched, name);
    return;
  }
  if (!seen.value && !seen.ap && !seen.as && !seen.settings) return;
  const objs = [...touched, ...apTouched];
  // an appearance rewritten in place, or an indirect appearance dictionary given up, must not be
  // used anywhere else (page content, another field, the catalog, the trailer)
  const apKeyChanged = changes.some((ch) => ch.key === 'AP');
  const oldApDicts = apKeyChanged ? oldW.map((w) => w.dict.get('AP')).filter((v): v is PdfRef => v instanceof PdfRef).map((v) => v.num) : [];
  const check = [...apTouched, ...oldApDicts];
  const owned = check.length > 0 ? ownedBy(c.old, new Set([...widgetNums, fieldNum]), aps) : new Set<number>();
  const shared = check.filter((n) => !owned.has(n));
  if (shared.length > 0) {
    fact(c, 'appearance-shared', 'forbidden', `Trường ${name}: hình thể hiện bị thay, nhưng nó còn được dùng ở nơi khác (đối tượng ${shared.join(', ')}).`,
      `Field ${name}: its appearance was replaced, but that appearance is also used elsewhere (object ${shared.join(', ')}).`, shared, name);
    return;
  }
  if (isSig) judgeSignatureField(c, name, f, { wasSigned, nowSigned, ...seen }, objs, newW.map((w) => w.dict));
  else judgeValue(c, name, prev, f, oldW.map((w) => w.dict), newW.map((w) => w.dict), seen, objs);
}

function ffHarmless(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const x = SAFE(() => c.old.resolve(a), undefined), y = SAFE(() => c.neu.resolve(b), undefined);
  const fa = typeof x === 'number' ? x : 0, fb = typeof y === 'number' ? y : 0;
  return ((fa ^ fb) & ~COMMON_FF) === 0;
}

/** A signature field: signing an empty one; a signed one may only get a new appearance (flattened, refreshed). */
function judgeSignatureField(c: Ctx, name: string, f: FieldView, s: { wasSigned: boolean; nowSigned: boolean; value: boolean; ap: boolean; as: boolean; settings: boolean }, objs: number[], newW: PdfDict[]): void {
  if (s.wasSigned) {
    if (s.value || !s.nowSigned) {
      fact(c, 'signature-field-changed', 'forbidden', `Chữ ký trong trường ${name} bị thay thế hoặc gỡ bỏ.`, `The signature in field ${name} was replaced or removed.`, objs, name);
    } else if (s.as) {
      fact(c, 'widget-state-switched', 'forbidden', `Trường chữ ký ${name}: trạng thái hình thể hiện (/AS) bị đổi.`, `Signature field ${name}: the appearance state (/AS) was switched.`, objs, name);
    } else {
      fact(c, 'signature-appearance-changed', 'annotation', `Hình thể hiện của trường chữ ký ${name} bị thay đổi.`, `The appearance of signature field ${name} was changed.`, objs, name, { lockable: true });
    }
    return;
  }
  if (s.nowSigned) {
    const k = sigKind(c.neu, f);
    fact(c, k === 'doc-timestamp' ? 'document-timestamp-added' : 'signature-added', k,
      `Ký vào trường chữ ký ${name}.`, `Signature field ${name} signed.`, objs, name, { lockable: k === 'signature' });
    return;
  }
  const shows = fieldShows(c.neu, f.dict, newW, 'Sig');
  if (shows.shown) {
    fact(c, 'field-appearance-replaced', 'forbidden', `Trường chữ ký trống ${name} hiện nội dung mới mà không được ký.`, `The empty signature field ${name} shows new content without being signed.`, objs, name,
      { before: '', after: clip(shows.shownText || '(graphics)') });
    return;
  }
  fact(c, 'signature-appearance-changed', 'signature', `Hình thể hiện của trường chữ ký trống ${name} được làm mới.`, `The appearance of the empty signature field ${name} was refreshed.`, objs, name, { lockable: true });
}

/**
 * A non-signature field. Filling one that was empty at signing (no value, nothing shown) is form
 * filling; one that held a value or showed something may not show anything else afterwards:
 * a changed value, a replaced appearance over an unchanged value, a switched /AS state.
 */
function judgeValue(c: Ctx, name: string, prev: FieldView, f: FieldView, oldW: PdfDict[], newW: PdfDict[], s: { value: boolean; ap: boolean; as: boolean; settings: boolean }, objs: number[]): void {
  const was = fieldShows(c.old, prev.dict, oldW, prev.ft);
  const now = fieldShows(c.neu, f.dict, newW, f.ft);
  const wasEmpty = !was.hasValue && !was.shown;
  const shownBefore = clip(was.valueText || was.shownText);
  if (s.as && !(f.ft === 'Btn' && s.value && statesFollowValue(c, f, newW))) {
    const st = (r: 'old' | 'neu', ws: PdfDict[]) => ws.map((w) => nm(SAFE(() => c[r].resolve(w.get('AS')), undefined)) ?? '-').join(', ');
    fact(c, 'widget-state-switched', 'forbidden', `Trường ${name}: trạng thái hiển thị của ô (/AS) bị đổi (${st('old', oldW)} → ${st('neu', newW)}).`,
      `Field ${name}: the widget state (/AS) was switched (${st('old', oldW)} → ${st('neu', newW)}).`, objs, name, { before: st('old', oldW), after: st('neu', newW) });
    return;
  }
  if (wasEmpty) {
    if (!s.value && now.shown) {
      fact(c, 'field-appearance-replaced', 'forbidden', `Trường ${name} không có giá trị nhưng hình thể hiện mới hiện nội dung.`, `Field ${name} has no value, but its new appearance shows content.`, objs, name,
        { before: '', after: clip(now.shownText || '(graphics)') });
      return;
    }
    fact(c, 'form-filled', 'form-fill', `Điền trường biểu mẫu ${name}.`, `Form field ${name} filled in.`, objs, name, { before: '', after: clip(now.valueText || now.shownText), lockable: true });
    return;
  }
  const valueSince = filledIn(c, name);
  if (s.value) {
    fact(c, 'field-value-changed', 'forbidden', `Trường ${name} đã có giá trị khi ký nhưng bị đổi: "${shownBefore}" → "${clip(now.valueText)}".`,
      `Field ${name} held a value when signed, and it was changed: "${shownBefore}" → "${clip(now.valueText)}".`, objs, name, { before: shownBefore, after: clip(now.valueText), valueSince });
    return;
  }
  if (s.ap) {
    if (was.hasAppearance && sameText(now.shownText, was.shownText) && now.pictures <= was.pictures && f.ft !== 'Btn') {
      fact(c, 'field-appearance-refreshed', 'form-fill', `Trường ${name}: hình thể hiện được tạo lại, vẫn hiện "${clip(now.shownText)}".`, `Field ${name}: its appearance was regenerated and still shows "${clip(now.shownText)}".`, objs, name,
        { before: clip(was.shownText), after: clip(now.shownText), lockable: true });
      return;
    }
    if (!was.hasAppearance && sameText(now.shownText, was.valueText)) {
      fact(c, 'field-appearance-generated', 'form-fill', `Trường ${name}: tạo hình thể hiện cho giá trị sẵn có.`, `Field ${name}: an appearance was generated for its existing value.`, objs, name,
        { before: shownBefore, after: clip(now.shownText), lockable: true });
      return;
    }
    const after = clip(now.shownText || (now.shown ? '(graphics)' : '(nothing)'));
    fact(c, 'field-appearance-replaced', 'forbidden', `Trường ${name}: hình thể hiện bị thay thế, giá trị không đổi: "${clip(was.shownText || was.valueText)}" → "${after}".`,
      `Field ${name}: its appearance was replaced over an unchanged value: "${clip(was.shownText || was.valueText)}" → "${after}".`, objs, name, { before: clip(was.shownText || was.valueText), after, valueSince });
    return;
  }
  fact(c, 'field-appearance-settings-changed', 'form-fill', `Trường ${name}: thiết lập hình thể hiện (/DA, /MK) được cập nhật.`, `Field ${name}: appearance settings (/DA, /MK) updated.`, objs, name, { lockable: true });
}

/**
 * The 1-based revision after which field `name` stopped being empty (no value, nothing shown),
 * looking back from the revision before this update; undefined when it never was empty.
 */
function filledIn(c: Ctx, name: string): number | undefined {
  for (let j = c.old.revisions.length - 2; j >= 0; j--) {
    const r = earlierView(c.old, j);
    if (!r) return undefined;
    const f = fieldMap(r).get(name);
    if (!f) return j + 2;
    const shows = fieldShows(r, f.dict, widgetsOf(r, f).map((w) => w.dict), f.ft);
    if (!shows.hasValue && !shows.shown) return j + 2;
  }
  return undefined;
}

/** Button widgets after filling: each one's /AS is the new value where it has that on-state, else /Off. */
function statesFollowValue(c: Ctx, f: FieldView, newW: PdfDict[]): boolean {
  const v = nm(SAFE(() => c.neu.resolve(inherited(c.neu, f.dict, 'V')), undefined)) ?? 'Off';
  return newW.every((w) => {
    const states = onStates(c.neu, w);
    const as = nm(SAFE(() => c.neu.resolve(w.get('AS')), undefined)) ?? 'Off';
    return as === (states.includes(v) ? v : 'Off');
  });
}

const sameText = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim() && a.trim() !== '';

/**
 * Non-terminal field nodes: they may only gain new signature fields as kids (old kids kept, in
 * order); anything else (an inherited /V, /DA, /Ff, kids removed or reordered) is a change to the
 * fields below them.
 */
export function ruleFieldTree(c: Ctx): void {
  const before = fieldNodes(c.old), after = fieldNodes(c.neu);
  for (const [num, nd] of after) {
    const od = before.get(num);
    if (!od) continue;
    const kidsRef = nd.get('Kids');
    const kidsTouched = kidsRef instanceof PdfRef && c.modified.has(kidsRef.num) && sameRole(c, kidsRef.num, od.get('Kids'));
    if (!c.modified.has(num) && !kidsTouched) continue;
    c.explained.add(num);
    if (kidsTouched) c.explained.add(kidsRef.num);
    const keys = c.modified.has(num) ? changedKeysResolved(c.cmp, od, nd) : [];
    if (kidsTouched && !keys.includes('Kids')) keys.push('Kids');
    const bad = keys.filter((k) => k !== 'Kids' || !kidsAddSignatureFields(c, od.get('Kids'), nd.get('Kids')));
    if (bad.length > 0) {
      const t = SAFE(() => c.neu.resolve(nd.get('T')), undefined);
      const label = t ? `(${num} 0 obj)` : `${num} 0 obj`;
      fact(c, 'field-tree-changed', 'forbidden', `Nút cha của các trường biểu mẫu ${label} bị thay đổi (${bad.join(', ')}).`, `A parent node of form fields ${label} was changed (${bad.join(', ')}).`, [num]);
    }
  }
}

/** The old kids kept in order, the added ones new signature fields. */
function kidsAddSignatureFields(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const ka = SAFE(() => c.old.resolve(a), undefined), kb = SAFE(() => c.neu.resolve(b), undefined);
  if (!Array.isArray(ka) || !Array.isArray(kb) || kb.length < ka.length) return false;
  for (let i = 0; i < ka.length; i++) if (!same(c, ka[i], kb[i])) return false;
  return kb.slice(ka.length).every((k) => {
    if (!(k instanceof PdfRef) || !c.created.has(k.num)) return false;
    const d = dictOf(SAFE(() => c.neu.resolve(k), undefined));
    return d !== null && nm(inherited(c.neu, d, 'FT')) === 'Sig';
  });
}

/** Non-terminal nodes of the field tree (nodes whose kids include fields), by object number. */
function fieldNodes(r: Ctx['old']): Map<number, PdfDict> {
  const out = new Map<number, PdfDict>();
  const acro = dictOf(SAFE(() => r.resolve(r.catalog.get('AcroForm')), undefined));
  const seen = new Set<number>();
  const walk = (v: PdfValue | undefined, depth: number) => {
    if (depth > 64 || !(v instanceof PdfRef) || seen.has(v.num)) return;
    seen.add(v.num);
    const d = dictOf(SAFE(() => r.resolve(v), undefined));
    const kids = d ? SAFE(() => r.resolve(d.get('Kids')), undefined) : undefined;
    if (!d || !Array.isArray(kids)) return;
    const fieldKids = kids.filter((k) => dictOf(SAFE(() => r.resolve(k), undefined))?.has('T'));
    if (fieldKids.length === 0) return;
    out.set(v.num, d);
    for (const k of fieldKids) walk(k, depth + 1);
  };
  const fields = acro ? SAFE(() => r.resolve(acro.get('Fields')), undefined) : undefined;
  if (Array.isArray(fields)) for (const f of fields) walk(f, 0);
  return out;
}

/**
 * AcroForm dictionary: /Fields (judged by ruleFields), /SigFlags, /NeedAppearances, /DA, /Q and
 * /DR may change — /DR keeping its entries (a font may be replaced by an equivalent one: same
 * /Subtype and /BaseFont); a new AcroForm may be created. /XFA, /CO and anything else may not.
 */
export function ruleAcroForm(c: Ctx): void {
  const oldRef = SAFE(() => c.old.catalog.get('AcroForm'), undefined);
  const newRef = SAFE(() => c.neu.catalog.get('AcroForm'), undefined);
  const a0 = dictOf(SAFE(() => c.old.resolve(oldRef), undefined));
  const b = dictOf(SAFE(() => c.neu.resolve(newRef), undefined));
  if (!b) {
    if (a0) fact(c, 'acroform-removed', 'forbidden', 'Biểu mẫu (AcroForm) bị xóa.', 'The form (AcroForm) was removed.');
    return;
  }
  if (newRef instanceof PdfRef && sameRole(c, newRef.num, oldRef)) explainOwned(c, newRef.num, [holderOf(c.old, undefined)]);
  if (!a0) fact(c, 'acroform-created', 'signature', 'Tạo biểu mẫu (AcroForm) cho trường chữ ký đầu tiên.', 'A form (AcroForm) was created for the first signature field.', newRef instanceof PdfRef ? [newRef.num] : []);
  const a = a0 ?? new PdfDict();
  const fields = b.get('Fields');
  if (fields instanceof PdfRef && sameRole(c, fields.num, a.get('Fields'))) explainOwned(c, fields.num, [holderOf(c.old, oldRef)]);
  for (const k of changedKeysResolved(c.cmp, a, b)) {
    if (k === 'Fields') continue;
    if (k === 'SigFlags') {
      fact(c, 'sig-flags-changed', 'metadata', 'Cập nhật cờ chữ ký của biểu mẫu (/SigFlags).', 'The form signature flags (/SigFlags) were updated.');
    } else if (k === 'NeedAppearances') {
      fact(c, 'form-need-appearances-changed', 'signature', 'Cập nhật /NeedAppearances của biểu mẫu.', 'The form /NeedAppearances entry was updated.', [], undefined,
        { before: String(SAFE(() => c.old.resolve(a.get(k)), undefined) ?? '(absent)'), after: String(SAFE(() => c.neu.resolve(b.get(k)), undefined) ?? '(absent)') });
    } else if (k === 'DA' || k === 'Q') {
      fact(c, 'form-default-appearance-changed', 'signature', `Cập nhật hình thể hiện mặc định của biểu mẫu (/${k}).`, `The form default appearance (/${k}) was updated.`);
    } else if (k === 'DR') {
      const { bad, unused } = resourcesKept(c, a.get('DR'), b.get('DR'), holderOf(c.old, oldRef));
      if (bad.length > 0) fact(c, 'form-resources-changed', 'forbidden', `Tài nguyên mặc định của biểu mẫu (/DR) bị thay đổi: ${bad.join(', ')}.`, `The default form resources (/DR) were changed: ${bad.join(', ')}.`, [], undefined, { before: clip(bad.join(', ')) });
      else if (unused.length > 0) fact(c, 'form-resource-replaced-unused', 'signature', `Thay mục tài nguyên mặc định của biểu mẫu mà không trường hay hình thể hiện nào đang dùng: ${unused.join(', ')}.`,
        `Default form resources (/DR) replaced that no field /DA or appearance uses: ${unused.join(', ')}.`, [], undefined, { before: clip(unused.join(', ')) });
      else fact(c, 'form-resources-updated', 'signature', 'Bổ sung tài nguyên mặc định của biểu mẫu (/DR: phông chữ cho hình thể hiện mới).', 'Default form resources (/DR: fonts for new appearances) were added.');
    } else {
      fact(c, 'acroform-changed', 'forbidden', `Biểu mẫu bị thay đổi: /${k}.`, `The form dictionary was changed: /${k}.`);
    }
  }
}

/**
 * /DR after the update: every old category and name still there, with an equal value or (fonts)
 * an equivalent one, or replaced where nothing the document shows uses the old entry by its name
 * (form-resources.ts: no /DA names it, no appearance resolves it through /DR). Returns the entries
 * not kept (`bad`) and those replaced unused; explains the /DR objects it judged.
 */
function resourcesKept(c: Ctx, oldV: PdfValue | undefined, newV: PdfValue | undefined, holder: number): { bad: string[]; unused: string[] } {
  const a = dictOf(SAFE(() => c.old.resolve(oldV), undefined));
  const b = dictOf(SAFE(() => c.neu.resolve(newV), undefined));
  const explainAt = (nv: PdfValue | undefined, ov: PdfValue | undefined, parent: number) => { if (nv instanceof PdfRef && sameRole(c, nv.num, ov)) explainOwned(c, nv.num, [parent]); };
  explainAt(newV, oldV, holder);
  const drHolder = oldV instanceof PdfRef ? oldV.num : holder;
  if (!a) {
    if (b) for (const v of b.map.values()) if (v instanceof PdfRef && c.created.has(v.num)) explain(c, v);
    return { bad: [], unused: [] };
  }
  if (!b) return { bad: ['/DR'], unused: [] };
  const bad: string[] = [];
  const unused: string[] = [];
  for (const [cat, v] of a.map) {
    const w = b.get(cat);
    explainAt(w, v, drHolder);
    const oc = dictOf(SAFE(() => c.old.resolve(v), undefined)), nc = dictOf(SAFE(() => c.neu.resolve(w), undefined));
    if (!oc || !nc) {
      if (!same(c, v, w)) bad.push(cat);
      continue;
    }
    for (const [n, x] of oc.map) {
      const y = nc.get(n);
      if (y === undefined) bad.push(`${cat}/${n} removed`);
      else if (!same(c, x, y) && !(cat === 'Font' && equivalentFont(c, x, y))) (drEntryInUse(c.old, oldV, cat, n) ? bad : unused).push(`${cat}/${n}`);
    }
  }
  for (const [cat, w] of b.map) if (!a.has(cat) && w instanceof PdfRef && c.created.has(w.num)) explain(c, w);
  return { bad, unused };
}

/** Two fonts a viewer would use alike for new appearances: same /Subtype and /BaseFont (the new one a new object). */
function equivalentFont(c: Ctx, x: PdfValue | undefined, y: PdfValue | undefined): boolean {
  if (y instanceof PdfRef && !c.created.has(y.num)) return false;
  const fa = dictOf(SAFE(() => c.old.resolve(x), undefined)), fb = dictOf(SAFE(() => c.neu.resolve(y), undefined));
  if (!fa || !fb) return false;
  const n = (d: PdfDict, k: string) => nm(SAFE(() => (d === fa ? c.old : c.neu).resolve(d.get(k)), undefined));
  return n(fa, 'Subtype') !== null && n(fa, 'Subtype') === n(fb, 'Subtype') && n(fa, 'BaseFont') === n(fb, 'BaseFont');
}
