import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type TestHost } from '../helpers/host';

let host: TestHost;
beforeAll(async () => {
  host = await startHost();
});
afterAll(async () => {
  await host?.close();
});

/** Open the bridge offering `credential` ('c.<code>' or 's.<session>') the way the page does. */
function wsConnect(opts: { origin?: string; path?: string; credential?: string | null; onMessage?: (m: unknown) => void } = {}): Promise<WebSocket> {
  const protocols = ['vanthu.v1', ...(opts.credential ? [opts.credential] : [])];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${opts.path ?? '/__vanthu/ws'}`, protocols, { origin: opts.origin ?? host.origin });
  if (opts.onMessage) ws.on('message', (d) => opts.onMessage!(JSON.parse(String(d))));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

const codeOf = (url: string) => 'c.' + /#c=([A-Za-z0-9_-]+)/.exec(url)![1];

/** A page's first connection: a fresh code, the session it is given, and the socket. */
type Msg = { type: string; id?: number; session?: string; result?: { ok: boolean; error?: { code: string } }; event?: string; payload?: unknown };
async function authed(): Promise<{ ws: WebSocket; session: string; messages: Msg[] }> {
  const messages: Msg[] = [];
  const ws = await wsConnect({ credential: codeOf(host.newLaunchUrl()), onMessage: (m) => messages.push(m as Msg) });
  await new Promise<void>((r) => { const t = setInterval(() => { if (messages.length) { clearInterval(t); r(); } }, 5); });
  return { ws, session: messages[0].session!, messages };
}

function closed(ws: WebSocket): Promise<{ code: number; messages: unknown[] }> {
  const messages: unknown[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  return new Promise((resolve) => ws.once('close', (code) => resolve({ code, messages })));
}

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: host.port, path: pathname, headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('host mode', () => {
  it('listens on loopback only', () => {
    expect(host.address).toBe('127.0.0.1');
    // The kernel's own table of listening sockets: our port is bound to 127.0.0.1 (0100007F), not 0.0.0.0.
    const table = fs.readFileSync('/proc/net/tcp', 'utf8') + fs.readFileSync('/proc/net/tcp6', 'utf8');
    const portHex = host.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = table
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${portHex}`) && f[3] === '0A');
    expect(listening.length).toBeGreaterThan(0);
    for (const f of listening) expect(f[1]).toBe(`0100007F:${portHex}`);
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Văn thư số');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses requests for another host name (DNS rebinding)', async () => {
    const r = await get('/', { Host: 'evil.example:80' });
    expect(r.status).toBe(421);
  });

  it('refuses path traversal', async () => {
    const r = await get('/..%2f..%2fpackage.json');
    expect([403, 404]).toContain(r.status);
    expect(r.body).not.toContain('"name": "vanthu-so"');
  });

  it('refuses the bridge without a launch code, before any socket exists', async () => {
    await expect(wsConnect({ credential: null })).rejects.toThrow(/401/);
    await expect(wsConnect({ credential: 'c.' + 'x'.repeat(43) })).rejects.toThrow(/401/);
    await expect(wsConnect({ credential: 's.' + 'x'.repeat(43) })).rejects.toThrow(/401/);
    expect(host.bridgeSockets).toBe(0);
  });

  it('takes each launch code once: the first page gets the bridge, a second one with the same code is refused', async () => {
    const url = host.newLaunchUrl();
    const first = await wsConnect({ credential: codeOf(url) });
    await expect(wsConnect({ credential: codeOf(url) })).rejects.toThrow(/401/);
    first.close();
  });

  it('lets the page reconnect with its session after a reload, replacing its old socket', async () => {
    const a = await authed();
    expect(a.messages[0]).toMatchObject({ type: 'ready' });
    expect(a.session).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const closedA = closed(a.ws);
    const b = await wsConnect({ credential: `s.${a.session}` });
    expect((await closedA).code).toBe(1006); // terminated: one socket per page
    b.close();
  });

  it('refuses a WebSocket from another origin even with the secret', async () => {
    await expect(wsConnect({ origin: 'http://evil.example', credential: codeOf(host.newLaunchUrl()) })).rejects.toThrow(/403/);
  });

  it('answers invokes after authentication, with typed errors for invalid payloads', async () => {
    const { ws, messages } = await authed();
    ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app.info', payload: {} }));
    ws.send(JSON.stringify({ type: 'invoke', id: 2, channel: 'app.echo', payload: { text: ['not', 'a', 'string'] } }));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (messages.filter((m) => m.type === 'result').length === 2) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });
    ws.close();
    expect(messages[0]).toMatchObject({ type: 'ready' });
    const r1 = messages.find((m) => m.id === 1)!;
    const r2 = messages.find((m) => m.id === 2)!;
    expect(r1.result?.ok).toBe(true);
    expect(r2.result).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
  });

  it('pushes contract events to authenticated clients', async () => {
    const { ws, messages: got } = await authed();
    host.events.emit('sync.state', { state: 'offline', pending: 3 });
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(got).toContainEqual({ type: 'event', event: 'sync.state', payload: { state: 'offline', pending: 3 } });
  });
});
