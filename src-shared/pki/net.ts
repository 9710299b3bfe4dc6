// Injected network functions for online revocation fetching (src-shared never calls fetch
// itself). The types are the CMS layer's (src-shared/cms/net.ts) so one host implementation
// serves TSA, OCSP and CRL fetching; every call made here is bounded by a timeout.
export type { HttpGet, HttpPost, HttpResponse } from '../cms/net';

export class FetchTimeout extends Error {
  constructor(url: string, ms: number) { super(`timeout after ${ms} ms: ${url}`); }
}

/** Resolve `p` or reject with FetchTimeout after `ms` milliseconds. */
export function withTimeout<T>(p: Promise<T>, ms: number, url: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = globalThis.setTimeout(() => reject(new FetchTimeout(url, ms)), ms);
    p.then((v) => { globalThis.clearTimeout(t); resolve(v); }, (e) => { globalThis.clearTimeout(t); reject(e); });
  });
}
