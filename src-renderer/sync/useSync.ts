// React glue: opens the profile store and runs the sync engine in the leader window. Live data
// of the store is read with dexie-react-hooks' useLiveQuery (it also sees writes from other windows).
import { useEffect, useMemo, useState } from 'react';
import { openProfileStore, type ProfileStore } from '../store/profile';
import { SyncEngine, type SyncStatus } from '../../src-shared/sync/engine';
import type { KeyProtector } from '../../src-shared/sync/at-rest';
import { browserConnectivity } from './connectivity';
import { runAsLeader, type LeaderHandle } from './leader';
import type { FetchLike } from '../../src-shared/sync/http';

export interface SyncContext {
  profile: ProfileStore | null;
  status: SyncStatus;
  kick(): void;
  error: string | null;
}

const browserFetch: FetchLike = (url, init) => fetch(url, { ...init, body: init.body as BodyInit | undefined });

export function useSync(profileName = 'default', keys?: KeyProtector): SyncContext {
  const [profile, setProfile] = useState<ProfileStore | null>(null);
  const [status, setStatus] = useState<SyncStatus>({ phase: 'stopped', pending: 0, stuck: 0, conflicts: 0 });
  const [error, setError] = useState<string | null>(null);
  const [leader, setLeader] = useState<LeaderHandle | null>(null);

  useEffect(() => {
    let closed = false;
    let handle: LeaderHandle | null = null;
    openProfileStore(profileName, keys).then((p) => {
      if (closed) return;
      setProfile(p);
      let engine: SyncEngine | null = null;
      handle = runAsLeader(profileName, {
        onLeader: () => {
          engine = new SyncEngine({
            store: p.store, fetch: browserFetch, connectivity: browserConnectivity, pollIntervalMs: 15_000,
            onStatus: (s) => { setStatus(s); handle?.publish(s); },
          });
          engine.start();
          return () => engine?.stop();
        },
        onKick: () => engine?.kick(),
        onStatus: setStatus,
      });
      setLeader(handle);
    }, (e: unknown) => setError(String((e as Error)?.message ?? e)));
    return () => { closed = true; handle?.close(); };
  }, [profileName, keys]);

  return useMemo(() => ({ profile, status, error, kick: () => leader?.kick() }), [profile, status, error, leader]);
}

