// Fuzzing the verifier with mutated copies of a PDF signed twice (fixed seed, bounded count): every
// copy yields a report (no exception, no hang: the worker's time bound and the reader's guards), no
// changed copy is TOTAL_PASSED although the untouched one is (offline, CRLs in the local cache), and
// a signature whose dictionary is still in the copy's bytes is never missing from its report: a
// damaged signature is present and failed, not absent.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFiles } from '../../src-main/services/verify';
import { createNodeNet } from '../../src-main/services/net/http';
import { makeWorld, save, signOurs, type World } from './fixtures';
import { mulberry32 } from '../helpers/random';

const SEED = 0x5eed2026;
const COUNT = 320;

const prng = mulberry32;

const enc = (s: string) => new TextEncoder().encode(s);

function splice(b: Uint8Array, at: number, del: number, ins: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, at), 0);
  out.set(ins, at);
  out.set(b.subarray(at + del), at + ins.length);
  return out;
}

function findAll(b: Uint8Array, s: string): number[] {
  const text = Buffer.from(b).toString('latin1');
  const out: number[] = [];
  for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) out.push(i);
  return out;
}

/** One mutation of `b`, chosen by `rnd`; returns a label and the bytes. */
function mutate(b: Uint8Array, rnd: () => number): [string, Uint8Array] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const pos = () => Math.floor(rnd() * b.length);
  switch (Math.floor(rnd() * 8)) {
    case 0: {
      const t = b.slice();
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) {
        const p = pos();
        let x = 1 + Math.floor(rnd() * 255);
        if (x === 0x20) x = 0x21; // never a pure letter-case flip of a hex digit
        t[p] ^= x;
      }
      return ['flip', t];
    }
    case 1:
      return ['truncate', b.slice(0, pos())];
    case 2: {
      const junk = new Uint8Array(1 + Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
      return ['insert', splice(b, pos(), 0, junk)];
    }
    case 3: {
      const p = pos();
      const len = Math.min(b.length - p, 1 + Math.floor(rnd() * 2048));
      return ['duplicate', splice(b, p, 0, b.slice(p, p + len))];
    }
    case 4: {
      const hits = findAll(b, '/Length ');
      if (!hits.length) return ['flip', b.slice(0, b.length - 1)];
      const at = pick(hits) + 8;
      return ['absurd-length', splice(b, at, 0, enc('99999999999'))];
    }
    case 5: {
      const hits = findAll(b, ' 0 R');
      if (!hits.length) return ['truncate', b.slice(0, b.length >> 1)];
      const at = pick(hits);
      let s = at;
      while (s > 0 && b[s - 1] >= 0x30 && b[s - 1] <= 0x39) s--;
      const target = pick(findAll(b, ' 0 obj').map((i) => { let k = i; while (k > 0 && b[k - 1] >= 0x30 && b[k - 1] <= 0x39) k--; return Buffer.from(b.subarray(k, i)).toString('latin1'); }));
      return ['reference-rewired', splice(b, s, at - s, enc(target ?? '1'))];
    }
    case 6: {
      const hits = findAll(b, '<<');
      const depth = 5000 + Math.floor(rnd() * 20000);
      const deep = enc(`/Deep ${'['.repeat(depth)}${']'.repeat(depth)} `);
      return ['deep-nesting', splice(b, hits.length ? pick(hits) + 2 : pos(), 0, deep)];
    }
    default: {
      const hits = findAll(b, '/ByteRange');
      const at = hits.length ? pick(hits) : pos();
      return ['byterange-digits', splice(b, at + 12, 1, enc(String(Math.floor(rnd() * 10))))];
    }
  }
}

let w: World;
let signed: Uint8Array;
let cacheDir: string;
beforeAll(async () => {
  w = await makeWorld('fuzz');
  const once = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B' });
  signed = await signOurs(w, once, w.pki.signers.p256, { level: 'B-B' });
  cacheDir = path.join(w.dir, 'cache');
  mkdirSync(path.join(cacheDir, 'crl'), { recursive: true });
  const net = createNodeNet({ timeoutMs: 10_000 });
  for (const ca of ['root', 'intermediate']) writeFileSync(path.join(cacheDir, 'crl', `${ca}.crl`), (await net.get(`${w.rev.crlBaseUrl}/${ca}.crl`)).body);
});
afterAll(async () => {
  await w?.close();
});

describe('fuzzing with mutated signed PDFs', () => {
  it('passes the untouched copy offline from the cached CRLs', async () => {
    const [r] = await verifyFiles([save(w, 'fuzz-base.pdf', signed)], { trust: [w.rootPem], offline: true, cacheDir });
    expect(r.verdict).toBe('TOTAL_PASSED');
  });

  it(`never crashes, hangs or passes on ${COUNT} mutated copies (seed ${SEED.toString(16)})`, async () => {
    const rnd = prng(SEED);
    const files: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const [label, bytes] = mutate(signed, rnd);
      if (bytes.length === signed.length && bytes.every((x, k) => x === signed[k])) continue;
      labels.push(label);
      files.push(save(w, `fuzz-${String(i).padStart(3, '0')}-${label}.pdf`, bytes));
    }
    expect(files.length).toBeGreaterThan(COUNT * 0.9);
    const reports = await verifyFiles(files, { trust: [w.rootPem], offline: true, cacheDir, timeoutMs: 20_000 });
    expect(reports).toHaveLength(files.length);
    const passed = reports.filter((r) => r.verdict === 'TOTAL_PASSED').map((r) => r.file);
    expect(passed).toEqual([]);
    const missing: string[] = [];
    for (const [i, r] of reports.entries()) {
      expect(['INDETERMINATE', 'TOTAL_FAILED']).toContain(r.verdict);
      expect(r.error?.code).not.toBe('VERIFY_INTERNAL');
      // every signature dictionary still in the bytes is in the report
      const inBytes = findAll(readFileSync(files[i]), '/ByteRange').length;
      if (r.signatures.length < Math.min(2, inBytes)) missing.push(`${path.basename(r.file)}: ${r.signatures.length} of ${Math.min(2, inBytes)}`);
    }
    expect(missing, missing.join('\n')).toEqual([]);
    // every operator was exercised
    expect(new Set(labels).size).toBeGreaterThanOrEqual(7);
  }, 240_000);
});
