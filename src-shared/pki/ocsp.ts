// OCSP (RFC 6960), the one implementation for validation and for signing (src-shared/cms/ocsp.ts
// fetches through it): parse OCSPResponse/BasicOCSPResponse (with the nonce extension), verify the
// signature by the issuing CA or by a delegated responder (issued by that CA, id-kp-OCSPSigning,
// valid when the response was produced), match the CertID (serial numbers compared by value) and
// check thisUpdate/nextUpdate freshness; build OCSP requests (optionally with a nonce).
import { DerError, U, bitStringBytes, bytesEqual, ctxChild, decodeInt, encOid, isCtx, isUniv, oidOf, parseDer, timeOf, tlv, toHex } from './der';
import { type AlgId, OID, type ParsedCert, parseAlgId, parseCertShared } from './cert';
import { type Name, nameEqual, parseName } from './names';
import { type WorkingKey, verifySignature, workingKeyOf } from './sig';
import { anyHashFromOid, digest } from '../crypto/hash';
import { OID as CRYPTO_OID } from '../crypto/oids';
import type { CryptoProvider } from '../crypto/provider';


export interface SingleResponse {
  hashAlg: string;
  nameHash: Uint8Array;
  keyHash: Uint8Array;
  serialHex: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
}
export interface ParsedOcsp {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgId;
  signature: Uint8Array;
  responderName?: Name;
  responderKeyHash?: Uint8Array;
  producedAt: Date;
  responses: SingleResponse[];
  certs: Uint8Array[];
  /** The id-pkix-ocsp-nonce response extension's value, when present. */
  nonce?: Uint8Array;
}

export class OcspStatusError extends Error {
  constructor(public readonly responseStatus: number) { super(`OCSP responseStatus ${responseStatus}`); }
}

/** Parse an OCSPResponse (must be successful/basic) or a bare BasicOCSPResponse. */
export function parseOcsp(der: Uint8Array): ParsedOcsp {
  let n = parseDer(der);
  if (isUniv(n.kids[0], U.ENUMERATED)) {
    const st = Number(decodeInt(n.kids[0].content));
    if (st !== 0) throw new OcspStatusError(st);
    const rb = ctxChild(n, 0)?.kids[0];
    if (!rb || oidOf(rb.kids[0]) !== CRYPTO_OID.ocspBasic) throw new DerError('not a basic OCSP response');
    n = parseDer(rb.kids[1].content);
  }
  const tbsN = n.kids[0];
  let i = 0;
  if (isCtx(tbsN.kids[0], 0)) i++;
  const rid = tbsN.kids[i++];
  const out: ParsedOcsp = {
    der, tbs: tbsN.raw, sigAlg: parseAlgId(n.kids[1]), signature: bitStringBytes(n.kids[2]),
    producedAt: timeOf(tbsN.kids[i++]), responses: [], certs: [],
  };
  if (isCtx(rid, 1)) out.responderName = parseName(rid.kids[0]);
  else if (isCtx(rid, 2)) out.responderKeyHash = rid.kids[0].content;
  const respExts = tbsN.kids.slice(i + 1).find((k) => isCtx(k, 1));
  for (const ext of respExts?.kids[0]?.kids ?? []) {
    if (oidOf(ext.kids[0]) !== CRYPTO_OID.ocspNonce) continue;
    const v = ext.kids[ext.kids.length - 1].content;
    // RFC 8954: the value is an OCTET STRING; some responders put the bare nonce
    try {
      const inner = parseDer(v);
      out.nonce = isUniv(inner, U.OCTETSTRING) ? inner.content : v;
    } catch {
      out.nonce = v;
    }
  }
  for (const sr of tbsN.kids[i].kids) {
    const cid = sr.kids[0];
    const st = sr.kids[1];
    const r: SingleResponse = {
      hashAlg: oidOf(cid.kids[0].kids[0]), nameHash: cid.kids[1].content, keyHash: cid.kids[2].content,
      serialHex: toHex(cid.kids[3].content), status: 'unknown', thisUpdate: timeOf(sr.kids[2]),
    };
    if (isCtx(st, 0)) r.status = 'good';
    else if (isCtx(st, 1)) {
      r.status = 'revoked';
      r.revokedAt = timeOf(st.kids[0]);
      const rc = ctxChild(st, 0);
      if (rc) r.reason = Number(decodeInt(rc.kids[0].content));
    }
    // nextUpdate is the [0] after thisUpdate (certStatus "good" is also tagged [0])
    const nu = sr.kids.slice(3).find((k) => isCtx(k, 0));
    if (nu) r.nextUpdate = timeOf(nu.kids[0]);
    out.responses.push(r);
  }
  const certsN = ctxChild(n, 0);
  if (certsN) out.certs = certsN.kids[0].kids.map((k) => k.raw);
  return out;
}

/** Why a response is not usable for a certificate. */
export type OcspProblem = 'not-for-certificate' | 'responder-lacks-ocsp-signing' | 'responder-not-valid' | 'unauthorised-signer' | 'bad-signature' | 'stale' | 'unknown-status';

export type OcspOutcome =
  | { ok: true; status: 'good' | 'revoked'; revokedAt?: Date; reason?: number; response: SingleResponse; /** the delegated responder's certificate (absent when the CA signed) */ responder?: ParsedCert }
  | { ok: false; detail: string; detailVi: string; matched: boolean; problem: OcspProblem; /** the matching entry, when one was found */ response?: SingleResponse };

/** Serial number hex without redundant leading octets (non-DER encoders pad with 00 or FF). */
export function serialKey(hex: string): string {
  let h = hex.toLowerCase();
  while (h.length > 2 && ((h.startsWith('00') && parseInt(h[2], 16) < 8) || (h.startsWith('ff') && parseInt(h[2], 16) >= 8))) h = h.slice(2);
  return h;
}

/** Evaluate a parsed OCSP response for `cert` issued by `issuer` at `time`. */
export async function evaluateOcsp(
  resp: ParsedOcsp, cert: ParsedCert, issuer: ParsedCert, issuerKey: WorkingKey, time: Date, maxAgeMs: number,
  /** other certificates where a delegated responder may be found (e.g. the PDF's DSS /Certs) */
  extraCerts: ParsedCert[] = [],
  crypto?: CryptoProvider,
): Promise<OcspOutcome> {
  let single: SingleResponse | undefined;
  for (const r of resp.responses) {
    const h = anyHashFromOid(r.hashAlg);
    if (!h || serialKey(r.serialHex) !== serialKey(cert.serialHex)) continue;
    if (bytesEqual(await digest(h, issuer.subject.der), r.nameHash) && bytesEqual(await digest(h, issuer.publicKey), r.keyHash)) { single = r; break; }
  }
  if (!single) return { ok: false, matched: false, problem: 'not-for-certificate', detail: 'OCSP response is not for this certificate', detailVi: 'phản hồi OCSP không dành cho chứng thư này' };
  // who signed it
  const issuerKeyHash = await digest('SHA-1', issuer.publicKey);
  let signerKey: WorkingKey | undefined;
  let responder: ParsedCert | undefined;
  let outOfValidity = false;
  if ((resp.responderName && nameEqual(resp.responderName, issuer.subject)) || (resp.responderKeyHash && bytesEqual(resp.responderKeyHash, issuerKeyHash))) {
    signerKey = issuerKey;
  } else {
    const candidates: ParsedCert[] = [];
    for (const d of resp.certs) {
      try { candidates.push(parseCertShared(d)); } catch { /* skip unparseable */ }
    }
    candidates.push(...extraCerts);
    for (const rc of candidates) {
      const idMatch = resp.responderName ? nameEqual(resp.responderName, rc.subject) : resp.responderKeyHash ? bytesEqual(resp.responderKeyHash, await digest('SHA-1', rc.publicKey)) : false;
      if (!idMatch) continue;
      if (!nameEqual(rc.issuer, issuer.subject)) continue;
      if (!(await verifySignature(issuerKey, rc.sigAlg, rc.tbs, rc.signature, crypto)).ok) continue;
      if (!rc.extKeyUsage?.includes(OID.kpOcspSigning)) return { ok: false, matched: true, problem: 'responder-lacks-ocsp-signing', response: single, detail: 'OCSP responder certificate lacks id-kp-OCSPSigning', detailVi: 'chứng thư máy chủ OCSP thiếu id-kp-OCSPSigning' };
      if ((rc.notBefore.getTime() > time.getTime() && rc.notBefore.getTime() > resp.producedAt.getTime()) || rc.notAfter.getTime() < resp.producedAt.getTime()) {
        outOfValidity = true;
        continue;
      }
      signerKey = workingKeyOf(rc.spki, rc.keyAlg, issuerKey);
      responder = rc;
      break;
    }
  }
  if (!signerKey && outOfValidity) return { ok: false, matched: true, problem: 'responder-not-valid', response: single, detail: 'the OCSP responder certificate is expired or not yet valid', detailVi: 'chứng thư máy chủ OCSP đã hết hạn hoặc chưa có hiệu lực' };
  if (!signerKey) return { ok: false, matched: true, problem: 'unauthorised-signer', response: single, detail: 'OCSP response signer is not authorised for this issuer', detailVi: 'người ký phản hồi OCSP không được CA ủy quyền' };
  const sv = await verifySignature(signerKey, resp.sigAlg, resp.tbs, resp.signature, crypto);
  if (!sv.ok) return { ok: false, matched: true, problem: 'bad-signature', response: single, detail: 'OCSP response signature could not be verified', detailVi: 'chữ ký phản hồi OCSP không hợp lệ' };
  const tt = time.getTime();
  const fresh = single.nextUpdate
    ? single.nextUpdate.getTime() >= tt || single.thisUpdate.getTime() >= tt
    : single.thisUpdate.getTime() >= tt || tt - single.thisUpdate.getTime() <= maxAgeMs;
  if (!fresh) return { ok: false, matched: true, problem: 'stale', response: single, detail: 'OCSP response is not recent enough', detailVi: 'phản hồi OCSP đã quá cũ' };
  if (single.status === 'unknown') return { ok: false, matched: true, problem: 'unknown-status', response: single, detail: 'OCSP responder does not know the certificate', detailVi: 'máy chủ OCSP không biết chứng thư này' };
  if (single.status === 'revoked') {
    if (single.revokedAt && single.revokedAt.getTime() > tt) return { ok: true, status: 'good', response: single, responder };
    return { ok: true, status: 'revoked', revokedAt: single.revokedAt, reason: single.reason, response: single, responder };
  }
  return { ok: true, status: 'good', response: single, responder };
}

/**
 * DER OCSPRequest for one certificate: SHA-1 CertID by default (what every responder takes), or
 * SHA-256; with `nonce`, an id-pkix-ocsp-nonce request extension (RFC 8954: an OCTET STRING value).
 */
export async function buildOcspRequest(cert: ParsedCert, issuer: ParsedCert, opts: { nonce?: Uint8Array; hash?: 'SHA-1' | 'SHA-256' } = {}): Promise<Uint8Array> {
  const hash = opts.hash ?? 'SHA-1';
  const algId = tlv(0x30, encOid(hash === 'SHA-1' ? CRYPTO_OID.sha1 : CRYPTO_OID.sha256), new Uint8Array([5, 0]));
  const certId = tlv(0x30, algId,
    tlv(0x04, await digest(hash, issuer.subject.der)),
    tlv(0x04, await digest(hash, issuer.publicKey)),
    tlv(0x02, cert.serialBytes));
  const request = tlv(0x30, certId);
  const parts = [tlv(0x30, request)];
  if (opts.nonce) {
    const ext = tlv(0x30, encOid(CRYPTO_OID.ocspNonce), tlv(0x04, tlv(0x04, opts.nonce)));
    parts.push(tlv(0xa2, tlv(0x30, ext)));
  }
  const tbs = tlv(0x30, ...parts);
  return tlv(0x30, tbs);
}
