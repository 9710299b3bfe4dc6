// A hard time bound for verification in the current thread, for the command line: a tiny watchdog
// thread (no bundle to load, unlike the verification worker) watches a shared counter that the
// main thread advances after each file. If a file overruns, the watchdog writes the prepared
// "timed out" output for it (and "not verified" for the files after it) and terminates the
// process, so `vanthu verify` can never hang. Long-lived hosts use the worker pool instead.

import { Worker } from 'node:worker_threads';

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const cell = new Int32Array(workerData.sab);
for (;;) {
  const cur = Atomics.load(cell, 0);
  if (cur < 0) break;
  const r = Atomics.wait(cell, 0, cur, workerData.timeoutMs);
  if (r === 'timed-out' && Atomics.load(cell, 0) === cur) {
    try { fs.writeSync(1, workerData.onTimeout[cur] ?? ''); } catch {}
    process.kill(process.pid, 'SIGKILL');
    break;
  }
}
`;

export class Watchdog {
  private readonly cell: Int32Array;
  private readonly worker: Worker;

  /** `onTimeout[i]`: what to print when file i overruns (its report and those of the files after it). */
  constructor(timeoutMs: number, onTimeout: string[]) {
    const sab = new SharedArrayBuffer(4);
    this.cell = new Int32Array(sab);
    this.worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { sab, timeoutMs, onTimeout } });
    this.worker.unref();
  }

  /** File `i` starts now (restarts the clock). */
  enter(i: number): void {
    Atomics.store(this.cell, 0, i);
    Atomics.notify(this.cell, 0);
  }

  async stop(): Promise<void> {
    Atomics.store(this.cell, 0, -1);
    Atomics.notify(this.cell, 0);
    await this.worker.terminate().catch(() => undefined);
  }
}
