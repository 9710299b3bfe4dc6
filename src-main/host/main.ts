// Entry point of host mode (`npm start` without an Electron binary, or `npm run host`).
// Prints the URL (with its per-launch secret) and opens it in an installed Chromium/Chrome
// when a display is available.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { startHostApp } from './app';

function findBrowser(): string | null {
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

async function main() {
  const port = process.env.VANTHU_HOST_PORT ? Number(process.env.VANTHU_HOST_PORT) : 0;
  // Host mode runs from a source checkout: an empty profile starts the demo province ("Dùng thử").
  const app = await startHostApp({ port, emptyProfile: 'demo' });
  const state = app.profiles.state();
  if (state.mode === 'demo') console.log(`Dùng thử / Demo: tỉnh mẫu tại ${state.demo?.gatewayUrl} (${state.demo?.unitName}); hồ sơ: ${app.profiles.root}`);
  console.log(`Văn thư số is serving on 127.0.0.1 (host mode). Open: ${app.launchUrl}`);
  console.log(`VANTHU_HOST_URL=${app.launchUrl}`);

  const noBrowser = process.env.VANTHU_NO_BROWSER === '1' || process.env.CI === 'true';
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const browser = findBrowser();
  if (!noBrowser && hasDisplay && browser) {
    const child = spawn(browser, [`--app=${app.launchUrl}`, '--no-first-run'], { stdio: 'ignore', detached: true });
    child.on('error', () => console.log('Could not open the browser; open the URL above yourself.'));
    child.unref();
  } else if (!noBrowser) {
    console.log(browser ? 'No display: open the URL above in a browser.' : 'No Chromium/Chrome found: open the URL above in a browser.');
  }

  const stop = async () => {
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
