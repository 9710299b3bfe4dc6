// Injected network functions for online revocation fetching (src-shared never calls fetch
// itself). Hosts pass implementations; every call is bounded by a timeout here.
export interface HttpResponse { status: number; body: Uint8Array; headers: Record<string, string>; }
export type HttpPost = (url: string, body: Uint8Array, contentType: string) => Promise<HttpResponse>;
export type HttpGet = (url: string) => Promise<HttpResponse>;

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
