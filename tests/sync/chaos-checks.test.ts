// Test of the chaos test's checks: a small real run (in-process gateway on 127.0.0.1, four
// fake-indexeddb clients, every intent kind, issued and incoming numbers, a rejection, a second
// version, files) must pass every check; then each fault a check exists to catch is planted into
// that otherwise-good state and the check must throw. Faults on the device are planted in the real
// client store (or made to happen by a real engine); faults on the gateway side are planted in the
// state read from it, except where the public API can produce them (a replayed intent, a corrupt
// stored file).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestGateway, TEST_PASSWORD, type TestGateway } from '../server/fixture';
import { signedInClient, nodeFetch } from './helpers';
import type { FetchLike } from '../../src-shared/sync/http';
import type { LocalStore } from '../../src-shared/sync/store';
import type { SyncEngine } from '../../src-shared/sync/engine';
import {
  readClientState, loginAndReadView, readGatewayLog, type ClientState, type GatewayView, type GatewayLog,
  checkOutboxDrained, checkIntentsExactlyOnce, checkRejectionsKept, checkNoEffectTwice, checkRegistersWithoutGaps,
  checkChangeFeedWithoutGaps, checkClientCaughtUp, checkFilesMatchHashes, checkClientHasFiles, checkConverged,
} from './chaos-checks';

const meta = (over: Record<string, unknown> = {}) => ({ typeCode: 'QD', subject: 'Quyết định ban hành quy chế làm việc', organName: 'UBND xã Gia Tân', ...over });
const pdf = (n = 3000) => new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(n)]));

interface Client { name: string; user: string; org: string; store: LocalStore; engine: SyncEngine }
interface World {
  t: TestGateway; clients: Client[]; docs: { a: string; b: string; paper: string };
  /** Read everything the checks look at, from the stores, the API and the log. */
  read(opts?: { files?: boolean }): Promise<{ clients: ClientState[]; views: GatewayView[]; log: GatewayLog }>;
  syncAll(): Promise<void>;
}

/** A small run with every property exercised: two issued numbers, two incoming, a rejection, versions 1..2. */
async function goodWorld(): Promise<World> {
  const t = await startTestGateway();
  const mk = async (name: string, user: string, org: string, fetch: FetchLike = nodeFetch): Promise<Client> => ({ name, user, org, ...(await signedInClient(t, user, { fetch })) });
  const cv = await mk('giatan-cv', 'hd-giatan.chuyenvien', 'hd-giatan');
  const ld = await mk('giatan-ld', 'hd-giatan.lanhdao', 'hd-giatan');
  const vt = await mk('giatan-vt', 'hd-giatan.vanthu', 'hd-giatan');
  const yk = await mk('yetkieu-vt', 'hd-yetkieu.vanthu', 'hd-yetkieu');
  const a = await cv.store.createDraft(meta(), { bytes: pdf(), fileName: 'qd-v1.pdf' });
  await cv.store.addVersion(a, { bytes: pdf(), fileName: 'qd-v2.pdf' }, 'draft');
  await cv.store.submit(a);
  const b = await cv.store.createDraft(meta({ typeCode: 'CV', unitAbbr: 'VP', subject: 'Công văn gửi xã Yết Kiêu', recipientOrgIds: ['hd-yetkieu'] }), { bytes: pdf(), fileName: 'cv.pdf' });
  await cv.store.submit(b);
  await cv.engine.syncUntilIdle();
  await ld.engine.syncUntilIdle();
  await ld.store.changeStatus(a, 'approved');
  await ld.store.changeStatus(b, 'approved');
  await ld.store.changeStatus(a, 'issued'); // a secretary may not issue: rejected, kept as a conflict
  await ld.engine.syncUntilIdle();
  await vt.engine.syncUntilIdle();
  await vt.store.changeStatus(a, 'issued');
  await vt.store.changeStatus(b, 'issued');
  const paper = await vt.store.registerIncoming({ typeCode: 'CV', subject: 'Công văn giấy đến', senderName: 'Sở Nội vụ', senderCodeNotation: '12/SNV-VP' });
  await vt.engine.syncUntilIdle();
  await yk.engine.syncUntilIdle();
  await yk.store.registerIncoming(b);
  await yk.store.markRead(b);
  await yk.engine.syncUntilIdle();
  const clients = [cv, ld, vt, yk];
  const syncAll = async () => { for (let pass = 0; pass < 2; pass++) for (const c of clients) await c.engine.syncUntilIdle(); };
  await syncAll();
  const dbFile = path.join(t.dir, 'gateway.sqlite');
  return {
    t, clients, docs: { a, b, paper }, syncAll,
    async read(opts = { files: true }) {
      return {
        clients: await Promise.all(clients.map((c) => readClientState(c.store, c.name, c.org))),
        views: [await loginAndReadView(t.url, 'hd-giatan.vanthu', TEST_PASSWORD, opts), await loginAndReadView(t.url, 'hd-yetkieu.vanthu', TEST_PASSWORD, opts)],
        log: readGatewayLog(dbFile),
      };
    },
  };
}

const clone = <T>(x: T): T => structuredClone(x);

describe('chaos checks on a good run, and each planted fault', () => {
  let w: World;
  let good: Awaited<ReturnType<World['read']>>;
  const cs = (name: string) => clone(good.clients.find((c) => c.name === name)!);
  const view = (org: string, v = good.views) => v.find((x) => x.orgId === org)!;
  const orgs = () => new Map(good.clients.map((c) => [c.clientId, c.orgId]));
  beforeAll(async () => { w = await goodWorld(); good = await w.read(); }, 60_000);
  afterAll(async () => { await w?.t.close(); });

  it('passes every check on the good run, which exercises every property', () => {
    checkConverged(good.clients, good.views, good.log);
    const docs = good.views.flatMap((v) => v.snapshots);
    // not vacuous: numbers, registrations, a rejection, several versions, a feed and files exist
    expect(view('hd-giatan').snapshots.filter((d) => d.issue).map((d) => d.issue!.so).sort()).toEqual([1, 2]);
    expect(docs.filter((d) => d.incoming).length).toBe(2);
    expect(good.log.intents.filter((i) => i.outcome === 'rejected').length).toBe(1);
    expect(good.clients.find((c) => c.name === 'giatan-ld')!.conflicts.length).toBe(1);
    expect(Math.max(...docs.flatMap((d) => d.versions.map((v) => v.no)))).toBe(2);
    expect(good.log.changeSeqs.length).toBeGreaterThan(10);
    expect(good.views[0].files.length).toBe(3);
    expect(good.clients.every((c) => c.nextSeq > 1 && c.cursor > 0)).toBe(true);
  });

  // ---- a lost intent ----
  it('outboxDrained: fails for an intent left in the outbox', async () => {
    const c = w.clients[0];
    const id = await c.store.createDraft(meta({ subject: 'Soạn mà chưa gửi' }));
    try {
      const s = await readClientState(c.store, c.name, c.org);
      expect(() => checkOutboxDrained(s)).toThrow(/outboxDrained: giatan-cv: 1 intents still in the outbox/);
      expect(() => checkIntentsExactlyOnce(s, good.log)).toThrow(/intentsExactlyOnce.*missing seqs \[\d+\]/);
    } finally {
      await c.store.db.transaction('rw', c.store.db.outbox, c.store.db.documents, c.store.db.kv, async () => {
        await c.store.db.outbox.where('docId').equals(id).delete();
        await c.store.db.documents.delete(id);
        await c.store.db.kv.put({ k: 'nextSeq', v: cs('giatan-cv').nextSeq });
      });
    }
    checkOutboxDrained(await readClientState(c.store, c.name, c.org));
  });

  it('outboxDrained: fails for a document still counted as pending with an empty outbox (the unindexed field the old check swallowed)', async () => {
    const c = w.clients[0];
    await c.store.db.documents.update(w.docs.a, { pending: 1 });
    try {
      const s = await readClientState(c.store, c.name, c.org);
      expect(s.outbox).toEqual([]);
      expect(() => checkOutboxDrained(s)).toThrow(/outboxDrained: giatan-cv: 1 documents still pending/);
      // what the old check did: Dexie refuses the unindexed field, and its .catch(() => 0) made that a pass
      await expect(c.store.db.documents.where('pending').above(0).count()).rejects.toThrow();
      expect(await c.store.db.documents.where('pending').above(0).count().catch(() => 0)).toBe(0);
    } finally { await c.store.db.documents.update(w.docs.a, { pending: 0 }); }
    checkOutboxDrained(await readClientState(c.store, c.name, c.org));
  });

  it('intentsExactlyOnce: fails when the gateway log lost an intent', () => {
    const log = clone(good.log);
    const c = cs('giatan-ld');
    log.intents = log.intents.filter((i) => !(i.clientId === c.clientId && i.seq === 2));
    expect(() => checkIntentsExactlyOnce(c, log)).toThrow(/intentsExactlyOnce: giatan-ld: .*missing seqs \[2\]/);
    checkIntentsExactlyOnce(c, good.log);
  });

  it('intentsExactlyOnce: fails when the gateway recorded an intent twice', () => {
    const c = cs('giatan-cv');
    const log = clone(good.log);
    const first = log.intents.find((i) => i.clientId === c.clientId && i.seq === 1)!;
    log.intents.push({ ...first, intentId: randomUUID() });
    expect(() => checkIntentsExactlyOnce(c, log)).toThrow(/intentsExactlyOnce: giatan-cv: .*extra\/repeated \[1\]/);
    const log2 = clone(good.log);
    log2.intents.find((i) => i.clientId === c.clientId && i.seq === 3)!.outcome = 'duplicate';
    expect(() => checkIntentsExactlyOnce(c, log2)).toThrow(/outcome "duplicate"/);
  });

  it('intentsExactlyOnce: fails when the gateway\'s numbering of a client has a gap', () => {
    const c = cs('giatan-vt');
    const log = clone(good.log);
    const mine = log.intents.filter((i) => i.clientId === c.clientId).sort((x, y) => x.seq - y.seq);
    for (const i of mine.slice(1)) i.seq++; // 1, 3, 4, …
    expect(() => checkIntentsExactlyOnce(c, log)).toThrow(/missing seqs \[2\]/);
  });

  // ---- a rejection dropped ----
  it('rejectionsKept: fails when a rejection is not kept as a conflict on the device, or a conflict has no rejection', async () => {
    const c = w.clients.find((x) => x.name === 'giatan-ld')!;
    const [conflict] = await c.store.db.conflicts.toArray();
    await c.store.db.conflicts.delete(conflict.id);
    try {
      const s = await readClientState(c.store, c.name, c.org);
      expect(() => checkRejectionsKept(s, good.log)).toThrow(/rejectionsKept: giatan-ld: .*rejections without a conflict \["/);
    } finally { await c.store.db.conflicts.put(conflict); }
    const log = clone(good.log);
    log.intents.find((i) => i.intentId === conflict.id)!.outcome = 'applied';
    expect(() => checkRejectionsKept(cs('giatan-ld'), log)).toThrow(/conflicts without a rejection \["/);
    checkRejectionsKept(await readClientState(c.store, c.name, c.org), good.log);
  });

  // ---- a duplicate ----
  it('noEffectTwice: fails for a version applied twice', () => {
    const views = clone(good.views);
    const d = view('hd-giatan', views).snapshots.find((s) => s.id === w.docs.a)!;
    d.versions.push({ ...d.versions[1], no: 3 });
    expect(() => checkNoEffectTwice(good.log, views, orgs())).toThrow(/noEffectTwice: 4 versions on the gateway but 3 applied add_version/);
    const views2 = clone(good.views);
    const d2 = view('hd-giatan', views2).snapshots.find((s) => s.id === w.docs.a)!;
    d2.versions[1].no = 1; // the same number twice
    expect(() => checkNoEffectTwice(good.log, views2, orgs())).toThrow(/version numbers \[1,1\] are not 1..n/);
  });

  it('noEffectTwice: fails for an issue (số) or an incoming registration (số đến) applied twice, or a document created twice', () => {
    const views = clone(good.views);
    const g = view('hd-giatan', views);
    const paper = g.snapshots.find((s) => s.id === w.docs.paper)!;
    paper.issue = clone(g.snapshots.find((s) => s.id === w.docs.a)!.issue); // the same number given again
    expect(() => checkNoEffectTwice(good.log, views, orgs())).toThrow(/noEffectTwice: issued numbers .*\(3 vs 2\)/);
    const views2 = clone(good.views);
    const g2 = view('hd-giatan', views2);
    g2.snapshots.find((s) => s.id === w.docs.a)!.incoming = clone(g2.snapshots.find((s) => s.id === w.docs.paper)!.incoming); // the same số đến again
    expect(() => checkNoEffectTwice(good.log, views2, orgs())).toThrow(/incoming registrations on documents \(3\) do not match applied register_incoming intents \(2\)/);
    const views3 = clone(good.views);
    const g3 = view('hd-giatan', views3);
    g3.snapshots.push({ ...clone(g3.snapshots.find((s) => s.id === w.docs.b)!), id: randomUUID(), issue: null, versions: [] });
    expect(() => checkNoEffectTwice(good.log, views3, orgs())).toThrow(/3 outgoing documents but 2 applied create_draft/);
  });

  // ---- a gap in the numbers ----
  it('registersWithoutGaps: fails for a gap or a repeat in số or số đến', () => {
    const views = clone(good.views);
    const issued = view('hd-giatan', views).snapshots.filter((s) => s.issue).sort((x, y) => x.issue!.so - y.issue!.so);
    issued[1].issue!.so = 3;
    expect(() => checkRegistersWithoutGaps(views)).toThrow(/registersWithoutGaps: register out hd-giatan \d+ normal: numbers \[1,3\] are not 1..2/);
    issued[1].issue!.so = 1;
    expect(() => checkRegistersWithoutGaps(views)).toThrow(/numbers \[1,1\]/);
    const views2 = clone(good.views);
    view('hd-yetkieu', views2).snapshots.find((s) => s.incoming)!.incoming!.soDen = 2;
    expect(() => checkRegistersWithoutGaps(views2)).toThrow(/register in hd-yetkieu \d+ normal: numbers \[2\] are not 1..1/);
  });

  it('changeFeedWithoutGaps: fails for a gap or a repeat in the change feed\'s sequence numbers', () => {
    const log = clone(good.log);
    log.changeSeqs.splice(4, 1);
    expect(() => checkChangeFeedWithoutGaps(log)).toThrow(/changeFeedWithoutGaps: change seqs are not 1..\d+: at position 5 comes 6/);
    const log2 = clone(good.log);
    log2.changeSeqs.splice(4, 0, 4);
    expect(() => checkChangeFeedWithoutGaps(log2)).toThrow(/at position 5 comes 4/);
  });

  // ---- a skipped change ----
  it('clientCaughtUp: fails when the client is behind, ahead, holds a stale snapshot or misses a document', () => {
    const c = cs('giatan-cv');
    const g = view('hd-giatan');
    checkClientCaughtUp(c, g);
    expect(() => checkClientCaughtUp({ ...c, cursor: c.cursor - 1 }, g)).toThrow(/clientCaughtUp: giatan-cv: cursor \d+, the organisation's latest change is \d+/);
    expect(() => checkClientCaughtUp({ ...c, cursor: c.cursor + 1 }, g)).toThrow(/cursor/);
    const stale = clone(c);
    Object.assign(stale.documents.find((d) => d.id === w.docs.b)!.server!, { status: 'approved', issue: null }); // the snapshot before it was issued
    expect(() => checkClientCaughtUp(stale, g)).toThrow(/document .* holds an older snapshot/);
    const lost = clone(c);
    lost.documents = lost.documents.filter((d) => d.id !== w.docs.paper);
    expect(() => checkClientCaughtUp(lost, g)).toThrow(/1 documents of the organisation never reached the device/);
    const wrongStatus = clone(c);
    wrongStatus.documents.find((d) => d.id === w.docs.a)!.status = 'approved';
    expect(() => checkClientCaughtUp(wrongStatus, g)).toThrow(/shows status approved, gateway issued/);
    const noVersion = clone(c);
    noVersion.versions = noVersion.versions.filter((v) => !(v.docId === w.docs.a && v.no === 2));
    expect(() => checkClientCaughtUp(noVersion, g)).toThrow(/versions \["1:.*"\] vs gateway/);
  });

  it('clientCaughtUp: fails for a real engine that skips one change of the feed', async () => {
    // A second device of Gia Tân's clerk whose transport drops one document from a page of /v1/changes.
    let drop: string | null = null;
    const skipping: FetchLike = async (url, init) => {
      const res = await nodeFetch(url, init);
      if (!drop || !url.includes('/v1/changes')) return res;
      const body = JSON.parse(new TextDecoder().decode(await res.arrayBuffer())) as { changes: Array<{ id: string }> };
      body.changes = body.changes.filter((s) => s.id !== drop);
      const bytes = new TextEncoder().encode(JSON.stringify(body));
      return { status: res.status, headers: res.headers, arrayBuffer: async () => bytes.buffer as ArrayBuffer };
    };
    const c = { name: 'giatan-vt2', org: 'hd-giatan', ...(await signedInClient(w.t, 'hd-giatan.vanthu', { fetch: skipping })) };
    await c.engine.syncUntilIdle();
    const g0 = view('hd-giatan');
    checkClientCaughtUp(await readClientState(c.store, c.name, c.org), g0);
    // The chuyên viên reads document b (a change for Gia Tân); this device skips that change.
    const cv = w.clients[0];
    await cv.store.markRead(w.docs.b);
    await cv.engine.syncUntilIdle();
    drop = w.docs.b;
    await c.engine.syncUntilIdle();
    const g1 = await loginAndReadView(w.t.url, 'hd-giatan.vanthu', TEST_PASSWORD);
    const s = await readClientState(c.store, c.name, c.org);
    expect(s.cursor).toBe(g1.cursor); // the cursor moved on: only the content tells
    expect(() => checkClientCaughtUp(s, g1)).toThrow(/clientCaughtUp: giatan-vt2: document .* holds an older snapshot/);
    // The honest device catches up and passes; the faulty one is told apart by nothing else.
    drop = null;
    await w.syncAll();
    checkClientCaughtUp(await readClientState(cv.store, cv.name, cv.org), g1);
    good = await w.read(); // later tests see the mark_read too
    checkConverged(good.clients, good.views, good.log);
  });

  // ---- corrupt or missing files ----
  it('filesMatchHashes and clientHasFiles: fail for a corrupt or missing file on the device', async () => {
    const c = w.clients[1];
    const [f] = await c.store.db.files.toArray();
    const bad = new Uint8Array(f.data); bad[100] ^= 0xff;
    await c.store.db.files.update(f.sha256, { data: bad });
    try {
      const s = await readClientState(c.store, c.name, c.org);
      expect(() => checkFilesMatchHashes(s.name, s.files)).toThrow(/filesMatchHashes: giatan-ld: 1 files do not match/);
    } finally { await c.store.db.files.put(f); }
    await c.store.db.files.delete(f.sha256);
    try {
      const s = await readClientState(c.store, c.name, c.org);
      checkFilesMatchHashes(s.name, s.files);
      expect(() => checkClientHasFiles(s, view('hd-giatan'))).toThrow(/clientHasFiles: giatan-ld: 1 version files not on the device/);
    } finally { await c.store.db.files.put(f); }
    const ok = await readClientState(c.store, c.name, c.org);
    checkFilesMatchHashes(ok.name, ok.files);
    checkClientHasFiles(ok, view('hd-giatan'));
  });

  it('filesMatchHashes: fails for a file the gateway serves corrupted', async () => {
    const sha = good.views[0].files[0].sha256;
    const p = w.t.gw.files.filePath(sha);
    const saved = fs.readFileSync(p);
    const bad = Buffer.from(saved); bad[10] ^= 0xff;
    fs.writeFileSync(p, bad);
    try {
      const v = await loginAndReadView(w.t.url, 'hd-giatan.vanthu', TEST_PASSWORD, { files: true });
      expect(() => checkFilesMatchHashes('gateway', v.files)).toThrow(/filesMatchHashes: gateway: 1 files do not match/);
    } finally { fs.writeFileSync(p, saved); }
    checkFilesMatchHashes('gateway', (await loginAndReadView(w.t.url, 'hd-giatan.vanthu', TEST_PASSWORD, { files: true })).files);
  });
});

describe('faults made by real parts', () => {
  let w: World;
  beforeAll(async () => { w = await goodWorld(); }, 60_000);
  afterAll(async () => { await w?.t.close(); });

  it('a device that loses an intent from its outbox before sending it fails outboxDrained and intentsExactlyOnce', async () => {
    const c = { name: 'giatan-cv2', org: 'hd-giatan', ...(await signedInClient(w.t, 'hd-giatan.chuyenvien')) };
    const x = await c.store.createDraft(meta({ subject: 'Sẽ mất' }));
    await c.store.createDraft(meta({ subject: 'Đến sau' }));
    await c.store.db.outbox.where('docId').equals(x).delete(); // lost before it was sent
    await c.engine.syncUntilIdle();
    const s = await readClientState(c.store, c.name, c.org);
    const log = readGatewayLog(path.join(w.t.dir, 'gateway.sqlite'));
    expect(() => checkOutboxDrained(s)).toThrow(/outboxDrained: giatan-cv2: 1 intents still in the outbox \["2:create_draft:stuck"\]/);
    expect(() => checkIntentsExactlyOnce(s, log)).toThrow(/intentsExactlyOnce: giatan-cv2: gateway holds 0 intents, device made 2; missing seqs \[1,2\]/);
  });

  it('an intent replayed to the gateway under a fresh sequence number fails intentsExactlyOnce', async () => {
    await w.syncAll();
    const before = await w.read({ files: false });
    checkConverged(before.clients, before.views, before.log);
    // Replay the chuyên viên's mark_read of document b as a new intent (seq = next) through the API.
    const cv = before.clients[0];
    const token = (await w.clients[0].store.getKv<{ token: string }>('session'))!.token;
    const r = await w.t.call(token, 'POST', '/v1/push', { clientId: cv.clientId, intents: [{ id: randomUUID(), seq: cv.nextSeq, createdAt: new Date().toISOString(), kind: 'mark_read', docId: w.docs.b }] });
    expect(r.json.results[0].outcome).toBe('applied');
    const after = await w.read({ files: false });
    expect(() => checkIntentsExactlyOnce(after.clients[0], after.log)).toThrow(new RegExp(`intentsExactlyOnce: giatan-cv: gateway holds ${cv.nextSeq} intents, device made ${cv.nextSeq - 1}; missing seqs \\[\\], extra/repeated \\[${cv.nextSeq}\\]`));
    expect(() => checkConverged(after.clients, after.views, after.log)).toThrow(/intentsExactlyOnce/);
  });
});
