// Signature algorithm coverage of path validation with certificates made by real tools:
// ECDSA P-384 CAs (tests/helpers/pki.ts over WebCrypto), RSA-PSS and Ed25519 chains issued by
// the openssl CLI; a certificate whose signature does not verify is rejected. Chains WebCrypto
// cannot check (brainpool, SHA-3, Ed448, SHA-224) validate through the node:crypto provider,
// CRLs signed that way included, and without it are INDETERMINATE with the algorithm named.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTestPki } from '../helpers/pki';
import { validatePath } from '../../src-shared/pki';
import { nodeCryptoProvider } from '../../src-main/services/verify/crypto-provider';

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

  const viaProvider: Array<[string, string[], string[]]> = [
    ['ECDSA brainpoolP384r1 / SHA3-384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP384r1', '-pkeyopt', 'ec_param_enc:named_curve'], ['-sha3-384']],
    ['ECDSA brainpoolP256r1 / SHA-256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1', '-pkeyopt', 'ec_param_enc:named_curve'], ['-sha256']],
    ['RSA PKCS#1 v1.5 / SHA3-256', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha3-256']],
    ['RSA PKCS#1 v1.5 / SHA-224', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha224']],
    ['Ed448', ['-algorithm', 'ED448'], []],
  ];
  for (const [name, keyArgs, signOpts] of viaProvider) {
    it(`${name}: VALID through the node:crypto provider (CRL signed the same way), INVALID when tampered, INDETERMINATE naming the algorithm under WebCrypto alone`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-pki-prov-'));
      const { root, leaf } = opensslChain(dir, keyArgs, signOpts);
      // the root's CRL, signed with the same algorithm, for an offline revocation check
      writeFileSync(path.join(dir, 'index.txt'), '');
      writeFileSync(path.join(dir, 'crlnumber'), '01\n');
      writeFileSync(path.join(dir, 'ca.cnf'), ['[ ca ]', 'default_ca = d', '[ d ]', 'database = index.txt', 'crlnumber = crlnumber', `default_md = ${signOpts[0]?.slice(1) ?? 'default'}`, 'default_crl_days = 7', ''].join('\n'));
      ossl(['ca', '-gencrl', '-config', 'ca.cnf', '-keyfile', 'root.key', '-cert', 'root.pem', '-out', 'root.crl'], dir);
      const crl = new Uint8Array(ossl(['crl', '-in', 'root.crl', '-outform', 'DER'], dir));
      const time = new Date();
      const opts = { intermediates: [], anchors: [root], time, revocation: { mode: 'offline' as const, crls: [crl] }, crypto: nodeCryptoProvider };
      const ok = await validatePath(leaf, opts);
      expect(ok.reason?.message_en ?? '').toBe('');
      expect(ok.status).toBe('VALID');
      expect(ok.revocation?.find((r) => r.index === 0)).toMatchObject({ status: 'good', source: 'crl' });
      const bad = await validatePath(tamperSignature(leaf), opts);
      expect(bad.status).toBe('INVALID');
      expect(bad.reason?.code).toBe('PKI_SIGNATURE_INVALID');
      // WebCrypto alone: nothing proven either way, and the message says why
      const web = await validatePath(leaf, { ...opts, crypto: undefined });
      if (name === 'Ed448') {
        // Node's WebCrypto has Ed448 (experimental): the default provider checks it too
        expect(web.status).toBe('VALID');
      } else {
        expect(web.status).toBe('INDETERMINATE');
        expect(web.reason?.code).toBe('PKI_ALGORITHM_UNSUPPORTED');
        expect(web.reason?.message_en).toMatch(/cannot be checked/);
      }
    });
  }
});
