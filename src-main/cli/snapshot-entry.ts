// Entry of the V8 start-up snapshot of the `vanthu` command line (out/cli/vanthu.blob, built by
// bin/vanthu next to the ES-module bundle, from a CommonJS bundle of this file). At build time it
// only evaluates code: the dispatcher and the sign/verify modules with pkijs/asn1js, so a run
// starts with them already loaded. Nothing is read then (no file, key, argument or environment);
// a run reads all of it after deserialisation, in the main function below. It first checks that
// the snapshot is still the build of the current sources (the fingerprint bin/vanthu records);
// if not, it hands the command to the JavaScript launcher (which rebuilds). Externals (pkcs11js,
// better-sqlite3, electron) are `require`d at run time relative to the bundle.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { startupSnapshot } from 'node:v8';
import { finish, main } from './vanthu';
import './sign';
import './verify';
import { warmUp } from './snapshot-warmup';
import { clearAllCaches } from '../../src-shared/caches';

/** Same list and fingerprint as bin/vanthu (the stamp written next to the bundle and the blob). */
const SOURCE_DIRS = ['src-main/cli', 'src-main/services', 'src-shared'];

function sourceStamp(dir: string, acc: string[]): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return acc;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceStamp(p, acc);
    else if (/\.(ts|tsx|json)$/.test(e.name)) {
      const st = statSync(p);
      acc.push(p + ':' + st.mtimeMs + ':' + st.size);
    }
  }
  return acc;
}

/** True when the blob was built from the sources as they are now (or there are no sources). */
function snapshotCurrent(root: string, launcher: string, blob: string): boolean {
  let recorded: string;
  try {
    recorded = readFileSync(blob + '.stamp', 'utf8');
  } catch {
    return false;
  }
  const [stampPart, version] = recorded.split('\n');
  if (version !== process.version) return false;
  if (process.env.VANTHU_BUNDLE_ONLY === '1') return true;
  if (!existsSync(path.join(root, 'src-main', 'cli', 'vanthu.ts'))) return true;
  const h = createHash('sha256');
  for (const d of SOURCE_DIRS) h.update(sourceStamp(path.join(root, d), []).join('\n'));
  h.update(readFileSync(launcher));
  return h.digest('hex') === stampPart;
}

interface BundleRuntime {
  /** file: URL of out/cli/vanthu.mjs: what `import.meta.url` stands for inside this bundle. */
  __vanthuMetaUrl?: string;
  /** require() for the externals, relative to the bundle (set at run time). */
  __vanthuRequire?: (id: string) => unknown;
}

// At build time, run signing and verification once on throwaway material so the snapshot keeps
// their compiled code (see snapshot-warmup.ts); node writes the snapshot once this has settled.
// A failed warm-up only leaves the code cold.
if (startupSnapshot.isBuildingSnapshot()) {
  warmUp().catch((e: unknown) => {
    clearAllCaches();
    process.stderr.write(`vanthu snapshot: warm-up failed, code left cold: ${(e as Error)?.message ?? String(e)}\n`);
  });
}

startupSnapshot.setDeserializeMainFunction(() => {
  // the bundle's first lines put a stand-in TextDecoder in place while the snapshot was built
  const g0 = globalThis as unknown as { __vanthuTextDecoder?: typeof TextDecoder };
  if (g0.__vanthuTextDecoder) globalThis.TextDecoder = g0.__vanthuTextDecoder;
  // run as `node --snapshot-blob out/cli/vanthu.blob bin/vanthu ARGS` (bin/vanthu's shell stage)
  const launcher = realpathSync(process.argv[1]);
  const root = path.resolve(path.dirname(launcher), '..');
  const outDir = path.join(root, 'out', 'cli');
  const argv = process.argv.slice(2);
  if (!snapshotCurrent(root, launcher, path.join(outDir, 'vanthu.blob'))) {
    // stale: the JavaScript launcher rebuilds the bundle and the snapshot, then runs the command
    const r = spawnSync(process.execPath, [launcher, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, VANTHU_NO_SNAPSHOT: '1' },
    });
    process.exitCode = r.status ?? 70;
    return;
  }
  const bundle = path.join(outDir, 'vanthu.mjs');
  const g = globalThis as unknown as BundleRuntime;
  g.__vanthuMetaUrl = pathToFileURL(bundle).href;
  // made when an external is first required (~2 ms; verification requires none)
  let req: NodeJS.Require | undefined;
  g.__vanthuRequire = (id: string) => (req ??= createRequire(bundle))(id);
  main(argv).then(
    (code) => finish(typeof code === 'number' ? code : 0),
    (e: unknown) => {
      process.stderr.write('vanthu: ' + ((e as Error)?.message ?? String(e)) + '\n');
      process.exitCode = 70;
    },
  );
});
