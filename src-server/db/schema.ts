// Row types of the gateway's tables, as Kysely sees them. The same schema runs on SQLite and on
// PostgreSQL: booleans are 0/1 integers, times in milliseconds are BIGINT (read back as numbers,
// see db/index.ts), JSON is TEXT, so one set of queries serves both engines.
import type { Generated } from 'kysely';

export interface DB {
  orgs: { id: string; parent_id: string | null; name: string; abbr: string; kind: string };
  users: { id: string; org_id: string; username: string; full_name: string; role: string; pw_hash: string; disabled: Generated<number> };
  sessions: { token_hash: string; user_id: string; created_at: number; expires_at: number; revoked: Generated<number> };
  clients: { client_id: string; user_id: string; last_seq: Generated<number> };
  intents: {
    intent_id: string; client_id: string; seq: number; user_id: string; kind: string; outcome: string;
    error: string | null; result: string | null; applied_at: number;
  };
  documents: {
    id: string; owner_org_id: string; status: string; meta: string; confidential: number; created_by: string;
    created_at: string; updated_at: string;
  };
  issues: { doc_id: string; org_id: string; year: number; register: string; so: number; ky_hieu: string; issued_date: string };
  incoming: { doc_id: string; org_id: string; year: number; register: string; so_den: number; ngay_den: string };
  registers: { org_id: string; year: number; register: string; last_no: number };
  versions: {
    doc_id: string; no: number; sha256: string; size: number; file_name: string; kind: string;
    parent_sha256: string | null; created_by: string; created_at: string;
  };
  access: { doc_id: string; org_id: string };
  reads: { doc_id: string; user_id: string; at: string };
  /** The change feed: one row per organisation that can see a changed document. seq comes from counters. */
  changes: { seq: number; org_id: string; doc_id: string };
  /** Named counters taken under a row lock in the writing transaction (the feed's seq). */
  counters: { name: string; value: number };
  files: { sha256: string; size: number; stored_at: number };
  file_orgs: { sha256: string; org_id: string };
  uploads: {
    org_id: string; sha256: string; user_id: string; size: number; offset: number; started_at: number; touched_at: number;
  };
  /** Fixed-window rate-limit counters shared by all nodes. */
  rate_limits: { key: string; window_start: number; n: number };
  meta: { k: string; v: string };
}
