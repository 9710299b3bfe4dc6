// Shared ground of the change rules: the facts they produce, the context they work in (the two
// revision views and the objects the update touched), and small helpers to read form fields,
// widgets, appearances and pages of a revision view, and who refers to an object (memoised per view).

import type { ByteSource } from '../../pdf/bytesource';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../../pdf/objects';
import { PdfReader, type PageInfo } from '../../pdf/reader';
import { dictOf, sameResolved, sameValue, type ResolvedCompare } from './values';

/**
 * What a change is, for the policy: 'structure' is tagged-PDF structure (no effect on what is
 * shown) added for new widgets; the others as in ISO 32000 §12.8.2 (see policy.ts).
 */
export type ChangeCategory = 'signature' | 'doc-timestamp' | 'dss' | 'metadata' | 'structure' | 'form-fill' | 'annotation' | 'forbidden';

/** A change as found, before any policy judges it. */
export interface ChangeFact {
  /** 1-based revision number in which the change appears. */
  revision: number;
  rule: string;
  category: ChangeCategory;
  /** Fully qualified field name for form filling / signing facts. */
  field?: string;
  /** What the field (or object) showed or held before and after the change, as text (truncated). */
  before?: string;
  after?: string;
  /** The change alters a field that existed at signing: a FieldMDP lock on that field forbids it. */
  lockable?: boolean;
  /**
   * For a field that showed something before the change: the 1-based revision in which that
   * content first appeared (the field was empty before it). A signature made before that revision
   * saw the field empty, so for it the change is form filling.
   */
  valueSince?: number;
  objects: string[];
  message_vi: string;
  message_en: string;
}

export type FactExtra = Pick<ChangeFact, 'before' | 'after' | 'lockable' | 'valueSince'>;

export interface RuleContext {
  old: PdfReader;
  neu: PdfReader;
  revision: number;
  /** Objects that existed before and differ now. */
  modified: Set<number>;
  /** Objects new in this update. */
  created: Set<number>;
  explained: Set<number>;
  facts: ChangeFact[];
  /** The two views, for resolved comparisons. */
  cmp: ResolvedCompare;
}

/** Same value as resolved in the old and the new revision (see values.ts sameResolved). */
export function same(c: RuleContext, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  return sameValue(a, b) || sameResolved(c.cmp, a, b);
}

/** May a rule explain object `num` as playing role `oldRole` (its reference in the old revision)? Yes if new, or if it played that role before. */
export function sameRole(c: RuleContext, num: number, oldRole: PdfValue | undefined): boolean {
  return c.created.has(num) || (oldRole instanceof PdfRef && oldRole.num === num);
}

export const SAFE = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

export interface FieldView {
  name: string;
  ref: PdfRef | null;
  dict: PdfDict;
  ft: string | null;
}

const PAGES = new WeakMap<PdfReader, PageInfo[] | null>();
const FIELDS = new WeakMap<PdfReader, Map<string, FieldView>>();

/** The page list of a revision view, computed once per view (null when unreadable). */
export function pagesOf(r: PdfReader): PageInfo[] | null {
  if (!PAGES.has(r)) PAGES.set(r, SAFE(() => r.pages(), null));
  return PAGES.get(r)!;
}

export function fieldMap(r: PdfReader): Map<string, FieldView> {
  let m = FIELDS.get(r);
  if (!m) {
    m = new Map<string, FieldView>();
    for (const f of SAFE(() => r.formFields(), [])) if (!m.has(f.name)) m.set(f.name, f);
    FIELDS.set(r, m);
  }
  return m;
}

export function nm(v: PdfValue | undefined): string | null {
  return v instanceof PdfName ? v.name : null;
}

export function fact(c: RuleContext, rule: string, category: ChangeCategory, vi: string, en: string, objects: number[] = [], field?: string, extra: FactExtra = {}): void {
  const f: ChangeFact = { revision: c.revision, rule, category, field, objects: [...new Set(objects)].map((n) => `${n} 0 obj`), message_vi: vi, message_en: en };
  if (extra.before !== undefined) f.before = extra.before;
  if (extra.after !== undefined) f.after = extra.after;
  if (extra.lockable) f.lockable = true;
  if (extra.valueSince !== undefined) f.valueSince = extra.valueSince;
  c.facts.push(f);
}

/** Text for a report: printable, at most `max` characters. */
export function clip(s: string, max = 80): string {
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const REFS = new WeakMap<PdfReader, Map<number, Set<number>> | null>();
const PREDECESSOR = new WeakMap<PdfReader, { old: PdfReader; touched: number[] }>();
/** Beyond this many objects no index is built, and "only referred from" cannot be told (treated as yes). */
const MAX_INDEXED = 500_000;

/** Record that `neu` is `old` plus an update touching `touched`, so that its reference index can be derived from the old one. */
export function registerUpdate(old: PdfReader, neu: PdfReader, touched: number[]): void {
  PREDECESSOR.set(neu, { old, touched });
}

function refsIn(v: PdfValue | undefined, out: Set<number>, depth = 0): Set<number> {
  if (depth > 100 || v === undefined || v === null || typeof v !== 'object') return out;
  if (v instanceof PdfRef) out.add(v.num);
  else if (Array.isArray(v)) for (const x of v) refsIn(x, out, depth + 1);
  else if (v instanceof PdfDict) for (const x of v.map.values()) refsIn(x, out, depth + 1);
  else if (v instanceof PdfStream) refsIn(v.dict, out, depth + 1);
  return out;
}

const peek = (r: PdfReader, n: number): PdfValue | undefined => SAFE(() => r.peekObject(n), undefined);

/** Who `n` is as a referrer: a cross-reference stream speaks for the trailer (-1). */
function referrerId(v: PdfValue | undefined, n: number): number {
  const d = v instanceof PdfStream ? v.dict : v;
  return d instanceof PdfDict && nm(d.get('Type')) === 'XRef' ? -1 : n;
}

/**
 * Who refers to each object in a revision view: object number → numbers of the objects whose
 * values mention it (-1 for the trailer). Built on first use by reading every object in use
 * (stream dictionaries only; objects that cannot be read are skipped), or derived from the
 * previous revision's index and the objects the update touched; null when too large to index.
 */
export function referrers(r: PdfReader): Map<number, Set<number>> | null {
  if (REFS.has(r)) return REFS.get(r)!;
  let out: Map<number, Set<number>> | null = new Map();
  const add = (to: number, from: number) => {
    let s = out!.get(to);
    if (!s) out!.set(to, (s = new Set()));
    s.add(from);
  };
  const pred = PREDECESSOR.get(r);
  const base = pred && REFS.has(pred.old) ? REFS.get(pred.old)! : undefined;
  if (r.xref.size > MAX_INDEXED) out = null;
  else if (pred && base) {
    for (const [k, v] of base) out.set(k, new Set(v));
    for (const n of [...pred.touched, -1]) {
      const a = n < 0 ? pred.old.trailer : peek(pred.old, n), b = n < 0 ? r.trailer : peek(r, n);
      if (referrerId(a, n) === n) for (const to of refsIn(a, new Set())) out.get(to)?.delete(n);
      for (const to of refsIn(b, new Set())) add(to, referrerId(b, n));
    }
  } else {
    for (const to of refsIn(r.trailer, new Set())) add(to, -1);
    for (const [n, e] of r.xref) {
      if (e.type === 'free') continue;
      const v = peek(r, n);
      for (const to of refsIn(v, new Set())) add(to, referrerId(v, n));
    }
  }
  REFS.set(r, out);
  return out;
}

/**
 * Explain object `num` for the role a rule judged it in: when it is new, or when it was modified
 * and in the old revision nothing but `owners` referred to it (every path to it went through what
 * the rule judged — an object also used elsewhere would change there too). Returns whether it was.
 */
export function explainOwned(c: RuleContext, num: number, owners: Iterable<number>): boolean {
  if (!c.created.has(num) && !(c.modified.has(num) && onlyReferredFrom(c.old, num, new Set(owners)) && onePath(c.old, num))) return false;
  c.explained.add(num);
  return true;
}

/** Each object referring to `num` does so once (not also under another key, e.g. /Extensions and /DontOverrideMe of one catalog). */
function onePath(r: PdfReader, num: number): boolean {
  for (const from of referrers(r)?.get(num) ?? []) {
    const v = from < 0 ? r.trailer : peek(r, from);
    if (countRefs(v, num, { n: 10000 }) > 1) return false;
  }
  return true;
}

function countRefs(v: PdfValue | undefined, num: number, budget: { n: number }, depth = 0): number {
  if (budget.n-- <= 0 || depth > 100 || v === undefined || v === null || typeof v !== 'object') return 0;
  if (v instanceof PdfRef) return v.num === num ? 1 : 0;
  let k = 0;
  if (Array.isArray(v)) for (const x of v) k += countRefs(x, num, budget, depth + 1);
  else if (v instanceof PdfDict) for (const x of v.map.values()) k += countRefs(x, num, budget, depth + 1);
  else if (v instanceof PdfStream) k += countRefs(v.dict, num, budget, depth + 1);
  return k;
}

/** The object holding a value reached from the catalog: the value's own object when indirect, else the catalog. */
export function holderOf(r: PdfReader, v: PdfValue | undefined): number {
  return v instanceof PdfRef ? v.num : r.rootRef instanceof PdfRef ? r.rootRef.num : -1;
}

/** True when object `num` is referred to in `r` only from `owners` (document too large to index → true). */
export function onlyReferredFrom(r: PdfReader, num: number, owners: Set<number>): boolean {
  const idx = referrers(r);
  if (!idx) return true;
  for (const from of idx.get(num) ?? []) if (!owners.has(from)) return false;
  return true;
}

export function explain(c: RuleContext, v: PdfValue | undefined): void {
  if (v instanceof PdfRef) c.explained.add(v.num);
}

/** All object numbers reachable from `v` in `r` (bounded), for subtrees owned wholesale by one rule. */
export function reachable(r: PdfReader, v: PdfValue | undefined, out: Set<number>, budget = { n: 20000 }, depth = 0): void {
  if (budget.n-- <= 0 || depth > 64 || v === undefined || v === null) return;
  if (v instanceof PdfRef) {
    if (out.has(v.num)) return;
    out.add(v.num);
    reachable(r, SAFE(() => r.getObject(v), null), out, budget, depth + 1);
  } else if (Array.isArray(v)) for (const x of v) reachable(r, x, out, budget, depth + 1);
  else if (v instanceof PdfDict) for (const x of v.map.values()) reachable(r, x, out, budget, depth + 1);
  else if (v instanceof PdfStream) reachable(r, v.dict, out, budget, depth + 1);
}

/** The widget annotations of a terminal field: itself when merged, else its /Kids. */
export function widgetsOf(r: PdfReader, f: FieldView): Array<{ ref: PdfRef | null; dict: PdfDict }> {
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
export function appearanceObjects(r: PdfReader, widget: PdfDict, out: Set<number>): void {
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

export function sigKind(r: PdfReader, f: FieldView): 'signature' | 'doc-timestamp' {
  const v = dictOf(SAFE(() => r.resolve(f.dict.get('V')), undefined));
  return v && nm(v.get('Type')) === 'DocTimeStamp' ? 'doc-timestamp' : 'signature';
}

/**
 * The objects among `candidates` that only `roots` use, directly or through other such objects
 * (an appearance stream under an appearance dictionary that only the field's widget uses).
 * Document too large to index → all of them.
 */
export function ownedBy(r: PdfReader, roots: Set<number>, candidates: Iterable<number>): Set<number> {
  const idx = referrers(r);
  const owned = new Set(roots);
  if (!idx) return new Set([...owned, ...candidates]);
  const todo = [...candidates];
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of todo) {
      if (owned.has(n)) continue;
      const users = idx.get(n);
      if (users && users.size > 0 && [...users].every((u) => owned.has(u) || u === n)) {
        owned.add(n);
        changed = true;
      }
    }
  }
  return owned;
}

const EARLIER = new WeakMap<ByteSource, Map<number, PdfReader | null>>();

/** The document as of 0-based revision `i` of `r` (the file cut after that revision), or null. */
export function earlierView(r: PdfReader, i: number): PdfReader | null {
  const end = r.revisions[i]?.end;
  if (end === null || end === undefined) return null;
  let m = EARLIER.get(r.src);
  if (!m) EARLIER.set(r.src, (m = new Map()));
  if (!m.has(end)) {
    const src = r.src;
    const cut: ByteSource = { length: end, read: (o, l) => (o >= end ? new Uint8Array(0) : src.read(o, Math.min(l, end - o))) };
    m.set(end, SAFE(() => PdfReader.open(cut, { allowEncrypted: true }), null));
  }
  return m.get(end)!;
}
