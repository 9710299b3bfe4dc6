// Streaming digests of file ranges with node:crypto: the signed ranges of a 100 MB PDF are hashed
// in 4 MB reads without ever holding the file in memory.

import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import type { DigestName, RangeHasher } from '../../../src-shared/verify/algorithms';

const NODE_NAMES: Record<DigestName, string> = {
  MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
};

export function fdRangeHasher(fd: number): RangeHasher {
  const buf = Buffer.allocUnsafe(4 << 20);
  return async (alg, ranges) => {
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
