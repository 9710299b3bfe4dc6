// The document features behind the IPC contract, through the same router the renderer reaches:
// sign a PDF with a PKCS#12 credential (invisible, and Decree 30 visible kinds), verify the
// result with the deployment's trust anchors, and refuse bad input with typed errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../src-main/services/ipc/router';
import { createHandlers } from '../../src-main/services/handlers';
import { createServiceContext } from '../../src-main/services/context';
import { makeWorld, type World } from '../verify/fixtures';
import { repoRoot } from '../helpers/host';
import { withEmptySignatureFields } from '../helpers/empty-sig-field';

let w: World;
let profileDir: string;
let router: ReturnType<typeof createRouter>;
let ctx: ReturnType<typeof createServiceContext>;
const trusted = { trusted: true, origin: 'test' };
const b64 = (p: string | Uint8Array) => new Uint8Array(typeof p === 'string' ? fs.readFileSync(p) : p);

beforeAll(async () => {
  w = await makeWorld('ipc');
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-ipc-features-'));
  // A deployment's trust anchors live in <profile>/trust (or the machine-wide folder).
  fs.mkdirSync(path.join(profileDir, 'trust'));
  fs.copyFileSync(w.rootPem, path.join(profileDir, 'trust', 'test-root.pem'));
  ctx = createServiceContext({ runtime: 'host', profileDir });
  router = createRouter(createHandlers(ctx));
});
afterAll(async () => {
  await ctx?.close();
  await w?.close();
  fs.rmSync(profileDir, { recursive: true, force: true });
});

const p12 = () => ({ kind: 'p12' as const, p12: b64(w.pki.signers.rsa2048.p12Path!), password: w.pki.password });

describe('sign.pdf and verify.pdf over IPC', () => {
  it('signs with a PKCS#12 credential and the result verifies TOTAL_PASSED with the configured trust', async () => {
    const signed = await router.dispatch('sign.pdf', { name: 'quyet-dinh.pdf', data: b64(w.base), level: 'B-B', credential: p12() }, trusted);
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    const file = signed.value as { signed: Uint8Array; level: string; fieldName: string; name: string };
    expect(file).toMatchObject({ level: 'B-B', name: 'quyet-dinh.signed.pdf' });
    const bytes = Buffer.from(file.signed);
    // Incremental update: the original is a byte-for-byte prefix.
    expect(bytes.subarray(0, w.base.length).equals(Buffer.from(w.base))).toBe(true);
    const report = await router.dispatch('verify.pdf', { name: 'quyet-dinh.signed.pdf', data: file.signed, offline: false }, trusted);
    expect(report).toMatchObject({ ok: true, value: { verdict: 'TOTAL_PASSED', file: 'quyet-dinh.signed.pdf' } });
  });

  it('signs a batch with visible signer then organisation appearances, reporting progress', async () => {
    const progress: unknown[] = [];
    const off = ctx.events.onAny((e, p) => e === 'progress' && progress.push(p));
    const sig = b64(path.join(repoRoot, 'resources/appearance/sample-signature.png'));
    const seal = b64(path.join(repoRoot, 'resources/appearance/sample-seal.png'));
    const first = await router.dispatch(
      'sign.batch',
      {
        taskId: 't1',
        items: [{ name: 'a.pdf', data: b64(w.base) }, { name: 'broken.pdf', data: b64(Buffer.from('%PDF-1.7\nnot really')) }],
        level: 'B-B',
        credential: p12(),
        visible: { kind: 'signer', rect: [330, 120, 200, 110], signatureImage: sig, title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'] },
      },
      trusted,
    );
    off();
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const results = (first.value as { results: { name: string; ok: boolean; file?: { signed: Uint8Array }; error?: { code: string } }[] }).results;
    expect(results.map((r) => [r.name, r.ok])).toEqual([['a.pdf', true], ['broken.pdf', false]]);
    expect(results[1].error?.code).toBeTruthy();
    expect(progress).toEqual([
      expect.objectContaining({ taskId: 't1', done: 1, total: 2, status: 'ok' }),
      expect.objectContaining({ taskId: 't1', done: 2, total: 2, status: 'failed' }),
    ]);
    // The clerk issues it: the seal finds the signer's box by itself.
    const second = await router.dispatch(
      'sign.pdf',
      { name: 'a.pdf', data: results[0].file!.signed, level: 'B-B', credential: p12(), visible: { kind: 'organisation', sealImage: seal } },
      trusted,
    );
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    const report = await router.dispatch('verify.pdf', { name: 'a.pdf', data: (second.value as { signed: Uint8Array }).signed }, trusted);
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    const r = report.value as { verdict: string; signatures: { indication: string; modificationsAfter: string }[] };
    expect(r.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(r.signatures[0].modificationsAfter).toBe('allowed');
    expect(r.verdict).toBe('TOTAL_PASSED');
  });

  it('answers a wrong PKCS#12 password with a typed error and no output', async () => {
    const r = await router.dispatch('sign.pdf', { name: 'a.pdf', data: b64(w.base), credential: { ...p12(), password: 'sai-mat-khau' } }, trusted);
    expect(r).toMatchObject({ ok: false, error: { code: 'P12_BAD_PASSWORD' } });
  });

  it('refuses a file name with a path in it', async () => {
    const r = await router.dispatch('verify.pdf', { name: '../../etc/passwd', data: b64(w.base) }, trusted);
    expect(r).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
  });

  it('reports an unparseable upload as TOTAL_FAILED, not an exception', async () => {
    const r = await router.dispatch('verify.pdf', { name: 'x.pdf', data: b64(Buffer.from('hello')) }, trusted);
    expect(r).toMatchObject({ ok: true, value: { verdict: 'TOTAL_FAILED' } });
  });
  it('inspects a document for the sign desk: page boxes, signature fields, Decree 30 positions', async () => {
    const prepared = withEmptySignatureFields(b64(w.base), [{ name: 'KyDuyet', pageIndex: 1, rect: [330, 250, 540, 380] }]);
    const r = await router.dispatch('sign.inspect', { data: prepared }, trusted);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as { pages: { box: number[]; rotate: number }[]; fields: unknown[]; proposed: { signer: { pageIndex: number; rect: number[] }; organisation: unknown; text: { rect: number[] } } };
    expect(v.pages).toHaveLength(2);
    const [x1, y1, x2, y2] = v.pages[1].box;
    expect(v.fields).toEqual([{ name: 'KyDuyet', signed: false, pageIndex: 1, rect: [330, 250, 540, 380] }]);
    // the signer's box on the last page, inside it, 20 mm from the right edge
    expect(v.proposed.signer.pageIndex).toBe(1);
    const s = v.proposed.signer.rect;
    expect(s[0]).toBeGreaterThan(x1);
    expect(s[1]).toBeGreaterThan(y1);
    expect(s[3]).toBeLessThan(y2);
    expect(Math.abs(x2 - s[2] - 20 * 72 / 25.4)).toBeLessThan(0.1);
    expect(v.proposed.organisation).toBeNull();
    // attachment/copy text: top right of page 1
    expect(v.proposed.text.rect[3]).toBeGreaterThan(v.pages[0].box[3] - 40);
    expect(v.proposed.text.rect[2]).toBeGreaterThan(v.pages[0].box[2] - 80);
    // once signed visibly, the seal is proposed over that signature
    const sig = b64(path.join(repoRoot, 'resources/appearance/sample-signature.png'));
    const signed = await router.dispatch('sign.pdf', { name: 'a.pdf', data: prepared, credential: p12(), intoField: 'KyDuyet', visible: { kind: 'signer', signatureImage: sig, title: ['CHỦ TỊCH'] } }, trusted);
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    const again = await router.dispatch('sign.inspect', { data: (signed.value as { signed: Uint8Array }).signed }, trusted);
    const o = (again as { value: { fields: { signed: boolean }[]; proposed: { organisation: { pageIndex: number; signerRect: number[]; rect: number[] } } } }).value;
    expect(o.fields[0].signed).toBe(true);
    expect(o.proposed.organisation.pageIndex).toBe(1);
    expect(o.proposed.organisation.signerRect).toEqual([330, 250, 540, 380]);
    expect(o.proposed.organisation.rect[0]).toBeLessThan(330); // the seal sticks out on the left
  });

  it('signs into an existing empty field (sign.batch intoField) and refuses a missing one per document', async () => {
    const prepared = withEmptySignatureFields(b64(w.base), [{ name: 'KyDuyet', pageIndex: 0, rect: [330, 250, 540, 380] }]);
    const r = await router.dispatch('sign.batch', { taskId: 'into', items: [{ name: 'a.pdf', data: prepared }, { name: 'b.pdf', data: b64(w.base) }], credential: p12(), intoField: 'KyDuyet' }, trusted);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const results = (r.value as { results: { ok: boolean; file?: { fieldName: string; signed: Uint8Array }; error?: { code: string } }[] }).results;
    expect(results[0].file?.fieldName).toBe('KyDuyet');
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'FIELD_NOT_FOUND' } });
    const report = await router.dispatch('verify.pdf', { name: 'a.pdf', data: results[0].file!.signed }, trusted);
    expect(report).toMatchObject({ ok: true, value: { verdict: 'TOTAL_PASSED', signatures: [{ field: 'KyDuyet', indication: 'TOTAL_PASSED' }] } });
  });

  it('cancels a batch before its next document: the signed ones are whole, the rest SIGN_CANCELLED', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ name: `d${i}.pdf`, data: b64(w.base) }));
    let cancelAnswer: Promise<unknown> | undefined;
    const off = ctx.events.onAny((e, p) => {
      const q = p as { taskId: string; done: number };
      if (e === 'progress' && q.taskId === 'cancel-me' && q.done === 3 && !cancelAnswer) cancelAnswer = router.dispatch('sign.cancel', { taskId: 'cancel-me' }, trusted);
    });
    const r = await router.dispatch('sign.batch', { taskId: 'cancel-me', items, credential: p12() }, trusted);
    off();
    expect(await cancelAnswer).toEqual({ ok: true, value: { cancelled: true } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const results = (r.value as { results: { ok: boolean; file?: { signed: Uint8Array }; error?: { code: string } }[] }).results;
    expect(results).toHaveLength(12);
    const okCount = results.filter((x) => x.ok).length;
    expect(okCount).toBeGreaterThanOrEqual(3);
    expect(okCount).toBeLessThan(12);
    expect(results.slice(0, okCount).every((x) => x.ok)).toBe(true);
    expect(results.slice(okCount).every((x) => !x.ok && x.error?.code === 'SIGN_CANCELLED' && !x.file)).toBe(true);
    for (const x of results.slice(0, okCount)) {
      const rep = await router.dispatch('verify.pdf', { name: 'x.pdf', data: x.file!.signed }, trusted);
      expect(rep).toMatchObject({ ok: true, value: { verdict: 'TOTAL_PASSED' } });
    }
    // a finished batch cannot be cancelled
    expect(await router.dispatch('sign.cancel', { taskId: 'cancel-me' }, trusted)).toEqual({ ok: true, value: { cancelled: false } });
  });
});
