// The hard time bound of `vanthu verify`: when the main thread is stuck in synchronous code, the
// watchdog prints the report prepared for the file and kills the process. Both kinds: the /bin/sh
// timer process (POSIX) and the helper thread (Windows, or no /bin/sh). Each runs in a child node
// process that arms the watchdog, then spins forever.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './fixtures';

function stuck(kind: 'ShellWatchdog' | 'Watchdog', timeoutMs: number, opts: { spinAfterMs?: number; stopAfterMs?: number; tmp?: string } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; ms: number }> {
  const mod = kind === 'ShellWatchdog' ? './src-main/services/verify/shell-watchdog.ts' : './src-main/services/verify/watchdog.ts';
  const script = `
    import { ${kind} } from ${JSON.stringify(mod)};
    const dog = new ${kind}(${timeoutMs}, ['file 0 timed out\\n', 'file 1 timed out\\n']);
    dog.enter(0);
    ${opts.stopAfterMs !== undefined
      ? `setTimeout(() => { dog.enter(1); setTimeout(() => { dog.stop(); process.stdout.write('done\\n'); }, ${opts.stopAfterMs}); }, 50);`
      : `setTimeout(() => { for (;;) {} }, ${opts.spinAfterMs ?? 50});`}
  `;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env = opts.tmp ? { ...process.env, TMPDIR: opts.tmp } : process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', reject);
    // a watchdog that fails must not leave a spinning process behind
    const reaper = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (code, signal) => {
      clearTimeout(reaper);
      resolve({ code, signal, out, ms: Date.now() - started });
    });
  });
}


describe.each(['ShellWatchdog', 'Watchdog'] as const)('%s', (kind) => {
  it('prints the prepared report and kills a process stuck in synchronous code', { timeout: 20_000 }, async () => {
    const r = await stuck(kind, 400);
    expect(r.signal).toBe('SIGKILL');
    expect(r.out).toBe('file 0 timed out\n'); // not killed by the reaper (which prints nothing)
  });

  it('is re-armed per file and stays quiet once stopped', { timeout: 20_000 }, async () => {
    // a temp dir of its own (other test files run vanthu verify meanwhile, with their own dirs)
    const tmp = mkdtempSync(path.join(tmpdir(), 'vanthu-watchdog-test-'));
    // file 1 starts after 50 ms and the run ends 100 ms later, well inside the bound
    const r = await stuck(kind, 1000, { stopAfterMs: 100, tmp });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.out).toBe('done\n');
    expect(readdirSync(tmp).filter((n) => n.startsWith('vanthu-verify-'))).toEqual([]); // the watchdog's report files are gone
  });
});
