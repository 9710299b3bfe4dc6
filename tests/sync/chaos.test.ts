// Chaos test on one gateway (SQLite, its embedded default): 7 simulated clients do ≥ 2,000 random
// operations from a seeded generator while a fault-injecting proxy drops, delays, resets and
// truncates their traffic and answers 500/503 with Retry-After, the gateway process is SIGKILLed
// and restarted, and client engines are aborted mid-operation and restarted from their durable
// store (see docs/sync.md for what "killed" means here). After the faults stop, everything must
// converge: no intent lost, none applied twice, registers without gaps or repeats, every stored
// file matching its SHA-256. The run itself is tests/sync/chaos-run.ts; chaos-nodes.test.ts runs it
// on three PostgreSQL nodes behind nginx, killing nodes.
// Replay a run with CHAOS_SEED=<seed>; size it with CHAOS_OPS.
import { describe, it, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChaos } from './chaos-run';
import { readLogAt } from './gateway-log';

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPS = Number(process.env.CHAOS_OPS ?? 2000);
const here = path.dirname(new URL(import.meta.url).pathname);

interface Gw { proc: ChildProcess; port: number }
function spawnGateway(dir: string, port: number): Promise<Gw> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'chaos-gateway.ts')], {
      env: { ...process.env, CHAOS_DATA_DIR: dir, CHAOS_PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /READY http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.on('exit', (code) => reject(new Error(`gateway exited early (${code})`)));
  });
}
const killHard = (g: Gw) => new Promise<void>((r) => { g.proc.once('exit', () => r()); g.proc.kill('SIGKILL'); });

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

describe('chaos', () => {
  it(`converges with nothing lost or applied twice under network faults, gateway kills and client aborts (seed ${SEED})`, async () => {
    await runChaos({
      SEED, OPS, replay: `CHAOS_SEED=${SEED} npx vitest run tests/sync/chaos.test.ts`,
      backend: async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-chaos-'));
        let gw = await spawnGateway(dir, 0);
        const port = gw.port;
        return {
          name: 'gateway', port, url: `http://127.0.0.1:${port}`,
          // The gateway is gone: so are the proxy's connections to it.
          async kill(_n, proxy) { await killHard(gw); proxy.cutAll(); },
          async restart() { gw = await spawnGateway(dir, port); },
          log: () => readLogAt(path.join(dir, 'gateway.sqlite')),
          async close() { gw.proc.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); },
        };
      },
    }, cleanup);
  }, 170_000);
});
