// Host mode: the real main-process services in plain Node, the built renderer served on
// 127.0.0.1 only, and the IPC contract bridged over a loopback WebSocket that demands a secret
// generated for this launch. Used when the Electron binary is absent (CI, locked-down networks).
//
// Bridge protocol (JSON text frames on ws://127.0.0.1:PORT/__vanthu/ws):
//   client → {type:'auth', secret}            server → {type:'ready'} or close(4401)
//   client → {type:'invoke', id, channel, payload}   server → {type:'result', id, result}
//   server → {type:'event', event, payload}
// The secret travels in the URL fragment (#k=…), which browsers never send to servers.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { MIME, rendererHeaders, type CspOptions } from '../services/csp';
import type { Router } from '../services/ipc/router';
import type { EventBus } from '../services/events';

export interface HostServerOptions {
  rendererDir: string;
  router: Router;
  events: EventBus;
  port?: number;
  /** The CSP's options, or a function giving them for each response (the allowed gateway can change). */
  csp?: CspOptions | (() => CspOptions);
  /** For tests: a fixed secret. Normally generated per launch. */
  secret?: string;
}

export interface HostServer {
  url: string;
  /** URL with the launch secret in the fragment: what a person opens. */
  launchUrl: string;
  origin: string;
  port: number;
  address: string;
  secret: string;
  close(): Promise<void>;
}

const MAX_FRAME = 16 * 1024 * 1024;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  const root = path.resolve(opts.rendererDir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`renderer build not found at ${root} (run "npm run build")`);
  }
  const headersNow = () => rendererHeaders(typeof opts.csp === 'function' ? opts.csp() : opts.csp);
  let origin = '';
  let hostHeader = '';

  const server = http.createServer((req, res) => {
    // DNS-rebinding guard: only our own loopback host name is served.
    if (req.headers.host !== hostHeader) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(root, '.' + pathname);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      // Single-page app: unknown paths without an extension get index.html.
      if (path.extname(pathname)) {
        res.writeHead(404, headersNow()).end();
        return;
      }
      file = path.join(root, 'index.html');
    }
    const headers = headersNow();
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  server.on('upgrade', (req, socket, head) => {
    const okPath = (req.url ?? '').split('?')[0] === '/__vanthu/ws';
    if (!okPath || req.headers.host !== hostHeader || req.headers.origin !== origin) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  const clients = new Set<WebSocket>();
  const offEvents = opts.events.onAny((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload });
    for (const ws of clients) ws.send(frame);
  });

  function onConnection(ws: WebSocket) {
    let authed = false;
    const authTimer = setTimeout(() => ws.close(4401, 'auth required'), 10_000);
    ws.on('message', async (data, isBinary) => {
      let msg: { type?: unknown; secret?: unknown; id?: unknown; channel?: unknown; payload?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(String(data));
      } catch {
        ws.close(4400, 'bad frame');
        return;
      }
      if (!authed) {
        if (msg.type === 'auth' && typeof msg.secret === 'string' && safeEqual(msg.secret, secret)) {
          authed = true;
          clearTimeout(authTimer);
          clients.add(ws);
          ws.send(JSON.stringify({ type: 'ready' }));
        } else {
          ws.close(4401, 'launch secret required');
        }
        return;
      }
      if (msg.type !== 'invoke' || typeof msg.id !== 'number') {
        ws.close(4400, 'bad frame');
        return;
      }
      const result = await opts.router.dispatch(msg.channel, msg.payload, { trusted: true, origin: 'host-bridge' });
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id: msg.id, result }));
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      clients.delete(ws);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as { address: string; port: number };
  origin = `http://127.0.0.1:${addr.port}`;
  hostHeader = `127.0.0.1:${addr.port}`;

  return {
    url: `${origin}/`,
    launchUrl: `${origin}/#k=${secret}`,
    origin,
    port: addr.port,
    address: addr.address,
    secret,
    async close() {
      offEvents();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
