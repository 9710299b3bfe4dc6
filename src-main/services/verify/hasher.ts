// Streaming digests of file ranges with node:crypto: the signed ranges of a 100 MB PDF are hashed
// in 1 MB reads (the chunk is still in cache when it is hashed) without ever holding the file in
// memory. (Reading the ranges into one buffer and hashing it with WebCrypto on the thread pool was
// measured: the fresh 100 MB buffer and WebCrypto's copy of it cost more than they save.)

import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import type { DigestName, RangeHasher } from '../../../src-shared/verify/algorithms';

const NODE_NAMES: Record<DigestName, string> = {
  MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
};

const CHUNK = 1 << 20; // stays in cache between the read and the hash

export function fdRangeHasher(fd: number): RangeHasher {
  let buf: Buffer | null = null;
  return async (alg, ranges) => {
    buf ??= Buffer.allocUnsafe(CHUNK);
    const h = createHash(NODE_NAMES[alg]);
    for (const [off, len] of ranges) {
      let pos = off;
      const end = off + len;
      while (pos < end) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
        pos += n;
      }
    }
    return new Uint8Array(h.digest());
  };
}
