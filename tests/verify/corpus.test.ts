// Third-party signed PDFs: pyHanko's coverage anomalies must never pass; node-signpdf's signatures
// are intact; every corpus PDF verifies without throwing and within its time bound.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyFile, verifyFiles } from '../../src-main/services/verify';
import { CORPUS } from './fixtures';

const anomalies = path.join(CORPUS, 'pyhanko/coverage-anomalies');

describe('pyHanko coverage anomalies', () => {
  for (const name of ['one-byterange', 'signature-gap-too-big', 'tail-uncovered', 'weird-byterange']) {
    it(`${name}.pdf is not TOTAL_PASSED and its signature fails on format`, async () => {
      const r = await verifyFile(path.join(anomalies, `${name}.pdf`), { cacheDir: null, isolate: false });
      expect(r.verdict).toBe('TOTAL_FAILED');
      expect(r.signatures).toHaveLength(1);
      expect(r.signatures[0].indication).toBe('TOTAL_FAILED');
      expect(r.signatures[0].subIndication).toBe('FORMAT_FAILURE');
      expect(r.signatures[0].coversWholeRevision).toBe(false);
    });
  }
});

describe('node-signpdf signatures', () => {
  it('signed-once.pdf has one intact signature covering the whole document', async () => {
    const r = await verifyFile(path.join(CORPUS, 'node-signpdf/signed-once.pdf'), { cacheDir: null, isolate: false });
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ integrity: 'intact', coversWholeDocument: true, modificationsAfter: 'none' });
    // its signer is not in any trust list here
    expect(r.verdict).toBe('INDETERMINATE');
  });

  it('signed-twice.pdf has two intact signatures, the first followed only by an allowed signature', async () => {
    const r = await verifyFile(path.join(CORPUS, 'node-signpdf/signed-twice.pdf'), { cacheDir: null, isolate: false });
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures.map((s) => s.integrity)).toEqual(['intact', 'intact']);
    expect(r.signatures[0].modificationsAfter).toBe('allowed');
    expect(r.signatures[1].coversWholeDocument).toBe(true);
  });
});

describe('whole corpus', () => {
  it('verifies every corpus PDF without an exception, each with a verdict', async () => {
    const files: string[] = [];
    for (const sub of ['node-signpdf', 'pyhanko', 'pyhanko/coverage-anomalies']) {
      for (const f of readdirSync(path.join(CORPUS, sub))) if (f.endsWith('.pdf')) files.push(path.join(CORPUS, sub, f));
    }
    expect(files.length).toBeGreaterThan(80);
    const reports = await verifyFiles(files, { cacheDir: null, timeoutMs: 30_000 });
    expect(reports).toHaveLength(files.length);
    for (const r of reports) {
      expect(['TOTAL_PASSED', 'INDETERMINATE', 'TOTAL_FAILED']).toContain(r.verdict);
      // nothing in the corpus is signed by a trusted root
      expect(r.verdict).not.toBe('TOTAL_PASSED');
      expect(r.summary_vi.length).toBeGreaterThan(0);
      expect(r.summary_en.length).toBeGreaterThan(0);
    }
    // unparseable ones say why
    for (const r of reports.filter((x) => x.error)) expect(r.error!.message_vi).toBeTruthy();
  }, 180_000);
});
