// The renderer the desk measurements serve: --renderer=DIR (or --renderer DIR), else the bench
// dir's own build — made once per run (the first measurement that needs it builds it with
// VANTHU_RENDERER_OUT, the next ones reuse it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function rendererDir(dir: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--renderer');
  const given = argv.find((a) => a.startsWith('--renderer='))?.slice('--renderer='.length) ?? (i >= 0 ? argv[i + 1] : null);
  if (given) return path.resolve(given);
  const out = path.join(dir, 'renderer');
  const index = path.join(out, 'index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= performance.timeOrigin) return out;
  execFileSync('npx', ['electron-vite', 'build'], { cwd: REPO, env: { ...process.env, VANTHU_RENDERER_OUT: out }, stdio: 'ignore' });
  return out;
}
