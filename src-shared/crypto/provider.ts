// The crypto the verifier needs, behind one injectable interface: digests by name and signature
// verification by (public key, algorithm). The runtime-agnostic default is WebCrypto (SHA-1/2,
// RSA PKCS#1 v1.5, RSASSA-PSS with one hash, ECDSA on P-256/384/521, Ed25519/Ed448); the Node
// verifier injects a node:crypto provider (src-main/services/verify/crypto-provider.ts) that adds
// SHA-224, SHA-3, SHAKE, MD5, RIPEMD-160, brainpool and the other OpenSSL curves, and DSA. A
// provider answers null when it cannot verify an algorithm or key at all, so "unsupported" never
// reads as "invalid".
import type { DigestName } from './hash';
import { curveByteLength, tryEcdsaDerToRaw } from './ecdsa';
import { OID } from './oids';
import { decodeOid } from '../pki/der';

/** What a signature is, as far as the public-key operation goes. */
export type VerifyAlgorithm =
  | { kind: 'rsa-pkcs1'; hash: DigestName }
  /** RSASSA-PSS with MGF1 (trailer field 1). */
  | { kind: 'rsa-pss'; hash: DigestName; mgfHash: DigestName; saltLength: number }
  /** `encoding`: DER SEQUENCE{r,s} (X9.62) or plain r‖s (BSI TR-03111, IEEE P1363). */
  | { kind: 'ecdsa'; hash: DigestName; encoding: 'der' | 'plain' }
  | { kind: 'dsa'; hash: DigestName }
  /** Pure EdDSA over the message (RFC 8032). */
  | { kind: 'eddsa'; curve: 'Ed25519' | 'Ed448' };

export interface CryptoProvider {
  readonly name: string;
  /** Can this provider compute `alg`? */
  hasDigest(alg: DigestName): boolean;
  /** Digest of `data`; rejects for digests it cannot compute. */
  digest(alg: DigestName, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Verify `signature` over `data` with the key in `spki` (DER SubjectPublicKeyInfo; RSA keys come
   * as rsaEncryption). true/false: it does (not) verify; null: this provider cannot check it.
   */
  verify(spki: Uint8Array, alg: VerifyAlgorithm, data: Uint8Array, signature: Uint8Array): Promise<boolean | null>;
}

const WEB_DIGESTS: ReadonlySet<DigestName> = new Set(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);
/** EC curves WebCrypto knows, by the OID in the key's parameters. */
const WEB_CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = { [OID.p256]: 'P-256', [OID.p384]: 'P-384', [OID.p521]: 'P-521' };

/** The named-curve OID of an EC SubjectPublicKeyInfo (a light DER walk), or undefined. */
export function spkiCurveOid(spki: Uint8Array): string | undefined {
  // SEQUENCE { SEQUENCE { OID ecPublicKey, OID curve }, BIT STRING }
  let p = 0;
  const header = (): number => {
    p++; // tag
    let len = spki[p++];
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + spki[p++];
    }
    return len;
  };
  try {
    header();
    if (spki[p] !== 0x30) return undefined;
    header();
    if (spki[p] !== 0x06) return undefined;
    const algLen = header();
    p += algLen;
    if (spki[p] !== 0x06) return undefined;
    const len = header();
    return decodeOid(spki.subarray(p, p + len));
  } catch {
    return undefined;
  }
}

/** WebCrypto (globalThis.crypto.subtle): what every runtime has. */
export const webCryptoProvider: CryptoProvider = {
  name: 'webcrypto',
  hasDigest: (alg) => WEB_DIGESTS.has(alg),
  async digest(alg, data) {
    if (!WEB_DIGESTS.has(alg)) throw new Error(`digest ${alg} unsupported`);
    return new Uint8Array(await globalThis.crypto.subtle.digest(alg, data as Uint8Array<ArrayBuffer>));
  },
  async verify(spki, alg, data, signature) {
    const subtle = globalThis.crypto.subtle;
    const key = spki as Uint8Array<ArrayBuffer>;
    const d = data as Uint8Array<ArrayBuffer>;
    let s = signature as Uint8Array<ArrayBuffer>;
    let imported: CryptoKey;
    let params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
    try {
      switch (alg.kind) {
        case 'rsa-pkcs1':
          if (!WEB_DIGESTS.has(alg.hash)) return null;
          imported = await subtle.importKey('spki', key, { name: 'RSASSA-PKCS1-v1_5', hash: alg.hash }, false, ['verify']);
          params = 'RSASSA-PKCS1-v1_5';
          break;
        case 'rsa-pss':
          if (!WEB_DIGESTS.has(alg.hash) || alg.mgfHash !== alg.hash) return null;
          imported = await subtle.importKey('spki', key, { name: 'RSA-PSS', hash: alg.hash }, false, ['verify']);
          params = { name: 'RSA-PSS', saltLength: alg.saltLength };
          break;
        case 'ecdsa': {
          const curve = WEB_CURVES[spkiCurveOid(spki) ?? ''];
          if (!curve || !WEB_DIGESTS.has(alg.hash)) return null;
          const size = curveByteLength(curve);
          if (alg.encoding === 'der') {
            const raw = tryEcdsaDerToRaw(signature, size);
            if (!raw) return false;
            s = raw as Uint8Array<ArrayBuffer>;
          } else if (signature.length !== 2 * size) {
            return false;
          }
          imported = await subtle.importKey('spki', key, { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
          params = { name: 'ECDSA', hash: alg.hash };
          break;
        }
        case 'eddsa':
          imported = await subtle.importKey('spki', key, { name: alg.curve }, false, ['verify']);
          params = { name: alg.curve };
          break;
        default:
          return null;
      }
    } catch {
      return null; // the runtime cannot import this key for this algorithm
    }
    try {
      return await subtle.verify(params, imported, s, d);
    } catch {
      return false;
    }
  },
};
