// Runs verification jobs in a worker thread, one at a time, with a hard time bound per job: a job
// that overruns (reference loops, absurd lengths, pathological nesting) has its worker terminated
// and replaced. Entry: a bundled sibling verify-worker.js, else worker.ts loaded through tsx.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentReport } from '../../../src-shared/verify/report';
import type { WorkerJob } from './verify-file';

/** Start a worker and wait for its ready signal (module loading is not counted against a job). */
async function startWorker(): Promise<Worker> {
  const w = createWorker();
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('verification worker did not start')), 60_000);
    w.once('message', () => { clearTimeout(t); resolve(); });
    w.once('error', (e) => { clearTimeout(t); reject(e); });
  });
  return w;
}

function createWorker(): Worker {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = process.env.VANTHU_VERIFY_WORKER ?? path.join(here, 'verify-worker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  // sources (tsx, vitest): register tsx inside the worker, then load the TypeScript entry
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = pathToFileURL(path.join(here, 'worker.ts')).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

export async function runInWorkers(jobs: WorkerJob[], timeoutMs: number, onTimeout: (job: WorkerJob) => DocumentReport): Promise<DocumentReport[]> {
  const out: DocumentReport[] = [];
  let worker: Worker | null = null;
  try {
    for (const job of jobs) {
      if (!worker) worker = await startWorker();
      const w: Worker = worker;
      const result = await new Promise<DocumentReport | 'timeout' | Error>((resolve) => {
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
        // the deadline counts from when the worker actually starts on this job
        w.postMessage({ ...job, deadline: Date.now() + timeoutMs });
      });
      if (result === 'timeout' || result instanceof Error) {
        await w.terminate().catch(() => undefined);
        worker = null;
        if (result === 'timeout') out.push(onTimeout(job));
        else out.push({ ...onTimeout(job), error: { code: 'VERIFY_WORKER_FAILED', message_vi: `Tiến trình kiểm tra bị lỗi: ${result.message}`, message_en: `The verification worker failed: ${result.message}` } });
      } else {
        out.push(result);
      }
    }
  } finally {
    if (worker) await worker.terminate().catch(() => undefined);
  }
  return out;
}
