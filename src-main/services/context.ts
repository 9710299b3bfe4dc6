// Builds the ServiceContext both runtimes share: configuration, event bus, key protector and
// the lazily started token service. Electron passes its safeStorage protector and utilityProcess
// factory; host mode and tests take the defaults. The profile manager points the context at
// another profile folder (the demo's, or back to the real one) with `reconfigure`: the handlers
// read the context's fields at call time, so they follow.

import type { ServiceContext } from './handlers';
import { EventBus } from './events';
import { FileKeyProtector, type KeyProtector } from './secrets/key-protector';
import { loadConfig, type VanthuConfig } from './config';
import { lazyTokenService } from './tokens-runtime';
import type { WorkerFactory } from './pkcs11/index';

export interface ContextOptions {
  runtime: 'electron' | 'host';
  profileDir: string;
  keys?: KeyProtector;
  events?: EventBus;
  tokenWorkerFactory?: WorkerFactory;
}

export interface ManagedContext extends ServiceContext {
  /** The configuration in force (the active profile's config.json under the machine-wide one). */
  config: VanthuConfig;
  /** Use another profile folder: its config, trust anchors and token modules. */
  reconfigure(profileDir: string, opts?: { allowDemo?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export function createServiceContext(o: ContextOptions): ManagedContext {
  const events = o.events ?? new EventBus();
  const load = (dir: string) => {
    const config = loadConfig(dir);
    for (const p of config.problems) console.warn(`[vanthu] configuration ignored: ${p}`);
    return config;
  };
  const config = load(o.profileDir);
  let tokens = lazyTokenService(events, config, o.tokenWorkerFactory);
  const ctx: ManagedContext = {
    runtime: o.runtime,
    profileDir: o.profileDir,
    keys: o.keys ?? new FileKeyProtector(o.profileDir),
    events,
    tokens: () => tokens.get(),
    trustPaths: config.trustPaths,
    gatewayUrl: config.gatewayUrl,
    config,
    allowDemo: false,
    onLock: () => tokens.lockAll(),
    async reconfigure(profileDir, opts = {}) {
      await tokens.close();
      const next = load(profileDir);
      tokens = lazyTokenService(events, next, o.tokenWorkerFactory);
      ctx.profileDir = profileDir;
      ctx.config = next;
      ctx.trustPaths = next.trustPaths;
      ctx.gatewayUrl = next.gatewayUrl;
      ctx.allowDemo = opts.allowDemo ?? false;
    },
    close: () => tokens.close(),
  };
  return ctx;
}
