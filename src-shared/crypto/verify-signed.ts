// Verify an X.509-style signature (certificate, CRL, OCSP response): TBS bytes, the
// AlgorithmIdentifier and the BIT STRING signature, against an issuer certificate's key.
import * as pkijs from 'pkijs';
import { parseSignatureAlgorithm } from './algorithms';
import { certificateDer } from './certificate';
import { verifyWithCertificate } from './webcrypto-signer';

export async function verifySignedBytes(issuer: pkijs.Certificate | Uint8Array, tbs: Uint8Array, alg: pkijs.AlgorithmIdentifier, signature: Uint8Array): Promise<boolean> {
  try {
    const { scheme, hash } = parseSignatureAlgorithm(alg);
    const der = issuer instanceof Uint8Array ? issuer : certificateDer(issuer);
    return await verifyWithCertificate(der, tbs, signature, hash, scheme);
  } catch {
    return false;
  }
}

/** Does `issuer` sign `cert`? (Signature check only; names and validity are checked by callers.) */
export function isSignedBy(cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  return verifySignedBytes(issuer, new Uint8Array(cert.tbsView), cert.signatureAlgorithm, new Uint8Array(cert.signatureValue.valueBlock.valueHexView));
}

/** Self-issued and self-signed (a root). */
export async function isSelfSigned(cert: pkijs.Certificate): Promise<boolean> {
  return cert.subject.isEqual(cert.issuer) && isSignedBy(cert, cert);
}
