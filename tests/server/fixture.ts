// Test fixture: a real gateway on 127.0.0.1 over a temporary data dir with the demo province,
// plus small typed helpers for calling it with fetch. The engine comes from the vitest project
// (vitest.config.ts): SQLite in the data dir, or, in the "postgres" project, a fresh database made
// for each gateway in the throw-away cluster tests/server/pg-cluster.ts started (testDatabaseUrl).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { startGateway, type Gateway, type GatewayOptions } from '../../src-server/app';
import { seedDemo } from '../../src-server/seed';
import { testDatabaseUrl, dropTestDatabase } from './pg-db';

export { testDatabaseUrl, testEngine } from './pg-db';

export const TEST_PASSWORD = 'mat-khau-thu-nghiem';

export interface TestGateway {
  gw: Gateway;
  dir: string;
  url: string;
  /** The PostgreSQL database of this gateway (undefined on SQLite). */
  databaseUrl?: string;
  login(username: string): Promise<string>;
  call(token: string | null, method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestGateway(opts: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const dir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-gw-'));
  const ownDb = opts.databaseUrl === undefined ? await testDatabaseUrl() : undefined;
  if (ownDb) opts = { ...opts, databaseUrl: ownDb };
  let gw = await startGateway({ rateLimitPerMinute: 100_000, ...opts, dataDir: dir });
  if (!(await dbGet(gw, 'SELECT 1 AS one FROM users LIMIT 1'))) await seedDemo(gw.db, { password: TEST_PASSWORD });
  const t: TestGateway = {
    gw, dir, url: gw.url, databaseUrl: opts.databaseUrl,
    async login(username) {
      const r = await t.call(null, 'POST', '/v1/auth/login', { username, password: TEST_PASSWORD });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.json)}`);
      return r.json.token as string;
    },
    async call(token, method, p, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      let b: BodyInit | undefined;
      if (body instanceof Uint8Array) { b = body as unknown as BodyInit; h['content-type'] ??= 'application/octet-stream'; }
      else if (typeof body === 'string') { b = body; h['content-type'] ??= 'application/json'; }
      else if (body !== undefined) { b = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
      const res = await fetch(t.url + p, { method, headers: h, body: b });
      const text = await res.text();
      let json: any = text;
      try { json = JSON.parse(text); } catch { /* keep text */ }
      return { status: res.status, json, headers: res.headers };
    },
    async restart() {
      const port = t.gw.port;
      await t.gw.close();
      t.gw = gw = await startGateway({ rateLimitPerMinute: 100_000, ...opts, dataDir: dir, port });
    },
    async close() {
      await t.gw.close();
      fs.rmSync(dir, { recursive: true, force: true });
      if (ownDb) await dropTestDatabase(ownDb);
    },
  };
  return t;
}

/** Another node of the same gateway: same database, same file store folder, its own port. */
export function startSecondNode(t: TestGateway, opts: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  if (!t.databaseUrl) throw new Error('a second node needs PostgreSQL');
  return startTestGateway({ ...opts, databaseUrl: t.databaseUrl, files: { dir: t.dir } });
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let seqs = new Map<string, number>();
/** Build an intent with a fresh id and the next seq for `clientId`. */
export function mkIntent<B extends Record<string, unknown>>(clientId: string, body: B): B & { id: string; seq: number; createdAt: string } {
  const seq = (seqs.get(clientId) ?? 0) + 1;
  seqs.set(clientId, seq);
  return { id: randomUUID(), seq, createdAt: new Date().toISOString(), ...body };
}

export const draftMeta = (over: Record<string, unknown> = {}) => ({
  typeCode: 'QD', subject: 'Quyết định về việc phê duyệt kế hoạch chuyển đổi số năm 2026', organName: 'UBND xã Gia Tân',
  signer: { fullName: 'Lê Văn Cường', position: 'Chủ tịch', authority: 'TM.' }, doMat: 'thuong', doKhan: 'thuong',
  recipients: ['Như trên', 'Lưu: VT'], pageAmount: 2, ...over,
});

/** Upload bytes in one chunk and finalize; returns the hash. */
export async function upload(t: TestGateway, token: string, bytes: Uint8Array): Promise<string> {
  const sha = sha256(bytes);
  const s = await t.call(token, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length });
  if (s.status !== 200) throw new Error(`upload start ${s.status} ${JSON.stringify(s.json)}`);
  if (!s.json.complete) {
    const a = await t.call(token, 'PUT', `/v1/uploads/${sha}?offset=${s.json.offset}`, bytes.subarray(s.json.offset));
    if (a.status !== 200) throw new Error(`append ${a.status} ${JSON.stringify(a.json)}`);
    const f = await t.call(token, 'POST', `/v1/uploads/${sha}/finalize`);
    if (f.status !== 200) throw new Error(`finalize ${f.status} ${JSON.stringify(f.json)}`);
  }
  return sha;
}

/** Rows of a raw SQL query on the gateway's database, `?` placeholders on either engine. */
export async function dbAll<T = any>(gw: Pick<Gateway, 'db'>, text: string, params: readonly unknown[] = []): Promise<T[]> {
  let i = 0;
  const q = gw.db.engine === 'postgres' ? text.replace(/\?/g, () => `$${++i}`) : text;
  return (await gw.db.k.executeQuery(CompiledQuery.raw(q, [...params]))).rows as T[];
}
/** The first row of a raw SQL query, or undefined. */
export async function dbGet<T = any>(gw: Pick<Gateway, 'db'>, text: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await dbAll<T>(gw, text, params))[0];
}

/** Count rows in a gateway table (to prove that nothing was stored). */
export const count = async (t: TestGateway, table: string) => (await dbGet<{ n: number }>(t.gw, `SELECT COUNT(*) AS n FROM ${table}`))!.n;

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); e.isDirectory() ? walk(p) : out.push(path.relative(dir, p)); } };
  walk(dir);
  return out;
}
