// Test runner configuration: one suite for unit, integration and end-to-end tests.
// End-to-end tests drive Debian's Chromium against host mode; nothing here downloads a browser.
// Two projects: "sqlite" runs everything (the gateway on its embedded default), "postgres" runs the
// gateway suite again on PostgreSQL: tests/server/pg-cluster.ts starts a throw-away cluster for it
// (initdb + pg_ctl, 127.0.0.1, a free port) and stops it at the end; each test gateway gets a fresh
// database (tests/server/pg-db.ts). `npx vitest run --project sqlite` skips PostgreSQL.
import { defineConfig } from 'vitest/config';

/** The gateway suite: every test that talks to the gateway through its own database (tests/server
 *  includes lb-kill: three node processes behind nginx, PostgreSQL only), and the chaos run on three
 *  nodes (chaos-nodes). The e2e and single-gateway chaos tests start gateways of their own on SQLite. */
const GATEWAY_SUITE = ['tests/server/**/*.test.ts', 'tests/sync/engine.test.ts', 'tests/sync/chaos-nodes.test.ts', 'tests/domain/filename.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'postgres', include: GATEWAY_SUITE, env: { VANTHU_TEST_ENGINE: 'postgres' }, globalSetup: ['tests/server/pg-cluster.ts'] },
      },
    ],
  },
});
