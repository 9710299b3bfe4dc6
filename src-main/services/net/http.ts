// Node implementations of the injected HttpPost/HttpGet (src-shared/cms/net.ts) for TSA, OCSP,
// CRL and CA-issuer fetches: node:http/https, a hard timeout, a response size cap, redirects
// followed for GET (CRLs and certificates often move), HTTP proxies (absolute-URI requests for
// http:, CONNECT tunnels for https:), TLS ≥ 1.2, transport failures as VanthuErrors.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { VanthuError } from '../../../src-shared/errors';
import type { HttpGet, HttpPost, HttpResponse, Net } from '../../../src-shared/cms/net';
import { proxyFor, type ProxyChoice } from './proxy';

export interface NodeHttpOptions {
  /** Whole-request timeout in ms (default 15000). */
  timeoutMs?: number;
  /** Largest accepted response body (default 20 MB, CRLs can be big). */
  maxBytes?: number;
  /** Redirects followed by GET (default 3). */
  maxRedirects?: number;
  userAgent?: string;
  /** Proxy URL (default: HTTPS_PROXY/HTTP_PROXY from the environment; loopback goes direct). */
  proxy?: string;
  /** NO_PROXY list (default: from the environment). */
  noProxy?: string;
  /** Extra trusted CA certificates (PEM) for https: endpoints, e.g. an agency's own CA. */
  ca?: string[];
}

type Resolved = Required<Omit<NodeHttpOptions, 'proxy' | 'noProxy' | 'ca'>> & Pick<NodeHttpOptions, 'proxy' | 'noProxy' | 'ca'>;

/** Open a CONNECT tunnel through `proxy` to host:port and hand back the raw socket. */
function tunnel(proxy: ProxyChoice, target: URL, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const port = target.port || '443';
    const headers: Record<string, string> = { host: `${target.hostname}:${port}` };
    if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
    const req = http.request({ host: proxy.url.hostname, port: proxy.url.port || 80, method: 'CONNECT', path: `${target.hostname}:${port}`, headers, timeout: timeoutMs });
    req.on('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new VanthuError('NET_PROXY', `Máy chủ proxy từ chối kết nối tới ${target.host} (HTTP ${res.statusCode}).`,
          `The proxy refused the tunnel to ${target.host} (HTTP ${res.statusCode}).`));
      }
    });
    req.on('timeout', () => req.destroy(new Error('ETIMEDOUT')));
    req.on('error', (e) => reject(new VanthuError('NET_UNREACHABLE', `Không kết nối được máy chủ proxy ${proxy.url.host}.`,
      `Cannot reach the proxy ${proxy.url.host} (${(e as NodeJS.ErrnoException).code ?? e.message}).`)));
    req.end();
  });
}

let deferredCas: { file: string; certs: string[] } | undefined;

/**
 * The certificates of the PEM file the user gave in NODE_EXTRA_CA_CERTS, which `bin/vanthu`
 * hands over as VANTHU_EXTRA_CA_CERTS so that node does not parse the whole file at every start:
 * read once, on the first https: request. Like node, an unreadable file is a warning, not an error.
 */
export function deferredExtraCas(env: NodeJS.ProcessEnv = process.env): string[] {
  const file = env.VANTHU_EXTRA_CA_CERTS;
  if (!file) return [];
  if (deferredCas?.file === file) return deferredCas.certs;
  let certs: string[] = [];
  try {
    certs = fs.readFileSync(file, 'latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  } catch (e) {
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
  }
  deferredCas = { file, certs };
  return certs;
}

async function request(method: 'GET' | 'POST', url: string, body: Uint8Array | undefined, contentType: string | undefined, o: Resolved, redirectsLeft: number): Promise<HttpResponse> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new VanthuError('NET_BAD_URL', `Địa chỉ không hợp lệ: ${url}`, `Invalid URL: ${url}`));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return Promise.reject(new VanthuError('NET_BAD_URL', `Giao thức không được hỗ trợ: ${u.protocol}`, `Unsupported protocol: ${u.protocol}`));
  }
  const secure = u.protocol === 'https:';
  const proxy = proxyFor(u, { proxy: o.proxy, noProxy: o.noProxy });
  const tunnelSocket = proxy && secure ? await tunnel(proxy, u, o.timeoutMs) : undefined;
  // Extra CAs add to Node's bundled roots instead of replacing them.
  const extra = [...deferredExtraCas(), ...(o.ca ?? [])];
  const ca = extra.length ? [...tls.rootCertificates, ...extra] : undefined;
  return new Promise<HttpResponse>((resolve, reject) => {
    const headers: Record<string, string | number> = { 'user-agent': o.userAgent, accept: '*/*' };
    if (body) { headers['content-type'] = contentType ?? 'application/octet-stream'; headers['content-length'] = body.length; }
    let options: http.RequestOptions | https.RequestOptions;
    if (proxy && !secure) {
      // Plain HTTP through the proxy: absolute URI in the request line.
      if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
      headers.host = u.host;
      options = { host: proxy.url.hostname, port: proxy.url.port || 80, path: u.toString(), method, headers };
    } else {
      options = {
        protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined, path: `${u.pathname}${u.search}`, method, headers,
        ...(secure ? { minVersion: 'TLSv1.2' as const, ...(ca ? { ca } : {}) } : {}),
        ...(tunnelSocket ? {
          agent: false as const,
          createConnection: () => tls.connect({ socket: tunnelSocket, servername: u.hostname, minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) }),
        } : {}),
      };
    }
    const mod = secure ? https : http;
    const req = mod.request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (method === 'GET' && status >= 300 && status < 400 && res.headers.location && redirectsLeft > 0) {
        res.resume();
        clearTimeout(timer);
        request(method, new URL(res.headers.location, u).toString(), undefined, undefined, o, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) {
          req.destroy();
          reject(new VanthuError('NET_TOO_LARGE', `Phản hồi từ ${u.host} quá lớn.`, `The response from ${u.host} is too large.`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status, body: new Uint8Array(Buffer.concat(chunks)), headers: h });
      });
      res.on('error', (e) => { clearTimeout(timer); reject(unreachable(u, e)); });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new VanthuError('NET_TIMEOUT', `Hết thời gian chờ ${u.host}.`, `Timed out waiting for ${u.host}.`, { url }));
    }, o.timeoutMs);
    req.on('error', (e) => { clearTimeout(timer); reject(unreachable(u, e)); });
    req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
  });
}

function unreachable(u: URL, e: Error): VanthuError {
  const code = (e as NodeJS.ErrnoException).code ?? e.message;
  return new VanthuError('NET_UNREACHABLE', `Không kết nối được ${u.host} (${code}).`, `Cannot reach ${u.host} (${code}).`, { url: u.toString() });
}

function withDefaults(opts: NodeHttpOptions): Resolved {
  return {
    timeoutMs: opts.timeoutMs ?? 15_000, maxBytes: opts.maxBytes ?? 20 * 1024 * 1024, maxRedirects: opts.maxRedirects ?? 3,
    userAgent: opts.userAgent ?? 'VanThuSo/0.1', proxy: opts.proxy, noProxy: opts.noProxy, ca: opts.ca,
  };
}

export function createHttpPost(opts: NodeHttpOptions = {}): HttpPost {
  const o = withDefaults(opts);
  return (url, body, contentType) => request('POST', url, body, contentType, o, 0);
}

export function createHttpGet(opts: NodeHttpOptions = {}): HttpGet {
  const o = withDefaults(opts);
  return (url) => request('GET', url, undefined, undefined, o, o.maxRedirects);
}

/** Both functions, as `collectValidationData` and friends take them. */
export function createNodeNet(opts: NodeHttpOptions = {}): Net {
  return { post: createHttpPost(opts), get: createHttpGet(opts) };
}
