// Streaming digests of file ranges with node:crypto: the signed ranges of a 100 MB PDF are hashed
// in 1 MB reads (the chunk is still in cache when it is hashed; the next one is read meanwhile) without ever holding the file in
// memory. (Reading the ranges into one buffer and hashing it with WebCrypto on the thread pool was
// measured: the fresh 100 MB buffer and WebCrypto's copy of it cost more than they save.)

// Each signature's ranges start at byte 0 and cover the revision it signed, so the signatures of
// one file share a long prefix (a 20-signature file hashed 20 × its size). The hash state of the
// prefix is kept at checkpoints (the end of every first range hashed, and every 1 MB along it;
// node:crypto's Hash.copy) and a later range starting at 0 continues from the best checkpoint:
// the file is read and hashed about once, whatever the number of signatures.

import { read } from 'node:fs';
import type { Hash } from 'node:crypto';
import type { DigestName, RangeHasher } from '../../../src-shared/verify/algorithms';
import { nodeHash } from './crypto-provider';

/** Hash states of the file's prefix [0, at) per digest, as checkpoints (at most MAX_CHECKPOINTS). */
export class PrefixCheckpoints {
  private readonly byAlg = new Map<DigestName, Array<{ at: number; h: Hash }>>();
  static readonly STEP = 1 << 20;
  private static readonly MAX = 512;

  /** A copy of the state at the best checkpoint at or before `limit` (or a fresh hash at 0). */
  start(alg: DigestName, limit: number): { at: number; h: Hash } {
    let best: { at: number; h: Hash } | undefined;
    for (const c of this.byAlg.get(alg) ?? []) if (c.at <= limit && (!best || c.at > best.at)) best = c;
    return best ? { at: best.at, h: best.h.copy() } : { at: 0, h: nodeHash(alg) };
  }

  /** Remember the state of `h` after the prefix [0, at). */
  keep(alg: DigestName, at: number, h: Hash): void {
    let list = this.byAlg.get(alg);
    if (!list) this.byAlg.set(alg, (list = []));
    if (at <= 0 || list.some((c) => c.at === at) || list.length >= PrefixCheckpoints.MAX) return;
    list.push({ at, h: h.copy() });
  }
}

const CHUNK = 1 << 20; // stays in cache between the read and the hash

function readAt(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, len, pos, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * Digests of ranges of the open file `fd`. Reads run ahead on the thread pool: chunk k+1 is being
 * read while chunk k is hashed in this thread (two 1 MB buffers per hasher).
 */
export function fdRangeHasher(fd: number): RangeHasher {
  let bufs: [Buffer, Buffer] | null = null;
  const prefix = new PrefixCheckpoints();
  return async (alg, ranges) => {
    bufs ??= [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const b = bufs;
    // a first range from byte 0 continues from the best checkpoint of the prefix
    const firstLen = ranges.length && ranges[0][0] === 0 ? ranges[0][1] : 0;
    const { at, h } = firstLen > 0 ? prefix.start(alg, firstLen) : { at: 0, h: nodeHash(alg) };
    const todo: Array<[number, number]> = firstLen > 0 ? [[at, firstLen - at], ...ranges.slice(1)] : ranges;
    const pieces: Array<[number, number, boolean]> = [];
    for (const [i, [off, len]] of todo.entries()) {
      // within the prefix, pieces end on STEP boundaries so checkpoints land on them
      for (let p = off; p < off + len;) {
        const stop = Math.min(off + len, i === 0 && firstLen > 0 ? (Math.floor(p / PrefixCheckpoints.STEP) + 1) * PrefixCheckpoints.STEP : p + CHUNK);
        pieces.push([p, stop - p, i === 0 && firstLen > 0]);
        p = stop;
      }
    }
    let next = pieces.length ? readAt(fd, b[0], pieces[0][1], pieces[0][0]) : null;
    for (let i = 0; next; i++) {
      const n = await next;
      const [pos, expected, inPrefix] = pieces[i];
      next = n === expected && i + 1 < pieces.length ? readAt(fd, b[(i + 1) & 1], pieces[i + 1][1], pieces[i + 1][0]) : null;
      if (n > 0) h.update(b[i & 1].subarray(0, n));
      if (n < expected) break; // the file ends early: the digest covers what is there (and will not match)
      if (inPrefix && ((pos + n) % PrefixCheckpoints.STEP === 0 || pos + n === firstLen)) prefix.keep(alg, pos + n, h);
    }
    return new Uint8Array(h.digest());
  };
}
