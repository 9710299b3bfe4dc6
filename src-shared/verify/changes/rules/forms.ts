// Rules on the interactive form: new fields (signature fields only), existing fields being signed
// or filled (value, appearance, nothing else), the AcroForm dictionary and its default resources.

import { PdfDict, PdfRef, type PdfValue } from '../../../pdf/objects';
import { SAFE, appearanceObjects, explain, fact, fieldMap, sigKind, widgetsOf, type RuleContext as Ctx } from '../context';
import { changedKeys, dictOf, sameValue } from '../values';

const WIDGET_APPEARANCE_KEYS = new Set(['AP', 'AS', 'MK']);
const SIG_FIELD_KEYS = new Set(['V', 'AP', 'AS', 'MK', 'F', 'Lock', 'SV']);
const FILL_FIELD_KEYS = new Set(['V', 'AP', 'AS', 'MK']);

/** Form fields: new fields may only be signature fields; existing ones may be signed or filled, nothing else. */
export function ruleFields(c: Ctx): Set<number> {
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
export function ruleAcroForm(c: Ctx): void {
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
