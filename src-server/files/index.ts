// Content-addressed file store with resumable chunked uploads. A file is stored under its SHA-256
// only after that hash was verified. The bytes live in a BlobStore (files/blobs.ts: a folder, by
// default the data dir, or S3), shared by all nodes; the upload state lives in the database, so an
// upload started through one node continues through any other. A partial upload belongs to the user
// who started it (blob key <org>.<user>.<sha256>), so a colleague uploading the same bytes never
// touches it. An organisation may reference a file only after it has uploaded the bytes itself
// (file_orgs), so knowing a hash never grants access to another organisation's file.
// Unfinished uploads are bounded by per-user and per-organisation quotas; sweep() deletes
// abandoned partial uploads and stored files that no version uses. Folders are 0700 and files
// 0600 whatever the umask.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { GatewayDb, Q } from '../db';
import { E, HttpError } from '../errors';
import { MAX_FILE_BYTES } from '../../src-shared/sync/protocol';
import { FolderBlobs, type BlobStore } from './blobs';

export { FolderBlobs, privateDir, type BlobStore } from './blobs';
export { S3Blobs, type S3Options } from './s3';

const SHA = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const GiB = 1024 ** 3;
const HOUR = 3600_000;
const ORPHAN_GRACE_MS = 10 * 60_000; // a part younger than this may belong to an upload another node is starting

export interface UploadLimits {
  /** Bytes reserved (declared sizes) by one user's unfinished uploads. */
  userBytes: number;
  /** Unfinished uploads of one user. */
  userCount: number;
  orgBytes: number;
  orgCount: number;
  /** sweep() deletes a partial upload not started or appended to for this long. */
  partialTtlMs: number;
  /** sweep() deletes a stored file no version references once it is this old (so a file
   *  uploaded just before its add_version intent is kept). */
  unusedGraceMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  userBytes: 2 * GiB, userCount: 20, orgBytes: 20 * GiB, orgCount: 200, partialTtlMs: 48 * HOUR, unusedGraceMs: 24 * HOUR,
};

interface UploadRow { user_id: string; size: number; offset: number }

export class FileStore {
  private limits: UploadLimits;

  private constructor(private db: GatewayDb, readonly blobs: BlobStore, limits: Partial<UploadLimits>, private now: () => number) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...limits };
  }

  /** Open the store over `blobs`, deleting partial-upload bytes that no upload row owns. */
  static async open(db: GatewayDb, blobs: BlobStore, limits: Partial<UploadLimits> = {}, now: () => number = Date.now): Promise<FileStore> {
    const f = new FileStore(db, blobs, limits, now);
    await f.removeOrphanParts();
    return f;
  }

  /** Where a stored file lives in a folder store (tests and tools; not for S3). */
  filePath(sha: string): string {
    if (!SHA.test(sha)) throw E.invalid('sha256');
    if (!(this.blobs instanceof FolderBlobs)) throw new Error('filePath: not a folder store');
    return this.blobs.filePath(sha);
  }

  /** The stored file's bytes (the caller checked access). */
  async read(sha: string): Promise<Readable> {
    if (!SHA.test(sha)) throw E.invalid('sha256');
    const r = await this.blobs.read(sha);
    if (!r) throw E.notFound('file');
    return r;
  }

  private key(orgId: string, userId: string, sha: string): string {
    if (!SHA.test(sha) || !ID.test(orgId) || !ID.test(userId)) throw E.invalid('upload key');
    return `${orgId}.${userId}.${sha}`;
  }

  /** True when the organisation has uploaded (and so may reference) this file. */
  async orgHas(orgId: string, sha: string, q: Q = this.db.k): Promise<boolean> {
    return !!(await q.selectFrom('file_orgs').select('sha256').where('sha256', '=', sha).where('org_id', '=', orgId).executeTakeFirst());
  }

  /**
   * The user's partial upload of `sha`. In-process callers that pass no user (the demo seeder,
   * the bench) get the organisation's upload of that hash when there is exactly one; the HTTP
   * routes always pass the caller.
   */
  private async upload(orgId: string, sha: string, userId: string | undefined): Promise<UploadRow | undefined> {
    const q = this.db.k.selectFrom('uploads').select(['user_id', 'size', 'offset']).where('org_id', '=', orgId).where('sha256', '=', sha);
    if (userId !== undefined) return q.where('user_id', '=', userId).executeTakeFirst();
    const rows = await q.execute();
    return rows.length === 1 ? rows[0] : undefined;
  }

  /** Delete one partial upload (its row and its bytes). */
  private async drop(orgId: string, userId: string, sha: string): Promise<void> {
    await this.blobs.removePart(this.key(orgId, userId, sha));
    await this.db.k.deleteFrom('uploads').where('org_id', '=', orgId).where('sha256', '=', sha).where('user_id', '=', userId).execute();
  }

  private async complete(sha: string) {
    const f = await this.db.k.selectFrom('files').select('size').where('sha256', '=', sha).executeTakeFirstOrThrow();
    return { sha256: sha, size: f.size, offset: f.size, complete: true };
  }

  async state(orgId: string, sha: string, userId?: string) {
    if (await this.orgHas(orgId, sha)) return this.complete(sha);
    const up = await this.upload(orgId, sha, userId);
    if (!up) throw E.notFound('upload');
    return { sha256: sha, size: up.size, offset: up.offset, complete: false };
  }

  private async checkQuota(orgId: string, userId: string, size: number): Promise<void> {
    const sum = async (col: 'user_id' | 'org_id', id: string) => {
      const r = await this.db.k.selectFrom('uploads').select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`COALESCE(SUM(size), 0)`.as('bytes')])
        .where(col, '=', id).executeTakeFirstOrThrow();
      return { n: Number(r.n), bytes: Number(r.bytes) };
    };
    const user = await sum('user_id', userId);
    const org = await sum('org_id', orgId);
    const L = this.limits;
    if (user.n >= L.userCount || org.n >= L.orgCount) {
      const [limit, who] = user.n >= L.userCount ? [L.userCount, 'user'] : [L.orgCount, 'org'];
      throw Object.assign(new HttpError(429, 'UPLOAD_QUOTA_COUNT',
        `Đã có quá nhiều tệp đang tải lên chưa xong (tối đa ${limit} ${who === 'user' ? 'cho mỗi người dùng' : 'cho mỗi cơ quan'}); hãy hoàn tất chúng hoặc thử lại sau.`,
        `Too many unfinished uploads (at most ${limit} per ${who === 'user' ? 'user' : 'organisation'}); finish them or retry later.`,
        { limit, scope: who }), { retryAfterS: 60 });
    }
    if (user.bytes + size > L.userBytes || org.bytes + size > L.orgBytes) {
      const [limit, reserved, who] = user.bytes + size > L.userBytes ? [L.userBytes, user.bytes, 'user'] : [L.orgBytes, org.bytes, 'org'];
      const mib = (n: number) => `${Math.floor(n / 1024 ** 2)} MiB`;
      throw new HttpError(413, 'UPLOAD_QUOTA_BYTES',
        `Vượt hạn mức dung lượng tải lên chưa hoàn tất (${mib(limit)} ${who === 'user' ? 'cho mỗi người dùng' : 'cho mỗi cơ quan'}, đang giữ ${mib(reserved)}); hãy hoàn tất các tệp đang tải trước.`,
        `Unfinished uploads would exceed the quota (${mib(limit)} per ${who === 'user' ? 'user' : 'organisation'}, ${mib(reserved)} reserved); finish the uploads in progress first.`,
        { limitBytes: limit, reservedBytes: reserved, scope: who });
    }
  }

  async start(orgId: string, userId: string, sha: string, size: number, now: number) {
    if (size > MAX_FILE_BYTES) throw E.tooLarge();
    const key = this.key(orgId, userId, sha);
    if (await this.orgHas(orgId, sha)) {
      // Claimed again: restart the unused-file grace period, so the coming add_version finds it.
      await this.db.k.updateTable('files').set({ stored_at: sql<number>`CASE WHEN stored_at < ${now} THEN ${now} ELSE stored_at END` }).where('sha256', '=', sha).execute();
      if (await this.upload(orgId, sha, userId)) await this.drop(orgId, userId, sha);
      return this.complete(sha);
    }
    const up = await this.upload(orgId, sha, userId);
    if (up && up.size === size) {
      // Bytes lost from the store (an operator cleaned it) restart the upload from 0.
      const lost = !(await this.blobs.hasPart(key));
      if (lost) await this.blobs.createPart(key);
      await this.db.k.updateTable('uploads').set(lost ? { touched_at: now, offset: 0 } : { touched_at: now })
        .where('org_id', '=', orgId).where('sha256', '=', sha).where('user_id', '=', userId).execute();
      return this.state(orgId, sha, userId);
    }
    if (up) await this.drop(orgId, userId, sha); // the same user restarting with another size
    await this.checkQuota(orgId, userId, size);
    await this.blobs.createPart(key);
    await this.db.k.insertInto('uploads').values({ org_id: orgId, sha256: sha, user_id: userId, size, offset: 0, started_at: now, touched_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'sha256', 'user_id']).doNothing()).execute();
    return this.state(orgId, sha, userId);
  }

  /** Append a chunk at `offset`; refused unless offset equals the bytes already received. */
  async append(orgId: string, sha: string, offset: number, chunk: Uint8Array, userId?: string) {
    const up = await this.upload(orgId, sha, userId);
    if (!up) throw E.notFound('upload');
    const cur = up.offset;
    if (offset !== cur) throw E.offsetMismatch(cur);
    if (cur + chunk.length > up.size) throw new HttpError(400, 'UPLOAD_TOO_LONG', 'Dữ liệu vượt quá kích thước đã khai báo.', 'Data exceeds the declared size.');
    await this.blobs.writePart(this.key(orgId, up.user_id, sha), cur, chunk);
    // Counted only if nobody counted a chunk at this offset meanwhile (the same chunk through another node).
    const r = await this.db.k.updateTable('uploads').set({ offset: cur + chunk.length, touched_at: this.now() })
      .where('org_id', '=', orgId).where('sha256', '=', sha).where('user_id', '=', up.user_id).where('offset', '=', cur).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      const now = await this.upload(orgId, sha, up.user_id);
      if (!now) throw E.notFound('upload');
      if (now.offset !== cur + chunk.length) throw E.offsetMismatch(now.offset);
    }
    return { sha256: sha, size: up.size, offset: cur + chunk.length, complete: false };
  }

  /** Verify the SHA-256 of the received bytes and move them into the store; a mismatch stores nothing. */
  async finalize(orgId: string, sha: string, now: number, userId?: string) {
    const up = await this.upload(orgId, sha, userId);
    if (await this.orgHas(orgId, sha)) {
      if (up) await this.drop(orgId, up.user_id, sha); // a colleague finished the same bytes first
      return this.complete(sha);
    }
    if (!up) throw E.notFound('upload');
    const key = this.key(orgId, up.user_id, sha);
    if (up.offset !== up.size) throw new HttpError(409, 'UPLOAD_INCOMPLETE', 'Tệp chưa tải lên đủ.', 'The upload is not complete.', { offset: up.offset });
    if ((await this.blobs.hashPart(key, up.size)) !== sha) {
      await this.drop(orgId, up.user_id, sha);
      throw E.badHash();
    }
    await this.blobs.commitPart(key, sha, up.size);
    await this.db.tx(async (q) => {
      await q.insertInto('files').values({ sha256: sha, size: up.size, stored_at: now })
        .onConflict((oc) => oc.column('sha256').doUpdateSet({ stored_at: sql<number>`CASE WHEN files.stored_at < ${now} THEN ${now} ELSE files.stored_at END` })).execute();
      await q.insertInto('file_orgs').values({ sha256: sha, org_id: orgId }).onConflict((oc) => oc.columns(['sha256', 'org_id']).doNothing()).execute();
      await q.deleteFrom('uploads').where('org_id', '=', orgId).where('sha256', '=', sha).where('user_id', '=', up.user_id).execute();
    });
    return this.complete(sha);
  }

  /** Delete part bytes that no upload row owns (left by a crash or by the v1 → v2 migration). */
  /**
   * Partial uploads no upload row claims: leftovers of a crash. Only those untouched for
   * ORPHAN_GRACE_MS go, since another node sharing the store may have created a part after this
   * node read the rows (a node starting, or the sweep, while an upload begins elsewhere).
   */
  private async removeOrphanParts(): Promise<void> {
    const before = Date.now() - ORPHAN_GRACE_MS;
    const rows = await this.db.k.selectFrom('uploads').select(['org_id', 'sha256', 'user_id']).execute();
    const owned = new Set(rows.map((r) => `${r.org_id}.${r.user_id}.${r.sha256}`));
    await this.blobs.pruneParts((k) => owned.has(k), before);
  }

  /**
   * Delete partial uploads untouched for partialTtlMs and stored files that no version
   * references and that were stored (or last claimed) more than unusedGraceMs ago.
   */
  async sweep(now: number): Promise<{ partialUploads: number; unusedFiles: number }> {
    const stale = await this.db.k.selectFrom('uploads').select(['org_id', 'sha256', 'user_id']).where('touched_at', '<', now - this.limits.partialTtlMs).execute();
    for (const u of stale) await this.drop(u.org_id, u.user_id, u.sha256);
    const unused = (await this.db.k.selectFrom('files as f').select('f.sha256').where('f.stored_at', '<', now - this.limits.unusedGraceMs)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('versions as v').select('v.doc_id').whereRef('v.sha256', '=', 'f.sha256'))))
      .execute()).map((r) => r.sha256);
    // Rows first, bytes after: a crash in between leaves only unreferenced bytes, never a row without bytes.
    if (unused.length) {
      await this.db.tx(async (q) => {
        await q.deleteFrom('file_orgs').where('sha256', 'in', unused).execute();
        await q.deleteFrom('files').where('sha256', 'in', unused).execute();
      });
    }
    for (const sha of unused) await this.blobs.remove(sha);
    await this.removeOrphanParts();
    return { partialUploads: stale.length, unusedFiles: unused.length };
  }

  /** Re-hash every stored file; returns the hashes whose bytes do not match (should be none). */
  async verifyAll(): Promise<string[]> {
    const bad: string[] = [];
    for (const { sha256 } of await this.db.k.selectFrom('files').select('sha256').execute()) {
      const h = createHash('sha256');
      const r = await this.blobs.read(sha256);
      if (r) for await (const b of r) h.update(b as Buffer);
      if (!r || h.digest('hex') !== sha256) bad.push(sha256);
    }
    return bad;
  }
}
