// What the visual check renders, worked out from our own reader: for each signature whose changes
// after signing were judged allowed (or found to be none), the byte length of its signed revision,
// the pages those changes may have affected (the page object, or anything the page draws or
// annotates, was written by a later update; all pages when the page count changed; capped) and,
// per page, the rectangles of the annotations the changes added, modified or removed (user
// space), which the comparison masks as allowed.

import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../../../../src-shared/pdf/objects';
import type { PageInfo, PdfReader } from '../../../../src-shared/pdf/reader';
import type { SignatureReport } from '../../../../src-shared/verify/report';
import { RevisionViews } from '../../../../src-shared/verify/revisions';
import { sameValue } from '../../../../src-shared/verify/changes/values';

export type Rect = [number, number, number, number];

export interface PagePlan {
  /** 0-based page index (the same in both documents). */
  index: number;
  /** Page object number in the final document (for the change entry), or null. */
  object: number | null;
  /** Rectangles (user space of the final page) of annotations added or modified after signing. */
  masksCurrent: Rect[];
  /** Rectangles (user space of the signed page) of annotations removed or modified after signing. */
  masksSigned: Rect[];
}

export interface SignaturePlan {
  /** Index of the signature in report.signatures. */
  sig: number;
  /** 1-based signed revision and the byte length of the file cut at its end. */
  revision: number;
  signedLength: number;
  pagesAffected: number;
  pages: PagePlan[];
  /** Set when the plan could not be made (the signed revision does not reopen, no page tree, …). */
  error?: string;
}

/** Keys not followed from a page or an annotation: the tree above it, other pages, field values. */
const SKIP = new Set(['Parent', 'P', 'V', 'IRT', 'Dest', 'A', 'AA', 'StructParent', 'StructParents', 'B', 'Thumb', 'Metadata', 'PieceInfo']);

const SAFE = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

/**
 * True when `start` reaches an object in `changed` (bounded; a walk over budget or depth counts as
 * reaching). `clean` collects the objects of walks that completed without reaching any, so that
 * resources shared by many pages are walked once.
 */
function reachesChanged(r: PdfReader, start: PdfValue[], changed: Set<number>, clean: Set<number> = new Set(), budget = 50_000): boolean {
  const seen = new Set<number>();
  const stack: Array<{ v: PdfValue | undefined; depth: number }> = start.map((v) => ({ v, depth: 0 }));
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (--budget < 0 || depth > 100) return true;
    if (v === undefined || v === null || typeof v !== 'object') continue;
    if (v instanceof PdfRef) {
      if (changed.has(v.num)) return true;
      if (seen.has(v.num) || clean.has(v.num)) continue;
      const o = SAFE(() => r.getObject(v), null);
      const d = o instanceof PdfStream ? o.dict : o;
      // another page (reached through an action or a destination) is judged on its own
      if (depth > 0 && d instanceof PdfDict && d.get('Type') instanceof PdfName && (d.get('Type') as PdfName).name === 'Page') continue;
      seen.add(v.num);
      stack.push({ v: o, depth: depth + 1 });
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push({ v: x, depth: depth + 1 });
    } else if (v instanceof PdfStream) {
      stack.push({ v: v.dict, depth: depth + 1 });
    } else if (v instanceof PdfDict) {
      for (const [k, x] of v.map) if (!SKIP.has(k)) stack.push({ v: x, depth: depth + 1 });
    }
  }
  for (const n of seen) clean.add(n);
  return false;
}

/** The /Resources a page inherits (the value as written, so a reference keeps its number). */
function inheritedResources(r: PdfReader, page: PageInfo): PdfValue | undefined {
  let d: PdfDict | null = page.dict;
  for (let i = 0; d && i < 64; i++) {
    const res = d.get('Resources');
    if (res !== undefined) return res;
    d = SAFE(() => r.resolveDict(d!.get('Parent')), null);
  }
  return undefined;
}

function rectOf(r: PdfReader, d: PdfDict): Rect | null {
  const a = SAFE(() => r.resolve(d.get('Rect')), undefined);
  if (!Array.isArray(a) || a.length !== 4) return null;
  const n = a.map((x) => SAFE(() => r.resolve(x), undefined));
  if (!n.every((x): x is number => typeof x === 'number' && Number.isFinite(x))) return null;
  const clamp = (x: number) => Math.max(-1e6, Math.min(1e6, x));
  return [clamp(Math.min(n[0], n[2])), clamp(Math.min(n[1], n[3])), clamp(Math.max(n[0], n[2])), clamp(Math.max(n[1], n[3]))];
}

interface Annot {
  key: string;
  dict: PdfDict;
}

function annotsOf(r: PdfReader, page: PageInfo): Annot[] {
  const list = SAFE(() => r.resolve(page.dict.get('Annots')), undefined);
  if (!Array.isArray(list)) return [];
  const out: Annot[] = [];
  list.slice(0, 10_000).forEach((v, i) => {
    const d = SAFE(() => r.resolveDict(v), null);
    if (d) out.push({ key: v instanceof PdfRef ? `r${v.num}` : `d${i}`, dict: d });
  });
  return out;
}

/**
 * Whether what an annotation draws may have changed: the object itself, its appearance, or (for a
 * widget) a field above it (a value a viewer may draw from when it builds the appearance itself).
 */
function annotChanged(r: PdfReader, a: Annot, changed: Set<number>): boolean {
  if (a.key.startsWith('r') && changed.has(Number(a.key.slice(1)))) return true;
  let parent = a.dict.get('Parent');
  for (let i = 0; parent instanceof PdfRef && i < 32; i++) {
    if (changed.has(parent.num)) return true;
    parent = SAFE(() => r.resolveDict(parent)?.get('Parent'), undefined);
  }
  return reachesChanged(r, [a.dict.get('AP') ?? null, a.dict.get('MK') ?? null], changed, new Set(), 5_000);
}

/** Whether annotation `a` of one list has no unchanged counterpart in the other list. */
function differs(r: PdfReader, a: Annot, other: Annot[], otherKeys: Set<string>, changed: Set<number>): boolean {
  // a direct annotation (inside the /Annots array) is the same when some direct one of the other list equals it
  if (a.key.startsWith('d')) return !other.some((b) => b.key.startsWith('d') && sameValue(a.dict, b.dict)) || annotChanged(r, a, changed);
  return !otherKeys.has(a.key) || annotChanged(r, a, changed);
}

/**
 * Whether the visual check applies to a signature: its changes after signing were judged allowed,
 * or no change was found although the file was updated after it (updates whose objects no rule
 * looks at: new objects only an older object refers to, rewrites to the same value, …). Not for a
 * signature whose integrity is broken: what it covers is not what was signed, it fails anyway.
 */
/**
 * Changes the structural rules admit only in forms that cannot alter what a page shows outside
 * the new signature widgets (which the check masks anyway): new signature fields and signatures,
 * document timestamps, validation data (DSS), metadata. For these, rendering adds nothing.
 */
const INVISIBLE = new Set(['signature', 'doc-timestamp', 'dss', 'metadata']);

export function visualEligible(s: SignatureReport, revisions: number, scope: 'changes' | 'all' = 'changes'): boolean {
  if (s.integrity === 'broken') return false;
  if (scope === 'all') return s.modificationsAfter === 'allowed' || (s.modificationsAfter === 'none' && s.revision >= 1 && s.revision < revisions);
  return s.modificationsAfter === 'allowed' && s.changesAfter.some((c) => c.verdict === 'allowed' && !INVISIBLE.has(c.category ?? ''));
}

export interface PlanOptions {
  /** At most this many pages per signature (default 20). */
  maxPages?: number;
  scope?: 'changes' | 'all';
}

/** The plan for every signature the visual check applies to (see visualEligible). */
export function planVisualCheck(src: ConstructorParameters<typeof RevisionViews>[0], reader: PdfReader, signatures: SignatureReport[], opts: PlanOptions = {}): SignaturePlan[] {
  const maxPages = opts.maxPages ?? 20;
  const views = new RevisionViews(src, reader);
  const out: SignaturePlan[] = [];
  const finalPages = SAFE(() => reader.pages(), null);
  signatures.forEach((s, sig) => {
    if (!visualEligible(s, reader.revisions.length, opts.scope) || s.revision < 1 || s.revision >= reader.revisions.length) return;
    const end = reader.revisions[s.revision - 1].end;
    const plan: SignaturePlan = { sig, revision: s.revision, signedLength: end ?? 0, pagesAffected: 0, pages: [] };
    out.push(plan);
    try {
      if (end === null) throw new Error(`revision ${s.revision} has no %%EOF`);
      const old = views.view(s.revision - 1);
      const oldPages = old.pages();
      if (!finalPages) throw new Error('the page tree cannot be read');
      const changed = new Set<number>();
      for (let i = s.revision; i < reader.revisions.length; i++) for (const n of reader.revisions[i].changedObjects) if (n !== 0) changed.add(n);
      const all = oldPages.length !== finalPages.length;
      const n = Math.min(oldPages.length, finalPages.length);
      const affected: number[] = [];
      const clean = new Set<number>();
      for (let i = 0; i < n; i++) {
        const a = oldPages[i], b = finalPages[i];
        const replaced = (a.ref?.num ?? -1) !== (b.ref?.num ?? -1) || a.holder.num !== b.holder.num;
        if (all || replaced || reachesChanged(reader, [b.ref ?? b.dict, inheritedResources(reader, b) ?? null], changed, clean)) affected.push(i);
      }
      plan.pagesAffected = all ? Math.max(oldPages.length, finalPages.length) : affected.length;
      for (const i of affected.slice(0, maxPages)) {
        const before = annotsOf(old, oldPages[i]);
        const after = annotsOf(reader, finalPages[i]);
        const beforeKeys = new Set(before.map((a) => a.key));
        const afterByKey = new Map(after.filter((a) => a.key.startsWith('r')).map((a) => [a.key, a]));
        const afterKeys = new Set(after.map((a) => a.key));
        const masksCurrent: Rect[] = [];
        const masksSigned: Rect[] = [];
        for (const a of after) {
          if (!differs(reader, a, before, beforeKeys, changed)) continue;
          const rc = rectOf(reader, a.dict);
          if (rc) masksCurrent.push(rc);
        }
        for (const a of before) {
          const now = afterByKey.get(a.key);
          if (!(now ? annotChanged(reader, now, changed) : differs(old, a, after, afterKeys, changed))) continue;
          const rc = rectOf(old, a.dict);
          if (rc) masksSigned.push(rc);
        }
        plan.pages.push({ index: i, object: finalPages[i].ref?.num ?? finalPages[i].holder.num, masksCurrent, masksSigned });
      }
    } catch (e) {
      plan.error = e instanceof Error ? e.message : String(e);
    }
  });
  return out;
}
