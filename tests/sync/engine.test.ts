// The sync engine against the real gateway on 127.0.0.1: exactly-once push, files before intents,
// resumable uploads, pull with the cursor saved atomically, conflicts kept and resolvable,
// stuck items with a retry action, Retry-After, sign-in expiry and offline waiting.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startTestGateway, count, dbGet, TEST_PASSWORD, type TestGateway } from '../server/fixture';
import { signedInClient, nodeFetch } from './helpers';
import { SyncEngine, type SyncStatus } from '../../src-shared/sync/engine';
import { AuthRequiredError, type FetchLike } from '../../src-shared/sync/http';
import { sha256Hex } from '../../src-shared/sync/at-rest';
import { gatewayLogOf } from './gateway-log';
import { readClientState, loginAndReadView, readGatewayLog, checkOutboxDrained, checkIntentsExactlyOnce, checkRejectionsKept, checkClientCaughtUp } from './chaos-checks';

let t: TestGateway;
beforeAll(async () => { t = await startTestGateway(); });
afterAll(async () => { await t.close(); });

const meta = (over: Record<string, unknown> = {}) => ({ typeCode: 'QD', subject: 'Quyết định ban hành quy chế làm việc', organName: 'UBND xã Gia Tân', ...over });
const pdf = (n = 2000) => new Uint8Array(randomBytes(n));

describe('push and pull', () => {
  it('pushes a draft with its file exactly once and takes the server state back', async () => {
    const { store, engine } = await signedInClient(t, 'hd-giatan.chuyenvien');
    const file = pdf();
    const id = await store.createDraft(meta(), { bytes: file, fileName: 'quyet-dinh.pdf' });
    await store.submit(id);
    await engine.syncUntilIdle();
    expect(await store.db.outbox.count()).toBe(0);
    const row = (await dbGet(t.gw, 'SELECT status, owner_org_id FROM documents WHERE id = ?', [id]));
    expect(row).toEqual({ status: 'submitted', owner_org_id: 'hd-giatan' });
    expect(await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM intents i JOIN clients c ON c.client_id = i.client_id WHERE c.client_id = ?', [await store.clientId()])).toEqual({ n: 3 });
    const local = await store.db.documents.get(id);
    expect(local).toMatchObject({ status: 'submitted', pending: 0, ownerOrgId: 'hd-giatan' });
    expect((await store.headVersion(id))!.no).toBe(1);
    expect(await t.gw.files.verifyAll()).toEqual([]);
    expect(engine.stats.applied).toBe(3);
  });

  it('lets another device of the same organisation pull the document and download the verified file', async () => {
    const a = await signedInClient(t, 'hd-giatan.chuyenvien');
    const file = pdf(5000);
    const id = await a.store.createDraft(meta({ subject: 'Kế hoạch tổ chức hội nghị' }), { bytes: file, fileName: 'ke-hoach.pdf' });
    await a.engine.syncUntilIdle();
    const b = await signedInClient(t, 'hd-giatan.vanthu');
    await b.engine.syncUntilIdle();
    const v = await b.store.headVersion(id);
    expect(v?.sha256).toBe(await sha256Hex(file));
    expect(await b.store.readFile(v!.sha256)).toEqual(file);
    // another commune's device sees nothing of it
    const c = await signedInClient(t, 'hd-yetkieu.chuyenvien');
    await c.engine.syncUntilIdle();
    expect(await c.store.db.documents.get(id)).toBeUndefined();
  });

  it('does not apply an intent twice when the gateway\'s answers are lost', async () => {
    let cut = 2;
    const lossy: FetchLike = async (url, init) => {
      const res = await nodeFetch(url, init);
      if (url.includes('/v1/push') && cut > 0) { cut--; await res.arrayBuffer(); throw new TypeError('socket hang up'); }
      return res;
    };
    const { store, engine } = await signedInClient(t, 'hd-giatan.chuyenvien', { fetch: lossy });
    const before = await count(t, 'documents');
    const id = await store.createDraft(meta());
    await store.markRead(id);
    await engine.syncUntilIdle();
    expect(await count(t, 'documents')).toBe(before + 1);
    expect(engine.stats.duplicates).toBe(2);
    expect(await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM intents WHERE client_id = ?', [await store.clientId()])).toEqual({ n: 2 });
    // the chaos test's checks (chaos-checks.test.ts shows each fails on its fault)
    const c = await readClientState(store, 'lossy', 'hd-giatan');
    const log = await gatewayLogOf(t);
    checkOutboxDrained(c); checkIntentsExactlyOnce(c, log); checkRejectionsKept(c, log);
    checkClientCaughtUp(c, await loginAndReadView(t.url, 'hd-giatan.chuyenvien', TEST_PASSWORD));
  });

  it('saves the pull cursor only together with the pulled documents', async () => {
    const a = await signedInClient(t, 'hd-stc.chuyenvien');
    for (let i = 0; i < 3; i++) await a.store.createDraft(meta({ subject: `Báo cáo ${i}` }));
    await a.engine.syncUntilIdle();
    const b = await signedInClient(t, 'hd-stc.vanthu');
    let failOnce = true;
    b.store.db.close();
    b.store.db.use({ stack: 'dbcore', name: 'crash-at-cursor', create: (down) => ({ ...down, table: (n) => {
      const tb = down.table(n);
      return { ...tb, mutate: (req) => {
        if (n === 'kv' && failOnce && req.type === 'put' && (req.values as Array<{ k: string }>).some((v) => v.k === 'cursor')) { failOnce = false; return Promise.reject(new Error('power cut')); }
        return tb.mutate(req);
      } };
    } }) });
    await b.store.db.open();
    await expect(b.engine.syncOnce()).rejects.toThrow('power cut');
    expect(await b.store.cursor()).toBe(0);
    expect(await b.store.db.documents.count()).toBe(0);
    await b.engine.syncUntilIdle();
    expect(await b.store.db.documents.count()).toBe(3);
    expect(await b.store.cursor()).toBeGreaterThan(0);
    // after the crash no change was skipped: the cursor is the org's latest and every snapshot current
    checkClientCaughtUp(await readClientState(b.store, 'after-power-cut', 'hd-stc'), await loginAndReadView(t.url, 'hd-stc.vanthu', TEST_PASSWORD));
  });
});

describe('conflicts and stuck items', () => {
  it('keeps a signature on a superseded version as a conflict and lets the user sign the latest version', async () => {
    const author = await signedInClient(t, 'hd-giatan.chuyenvien');
    const v1 = pdf();
    const id = await author.store.createDraft(meta({ subject: 'Quyết định cần ký' }), { bytes: v1, fileName: 'v1.pdf' });
    await author.engine.syncUntilIdle();
    const leader = await signedInClient(t, 'hd-giatan.lanhdao');
    const clerk = await signedInClient(t, 'hd-giatan.vanthu');
    await leader.engine.syncUntilIdle();
    await clerk.engine.syncUntilIdle();
    // both sign v1 while offline from each other
    const sigLeader = pdf();
    await leader.store.addVersion(id, { bytes: sigLeader, fileName: 'v1-ky-lanh-dao.pdf' }, 'signature');
    await clerk.store.addVersion(id, { bytes: pdf(), fileName: 'v1-ky-van-thu.pdf' }, 'signature');
    await leader.engine.syncUntilIdle();
    await clerk.engine.syncUntilIdle();
    const conflicts = await clerk.store.db.conflicts.toArray();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].error).toMatchObject({ code: 'VERSION_CONFLICT', details: { latestSha256: await sha256Hex(sigLeader), latestNo: 2 } });
    expect(conflicts[0].error.message_vi).toMatch(/phiên bản mới/);
    expect((await clerk.store.db.documents.get(id))!.conflicts).toBe(1);
    // the offered latest version is the leader's signed file, already downloaded
    const latest = await clerk.store.latestVersionFor(conflicts[0].id);
    expect(latest?.sha256).toBe(await sha256Hex(sigLeader));
    expect(await clerk.store.readFile(latest!.sha256)).toEqual(sigLeader);
    await clerk.store.addVersion(id, { bytes: pdf(), fileName: 'v2-ky-van-thu.pdf' }, 'signature', latest!.sha256);
    await clerk.store.resolveConflict(conflicts[0].id);
    await clerk.engine.syncUntilIdle();
    expect((await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM versions WHERE doc_id = ?', [id]))).toEqual({ n: 3 });
    expect((await clerk.store.db.documents.get(id))!.conflicts).toBe(0);
  });

  it('shows an item it cannot send as stuck with its reason, and sends it after "retry"', async () => {
    const { store, engine } = await signedInClient(t, 'hd-giatan.chuyenvien');
    const file = pdf();
    const id = await store.createDraft(meta(), { bytes: file, fileName: 'a.pdf' });
    await store.submit(id);
    const sha = (await store.headVersion(id))!.sha256;
    const saved = (await store.db.files.get(sha))!;
    await store.db.files.delete(sha);
    await engine.syncOnce();
    const st = await engine.refreshStatus();
    expect(st.stuck).toBe(1);
    const stuck = await store.db.outbox.where('state').equals('stuck').first();
    expect(stuck).toMatchObject({ intent: { kind: 'add_version' }, lastError: { code: 'LOCAL_FILE_MISSING' } });
    // the create_draft before it went through; the submit after it waits (order is kept)
    expect((await dbGet(t.gw, 'SELECT status FROM documents WHERE id = ?', [id]))).toEqual({ status: 'draft' });
    expect(await store.db.outbox.count()).toBe(2);
    await store.db.files.put(saved);
    expect(await store.retryStuck()).toBe(1);
    await engine.syncUntilIdle();
    expect((await dbGet(t.gw, 'SELECT status FROM documents WHERE id = ?', [id]))).toEqual({ status: 'submitted' });
  });

  it('resumes an upload from the gateway\'s offset after the engine is stopped mid-file', async () => {
    const file = pdf(3 * 256 * 1024 + 99);
    let puts = 0;
    let engineRef: SyncEngine | null = null;
    const stopping: FetchLike = async (url, init) => {
      const res = await nodeFetch(url, init);
      if (init.method === 'PUT' && ++puts === 2) void engineRef!.stop();
      return res;
    };
    const a = await signedInClient(t, 'hd-giatan.chuyenvien', { fetch: stopping, chunkSize: 256 * 1024 });
    engineRef = a.engine;
    const id = await a.store.createDraft(meta(), { bytes: file, fileName: 'lon.pdf' });
    a.engine.start();
    await a.engine.kick();
    for (let i = 0; i < 200 && a.engine.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(a.engine.running).toBe(false);
    expect(await a.store.db.outbox.count()).toBeGreaterThan(0);
    const b = new SyncEngine({ store: a.store, fetch: nodeFetch, chunkSize: 256 * 1024 });
    await b.syncUntilIdle();
    expect(b.stats.resumedUploads).toBe(1);
    expect(b.stats.uploadedBytes).toBeLessThan(file.length);
    expect((await a.store.headVersion(id))!.no).toBe(1);
    expect(await t.gw.files.verifyAll()).toEqual([]);
  });
});

describe('waiting and signing in', () => {
  it('honours Retry-After from an overloaded gateway before trying again', async () => {
    let first = true;
    const busy: FetchLike = async (url, init) => {
      if (url.includes('/v1/push') && first) { first = false; return new Response('{"error":{"code":"BUSY","message_vi":"Bận","message_en":"Busy"}}', { status: 503, headers: { 'retry-after': '2' } }); }
      return nodeFetch(url, init);
    };
    const seen: SyncStatus[] = [];
    const { store, engine } = await signedInClient(t, 'hd-giatan.chuyenvien', { fetch: busy, onStatus: (s) => seen.push({ ...s }) });
    await store.createDraft(meta());
    const startedAt = Date.now();
    engine.start();
    for (let i = 0; i < 300 && (await store.db.outbox.count()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    const retrying = seen.find((s) => s.phase === 'retrying')!;
    expect(retrying.lastError?.code).toBe('SYNC_TRANSPORT');
    expect(retrying.nextAttemptAt! - startedAt).toBeGreaterThanOrEqual(2000);
    expect(await store.db.outbox.count()).toBe(0);
  });

  it('asks to sign in again when the session is revoked, keeping the outbox', async () => {
    const { store, engine } = await signedInClient(t, 'hd-giatan.chuyenvien');
    const s = await store.getKv<{ token: string }>('session');
    await t.call(s!.token, 'POST', '/v1/auth/logout');
    await store.createDraft(meta());
    await expect(engine.syncOnce()).rejects.toBeInstanceOf(AuthRequiredError);
    expect(await store.db.outbox.count()).toBe(1);
  });

  it('waits for connectivity instead of sending while offline', async () => {
    let online = false;
    let wakeUp: () => void = () => {};
    const { store, engine } = await signedInClient(t, 'hd-giatan.chuyenvien', {
      connectivity: { isOnline: () => online, waitOnline: () => new Promise<void>((r) => { wakeUp = r; }) },
    });
    await store.createDraft(meta());
    engine.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.status.phase).toBe('offline');
    expect(engine.counters.requests).toBe(0);
    online = true; wakeUp();
    for (let i = 0; i < 200 && (await store.db.outbox.count()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    expect(await store.db.outbox.count()).toBe(0);
  });
});
