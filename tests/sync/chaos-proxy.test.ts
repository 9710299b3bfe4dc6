// The chaos proxy injects every kind of fault at least once even where its rates would leave one
// out by chance (the chaos tests require each kind): here with all rates at zero, so every fault
// seen is a forced one.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosProxy, mulberry32 } from './chaos-proxy';

describe('chaos proxy', () => {
  let server: http.Server;
  let proxy: ChaosProxy;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('x'.repeat(200)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new ChaosProxy((server.address() as net.AddressInfo).port, mulberry32(1), { drop: 0, delay: 0, status5xx: 0, resetMidRequest: 0, truncateResponse: 0 });
    await proxy.listen();
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** One request with a body on a fresh connection; resolves however the connection ends. */
  const once = () => new Promise<void>((resolve) => {
    const s = net.connect(proxy.port, '127.0.0.1');
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.on('data', () => {});
    s.on('end', () => s.end());
    // written, not ended: like an HTTP client, the socket stays open for the answer
    s.on('connect', () => s.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 64\r\nconnection: close\r\n\r\n${'y'.repeat(64)}`));
  });

  it('forces each missing fault kind once, and no other', async () => {
    for (let i = 0; i < 130; i++) await once();
    const c = proxy.counts;
    expect(c.connections).toBe(130);
    for (const k of ['drop', 'status503', 'status500', 'delay', 'resetMidRequest', 'truncateResponse'] as const) expect(c[k], k).toBe(1);
  });
});
