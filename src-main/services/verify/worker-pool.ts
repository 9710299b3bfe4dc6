// Runs verification jobs in a worker thread, one at a time, with a hard time bound per job: a job
// that overruns (reference loops, absurd lengths, pathological nesting) has its worker terminated
// and replaced. The worker entry is, in order: $VANTHU_VERIFY_WORKER, a bundled sibling
// verify-worker.js, the running bundle itself (the CLI bundle: verify-file.ts starts serving when
// loaded as a worker with VERIFY_WORKER_TAG), or worker.ts loaded through tsx (sources, vitest).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentReport } from '../../../src-shared/verify/report';
import type { WorkerJob } from './verify-file';

export const VERIFY_WORKER_TAG = 'vanthu-verify-worker';

/** A worker, or null when this layout has no usable entry (e.g. an app bundle without verify-worker.js). */
function createWorker(): Worker | null {
  const self = fileURLToPath(import.meta.url);
  const here = path.dirname(self);
  const workerData = { tag: VERIFY_WORKER_TAG };
  const explicit = process.env.VANTHU_VERIFY_WORKER ?? path.join(here, 'verify-worker.js');
  if (existsSync(explicit)) return new Worker(explicit, { workerData });
  if (!self.endsWith('.ts')) {
    // inside the CLI bundle (vanthu.mjs, possibly split into chunks next to it): modules initialise
    // lazily, so enter through the bundle's main(); the verify command then serves jobs
    // (verify-file.ts checks the tag) and never returns
    const cli = path.basename(self) === 'vanthu.mjs' ? self : path.join(here, 'vanthu.mjs');
    if (!existsSync(cli)) return null;
    const code = `import(${JSON.stringify(pathToFileURL(cli).href)}).then((m) => m.main(['verify', '--serve-worker']));`;
    return new Worker(code, { eval: true, workerData });
  }
  // sources: register tsx inside the worker, then load the TypeScript entry
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = pathToFileURL(path.join(here, 'worker.ts')).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Start a worker and wait for its ready signal (module loading is not counted against a job). */
async function startWorker(): Promise<Worker> {
  const w = createWorker();
  if (!w) throw new Error('no verification worker entry in this layout');
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('verification worker did not start')), 60_000);
    w.once('message', () => { clearTimeout(t); resolve(); });
    w.once('error', (e) => { clearTimeout(t); reject(e); });
  });
  return w;
}

/**
 * One started worker kept between calls (unref'd: it never keeps the process alive). Starting a
 * worker loads the whole verifier (in host mode from sources through tsx: about a second), which a
 * desk verifying one document at a time paid on every document. A worker that overran or failed
 * is terminated, never kept; its caches hold only what it verified (as the main thread's would).
 */
let idle: Worker | null = null;
let warming: Promise<void> | null = null;

function keepIdle(w: Worker): void {
  if (idle) {
    void w.terminate().catch(() => undefined);
    return;
  }
  idle = w;
  w.unref();
  const drop = () => { if (idle === w) idle = null; };
  w.once('exit', drop);
  w.once('error', drop);
}

function takeIdle(): Worker | null {
  const w = idle;
  idle = null;
  w?.ref();
  return w;
}

/** Start a worker in the background for the next verification (host and Electron start-up). */
export function prewarmVerifyWorker(): Promise<void> {
  if (idle || warming) return warming ?? Promise.resolve();
  warming = startWorker().then(keepIdle, () => undefined).finally(() => { warming = null; });
  return warming;
}

/** Terminate the kept worker (tests, shutdown). */
export async function closeIdleVerifyWorker(): Promise<void> {
  await warming;
  const w = takeIdle();
  if (w) await w.terminate().catch(() => undefined);
}

/**
 * Run the jobs in a worker. When no worker can be started at all (a layout without a worker
 * entry), `inThread` verifies them here instead: the reader's guards and the cooperative deadline
 * still apply, only the hard kill is missing.
 */
export async function runInWorkers(
  jobs: WorkerJob[], timeoutMs: number, onTimeout: (job: WorkerJob) => DocumentReport,
  inThread: (job: WorkerJob) => Promise<DocumentReport>,
): Promise<DocumentReport[]> {
  const out: DocumentReport[] = [];
  let worker: Worker | null = null;
  let noWorker = false;
  try {
    for (const job of jobs) {
      if (noWorker) {
        out.push(await inThread({ ...job, deadline: Date.now() + timeoutMs }));
        continue;
      }
      let result: DocumentReport | 'timeout' | Error;
      try {
        if (!worker) worker = takeIdle();
        if (!worker) {
          try {
            worker = await startWorker();
          } catch {
            noWorker = true;
            out.push(await inThread({ ...job, deadline: Date.now() + timeoutMs }));
            continue;
          }
        }
        const w: Worker = worker;
        result = await new Promise<DocumentReport | 'timeout' | Error>((resolve) => {
          const timer = setTimeout(() => resolve('timeout'), timeoutMs + 1_000);
          const cleanup = () => {
            clearTimeout(timer);
            w.off('message', onMsg);
            w.off('error', onErr);
            w.off('exit', onExit);
          };
          const onMsg = (m: DocumentReport) => { cleanup(); resolve(m); };
          const onErr = (e: Error) => { cleanup(); resolve(e); };
          const onExit = () => { cleanup(); resolve(new Error('verification worker exited')); };
          w.on('message', onMsg);
          w.on('error', onErr);
          w.on('exit', onExit);
          // the cooperative deadline counts from when the worker starts on this job
          w.postMessage({ ...job, deadline: Date.now() + timeoutMs });
        });
      } catch (e) {
        result = e instanceof Error ? e : new Error(String(e));
      }
      if (result === 'timeout' || result instanceof Error) {
        if (worker) await worker.terminate().catch(() => undefined);
        worker = null;
        if (result === 'timeout') out.push(onTimeout(job));
        else out.push({ ...onTimeout(job), error: { code: 'VERIFY_WORKER_FAILED', message_vi: `Tiến trình kiểm tra bị lỗi: ${result.message}`, message_en: `The verification worker failed: ${result.message}` } });
      } else {
        out.push(result);
      }
    }
  } finally {
    // a healthy worker (the last job answered) is kept for the next call
    if (worker) keepIdle(worker);
  }
  return out;
}
