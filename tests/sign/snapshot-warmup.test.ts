// The start-up snapshot's warm-up (src-main/cli/snapshot-warmup.ts) signs and verifies a throwaway
// document so the snapshot keeps compiled code; it must leave nothing behind: no temp files and
// every registered cache empty (the snapshot would otherwise carry what the warm-up parsed).
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { warmUp } from '../../src-main/cli/snapshot-warmup';
import { cacheSizes } from '../../src-shared/caches';

const leftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith('vanthu-warmup-'));

describe('snapshot warm-up', () => {
  it('signs and verifies once, then leaves no temp file and every cache empty', async () => {
    const before = leftovers();
    await warmUp();
    expect(leftovers()).toEqual(before);
    const sizes = cacheSizes();
    // the caches the signing and verification paths fill are all registered…
    expect(Object.keys(sizes)).toEqual(expect.arrayContaining(['pki.certificates', 'pki.crls', 'pki.verificationKeys', 'cms.certificates', 'pdf-io.scanBuffer']));
    // …and emptied
    expect(Object.values(sizes).every((n) => n === 0), JSON.stringify(sizes)).toBe(true);
  });
});
