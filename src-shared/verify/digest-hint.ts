// A cheap guess of the digest algorithm of a PDF signature's CMS, read with a minimal DER/BER walk
// (no ASN.1 library; indefinite lengths followed to their end-of-contents): the first SignerInfo's
// digestAlgorithm. Used only to start hashing the signed
// ranges early (before the CMS code is even loaded); the real check parses the CMS fully and asks
// for the digest it needs, so a wrong or missing hint costs time, never correctness.

import { DIGEST_OIDS, type DigestName } from '../crypto/hash';

interface Tlv { tag: number; start: number; end: number; next: number }

function tlv(b: Uint8Array, at: number, limit: number, depth = 0): Tlv | null {
  if (at + 2 > limit || depth > 32) return null;
  const tag = b[at];
  let len = b[at + 1];
  let p = at + 2;
  if (len === 0x80 && tag & 0x20) {
    // BER indefinite length: the children run up to an end-of-contents (00 00)
    let q = p;
    while (q + 2 <= limit && !(b[q] === 0 && b[q + 1] === 0)) {
      const k = tlv(b, q, limit, depth + 1);
      if (!k) return null;
      q = k.next;
    }
    if (q + 2 > limit) return null;
    return { tag, start: p, end: q, next: q + 2 };
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  if (p + len > limit) return null;
  return { tag, start: p, end: p + len, next: p + len };
}

function oid(b: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The digest algorithm of the first SignerInfo, or null when the blob does not look like SignedData. */
export function digestAlgorithmHint(cms: Uint8Array): DigestName | null {
  const ci = tlv(cms, 0, cms.length);
  if (!ci || ci.tag !== 0x30) return null;
  const type = tlv(cms, ci.start, ci.end);
  if (!type || type.tag !== 0x06) return null;
  const explicit = tlv(cms, type.next, ci.end);
  if (!explicit || explicit.tag !== 0xa0) return null;
  const sd = tlv(cms, explicit.start, explicit.end);
  if (!sd || sd.tag !== 0x30) return null;
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  let last: Tlv | null = null;
  for (let at = sd.start; at < sd.end;) {
    const t = tlv(cms, at, sd.end);
    if (!t) return null;
    last = t;
    at = t.next;
  }
  if (!last || last.tag !== 0x31) return null;
  const si = tlv(cms, last.start, last.end);
  if (!si || si.tag !== 0x30) return null;
  const version = tlv(cms, si.start, si.end);
  const sid = version && tlv(cms, version.next, si.end);
  const alg = sid && tlv(cms, sid.next, si.end);
  const algOid = alg && alg.tag === 0x30 ? tlv(cms, alg.start, alg.end) : null;
  if (!algOid || algOid.tag !== 0x06) return null;
  return DIGEST_OIDS[oid(cms, algOid)] ?? null;
}
