// Host side of the worker process: request/response over a message channel, a timeout on every
// call, and automatic restart. After a timeout the process is killed (a hung driver cannot be
// interrupted any other way); after a crash it is gone. Either way pending calls fail with
// TOKEN_TIMEOUT / TOKEN_DRIVER_CRASHED and the next call starts a fresh process.

import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { VanthuError } from '../../../src-shared/errors';
import { crashedError, driverError, loginFailureError, timeoutError } from './errors';
import type { MethodName, Request, WireError, WorkerMethods } from './protocol';

/** What the client needs from a worker process; fork and Electron's utilityProcess both fit. */
export interface WorkerChannel {
  postMessage(msg: unknown): void;
  onMessage(listener: (msg: unknown) => void): void;
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}
export type WorkerFactory = () => WorkerChannel;

export interface ForkOptions {
  /** Worker entry; default: VANTHU_PKCS11_WORKER, a bundled sibling pkcs11-worker.js, or worker.ts via tsx. */
  workerPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the worker's stderr goes (default: inherited). */
  stderr?: 'inherit' | 'ignore';
}

/**
 * Resolve the worker entry for the current layout: an explicit path, VANTHU_PKCS11_WORKER, a
 * bundled `pkcs11-worker.js` next to this code, `worker.ts` next to it (sources), or — for a
 * bundle built inside the repository such as out/cli/vanthu.mjs — the sources found upwards.
 */
export function resolveWorkerEntry(explicit?: string): { file: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'pkcs11-worker.js'), path.join(here, 'worker.ts')];
  for (let dir = here, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'src-main', 'services', 'pkcs11', 'worker.ts'));
  }
  const file = explicit ?? process.env.VANTHU_PKCS11_WORKER ?? candidates.find((c) => existsSync(c)) ?? candidates[1];
  const execArgv = file.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return { file, execArgv };
}

export function forkWorkerFactory(opts: ForkOptions = {}): WorkerFactory {
  return () => {
    const { file, execArgv } = resolveWorkerEntry(opts.workerPath);
    const child = fork(file, [], {
      execArgv,
      serialization: 'advanced',
      env: opts.env ?? process.env,
      stdio: ['ignore', 'ignore', opts.stderr ?? 'inherit', 'ipc'],
    });
    return {
      postMessage: (m) => { if (child.connected) child.send(m as never); },
      onMessage: (fn) => { child.on('message', fn); },
      onExit: (fn) => {
        child.on('exit', (code, signal) => fn(signal ? `signal ${signal}` : `exit code ${code}`));
        child.on('error', (e) => fn(`error ${e.message}`));
      },
      kill: () => { child.kill('SIGKILL'); },
    };
  };
}

/** Turn a worker failure payload into a VanthuError. */
export function fromWire(method: MethodName, e: WireError): VanthuError {
  if (e.kind === 'app') return new VanthuError(e.code, e.message_vi, e.message_en, e.details);
  if (e.kind === 'pkcs11') {
    if (method === 'login' && e.fn === 'C_Login') return loginFailureError(e.rv, e.flagsAfter);
    return driverError(e.rv, e.fn);
  }
  return new VanthuError('TOKEN_WORKER_ERROR', `Lỗi trong tiến trình điều khiển thiết bị ký số: ${e.message}`,
    `Error in the token worker process: ${e.message}`);
}

interface Pending { method: MethodName; resolve(v: unknown): void; reject(e: unknown): void; timer: NodeJS.Timeout }

export interface ClientOptions {
  factory?: WorkerFactory;
  /** Default per-call timeout in ms (default 30 s; ePass2003-class tokens can take seconds). */
  timeoutMs?: number;
  /** How long a new process may take to start and reload its modules (default max(timeoutMs, 60 s)). */
  startTimeoutMs?: number;
  /** Calls replayed on every fresh process before user calls (e.g. loadModules). */
  onStart?: (call: <M extends MethodName>(m: M, p: WorkerMethods[M]['params']) => Promise<WorkerMethods[M]['result']>) => Promise<void>;
}

/**
 * Events: 'restart' (reason) after a timeout or crash — any token login is gone with the old
 * process; 'spawn' (generation) when a new process is up.
 */
export class WorkerClient extends EventEmitter {
  private channel: WorkerChannel | null = null;
  private ready: Promise<void> | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private generation = 0;
  private disposed = false;
  readonly timeoutMs: number;

  constructor(private readonly opts: ClientOptions = {}) {
    super();
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Increments each time a new worker process starts. */
  get processGeneration(): number { return this.generation; }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const ch = (this.opts.factory ?? forkWorkerFactory())();
    this.channel = ch;
    const gen = ++this.generation;
    this.ready = new Promise<void>((resolve, reject) => {
      const startMs = this.opts.startTimeoutMs ?? Math.max(this.timeoutMs, 60_000);
      const startTimer = setTimeout(() => {
        this.fail(ch, (m) => timeoutError(`${m} (start)`, startMs), 'start timeout');
        reject(timeoutError('start', startMs));
      }, startMs);
      ch.onMessage((msg) => {
        const m = msg as { id?: number; ok?: boolean; result?: unknown; error?: WireError; ready?: boolean };
        if (m.ready) {
          clearTimeout(startTimer);
          const init = this.opts.onStart ? this.opts.onStart((mm, pp) => this.send(ch, mm, pp, startMs)) : Promise.resolve();
          init.then(() => { this.emit('spawn', gen); resolve(); }, (e) => {
            // A process that cannot even reload its modules is useless: drop it, retry next call.
            this.fail(ch, (m) => crashedError(m, 'worker start failed'), 'start failed');
            reject(e);
          });
          return;
        }
        if (typeof m.id !== 'number') return;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result);
        else p.reject(fromWire(p.method, m.error as WireError));
      });
      ch.onExit((reason) => {
        clearTimeout(startTimer);
        if (this.channel !== ch) return;
        this.fail(ch, (method) => crashedError(method, reason), reason);
        reject(crashedError('start', reason));
      });
    });
    this.ready.catch(() => { /* surfaced to callers */ });
    return this.ready;
  }

  /** Tear down the current process and fail every pending call with `mkErr`. */
  private fail(ch: WorkerChannel, mkErr: (method: MethodName) => VanthuError, reason: string) {
    if (this.channel !== ch) return;
    this.channel = null;
    this.ready = null;
    try { ch.kill(); } catch { /* already gone */ }
    const pend = [...this.pending.values()];
    this.pending.clear();
    for (const p of pend) { clearTimeout(p.timer); p.reject(mkErr(p.method)); }
    if (!this.disposed) this.emit('restart', reason);
  }

  private send<M extends MethodName>(ch: WorkerChannel, method: M, params: WorkerMethods[M]['params'], timeoutMs: number): Promise<WorkerMethods[M]['result']> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.fail(ch, (m) => timeoutError(m, timeoutMs), `timeout in ${method}`);
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      ch.postMessage({ id, method, params } satisfies Request);
    });
  }

  /** Call a worker method with a timeout (default: the client's). */
  async call<M extends MethodName>(method: M, params: WorkerMethods[M]['params'], timeoutMs = this.timeoutMs): Promise<WorkerMethods[M]['result']> {
    if (this.disposed) throw crashedError(method, 'service closed');
    await this.start();
    const ch = this.channel;
    if (!ch) throw crashedError(method, 'worker not running');
    return this.send(ch, method, params, timeoutMs);
  }

  /** Stop the worker process (pending calls fail). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const ch = this.channel;
    if (ch) this.fail(ch, (m) => crashedError(m, 'service closed'), 'disposed');
  }
}
