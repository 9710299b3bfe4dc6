// Structural comparison of PDF values between two revisions: references compare by number and
// generation (what they point to is judged separately, object by object), streams by dictionary
// and raw bytes; and the resolved comparison (sameResolved) that follows references in both
// revisions, so that a value rewritten in a new object, moved into or out of an object stream, or
// re-encoded compares equal to what it was. Bounded so that hostile nesting cannot blow the stack.

import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from '../../pdf/objects';
import type { PdfReader } from '../../pdf/reader';

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

/** What a resolved comparison needs: both revision views. */
export interface ResolvedCompare {
  old: PdfReader;
  neu: PdfReader;
}

const STREAM_ENCODING_KEYS = new Set(['Length', 'Filter', 'DecodeParms', 'DL']);

/**
 * Same value as a reader sees it: references to different objects followed in both revisions (a
 * pair under comparison is assumed equal, so loops terminate), direct and indirect forms of one
 * value equal, streams equal by decoded data whatever their encoding. A reference to the same
 * object number in both is the same value here: if that object changed, it is judged on its own.
 * `a` belongs to the old revision, `b` to the new one. Bounded; running out of budget means "differs".
 */
export function sameResolved(c: ResolvedCompare, a: PdfValue | undefined, b: PdfValue | undefined, st = { budget: 20000, assumed: new Set<string>() }, depth = 0): boolean {
  if (--st.budget < 0 || depth > 100) return false;
  if (a instanceof PdfRef || b instanceof PdfRef) {
    if (a instanceof PdfRef && b instanceof PdfRef) {
      if (a.num === b.num && a.gen === b.gen) return true;
      const key = `${a.num}.${a.gen}/${b.num}.${b.gen}`;
      if (st.assumed.has(key)) return true;
      st.assumed.add(key);
    }
    const x = a instanceof PdfRef ? load(c.old, a) : a;
    const y = b instanceof PdfRef ? load(c.neu, b) : b;
    if (x === FAILED || y === FAILED) return false;
    return sameResolved(c, x as PdfValue, y as PdfValue, st, depth + 1);
  }
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameResolved(c, a[i], b[i], st, depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfStream) {
    if (!(b instanceof PdfStream)) return false;
    if (sameBytes(a.raw, b.raw) && sameResolved(c, a.dict, b.dict, st, depth + 1)) return true;
    if (!sameDict(c, a.dict, b.dict, st, depth, STREAM_ENCODING_KEYS)) return false;
    try {
      return sameBytes(c.old.decode(a), c.neu.decode(b));
    } catch {
      return false;
    }
  }
  if (a instanceof PdfDict) return b instanceof PdfDict && sameDict(c, a, b, st, depth);
  return sameValue(a, b);
}

function sameDict(c: ResolvedCompare, a: PdfDict, b: PdfDict, st: { budget: number; assumed: Set<string> }, depth: number, skip?: Set<string>): boolean {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  for (const k of keys) {
    if (skip?.has(k)) continue;
    if (!a.map.has(k) || !b.map.has(k)) return false;
    if (!sameResolved(c, a.map.get(k), b.map.get(k), st, depth + 1)) return false;
  }
  return true;
}

const FAILED = Symbol('unreadable');

function load(r: PdfReader, ref: PdfRef): PdfValue | typeof FAILED {
  try {
    return r.getObject(ref);
  } catch {
    return FAILED;
  }
}

/** Keys whose values differ as resolved values (see sameResolved) between two dictionaries of the old and the new revision. */
export function changedKeysResolved(c: ResolvedCompare, a: PdfDict, b: PdfDict): string[] {
  const out: string[] = [];
  for (const [k, v] of a.map) if (!b.map.has(k) || !sameResolved(c, v, b.map.get(k))) out.push(k);
  for (const k of b.map.keys()) if (!a.map.has(k)) out.push(k);
  return out;
}
