// Builds the ServiceContext both runtimes share: configuration, event bus, key protector and
// the lazily started token service. Electron passes its safeStorage protector and utilityProcess
// factory; host mode and tests take the defaults.

import type { ServiceContext } from './handlers';
import { EventBus } from './events';
import { FileKeyProtector, type KeyProtector } from './secrets/key-protector';
import { loadConfig } from './config';
import { lazyTokenService } from './tokens-runtime';
import type { WorkerFactory } from './pkcs11/index';

export interface ContextOptions {
  runtime: 'electron' | 'host';
  profileDir: string;
  keys?: KeyProtector;
  events?: EventBus;
  tokenWorkerFactory?: WorkerFactory;
}

export function createServiceContext(o: ContextOptions): ServiceContext & { close(): Promise<void> } {
  const events = o.events ?? new EventBus();
  const config = loadConfig(o.profileDir);
  for (const p of config.problems) console.warn(`[vanthu] configuration ignored: ${p}`);
  const tokens = lazyTokenService(events, config, o.tokenWorkerFactory);
  return {
    runtime: o.runtime,
    profileDir: o.profileDir,
    keys: o.keys ?? new FileKeyProtector(o.profileDir),
    events,
    tokens: tokens.get,
    trustPaths: config.trustPaths,
    gatewayUrl: config.gatewayUrl,
    onLock: () => tokens.lockAll(),
    close: () => tokens.close(),
  };
}
