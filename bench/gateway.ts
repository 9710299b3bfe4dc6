// Benchmark of the gateway at province scale (issue 14), all on loopback, bounded in count and time:
//   - PostgreSQL: a throw-away cluster (initdb + pg_ctl, temp dir, 127.0.0.1, free port), 3 gateway
//     node processes (`node --import tsx src-server/cli.ts`, one shared files folder) behind nginx;
//     SQLite: one node, no nginx.
//   - seeded through the data layer with a province: ~256 agencies, one user per simulated client;
//   - N simulated clients (default 8,000), each signs in once through the API, pulls /changes every
//     30 s (spread evenly) and pushes a mix of operations (drafts, paper documents registered by
//     clerks, mark-read of pulled documents, and at 1 in 20 operations a 1 MB upload + a version);
//   - then a closed-loop push phase (W writers) for the intents applied per second, against what
//     pgbench reaches on the same PostgreSQL in the same run with a script writing the same rows as
//     an applied create_draft (SQLite: against better-sqlite3 running the same transaction in-process);
//   - after the run, every acknowledged intent must be in the gateway's log exactly once and the
//     change feed's numbers must have no gap.
// Run: npm run bench -- gateway [--clients=8000] [--seconds=90] [--engine=postgres|sqlite|both]
//        [--orgs=256] [--push-every=120] [--writers=32] [--batch=10] [--push-seconds=15] [--nodes=3] [--pool=10]
// The nodes log at warn (not info) and get VANTHU_RATE_LIMIT_PER_MINUTE / VANTHU_LOGIN_RATE_LIMIT_PER_MINUTE
// raised: all simulated clients sign in from one loopback address, beyond the per-address login limit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase, type GatewayDb } from '../src-server/db';
import { startCluster, removeCluster, freePort, type Cluster } from '../tests/server/pg-cluster';
import { startNginx, type Nginx } from '../tests/helpers/nginx';
import { gatewayLogOf } from '../tests/sync/gateway-log';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
function opt(name: string, dflt: string): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
    if (argv[i] === `--${name}` && argv[i + 1] && !argv[i + 1].startsWith('--')) return argv[i + 1];
  }
  return dflt;
}
const num = (name: string, d: number) => { const v = Number(opt(name, String(d))); if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}`); return v; };
const CLIENTS = num('clients', 8000);
const SECONDS = num('seconds', 90);
const ORGS = num('orgs', 256);
const PULL_EVERY = num('pull-every', 30);
const PUSH_EVERY = num('push-every', 120);
const WRITERS = num('writers', 32);
const BATCH = num('batch', 10);
const PUSH_SECONDS = num('push-seconds', 15);
const NODES = num('nodes', 3);
const POOL = num('pool', 10);
const ENGINES = opt('engine', 'both') === 'both' ? ['postgres', 'sqlite'] as const : [opt('engine', 'both') as 'postgres' | 'sqlite'];
const PASSWORD = 'bench-mat-khau';
const FILE_BYTES = 1024 * 1024;
if (CLIENTS > 20_000 || SECONDS > 600 || WRITERS > 256) throw new Error('bounded: at most 20,000 clients, 600 s, 256 writers');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-bench-gateway-'));
const children = new Set<ChildProcess>();
let cluster: Cluster | undefined;
let nginx: Nginx | undefined;
function cleanup() {
  for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } }
  if (cluster) { try { removeCluster(cluster); } catch { /* stopped */ } cluster = undefined; }
  fs.rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });
process.on('SIGTERM', () => { cleanup(); process.exit(143); });

// ---------------------------------------------------------------- small helpers
const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] : NaN;
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** CPU seconds used so far by a process (utime + stime from /proc). */
function cpuOf(pid: number): number {
  try { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; } catch { return 0; }
}
/** Busy CPU seconds of the whole machine (all cores) from /proc/stat. */
function machineBusy(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f.reduce((a, b) => a + b, 0) - f[3] - (f[4] ?? 0)) / 100;
}
function postgresPids(c: Cluster): number[] {
  const master = Number(fs.readFileSync(path.join(c.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const out = [master];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8'); if (Number(s.split(') ')[1].split(' ')[1]) === master) out.push(Number(d)); } catch { /* gone */ }
  }
  return out;
}

// ---------------------------------------------------------------- HTTP client (keep-alive, no per-client objects)
interface Res { status: number; body: Buffer; ms: number }
let agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
let base = { host: '127.0.0.1', port: 0 };
function request(method: string, p: string, token: string | null, body?: Buffer | string, type = 'application/json'): Promise<Res> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const headers: Record<string, string | number> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) { headers['content-type'] = type; headers['content-length'] = Buffer.byteLength(body); }
    const req = http.request({ ...base, method, path: p, agent, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout 30 s')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
const json = (r: Res) => { try { return JSON.parse(r.body.toString('utf8')); } catch { return undefined; } };

// ---------------------------------------------------------------- seed (through the data layer)
interface Seeded { users: Array<{ id: string; username: string; org: string; role: string }>; orgs: string[] }
async function seed(db: GatewayDb): Promise<Seeded> {
  // The hash format carries its scrypt parameters; N=1024 (not 16384) so 8,000 sign-ins cost seconds, not minutes.
  const salt = randomBytes(16);
  const key = scryptSync(PASSWORD.normalize('NFC'), salt, 32, { N: 1024, r: 8, p: 1 });
  const pwHash = `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
  const orgs: Array<{ id: string; parent_id: string | null; name: string; abbr: string; kind: string }> = [{ id: 'tinh', parent_id: null, name: 'UBND tỉnh', abbr: 'UBND', kind: 'province' }];
  const districts = Math.max(1, Math.round(ORGS / 16));
  for (let d = 0; d < districts && orgs.length < ORGS; d++) orgs.push({ id: `h${d}`, parent_id: 'tinh', name: `UBND huyện ${d}`, abbr: 'UBND', kind: 'district' });
  for (let s = 0; orgs.length < ORGS && s < 20; s++) orgs.push({ id: `so${s}`, parent_id: 'tinh', name: `Sở ${s}`, abbr: 'SO', kind: 'department' });
  for (let x = 0; orgs.length < ORGS; x++) orgs.push({ id: `x${x}`, parent_id: `h${x % districts}`, name: `UBND xã ${x}`, abbr: 'UBND', kind: 'commune' });
  orgs.push({ id: 'pgbench', parent_id: 'tinh', name: 'pgbench', abbr: 'PGB', kind: 'department' });
  const users: Seeded['users'] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const org = orgs[i % ORGS].id;
    const k = Math.floor(i / ORGS); // 0,1,2… within the org
    users.push({ id: randomUUID(), username: `u${i}`, org, role: k % 10 === 1 ? 'clerk' : k % 10 === 2 ? 'secretary' : 'official' });
  }
  await db.tx(async (q) => {
    await q.insertInto('orgs').values(orgs).execute();
    for (let i = 0; i < users.length; i += 500) {
      await q.insertInto('users').values(users.slice(i, i + 500).map((u) => ({ id: u.id, org_id: u.org, username: u.username, full_name: `Người dùng ${u.username}`, role: u.role, pw_hash: pwHash }))).execute();
    }
  });
  return { users, orgs: orgs.map((o) => o.id) };
}

// ---------------------------------------------------------------- gateway nodes
interface Node { child: ChildProcess; port: number; errors: string[]; out: string[] }
async function startNode(env: Record<string, string>, dataDir: string): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-server/cli.ts'], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, VANTHU_SERVER_DIR: dataDir, VANTHU_SERVER_PORT: String(port), VANTHU_LOG_LEVEL: 'warn',
      VANTHU_RATE_LIMIT_PER_MINUTE: '100000', VANTHU_LOGIN_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  children.add(child);
  const n: Node = { child, port, errors: [], out: [] };
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (l: string) => {
      if (/gateway: http:\/\//.test(l)) resolve();
      else if (l.startsWith('{')) { try { const j = JSON.parse(l); if (j.level >= 50) n.errors.push(l.slice(0, 400)); } catch { n.out.push(l); } }
      else if (l.trim()) n.out.push(l.slice(0, 400));
    };
    child.stdout!.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); } });
    child.stderr!.on('data', (d) => n.out.push(String(d).slice(0, 400)));
    child.once('exit', (code) => reject(new Error(`node exited (${code}): ${n.out.slice(-5).join(' ')}`)));
  });
  await Promise.race([ready, sleep(60_000).then(() => { throw new Error('node did not start in 60 s'); })]);
  return n;
}
async function stopNode(n: Node) {
  if (n.child.exitCode !== null) return;
  const gone = new Promise((r) => n.child.once('exit', r));
  n.child.kill('SIGTERM');
  const t = setTimeout(() => n.child.kill('SIGKILL'), 10_000);
  await gone; clearTimeout(t); children.delete(n.child);
}

// ---------------------------------------------------------------- simulated clients
interface Client {
  i: number; user: Seeded['users'][number]; token: string; clientId: string; seq: number; cursor: number;
  pulling: boolean; pushing: boolean; ops: number; drafts: Array<{ id: string; head: string | null }>;
}
interface Acked { id: string; clientId: string; seq: number; kind: string }
interface Stats {
  pullMs: number[]; pushMs: number[]; uploadMs: number[]; pulls: number; pushes: number; uploads: number; intentsApplied: number;
  errors: number; errorSamples: string[]; skippedBusy: number; maxLagMs: number; changesSeen: number;
}
const newStats = (): Stats => ({ pullMs: [], pushMs: [], uploadMs: [], pulls: 0, pushes: 0, uploads: 0, intentsApplied: 0, errors: 0, errorSamples: [], skippedBusy: 0, maxLagMs: 0, changesSeen: 0 });
function err(s: Stats, what: string) { s.errors++; if (s.errorSamples.length < 8) s.errorSamples.push(what.slice(0, 300)); }

const recentByOrg = new Map<string, string[]>();
const acked: Acked[] = [];
const baseFile = randomBytes(FILE_BYTES);
let fileCounter = 0;

const meta = (c: Client, n: number, incoming = false) => ({
  typeCode: incoming ? 'CV' : n % 3 === 0 ? 'QD' : 'CV', unitAbbr: 'VP', subject: `${incoming ? 'Công văn đến' : 'Dự thảo'} số ${n} của ${c.user.username} về việc triển khai chuyển đổi số năm 2026`,
  organName: 'UBND', doMat: 'thuong', doKhan: 'thuong', recipients: ['Như trên', 'Lưu: VT'], pageAmount: 2,
  ...(incoming ? { senderName: 'Bộ Nội vụ', senderCodeNotation: `${n}/BNV-VP`, direction: 'in' } : { signer: { fullName: 'Lê Văn Cường', position: 'Chủ tịch', authority: 'TM.' } }),
});

async function pull(c: Client, s: Stats): Promise<void> {
  for (let page = 0; page < 20; page++) {
    let r: Res;
    try { r = await request('GET', `/v1/changes?after=${c.cursor}&limit=500`, c.token); } catch (e) { err(s, `pull: ${(e as Error).message}`); return; }
    s.pulls++;
    const j = json(r);
    if (r.status !== 200 || !j || !Array.isArray(j.changes) || typeof j.cursor !== 'number' || j.cursor < c.cursor) { err(s, `pull ${r.status}: ${r.body.toString().slice(0, 200)}`); return; }
    s.pullMs.push(r.ms);
    s.changesSeen += j.changes.length;
    for (const d of j.changes) {
      if (d.ownerOrgId !== c.user.org && !d.incoming) { err(s, `pull: foreign document ${d.id}`); return; }
      const list = recentByOrg.get(c.user.org) ?? [];
      if (list.length < 64) list.push(d.id); else list[(fileCounter + list.length) % 64] = d.id;
      recentByOrg.set(c.user.org, list);
    }
    c.cursor = j.cursor;
    if (!j.hasMore) return;
  }
}

async function uploadFile(c: Client, s: Stats): Promise<string | undefined> {
  const bytes = Buffer.from(baseFile);
  bytes.write(`${process.pid}:${++fileCounter}:${c.i}:`, 0);
  const sha = sha256(bytes);
  const t0 = performance.now();
  try {
    const st = await request('POST', '/v1/uploads', c.token, JSON.stringify({ sha256: sha, size: bytes.length }));
    const sj = json(st);
    if (st.status !== 200 || !sj || sj.complete !== false || sj.offset !== 0) { err(s, `upload start ${st.status} ${st.body.toString().slice(0, 200)}`); return; }
    const ap = await request('PUT', `/v1/uploads/${sha}?offset=0`, c.token, bytes, 'application/octet-stream');
    const aj = json(ap);
    if (ap.status !== 200 || !aj || aj.offset !== bytes.length) { err(s, `upload put ${ap.status} ${ap.body.toString().slice(0, 200)}`); return; }
    const fin = await request('POST', `/v1/uploads/${sha}/finalize`, c.token);
    const fj = json(fin);
    if (fin.status !== 200 || !fj || fj.complete !== true || fj.sha256 !== sha || fj.size !== bytes.length) { err(s, `upload finalize ${fin.status} ${fin.body.toString().slice(0, 200)}`); return; }
  } catch (e) { err(s, `upload: ${(e as Error).message}`); return; }
  s.uploads++;
  s.uploadMs.push(performance.now() - t0);
  return sha;
}

/** Push intents; returns true when every one was applied (anything else is counted as an error). */
async function pushIntents(c: Client, s: Stats, intents: Array<Record<string, unknown>>): Promise<boolean> {
  const full = intents.map((it) => ({ ...it, id: randomUUID(), seq: ++c.seq, createdAt: new Date().toISOString() })) as unknown as Array<Record<string, unknown> & { id: string; seq: number; kind: string }>;
  let r: Res;
  try { r = await request('POST', '/v1/push', c.token, JSON.stringify({ clientId: c.clientId, intents: full })); }
  catch (e) { err(s, `push: ${(e as Error).message}`); c.seq -= full.length; return false; }
  const j = json(r);
  if (r.status !== 200 || !j || !Array.isArray(j.results)) { err(s, `push ${r.status}: ${r.body.toString().slice(0, 200)}`); c.seq -= full.length; return false; }
  s.pushes++;
  s.pushMs.push(r.ms);
  let ok = j.results.length === full.length && j.expectedSeq === undefined;
  for (let k = 0; k < j.results.length; k++) {
    const res = j.results[k];
    if (res.id !== full[k].id || res.seq !== full[k].seq) { ok = false; continue; }
    if (res.outcome === 'applied') { acked.push({ id: res.id, clientId: c.clientId, seq: res.seq, kind: full[k].kind as string }); s.intentsApplied++; }
    else { ok = false; err(s, `intent ${full[k].kind} ${res.outcome}: ${JSON.stringify(res.error ?? {}).slice(0, 150)}`); }
  }
  if (!ok && j.results.length !== full.length) err(s, `push answered ${j.results.length}/${full.length} (expectedSeq ${j.expectedSeq})`);
  return ok;
}

/** One operation of the realistic mix. */
async function operate(c: Client, s: Stats, g: number): Promise<void> {
  c.ops++;
  if (g % 20 === 0) { // a 1 MB file and a version of one of the client's drafts
    const sha = await uploadFile(c, s);
    if (!sha) return;
    const intents: Array<Record<string, unknown>> = [];
    let d = c.drafts[c.drafts.length - 1];
    if (!d) { d = { id: randomUUID(), head: null }; intents.push({ kind: 'create_draft', docId: d.id, meta: meta(c, c.ops) }); }
    intents.push({ kind: 'add_version', docId: d.id, sha256: sha, size: FILE_BYTES, fileName: `du-thao-${c.ops}.pdf`, versionKind: 'draft', parentSha256: d.head });
    if (await pushIntents(c, s, intents)) { d.head = sha; if (!c.drafts.includes(d)) c.drafts.push(d); }
    return;
  }
  const r = (g * 7) % 10;
  const seen = recentByOrg.get(c.user.org);
  if (c.user.role === 'clerk' && r < 5) { await pushIntents(c, s, [{ kind: 'register_incoming', docId: randomUUID(), meta: meta(c, c.ops, true) }]); return; }
  if (r >= 7 && seen?.length) { await pushIntents(c, s, [{ kind: 'mark_read', docId: seen[g % seen.length] }]); return; }
  const id = randomUUID();
  if (await pushIntents(c, s, [{ kind: 'create_draft', docId: id, meta: meta(c, c.ops) }])) { c.drafts.push({ id, head: null }); if (c.drafts.length > 8) c.drafts.shift(); }
}

async function signInAll(seeded: Seeded): Promise<Client[]> {
  const clients: Client[] = new Array(seeded.users.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < seeded.users.length; i = next++) {
      const u = seeded.users[i];
      const r = await request('POST', '/v1/auth/login', null, JSON.stringify({ username: u.username, password: PASSWORD }));
      const j = json(r);
      if (r.status !== 200 || !j?.token || j.user?.id !== u.id) throw new Error(`login ${u.username}: ${r.status} ${r.body.toString().slice(0, 200)}`);
      clients[i] = { i, user: u, token: j.token, clientId: randomUUID(), seq: 0, cursor: 0, pulling: false, pushing: false, ops: 0, drafts: [] };
    }
  };
  await Promise.all(Array.from({ length: 48 }, worker));
  return clients;
}

/** Open-loop load: every client pulls every PULL_EVERY s (spread evenly), pushes every PUSH_EVERY s. */
async function loadPhase(clients: Client[]): Promise<Stats & { seconds: number; requiredPulls: number; requiredOps: number; ops: number }> {
  const s = newStats();
  const N = clients.length;
  const inflight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => { inflight.add(p); p.finally(() => inflight.delete(p)); };
  // Initial cursors: every client starts caught up with the (seeded, empty) feed.
  const t0 = performance.now();
  let pullsIssued = 0; let opsIssued = 0; let ops = 0;
  const pullRate = N / (PULL_EVERY * 1000); const opRate = N / (PUSH_EVERY * 1000);
  await new Promise<void>((done) => {
    const tick = () => {
      const el = performance.now() - t0;
      if (el >= SECONDS * 1000) { clearInterval(timer); done(); return; }
      const duePulls = Math.floor(el * pullRate);
      if (duePulls > pullsIssued) s.maxLagMs = Math.max(s.maxLagMs, el - (pullsIssued + 1) / pullRate);
      for (; pullsIssued < duePulls; pullsIssued++) {
        const c = clients[pullsIssued % N];
        if (c.pulling) { s.skippedBusy++; continue; }
        c.pulling = true;
        track(pull(c, s).finally(() => { c.pulling = false; }));
      }
      const dueOps = Math.floor(el * opRate);
      for (; opsIssued < dueOps; opsIssued++) {
        const c = clients[(opsIssued * 7919 + 13) % N];
        if (c.pushing) { s.skippedBusy++; continue; }
        c.pushing = true; ops++;
        track(operate(c, s, opsIssued).finally(() => { c.pushing = false; }));
      }
    };
    const timer = setInterval(tick, 5);
  });
  const until = Date.now() + 60_000;
  while (inflight.size && Date.now() < until) await Promise.race([...inflight, sleep(1000)]);
  if (inflight.size) err(s, `${inflight.size} requests still unanswered 60 s after the load stopped`);
  return { ...s, seconds: SECONDS, requiredPulls: N / PULL_EVERY, requiredOps: N / PUSH_EVERY, ops };
}

/** Closed loop: WRITERS clients each push batches of BATCH create_draft intents for PUSH_SECONDS. */
async function pushPhase(clients: Client[]): Promise<Stats & { seconds: number }> {
  const s = newStats();
  const writers = clients.slice(0, WRITERS);
  const t0 = performance.now();
  const end = t0 + PUSH_SECONDS * 1000;
  await Promise.all(writers.map(async (c) => {
    while (performance.now() < end) {
      const batch = Array.from({ length: BATCH }, (_, k) => ({ kind: 'create_draft', docId: randomUUID(), meta: meta(c, c.ops + k) }));
      c.ops += BATCH;
      if (!(await pushIntents(c, s, batch)) && s.errors > 50) return;
    }
  }));
  return { ...s, seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------- after the run: nothing lost
async function checkLog(db: GatewayDb, clientIds: Set<string>) {
  const log = await gatewayLogOf({ gw: { db } } as never);
  const byId = new Map<string, number>();
  const mine = log.intents.filter((i) => clientIds.has(i.clientId));
  for (const i of mine) byId.set(i.intentId, (byId.get(i.intentId) ?? 0) + 1);
  let lost = 0; let dup = 0; let wrong = 0;
  const ackedIds = new Set<string>();
  const rows = new Map(mine.map((i) => [i.intentId, i]));
  for (const a of acked) {
    ackedIds.add(a.id);
    const n = byId.get(a.id) ?? 0;
    if (n === 0) lost++; else if (n > 1) dup++;
    const row = rows.get(a.id);
    if (row && (row.clientId !== a.clientId || row.seq !== a.seq || row.outcome !== 'applied' || row.kind !== a.kind)) wrong++;
  }
  const unacked = mine.filter((i) => !ackedIds.has(i.intentId)).length;
  const seqs = log.changeSeqs;
  let gaps = 0;
  for (let k = 1; k < seqs.length; k++) if (seqs[k] !== seqs[k - 1] + 1) gaps++;
  if (seqs.length && seqs[0] !== 1) gaps++;
  return { acked: acked.length, logged: mine.length, lost, dup, wrong, unacked, changes: seqs.length, gaps };
}

// ---------------------------------------------------------------- peers: pgbench / better-sqlite3
const PGBENCH_SCRIPT = `
\\set r random(1, 1000000000000)
BEGIN;
SELECT last_seq FROM clients WHERE client_id = 'pgb-' || :client_id FOR UPDATE \\gset
INSERT INTO documents (id, owner_org_id, status, meta, confidential, created_by, created_at, updated_at) VALUES ('pgb-' || :client_id || '-' || :r, 'pgbench', 'draft', :'meta', 0, :'uid', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z');
INSERT INTO access (doc_id, org_id) VALUES ('pgb-' || :client_id || '-' || :r, 'pgbench');
INSERT INTO intents (intent_id, client_id, seq, user_id, kind, outcome, error, result, applied_at) VALUES ('pgb-i-' || :client_id || '-' || :r, 'pgb-' || :client_id, :last_seq + 1, :'uid', 'create_draft', 'applied', NULL, '{}', 1777777777777);
UPDATE clients SET last_seq = :last_seq + 1 WHERE client_id = 'pgb-' || :client_id;
WITH c AS (UPDATE counters SET value = value + 1 WHERE name = 'changes' RETURNING value) INSERT INTO changes (seq, org_id, doc_id) SELECT c.value, 'pgbench', 'pgb-' || :client_id || '-' || :r FROM c;
END;
`;
async function runPgbench(c: Cluster, dbName: string, uid: string, conns: number): Promise<{ tps: number; tx: number; rows: number; failed: number }> {
  const cl = new pg.Client({ connectionString: c.url.replace(/\/postgres$/, `/${dbName}`) });
  await cl.connect();
  for (let i = 0; i < conns; i++) await cl.query(`INSERT INTO clients (client_id, user_id, last_seq) VALUES ($1, $2, 0)`, [`pgb-${i}`, uid]);
  const script = path.join(work, 'intent.sql');
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const metaJson = JSON.stringify({ direction: 'out', typeCode: 'CV', subject: 'Dự thảo số 1 của pgbench về việc triển khai chuyển đổi số năm 2026', organName: 'UBND', doMat: 'thuong', doKhan: 'thuong', recipients: ['Như trên', 'Lưu: VT'], recipientOrgIds: [], pageAmount: 2 });
  fs.writeFileSync(script, PGBENCH_SCRIPT.replace(/:'meta'/g, lit(metaJson)).replace(/:'uid'/g, lit(uid)));
  fs.chmodSync(work, 0o755); fs.chmodSync(script, 0o644);
  const pgbench = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((p) => fs.existsSync(p)) ?? 'pgbench';
  const r = spawnSync(pgbench, ['-n', '-M', 'prepared', '-c', String(conns), '-j', '2', '-T', String(PUSH_SECONDS), '-h', '127.0.0.1', '-p', String(c.port), '-U', 'vanthu',
    '-f', script, dbName], { encoding: 'utf8', timeout: (PUSH_SECONDS + 60) * 1000 });
  if (r.status !== 0) throw new Error(`pgbench failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1]);
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(r.stdout)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  const rows = Number((await cl.query(`SELECT COUNT(*) AS n FROM intents WHERE client_id LIKE 'pgb-%'`)).rows[0].n);
  await cl.end();
  if (!Number.isFinite(tps) || rows !== tx) throw new Error(`pgbench: tps ${tps}, ${tx} transactions but ${rows} intent rows`);
  return { tps, tx, rows, failed };
}

/** The same transaction in-process on the same SQLite file (prepared statements, one connection). */
function sqlitePeer(file: string, uid: string): { tps: number; tx: number } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL'); db.pragma('busy_timeout = 5000');
  db.prepare(`INSERT INTO clients (client_id, user_id, last_seq) VALUES ('pgb-0', ?, 0)`).run(uid);
  const sel = db.prepare(`SELECT last_seq FROM clients WHERE client_id = 'pgb-0'`);
  const insDoc = db.prepare(`INSERT INTO documents (id, owner_org_id, status, meta, confidential, created_by, created_at, updated_at) VALUES (?, 'pgbench', 'draft', ?, 0, ?, '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z')`);
  const insAcc = db.prepare(`INSERT INTO access (doc_id, org_id) VALUES (?, 'pgbench')`);
  const cnt = db.prepare(`UPDATE counters SET value = value + 1 WHERE name = 'changes' RETURNING value`);
  const insCh = db.prepare(`INSERT INTO changes (seq, org_id, doc_id) VALUES (?, 'pgbench', ?)`);
  const insInt = db.prepare(`INSERT INTO intents (intent_id, client_id, seq, user_id, kind, outcome, error, result, applied_at) VALUES (?, 'pgb-0', ?, ?, 'create_draft', 'applied', NULL, '{}', 1777777777777)`);
  const upd = db.prepare(`UPDATE clients SET last_seq = ? WHERE client_id = 'pgb-0'`);
  const metaJson = JSON.stringify({ direction: 'out', typeCode: 'CV', subject: 'Dự thảo số 1 của sqlite về việc triển khai chuyển đổi số năm 2026', organName: 'UBND' });
  const one = db.transaction(() => {
    const last = (sel.get() as { last_seq: number }).last_seq;
    const id = randomUUID();
    insDoc.run(id, metaJson, uid); insAcc.run(id);
    const v = (cnt.get() as { value: number }).value;
    insCh.run(v, id); insInt.run(randomUUID(), last + 1, uid); upd.run(last + 1);
  });
  let tx = 0;
  const t0 = performance.now();
  const end = t0 + PUSH_SECONDS * 1000;
  while (performance.now() < end) { one(); tx++; }
  const secs = (performance.now() - t0) / 1000;
  const rows = (db.prepare(`SELECT COUNT(*) AS n FROM intents WHERE client_id = 'pgb-0'`).get() as { n: number }).n;
  db.close();
  if (rows !== tx) throw new Error(`sqlite peer: ${tx} transactions, ${rows} rows`);
  return { tps: tx / secs, tx };
}

// ---------------------------------------------------------------- one engine
interface Row {
  engine: string; nodes: number; clients: number; load: Awaited<ReturnType<typeof loadPhase>>; push: Awaited<ReturnType<typeof pushPhase>>;
  check: Awaited<ReturnType<typeof checkLog>>; peer: { name: string; tps: number }; serverErrors: number; cpu: Record<string, number>; loginS: number; seedS: number;
}

async function runEngine(engine: 'postgres' | 'sqlite'): Promise<Row> {
  acked.length = 0; recentByOrg.clear();
  agent.destroy(); agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
  const dir = path.join(work, engine);
  fs.mkdirSync(dir, { recursive: true });
  const filesDir = path.join(dir, 'files');
  let url: string | undefined; let dbName = '';
  if (engine === 'postgres') {
    cluster = await startCluster({ durable: true });
    dbName = 'vanthu_bench';
    const a = new pg.Client({ connectionString: cluster.url }); await a.connect(); await a.query(`CREATE DATABASE ${dbName} TEMPLATE template0`); await a.end();
    url = cluster.url.replace(/\/postgres$/, `/${dbName}`);
    console.log(`[${engine}] PostgreSQL cluster at 127.0.0.1:${cluster.port} (fsync on, synchronous_commit on)`);
  }
  const nodeCount = engine === 'postgres' ? NODES : 1;
  const nodeDir = (k: number) => path.join(dir, `node${k}`);
  let t0 = performance.now();
  fs.mkdirSync(nodeDir(0), { recursive: true, mode: 0o700 });
  const sdb = await openDatabase({ url, sqliteFile: path.join(nodeDir(0), 'gateway.sqlite'), poolMax: 4 });
  const seeded = await seed(sdb);
  await sdb.close();
  const seedS = (performance.now() - t0) / 1000;
  console.log(`[${engine}] seeded ${seeded.orgs.length - 1} organisations, ${seeded.users.length} users in ${f1(seedS)} s`);
  const env: Record<string, string> = { VANTHU_FILES_DIR: filesDir, VANTHU_DB_POOL_MAX: String(POOL) };
  if (url) { env.VANTHU_DATABASE_URL = url; env.VANTHU_TRUST_PROXY = '127.0.0.1'; }
  const nodes: Node[] = [];
  try {
    for (let k = 0; k < nodeCount; k++) nodes.push(await startNode(env, nodeDir(k)));
    if (engine === 'postgres') { nginx = await startNginx(path.join(dir, 'nginx'), nodes.map((n) => n.port)); base = { host: '127.0.0.1', port: nginx.port }; }
    else base = { host: '127.0.0.1', port: nodes[0].port };
    console.log(`[${engine}] ${nodeCount} node(s)${engine === 'postgres' ? ` behind nginx at 127.0.0.1:${nginx!.port}` : ''}`);
    t0 = performance.now();
    const clients = await signInAll(seeded);
    const loginS = (performance.now() - t0) / 1000;
    console.log(`[${engine}] ${clients.length} clients signed in through the API in ${f1(loginS)} s; load for ${SECONDS} s…`);
    const pids: Record<string, number[]> = { nodes: nodes.map((n) => n.child.pid!), postgres: cluster ? postgresPids(cluster) : [] };
    const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, v.reduce((a, p) => a + cpuOf(p), 0)]));
    const me0 = process.cpuUsage();
    const lb0 = machineBusy();
    const w0 = performance.now();
    const load = await loadPhase(clients);
    const wall = (performance.now() - w0) / 1000;
    const me = process.cpuUsage(me0);
    const cpu: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, (v.reduce((a, p) => a + cpuOf(p), 0) - cpu0[k]) / wall]));
    cpu.loadgen = (me.user + me.system) / 1e6 / wall;
    cpu.machine = (machineBusy() - lb0) / wall;
    console.log(`[${engine}] load done: ${load.pulls} pulls, ${load.pushes} pushes, ${load.errors} errors; push phase ${PUSH_SECONDS} s, ${WRITERS} writers × ${BATCH} intents…`);
    const mb0 = machineBusy();
    const pc0 = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, v.reduce((a, p) => a + cpuOf(p), 0)]));
    const pm0 = process.cpuUsage();
    const push = await pushPhase(clients);
    const pm = process.cpuUsage(pm0);
    const pushCpu: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, (v.reduce((a, p) => a + cpuOf(p), 0) - pc0[k]) / push.seconds]));
    pushCpu.loadgen = (pm.user + pm.system) / 1e6 / push.seconds;
    pushCpu.machine = (machineBusy() - mb0) / push.seconds;
    console.log(`[${engine}] push phase CPU (cores): nodes ${f1(pushCpu.nodes)}, postgres ${f1(pushCpu.postgres ?? 0)}, load generator ${f1(pushCpu.loadgen)}; whole machine ${f1(pushCpu.machine)} of ${os.cpus().length}`);
    for (const n of nodes) await stopNode(n);
    await nginx?.close(); nginx = undefined;
    const serverErrors = nodes.reduce((a, n) => a + n.errors.length, 0);
    for (const n of nodes) for (const e of n.errors.slice(0, 3)) console.log(`   node error: ${e}`);
    const cdb = await openDatabase({ url, sqliteFile: path.join(nodeDir(0), 'gateway.sqlite'), poolMax: 2 });
    const check = await checkLog(cdb, new Set(clients.map((c) => c.clientId)));
    await cdb.close();
    const uid = seeded.users[0].id;
    const peer = engine === 'postgres'
      ? { name: 'pgbench', tps: (await runPgbench(cluster!, dbName, uid, Math.min(WRITERS, NODES * POOL))).tps }
      : { name: 'better-sqlite3 in-process', tps: sqlitePeer(path.join(nodeDir(0), 'gateway.sqlite'), uid).tps };
    return { engine, nodes: nodeCount, clients: clients.length, load, push, check, peer, serverErrors, cpu, loginS, seedS };
  } finally {
    for (const n of nodes) await stopNode(n).catch(() => {});
    await nginx?.close().catch(() => {}); nginx = undefined;
    if (cluster) { removeCluster(cluster); cluster = undefined; }
  }
}

// ---------------------------------------------------------------- main
const rows: Row[] = [];
let failed = false;
try {
  console.log(`bench/gateway: ${CLIENTS} clients, pull every ${PULL_EVERY} s, an operation every ${PUSH_EVERY} s per client, ${SECONDS} s of load; ${os.cpus().length} cores`);
  for (const e of ENGINES) rows.push(await runEngine(e));
} catch (e) {
  failed = true;
  console.error(`bench/gateway failed: ${(e as Error).stack ?? e}`);
} finally {
  cleanup();
}

console.log('\n| engine | nodes | clients | /changes req/s needed → done | ops/s needed → done | /changes p50 / p95 / p99 / max ms | push p99 ms | 1 MB uploads (p50 ms) | errors | acked / lost / dup | feed gaps | push phase intents/s | peer tx/s | ratio | CPU cores: nodes / pg / loadgen / machine |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const p = [...r.load.pullMs].sort((a, b) => a - b);
  const pu = [...r.load.pushMs].sort((a, b) => a - b);
  const up = [...r.load.uploadMs].sort((a, b) => a - b);
  const ips = r.push.intentsApplied / r.push.seconds;
  console.log(`| ${r.engine} | ${r.nodes} | ${r.clients} | ${f1(r.load.requiredPulls)} → ${f1(r.load.pulls / r.load.seconds)} | ${f1(r.load.requiredOps)} → ${f1(r.load.ops / r.load.seconds)} | ${f1(pct(p, 50))} / ${f1(pct(p, 95))} / ${f1(pct(p, 99))} / ${f1(p[p.length - 1])} | ${f1(pct(pu, 99))} | ${r.load.uploads} (${f1(pct(up, 50))}) | ${r.load.errors + r.push.errors + r.serverErrors} | ${r.check.acked} / ${r.check.lost} / ${r.check.dup} | ${r.check.gaps} | ${f0(ips)} | ${f0(r.peer.tps)} (${r.peer.name}) | ${(ips / r.peer.tps).toFixed(2)}× | ${f1(r.cpu.nodes)} / ${f1(r.cpu.postgres ?? 0)} / ${f1(r.cpu.loadgen)} / ${f1(r.cpu.machine)} |`);
  for (const x of [...r.load.errorSamples, ...r.push.errorSamples]) console.log(`   error sample [${r.engine}]: ${x}`);
  if (r.load.skippedBusy) console.log(`   [${r.engine}] ${r.load.skippedBusy} scheduled requests skipped because the client's previous one was still running`);
  console.log(`   [${r.engine}] generator max lag ${f1(r.load.maxLagMs)} ms; ${r.load.changesSeen} changes pulled; sign-in ${f1(r.loginS)} s; intents in log ${r.check.logged} (${r.check.unacked} not acknowledged, ${r.check.wrong} differing); feed ${r.check.changes} rows`);
}

const pgRow = rows.find((r) => r.engine === 'postgres');
const targets: string[] = [];
if (pgRow) {
  const p = [...pgRow.load.pullMs].sort((a, b) => a - b);
  const p99 = pct(p, 99);
  const errors = pgRow.load.errors + pgRow.push.errors + pgRow.serverErrors;
  const rateOk = pgRow.load.pulls / pgRow.load.seconds >= 0.97 * pgRow.load.requiredPulls && pgRow.load.skippedBusy === 0;
  const ratio = pgRow.push.intentsApplied / pgRow.push.seconds / pgRow.peer.tps;
  const full = pgRow.clients >= 8000;
  targets.push(`${full ? '' : `[${pgRow.clients} clients, not 8,000] `}/changes p99 ${f1(p99)} ms ≤ 100 ms: ${p99 <= 100 && rateOk ? 'MET' : 'NOT MET'}${rateOk ? '' : ' (the required pull rate was not reached)'}`);
  targets.push(`0 errors: ${errors === 0 ? 'MET' : `NOT MET (${errors})`}`);
  targets.push(`0 lost: ${pgRow.check.lost === 0 && pgRow.check.dup === 0 && pgRow.check.wrong === 0 && pgRow.check.gaps === 0 && pgRow.check.acked > 0 ? 'MET' : `NOT MET (${pgRow.check.lost} lost, ${pgRow.check.dup} duplicated, ${pgRow.check.gaps} feed gaps)`}`);
  targets.push(`push ${ratio.toFixed(2)}× pgbench ≥ 0.5×: ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
  if (!full) failed = failed || false;
} else targets.push('(PostgreSQL not run: no targets)');
if (failed) targets.push('run FAILED');
console.log(`\nTargets: ${targets.join('; ')}`);
process.exit(failed ? 1 : 0);
