// RSA signature checks against a precomputed message digest (RFC 8017): the public-key operation
// with BigInt, then EMSA-PKCS1-v1_5 (the DigestInfo is recovered and compared) or EMSA-PSS-VERIFY
// with MGF1 over any hash (the hashes come from the injected CryptoProvider). Used where a message
// is too large to hand to a one-shot verify (CMS signatures without signed attributes: the signed
// content is the PDF's ByteRange) and for PSS parameters a provider cannot take (MGF1 hash ≠ hash).
import { bigFromBytes, modPow } from './bigint';
import { DIGEST_LENGTHS, DIGEST_OIDS, type DigestName } from './hash';
import { decodeOid } from '../pki/der';

export type RsaDigestOutcome = 'valid' | 'digest-mismatch' | 'invalid';

export interface RsaPublic {
  n: bigint;
  e: bigint;
  /** Modulus length in bytes. */
  k: number;
  /** Modulus length in bits. */
  bits: number;
}

/** Read a DER TLV header; returns [content start, content end] or throws. */
function tlv(b: Uint8Array, at: number, tag: number): [number, number] {
  if (b[at] !== tag) throw new Error('unexpected tag');
  let p = at + 1;
  let len = b[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  if (p + len > b.length) throw new Error('overrun');
  return [p, p + len];
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (the SPKI's BIT STRING content). */
export function rsaPublicFromKeyBits(keyBits: Uint8Array): RsaPublic {
  const [s] = tlv(keyBits, 0, 0x30);
  const [ms, me] = tlv(keyBits, s, 0x02);
  const [es, ee] = tlv(keyBits, me, 0x02);
  let m = keyBits.subarray(ms, me);
  while (m.length > 0 && m[0] === 0) m = m.subarray(1);
  if (m.length === 0) throw new Error('zero modulus');
  return { n: bigFromBytes(m), e: bigFromBytes(keyBits.subarray(es, ee)), k: m.length, bits: (m.length - 1) * 8 + (32 - Math.clz32(m[0])) };
}

/** s^e mod n as k bytes, or null when the signature is out of range. */
export function rsaRecover(key: RsaPublic, sig: Uint8Array): Uint8Array | null {
  if (sig.length !== key.k || key.e > 0xffffffffn) return null;
  const s = bigFromBytes(sig);
  if (s >= key.n) return null;
  let em = modPow(s, key.e, key.n);
  const out = new Uint8Array(key.k);
  for (let i = key.k - 1; i >= 0; i--) {
    out[i] = Number(em & 0xffn);
    em >>= 8n;
  }
  return out;
}

/**
 * EMSA-PKCS1-v1_5 against a digest: 00 01 FF…FF 00 DigestInfo, the DigestInfo naming `alg` (with
 * NULL or absent parameters) and holding `hash`. A well-formed block over another digest value is
 * 'digest-mismatch' (the key signed other content), anything else 'invalid'.
 */
export function verifyPkcs1Digest(key: RsaPublic, alg: DigestName, hash: Uint8Array, sig: Uint8Array): RsaDigestOutcome {
  const em = rsaRecover(key, sig);
  if (!em || em[0] !== 0 || em[1] !== 1) return 'invalid';
  let i = 2;
  while (i < em.length && em[i] === 0xff) i++;
  if (i < 10 || i >= em.length || em[i] !== 0) return 'invalid';
  const di = em.subarray(i + 1);
  try {
    const [seqS, seqE] = tlv(di, 0, 0x30);
    if (seqE !== di.length) return 'invalid';
    const [algS, algE] = tlv(di, seqS, 0x30);
    const [oidS, oidE] = tlv(di, algS, 0x06);
    if (oidE !== algE && !(di[oidE] === 0x05 && di[oidE + 1] === 0 && oidE + 2 === algE)) return 'invalid';
    if (DIGEST_OIDS[decodeOid(di.subarray(oidS, oidE))] !== alg) return 'invalid';
    const [hS, hE] = tlv(di, algE, 0x04);
    if (hE !== seqE) return 'invalid';
    const got = di.subarray(hS, hE);
    if (got.length !== hash.length) return 'invalid';
    for (let j = 0; j < got.length; j++) if (got[j] !== hash[j]) return 'digest-mismatch';
    return 'valid';
  } catch {
    return 'invalid';
  }
}


type Hash = (alg: DigestName, data: Uint8Array) => Promise<Uint8Array>;

async function mgf1(hash: Hash, alg: DigestName, seed: Uint8Array, len: number): Promise<Uint8Array> {
  const out = new Uint8Array(len);
  const buf = new Uint8Array(seed.length + 4);
  buf.set(seed);
  for (let c = 0, at = 0; at < len; c++) {
    buf[seed.length] = c >>> 24;
    buf[seed.length + 1] = (c >>> 16) & 0xff;
    buf[seed.length + 2] = (c >>> 8) & 0xff;
    buf[seed.length + 3] = c & 0xff;
    const t = await hash(alg, buf);
    out.set(t.subarray(0, Math.min(t.length, len - at)), at);
    at += t.length;
  }
  return out;
}

/**
 * EMSA-PSS-VERIFY (RFC 8017 §9.1.2) of `sig` for the message digest `mHash` (made with `alg`),
 * MGF1 with `mgfAlg`, salt of `saltLength` bytes, trailer 0xBC. When the encoded block unmasks
 * correctly (so the key made this signature) but carries another message digest, the outcome is
 * 'digest-mismatch'.
 */
export async function verifyPssDigest(
  key: RsaPublic, alg: DigestName, mgfAlg: DigestName, saltLength: number, mHash: Uint8Array, sig: Uint8Array, hash: Hash,
): Promise<RsaDigestOutcome> {
  const hLen = DIGEST_LENGTHS[alg];
  if (mHash.length !== hLen || saltLength < 0) return 'invalid';
  const full = rsaRecover(key, sig);
  if (!full) return 'invalid';
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (full.length > emLen && full[0] !== 0) return 'invalid';
  const em = full.subarray(full.length - emLen);
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return 'invalid';
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  const topMask = 0xff >> topBits;
  if ((maskedDb[0] & ~topMask & 0xff) !== 0) return 'invalid';
  const dbMask = await mgf1(hash, mgfAlg, h, maskedDb.length);
  const db = new Uint8Array(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = maskedDb[i] ^ dbMask[i];
  db[0] &= topMask;
  const sep = emLen - hLen - saltLength - 2;
  for (let i = 0; i < sep; i++) if (db[i] !== 0) return 'invalid';
  if (db[sep] !== 0x01) return 'invalid';
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(mHash, 8);
  mPrime.set(db.subarray(db.length - saltLength), 8 + hLen);
  const h2 = await hash(alg, mPrime);
  for (let i = 0; i < hLen; i++) if (h2[i] !== h[i]) return 'digest-mismatch';
  return 'valid';
}
