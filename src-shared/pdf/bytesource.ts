// Random-access byte sources for the PDF reader: a file is read in windows, never loaded whole.
// `BytesSource` wraps an in-memory Uint8Array; `ConcatSource` views "original file + appended
// update" as one document without copying either (used between the steps of a multi-update sign).
// The file-descriptor source lives in src-main/services/pdf-io (it needs node:fs).

export interface ByteSource {
  readonly length: number;
  /** Bytes [offset, offset+length) clipped to the source; may return a view, never mutate it. */
  read(offset: number, length: number): Uint8Array;
  /**
   * Optional fast path for streaming consumers (digests, copies): call `fn` for consecutive chunks;
   * a chunk is only valid during the call (implementations may reuse one buffer).
   */
  scan?(offset: number, length: number, fn: (chunk: Uint8Array) => void): void;
}

export class BytesSource implements ByteSource {
  constructor(readonly bytes: Uint8Array) {}
  get length(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.bytes.length));
    const end = Math.max(start, Math.min(offset + length, this.bytes.length));
    return this.bytes.subarray(start, end);
  }
}

/** Two sources back to back: `head` then `tail`. */
export class ConcatSource implements ByteSource {
  constructor(readonly head: ByteSource, readonly tail: ByteSource) {}
  get length(): number {
    return this.head.length + this.tail.length;
  }
  read(offset: number, length: number): Uint8Array {
    const h = this.head.length;
    const end = Math.min(offset + length, this.length);
    if (offset >= end) return new Uint8Array(0);
    if (end <= h) return this.head.read(offset, end - offset);
    if (offset >= h) return this.tail.read(offset - h, end - offset);
    const out = new Uint8Array(end - offset);
    out.set(this.head.read(offset, h - offset), 0);
    out.set(this.tail.read(0, end - h), h - offset);
    return out;
  }
}

/** Call `fn` for consecutive chunks of [offset, offset+length) (for streaming digests and copies). */
export function forEachChunk(src: ByteSource, offset: number, length: number, fn: (chunk: Uint8Array) => void, chunkSize = 1 << 20): void {
  if (src.scan) {
    src.scan(offset, length, fn);
    return;
  }
  let pos = offset;
  const end = Math.min(offset + length, src.length);
  while (pos < end) {
    const n = Math.min(chunkSize, end - pos);
    const chunk = src.read(pos, n);
    if (chunk.length === 0) break;
    fn(chunk);
    pos += chunk.length;
  }
}
