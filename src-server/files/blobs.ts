// Where the bytes live: one small interface, two implementations.
// - FolderBlobs (default): a folder, possibly on storage all nodes mount (NFS, CephFS…). Stored
//   files are <dir>/files/ab/<sha256>, partial uploads <dir>/uploads/<key>.part. Folders 0700,
//   files 0600 whatever the umask.
// - S3Blobs (files/s3.ts): any S3-compatible object store.
// The database, not the bytes, says how far a partial upload has come (uploads.offset): a chunk is
// written at its offset (positionally, so a retry through another node rewrites the same bytes)
// and only then counted, so bytes past the recorded offset are never trusted.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobStore {
  readonly kind: 'folder' | 's3';
  /** A stored file's bytes, or undefined when absent. */
  read(sha: string): Promise<Readable | undefined>;
  has(sha: string): Promise<boolean>;
  remove(sha: string): Promise<void>;
  /** Start (or restart, empty) the partial upload `key`. */
  createPart(key: string): Promise<void>;
  /** True if the partial upload exists (creating nothing). */
  hasPart(key: string): Promise<boolean>;
  writePart(key: string, offset: number, chunk: Uint8Array): Promise<void>;
  /** SHA-256 (hex) of the first `size` bytes of the partial upload. */
  hashPart(key: string, size: number): Promise<string>;
  /** Move the first `size` bytes of a verified partial upload to the store as `sha` (idempotent). */
  commitPart(key: string, sha: string, size: number): Promise<void>;
  removePart(key: string): Promise<void>;
  /** Delete every partial upload (and stray entry) whose key `keep` does not accept. */
  /**
   * Delete the partial uploads `keep` does not claim and that were last written before
   * `before` (ms since the epoch): another node may have just started one whose database row this
   * node read before the part existed.
   */
  pruneParts(keep: (key: string) => boolean, before: number): Promise<void>;
}

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

const SHA = /^[0-9a-f]{64}$/;
const KEY = /^[A-Za-z0-9_.-]{1,200}$/;

export class FolderBlobs implements BlobStore {
  readonly kind = 'folder';
  constructor(readonly dir: string) {
    for (const d of ['files', 'uploads']) {
      privateDir(path.join(dir, d));
      fixModes(path.join(dir, d));
    }
  }

  filePath(sha: string): string {
    if (!SHA.test(sha)) throw new Error('not a sha256');
    return path.join(this.dir, 'files', sha.slice(0, 2), sha);
  }

  private partPath(key: string): string {
    if (!KEY.test(key) || key.includes('..')) throw new Error('bad part key');
    return path.join(this.dir, 'uploads', `${key}.part`);
  }

  async read(sha: string) {
    const p = this.filePath(sha);
    try { await fs.promises.access(p); } catch { return undefined; }
    return fs.createReadStream(p);
  }

  async has(sha: string) { return fs.existsSync(this.filePath(sha)); }
  async remove(sha: string) { fs.rmSync(this.filePath(sha), { force: true }); }
  async createPart(key: string) { fs.closeSync(fs.openSync(this.partPath(key), 'w', 0o600)); }
  async hasPart(key: string) { return fs.existsSync(this.partPath(key)); }

  async writePart(key: string, offset: number, chunk: Uint8Array) {
    const fd = fs.openSync(this.partPath(key), fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
    try { for (let done = 0; done < chunk.length;) done += fs.writeSync(fd, chunk, done, chunk.length - done, offset + done); }
    finally { fs.closeSync(fd); }
  }

  async hashPart(key: string, size: number) {
    const h = createHash('sha256');
    const fd = fs.openSync(this.partPath(key), 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let pos = 0; pos < size;) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
        pos += n;
      }
    } finally { fs.closeSync(fd); }
    return h.digest('hex');
  }

  async commitPart(key: string, sha: string, size: number) {
    const part = this.partPath(key);
    const dest = this.filePath(sha);
    privateDir(path.dirname(dest));
    if (fs.existsSync(dest)) { fs.rmSync(part, { force: true }); return; }
    try {
      // Cut anything past the verified size, and fsync before the rename, so a crash never
      // leaves a named file with a wrong hash.
      const fd = fs.openSync(part, 'r+');
      try { fs.ftruncateSync(fd, size); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
      fs.renameSync(part, dest);
    } catch (e) {
      // Another node committed the same upload a moment earlier.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(dest)) return;
      throw e;
    }
  }

  async removePart(key: string) { fs.rmSync(this.partPath(key), { force: true }); }

  async pruneParts(keep: (key: string) => boolean, before: number) {
    const dir = path.join(this.dir, 'uploads');
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.part') && keep(name.slice(0, -5))) continue;
      const p = path.join(dir, name);
      let mtime: number;
      try {
        mtime = fs.lstatSync(p).mtimeMs;
      } catch {
        continue; // gone meanwhile
      }
      if (mtime < before) fs.rmSync(p, { force: true, recursive: true });
    }
  }
}
