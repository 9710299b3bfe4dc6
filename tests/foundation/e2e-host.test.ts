// End to end in Debian's Chromium against host mode, started the way a person starts it
// (`npm start`), plus the Playwright binding variant that injects the same window.vanthu surface
// the preload gives.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { artifactsDir, repoRoot, startHost, type TestHost } from '../helpers/host';
import { createRouter } from '../../src-main/services/ipc/router';
import { createHandlers } from '../../src-main/services/handlers';
import { createServiceContext } from '../../src-main/services/context';
import { ProfileManager } from '../../src-main/services/profile/manager';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

function startApp(profileDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, VANTHU_NO_BROWSER: '1', VANTHU_PROFILE_DIR: profileDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL:\n${out}`)), 90_000);
    const check = () => {
      const m = /VANTHU_HOST_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`npm start exited ${code}:\n${out}`)));
  });
}

describe('npm start in host mode, driven in Chromium', () => {
  it('serves the app on 127.0.0.1, renders Vietnamese and answers app.info over the bridge', async () => {
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-e2e-'));
    const app = await startApp(profileDir);
    try {
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#c=[A-Za-z0-9_-]{40,}$/);
      expect(app.output()).toMatch(/Host mode: .*(Electron|electron)/);
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      await page.goto(app.url);
      await page.getByRole('heading', { name: 'Văn thư số' }).waitFor();
      // an empty profile in a source checkout opens the demo province (tests/demo covers it)
      await page.getByTestId('demo-banner').waitFor();
      await page.getByRole('button', { name: 'Tổng quan' }).click();
      await page.getByTestId('app-runtime').waitFor();
      expect(await page.getByTestId('app-runtime').textContent()).toContain('host mode');
      const text = await page.locator('body').innerText();
      expect(text).toContain('Nghị định 30/2020/NĐ-CP');
      expect(text).toContain('Chế độ chạy');
      // The secret left the address bar.
      expect(page.url()).not.toContain('#c=');
      // The version and runtime on screen came from app.info, one IPC round trip over the bridge.
      const version = await page.getByTestId('app-version').textContent();
      const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
      expect(version).toBe(pkg.version);
      await page.screenshot({ path: path.join(artifactsDir('foundation'), 'host-mode-overview.png'), fullPage: true });
      expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
      await page.close();
    } finally {
      app.child.kill('SIGTERM');
      fs.rmSync(profileDir, { recursive: true, force: true });
    }
  });

  it('shows a typed error, not the app, when opened without a launch code', async () => {
    const host: TestHost = await startHost();
    try {
      const page = await browser.newPage();
      await page.goto(host.url);
      await page.getByRole('alert').waitFor();
      // in the desk's language (Vietnamese by default), with the next step
      expect(await page.getByRole('alert').textContent()).toContain('đã được dùng hoặc không có mã mở');
      expect(await page.getByRole('alert').textContent()).toContain('npm start');
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('Playwright binding bridge (the preload surface, injected)', () => {
  it('gives the renderer the same window.vanthu surface and validates payloads', async () => {
    const host = await startHost();
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-bind-'));
    const services = createServiceContext({ runtime: "host", profileDir });
    const profiles = new ProfileManager({ root: profileDir, context: services, autoDemo: false });
    await profiles.useServer({ offline: true });
    const router = createRouter(createHandlers(services));
    // Bundle the very client the preload uses into an init script.
    const bundle = await build({
      stdin: {
        contents: `import { createVanthuApi } from './src-shared/ipc/client';
          window.vanthu = createVanthuApi({
            invoke: (channel, payload) => window.__vanthuInvoke(channel, payload),
            subscribe: () => () => {},
          });`,
        resolveDir: repoRoot,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      write: false,
      platform: 'browser',
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.exposeBinding('__vanthuInvoke', (source, channel: unknown, payload: unknown) =>
        router.dispatch(channel, payload, { trusted: source.frame === page.mainFrame(), origin: 'playwright' }),
      );
      await page.addInitScript({ content: bundle.outputFiles[0].text });
      await page.goto(host.url); // no secret: the injected surface is used instead of the bridge
      await page.getByRole('button', { name: 'Tổng quan' }).click();
      await page.getByTestId('app-runtime').waitFor();
      const res = await page.evaluate(async () => {
        const v = (window as unknown as { vanthu: { app: { info(): Promise<{ runtime: string }>; echo(r: unknown): Promise<unknown> }; call(c: string, r: unknown): Promise<unknown> } }).vanthu;
        const info = await v.app.info();
        const bad = await v.call('app.echo', { text: 5 });
        let thrown: { code?: string } = {};
        try {
          await v.app.echo({ text: 5 });
        } catch (e) {
          thrown = { code: (e as { code: string }).code };
        }
        return { runtime: info.runtime, bad, thrown, hasIpcRenderer: 'ipcRenderer' in window || 'require' in window };
      });
      expect(res.runtime).toBe('host');
      expect(res.bad).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
      expect(res.thrown.code).toBe('IPC_INVALID_PAYLOAD');
      expect(res.hasIpcRenderer).toBe(false);
    } finally {
      await context.close();
      await host.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    }
  });
});
