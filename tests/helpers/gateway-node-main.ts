// One gateway node as its own OS process, spawned by tests/helpers/gateway-nodes.ts so that it can
// be SIGKILLed for real. The same start as `npm run server` (src-server/cli.ts: buildGateway, then
// listen on 127.0.0.1) from the same environment (VANTHU_DATABASE_URL, VANTHU_SERVER_DIR,
// VANTHU_SERVER_PORT, VANTHU_FILES_DIR), pino JSON lines on stdout — written synchronously, so
// every line written before a SIGKILL is in the pipe — plus, for tests only:
//  - VANTHU_TEST_RATE_LIMIT: the per-user rate limit (cli.ts has no setting for it; its default of
//    600/min would throttle the simulated clients);
//  - a kill trigger armed through stdin: a JSON line {"method","url" (a RegExp source),"hook"}
//    makes the node SIGKILL itself at that Fastify hook of the next matching request — "preHandler"
//    (received, nothing done) or "onSend" (done and committed, the answer not yet sent) — so a kill
//    lands while that request is certainly in flight. It prints "DYING <reqId> <method> <url>" first.
// Prints "READY <url>" once listening.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pino from 'pino';
import type { FastifyRequest } from 'fastify';
import { buildGateway } from '../../src-server/app';
import { gatewayLogger } from '../../src-server/log';

const env = process.env;
const dataDir = path.resolve(env.VANTHU_SERVER_DIR!);
const g = await buildGateway({
  dataDir,
  databaseUrl: env.VANTHU_DATABASE_URL || undefined,
  files: { dir: env.VANTHU_FILES_DIR ? path.resolve(env.VANTHU_FILES_DIR) : dataDir },
  rateLimitPerMinute: env.VANTHU_TEST_RATE_LIMIT ? Number(env.VANTHU_TEST_RATE_LIMIT) : undefined,
  logger: gatewayLogger(env.VANTHU_LOG_LEVEL ?? 'info', pino.destination({ dest: 1, sync: true })),
});

interface Trigger { method: string; url: RegExp; hook: 'preHandler' | 'onSend' }
let armed: Trigger | null = null;
const maybeDie = (hook: Trigger['hook'], req: FastifyRequest) => {
  const t = armed;
  if (!t || t.hook !== hook || req.method !== t.method || !t.url.test(req.url)) return;
  fs.writeSync(1, `DYING ${req.id} ${req.method} ${req.url}\n`);
  process.kill(process.pid, 'SIGKILL');
};
g.app.addHook('preHandler', async (req) => { maybeDie('preHandler', req); });
g.app.addHook('onSend', async (req, _reply, payload) => { maybeDie('onSend', req); return payload; });
readline.createInterface({ input: process.stdin }).on('line', (l) => {
  const j = JSON.parse(l) as { method: string; url: string; hook: Trigger['hook'] };
  armed = { method: j.method, url: new RegExp(j.url), hook: j.hook };
});

await g.app.listen({ host: '127.0.0.1', port: Number(env.VANTHU_SERVER_PORT ?? 0) });
const addr = g.app.server.address();
process.stdout.write(`READY http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
const stop = async () => { await g.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
