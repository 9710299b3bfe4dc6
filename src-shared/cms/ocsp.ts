// OCSP client (RFC 6960): build a request for (certificate, issuer), post it through the injected
// HttpPost, and check the answer: successful status, CertID match, nonce (when echoed),
// signature by the issuer or by a delegated responder the issuer certified for OCSPSigning,
// and freshness. Returns the DER OCSPResponse (for the DSS) with the status read from it.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { VanthuError } from '../errors';
import { bytesEqual, toArrayBuffer, toHex } from '../crypto/bytes';
import { certificateDer, extendedKeyUsage, parseCertificate, subjectCommonName } from '../crypto/certificate';
import { anyHashFromOid, digest } from '../crypto/hash';
import { OID } from '../crypto/oids';
import { isSignedBy, verifySignedBytes } from '../crypto/verify-signed';
import type { HttpPost } from './net';
import { ocspUrls } from './urls';

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

export interface OcspResult {
  /** DER OCSPResponse as received. */
  der: Uint8Array;
  status: RevocationStatus;
  revocationTime?: Date;
  revocationReason?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
  producedAt: Date;
  /** Certificates carried in the response (the delegated responder's), DER. */
  responderCertificates: Uint8Array[];
  url?: string;
}

export interface OcspOptions {
  /** Responder URL (default: the certificate's AIA id-ad-ocsp). */
  url?: string;
  /** Send a nonce extension (default true). */
  nonce?: boolean;
  /** CertID hash (default SHA-1, which every responder understands; RFC 6960 §4.3). */
  certIdHash?: 'SHA-1' | 'SHA-256';
  /** Evaluation time (default now). */
  now?: Date;
  /** Accepted clock skew in ms for thisUpdate in the future (default 5 minutes). */
  skewMs?: number;
}

type OcspErrorCode = 'OCSP_UNREACHABLE' | 'OCSP_REFUSED' | 'OCSP_BAD_RESPONSE' | 'OCSP_NO_URL';

function err(code: OcspErrorCode, vi: string, en: string, url?: string): VanthuError {
  return new VanthuError(code, vi, en, url ? { url } : undefined);
}

function keyHashInput(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
}

function nameDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.subject.toSchema().toBER(false));
}

const HASH_OID: Record<'SHA-1' | 'SHA-256', string> = { 'SHA-1': OID.sha1, 'SHA-256': OID.sha256 };

/** CertID for (cert, issuer) with the given hash. */
export async function makeCertId(cert: pkijs.Certificate, issuer: pkijs.Certificate, hash: 'SHA-1' | 'SHA-256' = 'SHA-1'): Promise<pkijs.CertID> {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[hash], algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: toArrayBuffer(await digest(hash, nameDer(issuer))) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: toArrayBuffer(await digest(hash, keyHashInput(issuer))) }),
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)) }),
  });
}

/** Does `id` name (cert, issuer)? Recomputes the hashes with the CertID's own algorithm. */
export async function certIdMatches(id: pkijs.CertID, cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  const hash = anyHashFromOid(id.hashAlgorithm.algorithmId);
  if (!hash) return false;
  if (!bytesEqual(new Uint8Array(id.serialNumber.valueBlock.valueHexView), new Uint8Array(cert.serialNumber.valueBlock.valueHexView))) return false;
  const nameHash = await digest(hash, nameDer(issuer));
  const keyHash = await digest(hash, keyHashInput(issuer));
  return bytesEqual(new Uint8Array(id.issuerNameHash.valueBlock.valueHexView), nameHash)
    && bytesEqual(new Uint8Array(id.issuerKeyHash.valueBlock.valueHexView), keyHash);
}

/** DER OCSPRequest for one certificate. */
export async function buildOcspRequest(cert: pkijs.Certificate, issuer: pkijs.Certificate, opts: OcspOptions = {}): Promise<{ der: Uint8Array; nonce?: Uint8Array }> {
  const req = new pkijs.OCSPRequest();
  req.tbsRequest.requestList = [new pkijs.Request({ reqCert: await makeCertId(cert, issuer, opts.certIdHash ?? 'SHA-1') })];
  let nonce: Uint8Array | undefined;
  if (opts.nonce ?? true) {
    nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
    req.tbsRequest.requestExtensions = [new pkijs.Extension({
      extnID: OID.ocspNonce,
      extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false),
    })];
  }
  return { der: new Uint8Array(req.toSchema(true).toBER(false)), nonce };
}

const RESPONSE_STATUS: Record<number, [string, string]> = {
  1: ['yêu cầu sai định dạng', 'malformedRequest'],
  2: ['lỗi nội bộ của máy chủ', 'internalError'],
  3: ['máy chủ bận, thử lại sau', 'tryLater'],
  5: ['yêu cầu phải được ký', 'sigRequired'],
  6: ['không được phép truy vấn', 'unauthorized'],
};

/**
 * Check a DER OCSPResponse for (cert, issuer). Throws OCSP_REFUSED for non-successful statuses and
 * OCSP_BAD_RESPONSE for anything that does not hold up.
 */
export async function checkOcspResponse(der: Uint8Array, certDer: Uint8Array, issuerDer: Uint8Array, opts: OcspOptions & { expectedNonce?: Uint8Array } = {}): Promise<OcspResult> {
  const url = opts.url;
  const bad = (why_vi: string, why_en: string) => err('OCSP_BAD_RESPONSE', `Phản hồi OCSP không hợp lệ: ${why_vi}.`, `Invalid OCSP response: ${why_en}.`, url);
  const cert = parseCertificate(certDer);
  const issuer = parseCertificate(issuerDer);

  let resp: pkijs.OCSPResponse;
  try {
    resp = pkijs.OCSPResponse.fromBER(toArrayBuffer(der));
  } catch {
    throw bad('không phải OCSPResponse', 'not an OCSPResponse');
  }
  const rs = resp.responseStatus.valueBlock.valueDec;
  if (rs !== 0) {
    const [vi, en] = RESPONSE_STATUS[rs] ?? [`mã ${rs}`, `status ${rs}`];
    throw err('OCSP_REFUSED', `Máy chủ OCSP từ chối: ${vi}.`, `The OCSP responder refused: ${en}.`, url);
  }
  if (!resp.responseBytes || resp.responseBytes.responseType !== OID.ocspBasic) throw bad('không có BasicOCSPResponse', 'no BasicOCSPResponse');

  // Parse the BasicOCSPResponse keeping the exact TBS bytes for signature verification.
  const basicBytes = new Uint8Array(resp.responseBytes.response.valueBlock.valueHexView);
  const basicAsn = asn1js.fromBER(toArrayBuffer(basicBytes));
  if (basicAsn.offset === -1 || !(basicAsn.result instanceof asn1js.Sequence)) throw bad('BasicOCSPResponse hỏng', 'malformed BasicOCSPResponse');
  let basic: pkijs.BasicOCSPResponse;
  try {
    basic = new pkijs.BasicOCSPResponse({ schema: basicAsn.result });
  } catch {
    throw bad('BasicOCSPResponse hỏng', 'malformed BasicOCSPResponse');
  }
  const tbs = new Uint8Array((basicAsn.result.valueBlock.value[0] as asn1js.BaseBlock).valueBeforeDecodeView);
  const sigBytes = new Uint8Array(basic.signature.valueBlock.valueHexView);
  const responderCerts = basic.certs ?? [];

  const now = opts.now ?? new Date();
  const skew = opts.skewMs ?? 5 * 60_000;

  // Who signed: the issuer itself, or a delegated responder certified by the issuer for
  // OCSPSigning and valid now (RFC 6960 §4.2.2.2).
  let signedOk = await verifySignedBytes(issuer, tbs, basic.signatureAlgorithm, sigBytes);
  let expiredResponder = false;
  if (!signedOk) {
    for (const rc of responderCerts) {
      if (!rc.issuer.isEqual(issuer.subject) || !(await isSignedBy(rc, issuer))) continue;
      if (!extendedKeyUsage(rc)?.purposes.includes(OID.kpOcspSigning)) continue;
      if (!(await verifySignedBytes(rc, tbs, basic.signatureAlgorithm, sigBytes))) continue;
      if (rc.notBefore.value.getTime() > now.getTime() + skew || rc.notAfter.value.getTime() < now.getTime() - skew) { expiredResponder = true; continue; }
      signedOk = true;
      break;
    }
  }
  if (!signedOk && expiredResponder) throw bad('chứng thư của máy chủ OCSP đã hết hạn hoặc chưa có hiệu lực', 'the responder certificate is expired or not yet valid');
  if (!signedOk) throw bad('chữ ký của máy chủ OCSP không hợp lệ', 'responder signature does not verify against the issuer or an authorised responder');

  let single: pkijs.SingleResponse | undefined;
  for (const r of basic.tbsResponseData.responses) {
    if (await certIdMatches(r.certID, cert, issuer)) { single = r; break; }
  }
  if (!single) throw bad('không có trạng thái cho chứng thư được hỏi', 'no status for the requested certificate');

  if (opts.expectedNonce) {
    const nonceExt = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
    if (nonceExt) {
      const inner = asn1js.fromBER(nonceExt.extnValue.valueBlock.valueHexView);
      const got = inner.offset !== -1 && inner.result instanceof asn1js.OctetString ? new Uint8Array(inner.result.valueBlock.valueHexView) : new Uint8Array(nonceExt.extnValue.valueBlock.valueHexView);
      if (!bytesEqual(got, opts.expectedNonce)) throw bad('nonce không khớp', 'nonce does not match');
    }
  }

  const thisUpdate = single.thisUpdate;
  const nextUpdate = single.nextUpdate;
  if (thisUpdate.getTime() > now.getTime() + skew) throw bad('thời điểm thisUpdate ở tương lai', 'thisUpdate is in the future');
  if (nextUpdate && nextUpdate.getTime() < now.getTime() - skew) throw bad('phản hồi đã hết hạn (nextUpdate)', 'response is stale (nextUpdate passed)');

  let status: RevocationStatus = 'unknown';
  let revocationTime: Date | undefined;
  let revocationReason: number | undefined;
  const cs = single.certStatus as asn1js.BaseBlock;
  if (cs.idBlock.tagClass === 3 && cs.idBlock.tagNumber === 0) status = 'good';
  else if (cs.idBlock.tagClass === 3 && cs.idBlock.tagNumber === 1) {
    status = 'revoked';
    const parts = (cs as asn1js.Constructed).valueBlock.value ?? [];
    const t = parts[0];
    if (t instanceof asn1js.GeneralizedTime) revocationTime = t.toDate();
    else if (t) {
      // pkijs leaves the implicit structure as raw blocks; re-read GeneralizedTime from bytes.
      const raw = asn1js.fromBER(t.toBER(false));
      if (raw.result instanceof asn1js.GeneralizedTime) revocationTime = raw.result.toDate();
    }
    const reasonBlock = parts[1] as asn1js.Constructed | undefined;
    const en = reasonBlock?.valueBlock?.value?.[0];
    if (en instanceof asn1js.Enumerated) revocationReason = en.valueBlock.valueDec;
  }

  return {
    der, status, revocationTime, revocationReason, thisUpdate, nextUpdate,
    producedAt: basic.tbsResponseData.producedAt,
    responderCertificates: responderCerts.map(certificateDer),
    url,
  };
}

/** Ask the certificate's OCSP responder (or opts.url) for its status. */
export async function fetchOcsp(post: HttpPost, certDer: Uint8Array, issuerDer: Uint8Array, opts: OcspOptions = {}): Promise<OcspResult> {
  const cert = parseCertificate(certDer);
  const issuer = parseCertificate(issuerDer);
  const url = opts.url ?? ocspUrls(cert)[0];
  const who = subjectCommonName(cert) ?? toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView));
  if (!url) throw err('OCSP_NO_URL', `Chứng thư "${who}" không có địa chỉ OCSP.`, `Certificate "${who}" has no OCSP URL.`);
  const { der, nonce } = await buildOcspRequest(cert, issuer, opts);
  let res;
  try {
    res = await post(url, der, 'application/ocsp-request');
  } catch (e) {
    const why = e instanceof VanthuError ? e.message_en : 'network error';
    throw err('OCSP_UNREACHABLE', `Không kết nối được máy chủ OCSP ${url}.`, `The OCSP responder ${url} cannot be reached (${why}).`, url);
  }
  if (res.status !== 200) throw err('OCSP_REFUSED', `Máy chủ OCSP ${url} trả lỗi HTTP ${res.status}.`, `The OCSP responder ${url} answered HTTP ${res.status}.`, url);
  return checkOcspResponse(res.body, certDer, issuerDer, { ...opts, url, expectedNonce: nonce });
}
