// The closing rule: any existing object the update rewrote that no other rule explained is a
// forbidden change, described by what it was (image, font, XObject, stream, signature dictionary).

import { PdfStream } from '../../../pdf/objects';
import { SAFE, fact, nm, type RuleContext as Ctx } from '../context';
import { dictOf } from '../values';

/** Whatever was modified and no rule explained: forbidden, described by what it was. */
export function ruleUnexplained(c: Ctx): void {
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
