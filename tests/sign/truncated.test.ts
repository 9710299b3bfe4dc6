// Files cut off while downloading or copying: the reader can rebuild what is left, but nothing
// may be signed on top of a document with objects missing. Found by review: a 300-byte cut of
// pyhanko/minimal.pdf (pdfinfo refuses it) used to be signed with exit 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { corpusDir, repoRoot } from '../pdf/corpus';

const bin = join(repoRoot, 'bin', 'vanthu');
let dir: string;
let pki: TestPki;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-trunc-'));
  pki = await makeTestPki(join(dir, 'pki'), { signerTypes: ['p256'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cuts = (): [string, Uint8Array][] => {
  const minimal = readFileSync(join(corpusDir, 'pyhanko/minimal.pdf'));
  const xref = readFileSync(join(corpusDir, 'pyhanko/minimal-xref.pdf'));
  const signed = readFileSync(join(corpusDir, 'node-signpdf/signed-once.pdf'));
  return [
    ['minimal.pdf cut at 300 bytes', minimal.subarray(0, 300)],
    ['minimal-xref.pdf cut in half', xref.subarray(0, xref.length >> 1)],
    ['signed-once.pdf without its last 40 bytes', signed.subarray(0, signed.length - 40)],
  ];
};

describe('truncated PDFs', () => {
  it('are recognised by the reader, and complete corpus files are not', () => {
    for (const [, bytes] of cuts()) expect(PdfReader.open(new BytesSource(bytes)).truncated).toBe(true);
    for (const f of ['pyhanko/minimal.pdf', 'pyhanko/minimal-xref.pdf', 'node-signpdf/signed-once.pdf', 'pyhanko/minimal-hybrid-xref.pdf']) {
      expect(PdfReader.open(new BytesSource(readFileSync(join(corpusDir, f)))).truncated).toBe(false);
    }
  });

  it.each(cuts().map(([name, bytes]) => [name, bytes] as const))('%s: vanthu sign refuses with PDF_TRUNCATED, exit 4, no output', (name, bytes) => {
    const input = join(dir, `${name.replace(/\W+/g, '-')}.pdf`);
    const out = `${input}.signed.pdf`;
    writeFileSync(input, bytes);
    const r = spawnSync(process.execPath, [bin, 'sign', '--p12', pki.signers.p256.p12Path!, '--json', '--out', out, input], {
      encoding: 'utf8',
      env: { ...process.env, VANTHU_P12_PASSWORD: pki.password },
      input: '',
      timeout: 120_000,
    });
    expect(r.status).toBe(4);
    expect(r.stdout + r.stderr).toContain('PDF_TRUNCATED');
    expect(existsSync(out)).toBe(false);
  });
});
