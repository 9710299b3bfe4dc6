// Local actions on the offline store. Each user action changes the local document and appends its
// intent to the outbox (client UUID + per-client sequence number) in ONE Dexie transaction, so an
// action is either fully recorded and queued, or not at all (e.g. when the disk is full).
import { VanthuError } from '../errors';
import { documentMeta, type DocumentMetaInput, type DocumentSnapshot } from '../domain/schemas';
import { isConfidential, type DocStatus } from '../domain/levels';
import type { IntentDraft, Intent } from './protocol';
import { VanthuDb, sortDateOf, type LocalDocument, type LocalVersion, type OutboxItem } from './localdb';
import { AtRestCipher, sha256Hex, type KeyProtector } from './at-rest';

export const storageFull = () => new VanthuError('STORAGE_FULL',
  'Ổ đĩa đầy: không lưu được thay đổi này. Dữ liệu đã lưu trước đó vẫn còn nguyên; hãy giải phóng dung lượng rồi thử lại.',
  'Disk full: this change was not saved. Everything saved before is intact; free some space and try again.');

export function isQuotaError(e: unknown): boolean {
  for (let x: any = e, i = 0; x && i < 5; x = x.inner, i++) {
    if (x.name === 'QuotaExceededError' || x.name === 'QuotaExceeded' || x.code === 22) return true;
  }
  return false;
}

export interface FileInput { bytes: Uint8Array; fileName: string }

const uuid = () => globalThis.crypto.randomUUID();

export class LocalStore {
  private cipherP: Promise<AtRestCipher> | null = null;

  constructor(readonly db: VanthuDb, private readonly keys?: KeyProtector, private readonly now: () => number = Date.now) {}

  private cipher(): Promise<AtRestCipher> {
    if (!this.keys) throw new VanthuError('AT_REST_NO_PROTECTOR', 'Chưa cấu hình khóa bảo vệ cho văn bản mật.', 'No key protector configured for confidential documents.');
    this.cipherP ??= AtRestCipher.open(this.db, this.keys);
    return this.cipherP;
  }

  /** Whether confidential files are encrypted at rest in this store. */
  get encryptsConfidential(): boolean { return !!this.keys; }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try { return await fn(); }
    catch (e) { if (isQuotaError(e)) throw storageFull(); throw e; }
  }

  async clientId(): Promise<string> {
    return this.db.transaction('rw', this.db.kv, async () => {
      const r = await this.db.kv.get('clientId');
      if (r) return r.v as string;
      const id = uuid();
      await this.db.kv.put({ k: 'clientId', v: id });
      return id;
    });
  }

  async getKv<T>(k: string): Promise<T | undefined> { return (await this.db.kv.get(k))?.v as T | undefined; }
  async setKv(k: string, v: unknown): Promise<void> { await this.wrap(() => this.db.kv.put({ k, v })); }

  /** Append an intent inside the caller's transaction. */
  private async enqueue(draft: IntentDraft): Promise<OutboxItem> {
    const seqRow = await this.db.kv.get('nextSeq');
    const seq = (seqRow?.v as number | undefined) ?? 1;
    await this.db.kv.put({ k: 'nextSeq', v: seq + 1 });
    const createdAt = new Date(this.now()).toISOString();
    const intent = { ...draft, id: uuid(), seq, createdAt } as Intent;
    const item: OutboxItem = { seq, id: intent.id, docId: draft.docId, intent, state: 'pending', attempts: 0, createdAt };
    await this.db.outbox.add(item);
    const d = await this.db.documents.get(draft.docId);
    if (d) await this.db.documents.update(draft.docId, { pending: d.pending + 1 });
    return item;
  }

  /** Prepare file bytes for storage (encrypting when the document is confidential). */
  private async fileRecord(bytes: Uint8Array, confidential: boolean) {
    const sha256 = await sha256Hex(bytes);
    if (confidential && this.keys) {
      const { data, iv } = await (await this.cipher()).encrypt(bytes, sha256);
      return { sha256, size: bytes.length, data, iv };
    }
    return { sha256, size: bytes.length, data: bytes };
  }

  private tables() {
    const d = this.db;
    return [d.documents, d.versions, d.files, d.outbox, d.kv];
  }

  async createDraft(metaIn: DocumentMetaInput, file?: FileInput): Promise<string> {
    const meta = documentMeta.parse({ ...metaIn, direction: 'out' });
    const rec = file ? await this.fileRecord(file.bytes, isConfidential(meta.doMat)) : null;
    const id = uuid();
    const at = new Date(this.now()).toISOString();
    await this.wrap(() => this.db.transaction('rw', this.tables(), async () => {
      const doc: LocalDocument = { id, meta, status: 'draft', ownerOrgId: null, issue: null, incoming: null, readBy: [], createdAt: at, updatedAt: at, sortDate: at, pending: 0, conflicts: 0, server: null };
      await this.db.documents.add(doc);
      await this.enqueue({ kind: 'create_draft', docId: id, meta });
      if (rec && file) await this.putVersion(id, rec, file.fileName, 'draft', null, at);
    }));
    return id;
  }

  private async putVersion(docId: string, rec: { sha256: string; size: number; data: Uint8Array; iv?: Uint8Array }, fileName: string, kind: 'draft' | 'signature', parent: string | null, at: string) {
    if ((await this.db.files.where('sha256').equals(rec.sha256).count()) === 0) await this.db.files.put(rec);
    await this.db.versions.put({ docId, sha256: rec.sha256, size: rec.size, fileName, kind, parentSha256: parent, no: null, createdAt: at });
    await this.enqueue({ kind: 'add_version', docId, sha256: rec.sha256, size: rec.size, fileName, versionKind: kind, parentSha256: parent });
  }

  /** Head version as known locally (server-numbered or local-pending, newest last). */
  async headVersion(docId: string): Promise<LocalVersion | undefined> {
    const vs = await this.db.versions.where('docId').equals(docId).toArray();
    return orderVersions(vs.filter((v) => !v.rejected)).at(-1);
  }

  async versions(docId: string): Promise<LocalVersion[]> {
    return orderVersions(await this.db.versions.where('docId').equals(docId).toArray());
  }

  /** Add a version (e.g. a signed PDF) on top of `parentSha256` (default: the current head). */
  async addVersion(docId: string, file: FileInput, kind: 'draft' | 'signature', parentSha256?: string | null): Promise<string> {
    const doc = await this.requireDoc(docId);
    const rec = await this.fileRecord(file.bytes, isConfidential(doc.meta.doMat));
    const at = new Date(this.now()).toISOString();
    await this.wrap(() => this.db.transaction('rw', this.tables(), async () => {
      const parent = parentSha256 === undefined ? (await this.headVersion(docId))?.sha256 ?? null : parentSha256;
      await this.putVersion(docId, rec, file.fileName, kind, parent, at);
      await this.db.documents.update(docId, { updatedAt: at });
    }));
    return rec.sha256;
  }

  private async requireDoc(docId: string): Promise<LocalDocument> {
    const d = await this.db.documents.get(docId);
    if (!d) throw new VanthuError('DOC_NOT_FOUND', 'Không tìm thấy văn bản.', 'Document not found.');
    return d;
  }

  private async simple(docId: string, draft: IntentDraft, status?: DocStatus): Promise<void> {
    await this.requireDoc(docId);
    const at = new Date(this.now()).toISOString();
    await this.wrap(() => this.db.transaction('rw', this.tables(), async () => {
      await this.enqueue(draft);
      await this.db.documents.update(docId, status ? { status, updatedAt: at } : { updatedAt: at });
    }));
  }

  submit(docId: string) { return this.simple(docId, { kind: 'submit', docId }, 'submitted'); }
  changeStatus(docId: string, status: 'approved' | 'returned' | 'issued' | 'archived') { return this.simple(docId, { kind: 'change_status', docId, status }, status); }
  markRead(docId: string) { return this.simple(docId, { kind: 'mark_read', docId }); }

  /** Register an incoming document: delivered through the system (docId known) or a paper one (meta). */
  async registerIncoming(docIdOrMeta: string | DocumentMetaInput): Promise<string> {
    if (typeof docIdOrMeta === 'string') { await this.simple(docIdOrMeta, { kind: 'register_incoming', docId: docIdOrMeta }, 'registered'); return docIdOrMeta; }
    const meta = documentMeta.parse({ ...docIdOrMeta, direction: 'in' });
    const id = uuid();
    const at = new Date(this.now()).toISOString();
    await this.wrap(() => this.db.transaction('rw', this.tables(), async () => {
      await this.db.documents.add({ id, meta, status: 'registered', ownerOrgId: null, issue: null, incoming: null, readBy: [], createdAt: at, updatedAt: at, sortDate: at, pending: 0, conflicts: 0, server: null });
      await this.enqueue({ kind: 'register_incoming', docId: id, meta });
    }));
    return id;
  }

  /** Bytes of a stored file version (decrypted when needed), or undefined if not downloaded yet. */
  async readFile(sha256: string): Promise<Uint8Array | undefined> {
    const f = await this.db.files.get(sha256);
    if (!f) return undefined;
    if (!f.iv) return f.data;
    return (await this.cipher()).decrypt(f.data, f.iv, sha256);
  }

  /** Store a downloaded file (after its hash was verified by the caller). */
  async storeDownloaded(bytes: Uint8Array, confidential: boolean): Promise<void> {
    const rec = await this.fileRecord(bytes, confidential);
    await this.wrap(() => this.db.transaction('rw', this.db.files, this.db.downloads, async () => {
      await this.db.files.put(rec);
      await this.db.downloads.delete(rec.sha256);
    }));
  }

  /** Merge a page of server snapshots and the new cursor in ONE transaction (bulk reads/writes). */
  async applyPulled(snapshots: DocumentSnapshot[], cursor: number): Promise<void> {
    await this.wrap(() => this.db.transaction('rw', [this.db.documents, this.db.versions, this.db.kv, this.db.files, this.db.downloads], async () => {
      const current = await this.db.documents.bulkGet(snapshots.map((s) => s.id));
      const docs: LocalDocument[] = [];
      const versions: LocalVersion[] = [];
      snapshots.forEach((s, i) => {
        const cur = current[i];
        const keepLocal = !!cur && cur.pending > 0;
        const doc: LocalDocument = {
          id: s.id,
          meta: keepLocal ? cur!.meta : s.meta,
          status: keepLocal ? cur!.status : s.status,
          ownerOrgId: s.ownerOrgId,
          issue: s.issue,
          incoming: s.incoming,
          readBy: s.readBy,
          createdAt: cur?.createdAt ?? s.createdAt,
          updatedAt: s.updatedAt,
          sortDate: '',
          pending: cur?.pending ?? 0,
          conflicts: cur?.conflicts ?? 0,
          server: s,
        };
        doc.sortDate = sortDateOf(doc);
        docs.push(doc);
        for (const v of s.versions) versions.push({ docId: s.id, sha256: v.sha256, size: v.size, fileName: v.fileName, kind: v.kind, parentSha256: v.parentSha256, no: v.no, createdAt: v.createdAt });
      });
      await this.db.documents.bulkPut(docs);
      if (versions.length) {
        await this.db.versions.bulkPut(versions);
        // Key-only lookup: never load file bytes just to learn whether they are here.
        const have = new Set(await this.db.files.where('sha256').anyOf(versions.map((v) => v.sha256)).primaryKeys());
        const missing = versions.filter((v) => !have.has(v.sha256)).map((v) => ({ sha256: v.sha256, docId: v.docId }));
        if (missing.length) await this.db.downloads.bulkPut(missing);
      }
      await this.db.kv.put({ k: 'cursor', v: cursor });
    }));
  }

  async cursor(): Promise<number> { return (await this.getKv<number>('cursor')) ?? 0; }

  /** Resolve a conflict: mark it handled (the rejected intent stays recorded in the conflict). */
  async resolveConflict(id: string): Promise<void> {
    await this.db.transaction('rw', this.db.conflicts, this.db.documents, async () => {
      const c = await this.db.conflicts.get(id);
      if (!c || c.resolved) return;
      await this.db.conflicts.update(id, { resolved: 1 });
      const d = await this.db.documents.get(c.docId);
      if (d) await this.db.documents.update(c.docId, { conflicts: Math.max(0, d.conflicts - 1) });
    });
  }

  /** For a VERSION_CONFLICT: re-apply the rejected file on top of the latest version (e.g. sign it again). */
  async latestVersionFor(conflictId: string): Promise<LocalVersion | undefined> {
    const c = await this.db.conflicts.get(conflictId);
    if (!c) return undefined;
    const vs = await this.db.versions.where('docId').equals(c.docId).toArray();
    return orderVersions(vs.filter((v) => v.no !== null)).at(-1);
  }

  /** Put stuck outbox items back in the queue (the "Thử lại" action). */
  async retryStuck(seq?: number): Promise<number> {
    return this.db.transaction('rw', this.db.outbox, async () => {
      const items = seq === undefined ? await this.db.outbox.where('state').equals('stuck').toArray() : [await this.db.outbox.get(seq)].filter((x): x is OutboxItem => !!x);
      for (const i of items) await this.db.outbox.update(i.seq, { state: 'pending', attempts: 0 });
      return items.length;
    });
  }
}

/** Server-numbered versions by number, then local ones in creation order. */
export function orderVersions(vs: LocalVersion[]): LocalVersion[] {
  return [...vs].sort((a, b) => (a.no ?? Infinity) - (b.no ?? Infinity) || a.createdAt.localeCompare(b.createdAt));
}

