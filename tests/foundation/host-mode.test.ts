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

function wsConnect(opts: { origin?: string; path?: string } = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${opts.path ?? '/__vanthu/ws'}`, { origin: opts.origin ?? host.origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
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

  it('refuses an IPC request without the launch secret', async () => {
    const ws = await wsConnect();
    const done = closed(ws);
    ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app.info', payload: {} }));
    const { code, messages } = await done;
    expect(code).toBe(4401);
    expect(messages).toEqual([]);
  });

  it('refuses a wrong launch secret', async () => {
    const ws = await wsConnect();
    const done = closed(ws);
    ws.send(JSON.stringify({ type: 'auth', secret: 'x'.repeat(host.secret.length) }));
    ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app.info', payload: {} }));
    const { code, messages } = await done;
    expect(code).toBe(4401);
    expect(messages).toEqual([]);
  });

  it('refuses a WebSocket from another origin even with the secret', async () => {
    await expect(wsConnect({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers invokes after authentication, with typed errors for invalid payloads', async () => {
    const ws = await wsConnect();
    const messages: { type: string; id?: number; result?: { ok: boolean; error?: { code: string } } }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ type: 'auth', secret: host.secret }));
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
    expect(messages[0]).toEqual({ type: 'ready' });
    const r1 = messages.find((m) => m.id === 1)!;
    const r2 = messages.find((m) => m.id === 2)!;
    expect(r1.result?.ok).toBe(true);
    expect(r2.result).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
  });

  it('pushes contract events to authenticated clients', async () => {
    const ws = await wsConnect();
    const got: { type: string; event?: string; payload?: unknown }[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ type: 'auth', secret: host.secret }));
    await new Promise((r) => setTimeout(r, 100));
    host.events.emit('sync.state', { state: 'offline', pending: 3 });
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(got).toContainEqual({ type: 'event', event: 'sync.state', payload: { state: 'offline', pending: 3 } });
  });
});
