// Rules on what each page shows: the page list and tree, page dictionaries (only /Annots, /Tabs
// and resources the content does not use may change), and annotations (signature widgets versus
// everything else; widgets of existing fields may neither leave their page nor move to another).

import { Lexer, PdfKeyword } from '../../../pdf/lexer';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../../../pdf/objects';
import type { PageInfo, PdfReader } from '../../../pdf/reader';
import { SAFE, clip, explainOwned, fact, nm, pagesOf, same, sameRole, type RuleContext as Ctx } from '../context';
import { changedKeysResolved, dictOf, sameValue } from '../values';

/** Pages: same pages in the same order; page dictionaries may change only in /Annots, additive /Resources and /Tabs. */
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
    const own = pb.ref?.num ?? pb.holder.num;
    const oldPath = resourcePath(c.old, pa.dict);
    const newPath = resourcePath(c.neu, pb.dict);
    const pageTouched = c.modified.has(own);
    if (!pageTouched && !newPath.some((x) => c.modified.has(x))) continue;
    if (pb.ref) c.explained.add(pb.ref.num);
    const keys = pageTouched ? changedKeysResolved(c.cmp, pa.dict, pb.dict).filter((k) => k !== 'Annots') : [];
    for (const k of keys) {
      if (k === 'Resources') continue;
      if (INHERITABLE_BOXES.has(k) && sameEffective(c, pa.dict, pb.dict, k)) {
        fact(c, 'page-inherited-attribute-copied', 'metadata', `Trang ${i + 1}: giá trị /${k} thừa kế từ cây trang được chép vào trang, không đổi.`,
          `Page ${i + 1}: the /${k} it inherited from the page tree was copied into the page, unchanged.`, [own]);
        continue;
      }
      if (k === 'Tabs') {
        fact(c, 'page-tab-order-changed', 'signature', `Trang ${i + 1}: thứ tự tab của các ô biểu mẫu được đặt lại.`, `Page ${i + 1}: the tab order of its form fields was set.`, [own]);
        continue;
      }
      const what = k === 'Contents' ? ['nội dung', 'content'] : [`/${k}`, `/${k}`];
      fact(c, k === 'Contents' ? 'page-content-changed' : 'page-changed', 'forbidden',
        `Trang ${i + 1}: ${what[0]} bị thay đổi sau khi ký.`, `Page ${i + 1}: ${what[1]} changed after signing.`, [own]);
    }
    const resourcesChanged = keys.includes('Resources') || newPath.some((x) => c.modified.has(x));
    if (resourcesChanged) {
      for (const x of newPath) if (c.created.has(x) || oldPath.includes(x)) c.explained.add(x);
      rulePageResources(c, i, pa, pb, own);
    }
  }
  rulePageTree(c);
}

/** Inheritable page attributes (ISO 32000-1 §7.7.3.4) other than /Resources, which rulePageResources compares as inherited. */
const INHERITABLE_BOXES = new Set(['MediaBox', 'CropBox', 'Rotate']);

/** The value of inheritable `key` in force for a page: its own, else the nearest /Pages ancestor's. */
function effectiveAttr(r: PdfReader, page: PdfDict, key: string): PdfValue | undefined {
  let d: PdfDict | null = page;
  for (let i = 0; d && i < 64; i++) {
    if (d.has(key)) return d.get(key);
    d = dictOf(SAFE(() => r.resolve(d!.get('Parent')), undefined));
  }
  return undefined;
}

/**
 * The same effective value before and after (a writer copying what the page inherited into the
 * page dictionary, as iText does when it adds /Annots): /MediaBox must have been in force before;
 * /CropBox defaults to the /MediaBox and /Rotate to 0. A different effective value is a change.
 */
function sameEffective(c: Ctx, a: PdfDict, b: PdfDict, key: string): boolean {
  const eff = (r: PdfReader, d: PdfDict): PdfValue | undefined => {
    const v = SAFE(() => r.resolve(effectiveAttr(r, d, key)), undefined);
    if (v !== undefined && v !== null) return v;
    if (key === 'CropBox') return SAFE(() => r.resolve(effectiveAttr(r, d, 'MediaBox')), undefined);
    return key === 'Rotate' ? 0 : undefined;
  };
  const x = eff(c.old, a), y = eff(c.neu, b);
  if (x === undefined || y === undefined) return false;
  if (Array.isArray(x) && Array.isArray(y)) {
    const nums = (r: PdfReader, v: PdfValue[]) => v.map((e) => SAFE(() => r.resolve(e), undefined));
    const p = nums(c.old, x), q = nums(c.neu, y);
    return p.length === 4 && q.length === 4 && p.every((e, i) => typeof e === 'number' && e === q[i]);
  }
  return typeof x === 'number' && x === y;
}

/**
 * A page's resources after the update: every old entry kept with an equal value; new entries
 * allowed only under names the page content does not use (a name the content already calls for
 * would make something appear that was not there when the document was signed).
 */
function rulePageResources(c: Ctx, i: number, pa: PageInfo, pb: PageInfo, own: number): void {
  const ra = pa.resources ?? new PdfDict();
  const rb = pb.resources ?? new PdfDict();
  const changed: string[] = [];
  const added: string[] = [];
  for (const [cat, v] of ra.map) {
    const oc = dictOf(SAFE(() => c.old.resolve(v), undefined));
    const nc = dictOf(SAFE(() => c.neu.resolve(rb.get(cat)), undefined));
    if (oc && nc && !(SAFE(() => c.old.resolve(v), undefined) instanceof PdfStream)) {
      for (const [name, x] of oc.map) if (!nc.has(name) || !same(c, x, nc.get(name))) changed.push(`${cat}/${name}`);
      for (const name of nc.map.keys()) if (!oc.has(name)) added.push(`${cat}/${name}`);
    } else if (cat !== 'ProcSet' && !same(c, v, rb.get(cat))) changed.push(cat);
  }
  for (const [cat, v] of rb.map) {
    if (ra.has(cat)) continue;
    const nc = dictOf(SAFE(() => c.neu.resolve(v), undefined));
    if (nc) for (const name of nc.map.keys()) added.push(`${cat}/${name}`);
  }
  if (changed.length > 0) {
    fact(c, 'page-resources-changed', 'forbidden', `Trang ${i + 1}: tài nguyên (phông chữ, hình ảnh) bị thay đổi sau khi ký: ${changed.join(', ')}.`,
      `Page ${i + 1}: resources (fonts, images) changed after signing: ${changed.join(', ')}.`, [own], undefined, { before: clip(changed.join(', ')) });
    return;
  }
  if (added.length === 0) return;
  const used = namesUsedByContent(c.neu, pb);
  const hit = added.filter((x) => used === null || used.has(x.slice(x.indexOf('/') + 1)));
  if (hit.length > 0) {
    fact(c, 'page-resources-changed', 'forbidden', `Trang ${i + 1}: thêm tài nguyên mà nội dung trang đang gọi tới: ${hit.join(', ')}.`,
      `Page ${i + 1}: resources added under names the page content uses: ${hit.join(', ')}.`, [own], undefined, { after: clip(hit.join(', ')) });
    return;
  }
  fact(c, 'page-resources-added', 'signature', `Trang ${i + 1}: bổ sung tài nguyên không được nội dung trang sử dụng (${added.join(', ')}).`,
    `Page ${i + 1}: resources added that the page content does not use (${added.join(', ')}).`, [own], undefined, { after: clip(added.join(', ')) });
}

/** Objects on the way to a page's resources: the /Resources object (own or inherited) and its category dictionaries. */
function resourcePath(r: PdfReader, page: PdfDict): number[] {
  const out: number[] = [];
  let d: PdfDict | null = page;
  let res: PdfValue | undefined;
  for (let i = 0; d && i < 64 && res === undefined; i++) {
    res = d.get('Resources');
    if (res === undefined) d = dictOf(SAFE(() => r.resolve(d!.get('Parent')), undefined));
  }
  if (res instanceof PdfRef) out.push(res.num);
  const rd = dictOf(SAFE(() => r.resolve(res), undefined));
  if (rd) for (const v of rd.map.values()) if (v instanceof PdfRef) out.push(v.num);
  return out;
}

/** The resource names a page's content streams use (and Form XObjects it draws that inherit the page's resources); null when unreadable. */
function namesUsedByContent(r: PdfReader, page: PageInfo): Set<string> | null {
  const names = new Set<string>();
  const contents = SAFE(() => r.resolve(page.dict.get('Contents')), undefined);
  const streams = (Array.isArray(contents) ? contents : contents === undefined ? [] : [contents]).map((x) => SAFE(() => r.resolve(x), undefined));
  const xobjects = dictOf(SAFE(() => r.resolve(page.resources?.get('XObject')), undefined));
  const queue: Array<{ s: PdfValue | undefined; depth: number }> = streams.map((s) => ({ s, depth: 0 }));
  while (queue.length > 0) {
    const { s, depth } = queue.shift()!;
    if (!(s instanceof PdfStream)) return null;
    let data: Uint8Array;
    try {
      data = r.decode(s);
    } catch {
      return null;
    }
    const lx = new Lexer(data, 0, true);
    for (let guard = 0; guard < 2_000_000; guard++) {
      let t: PdfValue | PdfKeyword | undefined;
      try {
        t = lx.parse();
      } catch {
        lx.pos++;
        continue;
      }
      if (t === undefined) break;
      if (t instanceof PdfName && !names.has(t.name)) {
        names.add(t.name);
        const x = xobjects ? SAFE(() => r.resolve(xobjects.get(t.name)), undefined) : undefined;
        if (depth < 3 && x instanceof PdfStream && nm(x.dict.get('Subtype')) === 'Form' && !x.dict.has('Resources')) queue.push({ s: x, depth: depth + 1 });
      }
    }
  }
  return names;
}

/** Intermediate /Pages nodes: only /Kids may differ, and only where a kid is a page dictionary held directly in it. */
function rulePageTree(c: Ctx): void {
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
    const a = dictOf(SAFE(() => c.old.getObject(num), null));
    const b = dictOf(SAFE(() => c.neu.getObject(num), null));
    const bad = !a || !b || changedKeysResolved(c.cmp, a, b).some((k) => k !== 'Kids' || !sameKids(c, a.get('Kids'), b.get('Kids')));
    if (bad) fact(c, 'page-tree-changed', 'forbidden', 'Cây trang bị thay đổi sau khi ký.', 'The page tree was changed after signing.', [num]);
  }
}

/** The same kids, except direct page dictionaries (judged as pages). */
function sameKids(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const ka = SAFE(() => c.old.resolve(a), undefined);
  const kb = SAFE(() => c.neu.resolve(b), undefined);
  if (!Array.isArray(ka) || !Array.isArray(kb) || ka.length !== kb.length) return false;
  return ka.every((x, i) => {
    const y = kb[i];
    if (x instanceof PdfRef || y instanceof PdfRef) return x instanceof PdfRef && y instanceof PdfRef && x.num === y.num && x.gen === y.gen;
    return x instanceof PdfDict && y instanceof PdfDict && nm(x.get('Type')) === 'Page' && nm(y.get('Type')) === 'Page';
  });
}

/**
 * Annotations: existing ones kept; new ones are widgets of signature fields, or annotations
 * (P=3 only). A widget of a field that existed at signing may not leave its page or move to
 * another one (ISO 32000-1 §12.5.2, §12.7.1: what a field shows is its widgets on their pages).
 */
export function ruleAnnotations(c: Ctx, sigFieldWidgets: Set<number>, fieldWidgets: Set<number>, oldFieldWidgets: Set<number> = new Set()): void {
  const a = pagesOf(c.old) ?? [];
  const b = pagesOf(c.neu) ?? [];
  const n = Math.min(a.length, b.length);
  const lists = (r: PdfReader, pages: PageInfo[]) => pages.map((p) => {
    const l = SAFE(() => r.resolve(p.dict.get('Annots')), undefined);
    return Array.isArray(l) ? l : [];
  });
  const oldLists = lists(c.old, a), newLists = lists(c.neu, b);
  const pageOf = (ls: PdfValue[][]) => {
    const m = new Map<number, number>();
    ls.forEach((l, i) => { for (const v of l) if (v instanceof PdfRef && !m.has(v.num)) m.set(v.num, i); });
    return m;
  };
  const oldPage = pageOf(oldLists), newPage = pageOf(newLists);
  const isWidget = (num: number) => oldFieldWidgets.has(num) || fieldWidgets.has(num);
  for (let i = 0; i < n; i++) {
    const newAnnots = b[i].dict.get('Annots');
    if (newAnnots instanceof PdfRef && sameRole(c, newAnnots.num, a[i].dict.get('Annots'))) explainOwned(c, newAnnots.num, [a[i].ref?.num ?? a[i].holder.num]);
    const oldList = oldLists[i], newList = newLists[i];
    const key = (v: PdfValue) => (v instanceof PdfRef ? `r${v.num}` : null);
    const oldKeys = new Set(oldList.map(key).filter((x): x is string => x !== null));
    const newKeys = new Set(newList.map(key).filter((x): x is string => x !== null));
    for (const v of oldList) {
      const k = key(v);
      if (!k || newKeys.has(k)) continue;
      const num = (v as PdfRef).num;
      const to = newPage.get(num);
      if (to !== undefined && to !== i) {
        if (isWidget(num)) fact(c, 'widget-moved', 'forbidden', `Ô biểu mẫu (đối tượng ${num}) bị chuyển từ trang ${i + 1} sang trang ${to + 1}.`, `A form widget (object ${num}) was moved from page ${i + 1} to page ${to + 1}.`, [num], undefined, { before: `page ${i + 1}`, after: `page ${to + 1}` });
        else fact(c, 'annotation-moved', 'annotation', `Một chú thích bị chuyển từ trang ${i + 1} sang trang ${to + 1}.`, `An annotation was moved from page ${i + 1} to page ${to + 1}.`, [num]);
      } else if (isWidget(num)) {
        fact(c, 'widget-removed', 'forbidden', `Trang ${i + 1}: ô biểu mẫu (đối tượng ${num}) bị gỡ khỏi trang.`, `Page ${i + 1}: a form widget (object ${num}) was taken off the page.`, [num]);
      } else {
        fact(c, 'annotation-removed', 'annotation', `Trang ${i + 1}: xóa một chú thích.`, `Page ${i + 1}: an annotation was removed.`, [num]);
      }
    }
    const oldDirect = oldList.filter((v) => !(v instanceof PdfRef));
    const newDirect = newList.filter((v) => !(v instanceof PdfRef));
    if (!sameValue(oldDirect, newDirect)) fact(c, 'annotation-changed', 'annotation', `Trang ${i + 1}: chú thích trực tiếp bị thay đổi.`, `Page ${i + 1}: direct annotations changed.`);
    for (const v of newList) {
      if (!(v instanceof PdfRef) || oldKeys.has(`r${v.num}`)) continue;
      const from = oldPage.get(v.num);
      if (from !== undefined && from !== i) { c.explained.add(v.num); continue; } // reported as moved above
      const d = dictOf(SAFE(() => c.neu.getObject(v), null));
      const sub = d ? nm(d.get('Subtype')) : null;
      if (sub === 'Widget' && sigFieldWidgets.has(v.num)) {
        c.explained.add(v.num);
        continue; // counted with its signature field
      }
      if (sub === 'Widget' || oldFieldWidgets.has(v.num)) {
        fact(c, fieldWidgets.has(v.num) ? 'widget-added' : 'orphan-widget-added', 'forbidden', `Trang ${i + 1}: thêm ô biểu mẫu không phải chữ ký.`, `Page ${i + 1}: a non-signature form widget was added.`, [v.num]);
        continue;
      }
      fact(c, 'annotation-added', 'annotation', `Trang ${i + 1}: thêm chú thích /${sub ?? '?'}.`, `Page ${i + 1}: /${sub ?? '?'} annotation added.`, [v.num]);
      c.explained.add(v.num);
    }
    // existing non-widget annotations modified in place
    for (const v of newList) {
      if (!(v instanceof PdfRef) || !oldKeys.has(`r${v.num}`) || !c.modified.has(v.num) || isWidget(v.num)) continue;
      c.explained.add(v.num);
      fact(c, 'annotation-modified', 'annotation', `Trang ${i + 1}: một chú thích bị sửa.`, `Page ${i + 1}: an annotation was modified.`, [v.num]);
    }
  }
}
