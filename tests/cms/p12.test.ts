// PKCS#12 signer: files written by OpenSSL 3 (PBES2/PBKDF2/AES-256, SHA-256 MAC) and legacy
// 3DES files open with the right password and sign CMS that openssl verifies; wrong password,
// missing key or certificate, RC2, garbage and weak keys fail with their own error codes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPkcs12 } from '../../src-main/services/p12';
import { buildCadesDetached } from '../../src-shared/cms/cades';
import { digest } from '../../src-shared/crypto/hash';
import { encodeDigestInfo, decodeDigestInfo } from '../../src-shared/crypto/digest-info';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../src-shared/crypto/ecdsa';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2EncryptBlock } from '../../src-main/services/p12/rc2';
import { pkcs12Kdf, bmpPassword } from '../../src-main/services/p12/kdf';
import { encOid, tlv } from '../../src-shared/pki/der';
import { createHmac, randomBytes } from 'node:crypto';
import { makeTestPki, writePkcs12, type TestPki } from '../helpers/pki';

let pki: TestPki;
let work: string;
const content = new TextEncoder().encode('Tờ trình số 12/TTr-STC');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vanthu-p12-'));
  pki = await makeTestPki(join(work, 'pki'));
});

function p12Export(args: string[], out: string, password: string): Uint8Array {
  execFileSync('openssl', ['pkcs12', '-export', ...args, '-out', out, '-passout', 'env:PW'], { env: { ...process.env, PW: password }, stdio: 'pipe' });
  return readFileSync(out);
}

async function cmsVerifies(signer: Awaited<ReturnType<typeof openPkcs12>>, hash: 'SHA-256' | 'SHA-384' = 'SHA-256'): Promise<boolean> {
  const cms = await buildCadesDetached({ messageDigest: await digest(hash, content), hash, signer });
  const cp = join(work, `v-${Math.random().toString(36).slice(2)}.p7s`);
  const dp = join(work, 'content.bin');
  writeFileSync(cp, cms);
  writeFileSync(dp, content);
  return spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cp, '-content', dp, '-CAfile', pki.root.pemPath, '-purpose', 'any', '-out', '/dev/null']).status === 0;
}

/**
 * A PKCS#12 file written here rather than by openssl, to get what openssl will not write: bags
 * paired by localKeyId whatever they hold (unencrypted keyBag, SHA-256 MAC), and with `ber` the
 * outer layers as Windows writes them (indefinite lengths, the authSafe OCTET STRING in chunks).
 */
function handmadePfx(opts: { pkcs8: Uint8Array; certs: Array<{ der: Uint8Array; keyId?: boolean }>; password: string; ber?: boolean }): Uint8Array {
  const keyId = new Uint8Array([0x4b, 0x31]);
  const attrs = (id: boolean) => (id ? [tlv(0x31, tlv(0x30, encOid('1.2.840.113549.1.9.21'), tlv(0x31, tlv(0x04, keyId))))] : []);
  const bag = (type: string, value: Uint8Array, id: boolean) => tlv(0x30, encOid(type), tlv(0xa0, value), ...attrs(id));
  const bags = [
    bag('1.2.840.113549.1.12.10.1.1', opts.pkcs8, true),
    ...opts.certs.map((c) => bag('1.2.840.113549.1.12.10.1.3', tlv(0x30, encOid('1.2.840.113549.1.9.22.1'), tlv(0xa0, tlv(0x04, c.der))), !!c.keyId)),
  ];
  const dataOid = encOid('1.2.840.113549.1.7.1');
  const authSafe = tlv(0x30, tlv(0x30, dataOid, tlv(0xa0, tlv(0x04, tlv(0x30, ...bags)))));
  const salt = new Uint8Array(randomBytes(16));
  const macKey = pkcs12Kdf('sha256', bmpPassword(opts.password), salt, 3, 2048, 32);
  const mac = new Uint8Array(createHmac('sha256', macKey).update(authSafe).digest());
  const macData = tlv(0x30, tlv(0x30, tlv(0x30, encOid('2.16.840.1.101.3.4.2.1'), tlv(0x05)), tlv(0x04, mac)), tlv(0x04, salt), tlv(0x02, new Uint8Array([0x08, 0x00])));
  const version = tlv(0x02, new Uint8Array([3]));
  if (!opts.ber) return tlv(0x30, version, tlv(0x30, dataOid, tlv(0xa0, tlv(0x04, authSafe))), macData);
  const indefinite = (tag: number, ...parts: Uint8Array[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])]);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < authSafe.length; i += 100) chunks.push(tlv(0x04, authSafe.subarray(i, i + 100)));
  return new Uint8Array(indefinite(0x30, version, indefinite(0x30, dataOid, indefinite(0xa0, indefinite(0x24, ...chunks))), macData));
}

describe('openPkcs12', () => {
  it.each(['rsa2048', 'rsa3072', 'p256', 'p384'] as const)('opens the OpenSSL 3 default %s file and signs CMS that openssl verifies', async (t) => {
    const signer = await openPkcs12(readFileSync(pki.signers[t].p12Path!), pki.password);
    expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(pki.signers[t].der));
    expect(signer.chain.map((c) => Buffer.from(c))).toEqual([Buffer.from(pki.intermediate.der), Buffer.from(pki.root.der)]);
    expect(signer.key).toEqual(t.startsWith('rsa') ? { type: 'rsa', bits: t === 'rsa2048' ? 2048 : 3072 } : { type: 'ec', bits: t === 'p256' ? 256 : 384, namedCurve: t === 'p256' ? 'P-256' : 'P-384' });
    expect(signer.schemes).toEqual(t.startsWith('rsa') ? ['rsa-pss', 'rsa-pkcs1v15'] : ['ecdsa']);
    expect(await cmsVerifies(signer, t === 'p384' ? 'SHA-384' : 'SHA-256')).toBe(true);
    await signer.close();
  });

  it('opens a legacy pbeWithSHAAnd3-KeyTripleDES-CBC file with a SHA-1 MAC', async () => {
    const out = join(work, 'legacy-3des.p12');
    writePkcs12(pki.signers.rsa2048, out, pki.password, work, true);
    const info = spawnSync('openssl', ['pkcs12', '-in', out, '-info', '-noout', '-passin', 'env:PW'], { env: { ...process.env, PW: pki.password }, encoding: 'utf8' });
    expect(info.stderr).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');
    expect(info.stderr).toContain('MAC: sha1');
    const signer = await openPkcs12(readFileSync(out), pki.password);
    expect(await cmsVerifies(signer)).toBe(true);
    await signer.close();
  });

  it('accepts a Vietnamese UTF-8 password', async () => {
    const pw = 'Mật khẩu ký số 2026';
    const bytes = p12Export(['-inkey', pki.signers.p256.keyPemPath, '-in', pki.signers.p256.pemPath, '-certfile', pki.chainPemPath], join(work, 'utf8.p12'), pw);
    const signer = await openPkcs12(bytes, pw);
    expect(await cmsVerifies(signer)).toBe(true);
    await signer.close();
    await expect(openPkcs12(bytes, 'Mat khau ky so 2026')).rejects.toMatchObject({ code: 'P12_BAD_PASSWORD' });
    // The same password typed in decomposed form (NFD: base letter + combining marks) also opens it.
    const nfd = pw.normalize('NFD');
    expect(nfd).not.toBe(pw);
    const again = await openPkcs12(bytes, nfd);
    await again.close();
  });

  it('says P12_BAD_PASSWORD for a wrong password, without the password in the message', async () => {
    const e = await openPkcs12(readFileSync(pki.signers.rsa2048.p12Path!), 'sai-mat-khau-123').catch((x) => x);
    expect(e).toMatchObject({ code: 'P12_BAD_PASSWORD' });
    expect(e.message_vi).toContain('Mật khẩu');
    expect(JSON.stringify(e) + e.message + String(e.stack)).not.toContain('sai-mat-khau-123');
  });

  it('says P12_NO_KEY when the file has only certificates or only a key', async () => {
    const certsOnly = p12Export(['-nokeys', '-in', pki.signers.rsa2048.pemPath], join(work, 'certs-only.p12'), 'x');
    await expect(openPkcs12(certsOnly, 'x')).rejects.toMatchObject({ code: 'P12_NO_KEY' });
    const keyOnly = p12Export(['-nocerts', '-inkey', pki.signers.rsa2048.keyPemPath], join(work, 'key-only.p12'), 'x');
    await expect(openPkcs12(keyOnly, 'x')).rejects.toMatchObject({ code: 'P12_NO_KEY' });
  });

  it('opens an RC2-40 file written by openssl -legacy (old Windows export format)', async () => {
    const bytes = p12Export(['-legacy', '-inkey', pki.signers.rsa2048.keyPemPath, '-in', pki.signers.rsa2048.pemPath, '-certfile', pki.chainPemPath], join(work, 'rc2.p12'), 'Cũ-2010');
    // Really RC2-40 inside (openssl reports the bag algorithms on stderr).
    const info = spawnSync('openssl', ['pkcs12', '-legacy', '-in', join(work, 'rc2.p12'), '-info', '-noout', '-passin', 'env:PW'], { env: { ...process.env, PW: 'Cũ-2010' }, encoding: 'utf8' });
    expect(info.stderr).toContain('pbeWithSHA1And40BitRC2-CBC');
    const signer = await openPkcs12(bytes, 'Cũ-2010');
    expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(pki.signers.rsa2048.der));
    expect(signer.chain).toHaveLength(2);
    expect(await cmsVerifies(signer)).toBe(true);
    await signer.close();
  });

  it('says P12_UNSUPPORTED for an encryption algorithm it does not know', async () => {
    const bytes = p12Export(['-inkey', pki.signers.rsa2048.keyPemPath, '-in', pki.signers.rsa2048.pemPath, '-keypbe', 'camellia-256-cbc'], join(work, 'camellia.p12'), 'x');
    await expect(openPkcs12(bytes, 'x')).rejects.toMatchObject({ code: 'P12_UNSUPPORTED' });
  });

  it('says P12_INVALID for something that is not PKCS#12', async () => {
    await expect(openPkcs12(new TextEncoder().encode('%PDF-1.7 not a key file'), 'x')).rejects.toMatchObject({ code: 'P12_INVALID' });
    const truncated = readFileSync(pki.signers.rsa2048.p12Path!).subarray(0, 300);
    await expect(openPkcs12(truncated, pki.password)).rejects.toMatchObject({ code: expect.stringMatching(/^P12_(INVALID|BAD_PASSWORD)$/) });
  });

  it('refuses an RSA-1024 key under the algorithm policy', async () => {
    const k = join(work, 'weak.key');
    const c = join(work, 'weak.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-subj', '/CN=Khoa yeu', '-keyout', k, '-out', c, '-days', '30'], { stdio: 'pipe' });
    const bytes = p12Export(['-inkey', k, '-in', c], join(work, 'weak.p12'), 'x');
    await expect(openPkcs12(bytes, 'x')).rejects.toMatchObject({ code: 'KEY_TOO_WEAK' });
  });

  it('opens a BER file with indefinite lengths and a chunked authSafe (as Windows exports), chain ordered issuer first', async () => {
    const s = pki.signers.p256;
    const bytes = handmadePfx({ pkcs8: s.pkcs8, certs: [{ der: pki.root.der }, { der: s.der, keyId: true }, { der: pki.intermediate.der }], password: pki.password, ber: true });
    expect(bytes[1]).toBe(0x80);
    const signer = await openPkcs12(bytes, pki.password);
    expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(s.der));
    expect(signer.chain.map((c) => Buffer.from(c))).toEqual([Buffer.from(pki.intermediate.der), Buffer.from(pki.root.der)]);
    expect(await cmsVerifies(signer)).toBe(true);
    await signer.close();
    // the same file with a byte of a chunk changed no longer passes its MAC
    const tampered = bytes.slice();
    tampered[200] ^= 1;
    await expect(openPkcs12(tampered, pki.password)).rejects.toMatchObject({ code: expect.stringMatching(/^P12_(INVALID|BAD_PASSWORD)$/) });
  });

  it('says KEY_CERT_MISMATCH when the file pairs the key with another key\'s certificate', async () => {
    const bytes = handmadePfx({ pkcs8: pki.signers.rsa2048.pkcs8, certs: [{ der: pki.signers.rsa3072.der, keyId: true }, { der: pki.signers.rsa2048.der }], password: 'x' });
    await expect(openPkcs12(bytes, 'x')).rejects.toMatchObject({ code: 'KEY_CERT_MISMATCH' });
    // without localKeyId pairing the reader finds the right certificate by public key
    const unpaired = handmadePfx({ pkcs8: pki.signers.rsa2048.pkcs8, certs: [{ der: pki.signers.rsa3072.der }, { der: pki.signers.rsa2048.der }, { der: pki.intermediate.der }], password: 'x' });
    const signer = await openPkcs12(unpaired, 'x');
    expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(pki.signers.rsa2048.der));
    expect(Buffer.from(signer.chain[0])).toEqual(Buffer.from(pki.intermediate.der));
    expect(await cmsVerifies(signer)).toBe(true);
    await signer.close();
  });

  it('signs RSASSA-PSS that openssl verifies', async () => {
    const signer = await openPkcs12(readFileSync(pki.signers.rsa2048.p12Path!), pki.password);
    const cms = await buildCadesDetached({ messageDigest: await digest('SHA-256', content), hash: 'SHA-256', signer, scheme: { kind: 'rsa-pss' } });
    const cp = join(work, 'pss.p7s');
    writeFileSync(cp, cms);
    writeFileSync(join(work, 'content.bin'), content);
    expect(spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cp, '-content', join(work, 'content.bin'), '-CAfile', pki.root.pemPath, '-purpose', 'any', '-out', '/dev/null']).status).toBe(0);
    await signer.close();
  });

  it('stops signing after close()', async () => {
    const signer = await openPkcs12(readFileSync(pki.signers.rsa2048.p12Path!), pki.password);
    await signer.close();
    await signer.close();
    await expect(signer.sign(content, 'SHA-256', { kind: 'rsa-pkcs1v15' })).rejects.toMatchObject({ code: 'SIGNER_CLOSED' });
  });
});

describe('RC2 (RFC 2268)', () => {
  it('matches the RFC 2268 test vectors', () => {
    const hex = (h: string) => Buffer.from(h, 'hex');
    expect(Buffer.from(rc2EncryptBlock(hex('0000000000000000'), 63, hex('0000000000000000'))).toString('hex')).toBe('ebb773f993278eff');
    expect(Buffer.from(rc2EncryptBlock(hex('ffffffffffffffff'), 64, hex('ffffffffffffffff'))).toString('hex')).toBe('278b27e42e2f0d49');
    expect(Buffer.from(rc2EncryptBlock(hex('3000000000000000'), 64, hex('1000000000000001'))).toString('hex')).toBe('30649edf9be7d2c2');
    expect(Buffer.from(rc2EncryptBlock(hex('88bca90e90875a7f0f79c384627bafb2'), 128, hex('0000000000000000'))).toString('hex')).toBe('2269552ab0f85ca6');
  });

  it.each([['rc2-40-cbc', 40, 5], ['rc2-cbc', 128, 16]] as const)('decrypts what openssl enc -%s encrypts', (cipher, bits, keyLen) => {
    const key = Buffer.from(Array.from({ length: keyLen }, (_, i) => (i * 37 + 11) & 0xff));
    const iv = Buffer.from('0102030405060708', 'hex');
    const plain = Buffer.from('Giấy mời số 07/GM-UBND — nội dung thử RC2 '.repeat(3));
    const enc = execFileSync('openssl', ['enc', `-${cipher}`, '-provider', 'legacy', '-provider', 'default', '-K', key.toString('hex'), '-iv', iv.toString('hex')], { input: plain });
    expect(Buffer.from(rc2CbcDecrypt(key, bits, iv, new Uint8Array(enc)))).toEqual(plain);
    expect(Buffer.from(rc2CbcEncrypt(key, bits, iv, plain))).toEqual(enc);
  });
});

describe('encoding helpers for tokens', () => {
  it('DigestInfo for SHA-256/384/512 matches what openssl pkeyutl recovers from a PKCS#1 v1.5 signature', async () => {
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const signer = await openPkcs12(readFileSync(pki.signers.rsa2048.p12Path!), pki.password);
      const sig = await signer.sign(content, hash, { kind: 'rsa-pkcs1v15' });
      await signer.close();
      const sp = join(work, `sig-${hash}.bin`);
      writeFileSync(sp, sig);
      const pub = join(work, 'pub.pem');
      execFileSync('openssl', ['x509', '-in', pki.signers.rsa2048.pemPath, '-pubkey', '-noout', '-out', pub]);
      const recovered = new Uint8Array(execFileSync('openssl', ['pkeyutl', '-verifyrecover', '-pubin', '-inkey', pub, '-in', sp]));
      expect(Buffer.from(recovered)).toEqual(Buffer.from(encodeDigestInfo(hash, await digest(hash, content))));
      expect(decodeDigestInfo(recovered)?.hash).toBe(hash);
    }
  });

  it('converts ECDSA raw r‖s to DER and back, including high-bit and leading-zero integers', () => {
    const raw = new Uint8Array(64);
    raw[0] = 0x80; raw[31] = 1; // r with the top bit set → needs a 0x00 pad
    raw[32] = 0; raw[33] = 0; raw[63] = 7; // s with leading zeros → minimal encoding
    const der = ecdsaRawToDer(raw);
    expect(Buffer.from(der).toString('hex')).toBe(`3026022100${'80'}${'00'.repeat(30)}01020107`);
    expect(Buffer.from(ecdsaDerToRaw(der, 32))).toEqual(Buffer.from(raw));
  });
});
