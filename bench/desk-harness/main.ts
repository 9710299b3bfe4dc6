// bench/desk.ts's peer: "pdf.js's own viewer" from pdfjs-dist. The package ships no full
// viewer.html (only web/pdf_viewer.mjs, the component viewer), so this is PDFViewer with its
// EventBus and PDFLinkService in a minimal page, as pdf.js's components example sets it up,
// loading the same file by HTTP range (disableAutoFetch, disableStream) with the options our
// viewer uses (no eval, no wasm, fonts and CMaps from this origin), zoom 'auto'.
import * as pdfjsLib from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import 'pdfjs-dist/web/pdf_viewer.css';
import './style.css';

interface Probe { openedAt: number | null; firstPageAt: number | null; pages: number; error: string | null }
const probe: Probe = { openedAt: null, firstPageAt: null, pages: 0, error: null };
const w = window as unknown as { __peer: Probe; __open(url: string): Promise<void>; pdfjsLib: typeof pdfjsLib };
w.__peer = probe;
w.pdfjsLib = pdfjsLib; // pdf_viewer.mjs reads pdf.js from globalThis.pdfjsLib
pdfjsLib.GlobalWorkerOptions.workerSrc = workerUrl;

// loaded with the page (our viewer's code is too): the clock starts at getDocument
const viewerModule = import('pdfjs-dist/web/pdf_viewer.mjs');

w.__open = async (url: string) => {
  const { EventBus, PDFLinkService, PDFViewer } = await viewerModule;
  const container = document.getElementById('viewerContainer') as HTMLDivElement;
  const eventBus = new EventBus();
  const linkService = new PDFLinkService({ eventBus });
  const viewer = new PDFViewer({ container, eventBus, linkService });
  linkService.setViewer(viewer);
  eventBus.on('pagesinit', () => { viewer.currentScaleValue = 'auto'; });
  eventBus.on('pagerendered', (e: { pageNumber: number }) => {
    if (e.pageNumber === 1 && probe.firstPageAt === null) probe.firstPageAt = performance.now();
  });
  const base = new URL('pdfjs/', document.baseURI).href;
  probe.openedAt = performance.now();
  try {
    const pdf = await pdfjsLib.getDocument({
      url, disableAutoFetch: true, disableStream: true, isEvalSupported: false, enableXfa: false, useWasm: false,
      wasmUrl: `${base}wasm/`, standardFontDataUrl: `${base}standard_fonts/`, cMapUrl: `${base}cmaps/`, cMapPacked: true,
    }).promise;
    probe.pages = pdf.numPages;
    viewer.setDocument(pdf);
    linkService.setDocument(pdf, null);
  } catch (e) {
    probe.error = String(e);
  }
};
