// `vanthu tokens` and the `vanthu sign` hook (signerFromCliOptions) against SoftHSM2, and the
// worker entry bundled by esbuild into one .js file (how a production build ships it).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src-main/cli/tokens';
import { signerFromCliOptions, TokenService } from '../../src-main/services/pkcs11/index';
import { type Fixture, LABEL_A, LABEL_B, makeFixture, opensslVerify, PIN_A, PIN_B, repoRoot, utf8 } from './helpers/fixture';

let fx: Fixture;
beforeAll(async () => { fx = await makeFixture('cli'); });
afterAll(() => { delete process.env.VANTHU_PIN; });

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try { return { code: await fn(), out }; } finally { spy.mockRestore(); }
}

describe('vanthu tokens', () => {
  it('--json lists modules, both tokens and their certificates with Vietnamese identifiers', async () => {
    const { code, out } = await capture(() => run(['--json', '--pkcs11-module', fx.hsm.module]));
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.modules[0]).toMatchObject({ path: fx.hsm.module, loaded: true, source: 'configured' });
    const a = j.tokens.find((t: { label: string }) => t.label === LABEL_A);
    expect(a.certificates[0].subject.cn).toMatch(/Nguyễn Văn An|Trần Thị Bích Ngọc/);
    expect(a.certificates.map((c: { keyId: string }) => c.keyId)).toEqual(expect.arrayContaining(['01', '02', 'c1', 'c2']));
    const b = j.tokens.find((t: { label: string }) => t.label === LABEL_B);
    expect(b.certificates[0].identifiers).toEqual({ mst: '0801234567' });
  });

  it('prints a readable bilingual listing', async () => {
    const { code, out } = await capture(() => run(['--pkcs11-module', fx.hsm.module]));
    expect(code).toBe(0);
    expect(out).toContain('Thiết bị ký số / Tokens:');
    expect(out).toContain(`"${LABEL_B}"`);
    expect(out).toContain('Sở Tài chính thành phố Hải Phòng');
    expect(out).toContain('(MST:0801234567)');
  });

  it('exits 1 and says why when the given module cannot be loaded', async () => {
    const { code, out } = await capture(() => run(['--pkcs11-module', '/nonexistent/libviettel.so']));
    expect(code).toBe(1);
    expect(out).toMatch(/LỖI.*\/nonexistent\/libviettel\.so.*file not found/);
  });
});

describe('bin/vanthu tokens (the bundled CLI)', () => {
  it('lists the tokens through the real command', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/vanthu'), 'tokens', '--json', '--pkcs11-module', fx.hsm.module],
      { encoding: 'utf8', env: { ...process.env }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.tokens.map((t: { label: string }) => t.label).sort()).toEqual([LABEL_A, LABEL_B].sort());
  });
});

describe('signerFromCliOptions (vanthu sign --pkcs11-module --token-label --key-id)', () => {
  it('logs in with VANTHU_PIN, signs, and reports a wrong PIN before any signing', async () => {
    process.env.VANTHU_PIN = PIN_B;
    const signer = await signerFromCliOptions({ pkcs11Module: fx.hsm.module, tokenLabel: LABEL_B, keyId: 'B1' });
    try {
      const data = utf8('vanthu sign');
      const sig = await signer.sign(data, 'SHA-256', { kind: 'rsa-pkcs1v15' });
      expect(opensslVerify(fx.dir, fx.pki.signers.rsa3072!.pemPath, data, sig)).toBe(true);
    } finally {
      await signer.close();
    }
    process.env.VANTHU_PIN = '271828';
    await expect(signerFromCliOptions({ pkcs11Module: fx.hsm.module, tokenLabel: LABEL_A, keyId: '01' }))
      .rejects.toMatchObject({ code: 'TOKEN_PIN_INCORRECT' });
  });
});

describe('bundled worker', () => {
  it('runs the worker entry bundled into one ESM file with pkcs11js external', async () => {
    // Inside the repository, as out/main/ is in a build, so `pkcs11js` resolves from node_modules.
    const outfile = path.join(repoRoot, 'test-artifacts', 'pkcs11', 'bundle', 'pkcs11-worker.js');
    await build({
      entryPoints: [path.join(repoRoot, 'src-main/services/pkcs11/worker.ts')], bundle: true, platform: 'node',
      format: 'esm', outfile, external: ['pkcs11js'], logLevel: 'silent',
    });
    expect(readFileSync(outfile, 'utf8')).not.toMatch(/from\s+["']\.\/worker-core/);
    const { forkWorkerFactory } = await import('../../src-main/services/pkcs11/client');
    const svc = new TokenService({
      modules: [fx.hsm.module], builtinModules: false,
      factory: forkWorkerFactory({ workerPath: outfile }),
    });
    try {
      const t = await svc.findToken(LABEL_A);
      await svc.login(t, utf8(PIN_A));
      const sig = await svc.sign(t, '02', 'ec', utf8('bundled'), 'SHA-256', { kind: 'ecdsa' });
      expect(opensslVerify(fx.dir, fx.pki.signers.p256!.pemPath, utf8('bundled'), sig)).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('wrote logs without any PIN in them', () => {
    const log = readFileSync(fx.logFile, 'utf8');
    for (const pin of [PIN_A, PIN_B, '271828']) expect(log).not.toContain(pin);
  });
});
