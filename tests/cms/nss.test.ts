// NSS + pdfsig helpers against the test PKI: poppler signs with a test key imported from our
// PKCS#12 and then reports that signature valid and its certificate trusted through the root.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { addCertificate, importPkcs12, listNicknames, makeNssDb, parsePdfsig, pdfsigAddSignature, runPdfsig } from '../helpers/nss';
import { startRevocationServer } from '../helpers/ocsp';
import { execFile } from 'node:child_process';

const shared = resolve(__dirname, '../../../shared');
let pki: TestPki;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vanthu-nss-'));
  pki = await makeTestPki(join(work, 'pki'), { signerTypes: ['rsa2048', 'p256'] });
});

describe('NSS database and pdfsig helpers', () => {
  it('reports a poppler signature made with a test PKCS#12 key as valid and trusted via the test root', () => {
    const db = makeNssDb(join(work, 'nss'), pki.root.pemPath);
    addCertificate(db, { name: 'Vanthu Test Issuing CA', pemPath: pki.intermediate.pemPath, trust: ',,' });
    // poppler 22.12's -add-signature fails on EC keys ("unable update signature"), so RSA here.
    importPkcs12(db, pki.signers.rsa2048.p12Path!, pki.password);
    expect(listNicknames(db)).toContain('signer-rsa2048');
    const input = join(work, 'in.pdf');
    copyFileSync(join(shared, 'corpus/pdf/pyhanko/minimal.pdf'), input);
    const out = join(work, 'signed.pdf');
    pdfsigAddSignature(db, 'signer-rsa2048', input, out, { fieldName: 'KyDuyet' });
    const r = runPdfsig(out, { nss: db });
    expect(r.signatures).toHaveLength(1);
    const s = r.signatures[0];
    expect(s.fieldName).toBe('KyDuyet');
    expect(s.commonName).toBe('Nguyễn Văn An');
    expect(s.signatureType).toBe('adbe.pkcs7.detached');
    expect(s.signatureValid).toBe(true);
    expect(s.certificateTrusted).toBe(true);
    expect(s.totalDocumentSigned).toBe(true);
    expect(s.ranges).toHaveLength(2);
  });

  it('says the issuer is not trusted when the DB lacks the test root', () => {
    const db = makeNssDb(join(work, 'nss-empty'));
    const signed = join(work, 'signed.pdf');
    const r = runPdfsig(signed, { nss: db });
    expect(r.signatures[0].signatureValid).toBe(true);
    expect(r.signatures[0].certificateTrusted).toBe(false);
  });

  it("accepts the test OCSP responder's answers in pdfsig's own online check: good is trusted, revoked is revoked", async () => {
    const rev = await startRevocationServer();
    try {
      const online = await makeTestPki(join(work, 'online'), { ...rev.pkiOptions, signerTypes: ['rsa2048'], caKeyType: 'p256' });
      rev.attach(online);
      const bad = await online.issue({ name: 'revoked-signer', keyType: 'rsa2048', issuer: online.intermediate, subject: [['C', 'VN'], ['O', 'UBND xã Thử'], ['CN', 'Đỗ Văn Thu Hồi']] });
      rev.revoke(bad.serialHex, { reason: 1 });
      const db = makeNssDb(join(work, 'nss-online'), online.root.pemPath);
      importPkcs12(db, online.signers.rsa2048.p12Path!, online.password);
      importPkcs12(db, bad.p12Path!, online.password);
      const input = join(shared, 'corpus/pdf/pyhanko/minimal.pdf');
      const good = join(work, 'online-good.pdf');
      const revoked = join(work, 'online-revoked.pdf');
      pdfsigAddSignature(db, 'signer-rsa2048', input, good);
      pdfsigAddSignature(db, 'revoked-signer', input, revoked);
      const verifyDb = makeNssDb(join(work, 'nss-online-verify'), online.root.pemPath);
      // pdfsig calls our responder in this process, so run it asynchronously.
      const run = (f: string) => new Promise<string>((resolve) => execFile('pdfsig', ['-nssdir', verifyDb.nssdir, f], { encoding: 'utf8' }, (_e, out) => resolve(out)));
      const before = rev.hits.ocsp;
      const g = parsePdfsig(await run(good))[0];
      expect(g.signatureValid).toBe(true);
      expect(g.certificateValidation).toBe('Certificate is Trusted.');
      const r = parsePdfsig(await run(revoked))[0];
      expect(r.signatureValid).toBe(true);
      expect(r.certificateValidation).toBe('Certificate has been Revoked.');
      expect(rev.hits.ocsp).toBeGreaterThan(before);
    } finally {
      await rev.close();
    }
  });

  it('parses several signatures, partial coverage and digest mismatch lines', () => {
    const text = [
      'Digital Signature Info of: x.pdf', 'Signature #1:', '  - Signature Field Name: A', '  - Signed Ranges: [0 - 10], [20 - 30]',
      '  - Not total document signed', '  - Signature Validation: Digest Mismatch.', '  - Certificate Validation: Certificate has Expired',
      'Signature #2:', '  - Signature Field Name: B', '  - Signed Ranges: [0 - 40], [50 - 60]', '  - Total document signed',
      '  - Signature Validation: Signature is Valid.', '  - Certificate Validation: Certificate is Trusted.',
    ].join('\n');
    const sigs = parsePdfsig(text);
    expect(sigs.map((s) => [s.fieldName, s.totalDocumentSigned, s.digestMismatch, s.signatureValid, s.certificateTrusted]))
      .toEqual([['A', false, true, false, false], ['B', true, false, true, true]]);
    expect(sigs[0].ranges).toEqual([[0, 10], [20, 30]]);
  });

  it('reports an unsigned file as unsigned', () => {
    const r = runPdfsig(join(shared, 'corpus/pdf/pyhanko/minimal.pdf'));
    expect(r.unsigned).toBe(true);
    expect(r.signatures).toHaveLength(0);
  });
});
