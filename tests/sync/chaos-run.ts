// The chaos run, shared by the chaos test on one SQLite gateway (chaos.test.ts) and its variant on
// several PostgreSQL nodes behind nginx (chaos-nodes.test.ts): 7 simulated clients do random
// operations from a seeded generator while a fault-injecting proxy drops, delays, resets and
// truncates their traffic and answers 500/503 with Retry-After, the gateway — or one node of it —
// is SIGKILLed and restarted three times, and client engines are aborted mid-operation and
// restarted from their durable store (see docs/sync.md for what "killed" means here). After the
// faults stop, everything must converge: no intent lost, none applied twice, registers without gaps
// or repeats, every stored file matching its SHA-256 (the checks of chaos-checks.ts).
import { expect } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ChaosProxy, mulberry32 } from './chaos-proxy';
import { nodeFetch } from './helpers';
import { TEST_PASSWORD } from '../server/fixture';
import { VanthuDb } from '../../src-shared/sync/localdb';
import { LocalStore } from '../../src-shared/sync/store';
import { SyncEngine } from '../../src-shared/sync/engine';
import { signIn } from '../../src-shared/sync/session';
import { readClientState, loginAndReadView, checkConverged, type GatewayLog } from './chaos-checks';

/** What the clients talk to (through the chaos proxy): one gateway, or nodes behind a load balancer. */
export interface ChaosBackend {
  /** "gateway" or "node", for the report. */
  name: string;
  /** Where the proxy sends the traffic (127.0.0.1). */
  port: number;
  /** The same without faults: logins and the final reading. */
  url: string;
  /** The n-th kill (0, 1, 2): SIGKILL the gateway or a node. */
  kill(n: number, proxy: ChaosProxy): Promise<void>;
  /** Bring back what the last kill took down. */
  restart(): Promise<void>;
  log(): Promise<GatewayLog>;
  /** Extra assertions on the kills (e.g. that they landed while requests were in flight). */
  checkKills?(): void;
  close(): Promise<void>;
}

interface Sim {
  name: string; user: string; org: string; factory: IDBFactory; dbName: string;
  store: LocalStore; engine: SyncEngine; known: string[]; kills: number; reopens: number;
  stats: { failedRounds: number; transportErrors: number; requests: number };
}

const CLIENTS: Array<[string, string]> = [
  ['giatan-cv', 'hd-giatan.chuyenvien'], ['giatan-ld', 'hd-giatan.lanhdao'], ['giatan-vt', 'hd-giatan.vanthu'],
  ['yetkieu-cv', 'hd-yetkieu.chuyenvien'], ['yetkieu-ld', 'hd-yetkieu.lanhdao'], ['yetkieu-vt', 'hd-yetkieu.vanthu'], ['stc-cv', 'hd-stc.chuyenvien'],
];
const ORGS = ['hd-giatan', 'hd-yetkieu', 'hd-stc', 'hd'];
const TYPES = ['QD', 'TTR', 'CV', 'KH', 'BC', 'TB', 'GM'];

export async function runChaos(o: {
  SEED: number; OPS: number; replay: string; backend: (rnd: () => number) => Promise<ChaosBackend>;
  /** Longest pause after every 20th operation (default 25 ms): room for the engines to push and pull. */
  pauseMs?: number;
}, cleanup: Array<() => Promise<void> | void>): Promise<void> {
  const { SEED, OPS, replay } = o;
  console.log(`[chaos] seed=${SEED} ops=${OPS} (replay: ${replay})`);
  const opsRnd = mulberry32(SEED);
  const gwRnd = mulberry32(SEED ^ 0x2545f491);
  const backend = await o.backend(gwRnd);
  cleanup.push(() => backend.close());
  const proxy = new ChaosProxy(backend.port, mulberry32(SEED ^ 0x5bd1e995), { drop: 0.04, delay: 0.1, status5xx: 0.04, resetMidRequest: 0.02, truncateResponse: 0.03 });
  await proxy.listen();
  cleanup.push(() => proxy.close());
  const gwUrl = backend.url;

  const engineFor = (s: Omit<Sim, 'engine'> | Sim) => new SyncEngine({
    store: s.store, fetch: nodeFetch, random: mulberry32(SEED + s.kills * 7919 + s.name.length),
    backoff: { baseMs: 40, capMs: 800 }, pollIntervalMs: 600, chunkSize: 64 * 1024, maxServerErrors: 1_000,
  });
  const sims: Sim[] = [];
  for (const [name, user] of CLIENTS) {
    const factory = new IDBFactory();
    const dbName = `vanthu-${name}`;
    const store = new LocalStore(new VanthuDb(dbName, { indexedDB: factory, IDBKeyRange }));
    const session = await signIn(store, nodeFetch, gwUrl, user, TEST_PASSWORD);
    await store.setKv('serverUrl', proxy.url);
    const s = { name, user, org: session.user.orgId, factory, dbName, store, known: [], kills: 0, reopens: 0, stats: { failedRounds: 0, transportErrors: 0, requests: 0 } } as unknown as Sim;
    s.engine = engineFor(s);
    s.engine.start();
    sims.push(s);
  }
  const collect = (s: Sim) => { s.stats.failedRounds += s.engine.stats.failedRounds; s.stats.transportErrors += s.engine.counters.transportErrors; s.stats.requests += s.engine.counters.requests; };

  const pick = <T>(a: T[]): T => a[Math.floor(opsRnd() * a.length)];
  const bytes = (n: number) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 4) { const v = (opsRnd() * 2 ** 32) >>> 0; b[i] = v; b[i + 1] = v >> 8; b[i + 2] = v >> 16; b[i + 3] = v >> 24; } return b; };
  const fileSize = () => (opsRnd() < 0.04 ? 150_000 + Math.floor(opsRnd() * 350_000) : 200 + Math.floor(opsRnd() * 30_000));
  const opCounts: Record<string, number> = {};
  let gatewayKills = 0;
  let down: { at: number } | null = null;
  const t0 = Date.now();

  for (let i = 0; i < OPS; i++) {
    const s = pick(sims);
    const roll = opsRnd();
    if (i % 50 === 0) s.known = (await s.store.db.documents.toCollection().primaryKeys()) as string[];
    const docId = s.known.length ? pick(s.known) : null;
    const doc = docId ? await s.store.db.documents.get(docId) : undefined;
    const own = doc && (doc.ownerOrgId === null || doc.ownerOrgId === s.org);
    let kind = 'create_draft';
    if (roll < 0.28 || !doc) {
      const recipientOrgIds = opsRnd() < 0.3 ? [pick(ORGS.filter((o) => o !== s.org))] : [];
      const typeCode = pick(TYPES);
      const id = await s.store.createDraft(
        { typeCode, unitAbbr: typeCode === 'CV' ? 'VP' : undefined, subject: `Văn bản thử nghiệm số ${i} của ${s.name}`, doMat: opsRnd() < 0.1 ? 'mat' : 'thuong', recipientOrgIds },
        opsRnd() < 0.85 ? { bytes: bytes(fileSize()), fileName: `van-ban-${i}.pdf` } : undefined,
      );
      s.known.push(id);
    } else if (roll < 0.48 && own) {
      kind = 'add_version';
      await s.store.addVersion(doc!.id, { bytes: bytes(fileSize()), fileName: `phien-ban-${i}.pdf` }, opsRnd() < 0.5 ? 'signature' : 'draft');
    } else if (roll < 0.56 && own) {
      kind = 'submit';
      const drafts = await s.store.db.documents.where('status').anyOf('draft', 'returned').limit(10).toArray();
      await s.store.submit(drafts.length ? pick(drafts).id : doc!.id);
    } else if (roll < 0.72) {
      kind = 'change_status';
      // Mostly what the role may do next; sometimes something it may not (the gateway must refuse it).
      const want = s.user.endsWith('lanhdao') ? ['submitted'] : s.user.endsWith('vanthu') ? ['approved', 'issued'] : ['draft'];
      const cands = await s.store.db.documents.where('status').anyOf(want).limit(10).toArray();
      const target = cands.length ? pick(cands) : doc!;
      const next = opsRnd() < 0.1 ? pick(['approved', 'issued', 'archived'] as const)
        : ({ submitted: pick(['approved', 'approved', 'approved', 'returned'] as const), approved: 'issued', issued: 'archived' } as const)[target.status as 'submitted' | 'approved' | 'issued'] ?? 'approved';
      await s.store.changeStatus(target.id, next);
    } else if (roll < 0.86) {
      kind = 'mark_read';
      await s.store.markRead(doc!.id);
    } else {
      kind = 'register_incoming';
      if (doc && doc.status === 'received') await s.store.registerIncoming(doc.id);
      else s.known.push(await s.store.registerIncoming({ typeCode: 'CV', subject: `Công văn giấy đến ${i}`, senderName: 'Sở Nội vụ', senderCodeNotation: `${i}/SNV-VP` }));
    }
    opCounts[kind] = (opCounts[kind] ?? 0) + 1;
    if (opsRnd() < 0.2) s.engine.kick(); // otherwise the engine picks it up at its next poll

    // Kill a client mid-sync: abort its engine wherever it is; sometimes also reopen its store.
    if (opsRnd() < 0.012) {
      const victim = pick(sims);
      const stopping = victim.engine.stop();
      await new Promise((r) => setTimeout(r, opsRnd() * 5));
      await stopping;
      collect(victim);
      victim.kills++;
      if (opsRnd() < 0.5) {
        victim.store.db.close();
        victim.store = new LocalStore(new VanthuDb(victim.dbName, { indexedDB: victim.factory, IDBKeyRange }));
        victim.reopens++;
      }
      victim.engine = engineFor(victim);
      victim.engine.start();
    }
    // Kill the gateway (or a node of it) twice (SIGKILL) and bring it back a little later on the same port.
    if (!down && (i === Math.floor(OPS * 0.3) || i === Math.floor(OPS * 0.65))) {
      await backend.kill(gatewayKills++, proxy); down = { at: i };
    } else if (down && i - down.at >= Math.min(120, Math.floor(OPS * 0.15))) {
      await backend.restart(); down = null;
    }
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, opsRnd() * (o.pauseMs ?? 25)));
  }
  if (down) await backend.restart();
  const tLastOp = Date.now();
  // Let the engines work on their backlog for a while with the faults still on (and one more
  // gateway kill), then stop the faults.
  for (let k = 0; k < 20; k++) {
    await new Promise((r) => setTimeout(r, 200));
    if (k === 5) { await backend.kill(gatewayKills++, proxy); await new Promise((r) => setTimeout(r, 300)); await backend.restart(); }
  }
  const opsMs = Date.now() - t0;

  // ---- faults stop; converge ----
  proxy.faultsOn = false;
  let backlog = 0;
  for (const s of sims) backlog += await s.store.db.outbox.count();
  const tc = Date.now();
  for (const s of sims) { await s.engine.stop(); collect(s); }
  let stuckRetried = 0;
  for (const s of sims) stuckRetried += await s.store.retryStuck();
  // Pass 1 pushes everything; pass 2 pulls what the others pushed after each client's pass 1.
  for (let pass = 0; pass < 2; pass++) {
    await Promise.all(sims.map(async (s) => {
      s.engine = engineFor(s);
      await s.engine.syncUntilIdle(200);
      collect(s);
    }));
  }
  // One document taken through its whole life on purpose (drafted, signed, submitted, approved by
  // the leader, issued by the clerk; each step synced before the next one's author sees it), so the
  // issued-number checks always have something to check however the random phase went.
  {
    const by = (suffix: string) => sims.find((s) => s.user === `hd-giatan.${suffix}`)!;
    const [cv, ld, vt] = [by('chuyenvien'), by('lanhdao'), by('vanthu')];
    const id = await cv.store.createDraft({ typeCode: 'QD', subject: 'Quyết định đi hết các bước (kiểm tra)', doMat: 'thuong', recipientOrgIds: [] }, { bytes: bytes(4000), fileName: 'quyet-dinh.pdf' });
    await cv.store.addVersion(id, { bytes: bytes(4200), fileName: 'quyet-dinh-da-ky.pdf' }, 'signature');
    await cv.store.submit(id);
    await cv.engine.syncUntilIdle(200);
    await ld.engine.syncUntilIdle(200);
    await ld.store.changeStatus(id, 'approved');
    await ld.engine.syncUntilIdle(200);
    await vt.engine.syncUntilIdle(200);
    await vt.store.changeStatus(id, 'issued');
    await vt.engine.syncUntilIdle(200);
    const walked = await vt.store.db.documents.get(id);
    expect(walked?.status, 'the walked document ends issued').toBe('issued');
    opCounts.lifecycle = 5;
    await Promise.all(sims.map((s) => s.engine.syncUntilIdle(200)));
  }
  const convergeMs = Date.now() - tc;

  const totalOps = Object.values(opCounts).reduce((a, b) => a + b, 0);
  const retries = sims.reduce((a, s) => a + s.stats.failedRounds, 0);
  const transportErrors = sims.reduce((a, s) => a + s.stats.transportErrors, 0);
  const requests = sims.reduce((a, s) => a + s.stats.requests, 0);
  console.log(`[chaos] operations=${totalOps} ${JSON.stringify(opCounts)}`);
  console.log(`[chaos] faults injected=${proxy.totalFaults} ${JSON.stringify(proxy.counts)} ${backend.name}Kills=${gatewayKills} clientKills=${sims.reduce((a, s) => a + s.kills, 0)} storeReopens=${sims.reduce((a, s) => a + s.reopens, 0)}`);
  console.log(`[chaos] requests=${requests} transportErrors=${transportErrors} retries(failed rounds)=${retries} stuckRetried=${stuckRetried}`);
  console.log(`[chaos] ops phase ${opsMs} ms; outbox items left when faults stopped: ${backlog}; time to converge after faults stopped ${convergeMs} ms; from last operation to converged ${Date.now() - tLastOp} ms`);

  try {
    // The checks live in chaos-checks.ts; chaos-checks.test.ts plants each fault and sees them fail.
    const clients = await Promise.all(sims.map((s) => readClientState(s.store, s.name, s.org)));
    const userOf = new Map(sims.map((s) => [s.org, s.user]));
    const views = await Promise.all([...userOf].map(([, user]) => loginAndReadView(gwUrl, user, TEST_PASSWORD, { files: true })));
    const log = await backend.log();
    checkConverged(clients, views, log);
    // Every document is owned by a client's organisation, so the views above cover the gateway.
    const viewed = new Set(views.flatMap((v) => v.snapshots.map((d) => d.id)));
    const docs = views.flatMap((v) => v.snapshots.filter((d) => d.ownerOrgId === v.orgId));
    expect(docs.length).toBe(viewed.size);
    // The run exercised what it claims: every fault kind, three gateway kills, client kills,
    // and every property had something to check.
    const applied = (k: string) => log.intents.filter((i) => i.kind === k && i.outcome === 'applied').length;
    const stats = {
      documents: docs.length, versions: docs.reduce((a, d) => a + d.versions.length, 0), issued: docs.filter((d) => d.issue).length,
      incoming: views.reduce((a, v) => a + v.snapshots.filter((d) => d.incoming).length, 0), rejected: log.intents.filter((i) => i.outcome === 'rejected').length,
      changes: log.changeSeqs.length, gatewayFiles: views.reduce((a, v) => a + v.files.length, 0), clientFiles: clients.reduce((a, c) => a + c.files.length, 0),
    };
    console.log(`[chaos] verified: ${JSON.stringify(stats)}`);
    const refusals: Record<string, number> = {};
    for (const s of sims) for (const c of await s.store.db.conflicts.toArray()) { const k = `${c.intent.kind}${'status' in c.intent ? `→${c.intent.status}` : ''}:${c.error.code}`; refusals[k] = (refusals[k] ?? 0) + 1; }
    const statusOf: Record<string, number> = {};
    for (const d of docs) statusOf[d.status] = (statusOf[d.status] ?? 0) + 1;
    console.log(`[chaos] rejections kept as conflicts: ${JSON.stringify(refusals)}; documents by status: ${JSON.stringify(statusOf)}`);
    expect(totalOps).toBe(OPS + 5);
    expect(gatewayKills).toBe(3);
    backend.checkKills?.();
    expect(sims.reduce((a, s) => a + s.kills, 0)).toBeGreaterThan(0);
    for (const [k, n] of Object.entries(proxy.counts)) expect(n, `fault ${k} injected`).toBeGreaterThan(0);
    for (const k of ['create_draft', 'add_version', 'submit', 'change_status', 'register_incoming', 'mark_read']) expect(applied(k), `applied ${k}`).toBeGreaterThan(0);
    for (const [k, n] of Object.entries(stats)) expect(n, k).toBeGreaterThan(0);
  } catch (e) {
    console.error(`[chaos] FAILED with seed ${SEED} — replay: ${replay}`);
    throw e;
  }
}
