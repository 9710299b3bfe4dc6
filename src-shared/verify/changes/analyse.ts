// Change analysis of one incremental update (revision k-1 → k), modelled on pyHanko's diff
// analysis: every object the update touches must be explained by a small named rule, and each
// explanation carries a category that a signature's policy later accepts or refuses
// (see policy.ts). Whatever no rule explains is a forbidden change. The rules look at what a
// viewer shows: catalog, page tree, page dictionaries, annotations, form fields and their
// appearances, DSS and metadata.
// The rules live in rules/*.ts, one small function each; this file runs them in order.

import type { PdfReader } from '../../pdf/reader';
import { SAFE, fact, fieldMap, nm, widgetsOf, type ChangeFact, type RuleContext as Ctx } from './context';
import { ruleCatalog, ruleDss, ruleExtensions, ruleTrailer } from './rules/document';
import { ruleAcroForm, ruleFields } from './rules/forms';
import { ruleAnnotations, rulePages } from './rules/pages';
import { ruleUnexplained } from './rules/unexplained';
import { dictOf, sameValue } from './values';

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
  const c: Ctx = { old, neu, revision, modified: new Set(), created: new Set(), explained: new Set(), facts: [] };
  for (const num of changed) {
    if (num === 0) continue;
    const had = existedIn(old, num);
    const has = existedIn(neu, num);
    if (!had) {
      if (has) c.created.add(num);
      continue;
    }
    if (!has) {
      fact(c, 'object-freed', 'forbidden', `Đối tượng ${num} bị xóa sau khi ký.`, `Object ${num} was deleted after signing.`, [num]);
      continue;
    }
    let same = false;
    try {
      same = sameValue(old.getObject(num), neu.getObject(num));
    } catch {
      same = false;
    }
    if (!same) c.modified.add(num);
  }
  // the xref stream object of the update itself is not content
  for (const num of [...c.modified]) {
    const d = dictOf(SAFE(() => neu.getObject(num), null));
    if (d && nm(d.get('Type')) === 'XRef') c.modified.delete(num);
  }
  ruleCatalog(c);
  ruleTrailer(c);
  rulePages(c);
  ruleAcroForm(c);
  const sigWidgets = new Set<number>();
  const allWidgets = new Set<number>();
  for (const f of fieldMap(neu).values()) {
    for (const w of widgetsOf(neu, f)) if (w.ref) { allWidgets.add(w.ref.num); if (f.ft === 'Sig') sigWidgets.add(w.ref.num); }
  }
  ruleFields(c);
  ruleAnnotations(c, sigWidgets, allWidgets);
  ruleDss(c);
  ruleExtensions(c);
  ruleUnexplained(c);
  return dedupe(c.facts);
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
