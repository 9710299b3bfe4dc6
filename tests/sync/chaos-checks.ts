// The convergence checks of the chaos test, as named functions over plain state so that the same
// checks run on a fake-indexeddb client (chaos and engine tests), on Chromium's real IndexedDB
// (e2e tests) and on deliberately broken state (chaos-checks.test.ts plants the fault each check
// exists to catch and sees it throw).
//
// State comes from three places:
//  - the client store, read by iterating its tables (never through an index, so an unindexed field
//    cannot make a query throw, and nothing here swallows errors): readClientState (Dexie, Node)
//    or readBrowserClientState (raw IndexedDB in a Playwright page);
//  - the gateway's HTTP API as each organisation sees it: readGatewayView (GET /v1/changes from 0,
//    optionally downloading every version's file through GET /v1/files/:sha);
//  - the gateway's intent log and change feed, which no API exposes: tests/sync/gateway-log.ts reads
//    them through the gateway's data layer on either engine (gatewayLogOf, readLogAt); readGatewayLog
//    here is a read-only SQLite handle, kept for the tests of the checks themselves.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { changesResponse } from '../../src-shared/sync/protocol';
import type { DocumentSnapshot } from '../../src-shared/domain/schemas';
import type { LocalStore } from '../../src-shared/sync/store';
import type { LocalDocument } from '../../src-shared/sync/localdb';

// ---- state ------------------------------------------------------------------------------------

export interface ClientState {
  name: string;
  clientId: string;
  orgId: string;
  /** The outbox's next sequence number: intents 1..nextSeq-1 were created on this device. */
  nextSeq: number;
  cursor: number;
  outbox: Array<{ seq: number; id: string; docId: string; state: string; kind: string }>;
  conflicts: Array<{ id: string; docId: string }>;
  documents: Array<Pick<LocalDocument, 'id' | 'status' | 'pending' | 'server'> & { soKyHieu: string | null }>;
  versions: Array<{ docId: string; sha256: string; no: number | null; rejected: boolean }>;
  /** Each stored file's key and the SHA-256 of its (decrypted) bytes. */
  files: Array<{ sha256: string; actual: string }>;
}

export interface GatewayView {
  orgId: string;
  /** The cursor GET /v1/changes answers after the last page: the org's latest change. */
  cursor: number;
  snapshots: DocumentSnapshot[];
  /** Every version's file as downloaded from the gateway (when asked for). */
  files: Array<{ sha256: string; actual: string }>;
}

export interface LoggedIntent {
  intentId: string; clientId: string; seq: number; kind: string;
  outcome: 'applied' | 'duplicate' | 'rejected'; result: Record<string, unknown> | null;
}
export interface GatewayLog {
  intents: LoggedIntent[];
  /** Sequence numbers of the change feed, ascending. */
  changeSeqs: number[];
}

const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The client's state, read by iterating its Dexie tables (fake-indexeddb or any IndexedDB). */
export async function readClientState(store: LocalStore, name: string, orgId: string): Promise<ClientState> {
  const db = store.db;
  const kv = new Map((await db.kv.toArray()).map((r) => [r.k, r.v]));
  const files: ClientState['files'] = [];
  for (const sha of (await db.files.toCollection().primaryKeys()) as string[]) {
    const bytes = await store.readFile(sha);
    files.push({ sha256: sha, actual: bytes ? sha256hex(bytes) : 'missing' });
  }
  return {
    name, orgId,
    clientId: kv.get('clientId') as string,
    nextSeq: (kv.get('nextSeq') as number | undefined) ?? 1,
    cursor: (kv.get('cursor') as number | undefined) ?? 0,
    outbox: (await db.outbox.toArray()).map((o) => ({ seq: o.seq, id: o.id, docId: o.docId, state: o.state, kind: o.intent.kind })),
    conflicts: (await db.conflicts.toArray()).map((c) => ({ id: c.id, docId: c.docId })),
    documents: (await db.documents.toArray()).map((d) => ({ id: d.id, status: d.status, pending: d.pending, server: d.server, soKyHieu: d.issue?.soKyHieu ?? null })),
    versions: (await db.versions.toArray()).map((v) => ({ docId: v.docId, sha256: v.sha256, no: v.no, rejected: !!v.rejected })),
    files,
  };
}

/**
 * The same state from Chromium's real IndexedDB in a page: raw object stores, no Dexie, no index.
 * `dbName` defaults to the one `vanthu-*` database holding a signed-in client. Encrypted
 * (confidential) files cannot be hashed here and make it throw.
 */
export async function readBrowserClientState(page: Page, name: string, orgId: string, dbName?: string): Promise<ClientState> {
  const raw = await page.evaluate(async (wanted: string | null) => {
    const req = <T>(r: IDBRequest<T>) => new Promise<T>((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const names = wanted ? [wanted] : ((await indexedDB.databases()).map((d) => d.name!).filter((n) => n.startsWith('vanthu-')));
    const found: unknown[] = [];
    for (const n of names) {
      const db = await req(indexedDB.open(n));
      const stores = ['kv', 'outbox', 'conflicts', 'documents', 'versions', 'files'];
      if (!stores.every((s) => db.objectStoreNames.contains(s))) { db.close(); continue; }
      const tx = db.transaction(stores, 'readonly');
      const all: Record<string, any[]> = {};
      for (const s of stores) all[s] = await req(tx.objectStore(s).getAll());
      db.close();
      const kv = new Map(all.kv.map((r: { k: string; v: unknown }) => [r.k, r.v]));
      if (!kv.get('clientId')) continue;
      const files: Array<{ sha256: string; actual: string }> = [];
      for (const f of all.files) {
        if (f.iv) throw new Error(`file ${f.sha256} is encrypted; cannot verify it in the page`);
        const d = new Uint8Array(await crypto.subtle.digest('SHA-256', f.data));
        files.push({ sha256: f.sha256, actual: Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('') });
      }
      found.push({
        dbName: n,
        clientId: kv.get('clientId'), nextSeq: kv.get('nextSeq') ?? 1, cursor: kv.get('cursor') ?? 0,
        outbox: all.outbox.map((o) => ({ seq: o.seq, id: o.id, docId: o.docId, state: o.state, kind: o.intent.kind })),
        conflicts: all.conflicts.map((c) => ({ id: c.id, docId: c.docId })),
        documents: all.documents.map((d) => ({ id: d.id, status: d.status, pending: d.pending, server: d.server, soKyHieu: d.issue?.soKyHieu ?? null })),
        versions: all.versions.map((v) => ({ docId: v.docId, sha256: v.sha256, no: v.no, rejected: !!v.rejected })),
        files,
      });
    }
    return found;
  }, dbName ?? null) as Array<Omit<ClientState, 'name' | 'orgId'> & { dbName: string }>;
  if (raw.length !== 1) throw new Error(`expected one client store in the page, found ${raw.length} (${raw.map((r) => r.dbName).join(', ')})`);
  const { dbName: _n, ...s } = raw[0];
  return { name, orgId, ...s };
}

/** What the gateway shows one organisation through GET /v1/changes?after=0 (all pages). */
export async function readGatewayView(url: string, token: string, orgId: string, opts: { files?: boolean } = {}): Promise<GatewayView> {
  const get = async (p: string) => {
    const r = await fetch(url + p, { headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
    return r;
  };
  const snapshots: DocumentSnapshot[] = [];
  let cursor = 0;
  for (;;) {
    const page = changesResponse.parse(await (await get(`/v1/changes?after=${cursor}&limit=1000`)).json());
    snapshots.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  const files: GatewayView['files'] = [];
  if (opts.files) {
    for (const sha of new Set(snapshots.flatMap((s) => s.versions.map((v) => v.sha256)))) {
      files.push({ sha256: sha, actual: sha256hex(new Uint8Array(await (await get(`/v1/files/${sha}`)).arrayBuffer())) });
    }
  }
  return { orgId, cursor, snapshots, files };
}

/** Sign in through the API and read that user's organisation's view. */
export async function loginAndReadView(url: string, username: string, password: string, opts: { files?: boolean } = {}): Promise<GatewayView> {
  const r = await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
  const s = await r.json() as { token: string; user: { orgId: string } };
  return readGatewayView(url, s.token, s.user.orgId, opts);
}

/**
 * The ONLY direct read of the gateway's database in the sync tests: its intent log and change
 * feed, which no API exposes. Plain SELECTs of columns, read-only; to port with the data layer.
 */
export function readGatewayLog(dbFile: string): GatewayLog {
  const db = new Database(dbFile, { readonly: true });
  try {
    const intents = (db.prepare('SELECT intent_id, client_id, seq, kind, outcome, result FROM intents').all() as Array<Record<string, any>>)
      .map((r) => ({ intentId: r.intent_id, clientId: r.client_id, seq: r.seq, kind: r.kind, outcome: r.outcome, result: r.result ? JSON.parse(r.result) : null }));
    const changeSeqs = (db.prepare('SELECT seq FROM changes ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
    return { intents, changeSeqs };
  } finally { db.close(); }
}

// ---- checks -----------------------------------------------------------------------------------

export class CheckFailed extends Error {
  constructor(readonly check: string, message: string) { super(`${check}: ${message}`); this.name = 'CheckFailed'; }
}
const fail = (check: string, msg: string): never => { throw new CheckFailed(check, msg); };
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const oneToN = (xs: number[]) => [...xs].sort((a, b) => a - b).every((x, k) => x === k + 1);
const show = (xs: unknown[], n = 12) => `${JSON.stringify(xs.slice(0, n))}${xs.length > n ? ` …(${xs.length})` : ''}`;

/** No intent left behind on the device: the outbox is empty and no document waits for one. */
export function checkOutboxDrained(c: ClientState): void {
  if (c.outbox.length) fail('outboxDrained', `${c.name}: ${c.outbox.length} intents still in the outbox ${show(c.outbox.map((o) => `${o.seq}:${o.kind}:${o.state}`))}`);
  const waiting = c.documents.filter((d) => d.pending !== 0);
  if (waiting.length) fail('outboxDrained', `${c.name}: ${waiting.length} documents still pending ${show(waiting.map((d) => `${d.id}=${d.pending}`))}`);
}

/** No intent lost, none recorded twice: the gateway logged this client's seqs 1..nextSeq-1, each once. */
export function checkIntentsExactlyOnce(c: ClientState, log: GatewayLog): void {
  const mine = log.intents.filter((i) => i.clientId === c.clientId);
  const seqs = mine.map((i) => i.seq).sort((a, b) => a - b);
  const want = Array.from({ length: c.nextSeq - 1 }, (_, k) => k + 1);
  if (!same(seqs, want)) {
    const missing = want.filter((q) => !seqs.includes(q));
    const extra = seqs.filter((q, k) => q > c.nextSeq - 1 || seqs.indexOf(q) !== k);
    fail('intentsExactlyOnce', `${c.name}: gateway holds ${seqs.length} intents, device made ${want.length}; missing seqs ${show(missing)}, extra/repeated ${show(extra)}`);
  }
  const ids = new Set(mine.map((i) => i.intentId));
  if (ids.size !== mine.length) fail('intentsExactlyOnce', `${c.name}: an intent id is logged twice`);
  const dup = mine.filter((i) => i.outcome === 'duplicate');
  if (dup.length) fail('intentsExactlyOnce', `${c.name}: ${dup.length} log rows with outcome "duplicate"`);
}

/** Every rejection is kept on the device as a conflict, and nothing else is. */
export function checkRejectionsKept(c: ClientState, log: GatewayLog): void {
  const rejected = log.intents.filter((i) => i.clientId === c.clientId && i.outcome === 'rejected').map((i) => i.intentId).sort();
  const conflicts = c.conflicts.map((x) => x.id).sort();
  if (!same(conflicts, rejected)) {
    fail('rejectionsKept', `${c.name}: conflicts without a rejection ${show(conflicts.filter((x) => !rejected.includes(x)))}, rejections without a conflict ${show(rejected.filter((x) => !conflicts.includes(x)))}`);
  }
}

/** Every document in the views, once (the owner's snapshot where there is one). */
function allDocuments(views: GatewayView[]): DocumentSnapshot[] {
  const byId = new Map<string, DocumentSnapshot>();
  for (const v of views) for (const s of v.snapshots) if (!byId.has(s.id) || s.ownerOrgId === v.orgId) byId.set(s.id, s);
  return [...byId.values()];
}

/**
 * None applied twice: each effect on the gateway matches exactly one applied intent — versions
 * (numbered 1..n per document), outgoing documents, issued numbers and incoming registrations.
 * `views` must include every organisation that owns a document or registered one.
 */
export function checkNoEffectTwice(log: GatewayLog, views: GatewayView[], orgOfClient: Map<string, string>): void {
  const applied = (kind: string) => log.intents.filter((i) => i.kind === kind && i.outcome === 'applied');
  const docs = allDocuments(views);
  const versions = docs.reduce((a, d) => a + d.versions.length, 0);
  if (versions !== applied('add_version').length) fail('noEffectTwice', `${versions} versions on the gateway but ${applied('add_version').length} applied add_version intents`);
  for (const d of docs) {
    if (!oneToN(d.versions.map((v) => v.no))) fail('noEffectTwice', `document ${d.id}: version numbers ${show(d.versions.map((v) => v.no))} are not 1..n`);
  }
  const out = docs.filter((d) => d.meta.direction === 'out').length;
  if (out !== applied('create_draft').length) fail('noEffectTwice', `${out} outgoing documents but ${applied('create_draft').length} applied create_draft intents`);
  // Issued numbers: the documents' issue info against the results of the intents that issued them.
  const key = (org: string, r: { register: unknown; year?: unknown; issuedDate?: unknown; so: unknown; kyHieu: unknown }) => `${org}|${r.register}|${r.year ?? String(r.issuedDate).slice(0, 4)}|${r.so}|${r.kyHieu}`;
  const issuedByIntent = applied('change_status').filter((i) => i.result && typeof i.result.so === 'number')
    .map((i) => key(orgOfClient.get(i.clientId) ?? '?', i.result as any)).sort();
  const issuedOnDocs = docs.filter((d) => d.issue).map((d) => key(d.ownerOrgId, d.issue!)).sort();
  if (!same(issuedOnDocs, issuedByIntent)) fail('noEffectTwice', `issued numbers on documents ${show(issuedOnDocs.filter((x) => !issuedByIntent.includes(x)))} vs by intents ${show(issuedByIntent.filter((x) => !issuedOnDocs.includes(x)))} (${issuedOnDocs.length} vs ${issuedByIntent.length})`);
  // Incoming registrations: every organisation's số đến against the register_incoming results.
  const ikey = (org: string, r: { register: unknown; ngayDen: unknown; soDen: unknown }) => `${org}|${r.register}|${String(r.ngayDen).slice(0, 4)}|${r.soDen}`;
  const regByIntent = applied('register_incoming').map((i) => ikey(orgOfClient.get(i.clientId) ?? '?', (i.result ?? {}) as any)).sort();
  const regOnDocs = views.flatMap((v) => v.snapshots.filter((s) => s.incoming).map((s) => ikey(v.orgId, s.incoming!))).sort();
  if (!same(regOnDocs, regByIntent)) fail('noEffectTwice', `incoming registrations on documents (${regOnDocs.length}) do not match applied register_incoming intents (${regByIntent.length}): ${show(regOnDocs.filter((x) => !regByIntent.includes(x)))} / ${show(regByIntent.filter((x) => !regOnDocs.includes(x)))}`);
}

/** Registers without gaps or repeats: số and số đến run 1..N per organisation, year and register. */
export function checkRegistersWithoutGaps(views: GatewayView[]): void {
  const groups = new Map<string, number[]>();
  const add = (k: string, n: number) => { const g = groups.get(k) ?? []; g.push(n); groups.set(k, g); };
  for (const d of allDocuments(views)) if (d.issue) add(`out ${d.ownerOrgId} ${d.issue.year} ${d.issue.register}`, d.issue.so);
  for (const v of views) for (const s of v.snapshots) if (s.incoming) add(`in ${v.orgId} ${s.incoming.year} ${s.incoming.register}`, s.incoming.soDen);
  for (const [k, nos] of groups) if (!oneToN(nos)) fail('registersWithoutGaps', `register ${k}: numbers ${show([...nos].sort((a, b) => a - b), 40)} are not 1..${nos.length}`);
}

/** The change feed's sequence numbers run 1..N: none skipped, none repeated. */
export function checkChangeFeedWithoutGaps(log: GatewayLog): void {
  if (!oneToN(log.changeSeqs)) {
    const s = [...log.changeSeqs].sort((a, b) => a - b);
    const at = s.findIndex((x, k) => x !== k + 1);
    fail('changeFeedWithoutGaps', `change seqs are not 1..${s.length}: at position ${at + 1} comes ${s[at]} (${show(s.slice(Math.max(0, at - 2), at + 3))})`);
  }
}

/**
 * The client skipped no change: its cursor is the organisation's latest change, it holds exactly
 * the documents the gateway shows the organisation, each with the gateway's current snapshot,
 * status, number and numbered versions. A local document without a snapshot must be one whose
 * creation the gateway rejected (a conflict).
 */
export function checkClientCaughtUp(c: ClientState, view: GatewayView): void {
  if (view.orgId !== c.orgId) fail('clientCaughtUp', `${c.name}: view of ${view.orgId}, client of ${c.orgId}`);
  if (c.cursor !== view.cursor) fail('clientCaughtUp', `${c.name}: cursor ${c.cursor}, the organisation's latest change is ${view.cursor}`);
  const local = new Map(c.documents.map((d) => [d.id, d]));
  const missing = view.snapshots.filter((s) => !local.has(s.id)).map((s) => s.id);
  if (missing.length) fail('clientCaughtUp', `${c.name}: ${missing.length} documents of the organisation never reached the device ${show(missing)}`);
  const shown = new Set(view.snapshots.map((s) => s.id));
  const conflictDocs = new Set(c.conflicts.map((x) => x.docId));
  for (const d of c.documents) {
    if (!shown.has(d.id) && (d.server !== null || !conflictDocs.has(d.id))) fail('clientCaughtUp', `${c.name}: document ${d.id} is on the device but the gateway does not show it`);
  }
  for (const s of view.snapshots) {
    const d = local.get(s.id)!;
    if (!same(d.server, s)) fail('clientCaughtUp', `${c.name}: document ${s.id} holds an older snapshot (updatedAt ${d.server?.updatedAt ?? 'none'}, gateway ${s.updatedAt}; status ${d.server?.status} vs ${s.status})`);
    if (d.status !== s.status) fail('clientCaughtUp', `${c.name}: document ${s.id} shows status ${d.status}, gateway ${s.status}`);
    if (d.soKyHieu !== (s.issue?.soKyHieu ?? null)) fail('clientCaughtUp', `${c.name}: document ${s.id} shows number ${d.soKyHieu}, gateway ${s.issue?.soKyHieu ?? null}`);
    const lv = c.versions.filter((v) => v.docId === s.id && v.no !== null).sort((a, b) => a.no! - b.no!).map((v) => `${v.no}:${v.sha256}`);
    const gv = s.versions.map((v) => `${v.no}:${v.sha256}`);
    if (!same(lv, gv)) fail('clientCaughtUp', `${c.name}: document ${s.id} versions ${show(lv)} vs gateway ${show(gv)}`);
  }
}

/** Every stored file matches its SHA-256 (on a device, or as downloaded from the gateway). */
export function checkFilesMatchHashes(where: string, files: Array<{ sha256: string; actual: string }>): void {
  const bad = files.filter((f) => f.actual !== f.sha256);
  if (bad.length) fail('filesMatchHashes', `${where}: ${bad.length} files do not match their SHA-256 ${show(bad.map((f) => f.sha256.slice(0, 12)))}`);
}

/** Every version the gateway shows has its bytes on the device (downloads finished). */
export function checkClientHasFiles(c: ClientState, view: GatewayView): void {
  const have = new Set(c.files.map((f) => f.sha256));
  const missing = [...new Set(view.snapshots.flatMap((s) => s.versions.map((v) => v.sha256)))].filter((x) => !have.has(x));
  if (missing.length) fail('clientHasFiles', `${c.name}: ${missing.length} version files not on the device ${show(missing.map((m) => m.slice(0, 12)))}`);
}

/** All of the above for a set of clients. `views` has one entry per organisation (clients' and any other owner). */
export function checkConverged(clients: ClientState[], views: GatewayView[], log: GatewayLog): void {
  const viewOf = new Map(views.map((v) => [v.orgId, v]));
  for (const c of clients) {
    checkOutboxDrained(c);
    checkIntentsExactlyOnce(c, log);
    checkRejectionsKept(c, log);
    const v = viewOf.get(c.orgId) ?? fail('converged', `no gateway view of ${c.orgId}`);
    checkClientCaughtUp(c, v);
    checkClientHasFiles(c, v);
    checkFilesMatchHashes(c.name, c.files);
  }
  checkNoEffectTwice(log, views, new Map(clients.map((c) => [c.clientId, c.orgId])));
  checkRegistersWithoutGaps(views);
  checkChangeFeedWithoutGaps(log);
  for (const v of views) checkFilesMatchHashes(`gateway (${v.orgId})`, v.files);
}
