// The table of IPC handlers: one per contract channel, each a thin call into a plain-Node service.
// Electron and host mode build the same table; only the runtime-specific pieces are injected.

import type { Handlers } from './ipc/router';
import { appInfo } from './app-info';
import type { KeyProtector } from './secrets/key-protector';
import type { EventBus } from './events';
import type { TokenService } from './pkcs11/index';
import { featureHandlers } from './features';
import type { Req, Res } from '../../src-shared/ipc/contract';
import type { DemoHolder } from '../../src-shared/domain/demo';
import { VanthuError } from '../../src-shared/errors';
import { SettingsService } from './settings';

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
  /** The demo profile is active: its CA is a trust anchor here (and nowhere else). */
  allowDemo?: boolean;
  /** The profile manager (first run, demo, real server), when the runtime has one. */
  profiles?: ProfileApi;
}

/** What the profile IPC channels call (src-main/services/profile/manager.ts implements it). */
export interface ProfileApi {
  state(): Res<'profile.state'>;
  startDemo(): Promise<void>;
  resetDemo(): Promise<void>;
  leaveDemo(): Promise<void>;
  useServer(req: Req<'profile.useServer'>): Promise<void>;
  /** The PKCS#12 of a demo holder (demo profile only), for signing from the desk. */
  demoCredential(holder: DemoHolder): { p12: Uint8Array; password: string };
}

export function createHandlers(ctx: ServiceContext): Handlers {
  const settings = new SettingsService(ctx);
  return {
    ...featureHandlers(ctx),
    'app.info': () => appInfo(ctx.runtime),
    'app.echo': (req) => ({ text: req.text, receivedAt: new Date().toISOString() }),
    'app.lock': async () => {
      await ctx.onLock?.();
      return { locked: true };
    },
    'profile.state': () => profiles(ctx).state(),
    'profile.startDemo': async () => { await profiles(ctx).startDemo(); return profiles(ctx).state(); },
    'profile.resetDemo': async () => { await profiles(ctx).resetDemo(); return profiles(ctx).state(); },
    'profile.leaveDemo': async () => { await profiles(ctx).leaveDemo(); return profiles(ctx).state(); },
    'profile.useServer': async (req) => { await profiles(ctx).useServer(req); return profiles(ctx).state(); },
    'settings.get': () => settings.get(),
    'settings.set': (req) => settings.set(req),
    'settings.addTrustedRoot': (req) => settings.addTrustedRoot(req),
    'settings.removeTrustedRoot': (req) => settings.removeTrustedRoot(req),
    'settings.clearRevocationCache': () => settings.clearRevocationCache(),
    'secrets.wrapKey': async (req) => {
      const plain = Buffer.from(req.key);
      try {
        const wrapped = await ctx.keys.wrap(plain);
        return { wrapped: new Uint8Array(wrapped), protection: ctx.keys.protection };
      } finally {
        plain.fill(0);
        req.key.fill(0);
      }
    },
    'secrets.unwrapKey': async (req) => {
      const key = await ctx.keys.unwrap(Buffer.from(req.wrapped));
      const out = new Uint8Array(key);
      key.fill(0);
      return { key: out };
    },
  };
}

function profiles(ctx: ServiceContext): ProfileApi {
  if (!ctx.profiles) throw new VanthuError('PROFILE_UNAVAILABLE', 'Chức năng hồ sơ không có trong chế độ này.', 'Profiles are not available in this runtime.');
  return ctx.profiles;
}
