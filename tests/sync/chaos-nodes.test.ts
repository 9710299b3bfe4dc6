// The chaos test with a node-kill fault (issue 14, item 5): the same run as chaos.test.ts
// (tests/sync/chaos-run.ts: 7 clients, seeded random operations, the fault-injecting proxy, client
// aborts, the same convergence checks), but the gateway is three nodes — separate OS processes on
// one PostgreSQL database and one shared files folder (tests/helpers/gateway-nodes.ts) — behind
// nginx on 127.0.0.1, and each of the three gateway kills SIGKILLs one node while the others keep
// serving: the first and the third at an arbitrary moment from outside, the second from inside a
// push once its intents are committed (so at least one kill certainly lands mid-request). The
// intent log and change feed are read from PostgreSQL.
// PostgreSQL only: the "postgres" vitest project. A shorter run than the SQLite one by default
// (CHAOS_NODES_OPS, default 1500). Replay with CHAOS_SEED=<seed>.
import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChaos } from './chaos-run';
import { readLogAt } from './gateway-log';
import { TEST_PASSWORD } from '../server/fixture';
import { testEngine, testDatabaseUrl, dropTestDatabase } from '../server/pg-db';
import { startGatewayNodes, answered, unanswered, type Incarnation } from '../helpers/gateway-nodes';
import { startNginx } from '../helpers/nginx';

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPS = Number(process.env.CHAOS_NODES_OPS ?? 1500);

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanup.reverse()) await Promise.resolve().then(c).catch(() => {}); });

describe.skipIf(testEngine() !== 'postgres')('chaos on 3 nodes behind nginx', () => {
  it(`converges with nothing lost or applied twice under network faults, node kills and client aborts (seed ${SEED})`, async () => {
    await runChaos({
      SEED, OPS, pauseMs: 80, replay: `CHAOS_SEED=${SEED} CHAOS_NODES_OPS=${OPS} npx vitest run --project postgres tests/sync/chaos-nodes.test.ts`,
      backend: async (rnd) => {
        const databaseUrl = (await testDatabaseUrl())!;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-chaos-nodes-'));
        const cluster = await startGatewayNodes({ count: 3, databaseUrl, seedPassword: TEST_PASSWORD, rateLimitPerMinute: 1_000_000, dir: path.join(dir, 'nodes') });
        const lb = await startNginx(path.join(dir, 'nginx'), cluster.nodes.map((n) => n.port));
        const kills: Array<{ node: number; how: string; inc: Incarnation }> = [];
        const report = (k: { node: number; how: string; inc: Incarnation }) => console.log(`[chaos] node ${k.node} (pid ${k.inc.pid}) SIGKILLed ${k.how} after answering ${answered(k.inc).length} requests; in flight: ${JSON.stringify(unanswered(k.inc).map((r) => `${r.method} ${r.url.replace(/[0-9a-f]{64}/, (h) => h.slice(0, 12))}`))}`);
        let down = -1;
        let dying: Promise<Incarnation> | null = null;
        return {
          name: 'node', port: lb.port, url: lb.url,
          async kill(n) {
            down = Math.floor(rnd() * 3);
            if (n === 1) {
              // Armed: the node kills itself inside its next push, after the intents were committed
              // and before the answer. The operations go on (they make the pushes); restart() waits for it.
              dying = cluster.armKill(down, { method: 'POST', url: /^\/v1\/push$/, hook: 'onSend' }, 60_000);
            } else {
              const k = { node: down, how: 'from outside', inc: await cluster.kill(down) };
              kills.push(k);
              report(k);
            }
          },
          async restart() {
            if (dying) {
              const k = { node: down, how: 'inside a push (onSend)', inc: await dying };
              dying = null;
              kills.push(k);
              report(k);
            }
            if (down >= 0) await cluster.restart(down);
            down = -1;
          },
          log: () => readLogAt(databaseUrl),
          checkKills() {
            // Every killed node had been answering; the push kill landed with that push in flight,
            // and nginx sent it on to another node.
            for (const k of kills) expect(answered(k.inc).length, `node ${k.node} answered before its kill`).toBeGreaterThan(0);
            expect(kills.length).toBe(3);
            const push = kills[1];
            expect(push.inc.dying?.url).toBe('/v1/push');
            expect(unanswered(push.inc).map((r) => r.reqId)).toContain(push.inc.dying!.reqId);
            const addr = `127.0.0.1:${cluster.nodes[push.node].port}`;
            const retried = lb.accesses().filter((a) => a.method === 'POST' && a.url === '/v1/push' && a.upstreams[0] === addr && a.upstreams.length > 1 && a.at >= push.inc.exitedAt! - 1000);
            expect(retried.length, 'the push in flight was retried on another node').toBeGreaterThan(0);
            console.log(`[chaos] requests answered per node incarnation: ${cluster.nodes.map((n) => `${n.index}:[${n.incarnations.map((inc) => answered(inc).length).join(',')}]`).join(' ')}; nginx retried ${lb.accesses().filter((a) => a.upstreams.length > 1).length} requests on another node`);
          },
          async close() {
            await lb.close();
            await cluster.close();
            await dropTestDatabase(databaseUrl);
            fs.rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    }, cleanup);
  }, 300_000);
});
