// The profile the desk works in (first run, the demo province, or a real one), read from the main
// process, with the switches between them; and the name of the local store that profile uses:
// a real profile has one, each demo role its own (keyed on the demo's generation, so "Làm lại dữ
// liệu mẫu" starts every demo desk afresh, and stores of earlier generations are deleted).
import { useCallback, useEffect, useState } from 'react';
import Dexie from 'dexie';
import { vanthu } from './vanthu';
import type { Req, Res } from '../../src-shared/ipc/contract';
import type { DemoRole } from '../../src-shared/domain/demo';

export type ProfileState = Res<'profile.state'>;

export function storeNameFor(state: ProfileState, role: DemoRole): string {
  return state.mode === 'demo' && state.demo ? `demo-${state.demo.generation.slice(0, 8)}-${role}` : 'default';
}

/** Drop the local stores of earlier demo generations (their documents no longer exist). */
async function dropStaleDemoStores(generation: string): Promise<void> {
  const keep = `vanthu-demo-${generation.slice(0, 8)}-`;
  const dbs = (await indexedDB.databases?.()) ?? [];
  for (const d of dbs) {
    if (d.name?.startsWith('vanthu-demo-') && !d.name.startsWith(keep)) await Dexie.delete(d.name).catch(() => undefined);
  }
}

export interface ProfileHandle {
  state: ProfileState | null;
  error: unknown;
  busy: boolean;
  startDemo(): Promise<void>;
  resetDemo(): Promise<void>;
  leaveDemo(): Promise<void>;
  useServer(req: Req<'profile.useServer'>): Promise<ProfileState>;
  /** Read the state again (after the settings desk changed the server, say). */
  refresh(): Promise<void>;
}

export function useProfile(): ProfileHandle {
  const [state, setState] = useState<ProfileState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const apply = useCallback((s: ProfileState) => {
    setState(s);
    if (s.mode === 'demo' && s.demo) void dropStaleDemoStores(s.demo.generation);
    return s;
  }, []);
  useEffect(() => {
    vanthu.profile.state().then(apply, setError);
  }, [apply]);
  const run = (fn: () => Promise<ProfileState>) => async () => {
    setBusy(true);
    setError(null);
    try {
      apply(await fn());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return {
    state,
    error,
    busy,
    startDemo: run(() => vanthu.profile.startDemo()),
    resetDemo: run(() => vanthu.profile.resetDemo()),
    leaveDemo: run(() => vanthu.profile.leaveDemo()),
    async refresh() {
      try {
        apply(await vanthu.profile.state());
      } catch (e) {
        setError(e);
      }
    },
    async useServer(req) {
      setBusy(true);
      try {
        return apply(await vanthu.profile.useServer(req));
      } finally {
        setBusy(false);
      }
    },
  };
}
