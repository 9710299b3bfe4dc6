// CMS encodings and structures other tools write, embedded as /Contents over a real ByteRange and
// verified end to end (node:crypto provider, trusted openssl root, its CRL in the cache): BER with
// indefinite lengths and chunked content (`openssl cms -sign -stream`, Bouncy Castle streaming),
// certificates whose serial number is not DER (a redundant leading zero, checked over the original
// TBS bytes) or negative, several SignerInfos, adbe.pkcs7.sha1, adbe.pkcs7.detached without signed
// attributes (RSA, ECDSA, EdDSA, PSS), signers identified by SubjectKeyIdentifier; and the CMS of
// each signature parsed once per document.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { CmsCache } from '../../src-shared/verify/verify-pdf';
import { digestAlgorithmHint } from '../../src-shared/verify/digest-hint';
import type { SignatureReport } from '../../src-shared/verify/report';
import { SHARED, tmp } from './fixtures';
import {
  BcSigner, OpensslPki, alterSignatureValue, berTree, contentsOf, embedCms, flipCovered, hasIndefiniteLength, indexOfBytes,
  replaceElement, signerInfos, withContents, withPaddedSerial, type Embedded, type Leaf,
} from './cms-fixtures';

let dir: string;
let pki: OpensslPki;
let bc: BcSigner;
let base: Uint8Array;
const L: Record<string, Leaf> = {};

beforeAll(() => {
  dir = tmp('cms-formats');
  pki = new OpensslPki(path.join(dir, 'pki'));
  for (const k of ['rsa2048', 'p256', 'ed25519', 'ed448']) L[k] = pki.leaf(k, k);
  L.second = pki.leaf('second', 'rsa2048', { cn: 'Người ký thứ hai' });
  L.negative = pki.leaf('negative', 'p256', { serial: '-4660', cn: 'Số sê-ri âm' });
  L.padded = pki.leaf('padded', 'rsa2048', { cn: 'Số sê-ri có số 0 thừa' });
  pki.writeCrl();
  bc = new BcSigner(dir);
  execFileSync('python3', [path.join(SHARED, 'tools/mkpdf.py'), path.join(dir, 'base.pdf'), '1', '0.01']);
  base = new Uint8Array(readFileSync(path.join(dir, 'base.pdf')));
}, 180_000);

let n = 0;
async function verify(bytes: Uint8Array): Promise<SignatureReport> {
  const file = path.join(dir, `v-${n++}.pdf`);
  writeFileSync(file, bytes);
  const r = await verifyFile(file, { trust: [pki.root.pem], offline: true, cacheDir: pki.cacheDir, isolate: false });
  expect(r.signatures).toHaveLength(1);
  return r.signatures[0];
}

const codes = (s: SignatureReport) => s.findings.map((f) => f.code);
const passed = { indication: 'TOTAL_PASSED', subIndication: null, integrity: 'intact' };
const hashFailure = { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', integrity: 'broken' };
const sigFailure = { indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', integrity: 'broken' };

async function passesAndBreaks(e: Embedded): Promise<SignatureReport> {
  const s = await verify(e.bytes);
  expect(s).toMatchObject(passed);
  expect(s.revocation.status).toBe('good');
  expect(await verify(flipCovered(e))).toMatchObject(hashFailure);
  return s;
}

describe('BER SignedData', () => {
  it('openssl cms -sign -stream (indefinite lengths, content copied in chunks) passes and breaks on a changed byte', async () => {
    const e = await embedCms(base, (c) => pki.cmsSign(c, L.rsa2048, ['-stream']));
    const cms = contentsOf(e);
    expect(hasIndefiniteLength(cms)).toBe(true);
    expect(cms[1]).toBe(0x80);
    await passesAndBreaks(e);
  });

  it('Bouncy Castle streaming, detached (CMSSignedDataStreamGenerator) passes and breaks on a changed byte', async () => {
    const e = await embedCms(base, (c) => bc.sign(c, [[L.p256, 'SHA384withECDSA']], ['--stream']));
    expect(hasIndefiniteLength(contentsOf(e))).toBe(true);
    // the early digest guess (hashing starts before the CMS is parsed) reads BER too
    expect(digestAlgorithmHint(contentsOf(e))).toBe('SHA-384');
    const s = await passesAndBreaks(e);
    expect(s.signatureAlgorithm).toBe('ecdsa-with-SHA384');
    expect(await verify(withContents(e, alterSignatureValue(contentsOf(e))))).toMatchObject(sigFailure);
  });

  it('Bouncy Castle streaming with the content encapsulated in 512-byte chunks passes', async () => {
    const e = await embedCms(base, (c) => bc.sign(c, [[L.rsa2048, 'SHA256withRSA']], ['--stream', '--encapsulate']));
    const cms = contentsOf(e);
    // eContent is a constructed OCTET STRING of several chunks
    const encap = berTree(cms).kids[1].kids[0].kids[2];
    const octets = encap.kids[1].kids[0];
    expect(octets.cons).toBe(true);
    expect(octets.kids.length).toBeGreaterThan(2);
    const s = await passesAndBreaks(e);
    expect(codes(s)).toContain('CMS_ECONTENT_PRESENT');
  });
});

describe('adbe.pkcs7.sha1', () => {
  const sha1 = (c: Uint8Array) => new Uint8Array(createHash('sha1').update(c).digest());
  for (const [how, args] of [['DER', ['-nodetach']], ['BER, chunked eContent (-stream)', ['-nodetach', '-stream']]] as const) {
    it(`${how}: the SHA-1 of the ranges as signed content is checked (intact), then refused by the SHA-1 rule; a changed byte is HASH_FAILURE`, async () => {
      const e = await embedCms(base, (c) => pki.cmsSign(sha1(c), L.rsa2048, [...args]), { subFilter: 'adbe.pkcs7.sha1' });
      const s = await verify(e.bytes);
      expect(s).toMatchObject({ subFilter: 'adbe.pkcs7.sha1', indication: 'TOTAL_FAILED', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', integrity: 'intact' });
      expect(s.findings.find((f) => f.code === 'DIGEST_NOT_ACCEPTED')?.message_en).toMatch(/SHA-1 \(adbe\.pkcs7\.sha1\)/);
      expect(await verify(flipCovered(e))).toMatchObject(hashFailure);
      expect(await verify(withContents(e, alterSignatureValue(contentsOf(e))))).toMatchObject(sigFailure);
    });
  }
});

describe('certificates with non-DER INTEGER encodings', () => {
  it('a serial number with a redundant leading zero: the signer is found and the certificate signature holds over its own TBS bytes', async () => {
    const paddedDer = withPaddedSerial(pki, L.padded.der);
    expect(paddedDer.length).toBe(L.padded.der.length + 1);
    const e = await embedCms(base, (c) => {
      const cms = pki.cmsSign(c, L.padded);
      const at = indexOfBytes(cms, L.padded.der);
      expect(at).toBeGreaterThan(0);
      return replaceElement(cms, at, L.padded.der.length, paddedDer);
    });
    const cms = contentsOf(e);
    expect(indexOfBytes(cms, paddedDer)).toBeGreaterThan(0);
    const s = await passesAndBreaks(e);
    expect(s.certificateChain).toHaveLength(2);
    // the same certificate with one byte of its TBS changed no longer chains (its signature is checked)
    const bad = paddedDer.slice();
    const cn = indexOfBytes(bad, new TextEncoder().encode('thừa'));
    bad[cn] ^= 0x01;
    const forged = withContents(e, replaceElement(cms, indexOfBytes(cms, paddedDer), paddedDer.length, bad));
    const f = await verify(forged);
    expect(f.integrity).toBe('intact');
    expect(f.indication).toBe('INDETERMINATE');
    expect(['NO_CERTIFICATE_CHAIN_FOUND', 'CERTIFICATE_CHAIN_GENERAL_FAILURE']).toContain(f.subIndication);
  });

  it('a negative serial number passes', async () => {
    const serial = berTree(L.negative.der).kids[0].kids[1];
    expect(L.negative.der[serial.off + serial.hl] & 0x80).toBe(0x80);
    const s = await passesAndBreaks(await embedCms(base, (c) => pki.cmsSign(c, L.negative)));
    expect(s.signer?.commonName).toBe('Số sê-ri âm');
  });
});

describe('several SignerInfos', () => {
  it('both verify: the signature passes and the other signer is reported', async () => {
    const e = await embedCms(base, (c) => pki.cmsSign(c, [L.rsa2048, L.second]));
    expect(signerInfos(contentsOf(e))).toHaveLength(2);
    const s = await passesAndBreaks(e);
    const other = s.findings.find((f) => f.code === 'CMS_OTHER_SIGNER');
    expect(other?.message_en).toMatch(/verifies/);
  });

  it("one SignerInfo's certificate is not in the CMS: the other, which verifies, is the signer; the missing one is reported", async () => {
    const e = await embedCms(base, (c) => pki.cmsSign(c, [L.rsa2048, L.second], ['-nocerts', '-certfile', L.second.pem]));
    const s = await passesAndBreaks(e);
    expect(s.signer?.commonName).toBe('Người ký thứ hai');
    const other = s.findings.find((f) => f.code === 'CMS_OTHER_SIGNER');
    expect(other).toMatchObject({ severity: 'warning' });
    expect(other?.message_en).toMatch(/certificate not in the CMS/);
    // altering each SignerInfo in turn: the one without its certificate does not matter, the
    // other leaves nothing that verifies
    const results = [];
    for (const i of [0, 1]) results.push(await verify(withContents(e, alterSignatureValue(contentsOf(e), i))));
    expect(results.map((r) => r.integrity).sort()).toEqual(['broken', 'intact']);
    expect(results.find((r) => r.integrity === 'broken')).toMatchObject(sigFailure);
  });

  it('one of two SignerInfos has an altered signature: the other verifies, the altered one is reported as not verifying', async () => {
    const e = await embedCms(base, (c) => pki.cmsSign(c, [L.rsa2048, L.second]));
    for (const i of [0, 1]) {
      const s = await verify(withContents(e, alterSignatureValue(contentsOf(e), i)));
      expect(s).toMatchObject(passed);
      expect(s.findings.find((f) => f.code === 'CMS_OTHER_SIGNER')?.message_en).toMatch(/does not verify/);
    }
  });

  it('Bouncy Castle, two SignerInfos with different algorithms in BER: passes', async () => {
    const e = await embedCms(base, (c) => bc.sign(c, [[L.ed25519, 'Ed25519'], [L.p256, 'SHA384withECDSA']], ['--stream']));
    expect(hasIndefiniteLength(contentsOf(e))).toBe(true);
    await passesAndBreaks(e);
  });
});

describe('adbe.pkcs7.detached without signed attributes', () => {
  const CASES: Array<[string, (c: Uint8Array) => Uint8Array, RegExp, 'HASH_FAILURE' | 'SIG_CRYPTO_FAILURE']> = [
    ['RSA PKCS#1 v1.5 (openssl -noattr)', (c) => pki.cmsSign(c, L.rsa2048, ['-noattr']), /^sha256WithRSAEncryption \(no signed attributes\)$/, 'HASH_FAILURE'],
    ['RSASSA-PSS (openssl -noattr)', (c) => pki.cmsSign(c, L.rsa2048, ['-noattr', '-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32']), /^RSASSA-PSS\/SHA-256 \(no signed attributes\)$/, 'HASH_FAILURE'],
    ['ECDSA P-256 (openssl -noattr)', (c) => pki.cmsSign(c, L.p256, ['-noattr']), /^ecdsa-with-SHA256 \(no signed attributes\)$/, 'SIG_CRYPTO_FAILURE'],
    ['Ed25519 (Bouncy Castle, direct signature)', (c) => bc.sign(c, [[L.ed25519, 'Ed25519']], ['--noattr']), /^Ed25519 \(no signed attributes\)$/, 'SIG_CRYPTO_FAILURE'],
    ['Ed448 (Bouncy Castle, direct signature)', (c) => bc.sign(c, [[L.ed448, 'Ed448']], ['--noattr']), /^Ed448 \(no signed attributes\)$/, 'SIG_CRYPTO_FAILURE'],
  ];
  for (const [name, sign, alg, whenChanged] of CASES) {
    it(`${name}: passes; a changed covered byte is ${whenChanged}, an altered signature SIG_CRYPTO_FAILURE`, async () => {
      const e = await embedCms(base, sign);
      expect(signerInfos(contentsOf(e))[0].kids.some((k) => k.cls === 2 && k.tag === 0)).toBe(false);
      const s = await verify(e.bytes);
      expect(s).toMatchObject(passed);
      expect(s.signatureAlgorithm).toMatch(alg);
      expect(codes(s)).toContain('CMS_NO_SIGNED_ATTRS');
      expect(await verify(flipCovered(e))).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: whenChanged, integrity: 'broken' });
      expect(await verify(withContents(e, alterSignatureValue(contentsOf(e))))).toMatchObject(sigFailure);
    });
  }
});

describe('signer identified by SubjectKeyIdentifier', () => {
  it('openssl cms -keyid: the [0] subjectKeyIdentifier sid finds the certificate', async () => {
    const e = await embedCms(base, (c) => pki.cmsSign(c, L.p256, ['-keyid']));
    const sid = signerInfos(contentsOf(e))[0].kids[1];
    expect([sid.cls, sid.tag]).toEqual([2, 0]);
    const s = await passesAndBreaks(e);
    expect(s.signer?.commonName).toBe('p256');
  });
});

describe('parsing', () => {
  it('tolerates bytes after the CMS in /Contents (reported), which nothing signs', async () => {
    const e = await embedCms(base, (c) => pki.cmsSign(c, L.rsa2048));
    const cms = contentsOf(e);
    const withJunk = new Uint8Array(cms.length + 3);
    withJunk.set(cms);
    withJunk.set([0x41, 0x42, 0x43], cms.length);
    const s = await verify(withContents(e, withJunk));
    expect(s).toMatchObject(passed);
    expect(codes(s)).toContain('CMS_TRAILING_DATA');
  });

  it('parses each CMS once per /Contents span, whichever view asks', () => {
    const cms = new CmsCache();
    const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);
    const a = cms.get([10, 20], der);
    const b = cms.get([10, 20], der);
    cms.get([30, 40], der);
    expect(a).toBe(b);
    expect(cms.parses).toBe(2);
  });
});
