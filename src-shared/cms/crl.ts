// CRL fetch and lookup (RFC 5280 §5): GET through the injected HttpGet, accept DER or PEM,
// check the issuer's signature and name, and look a certificate's serial up.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { VanthuError } from '../errors';
import { bytesEqual, toArrayBuffer } from '../crypto/bytes';
import { parseCertificate } from '../crypto/certificate';
import { verifySignedBytes } from '../crypto/verify-signed';
import type { HttpGet } from './net';
import type { RevocationStatus } from './ocsp';

export interface CrlResult {
  der: Uint8Array;
  crl: pkijs.CertificateRevocationList;
  thisUpdate: Date;
  nextUpdate?: Date;
  url?: string;
}

export interface CrlStatus {
  status: Exclude<RevocationStatus, 'unknown'>;
  revocationTime?: Date;
  revocationReason?: number;
}

function pemToDer(bytes: Uint8Array): Uint8Array | undefined {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 64)));
  if (!text.includes('-----BEGIN')) return undefined;
  const all = new TextDecoder('latin1').decode(bytes);
  const m = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(all);
  if (!m) return undefined;
  const bin = atob(m[1].replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Parse a CRL (DER or PEM) and, if `issuerDer` is given, check its issuer name and signature. */
export async function parseCrl(bytes: Uint8Array, issuerDer?: Uint8Array, url?: string): Promise<CrlResult> {
  const der = pemToDer(bytes) ?? bytes;
  const bad = (vi: string, en: string) => new VanthuError('CRL_BAD', `Danh sách thu hồi (CRL) không hợp lệ: ${vi}.`, `Invalid CRL: ${en}.`, url ? { url } : undefined);
  let crl: pkijs.CertificateRevocationList;
  let tbs: Uint8Array;
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || !(asn.result instanceof asn1js.Sequence)) throw new Error('bad');
    crl = new pkijs.CertificateRevocationList({ schema: asn.result });
    tbs = new Uint8Array((asn.result.valueBlock.value[0] as asn1js.BaseBlock).valueBeforeDecodeView);
  } catch {
    throw bad('không đọc được', 'cannot be parsed');
  }
  if (issuerDer) {
    const issuer = parseCertificate(issuerDer);
    if (!crl.issuer.isEqual(issuer.subject)) throw bad('tên tổ chức phát hành không khớp', 'issuer name does not match');
    const ok = await verifySignedBytes(issuer, tbs, crl.signature, new Uint8Array(crl.signatureValue.valueBlock.valueHexView));
    if (!ok) throw bad('chữ ký không hợp lệ', 'signature does not verify');
  }
  return { der, crl, thisUpdate: crl.thisUpdate.value, nextUpdate: crl.nextUpdate?.value, url };
}

/** Look the certificate up in the CRL. */
export function crlStatus(crl: pkijs.CertificateRevocationList, certDer: Uint8Array): CrlStatus {
  const serial = new Uint8Array(parseCertificate(certDer).serialNumber.valueBlock.valueHexView);
  for (const rc of crl.revokedCertificates ?? []) {
    if (bytesEqual(new Uint8Array(rc.userCertificate.valueBlock.valueHexView), serial)) {
      const reasonExt = rc.crlEntryExtensions?.extensions.find((e) => e.extnID === '2.5.29.21');
      let reason: number | undefined;
      if (reasonExt) {
        const en = asn1js.fromBER(reasonExt.extnValue.valueBlock.valueHexView).result;
        if (en instanceof asn1js.Enumerated) reason = en.valueBlock.valueDec;
      }
      return { status: 'revoked', revocationTime: rc.revocationDate.value, revocationReason: reason };
    }
  }
  return { status: 'good' };
}

/** GET a CRL from `url`; with `issuerDer`, also verify it. */
export async function fetchCrl(get: HttpGet, url: string, opts: { issuerDer?: Uint8Array; now?: Date } = {}): Promise<CrlResult> {
  let res;
  try {
    res = await get(url);
  } catch (e) {
    const why = e instanceof VanthuError ? e.message_en : 'network error';
    throw new VanthuError('CRL_UNREACHABLE', `Không tải được danh sách thu hồi từ ${url}.`, `Cannot download the CRL from ${url} (${why}).`, { url });
  }
  if (res.status !== 200) {
    throw new VanthuError('CRL_REFUSED', `Máy chủ CRL ${url} trả lỗi HTTP ${res.status}.`, `The CRL server ${url} answered HTTP ${res.status}.`, { url });
  }
  const r = await parseCrl(res.body, opts.issuerDer, url);
  const now = opts.now ?? new Date();
  if (r.nextUpdate && r.nextUpdate.getTime() < now.getTime() - 5 * 60_000) {
    throw new VanthuError('CRL_STALE', `Danh sách thu hồi từ ${url} đã hết hạn.`, `The CRL from ${url} is past its nextUpdate.`, { url });
  }
  return r;
}
