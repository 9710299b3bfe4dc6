// Build of the three bundles: main (ESM, Node + Electron), preload (CommonJS, as sandboxed
// preloads require) and renderer (React + Vite). Native modules stay external.
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

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
    plugins: [react()],
    build: {
      // VANTHU_RENDERER_OUT: a second build beside out/renderer (parallel work on the desk; tests
      // then serve it with VANTHU_TEST_RENDERER_DIR, see tests/helpers/host.ts)
      outDir: resolve(__dirname, process.env.VANTHU_RENDERER_OUT ?? 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
