// OCSP client for signing (RFC 6960): ask the certificate's responder through the injected HttpPost
// and check the answer with the one OCSP implementation, src-shared/pki/ocsp.ts (parsing, CertID,
// signature by the issuer or a delegated responder the issuer certified for OCSPSigning), plus what
// a fresh answer at signing time must also satisfy: successful status, our nonce when echoed, and
// thisUpdate/nextUpdate around now. Returns the DER OCSPResponse (for the DSS) with the status.
import { VanthuError } from '../errors';
import { bytesEqual, toHex } from '../crypto/bytes';
import { parseCertificate, subjectCommonName } from '../crypto/certificate';
import { parseCertShared } from '../pki/cert';
import { OcspStatusError, evaluateOcsp, parseOcsp, buildOcspRequest as buildPkiOcspRequest, type OcspProblem, type ParsedOcsp } from '../pki/ocsp';
import { workingKeyOf } from '../pki/sig';
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

const RESPONSE_STATUS: Record<number, [string, string]> = {
  1: ['yêu cầu sai định dạng', 'malformedRequest'],
  2: ['lỗi nội bộ của máy chủ', 'internalError'],
  3: ['máy chủ bận, thử lại sau', 'tryLater'],
  5: ['yêu cầu phải được ký', 'sigRequired'],
  6: ['không được phép truy vấn', 'unauthorized'],
};

/** What the signing side says for each reason the validator's OCSP check gives. */
const PROBLEM_TEXT: Record<Exclude<OcspProblem, 'unknown-status'>, [string, string]> = {
  'not-for-certificate': ['không có trạng thái cho chứng thư được hỏi', 'no status for the requested certificate'],
  'responder-lacks-ocsp-signing': ['chữ ký của máy chủ OCSP không hợp lệ', 'responder signature does not verify against the issuer or an authorised responder'],
  'unauthorised-signer': ['chữ ký của máy chủ OCSP không hợp lệ', 'responder signature does not verify against the issuer or an authorised responder'],
  'bad-signature': ['chữ ký của máy chủ OCSP không hợp lệ', 'responder signature does not verify against the issuer or an authorised responder'],
  'responder-not-valid': ['chứng thư của máy chủ OCSP đã hết hạn hoặc chưa có hiệu lực', 'the responder certificate is expired or not yet valid'],
  stale: ['phản hồi đã hết hạn (nextUpdate)', 'response is stale (nextUpdate passed)'],
};

/**
 * Check a DER OCSPResponse for (cert, issuer). Throws OCSP_REFUSED for non-successful statuses and
 * OCSP_BAD_RESPONSE for anything that does not hold up.
 */
export async function checkOcspResponse(der: Uint8Array, certDer: Uint8Array, issuerDer: Uint8Array, opts: OcspOptions & { expectedNonce?: Uint8Array } = {}): Promise<OcspResult> {
  const url = opts.url;
  const bad = (why_vi: string, why_en: string) => err('OCSP_BAD_RESPONSE', `Phản hồi OCSP không hợp lệ: ${why_vi}.`, `Invalid OCSP response: ${why_en}.`, url);
  let resp: ParsedOcsp;
  try {
    resp = parseOcsp(der);
  } catch (e) {
    if (e instanceof OcspStatusError) {
      const rs = e.responseStatus;
      const [vi, en] = RESPONSE_STATUS[rs] ?? [`mã ${rs}`, `status ${rs}`];
      throw err('OCSP_REFUSED', `Máy chủ OCSP từ chối: ${vi}.`, `The OCSP responder refused: ${en}.`, url);
    }
    throw bad('không phải OCSPResponse cơ bản hợp lệ', 'not a well-formed basic OCSPResponse');
  }
  let cert, issuer;
  try {
    cert = parseCertShared(certDer);
    issuer = parseCertShared(issuerDer);
  } catch {
    throw bad('chứng thư không đọc được', 'the certificate cannot be read');
  }
  const now = opts.now ?? new Date();
  const skew = opts.skewMs ?? 5 * 60_000;
  // judged a skew before now: a nextUpdate that passed within the skew is still accepted
  const r = await evaluateOcsp(resp, cert, issuer, workingKeyOf(issuer.spki, issuer.keyAlg), new Date(now.getTime() - skew), Number.POSITIVE_INFINITY);
  if (!r.ok && r.problem !== 'unknown-status') {
    const [vi, en] = PROBLEM_TEXT[r.problem];
    throw bad(vi, en);
  }
  const single = r.response!;
  if (opts.expectedNonce && resp.nonce && !bytesEqual(resp.nonce, opts.expectedNonce)) throw bad('nonce không khớp', 'nonce does not match');
  if (single.thisUpdate.getTime() > now.getTime() + skew) throw bad('thời điểm thisUpdate ở tương lai', 'thisUpdate is in the future');
  let status: RevocationStatus = 'unknown';
  let revocationTime: Date | undefined;
  let revocationReason: number | undefined;
  if (r.ok && r.status === 'good') status = single.status === 'revoked' ? 'revoked' : 'good';
  else if (r.ok) status = 'revoked';
  if (status === 'revoked') {
    revocationTime = single.revokedAt;
    revocationReason = single.reason;
  }
  return {
    der, status, revocationTime, revocationReason, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate,
    producedAt: resp.producedAt, responderCertificates: resp.certs.map((c) => c.slice()), url,
  };
}

/** DER OCSPRequest for one certificate, with a fresh nonce unless told otherwise. */
export async function buildOcspRequest(certDer: Uint8Array, issuerDer: Uint8Array, opts: OcspOptions = {}): Promise<{ der: Uint8Array; nonce?: Uint8Array }> {
  const nonce = (opts.nonce ?? true) ? globalThis.crypto.getRandomValues(new Uint8Array(16)) : undefined;
  const der = await buildPkiOcspRequest(parseCertShared(certDer), parseCertShared(issuerDer), { nonce, hash: opts.certIdHash });
  return { der, nonce };
}

/** Ask the certificate's OCSP responder (or opts.url) for its status. */
export async function fetchOcsp(post: HttpPost, certDer: Uint8Array, issuerDer: Uint8Array, opts: OcspOptions = {}): Promise<OcspResult> {
  const cert = parseCertificate(certDer);
  const url = opts.url ?? ocspUrls(cert)[0];
  const who = subjectCommonName(cert) ?? toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView));
  if (!url) throw err('OCSP_NO_URL', `Chứng thư "${who}" không có địa chỉ OCSP.`, `Certificate "${who}" has no OCSP URL.`);
  const { der, nonce } = await buildOcspRequest(certDer, issuerDer, opts);
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
