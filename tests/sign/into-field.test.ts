// Signing into an existing empty signature field (IPC "Ký vào ô này", `vanthu sign --field`):
// the field's /V and widget appearance are filled in the update, no field is added, pdfsig and our
// verifier find the signature valid in that field; a missing or signed field is refused.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { documentSignatureFields } from '../../src-shared/pades/empty-field';
import { runPdfsig } from '../helpers/nss';
import { withEmptySignatureFields } from '../helpers/empty-sig-field';
import { corpusDir, repoRoot } from '../pdf/corpus';
import { artifactDir, makeSignEnv, signBytes, writeArtifact, type SignEnv } from './helpers';

let env: SignEnv;
beforeAll(async () => {
  env = await makeSignEnv();
});
afterAll(() => rmSync(env.dir, { recursive: true, force: true }));

const res = (p: string) => new Uint8Array(readFileSync(join(repoRoot, 'resources', p)));
const fields = (b: Uint8Array) => documentSignatureFields(PdfReader.open(new BytesSource(b)));

describe('signing into an existing empty field', () => {
  it('fills the field (visible and invisible), adds none, and refuses missing or signed fields', async () => {
    const base = new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/minimal-two-pages.pdf')));
    const prepared = withEmptySignatureFields(base, [
      { name: 'KyDuyet', pageIndex: 1, rect: [330, 250, 540, 380] },
      { name: 'An', pageIndex: 0 },
    ]);
    expect(fields(prepared)).toEqual([
      { name: 'KyDuyet', signed: false, pageIndex: 1, rect: [330, 250, 540, 380] },
      { name: 'An', signed: false, pageIndex: 0, rect: [0, 0, 0, 0] },
    ]);
    const visible = { pageIndex: 0, appearance: { kind: 'signer' as const, rect: [0, 0, 10, 10] as [number, number, number, number], signatureImage: res('appearance/sample-signature.png'), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Văn An', fonts: { regular: res('fonts/LiberationSerif-Regular.ttf'), bold: res('fonts/LiberationSerif-Bold.ttf') } } };
    const one = await signBytes(env, prepared, { intoField: 'KyDuyet', visible });
    expect(one.res.fieldName).toBe('KyDuyet');
    const after = fields(one.out);
    expect(after).toHaveLength(2);
    expect(after[0]).toEqual({ name: 'KyDuyet', signed: true, pageIndex: 1, rect: [330, 250, 540, 380] });
    const two = await signBytes(env, one.out, { intoField: 'An' });
    const art = artifactDir('into-field');
    const file = writeArtifact(art, 'two-fields.pdf', two.out);
    const r = runPdfsig(file, { nss: env.nss });
    expect(r.signatures.map((s) => s.fieldName)).toEqual(['KyDuyet', 'An']);
    for (const s of r.signatures) {
      expect(s.digestMismatch).toBe(false);
      expect(s.signatureValid, s.signatureValidation).toBe(true);
    }
    expect(fields(two.out).every((f) => f.signed)).toBe(true);
    await expect(signBytes(env, two.out, { intoField: 'KyDuyet' })).rejects.toMatchObject({ code: 'FIELD_ALREADY_SIGNED' });
    await expect(signBytes(env, prepared, { intoField: 'PhatHanh' })).rejects.toMatchObject({ code: 'FIELD_NOT_FOUND', message_en: expect.stringContaining('KyDuyet, An') });
  });
});
