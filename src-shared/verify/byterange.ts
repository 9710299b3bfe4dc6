// ByteRange sanity for one PDF signature (defence against Universal Signature Forgery and
// Signature Wrapping): exactly four non-negative integers, starting at 0, exactly one gap that is
// exactly the /Contents hex string, no overlap, inside the file, ending at the end of a revision.

import { finding } from './messages';
import type { Finding } from './report';

export interface ByteRangeInput {
  /** The /ByteRange value as read (anything: it may be malformed). */
  byteRange: unknown;
  /** File offsets of the /Contents string: `start` at '<', `end` just after '>' (null: not found/not a hex string). */
  contents: { start: number; end: number } | null;
  /** Decoded /Contents length in bytes (0 when empty/missing). */
  contentsLength: number;
  fileLength: number;
  /** Offsets where each revision ends (just after its %%EOF and end-of-line), ascending. */
  revisionEnds: number[];
  /** File bytes, to accept a range that ends after a few more whitespace bytes past a %%EOF. */
  read?: (offset: number, length: number) => Uint8Array;
}

export interface ByteRangeCheck {
  ok: boolean;
  /** [[offset, length], [offset, length]] when well-formed enough to hash. */
  ranges: Array<[number, number]> | null;
  /** 1-based revision whose end the range reaches, 0 if none. */
  revision: number;
  coversWholeRevision: boolean;
  coversWholeDocument: boolean;
  findings: Finding[];
}

const MAX_TRAILING_WHITESPACE = 64;

function isWhite(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

/**
 * A revision end matches when the range ends at it (with or without the EOL after %%EOF), or a
 * few bytes after it when those bytes are only whitespace (some writers pad after %%EOF).
 */
function matchRevision(end: number, revisionEnds: number[], read?: ByteRangeInput['read']): number {
  for (let i = 0; i < revisionEnds.length; i++) {
    const r = revisionEnds[i];
    if (r < 0) continue;
    if (end <= r && end >= r - 2) return i + 1;
    if (read && end > r && end - r <= MAX_TRAILING_WHITESPACE && (i + 1 >= revisionEnds.length || end <= revisionEnds[i + 1])) {
      const gap = read(r, end - r);
      if (gap.length === end - r && gap.every(isWhite)) return i + 1;
    }
  }
  return 0;
}

export function checkByteRange(input: ByteRangeInput): ByteRangeCheck {
  const out: ByteRangeCheck = { ok: false, ranges: null, revision: 0, coversWholeRevision: false, coversWholeDocument: false, findings: [] };
  const br = input.byteRange;
  if (input.contentsLength === 0) out.findings.push(finding('NO_CONTENTS', 'error'));
  if (!Array.isArray(br)) {
    out.findings.push(finding('NO_BYTERANGE', 'error'));
    return out;
  }
  if (br.length !== 4 || !br.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    out.findings.push(finding('BYTERANGE_NOT_FOUR', 'error', { n: br.length }));
    return out;
  }
  const [a, b, c, d] = br as number[];
  let ok = out.findings.length === 0;
  if (a !== 0) { out.findings.push(finding('BYTERANGE_NOT_AT_ZERO', 'error')); ok = false; }
  if (a + b > c) { out.findings.push(finding('BYTERANGE_OVERLAP', 'error')); ok = false; }
  if (c + d > input.fileLength || a + b > input.fileLength) {
    out.findings.push(finding('BYTERANGE_BEYOND_EOF', 'error'));
    return out;
  }
  out.ranges = [[a, b], [c, d]];
  if (!input.contents || input.contents.start !== a + b || input.contents.end !== c) {
    out.findings.push(finding('BYTERANGE_GAP_NOT_CONTENTS', 'error'));
    ok = false;
  }
  const end = c + d;
  out.revision = matchRevision(end, input.revisionEnds, input.read);
  out.coversWholeRevision = out.revision > 0;
  out.coversWholeDocument = out.revision > 0 && out.revision === input.revisionEnds.length;
  if (!out.coversWholeRevision) { out.findings.push(finding('BYTERANGE_NOT_REVISION_END', 'error')); ok = false; }
  out.ok = ok;
  return out;
}
