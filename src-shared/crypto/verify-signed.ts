// Signature checks against a certificate's public key. checkSignature is the one verification
// primitive of the engine: it reads the signature AlgorithmIdentifier (RSA PKCS#1 v1.5 with SHA-1/2/3,
// RSASSA-PSS with any hash, MGF1 hash and salt, ECDSA in DER or BSI plain r‖s, DSA, Ed25519/Ed448)
// and asks the injected CryptoProvider (default WebCrypto) to verify, keeping "unsupported" (null,
// with the OID or hash named) apart from "invalid"; checkSignatureOnContent does the same for a
// signature directly over large detached content (digest-only RSA/PSS checks, else the message).
// verifyWithCertificate asks it for one of our own schemes, verifySignedBytes applies the signing
// rules on top for X.509-style signatures (certificate, CRL, OCSP response).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme } from '../sign/signer';
import { SIGNATURE_OIDS, digestOfAlgorithm, parseSignatureAlgorithm, signatureAlgorithmIdentifier } from './algorithms';
import { parseCertificate } from './certificate';
import { DIGEST_LENGTHS, type DigestName } from './hash';
import { OID } from './oids';
import { webCryptoProvider, type CryptoProvider, type VerifyAlgorithm } from './provider';
import { rsaPublicFromKeyBits, verifyPkcs1Digest, verifyPssDigest } from './rsa-digest';

export interface SignatureOutcome {
  /** true/false: the signature does (not) verify; null: the algorithm or key is not supported. */
  ok: boolean | null;
  /** Readable algorithm name for reports (e.g. sha256WithRSAEncryption, RSASSA-PSS/SHA-256). */
  name: string;
  /** The hash the signature was made with (absent for EdDSA and unsupported algorithms). */
  hash?: DigestName;
  /** What could not be verified (ok null): the OID of the algorithm, hash or curve. */
  unsupported?: string;
  /** The signature algorithm OID as written. */
  oid?: string;
}

/** A signature algorithm read for verification, or what makes it unsupported. */
export type ResolvedAlgorithm =
  | { alg: VerifyAlgorithm; name: string; hash?: DigestName }
  | { unsupported: string; name: string };

/** Readable hash label: SHA256, SHA3-256, SHAKE256, MD5, RIPEMD-160. */
function label(h: DigestName): string {
  return h.startsWith('SHA-') ? h.replace('-', '') : h;
}

/**
 * Resolve a signature AlgorithmIdentifier (with the SignerInfo digest algorithm for the OIDs
 * that name no hash: rsaEncryption, ecPublicKey, dsa) into what the provider verifies.
 */
export function resolveSignatureAlgorithm(sigAlg: pkijs.AlgorithmIdentifier, digestAlg: DigestName | null): ResolvedAlgorithm {
  const oid = sigAlg.algorithmId;
  const info = SIGNATURE_OIDS[oid];
  if (!info) return { unsupported: oid, name: oid };
  const noHash = { unsupported: `${oid} (digest algorithm unknown)`, name: info.name };
  switch (info.family) {
    case 'rsa': {
      const hash = info.hash ?? digestAlg;
      if (!hash) return noHash;
      return { alg: { kind: 'rsa-pkcs1', hash }, name: info.hash ? info.name : `${label(hash).toLowerCase()}WithRSAEncryption`, hash };
    }
    case 'rsa-pss': {
      let params: pkijs.RSASSAPSSParams;
      try {
        params = new pkijs.RSASSAPSSParams(sigAlg.algorithmParams ? { schema: sigAlg.algorithmParams } : {});
      } catch {
        return { unsupported: `${oid} (malformed RSASSA-PSS-params)`, name: 'RSASSA-PSS' };
      }
      const hash = params.hashAlgorithm ? digestOfAlgorithm(params.hashAlgorithm) : 'SHA-1';
      if (!hash) return { unsupported: `${oid} with hash ${params.hashAlgorithm.algorithmId}`, name: 'RSASSA-PSS' };
      const mga = params.maskGenAlgorithm;
      if (mga && mga.algorithmId !== OID.mgf1) return { unsupported: `${oid} with mask generation ${mga.algorithmId}`, name: `RSASSA-PSS/${hash}` };
      let mgfHash: DigestName | null = 'SHA-1';
      if (mga) {
        try {
          mgfHash = mga.algorithmParams ? digestOfAlgorithm(new pkijs.AlgorithmIdentifier({ schema: mga.algorithmParams })) : 'SHA-1';
        } catch {
          mgfHash = null;
        }
      }
      if (!mgfHash) return { unsupported: `${oid} with MGF1 hash unknown`, name: `RSASSA-PSS/${hash}` };
      if ((params.trailerField ?? 1) !== 1) return { unsupported: `${oid} with trailer field ${params.trailerField}`, name: `RSASSA-PSS/${hash}` };
      const saltLength = params.saltLength ?? 20;
      const extra = mgfHash !== hash || saltLength !== DIGEST_LENGTHS[hash] ? ` (MGF1 ${mgfHash}, salt ${saltLength})` : '';
      return { alg: { kind: 'rsa-pss', hash, mgfHash, saltLength }, name: `RSASSA-PSS/${hash}${extra}`, hash };
    }
    case 'ecdsa':
    case 'ecdsa-plain': {
      const hash = info.hash ?? digestAlg;
      if (!hash) return noHash;
      const plain = info.family === 'ecdsa-plain';
      return { alg: { kind: 'ecdsa', hash, encoding: plain ? 'plain' : 'der' }, name: info.hash ? info.name : `ecdsa-with-${label(hash)}`, hash };
    }
    case 'dsa': {
      const hash = info.hash ?? digestAlg;
      if (!hash) return noHash;
      return { alg: { kind: 'dsa', hash }, name: info.hash ? info.name : `dsa-with-${label(hash).toLowerCase()}`, hash };
    }
    case 'ed25519':
      return { alg: { kind: 'eddsa', curve: 'Ed25519' }, name: 'Ed25519' };
    case 'ed448':
      return { alg: { kind: 'eddsa', curve: 'Ed448' }, name: 'Ed448' };
  }
}

/** The certificate's RSA key re-wrapped as rsaEncryption with NULL parameters (what providers take). */
function rsaSpki(cert: pkijs.Certificate): Uint8Array<ArrayBuffer> {
  const spki = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    subjectPublicKey: cert.subjectPublicKeyInfo.subjectPublicKey,
  });
  return new Uint8Array(spki.toSchema().toBER());
}

/** keyFor's answers per certificate (parsed certificates are shared: one signer, 20 signatures). */
const keysOf = new WeakMap<pkijs.Certificate, Map<string, Uint8Array | null>>();

/** The key as the provider takes it, or null when key and algorithm do not belong together. */
function keyFor(cert: pkijs.Certificate, alg: VerifyAlgorithm): Uint8Array | null {
  const memo = keysOf.get(cert) ?? new Map<string, Uint8Array | null>();
  keysOf.set(cert, memo);
  const k = alg.kind === 'eddsa' ? `eddsa:${alg.curve}` : alg.kind;
  if (memo.has(k)) return memo.get(k)!;
  const key = keyForUncached(cert, alg);
  memo.set(k, key);
  return key;
}

function keyForUncached(cert: pkijs.Certificate, alg: VerifyAlgorithm): Uint8Array | null {
  const keyAlg = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  switch (alg.kind) {
    case 'rsa-pkcs1':
    case 'rsa-pss':
      return keyAlg === OID.rsaEncryption || keyAlg === OID.rsassaPss ? rsaSpki(cert) : null;
    case 'ecdsa':
      if (keyAlg !== OID.ecPublicKey) return null;
      break;
    case 'dsa':
      if (keyAlg !== OID.dsa) return null;
      break;
    case 'eddsa':
      if (keyAlg !== (alg.curve === 'Ed25519' ? OID.ed25519 : OID.ed448)) return null;
      break;
  }
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER());
}

function rsaKey(cert: pkijs.Certificate) {
  return rsaPublicFromKeyBits(new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
}

/**
 * Verify `sig` over `data` with `cert`'s key. `sigAlg` is the signature AlgorithmIdentifier;
 * `digestAlg` supplies the hash where the signature OID does not name one (bare rsaEncryption).
 * Never throws.
 */
export async function checkSignature(
  cert: pkijs.Certificate, sigAlg: pkijs.AlgorithmIdentifier, digestAlg: DigestName | null, data: Uint8Array, sig: Uint8Array,
  provider: CryptoProvider = webCryptoProvider,
): Promise<SignatureOutcome> {
  const oid = sigAlg.algorithmId;
  const r = resolveSignatureAlgorithm(sigAlg, digestAlg);
  if ('unsupported' in r) return { ok: null, name: r.name, unsupported: r.unsupported, oid };
  const base = { name: r.name, hash: r.hash, oid };
  try {
    const key = keyFor(cert, r.alg);
    if (!key) return { ok: false, ...base };
    const a = r.alg;
    if (a.kind === 'rsa-pss' && a.mgfHash !== a.hash) {
      // a provider's PSS takes one hash: MGF1 with another one goes through the digest-only check
      if (!provider.hasDigest(a.hash) || !provider.hasDigest(a.mgfHash)) return { ok: null, ...base, unsupported: `${a.hash}/${a.mgfHash}` };
      const mHash = await provider.digest(a.hash, data);
      return { ok: (await verifyPssDigest(rsaKey(cert), a.hash, a.mgfHash, a.saltLength, mHash, sig, provider.digest)) === 'valid', ...base };
    }
    const ok = await provider.verify(key, a, data, sig);
    if (ok === null) return { ok: null, ...base, unsupported: unsupportedPart(cert, a, provider) };
    return { ok, ...base };
  } catch {
    return { ok: false, ...base };
  }
}

/** What a provider could not do: the hash it lacks, else the key (curve) or algorithm. */
function unsupportedPart(cert: pkijs.Certificate, a: VerifyAlgorithm, provider: CryptoProvider): string {
  if ('hash' in a && !provider.hasDigest(a.hash)) return a.hash;
  const p = cert.subjectPublicKeyInfo.algorithm.algorithmParams;
  if (a.kind === 'ecdsa' && p instanceof asn1js.ObjectIdentifier) return `curve ${p.valueBlock.toString()}`;
  return `${a.kind} key ${cert.subjectPublicKeyInfo.algorithm.algorithmId}`;
}

/** Detached content that is only read when needed: its digest by algorithm, or all of it. */
export interface LargeContent {
  digestOf(alg: DigestName): Promise<Uint8Array>;
  /** The content itself (EdDSA, ECDSA and DSA verification need the message). */
  bytes(): Promise<Uint8Array>;
}

export interface ContentSignatureOutcome extends SignatureOutcome {
  /** The signature was made by this key over other content (RSA and PSS can tell). */
  digestMismatch?: boolean;
}

/**
 * Verify a signature made directly over detached content (CMS without signed attributes). RSA
 * PKCS#1 v1.5 and RSASSA-PSS are checked against the content digest, so a changed document reads
 * as a digest mismatch; the other algorithms need the content itself. Never throws.
 */
export async function checkSignatureOnContent(
  cert: pkijs.Certificate, sigAlg: pkijs.AlgorithmIdentifier, digestAlg: DigestName | null, content: LargeContent, sig: Uint8Array,
  provider: CryptoProvider = webCryptoProvider,
): Promise<ContentSignatureOutcome> {
  const oid = sigAlg.algorithmId;
  const r = resolveSignatureAlgorithm(sigAlg, digestAlg);
  if ('unsupported' in r) return { ok: null, name: r.name, unsupported: r.unsupported, oid };
  const base = { name: r.name, hash: r.hash, oid };
  const a = r.alg;
  try {
    if (a.kind === 'rsa-pkcs1' || a.kind === 'rsa-pss') {
      if (!keyFor(cert, a)) return { ok: false, ...base };
      const need = a.kind === 'rsa-pss' ? [a.hash, a.mgfHash] : [a.hash];
      for (const h of need) if (!provider.hasDigest(h)) return { ok: null, ...base, unsupported: h };
      const digestValue = await content.digestOf(a.hash);
      const out = a.kind === 'rsa-pkcs1'
        ? verifyPkcs1Digest(rsaKey(cert), a.hash, digestValue, sig)
        : await verifyPssDigest(rsaKey(cert), a.hash, a.mgfHash, a.saltLength, digestValue, sig, provider.digest);
      return { ok: out === 'valid', digestMismatch: out === 'digest-mismatch', ...base };
    }
    const key = keyFor(cert, a);
    if (!key) return { ok: false, ...base };
    const ok = await provider.verify(key, a, await content.bytes(), sig);
    if (ok === null) return { ok: null, ...base, unsupported: unsupportedPart(cert, a, provider) };
    return { ok, ...base };
  } catch {
    return { ok: false, ...base };
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
