// Several stateless gateway nodes on one PostgreSQL and one shared file store (issue 14, item 2-3):
// sessions, rate-limit windows, upload state and the change feed are shared, and a client pulling
// through alternating nodes never skips a change committed through another one, even with many
// concurrent writers. SQLite is single-node by design, so these run in the "postgres" project only.
import { describe, it, expect, afterEach } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestGateway, startSecondNode, mkIntent, draftMeta, sha256, testEngine, type TestGateway } from './fixture';
import { openDatabase } from '../../src-server/db';
import { newDatabase, dropTestDatabase } from './pg-db';

const started: TestGateway[] = [];
afterEach(async () => { for (const t of started.splice(0).reverse()) await t.close(); });
async function twoNodes(): Promise<[TestGateway, TestGateway]> {
  const a = await startTestGateway();
  started.push(a);
  const b = await startSecondNode(a);
  started.push(b);
  return [a, b];
}

describe.skipIf(testEngine() !== 'postgres')('two gateway nodes on one PostgreSQL', () => {
  it('migrates once when two nodes start together on an empty database', async () => {
    const url = await newDatabase(process.env.VANTHU_TEST_PG_URL!);
    try {
      const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ url, sqliteFile: '' })));
      for (const d of dbs) expect(await d.applied()).toEqual(['001_base', '002_stateless']);
      for (const d of dbs) await d.close();
    } finally { await dropTestDatabase(url); }
  });

  it('shares sessions, logouts and login locks between nodes', async () => {
    const [a, b] = await twoNodes();
    const tok = await a.login('hd-giatan.chuyenvien');
    expect((await b.call(tok, 'GET', '/v1/me')).status).toBe(200);
    await b.call(tok, 'POST', '/v1/auth/logout');
    expect((await a.call(tok, 'GET', '/v1/me')).status).toBe(401);
    // 10 failed logins spread over both nodes lock the username on both
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).call(null, 'POST', '/v1/auth/login', { username: 'hd-giatan.vanthu', password: 'sai' });
    for (const n of [a, b]) expect((await n.call(null, 'POST', '/v1/auth/login', { username: 'hd-giatan.vanthu', password: 'sai' })).json.error.code).toBe('LOGIN_LOCKED');
  });

  it('counts the per-user rate limit across nodes', async () => {
    const a = await startTestGateway({ rateLimitPerMinute: 6 });
    started.push(a);
    const b = await startSecondNode(a, { rateLimitPerMinute: 6 });
    started.push(b);
    const tok = await a.login('hd-giatan.chuyenvien');
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await (i % 2 ? a : b).call(tok, 'GET', '/v1/me')).status);
    expect(codes.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(codes.slice(6)).toEqual([429, 429]);
  });

  it('continues a resumable upload on another node, and serves the file from both', async () => {
    const [a, b] = await twoNodes();
    const tok = await a.login('hd-giatan.chuyenvien');
    const bytes = randomBytes(300_000);
    const sha = sha256(bytes);
    expect((await a.call(tok, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length })).json.offset).toBe(0);
    expect((await a.call(tok, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes.subarray(0, 100_000))).json.offset).toBe(100_000);
    // node a "dies"; the client asks node b where it was and goes on there
    expect((await b.call(tok, 'GET', `/v1/uploads/${sha}`)).json).toMatchObject({ offset: 100_000, complete: false });
    expect((await b.call(tok, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length })).json.offset).toBe(100_000);
    // the same chunk sent twice (a retry through the other node) is counted once
    expect((await b.call(tok, 'PUT', `/v1/uploads/${sha}?offset=100000`, bytes.subarray(100_000, 200_000))).json.offset).toBe(200_000);
    expect((await a.call(tok, 'PUT', `/v1/uploads/${sha}?offset=100000`, bytes.subarray(100_000, 200_000))).json.error.details.offset).toBe(200_000);
    expect((await a.call(tok, 'PUT', `/v1/uploads/${sha}?offset=200000`, bytes.subarray(200_000))).json.offset).toBe(300_000);
    expect((await b.call(tok, 'POST', `/v1/uploads/${sha}/finalize`)).json.complete).toBe(true);
    const c = randomUUID();
    const docId = randomUUID();
    const push = await a.call(tok, 'POST', '/v1/push', { clientId: c, intents: [
      mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() }),
      mkIntent(c, { kind: 'add_version', docId, sha256: sha, size: bytes.length, fileName: 'du-thao.pdf', versionKind: 'draft', parentSha256: null }),
    ] });
    expect(push.json.results.map((r: any) => r.outcome)).toEqual(['applied', 'applied']);
    for (const n of [a, b]) {
      const r = await fetch(`${n.url}/v1/files/${sha}`, { headers: { authorization: `Bearer ${tok}` } });
      expect(sha256(new Uint8Array(await r.arrayBuffer()))).toBe(sha);
    }
  });

  it('never lets a puller alternating nodes skip a change committed on another node', async () => {
    const [a, b] = await twoNodes();
    const nodes = [a, b];
    const WRITERS = 8;
    const PER_WRITER = 25;
    const writerTok = await Promise.all(Array.from({ length: WRITERS }, (_, i) => a.login(i % 2 ? 'hd-giatan.chuyenvien' : 'hd-giatan.vanthu')));
    const readerTok = await a.login('hd-giatan.lanhdao');
    const created = new Set<string>();
    let writing = true;

    const writer = async (w: number) => {
      const c = randomUUID();
      for (let i = 0; i < PER_WRITER; i++) {
        const docId = randomUUID();
        const r = await nodes[(w + i) % 2].call(writerTok[w], 'POST', '/v1/push', { clientId: c, intents: [mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() })] });
        expect(r.json.results?.[0]?.outcome, JSON.stringify(r.json)).toBe('applied');
        created.add(docId);
      }
    };
    // The puller never re-reads: what it has not seen after its cursor passed is lost for good.
    const seen = new Set<string>();
    const cursors: number[] = [];
    let pulls = 0;
    const pullOnce = async () => {
      const after = cursors.at(-1) ?? 0;
      const r = await nodes[pulls++ % 2].call(readerTok, 'GET', `/v1/changes?after=${after}&limit=20`);
      expect(r.status).toBe(200);
      for (const d of r.json.changes) seen.add(d.id);
      expect(r.json.cursor).toBeGreaterThanOrEqual(after);
      cursors.push(r.json.cursor);
      return r.json.hasMore as boolean;
    };
    const puller = async () => { while (writing) await pullOnce(); while (await pullOnce()); };
    const p = puller();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await p;
    expect(created.size).toBe(WRITERS * PER_WRITER);
    const missed = [...created].filter((id) => !seen.has(id));
    expect(missed, `pulls: ${pulls}`).toEqual([]);
    expect(pulls).toBeGreaterThan(5); // it really pulled while the writers wrote
  });
});
