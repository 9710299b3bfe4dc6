// PDFs signed end to end with keys on SoftHSM2 tokens through the PAdES engine (signPdf):
// RSA-2048, RSA-3072 and EC P-256, checked by poppler's pdfsig against an NSS DB trusting the
// test root; and a batch of real PDFs with one login where the token is pulled out midway.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner, padesFileSigner, signBatch, TokenService } from '../../src-main/services/pkcs11/index';
import type { SignatureScheme } from '../../src-shared/sign/signer';
import { makeNssDb, type NssDb, runPdfsig } from '../helpers/nss';
import { type Fixture, LABEL_A, LABEL_B, makeFixture, PIN_A, PIN_B, repoRoot, utf8 } from './helpers/fixture';
import { buildShim } from './helpers/shim';

const EMPTY_A4 = path.join(path.resolve(repoRoot, '../shared'), 'corpus/pdf/pyhanko/empty-a4.pdf');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'pkcs11');

let fx: Fixture;
let nss: NssDb;
let svc: TokenService;

beforeAll(async () => {
  fx = await makeFixture('pdf');
  nss = makeNssDb(path.join(fx.dir, 'nss'), fx.pki.root.pemPath);
  svc = new TokenService({ modules: [fx.hsm.module], builtinModules: false, idleLogoutMs: 0 });
});
afterAll(async () => { await svc?.close(); });

const cases: { name: string; label: string; pin: string; keyId: string; scheme: SignatureScheme; cn: string }[] = [
  { name: 'rsa2048', label: LABEL_A, pin: PIN_A, keyId: '01', scheme: { kind: 'rsa-pkcs1v15' }, cn: 'Nguyễn Văn An' },
  { name: 'rsa2048-pss', label: LABEL_A, pin: PIN_A, keyId: '01', scheme: { kind: 'rsa-pss' }, cn: 'Nguyễn Văn An' },
  { name: 'rsa3072', label: LABEL_B, pin: PIN_B, keyId: 'b1', scheme: { kind: 'rsa-pkcs1v15' }, cn: 'Sở Tài chính thành phố Hải Phòng' },
  { name: 'p256', label: LABEL_A, pin: PIN_A, keyId: '02', scheme: { kind: 'ecdsa' }, cn: 'Trần Thị Bích Ngọc' },
];

describe('PDF signed with a token key, checked by pdfsig', () => {
  for (const c of cases) {
    it(`${c.name}: pdfsig reports the signature valid and the certificate trusted`, async () => {
      const signer = await createTokenSigner({ service: svc, tokenLabel: c.label, keyId: c.keyId, pin: () => utf8(c.pin) });
      try {
        const input = new Uint8Array(readFileSync(EMPTY_A4));
        const signed = await padesFileSigner({ scheme: c.scheme, reason: 'Ký duyệt', fieldName: `Token_${c.name}` })(input, signer);
        mkdirSync(ARTIFACTS, { recursive: true });
        const file = path.join(ARTIFACTS, `signed-token-${c.name}.pdf`);
        writeFileSync(file, signed);
        const r = runPdfsig(file, { nss });
        expect(r.signatures).toHaveLength(1);
        const s = r.signatures[0];
        expect(s.signatureValid, s.signatureValidation).toBe(true);
        expect(s.certificateTrusted, s.certificateValidation).toBe(true);
        expect(s.commonName).toBe(c.cn);
        expect(s.totalDocumentSigned).toBe(true);
      } finally {
        await signer.close();
      }
    });
  }
});

describe('batch of PDFs with one login', () => {
  it('signs until the token is pulled out: signed PDFs valid in pdfsig, the rest untouched and reported', async () => {
    const shim = buildShim(fx.dir);
    const removed = path.join(fx.dir, 'removed-pdf');
    process.env.SHIM_TARGET = fx.hsm.module;
    process.env.SHIM_REMOVE_FILE = removed;
    const s2 = new TokenService({ modules: [shim], builtinModules: false, idleLogoutMs: 0 });
    const work = path.join(fx.dir, 'pdf-batch');
    mkdirSync(work, { recursive: true });
    const src = readFileSync(EMPTY_A4);
    const files = Array.from({ length: 5 }, (_, i) => {
      const input = path.join(work, `cong-van-${i}.pdf`);
      writeFileSync(input, src);
      return { input, output: path.join(work, `cong-van-${i}.signed.pdf`) };
    });
    let pinAsked = 0;
    try {
      const signer = await createTokenSigner({ service: s2, tokenLabel: LABEL_A, keyId: '01', pin: () => { pinAsked++; return utf8(PIN_A); } });
      const result = await signBatch(files, { signer, signFile: padesFileSigner({ reason: 'Ký hàng loạt' }) }, (p) => {
        if (p.status === 'signed' && p.index === 1) writeFileSync(removed, '');
      });
      expect(pinAsked).toBe(1);
      expect(result.signed.map((f) => path.basename(f.output))).toEqual(['cong-van-0.signed.pdf', 'cong-van-1.signed.pdf']);
      expect(result.unsigned).toHaveLength(3);
      expect(result.stopped?.code).toBe('TOKEN_REMOVED');
      const outputs = readdirSync(work).filter((f) => f.includes('.signed.') || f.includes('.part'));
      expect(outputs.sort()).toEqual(['cong-van-0.signed.pdf', 'cong-van-1.signed.pdf']);
      for (const f of result.signed) {
        const r = runPdfsig(f.output, { nss });
        expect(r.signatures[0].signatureValid).toBe(true);
      }
    } finally {
      rmSync(removed, { force: true });
      await s2.close();
    }
  });

  it('wrote logs without any PIN in them', () => {
    const log = readFileSync(fx.logFile, 'utf8');
    for (const pin of [PIN_A, PIN_B]) expect(log).not.toContain(pin);
  });
});
