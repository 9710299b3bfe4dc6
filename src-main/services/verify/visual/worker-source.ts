// The visual check's worker thread, as source text run with `new Worker(code, { eval: true })`:
// it needs nothing but node built-ins and the two packages (pdf.js's legacy Node build and
// @napi-rs/canvas, loaded by absolute path), so it works the same from the sources, the CLI
// bundle, its start-up snapshot and the Electron main bundle, none of which has to ship an entry
// file for it. It renders each planned page of a signed revision and of the final document with
// pdf.js (eval off, no font faces, no system fonts, no network: the standard fonts, cMaps and
// wasm decoders come from the pdfjs-dist package), compares them pixel by pixel outside the masked
// rectangles and answers one message with the differences (and the PNGs asked for).
//
// Protocol: workerData { pdfjs, pdfjsWorker, assets, canvas }; the worker posts
// { type: 'ready' } or { type: 'unavailable', reason }; it then takes jobs one at a time and
// answers each with { type: 'result', id, checks } or { type: 'error', id, message }. Plain
// JavaScript in a string: no backquotes or dollar-brace sequences below.

export const VISUAL_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { pathToFileURL } = require('node:url');

// nothing rendered may reach the network, and nothing the renderer prints may reach our stdout
globalThis.fetch = async () => { throw new Error('network access is disabled in the visual check'); };
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[k] = () => undefined;

let napi, pdfjs;

function readRange(fd, length) {
  const out = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const n = fs.readSync(fd, out, at, Math.min(1 << 24, length - at), at);
    if (n <= 0) break;
    at += n;
  }
  return at === length ? out : out.subarray(0, at);
}

async function open(job, length) {
  const task = pdfjs.getDocument({
    data: readRange(job.fd, length),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    standardFontDataUrl: workerData.assets + 'standard_fonts/',
    cMapUrl: workerData.assets + 'cmaps/',
    cMapPacked: true,
    wasmUrl: workerData.assets + 'wasm/',
    iccUrl: workerData.assets + 'iccs/',
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    maxImageSize: job.maxImagePixels,
    stopAtErrors: false,
    verbosity: 0,
  });
  return task.promise;
}

async function render(doc, index, scale) {
  if (index >= doc.numPages) return null;
  const page = await doc.getPage(index + 1);
  const vp = page.getViewport({ scale });
  const w = Math.max(1, Math.round(vp.width));
  const h = Math.max(1, Math.round(vp.height));
  const canvas = napi.createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  await page.render({ canvas, canvasContext: ctx, viewport: vp, intent: 'display', annotationMode: pdfjs.AnnotationMode.ENABLE, background: '#ffffff' }).promise;
  const data = ctx.getImageData(0, 0, w, h).data;
  page.cleanup();
  return { canvas, data, w, h, vp };
}

// the scale for a page: the chosen resolution, lowered for huge pages so that a rendering stays
// within maxPagePixels
async function scaleFor(doc, index, job) {
  if (index >= doc.numPages) return job.scale;
  const page = await doc.getPage(index + 1);
  const vp = page.getViewport({ scale: 1 });
  const area = Math.max(1, vp.width * vp.height);
  return Math.min(job.scale, Math.sqrt(job.maxPagePixels / area));
}

function maskOf(r, rects, pad) {
  const m = new Uint8Array(r.w * r.h);
  const px = [];
  for (const rc of rects) {
    const v = r.vp.convertToViewportRectangle(rc);
    const x0 = Math.max(0, Math.floor(Math.min(v[0], v[2]) - pad));
    const y0 = Math.max(0, Math.floor(Math.min(v[1], v[3]) - pad));
    const x1 = Math.min(r.w, Math.ceil(Math.max(v[0], v[2]) + pad));
    const y1 = Math.min(r.h, Math.ceil(Math.max(v[1], v[3]) + pad));
    if (x1 <= x0 || y1 <= y0) continue;
    px.push([x0, y0, x1, y1]);
    for (let y = y0; y < y1; y++) m.fill(1, y * r.w + x0, y * r.w + x1);
  }
  return { m, px };
}

function compare(a, b, mask, tol) {
  const w = a.w, h = a.h, A = a.data, B = b.data;
  let n = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    let row = y * w;
    for (let x = 0; x < w; x++, row++) {
      if (mask[row]) continue;
      const i = row * 4;
      const d = Math.max(Math.abs(A[i] - B[i]), Math.abs(A[i + 1] - B[i + 1]), Math.abs(A[i + 2] - B[i + 2]), Math.abs(A[i + 3] - B[i + 3]));
      if (d <= tol) continue;
      n++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return { n, box: n ? [x0, y0, x1 + 1, y1 + 1] : null };
}

function pdfBox(r, box) {
  if (!box) return null;
  const p = r.vp.convertToPdfPoint(box[0], box[1]);
  const q = r.vp.convertToPdfPoint(box[2], box[3]);
  const f = (x) => Math.round(x * 100) / 100;
  return [f(Math.min(p[0], q[0])), f(Math.min(p[1], q[1])), f(Math.max(p[0], q[0])), f(Math.max(p[1], q[1]))];
}

async function png(r) {
  return r ? Buffer.from(await r.canvas.encode('png')).toString('base64') : undefined;
}

async function run(job) {
  const current = await open(job, job.length);
  const cache = new Map();
  let cachedPixels = 0;
  const out = [];
  try {
    for (const check of job.checks) {
      const res = { sig: check.sig, pages: [] };
      out.push(res);
      let signed;
      try {
        signed = await open(job, check.signedLength);
      } catch (e) {
        res.error = 'the signed revision cannot be opened: ' + (e && e.message ? e.message : String(e));
        continue;
      }
      try {
        for (const p of check.pages) {
          const scale = await scaleFor(current, p.index, job);
          const key = p.index + '@' + scale;
          let b = cache.get(key);
          if (!b) {
            b = await render(current, p.index, scale);
            if (b && cachedPixels + b.w * b.h <= job.maxCachedPixels) {
              cache.set(key, b);
              cachedPixels += b.w * b.h;
            }
          }
          const a = await render(signed, p.index, scale);
          const page = { page: p.index + 1, width: 0, height: 0, diffPixels: 0, box: null, boxPdf: null, masks: [] };
          if (!a || !b || a.w !== b.w || a.h !== b.h) {
            // a page missing from one rendering, or of another size: all of it differs
            const r = b || a;
            page.width = r ? r.w : 0;
            page.height = r ? r.h : 0;
            page.diffPixels = Math.max(a ? a.w * a.h : 0, b ? b.w * b.h : 0) || 1;
            page.box = [0, 0, page.width, page.height];
            page.boxPdf = r ? pdfBox(r, page.box) : null;
          } else {
            const mb = maskOf(b, p.masksCurrent, job.maskPad);
            const ma = maskOf(a, p.masksSigned, job.maskPad);
            for (let i = 0; i < mb.m.length; i++) mb.m[i] |= ma.m[i];
            const c = compare(a, b, mb.m, job.tolerance);
            page.width = b.w;
            page.height = b.h;
            page.diffPixels = c.n < job.minPixels ? 0 : c.n;
            page.box = page.diffPixels ? c.box : null;
            page.boxPdf = pdfBox(b, page.box);
            page.masks = mb.px.concat(ma.px);
          }
          if (job.renderings === 'all' || page.diffPixels > 0) {
            page.signedPng = await png(a);
            page.currentPng = await png(b);
          }
          res.pages.push(page);
        }
      } catch (e) {
        res.error = 'rendering failed: ' + (e && e.message ? e.message : String(e));
      } finally {
        await signed.destroy().catch(() => undefined);
      }
    }
  } finally {
    await current.destroy().catch(() => undefined);
  }
  return out;
}

(async () => {
  try {
    napi = require(workerData.canvas);
    if (typeof napi.createCanvas !== 'function') throw new Error('no createCanvas in ' + workerData.canvas);
    napi.createCanvas(1, 1).getContext('2d');
  } catch (e) {
    parentPort.postMessage({ type: 'unavailable', reason: e && e.message ? e.message.split('\n')[0] : String(e) });
    return;
  }
  try {
    pdfjs = await import(pathToFileURL(workerData.pdfjs).href);
    // the renderer's worker code runs in this thread (pdf.js's "fake worker"), loaded from the package
    globalThis.pdfjsWorker = await import(pathToFileURL(workerData.pdfjsWorker).href);
  } catch (e) {
    parentPort.postMessage({ type: 'unavailable', reason: 'pdf.js cannot be loaded: ' + (e && e.message ? e.message : String(e)) });
    return;
  }
  // jobs come one at a time (the parent waits for each answer)
  parentPort.on('message', (job) => {
    run(job).then(
      (checks) => parentPort.postMessage({ type: 'result', id: job.id, checks }),
      (e) => parentPort.postMessage({ type: 'error', id: job.id, message: e && e.message ? e.message : String(e) }),
    );
  });
  parentPort.postMessage({ type: 'ready' });
})();
`;
