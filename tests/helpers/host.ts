// Starts host mode in-process for tests: the real services and the built renderer (run
// `npm run build` first — `npm test` does) on 127.0.0.1, with a throwaway profile directory.
// VANTHU_TEST_RENDERER_DIR serves another build of the renderer (VANTHU_RENDERER_OUT=DIR npm run build).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHostApp, type HostApp, type HostAppOptions } from '../../src-main/host/app';

export interface TestHost extends HostApp {
  profileDir: string;
}

export async function startHost(opts: { port?: number; profileDir?: string; emptyProfile?: HostAppOptions['emptyProfile'] } = {}): Promise<TestHost> {
  const profileDir = opts.profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-profile-'));
  const rendererDir = process.env.VANTHU_TEST_RENDERER_DIR ? path.resolve(process.env.VANTHU_TEST_RENDERER_DIR) : undefined;
  const app = await startHostApp({ port: opts.port, profileDir, emptyProfile: opts.emptyProfile, demoPort: 0, rendererDir });
  const close = app.close.bind(app);
  return Object.assign(app, {
    profileDir,
    async close() {
      await close();
      if (!opts.profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
    },
  });
}

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const artifactsDir = (area: string): string => {
  const d = path.join(repoRoot, 'test-artifacts', area);
  fs.mkdirSync(d, { recursive: true });
  return d;
};
