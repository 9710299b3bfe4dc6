// Proxy selection for outgoing TSA/OCSP/CRL requests: agencies often reach the internet only
// through an HTTP proxy. Reads HTTPS_PROXY / HTTP_PROXY (either case) and NO_PROXY like curl
// does, never proxies loopback addresses unless told to, and parses proxy credentials.

export interface ProxyChoice {
  url: URL;
  /** "Basic …" when the proxy URL carries user:password. */
  authorization?: string;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Does a NO_PROXY list exclude this host:port? Entries: "*", "host", ".suffix", "host:port". */
export function bypassedBy(noProxy: string | undefined, target: URL): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1].replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

export function parseProxy(value: string): ProxyChoice | undefined {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined; // only plain-HTTP proxies (what agencies run)
  const authorization = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`, 'utf8').toString('base64')}`
    : undefined;
  return { url, authorization };
}

export interface ProxySettings {
  /** Explicit proxy URL (overrides the environment; applies to loopback too). */
  proxy?: string;
  /** Explicit NO_PROXY list (overrides the environment). */
  noProxy?: string;
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
}

/** The proxy to use for `target`, or undefined for a direct connection. */
export function proxyFor(target: URL, s: ProxySettings = {}): ProxyChoice | undefined {
  const env = s.env ?? process.env;
  const noProxy = s.noProxy ?? env.NO_PROXY ?? env.no_proxy;
  if (bypassedBy(noProxy, target)) return undefined;
  if (s.proxy) return parseProxy(s.proxy);
  if (isLoopback(target.hostname)) return undefined;
  const value = target.protocol === 'https:'
    ? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy
    : env.HTTP_PROXY ?? env.http_proxy;
  return value ? parseProxy(value) : undefined;
}
