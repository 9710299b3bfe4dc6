// A ByteSource over an open file descriptor: reads at offsets with fs.readSync through a small
// page cache, so the PDF reader can walk a 100 MB file while holding only a few pages in memory.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../../../src-shared/pdf/bytesource';
import { registerCache } from '../../../src-shared/caches';

const PAGE = 16 * 1024;
const MAX_PAGES = 256; // 4 MB of cache

/** scan()'s read buffer: scan runs synchronously to its end, so one serves every FileSource of a thread (no 1 MB allocation per file of a batch). */
let scanBuffer: Uint8Array | null = null;
registerCache('pdf-io.scanBuffer', { clear: () => { scanBuffer = null; }, size: () => (scanBuffer ? 1 : 0) });

export class FileSource implements ByteSource {
  readonly length: number;
  private pages = new Map<number, Uint8Array>();
  private closed = false;

  constructor(readonly fd: number, private readonly ownsFd = false) {
    this.length = fstatSync(fd).size;
  }

  static open(path: string): FileSource {
    return new FileSource(openSync(path, 'r'), true);
  }

  private page(index: number): Uint8Array {
    let p = this.pages.get(index);
    if (p) {
      // refresh LRU position
      this.pages.delete(index);
      this.pages.set(index, p);
      return p;
    }
    const start = index * PAGE;
    const len = Math.min(PAGE, this.length - start);
    p = new Uint8Array(Math.max(0, len));
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, p, got, len - got, start + got);
      if (n <= 0) break;
      got += n;
    }
    if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value as number);
    this.pages.set(index, p);
    return p;
  }

  read(offset: number, length: number): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.length));
    const end = Math.max(start, Math.min(offset + length, this.length));
    if (start === end) return new Uint8Array(0);
    const first = Math.floor(start / PAGE), last = Math.floor((end - 1) / PAGE);
    if (first === last) {
      const p = this.page(first);
      return p.subarray(start - first * PAGE, end - first * PAGE);
    }
    if (end - start > PAGE * 4) {
      // large reads (stream data, digests) bypass the cache
      const out = new Uint8Array(end - start);
      let got = 0;
      while (got < out.length) {
        const n = readSync(this.fd, out, got, out.length - got, start + got);
        if (n <= 0) break;
        got += n;
      }
      return out.subarray(0, got);
    }
    const out = new Uint8Array(end - start);
    for (let i = first; i <= last; i++) {
      const p = this.page(i);
      const ps = i * PAGE;
      const s = Math.max(start, ps), e = Math.min(end, ps + p.length);
      out.set(p.subarray(s - ps, e - ps), s - start);
    }
    return out;
  }

  /** Stream [offset, offset+length) through one reused 1 MB buffer (for digests; `fn` must not keep the chunk). */
  scan(offset: number, length: number, fn: (chunk: Uint8Array) => void): void {
    const end = Math.min(offset + length, this.length);
    const buf = (scanBuffer ??= new Uint8Array(1 << 20));
    let pos = Math.max(0, offset);
    while (pos < end) {
      const n = readSync(this.fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) break;
      fn(buf.subarray(0, n));
      pos += n;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pages.clear();
    if (this.ownsFd) closeSync(this.fd);
  }
}
