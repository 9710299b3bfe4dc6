// Minimal DER tree: every node keeps its exact encoded bytes (needed for signatures,
// name comparison and hashing) and its children, so the PKI code can walk X.509/CRL/OCSP
// structures by tag without depending on pkijs object shapes.

export interface DerNode {
  /** 0 universal, 1 application, 2 context-specific, 3 private */
  cls: number;
  tag: number;
  cons: boolean;
  /** full TLV bytes */
  raw: Uint8Array;
  /** value bytes (after the header) */
  content: Uint8Array;
  kids: DerNode[];
}

export class DerError extends Error {}

export interface ParseLimits { maxNodes?: number; maxDepth?: number; }

/**
 * Parse one DER element; throws DerError on malformed input or trailing garbage. Walks the bytes in
 * place with the strict TLV reader below (definite, minimal lengths; children exactly filling
 * their parent), without an asn1js object per node: parsing the certificates of a chain this way
 * is several times faster than asn1js.fromBER + conversion, which it replaced.
 */
export function parseDer(bytes: Uint8Array, limits: ParseLimits = {}): DerNode {
  const maxNodes = limits.maxNodes ?? 20_000;
  const maxDepth = limits.maxDepth ?? 64;
  let count = 0;
  const build = (t: Tlv, depth: number): DerNode => {
    if (++count > maxNodes) throw new DerError('malformed DER: too many elements');
    if (depth > maxDepth) throw new DerError('malformed DER: nested too deeply');
    const kids: DerNode[] = [];
    if (t.cons) {
      for (let o = t.start + t.hl; o < t.end; ) {
        const k = readTlv(bytes, o, t.end);
        kids.push(build(k, depth + 1));
        o = k.end;
      }
    } else if (t.cls === 0 && (t.tag === 16 || t.tag === 17)) {
      throw new DerError('malformed DER: primitive SEQUENCE/SET');
    }
    return { cls: t.cls, tag: t.tag, cons: t.cons, raw: bytes.subarray(t.start, t.end), content: bytes.subarray(t.start + t.hl, t.end), kids };
  };
  if (bytes.length === 0) throw new DerError('malformed DER: empty input');
  const top = readTlv(bytes, 0);
  const node = build(top, 0);
  if (top.end !== bytes.length) throw new DerError('trailing data after DER element');
  return node;
}

export const U = { BOOLEAN: 1, INTEGER: 2, BITSTRING: 3, OCTETSTRING: 4, NULL: 5, OID: 6, ENUMERATED: 10, UTF8: 12, SEQUENCE: 16, SET: 17, PRINTABLE: 19, T61: 20, IA5: 22, UTCTIME: 23, GENTIME: 24, VISIBLE: 26, UNIVERSAL: 28, BMP: 30 } as const;

export function isUniv(n: DerNode | undefined, tag: number): n is DerNode {
  return !!n && n.cls === 0 && n.tag === tag;
}
export function isCtx(n: DerNode | undefined, tag: number): boolean {
  return !!n && n.cls === 2 && n.tag === tag;
}
export function expectUniv(n: DerNode | undefined, tag: number, what: string): DerNode {
  if (!isUniv(n, tag)) throw new DerError(`expected ${what}`);
  return n;
}
/** Find an explicitly or implicitly tagged context child [tag]. */
export function ctxChild(n: DerNode, tag: number): DerNode | undefined {
  return n.kids.find((k) => k.cls === 2 && k.tag === tag);
}

export function decodeOid(content: Uint8Array): string {
  const parts: number[] = [];
  let v = 0;
  let first = true;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (first) {
        if (v < 40) parts.push(0, v);
        else if (v < 80) parts.push(1, v - 40);
        else parts.push(2, v - 80);
        first = false;
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}
export function oidOf(n: DerNode | undefined): string {
  return decodeOid(expectUniv(n, U.OID, 'OBJECT IDENTIFIER').content);
}

export function decodeInt(content: Uint8Array): bigint {
  if (content.length === 0) return 0n;
  let v = 0n;
  for (const b of content) v = (v << 8n) | BigInt(b);
  if (content[0] & 0x80) v -= 1n << BigInt(content.length * 8);
  return v;
}
export function intOf(n: DerNode | undefined): bigint {
  if (!n) throw new DerError('expected INTEGER');
  if (n.cls === 0 && n.tag !== U.INTEGER && n.tag !== U.ENUMERATED) throw new DerError('expected INTEGER');
  return decodeInt(n.content);
}
export function boolOf(n: DerNode | undefined): boolean {
  if (!n) return false;
  return n.content.length > 0 && n.content[0] !== 0;
}
/** Bits of a BIT STRING (or implicitly tagged one) as booleans, index 0 = most significant bit. */
export function bitsOf(n: DerNode): boolean[] {
  const c = n.content;
  if (c.length === 0) return [];
  const unused = c[0];
  const out: boolean[] = [];
  const total = (c.length - 1) * 8 - unused;
  for (let i = 0; i < total; i++) out.push(((c[1 + (i >> 3)] >> (7 - (i & 7))) & 1) === 1);
  return out;
}
/** Octets of a BIT STRING that must be a whole number of bytes (signatures, keys): strict. */
export function bitStringBytes(n: DerNode): Uint8Array {
  if (n.cls !== 0 || n.tag !== U.BITSTRING || n.cons) throw new DerError('expected BIT STRING');
  if (n.content.length === 0 || n.content[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return n.content.subarray(1);
}

const td = new TextDecoder('utf-8');
/** Decode a string-typed value to JS string (UTF8, Printable, IA5, Visible, T61 as latin1, BMP, Universal). */
export function stringOf(n: DerNode): string | undefined {
  if (n.cls !== 0 && n.cls !== 2) return undefined;
  const c = n.content;
  if (n.cls === 2) return td.decode(c);
  switch (n.tag) {
    case U.UTF8: return td.decode(c);
    case U.PRINTABLE: case U.IA5: case U.VISIBLE: case 18: case 25: case 27:
      return String.fromCharCode(...c);
    case U.T61: return String.fromCharCode(...c);
    case U.BMP: {
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
      return s;
    }
    case U.UNIVERSAL: {
      let s = '';
      for (let i = 0; i + 3 < c.length; i += 4) s += String.fromCodePoint(((c[i] << 24) | (c[i + 1] << 16) | (c[i + 2] << 8) | c[i + 3]) >>> 0);
      return s;
    }
    default: return undefined;
  }
}

export function timeOf(n: DerNode): Date {
  const s = String.fromCharCode(...n.content);
  let m: RegExpMatchArray | null;
  if (n.tag === U.UTCTIME) {
    m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    const y = yy >= 50 ? 1900 + yy : 2000 + yy;
    return new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (n.tag === U.GENTIME) {
    m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?Z$/);
    if (!m) throw new DerError('bad GeneralizedTime');
    const ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms));
  }
  throw new DerError('expected time');
}

/** Byte helpers shared with the rest of the engine (src-shared/crypto/bytes). */
export { bytesEqual, toHex } from '../crypto/bytes';

// ---- tiny DER encoder (for OCSP requests and tests) ----
function encLen(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) { out.unshift(n & 0xff); n = Math.floor(n / 256); }
  return [0x80 | out.length, ...out];
}
export function tlv(tagByte: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const hdr = [tagByte, ...encLen(len)];
  const out = new Uint8Array(hdr.length + len);
  out.set(hdr, 0);
  let o = hdr.length;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
export function encOid(oid: string): Uint8Array {
  const p = oid.split('.').map(Number);
  const bytes: number[] = [];
  const pushB = (v: number) => {
    const tmp = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) { tmp.unshift((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
    bytes.push(...tmp);
  };
  pushB(p[0] * 40 + p[1]);
  for (const x of p.slice(2)) pushB(x);
  return tlv(0x06, new Uint8Array(bytes));
}

// ---- lightweight strict TLV walker (for very large structures such as CRLs: asn1js needs
// ~12 s and ~1 GB for a 100 000-entry CRL, this walker a few hundred milliseconds) ----
export interface Tlv { cls: number; tag: number; cons: boolean; start: number; hl: number; end: number; }

/**
 * The identifier and length octets at `off` inside buf[..limit]: class, tag number, constructed
 * bit, header length and content length. Strict (DER): definite, minimal lengths. With
 * `ber`, an indefinite length gives `len: null` (constructed elements only) and non-minimal length
 * encodings are accepted. Tag numbers take at most 5 octets. Throws DerError.
 */
export function readHeader(buf: Uint8Array, off: number, limit: number, ber = false): { cls: number; tag: number; cons: boolean; hl: number; len: number | null } {
  if (off >= limit) throw new DerError('truncated TLV');
  const b0 = buf[off];
  const cons = (b0 & 0x20) !== 0;
  let i = off + 1;
  let tag = b0 & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let n = 0; ; n++) {
      if (i >= limit) throw new DerError('truncated tag');
      if (n > 4) throw new DerError('tag number too large');
      const b = buf[i++];
      tag = tag * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (i >= limit) throw new DerError('truncated length');
  const l = buf[i++];
  let len: number | null = l;
  if (l === 0x80 && ber) {
    if (!cons) throw new DerError('indefinite length on a primitive element');
    len = null;
  } else if (l >= 0x80) {
    const nb = l & 0x7f;
    if (nb === 0 || nb > 4) throw new DerError('indefinite or oversized length');
    if (i + nb > limit) throw new DerError('truncated length');
    if (!ber && buf[i] === 0) throw new DerError('non-minimal length encoding');
    len = 0;
    for (let k = 0; k < nb; k++) len = len * 256 + buf[i + k];
    if (!ber && len < 0x80) throw new DerError('non-minimal length encoding');
    i += nb;
  }
  if (len !== null && i + len > limit) throw new DerError('content overruns its container');
  return { cls: b0 >> 6, tag, cons, hl: i - off, len };
}

/** Read the TLV at `off` inside buf[..limit]; strict DER framing (definite, minimal lengths). */
export function readTlv(buf: Uint8Array, off: number, limit = buf.length): Tlv {
  const h = readHeader(buf, off, limit);
  return { cls: h.cls, tag: h.tag, cons: h.cons, start: off, hl: h.hl, end: off + h.hl + h.len! };
}
/** Children of a constructed TLV; their lengths must add up exactly. */
export function tlvKids(buf: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let o = t.start + t.hl;
  while (o < t.end) {
    const k = readTlv(buf, o, t.end);
    out.push(k);
    o = k.end;
  }
  return out;
}
export function tlvContent(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.start + t.hl, t.end);
}
export function tlvRaw(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.start, t.end);
}

/**
 * The raw DER of a certificate's serial number (INTEGER content), issuer and subject names and
 * subjectPublicKeyInfo, read in place (throws DerError when malformed): what pairing a key with its
 * certificate or finding a CMS signer by issuer and serial needs, without parsing the rest.
 */
export function certificateFields(der: Uint8Array): { serial: Uint8Array; issuer: Uint8Array; subject: Uint8Array; spki: Uint8Array } {
  const top = readTlv(der, 0);
  if (top.end !== der.length || top.tag !== 16) throw new DerError('not a certificate');
  const tbsT = tlvKids(der, top)[0];
  if (!tbsT || tbsT.tag !== 16) throw new DerError('not a certificate');
  const tbs = tlvKids(der, tbsT);
  const o = tbs[0]?.cls === 2 && tbs[0].tag === 0 ? 1 : 0; // [0] version
  const [serial, , issuer, , subject, spki] = tbs.slice(o);
  if (!serial || serial.tag !== 2 || !issuer || issuer.tag !== 16 || !subject || subject.tag !== 16 || !spki || spki.tag !== 16) throw new DerError('not a certificate');
  return { serial: tlvContent(der, serial), issuer: tlvRaw(der, issuer), subject: tlvRaw(der, subject), spki: tlvRaw(der, spki) };
}
