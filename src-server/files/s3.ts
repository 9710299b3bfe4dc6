// S3-compatible object storage for the shared file store (@aws-sdk/client-s3). Layout in the bucket
// (under an optional prefix): files/<sha256> for stored files, uploads/<key>/<offset, 16 digits> for
// the chunks of a partial upload. Chunks are objects of their own because S3 cannot append; the
// chunk at offset 0 is followed by the one at its length, and so on, so a chunk re-sent through
// another node simply overwrites the same object. Committing streams the chunks, in that chain,
// into files/<sha256> after their hash was checked.
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  S3Client, GetObjectCommand, PutObjectCommand, HeadObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { BlobStore } from './blobs';

export interface S3Options {
  bucket: string;
  prefix?: string;
  /** Endpoint of a non-AWS service (MinIO, Ceph RGW…); path-style addressing is then used. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const pad = (n: number) => String(n).padStart(16, '0');
const notFound = (e: unknown) => {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return x.name === 'NoSuchKey' || x.name === 'NotFound' || x.$metadata?.httpStatusCode === 404;
};

export class S3Blobs implements BlobStore {
  readonly kind = 's3';
  private s3: S3Client;
  private prefix: string;
  constructor(private o: S3Options) {
    // Checksums only where S3 requires them: the SDK's default sends streamed bodies as
    // aws-chunked with trailing checksums, which several S3-compatible servers store verbatim.
    // Integrity does not depend on it: every file is re-hashed (SHA-256) before it is stored.
    const cfg: S3ClientConfig = {
      region: o.region ?? 'us-east-1', forcePathStyle: !!o.endpoint,
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (o.endpoint) cfg.endpoint = o.endpoint;
    if (o.credentials) cfg.credentials = o.credentials;
    this.s3 = new S3Client(cfg);
    this.prefix = o.prefix ? `${o.prefix.replace(/\/+$/, '')}/` : '';
  }

  private file(sha: string) { return `${this.prefix}files/${sha}`; }
  private chunks(key: string) { return `${this.prefix}uploads/${key}/`; }

  private async get(Key: string): Promise<{ body: Readable; length: number } | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key }));
      return { body: r.Body as Readable, length: Number(r.ContentLength ?? 0) };
    } catch (e) { if (notFound(e)) return undefined; throw e; }
  }

  private async list(Prefix: string, before = Infinity): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const r = await this.s3.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix, ContinuationToken }));
      for (const c of r.Contents ?? []) if (c.Key && (before === Infinity || (c.LastModified?.getTime() ?? 0) < before)) keys.push(c.Key);
      ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  }

  private async removeAll(keys: string[]) {
    for (let i = 0; i < keys.length; i += 1000) {
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
    }
  }

  async read(sha: string) { return (await this.get(this.file(sha)))?.body; }

  async has(sha: string) {
    try { await this.s3.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: this.file(sha) })); return true; }
    catch (e) { if (notFound(e)) return false; throw e; }
  }

  async remove(sha: string) { await this.s3.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: this.file(sha) })); }
  async createPart(key: string) { await this.removePart(key); }
  async hasPart() { return true; } // an upload with no chunk yet has no object; the database row is what exists

  async writePart(key: string, offset: number, chunk: Uint8Array) {
    await this.s3.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: this.chunks(key) + pad(offset), Body: chunk, ContentLength: chunk.length }));
  }

  /** The chunks from offset 0 up to `size`, in order, as one stream. */
  private chain(key: string, size: number, out: PassThrough): void {
    (async () => {
      for (let off = 0; off < size;) {
        const c = await this.get(this.chunks(key) + pad(off));
        if (!c || c.length === 0) throw new Error(`upload ${key}: no chunk at ${off}`);
        let left = size - off;
        for await (const b of c.body) {
          const buf = b as Buffer;
          const part = buf.length > left ? buf.subarray(0, left) : buf;
          left -= part.length;
          if (!out.write(part)) await new Promise((r) => out.once('drain', r));
        }
        off += Math.min(c.length, size - off);
      }
      out.end();
    })().catch((e) => out.destroy(e as Error));
  }

  async hashPart(key: string, size: number) {
    const h = createHash('sha256');
    const s = new PassThrough();
    this.chain(key, size, s);
    for await (const b of s) h.update(b as Buffer);
    return h.digest('hex');
  }

  async commitPart(key: string, sha: string, size: number) {
    if (!(await this.has(sha))) {
      const s = new PassThrough();
      this.chain(key, size, s);
      await this.s3.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: this.file(sha), Body: s, ContentLength: size }));
    }
    await this.removePart(key);
  }

  async removePart(key: string) { await this.removeAll(await this.list(this.chunks(key))); }

  async pruneParts(keep: (key: string) => boolean, before: number) {
    const base = `${this.prefix}uploads/`;
    await this.removeAll((await this.list(base, before)).filter((k) => !keep(k.slice(base.length).split('/')[0])));
  }
}
