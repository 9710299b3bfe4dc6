// pdf.js for the viewer, configured once for our renderer's rules (docs/ui.md, docs/security.md):
// - the worker is bundled by Vite (a module worker from our own origin: worker-src 'self');
// - no eval (isEvalSupported: false), no XFA, no scripting (pdf.scripting is never loaded: the
//   sandbox bundle is not imported anywhere, and nothing here creates a scripting manager);
// - no network: documents come from bytes in memory or from a File read by ranges
//   (Blob.slice in a worker of ours, through a PDFDataRangeTransport), never from a URL; auto-fetch and streaming are
//   off, so only the byte ranges needed for what is shown are read;
// - the standard fonts, CMaps and the JPEG 2000 JS decoder are served from our own origin
//   (copied into the renderer build by the pdfjsAssets plugin in electron.vite.config.ts) at
//   pdfjs/… next to index.html;
// - useWasm: false. pdf.js's WebAssembly decoders (OpenJPEG, JBIG2, QCMS) need
//   'wasm-unsafe-eval', which our CSP does not grant and must not: pdf.js then uses its
//   JavaScript fallbacks (openjpeg_nowasm_fallback.js, loaded by import() from 'self'; the JS
//   JBIG2 decoder; no ICC colour management).
import { getDocument, GlobalWorkerOptions, PDFDataRangeTransport, PDFWorker, VerbosityLevel, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { ViewerSource } from './api';

GlobalWorkerOptions.workerSrc = workerUrl;

let worker: PDFWorker | null = null;
/** One pdf.js worker for every viewer, started when the first viewer mounts (not when a document
 * is opened: loading and compiling the worker's 1 MB of code would delay page 1). */
export function sharedWorker(): PDFWorker {
  if (!worker || worker.destroyed) {
    worker = new PDFWorker();
    warmUp(worker);
  }
  reader.start();
  return worker;
}

/** A one-page PDF made here: a line of text in a standard font (Times-Roman, not embedded: what a
 * Decree 30 document in Times New Roman looks like to pdf.js when its font is not embedded) and a
 * 2 × 2 RGB image. */
function warmUpPdf(): Uint8Array {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>',
    '<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length 12 >>\nstream\n\u00ff\u0000\u0000\u0000\u00ff\u0000\u0000\u0000\u00ff\u00ff\u00ff\u00ff\nendstream',
  ];
  const text = 'BT /F1 12 Tf 10 60 Td (Van thu so) Tj ET q 20 0 0 20 150 40 cm /Im1 Do Q';
  objs.push(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}

/** Opens and draws the one-page PDF above, once, in a new worker: the first document's costs that
 * do not depend on it — compiling the worker's parser, font and image code and the viewer's
 * drawing code (V8 compiles a function when it is first called), pdf.js's glyph tables, the system
 * font lookup — are paid here, while the viewer waits for a file, not after a file is chosen. */
function warmUp(w: PDFWorker): void {
  setTimeout(() => {
    if (w.destroyed) return;
    const task = getDocument({ ...pdfjsOptions(), worker: w, data: warmUpPdf() });
    void task.promise
      .then(async (pdf) => {
        const page = await pdf.getPage(1);
        const viewport = page.getViewport({ scale: 1 });
        const canvas = document.createElement('canvas');
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        await page.render({ canvas, viewport }).promise;
        canvas.width = canvas.height = 0;
      })
      .catch(() => { /* only a warm-up */ })
      .finally(() => void task.destroy());
  }, 0);
}

/** The options every document is opened with (see the top of this file). */
function pdfjsOptions() {
  const base = assetBase();
  return {
    isEvalSupported: false,
    enableXfa: false,
    useWasm: false,
    wasmUrl: `${base}wasm/`,
    standardFontDataUrl: `${base}standard_fonts/`,
    cMapUrl: `${base}cmaps/`,
    cMapPacked: true,
    stopAtErrors: false,
    verbosity: VerbosityLevel.ERRORS,
  };
}

/** Directory URL of pdf.js's assets, relative to the page (app://vanthu/pdfjs/…, http://127.0.0.1:…/pdfjs/…). */
export function assetBase(): string {
  return new URL('pdfjs/', document.baseURI).href;
}

/** pdf.js's chunk: the unit of its range requests (pdfjs's default is 64 KB). Before a document
 * opens, pdf.js reads every page object of a flat page tree (its check of the last page walks the
 * /Kids), one chunk each, scattered through the file (a 200-page, 100 MB document: 200 reads);
 * smaller chunks make those reads cheaper, and an object's stream of a known length (an image, a
 * content stream) is still asked for in one request of as many chunks as it spans. */
const CHUNK = 16384;
/** Bytes read at opening, handed to pdf.js with the document (the header, and often page 1's objects). */
const HEAD = 65536;

/** Reads of File ranges in workers of ours (./rangeReader.worker.ts), started with pdf.js's: the
 * main thread only forwards the requests (those made in one task go in one message, shared out
 * between the workers) and gets the bytes back transferred. Without the workers (they failed to
 * start) the reads fall back to the main thread. Why two: each Blob.slice() registers a new blob
 * with the browser by a synchronous IPC (BlobRegistry::Register, ≈ 0.7 ms of the reading thread's
 * time, most of it waiting; a CPU profile of one reader during the page-tree walk), so one reader
 * is busy waiting; two overlap those waits (200 reads of 16 KB scattered over 100 MB: median 141 ms
 * with one reader, 104 ms with two, 100 ms with three, 64 KB reads with one 149 ms; 12 interleaved
 * rounds in Chromium at load ≈ 8). */
class RangeReader {
  #workers: Worker[] = [];
  #failed = false;
  #nextFile = 1;
  #nextReq = 1;
  #pending = new Map<number, { resolve(b: ArrayBuffer): void; reject(e: Error): void }>();
  #batch: Array<[number, number, number, number]> = [];
  #count: number;
  constructor(count: number) {
    this.#count = count;
  }

  start(): void {
    if (this.#workers.length || this.#failed) return;
    try {
      for (let i = 0; i < this.#count; i++) {
        const w = new Worker(new URL('./rangeReader.worker.ts', import.meta.url), { type: 'module', name: `vt-range-reader-${i}` });
        w.onmessage = (e: MessageEvent<{ req: number; bytes?: ArrayBuffer; error?: string }>) => {
          const p = this.#pending.get(e.data.req);
          this.#pending.delete(e.data.req);
          if (e.data.bytes) p?.resolve(e.data.bytes);
          else p?.reject(new Error(e.data.error ?? 'read failed'));
        };
        w.onerror = () => this.#fail();
        this.#workers.push(w);
      }
    } catch {
      this.#fail();
    }
  }

  #fail(): void {
    this.#failed = true;
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    for (const p of this.#pending.values()) p.reject(new Error('range reader stopped'));
    this.#pending.clear();
  }

  /** A file the workers can read; null: read on the main thread. */
  open(file: Blob): number | null {
    this.start();
    if (!this.#workers.length) return null;
    const id = this.#nextFile++;
    for (const w of this.#workers) w.postMessage({ open: id, file });
    return id;
  }

  close(id: number): void {
    for (const w of this.#workers) w.postMessage({ close: id });
  }

  read(id: number, begin: number, end: number): Promise<ArrayBuffer> {
    if (!this.#workers.length) return Promise.reject(new Error('range reader stopped'));
    const req = this.#nextReq++;
    if (!this.#batch.length) {
      queueMicrotask(() => {
        const batch = this.#batch;
        this.#batch = [];
        const ws = this.#workers;
        if (!ws.length) return;
        const parts: Array<typeof batch> = ws.map(() => []);
        batch.forEach((r, i) => parts[i % ws.length].push(r));
        parts.forEach((read, i) => { if (read.length) ws[i].postMessage({ read }); });
      });
    }
    this.#batch.push([req, id, begin, end]);
    return new Promise((resolve, reject) => this.#pending.set(req, { resolve, reject }));
  }
}

const reader = new RangeReader(2);

/** Bytes at the end of a file read ahead with its first chunk: pdf.js's first requests are for
 * the trailer and the cross-reference table, which are there. */
const TAIL = 262144;

/** A File (from disk or a drop) read by ranges: pdf.js asks for what it needs, Blob.slice reads
 * only that (in the range reader worker). The file's tail is read ahead, with its head.
 * (A prefetch of the chunks where objects begin, read from the cross-reference table, was tried
 * against pdf.js's walk of the page tree — bench/desk.ts — and gained nothing measurable: the
 * cost is per read, on the thread that reads.) */
class BlobRangeTransport extends PDFDataRangeTransport {
  #blob: Blob;
  #closed = false;
  #id: number | null;
  #tail: { begin: number; bytes: Uint8Array } | null;
  constructor(blob: Blob, initial: Uint8Array, tail: { begin: number; bytes: Uint8Array } | null) {
    super(blob.size, initial);
    this.#blob = blob;
    this.#tail = tail;
    this.#id = reader.open(blob);
  }
  override requestDataRange(begin: number, end: number): void {
    const tail = this.#tail;
    if (tail && begin >= tail.begin && end <= tail.begin + tail.bytes.length) {
      queueMicrotask(() => { if (!this.#closed) this.onDataRange(begin, tail.bytes.slice(begin - tail.begin, end - tail.begin)); });
      return;
    }
    const read = this.#id !== null
      ? reader.read(this.#id, begin, end).catch(() => this.#blob.slice(begin, end).arrayBuffer())
      : this.#blob.slice(begin, end).arrayBuffer();
    read.then(
      (buf) => { if (!this.#closed) this.onDataRange(begin, new Uint8Array(buf)); },
      () => { /* the file went away (removed from disk): pdf.js reports the missing data */ },
    );
  }
  override abort(): void {
    this.#closed = true;
    this.#tail = null;
    if (this.#id !== null) reader.close(this.#id);
  }
}

/** Bytes already in memory, handed to pdf.js by ranges too: the caller's array is never
 * transferred to the worker (it stays usable for signing) and a big one is not copied whole. */
class BytesRangeTransport extends PDFDataRangeTransport {
  #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    super(bytes.length, bytes.slice(0, Math.min(HEAD, bytes.length)));
    this.#bytes = bytes;
  }
  override requestDataRange(begin: number, end: number): void {
    queueMicrotask(() => this.onDataRange(begin, this.#bytes.slice(begin, end)));
  }
}

export class NotPdfError extends Error {
  constructor() {
    super('not a PDF');
    this.name = 'NotPdfError';
  }
}

/** "%PDF-" within the first 1024 bytes, as readers accept it. */
export function looksLikePdf(head: Uint8Array): boolean {
  const n = Math.min(head.length, 1024) - 5;
  for (let i = 0; i <= n; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) return true;
  }
  return false;
}

export function sourceName(s: ViewerSource): string {
  return s.kind === 'file' ? s.file.name : s.name;
}

interface Ends { head: Uint8Array; tail: { begin: number; bytes: Uint8Array } | null }

/** A file's first HEAD bytes and its last TAIL (chunk-aligned), read at once. */
function readEnds(file: Blob): Promise<Ends> {
  const tailBegin = Math.max(HEAD, Math.floor((file.size - TAIL) / CHUNK) * CHUNK);
  return Promise.all([
    file.slice(0, HEAD).arrayBuffer().then((b) => new Uint8Array(b)),
    tailBegin < file.size ? file.slice(tailBegin, file.size).arrayBuffer().then((b) => ({ begin: tailBegin, bytes: new Uint8Array(b) }), () => null) : null,
  ]).then(([head, tail]) => ({ head, tail }));
}

/** The ends of the file the viewer is about to open, being read since it was chosen. */
let early: { file: Blob; ends: Promise<Ends> } | null = null;

/** Starts reading a file's ends as soon as it is chosen (in the input's change event, before React
 * renders the viewer's loading state and runs the effect that opens it). */
export function readAhead(file: File): void {
  const ends = readEnds(file);
  ends.catch(() => { /* reported when the file is opened */ });
  early = { file, ends };
}

/** Opens a source with pdf.js. The first chunk is read here (to refuse what is not a PDF before pdf.js sees it). */
export async function openSource(source: ViewerSource): Promise<PDFDocumentLoadingTask> {
  performance.mark('vt-viewer:open'); // stage marks (performance.getEntriesByType('mark')) for bench/desk.ts
  let range: PDFDataRangeTransport;
  if (source.kind === 'file') {
    const file = source.file;
    const ends = early?.file === file ? early.ends : readEnds(file);
    early = null;
    const { head, tail } = await ends;
    if (!looksLikePdf(head)) throw new NotPdfError();
    range = new BlobRangeTransport(file, head, tail);
  } else {
    if (!looksLikePdf(source.bytes.subarray(0, 1024))) throw new NotPdfError();
    range = new BytesRangeTransport(source.bytes);
  }
  performance.mark('vt-viewer:head-read');
  return getDocument({
    ...pdfjsOptions(),
    worker: sharedWorker(),
    range,
    rangeChunkSize: CHUNK,
    disableAutoFetch: true,
    disableStream: true,
  });
}
