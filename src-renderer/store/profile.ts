// Opens the profile's offline store in the renderer: Dexie over the browser's IndexedDB, with
// persistent storage requested (so the browser does not evict it under pressure) and the
// confidential-file key protected by the OS through IPC (secrets.wrapKey/unwrapKey).
import { VanthuDb } from '../../src-shared/sync/localdb';
import { LocalStore } from '../../src-shared/sync/store';
import type { KeyProtector } from '../../src-shared/sync/at-rest';

export interface ProfileStore {
  store: LocalStore;
  /** True when the browser granted persistent storage; false means it may evict under pressure. */
  persisted: boolean;
}

export interface SecretsApi {
  wrapKey(req: { key: Uint8Array }): Promise<{ wrapped: Uint8Array }>;
  unwrapKey(req: { wrapped: Uint8Array }): Promise<{ key: Uint8Array }>;
}


/** KeyProtector over the main process (Electron safeStorage; host mode: 0600 key file). */
export function ipcKeyProtector(secrets: SecretsApi): KeyProtector {
  return {
    async wrapKey(raw) { return (await secrets.wrapKey({ key: raw.slice() })).wrapped; },
    async unwrapKey(w) { return (await secrets.unwrapKey({ wrapped: w })).key; },
  };
}

const opened = new Map<string, Promise<ProfileStore>>();

export function openProfileStore(profile = 'default', keys?: KeyProtector): Promise<ProfileStore> {
  let p = opened.get(profile);
  if (!p) {
    p = (async () => {
      const db = new VanthuDb(`vanthu-${profile}`);
      await db.open();
      let persisted = false;
      try { persisted = (await navigator.storage?.persisted?.()) || (await navigator.storage?.persist?.()) || false; } catch { persisted = false; }
      return { store: new LocalStore(db, keys), persisted };
    })();
    opened.set(profile, p);
  }
  return p;
}
