// Content-addressed file store with resumable chunked uploads. A file lives at files/ab/<sha256>
// only after its SHA-256 was verified; partial uploads live in uploads/<org>-<sha256>.part.
// An organisation may reference a file only after it has uploaded the bytes itself (file_orgs),
// so knowing a hash never grants access to another organisation's file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';
import { E, HttpError } from './errors';
import { MAX_FILE_BYTES } from '../src-shared/sync/protocol';

const SHA = /^[0-9a-f]{64}$/;
const ORG = /^[A-Za-z0-9_-]{1,64}$/;

export class FileStore {
  constructor(private db: Db, private dir: string) {
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'uploads'), { recursive: true });
  }

  filePath(sha: string): string {
    if (!SHA.test(sha)) throw E.invalid('sha256');
    return path.join(this.dir, 'files', sha.slice(0, 2), sha);
  }

  private partPath(orgId: string, sha: string): string {
    if (!SHA.test(sha) || !ORG.test(orgId)) throw E.invalid('upload key');
    return path.join(this.dir, 'uploads', `${orgId}-${sha}.part`);
  }

  /** True when the organisation has uploaded (and so may reference) this file. */
  orgHas(orgId: string, sha: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM file_orgs WHERE sha256 = ? AND org_id = ?').get(sha, orgId);
  }

  private partSize(p: string): number {
    try { return fs.statSync(p).size; } catch { return 0; }
  }

  state(orgId: string, sha: string) {
    const up = this.db.prepare('SELECT size FROM uploads WHERE org_id = ? AND sha256 = ?').get(orgId, sha) as { size: number } | undefined;
    if (this.orgHas(orgId, sha)) {
      const f = this.db.prepare('SELECT size FROM files WHERE sha256 = ?').get(sha) as { size: number };
      return { sha256: sha, size: f.size, offset: f.size, complete: true };
    }
    if (!up) throw E.notFound('upload');
    return { sha256: sha, size: up.size, offset: this.partSize(this.partPath(orgId, sha)), complete: false };
  }

  start(orgId: string, userId: string, sha: string, size: number, now: number) {
    if (size > MAX_FILE_BYTES) throw E.tooLarge();
    if (this.orgHas(orgId, sha)) return this.state(orgId, sha);
    const part = this.partPath(orgId, sha);
    const up = this.db.prepare('SELECT size FROM uploads WHERE org_id = ? AND sha256 = ?').get(orgId, sha) as { size: number } | undefined;
    if (up && up.size !== size) {
      fs.rmSync(part, { force: true });
      this.db.prepare('DELETE FROM uploads WHERE org_id = ? AND sha256 = ?').run(orgId, sha);
    }
    this.db.prepare('INSERT OR IGNORE INTO uploads (org_id, sha256, size, offset, user_id, started_at) VALUES (?, ?, ?, 0, ?, ?)')
      .run(orgId, sha, size, userId, now);
    if (!fs.existsSync(part)) fs.writeFileSync(part, new Uint8Array(0));
    return this.state(orgId, sha);
  }

  /** Append a chunk at `offset`; refused unless offset equals the bytes already received. */
  append(orgId: string, sha: string, offset: number, chunk: Uint8Array) {
    const up = this.db.prepare('SELECT size FROM uploads WHERE org_id = ? AND sha256 = ?').get(orgId, sha) as { size: number } | undefined;
    if (!up) throw E.notFound('upload');
    const part = this.partPath(orgId, sha);
    const cur = this.partSize(part);
    if (offset !== cur) throw E.offsetMismatch(cur);
    if (cur + chunk.length > up.size) throw new HttpError(400, 'UPLOAD_TOO_LONG', 'Dữ liệu vượt quá kích thước đã khai báo.', 'Data exceeds the declared size.');
    fs.appendFileSync(part, chunk);
    this.db.prepare('UPDATE uploads SET offset = ? WHERE org_id = ? AND sha256 = ?').run(cur + chunk.length, orgId, sha);
    return { sha256: sha, size: up.size, offset: cur + chunk.length, complete: false };
  }

  /** Verify the SHA-256 of the received bytes and move them into the store; a mismatch stores nothing. */
  finalize(orgId: string, sha: string, now: number) {
    if (this.orgHas(orgId, sha)) return this.state(orgId, sha);
    const up = this.db.prepare('SELECT size FROM uploads WHERE org_id = ? AND sha256 = ?').get(orgId, sha) as { size: number } | undefined;
    if (!up) throw E.notFound('upload');
    const part = this.partPath(orgId, sha);
    const cur = this.partSize(part);
    if (cur !== up.size) throw new HttpError(409, 'UPLOAD_INCOMPLETE', 'Tệp chưa tải lên đủ.', 'The upload is not complete.', { offset: cur });
    const h = createHash('sha256');
    const fd = fs.openSync(part, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
    } finally { fs.closeSync(fd); }
    const got = h.digest('hex');
    if (got !== sha) {
      fs.rmSync(part, { force: true });
      this.db.prepare('DELETE FROM uploads WHERE org_id = ? AND sha256 = ?').run(orgId, sha);
      throw E.badHash();
    }
    const dest = this.filePath(sha);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (fs.existsSync(dest)) fs.rmSync(part, { force: true });
    else {
      // fsync the bytes before the rename so a crash never leaves a named file with a wrong hash.
      const fd2 = fs.openSync(part, 'r+'); fs.fsyncSync(fd2); fs.closeSync(fd2);
      fs.renameSync(part, dest);
    }
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO files (sha256, size, stored_at) VALUES (?, ?, ?)').run(sha, up.size, now);
      this.db.prepare('INSERT OR IGNORE INTO file_orgs (sha256, org_id) VALUES (?, ?)').run(sha, orgId);
      this.db.prepare('DELETE FROM uploads WHERE org_id = ? AND sha256 = ?').run(orgId, sha);
    })();
    return this.state(orgId, sha);
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
