// Hash helpers over WebCrypto: digest, OIDs and lengths of the SHA-2 family the signing rules allow.
import type { HashAlgorithm } from '../sign/signer';
import { VanthuError } from '../errors';
import { OID } from './oids';

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
  for (const [name, o] of Object.entries(HASH_OIDS)) if (o === oid) return name as HashAlgorithm;
  return undefined;
}

/** Like hashFromOid but also knows SHA-1 (for reading other people's CMS, OCSP CertIDs). */
export function anyHashFromOid(oid: string): HashAlgorithm | 'SHA-1' | undefined {
  return oid === OID.sha1 ? 'SHA-1' : hashFromOid(oid);
}

export async function digest(hash: HashAlgorithm | 'SHA-1', data: Uint8Array): Promise<Uint8Array> {
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
