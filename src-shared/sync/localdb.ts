// The client's offline store: Dexie over IndexedDB, with a versioned schema and migrations.
// Runtime-agnostic: pass `indexedDB`/`IDBKeyRange` (the browser's, or fake-indexeddb in Node tests).
import Dexie, { type Table } from 'dexie';
import type { AppError } from '../errors';
import type { DocumentMeta, IssueInfo, IncomingInfo, DocumentSnapshot } from '../domain/schemas';
import type { DocStatus } from '../domain/levels';
import type { Intent } from './protocol';

export interface LocalDocument {
  id: string;
  meta: DocumentMeta;
  status: DocStatus;
  ownerOrgId: string | null;
  issue: IssueInfo | null;
  incoming: IncomingInfo | null;
  readBy: string[];
  createdAt: string;
  updatedAt: string;
  /** Sort key for "newest first" lists: ngày ban hành / ngày đến / creation time (schema v2). */
  sortDate: string;
  /** Outbox intents for this document not yet acknowledged by the gateway. */
  pending: number;
  /** Unresolved server rejections for this document. */
  conflicts: number;
  /** Last snapshot received from the gateway, if any. */
  server: DocumentSnapshot | null;
}

export interface LocalVersion {
  docId: string;
  sha256: string;
  size: number;
  fileName: string;
  kind: 'draft' | 'signature';
  parentSha256: string | null;
  /** Version number assigned by the gateway; null while only local. */
  no: number | null;
  createdAt: string;
  /** Set when the gateway rejected this version (kept, with its file, for the conflict view). */
  rejected?: boolean;
}

export interface LocalFile {
  sha256: string;
  size: number;
  /** Plain bytes, or AES-GCM ciphertext when `iv` is set (confidential documents). */
  data: Uint8Array;
  iv?: Uint8Array;
}

export interface OutboxItem {
  seq: number;
  id: string;
  docId: string;
  intent: Intent;
  state: 'pending' | 'stuck';
  attempts: number;
  lastError?: AppError;
  createdAt: string;
}

export interface ConflictItem {
  id: string;
  docId: string;
  intent: Intent;
  error: AppError & { details?: Record<string, unknown> };
  at: string;
  resolved: 0 | 1;
}

export interface KvItem { k: string; v: unknown }

/** A file version known from the gateway whose bytes are not on this device yet (schema v2). */
export interface DownloadItem { sha256: string; docId: string }

export interface DexieDeps { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }

export const LATEST_SCHEMA = 2;

export class VanthuDb extends Dexie {
  documents!: Table<LocalDocument, string>;
  versions!: Table<LocalVersion, [string, string]>;
  files!: Table<LocalFile, string>;
  outbox!: Table<OutboxItem, number>;
  conflicts!: Table<ConflictItem, string>;
  kv!: Table<KvItem, string>;
  downloads!: Table<DownloadItem, string>;

  constructor(name: string, deps?: DexieDeps, upTo: number = LATEST_SCHEMA) {
    super(name, deps ? { indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange } : undefined);
    // v1: first release.
    this.version(1).stores({
      documents: 'id, updatedAt, status',
      versions: '[docId+sha256], docId, sha256',
      files: 'sha256',
      outbox: 'seq, &id, docId, state',
      conflicts: 'id, docId',
      kv: 'k',
    });
    // v2: list by date (sortDate index), unresolved-conflict index, download queue.
    if (upTo >= 2) {
      this.version(2).stores({
        documents: 'id, updatedAt, status, sortDate',
        conflicts: 'id, docId, resolved',
        downloads: 'sha256, docId',
      }).upgrade(async (tx) => {
        await tx.table('documents').toCollection().modify((d: Partial<LocalDocument> & { createdAt: string }) => {
          d.sortDate = sortDateOf(d);
          d.conflicts ??= 0;
        });
        await tx.table('conflicts').toCollection().modify((c: Partial<ConflictItem>) => { c.resolved ??= 0; });
        // Queue the server versions whose bytes were never fetched.
        const files = tx.table('files');
        await tx.table('versions').each(async (v: LocalVersion) => {
          if (v.no !== null && (await files.where('sha256').equals(v.sha256).count()) === 0) await tx.table('downloads').put({ sha256: v.sha256, docId: v.docId });
        });
      });
    }
  }
}

export function sortDateOf(d: { issue?: IssueInfo | null; incoming?: IncomingInfo | null; createdAt: string }): string {
  if (d.issue) return `${d.issue.issuedDate}T99`; // issued documents sort within their day after same-day drafts
  if (d.incoming) return `${d.incoming.ngayDen}T99`;
  return d.createdAt;
}

/** The documents "newest first", one page. Uses the sortDate index, so it does not scan the table. */
export function listDocuments(db: VanthuDb, limit = 50, offset = 0): Promise<LocalDocument[]> {
  return db.documents.orderBy('sortDate').reverse().offset(offset).limit(limit).toArray();
}
