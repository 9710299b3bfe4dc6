// Signature algorithm coverage of path validation with certificates made by real tools:
// ECDSA P-384 CAs (tests/helpers/pki.ts over WebCrypto), RSA-PSS and Ed25519 chains issued by
// the openssl CLI; a certificate whose signature does not verify is rejected.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTestPki } from '../helpers/pki';
import { validatePath } from '../../src-shared/pki';

const ossl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
const der = (cwd: string, pem: string) => new Uint8Array(ossl(['x509', '-in', pem, '-outform', 'DER'], cwd));

/** root (self-signed) → leaf with the given key algorithm and signing options, via openssl. */
function opensslChain(dir: string, keyArgs: string[], signOpts: string[]): { root: Uint8Array; leaf: Uint8Array } {
  writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  writeFileSync(path.join(dir, 'leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nauthorityKeyIdentifier=keyid\n');
  ossl(['genpkey', ...keyArgs, '-out', 'root.key'], dir);
  ossl(['req', '-new', '-key', 'root.key', '-subj', '/C=VN/O=Thử nghiệm/CN=Root', '-utf8', '-out', 'root.csr'], dir);
  ossl(['x509', '-req', '-in', 'root.csr', '-signkey', 'root.key', '-days', '30', '-extfile', 'ca.ext', ...signOpts, '-out', 'root.pem'], dir);
  ossl(['genpkey', ...keyArgs, '-out', 'leaf.key'], dir);
  ossl(['req', '-new', '-key', 'leaf.key', '-subj', '/C=VN/CN=Nguyễn Văn Ký', '-utf8', '-out', 'leaf.csr'], dir);
  ossl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '10', '-extfile', 'leaf.ext', ...signOpts, '-out', 'leaf.pem'], dir);
  return { root: der(dir, 'root.pem'), leaf: der(dir, 'leaf.pem') };
}

function tamperSignature(d: Uint8Array): Uint8Array {
  const out = d.slice();
  out[out.length - 5] ^= 0x01;
  return out;
}

describe('signature algorithms in certification paths', () => {
  it('validates an ECDSA P-384 CA chain and rejects a tampered signature', async () => {
    const pki = await makeTestPki(mkdtempSync(path.join(tmpdir(), 'vanthu-pki-alg-')), { caKeyType: 'p384', signerTypes: ['rsa2048', 'p256'] });
    const opts = { intermediates: [pki.intermediate.der], anchors: [pki.root.der], time: new Date() };
    expect((await validatePath(pki.signers.p256.der, opts)).status).toBe('VALID');
    const bad = await validatePath(tamperSignature(pki.signers.p256.der), opts);
    expect(bad.status).toBe('INVALID');
    expect(bad.reason?.code).toBe('PKI_SIGNATURE_INVALID');
  });

  it('validates RSA-PSS (SHA-256, salt 32) signed certificates from openssl', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-pki-pss-'));
    const { root, leaf } = opensslChain(dir, ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']);
    const opts = { intermediates: [], anchors: [root], time: new Date() };
    expect((await validatePath(leaf, opts)).status).toBe('VALID');
    expect((await validatePath(tamperSignature(leaf), opts)).reason?.code).toBe('PKI_SIGNATURE_INVALID');
  });

  it('validates Ed25519 certificates from openssl', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-pki-ed-'));
    const { root, leaf } = opensslChain(dir, ['-algorithm', 'ED25519'], []);
    const opts = { intermediates: [], anchors: [root], time: new Date() };
    expect((await validatePath(leaf, opts)).status).toBe('VALID');
    expect((await validatePath(tamperSignature(leaf), opts)).status).toBe('INVALID');
  });
});
