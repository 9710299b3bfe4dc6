// A small client for the gateway over an injected fetch-like function. It sorts every failure
// into: retryable transport trouble (network, 5xx, 429, cut or garbled responses; with Retry-After),
// an authentication problem, or a definite refusal (4xx with the gateway's error body).
import { VanthuError, type AppError } from '../errors';
import type { z } from 'zod';

export interface FetchLikeResponse {
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: Uint8Array | string; signal?: AbortSignal }) => Promise<FetchLikeResponse>;

/** Retry later: the network or the gateway is temporarily unable. */
export class TransportError extends VanthuError {
  constructor(readonly status: number, readonly retryAfterMs: number | null, en: string) {
    super('SYNC_TRANSPORT', 'Mất kết nối tới máy chủ hoặc máy chủ tạm thời lỗi; sẽ thử lại.', `Connection or server trouble; will retry (${en}).`, { status });
  }
}
/** The session is missing, expired or revoked: the user must sign in again. */
export class AuthRequiredError extends VanthuError {
  constructor() { super('SYNC_AUTH_REQUIRED', 'Cần đăng nhập lại máy chủ đồng bộ.', 'Sign in to the sync server again.'); }
}
/** The gateway refused this request; retrying the same request will not help. */
export class RefusedError extends VanthuError {
  constructor(readonly status: number, readonly error: AppError & { details?: Record<string, unknown> }) {
    super(error.code, error.message_vi, error.message_en, error.details);
  }
}

export function parseRetryAfter(v: string | null, now: number): number | null {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

export interface Counters { requests: number; transportErrors: number }

export class GatewayClient {
  readonly counters: Counters = { requests: 0, transportErrors: 0 };
  constructor(private fetch: FetchLike, public baseUrl: string, public token: string | null = null) {}

  async raw(method: string, path: string, body?: Uint8Array | string, contentType?: string, signal?: AbortSignal): Promise<{ status: number; bytes: Uint8Array; headers: FetchLikeResponse['headers'] }> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (contentType) headers['content-type'] = contentType;
    this.counters.requests++;
    let res: FetchLikeResponse;
    let bytes: Uint8Array;
    try {
      res = await this.fetch(this.baseUrl.replace(/\/$/, '') + path, { method, headers, body, signal });
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      if (signal?.aborted) throw e;
      this.counters.transportErrors++;
      throw new TransportError(0, null, (e as Error)?.message ?? 'network');
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      this.counters.transportErrors++;
      throw new TransportError(res.status, parseRetryAfter(res.headers.get('retry-after'), Date.now()), `HTTP ${res.status}`);
    }
    return { status: res.status, bytes, headers: res.headers };
  }

  /** JSON request; validates the answer with `schema`. */
  async json<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown, signal?: AbortSignal): Promise<z.infer<T>> {
    const r = await this.raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json', signal);
    return this.decode(r, schema);
  }

  decode<T extends z.ZodType>(r: { status: number; bytes: Uint8Array }, schema: T): z.infer<T> {
    let parsed: unknown;
    try { parsed = JSON.parse(new TextDecoder().decode(r.bytes)); }
    catch {
      // A cut or garbled answer (e.g. a proxy truncating it): the request may or may not have been
      // applied; every request we send is idempotent, so retrying is safe.
      this.counters.transportErrors++;
      throw new TransportError(r.status, null, 'unreadable response');
    }
    if (r.status === 401) throw new AuthRequiredError();
    if (r.status >= 400) {
      const err = (parsed as { error?: AppError })?.error;
      throw new RefusedError(r.status, err && typeof err.code === 'string' ? err : { code: `HTTP_${r.status}`, message_vi: `Máy chủ từ chối (${r.status}).`, message_en: `Refused by the server (${r.status}).` });
    }
    const v = schema.safeParse(parsed);
    if (!v.success) { this.counters.transportErrors++; throw new TransportError(r.status, null, 'unexpected response shape'); }
    return v.data;
  }
}
