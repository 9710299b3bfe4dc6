// Operations endpoints for load balancers and orchestrators, without authentication:
// GET /health — liveness: the process answers (it never touches the database);
// GET /ready  — readiness: the database answers and every migration this code knows is applied;
//               503 with Retry-After otherwise, so a balancer sends no traffic to this node.
import type { FastifyInstance } from 'fastify';
import { knownMigrations, type GatewayDb } from '../db';

export function registerOps(app: FastifyInstance, db: GatewayDb): void {
  const want = knownMigrations(db.engine);
  app.get('/health', { config: { rateLimit: false } }, async () => ({ ok: true }));
  app.get('/ready', { config: { rateLimit: false } }, async (_req, reply) => {
    try {
      await db.ping();
      const applied = await db.applied();
      const missing = want.filter((m) => !applied.includes(m));
      if (missing.length) return reply.code(503).header('retry-after', '5').send({ ok: false, reason: 'migrations', missing });
      return { ok: true, engine: db.engine, migrations: applied.length };
    } catch (e) {
      app.log.warn({ err: { message: (e as Error).message, code: (e as { code?: string }).code } }, 'not ready: database');
      return reply.code(503).header('retry-after', '5').send({ ok: false, reason: 'database' });
    }
  });
}
