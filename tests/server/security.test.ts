// Security of the gateway: authentication, per-organisation authorisation, body limits, malformed
// input, path traversal and wrong hashes — each refused with a clear 4xx and nothing stored.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID, randomBytes } from 'node:crypto';
import { startTestGateway, mkIntent, draftMeta, upload, count, listFiles, sha256, dbGet, dbAll, type TestGateway } from './fixture';

let t: TestGateway;
let tokA: string; // commune Gia Tân official
let tokB: string; // commune Yết Kiêu official
let clientA: string;
let docA: string;
let shaA: string;

beforeAll(async () => {
  t = await startTestGateway();
  tokA = await t.login('hd-giatan.chuyenvien');
  tokB = await t.login('hd-yetkieu.chuyenvien');
  clientA = randomUUID();
  docA = randomUUID();
  shaA = await upload(t, tokA, new TextEncoder().encode('%PDF-1.7 bí mật của xã Gia Tân'));
  const r = await t.call(tokA, 'POST', '/v1/push', {
    clientId: clientA,
    intents: [
      mkIntent(clientA, { kind: 'create_draft', docId: docA, meta: draftMeta() }),
      mkIntent(clientA, { kind: 'add_version', docId: docA, sha256: shaA, size: 33, fileName: 'du-thao.pdf', versionKind: 'draft', parentSha256: null }),
    ],
  });
  expect(r.json.results.map((x: any) => x.outcome)).toEqual(['applied', 'applied']);
});
afterAll(async () => { await t.close(); });

describe('authentication', () => {
  it('refuses every data route without a session token, storing nothing', async () => {
    const before = { docs: await count(t, 'documents'), intents: await count(t, 'intents'), uploads: await count(t, 'uploads') };
    const c = randomUUID();
    const calls: Array<[string, string, unknown?]> = [
      ['POST', '/v1/push', { clientId: c, intents: [mkIntent(c, { kind: 'create_draft', docId: randomUUID(), meta: draftMeta() })] }],
      ['GET', '/v1/changes?after=0'],
      ['GET', '/v1/orgs'],
      ['POST', '/v1/uploads', { sha256: sha256(new Uint8Array([1])), size: 1 }],
      ['PUT', `/v1/uploads/${shaA}?offset=0`, new Uint8Array([1])],
      ['GET', `/v1/files/${shaA}`],
    ];
    for (const [m, p, b] of calls) {
      const r = await t.call(null, m, p, b);
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(r.json.error.code).toBe('UNAUTHENTICATED');
      expect(r.json.error.message_vi).toMatch(/đăng nhập/);
      const forged = await t.call('A'.repeat(43), m, p, b);
      expect(forged.status, `forged ${m} ${p}`).toBe(401);
    }
    expect({ docs: await count(t, 'documents'), intents: await count(t, 'intents'), uploads: await count(t, 'uploads') }).toEqual(before);
  });

  it('rejects a wrong password with the same answer as an unknown user', async () => {
    const a = await t.call(null, 'POST', '/v1/auth/login', { username: 'hd-giatan.vanthu', password: 'sai-mat-khau' });
    const b = await t.call(null, 'POST', '/v1/auth/login', { username: 'khong-ton-tai', password: 'sai-mat-khau' });
    expect(a.status).toBe(401);
    expect(b.json).toEqual(a.json);
  });

  it('stores passwords only as salted scrypt hashes', async () => {
    const rows = (await dbAll(t.gw, 'SELECT pw_hash FROM users')) as { pw_hash: string }[];
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) { expect(r.pw_hash).toMatch(/^scrypt\$16384\$8\$1\$/); expect(r.pw_hash).not.toContain('mat-khau'); }
    expect(new Set(rows.map((r) => r.pw_hash)).size).toBe(rows.length);
  });

  it('ends a session at logout and when an admin revokes the user', async () => {
    const tok = await t.login('hd-giatan.vanthu');
    expect((await t.call(tok, 'GET', '/v1/me')).status).toBe(200);
    expect((await t.call(tok, 'POST', '/v1/auth/logout')).status).toBe(200);
    expect((await t.call(tok, 'GET', '/v1/me')).status).toBe(401);

    const tok2 = await t.login('hd-giatan.vanthu');
    const me = (await t.call(tok2, 'GET', '/v1/me')).json.user;
    const admin = await t.login('hd.admin');
    // an ordinary user may not revoke
    expect((await t.call(tokB, 'POST', '/v1/admin/revoke', { userId: me.id })).status).toBe(403);
    const rv = await t.call(admin, 'POST', '/v1/admin/revoke', { userId: me.id });
    expect(rv.status).toBe(200);
    expect(rv.json.revoked).toBeGreaterThanOrEqual(1);
    expect((await t.call(tok2, 'GET', '/v1/me')).status).toBe(401);
  });

  it('expires sessions after their lifetime', async () => {
    let clock = Date.now();
    const t2 = await startTestGateway({ now: () => clock, sessionTtlMs: 60_000 });
    try {
      const tok = await t2.login('hd-giatan.chuyenvien');
      expect((await t2.call(tok, 'GET', '/v1/me')).status).toBe(200);
      clock += 61_000;
      const r = await t2.call(tok, 'GET', '/v1/me');
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('UNAUTHENTICATED');
    } finally { await t2.close(); }
  });

  it('rate-limits repeated login attempts with 429 and Retry-After', async () => {
    const t2 = await startTestGateway({ loginRateLimitPerMinute: 5 });
    try {
      const codes: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i++) {
        const r = await t2.call(null, 'POST', '/v1/auth/login', { username: 'x', password: 'y' });
        codes.push(r.status);
        if (r.status === 429) { retryAfter = r.headers.get('retry-after'); expect(r.json.error.code).toBe('RATE_LIMITED'); }
      }
      expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(codes.slice(5)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally { await t2.close(); }
  });
});

describe('per-organisation authorisation', () => {
  it('never shows one commune another commune\'s documents', async () => {
    const r = await t.call(tokB, 'GET', '/v1/changes?after=0');
    expect(r.status).toBe(200);
    expect(r.json.changes.map((d: any) => d.id)).not.toContain(docA);
    const own = await t.call(tokA, 'GET', '/v1/changes?after=0');
    expect(own.json.changes.map((d: any) => d.id)).toContain(docA);
  });

  it('refuses another commune\'s writes to a document and its file downloads', async () => {
    const c = randomUUID();
    const r = await t.call(tokB, 'POST', '/v1/push', {
      clientId: c,
      intents: [
        mkIntent(c, { kind: 'mark_read', docId: docA }),
        mkIntent(c, { kind: 'submit', docId: docA }),
        mkIntent(c, { kind: 'add_version', docId: docA, sha256: shaA, size: 33, fileName: 'x.pdf', versionKind: 'signature', parentSha256: shaA }),
      ],
    });
    expect(r.status).toBe(200);
    for (const x of r.json.results) { expect(x.outcome).toBe('rejected'); expect(x.error.code).toBe('DOC_NOT_FOUND'); }
    expect(((await dbGet(t.gw, 'SELECT status FROM documents WHERE id = ?', [docA])) as any).status).toBe('draft');
    expect(await count(t, 'reads')).toBe(0);
    const f = await t.call(tokB, 'GET', `/v1/files/${shaA}`);
    expect(f.status).toBe(404);
    expect(String(f.json)).not.toContain('bí mật');
    expect((await t.call(tokA, 'GET', `/v1/files/${shaA}`)).status).toBe(200);
  });

  it('does not let a commune reference a file it never uploaded, even knowing its hash', async () => {
    const c = randomUUID();
    const d = randomUUID();
    const r = await t.call(tokB, 'POST', '/v1/push', {
      clientId: c,
      intents: [
        mkIntent(c, { kind: 'create_draft', docId: d, meta: draftMeta() }),
        mkIntent(c, { kind: 'add_version', docId: d, sha256: shaA, size: 33, fileName: 'stolen.pdf', versionKind: 'draft', parentSha256: null }),
      ],
    });
    expect(r.json.results[1].outcome).toBe('rejected');
    expect(r.json.results[1].error.code).toBe('FILE_MISSING');
    expect((await t.call(tokB, 'GET', `/v1/files/${shaA}`)).status).toBe(404);
  });

  it('refuses to continue another user\'s client sequence', async () => {
    const r = await t.call(tokB, 'POST', '/v1/push', { clientId: clientA, intents: [mkIntent(randomUUID(), { kind: 'mark_read', docId: docA })] });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('CLIENT_FOREIGN');
  });

  it('only lets a clerk issue and only a leader approve', async () => {
    const c = randomUUID();
    const r = await t.call(tokA, 'POST', '/v1/push', {
      clientId: c,
      intents: [
        mkIntent(c, { kind: 'submit', docId: docA }),
        mkIntent(c, { kind: 'change_status', docId: docA, status: 'approved' }),
      ],
    });
    expect(r.json.results[0].outcome).toBe('applied');
    expect(r.json.results[1].error.code).toBe('ROLE_FORBIDDEN');
  });
});

describe('malformed and oversized input', () => {
  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const r = await t.call(tokA, 'POST', '/v1/push', '{"clientId": "x", intents: [');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('MALFORMED_JSON');
    const r2 = await t.call(null, 'POST', '/v1/auth/login', '{"username":');
    expect(r2.status).toBe(400);
  });

  it('answers schema violations with 400 naming the field, storing nothing', async () => {
    const before = await count(t, 'documents');
    const c = randomUUID();
    const r = await t.call(tokA, 'POST', '/v1/push', { clientId: c, intents: [mkIntent(c, { kind: 'create_draft', docId: randomUUID(), meta: { ...draftMeta(), subject: 'x'.repeat(501) } })] });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('INVALID_REQUEST');
    expect(r.json.error.message_en).toContain('subject');
    expect(await count(t, 'documents')).toBe(before);
  });

  it('refuses an oversized JSON body with 413 and stores nothing', async () => {
    const before = await count(t, 'documents');
    const c = randomUUID();
    const big = { clientId: c, intents: [mkIntent(c, { kind: 'create_draft', docId: randomUUID(), meta: { ...draftMeta(), recipients: Array(200).fill('x'.repeat(6000)) } })] };
    const r = await t.call(tokA, 'POST', '/v1/push', big);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('BODY_TOO_LARGE');
    expect(await count(t, 'documents')).toBe(before);
  });

  it('refuses an oversized upload chunk with 413 and stores nothing', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const sha = sha256(bytes);
    expect((await t.call(tokA, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length })).status).toBe(200);
    const r = await t.call(tokA, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes);
    expect(r.status).toBe(413);
    expect((await t.call(tokA, 'GET', `/v1/uploads/${sha}`)).json.offset).toBe(0);
    expect((await dbGet(t.gw, 'SELECT 1 FROM files WHERE sha256 = ?', [sha]))).toBeUndefined();
  });

  it('refuses path traversal in file names and file ids, writing nothing outside the store', async () => {
    const before = listFiles(t.dir).filter((f) => !f.startsWith('gateway.sqlite'));
    const c = randomUUID();
    for (const fileName of ['../../etc/passwd', '..\\..\\boot.ini', 'a/b.pdf', '..', 'x\u0000.pdf']) {
      const r = await t.call(tokA, 'POST', '/v1/push', {
        clientId: c,
        intents: [{ id: randomUUID(), seq: 1, createdAt: new Date().toISOString(), kind: 'add_version', docId: docA, sha256: shaA, size: 33, fileName, versionKind: 'draft', parentSha256: shaA }],
      });
      expect(r.status, fileName).toBe(400);
      expect(r.json.error.message_en).toMatch(/fileName/);
    }
    for (const p of ['/v1/files/..%2F..%2Fgateway.sqlite', '/v1/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd', `/v1/uploads/..%2F${shaA}`]) {
      const r = await t.call(tokA, 'GET', p);
      expect(r.status, p).toBe(400);
      expect(r.json.error.code).toBe('INVALID_FILE_ID');
    }
    const put = await t.call(tokA, 'PUT', '/v1/uploads/..%2F..%2Fevil?offset=0', new Uint8Array([1, 2, 3]));
    expect(put.status).toBe(400);
    expect((await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM versions WHERE doc_id = ?', [docA]))).toEqual({ n: 1 });
    expect(listFiles(t.dir).filter((f) => !f.startsWith('gateway.sqlite'))).toEqual(before);
    expect(fs.existsSync(path.join(t.dir, '..', 'evil'))).toBe(false);
  });

  it('refuses an upload whose bytes do not match the declared SHA-256 with 422 and stores nothing', async () => {
    const bytes = new TextEncoder().encode('nội dung thật');
    const claimed = sha256(new TextEncoder().encode('nội dung khác'));
    const s = await t.call(tokA, 'POST', '/v1/uploads', { sha256: claimed, size: bytes.length });
    expect(s.status).toBe(200);
    expect((await t.call(tokA, 'PUT', `/v1/uploads/${claimed}?offset=0`, bytes)).status).toBe(200);
    const f = await t.call(tokA, 'POST', `/v1/uploads/${claimed}/finalize`);
    expect(f.status).toBe(422);
    expect(f.json.error.code).toBe('HASH_MISMATCH');
    expect(f.json.error.message_vi).toMatch(/không khớp/);
    expect((await dbGet(t.gw, 'SELECT 1 FROM files WHERE sha256 = ?', [claimed]))).toBeUndefined();
    expect(fs.existsSync(t.gw.files.filePath(claimed))).toBe(false);
    expect(listFiles(path.join(t.dir, 'uploads')).some((f) => f.includes(claimed))).toBe(false);
    expect((await t.call(tokA, 'GET', `/v1/uploads/${claimed}`)).status).toBe(404);
  });

  it('refuses a chunk at the wrong offset with 409 telling the right offset', async () => {
    const bytes = randomBytes(1000);
    const sha = sha256(bytes);
    await t.call(tokA, 'POST', '/v1/uploads', { sha256: sha, size: 1000 });
    await t.call(tokA, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes.subarray(0, 400));
    const r = await t.call(tokA, 'PUT', `/v1/uploads/${sha}?offset=100`, bytes.subarray(100, 500));
    expect(r.status).toBe(409);
    expect(r.json.error.details.offset).toBe(400);
  });
});

describe('CORS', () => {
  it('lets the desktop app and loopback pages call the gateway, and no other web origin', async () => {
    const pre = (origin: string) => fetch(`${t.url}/v1/push`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    for (const origin of ['app://vanthu', 'http://127.0.0.1:5173', 'http://localhost:3000']) {
      const r = await pre(origin);
      expect(r.status, origin).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(origin);
      expect(r.headers.get('access-control-allow-headers')).toContain('authorization');
    }
    for (const origin of ['https://evil.example', 'http://127.0.0.1.evil.example', 'null']) {
      const r = await pre(origin);
      expect(r.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});
