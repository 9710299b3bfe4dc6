// Staging for the sign desk, through the same router the renderer reaches: a document inspected
// with `stage: true` is held on the main side and `sign.batch` may name it by id instead of
// carrying its bytes (both forms valid); an id the main side does not hold — released, never
// staged, expired, evicted by the caps — is refused with the typed error SIGN_STAGED_UNKNOWN (in
// Vietnamese and English) before anything is signed; the area is bounded by bytes, count and time.
// Signed files kept there too (sign.batch returnSigned 'staged'): the answer names each one by id,
// size and SHA-256 beside its verification report, sign.fetch gives its bytes, an unknown id is
// SIGN_STAGED_UNKNOWN; kept signed files are never evicted for another document. The desk's
// SignedCopy over the same router: the fetched bytes' SHA-256 checked, a failed save tried once
// more, the staged copy released only after the save succeeded (kept when it could not be saved).
// And the frames of the host bridge written around a document read with readFramed (no copy).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../src-main/services/ipc/router';
import { createHandlers } from '../../src-main/services/handlers';
import { createServiceContext } from '../../src-main/services/context';
import { featureHandlers } from '../../src-main/services/features';
import { StagingArea } from '../../src-main/services/signing/staging';
import { channels } from '../../src-shared/ipc/contract';
import { STAGED_UNKNOWN } from '../../src-shared/ipc/sign-desk';
import { decodeFrame, encodeFrame, readFramed, release } from '../../src-shared/ipc/frame';
import { SignedCopy, type CopyApi } from '../../src-renderer/desks/sign/signed-copy';
import { makeWorld, type World } from '../verify/fixtures';

let w: World;
let profileDir: string;
let ctx: ReturnType<typeof createServiceContext>;
let router: ReturnType<typeof createRouter>;
let staging: StagingArea;
/** The app's handlers again with a staging area of the app's proportions (signed files kept in it). */
let roomy: ReturnType<typeof createRouter>;
let roomyStaging: StagingArea;
const trusted = { trusted: true, origin: 'test' };
const bytesOf = (p: string | Uint8Array) => new Uint8Array(typeof p === 'string' ? fs.readFileSync(p) : p);

type Batch = { results: { name: string; ok: boolean; file?: { signed: Uint8Array }; report?: { verdict: string }; error?: { code: string } }[] };
type StagedFile = { name: string; level: string; signed?: Uint8Array; staged: { id: string; size: number; sha256: string; expiresInMs: number } };
type StagedBatch = { results: { name: string; ok: boolean; file?: StagedFile; report?: { verdict: string } }[] };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
type Inspect = { pages: unknown[]; staged?: { id: string; size: number; expiresInMs: number } };

beforeAll(async () => {
  w = await makeWorld('ipc-staging');
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-ipc-staging-'));
  fs.mkdirSync(path.join(profileDir, 'trust'));
  fs.copyFileSync(w.rootPem, path.join(profileDir, 'trust', 'test-root.pem'));
  ctx = createServiceContext({ runtime: 'host', profileDir });
  // the app's handlers, with a staging area small enough to see its caps: two documents the size
  // of the test's base file (and a little more), at most 3 at once
  const base = w.base.byteLength;
  staging = new StagingArea({ maxBytes: 2 * base + 1024, maxEntries: 3, ttlMs: 60_000 });
  router = createRouter({ ...createHandlers(ctx), ...featureHandlers(ctx, staging) });
  roomyStaging = new StagingArea({ maxBytes: 64 * base, maxEntries: 8, ttlMs: 60_000 });
  roomy = createRouter({ ...createHandlers(ctx), ...featureHandlers(ctx, roomyStaging) });
});
afterAll(async () => {
  staging?.clear();
  roomyStaging?.clear();
  await ctx?.close();
  await w?.close();
  fs.rmSync(profileDir, { recursive: true, force: true });
});

const p12 = () => ({ kind: 'p12' as const, p12: bytesOf(w.pki.signers.rsa2048.p12Path!), password: w.pki.password });

async function stage(data: Uint8Array): Promise<string> {
  const r = await router.dispatch('sign.inspect', { data, stage: true }, trusted);
  expect(r.ok).toBe(true);
  const staged = (r as { value: Inspect }).value.staged;
  expect(staged).toMatchObject({ size: data.byteLength });
  return staged!.id;
}

describe('sign.inspect staging and sign.batch by staged id', () => {
  it('does not stage unless asked', async () => {
    const r = await router.dispatch('sign.inspect', { data: bytesOf(w.base) }, trusted);
    expect(r.ok).toBe(true);
    expect((r as { value: Inspect }).value.staged).toBeUndefined();
  });

  it('honours a staged id: the document is signed (and verified) without its bytes in the batch', async () => {
    const original = bytesOf(w.base);
    const id = await stage(original);
    const r = await router.dispatch('sign.batch', {
      taskId: 'staged-1', credential: p12(), verify: { offline: false },
      // both forms in one batch: a staged id and bytes
      items: [{ name: 'staged.pdf', staged: id }, { name: 'sent.pdf', data: bytesOf(w.base) }],
    }, trusted);
    expect(r.ok).toBe(true);
    const results = (r as { value: Batch }).value.results;
    expect(results.map((x) => [x.name, x.ok])).toEqual([['staged.pdf', true], ['sent.pdf', true]]);
    const signed = results[0].file!.signed;
    expect(signed.byteLength).toBeGreaterThan(original.byteLength);
    expect(Buffer.from(signed.subarray(0, original.byteLength)).equals(Buffer.from(original))).toBe(true);
    expect(results[0].report?.verdict).toBe('TOTAL_PASSED');
    // still held after signing (the person may sign it again), until released
    const again = await router.dispatch('sign.batch', { taskId: 'staged-2', credential: p12(), items: [{ name: 'staged.pdf', staged: id }] }, trusted);
    expect((again as { value: Batch }).value.results[0].ok).toBe(true);
    expect(await router.dispatch('sign.release', { id }, trusted)).toEqual({ ok: true, value: { released: true } });
    expect(await router.dispatch('sign.release', { id }, trusted)).toEqual({ ok: true, value: { released: false } });
  });

  it('refuses an unknown or released id with its typed error, in Vietnamese and English, signing nothing', async () => {
    const progress: unknown[] = [];
    const off = ctx.events.onAny((e, p) => e === 'progress' && progress.push(p));
    const id = await stage(bytesOf(w.base));
    await router.dispatch('sign.release', { id }, trusted);
    for (const unknown of [id, 'AAAAAAAAAAAAAAAAAAAAAA']) {
      const r = await router.dispatch('sign.batch', {
        taskId: 'unknown', credential: p12(), items: [{ name: 'a.pdf', data: bytesOf(w.base) }, { name: 'b.pdf', staged: unknown }],
      }, trusted);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe(STAGED_UNKNOWN);
      expect(r.error.message_vi).toMatch(/không còn được giữ/);
      expect(r.error.message_en).toMatch(/no longer held/);
    }
    off();
    expect(progress).toEqual([]); // refused before the first document
  });

  it('validates both item forms with zod: bytes or a staged id, never both, never a malformed id', async () => {
    const schema = channels['sign.batch'].request;
    const base = { taskId: 't', credential: { kind: 'demo', holder: 'leader' } };
    expect(schema.safeParse({ ...base, items: [{ name: 'a.pdf', data: new Uint8Array(4) }] }).success).toBe(true);
    expect(schema.safeParse({ ...base, items: [{ name: 'a.pdf', staged: 'A'.repeat(22) }] }).success).toBe(true);
    expect(schema.safeParse({ ...base, items: [{ name: 'a.pdf', data: new Uint8Array(4), staged: 'A'.repeat(22) }] }).success).toBe(false);
    expect(schema.safeParse({ ...base, items: [{ name: 'a.pdf', staged: '../../etc/passwd' }] }).success).toBe(false);
    expect(schema.safeParse({ ...base, items: [{ name: 'a.pdf' }] }).success).toBe(false);
    const r = await router.dispatch('sign.batch', { ...base, items: [{ name: 'a.pdf', staged: 'short' }] }, trusted);
    expect(r).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
    expect(channels['sign.release'].request.safeParse({ id: 'x y' }).success).toBe(false);
  });

  it('evicts the least recently used when the byte cap is reached: the evicted id is refused', async () => {
    const doc = bytesOf(w.base);
    const a = await stage(doc);
    const b = await stage(doc);
    // using a makes b the least recently used; a third document does not fit beside both
    const used = await router.dispatch('sign.batch', { taskId: 'lru', credential: p12(), items: [{ name: 'a.pdf', staged: a }] }, trusted);
    expect(used.ok).toBe(true);
    const c = await stage(doc);
    expect(staging.bytes).toBeLessThanOrEqual(2 * doc.byteLength + 1024);
    const refused = await router.dispatch('sign.batch', { taskId: 'lru-b', credential: p12(), items: [{ name: 'b.pdf', staged: b }] }, trusted);
    expect(refused).toMatchObject({ ok: false, error: { code: STAGED_UNKNOWN } });
    for (const id of [a, c]) {
      const r = await router.dispatch('sign.batch', { taskId: `lru-${id}`, credential: p12(), items: [{ name: 'x.pdf', staged: id }] }, trusted);
      expect((r as { value: Batch }).value.results[0].ok).toBe(true);
    }
    staging.clear();
    expect(staging.bytes).toBe(0);
  });
});

describe("sign.batch returnSigned 'staged' and sign.fetch", () => {
  it('answers with the signed file staged (id, size, SHA-256) and its report, and sign.fetch gives its bytes', async () => {
    const original = bytesOf(w.base);
    const inspected = await roomy.dispatch('sign.inspect', { data: original, stage: true }, trusted);
    const id = (inspected as { value: Inspect }).value.staged!.id;
    const r = await roomy.dispatch('sign.batch', {
      taskId: 'ret-staged', credential: p12(), verify: { offline: false }, returnSigned: 'staged',
      items: [{ name: 'staged.pdf', staged: id }],
    }, trusted);
    expect(r.ok).toBe(true);
    const [res] = (r as { value: StagedBatch }).value.results;
    expect(res.ok).toBe(true);
    expect(res.report?.verdict).toBe('TOTAL_PASSED');
    const file = res.file!;
    expect(file.signed).toBeUndefined(); // no bytes in the answer
    expect(file.level).toBe('B-B');
    expect(file.staged.id).not.toBe(id);
    const got = await roomy.dispatch('sign.fetch', { id: file.staged.id }, trusted);
    expect(got.ok).toBe(true);
    const signed = (got as { value: { data: Uint8Array } }).value.data;
    expect(signed.byteLength).toBe(file.staged.size);
    expect(sha256(signed)).toBe(file.staged.sha256);
    expect(Buffer.from(signed.subarray(0, original.byteLength)).equals(Buffer.from(original))).toBe(true);
    // still held after a fetch (fetched again the same), until released; then the typed error
    const again = await roomy.dispatch('sign.fetch', { id: file.staged.id }, trusted);
    expect(sha256((again as { value: { data: Uint8Array } }).value.data)).toBe(file.staged.sha256);
    expect(await roomy.dispatch('sign.release', { id: file.staged.id }, trusted)).toEqual({ ok: true, value: { released: true } });
    for (const unknown of [file.staged.id, 'B'.repeat(22)]) {
      const gone = await roomy.dispatch('sign.fetch', { id: unknown }, trusted);
      expect(gone).toMatchObject({ ok: false, error: { code: STAGED_UNKNOWN } });
      if (!gone.ok) {
        expect(gone.error.message_vi).toMatch(/không còn được giữ/);
        expect(gone.error.message_en).toMatch(/no longer held/);
      }
    }
    await roomy.dispatch('sign.release', { id }, trusted);
  });

  it("answers with the bytes by default and for returnSigned 'bytes'; refuses other values and malformed fetch ids", async () => {
    for (const returnSigned of [undefined, 'bytes'] as const) {
      const r = await roomy.dispatch('sign.batch', { taskId: `ret-${returnSigned}`, credential: p12(), items: [{ name: 'a.pdf', data: bytesOf(w.base) }], ...(returnSigned ? { returnSigned } : {}) }, trusted);
      const f = (r as { value: Batch }).value.results[0].file as { signed: Uint8Array; staged?: unknown };
      expect(f.signed).toBeInstanceOf(Uint8Array);
      expect(f.staged).toBeUndefined();
    }
    const bad = await roomy.dispatch('sign.batch', { taskId: 'ret-bad', credential: p12(), items: [{ name: 'a.pdf', data: bytesOf(w.base) }], returnSigned: 'base64' }, trusted);
    expect(bad).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
    expect(await roomy.dispatch('sign.fetch', { id: '../x' }, trusted)).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
  });

  it('never evicts a kept signed file for another document, and keeps them to half the area', () => {
    const area = new StagingArea({ maxBytes: 1000, maxEntries: 4, ttlMs: 1000 });
    const doc = (n: number) => new Uint8Array(n).fill(5);
    const input = area.put(doc(300))!.id;
    const signed = area.put(doc(300), { keep: true })!.id;
    const next = area.put(doc(300))!.id;
    // a fourth does not fit beside the three: the least recently used not kept goes (the input)
    const more = area.put(doc(300))!.id;
    expect([area.has(input), area.has(signed), area.has(next), area.has(more)]).toEqual([false, true, true, true]);
    // kept files take at most half the area (500 bytes, 2 files): refused, nothing evicted for it
    expect(area.put(doc(300), { keep: true })).toBeNull();
    expect([area.has(signed), area.has(next), area.has(more)]).toEqual([true, true, true]);
    expect(area.put(doc(100), { keep: true })).not.toBeNull();
    expect(area.put(doc(10), { keep: true })).toBeNull(); // (2 files)
    area.clear();
  });
});

describe('SignedCopy (the desk) over the router', () => {
  const api: CopyApi = { call: ((channel: 'sign.fetch' | 'sign.release', req: { id: string }) => roomy.dispatch(channel, req, trusted)) as CopyApi['call'] };
  async function signStaged(): Promise<StagedFile> {
    const r = await roomy.dispatch('sign.batch', { taskId: `copy-${Math.random()}`, credential: p12(), returnSigned: 'staged', items: [{ name: 'copy.pdf', data: bytesOf(w.base) }] }, trusted);
    return (r as { value: StagedBatch }).value.results[0].file!;
  }
  const copyOf = (f: StagedFile) => SignedCopy.of(api, f as never);

  it('fetches once, checks the SHA-256, saves (once more after a failure) and releases the staged copy only then', async () => {
    const f = await signStaged();
    const copy = copyOf(f);
    expect(copy.fetched).toBe(false);
    const saved: Uint8Array[] = [];
    let failures = 1;
    const state = await copy.saveWith(async (b) => {
      // held until the save has succeeded
      expect(roomyStaging.has(f.staged.id)).toBe(true);
      if (failures-- > 0) throw new Error('disk full');
      saved.push(b);
    });
    expect(state).toEqual({ state: 'saved' });
    expect(saved).toHaveLength(1);
    expect(sha256(saved[0])).toBe(f.staged.sha256);
    expect(Buffer.from(saved[0].subarray(0, w.base.byteLength)).equals(Buffer.from(bytesOf(w.base)))).toBe(true);
    await expect.poll(() => roomyStaging.has(f.staged.id)).toBe(false); // released after the save
    // the bytes stay here (download link, signed revision)
    expect(sha256(await copy.bytes())).toBe(f.staged.sha256);
    copy.dispose();
  });

  it('keeps the staged copy and gives the typed error when the save fails twice; a later save succeeds', async () => {
    const f = await signStaged();
    const copy = copyOf(f);
    let calls = 0;
    const failed = await copy.saveWith(async () => { calls++; throw new Error('quota exceeded'); });
    expect(calls).toBe(2); // tried once more
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'SIGN_SAVE_FAILED' } });
    if (failed.state === 'failed') {
      expect(failed.error.message_vi).toMatch(/quota exceeded/);
      expect(failed.error.message_en).toMatch(/quota exceeded/);
    }
    copy.dispose(); // the desk let go of the result: still kept, the save has not succeeded
    expect(roomyStaging.has(f.staged.id)).toBe(true);
    expect(await copy.saveWith(async () => undefined)).toEqual({ state: 'saved' });
    await expect.poll(() => roomyStaging.has(f.staged.id)).toBe(false);
  });

  it('refuses bytes whose SHA-256 is not the one in the answer, and shows an expired id as SIGN_STAGED_UNKNOWN', async () => {
    const f = await signStaged();
    const wrong = copyOf({ ...f, staged: { ...f.staged, sha256: '0'.repeat(64) } });
    await expect(wrong.bytes()).rejects.toMatchObject({ error: { code: 'SIGN_FETCHED_MISMATCH' } });
    expect(wrong.fetched).toBe(false);
    expect(wrong.fetchError?.code).toBe('SIGN_FETCHED_MISMATCH');
    await roomy.dispatch('sign.release', { id: f.staged.id }, trusted);
    const gone = copyOf(f);
    await expect(gone.bytes()).rejects.toMatchObject({ error: { code: STAGED_UNKNOWN } });
    expect(gone.fetchError?.message_vi).toMatch(/không còn được giữ/);
    expect(gone.fetchError?.message_en).toMatch(/no longer held/);
    // a save cannot be made of it (not tried again: the id is gone), the typed error kept
    expect(await gone.saveWith(async () => undefined)).toMatchObject({ state: 'failed', error: { code: STAGED_UNKNOWN } });
  });
});

describe('StagingArea caps', () => {
  const doc = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

  it('keeps at most maxBytes, dropping the least recently used first', () => {
    const area = new StagingArea({ maxBytes: 1000, maxEntries: 10, ttlMs: 1000 });
    const a = area.put(doc(400))!.id;
    const b = area.put(doc(400))!.id;
    area.take(a); // a is now the most recently used
    const c = area.put(doc(400))!.id;
    expect(area.has(b)).toBe(false);
    expect(area.has(a)).toBe(true);
    expect(area.has(c)).toBe(true);
    expect(area.bytes).toBe(800);
    expect(() => area.take(b)).toThrowError(expect.objectContaining({ code: STAGED_UNKNOWN }));
    expect(area.put(doc(1001))).toBeNull(); // larger than the whole area: not staged (the desk sends the bytes)
    area.clear();
  });

  it('keeps at most maxEntries', () => {
    const area = new StagingArea({ maxBytes: 1e6, maxEntries: 2, ttlMs: 1000 });
    const ids = [1, 2, 3].map(() => area.put(doc(10))!.id);
    expect(ids.map((id) => area.has(id))).toEqual([false, true, true]);
    expect(area.size).toBe(2);
    area.clear();
  });

  it('forgets a document once it has not been used for ttlMs', () => {
    let now = 0;
    const area = new StagingArea({ maxBytes: 1e6, maxEntries: 8, ttlMs: 1000, now: () => now });
    const a = area.put(doc(10))!.id;
    const b = area.put(doc(10))!.id;
    now = 900;
    area.take(a); // renewed until 1900
    now = 1000;
    expect(area.has(b)).toBe(false);
    expect(area.has(a)).toBe(true);
    now = 1900;
    expect(() => area.take(a)).toThrowError(expect.objectContaining({ code: STAGED_UNKNOWN }));
    expect(area.bytes).toBe(0);
  });

  it('copies a small view out of a large buffer rather than pinning the buffer', () => {
    const area = new StagingArea({ maxBytes: 1e6, maxEntries: 8, ttlMs: 1000 });
    const big = new Uint8Array(1 << 20);
    const view = big.subarray(100, 200).fill(7);
    const id = area.put(view)!.id;
    const held = area.take(id);
    expect(held.buffer).not.toBe(big.buffer);
    expect([...held]).toEqual([...view]);
    area.clear();
  });
});

describe('frames written around bytes read with readFramed', () => {
  const msg = (data: Uint8Array, extra: Record<string, unknown> = {}) => ({ type: 'invoke', id: 7, channel: 'sign.inspect', payload: { data, stage: true, ...extra } });

  it('sends the bytes where they are (the frame is a view of their own buffer) and decodes to the same message', async () => {
    const doc = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
    const data = await readFramed(new Blob([doc]));
    expect(Buffer.from(data).equals(Buffer.from(doc))).toBe(true);
    const frame = encodeFrame(msg(data));
    expect(frame.buffer).toBe(data.buffer); // no copy of the document
    expect(frame.byteOffset + frame.byteLength).toBe(data.byteOffset + data.byteLength);
    const back = decodeFrame(new Uint8Array(frame)) as ReturnType<typeof msg>;
    expect({ ...back, payload: { ...back.payload, data: null } }).toEqual({ ...msg(data), payload: { ...msg(data).payload, data: null } });
    expect(Buffer.from(back.payload.data).equals(Buffer.from(doc))).toBe(true);
    // the same bytes framed again (a retry) give the same frame
    expect(Buffer.from(encodeFrame(msg(data))).equals(Buffer.from(frame))).toBe(true);
  });

  it('falls back to a copied frame when the envelope does not fit the room before the bytes, or for other bytes', async () => {
    const data = await readFramed(new Blob([new Uint8Array(1000).fill(9)]));
    const big = msg(data, { note: 'x'.repeat(40_000) });
    const frame = encodeFrame(big);
    expect(frame.buffer).not.toBe(data.buffer);
    expect(decodeFrame(frame)).toEqual(big);
    const plain = msg(new Uint8Array(1000).fill(3));
    expect(decodeFrame(encodeFrame(plain))).toEqual(plain);
    // two framed documents: the first one cannot be last, so the frame is copied (and still right)
    const two = { type: 'invoke', id: 8, channel: 'sign.batch', payload: { items: [{ name: 'a.pdf', data }, { name: 'b.pdf', data: await readFramed(new Blob([new Uint8Array(10).fill(1)])) }] } };
    expect(decodeFrame(encodeFrame(two))).toEqual(two);
  });

  it('releases a buffer nothing will read again, where the runtime can detach it', async () => {
    const data = await readFramed(new Blob([new Uint8Array(64)]));
    expect(() => release(data)).not.toThrow();
    if (typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function') expect(data.buffer.byteLength).toBe(0);
  });
});
