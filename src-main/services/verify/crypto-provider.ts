// The verifier's CryptoProvider on node:crypto (OpenSSL): every digest a CMS may name (SHA-1/2/3,
// SHAKE128/256 at their CMS output lengths, MD5, RIPEMD-160) and signature verification for RSA
// PKCS#1 v1.5 and RSASSA-PSS with any OpenSSL hash, ECDSA on every named curve OpenSSL knows
// (NIST, brainpool, secp256k1, …) in DER or plain r‖s encoding, DSA, Ed25519 and Ed448. Injected
// into the runtime-agnostic verifier by verify-file.ts; src-shared never imports node:.
import { constants, createHash, createPublicKey, getHashes, verify, type Hash, type KeyObject } from 'node:crypto';
import type { DigestName } from '../../../src-shared/crypto/hash';
import type { CryptoProvider, VerifyAlgorithm } from '../../../src-shared/crypto/provider';
import { registerCache } from '../../../src-shared/caches';

const NAMES: Record<DigestName, string> = {
  MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
  'SHA3-224': 'sha3-224', 'SHA3-256': 'sha3-256', 'SHA3-384': 'sha3-384', 'SHA3-512': 'sha3-512',
  SHAKE128: 'shake128', SHAKE256: 'shake256', 'RIPEMD-160': 'ripemd160',
};
/** CMS output lengths of the XOFs (RFC 8419: SHAKE256 with Ed448 is 512 bits; RFC 8702: SHAKE128 256). */
const XOF_BYTES: Partial<Record<DigestName, number>> = { SHAKE128: 32, SHAKE256: 64 };

let available: Set<string> | undefined;
function has(alg: DigestName): boolean {
  available ??= new Set(getHashes());
  return available.has(NAMES[alg]);
}

/** A streaming node:crypto hash for a digest name (XOFs at their CMS lengths). */
export function nodeHash(alg: DigestName): Hash {
  const n = XOF_BYTES[alg];
  return n ? createHash(NAMES[alg], { outputLength: n }) : createHash(NAMES[alg]);
}

/**
 * Keys already read, by their SPKI bytes: OpenSSL 3 takes about 0.3 ms to decode an RSA key
 * (measured: 60 reads were 7 ms of a 100 ms verification of a 20-signature document, the same
 * signer, CA and CRL keys again and again). Registered so the CLI's start-up snapshot is built
 * with it empty (KeyObjects hold native handles a snapshot cannot contain); bounded.
 */
const keys = new Map<string, KeyObject | null>();
registerCache('verify.nodeKeys', keys);

/** The public key as a KeyObject, or null when OpenSSL cannot read it (unknown curve or algorithm). */
function keyOf(spki: Uint8Array): KeyObject | null {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('latin1');
  const hit = keys.get(id);
  if (hit !== undefined) return hit;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  if (keys.size >= 512) keys.clear();
  keys.set(id, key);
  return key;
}

function verifyWith(alg: VerifyAlgorithm, key: KeyObject, data: Uint8Array, sig: Uint8Array): boolean | null {
  switch (alg.kind) {
    case 'rsa-pkcs1':
      if (!has(alg.hash)) return null;
      return verify(NAMES[alg.hash], data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
    case 'rsa-pss':
      if (!has(alg.hash) || alg.mgfHash !== alg.hash) return null; // OpenSSL's PSS here uses MGF1 with the same hash
      return verify(NAMES[alg.hash], data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, sig);
    case 'ecdsa':
      if (!has(alg.hash)) return null;
      return verify(NAMES[alg.hash], data, { key, dsaEncoding: alg.encoding === 'plain' ? 'ieee-p1363' : 'der' }, sig);
    case 'dsa':
      if (!has(alg.hash)) return null;
      return verify(NAMES[alg.hash], data, { key, dsaEncoding: 'der' }, sig);
    case 'eddsa':
      return verify(null, data, key, sig);
  }
}

export const nodeCryptoProvider: CryptoProvider = {
  name: 'node:crypto',
  hasDigest: has,
  async digest(alg, data) {
    if (!has(alg)) throw new Error(`digest ${alg} unsupported`);
    return new Uint8Array(nodeHash(alg).update(data).digest());
  },
  async verify(spki, alg, data, signature) {
    const key = keyOf(spki);
    if (!key) return null;
    const type = key.asymmetricKeyType;
    const fits = alg.kind === 'eddsa' ? type === alg.curve.toLowerCase() : alg.kind === 'ecdsa' ? type === 'ec' : alg.kind === 'dsa' ? type === 'dsa' : type === 'rsa' || type === 'rsa-pss';
    if (!fits) return false;
    try {
      return verifyWith(alg, key, data, signature);
    } catch {
      return false; // malformed signature encoding, wrong length, and the like
    }
  },
};
