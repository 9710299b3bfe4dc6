// Pure parts of the token service: PIN flag and return-value mapping, mechanism choice,
// ECDSA r‖s → DER, DigestInfo, module discovery order and deployment lists, certificate
// warnings (expired / not yet valid) — each checked against an independent reference.

import { createHash, generateKeyPairSync, privateEncrypt, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateInfo } from '../../src-main/services/pkcs11/certinfo';
import { CKF, CKM, CKR } from '../../src-main/services/pkcs11/constants';
import { driverError, loginFailureError, pinStateFromFlags } from '../../src-main/services/pkcs11/errors';
import { chooseMechanism, digestInfo, ecdsaRawToDer, schemesFor } from '../../src-main/services/pkcs11/mechanisms';
import { discoverModules, expandName } from '../../src-main/services/pkcs11/modules';
import { makeTestPki } from '../helpers/pki';
import { fileLogger } from '../../src-main/services/pkcs11/log';
import { repoRoot } from './helpers/fixture';

describe('PIN state mapping', () => {
  it('reads remaining-tries states from the token flags', () => {
    expect(pinStateFromFlags(CKF.LOGIN_REQUIRED)).toEqual({ remaining: 'many', toBeChanged: false });
    expect(pinStateFromFlags(CKF.USER_PIN_COUNT_LOW).remaining).toBe('low');
    expect(pinStateFromFlags(CKF.USER_PIN_COUNT_LOW | CKF.USER_PIN_FINAL_TRY).remaining).toBe('final');
    expect(pinStateFromFlags(CKF.USER_PIN_FINAL_TRY | CKF.USER_PIN_LOCKED).remaining).toBe('locked');
    expect(pinStateFromFlags(CKF.USER_PIN_TO_BE_CHANGED).toBeChanged).toBe(true);
  });

  it('maps CKR_PIN_INCORRECT with the flags read after the failure', () => {
    expect(loginFailureError(CKR.PIN_INCORRECT, 0)).toMatchObject({ code: 'TOKEN_PIN_INCORRECT', details: { remaining: 'many' } });
    expect(loginFailureError(CKR.PIN_INCORRECT, CKF.USER_PIN_COUNT_LOW)).toMatchObject({ details: { remaining: 'low' } });
    expect(loginFailureError(CKR.PIN_INCORRECT, CKF.USER_PIN_FINAL_TRY)).toMatchObject({ details: { remaining: 'final' } });
    expect(loginFailureError(CKR.PIN_INCORRECT, CKF.USER_PIN_LOCKED).code).toBe('TOKEN_PIN_LOCKED');
    expect(loginFailureError(CKR.PIN_INCORRECT, undefined)).toMatchObject({ details: { remaining: 'many' } });
    expect(loginFailureError(CKR.PIN_LOCKED, 0).code).toBe('TOKEN_PIN_LOCKED');
    expect(loginFailureError(CKR.PIN_LEN_RANGE, 0).code).toBe('TOKEN_PIN_FORMAT');
    expect(loginFailureError(CKR.PIN_EXPIRED, 0).code).toBe('TOKEN_PIN_EXPIRED');
  });

  it('never turns a driver failure during login into a PIN error', () => {
    for (const rv of [CKR.GENERAL_ERROR, CKR.DEVICE_ERROR, CKR.FUNCTION_FAILED, CKR.HOST_MEMORY, CKR.ARGUMENTS_BAD, 0x80000001]) {
      const e = loginFailureError(rv, CKF.USER_PIN_COUNT_LOW);
      expect(e.code).not.toMatch(/PIN/);
      expect(e.code).toBe('TOKEN_DRIVER_ERROR');
      expect(e.message_vi).toMatch(/không phải lỗi mã PIN/);
    }
    expect(loginFailureError(CKR.DEVICE_REMOVED, 0).code).toBe('TOKEN_REMOVED');
    expect(driverError(CKR.TOKEN_NOT_PRESENT, 'C_Sign').code).toBe('TOKEN_REMOVED');
    expect(driverError(CKR.USER_NOT_LOGGED_IN, 'C_Sign').code).toBe('TOKEN_NOT_LOGGED_IN');
    expect(driverError(0x80000001, 'C_Sign').details).toEqual({ ckr: 'CKR_0x80000001', fn: 'C_Sign' });
  });
});

describe('mechanism choice', () => {
  it('prefers the token’s hash-and-sign mechanism, falls back to CKM_RSA_PKCS + DigestInfo', () => {
    expect(chooseMechanism('rsa', { kind: 'rsa-pkcs1v15' }, 'SHA-384', [CKM.RSA_PKCS, CKM.SHA384_RSA_PKCS]))
      .toMatchObject({ mechanism: CKM.SHA384_RSA_PKCS, input: 'data' });
    expect(chooseMechanism('rsa', { kind: 'rsa-pkcs1v15' }, 'SHA-384', [CKM.RSA_PKCS, CKM.SHA256_RSA_PKCS]))
      .toMatchObject({ mechanism: CKM.RSA_PKCS, input: 'digestinfo' });
    expect(chooseMechanism('rsa', { kind: 'rsa-pss' }, 'SHA-512', [CKM.RSA_PKCS_PSS]))
      .toMatchObject({ mechanism: CKM.RSA_PKCS_PSS, input: 'digest', pss: { hashAlg: CKM.SHA512, saltLen: 64 } });
    expect(chooseMechanism('rsa', { kind: 'rsa-pss', saltLength: 20 }, 'SHA-256', [CKM.SHA256_RSA_PKCS_PSS]))
      .toMatchObject({ mechanism: CKM.SHA256_RSA_PKCS_PSS, input: 'data', pss: { saltLen: 20 } });
    expect(chooseMechanism('ec', { kind: 'ecdsa' }, 'SHA-256', [CKM.ECDSA])).toMatchObject({ input: 'digest', output: 'ecdsa-der' });
    expect(() => chooseMechanism('rsa', { kind: 'rsa-pss' }, 'SHA-256', [CKM.RSA_PKCS])).toThrow(expect.objectContaining({ code: 'TOKEN_MECHANISM_UNSUPPORTED' }));
    expect(() => chooseMechanism('ec', { kind: 'rsa-pkcs1v15' }, 'SHA-256', [CKM.ECDSA])).toThrow();
    expect(schemesFor('rsa', [CKM.RSA_PKCS])).toEqual(['rsa-pkcs1v15']);
    expect(schemesFor('ec', [CKM.RSA_PKCS])).toEqual([]);
  });

  it('builds DigestInfo that node:crypto’s RSA PKCS#1 v1.5 accepts', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = Buffer.from('DigestInfo');
    for (const [h, n] of [['SHA-256', 'sha256'], ['SHA-384', 'sha384'], ['SHA-512', 'sha512']] as const) {
      const di = digestInfo(h, createHash(n).update(data).digest());
      // Raw RSA-PKCS1 over the DigestInfo, as CKM_RSA_PKCS does on a token.
      const sig = privateEncrypt(privateKey, Buffer.from(di));
      expect(nodeVerify(n, data, publicKey, sig)).toBe(true);
    }
  });

  it('converts raw ECDSA r‖s to DER that node:crypto verifies, including high-bit and leading-zero halves', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 40; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      expect(nodeVerify('sha256', data, publicKey, Buffer.from(der))).toBe(true);
    }
    const crafted = new Uint8Array(64); crafted[0] = 0x80; crafted[33] = 0x01; // r high bit, s with leading zeros
    expect(Buffer.from(ecdsaRawToDer(crafted)).toString('hex')).toBe(`3044022100${'80'}${'00'.repeat(31)}021f01${'00'.repeat(30)}`);
    expect(() => ecdsaRawToDer(new Uint8Array(63))).toThrow();
  });
});

describe('module discovery', () => {
  it('expands Windows DLL names to System32 and SysWOW64, keeps absolute paths', () => {
    expect(expandName('vnpt-ca_csp11.dll', 'win32', { SystemRoot: 'C:\\Windows' })).toEqual([
      'C:\\Windows\\System32\\vnpt-ca_csp11.dll', 'C:\\Windows\\SysWOW64\\vnpt-ca_csp11.dll',
    ]);
    expect(expandName('/usr/lib/viettel-ca_v6.so', 'linux', {})).toEqual(['/usr/lib/viettel-ca_v6.so']);
  });

  it('lists the Vietnamese CA drivers of the issue in the built-in file, OpenSC and SoftHSM2 last', () => {
    const data = JSON.parse(readFileSync(path.join(repoRoot, 'resources/pkcs11-modules.json'), 'utf8'));
    const win = data.modules.flatMap((m: { windows: string[] }) => m.windows);
    for (const n of ['vnpt-ca_csp11.dll', 'vnptca_p11_v6.dll', 'vnptca_p11_v10.dll', 'viettel-ca_v1.dll', 'viettel-ca_v6.dll', 'BkavCA.dll',
      'BkavCAv2S.dll', 'fpt-ca.dll', 'fptca_v3.dll', 'fptca_v6.dll', 'CA2_csp11.dll', 'ShuttleCsp11_3003.dll', 'nca_v4.dll', 'nca_v9.dll',
      'safe-ca.dll', 'efy-ca_v1.dll', 'misaca_csp11_v2.dll', 'bit4xpki.dll', 'eps2003csp11.dll', 'eTPKCS11.dll']) {
      expect(win).toContain(n);
    }
    expect(win.some((n: string) => /^Vina-CA/.test(n))).toBe(true);
    const linux = data.modules.flatMap((m: { linux: string[] }) => m.linux);
    expect(linux).toEqual(expect.arrayContaining(['/usr/lib/viettel-ca_v6.so', '/usr/lib/libbit4xpki.so']));
    expect(data.modules.slice(-2).map((m: { vendor: string }) => m.vendor)).toEqual(['OpenSC', 'SoftHSM2']);
  });

  it('tries configured paths first, then deployment lists, then the built-in list; reports bad lists', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vanthu-mods-'));
    const fake = path.join(dir, 'libprovince-token.so');
    writeFileSync(fake, 'x');
    const extra = path.join(dir, 'extra.json');
    writeFileSync(extra, JSON.stringify({ version: 1, modules: [{ vendor: 'Tỉnh X', linux: [fake] }] }));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 2}');
    const { candidates, problems } = discoverModules({
      configured: ['/opt/none/configured.so'], platform: 'linux',
      env: { VANTHU_PKCS11_MODULES: [extra, bad].join(path.delimiter) },
    });
    expect(candidates[0]).toMatchObject({ path: '/opt/none/configured.so', source: 'configured', exists: false });
    expect(candidates[1]).toMatchObject({ path: fake, source: 'deployment', vendor: 'Tỉnh X' });
    const soft = candidates.filter((c) => c.vendor === 'SoftHSM2');
    expect(soft.length).toBe(1); // the two SoftHSM paths are one file here: listed once
    expect(candidates.indexOf(soft[0])).toBe(candidates.length - 1);
    expect(problems).toEqual([expect.objectContaining({ file: bad })]);
  });
});

describe('certificate information', () => {
  it('warns about expired and not-yet-valid certificates and non-signing key usage', async () => {
    const pki = await makeTestPki(mkdtempSync(path.join(os.tmpdir(), 'vanthu-certinfo-')), { signerTypes: ['rsa2048'] });
    const der = pki.signers.rsa2048.der;
    const info = certificateInfo(der);
    expect(info.warnings).toEqual([]);
    const late = certificateInfo(der, new Date(Date.now() + 20 * 365 * 86400_000));
    expect(late.validity).toBe('expired');
    expect(late.warnings[0]).toMatchObject({ code: 'CERT_EXPIRED', message_vi: expect.stringMatching(/hết hạn/) });
    const early = certificateInfo(der, new Date(Date.now() - 20 * 365 * 86400_000));
    expect(early.warnings[0].code).toBe('CERT_NOT_YET_VALID');
    const root = certificateInfo(pki.root.der);
    expect(root.isCa).toBe(true);
    expect(root.identifiers).toEqual({});
  });

  it('finds MST, CMND and CCCD in UID, OU and serialNumber', async () => {
    const { vnIdentifiers } = await import('../../src-main/services/pkcs11/certinfo');
    expect(vnIdentifiers([{ type: 'UID', value: 'MST:0101234567' }, { type: 'OU', value: 'CMND: 012345678' }, { type: 'serialNumber', value: 'CCCD:001085012345' }]))
      .toEqual({ mst: '0101234567', cmnd: '012345678', cccd: '001085012345' });
    expect(vnIdentifiers([{ type: 'OU', value: 'Phòng Tổ chức' }])).toEqual({});
  });
});

describe('log', () => {
  it('drops fields named like secrets', () => {
    const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'vanthu-log-')), 'x.log');
    fileLogger(f)('login', { pin: '123456', password: 'p', module: 'm', pinRemaining: 'low' });
    const line = JSON.parse(readFileSync(f, 'utf8'));
    expect(line).toMatchObject({ event: 'login', module: 'm', pinRemaining: 'low' });
    expect(line.pin).toBeUndefined();
    expect(line.password).toBeUndefined();
  });
});
