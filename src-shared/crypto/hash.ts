// Hash helpers over WebCrypto: digest, OIDs and lengths of the SHA-2 family the signing rules allow,
// and the wider table of digest OIDs met when reading other people's CMS (MD5, SHA-1, SHA-224).
import type { HashAlgorithm } from '../sign/signer';
import { VanthuError } from '../errors';
import { OID } from './oids';

/**
 * Every digest algorithm a CMS we read may name. Only the WebCrypto ones can be computed here; the
 * others (SHA-224, SHA-3, SHAKE, MD5, RIPEMD-160) through an injected CryptoProvider (provider.ts).
 * SHAKE128/SHAKE256 mean their CMS output lengths, 256 and 512 bits (RFC 8419, RFC 8702).
 */
export type DigestName =
  | 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512'
  | 'SHA3-224' | 'SHA3-256' | 'SHA3-384' | 'SHA3-512' | 'SHAKE128' | 'SHAKE256' | 'RIPEMD-160';

export const DIGEST_OIDS: Record<string, DigestName> = {
  [OID.md5]: 'MD5',
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
  [OID.sha3_224]: 'SHA3-224',
  [OID.sha3_256]: 'SHA3-256',
  [OID.sha3_384]: 'SHA3-384',
  [OID.sha3_512]: 'SHA3-512',
  [OID.shake128]: 'SHAKE128',
  [OID.shake256]: 'SHAKE256',
  [OID.ripemd160]: 'RIPEMD-160',
};

/** Output length in bytes of every digest we name. */
export const DIGEST_LENGTHS: Record<DigestName, number> = {
  MD5: 16, 'SHA-1': 20, 'SHA-224': 28, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64, 'SHA3-224': 28, 'SHA3-256': 32,
  'SHA3-384': 48, 'SHA3-512': 64, SHAKE128: 32, SHAKE256: 64, 'RIPEMD-160': 20,
};

/** OID of a digest name (the inverse of DIGEST_OIDS). */
export function digestOid(d: DigestName): string {
  return Object.keys(DIGEST_OIDS).find((o) => DIGEST_OIDS[o] === d)!;
}

/** Digests WebCrypto can compute. */
export function webCryptoDigest(d: DigestName): d is HashAlgorithm | 'SHA-1' {
  return d === 'SHA-1' || d === 'SHA-256' || d === 'SHA-384' || d === 'SHA-512';
}

export const HASH_OIDS: Record<HashAlgorithm, string> = {
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};

export const HASH_LENGTHS: Record<HashAlgorithm, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export function hashOid(hash: HashAlgorithm): string {
  return HASH_OIDS[hash];
}

export function hashLength(hash: HashAlgorithm): number {
  return HASH_LENGTHS[hash];
}

/** Hash algorithm for an OID, or undefined when it is not one we sign with (SHA-1 is not). */
export function hashFromOid(oid: string): HashAlgorithm | undefined {
  const d = DIGEST_OIDS[oid];
  return d === 'SHA-256' || d === 'SHA-384' || d === 'SHA-512' ? d : undefined;
}

/** Like hashFromOid but also knows SHA-1 (for reading other people's CMS, OCSP CertIDs). */
export function anyHashFromOid(oid: string): HashAlgorithm | 'SHA-1' | undefined {
  const d = DIGEST_OIDS[oid];
  return d && webCryptoDigest(d) ? d : undefined;
}

/** Hash with WebCrypto; throws for the digests it cannot compute (MD5, SHA-224). */
export async function digest(hash: DigestName, data: Uint8Array): Promise<Uint8Array> {
  if (!webCryptoDigest(hash)) throw new Error(`digest ${hash} unsupported`);
  return new Uint8Array(await globalThis.crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

/** Parse user/config input like "sha256", "SHA-384". */
export function parseHashName(name: string): HashAlgorithm {
  const n = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (n === 'SHA256') return 'SHA-256';
  if (n === 'SHA384') return 'SHA-384';
  if (n === 'SHA512') return 'SHA-512';
  throw new VanthuError('HASH_UNSUPPORTED', `Thuật toán băm không được hỗ trợ: ${name} (chỉ SHA-256, SHA-384, SHA-512).`,
    `Unsupported hash algorithm: ${name} (only SHA-256, SHA-384, SHA-512).`);
}
