// One fresh PostgreSQL database per test gateway (CREATE DATABASE … TEMPLATE template0), so files
// running in parallel workers never share rows. Only in the "postgres" vitest project.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestEngine = 'sqlite' | 'postgres';
export const testEngine = (): TestEngine => (process.env.VANTHU_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite');

async function clusterUrl(): Promise<string> {
  if (process.env.VANTHU_TEST_PG_URL) return process.env.VANTHU_TEST_PG_URL;
  const { inject } = await import('vitest');
  const url = (inject as (k: string) => string | undefined)('pgUrl');
  if (!url) throw new Error('VANTHU_TEST_ENGINE=postgres but no test cluster (run through vitest, project "postgres")');
  return (process.env.VANTHU_TEST_PG_URL = url);
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

/** A new empty database in the test cluster (its URL), or undefined when the tests run on SQLite. */
export async function testDatabaseUrl(): Promise<string | undefined> {
  if (testEngine() !== 'postgres') return undefined;
  return newDatabase(await clusterUrl());
}

export async function newDatabase(cluster: string): Promise<string> {
  const name = `vt_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin(cluster, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  const u = new URL(cluster);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  await admin(u.toString(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
}
