// Fixed-window counters on the gateway's own clock (injectable, so tests can move time), kept in
// the database (rate_limits) so that every node counts the same windows: login attempts per client
// address, failed logins per username, and the global per-user/per-address limit through
// @fastify/rate-limit's custom-store interface (RateLimitStore). Each hit is one atomic upsert, so
// concurrent requests on several nodes cannot overshoot. sweep() drops windows long expired.
import { sql } from 'kysely';
import type { GatewayDb } from './db';

export class Windows {
  constructor(private db: GatewayDb, private now: () => number) {}

  /** Count one hit of `key` in its current window (a new window if the last one ended). */
  async hit(key: string, windowMs: number): Promise<{ n: number; start: number }> {
    const now = this.now();
    const fresh = sql<boolean>`rate_limits.window_start + ${windowMs} <= ${now}`;
    const r = await this.db.k.insertInto('rate_limits').values({ key, window_start: now, n: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        n: sql<number>`CASE WHEN ${fresh} THEN 1 ELSE rate_limits.n + 1 END`,
        window_start: sql<number>`CASE WHEN ${fresh} THEN ${now} ELSE rate_limits.window_start END`,
      }))
      .returning(['n', 'window_start']).executeTakeFirstOrThrow();
    return { n: Number(r.n), start: Number(r.window_start) };
  }

  /** The live window of `key`, if any. */
  async peek(key: string, windowMs: number): Promise<{ n: number; start: number } | undefined> {
    const r = await this.db.k.selectFrom('rate_limits').select(['n', 'window_start']).where('key', '=', key).executeTakeFirst();
    return r && this.now() < Number(r.window_start) + windowMs ? { n: Number(r.n), start: Number(r.window_start) } : undefined;
  }

  async undo(key: string, windowMs: number): Promise<void> {
    await this.db.k.updateTable('rate_limits').set({ n: sql<number>`n - 1` })
      .where('key', '=', key).where('n', '>', 0).where('window_start', '>', this.now() - windowMs).execute();
  }

  /** Delete windows that started more than `olderThanMs` ago. */
  async sweep(olderThanMs: number): Promise<void> {
    await this.db.k.deleteFrom('rate_limits').where('window_start', '<', this.now() - olderThanMs).execute();
  }
}

export class WindowCounter {
  constructor(private w: Windows, private name: string, private max: number, private windowMs: number, private now: () => number) {}

  /** Seconds until `key` may try again when its window already holds `max` hits, else 0. */
  async wait(key: string): Promise<number> {
    const e = await this.w.peek(`${this.name}:${key}`, this.windowMs);
    return e && e.n >= this.max ? Math.max(1, Math.ceil((e.start + this.windowMs - this.now()) / 1000)) : 0;
  }

  async hit(key: string): Promise<void> { await this.w.hit(`${this.name}:${key}`, this.windowMs); }

  /** Take back one hit (a login that turned out to be right does not count as a failure). */
  async undo(key: string): Promise<void> { await this.w.undo(`${this.name}:${key}`, this.windowMs); }
}

/** A store for @fastify/rate-limit over Windows (its incr/child callback interface). */
export function rateLimitStore(w: Windows, now: () => number) {
  return class RateLimitStore {
    incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow: number) {
      w.hit(`global:${key}`, timeWindow).then(
        (r) => cb(null, { current: r.n, ttl: Math.max(0, r.start + timeWindow - now()) }),
        (e) => cb(e as Error),
      );
    }
    child() { return new RateLimitStore(); }
  };
}
