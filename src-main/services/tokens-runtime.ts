// One TokenService per app, created on first use, with its insert/remove events forwarded to
// the renderer through the event bus. Electron injects a utilityProcess factory; host mode and
// the CLI use the default child-process factory.

import { TokenService, type WorkerFactory } from './pkcs11/index';
import type { EventBus } from './events';
import type { VanthuConfig } from './config';

export function lazyTokenService(events: EventBus, config: VanthuConfig, factory?: WorkerFactory) {
  let service: TokenService | null = null;
  const get = (): TokenService => {
    if (service) return service;
    service = new TokenService({
      modules: config.pkcs11Modules,
      timeoutMs: config.tokenTimeoutMs,
      idleLogoutMs: config.idleLogoutMinutes ? config.idleLogoutMinutes * 60_000 : undefined,
      factory,
    });
    service.on('token-inserted', (t: { module: string; slot: number | string; label: string }) =>
      events.emit('token.inserted', { slotId: `${t.module}#${t.slot}`, label: t.label }),
    );
    service.on('token-removed', (t: { module: string; slot: number | string; label?: string }) =>
      events.emit('token.removed', { slotId: `${t.module}#${t.slot}`, label: t.label }),
    );
    // Watching is best effort: a failed first scan is reported, the service still answers calls.
    service.startWatching().catch((e: unknown) => console.warn(`[vanthu] token watch failed: ${(e as Error)?.message ?? e}`));
    return service;
  };
  return {
    get,
    async close() {
      await service?.close();
      service = null;
    },
    async lockAll() {
      await service?.lockAll();
    },
  };
}
