// Short-lived cache of OCSP responses and CRLs gathered at signing time, so a batch of files
// signed with one certificate asks the responder once, not once per file. Entries live until the
// response's nextUpdate or `maxAgeMs` after fetching, whichever is sooner; failures are not cached.
import type { CrlResult } from './crl';
import type { OcspResult } from './ocsp';

export interface RevocationCache {
  getOcsp(key: string, now: Date): OcspResult | undefined;
  putOcsp(key: string, r: OcspResult, now: Date): void;
  getCrl(key: string, now: Date): CrlResult | undefined;
  putCrl(key: string, r: CrlResult, now: Date): void;
}

export function createRevocationCache(maxAgeMs = 10 * 60_000, maxEntries = 256): RevocationCache {
  const ocsp = new Map<string, { r: OcspResult; until: number }>();
  const crl = new Map<string, { r: CrlResult; until: number }>();
  const until = (now: Date, next?: Date) => Math.min(now.getTime() + maxAgeMs, next ? next.getTime() : Infinity);
  function get<T>(m: Map<string, { r: T; until: number }>, k: string, now: Date): T | undefined {
    const e = m.get(k);
    if (!e) return undefined;
    if (e.until <= now.getTime()) { m.delete(k); return undefined; }
    return e.r;
  }
  function put<T>(m: Map<string, { r: T; until: number }>, k: string, r: T, u: number): void {
    if (m.size >= maxEntries) m.delete(m.keys().next().value as string);
    m.set(k, { r, until: u });
  }
  return {
    getOcsp: (k, now) => get(ocsp, k, now),
    putOcsp: (k, r, now) => put(ocsp, k, r, until(now, r.nextUpdate)),
    getCrl: (u, now) => get(crl, u, now),
    putCrl: (u, r, now) => put(crl, u, r, until(now, r.nextUpdate)),
  };
}
