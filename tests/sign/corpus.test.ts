// Every corpus PDF that poppler opens and that is not encrypted gets signed (except the one
// certified with DocMDP P=1, which forbids further signatures and is refused with a coded error): pdfsig reports the
// new signature valid and covering the whole document, every earlier signature keeps the verdict
// it had before, and qpdf --check passes (or, for inputs qpdf already rejects, reports nothing new).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { corpusFiles, pdfinfoOk, qpdfCheck, rel } from '../pdf/corpus';
import { runPdfsig } from '../helpers/nss';
import { artifactDir, makeSignEnv, signBytes, writeArtifact, type SignEnv } from './helpers';

let env: SignEnv;
beforeAll(async () => {
  env = await makeSignEnv();
});
afterAll(() => rmSync(env.dir, { recursive: true, force: true }));

describe('signing the whole corpus', () => {
  it('signs every poppler-readable, unencrypted corpus PDF with a valid whole-document signature', async () => {
    const dir = artifactDir('corpus');
    const problems: string[] = [];
    const refusedCertified: string[] = [];
    let signed = 0;
    for (const f of corpusFiles()) {
      if (!pdfinfoOk(f)) continue;
      const before = runPdfsig(f, { nss: env.nss });
      const orig = new Uint8Array(readFileSync(f));
      let out: Uint8Array;
      try {
        ({ out } = await signBytes(env, orig, { reason: 'Kiểm thử bộ mẫu', location: 'Hải Phòng' }));
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'PDF_ENCRYPTED') continue;
        // DocMDP P=1 (certified, no changes allowed): ISO 32000 forbids any further signature
        if (code === 'PDF_CERTIFIED_NO_CHANGES') {
          refusedCertified.push(rel(f));
          continue;
        }
        problems.push(`${rel(f)}: sign failed: ${code ?? ''} ${(e as Error).message}`);
        continue;
      }
      signed++;
      expect(Buffer.from(out.subarray(0, orig.length)).equals(Buffer.from(orig))).toBe(true);
      const p = writeArtifact(dir, rel(f).replace(/\//g, '__'), out);
      const after = runPdfsig(p, { nss: env.nss });
      const mine = after.signatures[after.signatures.length - 1];
      if (!mine || !mine.signatureValid || !mine.totalDocumentSigned || !mine.certificateTrusted)
        problems.push(`${rel(f)}: new signature: ${mine?.raw.join('; ') ?? after.stderr}`);
      if (after.signatures.length !== before.signatures.length + 1) problems.push(`${rel(f)}: ${before.signatures.length} → ${after.signatures.length} signatures`);
      before.signatures.forEach((s, i) => {
        if (after.signatures[i]?.signatureValidation !== s.signatureValidation)
          problems.push(`${rel(f)}: signature #${i + 1} was "${s.signatureValidation}", now "${after.signatures[i]?.signatureValidation}"`);
      });
      const qIn = qpdfCheck(f), qOut = qpdfCheck(p);
      if (qIn.status === 0 && qOut.status !== 0) problems.push(`${rel(f)}: qpdf ${qOut.status}: ${[...qOut.problems].join(' | ')}`);
      if (qIn.status !== 0) {
        const added = [...qOut.problems].filter((x) => !qIn.problems.has(x));
        if (added.length) problems.push(`${rel(f)}: new qpdf problems: ${added.join(' | ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(refusedCertified).toEqual(['pyhanko/certified-with-indirect-refs-in-dir.pdf']);
    expect(signed).toBeGreaterThan(80);
  });
});
