// The app:// protocol: serves the built renderer from inside the asar with the same CSP and
// headers as host mode, instead of file:// (which would grant the page file-system origins).

import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rendererHeaders, MIME } from '../services/csp';
import { APP_SCHEME } from './security';

export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** `connectOrigins` is asked for each response: the server chosen at first run is allowed at once. */
export function serveRenderer(rendererDir: string, connectOrigins: () => string[]): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'vanthu') return new Response('not found', { status: 404 });
    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (file !== root && !file.startsWith(root + path.sep)) return new Response('forbidden', { status: 403 });
    if (url.pathname === '/' || !path.extname(file)) file = path.join(root, 'index.html');
    const upstream = await net.fetch(pathToFileURL(file).toString());
    if (!upstream.ok) return new Response('not found', { status: 404 });
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(upstream.body, { status: 200, headers: { ...rendererHeaders({ connectOrigins: connectOrigins() }), 'Content-Type': type } });
  });
}
