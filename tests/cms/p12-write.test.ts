// PKCS#12 writer: files from writePkcs12 open in our reader (certificate, chain, a key that signs),
// in `openssl pkcs12` and in NSS pk12util, keep a Vietnamese friendly name and password, honour
// the iteration count, and refuse a wrong password.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPkcs12, readPkcs12 } from '../../src-main/services/p12';
import { writePkcs12 } from '../../src-main/services/p12/write';

const PW = 'Mật khẩu-2024!';
const NAME = 'Chữ ký số Trần Thị Bình';
const data = new TextEncoder().encode('Quyết định số 15/QĐ-UBND');

interface Made { key: KeyObject; der: Uint8Array; pem: string; keyPath: string; certPath: string }
let dir: string;
let ca: Made, rsa: Made, ec: Made;

const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
function keyFile(name: string, key: KeyObject): string {
  const p = join(dir, `${name}.key.pem`);
  writeFileSync(p, key.export({ type: 'pkcs8', format: 'pem' }));
  return p;
}
function made(key: KeyObject, keyPath: string, certPath: string): Made {
  const pem = readFileSync(certPath, 'utf8');
  return { key, keyPath, certPath, pem, der: new Uint8Array(new X509Certificate(pem).raw) };
}
function selfSigned(name: string, key: KeyObject, subj: string, ext: string[] = []): Made {
  const keyPath = keyFile(name, key);
  const certPath = join(dir, `${name}.pem`);
  run(['req', '-x509', '-new', '-utf8', '-key', keyPath, '-subj', subj, '-days', '30', ...ext, '-out', certPath]);
  return made(key, keyPath, certPath);
}
function issued(name: string, key: KeyObject, subj: string, issuer: Made): Made {
  const keyPath = keyFile(name, key);
  const csr = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.pem`);
  run(['req', '-new', '-utf8', '-key', keyPath, '-subj', subj, '-out', csr]);
  run(['x509', '-req', '-in', csr, '-CA', issuer.certPath, '-CAkey', issuer.keyPath, '-set_serial', '4660', '-days', '30', '-out', certPath]);
  return made(key, keyPath, certPath);
}

function save(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
function opensslP12(file: string, password: string, args: string[]) {
  return spawnSync('openssl', ['pkcs12', '-in', file, '-passin', 'env:P12PW', ...args], { env: { ...process.env, P12PW: password }, encoding: 'utf8' });
}
const pemBody = (s: string, label: string) => s.match(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----`))?.[0];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-p12w-'));
  ca = selfSigned('ca', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, '/C=VN/O=Ban Cơ yếu Chính phủ/CN=CA thử nghiệm',
    ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  rsa = issued('rsa', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, '/C=VN/O=UBND xã Gia Tân/CN=Trần Thị Bình', ca);
  ec = selfSigned('ec', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, '/C=VN/O=UBND xã Gia Tân/CN=Nguyễn Văn Đức');
});

describe('writePkcs12', () => {
  it('RSA-2048 with chain: openPkcs12 returns the certificate, the chain and a key that signs', async () => {
    const p12 = writePkcs12({ privateKey: rsa.key, certificate: rsa.der, chain: [ca.der], password: PW, friendlyName: NAME });
    const signer = await openPkcs12(p12, PW);
    expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(rsa.der));
    expect(signer.chain.map((c) => Buffer.from(c))).toEqual([Buffer.from(ca.der)]);
    expect(signer.key).toEqual({ type: 'rsa', bits: 2048 });
    const sig = await signer.sign(data, 'SHA-256', { kind: 'rsa-pkcs1v15' });
    const pub = new X509Certificate(rsa.pem).publicKey;
    expect(verify('sha256', data, pub, sig)).toBe(true);
    expect(verify('sha256', new TextEncoder().encode('khác'), pub, sig)).toBe(false);
    await signer.close();
  });

  it('EC P-256 without chain: the key signs ECDSA that verifies with the certificate', async () => {
    const signer = await openPkcs12(writePkcs12({ privateKey: ec.key, certificate: ec.der, password: PW }), PW);
    expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(ec.der));
    expect(signer.chain).toEqual([]);
    expect(signer.key).toEqual({ type: 'ec', bits: 256, namedCurve: 'P-256' });
    const sig = await signer.sign(data, 'SHA-256', { kind: 'ecdsa' });
    expect(verify('sha256', data, { key: new X509Certificate(ec.pem).publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
  });

  it('a Vietnamese friendlyName survives the round trip (decomposed input comes back composed)', () => {
    const c = readPkcs12(writePkcs12({ privateKey: ec.key, certificate: ec.der, password: PW, friendlyName: NAME.normalize('NFD') }), PW);
    expect(c.friendlyName).toBe(NAME);
    expect(c.friendlyName).toBe(NAME.normalize('NFC'));
    c.pkcs8.fill(0);
    const none = readPkcs12(writePkcs12({ privateKey: ec.key, certificate: ec.der, password: PW }), PW);
    expect(none.friendlyName).toBeUndefined();
  });

  it('openssl pkcs12 -info accepts the file and -nodes gives back the same certificate, chain and key', () => {
    const f = save('rsa.p12', writePkcs12({ privateKey: rsa.key, certificate: rsa.der, chain: [ca.der], password: PW, friendlyName: NAME }));
    const info = opensslP12(f, PW, ['-info', '-noout']);
    expect(info.status, info.stderr).toBe(0);
    expect(info.stderr).toMatch(/MAC: sha256, Iteration 2048/);
    expect(info.stderr).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    expect(info.stderr).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);

    const out = opensslP12(f, PW, ['-nodes']);
    expect(out.status, out.stderr).toBe(0);
    // first certificate is the leaf (it carries the localKeyID), then the CA
    const certs = [...out.stdout.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(new X509Certificate(m[0]).raw));
    expect(certs.map((c) => Buffer.from(c))).toEqual([Buffer.from(rsa.der), Buffer.from(ca.der)]);
    const keyPem = pemBody(out.stdout, 'PRIVATE KEY');
    expect(keyPem).toBeDefined();
    expect(createPrivateKey(keyPem!).export({ type: 'pkcs8', format: 'der' })).toEqual(rsa.key.export({ type: 'pkcs8', format: 'der' }));
    // key bag and leaf bag share localKeyID = SHA-1 of the certificate; the friendly name is on both
    const ids = [...out.stdout.matchAll(/localKeyID: ([0-9A-F ]+)/g)].map((m) => m[1].replace(/ /g, '').toLowerCase());
    expect(ids).toEqual([createHash('sha1').update(rsa.der).digest('hex'), createHash('sha1').update(rsa.der).digest('hex')]);
    // OpenSSL 3.0 prints BMPString names lossily (low byte of each character), so compare with
    // the name as OpenSSL itself writes it
    const ref = join(dir, 'openssl-ref.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', rsa.keyPath, '-in', rsa.certPath, '-name', NAME, '-out', ref, '-passout', 'env:P12PW'], { env: { ...process.env, P12PW: PW }, stdio: 'pipe' });
    const names = (s: string) => [...s.matchAll(/friendlyName: (.*)/g)].map((m) => m[1]);
    const refNames = names(opensslP12(ref, PW, ['-nodes']).stdout);
    expect(refNames).toHaveLength(2);
    expect(names(out.stdout)).toEqual(refNames);
  });

  it('honours the iterations option for the key, the certificates and the MAC', () => {
    const f = save('ec-iter.p12', writePkcs12({ privateKey: ec.key, certificate: ec.der, password: PW, iterations: 10_000 }));
    const info = opensslP12(f, PW, ['-info', '-noout']);
    expect(info.status, info.stderr).toBe(0);
    expect(info.stderr).toMatch(/MAC: sha256, Iteration 10000/);
    expect(info.stderr.match(/AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/g)).toHaveLength(2);
    expect(() => writePkcs12({ privateKey: ec.key, certificate: ec.der, password: PW, iterations: 0 })).toThrow(expect.objectContaining({ code: 'P12_UNSUPPORTED' }));
  });

  it('NSS pk12util imports the file and certutil lists the friendly name', () => {
    // Vietnamese password: NSS takes it as UTF-8 for PBES2 and as BMPString for the MAC, like us
    const f = save('nss.p12', writePkcs12({ privateKey: rsa.key, certificate: rsa.der, chain: [ca.der], password: PW, friendlyName: NAME }));
    const db = join(dir, 'nssdb');
    mkdirSync(db);
    execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password'], { stdio: 'pipe' });
    expect(spawnSync('pk12util', ['-i', f, '-d', `sql:${db}`, '-W', 'sai-mat-khau']).status).not.toBe(0);
    const imp = spawnSync('pk12util', ['-i', f, '-d', `sql:${db}`, '-W', PW], { encoding: 'utf8' });
    expect(imp.status, imp.stdout + imp.stderr).toBe(0);
    const list = execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });
    expect(list).toContain(NAME);
    const keys = execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8' });
    expect(keys).toContain(NAME);
  });

  it('a wrong password is refused by openPkcs12 (P12_BAD_PASSWORD, password not in the message) and by openssl', async () => {
    const f = save('wrong.p12', writePkcs12({ privateKey: ec.key, certificate: ec.der, password: PW }));
    const err = await openPkcs12(readFileSync(f), 'sai-mat-khau').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'P12_BAD_PASSWORD' });
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain('sai-mat-khau');
    expect(opensslP12(f, 'sai-mat-khau', ['-info', '-noout']).status).not.toBe(0);
    expect(opensslP12(f, PW, ['-info', '-noout']).status).toBe(0);
  });

  it('refuses a key that does not belong to the certificate, without the password in the error', () => {
    let err: unknown;
    try { writePkcs12({ privateKey: ec.key, certificate: rsa.der, password: PW }); } catch (e) { err = e; }
    expect(err).toMatchObject({ code: 'KEY_CERT_MISMATCH' });
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain(PW);
  });
});
