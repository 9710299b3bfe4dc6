// RSA PKCS#1 v1.5 verification against a precomputed digest (RFC 8017 §8.2.2), for CMS signatures
// without signed attributes, where the signature is directly over the (PDF ByteRange) content and
// WebCrypto, which wants the whole message, cannot be used. Public-key operation with BigInt.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { DigestName } from './algorithms';
import { bigFromBytes, modPow } from '../crypto/bigint';
import { digestInfoPrefix } from '../crypto/digest-info';

export type RawRsaOutcome = 'valid' | 'digest-mismatch' | 'invalid' | 'unsupported';

/** Check `sig` against `hash` (already computed) with the RSA key of `cert`. */
export function verifyRsaPkcs1Digest(cert: pkijs.Certificate, alg: DigestName, hash: Uint8Array, sig: Uint8Array): RawRsaOutcome {
  const prefix = digestInfoPrefix(alg);
  if (!prefix) return 'unsupported';
  let n: bigint, e: bigint, k: number;
  try {
    const pub = new pkijs.RSAPublicKey({ schema: asn1js.fromBER(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).result });
    let m = pub.modulus.valueBlock.valueHexView;
    while (m.length > 0 && m[0] === 0) m = m.subarray(1);
    n = bigFromBytes(m);
    e = bigFromBytes(pub.publicExponent.valueBlock.valueHexView);
    k = m.length;
  } catch {
    return 'unsupported';
  }
  if (sig.length !== k || e > 0xffffffffn) return 'invalid';
  const s = bigFromBytes(sig);
  if (s >= n) return 'invalid';
  let em = modPow(s, e, n);
  const out = new Uint8Array(k);
  for (let i = k - 1; i >= 0; i--) {
    out[i] = Number(em & 0xffn);
    em >>= 8n;
  }
  // 0x00 0x01 FF…FF 0x00 DigestInfo
  const t = prefix.length + hash.length;
  if (out[0] !== 0 || out[1] !== 1 || k < t + 11) return 'invalid';
  for (let i = 2; i < k - t - 1; i++) if (out[i] !== 0xff) return 'invalid';
  if (out[k - t - 1] !== 0) return 'invalid';
  for (let i = 0; i < prefix.length; i++) if (out[k - t + i] !== prefix[i]) return 'invalid';
  for (let i = 0; i < hash.length; i++) if (out[k - hash.length + i] !== hash[i]) return 'digest-mismatch';
  return 'valid';
}
