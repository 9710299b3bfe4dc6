// The token service against SoftHSM2: module discovery, listing two tokens and their
// certificates, logging in, signing with RSA-2048 / RSA-3072 / EC P-256 through every mechanism
// path (verified with openssl), wrong PIN state, idle logout and lockAll.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CKM } from '../../src-main/services/pkcs11/constants';
import { createTokenSigner, TokenService, type TokenSummary } from '../../src-main/services/pkcs11/index';
import { chooseMechanism, prepareInput } from '../../src-main/services/pkcs11/mechanisms';
import { type Fixture, LABEL_A, LABEL_B, makeFixture, opensslVerify, PIN_A, PIN_B, utf8 } from './helpers/fixture';

let fx: Fixture;
let svc: TokenService;
let tokA: TokenSummary;
let tokB: TokenSummary;

beforeAll(async () => {
  fx = await makeFixture('softhsm');
  svc = new TokenService({ modules: [fx.hsm.module, '/nonexistent/vnpt-ca_csp11.so', '/etc/hostname'], builtinModules: false, idleLogoutMs: 0 });
  tokA = await svc.findToken(LABEL_A);
  tokB = await svc.findToken(LABEL_B);
});

afterAll(async () => { await svc?.close(); });

describe('PKCS#11 token service with SoftHSM2', () => {
  it('reports which modules loaded and why the others failed', async () => {
    const mods = await svc.modules();
    const soft = mods.find((m) => m.path === fx.hsm.module)!;
    expect(soft.loaded).toBe(true);
    expect(soft.info?.manufacturer).toMatch(/SoftHSM/);
    const missing = mods.find((m) => m.path === '/nonexistent/vnpt-ca_csp11.so')!;
    expect(missing).toMatchObject({ loaded: false, reason: 'file not found', source: 'configured' });
    const notALib = mods.find((m) => m.path === '/etc/hostname')!;
    expect(notALib.loaded).toBe(false);
    expect(notALib.reason).toMatch(/load failed/);
  });

  it('lists two tokens at once with label, manufacturer, model and serial', async () => {
    const tokens = await svc.listTokens();
    expect(tokens.map((t) => t.label).sort()).toEqual([LABEL_A, LABEL_B].sort());
    for (const t of tokens) {
      expect(t.manufacturer).toMatch(/SoftHSM/);
      expect(t.model).not.toBe('');
      expect(t.serial).toMatch(/^[0-9a-f]+$/);
      expect(t.loggedIn).toBe(false);
    }
  });

  it('lists certificates with subject, Vietnamese identifiers, issuer, validity and key usage, signing-capable end-entity first', async () => {
    const certs = await svc.listCertificates(tokA);
    expect(certs).toHaveLength(4);
    const [first, second] = certs;
    expect(first.info.isCa).toBe(false);
    expect(second.info.isCa).toBe(false);
    expect(certs.slice(2).every((c) => c.info.isCa)).toBe(true);
    const an = certs.find((c) => c.keyId === '01')!;
    expect(an.info.subject.cn).toBe('Nguyễn Văn An');
    expect(an.info.subject.o).toBe('UBND tỉnh Hải Dương');
    expect(an.info.subject.ou).toEqual(['Văn phòng']);
    expect(an.info.identifiers).toEqual({ cccd: '001085012345' });
    expect(an.info.issuer.cn).toBe('Vanthu Test Issuing CA – CA cấp 2');
    expect(an.info.serialNumber).toBe(fx.pki.signers.rsa2048.serialHex.replace(/^(00)+/, '') .padStart(an.info.serialNumber.length, '0'));
    expect(an.info.validity).toBe('valid');
    expect(an.info.keyUsage).toEqual(expect.arrayContaining(['digitalSignature', 'nonRepudiation']));
    expect(an.info.key).toEqual({ type: 'rsa', bits: 2048 });
    const ec = certs.find((c) => c.keyId === '02')!;
    expect(ec.info.key).toEqual({ type: 'ec', bits: 256, namedCurve: 'P-256' });
    const b = await svc.listCertificates(tokB);
    expect(b[0].info.identifiers).toEqual({ mst: '0801234567' });
    expect(b[0].info.key).toEqual({ type: 'rsa', bits: 3072 });
  });

  it('reports a wrong PIN with the remaining-tries state SoftHSM sets, and then accepts the correct PIN', async () => {
    const err = await svc.login(tokA, utf8('735291')).catch((e) => e);
    expect(err.code).toBe('TOKEN_PIN_INCORRECT');
    // SoftHSM2 2.6 sets CKF_USER_PIN_COUNT_LOW after a failed login and never locks.
    expect(err.details.remaining).toBe('low');
    expect(err.message_vi).toMatch(/Mã PIN không đúng/);
    expect(svc.isLoggedIn(tokA)).toBe(false);
    const pin = utf8(PIN_A);
    const res = await svc.login(tokA, pin);
    expect(pin.every((b) => b === 0)).toBe(true); // the caller's PIN buffer is wiped
    expect(res.pin.remaining).toBe('many');
    expect(svc.isLoggedIn(tokA)).toBe(true);
  });

  it('signs with RSA-2048 PKCS#1 v1.5 through the Signer interface (CKM_SHA256_RSA_PKCS), verified by openssl', async () => {
    const signer = await createTokenSigner({ service: svc, tokenLabel: LABEL_A, keyId: '01', logoutOnClose: false });
    expect(signer.certificate).toEqual(new Uint8Array(readFileSync(fx.pki.signers.rsa2048.derPath)));
    expect(signer.chain).toEqual([fx.pki.intermediate.der, fx.pki.root.der].map((d) => new Uint8Array(d)));
    expect(signer.schemes).toEqual(['rsa-pkcs1v15', 'rsa-pss']);
    const data = utf8('signed attributes: Quyết định 15/QĐ-UBND');
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const sig = await signer.sign(data, hash, { kind: 'rsa-pkcs1v15' });
      expect(sig.length).toBe(256);
      expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, data, sig, hash.replace('-', '').toLowerCase() as 'sha256')).toBe(true);
    }
  });

  it('signs with RSA-PSS (hash computed here, CKM_RSA_PKCS_PSS), verified by openssl', async () => {
    const signer = await createTokenSigner({ service: svc, tokenLabel: LABEL_A, keyId: '01', logoutOnClose: false });
    const data = utf8('PSS per Decree 23/2025');
    const sig = await signer.sign(data, 'SHA-256', { kind: 'rsa-pss' });
    expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, data, sig, 'sha256', 32)).toBe(true);
    expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, utf8('other'), sig, 'sha256', 32)).toBe(false);
  });

  it('signs with CKM_RSA_PKCS and a DigestInfo prefix for tokens without hashing mechanisms', async () => {
    const plan = chooseMechanism('rsa', { kind: 'rsa-pkcs1v15' }, 'SHA-256', [CKM.RSA_PKCS]);
    expect(plan.name).toBe('CKM_RSA_PKCS');
    const data = utf8('no hashing on this token');
    const sig = await svc.signPlanned(tokA, '01', plan, prepareInput(plan, 'SHA-256', data));
    expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, data, sig, 'sha256')).toBe(true);
  });

  it('signs with EC P-256 (CKM_ECDSA, raw r‖s converted to DER), verified by openssl', async () => {
    const signer = await createTokenSigner({ service: svc, tokenLabel: LABEL_A, keyId: '02', logoutOnClose: false });
    expect(signer.key).toEqual({ type: 'ec', bits: 256, namedCurve: 'P-256' });
    expect(signer.schemes).toEqual(['ecdsa']);
    const data = utf8('ECDSA P-256');
    const sig = await signer.sign(data, 'SHA-256', { kind: 'ecdsa' });
    expect(sig[0]).toBe(0x30);
    expect(opensslVerify(fx.dir, fx.pki.signers.p256!.pemPath, data, sig, 'sha256')).toBe(true);
  });

  it('signs many messages in one round trip (signMany), each verified by openssl', async () => {
    const msgs = Array.from({ length: 5 }, (_, i) => utf8(`văn bản ${i}`));
    const sigs = await svc.signMany(tokA, '02', 'ec', msgs, 'SHA-384', { kind: 'ecdsa' });
    expect(sigs).toHaveLength(5);
    sigs.forEach((sig, i) => expect(opensslVerify(fx.dir, fx.pki.signers.p256!.pemPath, msgs[i], sig, 'sha384')).toBe(true));
  });

  it('chooses the second token by label and signs with its RSA-3072 key using a PIN supplied on demand', async () => {
    let asked = 0;
    const signer = await createTokenSigner({
      service: svc, tokenLabel: LABEL_B, pin: () => { asked++; return utf8(PIN_B); },
    });
    expect(signer.token.slot).toBe(tokB.slot);
    expect(signer.key.bits).toBe(3072);
    const data = utf8('Sở Tài chính');
    for (let i = 0; i < 3; i++) {
      const sig = await signer.sign(data, 'SHA-256', { kind: 'rsa-pkcs1v15' });
      expect(opensslVerify(fx.dir, fx.pki.signers.rsa3072!.pemPath, data, sig, 'sha256')).toBe(true);
    }
    expect(asked).toBe(1); // one login for many signatures
    await signer.close();
    expect(svc.isLoggedIn(tokB)).toBe(false);
  });

  it('rejects a key id that is not on the token with TOKEN_NOT_FOUND', async () => {
    await expect(createTokenSigner({ service: svc, tokenLabel: LABEL_A, keyId: 'ffff' })).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    await expect(svc.findToken('Không có')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });

  it('logs out on lockAll(): the next signature needs a PIN again', async () => {
    expect(svc.isLoggedIn(tokA)).toBe(true);
    const events: unknown[] = [];
    svc.on('logged-out', (e) => events.push(e));
    await svc.lockAll();
    expect(svc.isLoggedIn(tokA)).toBe(false);
    expect(events).toEqual([expect.objectContaining({ slot: tokA.slot, reason: 'lock' })]);
    await expect(svc.sign(tokA, '01', 'rsa', utf8('x'), 'SHA-256', { kind: 'rsa-pkcs1v15' })).rejects.toMatchObject({ code: 'TOKEN_NOT_LOGGED_IN' });
  });

  it('logs out by itself after the configured idle time', async () => {
    const idle = new TokenService({ modules: [fx.hsm.module], builtinModules: false, idleLogoutMs: 200 });
    try {
      const t = await idle.findToken(LABEL_B);
      await idle.login(t, utf8(PIN_B));
      const loggedOut = new Promise((resolve) => idle.once('logged-out', resolve));
      expect(idle.isLoggedIn(t)).toBe(true);
      expect(await loggedOut).toMatchObject({ slot: t.slot, reason: 'idle' });
      expect(idle.isLoggedIn(t)).toBe(false);
      // …and the worker's session really is gone: signing is refused by the worker too.
      expect(await idle.client.call('isLoggedIn', { module: t.module, slot: t.slot })).toBe(false);
    } finally {
      await idle.close();
    }
  });

  it('wrote logs without any PIN in them', () => {
    const log = readFileSync(fx.logFile, 'utf8');
    expect(log).toMatch(/"event":"login"/);
    for (const pin of [PIN_A, PIN_B, '735291']) expect(log).not.toContain(pin);
    expect(path.basename(fx.logFile)).toBe('softhsm.log');
  });
});
