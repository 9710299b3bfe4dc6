// Gather what PAdES B-LT stores in the DSS: every certificate of the signer's (and the TSA's)
// chain, and for each non-root certificate an OCSP response or else a CRL. Follows AIA
// caIssuers for missing issuers, AIA OCSP and CRL distribution points for status. Never throws
// for network trouble: what could not be checked is listed in `problems` (the rules in force
// require a warning when revocation cannot be checked). Pass a RevocationCache
// (revocation-cache.ts) to let a batch query each responder once.
import * as pkijs from 'pkijs';
import type { AppError } from '../errors';
import { VanthuError, toAppError } from '../errors';
import { bytesEqual, toArrayBuffer, toHex } from '../crypto/bytes';
import { certificateDer, parseCertificate, serialHex, subjectCommonName } from '../crypto/certificate';
import { isSelfSigned, isSignedBy } from '../crypto/verify-signed';
import { fetchCrl, crlStatus } from './crl';
import type { Net } from './net';
import { fetchOcsp, type RevocationStatus } from './ocsp';
import { caIssuersUrls, crlUrls, ocspUrls } from './urls';
import type { RevocationCache } from './revocation-cache';

export interface CertificateStatus {
  subject: string;
  serialHex: string;
  status: RevocationStatus | 'not-checked' | 'trust-anchor';
  source?: 'ocsp' | 'crl';
  revocationTime?: Date;
}

export interface ValidationData {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  problems: AppError[];
  statuses: CertificateStatus[];
  /**
   * True when fetches were attempted and every one failed at the transport level (no server
   * reached): the machine is offline, so signing falls back to B-B and extends later.
   */
  offline: boolean;
}

/** Error codes that mean "no server could be reached", as opposed to a server refusing. */
export const UNREACHABLE_CODES: readonly string[] = ['OCSP_UNREACHABLE', 'CRL_UNREACHABLE', 'NET_UNREACHABLE', 'NET_TIMEOUT'];

export interface CollectOptions {
  /** Also fetch CRLs when OCSP answered (default false). */
  crlsToo?: boolean;
  now?: Date;
  /** Most certificates fetched through caIssuers per chain (default 5). */
  maxFetchedIssuers?: number;
  /** Cache of OCSP/CRL answers shared by the files of a batch (default: none, always fetch). */
  cache?: RevocationCache;
}

function addUnique(list: Uint8Array[], item: Uint8Array): void {
  if (!list.some((x) => bytesEqual(x, item))) list.push(item);
}

function nameOf(cert: pkijs.Certificate): string {
  return subjectCommonName(cert) ?? serialHex(cert);
}

/** Certificates from a caIssuers answer: a DER certificate or a certs-only PKCS#7 (.p7c). */
function certificatesFromCaIssuers(body: Uint8Array): pkijs.Certificate[] {
  try {
    return [parseCertificate(body)];
  } catch {
    try {
      const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(body));
      const sd = new pkijs.SignedData({ schema: ci.content });
      return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    } catch {
      return [];
    }
  }
}

async function findIssuer(cert: pkijs.Certificate, pool: pkijs.Certificate[]): Promise<pkijs.Certificate | undefined> {
  for (const c of pool) {
    if (c !== cert && c.subject.isEqual(cert.issuer) && (await isSignedBy(cert, c))) return c;
  }
  return undefined;
}

/**
 * `chains`: one chain (leaf first) or several (e.g. [signerChain, tsaChain]); the order after the
 * leaf does not matter, issuers are matched by name and signature.
 */
export async function collectValidationData(chains: Uint8Array[] | Uint8Array[][], net: Net, opts: CollectOptions = {}): Promise<ValidationData> {
  const list: Uint8Array[][] = chains.length && Array.isArray(chains[0]) ? (chains as Uint8Array[][]) : [chains as Uint8Array[]];
  const out: ValidationData = { certs: [], ocsps: [], crls: [], problems: [], statuses: [], offline: false };
  const cache = opts.cache;
  const tally = { attempts: 0, unreachable: 0 };
  const pool: pkijs.Certificate[] = [];
  for (const chain of list) for (const d of chain) if (!pool.some((p) => bytesEqual(certificateDer(p), d))) pool.push(parseCertificate(d));
  const checked = new Set<string>();

  for (const chain of list) {
    if (!chain.length) continue;
    let cert = parseCertificate(chain[0]);
    let fetched = 0;
    for (let depth = 0; depth < 10; depth++) {
      const der = certificateDer(cert);
      addUnique(out.certs, der);
      const key = `${serialHex(cert)}/${toHex(new Uint8Array(cert.issuer.toSchema().toBER(false)))}`;
      if (await isSelfSigned(cert)) {
        if (!checked.has(key)) out.statuses.push({ subject: nameOf(cert), serialHex: serialHex(cert), status: 'trust-anchor' });
        checked.add(key);
        break;
      }
      let issuer = await findIssuer(cert, pool);
      if (!issuer) {
        for (const url of caIssuersUrls(cert)) {
          if (fetched >= (opts.maxFetchedIssuers ?? 5)) break;
          tally.attempts++;
          try {
            const res = await net.get(url);
            fetched++;
            if (res.status !== 200) continue;
            for (const c of certificatesFromCaIssuers(res.body)) pool.push(c);
            issuer = await findIssuer(cert, pool);
            if (issuer) break;
          } catch (e) {
            // Reported below as a missing issuer.
            if (UNREACHABLE_CODES.includes(toAppError(e).code)) tally.unreachable++;
          }
        }
      }
      if (!issuer) {
        out.problems.push(new VanthuError('ISSUER_MISSING', `Không tìm được chứng thư của tổ chức cấp cho "${nameOf(cert)}".`,
          `Cannot find the issuer certificate of "${nameOf(cert)}".`).toJSON());
        break;
      }
      if (!checked.has(key)) {
        checked.add(key);
        await statusOf(cert, issuer, net, opts, out, tally, cache);
      }
      cert = issuer;
    }
  }
  out.offline = tally.attempts > 0 && tally.unreachable === tally.attempts;
  return out;
}

async function statusOf(cert: pkijs.Certificate, issuer: pkijs.Certificate, net: Net, opts: CollectOptions, out: ValidationData,
  tally: { attempts: number; unreachable: number }, cache: RevocationCache | undefined): Promise<void> {
  const now = opts.now ?? new Date();
  const certDer = certificateDer(cert);
  const issuerDer = certificateDer(issuer);
  const who = nameOf(cert);
  const errors: AppError[] = [];
  let status: CertificateStatus | undefined;

  const failed = (e: unknown) => {
    const a = toAppError(e);
    errors.push(a);
    if (UNREACHABLE_CODES.includes(a.code)) tally.unreachable++;
  };

  for (const url of ocspUrls(cert)) {
    const key = `${url} ${serialHex(cert)} ${toHex(issuerDer.subarray(-32))}`;
    try {
      let r = cache?.getOcsp(key, now);
      if (!r) {
        tally.attempts++;
        r = await fetchOcsp(net.post, certDer, issuerDer, { url, now: opts.now });
        if (r.status !== 'unknown') cache?.putOcsp(key, r, now);
      }
      if (r.status === 'unknown') {
        errors.push(new VanthuError('OCSP_UNKNOWN', `Máy chủ OCSP không biết chứng thư "${who}".`, `The OCSP responder does not know "${who}".`).toJSON());
        continue;
      }
      addUnique(out.ocsps, r.der);
      for (const c of r.responderCertificates) addUnique(out.certs, c);
      status = { subject: who, serialHex: serialHex(cert), status: r.status, source: 'ocsp', revocationTime: r.revocationTime };
      break;
    } catch (e) {
      failed(e);
    }
  }

  if (!status || opts.crlsToo) {
    for (const url of crlUrls(cert)) {
      try {
        const key = `${url} ${toHex(issuerDer.subarray(-32))}`;
        let r = cache?.getCrl(key, now);
        if (!r) {
          tally.attempts++;
          r = await fetchCrl(net.get, url, { issuerDer, now: opts.now });
          cache?.putCrl(key, r, now);
        }
        addUnique(out.crls, r.der);
        if (!status) {
          const s = crlStatus(r.crl, certDer);
          status = { subject: who, serialHex: serialHex(cert), status: s.status, source: 'crl', revocationTime: s.revocationTime };
        }
        break;
      } catch (e) {
        failed(e);
      }
    }
  }

  if (!status) {
    out.statuses.push({ subject: who, serialHex: serialHex(cert), status: 'not-checked' });
    const detail = errors.map((e) => e.message_en).join('; ');
    out.problems.push(new VanthuError('REVOCATION_UNAVAILABLE',
      `Không kiểm tra được tình trạng thu hồi của chứng thư "${who}"${errors.length ? '' : ' (chứng thư không có địa chỉ OCSP hoặc CRL)'}.`,
      `The revocation status of "${who}" could not be checked${detail ? `: ${detail}` : ' (no OCSP or CRL URL in the certificate)'}.`).toJSON());
    return;
  }
  out.statuses.push(status);
  if (status.status === 'revoked') {
    out.problems.push(new VanthuError('CERT_REVOKED', `Chứng thư "${who}" đã bị thu hồi${status.revocationTime ? ` lúc ${status.revocationTime.toISOString()}` : ''}.`,
      `Certificate "${who}" is revoked${status.revocationTime ? ` since ${status.revocationTime.toISOString()}` : ''}.`).toJSON());
  }
}
