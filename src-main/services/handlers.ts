// The table of IPC handlers: one per contract channel, each a thin call into a plain-Node service.
// Electron and host mode build the same table; only the runtime-specific pieces are injected.

import type { Handlers } from './ipc/router';
import { appInfo } from './app-info';
import type { KeyProtector } from './secrets/key-protector';
import type { EventBus } from './events';
import type { TokenService } from './pkcs11/index';
import { featureHandlers } from './features';

export interface ServiceContext {
  runtime: 'electron' | 'host';
  profileDir: string;
  keys: KeyProtector;
  events: EventBus;
  /** The PKCS#11 token service, created on first use. */
  tokens: () => TokenService;
  /** Trust anchor files/folders for verification (deployment configuration). */
  trustPaths: string[];
  /** The provincial gateway configured for this deployment, if any (also allowed by the CSP). */
  gatewayUrl?: string;
  /** Called by `app.lock`: logs tokens out, forgets unlocked material. */
  onLock?: () => Promise<void> | void;
}

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    ...featureHandlers(ctx),
    'app.info': () => appInfo(ctx.runtime),
    'app.echo': (req) => ({ text: req.text, receivedAt: new Date().toISOString() }),
    'app.lock': async () => {
      await ctx.onLock?.();
      return { locked: true };
    },
    'secrets.wrapKey': async (req) => {
      const plain = Buffer.from(req.keyB64, 'base64');
      try {
        const wrapped = await ctx.keys.wrap(plain);
        return { wrappedB64: wrapped.toString('base64'), protection: ctx.keys.protection };
      } finally {
        plain.fill(0);
      }
    },
    'secrets.unwrapKey': async (req) => {
      const key = await ctx.keys.unwrap(Buffer.from(req.wrappedB64, 'base64'));
      const out = key.toString('base64');
      key.fill(0);
      return { keyB64: out };
    },
  };
}
