// The gateway's data layer: one set of Kysely queries over two engines.
// - SQLite (default, embedded): Kysely's SqliteDialect over better-sqlite3, WAL. Kysely runs one
//   query or transaction at a time on the single connection, so writes are serialized as before.
//   The database and its -wal/-shm files are created (and at every open, chmod'ed) 0600.
// - PostgreSQL (VANTHU_DATABASE_URL=postgres://…): PostgresDialect over a `pg` pool. The pool is
//   bounded twice: at most `poolMax` connections, and at most `queueMax` requests waiting for one
//   (beyond that, or after `acquireTimeoutMs`, a request fails with DbUnavailable → 503), so a burst
//   queues instead of piling up without limit.
// Migrations run at open (db/migrations.ts); a database that has migrations this code does not
// know was made by a newer gateway, and opening it is refused.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { DB } from './schema';
import { migrations } from './migrations';

export type { DB } from './schema';
export type Engine = 'sqlite' | 'postgres';
export type Tx = Transaction<DB>;
export type Q = Kysely<DB>;

export interface DbOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite at `sqliteFile`. */
  url?: string;
  sqliteFile: string;
  /** PostgreSQL connections per node (default 10). */
  poolMax?: number;
  /** Requests allowed to wait for a connection beyond poolMax (default 200). */
  queueMax?: number;
  /** How long one waits for a connection before failing (default 5 s). */
  acquireTimeoutMs?: number;
}

export interface GatewayDb {
  engine: Engine;
  k: Kysely<DB>;
  /** Run `fn` in a transaction. On PostgreSQL a deadlock, a serialization failure or a unique
   *  violation between concurrent writers (the loser of a race) is retried a few times. */
  tx<T>(fn: (trx: Tx) => Promise<T>): Promise<T>;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  /** Names of the applied migrations. */
  applied(): Promise<string[]>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** The database could not be reached or had no connection free in time: answer 503 and retry later. */
export class DbUnavailable extends Error {
  constructor(message: string, readonly cause?: unknown) { super(message); this.name = 'DbUnavailable'; }
}

/** The database was migrated by a newer gateway than this one. */
export class DbTooNew extends Error {
  constructor(readonly unknown: string[], readonly known: string[]) {
    super(`The database was migrated by a newer version of the gateway (unknown migrations: ${unknown.join(', ')}; this version knows up to ${known[known.length - 1]}). Upgrade the gateway; it will not start on this database.`);
    this.name = 'DbTooNew';
  }
}

// SQLSTATE classes and codes meaning "the server is not there (now)".
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300']);
/** True for errors meaning the database is unreachable, not that the query was wrong. */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof DbUnavailable) return true;
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  if (err.code && (UNAVAILABLE_CODES.has(err.code) || err.code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(err.message ?? '');
}

const RETRY_CODES = new Set(['40001', '40P01', '23505']);

/** Make a file 0600 if it exists, whatever the umask was when it was created. */
export function chmodPrivate(file: string): void {
  try { fs.chmodSync(file, 0o600); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
}

// pg answers BIGINT, COUNT(*) and SUM() as strings (they may exceed 2^53); our values are
// millisecond times, sizes and counts, all far below it, so they are read as numbers — on this
// pool only, not globally.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
};

/** A pg pool whose waiting line is bounded; connect() past the bound fails at once. */
function boundedPool(p: pg.Pool, queueMax: number) {
  const guarded = new WeakSet<pg.PoolClient>();
  return {
    connect: async () => {
      if (p.waitingCount >= queueMax) throw new DbUnavailable(`database pool busy (${p.waitingCount} waiting)`);
      let c: pg.PoolClient;
      try { c = await p.connect(); } catch (e) { throw new DbUnavailable(`database unreachable: ${(e as Error).message}`, e); }
      // A checked-out client whose server goes away emits 'error'; its query fails on its own, and
      // the pool discards the client on release, so the event must not crash the process.
      if (!guarded.has(c)) { guarded.add(c); c.on('error', () => {}); }
      return c;
    },
    end: () => p.end(),
  };
}

export async function openDatabase(o: DbOptions): Promise<GatewayDb> {
  const engine: Engine = o.url && /^postgres(ql)?:\/\//.test(o.url) ? 'postgres' : 'sqlite';
  let k: Kysely<DB>;
  let sqlite: Database.Database | undefined;
  if (engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: o.url, max: o.poolMax ?? 10, connectionTimeoutMillis: o.acquireTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000, types: pgTypes as never, application_name: 'vanthu-gateway',
    });
    // An idle client losing its server (a restart) must not crash the process; the pool drops it.
    pool.on('error', () => {});
    k = new Kysely<DB>({ dialect: new PostgresDialect({ pool: boundedPool(pool, o.queueMax ?? 200) as never }) });
  } else {
    const file = o.sqliteFile;
    fs.closeSync(fs.openSync(file, 'a', 0o600)); // create it 0600 before SQLite does
    chmodPrivate(file);
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    k = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  let closed = false;
  const db: GatewayDb = {
    engine, k,
    get closed() { return closed; },
    async tx(fn) {
      for (let attempt = 0; ; attempt++) {
        try { return await k.transaction().execute(fn); } catch (e) {
          const code = (e as { code?: string }).code;
          if (engine !== 'postgres' || !code || !RETRY_CODES.has(code) || attempt >= 4) throw e;
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        }
      }
    },
    async ping() { await sql`SELECT 1`.execute(k); },
    async applied() {
      try { return (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(k)).rows.map((r) => r.name); }
      catch (e) { if (isUnavailable(e)) throw e; return []; }
    },
    async close() { if (closed) return; closed = true; await k.destroy(); },
  };
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  if (sqlite) for (const f of [`${o.sqliteFile}-wal`, `${o.sqliteFile}-shm`]) chmodPrivate(f); // SQLite gives them the file's mode
  return db;
}

/** Apply the migrations this code knows, refusing a database migrated by a newer version. */
async function migrate(db: GatewayDb): Promise<void> {
  const known = migrations(db.engine);
  const names = Object.keys(known).sort();
  const unknown = (await db.applied()).filter((n) => !names.includes(n));
  if (unknown.length) throw new DbTooNew(unknown, names);
  const migrator = new Migrator({ db: db.k, provider: { getMigrations: async () => known } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`, { cause: error });
  }
}

/** The migrations this code applies, in order (for /ready). */
export function knownMigrations(engine: Engine): string[] {
  return Object.keys(migrations(engine)).sort();
}
