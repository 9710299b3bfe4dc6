// Shared ground of the change rules: the facts they produce, the context they work in (the two
// revision views and the objects the update touched), and small helpers to read form fields,
// widgets, appearances and pages of a revision view (memoised per view).

import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../../pdf/objects';
import type { PageInfo, PdfReader } from '../../pdf/reader';
import { dictOf } from './values';

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

export function fact(c: RuleContext, rule: string, category: ChangeCategory, vi: string, en: string, objects: number[] = [], field?: string): void {
  c.facts.push({ revision: c.revision, rule, category, field, objects: objects.map((n) => `${n} 0 obj`), message_vi: vi, message_en: en });
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
