// Signature verification for certificates, CRLs and OCSP responses: the algorithm is read by the
// engine's one resolver (crypto/verify-signed.ts) and verified by the injected CryptoProvider, as
// CMS signatures are; DSA with inherited parameters (NIST PKITS) is checked here with BigInt.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type DerNode, U, bitStringBytes, decodeInt, isUniv, parseDer, tlv } from './der';
import type { AlgId } from './cert';
import { bigFromBytes, modInv, modPow } from '../crypto/bigint';
import type { DigestName } from '../crypto/hash';
import { OID as C } from '../crypto/oids';
import { webCryptoProvider, type CryptoProvider } from '../crypto/provider';
import { resolveSignatureAlgorithm } from '../crypto/verify-signed';

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


async function verifyDsa(key: WorkingKey, hashName: DigestName, data: Uint8Array, sig: Uint8Array, crypto: CryptoProvider = webCryptoProvider): Promise<SigResult> {
  const params = key.dsaParams;
  if (!params || !isUniv(params, U.SEQUENCE) || params.kids.length < 3) return { ok: false, detail: 'DSA parameters missing' };
  const [p, q, g] = params.kids.map((k) => decodeInt(k.content));
  const yNode = parseDer(key.spki).kids[1];
  const y = decodeInt(parseDer(bitStringBytes(yNode)).content);
  const s = parseDer(sig);
  const r = decodeInt(s.kids[0].content);
  const ss = decodeInt(s.kids[1].content);
  if (r <= 0n || r >= q || ss <= 0n || ss >= q) return { ok: false, detail: 'DSA signature out of range' };
  if (!crypto.hasDigest(hashName)) return { ok: false, unsupported: true, detail: `digest ${hashName} unsupported` };
  const h = await crypto.digest(hashName, data);
  const nBits = q.toString(2).length;
  let z = bigFromBytes(h);
  if (h.length * 8 > nBits) z >>= BigInt(h.length * 8 - nBits);
  const w = modInv(ss, q);
  const u1 = (z * w) % q;
  const u2 = (r * w) % q;
  const v = ((modPow(g, u1, p) * modPow(y, u2, p)) % p) % q;
  return v === r ? { ok: true } : { ok: false, detail: 'DSA signature mismatch' };
}

/** Rebuild an RSA SPKI with NULL parameters (WebCrypto rejects some encodings, e.g. absent params). */
function normalizeRsaSpki(spki: Uint8Array): Uint8Array {
  const n = parseDer(spki);
  const algSeq = tlv(0x30, n.kids[0].kids[0].raw, new Uint8Array([5, 0]));
  return tlv(0x30, algSeq, n.kids[1].raw);
}

/**
 * Verify `sig` over `data` made with algorithm `sigAlg` by `key`, through the injected crypto
 * provider (default WebCrypto; the Node verifier passes node:crypto, which adds brainpool,
 * SHA-3, SHA-224, Ed448 and the rest OpenSSL knows). DSA is checked here with BigInt (WebCrypto
 * has none, and a key whose parameters are inherited from its issuer's, RFC 5280 §6.1.4(f) as in
 * NIST PKITS, cannot be imported by any provider). Never throws on bad signatures; "the provider cannot check this"
 * is `unsupported`, never a mismatch.
 */
export async function verifySignature(key: WorkingKey, sigAlg: AlgId, data: Uint8Array, sig: Uint8Array, crypto: CryptoProvider = webCryptoProvider): Promise<SigResult> {
  try {
    const oid = sigAlg.oid;
    let resolved;
    try {
      const params = sigAlg.params ? asn1js.fromBER(sigAlg.params.raw.slice()).result : undefined;
      resolved = resolveSignatureAlgorithm(new pkijs.AlgorithmIdentifier({ algorithmId: oid, ...(params ? { algorithmParams: params } : {}) }), null);
    } catch {
      return { ok: false, detail: `malformed parameters of signature algorithm ${oid}` };
    }
    if ('unsupported' in resolved) return { ok: false, unsupported: true, detail: `unsupported signature algorithm ${resolved.unsupported}` };
    const alg = resolved.alg;
    const keyOid = key.alg.oid;
    const fits =
      alg.kind === 'rsa-pkcs1' || alg.kind === 'rsa-pss' ? keyOid === OID_RSA || keyOid === OID_PSS
        : alg.kind === 'ecdsa' ? keyOid === OID_EC && !!key.alg.params
          : alg.kind === 'dsa' ? keyOid === OID_DSA
            : keyOid === (alg.curve === 'Ed25519' ? OID_ED25519 : C.ed448);
    if (!fits) return { ok: false, detail: 'key type does not match signature algorithm' };
    if (alg.kind === 'dsa') return await verifyDsa(key, alg.hash, data, sig, crypto);
    const spki = alg.kind === 'rsa-pkcs1' || alg.kind === 'rsa-pss' ? normalizeRsaSpki(key.spki) : key.spki;
    const ok = await crypto.verify(spki, alg, data, sig);
    if (ok === null) return { ok: false, unsupported: true, detail: `${resolved.name} cannot be verified here (${crypto.name})` };
    return ok ? { ok: true } : { ok: false, detail: `${resolved.name} signature mismatch` };
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
