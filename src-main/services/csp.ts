// The renderer's Content-Security-Policy and the other response headers, shared by the Electron
// app:// protocol handler and the host-mode HTTP server so both runtimes enforce the same policy.
// No 'unsafe-eval', no inline scripts; network only to our own origin, loopback and the
// configured provincial gateways.

export interface CspOptions {
  /** Extra origins the renderer may connect to (the configured sync gateways), e.g. https://vanthu.example.gov.vn */
  connectOrigins?: string[];
}

/**
 * The gateway origins the renderer may reach: VANTHU_GATEWAY_ORIGINS (comma/space separated)
 * plus the deployment's configured gateway URL (config.json `gatewayUrl`).
 */
export function gatewayOrigins(configuredUrl?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.VANTHU_GATEWAY_ORIGINS ?? '').split(/[\s,]+/).filter(Boolean);
  const fromConfig: string[] = [];
  if (configuredUrl) {
    try {
      fromConfig.push(new URL(configuredUrl).origin);
    } catch {
      /* an invalid URL is rejected by the config schema already */
    }
  }
  return [...new Set([...fromEnv, ...fromConfig])].filter((o) => /^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(o));
}

/**
 * The one style hash the policy allows: that of an empty <style> element. Fluent UI's style
 * engine (Griffel) creates empty <style> elements and fills them through the CSSOM
 * (CSSStyleSheet.insertRule), which style-src does not govern; an empty element's content hash
 * is all it needs. No inline style content and no 'unsafe-inline' (docs/ui.md).
 */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const connect = ["'self'", 'http://127.0.0.1:*', 'ws://127.0.0.1:*', 'http://localhost:*', ...(opts.connectOrigins ?? [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function rendererHeaders(opts: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(opts),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};
