// One page of the viewer: a placeholder of the page's size, and — only while the page is near the
// viewport (`near`) — its canvas, pdf.js's text layer (transparent spans, for selection and search
// hits) and our own buttons over link annotations. Nothing of the document becomes HTML: the text
// layer's spans carry text nodes only, hits are highlighted by splitting those text nodes, and
// links are <button>s whose action we decide (confirmation first, see PdfViewer).
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { TextLayer, type PDFDocumentProxy, type PDFPageProxy, type PageViewport, type RenderTask } from 'pdfjs-dist';
import type { TextContent } from 'pdfjs-dist/types/src/display/api';

/** Page size at scale 1 with no rotation, and the page's own /Rotate. */
export interface PageDims {
  w: number;
  h: number;
  rotate: number;
}

export interface PageHit {
  parts: Array<{ item: number; start: number; end: number }>;
  current: boolean;
}

export interface LinkTarget {
  url?: string;
  dest?: unknown;
}

interface Props {
  doc: PDFDocumentProxy;
  index: number;
  pages: number;
  dims: PageDims;
  scale: number;
  rotation: number;
  near: boolean;
  hits: PageHit[] | undefined;
  /** Changes when the current hit must be scrolled into view. */
  revealToken: number;
  flash: [number, number, number, number] | null;
  textContent(index: number): Promise<TextContent>;
  onDims(index: number, dims: PageDims): void;
  onRendered(index: number): void;
  onLink(target: LinkTarget): void;
  pageRef(index: number, el: HTMLDivElement | null): void;
  /** The page's texts, from the viewer (one lookup per language, not one per page). */
  labels: PageLabels;
  /** A drawing of this page started before the page was mounted (page 1 at opening), taken if it
   * is for the same document, scale and rotation. */
  pre?: PreRender | null;
}

/** What a page says (to assistive technology; an error when it cannot be drawn), in the UI's language. */
export interface PageLabels {
  page(index: number, pages: number): string;
  link(url: string): string;
  internalLink: string;
  renderError(index: number): string;
}

/** A page drawn off-screen ahead of its PageView (page 1, as soon as the document is open). */
export interface PreRender {
  doc: PDFDocumentProxy;
  index: number;
  scale: number;
  rotation: number;
  viewport: PageViewport;
  canvas: HTMLCanvasElement;
  task: RenderTask;
  /** Taken by a PageView (or dropped): a second effect run draws the page itself. */
  used: boolean;
}

/** Canvas pixels at most (≈ 16.7 Mpx, what browsers allow safely); beyond it the output scale drops. */
const MAX_CANVAS_PIXELS = 1 << 24;

export function effectiveSize(d: PageDims, scale: number, rotation: number): { width: number; height: number } {
  const turned = ((d.rotate + rotation) % 180) !== 0;
  return { width: Math.floor((turned ? d.h : d.w) * scale), height: Math.floor((turned ? d.w : d.h) * scale) };
}

interface LinkBox {
  left: number;
  top: number;
  width: number;
  height: number;
  target: LinkTarget;
}

/** Scrolls only the viewer's own scroll area (scrollIntoView would scroll every ancestor, the app's too). */
export function centreIn(el: HTMLElement, sc: Element | null, block: 'center' | 'nearest' = 'center'): void {
  if (!sc) return;
  const r = el.getBoundingClientRect();
  const v = sc.getBoundingClientRect();
  if (block === 'nearest') {
    if (r.top < v.top) sc.scrollTop += r.top - v.top;
    else if (r.bottom > v.bottom) sc.scrollTop += r.bottom - v.bottom;
    return;
  }
  sc.scrollTop += r.top + r.height / 2 - (v.top + v.height / 2);
  if (r.left < v.left || r.right > v.right) sc.scrollLeft += r.left + r.width / 2 - (v.left + v.width / 2);
}

/** Device pixels per CSS pixel for a page's canvas: the screen's, lowered for huge pages. */
function outputScale(vp: PageViewport): number {
  let out = window.devicePixelRatio || 1;
  if (vp.width * vp.height * out * out > MAX_CANVAS_PIXELS) out = Math.sqrt(MAX_CANVAS_PIXELS / (vp.width * vp.height));
  return out;
}

/** Starts drawing a page off-screen (a canvas not in the document). */
function drawOffscreen(page: PDFPageProxy, scale: number, rotation: number): { viewport: PageViewport; canvas: HTMLCanvasElement; task: RenderTask } {
  const viewport = page.getViewport({ scale, rotation: (page.rotate + rotation) % 360 });
  const out = outputScale(viewport);
  const canvas = document.createElement('canvas');
  canvas.width = Math.floor(viewport.width * out);
  canvas.height = Math.floor(viewport.height * out);
  const task = page.render({ canvas, viewport, transform: out !== 1 ? [out, 0, 0, out, 0, 0] : undefined });
  return { viewport, canvas, task };
}

/** Page `index` drawn at once, before React has laid out the pages (the viewer's page 1 at opening). */
export function preRender(doc: PDFDocumentProxy, page: PDFPageProxy, index: number, scale: number, rotation: number): PreRender {
  const pre: PreRender = { doc, index, scale, rotation, ...drawOffscreen(page, scale, rotation), used: false };
  pre.task.promise.catch(() => { /* cancelled or failed: the PageView draws it again and reports */ });
  return pre;
}

/** Only these schemes may leave the document, and only after confirmation. */
export function safeExternalUrl(u: unknown): string | undefined {
  if (typeof u !== 'string') return undefined;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function PageViewImpl(p: Props) {
  const l = p.labels;
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const textRef = useRef<HTMLDivElement | null>(null);
  const strsRef = useRef<string[]>([]);
  const divsRef = useRef<HTMLElement[]>([]);
  const revealedRef = useRef(-1);
  const [viewport, setViewport] = useState<PageViewport | null>(null);
  const [drawn, setDrawn] = useState(false);
  const [textReady, setTextReady] = useState(0);
  const [links, setLinks] = useState<LinkBox[]>([]);
  const [failed, setFailed] = useState(false);
  const { width, height } = effectiveSize(p.dims, p.scale, p.rotation);

  // Draw (and redraw on zoom/rotation) while near the viewport; cancel when leaving.
  useEffect(() => {
    if (!p.near) {
      setDrawn(false);
      setViewport(null);
      setLinks([]);
      setTextReady(0);
      return;
    }
    let cancelled = false;
    let renderTask: { cancel(): void; promise: Promise<void> } | null = null;
    let textLayer: TextLayer | null = null;
    let page: PDFPageProxy | null = null;
    setDrawn(false);
    (async () => {
      page = await p.doc.getPage(p.index + 1);
      if (cancelled) return;
      const raw = page.getViewport({ scale: 1, rotation: 0 });
      const dims = { w: raw.width, h: raw.height, rotate: page.rotate };
      if (dims.w !== p.dims.w || dims.h !== p.dims.h || dims.rotate !== p.dims.rotate) p.onDims(p.index, dims);
      const canvas = canvasRef.current;
      if (!canvas) return;
      // Draw off-screen first: the visible canvas keeps the previous zoom's picture until the new one is ready.
      const pre = p.pre;
      let drawing: { viewport: PageViewport; canvas: HTMLCanvasElement; task: RenderTask };
      if (pre && !pre.used && pre.doc === p.doc && pre.index === p.index && pre.scale === p.scale && pre.rotation === p.rotation) {
        pre.used = true;
        drawing = pre;
      } else {
        if (pre && !pre.used && pre.doc === p.doc && pre.index === p.index) {
          pre.used = true; // drawn for another scale (the view changed meanwhile): not wanted any more
          pre.task.cancel();
        }
        if (p.index === 0) performance.mark('vt-viewer:render1-start');
        drawing = drawOffscreen(page, p.scale, p.rotation);
      }
      const { viewport: vp, canvas: off } = drawing;
      renderTask = drawing.task;
      await renderTask.promise;
      if (cancelled) return;
      canvas.width = off.width;
      canvas.height = off.height;
      canvas.getContext('2d')!.drawImage(off, 0, 0);
      off.width = off.height = 0;
      setViewport(vp);
      setDrawn(true);
      setFailed(false);
      p.onRendered(p.index);

      // Text layer (pdf.js's TextLayer: positioned transparent spans).
      const tc = await p.textContent(p.index);
      const box = textRef.current;
      if (cancelled || !box) return;
      box.replaceChildren();
      textLayer = new TextLayer({ textContentSource: tc, container: box, viewport: vp });
      await textLayer.render();
      if (cancelled) return;
      divsRef.current = textLayer.textDivs;
      strsRef.current = textLayer.textContentItemsStr;
      setTextReady((n) => n + 1);

      // Link annotations: our own buttons; pdf.js's annotation layer (which makes <a href>) is not used.
      const annots = await page.getAnnotations({ intent: 'display' });
      if (cancelled) return;
      const boxes: LinkBox[] = [];
      for (const a of annots as Array<{ subtype?: string; rect?: number[]; url?: string; dest?: unknown }>) {
        if (a.subtype !== 'Link' || !a.rect) continue;
        const url = safeExternalUrl(a.url);
        if (!url && !a.dest) continue;
        const [x1, y1, x2, y2] = vp.convertToViewportRectangle(a.rect);
        boxes.push({ left: Math.min(x1, x2), top: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), target: url ? { url } : { dest: a.dest } });
      }
      setLinks(boxes);
    })().catch((err: unknown) => {
      if (cancelled || (err as { name?: string })?.name === 'RenderingCancelledException' || (err as { name?: string })?.name === 'AbortException') return;
      console.error('viewer: page', p.index + 1, err);
      setFailed(true);
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
      page?.cleanup();
    };
    // p.pre is read once, when the page is first drawn: it is not a reason to draw again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.near, p.doc, p.index, p.scale, p.rotation]);

  // Search hits: split the text layer's text nodes around each hit (text nodes only, never HTML).
  useLayoutEffect(() => {
    const divs = divsRef.current;
    const strs = strsRef.current;
    if (!textReady || !divs.length) return;
    divs.forEach((d, i) => {
      if (!d.dataset.vtHit) return;
      d.textContent = strs[i] ?? d.textContent;
      delete d.dataset.vtHit;
    });
    if (!p.hits?.length) return;
    const byItem = new Map<number, Array<{ start: number; end: number; current: boolean }>>();
    for (const h of p.hits) for (const part of h.parts) {
      const list = byItem.get(part.item) ?? [];
      list.push({ start: part.start, end: part.end, current: h.current });
      byItem.set(part.item, list);
    }
    let currentEl: HTMLElement | null = null;
    for (const [item, ranges] of byItem) {
      const div = divs[item];
      const str = strs[item];
      if (!div || str === undefined) continue;
      ranges.sort((a, b) => a.start - b.start);
      const frag = document.createDocumentFragment();
      let at = 0;
      for (const r of ranges) {
        if (r.start < at) continue;
        if (r.start > at) frag.append(document.createTextNode(str.slice(at, r.start)));
        const mark = document.createElement('span');
        mark.className = r.current ? 'vt-hit vt-hit-current' : 'vt-hit';
        mark.dataset.testid = r.current ? 'viewer-hit-current' : 'viewer-hit';
        mark.textContent = str.slice(r.start, r.end);
        frag.append(mark);
        if (r.current && !currentEl) currentEl = mark;
        at = r.end;
      }
      if (at < str.length) frag.append(document.createTextNode(str.slice(at)));
      div.replaceChildren(frag);
      div.dataset.vtHit = '1';
    }
    // Scrolled to once per request (a new search or next/previous), not on every re-render.
    if (currentEl && revealedRef.current !== p.revealToken) {
      revealedRef.current = p.revealToken;
      centreIn(currentEl, currentEl.closest('.vt-scroll'));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [textReady, p.hits, p.revealToken]);

  const flashBox = p.flash && viewport ? (() => {
    const [x1, y1, x2, y2] = viewport.convertToViewportRectangle(p.flash);
    return { left: Math.min(x1, x2), top: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
  })() : null;

  return (
    <div
      ref={(el) => p.pageRef(p.index, el)}
      className="vt-page"
      data-page-index={p.index}
      data-rendered={drawn ? 'true' : 'false'}
      role="region"
      aria-label={l.page(p.index, p.pages)}
      style={{ width, height, ['--total-scale-factor' as string]: String(p.scale), ['--scale-factor' as string]: String(p.scale) }}
    >
      {p.near && (
        <>
          <canvas ref={canvasRef} className="vt-canvas" data-testid="viewer-page-canvas" aria-hidden="true" style={{ width, height }} />
          <div ref={textRef} className="vt-textLayer" />
          {links.map((box, i) => (
            <button
              key={i}
              type="button"
              className="vt-link"
              data-testid="viewer-link"
              aria-label={box.target.url ? l.link(box.target.url) : l.internalLink}
              style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
              onClick={() => p.onLink(box.target)}
            />
          ))}
          {flashBox && <div className="vt-flash" data-testid="viewer-flash" style={flashBox} />}
        </>
      )}
      {failed && <div className="vt-page-error" role="alert">{l.renderError(p.index)}</div>}
    </div>
  );
}

export const PageView = memo(PageViewImpl);
