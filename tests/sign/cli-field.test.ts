// `vanthu sign --field NAME` through ./bin/vanthu: signs into the document's existing empty
// signature field (visible signer appearance drawn in its box, no field added; pdfsig: valid), and
// fails with a one-line error naming the problem and a non-zero exit when the field does not exist
// or is already signed, leaving no output file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { makeNssDb, runPdfsig, type NssDb } from '../helpers/nss';
import { withEmptySignatureFields } from '../helpers/empty-sig-field';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { documentSignatureFields } from '../../src-shared/pades/empty-field';
import { corpusDir, repoRoot } from '../pdf/corpus';
import { runVanthu } from './helpers';

let dir: string, pki: TestPki, nss: NssDb, p12: string, prepared: string;
const vanthu = (args: string[]) => runVanthu(args, { VANTHU_P12_PASSWORD: pki.password });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-cli-field-'));
  pki = await makeTestPki(join(dir, 'pki'), { signerTypes: ['rsa2048'] });
  p12 = pki.signers.rsa2048.p12Path!;
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
  prepared = join(dir, 'prepared.pdf');
  const base = new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/minimal-two-pages.pdf')));
  writeFileSync(prepared, withEmptySignatureFields(base, [{ name: 'KyDuyet', pageIndex: 1, rect: [330, 250, 540, 380] }, { name: 'PhatHanh', pageIndex: 1, rect: [300, 250, 400, 350] }]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vanthu sign --field', () => {
  it('signs into the existing empty field with the visible appearance in its box', () => {
    const out = join(dir, 'signed.pdf');
    const r = vanthu(['sign', '--p12', p12, '--field', 'KyDuyet', '--visible', 'signer', '--image', join(repoRoot, 'resources/appearance/sample-signature.png'),
      '--title', 'KT. CHỦ TỊCH', '--title', 'PHÓ CHỦ TỊCH', '--json', '--out', out, prepared]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ ok: true, fieldName: 'KyDuyet' });
    const fields = documentSignatureFields(PdfReader.open(new BytesSource(new Uint8Array(readFileSync(out)))));
    expect(fields.map((f) => [f.name, f.signed, f.pageIndex, f.rect])).toEqual([['KyDuyet', true, 1, [330, 250, 540, 380]], ['PhatHanh', false, 1, [300, 250, 400, 350]]]);
    // (pdfsig lists the still empty field too)
    const s = runPdfsig(out, { nss }).signatures.find((x) => x.fieldName === 'KyDuyet');
    expect(s?.signatureValid).toBe(true);
    expect(s?.digestMismatch).toBe(false);

    // the same field again: already signed
    const again = vanthu(['sign', '--p12', p12, '--field', 'KyDuyet', '--out', join(dir, 'again.pdf'), out]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already signed\. \(FIELD_ALREADY_SIGNED\)/);
    expect(existsSync(join(dir, 'again.pdf'))).toBe(false);
  });

  it('fails clearly, with a non-zero exit and no output, when the field does not exist', () => {
    const out = join(dir, 'missing.pdf');
    const r = vanthu(['sign', '--p12', p12, '--field', 'SaoY', '--out', out, prepared]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no signature field "SaoY" \(empty fields: KyDuyet, PhatHanh\)\. \(FIELD_NOT_FOUND\)/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.part'))).toEqual([]);
  });
});
