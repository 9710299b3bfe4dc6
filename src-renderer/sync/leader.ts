// One sync engine per profile, not per window: the window holding the Web Lock
// "vanthu-sync-<profile>" runs the engine; the others follow its status over a BroadcastChannel
// and ask it to sync ("kick") when they queue something. When the leader window closes, the lock
// passes to another window, which starts its own engine from the durable store.
import type { SyncStatus } from '../../src-shared/sync/engine';

export interface LeaderHandle {
  /** Ask the leader (this window or another) to sync soon. */
  kick(): void;
  /** Publish status (leader only). */
  publish(s: SyncStatus): void;
  close(): void;
}

export function runAsLeader(profile: string, hooks: {
  onLeader(): () => Promise<void> | void; // start the engine; returns its stop
  onKick(): void;
  onStatus(s: SyncStatus): void;
}): LeaderHandle {
  const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(`vanthu-sync-${profile}`) : null;
  let leader = false;
  let release: (() => void) | null = null;
  channel?.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as { type: string; status?: SyncStatus };
    if (m.type === 'kick' && leader) hooks.onKick();
    if (m.type === 'status' && !leader && m.status) hooks.onStatus(m.status);
  });
  const becomeLeader = () => new Promise<void>((resolve) => {
    leader = true;
    const stop = hooks.onLeader();
    release = () => { leader = false; void Promise.resolve(stop()).finally(resolve); };
  });
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) void locks.request(`vanthu-sync-${profile}`, { mode: 'exclusive' }, becomeLeader);
  else void becomeLeader(); // no Web Locks: this window runs the engine on its own
  return {
    kick() { if (leader) hooks.onKick(); else channel?.postMessage({ type: 'kick' }); },
    publish(s) { channel?.postMessage({ type: 'status', status: s }); },
    close() { release?.(); channel?.close(); },
  };
}
