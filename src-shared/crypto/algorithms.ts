// Signature AlgorithmIdentifiers for CMS SignerInfo and friends: sha*WithRSAEncryption,
// RSASSA-PSS with its RSASSA-PSS-params (hash, MGF1 with the same hash, salt length, trailer 1),
// ecdsa-with-SHA*. Also the reverse: read an AlgorithmIdentifier back into hash + scheme, and the
// tables of signature and curve OIDs that reading other people's signatures needs.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme } from '../sign/signer';
import { VanthuError } from '../errors';
import { DIGEST_OIDS as DIGEST_OIDS_ALL, hashFromOid, hashLength, hashOid, type DigestName } from './hash';
import { OID } from './oids';

export type SignatureFamily = 'rsa' | 'rsa-pss' | 'ecdsa' | 'ecdsa-plain' | 'dsa' | 'ed25519' | 'ed448';

/** Signature algorithm OIDs: family plus the hash they imply (undefined = take the digest algorithm). */
export const SIGNATURE_OIDS: Record<string, { family: SignatureFamily; hash?: DigestName; name: string }> = {
  [OID.rsaEncryption]: { family: 'rsa', name: 'RSA' },
  [OID.md5WithRSA]: { family: 'rsa', hash: 'MD5', name: 'md5WithRSAEncryption' },
  [OID.sha1WithRSA]: { family: 'rsa', hash: 'SHA-1', name: 'sha1WithRSAEncryption' },
  [OID.sha224WithRSA]: { family: 'rsa', hash: 'SHA-224', name: 'sha224WithRSAEncryption' },
  [OID.sha256WithRSA]: { family: 'rsa', hash: 'SHA-256', name: 'sha256WithRSAEncryption' },
  [OID.sha384WithRSA]: { family: 'rsa', hash: 'SHA-384', name: 'sha384WithRSAEncryption' },
  [OID.sha512WithRSA]: { family: 'rsa', hash: 'SHA-512', name: 'sha512WithRSAEncryption' },
  [OID.rsassaPss]: { family: 'rsa-pss', name: 'RSASSA-PSS' },
  [OID.ecPublicKey]: { family: 'ecdsa', name: 'ECDSA' },
  [OID.ecdsaWithSHA1]: { family: 'ecdsa', hash: 'SHA-1', name: 'ecdsa-with-SHA1' },
  [OID.ecdsaWithSHA256]: { family: 'ecdsa', hash: 'SHA-256', name: 'ecdsa-with-SHA256' },
  [OID.ecdsaWithSHA384]: { family: 'ecdsa', hash: 'SHA-384', name: 'ecdsa-with-SHA384' },
  [OID.ecdsaWithSHA512]: { family: 'ecdsa', hash: 'SHA-512', name: 'ecdsa-with-SHA512' },
  [OID.ed25519]: { family: 'ed25519', name: 'Ed25519' },
  [OID.ed448]: { family: 'ed448', name: 'Ed448' },
  [OID.rsaWithSHA3_224]: { family: 'rsa', hash: 'SHA3-224', name: 'id-rsassa-pkcs1-v1_5-with-sha3-224' },
  [OID.rsaWithSHA3_256]: { family: 'rsa', hash: 'SHA3-256', name: 'id-rsassa-pkcs1-v1_5-with-sha3-256' },
  [OID.rsaWithSHA3_384]: { family: 'rsa', hash: 'SHA3-384', name: 'id-rsassa-pkcs1-v1_5-with-sha3-384' },
  [OID.rsaWithSHA3_512]: { family: 'rsa', hash: 'SHA3-512', name: 'id-rsassa-pkcs1-v1_5-with-sha3-512' },
  [OID.ecdsaWithSHA224]: { family: 'ecdsa', hash: 'SHA-224', name: 'ecdsa-with-SHA224' },
  [OID.ecdsaWithSHA3_224]: { family: 'ecdsa', hash: 'SHA3-224', name: 'ecdsa-with-SHA3-224' },
  [OID.ecdsaWithSHA3_256]: { family: 'ecdsa', hash: 'SHA3-256', name: 'ecdsa-with-SHA3-256' },
  [OID.ecdsaWithSHA3_384]: { family: 'ecdsa', hash: 'SHA3-384', name: 'ecdsa-with-SHA3-384' },
  [OID.ecdsaWithSHA3_512]: { family: 'ecdsa', hash: 'SHA3-512', name: 'ecdsa-with-SHA3-512' },
  [`${OID.ecdsaPlain}.1`]: { family: 'ecdsa-plain', hash: 'SHA-1', name: 'ecdsa-plain-SHA1' },
  [`${OID.ecdsaPlain}.2`]: { family: 'ecdsa-plain', hash: 'SHA-224', name: 'ecdsa-plain-SHA224' },
  [`${OID.ecdsaPlain}.3`]: { family: 'ecdsa-plain', hash: 'SHA-256', name: 'ecdsa-plain-SHA256' },
  [`${OID.ecdsaPlain}.4`]: { family: 'ecdsa-plain', hash: 'SHA-384', name: 'ecdsa-plain-SHA384' },
  [`${OID.ecdsaPlain}.5`]: { family: 'ecdsa-plain', hash: 'SHA-512', name: 'ecdsa-plain-SHA512' },
  [`${OID.ecdsaPlain}.6`]: { family: 'ecdsa-plain', hash: 'RIPEMD-160', name: 'ecdsa-plain-RIPEMD160' },
  [`${OID.ecdsaPlain}.8`]: { family: 'ecdsa-plain', hash: 'SHA3-224', name: 'ecdsa-plain-SHA3-224' },
  [`${OID.ecdsaPlain}.9`]: { family: 'ecdsa-plain', hash: 'SHA3-256', name: 'ecdsa-plain-SHA3-256' },
  [`${OID.ecdsaPlain}.10`]: { family: 'ecdsa-plain', hash: 'SHA3-384', name: 'ecdsa-plain-SHA3-384' },
  [`${OID.ecdsaPlain}.11`]: { family: 'ecdsa-plain', hash: 'SHA3-512', name: 'ecdsa-plain-SHA3-512' },
  [OID.dsa]: { family: 'dsa', name: 'DSA' },
  [OID.dsaWithSHA1]: { family: 'dsa', hash: 'SHA-1', name: 'dsa-with-sha1' },
  [OID.dsaWithSHA224]: { family: 'dsa', hash: 'SHA-224', name: 'dsa-with-sha224' },
  [OID.dsaWithSHA256]: { family: 'dsa', hash: 'SHA-256', name: 'dsa-with-sha256' },
};

/**
 * Every named EC curve a signer key may use, by OID: its size in bits (the order's) and name;
 * `webCrypto` for the three WebCrypto knows. node:crypto (OpenSSL) verifies on all of them.
 */
export const EC_CURVES: Record<string, { name: string; bits: number; webCrypto?: 'P-256' | 'P-384' | 'P-521' }> = {
  [OID.p256]: { name: 'P-256', bits: 256, webCrypto: 'P-256' },
  [OID.p384]: { name: 'P-384', bits: 384, webCrypto: 'P-384' },
  [OID.p521]: { name: 'P-521', bits: 521, webCrypto: 'P-521' },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.1': { name: 'brainpoolP160r1', bits: 160 },
  '1.3.36.3.3.2.8.1.1.3': { name: 'brainpoolP192r1', bits: 192 },
  '1.3.36.3.3.2.8.1.1.5': { name: 'brainpoolP224r1', bits: 224 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.9': { name: 'brainpoolP320r1', bits: 320 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
  '1.3.36.3.3.2.8.1.1.2': { name: 'brainpoolP160t1', bits: 160 },
  '1.3.36.3.3.2.8.1.1.4': { name: 'brainpoolP192t1', bits: 192 },
  '1.3.36.3.3.2.8.1.1.6': { name: 'brainpoolP224t1', bits: 224 },
  '1.3.36.3.3.2.8.1.1.8': { name: 'brainpoolP256t1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.10': { name: 'brainpoolP320t1', bits: 320 },
  '1.3.36.3.3.2.8.1.1.12': { name: 'brainpoolP384t1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.14': { name: 'brainpoolP512t1', bits: 512 },
};

/**
 * The digest named by an AlgorithmIdentifier, or null: the DIGEST_OIDS table plus the
 * length-parameterised SHAKE identifiers (RFC 8702), accepted with their CMS output lengths.
 */
export function digestOfAlgorithm(a: pkijs.AlgorithmIdentifier | undefined): DigestName | null {
  if (!a) return null;
  const known = DIGEST_OIDS_ALL[a.algorithmId];
  if (known) return known;
  const len = a.algorithmParams instanceof asn1js.Integer ? a.algorithmParams.valueBlock.valueDec : -1;
  if (a.algorithmId === OID.shake256Len && len === 512) return 'SHAKE256';
  if (a.algorithmId === OID.shake128Len && len === 256) return 'SHAKE128';
  return null;
}

/** Named curves WebCrypto knows, by OID. */
export const CURVE_OIDS: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; bits: number }> = {
  [OID.p256]: { name: 'P-256', bits: 256 },
  [OID.p384]: { name: 'P-384', bits: 384 },
  [OID.p521]: { name: 'P-521', bits: 521 },
};

export function digestAlgorithmIdentifier(hash: HashAlgorithm): pkijs.AlgorithmIdentifier {
  // RFC 5754: parameters absent is preferred, NULL accepted; we write absent.
  return new pkijs.AlgorithmIdentifier({ algorithmId: hashOid(hash) });
}

const RSA_OIDS: Record<HashAlgorithm, string> = { 'SHA-256': OID.sha256WithRSA, 'SHA-384': OID.sha384WithRSA, 'SHA-512': OID.sha512WithRSA };
const ECDSA_OIDS: Record<HashAlgorithm, string> = { 'SHA-256': OID.ecdsaWithSHA256, 'SHA-384': OID.ecdsaWithSHA384, 'SHA-512': OID.ecdsaWithSHA512 };

/** Effective PSS salt length: the scheme's, else the hash length. */
export function pssSaltLength(scheme: SignatureScheme, hash: HashAlgorithm): number {
  return scheme.kind === 'rsa-pss' && scheme.saltLength !== undefined ? scheme.saltLength : hashLength(hash);
}

export function signatureAlgorithmIdentifier(scheme: SignatureScheme, hash: HashAlgorithm): pkijs.AlgorithmIdentifier {
  switch (scheme.kind) {
    case 'rsa-pkcs1v15':
      return new pkijs.AlgorithmIdentifier({ algorithmId: RSA_OIDS[hash], algorithmParams: new asn1js.Null() });
    case 'ecdsa':
      return new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_OIDS[hash] });
    case 'rsa-pss': {
      const hashAlg = new pkijs.AlgorithmIdentifier({ algorithmId: hashOid(hash), algorithmParams: new asn1js.Null() });
      const params = new pkijs.RSASSAPSSParams({
        hashAlgorithm: hashAlg,
        maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: hashAlg.toSchema() }),
        saltLength: pssSaltLength(scheme, hash),
      });
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsassaPss, algorithmParams: params.toSchema() });
    }
  }
}

/**
 * Read a SignerInfo signatureAlgorithm (plus the digestAlgorithm for the cases where the
 * signature OID does not carry the hash, e.g. bare rsaEncryption) into scheme + hash.
 */
export function parseSignatureAlgorithm(alg: pkijs.AlgorithmIdentifier, digestAlg?: pkijs.AlgorithmIdentifier): { scheme: SignatureScheme; hash: HashAlgorithm } {
  const id = alg.algorithmId;
  const digestHash = digestAlg ? hashFromOid(digestAlg.algorithmId) : undefined;
  for (const [h, o] of Object.entries(RSA_OIDS)) if (o === id) return { scheme: { kind: 'rsa-pkcs1v15' }, hash: h as HashAlgorithm };
  for (const [h, o] of Object.entries(ECDSA_OIDS)) if (o === id) return { scheme: { kind: 'ecdsa' }, hash: h as HashAlgorithm };
  if (id === OID.rsaEncryption && digestHash) return { scheme: { kind: 'rsa-pkcs1v15' }, hash: digestHash };
  if (id === OID.rsassaPss) {
    const params = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
    const h = hashFromOid(params.hashAlgorithm.algorithmId);
    if (h) return { scheme: { kind: 'rsa-pss', saltLength: params.saltLength }, hash: h };
  }
  throw new VanthuError('ALG_UNSUPPORTED', `Thuật toán chữ ký không được hỗ trợ (${id}).`, `Unsupported signature algorithm (${id}).`);
}
