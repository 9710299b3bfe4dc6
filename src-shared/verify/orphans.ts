// Signatures the document structure no longer reaches. When a file cannot be parsed at all, or
// its cross-reference data had to be rebuilt, a signature dictionary can still be in the bytes
// while the form tree that should lead to it is broken. Such a signature is present and failed,
// never silently absent (a damaged document must not read as "carries no signature"). Only run
// for unparseable or recovered files: in a well-formed file every signature is reached through
// the form, and bodies of objects superseded by later revisions are not orphans.

import type { ByteSource } from '../pdf/bytesource';

const NEEDLE = new TextEncoder().encode('/ByteRange');
const CHUNK = 1 << 20;

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  for (let i = hay.indexOf(needle[0], from); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(needle[0], i + 1)) {
    let ok = true;
    for (let j = 1; j < needle.length && ok; j++) ok = hay[i + j] === needle[j];
    if (ok) return i;
  }
  return -1;
}

/** The object number of the `N G obj` header nearest before `offset` (within 64 KiB), if any. */
function objectBefore(src: ByteSource, offset: number): number | null {
  const start = Math.max(0, offset - 65536);
  const text = new TextDecoder('latin1').decode(src.read(start, offset - start));
  let found: number | null = null;
  for (const m of text.matchAll(/(?:^|[\r\n\s])(\d{1,10})\s+\d{1,5}\s+obj\b/g)) found = Number(m[1]);
  return found;
}

/** Signature dictionaries (by their /ByteRange key) in the bytes: offset and enclosing object number. */
export function scanSignatureDictionaries(src: ByteSource, limit = 1000, from = 0): Array<{ offset: number; objectNumber: number | null }> {
  const out: Array<{ offset: number; objectNumber: number | null }> = [];
  for (let base = from; base < src.length && out.length < limit; base += CHUNK) {
    const buf = src.read(base, Math.min(CHUNK + NEEDLE.length, src.length - base));
    for (let i = indexOf(buf, NEEDLE, 0); i >= 0 && i < CHUNK; i = indexOf(buf, NEEDLE, i + 1)) {
      out.push({ offset: base + i, objectNumber: objectBefore(src, base + i) });
      if (out.length >= limit) break;
    }
  }
  return out;
}
