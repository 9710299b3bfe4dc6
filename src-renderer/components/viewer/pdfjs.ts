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
  if (!worker || worker.destroyed) worker = new PDFWorker();
  reader.start();
  return worker;
}

/** Directory URL of pdf.js's assets, relative to the page (app://vanthu/pdfjs/…, http://127.0.0.1:…/pdfjs/…). */
export function assetBase(): string {
  return new URL('pdfjs/', document.baseURI).href;
}

/** Bytes read per range request (pdf.js's default chunk). */
const CHUNK = 65536;

/** Reads of File ranges in a worker of ours (./rangeReader.worker.ts), started with pdf.js's: the
 * main thread only forwards the requests (those made in one task go in one message) and gets the
 * bytes back transferred. Without the worker (it failed to start) the reads fall back to the main
 * thread. (Two or three such workers were measured too: no faster, the reads queue in the browser
 * process, about 0.6 ms each; what the worker saves is the main thread's share.) */
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

const reader = new RangeReader(1);

/** Bytes at the end of a file read ahead with its first chunk: pdf.js's first requests are for
 * the trailer and the cross-reference table, which are there. */
const TAIL = 4 * CHUNK;

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
    super(bytes.length, bytes.slice(0, Math.min(CHUNK, bytes.length)));
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

/** Opens a source with pdf.js. The first chunk is read here (to refuse what is not a PDF before pdf.js sees it). */
export async function openSource(source: ViewerSource): Promise<PDFDocumentLoadingTask> {
  performance.mark('vt-viewer:open'); // stage marks (performance.getEntriesByType('mark')) for bench/desk.ts
  let range: PDFDataRangeTransport;
  if (source.kind === 'file') {
    const file = source.file;
    const tailBegin = Math.max(CHUNK, Math.floor((file.size - TAIL) / CHUNK) * CHUNK);
    const [head, tail] = await Promise.all([
      file.slice(0, CHUNK).arrayBuffer().then((b) => new Uint8Array(b)),
      tailBegin < file.size ? file.slice(tailBegin, file.size).arrayBuffer().then((b) => ({ begin: tailBegin, bytes: new Uint8Array(b) }), () => null) : null,
    ]);
    if (!looksLikePdf(head)) throw new NotPdfError();
    range = new BlobRangeTransport(file, head, tail);
  } else {
    if (!looksLikePdf(source.bytes.subarray(0, 1024))) throw new NotPdfError();
    range = new BytesRangeTransport(source.bytes);
  }
  const base = assetBase();
  performance.mark('vt-viewer:head-read');
  return getDocument({
    worker: sharedWorker(),
    range,
    rangeChunkSize: CHUNK,
    disableAutoFetch: true,
    disableStream: true,
    isEvalSupported: false,
    enableXfa: false,
    useWasm: false,
    wasmUrl: `${base}wasm/`,
    standardFontDataUrl: `${base}standard_fonts/`,
    cMapUrl: `${base}cmaps/`,
    cMapPacked: true,
    stopAtErrors: false,
    verbosity: VerbosityLevel.ERRORS,
  });
}
