// Algorithm policy from the signing rules in force (Decree 23/2025 circular, formerly Circular
// 22/2020): RSA ≥ 2048 bits, ECDSA ≥ 256 bits, SHA-256 or stronger. Checks return VanthuErrors.
import type { HashAlgorithm, KeyDescription, SignatureScheme } from '../sign/signer';
import { VanthuError } from '../errors';

export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;
export const ALLOWED_HASHES: readonly HashAlgorithm[] = ['SHA-256', 'SHA-384', 'SHA-512'];

/** Null when the key meets the policy, else the error to show. */
export function keyPolicyError(key: KeyDescription): VanthuError | null {
  if (key.type === 'rsa' && key.bits < MIN_RSA_BITS) {
    return new VanthuError('KEY_TOO_WEAK', `Khóa RSA ${key.bits} bit quá yếu (tối thiểu ${MIN_RSA_BITS} bit).`,
      `RSA key of ${key.bits} bits is too weak (minimum ${MIN_RSA_BITS}).`);
  }
  if (key.type === 'ec' && key.bits < MIN_EC_BITS) {
    return new VanthuError('KEY_TOO_WEAK', `Khóa ECDSA ${key.bits} bit quá yếu (tối thiểu ${MIN_EC_BITS} bit).`,
      `ECDSA key of ${key.bits} bits is too weak (minimum ${MIN_EC_BITS}).`);
  }
  return null;
}

export function assertKeyPolicy(key: KeyDescription): void {
  const e = keyPolicyError(key);
  if (e) throw e;
}

export function isAllowedHash(hash: string): hash is HashAlgorithm {
  return (ALLOWED_HASHES as readonly string[]).includes(hash);
}

export function assertHashPolicy(hash: string): asserts hash is HashAlgorithm {
  if (!isAllowedHash(hash)) {
    throw new VanthuError('HASH_TOO_WEAK', `Thuật toán băm ${hash} không được phép (cần SHA-256 trở lên).`,
      `Hash algorithm ${hash} is not allowed (SHA-256 or stronger required).`);
  }
}

/** Schemes a key type can produce at all. */
export function schemesForKey(key: KeyDescription): SignatureScheme['kind'][] {
  return key.type === 'rsa' ? ['rsa-pss', 'rsa-pkcs1v15'] : ['ecdsa'];
}

/** The hash that matches a key's strength: SHA-384 for P-384, SHA-512 for P-521, SHA-256 otherwise. */
export function defaultHashForKey(key: KeyDescription): HashAlgorithm {
  if (key.type === 'ec' && key.bits >= 521) return 'SHA-512';
  if (key.type === 'ec' && key.bits >= 384) return 'SHA-384';
  return 'SHA-256';
}

/**
 * Pick the signature scheme: ECDSA for EC keys; for RSA, PSS when the policy prefers it and the
 * signer supports it, else PKCS#1 v1.5 (what most tokens in the field do).
 */
export function chooseScheme(key: KeyDescription, supported: readonly SignatureScheme['kind'][], preferPss = true): SignatureScheme {
  if (key.type === 'ec') {
    if (!supported.includes('ecdsa')) throw schemeError('ecdsa');
    return { kind: 'ecdsa' };
  }
  if (preferPss && supported.includes('rsa-pss')) return { kind: 'rsa-pss' };
  if (supported.includes('rsa-pkcs1v15')) return { kind: 'rsa-pkcs1v15' };
  if (supported.includes('rsa-pss')) return { kind: 'rsa-pss' };
  throw schemeError('rsa');
}

/** Check that a scheme fits the key (no ECDSA with an RSA key and the other way round). */
export function assertSchemeFitsKey(key: KeyDescription, scheme: SignatureScheme): void {
  const ok = key.type === 'ec' ? scheme.kind === 'ecdsa' : scheme.kind === 'rsa-pss' || scheme.kind === 'rsa-pkcs1v15';
  if (!ok) throw schemeError(scheme.kind);
}

function schemeError(kind: string): VanthuError {
  return new VanthuError('SCHEME_UNSUPPORTED', `Khóa/thiết bị ký không hỗ trợ lược đồ chữ ký ${kind}.`,
    `The key or token does not support the ${kind} signature scheme.`);
}
