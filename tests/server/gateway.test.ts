// Gateway behaviour: Decree 30 numbering at issue, exactly-once intents, resumable uploads that
// survive a restart, version conflicts, delivery to recipients with số đến, and /openapi.json.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID, randomBytes } from 'node:crypto';
import { startTestGateway, mkIntent, draftMeta, upload, sha256, dbGet, dbAll, type TestGateway } from './fixture';

let t: TestGateway;
let clock = Date.parse('2026-03-10T03:00:00Z');
let official: string, leader: string, clerk: string;

beforeAll(async () => {
  t = await startTestGateway({ now: () => clock, sessionTtlMs: 400 * 86400_000 });
  official = await t.login('hd-giatan.chuyenvien');
  leader = await t.login('hd-giatan.lanhdao');
  clerk = await t.login('hd-giatan.vanthu');
});
afterAll(async () => { await t.close(); });

async function push(token: string, clientId: string, intents: any[]) {
  const r = await t.call(token, 'POST', '/v1/push', { clientId, intents });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json;
}

/** Draft → version → submit → approve → issue; returns the issue result. */
async function issueDoc(meta: Record<string, unknown>) {
  const docId = randomUUID();
  const co = randomUUID(), cl = randomUUID(), cc = randomUUID();
  const sha = await upload(t, official, randomBytes(64));
  await push(official, co, [
    mkIntent(co, { kind: 'create_draft', docId, meta: draftMeta(meta) }),
    mkIntent(co, { kind: 'add_version', docId, sha256: sha, size: 64, fileName: 'du-thao.pdf', versionKind: 'draft', parentSha256: null }),
    mkIntent(co, { kind: 'submit', docId }),
  ]);
  await push(leader, cl, [mkIntent(cl, { kind: 'change_status', docId, status: 'approved' })]);
  const r = await push(clerk, cc, [mkIntent(cc, { kind: 'change_status', docId, status: 'issued' })]);
  expect(r.results[0].outcome, JSON.stringify(r.results[0])).toBe('applied');
  return { docId, ...r.results[0].result };
}

describe('numbering per Decree 30', () => {
  it('numbers issued documents from 01 per organisation and year, with a separate confidential register', async () => {
    const a = await issueDoc({ typeCode: 'QD' });
    const b = await issueDoc({ typeCode: 'TTR' });
    const m = await issueDoc({ typeCode: 'QD', doMat: 'mat' });
    const c = await issueDoc({ typeCode: 'CV', unitAbbr: 'VP' });
    expect([a.soKyHieu, b.soKyHieu, c.soKyHieu]).toEqual(['01/QĐ-UBND', '02/TTr-UBND', '03/UBND-VP']);
    expect(m).toMatchObject({ so: 1, register: 'confidential', soKyHieu: '01/QĐ-UBND' });
    expect(a.issuedDate).toBe('2026-03-10');
    // another commune has its own register
    const other = await t.login('hd-yetkieu.chuyenvien');
    const c2 = randomUUID();
    const r = await push(other, c2, [mkIntent(c2, { kind: 'create_draft', docId: randomUUID(), meta: draftMeta() })]);
    expect(r.results[0].outcome).toBe('applied');
    const keys = (await dbAll(t.gw, 'SELECT org_id, year, register, so, ky_hieu FROM issues')) as any[];
    expect(new Set(keys.map((k) => `${k.org_id}|${k.year}|${k.register}|${k.so}/${k.ky_hieu}`)).size).toBe(keys.length);
  });

  it('starts again at 01 on 1 January (Vietnam time)', async () => {
    clock = Date.parse('2026-12-31T16:30:00Z'); // 23:30 on 31 Dec in Hà Nội
    const last = await issueDoc({ typeCode: 'TB' });
    expect(last.issuedDate).toBe('2026-12-31');
    expect(last.so).toBeGreaterThan(1);
    clock = Date.parse('2026-12-31T17:30:00Z'); // 00:30 on 1 Jan 2027 in Hà Nội
    const first = await issueDoc({ typeCode: 'TB' });
    expect(first).toMatchObject({ so: 1, issuedDate: '2027-01-01', soKyHieu: '01/TB-UBND' });
    clock = Date.parse('2026-03-10T03:00:00Z');
  });
});

describe('exactly-once intents', () => {
  it('applies an intent once and answers a replay with its first result', async () => {
    const c = randomUUID();
    const it1 = mkIntent(c, { kind: 'create_draft', docId: randomUUID(), meta: draftMeta() });
    const first = await push(official, c, [it1]);
    const again = await push(official, c, [it1]);
    expect(first.results[0].outcome).toBe('applied');
    expect(again.results[0].outcome).toBe('duplicate');
    expect(((await dbGet(t.gw, 'SELECT COUNT(*) AS n FROM documents WHERE id = ?', [it1.docId])) as any).n).toBe(1);
  });

  it('replays a rejection as the same rejection, so the client can keep it as a conflict', async () => {
    const c = randomUUID();
    const bad = mkIntent(c, { kind: 'submit', docId: randomUUID() });
    const a = await push(official, c, [bad]);
    const b = await push(official, c, [bad]);
    expect(a.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'DOC_NOT_FOUND' } });
    expect(b.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'DOC_NOT_FOUND' } });
  });

  it('stops at a sequence gap and names the expected sequence number', async () => {
    const c = randomUUID();
    const i1 = mkIntent(c, { kind: 'create_draft', docId: randomUUID(), meta: draftMeta() });
    mkIntent(c, { kind: 'mark_read', docId: i1.docId }); // seq 2 never sent
    const i3 = mkIntent(c, { kind: 'mark_read', docId: i1.docId });
    const r = await push(official, c, [i1, i3]);
    expect(r.results).toHaveLength(1);
    expect(r.expectedSeq).toBe(2);
  });
});

describe('versions and delivery', () => {
  it('rejects a signature on a superseded version and names the latest one', async () => {
    const c = randomUUID();
    const docId = randomUUID();
    const v1 = await upload(t, official, randomBytes(100));
    const v2 = await upload(t, official, randomBytes(100));
    const s = await upload(t, official, randomBytes(100));
    const r = await push(official, c, [
      mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() }),
      mkIntent(c, { kind: 'add_version', docId, sha256: v1, size: 100, fileName: 'v1.pdf', versionKind: 'draft', parentSha256: null }),
      mkIntent(c, { kind: 'add_version', docId, sha256: v2, size: 100, fileName: 'v2.pdf', versionKind: 'signature', parentSha256: v1 }),
      mkIntent(c, { kind: 'add_version', docId, sha256: s, size: 100, fileName: 'v1-ky.pdf', versionKind: 'signature', parentSha256: v1 }),
    ]);
    expect(r.results.map((x: any) => x.outcome)).toEqual(['applied', 'applied', 'applied', 'rejected']);
    expect(r.results[3].error).toMatchObject({ code: 'VERSION_CONFLICT', details: { latestSha256: v2, latestNo: 2 } });
  });

  it('delivers an issued document to recipient organisations, whose clerk registers it with số đến', async () => {
    const iss = await issueDoc({ typeCode: 'KH', recipientOrgIds: ['hd-yetkieu'] });
    const rc = await t.login('hd-yetkieu.vanthu');
    const ch = await t.call(rc, 'GET', '/v1/changes?after=0');
    const got = ch.json.changes.find((d: any) => d.id === iss.docId);
    expect(got).toMatchObject({ status: 'received', issue: { soKyHieu: iss.soKyHieu } });
    const c = randomUUID();
    const r = await push(rc, c, [mkIntent(c, { kind: 'register_incoming', docId: iss.docId }), mkIntent(c, { kind: 'register_incoming', docId: iss.docId })]);
    expect(r.results[0]).toMatchObject({ outcome: 'applied', result: { soDen: 1, ngayDen: '2026-03-10' } });
    expect(r.results[1].error.code).toBe('ALREADY_REGISTERED');
    const after = await t.call(rc, 'GET', `/v1/changes?after=${ch.json.cursor}`);
    expect(after.json.changes[0]).toMatchObject({ id: iss.docId, status: 'registered', incoming: { soDen: 1 } });
    // the recipient can download the issued file
    expect((await t.call(rc, 'GET', `/v1/files/${got.versions[0].sha256}`)).status).toBe(200);
  });

  it('pages changes by cursor without skipping or repeating documents', async () => {
    const c = randomUUID();
    const ids = Array.from({ length: 25 }, () => randomUUID());
    await push(official, c, ids.map((docId) => mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() })));
    const seen: string[] = [];
    let cursor = 0;
    for (;;) {
      const r = await t.call(official, 'GET', `/v1/changes?after=${cursor}&limit=7`);
      seen.push(...r.json.changes.map((d: any) => d.id));
      cursor = r.json.cursor;
      if (!r.json.hasMore) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });
});

describe('resumable uploads', () => {
  it('resumes an interrupted upload after a gateway restart and verifies the SHA-256', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const sha = sha256(bytes);
    expect((await t.call(official, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length })).json.offset).toBe(0);
    await t.call(official, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes.subarray(0, 1024 * 1024));
    await t.restart();
    official = await t.login('hd-giatan.chuyenvien').catch(() => official);
    const st = await t.call(official, 'GET', `/v1/uploads/${sha}`);
    expect(st.json).toMatchObject({ offset: 1024 * 1024, complete: false });
    await t.call(official, 'PUT', `/v1/uploads/${sha}?offset=${st.json.offset}`, bytes.subarray(st.json.offset));
    const f = await t.call(official, 'POST', `/v1/uploads/${sha}/finalize`);
    expect(f.json).toMatchObject({ complete: true, size: bytes.length });
    expect(await t.gw.files.verifyAll()).toEqual([]);
    // starting again reports it complete without re-sending
    expect((await t.call(official, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length })).json.complete).toBe(true);
  });
});

describe('OpenAPI', () => {
  it('describes every route with its request and response schemas', async () => {
    const r = await t.call(null, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    for (const p of ['/v1/auth/login', '/v1/push', '/v1/changes', '/v1/uploads', '/v1/uploads/{sha}', '/v1/uploads/{sha}/finalize', '/v1/files/{sha}'])
      expect(Object.keys(r.json.paths)).toContain(p);
    const push = r.json.paths['/v1/push'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(push)).toContain('register_incoming');
  });
});
