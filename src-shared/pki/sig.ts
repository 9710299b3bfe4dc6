// Signature verification for certificates, CRLs and OCSP responses: RSA PKCS#1 v1.5, RSA-PSS,
// ECDSA and Ed25519 through WebCrypto; DSA (used by NIST PKITS, absent from WebCrypto) with BigInt.
import { type DerNode, U, bitStringBytes, ctxChild, decodeInt, isUniv, oidOf, parseDer, tlv, toHex } from './der';
import type { AlgId } from './cert';
import { CURVE_OIDS, SIGNATURE_OIDS, type SignatureFamily } from '../crypto/algorithms';
import { bigFromBytes, modInv, modPow } from '../crypto/bigint';
import { curveByteLength, ecdsaDerToRaw } from '../crypto/ecdsa';
import { DIGEST_OIDS, webCryptoDigest } from '../crypto/hash';
import { OID as C } from '../crypto/oids';
import { registerCache } from '../caches';

const subtle = () => globalThis.crypto.subtle;

/** Signature OIDs of one family that name a hash WebCrypto computes (from the engine's one table). */
function hashedSignatureOids(family: SignatureFamily): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [oid, info] of Object.entries(SIGNATURE_OIDS)) if (info.family === family && info.hash && webCryptoDigest(info.hash)) out[oid] = info.hash;
  return out;
}
const RSA_HASH = hashedSignatureOids('rsa');
const ECDSA_HASH = hashedSignatureOids('ecdsa');
const DSA_HASH: Record<string, string> = {
  '1.2.840.10040.4.3': 'SHA-1', '2.16.840.1.101.3.4.3.2': 'SHA-256',
};
export const OID_RSA = C.rsaEncryption;
export const OID_DSA = '1.2.840.10040.4.1';
export const OID_EC = C.ecPublicKey;
export const OID_PSS = C.rsassaPss;
export const OID_ED25519 = C.ed25519;

/** Public key as the validator tracks it: SPKI bytes plus the (possibly inherited) DSA parameters. */
export interface WorkingKey {
  spki: Uint8Array;
  alg: AlgId;
  /** DSA domain parameters in force (inherited when the certificate's key omits them) */
  dsaParams?: DerNode;
}

export type SigResult = { ok: true } | { ok: false; unsupported?: boolean; detail: string };

function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

async function verifyDsa(key: WorkingKey, hashName: string, data: Uint8Array, sig: Uint8Array): Promise<SigResult> {
  const params = key.dsaParams;
  if (!params || !isUniv(params, U.SEQUENCE) || params.kids.length < 3) return { ok: false, detail: 'DSA parameters missing' };
  const [p, q, g] = params.kids.map((k) => decodeInt(k.content));
  const yNode = parseDer(key.spki).kids[1];
  const y = decodeInt(parseDer(bitStringBytes(yNode)).content);
  const s = parseDer(sig);
  const r = decodeInt(s.kids[0].content);
  const ss = decodeInt(s.kids[1].content);
  if (r <= 0n || r >= q || ss <= 0n || ss >= q) return { ok: false, detail: 'DSA signature out of range' };
  const h = new Uint8Array(await subtle().digest(hashName, ab(data)));
  const nBits = q.toString(2).length;
  let z = bigFromBytes(h);
  if (h.length * 8 > nBits) z >>= BigInt(h.length * 8 - nBits);
  const w = modInv(ss, q);
  const u1 = (z * w) % q;
  const u2 = (r * w) % q;
  const v = ((modPow(g, u1, p) * modPow(y, u2, p)) % p) % q;
  return v === r ? { ok: true } : { ok: false, detail: 'DSA signature mismatch' };
}

function pssParams(params: DerNode | undefined): { hash: string; saltLength: number } {
  let hash = 'SHA-1';
  let saltLength = 20;
  if (params && isUniv(params, U.SEQUENCE)) {
    const h = ctxChild(params, 0);
    if (h) {
      const d = DIGEST_OIDS[oidOf(h.kids[0].kids[0])];
      hash = d && webCryptoDigest(d) ? d : 'unsupported';
    }
    const sl = ctxChild(params, 2);
    if (sl) saltLength = Number(decodeInt(sl.kids[0].content));
  }
  return { hash, saltLength };
}

const keyCache = new Map<string, CryptoKey>();
registerCache('pki.verificationKeys', keyCache);
async function importKey(spki: Uint8Array, alg: RsaHashedImportParams | EcKeyImportParams | Algorithm, tag: string): Promise<CryptoKey> {
  const h = tag + ':' + toHex(spki);
  const k = keyCache.get(h);
  if (k) return k;
  const key = await subtle().importKey('spki', ab(spki), alg, false, ['verify']);
  if (keyCache.size > 2000) keyCache.clear();
  keyCache.set(h, key);
  return key;
}

/** Rebuild an RSA SPKI with NULL parameters (WebCrypto rejects some encodings, e.g. absent params). */
function normalizeRsaSpki(spki: Uint8Array): Uint8Array {
  const n = parseDer(spki);
  const algSeq = tlv(0x30, n.kids[0].kids[0].raw, new Uint8Array([5, 0]));
  return tlv(0x30, algSeq, n.kids[1].raw);
}

/** Verify `sig` over `data` made with algorithm `sigAlg` by `key`. Never throws on bad signatures. */
export async function verifySignature(key: WorkingKey, sigAlg: AlgId, data: Uint8Array, sig: Uint8Array): Promise<SigResult> {
  try {
    const oid = sigAlg.oid;
    if (RSA_HASH[oid] || oid === OID_PSS) {
      if (key.alg.oid !== OID_RSA && key.alg.oid !== OID_PSS) return { ok: false, detail: 'key type does not match signature algorithm' };
      const spki = normalizeRsaSpki(key.spki);
      if (oid === OID_PSS) {
        const { hash, saltLength } = pssParams(sigAlg.params);
        if (hash === 'unsupported') return { ok: false, unsupported: true, detail: 'unsupported PSS hash' };
        const k = await importKey(spki, { name: 'RSA-PSS', hash }, 'pss' + hash);
        return (await subtle().verify({ name: 'RSA-PSS', saltLength }, k, ab(sig), ab(data))) ? { ok: true } : { ok: false, detail: 'RSA-PSS signature mismatch' };
      }
      const hash = RSA_HASH[oid];
      const k = await importKey(spki, { name: 'RSASSA-PKCS1-v1_5', hash }, 'rsa' + hash);
      return (await subtle().verify('RSASSA-PKCS1-v1_5', k, ab(sig), ab(data))) ? { ok: true } : { ok: false, detail: 'RSA signature mismatch' };
    }
    if (ECDSA_HASH[oid]) {
      if (key.alg.oid !== OID_EC || !key.alg.params) return { ok: false, detail: 'key type does not match signature algorithm' };
      const curve = CURVE_OIDS[oidOf(key.alg.params)];
      if (!curve) return { ok: false, unsupported: true, detail: 'unsupported curve' };
      const k = await importKey(key.spki, { name: 'ECDSA', namedCurve: curve.name }, 'ec' + curve.name);
      const raw = ecdsaDerToRaw(sig, curveByteLength(curve.name));
      return (await subtle().verify({ name: 'ECDSA', hash: ECDSA_HASH[oid] }, k, ab(raw), ab(data))) ? { ok: true } : { ok: false, detail: 'ECDSA signature mismatch' };
    }
    if (DSA_HASH[oid]) {
      if (key.alg.oid !== OID_DSA) return { ok: false, detail: 'key type does not match signature algorithm' };
      return await verifyDsa(key, DSA_HASH[oid], data, sig);
    }
    if (oid === OID_ED25519) {
      if (key.alg.oid !== OID_ED25519) return { ok: false, detail: 'key type does not match signature algorithm' };
      const k = await importKey(key.spki, { name: 'Ed25519' }, 'ed');
      return (await subtle().verify({ name: 'Ed25519' }, k, ab(sig), ab(data))) ? { ok: true } : { ok: false, detail: 'Ed25519 signature mismatch' };
    }
    return { ok: false, unsupported: true, detail: `unsupported signature algorithm ${oid}` };
  } catch (e) {
    return { ok: false, detail: 'signature check failed: ' + (e instanceof Error ? e.message : String(e)) };
  }
}

/** Working key of a certificate, inheriting DSA parameters from the previous working key. */
export function workingKeyOf(spki: Uint8Array, alg: AlgId, previous?: WorkingKey): WorkingKey {
  if (alg.oid === OID_DSA) {
    const own = alg.params && isUniv(alg.params, U.SEQUENCE) ? alg.params : undefined;
    return { spki, alg, dsaParams: own ?? (previous?.alg.oid === OID_DSA ? previous.dsaParams : undefined) };
  }
  return { spki, alg };
}
