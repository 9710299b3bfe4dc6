// Streaming digests of file ranges with node:crypto: the signed ranges of a 100 MB PDF are hashed
// in 1 MB reads (the chunk is still in cache when it is hashed; the next one is read meanwhile) without ever holding the file in
// memory. (Reading the ranges into one buffer and hashing it with WebCrypto on the thread pool was
// measured: the fresh 100 MB buffer and WebCrypto's copy of it cost more than they save.)

import { read } from 'node:fs';
import type { RangeHasher } from '../../../src-shared/verify/algorithms';
import { nodeHash } from './crypto-provider';

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
  return async (alg, ranges) => {
    bufs ??= [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const b = bufs;
    const h = nodeHash(alg);
    const pieces: Array<[number, number]> = [];
    for (const [off, len] of ranges) for (let p = off; p < off + len; p += CHUNK) pieces.push([p, Math.min(CHUNK, off + len - p)]);
    let next = pieces.length ? readAt(fd, b[0], pieces[0][1], pieces[0][0]) : null;
    for (let i = 0; next; i++) {
      const n = await next;
      const expected = pieces[i][1];
      next = n === expected && i + 1 < pieces.length ? readAt(fd, b[(i + 1) & 1], pieces[i + 1][1], pieces[i + 1][0]) : null;
      if (n > 0) h.update(b[i & 1].subarray(0, n));
      if (n < expected) break; // the file ends early: the digest covers what is there (and will not match)
    }
    return new Uint8Array(h.digest());
  };
}
