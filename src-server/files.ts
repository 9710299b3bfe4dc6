// Content-addressed file store with resumable chunked uploads. A file lives at files/ab/<sha256>
// only after its SHA-256 was verified. A partial upload belongs to the user who started it and
// lives in uploads/<org>.<user>.<sha256>.part, so a colleague uploading the same bytes never
// touches it. An organisation may reference a file only after it has uploaded the bytes itself
// (file_orgs), so knowing a hash never grants access to another organisation's file.
// Unfinished uploads are bounded by per-user and per-organisation quotas; sweep() deletes
// abandoned partial uploads and stored files that no version uses. Folders are 0700 and files
// 0600 whatever the umask.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';
import { E, HttpError } from './errors';
import { MAX_FILE_BYTES } from '../src-shared/sync/protocol';

const SHA = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const GiB = 1024 ** 3;
const HOUR = 3600_000;

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

/** Create a folder (and missing parents) 0700, and make it 0700 if it already existed. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Folders 0700 and files 0600 under `dir` (symbolic links are left alone). */
function fixModes(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { fs.chmodSync(p, 0o700); fixModes(p); } else if (e.isFile()) fs.chmodSync(p, 0o600);
  }
}

interface UploadRow { user_id: string; size: number }

export class FileStore {
  private limits: UploadLimits;

  constructor(private db: Db, private dir: string, limits: Partial<UploadLimits> = {}, private now: () => number = Date.now) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...limits };
    for (const d of ['files', 'uploads']) {
      privateDir(path.join(dir, d));
      fixModes(path.join(dir, d));
    }
    this.removeOrphanParts();
  }

  filePath(sha: string): string {
    if (!SHA.test(sha)) throw E.invalid('sha256');
    return path.join(this.dir, 'files', sha.slice(0, 2), sha);
  }

  private partPath(orgId: string, userId: string, sha: string): string {
    if (!SHA.test(sha) || !ID.test(orgId) || !ID.test(userId)) throw E.invalid('upload key');
    return path.join(this.dir, 'uploads', `${orgId}.${userId}.${sha}.part`);
  }

  /** True when the organisation has uploaded (and so may reference) this file. */
  orgHas(orgId: string, sha: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM file_orgs WHERE sha256 = ? AND org_id = ?').get(sha, orgId);
  }

  private partSize(p: string): number {
    try { return fs.statSync(p).size; } catch { return 0; }
  }

  /**
   * The user's partial upload of `sha`. In-process callers that pass no user (the demo seeder,
   * the bench) get the organisation's upload of that hash when there is exactly one; the HTTP
   * routes always pass the caller.
   */
  private upload(orgId: string, sha: string, userId: string | undefined): UploadRow | undefined {
    if (userId !== undefined)
      return this.db.prepare('SELECT user_id, size FROM uploads WHERE org_id = ? AND sha256 = ? AND user_id = ?').get(orgId, sha, userId) as UploadRow | undefined;
    const rows = this.db.prepare('SELECT user_id, size FROM uploads WHERE org_id = ? AND sha256 = ?').all(orgId, sha) as UploadRow[];
    return rows.length === 1 ? rows[0] : undefined;
  }

  /** Delete one partial upload (its row and its bytes). */
  private drop(orgId: string, userId: string, sha: string): void {
    fs.rmSync(this.partPath(orgId, userId, sha), { force: true });
    this.db.prepare('DELETE FROM uploads WHERE org_id = ? AND sha256 = ? AND user_id = ?').run(orgId, sha, userId);
  }

  private complete(sha: string) {
    const f = this.db.prepare('SELECT size FROM files WHERE sha256 = ?').get(sha) as { size: number };
    return { sha256: sha, size: f.size, offset: f.size, complete: true };
  }

  state(orgId: string, sha: string, userId?: string) {
    if (this.orgHas(orgId, sha)) return this.complete(sha);
    const up = this.upload(orgId, sha, userId);
    if (!up) throw E.notFound('upload');
    return { sha256: sha, size: up.size, offset: this.partSize(this.partPath(orgId, up.user_id, sha)), complete: false };
  }

  private checkQuota(orgId: string, userId: string, size: number): void {
    const sum = (col: string, id: string) =>
      this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE ${col} = ?`).get(id) as { n: number; bytes: number };
    const user = sum('user_id', userId);
    const org = sum('org_id', orgId);
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

  start(orgId: string, userId: string, sha: string, size: number, now: number) {
    if (size > MAX_FILE_BYTES) throw E.tooLarge();
    if (this.orgHas(orgId, sha)) {
      // Claimed again: restart the unused-file grace period, so the coming add_version finds it.
      this.db.prepare('UPDATE files SET stored_at = MAX(stored_at, ?) WHERE sha256 = ?').run(now, sha);
      if (this.upload(orgId, sha, userId)) this.drop(orgId, userId, sha);
      return this.complete(sha);
    }
    const part = this.partPath(orgId, userId, sha);
    const up = this.upload(orgId, sha, userId);
    if (up && up.size === size) {
      this.db.prepare('UPDATE uploads SET touched_at = ? WHERE org_id = ? AND sha256 = ? AND user_id = ?').run(now, orgId, sha, userId);
      if (!fs.existsSync(part)) fs.closeSync(fs.openSync(part, 'a', 0o600));
      return this.state(orgId, sha, userId);
    }
    if (up) this.drop(orgId, userId, sha); // the same user restarting with another size
    this.checkQuota(orgId, userId, size);
    this.db.prepare('INSERT INTO uploads (org_id, sha256, user_id, size, offset, started_at, touched_at) VALUES (?, ?, ?, ?, 0, ?, ?)')
      .run(orgId, sha, userId, size, now, now);
    fs.closeSync(fs.openSync(part, 'w', 0o600));
    return this.state(orgId, sha, userId);
  }

  /** Append a chunk at `offset`; refused unless offset equals the bytes already received. */
  append(orgId: string, sha: string, offset: number, chunk: Uint8Array, userId?: string) {
    const up = this.upload(orgId, sha, userId);
    if (!up) throw E.notFound('upload');
    const part = this.partPath(orgId, up.user_id, sha);
    const cur = this.partSize(part);
    if (offset !== cur) throw E.offsetMismatch(cur);
    if (cur + chunk.length > up.size) throw new HttpError(400, 'UPLOAD_TOO_LONG', 'Dữ liệu vượt quá kích thước đã khai báo.', 'Data exceeds the declared size.');
    fs.appendFileSync(part, chunk, { mode: 0o600 });
    this.db.prepare('UPDATE uploads SET offset = ?, touched_at = ? WHERE org_id = ? AND sha256 = ? AND user_id = ?')
      .run(cur + chunk.length, this.now(), orgId, sha, up.user_id);
    return { sha256: sha, size: up.size, offset: cur + chunk.length, complete: false };
  }

  /** Verify the SHA-256 of the received bytes and move them into the store; a mismatch stores nothing. */
  finalize(orgId: string, sha: string, now: number, userId?: string) {
    const up = this.upload(orgId, sha, userId);
    if (this.orgHas(orgId, sha)) {
      if (up) this.drop(orgId, up.user_id, sha); // a colleague finished the same bytes first
      return this.complete(sha);
    }
    if (!up) throw E.notFound('upload');
    const part = this.partPath(orgId, up.user_id, sha);
    const cur = this.partSize(part);
    if (cur !== up.size) throw new HttpError(409, 'UPLOAD_INCOMPLETE', 'Tệp chưa tải lên đủ.', 'The upload is not complete.', { offset: cur });
    const h = createHash('sha256');
    const fd = fs.openSync(part, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
    } finally { fs.closeSync(fd); }
    if (h.digest('hex') !== sha) {
      this.drop(orgId, up.user_id, sha);
      throw E.badHash();
    }
    const dest = this.filePath(sha);
    privateDir(path.dirname(dest));
    if (fs.existsSync(dest)) fs.rmSync(part, { force: true });
    else {
      // fsync the bytes before the rename so a crash never leaves a named file with a wrong hash.
      const fd2 = fs.openSync(part, 'r+'); fs.fsyncSync(fd2); fs.closeSync(fd2);
      fs.renameSync(part, dest);
    }
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO files (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET stored_at = MAX(stored_at, excluded.stored_at)').run(sha, up.size, now);
      this.db.prepare('INSERT OR IGNORE INTO file_orgs (sha256, org_id) VALUES (?, ?)').run(sha, orgId);
      this.db.prepare('DELETE FROM uploads WHERE org_id = ? AND sha256 = ? AND user_id = ?').run(orgId, sha, up.user_id);
    })();
    return this.complete(sha);
  }

  /** Delete part files that no upload row owns (left by a crash or by the v1 → v2 migration). */
  private removeOrphanParts(): void {
    const rows = this.db.prepare('SELECT org_id, sha256, user_id FROM uploads').all() as { org_id: string; sha256: string; user_id: string }[];
    const owned = new Set(rows.map((r) => `${r.org_id}.${r.user_id}.${r.sha256}.part`));
    const dir = path.join(this.dir, 'uploads');
    for (const name of fs.readdirSync(dir)) if (!owned.has(name)) fs.rmSync(path.join(dir, name), { force: true, recursive: true });
  }

  /**
   * Delete partial uploads untouched for partialTtlMs and stored files that no version
   * references and that were stored (or last claimed) more than unusedGraceMs ago.
   */
  sweep(now: number): { partialUploads: number; unusedFiles: number } {
    const stale = this.db.prepare('SELECT org_id, sha256, user_id FROM uploads WHERE touched_at < ?')
      .all(now - this.limits.partialTtlMs) as { org_id: string; sha256: string; user_id: string }[];
    for (const u of stale) this.drop(u.org_id, u.user_id, u.sha256);
    const unused = (this.db.prepare('SELECT sha256 FROM files f WHERE stored_at < ? AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.sha256 = f.sha256)')
      .all(now - this.limits.unusedGraceMs) as { sha256: string }[]).map((r) => r.sha256);
    // Rows first, bytes after: a crash in between leaves only unreferenced bytes, never a row without bytes.
    this.db.transaction(() => {
      for (const sha of unused) {
        this.db.prepare('DELETE FROM file_orgs WHERE sha256 = ?').run(sha);
        this.db.prepare('DELETE FROM files WHERE sha256 = ?').run(sha);
      }
    })();
    for (const sha of unused) fs.rmSync(this.filePath(sha), { force: true });
    this.removeOrphanParts();
    return { partialUploads: stale.length, unusedFiles: unused.length };
  }

  /** Re-hash every stored file; returns the hashes whose bytes do not match (should be none). */
  verifyAll(): string[] {
    const bad: string[] = [];
    for (const { sha256 } of this.db.prepare('SELECT sha256 FROM files').all() as { sha256: string }[]) {
      const got = createHash('sha256').update(fs.readFileSync(this.filePath(sha256))).digest('hex');
      if (got !== sha256) bad.push(sha256);
    }
    return bad;
  }
}
