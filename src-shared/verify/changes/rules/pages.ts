// Rules on what each page shows: the page list and tree, page dictionaries (only /Annots may
// change), and annotations (signature widgets versus everything else).

import { PdfRef, type PdfValue } from '../../../pdf/objects';
import { SAFE, fact, nm, pagesOf, type RuleContext as Ctx } from '../context';
import { changedKeys, dictOf, sameValue } from '../values';

/** Pages: same pages in the same order; page dictionaries may change only in /Annots. */
export function rulePages(c: Ctx): void {
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

/** Annotations: existing ones kept; new ones are widgets of signature fields, or annotations (P=3 only). */
export function ruleAnnotations(c: Ctx, sigFieldWidgets: Set<number>, fieldWidgets: Set<number>): void {
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
