// Registry of the process-wide memo caches (parsed certificates, CRLs, imported verification
// keys…). They only ever hold what this process has read, and the registry lets a caller empty
// them all at once: the CLI's start-up snapshot runs the code once at build time on throwaway
// material and must not carry anything it produced (src-main/cli/snapshot-warmup.ts).

interface CacheEntry {
  clear(): void;
  size(): number;
}

const caches = new Map<string, CacheEntry>();

/** Register a module-level cache under a unique name. */
export function registerCache(name: string, cache: { clear(): void; readonly size: number }): void;
export function registerCache(name: string, cache: CacheEntry): void;
export function registerCache(name: string, cache: { clear(): void; size: number | (() => number) }): void {
  caches.set(name, { clear: () => cache.clear(), size: () => (typeof cache.size === 'function' ? cache.size() : cache.size) });
}

/** Empty every registered cache. */
export function clearAllCaches(): void {
  for (const c of caches.values()) c.clear();
}

/** Entries per registered cache (for tests and diagnostics). */
export function cacheSizes(): Record<string, number> {
  return Object.fromEntries([...caches].map(([name, c]) => [name, c.size()]));
}
