// Fixed-window counters on the gateway's own clock (injectable, so tests can move time): login
// attempts per client address and failed logins per username. Memory is bounded: past `cap`
// keys, expired windows are dropped first, then the oldest.
export class WindowCounter {
  private hits = new Map<string, { start: number; n: number }>();
  constructor(private max: number, private windowMs: number, private now: () => number, private cap = 100_000) {}

  private live(key: string) {
    const e = this.hits.get(key);
    return e && this.now() < e.start + this.windowMs ? e : undefined;
  }

  /** Seconds until `key` may try again when its window already holds `max` hits, else 0. */
  wait(key: string): number {
    const e = this.live(key);
    return e && e.n >= this.max ? Math.max(1, Math.ceil((e.start + this.windowMs - this.now()) / 1000)) : 0;
  }

  hit(key: string): void {
    let e = this.live(key);
    if (!e) {
      this.hits.delete(key);
      if (this.hits.size >= this.cap) this.prune();
      this.hits.set(key, (e = { start: this.now(), n: 0 }));
    }
    e.n++;
  }

  /** Take back one hit (a login that turned out to be right does not count as a failure). */
  undo(key: string): void {
    const e = this.live(key);
    if (e && e.n > 0) e.n--;
  }

  private prune(): void {
    for (const [k, e] of this.hits) if (this.now() >= e.start + this.windowMs) this.hits.delete(k);
    for (const k of this.hits.keys()) { if (this.hits.size < this.cap * 0.9) break; this.hits.delete(k); }
  }
}
