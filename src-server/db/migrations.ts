// The gateway's schema as Kysely migrations: versioned, forward-only (no `down`), applied in name
// order at start. Kysely's Migrator takes a lock first (PostgreSQL: a session advisory lock, so two
// nodes starting together apply each migration once; SQLite: one process owns the file anyway).
// DDL is written once for both engines; the few differences are the `t` table below.
// 001 also adopts a database made by the pre-Kysely gateway (schema_version 1 or 2 in `meta`):
// every CREATE is IF NOT EXISTS and a v1 uploads table is recreated (its partial uploads restart;
// the orphaned part files are deleted when the file store opens).
import { sql, type Kysely, type Migration } from 'kysely';

type Engine = 'sqlite' | 'postgres';

async function run(db: Kysely<any>, ddl: string): Promise<void> {
  // better-sqlite3 prepares one statement at a time, so statements go one by one on both engines.
  for (const stmt of ddl.split(';').map((s) => s.trim()).filter(Boolean)) await sql.raw(stmt).execute(db);
}

const UPLOADS = `
CREATE TABLE IF NOT EXISTS uploads (
  org_id TEXT NOT NULL, sha256 TEXT NOT NULL, user_id TEXT NOT NULL, size BIGINT NOT NULL, "offset" BIGINT NOT NULL,
  started_at BIGINT NOT NULL, touched_at BIGINT NOT NULL, PRIMARY KEY (org_id, sha256, user_id)
);
CREATE INDEX IF NOT EXISTS uploads_user ON uploads(user_id)`;

const base = (engine: Engine): Migration => ({
  async up(db) {
    const legacyV1 = engine === 'sqlite'
      && (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'`.execute(db)).rows[0].n > 0
      && (await sql<{ v: string }>`SELECT v FROM meta WHERE k = 'schema_version'`.execute(db)).rows[0]?.v === '1';
    if (legacyV1) await sql`DROP TABLE IF EXISTS uploads`.execute(db);
    // SQLite keeps `seq` a rowid alias (as the pre-Kysely schema had it); values come from counters.
    const seq = engine === 'sqlite' ? 'seq INTEGER PRIMARY KEY AUTOINCREMENT' : 'seq BIGINT PRIMARY KEY';
    await run(db, `
CREATE TABLE IF NOT EXISTS orgs (
  id TEXT PRIMARY KEY, parent_id TEXT REFERENCES orgs(id), name TEXT NOT NULL, abbr TEXT NOT NULL, kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), username TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL, role TEXT NOT NULL, pw_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS intents (
  intent_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,
  kind TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT, result TEXT, applied_at BIGINT NOT NULL,
  UNIQUE (client_id, seq)
);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, owner_org_id TEXT NOT NULL REFERENCES orgs(id), status TEXT NOT NULL,
  meta TEXT NOT NULL, confidential INTEGER NOT NULL, created_by TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issues (
  doc_id TEXT PRIMARY KEY REFERENCES documents(id), org_id TEXT NOT NULL, year INTEGER NOT NULL,
  register TEXT NOT NULL, so INTEGER NOT NULL, ky_hieu TEXT NOT NULL, issued_date TEXT NOT NULL,
  UNIQUE (org_id, year, register, so),
  UNIQUE (org_id, year, register, so, ky_hieu)
);
CREATE TABLE IF NOT EXISTS incoming (
  doc_id TEXT NOT NULL REFERENCES documents(id), org_id TEXT NOT NULL, year INTEGER NOT NULL,
  register TEXT NOT NULL, so_den INTEGER NOT NULL, ngay_den TEXT NOT NULL,
  PRIMARY KEY (doc_id, org_id), UNIQUE (org_id, year, register, so_den)
);
CREATE TABLE IF NOT EXISTS registers (
  org_id TEXT NOT NULL, year INTEGER NOT NULL, register TEXT NOT NULL, last_no INTEGER NOT NULL,
  PRIMARY KEY (org_id, year, register)
);
CREATE TABLE IF NOT EXISTS versions (
  doc_id TEXT NOT NULL REFERENCES documents(id), no INTEGER NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL,
  file_name TEXT NOT NULL, kind TEXT NOT NULL, parent_sha256 TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (doc_id, no)
);
CREATE INDEX IF NOT EXISTS versions_sha ON versions(sha256);
CREATE TABLE IF NOT EXISTS access (
  doc_id TEXT NOT NULL REFERENCES documents(id), org_id TEXT NOT NULL, PRIMARY KEY (doc_id, org_id)
);
CREATE TABLE IF NOT EXISTS reads (
  doc_id TEXT NOT NULL, user_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (doc_id, user_id)
);
CREATE TABLE IF NOT EXISTS changes (
  ${seq}, org_id TEXT NOT NULL, doc_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_org ON changes(org_id, seq);
CREATE TABLE IF NOT EXISTS files (
  sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, stored_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS file_orgs (
  sha256 TEXT NOT NULL REFERENCES files(sha256), org_id TEXT NOT NULL, PRIMARY KEY (sha256, org_id)
);
${UPLOADS};
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
  },
});

// Everything a node used to keep in memory moves to the database, so nodes are interchangeable:
// the change feed's counter (taken under a row lock, so seq order is commit order on PostgreSQL
// too) and the rate-limit windows.
const stateless = (): Migration => ({
  async up(db) {
    await run(db, `
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO counters (name, value) SELECT 'changes', COALESCE(MAX(seq), 0) FROM changes;
CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, window_start BIGINT NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_touched ON uploads(touched_at);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires_at)`);
  },
});

/** Every migration this version of the gateway knows, by name (the order is the names' order). */
export function migrations(engine: Engine): Record<string, Migration> {
  return { '001_base': base(engine), '002_stateless': stateless() };
}
