// The command line's helper thread: a hard time bound for verification in the main thread, and the
// digests of the signed ranges computed beside it. A tiny eval'd thread (no bundle to load, unlike
// the verification worker) that
//   - watches the current file: the main thread calls `enter(i)` at the start of file i; if that
//     file overruns, the helper writes the prepared "timed out" output for it (and "not verified"
//     for the files after it) and kills the process, so `vanthu verify` can never hang, even when
//     the main thread is stuck in synchronous code;
//   - hashes file ranges (node:crypto, 1 MB reads on the file descriptor the main thread opened,
//     so both threads see the same file) while the main thread loads and runs the rest of the
//     verification. When the main thread is left waiting for a digest (RangeHasher.need) and this
//     thread is not up yet, it claims the request (a shared flag per request, so exactly one thread
//     does it) and hashes it itself.
// Long-lived hosts use the worker pool instead (a stuck job must not kill the host).

import { Worker } from 'node:worker_threads';
import type { DigestName, RangeHasher } from '../../../src-shared/verify/algorithms';
import { fdRangeHasher } from './hasher';

const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const NAMES = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
  'SHA3-224': 'sha3-224', 'SHA3-256': 'sha3-256', 'SHA3-384': 'sha3-384', 'SHA3-512': 'sha3-512', SHAKE128: 'shake128', SHAKE256: 'shake256', 'RIPEMD-160': 'ripemd160' };
const XOF = { SHAKE128: 32, SHAKE256: 64 };
let timer = null;
function arm(i, at) {
  if (timer) clearTimeout(timer);
  timer = null;
  if (i < 0) return;
  // the clock started when the main thread entered the file (this thread may have booted later)
  timer = setTimeout(() => {
    try { fs.writeSync(1, workerData.onTimeout[i] ?? ''); } catch {}
    process.kill(process.pid, 'SIGKILL');
  }, Math.max(0, workerData.timeoutMs - (Date.now() - at)));
}
const claims = new Int32Array(workerData.claims);
// up: the main thread leaves the digests to this thread from now on (slot 0 is no request)
Atomics.store(claims, 0, 1);
const queue = [];
let busy = false;
const buf = Buffer.allocUnsafe(1 << 20);
const yieldNow = () => new Promise((r) => setImmediate(r));
// hash states of each file's prefix [0, at), as in hasher.ts (PrefixCheckpoints): the signatures of
// one file share the prefix their ranges start with; keyed by the file's identity, not its fd
// (a descriptor number is reused by the next file)
const STEP = 1 << 20;
const prefixes = new Map();
function checkpoints(fd, alg) {
  const st = fs.fstatSync(fd);
  const key = st.dev + ':' + st.ino + ':' + st.size + ':' + st.mtimeMs + ':' + alg;
  let list = prefixes.get(key);
  if (!list) { if (prefixes.size > 64) prefixes.clear(); prefixes.set(key, list = []); }
  return list;
}
async function hash(job) {
  const fresh = () => XOF[job.alg] ? crypto.createHash(NAMES[job.alg], { outputLength: XOF[job.alg] }) : crypto.createHash(NAMES[job.alg]);
  const firstLen = job.ranges.length && job.ranges[0][0] === 0 ? job.ranges[0][1] : 0;
  const cps = firstLen > 0 ? checkpoints(job.fd, job.alg) : null;
  let best = null;
  if (cps) for (const c of cps) if (c.at <= firstLen && (!best || c.at > best.at)) best = c;
  const h = best ? best.h.copy() : fresh();
  const todo = firstLen > 0 ? [[best ? best.at : 0, firstLen - (best ? best.at : 0)], ...job.ranges.slice(1)] : job.ranges;
  let n = 0;
  for (const [k, [off, len]] of todo.entries()) {
    let pos = off;
    const end = off + len;
    const inPrefix = k === 0 && cps !== null;
    while (pos < end) {
      const stop = inPrefix ? Math.min(end, (Math.floor(pos / STEP) + 1) * STEP) : Math.min(end, pos + buf.length);
      const got = fs.readSync(job.fd, buf, 0, stop - pos, pos);
      if (got <= 0) break;
      h.update(buf.subarray(0, got));
      pos += got;
      if (inPrefix && (pos % STEP === 0 || pos === firstLen) && cps.length < 512 && !cps.some((c) => c.at === pos)) cps.push({ at: pos, h: h.copy() });
      if (job.id < claims.length && Atomics.load(claims, job.id) === 3) throw new Error('cancelled');
      if ((++n & 7) === 0) await yieldNow(); // let the watchdog timer fire
    }
  }
  return h.digest();
}
async function drain() {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    const job = queue.shift();
    // the main thread may have taken this digest on itself (it needed it before this thread was up)
    if (job.id < claims.length && Atomics.compareExchange(claims, job.id, 0, 1) !== 0) continue;
    try {
      const d = await hash(job);
      parentPort.postMessage({ id: job.id, digest: d });
    } catch (e) {
      parentPort.postMessage({ id: job.id, error: String(e && e.message || e) });
    }
  }
  busy = false;
}
parentPort.on('message', (m) => {
  if (m.type === 'enter') arm(m.i, m.at);
  else if (m.type === 'hash') { queue.push(m); drain(); }
  else if (m.type === 'stop') { arm(-1, 0); parentPort.close(); }
});
`;

type Ranges = Array<[number, number]>;

/** Digest requests that either thread can claim (ids beyond this are left to the helper). */
const CLAIMS = 4096;

export class Watchdog {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }>();
  /** Digests asked for (or prefetched), by fd + algorithm + ranges. */
  private readonly digests = new Map<string, Promise<Uint8Array>>();
  private failed: Error | null = null;
  /** Per request id: 0 open, 1 taken by the helper, 2 taken by this thread, 3 cancelled; slot 0: 1 once the helper is up. */
  private readonly claims = new Int32Array(new SharedArrayBuffer(4 * CLAIMS));
  /** Request ids by digest key (to claim them). */
  private readonly ids = new Map<string, number>();

  /** `onTimeout[i]`: what to print when file i overruns (its report and those of the files after it). */
  constructor(timeoutMs: number, onTimeout: string[]) {
    this.worker = new Worker(HELPER_SOURCE, { eval: true, execArgv: [], workerData: { timeoutMs, onTimeout, claims: this.claims.buffer } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; digest?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.digest) p.resolve(new Uint8Array(m.digest.buffer, m.digest.byteOffset, m.digest.byteLength));
      else p.reject(new Error(m.error ?? 'hash failed'));
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('verification helper thread exited')));
  }

  /** File `i` starts now (restarts the clock). */
  enter(i: number): void {
    this.worker.postMessage({ type: 'enter', i, at: Date.now() });
  }

  /**
   * Start hashing `ranges` of the open file `fd` on the helper; `hasher(fd)` picks the result up.
   * Speculative: whatever is not asked for is cancelled by `release`.
   */
  prefetch(fd: number, alg: DigestName, ranges: Ranges): void {
    if (this.nextId >= CLAIMS) return; // only cancellable requests are made ahead
    void this.digest(fd, alg, ranges).catch(() => undefined);
  }

  private digest(fd: number, alg: DigestName, ranges: Ranges): Promise<Uint8Array> {
    const key = `${fd}|${alg}|${ranges.map((r) => r.join(',')).join(';')}`;
    let p = this.digests.get(key);
    if (!p) {
      if (this.failed) return Promise.reject(this.failed);
      const id = this.nextId++;
      p = new Promise<Uint8Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      this.worker.ref(); // a digest being awaited keeps the process alive
      this.worker.postMessage({ type: 'hash', id, fd, alg, ranges });
      this.digests.set(key, p);
      this.ids.set(key, id);
    }
    return p;
  }

  /**
   * The main thread now waits for this digest with nothing else to do. The helper does it if it is
   * up (it takes requests in order). If it is not (it needs 40–80 ms to boot, about what a single
   * signature's other checks take; longer on a loaded machine) and has not started on this
   * request, this thread hashes it itself: it would otherwise sit idle until the helper is up.
   * With many signatures the main thread is busy long enough for the helper to take them all.
   */
  private claim(fd: number, alg: DigestName, ranges: Ranges, local: RangeHasher): void {
    const id = this.ids.get(`${fd}|${alg}|${ranges.map((r) => r.join(',')).join(';')}`);
    if (id === undefined || id >= CLAIMS || this.failed) return;
    if (Atomics.load(this.claims, 0) === 1) return;
    if (Atomics.compareExchange(this.claims, id, 0, 2) !== 0) return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    local(alg, ranges).then(p.resolve, p.reject);
  }

  /**
   * A RangeHasher for the open file `fd`, computed on the helper thread; in this one when the
   * helper is gone, or not up when the digest is needed (see claim).
   */
  hasher(fd: number): RangeHasher {
    let local: RangeHasher | null = null;
    const localHasher = () => (local ??= fdRangeHasher(fd));
    const h: RangeHasher = (alg, ranges) => this.digest(fd, alg, ranges).catch(() => localHasher()(alg, ranges));
    h.need = (alg, ranges) => this.claim(fd, alg, ranges, localHasher());
    return h;
  }

  /**
   * The file with this fd is done (its descriptor is about to be closed): digests nobody asked for
   * are cancelled (a document with many bogus /ByteRanges cannot keep the helper busy), and the
   * helper is waited for until it no longer reads the descriptor.
   */
  async release(fd: number): Promise<void> {
    const mine = [...this.digests.keys()].filter((k) => k.startsWith(`${fd}|`));
    for (const k of mine) {
      const id = this.ids.get(k);
      if (id === undefined || id >= CLAIMS) continue;
      if (Atomics.compareExchange(this.claims, id, 0, 3) === 0) {
        // not started: the helper will skip it
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(new Error('cancelled'));
      } else {
        // running on the helper: it stops at its next chunk (a finished one is unaffected)
        Atomics.compareExchange(this.claims, id, 1, 3);
      }
    }
    if (this.pending.size === 0) this.worker.unref();
    await Promise.allSettled(mine.map((k) => this.digests.get(k)));
    for (const k of mine) {
      this.digests.delete(k);
      this.ids.delete(k);
    }
  }

  /** Stop watching (the thread is terminated in the background; it never keeps the process alive). */
  stop(): void {
    this.worker.postMessage({ type: 'stop' });
    this.worker.unref();
    void this.worker.terminate().catch(() => undefined);
  }
}
