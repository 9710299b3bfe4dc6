// `npm test` provisions what it needs (scripts/provision.mjs): with everything present it passes
// silently; as a user who can neither be root nor use sudo, a missing package stops it at once
// with one message naming the package and the install command, and a non-zero exit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/host';
// @ts-expect-error plain ESM module without types
import { SYSTEM_PACKAGES } from '../../scripts/system-packages.mjs';

const script = path.join(repoRoot, 'scripts', 'provision.mjs');
const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8', env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' } }).stdout.trim();

/** A PATH holding only node, apt-get and the listed tools minus `drop` (symlinks to the real ones). */
function fakePath(drop: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-path-'));
  fs.chmodSync(dir, 0o755);
  const cmds = new Set<string>(['apt-get', ...SYSTEM_PACKAGES.flatMap((p: { commands?: string[] }) => p.commands ?? [])]);
  for (const c of cmds) if (!drop.includes(c) && which(c)) fs.symlinkSync(which(c), path.join(dir, c));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}

function runAsNobody(pathDir: string, args: string[] = []) {
  // the script must be readable by nobody: copy both modules to a world-readable temp dir
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-prov-'));
  fs.chmodSync(tmp, 0o755);
  for (const f of ['provision.mjs', 'system-packages.mjs']) fs.copyFileSync(path.join(repoRoot, 'scripts', f), path.join(tmp, f));
  return spawnSync('runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `PATH=${pathDir}`, 'node', path.join(tmp, 'provision.mjs'), ...args], {
    encoding: 'utf8',
    cwd: tmp,
  });
}

describe('npm test provisions its system packages', () => {
  it('passes without output when every listed tool is present (this machine, after provisioning)', () => {
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('as a user without root or sudo, stops at once naming the missing package and the install command', () => {
    const dir = fakePath(['qpdf', 'pdfsig']);
    const r = runAsNobody(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing system packages: poppler-utils qpdf');
    expect(r.stderr).toContain('sudo apt-get install -y --no-install-recommends poppler-utils qpdf');
    expect(r.stderr).toMatch(/root or with password-less sudo/);
    expect(r.stdout).not.toContain('installing');
  });

  it('names every package whose tools are missing, and only those', () => {
    const dir = fakePath(['pkcs11-tool']);
    const r = runAsNobody(dir, ['--check']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('npm test: missing system packages: opensc');
  });
});
