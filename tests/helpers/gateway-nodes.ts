// Gateway NODES as separate OS processes on one PostgreSQL database and one shared files folder,
// so that a node can be SIGKILLed for real and started again on its port (issue 14, item 5).
// Each node is tests/helpers/gateway-node-main.ts (the same start as `npm run server`) on
// 127.0.0.1 with a data dir of its own; the database is seeded once, in this process, before any
// node starts. Every node's pino log (one JSON line per request received and per request answered)
// is kept per start ("incarnation"), so a test can tell which requests a node answered and which it
// had received but not answered when it was killed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGateway } from '../../src-server/app';
import { seedDemo } from '../../src-server/seed';
import { freePort } from './nginx';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const MAIN = path.join(repo, 'tests/helpers/gateway-node-main.ts');

/** One request as the node's log shows it. */
export interface NodeRequest { reqId: string; method: string; url: string; at: number; status?: number; doneAt?: number }

/** One start of a node, up to its exit. */
export interface Incarnation {
  pid: number;
  startedAt: number;
  /** Set when the process exited; `killed` when this helper SIGKILLed it. */
  exitedAt?: number;
  killed?: boolean;
  /** The request during which the node killed itself (armKill). */
  dying?: { reqId: string; method: string; url: string };
  requests: Map<string, NodeRequest>;
  /** Resolves when the process has exited and its stdout is fully read. */
  gone: Promise<void>;
}

export interface GatewayNode {
  index: number;
  port: number;
  url: string;
  dataDir: string;
  proc: ChildProcess | null;
  incarnations: Incarnation[];
  readonly alive: boolean;
  /** The current (or last) incarnation. */
  readonly current: Incarnation;
}

export interface GatewayNodes {
  nodes: GatewayNode[];
  databaseUrl: string;
  filesDir: string;
  /** SIGKILL node i and wait until it is gone (its log read to the end). */
  kill(i: number): Promise<Incarnation>;
  /**
   * Arm node i to SIGKILL itself at `hook` of the next request matching `method` and `url` (so
   * the kill certainly lands while that request is in flight), and wait until it is gone.
   */
  armKill(i: number, t: { method: string; url: RegExp; hook: 'preHandler' | 'onSend' }, timeoutMs?: number): Promise<Incarnation>;
  /** Start node i again on its port and wait for /ready. */
  restart(i: number): Promise<void>;
  /** Stop every node (SIGTERM, then SIGKILL) and remove the node folders (not the database). */
  close(): Promise<void>;
}

export interface GatewayNodesOptions {
  count: number;
  /** postgres://… of an existing (empty or migrated) database. */
  databaseUrl: string;
  /** Seed the demo province with this password for every login (skipped when users exist). */
  seedPassword?: string;
  rateLimitPerMinute?: number;
  /** Where node folders and the shared files folder go (default: a new temp dir). */
  dir?: string;
  /** How long a node may take to answer /ready (default 60 s). */
  readyTimeoutMs?: number;
}

/** In flight at the end of an incarnation: received (logged) and never answered. */
export const unanswered = (inc: Incarnation): NodeRequest[] => [...inc.requests.values()].filter((r) => r.status === undefined);
/** Answered by the incarnation. */
export const answered = (inc: Incarnation): NodeRequest[] => [...inc.requests.values()].filter((r) => r.status !== undefined);

export async function startGatewayNodes(o: GatewayNodesOptions): Promise<GatewayNodes> {
  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-nodes-'));
  const filesDir = path.join(dir, 'files');
  fs.mkdirSync(filesDir, { recursive: true, mode: 0o700 });
  // Migrate and seed once, here, so the nodes start on a ready database.
  const g = await buildGateway({ dataDir: path.join(dir, 'seed'), databaseUrl: o.databaseUrl, files: { dir: filesDir } });
  try {
    const any = await g.db.k.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (!any) await seedDemo(g.db, { password: o.seedPassword });
  } finally { await g.close(); }

  const nodes: GatewayNode[] = [];
  for (let i = 0; i < o.count; i++) {
    const port = await freePort();
    const dataDir = path.join(dir, `node-${i}`);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const n: GatewayNode = {
      index: i, port, url: `http://127.0.0.1:${port}`, dataDir, proc: null, incarnations: [],
      get alive() { return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null; },
      get current() { return this.incarnations[this.incarnations.length - 1]; },
    };
    nodes.push(n);
  }

  const spawnNode = (n: GatewayNode): Promise<void> => new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: repo,
      env: {
        ...process.env,
        VANTHU_DATABASE_URL: o.databaseUrl, VANTHU_SERVER_DIR: n.dataDir, VANTHU_SERVER_PORT: String(n.port),
        VANTHU_FILES_DIR: filesDir, VANTHU_LOG_LEVEL: 'info',
        ...(o.rateLimitPerMinute ? { VANTHU_TEST_RATE_LIMIT: String(o.rateLimitPerMinute) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let exited!: () => void;
    const inc: Incarnation = { pid: proc.pid!, startedAt: Date.now(), requests: new Map(), gone: new Promise((r) => (exited = r)) };
    n.proc = proc;
    n.incarnations.push(inc);
    let buf = '';
    let ready = false;
    let stderr = '';
    const line = (l: string) => {
      if (!ready && l.startsWith('READY ')) { ready = true; waitReady(n.url, o.readyTimeoutMs ?? 60_000).then(resolve, reject); return; }
      if (l.startsWith('DYING ')) { const [, reqId, method, url] = l.split(' '); inc.dying = { reqId, method, url }; inc.killed = true; return; }
      if (l[0] !== '{') return;
      let j: any;
      try { j = JSON.parse(l); } catch { return; }
      if (j.msg === 'incoming request' && j.reqId) inc.requests.set(j.reqId, { reqId: j.reqId, method: j.req?.method, url: j.req?.url, at: j.time });
      else if (j.msg === 'request completed' && j.reqId) {
        const r = inc.requests.get(j.reqId);
        if (r) { r.status = j.res?.statusCode; r.doneAt = j.time; }
      }
    };
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      buf += d;
      let k: number;
      while ((k = buf.indexOf('\n')) >= 0) { line(buf.slice(0, k)); buf = buf.slice(k + 1); }
    });
    proc.stdin!.on('error', () => {});
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
    // 'close': the process exited AND its stdout was read to the end.
    proc.on('close', () => {
      if (buf) line(buf);
      inc.exitedAt = Date.now();
      exited();
      if (!ready) reject(new Error(`gateway node ${n.index} exited before it was ready: ${stderr}`));
    });
  });

  const all: GatewayNodes = {
    nodes, databaseUrl: o.databaseUrl, filesDir,
    async kill(i) {
      const n = nodes[i];
      const inc = n.current;
      if (!n.alive) throw new Error(`node ${i} is not running`);
      inc.killed = true;
      n.proc!.kill('SIGKILL');
      await inc.gone;
      n.proc = null;
      return inc;
    },
    async armKill(i, t, timeoutMs = 60_000) {
      const n = nodes[i];
      const inc = n.current;
      if (!n.alive) throw new Error(`node ${i} is not running`);
      n.proc!.stdin!.write(`${JSON.stringify({ method: t.method, url: t.url.source, hook: t.hook })}\n`);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), timeoutMs); });
      const r = await Promise.race([inc.gone, late]);
      clearTimeout(timer);
      if (r === 'late') throw new Error(`node ${i}: no ${t.method} ${t.url} reached ${t.hook} within ${timeoutMs} ms`);
      n.proc = null;
      return inc;
    },
    async restart(i) {
      const n = nodes[i];
      if (n.alive) throw new Error(`node ${i} is running`);
      await spawnNode(n);
    },
    async close() {
      await Promise.all(nodes.map(async (n) => {
        if (!n.alive) return;
        const inc = n.current;
        n.proc!.kill('SIGTERM');
        const t = setTimeout(() => n.proc?.kill('SIGKILL'), 5000);
        await inc.gone;
        clearTimeout(t);
        n.proc = null;
      }));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map(spawnNode));
  } catch (e) {
    await all.close();
    throw e;
  }
  return all;
}

/** Poll GET /ready until 200 (database reachable, migrations done). */
async function waitReady(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(`${url}/ready`);
      if (r.status === 200) return;
    } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`${url}/ready did not answer 200 within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
