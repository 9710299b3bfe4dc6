// Node HTTP functions injected into the CMS layer: real requests to a server on 127.0.0.1 —
// bodies and headers come back, GET follows redirects, a silent server times out, oversized
// answers are cut off, and nothing listening is "unreachable".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGet, createHttpPost } from '../../src-main/services/net/http';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/echo') { res.writeHead(201, { 'content-type': 'application/x-echo', 'X-Seen-Type': req.headers['content-type'] ?? '' }); res.end(Buffer.from(body).reverse()); return; }
      if (req.url === '/moved') { res.writeHead(302, { location: '/final' }); res.end(); return; }
      if (req.url === '/final') { res.writeHead(200); res.end('đích'); return; }
      if (req.url === '/big') { res.writeHead(200); res.end(Buffer.alloc(64 * 1024, 7)); return; }
      if (req.url === '/silent') return; // never answers
      res.writeHead(404); res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { server.closeAllConnections(); await new Promise<void>((r) => server.close(() => r())); });

describe('Node HttpPost/HttpGet', () => {
  it('posts a body with its content type and returns status, body and lower-case headers', async () => {
    const r = await createHttpPost()(`${base}/echo`, new Uint8Array([1, 2, 3]), 'application/ocsp-request');
    expect(r.status).toBe(201);
    expect(Array.from(r.body)).toEqual([3, 2, 1]);
    expect(r.headers['content-type']).toBe('application/x-echo');
    expect(r.headers['x-seen-type']).toBe('application/ocsp-request');
  });

  it('follows redirects on GET but returns them as-is on POST', async () => {
    const g = await createHttpGet()(`${base}/moved`);
    expect(g.status).toBe(200);
    expect(new TextDecoder().decode(g.body)).toBe('đích');
    const p = await createHttpPost()(`${base}/moved`, new Uint8Array(), 'application/octet-stream');
    expect(p.status).toBe(302);
  });

  it('gives up on a server that never answers with NET_TIMEOUT', async () => {
    await expect(createHttpGet({ timeoutMs: 300 })(`${base}/silent`)).rejects.toMatchObject({ code: 'NET_TIMEOUT' });
  });

  it('cuts off responses larger than the cap with NET_TOO_LARGE', async () => {
    await expect(createHttpGet({ maxBytes: 1024 })(`${base}/big`)).rejects.toMatchObject({ code: 'NET_TOO_LARGE' });
    expect((await createHttpGet()(`${base}/big`)).body.length).toBe(64 * 1024);
  });

  it('reports NET_UNREACHABLE when nothing listens and NET_BAD_URL for other schemes', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    await expect(createHttpGet()(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({ code: 'NET_UNREACHABLE', message_vi: expect.stringContaining('Không kết nối được') });
    await expect(createHttpGet()('ftp://127.0.0.1/crl')).rejects.toMatchObject({ code: 'NET_BAD_URL' });
  });
});
