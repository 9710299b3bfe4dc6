// The token service against misbehaving drivers, simulated by a small PKCS#11 shim in C that
// forwards to SoftHSM2: a hung C_Sign (timeout, restart, next call works), a crashing driver,
// a PIN retry counter with COUNT_LOW / FINAL_TRY / LOCKED flags, a PIN pad, token removal
// mid-batch (no partial file, signed files reported) and insertion/removal events.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner, signBatch, TokenService, type TokenSummary } from '../../src-main/services/pkcs11/index';
import type { Signer } from '../../src-shared/sign/signer';
import { type Fixture, LABEL_A, LABEL_B, makeFixture, opensslVerify, PIN_A, PIN_B, utf8 } from './helpers/fixture';
import { buildShim } from './helpers/shim';

let fx: Fixture;
let shim: string;
let flags: { hang: string; crash: string; remove: string; loginError: string };

const WRONG = ['918273', '364519', '555093'];

beforeAll(async () => {
  fx = await makeFixture('shim');
  shim = buildShim(fx.dir);
  flags = { hang: path.join(fx.dir, 'hang'), crash: path.join(fx.dir, 'crash'), remove: path.join(fx.dir, 'removed'), loginError: path.join(fx.dir, 'login-error') };
  process.env.SHIM_LOGIN_ERROR_FILE = flags.loginError;
  process.env.SHIM_TARGET = fx.hsm.module;
  process.env.SHIM_HANG_FILE = flags.hang;
  process.env.SHIM_CRASH_FILE = flags.crash;
  process.env.SHIM_REMOVE_FILE = flags.remove;
});

afterAll(() => { for (const f of Object.values(flags ?? {})) rmSync(f, { force: true }); });

const service = (extra: Partial<ConstructorParameters<typeof TokenService>[0]> = {}) =>
  new TokenService({ modules: [shim], builtinModules: false, idleLogoutMs: 0, ...extra });

describe('hung and crashing drivers', () => {
  it('times out a hung C_Sign, restarts the worker process, and the next call works', async () => {
    const svc = service({ timeoutMs: 4000 });
    try {
      const t = await svc.findToken(LABEL_A);
      await svc.login(t, utf8(PIN_A));
      const gen = svc.client.processGeneration;
      const restarts: string[] = [];
      svc.on('worker-restart', (r) => restarts.push(r));
      writeFileSync(flags.hang, '');
      const err = await svc.sign(t, '01', 'rsa', utf8('x'), 'SHA-256', { kind: 'rsa-pkcs1v15' }).catch((e) => e);
      rmSync(flags.hang);
      expect(err.code).toBe('TOKEN_TIMEOUT');
      expect(err.message_vi).toMatch(/không phản hồi/);
      expect(restarts).toHaveLength(1);
      // The login died with the old process: the service knows it.
      expect(svc.isLoggedIn(t)).toBe(false);
      const tokens = await svc.listTokens();
      expect(tokens.map((x) => x.label)).toContain(LABEL_A);
      expect(svc.client.processGeneration).toBe(gen + 1);
      await svc.login(t, utf8(PIN_A));
      const data = utf8('after restart');
      const sig = await svc.sign(t, '01', 'rsa', data, 'SHA-256', { kind: 'rsa-pkcs1v15' });
      expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, data, sig)).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('reports a crashing driver as TOKEN_DRIVER_CRASHED, never as a PIN problem, and recovers', async () => {
    const svc = service();
    try {
      const t = await svc.findToken(LABEL_A);
      await svc.login(t, utf8(PIN_A));
      writeFileSync(flags.crash, '');
      const err = await svc.sign(t, '01', 'rsa', utf8('x'), 'SHA-256', { kind: 'rsa-pkcs1v15' }).catch((e) => e);
      rmSync(flags.crash);
      expect(err.code).toBe('TOKEN_DRIVER_CRASHED');
      expect(err.details.reason).toMatch(/SIGABRT|signal|exit/);
      await svc.login(t, utf8(PIN_A));
      const sig = await svc.sign(t, '02', 'ec', utf8('ok'), 'SHA-256', { kind: 'ecdsa' });
      expect(opensslVerify(fx.dir, fx.pki.signers.p256!.pemPath, utf8('ok'), sig)).toBe(true);
    } finally {
      await svc.close();
    }
  });
});

describe('PIN retry counter (token with 3 tries)', () => {
  it('reports low, then final try, then locked; a locked token refuses even the right PIN', async () => {
    process.env.SHIM_PIN_TRIES = '3';
    const svc = service();
    try {
      const t = await svc.findToken(LABEL_B);
      const e1 = await svc.login(t, utf8(WRONG[0])).catch((e) => e);
      expect(e1).toMatchObject({ code: 'TOKEN_PIN_INCORRECT', details: { remaining: 'low' } });
      const e2 = await svc.login(t, utf8(WRONG[1])).catch((e) => e);
      expect(e2).toMatchObject({ code: 'TOKEN_PIN_INCORRECT', details: { remaining: 'final' } });
      expect(e2.message_vi).toMatch(/MỘT lần thử/);
      expect(e2.message_en).toMatch(/ONE attempt remains/);
      const e3 = await svc.login(t, utf8(WRONG[2])).catch((e) => e);
      expect(e3.code).toBe('TOKEN_PIN_LOCKED');
      expect(e3.message_vi).toMatch(/bị khóa/);
      expect((await svc.listTokens()).find((x) => x.label === LABEL_B)!.pin.remaining).toBe('locked');
      await expect(svc.login(t, utf8(PIN_B))).rejects.toMatchObject({ code: 'TOKEN_PIN_LOCKED' });
    } finally {
      await svc.close();
      delete process.env.SHIM_PIN_TRIES;
    }
  });

  it('reports a driver failure during login as a driver error, without spending a PIN try', async () => {
    process.env.SHIM_PIN_TRIES = '3';
    const svc = service();
    try {
      const t = await svc.findToken(LABEL_A);
      writeFileSync(flags.loginError, '');
      const err = await svc.login(t, utf8(PIN_A)).catch((e) => e);
      rmSync(flags.loginError);
      expect(err.code).toBe('TOKEN_DRIVER_ERROR');
      expect(err.details).toMatchObject({ ckr: 'CKR_DEVICE_ERROR', fn: 'C_Login' });
      expect(err.message_vi).toMatch(/không phải lỗi mã PIN/);
      expect((await svc.tokenPinState(t)).remaining).toBe('many');
      await svc.login(t, utf8(PIN_A));
      expect(svc.isLoggedIn(t)).toBe(true);
    } finally {
      rmSync(flags.loginError, { force: true });
      await svc.close();
      delete process.env.SHIM_PIN_TRIES;
    }
  });

  it('accepts the correct PIN after one wrong one and resets the counter', async () => {
    process.env.SHIM_PIN_TRIES = '3';
    const svc = service();
    try {
      const t = await svc.findToken(LABEL_A);
      await expect(svc.login(t, utf8(WRONG[0]))).rejects.toMatchObject({ code: 'TOKEN_PIN_INCORRECT', details: { remaining: 'low' } });
      const ok = await svc.login(t, utf8(PIN_A));
      expect(ok.pin.remaining).toBe('many');
    } finally {
      await svc.close();
      delete process.env.SHIM_PIN_TRIES;
    }
  });
});

describe('protected authentication path (PIN pad)', () => {
  it('logs in without a PIN on a token with CKF_PROTECTED_AUTHENTICATION_PATH and signs', async () => {
    process.env.SHIM_PINPAD_PIN = PIN_A;
    const svc = service();
    try {
      const t = await svc.findToken(LABEL_A);
      expect(t.protectedAuthPath).toBe(true);
      await svc.login(t, null);
      const sig = await svc.sign(t, '01', 'rsa', utf8('pad'), 'SHA-256', { kind: 'rsa-pss' });
      expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, utf8('pad'), sig, 'sha256', 32)).toBe(true);
    } finally {
      await svc.close();
      delete process.env.SHIM_PINPAD_PIN;
    }
  });

  it('asks for a PIN (TOKEN_PIN_REQUIRED) instead of trying an empty one on a token without a PIN pad', async () => {
    const svc = service();
    try {
      const t = await svc.findToken(LABEL_B);
      expect(t.protectedAuthPath).toBe(false);
      await expect(svc.login(t, null)).rejects.toMatchObject({ code: 'TOKEN_PIN_REQUIRED' });
    } finally {
      await svc.close();
    }
  });
});

describe('token removal', () => {
  it('stops a batch cleanly when the token is pulled out: signed files kept and reported, no partial file', async () => {
    const svc = service();
    const work = path.join(fx.dir, 'batch');
    mkdirSync(work, { recursive: true });
    const files = Array.from({ length: 6 }, (_, i) => {
      const input = path.join(work, `in-${i}.bin`);
      writeFileSync(input, `document ${i} `.repeat(5000));
      return { input, output: path.join(work, `out-${i}.bin`) };
    });
    try {
      const signer = await createTokenSigner({ service: svc, tokenLabel: LABEL_A, keyId: '01', pin: () => utf8(PIN_A) });
      // Stand-in for the PAdES engine: the document followed by its signature.
      const signFile = async (doc: Uint8Array, s: Signer) => {
        const sig = await s.sign(doc, 'SHA-256', { kind: 'rsa-pkcs1v15' });
        return new Uint8Array(Buffer.concat([doc, sig]));
      };
      const progress: string[] = [];
      const result = await signBatch(files, { signer, signFile }, (p) => {
        progress.push(`${p.index}:${p.status}`);
        if (p.status === 'signed' && p.index === 2) writeFileSync(flags.remove, ''); // pulled out after 3 files
      });
      expect(result.signed.map((f) => path.basename(f.output))).toEqual(['out-0.bin', 'out-1.bin', 'out-2.bin']);
      expect(result.unsigned.map((f) => path.basename(f.input))).toEqual(['in-3.bin', 'in-4.bin', 'in-5.bin']);
      expect(result.failed).toEqual([]);
      expect(result.stopped?.code).toBe('TOKEN_REMOVED');
      expect(progress.at(-1)).toBe('3:stopped');
      const left = readdirSync(work).sort();
      expect(left.filter((f) => f.startsWith('out-'))).toEqual(['out-0.bin', 'out-1.bin', 'out-2.bin']);
      expect(left.filter((f) => f.includes('.part'))).toEqual([]);
      for (const f of result.signed) {
        const out = readFileSync(f.output);
        const doc = readFileSync(f.input);
        expect(opensslVerify(fx.dir, fx.pki.signers.rsa2048.pemPath, doc, out.subarray(doc.length))).toBe(true);
      }
    } finally {
      rmSync(flags.remove, { force: true });
      await svc.close();
    }
  });

  it('emits token-removed and token-inserted events from the slot watcher', async () => {
    const svc = service();
    try {
      const removed: { label: string }[] = [];
      const inserted: TokenSummary[] = [];
      svc.on('token-removed', (e) => removed.push(e));
      svc.on('token-inserted', (e) => inserted.push(e));
      const t = await svc.findToken(LABEL_A);
      await svc.login(t, utf8(PIN_A));
      await svc.pollOnce(); // baseline
      expect(removed).toEqual([]);
      writeFileSync(flags.remove, '');
      await svc.pollOnce();
      expect(removed.map((e) => e.label).sort()).toEqual([LABEL_A, LABEL_B].sort());
      expect(svc.isLoggedIn(t)).toBe(false); // a removed token's login is gone
      rmSync(flags.remove);
      await svc.pollOnce();
      expect(inserted.map((e) => e.label).sort()).toEqual([LABEL_A, LABEL_B].sort());
    } finally {
      rmSync(flags.remove, { force: true });
      await svc.close();
    }
  });

  it('the background watcher pushes the same events on its own', async () => {
    const svc = service({ pollIntervalMs: 100 });
    try {
      await svc.startWatching(); // baseline scan done
      const gone = new Promise<{ label: string }>((resolve) => svc.once('token-removed', resolve));
      writeFileSync(flags.remove, '');
      expect((await gone).label).toMatch(/Văn thư/);
      const back = new Promise<TokenSummary>((resolve) => svc.once('token-inserted', resolve));
      rmSync(flags.remove);
      expect((await back).label).toMatch(/Văn thư/);
    } finally {
      rmSync(flags.remove, { force: true });
      await svc.close();
    }
  });
});

describe('logs', () => {
  it('contain no PIN', () => {
    const log = readFileSync(fx.logFile, 'utf8');
    expect(log).toMatch(/TOKEN_PIN_LOCKED/);
    for (const pin of [PIN_A, PIN_B, ...WRONG]) expect(log).not.toContain(pin);
    expect(existsSync(fx.logFile)).toBe(true);
  });
});
