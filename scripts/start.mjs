// `npm start`: run the desktop app in Electron when its binary is installed; otherwise start
// host mode (same services, renderer served on 127.0.0.1) and say why in one line.
// `npm start -- --host` (or `npm run host`) forces host mode.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forceHost = process.argv.includes('--host');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const marker = path.join(root, 'out', 'renderer', 'index.html');
  const srcDirs = ['src-main', 'src-renderer', 'src-shared'].map((d) => path.join(root, d));
  const stale = !fs.existsSync(marker) || srcDirs.some((d) => newestMtime(d) > fs.statSync(marker).mtimeMs);
  if (!stale) return;
  console.log('Building the app (electron-vite build)…');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

ensureBuilt();
const electron = forceHost ? { path: null, reason: 'host mode was requested' } : findElectron();
if (electron.path) {
  const child = spawn(electron.path, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Host mode: ${electron.reason}; serving the app on 127.0.0.1 instead.`);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src-main', 'host', 'main.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VANTHU_HOST_REASON: electron.reason },
  });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
