// CAdES detached CMS built over the Signer interface verifies with `openssl cms -verify` for
// every key type, hash and scheme; the signed attributes are exactly what PAdES wants.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HashAlgorithm, SignatureScheme } from '../../src-shared/sign/signer';
import { buildCadesDetached } from '../../src-shared/cms/cades';
import { estimateCmsSize } from '../../src-shared/cms/size';
import { embeddedCertificateDers, parseSignedData, readSignedData } from '../../src-shared/cms/signed-data';
import { checkSignerInfo, findSignerCertificate } from '../../src-shared/cms/verify';
import { certificateDer } from '../../src-shared/crypto/certificate';
import { digest } from '../../src-shared/crypto/hash';
import { makeTestPki, signerFor, type TestKeyType, type TestPki } from '../helpers/pki';

let pki: TestPki;
let work: string;
const content = new TextEncoder().encode('%PDF-1.7 … Quyết định số 15/QĐ-UBND … byte ranges stand-in\n'.repeat(50));
let contentPath: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vanthu-cades-'));
  pki = await makeTestPki(join(work, 'pki'));
  contentPath = join(work, 'content.bin');
  writeFileSync(contentPath, content);
});

function opensslVerify(cmsPath: string, dataPath: string): { ok: boolean; out: string } {
  const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsPath, '-content', dataPath,
    '-CAfile', pki.root.pemPath, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

function cmsPrint(cmsPath: string): string {
  return execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cmsPath], { encoding: 'utf8' });
}

const cases: Array<[TestKeyType, HashAlgorithm, SignatureScheme]> = [
  ['rsa2048', 'SHA-256', { kind: 'rsa-pkcs1v15' }],
  ['rsa2048', 'SHA-256', { kind: 'rsa-pss' }],
  ['rsa2048', 'SHA-512', { kind: 'rsa-pss' }],
  ['rsa3072', 'SHA-384', { kind: 'rsa-pkcs1v15' }],
  ['rsa3072', 'SHA-384', { kind: 'rsa-pss' }],
  ['rsa3072', 'SHA-512', { kind: 'rsa-pkcs1v15' }],
  ['p256', 'SHA-256', { kind: 'ecdsa' }],
  ['p256', 'SHA-384', { kind: 'ecdsa' }],
  ['p384', 'SHA-384', { kind: 'ecdsa' }],
  ['p384', 'SHA-512', { kind: 'ecdsa' }],
];

describe('buildCadesDetached', () => {
  it.each(cases)('%s with %s and %o verifies with openssl cms against the test root', async (keyType, hash, scheme) => {
    const signer = await signerFor(pki.signers[keyType]);
    const cms = await buildCadesDetached({ messageDigest: await digest(hash, content), hash, signer, scheme });
    await signer.close();
    const p = join(work, `${keyType}-${hash}-${scheme.kind}.p7s`);
    writeFileSync(p, cms);
    const v = opensslVerify(p, contentPath);
    expect(v.out).toContain('Verification successful');
    expect(v.ok).toBe(true);
    expect(cms.length).toBeLessThanOrEqual(estimateCmsSize(signer, 'B-B'));
    const printed = cmsPrint(p);
    if (scheme.kind === 'rsa-pss') {
      // RSASSA-PSS-params: hash, MGF1 with the same hash, salt length = hash length.
      const params = printed.slice(printed.indexOf('algorithm: rsassaPss'));
      const h = hash.toLowerCase().replace('-', '');
      expect(params.match(new RegExp(`OBJECT\\s+:${h}\\b`, 'g'))?.length).toBe(2);
      expect(params).toMatch(/OBJECT\s+:mgf1/);
      expect(params).toMatch(new RegExp(`INTEGER\\s+:${(Number(hash.slice(4)) / 8).toString(16).toUpperCase()}\\b`));
    }
  });

  it('fails openssl verification when the content differs from the message digest (detached digest is really checked)', async () => {
    const signer = await signerFor(pki.signers.rsa2048);
    const cms = await buildCadesDetached({ messageDigest: await digest('SHA-256', content), hash: 'SHA-256', signer });
    const p = join(work, 'tamper.p7s');
    writeFileSync(p, cms);
    const other = join(work, 'other.bin');
    const changed = content.slice();
    changed[10] ^= 1;
    writeFileSync(other, changed);
    const v = opensslVerify(p, other);
    expect(v.ok).toBe(false);
    expect(v.out).toMatch(/content verify error/i);
  });

  it('carries content-type id-data, message-digest and signing-certificate-v2 with issuerSerial, and no signing-time by default', async () => {
    const signer = await signerFor(pki.signers.p256);
    const md = await digest('SHA-256', content);
    const cms = await buildCadesDetached({ messageDigest: md, hash: 'SHA-256', signer });
    const p = join(work, 'attrs.p7s');
    writeFileSync(p, cms);
    const printed = cmsPrint(p);
    expect(printed).toContain('object: contentType (1.2.840.113549.1.9.3)');
    expect(printed).toContain('OBJECT:pkcs7-data');
    expect(printed).toContain('object: messageDigest (1.2.840.113549.1.9.4)');
        expect(printed).toContain('object: id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)');
    expect(printed).not.toContain('signingTime');
    // No eContent: detached.
    expect(printed).toMatch(/eContent: <ABSENT>/);
    // The ESSCertIDv2 hash is the SHA-256 of the signer certificate, and issuerSerial names the intermediate.
    const certHash = Buffer.from(await digest('SHA-256', pki.signers.p256.der)).toString('hex');
    const asn1 = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', p], { encoding: 'utf8' });
    expect(asn1.toLowerCase()).toContain(certHash);
    expect(asn1).toContain(`[HEX DUMP]:${Buffer.from(md).toString('hex').toUpperCase()}`);
    expect(asn1).toContain('Vanthu Test Issuing CA');
    // Three signed attributes.
    expect(printed.match(/object: /g)!.length).toBeGreaterThanOrEqual(3);
    await signer.close();
  });

  it('adds signing-time only when asked', async () => {
    const signer = await signerFor(pki.signers.rsa2048);
    const when = new Date('2026-11-26T07:03:21Z');
    const cms = await buildCadesDetached({ messageDigest: await digest('SHA-256', content), hash: 'SHA-256', signer, signingTime: when });
    const p = join(work, 'time.p7s');
    writeFileSync(p, cms);
    expect(opensslVerify(p, contentPath).ok).toBe(true);
    expect(cmsPrint(p)).toMatch(/signingTime[\s\S]*UTCTIME:Nov 26 07:03:21 2026 GMT/);
  });

  it('checkSignerInfo confirms digest and signature for every scheme and catches a flipped signature bit', async () => {
    for (const [t, hash, scheme] of [['rsa3072', 'SHA-512', { kind: 'rsa-pss' }], ['rsa2048', 'SHA-256', { kind: 'rsa-pkcs1v15' }], ['p384', 'SHA-384', { kind: 'ecdsa' }]] as const) {
      const signer = await signerFor(pki.signers[t]);
      const cms = await buildCadesDetached({ messageDigest: await digest(hash, content), hash, signer, scheme });
      await signer.close();
      const ok = await checkSignerInfo(parseSignedData(cms), { content });
      expect([ok.digestMatches, ok.signatureValid, ok.hash]).toEqual([true, true, hash]);
      const other = await checkSignerInfo(parseSignedData(cms), { content: content.subarray(1) });
      expect(other.digestMatches).toBe(false);
      const sd = parseSignedData(cms);
      const sig = sd.signerInfos[0].signature.valueBlock.valueHexView;
      sig[sig.length - 5] ^= 0x10;
      expect((await checkSignerInfo(sd, { content })).signatureValid).toBe(false);
    }
  });

  it('refuses a signature scheme that does not fit the key', async () => {
    const signer = await signerFor(pki.signers.p256);
    await expect(buildCadesDetached({ messageDigest: await digest('SHA-256', content), hash: 'SHA-256', signer, scheme: { kind: 'rsa-pss' } }))
      .rejects.toMatchObject({ code: 'SCHEME_UNSUPPORTED' });
  });
});

describe('reading SignedData', () => {
  it('keeps a DER CMS\'s certificates as DER, finds the signer by issuer and serial, and reads BER the full way with the same result', async () => {
    const signer = await signerFor(pki.signers.rsa2048);
    const der = await buildCadesDetached({ messageDigest: await digest('SHA-256', content), hash: 'SHA-256', signer });
    const padded = new Uint8Array(der.length + 64);
    padded.set(der); // a PDF /Contents: zero padding after the DER
    const fast = readSignedData(padded);
    expect(embeddedCertificateDers(fast)?.map((d) => Buffer.from(d).toString('hex'))).toEqual([signer.certificate, ...signer.chain].map((d) => Buffer.from(d).toString('hex')));
    const found = findSignerCertificate(fast, fast.signerInfos[0]);
    expect(Buffer.from(certificateDer(found!))).toEqual(Buffer.from(signer.certificate));
    expect(fast.certificates).toHaveLength(3); // parsed when asked for
    expect((await checkSignerInfo(fast, { content })).signatureValid).toBe(true);

    // the same CMS with the outer ContentInfo in indefinite-length BER: not for the fast path
    const body = der.subarray(der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2);
    const ber = new Uint8Array([0x30, 0x80, ...body, 0, 0]);
    const full = readSignedData(ber);
    expect(embeddedCertificateDers(full)).toBeUndefined();
    expect(Buffer.from(certificateDer(findSignerCertificate(full, full.signerInfos[0])!))).toEqual(Buffer.from(signer.certificate));
    expect((await checkSignerInfo(full, { content })).signatureValid).toBe(true);

    // anything but zeros after the DER is refused
    const trailing = padded.slice();
    trailing[der.length + 10] = 1;
    expect(() => readSignedData(trailing)).toThrow(/trailing data/);
  });
});
