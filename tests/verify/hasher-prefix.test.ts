// The range hashers keep hash states of the file's prefix (hasher.ts PrefixCheckpoints, and the
// command line's helper thread in watchdog.ts) so the nested ranges of many signatures are read
// about once: every digest must still equal a plain hash of exactly its ranges, whatever the order
// the ranges are asked for, the digest, and ranges that do not start at 0.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fdRangeHasher } from '../../src-main/services/verify/hasher';
import { Watchdog } from '../../src-main/services/verify/watchdog';
import type { DigestName } from '../../src-shared/verify/algorithms';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-hasher-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NODE: Partial<Record<DigestName, string>> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1', 'SHA-512': 'sha512', 'SHA3-256': 'sha3-256' };
function plain(data: Buffer, alg: DigestName, ranges: Array<[number, number]>): string {
  const h = createHash(NODE[alg]!);
  for (const [o, l] of ranges) h.update(data.subarray(o, o + l));
  return h.digest('hex');
}

/** Ranges like those of n nested signatures over a file of `size` bytes (holes for /Contents). */
function signatureRanges(size: number, n: number): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  for (let i = 1; i <= n; i++) {
    const end = Math.floor((size * i) / n);
    const hole = end - 20_000 - i * 7;
    out.push([[0, hole], [hole + 16_384, end - hole - 16_384]]);
  }
  return out;
}

describe('range hashers with prefix checkpoints', () => {
  const size = 5 * 1024 * 1024 + 12_345;
  const data = randomBytes(size);
  const file = path.join(dir, 'f.bin');
  fs.writeFileSync(file, data);
  const sets = signatureRanges(size, 12);
  const orders = [sets, [...sets].reverse(), [sets[5], sets[0], sets[11], sets[3], sets[3], sets[8]]];
  const odd: Array<Array<[number, number]>> = [[[100, 2_000_000]], [[0, 0], [10, 10]], [[0, 1 << 20], [(1 << 20) + 1, 5]], [[0, size + 999]]];

  it('fdRangeHasher: every digest is the plain digest of its ranges, in any order, for several digests', async () => {
    const fd = fs.openSync(file, 'r');
    try {
      for (const alg of ['SHA-256', 'SHA-1', 'SHA-512', 'SHA3-256'] as DigestName[]) {
        const h = fdRangeHasher(fd);
        for (const order of orders) for (const r of [...order, ...odd]) {
          expect(Buffer.from(await h(alg, r)).toString('hex'), `${alg} ${JSON.stringify(r)}`).toBe(plain(data, alg, r));
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  });

  it("the command line's helper thread gives the same digests, and a second file on the same descriptor number is not confused with the first", async () => {
    const dog = new Watchdog(60_000, []);
    try {
      for (const [k, bytes] of [data, randomBytes(size)].entries()) {
        const f = path.join(dir, `g${k}.bin`);
        fs.writeFileSync(f, bytes);
        const fd = fs.openSync(f, 'r');
        try {
          const h = dog.hasher(fd);
          for (const r of [...orders[1], ...orders[2], ...odd]) expect(Buffer.from(await h('SHA-256', r)).toString('hex')).toBe(plain(bytes, 'SHA-256', r));
          await dog.release(fd);
        } finally {
          fs.closeSync(fd);
        }
      }
    } finally {
      dog.stop();
    }
  });
});
