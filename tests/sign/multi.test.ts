// Several signatures on one file: signer (ký duyệt, visible), then organisation (phát hành, seal
// over the signer's image), then a certified copy stamp; and one more signature on files signed
// by other tools (node-signpdf, pyHanko, xref-stream and hybrid files). pdfsig must report every
// earlier signature's digest still valid after each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runPdfsig } from '../helpers/nss';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { corpusDir, qpdfCheck, repoRoot } from '../pdf/corpus';
import { artifactDir, makeSignEnv, signBytes, writeArtifact, type SignEnv } from './helpers';

let env: SignEnv;
beforeAll(async () => {
  env = await makeSignEnv();
});
afterAll(() => rmSync(env.dir, { recursive: true, force: true }));

const art = artifactDir('multi');
const res = (p: string) => new Uint8Array(readFileSync(join(repoRoot, 'resources', p)));
const fonts = () => ({ regular: res('fonts/LiberationSerif-Regular.ttf'), bold: res('fonts/LiberationSerif-Bold.ttf') });

function expectAllValid(file: string, n: number): void {
  const r = runPdfsig(file, { nss: env.nss });
  expect(r.signatures).toHaveLength(n);
  for (const s of r.signatures) {
    expect(s.digestMismatch, `${s.fieldName}`).toBe(false);
    expect(s.signatureValid, `${s.fieldName}: ${s.signatureValidation}`).toBe(true);
  }
  expect(r.signatures[n - 1].totalDocumentSigned).toBe(true);
}

describe('signing the same file several times', () => {
  it('signer, organisation and copy signatures in turn keep every earlier signature valid', async () => {
    let pdf: Uint8Array = new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/minimal-two-pages.pdf')));
    const time = new Date('2026-11-26T07:03:21Z');
    const steps = [
      { kind: 'signer', appearance: { kind: 'signer', rect: [330, 250, 540, 380], signatureImage: res('appearance/sample-signature.png'), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến', fonts: fonts() } },
      { kind: 'organisation', appearance: { kind: 'organisation', sealImage: res('appearance/sample-seal.png') } },
      { kind: 'copy', appearance: { kind: 'copy', copyForm: 'SAO Y', copyingAgency: 'VĂN PHÒNG UBND THÀNH PHỐ HẢI PHÒNG', documentNumber: '15/SY-VP', fonts: fonts() } },
    ] as const;
    const names: string[] = [];
    for (const [i, step] of steps.entries()) {
      const { out, res: r } = await signBytes(env, pdf, { signingTime: time, reason: step.kind, visible: { pageIndex: 0, appearance: step.appearance as never } });
      names.push(r.fieldName);
      const file = writeArtifact(art, `three-signatures-step${i + 1}.pdf`, out);
      expectAllValid(file, i + 1);
      expect(qpdfCheck(file).status).toBe(0);
      pdf = out;
    }
    expect(names).toEqual(['Signature1', 'Signature2', 'Signature3']);
    // the seal widget was placed over the signer's box, found in the document
    const fields = PdfReader.open(new BytesSource(pdf)).signatureFields();
    const rect = (i: number) => fields[i].field.get('Rect') as number[];
    const [s, o] = [rect(0), rect(1)];
    expect(o[0]).toBeLessThan(s[0] + (s[2] - s[0]) / 2);
    expect(o[2]).toBeGreaterThan(s[0]);
    expect(o[1]).toBeLessThan(s[3]);
    expect(o[3]).toBeGreaterThan(s[1]);
  });

  it('adds a signature to files signed by other tools without breaking theirs', async () => {
    const files = [
      'node-signpdf/signed-once.pdf',
      'node-signpdf/signed-twice.pdf',
      'node-signpdf/incrementally_signed.pdf',
      'pyhanko/minimal-signed-twice-both-created.pdf',
      'pyhanko/minimal-signed-twice-no-sig-type.pdf',
      'pyhanko/minimal-signed-twice-second-created.pdf',
      'pyhanko/minimal-two-fields-signed-twice.pdf',
      'pyhanko/minimal-xref.pdf',
      'pyhanko/minimal-hybrid-xref.pdf',
      'pyhanko/minimal-hybrid-xref-mswordstyle.pdf',
    ];
    for (const f of files) {
      const path = join(corpusDir, f);
      const before = runPdfsig(path, { nss: env.nss }).signatures;
      let pdf: Uint8Array = new Uint8Array(readFileSync(path));
      for (let k = 1; k <= 2; k++) {
        ({ out: pdf } = await signBytes(env, pdf, { reason: `lần ${k}` }));
        const after = runPdfsig(writeArtifact(art, `${f.replace('/', '__')}.${k}.pdf`, pdf), { nss: env.nss }).signatures;
        expect(after, f).toHaveLength(before.length + k);
        before.forEach((s, i) => {
          expect(after[i].digestMismatch, `${f} #${i + 1}`).toBe(false);
          expect(after[i].signatureValidation, `${f} #${i + 1}`).toBe(s.signatureValidation);
        });
        for (const mine of after.slice(before.length)) expect(mine.signatureValid, f).toBe(true);
        expect(after[after.length - 1].totalDocumentSigned, f).toBe(true);
      }
    }
  });

  it('gives each new field a name that no existing field uses', async () => {
    const { out, res: r } = await signBytes(env, new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/minimal-two-fields.pdf'))));
    const names = PdfReader.open(new BytesSource(out)).formFields().map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(r.fieldName);
    await expect(signBytes(env, out, { fieldName: r.fieldName })).rejects.toMatchObject({ code: 'FIELD_EXISTS' });
  });
});
