// Signature algorithms of PDF signatures made by other tools (`openssl cms -sign`, Bouncy Castle),
// verified end to end through the node:crypto provider with a trusted openssl root and its CRL:
// RSA PKCS#1 v1.5 with SHA-2/SHA-3, RSASSA-PSS with any hash, MGF1 hash and salt, ECDSA on NIST and
// brainpool curves, ECDSA with SHA-3, BSI plain ECDSA, DSA, Ed25519 and Ed448 (SHAKE256). Each passes,
// its copy with one covered byte flipped is HASH_FAILURE, its copy with the signature value
// altered is SIG_CRYPTO_FAILURE. Policy failures (short keys, SHA-1, MD5, SHA-224) keep integrity
// intact and name the rule; algorithms that cannot be verified are INDETERMINATE with their OID
// named and integrity 'unknown', never broken.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { verifyPdf } from '../../src-shared/verify/verify-pdf';
import type { SignatureReport } from '../../src-shared/verify/report';
import { CORPUS, SHARED, tmp } from './fixtures';
import {
  BcSigner, OpensslPki, alterSignatureValue, contentsOf, embedCms, flipCovered, flipInStream, patchSignatureAlgorithm, signerInfos,
  withContents, type Embedded, type Leaf,
} from './cms-fixtures';

let dir: string;
let pki: OpensslPki;
let bc: BcSigner;
let base: Uint8Array;
const L: Record<string, Leaf> = {};

beforeAll(() => {
  dir = tmp('cms-algorithms');
  pki = new OpensslPki(path.join(dir, 'pki'));
  for (const k of ['rsa2048', 'rsa1024', 'p256', 'p384', 'p521', 'p224', 'bp256', 'bp384', 'bp512', 'ed25519', 'ed448', 'dsa2048']) L[k] = pki.leaf(k, k);
  pki.writeCrl();
  bc = new BcSigner(dir);
  execFileSync('python3', [path.join(SHARED, 'tools/mkpdf.py'), path.join(dir, 'base.pdf'), '1', '0.01']);
  base = new Uint8Array(readFileSync(path.join(dir, 'base.pdf')));
}, 180_000);

let n = 0;
/** Verify `bytes` as a file with the openssl root trusted, offline, its CRL in the cache. */
async function verify(bytes: Uint8Array): Promise<SignatureReport> {
  const file = path.join(dir, `v-${n++}.pdf`);
  writeFileSync(file, bytes);
  const r = await verifyFile(file, { trust: [pki.root.pem], offline: true, cacheDir: pki.cacheDir, isolate: false });
  expect(r.signatures).toHaveLength(1);
  return r.signatures[0];
}

const codes = (s: SignatureReport) => s.findings.map((f) => f.code);
const ossl = (key: string, args: string[] = []) => (c: Uint8Array) => pki.cmsSign(c, L[key], args);
const viaBc = (key: string, alg: string, args: string[] = []) => (c: Uint8Array) => bc.sign(c, [[L[key], alg]], args);

/** The three checks every algorithm gets: passes, a flipped covered byte is HASH_FAILURE, an altered signature SIG_CRYPTO_FAILURE. */
async function threeWays(e: Embedded, alg: RegExp, digest?: string): Promise<void> {
  const ok = await verify(e.bytes);
  expect(ok).toMatchObject({ indication: 'TOTAL_PASSED', subIndication: null, integrity: 'intact' });
  expect(ok.signatureAlgorithm).toMatch(alg);
  if (digest) expect(ok.digestAlgorithm).toBe(digest);
  expect(ok.revocation.status).toBe('good');

  const tampered = await verify(flipCovered(e));
  expect(tampered).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', integrity: 'broken' });

  const forged = await verify(withContents(e, alterSignatureValue(contentsOf(e))));
  expect(forged).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', integrity: 'broken' });
  expect(codes(forged)).toContain('SIGNATURE_INVALID');
}

const CASES: Array<[string, (c: Uint8Array) => Uint8Array, RegExp, string?]> = [
  ['RSA PKCS#1 v1.5 / SHA-256 (openssl)', ossl('rsa2048'), /^sha256WithRSAEncryption$/, 'SHA-256'],
  ['RSA PKCS#1 v1.5 / SHA-512 (openssl)', ossl('rsa2048', ['-md', 'sha512']), /^sha512WithRSAEncryption$/, 'SHA-512'],
  ['RSA PKCS#1 v1.5 / SHA3-256 (openssl)', ossl('rsa2048', ['-md', 'sha3-256']), /^sha3-256WithRSAEncryption$/, 'SHA3-256'],
  ['RSA PKCS#1 v1.5 / SHA3-512 (openssl)', ossl('rsa2048', ['-md', 'sha3-512']), /^sha3-512WithRSAEncryption$/, 'SHA3-512'],
  ['RSASSA-PSS / SHA-256, salt 32 (openssl)', ossl('rsa2048', ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32']), /^RSASSA-PSS\/SHA-256$/],
  ['RSASSA-PSS / SHA-512, salt 0 (openssl)', ossl('rsa2048', ['-md', 'sha512', '-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:0']), /^RSASSA-PSS\/SHA-512 \(MGF1 SHA-512, salt 0\)$/],
  ['RSASSA-PSS / SHA3-256, MGF1 SHA-512, salt 40 (Bouncy Castle)', viaBc('rsa2048', '-', ['--pss', 'SHA3-256', 'SHA-512', '40']), /^RSASSA-PSS\/SHA3-256 \(MGF1 SHA-512, salt 40\)$/, 'SHA3-256'],
  ['RSASSA-PSS / SHA3-384, MGF1 SHA3-384, salt 48 (Bouncy Castle)', viaBc('rsa2048', '-', ['--pss', 'SHA3-384', 'SHA3-384', '48']), /^RSASSA-PSS\/SHA3-384$/, 'SHA3-384'],
  ['ECDSA P-256 / SHA-256 (openssl)', ossl('p256'), /^ecdsa-with-SHA256$/],
  ['ECDSA P-384 / SHA-384 (openssl)', ossl('p384', ['-md', 'sha384']), /^ecdsa-with-SHA384$/],
  ['ECDSA P-521 / SHA-512 (openssl)', ossl('p521', ['-md', 'sha512']), /^ecdsa-with-SHA512$/],
  ['ECDSA brainpoolP256r1 / SHA-256 (openssl)', ossl('bp256'), /^ecdsa-with-SHA256$/],
  ['ECDSA brainpoolP384r1 / SHA-384 (openssl)', ossl('bp384', ['-md', 'sha384']), /^ecdsa-with-SHA384$/],
  ['ECDSA brainpoolP512r1 / SHA-512 (openssl)', ossl('bp512', ['-md', 'sha512']), /^ecdsa-with-SHA512$/],
  ['ECDSA P-256 / SHA3-256 (Bouncy Castle)', viaBc('p256', 'SHA3-256withECDSA'), /^ecdsa-with-SHA3-256$/, 'SHA3-256'],
  ['ECDSA brainpoolP512r1 / SHA3-512 (Bouncy Castle)', viaBc('bp512', 'SHA3-512withECDSA'), /^ecdsa-with-SHA3-512$/, 'SHA3-512'],
  ['BSI plain ECDSA P-256 / SHA-256 (Bouncy Castle)', viaBc('p256', 'SHA256withPLAIN-ECDSA'), /^ecdsa-plain-SHA256$/],
  ['BSI plain ECDSA brainpoolP384r1 / SHA-384 (Bouncy Castle)', viaBc('bp384', 'SHA384withPLAIN-ECDSA'), /^ecdsa-plain-SHA384$/],
  ['BSI plain ECDSA P-256 / SHA3-256 (Bouncy Castle)', viaBc('p256', 'SHA3-256withPLAIN-ECDSA'), /^ecdsa-plain-SHA3-256$/],
  ['DSA 2048 / SHA-256 (openssl)', ossl('dsa2048'), /^dsa-with-sha256$/, 'SHA-256'],
  ['Ed25519 (Bouncy Castle)', viaBc('ed25519', 'Ed25519'), /^Ed25519$/, 'SHA-512'],
  ['Ed448, SHAKE256 message digest (Bouncy Castle)', viaBc('ed448', 'Ed448'), /^Ed448$/, 'SHAKE256'],
];

describe('signature algorithms through the node:crypto provider', () => {
  for (const [name, sign, alg, digest] of CASES) {
    it(`${name}: passes, HASH_FAILURE when a covered byte changes, SIG_CRYPTO_FAILURE when the signature value changes`, async () => {
      await threeWays(await embedCms(base, sign), alg, digest);
    });
  }

  it('writes the BSI plain ECDSA signature as r‖s (no DER SEQUENCE) under OID 0.4.0.127.0.7.1.1.4.1.3', async () => {
    const e = await embedCms(base, viaBc('p256', 'SHA256withPLAIN-ECDSA'));
    const cms = contentsOf(e);
    const si = signerInfos(cms)[0];
    const sig = si.kids.find((k) => k.cls === 0 && k.tag === 4)!;
    expect(sig.len).toBe(64);
    expect(patchSignatureAlgorithm(cms, 0x03).oid).toBe('0.4.0.127.0.7.1.1.4.1.3');
  });

  it("verifies pyHanko's Ed448 signature with a SHAKE256 (no length) message digest, and breaks when a covered byte changes", async () => {
    const file = path.join(CORPUS, 'pyhanko/ed448-shake256-nolen.pdf');
    const r = await verifyFile(file, { cacheDir: null, isolate: false, offline: true });
    const s = r.signatures[0];
    expect(s).toMatchObject({ integrity: 'intact', digestAlgorithm: 'SHAKE256', signatureAlgorithm: 'Ed448', indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    const changed = path.join(dir, 'ed448-pyhanko-changed.pdf');
    writeFileSync(changed, flipInStream(new Uint8Array(readFileSync(file)), s.byteRange![1]));
    const t = (await verifyFile(changed, { cacheDir: null, isolate: false, offline: true })).signatures[0];
    expect(t).toMatchObject({ integrity: 'broken', subIndication: 'HASH_FAILURE' });
  });
});

describe('algorithm policy: integrity intact, the rule named', () => {
  const POLICY: Array<[string, (c: Uint8Array) => Uint8Array, 'INDETERMINATE' | 'TOTAL_FAILED', string, RegExp]> = [
    ['an RSA key of 1024 bits', ossl('rsa1024'), 'INDETERMINATE', 'RSA_KEY_TOO_SHORT', /1024 bits.*2048/],
    ['an EC key on P-224', ossl('p224'), 'INDETERMINATE', 'EC_KEY_TOO_SHORT', /224 bits \(P-224\).*256/],
    ['SHA-1', ossl('rsa2048', ['-md', 'sha1']), 'TOTAL_FAILED', 'DIGEST_NOT_ACCEPTED', /SHA-1.*SHA-256 or stronger/],
    ['MD5', ossl('rsa2048', ['-md', 'md5']), 'TOTAL_FAILED', 'DIGEST_NOT_ACCEPTED', /MD5.*SHA-256 or stronger/],
    ['SHA-224', ossl('rsa2048', ['-md', 'sha224']), 'INDETERMINATE', 'DIGEST_NOT_ACCEPTED', /SHA-224.*SHA-256 or stronger/],
  ];
  for (const [what, sign, indication, code, text] of POLICY) {
    it(`${what}: ${indication} / CRYPTO_CONSTRAINTS_FAILURE with ${code}, integrity intact; a changed byte is still HASH_FAILURE`, async () => {
      const e = await embedCms(base, sign);
      const s = await verify(e.bytes);
      expect(s).toMatchObject({ indication, subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', integrity: 'intact' });
      const f = s.findings.find((x) => x.code === code);
      expect(f?.message_en).toMatch(text);
      expect((await verify(flipCovered(e))).subIndication).toBe('HASH_FAILURE');
    });
  }
});

describe('EdDSA message digests (RFC 8419)', () => {
  it('Ed25519 with a SHA-256 message digest: INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE, integrity intact', async () => {
    const e = await embedCms(base, viaBc('ed25519', 'Ed25519', ['--digest', '2.16.840.1.101.3.4.2.1']));
    const s = await verify(e.bytes);
    expect(s).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', integrity: 'intact', digestAlgorithm: 'SHA-256' });
    expect(s.findings.find((f) => f.code === 'EDDSA_DIGEST_NOT_ALLOWED')?.message_en).toMatch(/Ed25519.*SHA-512.*SHA-256/);
  });

  it("pyHanko's Ed448 signature with a SHA-512 message digest is flagged, integrity intact", async () => {
    const r = await verifyFile(path.join(CORPUS, 'pyhanko/ed448-disallowed-hash.pdf'), { cacheDir: null, isolate: false, offline: true });
    const s = r.signatures[0];
    expect(s).toMatchObject({ integrity: 'intact', indication: 'INDETERMINATE', signatureAlgorithm: 'Ed448', digestAlgorithm: 'SHA-512' });
    expect(s.findings.find((f) => f.code === 'EDDSA_DIGEST_NOT_ALLOWED')?.message_en).toMatch(/Ed448.*SHAKE256.*SHA-512/);
  });
});

describe('algorithms that cannot be verified', () => {
  it('an unknown signature algorithm OID (patched into the DER) is INDETERMINATE, names the OID, integrity unknown', async () => {
    for (const [key, last, oid] of [['p256', 0x7f, '1.2.840.10045.4.3.127'], ['rsa2048', 0x7e, '1.2.840.113549.1.1.126']] as const) {
      const e = await embedCms(base, ossl(key));
      const patched = patchSignatureAlgorithm(contentsOf(e), last);
      expect(patched.oid).toBe(oid);
      const s = await verify(withContents(e, patched.cms));
      expect(s).toMatchObject({ indication: 'INDETERMINATE', integrity: 'unknown' });
      expect(s.subIndication).not.toBe('SIG_CRYPTO_FAILURE');
      const f = s.findings.find((x) => x.code === 'ALGORITHM_UNSUPPORTED');
      expect(f?.message_en).toContain(oid);
      expect(f?.message_vi).toContain(oid);
      // a changed document is still found out: the message digest does not depend on the signature algorithm
      const both = await verify(withContents({ ...e, bytes: flipCovered(e) }, patched.cms));
      expect(both).toMatchObject({ subIndication: 'HASH_FAILURE', integrity: 'broken' });
    }
  });

  it('without the node:crypto provider (WebCrypto only) brainpool and Ed448/SHAKE256 are INDETERMINATE with integrity unknown, not broken', async () => {
    for (const [key, sign, what] of [['bp256', ossl('bp256'), '1.3.36.3.3.2.8.1.1.7'], ['ed448', viaBc('ed448', 'Ed448'), 'SHAKE256']] as const) {
      const e = await embedCms(base, sign);
      const r = await verifyPdf(new BytesSource(e.bytes), `${key}.pdf`, { validateChain: null });
      const s = r.signatures[0];
      expect(s).toMatchObject({ indication: 'INDETERMINATE', integrity: 'unknown' });
      expect(s.findings.find((f) => f.code === 'ALGORITHM_UNSUPPORTED')?.message_en).toContain(what);
      // the same file through verifyFile (node:crypto) is intact
      expect((await verify(e.bytes)).integrity).toBe('intact');
    }
  });
});
