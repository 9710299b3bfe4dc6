// The sync engine: one per profile. Pushes the outbox (files first, in resumable chunks, then the
// intents in sequence order), pulls changes after the saved cursor (cursor saved in the same
// transaction as the changes), and downloads missing file versions, verifying their SHA-256.
// Transport trouble is retried with backoff + jitter (Retry-After honoured); definite refusals of
// one item mark it "stuck" with its reason; business rejections become conflicts, never dropped.
// Runtime-agnostic: it takes a fetch-like function and the LocalStore; the renderer runs it
// under a Web Lock so only one window's engine works on a profile.
import { VanthuError, type AppError, toAppError } from '../errors';
import { changesResponse, pushResponse, uploadState, type Intent, type IntentResult } from './protocol';
import { GatewayClient, AuthRequiredError, RefusedError, TransportError, type FetchLike } from './http';
import { retryDelay, sleep, type BackoffOptions } from './backoff';
import { sha256Hex } from './at-rest';
import type { LocalStore } from './store';
import type { OutboxItem, LocalDocument } from './localdb';
import { sortDateOf } from './localdb';
import { isConfidential } from '../domain/levels';

export type SyncPhase = 'idle' | 'syncing' | 'offline' | 'retrying' | 'auth_required' | 'stopped';

export interface SyncStatus {
  phase: SyncPhase;
  pending: number;
  stuck: number;
  conflicts: number;
  lastError?: AppError;
  nextAttemptAt?: number;
  lastSyncAt?: number;
}

export interface Connectivity {
  isOnline(): boolean;
  waitOnline(signal: AbortSignal): Promise<void>;
}
export const alwaysOnline: Connectivity = { isOnline: () => true, waitOnline: async () => {} };

export interface EngineOptions {
  store: LocalStore;
  fetch: FetchLike;
  /** Gateway base URL; defaults to the one saved in the store (kv "serverUrl"). */
  baseUrl?: string;
  random?: () => number;
  connectivity?: Connectivity;
  chunkSize?: number;
  pageSize?: number;
  batchSize?: number;
  /** Consecutive 5xx answers to one item before it is shown as stuck (it keeps its place). */
  maxServerErrors?: number;
  pollIntervalMs?: number;
  backoff?: BackoffOptions;
  downloadFiles?: boolean;
  downloadConcurrency?: number;
  onStatus?: (s: SyncStatus) => void;
}

export interface EngineStats {
  rounds: number; failedRounds: number; applied: number; duplicates: number; rejected: number;
  uploadedBytes: number; resumedUploads: number; pulledDocs: number; downloadedFiles: number;
}

export interface Session { token: string; expiresAt: string; user: { id: string; username: string; fullName: string; role: string; orgId: string; orgName: string; orgAbbr: string } }

export class SyncEngine {
  readonly stats: EngineStats = { rounds: 0, failedRounds: 0, applied: 0, duplicates: 0, rejected: 0, uploadedBytes: 0, resumedUploads: 0, pulledDocs: 0, downloadedFiles: 0 };
  status: SyncStatus = { phase: 'stopped', pending: 0, stuck: 0, conflicts: 0 };
  private client: GatewayClient;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakeP: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<EngineOptions, 'baseUrl' | 'onStatus' | 'backoff'>> & Pick<EngineOptions, 'baseUrl' | 'onStatus' | 'backoff'>;

  constructor(opts: EngineOptions) {
    this.o = {
      random: Math.random, connectivity: alwaysOnline, chunkSize: 1024 * 1024, pageSize: 500, batchSize: 50,
      maxServerErrors: 8, pollIntervalMs: 30_000, downloadFiles: true, downloadConcurrency: 4, ...opts,
    };
    this.client = new GatewayClient(opts.fetch, opts.baseUrl ?? '');
    this.resetWake();
  }

  get counters() { return this.client.counters; }
  private get store() { return this.o.store; }
  private get db() { return this.o.store.db; }

  private resetWake() { this.wakeP = new Promise<void>((r) => { this.wake = r; }); }
  /** Something changed locally (new outbox item, login): sync soon instead of waiting. */
  kick(): void { const w = this.wake; this.resetWake(); w?.(); }

  async refreshStatus(patch: Partial<SyncStatus> = {}): Promise<SyncStatus> {
    const [pending, stuck, conflicts] = await Promise.all([
      this.db.outbox.where('state').equals('pending').count(),
      this.db.outbox.where('state').equals('stuck').count(),
      this.db.conflicts.where('resolved').equals(0).count(),
    ]);
    this.status = { ...this.status, ...patch, pending, stuck, conflicts };
    this.o.onStatus?.(this.status);
    return this.status;
  }

  private async prepareClient(): Promise<void> {
    const session = await this.store.getKv<Session>('session');
    const url = this.o.baseUrl ?? (await this.store.getKv<string>('serverUrl'));
    if (!url) throw new VanthuError('SYNC_NO_SERVER', 'Chưa cấu hình địa chỉ máy chủ đồng bộ.', 'No sync server configured.');
    if (!session) throw new AuthRequiredError();
    this.client.baseUrl = url;
    this.client.token = session.token;
  }

  /** One full round: push, pull, download. Throws TransportError/AuthRequiredError to the loop. */
  async syncOnce(signal?: AbortSignal): Promise<void> {
    this.stats.rounds++;
    await this.prepareClient();
    await this.pushAll(signal);
    await this.pullAll(signal);
    if (this.o.downloadFiles) await this.downloadMissing(signal);
  }

  // ---- push ---------------------------------------------------------------------------------

  private async markStuck(item: OutboxItem, e: unknown): Promise<void> {
    await this.db.outbox.update(item.seq, { state: 'stuck', lastError: toAppError(e) });
  }

  private async pushAll(signal?: AbortSignal): Promise<void> {
    const clientId = await this.store.clientId();
    let single = false;
    for (let guard = 0; guard < 100_000; guard++) {
      const head = await this.db.outbox.orderBy('seq').limit(single ? 1 : this.o.batchSize).toArray();
      const batch: OutboxItem[] = [];
      for (const i of head) { if (i.state === 'stuck') break; batch.push(i); }
      if (batch.length === 0) return;
      // Files before the intents that reference them.
      for (let k = 0; k < batch.length; k++) {
        const it = batch[k].intent;
        if (it.kind !== 'add_version') continue;
        try { await this.upload(it.sha256, it.size, signal); }
        catch (e) {
          if (e instanceof RefusedError || (e instanceof VanthuError && e.code === 'LOCAL_FILE_MISSING')) {
            await this.markStuck(batch[k], e);
            batch.length = k;
            break;
          }
          throw e;
        }
      }
      if (batch.length === 0) continue;
      let resp;
      try {
        resp = await this.client.json('POST', '/v1/push', pushResponse, { clientId, intents: batch.map((i) => i.intent) }, signal);
      } catch (e) {
        if (e instanceof RefusedError) {
          if (batch.length > 1) { single = true; continue; } // isolate the item the gateway refuses
          await this.markStuck(batch[0], e);
          single = false;
          continue;
        }
        if (e instanceof TransportError && e.status >= 500) {
          const attempts = batch[0].attempts + 1;
          await this.db.outbox.update(batch[0].seq, { attempts, lastError: toAppError(e) });
          if (attempts >= this.o.maxServerErrors) await this.markStuck(batch[0], e);
        }
        throw e;
      }
      single = false;
      await this.applyResults(batch, resp.results);
      if (resp.expectedSeq !== undefined && resp.results.length < batch.length) {
        const next = batch[resp.results.length];
        if (resp.expectedSeq < next.seq) {
          await this.markStuck(next, new VanthuError('SYNC_SEQ_GAP', `Máy chủ chờ ý định số ${resp.expectedSeq} nhưng máy này không còn giữ nó.`, `The server expects intent #${resp.expectedSeq}, which this device no longer holds.`));
        }
      }
    }
  }

  private async applyResults(batch: OutboxItem[], results: IntentResult[]): Promise<void> {
    const db = this.db;
    await db.transaction('rw', [db.outbox, db.conflicts, db.documents, db.versions], async () => {
      for (const r of results) {
        const item = batch.find((b) => b.seq === r.seq && b.id === r.id);
        if (!item) continue;
        await db.outbox.delete(item.seq);
        const doc = await db.documents.get(item.docId);
        const patch: Record<string, unknown> = {};
        if (doc) patch.pending = Math.max(0, doc.pending - 1);
        if (r.outcome === 'rejected') {
          this.stats.rejected++;
          await db.conflicts.put({ id: item.id, docId: item.docId, intent: item.intent, error: r.error ?? { code: 'REJECTED', message_vi: 'Bị từ chối.', message_en: 'Rejected.' }, at: new Date().toISOString(), resolved: 0 });
          if (doc) patch.conflicts = doc.conflicts + 1;
          if (item.intent.kind === 'add_version') await db.versions.update([item.docId, item.intent.sha256], { rejected: true });
        } else {
          if (r.outcome === 'applied') this.stats.applied++; else this.stats.duplicates++;
          const res = r.result ?? {};
          applyServerResult(item.intent, res, doc, patch);
          if (item.intent.kind === 'add_version' && typeof res.versionNo === 'number') {
            await db.versions.update([item.docId, item.intent.sha256], { no: res.versionNo });
          }
        }
        if (doc && patch.pending === 0 && doc.server) {
          // Nothing of ours is in flight any more: show the gateway's last known state. A rejected
          // intent changes nothing on the gateway, so no later pull would undo its optimistic effect.
          patch.status = doc.server.status;
          patch.meta = doc.server.meta;
        }
        if (doc) await db.documents.update(item.docId, patch as Partial<LocalDocument>);
      }
    });
  }

  private async upload(sha: string, size: number, signal?: AbortSignal): Promise<void> {
    let st = await this.client.json('POST', '/v1/uploads', uploadState, { sha256: sha, size }, signal);
    if (st.complete) return;
    if (st.offset > 0) this.stats.resumedUploads++;
    const bytes = await this.store.readFile(sha);
    if (!bytes) throw new VanthuError('LOCAL_FILE_MISSING', 'Tệp của phiên bản này không còn trên máy.', 'The file of this version is missing on this device.');
    let off = st.offset;
    for (let guard = 0; guard < 10_000; guard++) {
      while (off < size) {
        const chunk = bytes.subarray(off, Math.min(size, off + this.o.chunkSize));
        try {
          const r = await this.client.raw('PUT', `/v1/uploads/${sha}?offset=${off}`, chunk, 'application/octet-stream', signal);
          st = this.client.decode(r, uploadState);
          this.stats.uploadedBytes += chunk.length;
          off = st.offset;
        } catch (e) {
          if (e instanceof RefusedError && e.code === 'UPLOAD_OFFSET_MISMATCH' && typeof e.error.details?.offset === 'number') { off = e.error.details.offset; continue; }
          if (e instanceof RefusedError && e.status === 404) { st = await this.client.json('POST', '/v1/uploads', uploadState, { sha256: sha, size }, signal); off = st.offset; if (st.complete) return; continue; }
          throw e;
        }
      }
      try {
        await this.client.json('POST', `/v1/uploads/${sha}/finalize`, uploadState, undefined, signal);
        return;
      } catch (e) {
        if (e instanceof RefusedError && e.code === 'UPLOAD_INCOMPLETE' && typeof e.error.details?.offset === 'number') { off = e.error.details.offset; continue; }
        if (e instanceof RefusedError && e.status === 404) {
          // Finalized by an earlier attempt whose answer was lost, or the upload expired: ask again.
          st = await this.client.json('POST', '/v1/uploads', uploadState, { sha256: sha, size }, signal);
          if (st.complete) return;
          off = st.offset; continue;
        }
        throw e;
      }
    }
  }

  // ---- pull ---------------------------------------------------------------------------------

  private async pullAll(signal?: AbortSignal): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      const after = await this.store.cursor();
      const r = await this.client.json('GET', `/v1/changes?after=${after}&limit=${this.o.pageSize}`, changesResponse, undefined, signal);
      if (signal?.aborted) return;
      await this.store.applyPulled(r.changes, r.cursor);
      this.stats.pulledDocs += r.changes.length;
      if (!r.hasMore) return;
    }
  }

  private async downloadMissing(signal?: AbortSignal): Promise<void> {
    const queued = await this.db.downloads.toArray();
    const have = new Set(await this.db.files.where('sha256').anyOf(queued.map((q) => q.sha256)).primaryKeys());
    const stale = queued.filter((q) => have.has(q.sha256)).map((q) => q.sha256);
    if (stale.length) await this.db.downloads.bulkDelete(stale);
    const missing = queued.filter((q) => !have.has(q.sha256));
    if (missing.length === 0) return;
    const docs = new Map((await this.db.documents.bulkGet([...new Set(missing.map((v) => v.docId))])).filter((d) => !!d).map((d) => [d!.id, d!]));
    let failure: unknown = null;
    let idx = 0;
    const worker = async () => {
      while (idx < missing.length && !signal?.aborted) {
        const v = missing[idx++];
        try {
          const r = await this.client.raw('GET', `/v1/files/${v.sha256}`, undefined, undefined, signal);
          if (r.status !== 200) { if (r.status === 401) throw new AuthRequiredError(); if (r.status === 404 || r.status === 403) await this.db.downloads.delete(v.sha256); continue; }
          if ((await sha256Hex(r.bytes)) !== v.sha256) throw new TransportError(200, null, 'downloaded file hash mismatch');
          const doc = docs.get(v.docId);
          await this.store.storeDownloaded(r.bytes, !!doc && isConfidential(doc.meta.doMat));
          this.stats.downloadedFiles++;
        } catch (e) { failure ??= e; }
      }
    };
    await Promise.all(Array.from({ length: this.o.downloadConcurrency }, worker));
    if (failure) throw failure;
  }

  // ---- loop -----------------------------------------------------------------------------------

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal).finally(() => { this.loop = null; });
  }

  /** Stop now, even in the middle of a request; durable state stays consistent. */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.kick();
    await this.loop?.catch(() => {});
    await this.refreshStatus({ phase: 'stopped' }).catch(() => {});
  }

  get running(): boolean { return !!this.loop; }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      if (!this.o.connectivity.isOnline()) {
        await this.refreshStatus({ phase: 'offline' });
        await this.o.connectivity.waitOnline(signal);
        continue;
      }
      await this.refreshStatus({ phase: 'syncing' });
      try {
        await this.syncOnce(signal);
        failures = 0;
        await this.refreshStatus({ phase: 'idle', lastError: undefined, nextAttemptAt: undefined, lastSyncAt: Date.now() });
        const pending = await this.db.outbox.where('state').equals('pending').count();
        if (pending === 0) await sleep(this.o.pollIntervalMs, signal, this.wakeP);
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof AuthRequiredError || (e instanceof VanthuError && e.code === 'SYNC_NO_SERVER')) {
          await this.refreshStatus({ phase: 'auth_required', lastError: toAppError(e) });
          await sleep(this.o.pollIntervalMs, signal, this.wakeP);
          continue;
        }
        failures++;
        this.stats.failedRounds++;
        const retryAfter = e instanceof TransportError ? e.retryAfterMs : null;
        const delay = retryDelay(failures, retryAfter, this.o.random, this.o.backoff);
        const offline = e instanceof TransportError && e.status === 0;
        await this.refreshStatus({ phase: offline ? 'offline' : 'retrying', lastError: toAppError(e), nextAttemptAt: Date.now() + delay });
        await sleep(delay, signal, this.wakeP); // "Đồng bộ ngay" (kick) retries at once
      }
    }
  }

  /** Run until the outbox is empty and a pull found nothing new (tests, benchmarks, "Đồng bộ ngay"). */
  async syncUntilIdle(maxRounds = 1000): Promise<void> {
    let failures = 0;
    for (let i = 0; i < maxRounds; i++) {
      try {
        await this.syncOnce();
        const left = await this.db.outbox.where('state').equals('pending').count();
        if (left === 0) { await this.refreshStatus({ phase: 'idle', lastSyncAt: Date.now() }); return; }
        failures = 0;
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        failures++;
        this.stats.failedRounds++;
        await sleep(retryDelay(failures, e.retryAfterMs, this.o.random, this.o.backoff));
      }
    }
    throw new VanthuError('SYNC_NOT_CONVERGED', 'Đồng bộ chưa hoàn tất.', 'Sync did not finish.');
  }
}

/** Fold server-assigned values (số/ký hiệu, số đến) into the local document right away. */
function applyServerResult(it: Intent, res: Record<string, unknown>, doc: LocalDocument | undefined, patch: Record<string, unknown>): void {
  if (!doc) return;
  if (it.kind === 'change_status' && it.status === 'issued' && typeof res.so === 'number') {
    const issue = { so: res.so, kyHieu: res.kyHieu, soKyHieu: res.soKyHieu, issuedDate: res.issuedDate, register: res.register, year: Number(String(res.issuedDate).slice(0, 4)) };
    patch.issue = issue;
    patch.sortDate = sortDateOf({ ...doc, issue: issue as LocalDocument['issue'] });
  }
  if (it.kind === 'register_incoming' && typeof res.soDen === 'number') {
    const incoming = { soDen: res.soDen, ngayDen: res.ngayDen, register: res.register, year: Number(String(res.ngayDen).slice(0, 4)) };
    patch.incoming = incoming;
    patch.sortDate = sortDateOf({ ...doc, incoming: incoming as LocalDocument['incoming'] });
  }
}
