// Extra worker threads for a large PKCS#12 batch of `vanthu sign`: signing a file is CPU work in
// one JavaScript thread (PDF parsing, hashing, CMS encoding), so on a machine with more than one
// core a second thread with its own signer (the key file opened again from the same bytes and
// password) takes files from the same queue. Only for the bundled CLI (the worker is the bundle
// entry out/cli/sign-worker.mjs), only when the batch is large enough to repay the thread's start
// (~0.1 s of CPU), and only for cores that are idle now (1-minute load average): on a busy machine
// the extra thread only competes with the main one (measured: slower under load 5 on 2 cores).
// VANTHU_SIGN_THREADS=N sets the number of extra threads (0 = none).

import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppError } from '../../src-shared/errors';
import type { FileResult } from './sign-file';
import type { SignWorkerData, ToWorker } from './sign-worker';

/** Files per extra thread below which it does not pay for its start. */
const MIN_FILES_PER_THREAD = 16;

export function signThreadCount(files: number): number {
  const env = process.env.VANTHU_SIGN_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    return Number.isInteger(n) && n > 0 ? Math.min(n, 8, files) : 0;
  }
  // cores left after the main thread and the load already there (loadavg is 0 on Windows)
  const idle = Math.floor(availableParallelism() - 1 - loadavg()[0]);
  return Math.max(0, Math.min(idle, 3, Math.floor(files / MIN_FILES_PER_THREAD)));
}

/** The worker entry next to this module in the bundle, or null (running from the sources). */
export function signWorkerUrl(): URL | null {
  const url = new URL('./sign-worker.mjs', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

export interface QueuedFile {
  index: number;
  input: string;
  output: string;
}

const lost = (why: string): AppError => ({
  code: 'INTERNAL',
  message_vi: `Luồng ký bị dừng bất thường: ${why}`,
  message_en: `A signing thread stopped unexpectedly: ${why}`,
});

/**
 * One worker thread signing files from `take()` until it returns undefined; each result goes to
 * `settle`. Resolves when the thread is done. If it cannot open the key it takes no file; if it
 * dies, the files it held fail with INTERNAL (none is left half written: outputs are renamed into place).
 */
export function runSignThread(url: URL, data: SignWorkerData, take: () => QueuedFile | undefined, settle: (index: number, r: FileResult) => void): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(url, { workerData: data });
    const held = new Map<number, string>();
    let finished = false;
    const finish = (error?: AppError) => {
      if (finished) return;
      finished = true;
      for (const [index, input] of held) settle(index, { input, ok: false, error: error ?? lost('no result') });
      held.clear();
      resolve();
    };
    const send = (m: ToWorker) => worker.postMessage(m);
    worker.on('message', (m: { type: string; index?: number; result?: FileResult }) => {
      if (m.type === 'want') {
        const f = finished ? undefined : take();
        if (f) {
          held.set(f.index, f.input);
          send({ type: 'file', ...f });
        } else send({ type: 'end' });
      } else if (m.type === 'result') {
        held.delete(m.index!);
        settle(m.index!, m.result!);
      } else if (m.type === 'done' || m.type === 'failed') finish();
    });
    worker.on('error', (e) => finish(lost(e.message)));
    worker.on('exit', (code) => finish(lost(`exit code ${code}`)));
  });
}
