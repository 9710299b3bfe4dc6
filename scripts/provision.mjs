// First step of `npm test`: make sure every system tool the suite uses is present.
// On Debian/Ubuntu as root (or with password-less sudo) the missing packages are installed, with
// one line naming them; otherwise nothing runs: one message names the missing packages and the
// exact command that installs them, and the exit code is 1. The list: scripts/system-packages.mjs.
//   node scripts/provision.mjs           check, install what is missing
//   node scripts/provision.mjs --check   check only (exit 1 when something is missing)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SYSTEM_PACKAGES } from './system-packages.mjs';

const checkOnly = process.argv.includes('--check');

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

export function missingPackages() {
  return SYSTEM_PACKAGES.filter(
    (p) => (p.commands ?? []).some((c) => !onPath(c)) || (p.files ?? []).some((f) => !fs.existsSync(f)),
  ).map((p) => p.pkg);
}

function ok(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

function fail(lines) {
  for (const l of lines) console.error(l);
  process.exit(1);
}

const missing = missingPackages();
if (missing.length === 0) process.exit(0);

const list = missing.join(' ');
const installCmd = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${list}`;
const hasApt = process.platform === 'linux' && onPath('apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !isRoot && hasApt && onPath('sudo') && ok('sudo', ['-n', 'true']);

if (checkOnly || !hasApt || (!isRoot && !sudo)) {
  const why = !hasApt
    ? 'This is not a Debian/Ubuntu system with apt-get; install the equivalent packages yourself.'
    : checkOnly
      ? 'Run `npm test` as root (or with password-less sudo) to have them installed, or install them yourself:'
      : 'They can only be installed as root or with password-less sudo. Install them, then run `npm test` again:';
  fail([`npm test: missing system packages: ${list}`, why, `  ${installCmd}`]);
}

console.log(`npm test: installing missing system packages: ${list}`);
const prefix = isRoot ? [] : ['sudo', '-n'];
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => {
  const [cmd, ...rest] = [...prefix, ...args];
  const r = spawnSync(cmd, rest, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    fail([
      `npm test: "${args.join(' ')}" failed (exit ${r.status ?? r.signal}):`,
      ...(r.stderr || r.stdout || '').trim().split('\n').slice(-15),
      `Install the packages yourself, then run npm test again:`,
      `  ${installCmd}`,
    ]);
  }
};
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
const still = missingPackages();
if (still.length) fail([`npm test: these packages were installed but their tools are still missing: ${still.join(' ')}`]);
