// RFC 3161 client: build a TimeStampReq (with nonce, certReq), post it through the injected
// HttpPost, check the response (status, imprint, nonce, token signature, TSA certificate EKU)
// and return the TimeStampToken (a DER ContentInfo). Also reads a token back into its TSTInfo.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../sign/signer';
import { VanthuError } from '../errors';
import { bytesEqual, toArrayBuffer, toHex } from '../crypto/bytes';
import { certificateDer, extendedKeyUsage } from '../crypto/certificate';
import { anyHashFromOid, digest, hashLength, hashOid } from '../crypto/hash';
import { OID } from '../crypto/oids';
import type { HttpPost } from './net';
import { parseSignedData } from './signed-data';
import { checkSignerInfo, findSignerCertificate } from './verify';

export type TimestampSubject = { data: Uint8Array } | { imprint: Uint8Array };

export interface TimestampOptions {
  /** Send a random 64-bit nonce and require it back (default true). */
  nonce?: boolean;
  /** Requested TSA policy OID. */
  policy?: string;
  /** Ask for the TSA certificate in the token (default true; PAdES validation needs it). */
  certReq?: boolean;
}

export interface TimestampInfo {
  genTime: Date;
  serialHex: string;
  policy: string;
  hash: HashAlgorithm | 'SHA-1';
  imprint: Uint8Array;
  nonceHex?: string;
  /** TSA signer certificate (DER) when embedded. */
  tsaCertificate?: Uint8Array;
  /** All certificates embedded in the token. */
  certificates: Uint8Array[];
}

function unreachable(url: string, cause: unknown): VanthuError {
  const why = cause instanceof VanthuError ? cause.message_en : 'network error';
  return new VanthuError('TSA_UNREACHABLE', `Không kết nối được máy chủ cấp dấu thời gian ${url}.`,
    `The timestamp authority ${url} cannot be reached (${why}).`, { url });
}

function refused(url: string, why_vi: string, why_en: string): VanthuError {
  return new VanthuError('TSA_REFUSED', `Máy chủ cấp dấu thời gian ${url} từ chối yêu cầu: ${why_vi}.`,
    `The timestamp authority ${url} refused the request: ${why_en}.`, { url });
}

function bad(url: string, why_vi: string, why_en: string): VanthuError {
  return new VanthuError('TSA_BAD_RESPONSE', `Phản hồi của máy chủ cấp dấu thời gian ${url} không hợp lệ: ${why_vi}.`,
    `The timestamp authority ${url} sent an invalid response: ${why_en}.`, { url });
}

const FAIL_INFO = ['badAlg', '1', 'badRequest', '3', '4', 'badDataFormat', '6', '7', '8', '9', '10', '11', '12', '13', 'timeNotAvailable',
  'unacceptedPolicy', 'unacceptedExtension', 'addInfoNotAvailable', '18', '19', '20', '21', '22', '23', '24', 'systemFailure'];

/** DER TimeStampReq for an imprint. Exposed for tests and for servers in tests. */
export function buildTimestampRequest(imprint: Uint8Array, hash: HashAlgorithm, opts: TimestampOptions = {}): { der: Uint8Array; nonce?: Uint8Array } {
  let nonce: Uint8Array | undefined;
  if (opts.nonce ?? true) {
    nonce = globalThis.crypto.getRandomValues(new Uint8Array(8));
    nonce[0] = (nonce[0] & 0x7f) | 0x01; // positive, minimal encoding
  }
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hashOid(hash), algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
    }),
    certReq: opts.certReq ?? true,
    ...(opts.policy ? { reqPolicy: opts.policy } : {}),
    ...(nonce ? { nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }) } : {}),
  });
  return { der: new Uint8Array(req.toSchema().toBER(false)), nonce };
}

/** Parse a TimeStampToken (DER ContentInfo) into its TSTInfo facts. */
export function readTimestampToken(token: Uint8Array): TimestampInfo {
  const sd = parseSignedData(token);
  if (sd.encapContentInfo.eContentType !== OID.tstInfo || !sd.encapContentInfo.eContent) {
    throw new VanthuError('TST_INVALID', 'Dấu thời gian không chứa TSTInfo.', 'The timestamp token holds no TSTInfo.');
  }
  const tst = pkijs.TSTInfo.fromBER(sd.encapContentInfo.eContent.getValue());
  const hash = anyHashFromOid(tst.messageImprint.hashAlgorithm.algorithmId);
  if (!hash) throw new VanthuError('TST_INVALID', 'Dấu thời gian dùng thuật toán băm lạ.', 'The timestamp token uses an unknown hash.');
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const tsaCert = findSignerCertificate(sd, sd.signerInfos[0]);
  return {
    genTime: tst.genTime,
    serialHex: toHex(tst.serialNumber.valueBlock.valueHexView),
    policy: tst.policy,
    hash,
    imprint: new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
    nonceHex: tst.nonce ? toHex(tst.nonce.valueBlock.valueHexView) : undefined,
    tsaCertificate: tsaCert ? certificateDer(tsaCert) : undefined,
    certificates: certs.map(certificateDer),
  };
}

/**
 * Check a token cryptographically: message-digest over the TSTInfo, signature by the embedded
 * TSA certificate, and that certificate's critical extendedKeyUsage timeStamping.
 */
export async function verifyTimestampToken(token: Uint8Array, extraCertificates: pkijs.Certificate[] = []): Promise<{ ok: boolean; reason?: string }> {
  const sd = parseSignedData(token);
  const check = await checkSignerInfo(sd, { extraCertificates });
  if (!check.signerCertificate) return { ok: false, reason: 'TSA certificate missing' };
  if (!check.digestMatches) return { ok: false, reason: 'message-digest does not match TSTInfo' };
  if (!check.signatureValid) return { ok: false, reason: 'signature does not verify' };
  const eku = extendedKeyUsage(check.signerCertificate);
  if (!eku || !eku.purposes.includes(OID.kpTimeStamping)) return { ok: false, reason: 'TSA certificate lacks the timeStamping key purpose' };
  // RFC 3161 §2.3: the extension must be critical and timeStamping the only purpose.
  if (!eku.critical || eku.purposes.length !== 1) return { ok: false, reason: 'TSA certificate extendedKeyUsage must be critical and only timeStamping' };
  return { ok: true };
}

/** Request an RFC 3161 timestamp over `subject` and return the verified TimeStampToken DER. */
export async function requestTimestamp(post: HttpPost, url: string, subject: TimestampSubject, hash: HashAlgorithm, opts: TimestampOptions = {}): Promise<Uint8Array> {
  const imprint = 'data' in subject ? await digest(hash, subject.data) : subject.imprint;
  if (imprint.length !== hashLength(hash)) throw new RangeError(`imprint length does not match ${hash}`);
  const { der, nonce } = buildTimestampRequest(imprint, hash, opts);

  let res;
  try {
    res = await post(url, der, 'application/timestamp-query');
  } catch (e) {
    throw unreachable(url, e);
  }
  if (res.status !== 200) throw refused(url, `HTTP ${res.status}`, `HTTP ${res.status}`);

  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(res.body));
  } catch {
    throw bad(url, 'không phải TimeStampResp', 'not a TimeStampResp');
  }
  const status = resp.status.status;
  if (status !== 0 && status !== 1) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    let fail = '';
    if (resp.status.failInfo) {
      const bits = resp.status.failInfo.valueBlock.valueHexView;
      const names: string[] = [];
      for (let i = 0; i < bits.length * 8; i++) if (bits[i >> 3] & (0x80 >> (i & 7))) names.push(FAIL_INFO[i] ?? String(i));
      fail = names.join(',');
    }
    const why = `PKIStatus ${status}${fail ? ` (${fail})` : ''}${text ? `: ${text}` : ''}`;
    throw refused(url, why, why);
  }
  if (!resp.timeStampToken) throw bad(url, 'thiếu TimeStampToken', 'no TimeStampToken');
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER(false));

  let info: TimestampInfo;
  try {
    info = readTimestampToken(token);
  } catch {
    throw bad(url, 'TimeStampToken hỏng', 'malformed TimeStampToken');
  }
  if (info.hash !== hash || !bytesEqual(info.imprint, imprint)) throw bad(url, 'dấu băm không khớp yêu cầu', 'message imprint does not match the request');
  if (nonce) {
    if (info.nonceHex !== toHex(nonce)) throw bad(url, 'nonce không khớp', 'nonce does not match');
  }
  if (opts.policy && info.policy !== opts.policy) throw bad(url, 'chính sách khác yêu cầu', 'policy differs from the requested one');
  const v = await verifyTimestampToken(token);
  if (!v.ok) throw bad(url, v.reason ?? 'chữ ký sai', v.reason ?? 'bad signature');
  return token;
}
