// What extendPdf reads from other signers' CMS to gather validation data: the signer's chain,
// signer first, whatever order the CMS lists certificates in (iText lists the root first), and
// from BER with indefinite lengths (Bouncy Castle's and NSS's streaming encoders, zero padded).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatesOfCms } from '../../src-shared/pades/cms-certs';
import { makeTestPki, type TestPki } from '../helpers/pki';

let dir: string;
let pki: TestPki;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-cmscerts-'));
  pki = await makeTestPki(dir, { signerTypes: ['rsa2048'] });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cms(extra: string[], chainOrder: 'root-first' | 'issuer-first'): Uint8Array {
  const data = path.join(dir, 'data.bin');
  fs.writeFileSync(data, 'nội dung đã ký');
  const chain = path.join(dir, `chain-${chainOrder}.pem`);
  const pems = [pki.intermediate.pemPath, pki.root.pemPath].map((p) => fs.readFileSync(p, 'utf8'));
  fs.writeFileSync(chain, (chainOrder === 'root-first' ? pems.reverse() : pems).join(''));
  const out = path.join(dir, `sig-${chainOrder}-${extra.join('')}.der`);
  execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', data, '-out', out, '-signer', pki.signers.rsa2048.pemPath,
    '-inkey', pki.signers.rsa2048.keyPemPath, '-certfile', chain, ...extra]);
  const der = new Uint8Array(fs.readFileSync(out));
  const padded = new Uint8Array(der.length + 4096); // as /Contents holds it
  padded.set(der);
  return padded;
}

const subjectOf = (der: Uint8Array) => execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', 'utf8'], { input: der }).toString();

describe('certificatesOfCms (what extendPdf gathers validation data for)', () => {
  it('puts the signer first and then its issuers, when the CMS lists the root first', () => {
    const { chains } = certificatesOfCms(cms([], 'root-first'));
    expect(chains[0].map(subjectOf).map((s) => /CN=([^,\n]+)/.exec(s)![1].trim())).toEqual(['Nguyễn Văn An', 'Vanthu Test Issuing CA – CA cấp 2', 'Vanthu Test Root CA – Gốc thử nghiệm']);
  });

  it('reads a BER SignedData with indefinite lengths (openssl -stream) in a zero-padded /Contents', () => {
    const padded = cms(['-stream'], 'issuer-first');
    expect(padded[1]).toBe(0x80); // indefinite length
    const { chains } = certificatesOfCms(padded);
    expect(chains[0]).toHaveLength(3);
    expect(subjectOf(chains[0][0])).toContain('Nguyễn Văn An');
  });
});
