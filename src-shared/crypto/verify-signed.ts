// Signature checks against a certificate's public key. checkSignature is the one WebCrypto
// verification primitive (any RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, Ed25519/Ed448 WebCrypto can do,
// with "unsupported" kept apart from "invalid"); verifyWithCertificate asks it for one of our own
// schemes, verifySignedBytes applies the signing rules on top for X.509-style signatures
// (certificate, CRL, OCSP response).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme } from '../sign/signer';
import { CURVE_OIDS, SIGNATURE_OIDS, parseSignatureAlgorithm, signatureAlgorithmIdentifier } from './algorithms';
import { parseCertificate } from './certificate';
import { curveByteLength, tryEcdsaDerToRaw } from './ecdsa';
import { DIGEST_OIDS, webCryptoDigest, type DigestName } from './hash';
import { OID } from './oids';

export interface SignatureOutcome {
  /** true/false: the signature does (not) verify; null: the algorithm or key is not supported. */
  ok: boolean | null;
  /** Readable algorithm name for reports (e.g. sha256WithRSAEncryption, RSASSA-PSS/SHA-256). */
  name: string;
  /** The hash the signature was made with (absent for EdDSA and unsupported algorithms). */
  hash?: DigestName;
}

/** The certificate's RSA key re-wrapped as rsaEncryption with NULL parameters (WebCrypto wants that form). */
function rsaSpki(cert: pkijs.Certificate): Uint8Array<ArrayBuffer> {
  const spki = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    subjectPublicKey: cert.subjectPublicKeyInfo.subjectPublicKey,
  });
  return new Uint8Array(spki.toSchema().toBER());
}

/** Named curve of an EC certificate key, or undefined (not EC, or a curve WebCrypto lacks). */
function curveOf(cert: pkijs.Certificate): 'P-256' | 'P-384' | 'P-521' | undefined {
  const alg = cert.subjectPublicKeyInfo.algorithm;
  if (alg.algorithmId !== OID.ecPublicKey) return undefined;
  const p = alg.algorithmParams;
  return p instanceof asn1js.ObjectIdentifier ? CURVE_OIDS[p.valueBlock.toString()]?.name : undefined;
}

function hashOfAlgId(a: pkijs.AlgorithmIdentifier | undefined): DigestName | null {
  if (!a) return 'SHA-1';
  return DIGEST_OIDS[a.algorithmId] ?? null;
}

/**
 * Verify `sig` over `data` with `cert`'s key. `sigAlg` is the signature AlgorithmIdentifier;
 * `digestAlg` supplies the hash where the signature OID does not name one (bare rsaEncryption).
 * Never throws.
 */
export async function checkSignature(
  cert: pkijs.Certificate, sigAlg: pkijs.AlgorithmIdentifier, digestAlg: DigestName, data: Uint8Array, sig: Uint8Array,
): Promise<SignatureOutcome> {
  const subtle = globalThis.crypto.subtle;
  const info = SIGNATURE_OIDS[sigAlg.algorithmId];
  if (!info) return { ok: null, name: sigAlg.algorithmId };
  const d = data as Uint8Array<ArrayBuffer>;
  const s = sig as Uint8Array<ArrayBuffer>;
  try {
    if (info.family === 'rsa') {
      const hash = info.hash ?? digestAlg;
      if (!webCryptoDigest(hash)) return { ok: null, name: `${info.name}/${hash}` };
      const key = await subtle.importKey('spki', rsaSpki(cert), { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
      return { ok: await subtle.verify('RSASSA-PKCS1-v1_5', key, s, d), name: info.hash ? info.name : `${hash.replace('-', '').toLowerCase()}WithRSAEncryption`, hash };
    }
    if (info.family === 'rsa-pss') {
      const params = new pkijs.RSASSAPSSParams({ schema: sigAlg.algorithmParams });
      const hash = hashOfAlgId(params.hashAlgorithm);
      if (!hash || !webCryptoDigest(hash)) return { ok: null, name: 'RSASSA-PSS' };
      const key = await subtle.importKey('spki', rsaSpki(cert), { name: 'RSA-PSS', hash }, false, ['verify']);
      return { ok: await subtle.verify({ name: 'RSA-PSS', saltLength: params.saltLength }, key, s, d), name: `RSASSA-PSS/${hash}`, hash };
    }
    const spkiDer = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER());
    if (info.family === 'ecdsa') {
      const hash = info.hash ?? digestAlg;
      const curve = curveOf(cert);
      if (!curve || !webCryptoDigest(hash)) return { ok: null, name: `ECDSA/${hash}` };
      const raw = tryEcdsaDerToRaw(sig, curveByteLength(curve));
      if (!raw) return { ok: false, name: `ecdsa-with-${hash}`, hash };
      const key = await subtle.importKey('spki', spkiDer, { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
      return { ok: await subtle.verify({ name: 'ECDSA', hash }, key, raw as Uint8Array<ArrayBuffer>, d), name: `ecdsa-with-${hash.replace('-', '')}`, hash };
    }
    const alg = info.family === 'ed25519' ? 'Ed25519' : 'Ed448';
    const key = await subtle.importKey('spki', spkiDer, { name: alg }, false, ['verify']);
    return { ok: await subtle.verify({ name: alg }, key, s, d), name: alg };
  } catch {
    return { ok: false, name: info.name };
  }
}

/** Verify `signature` (CMS form) over `data` made with one of our schemes by the certificate's key. */
export async function verifyWithCertificate(certificate: Uint8Array | pkijs.Certificate, data: Uint8Array, signature: Uint8Array, hash: HashAlgorithm, scheme: SignatureScheme): Promise<boolean> {
  const cert = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
  return (await checkSignature(cert, signatureAlgorithmIdentifier(scheme, hash), hash, data, signature)).ok === true;
}

/** An X.509-style signature under the signing rules (SHA-2 RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA). */
export async function verifySignedBytes(issuer: pkijs.Certificate | Uint8Array, tbs: Uint8Array, alg: pkijs.AlgorithmIdentifier, signature: Uint8Array): Promise<boolean> {
  try {
    const { scheme, hash } = parseSignatureAlgorithm(alg);
    return await verifyWithCertificate(issuer, tbs, signature, hash, scheme);
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
