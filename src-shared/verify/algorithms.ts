// Algorithm identifiers the verifier understands and the algorithm policy it applies:
// digests below SHA-256 (SHA-2, SHA-3, SHAKE) are not accepted for signatures, RSA and DSA keys
// under 2048 bits and EC keys under 256 bits are flagged. Hashing goes through WebCrypto (or an injected hasher for large files).
// The algorithm tables themselves live in src-shared/crypto and are re-exported here.

/** Digest names and OIDs, signature and curve OIDs: one table for the engine (src-shared/crypto). */
export { DIGEST_OIDS, digest, webCryptoDigest, type DigestName } from '../crypto/hash';
export { CURVE_OIDS, SIGNATURE_OIDS } from '../crypto/algorithms';
import type { DigestName } from '../crypto/hash';
import { webCryptoProvider, type CryptoProvider } from '../crypto/provider';
import { MIN_EC_BITS, MIN_RSA_BITS, isAllowedHash } from '../crypto/policy';

/** Object identifiers: one table for the whole engine (src-shared/crypto/oids.ts). */
export { OID } from '../crypto/oids';

/** SHA-3 and SHAKE of the strengths the signing rules ask of SHA-2 (SHA-256 or stronger). */
const STRONG_OTHER: ReadonlySet<DigestName> = new Set(['SHA3-256', 'SHA3-384', 'SHA3-512', 'SHAKE128', 'SHAKE256']);

/** Policy: digests accepted for signatures and message digests (SHA-256 or stronger: SHA-2, SHA-3, SHAKE). */
export function digestAccepted(d: DigestName): boolean {
  return isAllowedHash(d) || STRONG_OTHER.has(d);
}

export interface KeyPolicyResult {
  ok: boolean;
  code?: 'RSA_KEY_TOO_SHORT' | 'EC_KEY_TOO_SHORT' | 'DSA_KEY_TOO_SHORT';
}

/**
 * Policy on the signer key: the signing rules' minimum sizes (RSA ≥ 2048, EC ≥ 256; DSA, which they
 * do not name, as RSA). A size that could not be read (0) is not judged here: such a key is
 * unsupported, and the signature check says so.
 */
export function keyAccepted(type: string, bits: number): KeyPolicyResult {
  if (bits <= 0) return { ok: true };
  if (type === 'RSA' && bits < MIN_RSA_BITS) return { ok: false, code: 'RSA_KEY_TOO_SHORT' };
  if (type === 'EC' && bits < MIN_EC_BITS) return { ok: false, code: 'EC_KEY_TOO_SHORT' };
  if (type === 'DSA' && bits < MIN_RSA_BITS) return { ok: false, code: 'DSA_KEY_TOO_SHORT' };
  return { ok: true };
}

/** Computes the digest of a set of [offset, length] ranges of the document. */
/**
 * Digest of byte ranges of the document. Calling it starts the work (possibly elsewhere, e.g. a
 * helper thread); `need`, when the hasher has it, says that the caller is now waiting for that
 * digest and has nothing else to do meanwhile, so a hasher may then decide to compute it itself.
 */
export type RangeHasher = ((alg: DigestName, ranges: Array<[number, number]>) => Promise<Uint8Array>) & {
  need?: (alg: DigestName, ranges: Array<[number, number]>) => void;
};

/** A RangeHasher over bytes held in memory (WebCrypto has no streaming, so ranges are joined). */
export function memoryRangeHasher(bytes: Uint8Array, crypto?: CryptoProvider): RangeHasher {
  const digest = (alg: DigestName, data: Uint8Array) => (crypto ?? webCryptoProvider).digest(alg, data);
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
