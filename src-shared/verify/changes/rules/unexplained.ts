// The closing rules: an object the update freed may go only if nothing in use in the new revision
// (reached from the trailer) still refers to it (else what referred to it now shows nothing); any
// existing object the update rewrote that no other rule explained is a forbidden change, described
// by what it was (optional content, image, font, XObject, widget, stream, signature dictionary).

import { PdfStream } from '../../../pdf/objects';
import { SAFE, fact, nm, reachable, referrers, type RuleContext as Ctx } from '../context';

/** Objects deleted (freed) by the update: allowed when unused in the new revision, forbidden when something still points to them. */
export function ruleFreed(c: Ctx, freed: number[]): void {
  if (freed.length === 0) return;
  const idx = referrers(c.neu);
  const gone = new Set(freed);
  const unused: number[] = [];
  for (const num of freed) {
    const users = idx ? [...(idx.get(num) ?? [])].filter((n) => !gone.has(n) && inUse(idx, n)) : null;
    if (users && users.length === 0) { unused.push(num); continue; }
    fact(c, 'object-freed', 'forbidden', `Đối tượng ${num} bị xóa sau khi ký trong khi vẫn còn được dùng${users ? ` (bởi ${users.map((u) => (u < 0 ? 'trailer' : `đối tượng ${u}`)).join(', ')})` : ''}.`,
      `Object ${num} was deleted after signing while still in use${users ? ` (by ${users.map((u) => (u < 0 ? 'the trailer' : `object ${u}`)).join(', ')})` : ''}.`, [num]);
  }
  if (unused.length > 0) fact(c, 'unused-object-freed', 'metadata', `Xóa ${unused.length} đối tượng không còn được dùng.`, `${unused.length} object(s) no longer in use were deleted.`, unused);
}
import { dictOf } from '../values';

/** Whatever was modified and no rule explained: forbidden, described by what it was. */
export function ruleUnexplained(c: Ctx): void {
  let oc: Set<number> | null = null;
  for (const num of c.modified) {
    if (c.explained.has(num)) continue;
    oc ??= optionalContent(c);
    if (oc.has(num)) {
      fact(c, 'optional-content-changed', 'forbidden', `Cấu hình nội dung tùy chọn (lớp hiển thị, đối tượng ${num}) bị thay đổi — nội dung có thể bị ẩn hoặc hiện ra (tấn công che giấu).`,
        `The optional content configuration (layers, object ${num}) was changed — content may be hidden or revealed (shadow hide attack).`, [num]);
      continue;
    }
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
    else if (sub === 'Widget') { rule = 'form-field-changed'; vi = `Ô biểu mẫu (đối tượng ${num}) bị thay đổi sau khi ký.`; en = `A form widget (object ${num}) was changed after signing.`; }
    else if (type === 'Annot' || (sub !== null && d?.has('Rect'))) { rule = 'annotation-modified'; }
    const users = [...(referrers(c.old)?.get(num) ?? [])].slice(0, 5).map((u) => (u < 0 ? 'trailer' : `${u} 0 obj`));
    if (users.length > 0 && rule !== 'annotation-modified') { vi += ` Nó được dùng bởi: ${users.join(', ')}.`; en += ` It is used by: ${users.join(', ')}.`; }
    fact(c, rule, rule === 'annotation-modified' ? 'annotation' : 'forbidden', vi, en, [num]);
  }
}

/** The objects of the old catalog's /OCProperties (configurations, their /ON /OFF arrays, the groups). */
function optionalContent(c: Ctx): Set<number> {
  const out = new Set<number>();
  reachable(c.old, SAFE(() => c.old.catalog.get('OCProperties'), undefined), out, { n: 5000 });
  return out;
}

/** Whether object `n` is reached from the trailer (walking referrers up; bounded, unknown → in use). */
function inUse(idx: Map<number, Set<number>>, n: number): boolean {
  const seen = new Set<number>([n]);
  const queue = [n];
  while (queue.length > 0) {
    const x = queue.shift()!;
    if (x < 0) return true;
    if (seen.size > 50_000) return true;
    for (const u of idx.get(x) ?? []) if (!seen.has(u)) { seen.add(u); queue.push(u); }
  }
  return false;
}
