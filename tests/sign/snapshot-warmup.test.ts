// The start-up snapshot's warm-up (src-main/cli/snapshot-warmup.ts) signs and verifies a throwaway
// document so the snapshot keeps compiled code; it must leave nothing behind: no temp files and
// every registered cache empty (the snapshot would otherwise carry what the warm-up parsed).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { warmUp } from '../../src-main/cli/snapshot-warmup';
import { cacheSizes } from '../../src-shared/caches';
import { repoRoot } from '../pdf/corpus';

const leftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith('vanthu-warmup-'));

describe('snapshot warm-up', () => {
  it('signs and verifies once, then leaves no temp file and every cache empty', async () => {
    const before = leftovers();
    await warmUp();
    expect(leftovers()).toEqual(before);
    const sizes = cacheSizes();
    // the caches the signing and verification paths fill are all registered…
    expect(Object.keys(sizes)).toEqual(expect.arrayContaining(['pki.certificates', 'pki.crls', 'cms.certificates', 'pdf-io.scanBuffer']));
    // …and emptied
    expect(Object.values(sizes).every((n) => n === 0), JSON.stringify(sizes)).toBe(true);
  });
});

describe('CLI bundle', () => {
  it('is ASCII only (one non-Latin-1 character makes V8 keep the whole source as UTF-16: +1.2 MB in every run and in the snapshot)', () => {
    execFileSync(process.execPath, [join(repoRoot, 'bin', 'vanthu'), '--version']); // builds it if stale
    const dir = join(repoRoot, 'out', 'cli');
    const files = readdirSync(dir).filter((f) => /\.(mjs|cjs)$/.test(f));
    expect(files).toContain('vanthu-snapshot.cjs');
    for (const f of files) {
      const bytes = readFileSync(join(dir, f));
      const at = bytes.findIndex((b) => b > 0x7f);
      expect(at, `${f}: non-ASCII near "${at < 0 ? '' : bytes.subarray(Math.max(0, at - 40), at + 10).toString('utf8')}"`).toBe(-1);
    }
  });
});
