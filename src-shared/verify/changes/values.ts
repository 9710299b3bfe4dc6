// Structural comparison of PDF values between two revisions: references compare by number and
// generation (what they point to is judged separately, object by object), streams by dictionary
// and raw bytes. Depth-bounded so that hostile nesting cannot blow the stack.

import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from '../../pdf/objects';

const MAX_DEPTH = 200;

export function sameValue(a: PdfValue | undefined, b: PdfValue | undefined, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && sameBytes(a.bytes, b.bytes);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfStream) return b instanceof PdfStream && sameValue(a.dict, b.dict, depth + 1) && sameBytes(a.raw, b.raw);
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!sameValue(v, b.map.get(k), depth + 1)) return false;
    return true;
  }
  return false;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Keys whose values differ between two dictionaries (added, removed or changed). */
export function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const out: string[] = [];
  for (const [k, v] of a.map) if (!sameValue(v, b.map.get(k))) out.push(k);
  for (const k of b.map.keys()) if (!a.map.has(k)) out.push(k);
  return out;
}

export function dictOf(v: PdfValue | undefined): PdfDict | null {
  if (v instanceof PdfDict) return v;
  if (v instanceof PdfStream) return v.dict;
  return null;
}

export function refKey(r: PdfRef): string {
  return `${r.num} ${r.gen} R`;
}
