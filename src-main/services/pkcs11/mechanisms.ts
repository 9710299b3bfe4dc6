// Chooses a PKCS#11 signing mechanism from the token's own mechanism list, prepares the input
// (whole data, a digest, or a DigestInfo) and post-processes the output (ECDSA r‖s → DER).

import { createHash } from 'node:crypto';
import type { HashAlgorithm, SignatureScheme } from '../../../src-shared/sign/signer';
import { CKG, CKM } from './constants';
import { noMechanismError } from './errors';

/** A mechanism plan that can cross the process boundary (plain data only). */
export interface MechanismPlan {
  mechanism: number;
  /** RSA-PSS parameters, when the mechanism needs them. */
  pss?: { hashAlg: number; mgf: number; saltLen: number };
  /** What the token receives: the whole message, its digest, or DER DigestInfo(digest). */
  input: 'data' | 'digest' | 'digestinfo';
  /** ECDSA tokens return raw r‖s; CMS wants DER SEQUENCE { r, s }. */
  output: 'raw' | 'ecdsa-der';
  /** For reports: the mechanism's name. */
  name: string;
}

const HASH_INFO: Record<HashAlgorithm, {
  node: string; len: number; ckmHash: number; mgf: number;
  rsaPkcs: number; rsaPss: number; digestInfoPrefix: string;
}> = {
  'SHA-256': {
    node: 'sha256', len: 32, ckmHash: CKM.SHA256, mgf: CKG.MGF1_SHA256,
    rsaPkcs: CKM.SHA256_RSA_PKCS, rsaPss: CKM.SHA256_RSA_PKCS_PSS,
    digestInfoPrefix: '3031300d060960864801650304020105000420',
  },
  'SHA-384': {
    node: 'sha384', len: 48, ckmHash: CKM.SHA384, mgf: CKG.MGF1_SHA384,
    rsaPkcs: CKM.SHA384_RSA_PKCS, rsaPss: CKM.SHA384_RSA_PKCS_PSS,
    digestInfoPrefix: '3041300d060960864801650304020205000430',
  },
  'SHA-512': {
    node: 'sha512', len: 64, ckmHash: CKM.SHA512, mgf: CKG.MGF1_SHA512,
    rsaPkcs: CKM.SHA512_RSA_PKCS, rsaPss: CKM.SHA512_RSA_PKCS_PSS,
    digestInfoPrefix: '3051300d060960864801650304020305000440',
  },
};

export function digest(hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(HASH_INFO[hash].node).update(data).digest());
}

/** DER DigestInfo { AlgorithmIdentifier(hash, NULL), OCTET STRING digest } for RSA PKCS#1 v1.5. */
export function digestInfo(hash: HashAlgorithm, digestValue: Uint8Array): Uint8Array {
  const prefix = Buffer.from(HASH_INFO[hash].digestInfoPrefix, 'hex');
  return new Uint8Array(Buffer.concat([prefix, Buffer.from(digestValue)]));
}

/**
 * Pick the mechanism for (key type, scheme, hash) from what the token lists. Preference:
 * the token's combined hash+sign mechanism when it exists (the token sees the data), else the
 * raw mechanism with hashing done here (CKM_RSA_PKCS + DigestInfo, CKM_RSA_PKCS_PSS, CKM_ECDSA).
 */
export function chooseMechanism(
  keyType: 'rsa' | 'ec',
  scheme: SignatureScheme,
  hash: HashAlgorithm,
  available: readonly number[],
): MechanismPlan {
  const has = (m: number) => available.includes(m);
  const h = HASH_INFO[hash];
  if (keyType === 'ec') {
    if (scheme.kind !== 'ecdsa') throw noMechanismError(`${scheme.kind} with an EC key`);
    if (has(CKM.ECDSA)) return { mechanism: CKM.ECDSA, input: 'digest', output: 'ecdsa-der', name: 'CKM_ECDSA' };
    throw noMechanismError('CKM_ECDSA');
  }
  if (scheme.kind === 'ecdsa') throw noMechanismError('ECDSA with an RSA key');
  if (scheme.kind === 'rsa-pkcs1v15') {
    if (has(h.rsaPkcs)) {
      return { mechanism: h.rsaPkcs, input: 'data', output: 'raw', name: `CKM_${hash.replace('-', '')}_RSA_PKCS` };
    }
    if (has(CKM.RSA_PKCS)) return { mechanism: CKM.RSA_PKCS, input: 'digestinfo', output: 'raw', name: 'CKM_RSA_PKCS' };
    throw noMechanismError(`CKM_${hash.replace('-', '')}_RSA_PKCS / CKM_RSA_PKCS`);
  }
  const pss = { hashAlg: h.ckmHash, mgf: h.mgf, saltLen: scheme.saltLength ?? h.len };
  if (has(CKM.RSA_PKCS_PSS)) return { mechanism: CKM.RSA_PKCS_PSS, pss, input: 'digest', output: 'raw', name: 'CKM_RSA_PKCS_PSS' };
  if (has(h.rsaPss)) {
    return { mechanism: h.rsaPss, pss, input: 'data', output: 'raw', name: `CKM_${hash.replace('-', '')}_RSA_PKCS_PSS` };
  }
  throw noMechanismError('CKM_RSA_PKCS_PSS');
}

/** Which signature schemes a token can produce for a key, preferred first. */
export function schemesFor(keyType: 'rsa' | 'ec', available: readonly number[]): SignatureScheme['kind'][] {
  const has = (m: number) => available.includes(m);
  if (keyType === 'ec') return has(CKM.ECDSA) ? ['ecdsa'] : [];
  const out: SignatureScheme['kind'][] = [];
  if (has(CKM.SHA256_RSA_PKCS) || has(CKM.RSA_PKCS)) out.push('rsa-pkcs1v15');
  if (has(CKM.RSA_PKCS_PSS) || has(CKM.SHA256_RSA_PKCS_PSS)) out.push('rsa-pss');
  return out;
}

/** Build what the token must sign under `plan`. */
export function prepareInput(plan: MechanismPlan, hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  if (plan.input === 'data') return data;
  const d = digest(hash, data);
  return plan.input === 'digest' ? d : digestInfo(hash, d);
}

function derInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = Buffer.from(bytes.subarray(i));
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

/** Convert a raw ECDSA signature r‖s (PKCS#11 form) to DER SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError('ECDSA signature must be r‖s of equal halves');
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]));
}

export function finishSignature(plan: MechanismPlan, sig: Uint8Array): Uint8Array {
  return plan.output === 'ecdsa-der' ? ecdsaRawToDer(sig) : sig;
}
