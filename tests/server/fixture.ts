// Test fixture: a real gateway on 127.0.0.1 over a temporary data dir with the demo province,
// plus small typed helpers for calling it with fetch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { startGateway, type Gateway, type GatewayOptions } from '../../src-server/app';
import { seedDemo } from '../../src-server/seed';

export const TEST_PASSWORD = 'mat-khau-thu-nghiem';

export interface TestGateway {
  gw: Gateway;
  dir: string;
  url: string;
  login(username: string): Promise<string>;
  call(token: string | null, method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestGateway(opts: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const dir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-gw-'));
  let gw = await startGateway({ rateLimitPerMinute: 100_000, ...opts, dataDir: dir });
  if (!(gw.db.prepare('SELECT 1 FROM users LIMIT 1').get())) await seedDemo(gw.db, { password: TEST_PASSWORD });
  const t: TestGateway = {
    gw, dir, url: gw.url,
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
    async close() { await t.gw.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
  return t;
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

/** Count rows in a gateway table (to prove that nothing was stored). */
export const count = (t: TestGateway, table: string) => (t.gw.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); e.isDirectory() ? walk(p) : out.push(path.relative(dir, p)); } };
  walk(dir);
  return out;
}
