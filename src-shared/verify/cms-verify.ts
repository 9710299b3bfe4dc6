// CMS SignedData verification for PDF signatures and RFC 3161 tokens, on the shared SignerInfo core
// (src-shared/cms/verify.ts: signer certificate, attributes, message digest, signature over the
// signed attributes): adds content-type, the verifier's algorithm and key policy, signatures without
// signed attributes, the ESS signing-certificate(-v2) binding, and collects what sits next to it
// (signature timestamps, adbe-revocationInfoArchival, embedded CRLs). Never throws on bad input:
// failures are findings.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  attributesOf as attrs, checkSignerSignature, encapsulatedContent, findSignerCertificate, messageDigestOf, signedAttribute,
  signedAttributesForVerification,
  embeddedCertificates,
} from '../cms/verify';
import {
  DIGEST_OIDS, OID, SIGNATURE_OIDS, bytesEqual, digest, digestAccepted, keyAccepted,
  webCryptoDigest, type DigestName,
} from './algorithms';
import { keyInfo } from './identity';
import { verifyRsaPkcs1Digest } from './rsa-raw';
import { derOf, readSignedData } from '../cms/signed-data';
import { finding } from './messages';
import type { Finding, Indication, SubIndication } from './report';

export type SignedContent =
  /** The signed content lives outside the CMS (PDF ByteRange): the caller hashes it. */
  | { kind: 'detached'; digestOf: (alg: DigestName) => Promise<Uint8Array>; need?: (alg: DigestName) => void }
  /** The content is eContent inside the CMS (timestamp tokens, adbe.pkcs7.sha1). */
  | { kind: 'encapsulated' };

export interface RevocationValues {
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

export interface SignedDataCheck {
  parsed: boolean;
  signedData: pkijs.SignedData | null;
  signerCert: pkijs.Certificate | null;
  /** DER of the certificates embedded in the CMS. */
  certificateDers: Uint8Array[];
  digestAlgorithm: DigestName | null;
  signatureAlgorithm: string | null;
  eContentType: string | null;
  eContent: Uint8Array | null;
  messageDigestOk: boolean;
  signatureOk: boolean;
  ess: 'v2' | 'v1' | 'missing' | 'mismatch';
  signingTime: Date | null;
  signatureValue: Uint8Array | null;
  /** DER of RFC 3161 tokens in the unsigned signature-time-stamp attribute. */
  timestampTokens: Uint8Array[];
  /** adbe-revocationInfoArchival plus CRLs in the SignedData itself. */
  revocation: RevocationValues;
  findings: Finding[];
  /** First failure met, if any. */
  failure: { indication: Indication; subIndication: SubIndication } | null;
  /** Content digest comparison still running (deferDigest); see settleDigest. */
  pendingDigest: Promise<void> | null;
  /** Tells the content's hasher that the digest is now awaited (see RangeHasher.need). */
  digestNeeded?: () => void;
}

function empty(): SignedDataCheck {
  return {
    parsed: false, signedData: null, signerCert: null, certificateDers: [], digestAlgorithm: null,
    signatureAlgorithm: null, eContentType: null, eContent: null, messageDigestOk: false,
    signatureOk: false, ess: 'missing', signingTime: null, signatureValue: null, timestampTokens: [],
    revocation: { crls: [], ocsps: [] }, findings: [], failure: null, pendingDigest: null,
  };
}

/** Which failure wins when several are found (integrity before policy). */
const PRIORITY: Partial<Record<SubIndication, number>> = {
  HASH_FAILURE: 5, SIG_CRYPTO_FAILURE: 4, FORMAT_FAILURE: 3, CRYPTO_CONSTRAINTS_FAILURE: 2, NO_SIGNING_CERTIFICATE_FOUND: 1,
};

function fail(r: SignedDataCheck, indication: Indication, sub: SubIndication, f: Finding): SignedDataCheck {
  r.findings.push(f);
  const rank = (x: SubIndication) => PRIORITY[x] ?? 0;
  const cur = r.failure;
  if (!cur || rank(sub) > rank(cur.subIndication) || (rank(sub) === rank(cur.subIndication) && indication === 'TOTAL_FAILED' && cur.indication !== 'TOTAL_FAILED')) {
    r.failure = { indication, subIndication: sub };
  }
  return r;
}

function u8(b: ArrayBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

/** Parse the ESS signing-certificate(-v2) attribute and compare it with the signer certificate. */
async function checkEss(si: pkijs.SignerInfo, cert: pkijs.Certificate): Promise<SignedDataCheck['ess']> {
  const certDer = derOf(cert);
  const v2 = attrs(si, 'signed', OID.signingCertificateV2)[0];
  const v1 = attrs(si, 'signed', OID.signingCertificate)[0];
  const a = v2 ?? v1;
  if (!a || a.values.length === 0) return 'missing';
  try {
    const certs = (a.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const firstId = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = firstId.valueBlock.value;
    let idx = 0;
    let hash: DigestName | null = v2 ? 'SHA-256' : 'SHA-1';
    if (v2 && parts[0] instanceof asn1js.Sequence) {
      hash = DIGEST_OIDS[new pkijs.AlgorithmIdentifier({ schema: parts[0] }).algorithmId] ?? null;
      idx = 1;
    }
    const certHash = u8((parts[idx] as asn1js.OctetString).valueBlock.valueHexView);
    if (!hash || !webCryptoDigest(hash)) return 'mismatch';
    if (!bytesEqual(await digest(hash, certDer), certHash)) return 'mismatch';
    const issuerSerial = parts[idx + 1] as asn1js.Sequence | undefined;
    if (issuerSerial) {
      const serial = issuerSerial.valueBlock.value[1] as asn1js.Integer;
      if (!serial.isEqual(cert.serialNumber)) return 'mismatch';
    }
    return v2 ? 'v2' : 'v1';
  } catch {
    return 'mismatch';
  }
}

function parseArchival(a: pkijs.Attribute | undefined, out: RevocationValues): void {
  if (!a || !a.values[0]) return;
  try {
    const seq = a.values[0] as asn1js.Sequence;
    for (const tagged of seq.valueBlock.value) {
      const tag = tagged.idBlock.tagNumber;
      const inner = (tagged as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence | undefined;
      if (!inner) continue;
      for (const item of inner.valueBlock.value) {
        const der = u8(item.toBER());
        if (tag === 0) out.crls.push(der);
        else if (tag === 1) out.ocsps.push(der);
      }
    }
  } catch {
    /* malformed archival attribute: ignored, revocation then comes from elsewhere */
  }
}

/** Verify a CMS SignedData. `content` says where the signed content is. */
/** Wait for the content digest comparison started by verifySignedData (no-op when none is pending). */
export async function settleDigest(r: SignedDataCheck): Promise<void> {
  const p = r.pendingDigest;
  r.pendingDigest = null;
  if (p) {
    r.digestNeeded?.();
    await p;
  }
}

/**
 * Verify a CMS SignedData. `content` says where the signed content is. With `deferDigest` the
 * comparison of the content digest (hashing a large PDF) is left running: call settleDigest(r)
 * before reading messageDigestOk, and do other work meanwhile.
 */
export async function verifySignedData(der: Uint8Array, content: SignedContent, options: { deferDigest?: boolean } = {}): Promise<SignedDataCheck> {
  const r = empty();
  let sd: pkijs.SignedData;
  try {
    sd = readSignedData(der);
  } catch (e) {
    return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_UNPARSEABLE', 'error', { detail: e instanceof Error ? e.message : String(e) }));
  }
  r.parsed = true;
  r.signedData = sd;
  r.certificateDers = embeddedCertificates(sd);
  for (const c of sd.crls ?? []) if (c instanceof pkijs.CertificateRevocationList) r.revocation.crls.push(derOf(c));
  if (sd.signerInfos.length !== 1) return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_NO_SIGNER', 'error'));
  const si = sd.signerInfos[0];
  r.signatureValue = u8(si.signature.valueBlock.valueHexView);
  r.eContentType = sd.encapContentInfo.eContentType;
  const ec = sd.encapContentInfo.eContent;
  r.eContent = encapsulatedContent(sd) ?? null;
  const dig = DIGEST_OIDS[si.digestAlgorithm.algorithmId] ?? null;
  r.digestAlgorithm = dig;
  r.signerCert = findSignerCertificate(sd, si) ?? null;
  r.timestampTokens = attrs(si, 'unsigned', OID.signatureTimeStampToken).flatMap((a) => a.values.map((v) => u8(v.toBER())));
  parseArchival(attrs(si, 'signed', OID.adbeRevocationInfoArchival)[0], r.revocation);
  const st = signedAttribute(si, OID.signingTime) as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  if (st && typeof (st as asn1js.UTCTime).toDate === 'function') r.signingTime = (st as asn1js.UTCTime).toDate();

  if (!dig) return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('SIGNATURE_ALG_UNSUPPORTED', 'error', { alg: si.digestAlgorithm.algorithmId }));
  if (!r.signerCert) return fail(r, 'INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', finding('CMS_NO_SIGNER_CERT', 'error'));
  if (!digestAccepted(dig)) {
    fail(r, 'TOTAL_FAILED', 'CRYPTO_CONSTRAINTS_FAILURE', finding('DIGEST_NOT_ACCEPTED', 'error', { alg: dig }));
  }
  const key = keyInfo(r.signerCert);
  const kp = keyAccepted(key.type, key.bits);
  // weak keys are flagged (the signature cannot pass) but not called forged
  if (!kp.ok && kp.code) fail(r, 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding(kp.code, 'error', { bits: key.bits }));

  // Content digest: started now, compared last (the caller may defer it to overlap other work)
  let contentDigest: Promise<Uint8Array | null> = Promise.resolve(null);
  if (webCryptoDigest(dig)) {
    if (content.kind === 'detached') {
      if (ec && r.eContentType === OID.data) r.findings.push(finding('CMS_ECONTENT_PRESENT', 'warning'));
      contentDigest = content.digestOf(dig);
      if (content.need) r.digestNeeded = () => content.need!(dig);
    } else if (r.eContent) {
      contentDigest = digest(dig, r.eContent);
    }
  }
  // never an unhandled rejection while other checks run; a failed read counts as a mismatch
  contentDigest = contentDigest.catch(() => null);

  let signedData: Uint8Array;
  if (si.signedAttrs) {
    const ct = signedAttribute(si, OID.contentType) as asn1js.ObjectIdentifier | undefined;
    const expectedType = content.kind === 'detached' ? OID.data : r.eContentType;
    if (!ct || ct.valueBlock.toString() !== expectedType) {
      fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_BAD_CONTENT_TYPE', 'error'));
    }
    const expected = messageDigestOf(si);
    if (!expected) return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_NO_MESSAGE_DIGEST', 'error'));
    r.pendingDigest = contentDigest.then((got) => {
      r.messageDigestOk = got !== null && bytesEqual(expected, got);
      if (!r.messageDigestOk) fail(r, 'TOTAL_FAILED', 'HASH_FAILURE', finding('HASH_MISMATCH', 'error'));
    });
    signedData = signedAttributesForVerification(si);
    r.ess = await checkEss(si, r.signerCert);
    if (r.ess === 'mismatch') fail(r, 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', finding('ESS_MISMATCH', 'error'));
    else if (r.ess === 'missing') r.findings.push(finding('ESS_MISSING', 'warning'));
    else if (r.ess === 'v1') r.findings.push(finding('ESS_V1_SHA1', 'info'));
  } else {
    // No signed attributes: the signature is over the content itself (not PAdES; pre-CAdES adbe.pkcs7).
    r.findings.push(finding('CMS_NO_SIGNED_ATTRS', 'warning'));
    if (content.kind === 'detached') {
      // only RSA PKCS#1 v1.5 can be checked against the digest alone
      const fam = SIGNATURE_OIDS[si.signatureAlgorithm.algorithmId]?.family;
      r.digestNeeded?.();
      const got = await contentDigest;
      const outcome = fam === 'rsa' && got ? verifyRsaPkcs1Digest(r.signerCert, dig, got, r.signatureValue) : 'unsupported';
      r.signatureAlgorithm = `${dig.replace('-', '').toLowerCase()}WithRSAEncryption (no signed attributes)`;
      if (outcome === 'unsupported') return fail(r, 'INDETERMINATE', 'FORMAT_FAILURE', finding('SIGNATURE_ALG_UNSUPPORTED', 'error', { alg: `${fam ?? si.signatureAlgorithm.algorithmId} without signed attributes` }));
      r.messageDigestOk = outcome === 'valid';
      r.signatureOk = outcome !== 'invalid';
      if (outcome === 'digest-mismatch') fail(r, 'TOTAL_FAILED', 'HASH_FAILURE', finding('HASH_MISMATCH', 'error'));
      if (outcome === 'invalid') fail(r, 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', finding('SIGNATURE_INVALID', 'error'));
      return r;
    }
    if (!r.eContent) return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_NO_MESSAGE_DIGEST', 'error'));
    signedData = r.eContent;
    r.messageDigestOk = true;
  }

  const v = await checkSignerSignature(si, r.signerCert, dig, signedData);
  r.signatureAlgorithm = v.name;
  if (!options.deferDigest) await settleDigest(r);
  if (v.ok === null) return fail(r, 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding('SIGNATURE_ALG_UNSUPPORTED', 'error', { alg: v.name }));
  r.signatureOk = v.ok;
  if (!v.ok) fail(r, 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', finding('SIGNATURE_INVALID', 'error'));
  if (v.name.includes('SHA1') || v.name.includes('SHA-1') || v.name.toLowerCase().includes('md5')) {
    fail(r, 'TOTAL_FAILED', 'CRYPTO_CONSTRAINTS_FAILURE', finding('DIGEST_NOT_ACCEPTED', 'error', { alg: v.name }));
  }
  return r;
}
