// Signature AlgorithmIdentifiers for CMS SignerInfo and friends: sha*WithRSAEncryption,
// RSASSA-PSS with its RSASSA-PSS-params (hash, MGF1 with the same hash, salt length, trailer 1),
// ecdsa-with-SHA*. Also the reverse: read an AlgorithmIdentifier back into hash + scheme, and the
// tables of signature and curve OIDs that reading other people's signatures needs.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme } from '../sign/signer';
import { VanthuError } from '../errors';
import { hashFromOid, hashLength, hashOid, type DigestName } from './hash';
import { OID } from './oids';

export type SignatureFamily = 'rsa' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448';

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
};

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
