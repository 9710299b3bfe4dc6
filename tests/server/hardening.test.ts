// Hardening of the gateway after a security probe: login limits per username and per client
// address (X-Forwarded-For only behind a trusted proxy), the global limit keyed after
// authentication, upload quotas, the sweep of abandoned uploads and unused files, partial
// uploads owned by their user, private modes at rest, and no existence oracle in create_draft.
import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestGateway, mkIntent, draftMeta, upload, sha256, dbGet, dbAll, testEngine, TEST_PASSWORD, type TestGateway } from './fixture';

const HOUR = 3600_000;
const started: TestGateway[] = [];
async function gateway(opts: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const t = await startTestGateway({ sweepIntervalMs: 0, ...opts });
  started.push(t);
  return t;
}
afterEach(async () => { for (const t of started.splice(0)) await t.close(); });

const loginAs = (t: TestGateway, username: string, password: string, headers?: Record<string, string>) =>
  t.call(null, 'POST', '/v1/auth/login', { username, password }, headers);
const fakeBearer = () => randomBytes(32).toString('base64url');

describe('login limits', () => {
  it('locks a username after 10 failed logins, not its colleagues at the same address, until the window passes', async () => {
    let clock = Date.parse('2026-03-10T03:00:00Z');
    const t = await gateway({ now: () => clock, sessionTtlMs: 400 * 86400_000 });
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await loginAs(t, 'hd-giatan.chuyenvien', 'sai-mat-khau')).status);
    expect(codes).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);

    // a colleague behind the same office address signs in fine, again and again (successes do not count)
    for (let i = 0; i < 12; i++) expect((await loginAs(t, 'hd-giatan.vanthu', TEST_PASSWORD)).status).toBe(200);

    // the locked username is refused even with the right password, with Retry-After and both languages
    const locked = await loginAs(t, 'hd-giatan.chuyenvien', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe('LOGIN_LOCKED');
    expect(locked.json.error.message_vi).toMatch(/thử lại sau/);
    expect(locked.json.error.message_en).toMatch(/locked/);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);

    // an unknown username locks the same way (no hint which usernames exist)
    for (let i = 0; i < 10; i++) expect((await loginAs(t, 'khong-ton-tai', 'x')).status).toBe(401);
    expect((await loginAs(t, 'khong-ton-tai', 'x')).json.error.code).toBe('LOGIN_LOCKED');

    clock += 15 * 60_000 + 1000;
    expect((await loginAs(t, 'hd-giatan.chuyenvien', TEST_PASSWORD)).status).toBe(200);
  });

  it('counts login attempts per X-Forwarded-For address only when trustProxy is set', async () => {
    for (const trustProxy of [true, 1, ['127.0.0.1'], '127.0.0.1/8']) {
      const t = await gateway({ trustProxy, loginRateLimitPerMinute: 3 });
      const from = (ip: string, user: string) => loginAs(t, user, 'sai', { 'x-forwarded-for': ip });
      for (let i = 0; i < 3; i++) expect((await from('10.0.0.1', `u${i}`)).status, `trustProxy ${JSON.stringify(trustProxy)}`).toBe(401);
      const over = await from('10.0.0.1', 'u9');
      expect(over.status).toBe(429);
      expect(over.json.error.code).toBe('RATE_LIMITED');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await from('10.0.0.2', 'u9')).status, `trustProxy ${JSON.stringify(trustProxy)}`).toBe(401);
    }
    // without it the header is ignored: every "address" is the socket's
    const t = await gateway({ loginRateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await loginAs(t, `u${i}`, 'sai', { 'x-forwarded-for': `10.0.1.${i}` })).status).toBe(401);
    expect((await loginAs(t, 'u9', 'sai', { 'x-forwarded-for': '10.0.1.9' })).status).toBe(429);
  });
});

describe('global rate limit', () => {
  it('counts requests with fake bearers per client address, and each signed-in user on their own budget', async () => {
    const t = await gateway({ rateLimitPerMinute: 5 });
    const tokA = await t.login('hd-giatan.chuyenvien');
    const tokB = await t.login('hd-yetkieu.chuyenvien');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await t.call(fakeBearer(), 'GET', '/v1/me')).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const r = await t.call(null, 'GET', '/v1/orgs');
    expect(r.status).toBe(429);
    expect(r.json.error.code).toBe('RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);

    // the address is spent, the users are not
    for (let i = 0; i < 5; i++) expect((await t.call(tokA, 'GET', '/v1/me')).status).toBe(200);
    expect((await t.call(tokA, 'GET', '/v1/me')).status).toBe(429);
    expect((await t.call(tokB, 'GET', '/v1/me')).status).toBe(200);
  });
});

describe('upload quotas', () => {
  it('refuses unfinished uploads over the per-user and per-organisation byte limits with 413', async () => {
    const t = await gateway({ uploadLimits: { userBytes: 1000, orgBytes: 1500 } });
    const a = await t.login('hd-giatan.chuyenvien');
    const b = await t.login('hd-giatan.vanthu');
    const start = (tok: string, size: number, sha = sha256(randomBytes(8))) => t.call(tok, 'POST', '/v1/uploads', { sha256: sha, size });
    const firstBytes = randomBytes(600);
    const first = sha256(firstBytes);
    expect((await start(a, 600, first)).status).toBe(200);
    const over = await start(a, 500);
    expect(over.status).toBe(413);
    expect(over.json.error).toMatchObject({ code: 'UPLOAD_QUOTA_BYTES', details: { scope: 'user', limitBytes: 1000, reservedBytes: 600 } });
    expect(over.json.error.message_vi).toMatch(/hạn mức/);
    expect(over.json.error.message_en).toMatch(/quota/);
    expect((await start(a, 600, first)).status).toBe(200); // resuming is not a new reservation
    expect((await start(b, 800)).status).toBe(200);
    const org = await start(b, 200);
    expect(org.status).toBe(413);
    expect(org.json.error.details.scope).toBe('org');
    // finishing an upload frees its reservation
    await t.call(a, 'PUT', `/v1/uploads/${first}?offset=0`, firstBytes);
    expect((await t.call(a, 'POST', `/v1/uploads/${first}/finalize`)).json.complete).toBe(true);
    expect((await start(a, 500)).status).toBe(200);
  });

  it('refuses more unfinished uploads than the per-user and per-organisation counts with 429', async () => {
    const t = await gateway({ uploadLimits: { userCount: 3, orgCount: 4 } });
    const a = await t.login('hd-yetkieu.chuyenvien');
    const b = await t.login('hd-yetkieu.vanthu');
    const start = (tok: string, bytes: Uint8Array) => t.call(tok, 'POST', '/v1/uploads', { sha256: sha256(bytes), size: bytes.length });
    const files = Array.from({ length: 4 }, () => randomBytes(10));
    for (const f of files.slice(0, 3)) expect((await start(a, f)).status).toBe(200);
    const over = await start(a, files[3]);
    expect(over.status).toBe(429);
    expect(over.json.error).toMatchObject({ code: 'UPLOAD_QUOTA_COUNT', details: { scope: 'user', limit: 3 } });
    expect(over.json.error.message_vi).toMatch(/quá nhiều/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // finishing one frees a slot
    await t.call(a, 'PUT', `/v1/uploads/${sha256(files[0])}?offset=0`, files[0]);
    expect((await t.call(a, 'POST', `/v1/uploads/${sha256(files[0])}/finalize`)).json.complete).toBe(true);
    expect((await start(a, files[3])).status).toBe(200);
    // the organisation's count: a holds 3, b may start one more, then no one may
    expect((await start(b, randomBytes(10))).status).toBe(200);
    const org = await start(b, randomBytes(10));
    expect(org.status).toBe(429);
    expect(org.json.error.details.scope).toBe('org');
  });
});

describe('sweep', () => {
  it('deletes partial uploads after their TTL and stored files no version uses after a grace period', async () => {
    let clock = Date.parse('2026-03-10T03:00:00Z');
    const t = await gateway({ now: () => clock, sessionTtlMs: 400 * 86400_000 });
    const tok = await t.login('hd-giatan.chuyenvien');
    const unused = await upload(t, tok, randomBytes(100));
    const reclaimed = await upload(t, tok, randomBytes(100));
    const used = await upload(t, tok, randomBytes(100));
    const c = randomUUID();
    const docId = randomUUID();
    const push = await t.call(tok, 'POST', '/v1/push', { clientId: c, intents: [
      mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() }),
      mkIntent(c, { kind: 'add_version', docId, sha256: used, size: 100, fileName: 'du-thao.pdf', versionKind: 'draft', parentSha256: null }),
    ] });
    expect(push.json.results.map((r: any) => r.outcome)).toEqual(['applied', 'applied']);
    const partial = randomBytes(200);
    const idle = sha256(partial);
    const busy = sha256(randomBytes(300));
    await t.call(tok, 'POST', '/v1/uploads', { sha256: idle, size: 200 });
    await t.call(tok, 'PUT', `/v1/uploads/${idle}?offset=0`, partial.subarray(0, 50));
    await t.call(tok, 'POST', '/v1/uploads', { sha256: busy, size: 300 });
    const parts = () => fs.readdirSync(path.join(t.dir, 'uploads'));
    expect(parts()).toHaveLength(2);

    clock += 23 * HOUR;
    expect(await t.gw.sweep()).toEqual({ partialUploads: 0, unusedFiles: 0 });
    await t.call(tok, 'PUT', `/v1/uploads/${busy}?offset=0`, randomBytes(10)); // activity keeps it alive
    expect((await t.call(tok, 'POST', '/v1/uploads', { sha256: reclaimed, size: 100 })).json.complete).toBe(true); // so does a new claim

    clock += 2 * HOUR; // 25 h: the unused file is past its grace period, a fresh one is not
    const fresh = await upload(t, tok, randomBytes(100));
    expect(await t.gw.sweep()).toEqual({ partialUploads: 0, unusedFiles: 1 });
    expect(fs.existsSync(t.gw.files.filePath(unused))).toBe(false);
    expect((await dbGet(t.gw, 'SELECT 1 FROM files WHERE sha256 = ?', [unused]))).toBeUndefined();
    expect((await t.call(tok, 'GET', `/v1/files/${unused}`)).status).toBe(404);
    expect((await t.call(tok, 'POST', '/v1/uploads', { sha256: unused, size: 100 })).json).toMatchObject({ complete: false, offset: 0 });
    for (const sha of [used, fresh, reclaimed]) expect((await t.call(tok, 'GET', `/v1/files/${sha}`)).status).toBe(200);

    clock += 24 * HOUR; // 49 h: `idle` was last touched 49 h ago, `busy` 26 h ago
    expect((await t.gw.sweep()).partialUploads).toBe(1);
    expect((await t.call(tok, 'GET', `/v1/uploads/${idle}`)).status).toBe(404);
    expect((await t.call(tok, 'GET', `/v1/uploads/${busy}`)).json.offset).toBe(10);
    expect(parts().some((p) => p.includes(idle))).toBe(false);
    expect((await t.call(tok, 'GET', `/v1/files/${used}`)).status).toBe(200);
    expect(await t.gw.files.verifyAll()).toEqual([]);
  });

  it('also runs on a schedule when asked', async () => {
    let clock = Date.now();
    const t = await gateway({ now: () => clock, sessionTtlMs: 400 * 86400_000, sweepIntervalMs: 20 });
    const tok = await t.login('hd-giatan.chuyenvien');
    const sha = sha256(randomBytes(10));
    await t.call(tok, 'POST', '/v1/uploads', { sha256: sha, size: 10 });
    clock += 49 * HOUR;
    for (let i = 0; i < 100 && (await dbGet(t.gw, 'SELECT 1 FROM uploads')); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await t.call(tok, 'GET', `/v1/uploads/${sha}`)).status).toBe(404);
  });
});

describe('partial uploads belong to their user', () => {
  it('keeps colleagues\' partial uploads of the same file apart, and stores the file once', async () => {
    const t = await gateway();
    const a = await t.login('hd-giatan.chuyenvien');
    const b = await t.login('hd-giatan.vanthu');
    const c = await t.login('hd-giatan.lanhdao');
    const bytes = randomBytes(1000);
    const sha = sha256(bytes);
    await t.call(a, 'POST', '/v1/uploads', { sha256: sha, size: 1000 });
    await t.call(a, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes.subarray(0, 400));

    // a colleague who never started it can neither read its state nor append to it
    expect((await t.call(c, 'GET', `/v1/uploads/${sha}`)).status).toBe(404);
    expect((await t.call(c, 'PUT', `/v1/uploads/${sha}?offset=400`, bytes.subarray(400))).status).toBe(404);
    expect((await t.call(c, 'POST', `/v1/uploads/${sha}/finalize`)).status).toBe(404);

    // another colleague restarting the same hash with another size gets their own upload
    const s = await t.call(b, 'POST', '/v1/uploads', { sha256: sha, size: 999 });
    expect(s.json).toMatchObject({ offset: 0, size: 999, complete: false });
    const wrong = await t.call(b, 'PUT', `/v1/uploads/${sha}?offset=400`, bytes.subarray(400, 500));
    expect(wrong.status).toBe(409);
    expect(wrong.json.error.details.offset).toBe(0);
    expect((await t.call(b, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes.subarray(0, 100))).json.offset).toBe(100);
    expect((await t.call(b, 'POST', `/v1/uploads/${sha}/finalize`)).status).toBe(409);
    expect((await t.call(a, 'GET', `/v1/uploads/${sha}`)).json).toMatchObject({ offset: 400, size: 1000 });

    // a finishes; the organisation then has one stored file, and b's start answers complete
    await t.call(a, 'PUT', `/v1/uploads/${sha}?offset=400`, bytes.subarray(400));
    expect((await t.call(a, 'POST', `/v1/uploads/${sha}/finalize`)).json.complete).toBe(true);
    expect((await t.call(b, 'POST', '/v1/uploads', { sha256: sha, size: 1000 })).json.complete).toBe(true);
    expect((await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM files WHERE sha256 = ?', [sha]))).toEqual({ n: 1 });
    expect((await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM uploads WHERE sha256 = ?', [sha]))).toEqual({ n: 0 });
    expect(fs.readdirSync(path.join(t.dir, 'uploads')).filter((p) => p.includes(sha))).toEqual([]);
    expect(fs.readFileSync(t.gw.files.filePath(sha))).toEqual(bytes);
  });

  // Only SQLite databases predate the Kysely migrations.
  it.skipIf(testEngine() === 'postgres')('migrates a v1 database: uploads are keyed by user and old partial files are removed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-gw-v1-'));
    const oldSha = sha256(randomBytes(8));
    const v1 = new Database(path.join(dir, 'gateway.sqlite'));
    v1.exec(`CREATE TABLE uploads (org_id TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, offset INTEGER NOT NULL,
      user_id TEXT NOT NULL, started_at INTEGER NOT NULL, PRIMARY KEY (org_id, sha256));
      CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '1');`);
    v1.prepare('INSERT INTO uploads VALUES (?, ?, 10, 4, ?, 0)').run('hd-giatan', oldSha, 'someone');
    v1.close();
    fs.mkdirSync(path.join(dir, 'uploads'));
    fs.writeFileSync(path.join(dir, 'uploads', `hd-giatan-${oldSha}.part`), 'abcd');
    // a leftover from before the upgrade (a part written in the last minutes may be another node's)
    const hourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(dir, 'uploads', `hd-giatan-${oldSha}.part`), hourAgo, hourAgo);
    fs.writeFileSync(path.join(dir, 'uploads', 'hd-giatan.fresh.part'), 'just started elsewhere');

    const t = await gateway({ dataDir: dir });
    expect(await t.gw.db.applied()).toEqual(['001_base', '002_stateless']);
    const pk = ((await dbAll(t.gw, 'PRAGMA table_info(uploads)')) as { name: string; pk: number }[]).filter((c) => c.pk > 0).map((c) => c.name);
    expect(pk).toEqual(['org_id', 'sha256', 'user_id']);
    expect(fs.readdirSync(path.join(dir, 'uploads'))).toEqual(['hd-giatan.fresh.part']);
    const tok = await t.login('hd-giatan.chuyenvien');
    expect((await t.call(tok, 'GET', `/v1/uploads/${oldSha}`)).status).toBe(404);
    await upload(t, tok, randomBytes(64));
  });
});

describe('modes at rest', () => {
  const mode = (p: string) => fs.statSync(p).mode & 0o777;

  it('creates the database, folders and files private whatever the umask, and fixes looser ones at the next open', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-gw-modes-'));
    const dir = path.join(parent, 'data');
    const old = process.umask(0o022);
    const t = await gateway({ dataDir: dir });
    try {
      const tok = await t.login('hd-giatan.chuyenvien');
      const stored = await upload(t, tok, randomBytes(100));
      const partSha = sha256(randomBytes(8));
      await t.call(tok, 'POST', '/v1/uploads', { sha256: partSha, size: 8 });
      await t.call(tok, 'PUT', `/v1/uploads/${partSha}?offset=0`, randomBytes(4));
      const [part] = fs.readdirSync(path.join(dir, 'uploads'));
      const db = path.join(dir, 'gateway.sqlite');
      const want: Array<[string, number]> = [
        [dir, 0o700], ...(testEngine() === 'sqlite' ? [[db, 0o600], [`${db}-wal`, 0o600], [`${db}-shm`, 0o600]] as Array<[string, number]> : []),
        [path.join(dir, 'files'), 0o700], [path.dirname(t.gw.files.filePath(stored)), 0o700], [t.gw.files.filePath(stored), 0o600],
        [path.join(dir, 'uploads'), 0o700], [path.join(dir, 'uploads', part), 0o600],
      ];
      for (const [p, m] of want) expect(mode(p).toString(8), path.relative(parent, p)).toBe(m.toString(8));

      // a store made earlier with looser modes is fixed when the gateway opens it again
      for (const [p, m] of want) fs.chmodSync(p, m === 0o700 ? 0o755 : 0o644);
      await t.restart();
      for (const [p, m] of want) expect(mode(p).toString(8), `reopened ${path.relative(parent, p)}`).toBe(m.toString(8));
    } finally {
      process.umask(old);
      await t.close();
      started.splice(started.indexOf(t), 1);
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('no existence oracle', () => {
  it('answers create_draft on another organisation\'s document id with DOC_NOT_FOUND, like every other intent', async () => {
    const t = await gateway();
    const a = await t.login('hd-giatan.chuyenvien');
    const b = await t.login('hd-yetkieu.chuyenvien');
    const colleague = await t.login('hd-giatan.vanthu');
    const docId = randomUUID();
    const ca = randomUUID();
    await t.call(a, 'POST', '/v1/push', { clientId: ca, intents: [mkIntent(ca, { kind: 'create_draft', docId, meta: draftMeta() })] });

    const cb = randomUUID();
    const r = await t.call(b, 'POST', '/v1/push', { clientId: cb, intents: [
      mkIntent(cb, { kind: 'create_draft', docId, meta: draftMeta() }),
      mkIntent(cb, { kind: 'submit', docId }),
      mkIntent(cb, { kind: 'create_draft', docId: randomUUID(), meta: draftMeta() }),
      mkIntent(cb, { kind: 'submit', docId: randomUUID() }),
    ] });
    const [exists, submit, , unknown] = r.json.results;
    expect(exists.error.code).toBe('DOC_NOT_FOUND');
    expect(exists.error).toEqual(submit.error);
    expect(exists.error).toEqual(unknown.error);
    expect(r.json.results[2].outcome).toBe('applied');

    // within the organisation that can see it, the document does exist
    const cc = randomUUID();
    const own = await t.call(colleague, 'POST', '/v1/push', { clientId: cc, intents: [mkIntent(cc, { kind: 'create_draft', docId, meta: draftMeta() })] });
    expect(own.json.results[0].error.code).toBe('DOC_EXISTS');
  });
});
