// Build of the three bundles: main (ESM, Node + Electron), preload (CommonJS, as sandboxed
// preloads require) and renderer (React + Vite). Native modules stay external.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// pdf.js's assets served from our own origin (CSP: no network but 'self'), at pdfjs/<dir>/ next to
// index.html, as the viewer asks for them (src-renderer/components/viewer/pdfjs.ts): the standard
// fonts, the CMaps and the JPEG 2000 decoder's JavaScript fallback (the .wasm files are not
// shipped: the CSP has no 'wasm-unsafe-eval', the viewer runs pdf.js with useWasm: false).
export const PDFJS_ASSET_DIRS = ['standard_fonts', 'cmaps', 'wasm'] as const;
const pdfjsAssetFiles = (dir: string): string[] =>
  readdirSync(join(__dirname, 'node_modules/pdfjs-dist', dir)).filter((f) => dir !== 'wasm' || f === 'openjpeg_nowasm_fallback.js');
function pdfjsAssets(): Plugin {
  const root = join(__dirname, 'node_modules/pdfjs-dist');
  return {
    name: 'vanthu-pdfjs-assets',
    generateBundle() {
      for (const dir of PDFJS_ASSET_DIRS)
        for (const f of pdfjsAssetFiles(dir)) this.emitFile({ type: 'asset', fileName: `pdfjs/${dir}/${f}`, source: readFileSync(join(root, dir, f)) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/pdfjs\/(standard_fonts|cmaps|wasm)\/([\w.-]+)$/.exec((req.url ?? '').split('?')[0]);
        if (!m || !pdfjsAssetFiles(m[1]).includes(m[2])) return next();
        res.setHeader('Content-Type', extname(m[2]) === '.js' ? 'text/javascript' : 'application/octet-stream');
        res.end(readFileSync(join(root, m[1], m[2])));
      });
    },
  };
}

// electron-vite reads Electron's major version from the installed `electron` package to pick the
// Node/Chrome build targets. electron is an optional dependency (absent where its binary cannot
// be downloaded), so the version we ship is stated here too; the build then works without it.
process.env.ELECTRON_MAJOR_VER ??= '41';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          // The PKCS#11 worker runs in its own utilityProcess (see src-main/electron/token-worker.ts).
          'pkcs11-worker': resolve(__dirname, 'src-main/services/pkcs11/worker.ts'),
          // Verification runs in a worker thread killed at its time bound (src-main/services/verify/worker-pool.ts).
          'verify-worker': resolve(__dirname, 'src-main/services/verify/worker.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react(), pdfjsAssets()],
    build: {
      // VANTHU_RENDERER_OUT: a second build beside out/renderer (parallel work on the desk; tests
      // then serve it with VANTHU_TEST_RENDERER_DIR, see tests/helpers/host.ts)
      outDir: resolve(__dirname, process.env.VANTHU_RENDERER_OUT ?? 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
