// Objects of a signed revision whose cross-reference entry does not lead to them: an offset that
// does not hold `N G obj` of that number, or an object stream that does not declare it at that
// index. Readers repair such entries differently (ours scans for a body, pdf.js takes whatever
// the object stream holds at that index), so what the signer signed is not one document (shadow
// "hide via referenced object" inside the signed revision itself). The answer combines what the
// reader repaired while the document was read with a header check of every entry in force in
// that revision (the change rules check the entries of later updates: rules/xref.ts).

import type { PdfReader, XrefEntry } from '../pdf/reader';

/** Results of the header checks, shared by the signatures of one document (key: entry, as written). */
export type RepairMemo = Map<string, boolean>;

function entryBroken(view: PdfReader, num: number, e: XrefEntry, memo: RepairMemo): boolean {
  if (e.type === 'free') return false;
  const key = e.type === 'offset' ? `o${num}@${e.offset}` : `c${num}@${e.stream}:${e.index}:${view.locate(e.stream).offset ?? '?'}`;
  let bad = memo.get(key);
  if (bad === undefined) {
    if (e.type === 'offset') bad = view.objectHeaderAt(e.offset)?.num !== num;
    else bad = view.objectStreamMembers(e.stream)?.[e.index] !== num;
    memo.set(key, bad);
  }
  return bad;
}

/**
 * The repaired objects of the document as of `revision` (1-based) — `view` is that revision's
 * view, `full` the whole document — each with the 1-based revision whose section lists its entry.
 */
export function repairsInRevision(full: PdfReader, view: PdfReader, revision: number, memo: RepairMemo): Array<{ num: number; revision: number }> {
  const out = new Map<number, number>();
  const seen = new Set<number>();
  for (let i = Math.min(revision, view.revisions.length) - 1; i >= 0; i--) {
    const entries = view.sectionEntries(i);
    if (!entries) continue;
    for (const [num, e] of entries) {
      if (num === 0 || seen.has(num)) continue;
      seen.add(num); // the newest section listing an object decides (older entries are not in force)
      if (entryBroken(view, num, e, memo)) out.set(num, i + 1);
    }
  }
  // what the readers repaired while reading (entries the sections above could not be re-read for)
  for (const num of view.repairedObjects) if (!out.has(num)) out.set(num, view.entryRevision(num) + 1 || revision);
  for (const num of full.repairedObjects) {
    const at = full.entryRevision(num);
    if (at >= 0 && at < revision && !out.has(num)) out.set(num, at + 1);
  }
  return [...out].map(([num, rev]) => ({ num, revision: rev })).sort((a, b) => a.num - b.num);
}
