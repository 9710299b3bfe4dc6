// `vanthu sign --level …` and `vanthu extend` through ./bin/vanthu against a TSA and OCSP/CRL
// responder on 127.0.0.1 (the CLI runs as a child process, awaited asynchronously so the in-process
// servers can answer): offline signing exits 5 with the pending work listed, extend completes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { makeNssDb, type NssDb } from '../helpers/nss';
import { startTsa, type TsaServer } from '../helpers/tsa';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader, nameOf } from '../../src-shared/pdf/reader';
import { corpusDir, repoRoot } from '../pdf/corpus';
import { pdfsigAsync } from './helpers';

let dir: string, pki: TestPki, nss: NssDb, tsa: TsaServer, rev: RevocationServer;

function vanthu(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin', 'vanthu'), ...args], { env: { ...process.env, VANTHU_P12_PASSWORD: pki.password }, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-cli-levels-'));
  rev = await startRevocationServer();
  pki = await makeTestPki(join(dir, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048'] });
  rev.attach(pki);
  tsa = await startTsa(pki.tsa);
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
});

afterAll(async () => {
  await tsa?.close();
  await rev?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vanthu sign --level and vanthu extend', () => {
  it('signs B-LTA with --tsa and reports the level in --json', async () => {
    const out = join(dir, 'lta.pdf');
    const r = await vanthu(['sign', '--p12', pki.signers.rsa2048.p12Path!, '--level', 'B-LTA', '--tsa', tsa.url, '--json', '--out', out, join(corpusDir, 'pyhanko/minimal.pdf')]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim());
    expect(res).toMatchObject({ ok: true, level: 'B-LTA', requestedLevel: 'B-LTA', pending: [] });
    const sigs = PdfReader.open(new BytesSource(new Uint8Array(readFileSync(out)))).signatureFields();
    expect(sigs.map((s) => nameOf(s.sig!.get('SubFilter')))).toEqual(['ETSI.CAdES.detached', 'ETSI.RFC3161']);
    expect((await pdfsigAsync(out, nss)).signatures[0].signatureValid).toBe(true);
  });

  it('exits 5 when offline with the pending work listed, and extend completes it in place', async () => {
    const out = join(dir, 'offline.pdf');
    const r = await vanthu(['sign', '--p12', pki.signers.rsa2048.p12Path!, '--level', 'B-LT', '--tsa', 'http://127.0.0.1:9/tsa', '--json', '--out', out, join(corpusDir, 'pyhanko/minimal-xref.pdf')]);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ ok: true, level: 'B-B', pending: ['timestamp', 'validation-data'] });
    const signed = readFileSync(out);
    const e = await vanthu(['extend', out, '--level', 'B-LT', '--tsa', tsa.url, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout.trim())).toMatchObject({ ok: true, level: 'B-LT', pending: [] });
    const extended = readFileSync(out);
    expect(extended.subarray(0, signed.length).equals(signed)).toBe(true);
    const r2 = PdfReader.open(new BytesSource(new Uint8Array(extended)));
    expect(r2.resolveDict(r2.catalog.get('DSS'))).not.toBeNull();
    const pr = await pdfsigAsync(out, nss);
    expect(pr.signatures[0].signatureValid).toBe(true);
    expect(pr.signatures).toHaveLength(2);
  });
});
