// Entry point of host mode (`npm start` without an Electron binary, or `npm run host`).
// Opens the app in an installed Chromium/Chrome when a display is available, through a launch
// page in a user-only (0600) file that hands the page its single-use code: the browser's command
// line, which every local user can read in /proc, shows only that file's path. Only when it opens
// no browser itself (no display, no browser, or VANTHU_NO_BROWSER=1) does it print the URL, and
// that URL works once: the first page to open it gets the bridge, any later one a clear refusal.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHostApp } from './app';

function findBrowser(): string | null {
  if (process.env.VANTHU_BROWSER) return process.env.VANTHU_BROWSER;
  const candidates =
    process.platform === 'win32'
      ? [
          `${process.env['PROGRAMFILES'] ?? 'C:\\Program Files'}\\Google\\Chrome\\Application\\chrome.exe`,
          `${process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'}\\Microsoft\\Edge\\Application\\msedge.exe`,
        ]
      : process.platform === 'darwin'
        ? ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium']
        : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/** A launch page only this user can read, forwarding the browser to the single-use URL. */
function writeLaunchPage(url: string): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-launch-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, 'open.html');
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  fs.writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${attr}"><title>Văn thư số</title><a href="${attr}">Văn thư số</a>\n`,
    { mode: 0o600 },
  );
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function main() {
  const port = process.env.VANTHU_HOST_PORT ? Number(process.env.VANTHU_HOST_PORT) : 0;
  let launchPage: { file: string; remove(): void } | null = null;
  // Host mode runs from a source checkout: an empty profile starts the demo province ("Dùng thử").
  const app = await startHostApp({ port, emptyProfile: 'demo', onCodeUsed: () => launchPage?.remove() });
  const state = app.profiles.state();
  if (state.mode === 'demo') console.log(`Dùng thử / Demo: tỉnh mẫu tại ${state.demo?.gatewayUrl} (${state.demo?.unitName}); hồ sơ: ${app.profiles.root}`);

  const noBrowser = process.env.VANTHU_NO_BROWSER === '1' || process.env.CI === 'true';
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const browser = noBrowser || !hasDisplay ? null : findBrowser();
  let opened = false;
  if (browser) {
    launchPage = writeLaunchPage(app.launchUrl);
    const timer = setTimeout(() => launchPage?.remove(), 120_000);
    timer.unref();
    const child = spawn(browser, [`--app=${pathToFileURL(launchPage.file).href}`, '--no-first-run'], { stdio: 'ignore', detached: true });
    opened = await new Promise<boolean>((resolve) => {
      child.once('error', () => resolve(false));
      child.once('spawn', () => resolve(true));
    });
    child.unref();
    if (!opened) launchPage.remove();
  }
  if (opened) {
    console.log(`Văn thư số is serving on 127.0.0.1:${app.port} (host mode), opened in ${path.basename(browser!)}.`);
  } else {
    if (!noBrowser) console.log(!hasDisplay ? 'No display: open the address below in a browser.' : 'No Chromium/Chrome found: open the address below in a browser.');
    console.log(`Văn thư số is serving on 127.0.0.1 (host mode). Open (works once, in one tab): ${app.launchUrl}`);
    console.log(`VANTHU_HOST_URL=${app.launchUrl}`);
  }

  const stop = async () => {
    launchPage?.remove();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`host mode failed to start: ${(e as Error).message}`);
  process.exit(1);
});
