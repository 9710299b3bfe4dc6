// CRL client for signing (RFC 5280 §5): GET through the injected HttpGet, accept DER or PEM, and
// read and check it with the one CRL implementation, src-shared/pki/crl.ts (strict parsing, issuer
// name, signature with src-shared/pki/sig.ts, entry lookup by issuer and serial value).
import { VanthuError } from '../errors';
import { parseCertShared } from '../pki/cert';
import { lookupEntry, parseCrl as parsePkiCrl, type ParsedCrl } from '../pki/crl';
import { nameEqual } from '../pki/names';
import { verifySignature, workingKeyOf } from '../pki/sig';
import type { HttpGet } from './net';
import type { RevocationStatus } from './ocsp';

export interface CrlResult {
  der: Uint8Array;
  crl: ParsedCrl;
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
  let crl: ParsedCrl;
  try {
    crl = parsePkiCrl(der);
  } catch {
    throw bad('không đọc được', 'cannot be parsed');
  }
  if (issuerDer) {
    const issuer = parseCertShared(issuerDer);
    if (!nameEqual(crl.issuer, issuer.subject)) throw bad('tên tổ chức phát hành không khớp', 'issuer name does not match');
    const ok = await verifySignature(workingKeyOf(issuer.spki, issuer.keyAlg), crl.sigAlg, crl.tbs, crl.signature);
    if (!ok.ok) throw bad('chữ ký không hợp lệ', 'signature does not verify');
  }
  return { der: crl.der, crl, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, url };
}

/** Look the certificate up in the CRL (an entry removed from the CRL, reason removeFromCRL, is not revoked). */
export function crlStatus(crl: ParsedCrl, certDer: Uint8Array): CrlStatus {
  const e = lookupEntry(crl, parseCertShared(certDer));
  if (!e || e.reason === 8) return { status: 'good' };
  return e.reason ? { status: 'revoked', revocationTime: e.date, revocationReason: e.reason } : { status: 'revoked', revocationTime: e.date };
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
