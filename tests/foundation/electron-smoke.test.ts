// Launches the real Electron app through Playwright's _electron where the Electron binary is
// installed. Where it is not (this project's CI cannot download it), the test is reported as
// skipped with the reason in its name.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { _electron } from 'playwright-core';
// @ts-expect-error plain .mjs helper without types
import { findElectron } from '../../scripts/electron-binary.mjs';
import { repoRoot } from '../helpers/host';

const electron = findElectron() as { path: string | null; reason: string | null };
if (!electron.path) console.warn(`Electron smoke test skipped: ${electron.reason}`);
const title = electron.path
  ? 'opens the window from app://, sandboxed, and answers app.info'
  : `skipped: ${electron.reason}`;

describe('Electron smoke test', () => {
  it.skipIf(!electron.path)(title, async () => {
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-electron-'));
    const app = await _electron.launch({
      executablePath: electron.path!,
      args: [repoRoot, `--user-data-dir=${userData}`, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    });
    try {
      const win = await app.firstWindow();
      await win.getByTestId('app-runtime').waitFor();
      expect(win.url()).toMatch(/^app:\/\/vanthu\//);
      const info = await win.evaluate(() => (window as unknown as { vanthu: { app: { info(): Promise<{ runtime: string }> } } }).vanthu.app.info());
      expect(info.runtime).toBe('electron');
      const exposed = await win.evaluate(() => ({ require: typeof (window as unknown as { require?: unknown }).require, process: typeof (window as unknown as { process?: unknown }).process }));
      expect(exposed).toEqual({ require: 'undefined', process: 'undefined' });
      // window.open is denied.
      const popups = app.windows().length;
      await win.evaluate(() => window.open('https://example.com'));
      await new Promise((r) => setTimeout(r, 300));
      expect(app.windows().length).toBe(popups);
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
