// pdf.js for the viewer, configured once for our renderer's rules (docs/ui.md, docs/security.md):
// - the worker is bundled by Vite (a module worker from our own origin: worker-src 'self');
// - no eval (isEvalSupported: false), no XFA, no scripting (pdf.scripting is never loaded: the
//   sandbox bundle is not imported anywhere, and nothing here creates a scripting manager);
// - no network: documents come from bytes in memory or from a File read by ranges
//   (Blob.slice through a PDFDataRangeTransport), never from a URL; auto-fetch and streaming are
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
  return worker;
}

/** Directory URL of pdf.js's assets, relative to the page (app://vanthu/pdfjs/…, http://127.0.0.1:…/pdfjs/…). */
export function assetBase(): string {
  return new URL('pdfjs/', document.baseURI).href;
}

/** Bytes read per range request (pdf.js's default chunk). */
const CHUNK = 65536;

/** A File (from disk or a drop) read by ranges: pdf.js asks for what it needs, Blob.slice reads only that.
 * (A prefetch of the chunks where objects begin, read from the cross-reference table, was tried
 * against pdf.js's sequential walk of the page tree — bench/desk.ts — and gained nothing measurable.) */
class BlobRangeTransport extends PDFDataRangeTransport {
  #blob: Blob;
  #closed = false;
  constructor(blob: Blob, initial: Uint8Array) {
    super(blob.size, initial);
    this.#blob = blob;
  }
  override requestDataRange(begin: number, end: number): void {
    this.#blob.slice(begin, end).arrayBuffer().then(
      (buf) => { if (!this.#closed) this.onDataRange(begin, new Uint8Array(buf)); },
      () => { /* the file went away (removed from disk): pdf.js reports the missing data */ },
    );
  }
  override abort(): void {
    this.#closed = true;
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
    const head = new Uint8Array(await source.file.slice(0, CHUNK).arrayBuffer());
    if (!looksLikePdf(head)) throw new NotPdfError();
    range = new BlobRangeTransport(source.file, head);
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
