// PKCS#1 DigestInfo encoding: what a token doing raw CKM_RSA_PKCS needs to be given for an
// RSASSA-PKCS1-v1_5 signature (SEQUENCE { AlgorithmIdentifier{hashOid, NULL}, OCTET STRING digest }),
// and the prefixes the verifier compares when it checks such a signature against a digest.
import type { HashAlgorithm } from '../sign/signer';
import { concatBytes } from './bytes';
import { hashLength, type DigestName } from './hash';

// DER prefixes from RFC 8017 §9.2 note 1; the digest follows directly. SHA-1 only for reading
// other people's signatures: we never sign with it.
const PREFIX: Record<HashAlgorithm | 'SHA-1', number[]> = {
  'SHA-1': [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14],
  'SHA-256': [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
  'SHA-384': [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
  'SHA-512': [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
};

const SIGNING_HASHES: HashAlgorithm[] = ['SHA-256', 'SHA-384', 'SHA-512'];

/** The DER bytes that precede the digest in a DigestInfo, or undefined for hashes without one here. */
export function digestInfoPrefix(hash: DigestName): Uint8Array | undefined {
  const p = (PREFIX as Record<string, number[] | undefined>)[hash];
  return p ? new Uint8Array(p) : undefined;
}

export function encodeDigestInfo(hash: HashAlgorithm, digest: Uint8Array): Uint8Array {
  if (digest.length !== hashLength(hash)) throw new RangeError(`digest length ${digest.length} does not match ${hash}`);
  return concatBytes(new Uint8Array(PREFIX[hash]), digest);
}

/** Inverse of encodeDigestInfo for the hashes we sign with (used by tests and by RSA signature checks). */
export function decodeDigestInfo(der: Uint8Array): { hash: HashAlgorithm; digest: Uint8Array } | undefined {
  for (const hash of SIGNING_HASHES) {
    const prefix = PREFIX[hash];
    if (der.length === prefix.length + hashLength(hash) && prefix.every((b, i) => der[i] === b)) {
      return { hash, digest: der.slice(prefix.length) };
    }
  }
  return undefined;
}
