// Retry timing: exponential backoff with jitter and a cap; Retry-After is never undercut.
import { describe, it, expect } from 'vitest';
import { backoffDelay, retryDelay } from '../../src-shared/sync/backoff';
import { parseRetryAfter } from '../../src-shared/sync/http';

describe('backoff', () => {
  it('doubles the window each attempt, keeps half of it fixed and caps it', () => {
    const lo = () => 0, hi = () => 0.999999;
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, lo, { baseMs: 500, capMs: 60_000 }))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, hi, { baseMs: 500, capMs: 60_000 }))).toEqual([499, 999, 1999, 3999]);
    expect(backoffDelay(30, hi, { baseMs: 500, capMs: 60_000 })).toBeLessThan(60_000);
    expect(backoffDelay(30, lo, { baseMs: 500, capMs: 60_000 })).toBe(30_000);
  });

  it('spreads clients: different random draws give different delays', () => {
    let x = 0;
    const seq = () => ((x = (x * 9301 + 49297) % 233280) / 233280);
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(5, seq)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('waits at least as long as Retry-After asks, in seconds or as an HTTP date', () => {
    for (const r of [0, 0.5, 0.99]) expect(retryDelay(1, 2000, () => r)).toBeGreaterThanOrEqual(2000);
    expect(parseRetryAfter('3', 0)).toBe(3000);
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
