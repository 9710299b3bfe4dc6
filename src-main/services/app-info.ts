// What the app is and where it runs: answered by the `app.info` channel and `vanthu --version`.

import { createRequire } from 'node:module';
import type { Res } from '../../src-shared/ipc/contract';

const require = createRequire(import.meta.url);

interface Manifest { name: string; productName?: string; version: string }

let manifest: Manifest | null = null;
function readManifest(): Manifest {
  if (manifest) return manifest;
  // Bundled builds inline this; from sources it reads the repository's package.json.
  manifest = require('../../package.json') as Manifest;
  return manifest;
}

export function appInfo(runtime: 'electron' | 'host'): Res<'app.info'> {
  const m = readManifest();
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    name: m.name,
    productName: m.productName ?? m.name,
    version: m.version,
    runtime,
    platform: `${process.platform}-${process.arch}`,
    versions: { node: v.node, electron: v.electron ?? null, chrome: v.chrome ?? null },
  };
}
