// SQLite schema of the provincial gateway (better-sqlite3, WAL). All writes go through synchronous
// transactions, so change sequence numbers are committed in order and a pull cursor never skips one.
// The database and its -wal/-shm files are created (and at every open, chmod'ed) 0600.
import Database from 'better-sqlite3';
import fs from 'node:fs';

export type Db = Database.Database;

// A partial upload belongs to the user who started it; touched_at is its last start or append.
const UPLOADS = `
CREATE TABLE IF NOT EXISTS uploads (
  org_id TEXT NOT NULL, sha256 TEXT NOT NULL, user_id TEXT NOT NULL, size INTEGER NOT NULL, offset INTEGER NOT NULL,
  started_at INTEGER NOT NULL, touched_at INTEGER NOT NULL, PRIMARY KEY (org_id, sha256, user_id)
);
CREATE INDEX IF NOT EXISTS uploads_user ON uploads(user_id);
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orgs (
  id TEXT PRIMARY KEY, parent_id TEXT REFERENCES orgs(id), name TEXT NOT NULL, abbr TEXT NOT NULL, kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), username TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL, role TEXT NOT NULL, pw_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS intents (
  intent_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,
  kind TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT, result TEXT, applied_at INTEGER NOT NULL,
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
  doc_id TEXT NOT NULL REFERENCES documents(id), no INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
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
  seq INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, doc_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_org ON changes(org_id, seq);
CREATE TABLE IF NOT EXISTS files (
  sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, stored_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS file_orgs (
  sha256 TEXT NOT NULL REFERENCES files(sha256), org_id TEXT NOT NULL, PRIMARY KEY (sha256, org_id)
);
${UPLOADS}
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

export const SCHEMA_VERSION = 2;

/** Bring an older database up to SCHEMA_VERSION. */
function migrate(db: Db): void {
  const v = Number((db.prepare("SELECT v FROM meta WHERE k = 'schema_version'").get() as { v: string } | undefined)?.v ?? SCHEMA_VERSION);
  if (v < 2) {
    // v1 keyed uploads by (org, sha256), so one user could reset another's partial upload. The
    // table is recreated rather than converted: partial uploads only need to restart (clients
    // ask POST /v1/uploads again and resume from the offset it answers, here 0), and their old
    // part files are deleted as orphans when the file store opens.
    db.transaction(() => {
      db.exec('DROP TABLE IF EXISTS uploads');
      db.exec(UPLOADS);
    })();
  }
  db.prepare("INSERT INTO meta (k, v) VALUES ('schema_version', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v").run(String(SCHEMA_VERSION));
}

/** Make a file 0600 if it exists, whatever the umask was when it was created. */
export function chmodPrivate(file: string): void {
  try { fs.chmodSync(file, 0o600); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
}

export function openDb(file: string): Db {
  fs.closeSync(fs.openSync(file, 'a', 0o600)); // create it 0600 before SQLite does
  chmodPrivate(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  migrate(db);
  // SQLite gives -wal/-shm the database file's mode; fix any left from before.
  for (const f of [`${file}-wal`, `${file}-shm`]) chmodPrivate(f);
  return db;
}
