// The shared test PKI: chains verify with openssl, subjects keep their Vietnamese UTF-8 names,
// the TSA certificate has a critical timeStamping EKU, and the PKCS#12 files open with openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../helpers/pki';

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki(mkdtempSync(join(tmpdir(), 'vanthu-pki-')), { ocspUrl: 'http://127.0.0.1:9/ocsp', crlBaseUrl: 'http://127.0.0.1:9/crl' });
});

function openssl(args: string[], env?: Record<string, string>): string {
  return execFileSync('openssl', args, { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('test PKI', () => {
  it('issues end-entity certificates that openssl verifies against the root through the intermediate', () => {
    for (const e of [...Object.values(pki.signers), pki.tsa, pki.ocsp]) {
      const out = openssl(['verify', '-CAfile', pki.root.pemPath, '-untrusted', pki.intermediate.pemPath, e!.pemPath]);
      expect(out.trim()).toBe(`${e!.pemPath}: OK`);
    }
  });

  it('keeps Vietnamese UTF-8 names and the CCCD identifier in the subject', () => {
    const out = openssl(['x509', '-in', pki.signers.rsa2048.pemPath, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,space_eq']);
    expect(out).toContain('CN = Nguyễn Văn An');
    expect(out).toContain('O = UBND tỉnh Hải Dương');
    expect(out).toContain('UID = CCCD:001085012345');
  });

  it('gives signers digitalSignature+nonRepudiation and loopback revocation pointers', () => {
    const out = openssl(['x509', '-in', pki.signers.p256.pemPath, '-noout', '-text']);
    expect(out).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(out).toContain('OCSP - URI:http://127.0.0.1:9/ocsp');
    expect(out).toContain('URI:http://127.0.0.1:9/crl/intermediate.crl');
    expect(out).toContain('ASN1 OID: prime256v1');
  });

  it('marks the TSA certificate with a critical timeStamping extended key usage', () => {
    const out = openssl(['x509', '-in', pki.tsa.pemPath, '-noout', '-text']);
    expect(out).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
    const ocsp = openssl(['x509', '-in', pki.ocsp.pemPath, '-noout', '-text']);
    expect(ocsp).toMatch(/Extended Key Usage:\s+OCSP Signing/);
    expect(ocsp).toContain('OCSP No Check');
  });

  it('writes PKCS#12 files that open with the password and hold key, certificate and chain', () => {
    const out = openssl(['pkcs12', '-in', pki.signers.rsa3072.p12Path!, '-passin', 'env:P', '-nodes', '-info'], { P: pki.password });
    expect(out.match(/BEGIN CERTIFICATE/g)?.length).toBe(3);
    expect(out).toContain('BEGIN PRIVATE KEY');
    expect(() => execFileSync('openssl', ['pkcs12', '-in', pki.signers.rsa3072.p12Path!, '-passin', 'pass:wrong', '-nokeys'], { stdio: 'pipe' })).toThrow();
  });
});
