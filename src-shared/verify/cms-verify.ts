// CMS SignedData verification for PDF signatures and RFC 3161 tokens, on the shared SignerInfo core
// (src-shared/cms/verify.ts: signer certificate, attributes, message digest, bytes covered by the
// signature): DER or BER (indefinite lengths, chunked content), every SignerInfo checked and the
// first whose certificate is present and verifies taken as the signer (the others reported), the
// content-type, the message digest, the signature through the injected CryptoProvider (any algorithm
// it can verify; an algorithm it cannot is INDETERMINATE with its OID named, never "broken"),
// signatures without signed attributes (RSA/PSS against the content digest, ECDSA/EdDSA/DSA over the
// content), adbe.pkcs7.sha1 (the SHA-1 of the ranges as eContent), the verifier's algorithm and key
// policy (a policy failure never touches integrity), the ESS signing-certificate(-v2) binding, and
// what sits next to it (signature and archive timestamps, adbe-revocationInfoArchival, embedded
// CRLs). Never throws on bad input: failures are findings.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  attributesOf as attrs, encapsulatedContent, findSignerCertificate, messageDigestOf, minimalInteger, signedAttribute,
  signedAttributesForVerification,
  embeddedCertificates,
} from '../cms/verify';
import { OID, bytesEqual, digestAccepted, keyAccepted, type DigestName } from './algorithms';
import { SIGNATURE_OIDS, digestOfAlgorithm } from '../crypto/algorithms';
import { webCryptoProvider, type CryptoProvider } from '../crypto/provider';
import { checkSignature, checkSignatureOnContent, type SignatureOutcome } from '../crypto/verify-signed';
import { keyInfo, nameToString } from './identity';
import { derOf, readSignedData } from '../cms/signed-data';
import { finding } from './messages';
import type { Finding, Indication, SubIndication } from './report';

export type SignedContent =
  /**
   * The signed content lives outside the CMS (PDF ByteRange): the caller hashes it (`digestOf`)
   * and, for signatures without signed attributes other than RSA, hands it over (`bytes`).
   */
  | { kind: 'detached'; digestOf: (alg: DigestName) => Promise<Uint8Array>; need?: (alg: DigestName) => void; bytes?: () => Promise<Uint8Array> }
  /** The content is eContent inside the CMS (timestamp tokens). */
  | { kind: 'encapsulated' }
  /** adbe.pkcs7.sha1: eContent is the `alg` digest of the detached content, which `digestOf` computes. */
  | { kind: 'encapsulated-digest'; alg: DigestName; digestOf: (alg: DigestName) => Promise<Uint8Array> };

export interface RevocationValues {
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

/** An RFC 3161 token found in the unsigned attributes. */
export interface EmbeddedToken {
  /** The attribute it came in (signature-time-stamp, archive-time-stamp v2/v3, CAdES-C timestamps). */
  attribute: string;
  der: Uint8Array;
}

/** The outcome for one SignerInfo of the CMS. */
export interface SignerOutcome {
  index: number;
  /** Subject of its certificate, or null when the certificate is not in the CMS. */
  subject: string | null;
  /** true/false: digest and signature (do not) verify; null: could not be checked. */
  verified: boolean | null;
  signatureAlgorithm: string | null;
  findings: Finding[];
}

export interface SignedDataCheck {
  parsed: boolean;
  signedData: pkijs.SignedData | null;
  signerCert: pkijs.Certificate | null;
  /** Index of the SignerInfo taken as the signer. */
  signerIndex: number;
  /** Every SignerInfo's outcome (the signer's included). */
  signers: SignerOutcome[];
  /** DER of the certificates embedded in the CMS. */
  certificateDers: Uint8Array[];
  digestAlgorithm: DigestName | null;
  signatureAlgorithm: string | null;
  eContentType: string | null;
  eContent: Uint8Array | null;
  messageDigestOk: boolean;
  signatureOk: boolean;
  /** The signature could not be checked at all (unsupported algorithm or digest, no certificate). */
  unverifiable: boolean;
  ess: 'v2' | 'v1' | 'missing' | 'mismatch';
  signingTime: Date | null;
  signatureValue: Uint8Array | null;
  /** DER of RFC 3161 tokens in the unsigned signature-time-stamp attribute. */
  timestampTokens: Uint8Array[];
  /** Other RFC 3161 tokens in the unsigned attributes (archive and CAdES-C timestamps). */
  otherTokens: EmbeddedToken[];
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

export interface VerifySignedDataOptions {
  /** Leave the content digest comparison running (see settleDigest). */
  deferDigest?: boolean;
  /** Digests and signature verification (default WebCrypto). */
  crypto?: CryptoProvider;
  /** The SignedData already parsed from `der` (a document's parse cache, see parseCms). */
  parsed?: ParsedCms;
}

function empty(): SignedDataCheck {
  return {
    parsed: false, signedData: null, signerCert: null, signerIndex: 0, signers: [], certificateDers: [], digestAlgorithm: null,
    signatureAlgorithm: null, eContentType: null, eContent: null, messageDigestOk: false, signatureOk: false, unverifiable: false,
    ess: 'missing', signingTime: null, signatureValue: null, timestampTokens: [], otherTokens: [],
    revocation: { crls: [], ocsps: [] }, findings: [], failure: null, pendingDigest: null,
  };
}

/** Which failure wins when several are found (integrity before policy). */
const PRIORITY: Partial<Record<SubIndication, number>> = {
  HASH_FAILURE: 5, SIG_CRYPTO_FAILURE: 4, FORMAT_FAILURE: 3, CRYPTO_CONSTRAINTS_FAILURE: 2, NO_SIGNING_CERTIFICATE_FOUND: 1,
};

interface Failing {
  findings: Finding[];
  failure: { indication: Indication; subIndication: SubIndication } | null;
}

function fail<T extends Failing>(r: T, indication: Indication, sub: SubIndication, f: Finding): T {
  r.findings.push(f);
  const rank = (x: SubIndication) => PRIORITY[x] ?? 0;
  const cur = r.failure;
  if (!cur || rank(sub) > rank(cur.subIndication) || (rank(sub) === rank(cur.subIndication) && indication === 'TOTAL_FAILED' && cur.indication !== 'TOTAL_FAILED')) {
    r.failure = { indication, subIndication: sub };
  }
  return r;
}

/** Integrity as the report gives it: intact, broken, or unknown (it could not be checked). */
export function integrityOf(r: SignedDataCheck): 'intact' | 'broken' | 'unknown' {
  if (r.messageDigestOk && r.signatureOk) return 'intact';
  const sub = r.failure?.subIndication;
  if (sub === 'HASH_FAILURE' || sub === 'SIG_CRYPTO_FAILURE') return 'broken';
  return r.unverifiable || !r.parsed ? (r.parsed ? 'unknown' : 'broken') : 'broken';
}

function u8(b: ArrayBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

/** Parse the ESS signing-certificate(-v2) attribute and compare it with the signer certificate. */
async function checkEss(si: pkijs.SignerInfo, cert: pkijs.Certificate, crypto: CryptoProvider): Promise<SignedDataCheck['ess']> {
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
      hash = digestOfAlgorithm(new pkijs.AlgorithmIdentifier({ schema: parts[0] }));
      idx = 1;
    }
    const certHash = u8((parts[idx] as asn1js.OctetString).valueBlock.valueHexView);
    if (!hash || !crypto.hasDigest(hash)) return 'mismatch';
    if (!bytesEqual(await crypto.digest(hash, certDer), certHash)) return 'mismatch';
    const issuerSerial = parts[idx + 1] as asn1js.Sequence | undefined;
    if (issuerSerial) {
      const serial = issuerSerial.valueBlock.value[1] as asn1js.Integer;
      if (!bytesEqual(minimalInteger(serial.valueBlock.valueHexView), minimalInteger(cert.serialNumber.valueBlock.valueHexView))) return 'mismatch';
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

/** Wait for the content digest comparison started by verifySignedData (no-op when none is pending). */
export async function settleDigest(r: SignedDataCheck): Promise<void> {
  const p = r.pendingDigest;
  r.pendingDigest = null;
  if (p) {
    r.digestNeeded?.();
    await p;
  }
}

/** A CMS read once: the SignedData, or why it could not be read, and the trailing bytes seen. */
export type ParsedCms = { sd: pkijs.SignedData; trailing: boolean } | { error: string };

/** Length of the BER element at the start of `b` (definite or indefinite), or -1. */
function elementLength(b: Uint8Array, at = 0, depth = 0): number {
  if (depth > 64 || at + 2 > b.length) return -1;
  let p = at + 1;
  if ((b[at] & 0x1f) === 0x1f) while (p < b.length && b[p++] & 0x80);
  const l = b[p++];
  if (l === 0x80) {
    if (!(b[at] & 0x20)) return -1;
    while (p + 2 <= b.length) {
      if (b[p] === 0 && b[p + 1] === 0) return p + 2 - at;
      const k = elementLength(b, p, depth + 1);
      if (k < 0) return -1;
      p += k;
    }
    return -1;
  }
  let len = l;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n > 4) return -1;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  return p + len <= b.length ? p + len - at : -1;
}

/**
 * Parse a CMS ContentInfo holding SignedData, DER or BER. Bytes after the outer element (other
 * than PDF zero padding) are tolerated and reported: they are outside what anything signs.
 */
export function parseCms(der: Uint8Array): ParsedCms {
  const n = elementLength(der);
  let trailing = false;
  let body = der;
  if (n > 0 && n < der.length) {
    for (let i = n; i < der.length; i++) if (der[i] !== 0) { trailing = true; break; }
    body = der.subarray(0, n);
  }
  try {
    return { sd: readSignedData(body), trailing };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Unsigned attributes holding RFC 3161 tokens other than the signature timestamp. */
const OTHER_TOKEN_ATTRIBUTES: Record<string, string> = {
  '1.2.840.113549.1.9.16.2.48': 'archive-time-stamp-v2',
  '0.4.0.1733.2.4': 'archive-time-stamp-v3',
  '1.2.840.113549.1.9.16.2.27': 'archive-time-stamp',
  '1.2.840.113549.1.9.16.2.25': 'cades-c-time-stamp',
  '1.2.840.113549.1.9.16.2.26': 'time-stamped-cert-crls-references',
};

/** The digest algorithm of a SignerInfo; a signature OID there (a known writer bug) gives its hash. */
function signerDigest(si: pkijs.SignerInfo, findings: Finding[]): DigestName | null {
  const d = digestOfAlgorithm(si.digestAlgorithm);
  if (d) return d;
  const viaSig = SIGNATURE_OIDS[si.digestAlgorithm.algorithmId]?.hash;
  if (viaSig) findings.push(finding('CMS_DIGEST_ALG_IS_SIGNATURE_ALG', 'warning', { alg: si.digestAlgorithm.algorithmId, hash: viaSig }));
  return viaSig ?? null;
}

interface SignerEval extends Failing {
  index: number;
  si: pkijs.SignerInfo;
  cert: pkijs.Certificate | null;
  digestAlgorithm: DigestName | null;
  signatureAlgorithm: string | null;
  /** null: not known (yet, or at all). */
  digestOk: boolean | null;
  signatureOk: boolean | null;
  ess: SignedDataCheck['ess'];
  pending: Promise<void> | null;
  digestNeeded?: () => void;
}

function unsupported(e: Failing, v: Pick<SignatureOutcome, 'name' | 'unsupported' | 'oid'>): void {
  fail(e, 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding('ALGORITHM_UNSUPPORTED', 'error', { alg: v.name, oid: v.unsupported ?? v.oid ?? v.name }));
}

/** Hashes below the rules in force: collision-broken ones fail, weaker SHA-2/3 sizes are indeterminate. */
function hashPolicy(e: Failing, hash: DigestName, what: string): void {
  if (digestAccepted(hash)) return;
  const broken = hash === 'MD5' || hash === 'SHA-1' || hash === 'RIPEMD-160';
  fail(e, broken ? 'TOTAL_FAILED' : 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding('DIGEST_NOT_ACCEPTED', 'error', { alg: `${hash}${what}` }));
}

async function evaluateSigner(
  sd: pkijs.SignedData, index: number, content: SignedContent, r: SignedDataCheck, crypto: CryptoProvider,
  digestOf: (alg: DigestName) => Promise<Uint8Array>,
): Promise<SignerEval> {
  const si = sd.signerInfos[index];
  const e: SignerEval = {
    index, si, cert: null, digestAlgorithm: null, signatureAlgorithm: null, digestOk: null, signatureOk: null, ess: 'missing',
    pending: null, findings: [], failure: null,
  };
  const sig = u8(si.signature.valueBlock.valueHexView);
  const dig = signerDigest(si, e.findings);
  e.digestAlgorithm = dig;
  try {
    e.cert = findSignerCertificate(sd, si) ?? null;
  } catch {
    e.cert = null;
  }
  if (!e.cert) {
    fail(e, 'INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', finding('CMS_NO_SIGNER_CERT', 'error'));
  }
  if (!dig) {
    unsupported(e, { name: `digest ${si.digestAlgorithm.algorithmId}`, unsupported: si.digestAlgorithm.algorithmId });
  } else {
    hashPolicy(e, dig, '');
  }
  if (e.cert) {
    const key = keyInfo(e.cert);
    const kp = keyAccepted(key.type, key.bits);
    // weak keys are flagged (the signature cannot pass) but not called forged
    if (!kp.ok && kp.code) fail(e, 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding(kp.code, 'error', { bits: key.bits, curve: key.curve ? ` (${key.curve})` : '' }));
  }
  const canDigest = !!dig && crypto.hasDigest(dig);
  if (dig && !canDigest) unsupported(e, { name: `digest ${dig}`, unsupported: `${dig} (${si.digestAlgorithm.algorithmId})` });

  if (si.signedAttrs) {
    // message digest over the content, compared last (the caller may defer it)
    const expectedType = content.kind === 'detached' ? OID.data : r.eContentType;
    const ct = signedAttribute(si, OID.contentType) as asn1js.ObjectIdentifier | undefined;
    if (!ct || ct.valueBlock.toString() !== expectedType) fail(e, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_BAD_CONTENT_TYPE', 'error'));
    const expected = messageDigestOf(si);
    if (!expected) {
      fail(e, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_NO_MESSAGE_DIGEST', 'error'));
    } else if (canDigest) {
      let got: Promise<Uint8Array | null>;
      if (content.kind === 'detached') {
        got = digestOf(dig!);
        if (content.need) e.digestNeeded = () => content.need!(dig!);
      } else {
        got = r.eContent ? crypto.digest(dig!, r.eContent) : Promise.resolve(null);
      }
      // never an unhandled rejection while other checks run; a failed read counts as a mismatch
      e.pending = got.catch(() => null).then((d) => {
        e.digestOk = d !== null && bytesEqual(expected, d);
        if (!e.digestOk) fail(e, 'TOTAL_FAILED', 'HASH_FAILURE', finding('HASH_MISMATCH', 'error'));
      });
    }
    if (e.cert) {
      e.ess = await checkEss(si, e.cert, crypto);
      const v = await checkSignature(e.cert, si.signatureAlgorithm, dig, signedAttributesForVerification(si), sig, crypto);
      settleSignature(e, v);
      // RFC 8419 §2.3: with signed attributes, Ed25519 goes with SHA-512 and Ed448 with SHAKE256
      const want = v.name === 'Ed25519' ? 'SHA-512' : v.name === 'Ed448' ? 'SHAKE256' : null;
      if (want && dig && dig !== want) {
        fail(e, 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding('EDDSA_DIGEST_NOT_ALLOWED', 'error', { alg: v.name, want, got: dig }));
      }
    }
  } else {
    // No signed attributes: the signature is over the content itself (not PAdES; pre-CAdES adbe.pkcs7).
    e.findings.push(finding('CMS_NO_SIGNED_ATTRS', 'warning'));
    if (e.cert) {
      let v: SignatureOutcome & { digestMismatch?: boolean };
      if (content.kind === 'detached') {
        e.digestNeeded?.();
        v = await checkSignatureOnContent(e.cert, si.signatureAlgorithm, dig, {
          digestOf: (alg) => {
            content.need?.(alg);
            return digestOf(alg);
          },
          bytes: content.bytes ?? (() => Promise.reject(new Error('content not available'))),
        }, sig, crypto);
      } else if (r.eContent) {
        v = await checkSignature(e.cert, si.signatureAlgorithm, dig, r.eContent, sig, crypto);
      } else {
        fail(e, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_NO_MESSAGE_DIGEST', 'error'));
        return e;
      }
      e.signatureAlgorithm = v.ok === null ? v.name : `${v.name} (no signed attributes)`;
      if (v.digestMismatch) {
        // the key made this signature, over other content
        e.signatureOk = true;
        e.digestOk = false;
        fail(e, 'TOTAL_FAILED', 'HASH_FAILURE', finding('HASH_MISMATCH', 'error'));
        if (v.hash) hashPolicy(e, v.hash, ' (signature)');
      } else {
        settleSignature(e, v);
        if (v.ok !== null) e.digestOk = v.ok;
      }
    }
  }
  return e;
}

function settleSignature(e: SignerEval, v: SignatureOutcome): void {
  e.signatureAlgorithm ??= v.name;
  if (v.ok === null) {
    unsupported(e, v);
    return;
  }
  e.signatureOk = v.ok;
  if (!v.ok) fail(e, 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', finding('SIGNATURE_INVALID', 'error'));
  else if (v.hash && v.hash !== e.digestAlgorithm) hashPolicy(e, v.hash, ' (signature)');
}

/** The SignerInfo taken as the signer: the first that verifies, else the first with its certificate, else the first. */
function choose(evals: SignerEval[]): SignerEval {
  return evals.find((e) => e.cert && e.signatureOk === true && e.digestOk !== false)
    ?? evals.find((e) => e.cert && e.signatureOk !== false && e.digestOk !== false)
    ?? evals.find((e) => e.cert)
    ?? evals[0];
}

function outcomeOf(e: SignerEval): SignerOutcome {
  const verified = e.signatureOk === false || e.digestOk === false ? false : e.signatureOk === true && e.digestOk === true ? true : null;
  return { index: e.index, subject: e.cert ? nameToString(e.cert.subject) : null, verified, signatureAlgorithm: e.signatureAlgorithm, findings: e.findings };
}

/**
 * Verify a CMS SignedData. `content` says where the signed content is. With `deferDigest` the
 * comparison of the content digest (hashing a large PDF) is left running when there is one
 * SignerInfo: call settleDigest(r) before reading messageDigestOk, and do other work meanwhile.
 */
export async function verifySignedData(der: Uint8Array, content: SignedContent, options: VerifySignedDataOptions = {}): Promise<SignedDataCheck> {
  const r = empty();
  const crypto = options.crypto ?? webCryptoProvider;
  const parsed = options.parsed ?? parseCms(der);
  if ('error' in parsed) return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_UNPARSEABLE', 'error', { detail: parsed.error }));
  const sd = parsed.sd;
  if (parsed.trailing) r.findings.push(finding('CMS_TRAILING_DATA', 'warning'));
  r.parsed = true;
  r.signedData = sd;
  r.certificateDers = embeddedCertificates(sd);
  for (const c of sd.crls ?? []) if (c instanceof pkijs.CertificateRevocationList) r.revocation.crls.push(derOf(c));
  if (sd.signerInfos.length === 0) return fail(r, 'TOTAL_FAILED', 'FORMAT_FAILURE', finding('CMS_NO_SIGNER', 'error'));
  r.eContentType = sd.encapContentInfo.eContentType;
  r.eContent = encapsulatedContent(sd) ?? null;
  if (content.kind === 'detached' && r.eContent && r.eContentType === OID.data) r.findings.push(finding('CMS_ECONTENT_PRESENT', 'warning'));

  // detached content digests, one per algorithm however many SignerInfos ask
  const digests = new Map<DigestName, Promise<Uint8Array>>();
  const digestOf = (alg: DigestName): Promise<Uint8Array> => {
    if (content.kind !== 'detached') return Promise.reject(new Error('no detached content'));
    let p = digests.get(alg);
    if (!p) {
      p = content.digestOf(alg);
      p.catch(() => undefined);
      digests.set(alg, p);
    }
    return p;
  };
  const multi = sd.signerInfos.length > 1;
  const evals: SignerEval[] = [];
  for (let i = 0; i < sd.signerInfos.length; i++) {
    const e = await evaluateSigner(sd, i, content, r, crypto, digestOf);
    // several SignerInfos: every digest is settled before the signer is chosen
    if (multi && e.pending) {
      e.digestNeeded?.();
      await e.pending;
      e.pending = null;
    }
    evals.push(e);
  }
  const chosen = choose(evals);
  const si = chosen.si;
  r.signerIndex = chosen.index;
  r.signerCert = chosen.cert;
  r.digestAlgorithm = chosen.digestAlgorithm;
  r.signatureAlgorithm = chosen.signatureAlgorithm;
  r.ess = chosen.ess;
  r.signatureValue = u8(si.signature.valueBlock.valueHexView);
  for (const a of si.unsignedAttrs?.attributes ?? []) {
    if (a.type === OID.signatureTimeStampToken) r.timestampTokens.push(...a.values.map((v) => u8(v.toBER())));
    else if (OTHER_TOKEN_ATTRIBUTES[a.type]) r.otherTokens.push(...a.values.map((v) => ({ attribute: OTHER_TOKEN_ATTRIBUTES[a.type], der: u8(v.toBER()) })));
  }
  parseArchival(attrs(si, 'signed', OID.adbeRevocationInfoArchival)[0], r.revocation);
  const st = signedAttribute(si, OID.signingTime) as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  if (st && typeof (st as asn1js.UTCTime).toDate === 'function') r.signingTime = (st as asn1js.UTCTime).toDate();
  if (si.signedAttrs && chosen.cert) {
    if (chosen.ess === 'mismatch') fail(chosen, 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', finding('ESS_MISMATCH', 'error'));
    else if (chosen.ess === 'missing') chosen.findings.push(finding('ESS_MISSING', 'warning'));
    else if (chosen.ess === 'v1') chosen.findings.push(finding('ESS_V1_SHA1', 'info'));
  }
  r.signers = evals.map(outcomeOf);
  if (multi) {
    for (const e of evals) {
      if (e === chosen) continue;
      const o = r.signers[e.index];
      const status = o.verified === true ? 'verifies' : o.verified === false ? 'does not verify' : 'cannot be checked';
      const status_vi = o.verified === true ? 'hợp lệ' : o.verified === false ? 'không hợp lệ' : 'không kiểm tra được';
      const why = e.findings.filter((f) => f.severity === 'error').map((f) => f.message_en).join(' ');
      r.findings.push(finding('CMS_OTHER_SIGNER', o.verified === true ? 'info' : 'warning', {
        n: e.index + 1, who: o.subject ?? 'certificate not in the CMS', status, status_vi, why: why ? ` ${why}` : '',
      }));
    }
  }
  // known now (the signature over the signed attributes does not wait for the content digest)
  r.signatureOk = chosen.signatureOk === true;
  const settle = () => {
    r.messageDigestOk = chosen.digestOk === true;
    r.signatureOk = chosen.signatureOk === true;
    r.unverifiable = chosen.signatureOk === null || chosen.digestOk === null;
    r.findings.push(...chosen.findings);
    r.failure = chosen.failure;
  };
  // adbe.pkcs7.sha1: eContent must be the digest of the ranges (integrity), then SHA-1 is policy
  const afterDigest = async () => {
    if (content.kind !== 'encapsulated-digest') return;
    let ok = false;
    try {
      const want = await content.digestOf(content.alg);
      ok = !!r.eContent && bytesEqual(r.eContent, want);
    } catch {
      ok = false;
    }
    if (!ok) {
      chosen.digestOk = false;
      fail(chosen, 'TOTAL_FAILED', 'HASH_FAILURE', finding('HASH_MISMATCH', 'error'));
    }
    hashPolicy(chosen, content.alg, ' (adbe.pkcs7.sha1)');
  };
  if (chosen.pending && options.deferDigest) {
    r.digestNeeded = chosen.digestNeeded;
    r.pendingDigest = chosen.pending.then(afterDigest).then(settle);
    return r;
  }
  if (chosen.pending) {
    chosen.digestNeeded?.();
    await chosen.pending;
  }
  await afterDigest();
  settle();
  return r;
}
