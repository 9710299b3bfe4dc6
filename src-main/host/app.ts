// Assembles host mode: the same services and handler table as the Electron main process,
// behind the loopback HTTP/WebSocket server. Tests and `npm start` both call startHostApp.

import { prewarmVerifyWorker } from '../services/verify/worker-pool';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRouter } from '../services/ipc/router';
import { createHandlers, type ServiceContext } from '../services/handlers';
import type { EventBus } from '../services/events';
import { createServiceContext } from '../services/context';
import { defaultProfileDir } from '../services/paths';
import { gatewayOrigins } from '../services/csp';
import { startHostServer, type HostServer } from './server';
import { ProfileManager } from '../services/profile/manager';

export interface HostApp extends HostServer {
  events: EventBus;
  context: ServiceContext;
  profiles: ProfileManager;
}

export function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
}

export interface HostAppOptions {
  port?: number;
  profileDir?: string;
  rendererDir?: string;
  /** Called when a launch code has been used. */
  onCodeUsed?: (code: string) => void;
  /**
   * What an empty profile folder starts as: 'demo' (npm start in a source checkout: the demo
   * province), 'first-run' (the choice screen, as a packaged install) or 'real' (tests that
   * drive a plain real profile). Default 'real'.
   */
  emptyProfile?: 'demo' | 'first-run' | 'real';
  /** Port the embedded demo gateway tries first. */
  demoPort?: number;
}

export async function startHostApp(opts: HostAppOptions = {}): Promise<HostApp> {
  const profileDir = opts.profileDir ?? defaultProfileDir();
  const context = createServiceContext({ runtime: 'host', profileDir });
  const events = context.events;
  const profiles = new ProfileManager({ root: profileDir, context, autoDemo: opts.emptyProfile === 'demo', demoPort: opts.demoPort });
  if (opts.emptyProfile === 'real' || opts.emptyProfile === undefined) {
    if (!fs.existsSync(path.join(profileDir, 'profile.json'))) await profiles.useServer({});
  }
  await profiles.start();
  const router = createRouter(createHandlers(context), {
    warn: (msg, fields) => console.warn(`[vanthu] ${msg}`, fields ?? ''),
  });
  const server = await startHostServer({
    rendererDir: opts.rendererDir ?? path.join(repoRoot(), 'out', 'renderer'),
    router,
    events,
    port: opts.port,
    onCodeUsed: opts.onCodeUsed,
    // evaluated per response: the server chosen at first run (or the demo's) is allowed at once
    csp: () => ({ connectOrigins: gatewayOrigins(context.gatewayUrl) }),
  });
  const closeServer = server.close.bind(server);
  // the first document verified on the desk does not wait for the verifier to load
  void prewarmVerifyWorker();
  return Object.assign(server, {
    events,
    context,
    profiles,
    async close() {
      await closeServer();
      await profiles.close();
      await context.close();
    },
  });
}
