// Three gateway nodes (separate OS processes, tests/helpers/gateway-nodes.ts) on one PostgreSQL
// database and one shared files folder, behind nginx on 127.0.0.1 (tests/helpers/nginx.ts: round
// robin, a failed or dead node skipped, POST included, since every write is idempotent). Six real
// sync clients (the engine on fake-indexeddb) push a mix of intents and resumable 1 MB uploads
// through nginx. One node is SIGKILLed in the middle of a push (its intents committed, the answer
// not yet sent), another in the middle of an upload (a chunk past the first stored and counted,
// the answer not yet sent); each comes back later. The clients go on through the other nodes, and
// at the end the chaos checks hold: every intent applied exactly once, no gaps in the registers
// or the change feed, every client caught up, every file matching its SHA-256.
// Each kill is proved to have landed while work was in flight: the node's own log shows the
// request received and never answered, nginx's log shows that request failed on the killed node
// and retried on another, and the node had answered requests before.
// PostgreSQL only (several nodes need a shared database): the "postgres" vitest project.
// Replay with LB_KILL_SEED=<seed>.
import { describe, it, expect, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { startGatewayNodes, answered, unanswered, type GatewayNodes, type Incarnation } from '../helpers/gateway-nodes';
import { startNginx, type Access, type Nginx } from '../helpers/nginx';
import { mulberry32 } from '../helpers/random';
import { TEST_PASSWORD, testEngine } from './fixture';
import { testDatabaseUrl, dropTestDatabase } from './pg-db';
import { nodeFetch } from '../sync/helpers';
import { readClientState, loginAndReadView, checkConverged } from '../sync/chaos-checks';
import { readLogAt } from '../sync/gateway-log';
import { VanthuDb } from '../../src-shared/sync/localdb';
import { LocalStore } from '../../src-shared/sync/store';
import { SyncEngine } from '../../src-shared/sync/engine';
import { signIn } from '../../src-shared/sync/session';

const SEED = Number(process.env.LB_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MB = 1024 * 1024;
/** Operations per client at most (the run is bounded whatever happens). */
const MAX_OPS = 30;
const CLIENTS = ['hd-giatan.chuyenvien', 'hd-giatan.vanthu', 'hd-yetkieu.chuyenvien', 'hd-yetkieu.vanthu', 'hd-stc.chuyenvien', 'hd-stc.vanthu'];

interface Sim { name: string; org: string; store: LocalStore; engine: SyncEngine; ops: number; docs: string[]; stats: { duplicates: number; transportErrors: number; failedRounds: number; resumedUploads: number; uploadedBytes: number } }

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => { for (const c of cleanup.reverse()) await Promise.resolve().then(c).catch(() => {}); });

/** Wait for `cond` (bounded: fails after `ms`). */
async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(testEngine() !== 'postgres')('3 gateway nodes behind nginx', () => {
  it(`lose nothing and apply nothing twice when nodes are SIGKILLed mid-sync and mid-upload (seed ${SEED})`, async () => {
    console.log(`[lb-kill] seed=${SEED} (replay: LB_KILL_SEED=${SEED} npx vitest run --project postgres tests/server/lb-kill.test.ts)`);
    const t0 = Date.now();
    const databaseUrl = (await testDatabaseUrl())!;
    cleanup.push(() => dropTestDatabase(databaseUrl));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-lb-kill-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const cluster: GatewayNodes = await startGatewayNodes({ count: 3, databaseUrl, seedPassword: TEST_PASSWORD, rateLimitPerMinute: 1_000_000, dir: path.join(dir, 'nodes') });
    cleanup.push(() => cluster.close());
    const lb: Nginx = await startNginx(path.join(dir, 'nginx'), cluster.nodes.map((n) => n.port));
    cleanup.push(() => lb.close());
    const addr = (i: number) => `127.0.0.1:${cluster.nodes[i].port}`;

    // ---- clients, all through nginx ----
    const rnd = mulberry32(SEED);
    const sims: Sim[] = [];
    const engineFor = (s: Pick<Sim, 'store' | 'name'>) => new SyncEngine({
      store: s.store, fetch: nodeFetch, random: mulberry32(SEED + s.name.length), backoff: { baseMs: 50, capMs: 1000 },
      pollIntervalMs: 400, chunkSize: 128 * 1024, maxServerErrors: 1_000,
    });
    for (const user of CLIENTS) {
      const store = new LocalStore(new VanthuDb(`vanthu-${user}`, { indexedDB: new IDBFactory(), IDBKeyRange }));
      const session = await signIn(store, nodeFetch, lb.url, user, TEST_PASSWORD);
      const s: Sim = { name: user, org: session.user.orgId, store, engine: null as unknown as SyncEngine, ops: 0, docs: [], stats: { duplicates: 0, transportErrors: 0, failedRounds: 0, resumedUploads: 0, uploadedBytes: 0 } };
      s.engine = engineFor(s);
      s.engine.start();
      sims.push(s);
    }
    const collect = (s: Sim) => {
      s.stats.duplicates += s.engine.stats.duplicates; s.stats.failedRounds += s.engine.stats.failedRounds; s.stats.resumedUploads += s.engine.stats.resumedUploads;
      s.stats.uploadedBytes += s.engine.stats.uploadedBytes; s.stats.transportErrors += s.engine.counters.transportErrors;
    };
    const mb = () => { const b = new Uint8Array(MB); for (let i = 0; i < MB; i += 4) { const v = (rnd() * 2 ** 32) >>> 0; b[i] = v; b[i + 1] = v >> 8; b[i + 2] = v >> 16; b[i + 3] = v >> 24; } return b; };

    // ---- the workload: each client keeps a little work queued until told to stop ----
    let stopWork = false;
    const opCounts: Record<string, number> = {};
    const work = async (s: Sim) => {
      while (!stopWork && s.ops < MAX_OPS) {
        // Keep at most two intents waiting, so the work is spread over the whole run.
        if ((await s.store.db.outbox.count()) > 2) { await new Promise((r) => setTimeout(r, 30)); continue; }
        const roll = rnd();
        const own = s.docs.length ? s.docs[Math.floor(rnd() * s.docs.length)] : null;
        let kind: string;
        if (roll < 0.35 || !own) {
          kind = 'create_draft+file';
          s.docs.push(await s.store.createDraft({ typeCode: 'TTR', subject: `Tờ trình ${s.ops} của ${s.name}`, doMat: 'thuong', recipientOrgIds: [] }, { bytes: mb(), fileName: `to-trinh-${s.ops}.pdf` }));
        } else if (roll < 0.55) {
          // a new version of one of its drafts (of another document the gateway would refuse it: fine, but then no new version)
          kind = 'add_version';
          const drafts = (await s.store.db.documents.bulkGet(s.docs)).filter((d) => d && (d.status === 'draft' || d.status === 'returned') && d.meta.direction === 'out');
          await s.store.addVersion(drafts.length ? drafts[Math.floor(rnd() * drafts.length)]!.id : own, { bytes: mb(), fileName: `phien-ban-${s.ops}.pdf` }, 'draft');
        } else if (roll < 0.65) {
          kind = 'create_draft';
          s.docs.push(await s.store.createDraft({ typeCode: 'CV', unitAbbr: 'VP', subject: `Công văn ${s.ops} của ${s.name}`, doMat: 'thuong', recipientOrgIds: [] }));
        } else if (roll < 0.75) {
          kind = 'submit';
          const d = await s.store.db.documents.get(own);
          if (d && (d.status === 'draft' || d.status === 'returned')) await s.store.submit(own); else await s.store.markRead(own);
        } else if (roll < 0.88) {
          kind = 'mark_read';
          await s.store.markRead(own);
        } else {
          kind = 'register_incoming';
          s.docs.push(await s.store.registerIncoming({ typeCode: 'CV', subject: `Công văn giấy đến ${s.ops}`, senderName: 'Sở Nội vụ', senderCodeNotation: `${s.ops}/SNV-VP` }));
        }
        opCounts[kind] = (opCounts[kind] ?? 0) + 1;
        s.ops++;
        s.engine.kick();
        await new Promise((r) => setTimeout(r, 20 + rnd() * 80));
      }
    };
    const working = Promise.all(sims.map(work));

    const done = (inc: Incarnation, method: string, prefix: string) => answered(inc).filter((r) => r.method === method && r.url.startsWith(prefix)).length;
    const answeredSince = (i: number, at: number) => cluster.nodes[i].incarnations.reduce((a, inc) => a + answered(inc).filter((r) => r.doneAt! > at).length, 0);

    // ---- 1. every node is working: pushes and upload chunks answered by each ----
    await until('every node answered pushes and upload chunks', () => cluster.nodes.every((n) => done(n.current, 'POST', '/v1/push') >= 3 && done(n.current, 'PUT', '/v1/uploads/') >= 3));

    // ---- 2. node 0 dies in the middle of a push: intents committed, the answer never sent ----
    const A = 0;
    const syncKill = await cluster.armKill(A, { method: 'POST', url: /^\/v1\/push$/, hook: 'onSend' });
    const syncKillAt = syncKill.exitedAt!;
    console.log(`[lb-kill] node ${A} (pid ${syncKill.pid}) SIGKILLed itself during ${syncKill.dying?.method} ${syncKill.dying?.url}`);
    // the others carry on
    await until('nodes 1 and 2 answered pushes and chunks after node 0 died', () => [1, 2].every((i) => answered(cluster.nodes[i].current).some((r) => r.doneAt! > syncKillAt && r.url === '/v1/push'))
      && [1, 2].some((i) => answered(cluster.nodes[i].current).some((r) => r.doneAt! > syncKillAt && r.url.startsWith('/v1/uploads/'))));
    await cluster.restart(A);

    // ---- 3. node 1 dies in the middle of an upload: a chunk past the first stored, the answer never sent ----
    const B = 1;
    const upKill = await cluster.armKill(B, { method: 'PUT', url: /^\/v1\/uploads\/[0-9a-f]{64}\?offset=[1-9]/, hook: 'onSend' });
    const upKillAt = upKill.exitedAt!;
    const upSha = /\/v1\/uploads\/([0-9a-f]{64})/.exec(upKill.dying?.url ?? '')?.[1];
    console.log(`[lb-kill] node ${B} (pid ${upKill.pid}) SIGKILLed itself during ${upKill.dying?.method} ${upKill.dying?.url}`);
    // the upload it was in goes on through the other nodes, to its end
    await until(`upload ${upSha?.slice(0, 12)} finished on another node`, () => [0, 2].some((i) => cluster.nodes[i].incarnations.some((inc) => answered(inc).some((r) => r.doneAt! > upKillAt && r.url === `/v1/uploads/${upSha}/finalize` && r.status === 200))));
    await cluster.restart(B);

    // ---- 4. both restarted nodes take requests again; then the work stops ----
    await until('the restarted nodes answer requests again', () => [A, B].every((i) => answered(cluster.nodes[i].current).length > 0));
    stopWork = true;
    await working;
    const opsMs = Date.now() - t0;

    // ---- converge: stop the engines, then two passes to idle (push everything, then pull what the others pushed) ----
    for (const s of sims) { await s.engine.stop(); collect(s); }
    let stuck = 0;
    for (const s of sims) stuck += await s.store.retryStuck();
    for (let pass = 0; pass < 2; pass++) {
      await Promise.all(sims.map(async (s) => { s.engine = engineFor(s); await s.engine.syncUntilIdle(200); collect(s); }));
    }
    const convergeMs = Date.now() - t0 - opsMs;

    // ---- evidence that each kill landed while work was in flight ----
    const accesses = lb.accesses();
    /** Requests nginx sent to node i first, that failed there (502/504) and were retried on another node. */
    const retriedAway = (i: number, after: number, before = Infinity) => accesses.filter((a: Access) => a.at >= after - 1000 && a.at <= before
      && a.upstreams[0] === addr(i) && /^50[24]$/.test(a.upstreamStatus[0] ?? '') && a.upstreams.length > 1);
    const evidence = (inc: Incarnation, i: number) => {
      const open = unanswered(inc);
      return {
        node: i, pid: inc.pid, killedDuring: inc.dying ? `${inc.dying.method} ${inc.dying.url}` : null,
        answeredBefore: answered(inc).length, answeredPushes: done(inc, 'POST', '/v1/push'), answeredChunks: done(inc, 'PUT', '/v1/uploads/'),
        inFlightAtKill: open.map((r) => `${r.method} ${r.url.replace(/[0-9a-f]{64}/, (h) => h.slice(0, 12))}`),
        retriedOnAnotherNode: retriedAway(i, inc.startedAt, inc.exitedAt! + 10_000).map((a) => `${a.method} ${a.url.replace(/[0-9a-f]{64}/, (h) => h.slice(0, 12))} ${a.upstreams.join('→')} ${a.upstreamStatus.join('→')} final ${a.status}`),
      };
    };
    const ev = [evidence(syncKill, A), evidence(upKill, B)];
    for (const e of ev) console.log(`[lb-kill] kill evidence ${JSON.stringify(e)}`);
    const totals = sims.reduce((a, s) => { for (const k of Object.keys(a) as Array<keyof Sim['stats']>) a[k] += s.stats[k]; return a; }, { duplicates: 0, transportErrors: 0, failedRounds: 0, resumedUploads: 0, uploadedBytes: 0 });
    console.log(`[lb-kill] operations ${JSON.stringify(opCounts)}; clients: ${JSON.stringify(totals)}; stuck retried ${stuck}`);
    console.log(`[lb-kill] requests answered per node incarnation: ${cluster.nodes.map((n) => `${n.index}:[${n.incarnations.map((inc) => answered(inc).length).join(',')}]`).join(' ')}; nginx: ${accesses.length} requests, ${accesses.filter((a) => a.upstreams.length > 1).length} retried on another node`);
    console.log(`[lb-kill] ops phase ${opsMs} ms, converged ${convergeMs} ms later`);

    // The node killed mid-sync: it had answered pushes, died inside one (received, never answered),
    // and nginx retried that push on another node.
    expect(syncKill.killed && syncKill.dying?.url).toBe('/v1/push');
    expect(ev[0].answeredPushes).toBeGreaterThan(0);
    expect(unanswered(syncKill).map((r) => r.reqId)).toContain(syncKill.dying!.reqId);
    expect(ev[0].retriedOnAnotherNode.some((l) => l.startsWith('POST /v1/push '))).toBe(true);
    // …and that push's intents were committed before the kill: the retry found them (duplicates), never applied them again (checked below).
    expect(totals.duplicates).toBeGreaterThan(0);
    // The node killed mid-upload: it had answered chunks, died inside a chunk past the first, nginx
    // retried that chunk elsewhere, and the upload finished on another node.
    expect(upKill.killed && upSha).toBeTruthy();
    expect(ev[1].answeredChunks).toBeGreaterThan(0);
    expect(unanswered(upKill).map((r) => r.reqId)).toContain(upKill.dying!.reqId);
    expect(ev[1].retriedOnAnotherNode.some((l) => l.startsWith(`PUT /v1/uploads/${upSha!.slice(0, 12)}`))).toBe(true);
    // Both came back and answered again; the third node answered after each kill.
    for (const i of [A, B]) expect(cluster.nodes[i].incarnations.length).toBe(2);
    expect(answeredSince(2, upKillAt)).toBeGreaterThan(0);

    // ---- the chaos checks, the log read from PostgreSQL ----
    const clients = await Promise.all(sims.map((s) => readClientState(s.store, s.name, s.org)));
    const orgs = new Map(sims.map((s) => [s.org, s.name]));
    const views = await Promise.all([...orgs].map(([, user]) => loginAndReadView(lb.url, user, TEST_PASSWORD, { files: true })));
    const log = await readLogAt(databaseUrl);
    checkConverged(clients, views, log);
    const docs = views.flatMap((v) => v.snapshots.filter((d) => d.ownerOrgId === v.orgId));
    const files = new Set(views.flatMap((v) => v.files.map((f) => f.sha256)));
    console.log(`[lb-kill] verified: ${log.intents.filter((i) => i.outcome === 'rejected').length} rejected, ${docs.length} documents, ${docs.reduce((a, d) => a + d.versions.length, 0)} versions, ${files.size} files, ${log.intents.length} intents, ${log.changeSeqs.length} changes`);
    // The upload the node died in was finished (through another node) and stored under its hash in
    // the shared folder (checkConverged verified every file a version uses, this one included unless
    // its add_version was refused as a business rejection — kept as a conflict, also checked).
    const stored = path.join(cluster.filesDir, 'files', upSha!.slice(0, 2), upSha!);
    expect(createHash('sha256').update(fs.readFileSync(stored)).digest('hex')).toBe(upSha);
    expect(fs.statSync(stored).size).toBe(MB);
    expect(log.intents.length).toBe(clients.reduce((a, c) => a + c.nextSeq - 1, 0));
    expect(log.intents.filter((i) => i.kind === 'add_version' && i.outcome === 'applied').length).toBeGreaterThan(5);
  }, 400_000);
});
