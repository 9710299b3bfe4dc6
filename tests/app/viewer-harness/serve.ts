// Builds a harness page with Vite (as the renderer is built: React plugin, pdf.js worker as an
// asset, pdf.js's fonts/CMaps/JS JPEG 2000 decoder copied to pdfjs/ beside the page, as the
// pdfjsAssets plugin of electron.vite.config.ts does for the app) and serves it on 127.0.0.1 with
// the renderer's headers (the same CSP as app:// and host mode). Used by tests/app/e2e-viewer.test.ts
// and bench/desk.ts.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { MIME, rendererHeaders } from '../../../src-main/services/csp';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

/** Vite build of the page whose index.html is in `root`, into outDir. */
export async function buildHarness(root: string, outDir: string): Promise<string> {
  await build({
    root, base: './', logLevel: 'warn', configFile: false, plugins: [react()],
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 8000, sourcemap: false },
  });
  const pdfjs = path.join(repo, 'node_modules/pdfjs-dist');
  for (const dir of ['standard_fonts', 'cmaps']) fs.cpSync(path.join(pdfjs, dir), path.join(outDir, 'pdfjs', dir), { recursive: true });
  fs.mkdirSync(path.join(outDir, 'pdfjs/wasm'), { recursive: true });
  fs.copyFileSync(path.join(pdfjs, 'wasm/openjpeg_nowasm_fallback.js'), path.join(outDir, 'pdfjs/wasm/openjpeg_nowasm_fallback.js'));
  return outDir;
}

export const buildViewerHarness = (outDir: string) => buildHarness(path.join(repo, 'tests/app/viewer-harness'), outDir);

export interface Served {
  url: string;
  /** Range requests answered for `files` (bench: pdf.js loading by HTTP range). */
  ranges: number;
  close(): Promise<void>;
}

/** Static files of dir, plus named files (e.g. { '/doc.pdf': '/tmp/x.pdf' }) with Range support. */
export async function serve(dir: string, files: Record<string, string> = {}): Promise<Served> {
  const headers = rendererHeaders();
  const state = { ranges: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const named = files[url.pathname];
    if (named) {
      const size = fs.statSync(named).size;
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const common = { ...headers, 'Content-Type': 'application/pdf', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(size - 1, range[2] ? Number(range[2]) : size - 1);
        state.ranges++;
        res.writeHead(206, { ...common, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) });
        fs.createReadStream(named, { start, end }).pipe(res);
      } else {
        res.writeHead(200, { ...common, 'Content-Length': String(size) });
        if (req.method === 'HEAD') res.end();
        else fs.createReadStream(named).pipe(res);
      }
      return;
    }
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    get ranges() { return state.ranges; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
