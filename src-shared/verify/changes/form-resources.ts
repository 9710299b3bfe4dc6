// Who uses an entry of the form's default resources (/DR, ISO 32000-1 §12.7.2, §12.7.3.3) in one
// revision view: a /DA that names it (a viewer regenerating a field's appearance takes its font
// from /DR), or an appearance stream that looks names up through /DR — one without /Resources of
// its own, or whose /Resources (or that category of it) is the /DR object itself. An appearance
// with resources of its own never sees /DR, so an entry nothing reaches by its name may be
// replaced without anything shown changing (PDFBox's visible-signature template replaces iText's
// /DR /XObject /FRM). Anything that cannot be read counts as a use.

import { Lexer, PdfKeyword } from '../../pdf/lexer';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from '../../pdf/objects';
import type { PdfReader } from '../../pdf/reader';
import { SAFE, fieldMap, pagesOf, widgetsOf } from './context';
import { inherited } from './shown';
import { dictOf } from './values';

/** Beyond this many annotations the question is not answered (treated as "in use"). */
const MAX_ANNOTATIONS = 20_000;

/** The names in a content stream or a /DA string (null when it cannot be read). */
function namesIn(data: Uint8Array | null): Set<string> | null {
  if (!data) return null;
  const out = new Set<string>();
  const lx = new Lexer(data, 0, true);
  for (let guard = 0; guard < 1_000_000; guard++) {
    let t: PdfValue | PdfKeyword | undefined;
    try {
      t = lx.parse();
    } catch {
      lx.pos++;
      continue;
    }
    if (t === undefined) return out;
    if (t instanceof PdfName) out.add(t.name);
  }
  return null;
}

/** Does appearance stream `s` reach /DR entry `cat`/`name` by that name? */
function appearanceUses(r: PdfReader, s: PdfStream, dr: PdfValue | undefined, cat: string, catRef: PdfValue | undefined, name: string): boolean {
  const res = s.dict.get('Resources');
  if (res === undefined) return namesIn(SAFE(() => r.decode(s), null))?.has(name) ?? true;
  if (dr instanceof PdfRef && res instanceof PdfRef && res.num === dr.num) return true;
  const rd = dictOf(SAFE(() => r.resolve(res), undefined));
  if (!rd) return true;
  const own = rd.get(cat);
  return catRef instanceof PdfRef && own instanceof PdfRef && own.num === catRef.num;
}

/** Every appearance stream of an annotation (/N, /R, /D and their state sub-dictionaries). */
function appearanceStreams(r: PdfReader, annot: PdfDict): PdfStream[] {
  const out: PdfStream[] = [];
  const ap = dictOf(SAFE(() => r.resolve(annot.get('AP')), undefined));
  if (!ap) return out;
  for (const v of ap.map.values()) {
    const x = SAFE(() => r.resolve(v), undefined);
    if (x instanceof PdfStream) out.push(x);
    else if (x instanceof PdfDict) for (const s of x.map.values()) {
      const y = SAFE(() => r.resolve(s), undefined);
      if (y instanceof PdfStream) out.push(y);
    }
  }
  return out;
}

/**
 * Whether /DR entry `cat`/`name` (the /DR value being `dr` as written in the AcroForm) is used by
 * anything the document shows in view `r`: a /DA naming it, or an appearance resolving it through /DR.
 */
export function drEntryInUse(r: PdfReader, dr: PdfValue | undefined, cat: string, name: string): boolean {
  const drDict = dictOf(SAFE(() => r.resolve(dr), undefined));
  const catRef = drDict?.get(cat);
  const acro = dictOf(SAFE(() => r.resolve(r.catalog.get('AcroForm')), undefined));
  const annots: PdfDict[] = [];
  const das: Array<PdfValue | undefined> = [acro?.get('DA')];
  for (const f of fieldMap(r).values()) {
    das.push(inherited(r, f.dict, 'DA'));
    for (const w of widgetsOf(r, f)) {
      das.push(w.dict.get('DA'));
      annots.push(w.dict);
    }
  }
  for (const da of das) {
    const s = SAFE(() => r.resolve(da), undefined);
    if (s instanceof PdfString && (namesIn(s.bytes)?.has(name) ?? true)) return true;
  }
  for (const p of pagesOf(r) ?? []) {
    const list = SAFE(() => r.resolve(p.dict.get('Annots')), undefined);
    if (Array.isArray(list)) for (const a of list) {
      const d = dictOf(SAFE(() => r.resolve(a), undefined));
      if (d) annots.push(d);
    }
    if (annots.length > MAX_ANNOTATIONS) return true;
  }
  for (const a of new Set(annots)) {
    for (const s of appearanceStreams(r, a)) {
      if (appearanceUses(r, s, dr, cat, catRef, name)) return true;
    }
  }
  return false;
}
