// Assembles host mode: the same services and handler table as the Electron main process,
// behind the loopback HTTP/WebSocket server. Tests and `npm start` both call startHostApp.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRouter } from '../services/ipc/router';
import { createHandlers, type ServiceContext } from '../services/handlers';
import type { EventBus } from '../services/events';
import { createServiceContext } from '../services/context';
import { defaultProfileDir } from '../services/paths';
import { gatewayOrigins } from '../services/csp';
import { startHostServer, type HostServer } from './server';

export interface HostApp extends HostServer {
  events: EventBus;
  context: ServiceContext;
}

export function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
}

export async function startHostApp(opts: { port?: number; profileDir?: string; rendererDir?: string; secret?: string } = {}): Promise<HostApp> {
  const profileDir = opts.profileDir ?? defaultProfileDir();
  const context = createServiceContext({ runtime: 'host', profileDir });
  const events = context.events;
  const router = createRouter(createHandlers(context), {
    warn: (msg, fields) => console.warn(`[vanthu] ${msg}`, fields ?? ''),
  });
  const server = await startHostServer({
    rendererDir: opts.rendererDir ?? path.join(repoRoot(), 'out', 'renderer'),
    router,
    events,
    port: opts.port,
    secret: opts.secret,
    csp: { connectOrigins: gatewayOrigins(context.gatewayUrl) },
  });
  const closeServer = server.close.bind(server);
  return Object.assign(server, {
    events,
    context,
    async close() {
      await closeServer();
      await context.close();
    },
  });
}
