// Worker threads of `vanthu sign` for large PKCS#12 batches: the bundled worker (out/cli/sign-worker.mjs,
// built by ./bin/vanthu) opens its own signer and signs the files it is handed (pdfsig accepts them);
// a wrong password makes it take no file; and a whole CLI batch forced onto extra threads keeps its
// results in input order, with bad files reported and good ones signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { makeNssDb, runPdfsig, type NssDb } from '../helpers/nss';
import { corpusDir, repoRoot } from '../pdf/corpus';
import { runVanthu } from './helpers';
import { runSignThread, type QueuedFile } from '../../src-main/cli/sign-threads';
import type { FileResult } from '../../src-main/cli/sign-file';

const workerUrl = pathToFileURL(join(repoRoot, 'out', 'cli', 'sign-worker.mjs'));
let dir: string, pki: TestPki, nss: NssDb, p12: string;

const vanthu = (args: string[], env: Record<string, string> = {}) => runVanthu(args, { VANTHU_P12_PASSWORD: pki.password, ...env });

function queue(files: string[], outDir: string) {
  let next = 0;
  const taken: number[] = [];
  const take = (): QueuedFile | undefined => {
    if (next >= files.length) return undefined;
    taken.push(next);
    const index = next++;
    return { index, input: files[index], output: join(outDir, `out-${index}.pdf`) };
  };
  return { take, taken };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-threads-'));
  pki = await makeTestPki(join(dir, 'pki'), { signerTypes: ['rsa2048'] });
  p12 = pki.signers.rsa2048.p12Path!;
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
  // builds out/cli (with the worker entry) when the sources changed
  expect(vanthu(['--version']).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sign worker thread', () => {
  it('opens its own signer from the key bytes and signs every file it is handed', async () => {
    const outDir = join(dir, 'worker-out');
    mkdirSync(outDir);
    const files = ['pyhanko/minimal.pdf', 'pyhanko/minimal-xref.pdf', 'node-signpdf/signed-once.pdf'].map((f) => join(corpusDir, f));
    const q = queue(files, outDir);
    const results = new Map<number, FileResult>();
    const p12Bytes = new Uint8Array(readFileSync(p12));
    await runSignThread(workerUrl, { p12: p12Bytes, password: pki.password, options: { reason: 'Ký hàng loạt', signingTime: new Date() }, concurrency: 2 }, q.take, (i, r) => results.set(i, r));
    expect([...results.keys()].sort()).toEqual([0, 1, 2]);
    for (const [i, r] of results) {
      expect(r.ok, JSON.stringify(r.error)).toBe(true);
      const sigs = runPdfsig(join(outDir, `out-${i}.pdf`), { nss }).signatures;
      const last = sigs[sigs.length - 1];
      expect(last.signatureValid).toBe(true);
      expect(last.certificateTrusted).toBe(true);
      expect(last.totalDocumentSigned).toBe(true);
    }
  });

  it('takes no file when the key cannot be opened', async () => {
    const outDir = join(dir, 'worker-bad-key');
    mkdirSync(outDir);
    const q = queue([join(corpusDir, 'pyhanko/minimal.pdf')], outDir);
    const results: FileResult[] = [];
    await runSignThread(workerUrl, { p12: new Uint8Array(readFileSync(p12)), password: 'sai-mat-khau', options: {}, concurrency: 2 }, q.take, (_i, r) => results.push(r));
    expect(q.taken).toEqual([]);
    expect(results).toEqual([]);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('vanthu sign on extra threads', () => {
  it('keeps the results in input order and reports bad files while the threads sign the rest', () => {
    const inDir = join(dir, 'batch-in'), outDir = join(dir, 'batch-out');
    mkdirSync(inDir);
    mkdirSync(outDir);
    const inputs: string[] = [];
    for (let i = 0; i < 12; i++) {
      const f = join(inDir, `doc-${String(i).padStart(2, '0')}.pdf`);
      if (i === 5) writeFileSync(f, 'not a pdf');
      else copyFileSync(join(corpusDir, i % 2 ? 'pyhanko/minimal.pdf' : 'pyhanko/minimal-xref.pdf'), f);
      inputs.push(f);
    }
    const r = vanthu(['sign', '--p12', p12, '--json', '--out-dir', outDir, ...inputs], { VANTHU_SIGN_THREADS: '2' });
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.input)).toEqual(inputs);
    expect(lines.map((l) => l.ok)).toEqual(inputs.map((_, i) => i !== 5));
    expect(lines[5].error.code).toBe('PDF_NOT_PDF');
    expect(readdirSync(outDir).length).toBe(11);
    for (const l of lines.filter((x) => x.ok)) {
      const s = runPdfsig(l.output, { nss }).signatures;
      expect(s).toHaveLength(1);
      expect(s[0].signatureValid).toBe(true);
    }
  });
});
