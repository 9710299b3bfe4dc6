// Signature AlgorithmIdentifiers for CMS SignerInfo and friends: sha*WithRSAEncryption,
// RSASSA-PSS with its RSASSA-PSS-params (hash, MGF1 with the same hash, salt length, trailer 1),
// ecdsa-with-SHA*. Also the reverse: read an AlgorithmIdentifier back into hash + scheme.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme } from '../sign/signer';
import { VanthuError } from '../errors';
import { hashFromOid, hashLength, hashOid } from './hash';
import { OID } from './oids';

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
