// Finds the Electron binary if the `electron` package installed it; returns null (with the reason)
// when the package is absent (optional dependency skipped) or its binary was not downloaded.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function findElectron() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the optional "electron" package is not installed (its binary download was skipped or failed)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return { path: null, reason: 'the Electron binary was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD or no access to its download host)' };
  }
  const bin = path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  if (!fs.existsSync(bin)) return { path: null, reason: `the Electron binary is missing at ${bin}` };
  return { path: bin, reason: null };
}
