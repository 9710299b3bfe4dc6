import { describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../../src-main/services/ipc/router';
import { createHandlers } from '../../src-main/services/handlers';
import { createServiceContext } from '../../src-main/services/context';
import { VanthuError } from '../../src-shared/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-ipc-'));
const handlers = createHandlers(createServiceContext({ runtime: 'host', profileDir }));
const trusted = { trusted: true, origin: 'test' };

describe('IPC router', () => {
  const router = createRouter(handlers);

  it('answers app.info with the version and the runtime', async () => {
    const r = await router.dispatch('app.info', {}, trusted);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ runtime: 'host', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('rejects an invalid payload with a typed error before the handler runs', async () => {
    let ran = false;
    const spy = createRouter({ ...handlers, 'app.echo': (req) => ((ran = true), { text: req.text, receivedAt: '' }) });
    const r = await spy.dispatch('app.echo', { text: 42 }, trusted);
    expect(ran).toBe(false);
    expect(r).toEqual({
      ok: false,
      error: { code: 'IPC_INVALID_PAYLOAD', message_vi: expect.stringContaining('không hợp lệ'), message_en: expect.stringContaining('text') },
    });
  });

  it('rejects unknown fields (strict schemas)', async () => {
    const r = await router.dispatch('app.info', { evil: true }, trusted);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('IPC_INVALID_PAYLOAD');
  });

  it('refuses an untrusted sender', async () => {
    const r = await router.dispatch('app.info', {}, { trusted: false, origin: 'iframe' });
    expect(r).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });
  });

  it('refuses an unknown channel', async () => {
    const r = await router.dispatch('fs.readFile', {}, trusted);
    expect(r).toMatchObject({ ok: false, error: { code: 'IPC_UNKNOWN_CHANNEL' } });
  });

  it('answers a thrown VanthuError as a typed error and hides other exceptions', async () => {
    const failing: Handlers = {
      ...handlers,
      'app.echo': () => {
        throw new VanthuError('DEMO', 'Lỗi thử', 'Demo failure');
      },
      'app.lock': () => {
        throw new Error('secret internal detail at /home/user');
      },
    };
    const r1 = await createRouter(failing).dispatch('app.echo', { text: 'x' }, trusted);
    expect(r1).toEqual({ ok: false, error: { code: 'DEMO', message_vi: 'Lỗi thử', message_en: 'Demo failure' } });
    const r2 = await createRouter(failing, { warn: () => undefined }).dispatch('app.lock', {}, trusted);
    expect(r2).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r2)).not.toContain('/home/user');
  });

  it('refuses a handler answer that breaks the response contract', async () => {
    const bad: Handlers = { ...handlers, 'app.echo': () => ({ text: 1 }) as never };
    const r = await createRouter(bad, { warn: () => undefined }).dispatch('app.echo', { text: 'x' }, trusted);
    expect(r).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_RESPONSE' } });
  });

  it('wraps and unwraps a key with the host-mode file protector', async () => {
    const key = new Uint8Array(32).fill(7);
    const w = await router.dispatch('secrets.wrapKey', { key: key.slice() }, trusted);
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    const value = w.value as { wrapped: Uint8Array; protection: string };
    expect(value.protection).toBe('file');
    expect(value.wrapped).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(value.wrapped).includes(Buffer.from(key))).toBe(false);
    const u = await router.dispatch('secrets.unwrapKey', { wrapped: value.wrapped }, trusted);
    expect(u.ok && Buffer.from((u.value as { key: Uint8Array }).key).equals(Buffer.from(key))).toBe(true);
    const mode = fs.statSync(path.join(profileDir, 'host-master.key')).mode & 0o777;
    expect(mode).toBe(0o600);
  });
});
