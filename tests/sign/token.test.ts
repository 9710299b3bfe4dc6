// `vanthu sign` with a USB token (PKCS#11) through the real ./bin/vanthu: SoftHSM2 tokens holding
// the test PKI's keys, the PIN from VANTHU_PIN, one login for a whole batch, pdfsig accepting the
// signatures, a wrong PIN as one line with exit code 3, and a token pulled out mid-batch (a shim
// in front of SoftHSM2) stopping the batch with the files before it signed and no partial file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeNssDb, runPdfsig, type NssDb } from '../helpers/nss';
import type { TestEntity } from '../helpers/pki';
import { type Fixture, LABEL_A, LABEL_B, makeFixture, PIN_A, PIN_B } from '../pkcs11/helpers/fixture';
import { buildShim } from '../pkcs11/helpers/shim';
import { corpusDir } from '../pdf/corpus';
import { runVanthu } from './helpers';

const WRONG_PIN = '112358';
let fx: Fixture, nss: NssDb, shim: string;

const vanthu = (args: string[], env: Record<string, string | undefined> = {}) => runVanthu(['sign', ...args], { VANTHU_P12_PASSWORD: undefined, ...env });

function logEvents(file: string): { event: string; ok?: boolean; code?: string }[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function inputs(dirName: string, n: number): string[] {
  const d = join(fx.dir, dirName);
  mkdirSync(d, { recursive: true });
  const src = ['pyhanko/minimal.pdf', 'pyhanko/minimal-xref.pdf', 'node-signpdf/signed-once.pdf'];
  return Array.from({ length: n }, (_, i) => {
    const f = join(d, `doc-${i}.pdf`);
    copyFileSync(join(corpusDir, src[i % src.length]), f);
    return f;
  });
}

function cn(e: TestEntity): string {
  return String(e.cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3')!.value.valueBlock.value);
}

function expectValidNewSignature(file: string, signer: TestEntity) {
  const commonName = cn(signer);
  const sigs = runPdfsig(file, { nss }).signatures;
  const last = sigs[sigs.length - 1];
  expect(last.signatureValid, file).toBe(true);
  expect(last.certificateTrusted).toBe(true);
  expect(last.totalDocumentSigned).toBe(true);
  expect(last.signatureType).toBe('ETSI.CAdES.detached');
  expect(last.commonName).toBe(commonName);
  expect(sigs.every((s) => !s.digestMismatch)).toBe(true);
}

beforeAll(async () => {
  fx = await makeFixture('sign-cli');
  nss = makeNssDb(join(fx.dir, 'nss'), fx.pki.root.pemPath);
  shim = buildShim(fx.dir);
});
afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

describe('vanthu sign with a PKCS#11 token', () => {
  it('signs a batch with one login (PIN from VANTHU_PIN) and pdfsig accepts every file', () => {
    const files = inputs('batch', 3);
    const outDir = join(fx.dir, 'batch-out');
    mkdirSync(outDir);
    const log = join(fx.dir, 'batch.log');
    const r = vanthu(['--pkcs11-module', fx.hsm.module, '--token-label', LABEL_A, '--key-id', '01', '--json', '--out-dir', outDir, ...files],
      { VANTHU_PIN: PIN_A, VANTHU_PKCS11_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.ok)).toEqual([true, true, true]);
    expect(readdirSync(outDir).sort()).toEqual(['doc-0.pdf', 'doc-1.pdf', 'doc-2.pdf']);
    for (const f of readdirSync(outDir)) expectValidNewSignature(join(outDir, f), fx.pki.signers.rsa2048);
    const logins = logEvents(log).filter((e) => e.event === 'login');
    expect(logins).toEqual([expect.objectContaining({ ok: true })]);
    expect(readFileSync(log, 'utf8')).not.toContain(PIN_A);
  });

  it('signs with an EC P-256 key chosen by --key-id, and finds a token by label through driver discovery', () => {
    const [file] = inputs('ec', 1);
    const ec = join(fx.dir, 'ec-signed.pdf');
    const a = vanthu(['--pkcs11-module', fx.hsm.module, '--token-label', LABEL_A, '--key-id', '0x02', '--out', ec, file], { VANTHU_PIN: PIN_A });
    expect(a.code, a.stderr).toBe(0);
    expectValidNewSignature(ec, fx.pki.signers.p256!);
    // no --pkcs11-module: the known drivers are tried, SoftHSM2 among them; no --key-id: the first signing certificate
    const rsa3072 = join(fx.dir, 'b-signed.pdf');
    const b = vanthu(['--token-label', LABEL_B, '--out', rsa3072, file], { VANTHU_PIN: PIN_B });
    expect(b.code, b.stderr).toBe(0);
    expectValidNewSignature(rsa3072, fx.pki.signers.rsa3072!);
  });

  it('reports a wrong PIN in one line with exit code 3, never echoes it, and writes nothing', () => {
    const [file] = inputs('wrong', 1);
    const out = join(fx.dir, 'never.pdf');
    const r = vanthu(['--pkcs11-module', fx.hsm.module, '--token-label', LABEL_A, '--key-id', '01', '--out', out, file], { VANTHU_PIN: WRONG_PIN });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Incorrect PIN.*\(TOKEN_PIN_INCORRECT\)/);
    expect(r.stderr + r.stdout).not.toContain(WRONG_PIN);
    expect(existsSync(out)).toBe(false);
    // no PIN and no terminal: a clear error, not a hang
    const noPin = vanthu(['--pkcs11-module', fx.hsm.module, '--token-label', LABEL_A, '--out', out, file], { VANTHU_PIN: undefined });
    expect(noPin.code).toBe(3);
    expect(noPin.stderr).toContain('TOKEN_PIN_REQUIRED');
  });

  it('stops cleanly when the token is pulled out mid-batch: earlier files signed, the rest reported unsigned, no partial file', () => {
    const files = inputs('pulled', 5);
    const outDir = join(fx.dir, 'pulled-out');
    mkdirSync(outDir);
    // the shim reports the token removed once this file exists, i.e. right after the second output is renamed into place
    const env = { VANTHU_PIN: PIN_A, SHIM_TARGET: fx.hsm.module, SHIM_REMOVE_FILE: join(outDir, 'doc-1.pdf') };
    const r = vanthu(['--pkcs11-module', shim, '--token-label', LABEL_A, '--key-id', '01', '--json', '--out-dir', outDir, ...files], env);
    expect(r.code, r.stderr).toBe(6);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.ok)).toEqual([true, true, false, false, false]);
    for (const l of lines.slice(2)) {
      expect(l.unsigned).toBe(true);
      expect(l.error.code).toBe('TOKEN_REMOVED');
    }
    expect(readdirSync(outDir).sort()).toEqual(['doc-0.pdf', 'doc-1.pdf']);
    for (const f of ['doc-0.pdf', 'doc-1.pdf']) expectValidNewSignature(join(outDir, f), fx.pki.signers.rsa2048);

    // the human summary names what was signed and what was not
    rmSync(outDir, { recursive: true });
    mkdirSync(outDir);
    const h = vanthu(['--pkcs11-module', shim, '--token-label', LABEL_A, '--key-id', '01', '--out-dir', outDir, ...files], env);
    expect(h.code, h.stderr).toBe(6);
    expect(h.stderr).toMatch(/2 of 5 signed; stopped: .*\(TOKEN_REMOVED\); not signed: .*doc-2\.pdf, .*doc-3\.pdf, .*doc-4\.pdf/);
    expect(readdirSync(outDir).sort()).toEqual(['doc-0.pdf', 'doc-1.pdf']);
  });

  it('rejects ambiguous key choices with exit code 2', () => {
    const [file] = inputs('usage', 1);
    const out = join(fx.dir, 'usage.pdf');
    expect(vanthu(['--p12', join(fx.dir, 'x.p12'), '--token-label', LABEL_A, '--out', out, file]).code).toBe(2);
    expect(vanthu(['--key-id', '01', '--out', out, file]).code).toBe(2);
    expect(vanthu(['--out', out, file]).code).toBe(2);
    const help = vanthu(['--help']);
    for (const o of ['--pkcs11-module', '--token-label', '--key-id', 'VANTHU_PIN']) expect(help.stdout).toContain(o);
    expect(help.stdout).toMatch(/^\s+6\s/m);
  });
});
