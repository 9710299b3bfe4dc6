// Operations and faults (issue 14, item 6 and "Bad input and faults"), on the project's engine:
// /health and /ready, logs without secrets, a database migrated by a newer gateway refused at start,
// and, on PostgreSQL, an unreachable database (503 + Retry-After, recovery by itself) and a bounded
// connection pool.
import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { startTestGateway, testEngine, TEST_PASSWORD, type TestGateway } from './fixture';
import { buildGateway, startGateway } from '../../src-server/app';
import { seedDemo } from '../../src-server/seed';
import { openDatabase, DbUnavailable } from '../../src-server/db';
import { gatewayLogger } from '../../src-server/log';
import { startCluster, removeCluster, startServer, stopServer, type Cluster } from './pg-cluster';
import { newDatabase } from './pg-db';

const started: TestGateway[] = [];
afterEach(async () => { for (const t of started.splice(0)) await t.close(); });
const gateway = async (o: Parameters<typeof startTestGateway>[0] = {}) => { const t = await startTestGateway(o); started.push(t); return t; };

describe('operations', () => {
  it('answers /health without the database and /ready once the database answers and is migrated', async () => {
    const t = await gateway();
    expect((await t.call(null, 'GET', '/health')).json).toEqual({ ok: true });
    const r = await t.call(null, 'GET', '/ready');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ok: true, engine: testEngine(), migrations: 2 });
  });

  it('logs requests as JSON lines without passwords, tokens or PINs', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } });
    const t = await gateway({ logger: gatewayLogger('debug', sink) });
    const tok = await t.login('hd-giatan.chuyenvien');
    await t.call(tok, 'GET', '/v1/me');
    await t.call(null, 'POST', '/v1/auth/login', { username: 'hd-giatan.vanthu', password: 'sai-mat-khau-123', pin: '123456' });
    await t.call(`${tok}x`, 'GET', '/v1/nowhere');
    t.gw.app.log.info({ req: { headers: { authorization: `Bearer ${tok}` } }, body: { password: TEST_PASSWORD, pin: '654321' } }, 'a careless log call');
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(text).toContain('"url":"/v1/me"');
    for (const secret of [tok, TEST_PASSWORD, 'sai-mat-khau-123', '123456', '654321']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('refuses to start on a database migrated by a newer gateway, with a clear message', async () => {
    const t = await gateway();
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(t.gw.db.k);
    await t.gw.close();
    await expect(buildGateway({ dataDir: t.dir, databaseUrl: t.databaseUrl }))
      .rejects.toThrow(/migrated by a newer version of the gateway \(unknown migrations: 999_from_the_future; this version knows up to 002_stateless\)/);
    // the old gateway stays stopped; the fixture's close() must not fail on it
    t.gw.close = async () => {};
  });
});

describe.skipIf(testEngine() !== 'postgres')('PostgreSQL faults', () => {
  let cluster: Cluster | undefined;
  afterEach(() => { if (cluster) removeCluster(cluster); cluster = undefined; });

  it('fails fast with 503 and Retry-After while the database is down, and recovers by itself', async () => {
    cluster = await startCluster({ durable: true });
    const url = await newDatabase(cluster.url);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-gw-down-'));
    const gw = await startGateway({ dataDir: dir, databaseUrl: url, pool: { acquireTimeoutMs: 2000 } });
    try {
      await seedDemo(gw.db, { password: TEST_PASSWORD });
      const login = () => fetch(`${gw.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hd-giatan.chuyenvien', password: TEST_PASSWORD }) });
      const { token } = await (await login()).json() as { token: string };
      const me = () => fetch(`${gw.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await me()).status).toBe(200);

      stopServer(cluster);
      for (const call of [me, login, () => fetch(`${gw.url}/v1/changes?after=0`, { headers: { authorization: `Bearer ${token}` } })]) {
        const t0 = Date.now();
        const r = await call();
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('5');
        expect((await r.json()).error.code).toBe('DB_UNAVAILABLE');
        expect(Date.now() - t0).toBeLessThan(2500);
      }
      expect((await fetch(`${gw.url}/ready`)).status).toBe(503);
      expect((await fetch(`${gw.url}/health`)).status).toBe(200);

      startServer(cluster);
      await expect.poll(async () => (await me()).status, { timeout: 20_000, interval: 200 }).toBe(200);
      expect((await fetch(`${gw.url}/ready`)).status).toBe(200);
    } finally {
      await gw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('queues for a busy pool up to a bound, then refuses at once instead of piling up', async () => {
    const db = await openDatabase({ url: process.env.VANTHU_TEST_PG_URL, sqliteFile: '', poolMax: 1, queueMax: 3, acquireTimeoutMs: 3000 });
    try {
      const hold = db.tx(async (q) => { await sql`SELECT pg_sleep(0.5)`.execute(q); });
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      const all = await Promise.allSettled(Array.from({ length: 10 }, () => db.ping()));
      await hold;
      const ok = all.filter((r) => r.status === 'fulfilled').length;
      const refused = all.filter((r) => r.status === 'rejected' && r.reason instanceof DbUnavailable).length;
      expect(ok).toBe(3); // the queue's bound, served once the connection was free
      expect(refused).toBe(7);
      expect(Date.now() - t0).toBeLessThan(2000);
      await db.ping(); // and the pool works on
    } finally { await db.close(); }
  });

  it('answers 503 with Retry-After, not 500, when requests exceed the pool and its queue', async () => {
    const t = await gateway({ pool: { max: 1, queueMax: 2 } });
    const tok = await t.login('hd-giatan.chuyenvien');
    const hold = t.gw.db.tx(async (q) => { await sql`SELECT pg_sleep(0.5)`.execute(q); });
    await new Promise((r) => setTimeout(r, 50));
    const rs = await Promise.all(Array.from({ length: 20 }, () => t.call(tok, 'GET', '/v1/orgs')));
    await hold;
    const codes = rs.map((r) => r.status);
    expect(codes.every((c) => c === 200 || c === 503)).toBe(true);
    expect(codes.filter((c) => c === 503).length).toBeGreaterThan(0);
    for (const r of rs.filter((x) => x.status === 503)) expect(r.headers.get('retry-after')).toBe('5');
    expect((await t.call(tok, 'GET', '/v1/orgs')).status).toBe(200);
  });
});
