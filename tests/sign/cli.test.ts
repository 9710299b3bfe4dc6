// The `vanthu` command line through ./bin/vanthu (the real launcher and bundle): signing with a
// PKCS#12 file whose password comes from the environment, --json results, batches where one bad
// file does not stop the others, one-line errors with documented exit codes, and no partial output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { makeNssDb, runPdfsig, type NssDb } from '../helpers/nss';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { corpusDir, repoRoot } from '../pdf/corpus';
import { runVanthu } from './helpers';

let dir: string, pki: TestPki, nss: NssDb, p12: string;

const vanthu = (args: string[], env: Record<string, string | undefined> = {}) => runVanthu(args, { VANTHU_P12_PASSWORD: pki.password, ...env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-cli-'));
  pki = await makeTestPki(join(dir, 'pki'), { signerTypes: ['p256'] });
  p12 = pki.signers.p256.p12Path!;
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vanthu sign', () => {
  it('signs one file with --p12 and the password from VANTHU_P12_PASSWORD', () => {
    const out = join(dir, 'one.pdf');
    const r = vanthu(['sign', '--p12', p12, '--reason', 'Ký duyệt', '--location', 'Hải Phòng', '--out', out, join(corpusDir, 'pyhanko/minimal.pdf')]);
    expect(r.code, r.stderr).toBe(0);
    const s = runPdfsig(out, { nss }).signatures;
    expect(s).toHaveLength(1);
    expect(s[0].signatureValid).toBe(true);
    expect(s[0].certificateTrusted).toBe(true);
    expect(s[0].totalDocumentSigned).toBe(true);
    expect(s[0].signatureType).toBe('ETSI.CAdES.detached');
  });

  it('signs a batch, prints one JSON object per input, names the bad files and keeps going', () => {
    const outDir = join(dir, 'batch');
    rmSync(outDir, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', outDir]);
    const truncated = join(dir, 'truncated.pdf');
    writeFileSync(truncated, readFileSync(join(corpusDir, 'node-signpdf/w3dummy.pdf')).subarray(0, 300));
    const garbage = join(dir, 'garbage.pdf');
    writeFileSync(garbage, 'this is not a pdf at all');
    const inputs = [
      join(corpusDir, 'pyhanko/minimal-xref.pdf'),
      truncated,
      join(corpusDir, 'pyhanko/minimal-aes256.pdf'),
      garbage,
      join(dir, 'missing.pdf'),
      join(corpusDir, 'node-signpdf/signed-twice.pdf'),
    ];
    const r = vanthu(['sign', '--p12', p12, '--json', '--out-dir', outDir, ...inputs]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.ok)).toEqual([true, false, false, false, false, true]);
    expect(lines[2].error.code).toBe('PDF_ENCRYPTED');
    expect(lines[2].error.message_en).toBe('encrypted PDFs are not supported');
    expect(lines[3].error.code).toBe('PDF_NOT_PDF');
    expect(lines[4].error.code).toBe('FILE_UNREADABLE');
    expect(['PDF_CORRUPT', 'PDF_NOT_PDF']).toContain(lines[1].error.code);
    for (const l of lines) expect(l.input).toBeTypeOf('string');
    // only the good files were written, no temp files left behind
    expect(readdirSync(outDir).sort()).toEqual(['minimal-xref.pdf', 'signed-twice.pdf']);
    const twice = runPdfsig(join(outDir, 'signed-twice.pdf'), { nss }).signatures;
    expect(twice).toHaveLength(3);
    expect(twice.every((s) => !s.digestMismatch)).toBe(true);
  });

  it('prints a human summary naming the failed files when not in --json mode', () => {
    const outDir = join(dir, 'summary');
    spawnSync('mkdir', ['-p', outDir]);
    const r = vanthu(['sign', '--p12', p12, '--out-dir', outDir, join(corpusDir, 'pyhanko/minimal.pdf'), join(corpusDir, 'pyhanko/minimal-rc4.pdf')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 of 2 signed; failed: .*minimal-rc4\.pdf \(PDF_ENCRYPTED\)/);
  });

  it('reports a wrong password in one line with exit code 3 and writes nothing', () => {
    const out = join(dir, 'never.pdf');
    const r = vanthu(['sign', '--p12', p12, '--out', out, join(corpusDir, 'pyhanko/minimal.pdf')], { VANTHU_P12_PASSWORD: 'sai-mat-khau' });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/password/i);
    expect(r.stderr).not.toContain('sai-mat-khau');
    expect(existsSync(out)).toBe(false);
  });

  it('reports an unreadable key file with exit code 3', () => {
    const bad = join(dir, 'bad.p12');
    writeFileSync(bad, 'not a pkcs12');
    const r = vanthu(['sign', '--p12', bad, '--out', join(dir, 'x.pdf'), join(corpusDir, 'pyhanko/minimal.pdf')]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const missing = vanthu(['sign', '--p12', join(dir, 'nope.p12'), '--out', join(dir, 'x.pdf'), join(corpusDir, 'pyhanko/minimal.pdf')]);
    expect(missing.code).toBe(3);
  });

  it('never replaces an existing output with a partial file when the input is corrupt', () => {
    const out = join(dir, 'keep.pdf');
    writeFileSync(out, 'previous content');
    const bad = join(dir, 'corrupt.pdf');
    writeFileSync(bad, '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R');
    const r = vanthu(['sign', '--p12', p12, '--out', out, bad]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/corrupt/i);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(out, 'utf8')).toBe('previous content');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('places a visible signer signature where --page and --rect say', () => {
    const out = join(dir, 'visible.pdf');
    const r = vanthu(['sign', '--p12', p12, '--visible', 'signer', '--page', '2', '--rect', '100,100,200,120',
      '--image', join(repoRoot, 'resources/appearance/sample-signature.png'), '--title', 'GIÁM ĐỐC', '--name', 'Trần Văn Bình',
      '--out', out, join(corpusDir, 'pyhanko/minimal-two-pages.pdf')]);
    expect(r.code, r.stderr).toBe(0);
    const reader = PdfReader.open(new BytesSource(new Uint8Array(readFileSync(out))));
    const f = reader.signatureFields()[0];
    expect(f.field.get('Rect')).toEqual([100, 100, 300, 220]);
    expect(reader.resolve(f.field.get('P'))).toBe(reader.pages()[1].dict);
    expect(runPdfsig(out, { nss }).signatures[0].signatureValid).toBe(true);
  });

  it('rejects bad command lines with exit code 2 and documents exit codes in --help', () => {
    expect(vanthu(['sign', join(corpusDir, 'pyhanko/minimal.pdf')]).code).toBe(2);
    expect(vanthu(['sign', '--p12', p12, '--out', 'a.pdf', 'x.pdf', 'y.pdf']).code).toBe(2);
    expect(vanthu(['sign', '--p12', p12, '--level', 'B-T', '--out', 'a.pdf', 'x.pdf']).code).toBe(2);
    expect(vanthu(['sign', '--bogus']).code).toBe(2);
    expect(vanthu(['nonsense']).code).toBe(2);
    const help = vanthu(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['0', '1', '2', '3', '4', '5', '70']) expect(help.stdout).toMatch(new RegExp(`^\\s+${c}\\s`, 'm'));
    expect(vanthu(['sign', '--help']).stdout).toContain('VANTHU_P12_PASSWORD');
  });
});

describe('vanthu extend', () => {
  it('fails cleanly on an unsigned file and on a missing file', () => {
    const copy = join(dir, 'unsigned.pdf');
    copyFileSync(join(corpusDir, 'pyhanko/minimal.pdf'), copy);
    const r = vanthu(['extend', copy, '--level', 'B-LT', '--tsa', 'http://127.0.0.1:9/']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('PDF_NOT_SIGNED');
    expect(vanthu(['extend', join(dir, 'nope.pdf'), '--level', 'B-LT']).code).toBe(4);
    expect(vanthu(['extend', copy]).code).toBe(2);
  });
});
