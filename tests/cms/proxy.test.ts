// Outgoing requests through an HTTP proxy, as agencies often require: a proxy on 127.0.0.1
// receives absolute-URI requests for http: endpoints and CONNECT tunnels for https: ones (TLS
// checked against a CA passed in), NO_PROXY and loopback rules choose direct connections.
import { execFileSync } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGet, createHttpPost } from '../../src-main/services/net/http';
import { bypassedBy, proxyFor } from '../../src-main/services/net/proxy';

let origin: Server;
let secure: HttpsServer;
let proxy: Server;
let originUrl: string;
let secureUrl: string;
let proxyUrl: string;
let caPem: string;
const seen: Array<{ method: string; url: string; auth?: string }> = [];
const tunnels: Array<{ destroy(): void }> = [];

function listen(s: Server | HttpsServer): Promise<number> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vanthu-proxy-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2'], { stdio: 'pipe' });
  caPem = readFileSync(join(dir, 'c.pem'), 'utf8');
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).length}`); });
  };
  origin = createServer(handler);
  secure = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: caPem }, handler);
  // A minimal forwarding proxy: absolute-URI requests and CONNECT tunnels.
  proxy = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers['proxy-authorization'] });
    const target = new URL(req.url!);
    const { 'proxy-authorization': _auth, ...headers } = req.headers;
    const up = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  proxy.on('connect', (req, socket, head) => {
    seen.push({ method: 'CONNECT', url: req.url!, auth: req.headers['proxy-authorization'] });
    const [host, port] = req.url!.split(':');
    tunnels.push(socket);
    const up = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    tunnels.push(up);
    up.on('error', () => socket.destroy());
  });
  originUrl = `http://127.0.0.1:${await listen(origin)}`;
  secureUrl = `https://127.0.0.1:${await listen(secure)}`;
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  // Tunnelled sockets leave the HTTP server's bookkeeping, so close them by hand.
  for (const t of tunnels) t.destroy();
  for (const s of [origin, secure, proxy]) { s.closeAllConnections(); await new Promise<void>((r) => s.close(() => r())); }
});

describe('HTTP proxy support', () => {
  it('sends http: requests to the proxy as absolute URIs, with proxy credentials', async () => {
    seen.length = 0;
    const u = new URL(proxyUrl);
    u.username = 'vanthu';
    u.password = 'bí mật';
    const r = await createHttpPost({ proxy: u.toString() })(`${originUrl}/ocsp`, new Uint8Array(5), 'application/ocsp-request');
    expect(new TextDecoder().decode(r.body)).toBe('POST /ocsp 5');
    expect(seen).toEqual([{ method: 'POST', url: `${originUrl}/ocsp`, auth: `Basic ${Buffer.from('vanthu:bí mật').toString('base64')}` }]);
  });

  it('tunnels https: requests with CONNECT and checks TLS against the given CA', async () => {
    seen.length = 0;
    const r = await createHttpGet({ proxy: proxyUrl, ca: [caPem] })(`${secureUrl}/crl/root.crl`);
    expect(new TextDecoder().decode(r.body)).toBe('GET /crl/root.crl 0');
    expect(seen.map((s) => s.method)).toEqual(['CONNECT']);
    // Without the CA the TLS handshake fails: the tunnel is not a way around certificate checks.
    await expect(createHttpGet({ proxy: proxyUrl })(`${secureUrl}/x`)).rejects.toMatchObject({ code: 'NET_UNREACHABLE' });
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    seen.length = 0;
    const r = await createHttpGet({ proxy: proxyUrl, noProxy: 'example.vn, 127.0.0.1' })(`${originUrl}/direct`);
    expect(new TextDecoder().decode(r.body)).toBe('GET /direct 0');
    expect(seen).toEqual([]);
  });

  it('reads HTTPS_PROXY/HTTP_PROXY/NO_PROXY like curl and never proxies loopback from the environment', () => {
    const env = { HTTP_PROXY: 'proxy.so.gov.vn:3128', https_proxy: 'http://u:p@10.0.0.1:8080', NO_PROXY: '.noibo.vn,ca.gov.vn:80' };
    expect(proxyFor(new URL('http://ocsp.ca.gov.vn/'), { env })).toBeUndefined(); // ca.gov.vn:80 listed
    expect(proxyFor(new URL('https://ca.gov.vn/tsa'), { env })?.url.host).toBe('10.0.0.1:8080');
    expect(proxyFor(new URL('http://crl.vnpt-ca.vn/x.crl'), { env })?.url.host).toBe('proxy.so.gov.vn:3128');
    expect(proxyFor(new URL('http://tsa.noibo.vn/'), { env })).toBeUndefined();
    expect(proxyFor(new URL('http://127.0.0.1:8080/ocsp'), { env })).toBeUndefined();
    expect(proxyFor(new URL('http://localhost/ocsp'), { env })).toBeUndefined();
    expect(proxyFor(new URL('https://ca.gov.vn/'), { env })?.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(proxyFor(new URL('http://x.vn/'), { env: {} })).toBeUndefined();
    expect(bypassedBy('*', new URL('http://anything.vn'))).toBe(true);
  });
});
