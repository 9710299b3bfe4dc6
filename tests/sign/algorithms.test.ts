// The signature algorithms the rules in force allow, end to end through signPdf and pdfsig:
// RSA PKCS#1 v1.5 and RSASSA-PSS with SHA-256/384/512, ECDSA P-256 and P-384.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, signerFor, type TestPki } from '../helpers/pki';
import { makeNssDb, runPdfsig, type NssDb } from '../helpers/nss';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { signPdf } from '../../src-shared/pades/sign';
import { defaultPadesServices } from '../../src-shared/pades/default-services';
import type { HashAlgorithm, SignatureScheme } from '../../src-shared/sign/signer';
import { corpusDir } from '../pdf/corpus';
import { artifactDir, concat, writeArtifact } from './helpers';

let dir: string, pki: TestPki, nss: NssDb;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-alg-'));
  pki = await makeTestPki(join(dir, 'pki'), { signerTypes: ['rsa2048', 'p256', 'p384'] });
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: [string, 'rsa2048' | 'p256' | 'p384', SignatureScheme | undefined, HashAlgorithm, string][] = [
  ['RSA PKCS#1 v1.5, SHA-256', 'rsa2048', { kind: 'rsa-pkcs1v15' }, 'SHA-256', 'SHA-256'],
  ['RSASSA-PSS, SHA-256', 'rsa2048', { kind: 'rsa-pss' }, 'SHA-256', 'SHA-256'],
  ['RSASSA-PSS, SHA-512', 'rsa2048', { kind: 'rsa-pss' }, 'SHA-512', 'SHA-512'],
  ['ECDSA P-256, SHA-256', 'p256', undefined, 'SHA-256', 'SHA-256'],
  ['ECDSA P-384, SHA-384', 'p384', undefined, 'SHA-384', 'SHA-384'],
];

describe('signature algorithms accepted by pdfsig', () => {
  for (const [label, key, scheme, hash, shown] of cases) {
    it(`signs with ${label}`, async () => {
      const signer = await signerFor(pki.signers[key]);
      const input = new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/minimal-xref.pdf')));
      const res = await signPdf(new BytesSource(input), signer, { scheme, hash }, defaultPadesServices());
      const file = writeArtifact(artifactDir('algorithms'), `${key}-${scheme?.kind ?? 'ecdsa'}-${hash}.pdf`, concat(input, res.appended));
      const s = runPdfsig(file, { nss }).signatures[0];
      expect(s.signatureValid, s.signatureValidation).toBe(true);
      expect(s.certificateTrusted).toBe(true);
      expect(s.hashAlgorithm).toBe(shown);
      await signer.close();
    });
  }
});
