// The command line's hard time bound on POSIX systems, kept out of this process: a /bin/sh that
// sleeps while the main thread verifies a file and, if the file overruns, prints the report
// prepared for that case and SIGKILLs vanthu, so `vanthu verify` can never hang, even when the main
// thread is stuck in synchronous code. It replaces the helper thread (watchdog.ts) where /bin/sh
// exists: booting a Node thread took ~40–60 ms of CPU and made a single-signature verification
// ~18 ms slower (measured in docs/benchmarks.md), while this costs a fork and an exec of sh. The
// helper thread's parallel hashing only paid off when the main thread had ~50 ms of other work;
// digests are computed in this thread (1 MB reads one chunk ahead on the thread pool).
//
// Protocol: one line per file on the shell's stdin, "SECONDS REPORTFILE", re-arms the timer; the
// report for file i (its "timed out" report and "not verified" for the files after it) is written
// to REPORTFILE first. EOF on stdin (vanthu done, or gone however it ended) disarms it and the
// shell exits; it never outlives vanthu by more than that, and never signals anything once its
// stdin is closed.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DigestName, RangeHasher } from '../../../src-shared/verify/algorithms';
import { fdRangeHasher } from './hasher';

// $1: the pid to kill. The timer is a subshell that a new line or EOF stops (its sleep with it).
// \`sleep\` takes fractions on GNU, BSD and busybox; one that refuses them (exit status, at once)
// gets whole seconds instead rather than firing early.
const SCRIPT = `
pid=$1
t=
disarm() { if [ -n "$t" ]; then kill -TERM "$t" 2>/dev/null; wait "$t" 2>/dev/null; t=; fi; }
while read -r secs whole file; do
  disarm
  ( s=
    trap 'if [ -n "$s" ]; then kill "$s" 2>/dev/null; fi; exit 0' TERM
    sleep "$secs" 2>/dev/null & s=$!
    if ! wait "$s"; then sleep "$whole" & s=$!; wait "$s" || exit 0; fi
    cat "$file" 2>/dev/null
    kill -KILL "$pid" ) &
  t=$!
done
disarm
`;

export interface VerifyWatchdog {
  /** File `i` starts now (restarts the clock). */
  enter(i: number): void;
  /** A digest that will be asked for (the thread helper starts it early; here a no-op). */
  prefetch(fd: number, alg: DigestName, ranges: Array<[number, number]>): void;
  /** Digests of ranges of the open file `fd`. */
  hasher(fd: number): RangeHasher;
  /** The file with this descriptor is done. */
  release(fd: number): Promise<void>;
  /** Stop watching. */
  stop(): void;
}

export class ShellWatchdog implements VerifyWatchdog {
  private readonly child: ChildProcess;
  private readonly dir: string;
  private stopped = false;

  /** `onTimeout[i]`: what to print when file i overruns (its report and those of the files after it). */
  constructor(private readonly timeoutMs: number, private readonly onTimeout: string[]) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'vanthu-verify-'));
    this.child = spawn('/bin/sh', ['-c', SCRIPT, 'vanthu-watchdog', String(process.pid)], {
      stdio: ['pipe', 'inherit', 'ignore'],
      detached: true, // its own process group: a Ctrl-C reaches vanthu, which then closes the pipe
    });
    this.child.unref();
    this.child.on('error', () => undefined);
    this.child.stdin?.on('error', () => undefined);
  }

  enter(i: number): void {
    if (this.stopped) return;
    const file = path.join(this.dir, `timeout-${i}`);
    writeFileSync(file, this.onTimeout[i] ?? '');
    const secs = Math.max(this.timeoutMs, 1) / 1000;
    this.child.stdin?.write(`${secs.toFixed(3)} ${Math.ceil(secs)} ${file}\n`);
  }

  prefetch(): void {
    // nothing to start early: the digest is computed in this thread when asked for
  }

  hasher(fd: number): RangeHasher {
    return fdRangeHasher(fd);
  }

  async release(): Promise<void> {
    // reads are awaited by the hasher itself
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.child.stdin?.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
