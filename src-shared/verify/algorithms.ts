// Algorithm identifiers the verifier understands and the algorithm policy it applies:
// MD5 and SHA-1 are not accepted for signatures, RSA keys under 2048 bits and EC keys under
// 256 bits are flagged. Hashing goes through WebCrypto (or an injected hasher for large files).

export type DigestName = 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export const DIGEST_OIDS: Record<string, DigestName> = {
  '1.2.840.113549.2.5': 'MD5',
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** Object identifiers: one table for the whole engine (src-shared/crypto/oids.ts). */
export { OID } from '../crypto/oids';

/** Signature algorithm OIDs: family plus the hash they imply (undefined = take the digest algorithm). */
export const SIGNATURE_OIDS: Record<string, { family: 'rsa' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448'; hash?: DigestName; name: string }> = {
  '1.2.840.113549.1.1.1': { family: 'rsa', name: 'RSA' },
  '1.2.840.113549.1.1.4': { family: 'rsa', hash: 'MD5', name: 'md5WithRSAEncryption' },
  '1.2.840.113549.1.1.5': { family: 'rsa', hash: 'SHA-1', name: 'sha1WithRSAEncryption' },
  '1.2.840.113549.1.1.14': { family: 'rsa', hash: 'SHA-224', name: 'sha224WithRSAEncryption' },
  '1.2.840.113549.1.1.11': { family: 'rsa', hash: 'SHA-256', name: 'sha256WithRSAEncryption' },
  '1.2.840.113549.1.1.12': { family: 'rsa', hash: 'SHA-384', name: 'sha384WithRSAEncryption' },
  '1.2.840.113549.1.1.13': { family: 'rsa', hash: 'SHA-512', name: 'sha512WithRSAEncryption' },
  '1.2.840.113549.1.1.10': { family: 'rsa-pss', name: 'RSASSA-PSS' },
  '1.2.840.10045.2.1': { family: 'ecdsa', name: 'ECDSA' },
  '1.2.840.10045.4.1': { family: 'ecdsa', hash: 'SHA-1', name: 'ecdsa-with-SHA1' },
  '1.2.840.10045.4.3.2': { family: 'ecdsa', hash: 'SHA-256', name: 'ecdsa-with-SHA256' },
  '1.2.840.10045.4.3.3': { family: 'ecdsa', hash: 'SHA-384', name: 'ecdsa-with-SHA384' },
  '1.2.840.10045.4.3.4': { family: 'ecdsa', hash: 'SHA-512', name: 'ecdsa-with-SHA512' },
  '1.3.101.112': { family: 'ed25519', name: 'Ed25519' },
  '1.3.101.113': { family: 'ed448', name: 'Ed448' },
};

export const CURVE_OIDS: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
};

/** Digests WebCrypto can compute. */
export function webCryptoDigest(d: DigestName): boolean {
  return d === 'SHA-1' || d === 'SHA-256' || d === 'SHA-384' || d === 'SHA-512';
}

/** Policy: digests accepted for signatures and message digests. */
export function digestAccepted(d: DigestName): boolean {
  return d === 'SHA-256' || d === 'SHA-384' || d === 'SHA-512';
}

export interface KeyPolicyResult {
  ok: boolean;
  code?: 'RSA_KEY_TOO_SHORT' | 'EC_KEY_TOO_SHORT';
}

/** Policy on the signer key: RSA ≥ 2048, EC ≥ 256. */
export function keyAccepted(type: string, bits: number): KeyPolicyResult {
  if (type === 'RSA' && bits < 2048) return { ok: false, code: 'RSA_KEY_TOO_SHORT' };
  if (type === 'EC' && bits < 256) return { ok: false, code: 'EC_KEY_TOO_SHORT' };
  return { ok: true };
}

/** Hash a byte array with WebCrypto. */
export async function digest(alg: DigestName, data: Uint8Array): Promise<Uint8Array> {
  if (!webCryptoDigest(alg)) throw new Error(`digest ${alg} unsupported`);
  return new Uint8Array(await globalThis.crypto.subtle.digest(alg, data as Uint8Array<ArrayBuffer>));
}

/** Computes the digest of a set of [offset, length] ranges of the document. */
export type RangeHasher = (alg: DigestName, ranges: Array<[number, number]>) => Promise<Uint8Array>;

/** A RangeHasher over bytes held in memory (WebCrypto has no streaming, so ranges are joined). */
export function memoryRangeHasher(bytes: Uint8Array): RangeHasher {
  return async (alg, ranges) => {
    if (ranges.length === 1) return digest(alg, bytes.subarray(ranges[0][0], ranges[0][0] + ranges[0][1]));
    let total = 0;
    for (const [, len] of ranges) total += len;
    const buf = new Uint8Array(total);
    let at = 0;
    for (const [off, len] of ranges) {
      buf.set(bytes.subarray(off, off + len), at);
      at += len;
    }
    return digest(alg, buf);
  };
}

export { bytesEqual, toHex } from '../crypto/bytes';
