// Revocation checking for one certificate of a path: OCSP responses and CRLs from embedded data,
// the cache and (mode online/require) the injected fetcher; RFC 5280 §6.3 CRL processing with
// reason coverage, indirect CRL issuers (their own path validated), cRLSign, deltas, freshness.
import { bytesEqual, toHex } from './der';
import { type DistributionPoint, KU, OID, type ParsedCert, parseCertShared } from './cert';
import { ALL_REASONS, type ParsedCrl, REASON_NAMES, crlIsFresh, crlScopeMatches, interimReasons, lookupEntry, parseCrl, sameScope } from './crl';
import { nameKey } from './names';
import { type ParsedOcsp, buildOcspRequest, evaluateOcsp, parseOcsp } from './ocsp';
import { type WorkingKey, verifySignature, workingKeyOf } from './sig';
import { withTimeout } from './net';
import type { CertRevocation, PathResult, RevocationOptions } from './types';
import type { Ctx } from './validate';

/** Reserved for host-provided hooks; currently nothing is required. */
export type RevocationEnv = Record<string, never>;

export type RevInternal = Omit<CertRevocation, 'index'> & { detailVi?: string };
type SignerCheck = (c: ParsedCert, depth: number) => Promise<{ ok: boolean; detail?: string; /** its path is INVALID because it was revoked */ revoked?: boolean }>;

interface Shared {
  localCrls?: ParsedCrl[];
  localOcsps?: ParsedOcsp[];
  fetched: Map<string, Promise<Uint8Array | undefined>>;
  usedCrls: Map<string, Uint8Array>;
  usedOcsps: Map<string, Uint8Array>;
}

// failure notes, most specific first
const NOTES: Record<string, [number, string, string]> = {
  'revoked-signer': [0, 'the CRL issuer certificate path could not be validated', 'không xác thực được chuỗi chứng thư của bên phát hành CRL'],
  'crl-sign-ku': [1, 'the CRL issuer is not authorised to sign CRLs (cRLSign)', 'bên phát hành CRL không có quyền ký CRL (cRLSign)'],
  'crl-signature': [2, 'CRL signature could not be verified', 'chữ ký CRL không hợp lệ'],
  'unknown-critical': [3, 'the CRL has an unrecognised critical extension', 'CRL có phần mở rộng quan trọng không được hỗ trợ'],
  'stale': [4, 'CRL is not recent enough', 'CRL đã quá hạn cập nhật'],
  'only-user': [5, 'CRL only covers end-entity certificates', 'CRL chỉ áp dụng cho chứng thư người dùng cuối'],
  'only-ca': [5, 'CRL only covers CA certificates', 'CRL chỉ áp dụng cho chứng thư CA'],
  'only-attr': [5, 'CRL only covers attribute certificates', 'CRL chỉ áp dụng cho chứng thư thuộc tính'],
  'reasons': [6, 'the available CRLs do not cover all revocation reasons', 'các CRL hiện có không bao quát mọi lý do thu hồi'],
  'ocsp': [7, 'no usable OCSP response', 'không có phản hồi OCSP dùng được'],
  'fetch': [8, 'revocation data could not be fetched', 'không tải được dữ liệu thu hồi'],
  'require-online': [8, 'fresh online revocation status was required but could not be obtained', 'yêu cầu trạng thái thu hồi trực tuyến nhưng không lấy được'],
  'none': [9, 'no revocation information (CRL or OCSP) was found', 'không tìm thấy thông tin thu hồi (CRL hoặc OCSP)'],
};

class Notes {
  best?: string;
  ocspDetail?: [string, string];
  add(k: string) { if (!this.best || NOTES[k][0] < NOTES[this.best][0]) this.best = k; }
  detail(): { detail: string; detailVi: string } {
    const k = this.best ?? 'none';
    if (k === 'ocsp' && this.ocspDetail) return { detail: this.ocspDetail[0], detailVi: this.ocspDetail[1] };
    return { detail: NOTES[k][1], detailVi: NOTES[k][2] };
  }
}

export class RevocationSession {
  private shared: Shared;
  constructor(
    private readonly opts: RevocationOptions,
    private readonly time: Date,
    _env: RevocationEnv | undefined,
    private readonly checkSigner: SignerCheck,
    private readonly depth = 0,
    shared?: Shared,
  ) {
    this.shared = shared ?? { fetched: new Map(), usedCrls: new Map(), usedOcsps: new Map() };
  }

  child(): RevocationSession {
    return new RevocationSession(this.opts, this.time, undefined, this.checkSigner, this.depth + 1, this.shared);
  }

  finish(r: PathResult): PathResult {
    if (this.depth > 0 || !r.revocationChecked) return r;
    return { ...r, usedCrls: [...this.shared.usedCrls.values()], usedOcsps: [...this.shared.usedOcsps.values()] };
  }

  private async local(): Promise<{ crls: ParsedCrl[]; ocsps: ParsedOcsp[] }> {
    if (!this.shared.localCrls || !this.shared.localOcsps) {
      const crlDers = [...(this.opts.crls ?? [])];
      const ocspDers = [...(this.opts.ocsps ?? [])];
      if (this.opts.cache?.all && this.opts.mode !== 'require') {
        try {
          const all = await this.opts.cache.all();
          crlDers.push(...all.crls);
          ocspDers.push(...all.ocsps);
        } catch { /* an unreadable cache is treated as empty */ }
      }
      this.shared.localCrls = crlDers.flatMap((d) => { try { return [parseCrl(d)]; } catch { return []; } });
      this.shared.localOcsps = ocspDers.flatMap((d) => { try { return [parseOcsp(d)]; } catch { return []; } });
    }
    return { crls: this.shared.localCrls, ocsps: this.shared.localOcsps! };
  }

  /** Revocation status of `cert` (issued by `issuer`, whose working key is `issuerKey`). */
  async check(cert: ParsedCert, issuer: ParsedCert, issuerKey: WorkingKey, ctx: Ctx): Promise<RevInternal> {
    if (cert.extensions.has(OID.ocspNoCheck) && cert.extKeyUsage?.includes(OID.kpOcspSigning)) {
      return { status: 'good', detail: 'OCSP responder with id-pkix-ocsp-nocheck' };
    }
    const notes = new Notes();
    const mode = this.opts.mode;
    if (mode !== 'require') {
      const { crls, ocsps } = await this.local();
      const o = await this.tryOcsp(ocsps, cert, issuer, issuerKey, notes, ctx);
      if (o) return o;
      const c = await this.tryCrls(crls, cert, issuer, issuerKey, ctx, notes);
      if (c) return c;
    }
    if ((mode === 'online' || mode === 'require') && this.opts.fetcher) {
      if (mode === 'online' && this.opts.cache) {
        // a fresh response cached earlier avoids the network
        const cached = await this.cachedOcsp(cert, issuer);
        const oc = cached ? await this.tryOcsp([cached], cert, issuer, issuerKey, notes, ctx) : undefined;
        if (oc) return oc;
      }
      const fetchedOcsp = await this.fetchOcsp(cert, issuer, notes);
      const o = await this.tryOcsp(fetchedOcsp, cert, issuer, issuerKey, notes, ctx);
      if (o) return o;
      const fetchedCrls = await this.fetchCrls(cert, notes);
      const pool = mode === 'require' ? fetchedCrls : [...(await this.local()).crls, ...fetchedCrls];
      const c = await this.tryCrls(pool, cert, issuer, issuerKey, ctx, notes);
      if (c) return c;
    }
    if (mode === 'require') notes.add('require-online');
    return { status: 'unknown', ...notes.detail() };
  }

  private ocspCacheKey(cert: ParsedCert, issuer: ParsedCert): string {
    return 'ocsp:' + cert.serialHex + ':' + toHex(issuer.subject.der).slice(0, 64) + ':' + toHex(issuer.publicKey).slice(-32);
  }

  private async cachedOcsp(cert: ParsedCert, issuer: ParsedCert): Promise<ParsedOcsp | undefined> {
    try {
      const b = await this.opts.cache!.get(this.ocspCacheKey(cert, issuer));
      return b ? parseOcsp(b) : undefined;
    } catch {
      return undefined;
    }
  }

  private async tryOcsp(list: ParsedOcsp[], cert: ParsedCert, issuer: ParsedCert, issuerKey: WorkingKey, notes: Notes, ctx: Ctx): Promise<RevInternal | undefined> {
    for (const resp of list) {
      const r = await evaluateOcsp(resp, cert, issuer, issuerKey, this.time, this.opts.ocspMaxAgeMs ?? 7 * 86400_000, ctx.pool, ctx.opts.crypto);
      if (r.ok && r.responder && !r.responder.extensions.has(OID.ocspNoCheck)) {
        // a delegated responder without id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): its own status
        // is checked with the data at hand; a revoked responder's answers are not used. When its
        // status cannot be established the answer is used, as other validators do.
        const v = await this.checkSigner(r.responder, this.depth + 1);
        if (!v.ok && v.revoked) {
          notes.add('ocsp');
          notes.ocspDetail = ['the OCSP responder certificate has been revoked', 'chứng thư máy chủ OCSP đã bị thu hồi'];
          continue;
        }
      }
      if (r.ok) {
        this.shared.usedOcsps.set(toHex(resp.der), resp.der);
        if (r.status === 'good') return { status: 'good', source: 'ocsp' };
        const rn = REASON_NAMES[r.reason ?? 0];
        return { status: 'revoked', source: 'ocsp', revokedAt: r.revokedAt, reasonCode: r.reason, detail: rn?.en, detailVi: rn?.vi };
      }
      if (r.matched) { notes.add('ocsp'); notes.ocspDetail = [r.detail, r.detailVi]; }
    }
    return undefined;
  }

  /** Find and authenticate the key that signed `crl` for a certificate issued by `issuer`. */
  private async crlSigner(crl: ParsedCrl, subject: ParsedCert, issuer: ParsedCert, issuerKey: WorkingKey, ctx: Ctx, notes: Notes): Promise<WorkingKey | undefined> {
    const sameName = nameKey(crl.issuer) === nameKey(issuer.subject);
    if (sameName && (await verifySignature(issuerKey, crl.sigAlg, crl.tbs, crl.signature, ctx.opts.crypto)).ok) {
      if (issuer.keyUsage && !issuer.keyUsage[KU.cRLSign]) { notes.add('crl-sign-ku'); return undefined; }
      return issuerKey;
    }
    // a certificate may sign the CRL covering itself (PKITS 4.14.30) only when its key usage
    // explicitly includes cRLSign; one without a keyUsage extension never vouches for itself
    const selfOk = !!subject.keyUsage?.[KU.cRLSign];
    const candidates = [...ctx.pool, ...ctx.anchors].filter((c) => nameKey(c.subject) === nameKey(crl.issuer) && c !== issuer &&
      (selfOk || (c !== subject && !bytesEqual(c.der, subject.der))));
    let sawSig = false;
    for (const c of candidates) {
      const key = workingKeyOf(c.spki, c.keyAlg, sameName ? issuerKey : undefined);
      if (!(await verifySignature(key, crl.sigAlg, crl.tbs, crl.signature, ctx.opts.crypto)).ok) continue;
      sawSig = true;
      if (c.keyUsage && !c.keyUsage[KU.cRLSign]) { notes.add('crl-sign-ku'); continue; }
      const v = await this.checkSigner(c, this.depth + 1);
      if (!v.ok) { notes.add('revoked-signer'); continue; }
      return key;
    }
    if (!sawSig) notes.add('crl-signature');
    return undefined;
  }

  private async tryCrls(crls: ParsedCrl[], cert: ParsedCert, issuer: ParsedCert, issuerKey: WorkingKey, ctx: Ctx, notes: Notes): Promise<RevInternal | undefined> {
    const dps: (DistributionPoint | undefined)[] = cert.crlDistributionPoints?.length ? cert.crlDistributionPoints : [undefined];
    const mask = new Set<number>();
    let anyScope = false;
    const useDeltas = this.opts.useDeltas !== false;
    const tt = this.time.getTime();
    for (const dp of dps) {
      for (const crl of crls) {
        if (mask.size === ALL_REASONS.length) break;
        if (crl.deltaBase !== undefined) continue;
        const miss = crlScopeMatches(crl, cert, dp);
        if (miss) {
          if (miss === 'only-user' || miss === 'only-ca' || miss === 'only-attr') notes.add(miss);
          continue;
        }
        const interim = interimReasons(crl, dp);
        if ([...interim].every((r) => mask.has(r))) continue;
        anyScope = true;
        if (crl.unknownCritical) { notes.add('unknown-critical'); continue; }
        if (!crlIsFresh(crl, this.time)) { notes.add('stale'); continue; }
        const key = await this.crlSigner(crl, cert, issuer, issuerKey, ctx, notes);
        if (!key) continue;
        // delta CRLs for this base
        let delta: ParsedCrl | undefined;
        let deltaStale = false;
        if (useDeltas && crl.crlNumber !== undefined) {
          for (const d of crls) {
            if (d.deltaBase === undefined || !sameScope(d, crl) || d.deltaBase > crl.crlNumber) continue;
            if (d.crlNumber !== undefined && d.crlNumber <= crl.crlNumber) continue;
            if (d.unknownCritical) continue;
            if (!(await verifySignature(key, d.sigAlg, d.tbs, d.signature, ctx.opts.crypto)).ok) continue;
            if (!crlIsFresh(d, this.time)) { deltaStale = true; continue; }
            if (!delta || (d.crlNumber ?? 0n) > (delta.crlNumber ?? 0n)) delta = d;
          }
        }
        if (deltaStale && !delta) { notes.add('stale'); continue; }
        this.shared.usedCrls.set(toHex(crl.der), crl.der);
        let entry = undefined;
        let removed = false;
        if (delta) {
          this.shared.usedCrls.set(toHex(delta.der), delta.der);
          const de = lookupEntry(delta, cert);
          if (de) { if (de.reason === 8) removed = true; else entry = de; }
        }
        if (!entry && !removed) {
          const ce = lookupEntry(crl, cert);
          if (ce && ce.reason !== 8) entry = ce;
        }
        if (entry && entry.date.getTime() <= tt) {
          const rn = REASON_NAMES[entry.reason];
          return { status: 'revoked', source: 'crl', revokedAt: entry.date, reasonCode: entry.reason, detail: rn ? `due to ${rn.en}` : undefined, detailVi: rn ? `lý do: ${rn.vi}` : undefined };
        }
        for (const r of interim) mask.add(r);
      }
    }
    if (mask.size === ALL_REASONS.length) return { status: 'good', source: 'crl' };
    if (mask.size > 0 || anyScope) notes.add(mask.size > 0 ? 'reasons' : 'none');
    return undefined;
  }

  private fetchOnce(key: string, f: () => Promise<Uint8Array | undefined>): Promise<Uint8Array | undefined> {
    let p = this.shared.fetched.get(key);
    if (!p) { p = f().catch(() => undefined); this.shared.fetched.set(key, p); }
    return p;
  }

  private async fetchOcsp(cert: ParsedCert, issuer: ParsedCert, notes: Notes): Promise<ParsedOcsp[]> {
    const post = this.opts.fetcher?.post;
    if (!post || cert.ocspUrls.length === 0) return [];
    const ms = this.opts.fetcher?.timeoutMs ?? 10_000;
    const out: ParsedOcsp[] = [];
    const req = await buildOcspRequest(cert, issuer);
    for (const url of cert.ocspUrls) {
      if (!/^https?:\/\//i.test(url)) continue;
      const body = await this.fetchOnce('ocsp:' + url + ':' + toHex(req), async () => {
        const r = await withTimeout(post(url, req, 'application/ocsp-request'), ms, url);
        return r.status === 200 ? r.body : undefined;
      });
      if (!body) { notes.add('fetch'); continue; }
      try {
        out.push(parseOcsp(body));
        if (this.opts.cache) await this.opts.cache.put(this.ocspCacheKey(cert, issuer), body, 'ocsp');
      } catch { notes.add('fetch'); }
    }
    return out;
  }

  private async fetchCrls(cert: ParsedCert, notes: Notes): Promise<ParsedCrl[]> {
    const get = this.opts.fetcher?.get;
    if (!get) return [];
    const ms = this.opts.fetcher?.timeoutMs ?? 10_000;
    const urls = new Set<string>();
    for (const dp of [...(cert.crlDistributionPoints ?? []), ...(cert.freshestCrl ?? [])]) {
      for (const g of dp.fullName ?? []) if (g.kind === 'uri' && /^https?:\/\//i.test(g.value)) urls.add(g.value);
    }
    const out: ParsedCrl[] = [];
    for (const url of urls) {
      let body: Uint8Array | undefined;
      if (this.opts.cache && this.opts.mode !== 'require') {
        try { body = await this.opts.cache.get(url); } catch { body = undefined; }
        if (body) {
          try { const c = parseCrl(body); if (crlIsFresh(c, this.time)) { out.push(c); continue; } } catch { /* refetch */ }
        }
      }
      body = await this.fetchOnce('crl:' + url, async () => {
        const r = await withTimeout(get(url), ms, url);
        return r.status === 200 ? r.body : undefined;
      });
      if (!body) { notes.add('fetch'); continue; }
      try {
        out.push(parseCrl(body));
        if (this.opts.cache) await this.opts.cache.put(url, body, 'crl');
      } catch { notes.add('fetch'); }
    }
    return out;
  }
}
void parseCertShared;
