// Host mode: the real main-process services in plain Node, the built renderer served on
// 127.0.0.1 only, and the IPC contract bridged over a loopback WebSocket that only the page the
// launcher opened can use. Used when the Electron binary is absent (CI, locked-down networks).
//
// Who may talk to the bridge (docs/security.md, "Host mode"):
//   - The launcher hands the page a single-use code (URL fragment #c=…, which browsers never
//     send to servers). The page opens the WebSocket offering the subprotocols
//     ['vanthu.v1', 'c.<code>']; the code is checked during the HTTP upgrade, before any socket
//     exists, and is void from then on. The server answers {type:'ready', session} and the page
//     keeps the session token in its tab (sessionStorage) to reconnect after a reload with
//     ['vanthu.v1', 's.<session>']. One code gives one page; another page needs a fresh code.
//   - Anything else (no credential, a used or wrong code, another Origin, another Host) is
//     refused at the upgrade with an HTTP error: there are no unauthenticated sockets to hold
//     open or to send frames on. Idle and slow HTTP connections are bounded by timeouts and a
//     connection cap.
// Messages:  client → {type:'invoke', id, channel, payload}
//            server → {type:'result', id, result} | {type:'event', event, payload}
// A message that carries bytes (a document, a signed file) is one binary MessagePack frame
// (src-shared/ipc/frame.ts), the others JSON text frames: documents never travel as base64.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { MIME, rendererHeaders, type CspOptions } from '../services/csp';
import type { Router } from '../services/ipc/router';
import type { EventBus } from '../services/events';
import { decodeFrame, encodeFrame, hasBytes } from '../../src-shared/ipc/frame';
import { PDF_MAX_BYTES } from '../../src-shared/ipc/features';

export interface HostServerOptions {
  rendererDir: string;
  router: Router;
  events: EventBus;
  port?: number;
  /** The CSP's options, or a function giving them for each response (the allowed gateway can change). */
  csp?: CspOptions | (() => CspOptions);
  /** Called when a launch code has been used (the launcher deletes its launch page then). */
  onCodeUsed?: (code: string) => void;
  warn?: (message: string) => void;
}

export interface HostServer {
  url: string;
  /** The first launch URL: single use (a fresh one from newLaunchUrl for each further page). */
  launchUrl: string;
  /** A new single-use launch URL, for one more page. */
  newLaunchUrl(): string;
  origin: string;
  port: number;
  address: string;
  /** Live authenticated bridge sockets (tests, diagnostics). */
  readonly bridgeSockets: number;
  close(): Promise<void>;
}

/**
 * Largest WebSocket message: the contract's largest request (one PDF of PDF_MAX_BYTES as raw
 * bytes in a binary frame) plus its MessagePack envelope and the other fields of the request
 * (images, names). Only authenticated sockets exist.
 */
export const MAX_MESSAGE = PDF_MAX_BYTES + 24 * 1024 * 1024;
/** Authenticated pages at once (each launch code gives one; a reload replaces its own socket). */
const MAX_BRIDGE_SOCKETS = 8;
/** Unused launch codes expire. */
const CODE_TTL_MS = 10 * 60_000;
const PROTOCOL = 'vanthu.v1';

const token = () => randomBytes(32).toString('base64url');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  const root = path.resolve(opts.rendererDir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`renderer build not found at ${root} (run "npm run build")`);
  }
  const warn = opts.warn ?? ((m: string) => console.warn(`[vanthu] ${m}`));
  const headersNow = () => rendererHeaders(typeof opts.csp === 'function' ? opts.csp() : opts.csp);
  let origin = '';
  let hostHeader = '';
  /** Unused launch codes and when they expire. */
  const codes = new Map<string, number>();
  /** Sessions (one per page) and that page's current socket. */
  const sessions = new Map<string, WebSocket | null>();

  const server = http.createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
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
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...headersNow(), 'Content-Type': type, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });
  // Slow or idle connections cannot pile up: headers within 5 s, a request within 15 s.
  server.headersTimeout = 5_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 64;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
  });

  /** The page's credential from the offered subprotocols: a fresh session for a valid code, or its session. */
  function authenticate(req: http.IncomingMessage): { session: string; fresh: boolean } | null {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes(PROTOCOL)) return null;
    const now = Date.now();
    for (const [c, exp] of codes) if (exp < now) codes.delete(c);
    for (const p of offered) {
      if (p.startsWith('c.')) {
        const given = p.slice(2);
        const code = [...codes.keys()].find((c) => safeEqual(c, given));
        if (!code) continue;
        codes.delete(code); // single use, whatever happens next
        opts.onCodeUsed?.(code);
        const session = token();
        sessions.set(session, null);
        return { session, fresh: true };
      }
      if (p.startsWith('s.')) {
        const given = p.slice(2);
        const session = [...sessions.keys()].find((s) => safeEqual(s, given));
        if (session) return { session, fresh: false };
      }
    }
    return null;
  }

  const refuse = (socket: import('node:stream').Duplex, status: string) => {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const okPath = (req.url ?? '').split('?')[0] === '/__vanthu/ws';
    if (!okPath || req.headers.host !== hostHeader || req.headers.origin !== origin) return refuse(socket, '403 Forbidden');
    const live = [...sessions.values()].filter(Boolean).length;
    const who = authenticate(req);
    if (!who) return refuse(socket, '401 Unauthorized');
    if (who.fresh && live >= MAX_BRIDGE_SOCKETS) {
      sessions.delete(who.session);
      return refuse(socket, '503 Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, who.session, who.fresh));
  });

  const offEvents = opts.events.onAny((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload });
    for (const ws of sessions.values()) if (ws && ws.readyState === ws.OPEN) ws.send(frame);
  });

  function onConnection(ws: WebSocket, session: string, fresh: boolean) {
    // A reload of the same page replaces its previous socket.
    const previous = sessions.get(session);
    if (previous && previous !== ws) previous.terminate();
    sessions.set(session, ws);
    ws.on('error', (e) => {
      // malformed frames (bad length, RSV bits, unmasked data, too large) end this socket only
      warn(`bridge socket closed: ${e.message}`);
      ws.terminate();
    });
    ws.send(JSON.stringify(fresh ? { type: 'ready', session } : { type: 'ready' }));
    ws.on('message', async (data, isBinary) => {
      let msg: { type?: unknown; id?: unknown; channel?: unknown; payload?: unknown };
      try {
        const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        const decoded = isBinary ? decodeFrame(raw) : JSON.parse(raw.toString('utf8'));
        if (decoded === null || typeof decoded !== 'object') throw new Error('not an object');
        msg = decoded as typeof msg;
      } catch {
        ws.close(4400, 'bad frame');
        return;
      }
      if (msg.type !== 'invoke' || typeof msg.id !== 'number') {
        ws.close(4400, 'bad frame');
        return;
      }
      const result = await opts.router.dispatch(msg.channel, msg.payload, { trusted: true, origin: 'host-bridge' });
      if (ws.readyState !== ws.OPEN) return;
      const reply = { type: 'result', id: msg.id, result };
      if (hasBytes(result)) ws.send(encodeFrame(reply), { binary: true });
      else ws.send(JSON.stringify(reply));
    });
    ws.on('close', () => {
      if (sessions.get(session) === ws) sessions.set(session, null);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  const addr = server.address() as { address: string; port: number };
  origin = `http://127.0.0.1:${addr.port}`;
  hostHeader = `127.0.0.1:${addr.port}`;

  const newLaunchUrl = () => {
    const code = token();
    codes.set(code, Date.now() + CODE_TTL_MS);
    return `${origin}/#c=${code}`;
  };

  return {
    url: `${origin}/`,
    launchUrl: newLaunchUrl(),
    newLaunchUrl,
    origin,
    port: addr.port,
    address: addr.address,
    get bridgeSockets() {
      return [...sessions.values()].filter(Boolean).length;
    },
    async close() {
      offEvents();
      for (const ws of sessions.values()) ws?.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
