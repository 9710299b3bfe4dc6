// Change analysis of one incremental update (revision k-1 → k), modelled on pyHanko's diff
// analysis: every object the update touches must be explained by a small named rule, and each
// explanation carries a category that a signature's policy later accepts or refuses
// (see policy.ts). Whatever no rule explains is a forbidden change. The rules look at what a
// viewer shows: catalog, page tree, page dictionaries, annotations, form fields and their
// appearances, DSS and metadata, tagged-PDF structure, and the cross-reference entries themselves.
// Objects are compared by resolved value (values.ts), so an object rewritten with the same value,
// moved into or out of an object stream, or re-encoded is not a change.
// The rules live in rules/*.ts, one small function each; this file runs them in order.

import { PdfStream } from '../../pdf/objects';
import type { PdfReader } from '../../pdf/reader';
import { SAFE, fieldMap, nm, registerUpdate, widgetsOf, type ChangeFact, type RuleContext as Ctx } from './context';
import { ruleCatalog, ruleDss, ruleExtensions, ruleTrailer } from './rules/document';
import { ruleAcroForm, ruleFieldTree, ruleFields } from './rules/forms';
import { ruleAnnotations, rulePages } from './rules/pages';
import { ruleStructTree } from './rules/structure';
import { ruleFreed, ruleUnexplained } from './rules/unexplained';
import { ruleLateDefinitions } from './rules/late-definitions';
import { ruleXrefEntries } from './rules/xref';
import { sameResolved, sameValue } from './values';

export type { ChangeCategory, ChangeFact } from './context';

function existedIn(r: PdfReader, num: number): boolean {
  const loc = r.locate(num);
  return loc.type === 'offset' || loc.type === 'compressed';
}

/**
 * Analyse the update that turns `old` into `neu` (`changed` = the object numbers its
 * cross-reference section lists; `revision` = its 1-based number).
 */
export function analyseUpdate(old: PdfReader, neu: PdfReader, changed: number[], revision: number): ChangeFact[] {
  const listed = new Set(changed.filter((n) => n !== 0));
  // objects left in an object stream the update rewrote are read through the new stream
  const viaStreams: number[] = [];
  for (const [n, e] of neu.xref) if (e.type === 'compressed' && listed.has(e.stream) && !listed.has(n)) viaStreams.push(n);
  const touched = new Set([...listed, ...viaStreams]);
  registerUpdate(old, neu, [...touched]);
  const c: Ctx = {
    old, neu, revision, modified: new Set(), created: new Set(), explained: new Set(), facts: [],
    cmp: { old, neu },
  };
  const freed: number[] = [];
  for (const num of touched) {
    const had = existedIn(old, num);
    const has = existedIn(neu, num);
    if (!had) {
      if (has) c.created.add(num);
      continue;
    }
    if (!has) {
      freed.push(num);
      continue;
    }
    const a = SAFE(() => old.getObject(num), undefined);
    const b = SAFE(() => neu.getObject(num), undefined);
    if (a === undefined || b === undefined || !(sameValue(a, b) || sameResolved(c.cmp, a, b))) c.modified.add(num);
  }
  // cross-reference and object streams are containers, not content: one may replace another
  for (const num of [...c.modified]) if (structural(old, num) && structural(neu, num)) c.modified.delete(num);
  ruleXrefEntries(c, viaStreams);
  ruleCatalog(c);
  ruleTrailer(c);
  rulePages(c);
  ruleAcroForm(c);
  const sigWidgets = new Set<number>();
  const allWidgets = new Set<number>();
  for (const f of fieldMap(neu).values()) {
    for (const w of widgetsOf(neu, f)) if (w.ref) { allWidgets.add(w.ref.num); if (f.ft === 'Sig') sigWidgets.add(w.ref.num); }
  }
  const oldWidgets = new Set<number>();
  for (const f of fieldMap(old).values()) for (const w of widgetsOf(old, f)) if (w.ref) oldWidgets.add(w.ref.num);
  ruleFields(c);
  ruleFieldTree(c);
  ruleAnnotations(c, sigWidgets, allWidgets, oldWidgets);
  ruleStructTree(c);
  ruleDss(c);
  ruleExtensions(c);
  ruleFreed(c, freed);
  ruleLateDefinitions(c);
  ruleUnexplained(c);
  return dedupe(c.facts);
}

/** An object stream or a cross-reference stream (never drawn). */
function structural(r: PdfReader, num: number): boolean {
  const v = SAFE(() => r.getObject(num), null);
  if (!(v instanceof PdfStream)) return false;
  const t = nm(v.dict.get('Type'));
  return t === 'XRef' || t === 'ObjStm';
}

function dedupe(facts: ChangeFact[]): ChangeFact[] {
  const seen = new Set<string>();
  return facts.filter((f) => {
    const k = `${f.rule}|${f.field ?? ''}|${f.objects.join(',')}|${f.message_en}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
