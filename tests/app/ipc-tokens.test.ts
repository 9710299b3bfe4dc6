// The token desk's IPC path with real SoftHSM2 tokens: list modules, tokens and certificates,
// a wrong PIN answered with its typed error, unlock, sign a PDF with the token key through
// `sign.pdf`, verify it, and lock again. PINs never show up in the token service's log.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../src-main/services/ipc/router';
import { createHandlers } from '../../src-main/services/handlers';
import { createServiceContext } from '../../src-main/services/context';
import { type Fixture, LABEL_A, LABEL_B, makeFixture, PIN_A, PIN_B } from '../pkcs11/helpers/fixture';

let fx: Fixture;
let ctx: ReturnType<typeof createServiceContext>;
let router: ReturnType<typeof createRouter>;
const trusted = { trusted: true, origin: 'test' };
const EMPTY_A4 = path.resolve(__dirname, '../../../shared/corpus/pdf/pyhanko/empty-a4.pdf');

beforeAll(async () => {
  fx = await makeFixture('ipc');
  const profileDir = path.join(fx.dir, 'profile');
  fs.mkdirSync(path.join(profileDir, 'trust'), { recursive: true });
  fs.copyFileSync(fx.pki.root.pemPath, path.join(profileDir, 'trust', 'root.pem'));
  fs.writeFileSync(path.join(profileDir, 'config.json'), JSON.stringify({ pkcs11Modules: [fx.hsm.module], tokenTimeoutMs: 20_000 }));
  ctx = createServiceContext({ runtime: 'host', profileDir });
  router = createRouter(createHandlers(ctx));
});
afterAll(async () => {
  await ctx?.close();
});

describe('tokens over IPC', () => {
  it('lists the loaded module, both tokens and their certificates, signing ones first', async () => {
    const r = await router.dispatch('tokens.list', {}, trusted);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as { modules: { path: string; loaded: boolean }[]; tokens: { label: string; loggedIn: boolean; certificates: { subjectCN: string; signingCapable: boolean; identifiers: { cccd?: string } }[] }[] };
    expect(v.modules.find((m) => m.path === fx.hsm.module)?.loaded).toBe(true);
    expect(v.tokens.map((t) => t.label).sort()).toEqual([LABEL_A, LABEL_B].sort());
    const a = v.tokens.find((t) => t.label === LABEL_A)!;
    expect(a.loggedIn).toBe(false);
    expect(a.certificates[0].signingCapable).toBe(true);
    expect(a.certificates.map((c) => c.subjectCN)).toContain('Nguyễn Văn An');
    expect(a.certificates.find((c) => c.subjectCN === 'Nguyễn Văn An')?.identifiers.cccd).toBe('001085012345');
  });

  it('refuses to sign with a locked token, reports a wrong PIN, then signs after unlocking', async () => {
    const pdf = new Uint8Array(fs.readFileSync(EMPTY_A4));
    const locked = await router.dispatch('sign.pdf', { name: 'a.pdf', data: pdf, credential: { kind: 'token', tokenLabel: LABEL_A, keyId: '01' } }, trusted);
    expect(locked).toMatchObject({ ok: false, error: { code: 'TOKEN_NOT_LOGGED_IN' } });

    const wrong = await router.dispatch('tokens.login', { tokenLabel: LABEL_A, pin: '758302' }, trusted);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_INCORRECT' } });

    const ok = await router.dispatch('tokens.login', { tokenLabel: LABEL_A, pin: PIN_A }, trusted);
    expect(ok).toEqual({ ok: true, value: { loggedIn: true } });

    const signed = await router.dispatch('sign.pdf', { name: 'a.pdf', data: pdf, credential: { kind: 'token', tokenLabel: LABEL_A, keyId: '01' } }, trusted);
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    const report = await router.dispatch('verify.pdf', { name: 'a.pdf', data: (signed.value as { signed: Uint8Array }).signed, offline: true }, trusted);
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    const rep = report.value as { signatures: { integrity: string; signer: { commonName: string } }[] };
    expect(rep.signatures[0].integrity).toBe('intact');
    expect(rep.signatures[0].signer.commonName).toBe('Nguyễn Văn An');

    expect(await router.dispatch('app.lock', {}, trusted)).toEqual({ ok: true, value: { locked: true } });
    const after = await router.dispatch('sign.pdf', { name: 'a.pdf', data: pdf, credential: { kind: 'token', tokenLabel: LABEL_A, keyId: '01' } }, trusted);
    expect(after).toMatchObject({ ok: false, error: { code: 'TOKEN_NOT_LOGGED_IN' } });
  });

  it('never writes a PIN to the service log', () => {
    const log = fs.readFileSync(fx.logFile, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(PIN_A);
    expect(log).not.toContain('758302');
  });
  it('reports the PIN state the token flags give after a wrong PIN (SoftHSM2: CKF_USER_PIN_COUNT_LOW), cleared by the right one', async () => {
    const state = async () => {
      const r = await router.dispatch('tokens.list', {}, trusted);
      const t = (r as { value: { tokens: { label: string; pinState: string; pin: { remaining: string; toBeChanged: boolean }; protectedAuthPath: boolean }[] } }).value.tokens.find((x) => x.label === LABEL_B)!;
      return t;
    };
    expect((await state()).pin).toEqual({ remaining: 'many', toBeChanged: false });
    expect((await state()).protectedAuthPath).toBe(false);
    const wrong = await router.dispatch('tokens.login', { tokenLabel: LABEL_B, pin: '000111' }, trusted);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_INCORRECT' } });
    expect((await state()).pin.remaining).toBe('low');
    expect((await state()).pinState).toBe('low');
    // a token without a PIN pad is never sent an empty PIN
    expect(await router.dispatch('tokens.login', { tokenLabel: LABEL_B }, trusted)).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_REQUIRED' } });
    expect(await router.dispatch('tokens.login', { tokenLabel: LABEL_B, pin: PIN_B }, trusted)).toEqual({ ok: true, value: { loggedIn: true } });
    expect((await state()).pin.remaining).toBe('many');
    await router.dispatch('tokens.logout', { tokenLabel: LABEL_B }, trusted);
    const log = fs.readFileSync(fx.logFile, 'utf8');
    expect(log).not.toContain('000111');
    expect(log).not.toContain(PIN_B);
  });
});
