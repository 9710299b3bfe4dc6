// Reading the permissions a PDF declares for changes after signing (ISO 32000 §12.8.2): the
// certification signature's DocMDP /P (catalog /Perms /DocMDP) and FieldMDP locks (a signature's
// /Reference FieldMDP transform, a signature field's /Lock).

import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from '../../pdf/objects';
import { decodeText, type PdfReader } from '../../pdf/reader';
import type { FieldLock } from './policy';

export interface DocMdp {
  /** The certification signature dictionary. */
  sigRef: PdfRef | null;
  p: 1 | 2 | 3;
}

function nm(v: PdfValue | undefined): string | null {
  return v instanceof PdfName ? v.name : null;
}

function str(v: PdfValue | undefined): string | null {
  return v instanceof PdfString ? decodeText(v) : null;
}

/** The /TransformParams of a signature's /Reference entries using `method` (DocMDP, FieldMDP). */
export function transformParams(r: PdfReader, sig: PdfDict, method: string): PdfDict[] {
  const out: PdfDict[] = [];
  try {
    const refs = r.resolve(sig.get('Reference'));
    if (!Array.isArray(refs)) return out;
    for (const x of refs) {
      const d = r.resolveDict(x);
      if (d && nm(d.get('TransformMethod')) === method) {
        const tp = r.resolveDict(d.get('TransformParams'));
        if (tp) out.push(tp);
      }
    }
  } catch {
    /* malformed /Reference: no transform */
  }
  return out;
}

export function locksOf(r: PdfReader, dicts: PdfDict[]): FieldLock[] {
  const out: FieldLock[] = [];
  for (const d of dicts) {
    const action = nm(d.get('Action'));
    if (action !== 'All' && action !== 'Include' && action !== 'Exclude') continue;
    let fields: string[] = [];
    try {
      const f = r.resolve(d.get('Fields'));
      if (Array.isArray(f)) fields = f.map((x) => str(r.resolve(x)) ?? '').filter(Boolean);
    } catch {
      /* no field list */
    }
    out.push({ action, fields });
  }
  return out;
}

export function findDocMdp(r: PdfReader): DocMdp | null {
  try {
    const perms = r.resolveDict(r.catalog.get('Perms'));
    const ref = perms?.get('DocMDP');
    const sig = r.resolveDict(ref);
    if (!sig) return null;
    const tp = transformParams(r, sig, 'DocMDP')[0];
    const p = tp?.get('P');
    return { sigRef: ref instanceof PdfRef ? ref : null, p: p === 1 || p === 3 ? p : 2 };
  } catch {
    return null;
  }
}
