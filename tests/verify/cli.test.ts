// `vanthu verify` as users run it: the real launcher and bundle, JSON per file, exit codes.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, makeWorld, save, signOurs, type World } from './fixtures';

let w: World;
let signedPath: string;
beforeAll(async () => {
  w = await makeWorld('cli');
  signedPath = save(w, 'cli-signed.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' }));
});
afterAll(async () => {
  await w?.close();
});

/** Run the CLI asynchronously: the loopback OCSP/CRL server lives in this process and must keep answering. */
function vanthu(args: string[], opts: { direct?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    // direct: the script itself, as a user runs it (its shell stage execs node on the start-up snapshot)
    const bin = path.join(REPO, 'bin/vanthu');
    const env = { ...process.env, ...opts.env, VANTHU_PROFILE_DIR: path.join(w.dir, 'profile') };
    const child = opts.direct ? spawn(bin, ['verify', ...args], { env }) : spawn(process.execPath, [bin, 'verify', ...args], { env });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('vanthu verify', () => {
  it('prints the JSON report and exits 0 when every file is TOTAL_PASSED', async () => {
    const r = await vanthu(['--json', '--trust', w.rootPem, signedPath]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ file: signedPath, verdict: 'TOTAL_PASSED' });
    expect(j.signatures[0]).toMatchObject({
      field: 'KyDuyet', indication: 'TOTAL_PASSED', subIndication: null, integrity: 'intact',
      coversWholeRevision: true, modificationsAfter: 'none', level: 'B-B',
    });
    expect(j.signatures[0].signer.commonName).toBeTruthy();
    expect(j.signatures[0].signingTime.claimed).toMatch(/^\d{4}-/);
  });

  it('gives an unparseable file TOTAL_FAILED with an error, and exits 1', async () => {
    const junk = path.join(w.dir, 'not-a-pdf.pdf');
    writeFileSync(junk, 'this is not a PDF at all');
    const r = await vanthu(['--json', '--trust', w.rootPem, signedPath, junk]);
    expect(r.code).toBe(1);
    const [a, b] = JSON.parse(r.out);
    expect(a.verdict).toBe('TOTAL_PASSED');
    expect(b.verdict).toBe('TOTAL_FAILED');
    expect(b.error.code).toBeTruthy();
    expect(b.error.message_vi).toBeTruthy();
  });

  it('is INDETERMINATE without trust anchors and prints Vietnamese and English', async () => {
    const r = await vanthu([signedPath]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Chưa xác định / Indeterminate');
    expect(r.out).toContain('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('bounds each file in time: an overrun file is TOTAL_FAILED and the rest are reported as not verified', async () => {
    const r = await vanthu(['--json', '--timeout', '1', '--trust', w.rootPem, signedPath, signedPath]);
    expect(r.code).not.toBe(0);
    const reports = JSON.parse(r.out);
    expect(reports).toHaveLength(2);
    expect(reports[0].verdict).toBe('TOTAL_FAILED');
    expect(['VERIFY_TIMEOUT']).toContain(reports[0].error.code);
    expect(reports[1].verdict).toBe('TOTAL_FAILED');
  });

  it('verifies in the isolated worker with --worker', async () => {
    const r = await vanthu(['--json', '--worker', '--trust', w.rootPem, signedPath]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).verdict).toBe('TOTAL_PASSED');
  });

  it('runs its worker thread when started from the start-up snapshot', async () => {
    // Node 20 breaks every worker of a process started from a snapshot in which node:worker_threads
    // was loaded (the first process.cwd() in the worker throws); --worker isolation (and the helper
    // thread where there is no /bin/sh) would then quietly fall back to the main thread.
    await vanthu(['--help']); // builds the bundle and the snapshot if they are stale
    expect(existsSync(path.join(REPO, 'out/cli/vanthu.blob'))).toBe(true);
    const r = await vanthu(['--json', '--worker', '--trust', w.rootPem, signedPath], { direct: true, env: { NODE_DEBUG: 'worker' } });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).verdict).toBe('TOTAL_PASSED');
    expect(r.err).toMatch(/is setting up worker child environment/);
    expect(r.err).not.toMatch(/uncaught exception/);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await vanthu([])).code).toBe(2);
    expect((await vanthu(['--bogus', signedPath])).code).toBe(2);
  });
});
