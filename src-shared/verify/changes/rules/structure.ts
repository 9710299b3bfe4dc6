// Rules on the logical structure of tagged PDFs (ISO 32000-1 §14.7): the structure tree draws
// nothing, and a signer that adds a widget to a tagged document adds a structure element for it
// (an OBJR to the widget, /StructParent on the widget, a /ParentTree entry, a higher
// /ParentTreeNextKey). Allowed: the tree root changing only in /K, /ParentTree,
// /ParentTreeNextKey and /IDTree; structure elements only gaining kids; number and name tree
// nodes only gaining entries; everything old kept with equal values. Anything else in the tree
// (alternate or actual text, roles, attributes, removed kids) is a change. Only dictionaries and
// arrays of the old tree are explained this way, never streams, pages or annotations it points to.

import { PdfDict, PdfRef, PdfStream, PdfString, type PdfValue } from '../../../pdf/objects';
import type { PdfReader } from '../../../pdf/reader';
import { SAFE, fact, nm, same, type RuleContext as Ctx } from '../context';
import { changedKeysResolved, dictOf } from '../values';

/** Keys that point out of the structure tree (pages, content streams, annotations, XObjects) or back up it. */
const OUT_KEYS = new Set(['Pg', 'Obj', 'Stm', 'StmOwn', 'P']);
const NOT_STRUCTURE = new Set(['Page', 'Pages', 'Annot', 'XObject', 'Font', 'Catalog', 'OCG', 'Sig', 'DocTimeStamp']);
const ROOT_KEYS = new Set(['K', 'ParentTree', 'ParentTreeNextKey', 'IDTree']);

type Kind = 'root' | 'element' | 'tree' | 'array' | 'other';

/** The dictionaries and arrays of a structure tree, by object number, with what they are. */
function structureObjects(r: PdfReader, root: PdfValue | undefined): Map<number, Kind> {
  const out = new Map<number, Kind>();
  let budget = 100_000;
  const walk = (v: PdfValue | undefined, depth: number, isRoot: boolean) => {
    if (budget-- <= 0 || depth > 200) return;
    let x = v;
    if (v instanceof PdfRef) {
      if (out.has(v.num)) return;
      x = SAFE(() => r.getObject(v), null);
      if (x instanceof PdfStream || x === null) return;
      if (x instanceof PdfDict && (NOT_STRUCTURE.has(nm(x.get('Type')) ?? '') || x.has('Subtype'))) return;
      out.set(v.num, isRoot ? 'root' : kindOf(x));
    }
    if (Array.isArray(x)) for (const e of x) walk(e, depth + 1, false);
    else if (x instanceof PdfDict) for (const [k, e] of x.map) if (!OUT_KEYS.has(k)) walk(e, depth + 1, false);
  };
  walk(root, 0, true);
  return out;
}

function kindOf(x: PdfValue): Kind {
  if (Array.isArray(x)) return 'array';
  if (!(x instanceof PdfDict)) return 'other';
  if (x.has('S')) return 'element';
  if (x.has('Nums') || x.has('Names') || (x.has('Kids') && x.has('Limits'))) return 'tree';
  return 'other';
}

export function ruleStructTree(c: Ctx): void {
  const oldRoot = SAFE(() => c.old.catalog.get('StructTreeRoot'), undefined);
  const newRoot = SAFE(() => c.neu.catalog.get('StructTreeRoot'), undefined);
  if (oldRoot === undefined && newRoot === undefined) return;
  if (newRoot === undefined) {
    fact(c, 'struct-tree-removed', 'forbidden', 'Cây cấu trúc của tài liệu gắn thẻ bị xóa.', 'The structure tree of the tagged document was removed.');
    return;
  }
  const rootChanged = !same(c, oldRoot, newRoot);
  if (!rootChanged && [...c.modified].every((n) => c.explained.has(n))) return; // nothing left that could be structure
  const before = structureObjects(c.old, oldRoot);
  const after = structureObjects(c.neu, newRoot);
  const touched: number[] = [];
  const bad: string[] = [];
  // the root itself (replaced by a new object, or rewritten in place)
  if (rootChanged) {
    const a = dictOf(SAFE(() => c.old.resolve(oldRoot), undefined)) ?? (oldRoot === undefined ? new PdfDict() : null);
    const b = dictOf(SAFE(() => c.neu.resolve(newRoot), undefined));
    if (!a || !b) bad.push('StructTreeRoot');
    else {
      const keys = changedKeysResolved(c.cmp, a, b);
      for (const k of keys) if (!ROOT_KEYS.has(k) || !additive(c, a.get(k), b.get(k))) bad.push(`StructTreeRoot/${k}`);
    }
    if (newRoot instanceof PdfRef && (c.created.has(newRoot.num) || before.get(newRoot.num) === 'root')) { c.explained.add(newRoot.num); touched.push(newRoot.num); }
  }
  for (const [n, kind] of after) {
    if (!c.modified.has(n) || c.explained.has(n)) continue;
    const was = before.get(n);
    if (was === undefined) continue; // not part of the tree before: not ours to explain
    c.explained.add(n);
    touched.push(n);
    const a = SAFE(() => c.old.getObject(n), null), b = SAFE(() => c.neu.getObject(n), null);
    if (!additiveObject(c, was, kind, a, b)) bad.push(`${n} 0 obj`);
  }
  if (bad.length > 0) {
    fact(c, 'struct-tree-changed', 'forbidden', `Cây cấu trúc (tài liệu gắn thẻ) bị sửa, không chỉ bổ sung: ${bad.join(', ')}.`,
      `The structure tree (tagged PDF) was changed, not only extended: ${bad.join(', ')}.`, touched);
  } else if (touched.length > 0 || rootChanged) {
    fact(c, 'struct-tree-updated', 'structure', 'Bổ sung phần tử cấu trúc cho ô mới (tài liệu gắn thẻ: /StructTreeRoot, /ParentTree).',
      'Structure elements added for new widgets (tagged PDF: /StructTreeRoot, /ParentTree).', touched);
  }
}

/** One object of the old tree, as rewritten: only additions of its kind. */
function additiveObject(c: Ctx, was: Kind, kind: Kind, a: PdfValue, b: PdfValue): boolean {
  if (was !== kind && !(was === 'root')) return false;
  if (Array.isArray(a)) return additive(c, a, b);
  const da = dictOf(a), db = dictOf(b);
  if (!da || !db || a instanceof PdfStream || b instanceof PdfStream) return false;
  const allowed = was === 'root' ? ROOT_KEYS : was === 'element' ? new Set(['K']) : was === 'tree' ? new Set(['Nums', 'Names', 'Kids', 'Limits']) : new Set<string>();
  for (const k of changedKeysResolved(c.cmp, da, db)) {
    if (!allowed.has(k)) return false;
    if (k === 'Limits') continue;
    if (k === 'Nums' || k === 'Names') {
      if (!pairsKept(c, da.get(k), db.get(k))) return false;
    } else if (!additive(c, da.get(k), db.get(k))) return false;
  }
  return true;
}

/** Every old element (or the old single value) still present in the new value, in order; new ones may be anywhere. */
function additive(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  if (a === undefined) return true;
  if (typeof a === 'number' && typeof b === 'number') return b >= a; // /ParentTreeNextKey only grows
  const ra = SAFE(() => c.old.resolve(a), undefined), rb = SAFE(() => c.neu.resolve(b), undefined);
  const la = Array.isArray(ra) ? ra : [a];
  const lb = Array.isArray(rb) ? rb : [b];
  let j = 0;
  for (const x of la) {
    while (j < lb.length && !same(c, x, lb[j])) j++;
    if (j >= lb.length) return dictsGrow(c, ra, rb);
    j++;
  }
  return true;
}

/** A number or name tree node referenced directly (/ParentTree << /Nums … >>) that only gained entries. */
function dictsGrow(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const da = dictOf(a ?? undefined), db = dictOf(b ?? undefined);
  if (!da || !db || kindOf(da) !== 'tree') return false;
  return additiveObject(c, 'tree', kindOf(db), da, db);
}

/** /Nums or /Names pairs: every old key kept with an equal value. */
function pairsKept(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const ra = SAFE(() => c.old.resolve(a), undefined), rb = SAFE(() => c.neu.resolve(b), undefined);
  if (!Array.isArray(ra) || !Array.isArray(rb)) return false;
  const keyOf = (v: PdfValue) => (typeof v === 'number' ? `n${v}` : v instanceof PdfString ? `s${String.fromCharCode(...v.bytes)}` : `?${String(v)}`);
  const next = new Map<string, PdfValue>();
  for (let i = 0; i + 1 < rb.length; i += 2) next.set(keyOf(rb[i]), rb[i + 1]);
  for (let i = 0; i + 1 < ra.length; i += 2) {
    const k = keyOf(ra[i]);
    if (!next.has(k) || !same(c, ra[i + 1], next.get(k))) return false;
  }
  return true;
}
