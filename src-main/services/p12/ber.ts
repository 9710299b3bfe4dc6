// A small BER reader for PKCS#12 files: walks the tag-length-value structure in place (no copies,
// no object per node until asked), which is all the PFX format needs, instead of building a full
// asn1js tree of the file and every certificate in it. Accepts what real exporters write: DER,
// indefinite lengths (Windows exports), constructed OCTET STRINGs split in chunks. Nesting is
// capped; anything malformed throws DerError. The identifier and length octets are read by the
// PKI module's readHeader (in its BER mode), the one TLV header reader of the project.

import { DerError, readHeader } from '../../../src-shared/pki/der';

/** Deepest nesting accepted (a PFX is about 10 levels deep). */
const MAX_DEPTH = 40;

export interface BerNode {
  /** 0 universal, 1 application, 2 context-specific, 3 private */
  cls: number;
  tag: number;
  cons: boolean;
  /** The buffer the node lives in. */
  buf: Uint8Array;
  /** Offset of the identifier byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content (before the end-of-contents octets of an indefinite length). */
  contentEnd: number;
  /** Offset just past the whole element. */
  end: number;
  depth: number;
}

/** Read the element at `off`, which must end by `limit`. */
export function readBer(buf: Uint8Array, off = 0, limit = buf.length, depth = 0): BerNode {
  if (depth > MAX_DEPTH) throw new DerError('nested too deeply');
  const { cls, tag, cons, hl, len } = readHeader(buf, off, limit, true);
  const contentStart = off + hl;
  if (len === null) {
    // indefinite length: children up to the end-of-contents octets 00 00
    let i = contentStart;
    for (;;) {
      if (i + 2 > limit) throw new DerError('missing end-of-contents');
      if (buf[i] === 0 && buf[i + 1] === 0) break;
      i = readBer(buf, i, limit, depth + 1).end;
    }
    return { cls, tag, cons, buf, start: off, contentStart, contentEnd: i, end: i + 2, depth };
  }
  const end = contentStart + len;
  return { cls, tag, cons, buf, start: off, contentStart, contentEnd: end, end, depth };
}

/** The children of a constructed element. */
export function berKids(n: BerNode): BerNode[] {
  if (!n.cons) throw new DerError('not a constructed element');
  const out: BerNode[] = [];
  for (let o = n.contentStart; o < n.contentEnd; ) {
    const k = readBer(n.buf, o, n.contentEnd, n.depth + 1);
    out.push(k);
    o = k.end;
  }
  return out;
}

/** The whole encoding of an element. */
export function berRaw(n: BerNode): Uint8Array {
  return n.buf.subarray(n.start, n.end);
}

/** The content bytes of a primitive element. */
export function berContent(n: BerNode): Uint8Array {
  if (n.cons) throw new DerError('not a primitive element');
  return n.buf.subarray(n.contentStart, n.contentEnd);
}

export const TAG = { INTEGER: 2, OCTET_STRING: 4, OID: 6, SEQUENCE: 16, SET: 17, BMP_STRING: 30 } as const;

/** A universal element with this tag, else DerError naming what was expected. */
export function expectTag(n: BerNode | undefined, tag: number, what: string): BerNode {
  if (!n || n.cls !== 0 || n.tag !== tag) throw new DerError(`expected ${what}`);
  return n;
}

/** Children of a SEQUENCE or SET. */
export function seqKids(n: BerNode | undefined): BerNode[] {
  if (!n || n.cls !== 0 || (n.tag !== TAG.SEQUENCE && n.tag !== TAG.SET) || !n.cons) throw new DerError('expected a SEQUENCE');
  return berKids(n);
}

/** The value of an OCTET STRING, or of an IMPLICIT one (any tag); chunks of a constructed one are joined. */
export function berOctets(n: BerNode | undefined): Uint8Array {
  if (!n) throw new DerError('expected an OCTET STRING');
  if (!n.cons) return berContent(n);
  const parts = berKids(n).map((k) => {
    if (k.cls !== 0 || k.tag !== TAG.OCTET_STRING) throw new DerError('bad OCTET STRING chunk');
    return berOctets(k);
  });
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A small non-negative INTEGER (versions, iteration counts). */
export function berSmallInt(n: BerNode | undefined): number {
  const c = berContent(expectTag(n, TAG.INTEGER, 'an INTEGER'));
  if (c.length === 0 || c.length > 6 || c[0] & 0x80) throw new DerError('INTEGER out of range');
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** The content of [0] EXPLICIT: its one inner element. */
export function explicitTag0(n: BerNode | undefined): BerNode {
  if (!n || n.cls !== 2 || n.tag !== 0 || !n.cons) throw new DerError('expected [0]');
  const k = berKids(n);
  if (k.length !== 1) throw new DerError('expected one element in [0]');
  return k[0];
}

/** A BMPString's text (UTF-16BE). */
export function berBmpString(n: BerNode): string {
  const c = berOctets(n);
  let s = '';
  for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
  return s;
}
