// Helpers for sync tests: a fresh in-memory IndexedDB (fake-indexeddb) per client store.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { VanthuDb } from '../../src-shared/sync/localdb';
import { LocalStore } from '../../src-shared/sync/store';
import type { KeyProtector } from '../../src-shared/sync/at-rest';
import { SyncEngine, type EngineOptions } from '../../src-shared/sync/engine';
import { signIn } from '../../src-shared/sync/session';
import { TEST_PASSWORD, type TestGateway } from '../server/fixture';
import type { FetchLike } from '../../src-shared/sync/http';

export function freshFactory(): IDBFactory { return new IDBFactory(); }

export function openStore(name = 'vanthu-test', factory: IDBFactory = freshFactory(), keys?: KeyProtector, upTo?: number): LocalStore {
  const db = new VanthuDb(name, { indexedDB: factory, IDBKeyRange }, upTo);
  return new LocalStore(db, keys);
}

/** A real-crypto KeyProtector for tests: AES-KW under a fixed master key (stands in for safeStorage). */
export function testKeyProtector(master: Uint8Array = new Uint8Array(32).fill(7)): KeyProtector {
  const k = () => crypto.subtle.importKey('raw', master as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    async wrapKey(raw) { const iv = crypto.getRandomValues(new Uint8Array(12)); const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await k(), raw as BufferSource)); const out = new Uint8Array(12 + ct.length); out.set(iv); out.set(ct, 12); return out; },
    async unwrapKey(w) { return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: w.subarray(0, 12) as BufferSource }, await k(), w.subarray(12) as BufferSource)); },
  };
}

export const nodeFetch: FetchLike = (url, init) => fetch(url, { ...init, body: init.body as BodyInit | undefined });

/** A signed-in client: store + engine against the gateway (or a proxy in front of it). */
export async function signedInClient(t: TestGateway, username: string, opts: Partial<EngineOptions> & { url?: string; store?: LocalStore } = {}) {
  const store = opts.store ?? openStore(`vanthu-${username}-${Math.random()}`);
  await signIn(store, nodeFetch, t.url, username, TEST_PASSWORD);
  if (opts.url) await store.setKv('serverUrl', opts.url);
  const engine = new SyncEngine({ store, fetch: nodeFetch, backoff: { baseMs: 20, capMs: 500 }, ...opts });
  return { store, engine };
}
