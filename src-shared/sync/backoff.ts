// Retry timing: exponential backoff with "equal jitter" (half fixed, half random) and a cap, so
// many clients coming back online do not hammer the gateway in lockstep. Retry-After wins when given.

export interface BackoffOptions { baseMs?: number; capMs?: number }

export function backoffDelay(attempt: number, random: () => number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 500;
  const cap = o.capMs ?? 60_000;
  const exp = Math.min(cap, base * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(exp / 2 + random() * (exp / 2));
}

/** Never earlier than the server asked; a little jitter on top so clients spread out. */
export function retryDelay(attempt: number, retryAfterMs: number | null, random: () => number, o: BackoffOptions = {}): number {
  if (retryAfterMs !== null) return retryAfterMs + Math.floor(random() * Math.min(1000, (o.baseMs ?? 500)));
  return backoffDelay(attempt, random, o);
}

/** Sleep that ends early when `signal` aborts or `wake` resolves. */
export function sleep(ms: number, signal?: AbortSignal, wake?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
    wake?.then(done, done);
  });
}
