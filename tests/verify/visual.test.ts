// The visual check of changes after signing (src-main/services/verify/visual): pages rendered with
// pdf.js as signed and as they are now, compared outside the rectangles of what the changes were
// allowed to add. By default only allowed changes that can alter what is shown are rendered; an
// update that only adds signatures is left to the structural rules (scope 'all' renders it too:
// a second visible signature passes, also on a rotated, cropped page). An object defined after
// signing that the signed page already referred to is refused by the rules
// (dangling-reference-defined); the comparison itself is checked on a change the rules refuse, as
// if they had allowed it; an overrun and a missing canvas package are findings, never a hang or a
// failure of the rest. The renderings are checked by decoding the PNGs.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile, type VerifyFileOptions } from '../../src-main/services/verify';
import { visualCheck } from '../../src-main/services/verify/visual/check';
import { FileSource } from '../../src-main/services/pdf-io/file-source';
import { PdfDict, PdfRef, PdfStream, name, type PdfValue } from '../../src-shared/pdf/objects';
import type { PdfReader } from '../../src-shared/pdf/reader';
import type { IncrementalWriter } from '../../src-shared/pdf/writer';
import { decodePng, type DecodedPng } from '../../src-shared/appearance/png';
import type { SignatureReport } from '../../src-shared/verify/report';
import { fonts, sampleSeal, sampleSignature } from '../appearance/render-helpers';
import { REPO, appendUpdate, makeWorld, save, signOurs, type World } from './fixtures';

let w: World;
let twoSigs: string;
let twoSigsRotated: string;
let lateObject: string;
let lateObjectOnly: string;
let contentAltered: string;
const SIGNER_RECT: [number, number, number, number] = [330, 250, 540, 380];
const enc = (s: string) => new TextEncoder().encode(s);
/** The object number the signed page refers to before it exists. */
let LATE = 0;

/**
 * A late definition: before signing, the first page draws XObject /Late, a reference to an object
 * number the file does not define yet (nothing is drawn). After signing, an update defines that
 * object — a red bar — among otherwise unused objects: no object of the signed revision is
 * rewritten, so no change rule sees anything, yet the page shows more than was signed.
 */
function referToLateObject(r: PdfReader, wr: IncrementalWriter): void {
  const p = r.pages()[0];
  LATE = r.size + 40;
  const draw = wr.add(new PdfStream(new PdfDict(), enc('q /Late Do Q')));
  const res = new PdfDict(p.resources?.map ?? []);
  res.set('XObject', new PdfDict(r.resolveDict(res.get('XObject'))?.map ?? []).set('Late', new PdfRef(LATE)));
  const c = p.dict.get('Contents')!;
  const list = Array.isArray(r.resolve(c)) ? (r.resolve(c) as PdfValue[]) : [c];
  wr.update(p.ref!, new PdfDict(p.dict.map).set('Contents', [...list, draw]).set('Resources', res));
}

function defineLateObject(r: PdfReader, wr: IncrementalWriter): void {
  while (r.size + wr.objectCount < LATE) wr.add(new PdfDict({ Type: name('Padding') }));
  const ref = wr.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 595, 842] }), enc('q 1 0 0 rg 100 500 300 60 re f Q')));
  expect(ref.num).toBe(LATE);
}

/** The signer's visible signature, then the organisation's seal over it (Decree 30). */
async function signTwice(input: Uint8Array): Promise<Uint8Array> {
  const one = await signOurs(w, input, w.pki.signers.rsa2048, {
    level: 'B-B', fieldName: 'KyDuyet',
    visible: { pageIndex: 0, appearance: { kind: 'signer', rect: SIGNER_RECT, signatureImage: sampleSignature(), fonts: fonts(), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến' } },
  });
  return signOurs(w, one, w.pki.signers.rsa2048, {
    level: 'B-B', fieldName: 'PhatHanh',
    visible: { pageIndex: 0, appearance: { kind: 'organisation', sealImage: sampleSeal(), signerRect: SIGNER_RECT } },
  });
}

beforeAll(async () => {
  w = await makeWorld('visual');
  twoSigs = save(w, 'two-visible.pdf', await signTwice(w.base));
  // the first page turned a quarter and cropped: masks must follow the page's rotation and box
  const rotated = appendUpdate(w.base, (r, wr) => {
    const p = r.pages()[0];
    wr.update(p.ref!, new PdfDict(p.dict.map).set('Rotate', 90).set('CropBox', [20, 30, 575, 812]));
  });
  twoSigsRotated = save(w, 'two-visible-rotated.pdf', await signTwice(rotated));
  // signed, the late object defined, then a second (visible) signature: an ordinary-looking chain
  const referring = await signOurs(w, appendUpdate(w.base, referToLateObject), w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
  lateObjectOnly = save(w, 'late-object-only.pdf', appendUpdate(referring, defineLateObject));
  lateObject = save(w, 'late-object.pdf', await signOurs(w, appendUpdate(referring, defineLateObject), w.pki.signers.rsa2048, {
    level: 'B-B', fieldName: 'PhatHanh',
    visible: { pageIndex: 0, appearance: { kind: 'organisation', sealImage: sampleSeal(), signerRect: SIGNER_RECT } },
  }));
  // a red bar drawn over page 2 after signing (a change the structural rules refuse)
  const signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
  contentAltered = save(w, 'content-altered.pdf', appendUpdate(signed, (r, wr) => {
    const p = r.pages()[1];
    const bar = wr.add(new PdfStream(new PdfDict(), enc('q 1 0 0 rg 100 100 200 50 re f Q')));
    const c = p.dict.get('Contents')!;
    wr.update(p.ref!, new PdfDict(p.dict.map).set('Contents', [...(Array.isArray(r.resolve(c)) ? (r.resolve(c) as PdfValue[]) : [c]), bar]));
  }));
});
afterAll(async () => {
  await w?.close();
});

const opts = (extra: VerifyFileOptions = {}): VerifyFileOptions => ({ trust: [w.rootPem], cacheDir: null, isolate: false, ...extra });
const codes = (s: SignatureReport) => s.findings.map((f) => f.code);
const png = (b64: string): DecodedPng => decodePng(new Uint8Array(Buffer.from(b64, 'base64')));

/** Pixels whose colour differs by more than `tol` between two decoded renderings, inside or outside `box`. */
function differing(a: DecodedPng, b: DecodedPng, inside: (x: number, y: number) => boolean, tol = 32): { inside: number; outside: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  const n = a.color === 'rgb' ? 3 : 1;
  let i = 0, o = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      let d = 0;
      for (let c = 0; c < n; c++) d = Math.max(d, Math.abs(a.pixels[(y * a.width + x) * n + c] - b.pixels[(y * b.width + x) * n + c]));
      if (d > tol) inside(x, y) ? i++ : o++;
    }
  }
  return { inside: i, outside: o };
}

describe('visual check of allowed changes', () => {
  it('(a) passes a second visible signature: no difference outside the new widget, renderings only when asked', async () => {
    // by default an update that only adds a signature is judged by the structural rules alone
    const plain = await verifyFile(twoSigs, opts());
    expect(plain.verdict).toBe('TOTAL_PASSED');
    expect(plain.signatures[0].visual).toBeUndefined();
    const r = await verifyFile(twoSigs, opts({ visualScope: 'all' }));
    expect(r.verdict).toBe('TOTAL_PASSED');
    const s = r.signatures[0];
    expect(s.modificationsAfter).toBe('allowed');
    expect(codes(s)).toContain('VISUAL_CHECK_PASSED');
    expect(s.visual).toMatchObject({ status: 'passed', dpi: 96, pagesAffected: 1, pagesCompared: 1 });
    expect(s.visual!.pages[0]).toMatchObject({ page: 1, diffPixels: 0, box: null, width: 793, height: 1123 });
    expect(s.visual!.pages[0].signedPng).toBeUndefined();
    expect(s.visual!.pages[0].masks.length).toBeGreaterThan(0);
    expect(r.signatures[1].visual).toBeUndefined(); // nothing after the last signature

    // with every rendering asked for: the PNGs differ inside the masked widget only
    const all = await verifyFile(twoSigs, opts({ visualRenderings: 'all', visualScope: 'all' }));
    const p = all.signatures[0].visual!.pages[0];
    expect(all.verdict).toBe('TOTAL_PASSED');
    const a = png(p.signedPng!), b = png(p.currentPng!);
    expect([b.width, b.height]).toEqual([p.width, p.height]);
    const inMask = (x: number, y: number) => p.masks.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
    const d = differing(a, b, inMask);
    expect(d.outside).toBe(0);
    expect(d.inside).toBeGreaterThan(500); // the seal was drawn
  });

  it('(b) refuses an object defined after signing that the signed page already referred to (dangling-reference-defined), with or without the check', async () => {
    for (const o of [opts({ visualCheck: false }), opts(), opts({ visualScope: 'all' })]) {
      const r = await verifyFile(lateObject, o);
      const s = r.signatures[0];
      expect(s.changesAfter.map((c) => `${c.rule}:${c.verdict}`)).toContain('dangling-reference-defined:disallowed');
      expect(s.changesAfter.find((c) => c.rule === 'dangling-reference-defined')!.objects).toContain(`${LATE} 0 obj`);
      expect(s.modificationsAfter).toBe('disallowed');
      expect(s.indication).toBe('TOTAL_FAILED');
      expect(r.verdict).toBe('TOTAL_FAILED');
      // the second signature signed what is shown now: nothing changed after it
      expect(r.signatures[1]).toMatchObject({ indication: 'TOTAL_PASSED', modificationsAfter: 'none' });
    }
  });

  it('(b) also when the late definition is the only update after the signature', async () => {
    const r = await verifyFile(lateObjectOnly, opts({ visualCheck: false }));
    expect(r.signatures[0].changesAfter.map((c) => `${c.rule}:${c.verdict}`)).toEqual(['dangling-reference-defined:disallowed']);
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');
    expect(r.verdict).toBe('TOTAL_FAILED');
  });

  it('runs in the isolated verification worker too (the renderer is a worker of that worker)', async () => {
    const r = await verifyFile(twoSigs, opts({ isolate: true, visualScope: 'all' }));
    expect(codes(r.signatures[0])).toContain('VISUAL_CHECK_PASSED');
    expect(r.verdict).toBe('TOTAL_PASSED');
  });

  it('(a) passes on a rotated, cropped page too (masks follow /Rotate and the crop box)', async () => {
    const r = await verifyFile(twoSigsRotated, opts({ visualRenderings: 'all', visualScope: 'all' }));
    const s = r.signatures[0];
    expect(codes(s)).toContain('VISUAL_CHECK_PASSED');
    const p = s.visual!.pages[0];
    // the page is shown landscape: 782 × 555 pt crop box turned, at 96 dpi
    expect([p.width, p.height]).toEqual([1043, 740]);
    expect(p.diffPixels).toBe(0);
    const a = png(p.signedPng!), b = png(p.currentPng!);
    const inMask = (x: number, y: number) => p.masks.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
    const d = differing(a, b, inMask);
    expect(d.outside).toBe(0);
    expect(d.inside).toBeGreaterThan(500);
  });

  it('(b) the comparison itself, on a change the rules refuse, as if they had allowed it', async () => {
    const r = await verifyFile(contentAltered, opts({ visualCheck: false }));
    const s = r.signatures[0];
    expect(s.modificationsAfter).toBe('disallowed');
    // pretend the structural analysis missed it
    Object.assign(s, { modificationsAfter: 'allowed', changesAfter: [], indication: 'TOTAL_PASSED', subIndication: null, findings: [] });
    r.verdict = 'TOTAL_PASSED';
    const fd = openSync(contentAltered, 'r');
    try {
      await visualCheck(r, { fd, src: new FileSource(fd) }, { scope: 'all' });
    } finally {
      closeSync(fd);
    }
    expect(s.visual!.status).toBe('difference');
    expect(s.visual!.pages.map((p) => p.page)).toEqual([2]); // page 1 untouched: not rendered
    const p = s.visual!.pages[0];
    // 200 × 50 pt at 96 dpi ≈ 267 × 67 px
    expect(p.diffPixels).toBeGreaterThan(260 * 64);
    expect(p.diffPixels).toBeLessThan(270 * 70);
    p.boxPdf!.forEach((v, i) => expect(Math.abs(v - [100, 100, 300, 150][i])).toBeLessThanOrEqual(1)); // within a pixel
    expect(s.changesAfter.map((c) => c.rule)).toEqual(['visual-difference']);
    expect(s.indication).toBe('TOTAL_FAILED');
    expect(r.verdict).toBe('TOTAL_FAILED');
    const a = png(p.signedPng!), b = png(p.currentPng!);
    const [cx, cy] = [Math.round((p.box![0] + p.box![2]) / 2), Math.round((p.box![1] + p.box![3]) / 2)];
    const at = (img: DecodedPng, x: number, y: number) => Array.from(img.pixels.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    expect(at(b, cx, cy)).toEqual([255, 0, 0]);
    expect(at(a, cx, cy)).not.toEqual([255, 0, 0]);
  });

  it('(c) reports an overrun of the time bound as VISUAL_CHECK_TIMEOUT and keeps the structural result', async () => {
    const t = Date.now();
    const r = await verifyFile(twoSigs, opts({ visualTimeoutMs: 1, visualScope: 'all' }));
    expect(Date.now() - t).toBeLessThan(20_000);
    const s = r.signatures[0];
    expect(codes(s)).toContain('VISUAL_CHECK_TIMEOUT');
    expect(s.findings.find((f) => f.code === 'VISUAL_CHECK_TIMEOUT')!.severity).toBe('warning');
    expect(s.visual?.status).toBe('timeout');
    expect(r.verdict).toBe('TOTAL_PASSED');
  });

  it('(d) without the canvas package: VISUAL_CHECK_UNAVAILABLE (info), everything else as usual', async () => {
    const r = await verifyFile(twoSigs, opts({ visualCanvasModule: '/nonexistent/@napi-rs/canvas/index.js', visualScope: 'all' }));
    const s = r.signatures[0];
    expect(codes(s)).toContain('VISUAL_CHECK_UNAVAILABLE');
    expect(s.findings.find((f) => f.code === 'VISUAL_CHECK_UNAVAILABLE')!.severity).toBe('info');
    expect(s.visual?.status).toBe('unavailable');
    expect(s.modificationsAfter).toBe('allowed');
    expect(r.verdict).toBe('TOTAL_PASSED');
  });

  it('vanthu verify --json carries the visual result; --no-visual skips the check', async () => {
    const run = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO, 'bin/vanthu'), 'verify', '--json', '--trust', w.rootPem, ...args], { env: { ...process.env, VANTHU_PROFILE_DIR: path.join(w.dir, 'profile') } });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    const on = await run(['--visual-all', twoSigs]);
    const j = JSON.parse(on.out);
    expect(on.code).toBe(0);
    expect(j.signatures[0].visual).toMatchObject({ status: 'passed', pages: [{ page: 1, diffPixels: 0 }] });
    const dflt = await run([twoSigs]);
    expect(JSON.parse(dflt.out).signatures[0].visual).toBeUndefined(); // only signatures were added
    const off = await run(['--no-visual', '--visual-all', twoSigs]);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.out).signatures[0].visual).toBeUndefined();
  });

  it('is skipped with visualCheck: false', async () => {
    const r = await verifyFile(twoSigs, opts({ visualCheck: false, visualScope: 'all' }));
    expect(r.signatures[0].visual).toBeUndefined();
    expect(codes(r.signatures[0]).filter((c) => c.startsWith('VISUAL'))).toEqual([]);
    expect(r.verdict).toBe('TOTAL_PASSED');
  });
});
