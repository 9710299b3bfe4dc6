// The desk's PDF viewer (contract: ./api.ts), on pdf.js (configured in ./pdfjs.ts: no eval, no
// scripting, no network, worker and assets from our origin).
// - Pages are drawn lazily: every page has a placeholder of its size, an IntersectionObserver on
//   the scroll area says which are near the viewport, and only those have a canvas.
// - Thumbnail strip (lazy too), zoom in/out, fit width/page, rotation, text search (case- and,
//   for queries typed without them, diacritic-insensitive) with highlighted hits, keyboard
//   navigation, print (pages rendered to images in a print-only container, then window.print()),
//   open from disk (file input) and by drag and drop.
// - Links in documents never navigate: a click asks first (Fluent Dialog), then
//   window.open(url, '_blank', 'noopener') (Electron's main process sends it to the system browser).
// - Nothing from the document is rendered as HTML by us: React text nodes, pdf.js's text spans.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type FocusEvent, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import {
  Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input, Spinner,
  Text, type ButtonProps,
} from '@fluentui/react-components';
import {
  ArrowAutofitWidthRegular, ArrowRotateClockwiseRegular, ChevronDownRegular, ChevronLeftRegular, ChevronRightRegular,
  ChevronUpRegular, DismissRegular, FolderOpenRegular, PageFitRegular, PrintRegular, SearchRegular, ZoomInRegular, ZoomOutRegular,
} from '@fluentui/react-icons';
import { PasswordResponses, type PDFDocumentLoadingTask, type PDFDocumentProxy } from 'pdfjs-dist';
import type { TextContent } from 'pdfjs-dist/types/src/display/api';
import type { ViewerHandle, ViewerProps, ViewerSource, ViewerTarget } from './api';
import { NotPdfError, openSource, readAhead, sharedWorker, sourceName } from './pdfjs';
import { findInPage, type Hit } from './search';
import { PageView, centreIn, effectiveSize, preRender, type LinkTarget, type PageDims, type PageHit, type PageLabels, type PreRender } from './PageView';
import { Thumbnail } from './Thumbnail';
import './viewer.css';

export type ZoomMode = 'auto' | 'width' | 'page' | number;

export interface PdfViewerProps extends ViewerProps {
  /** A file chosen with "Open" or dropped on the viewer. Without it the viewer shows that file itself. */
  onOpenFile?(file: File): void;
  /** Show the "Open" button and accept dropped files (default true). */
  allowOpen?: boolean;
  /** Show the thumbnail strip (default true). */
  thumbnails?: boolean;
  /** Zoom at opening: 'auto' (fit width, at most 125 %), 'width', 'page' or a percentage (default 'auto'). */
  initialZoom?: ZoomMode;
  /** Called each time a page's canvas has been drawn (0-based page). */
  onPageRendered?(page: number): void;
  className?: string;
}

/** pdf.js scale at 100 %: real size on a 96 dpi screen. */
const CSS_UNITS = 96 / 72;
const ZOOM_STEPS = [25, 33, 50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400];
const PAGE_GAP = 12; // px between pages (viewer.css .vt-pages gap)
const PADDING = 16; // px around the pages column (viewer.css .vt-pages padding)

type LoadState =
  | { s: 'empty' }
  | { s: 'loading' }
  | { s: 'error'; message: string }
  | { s: 'ready'; doc: PDFDocumentProxy; base: PageDims };

/** pdf.js scale for a zoom mode, a page's size and the scroll area's inner size. */
function zoomScale(zoom: ZoomMode, d: PageDims, rotation: number, viewW: number, viewH: number): number {
  if (typeof zoom === 'number') return (zoom / 100) * CSS_UNITS;
  const one = effectiveSize(d, 1, rotation);
  const availW = Math.max(100, viewW - 2 * PADDING);
  const availH = Math.max(100, viewH - 2 * PADDING);
  const fitW = availW / one.width;
  if (zoom === 'width') return fitW;
  if (zoom === 'page') return Math.min(fitW, availH / one.height);
  return Math.min(fitW, 1.25 * CSS_UNITS);
}

/** A button of the viewer's toolbar: Fluent's subtle small icon button. Unavailable actions stay
 * focusable (aria-disabled) so that the arrow keys walk the same row whatever the state. */
function ToolButton(props: ButtonProps) {
  return <Button appearance="subtle" size="small" {...props} />;
}

/** The toolbar's items in order: its buttons and its enabled inputs. */
function toolbarItems(bar: HTMLElement): HTMLElement[] {
  return [...bar.querySelectorAll<HTMLElement>('button, input')].filter((el) => !(el as HTMLButtonElement | HTMLInputElement).disabled && !el.hidden);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The pages' texts for one language. A page's label is the message formatted once with a
 * stand-in number, then that number replaced by the page's (the same formatter as the message's
 * {page, number}): 200 pages are not 200 message lookups at opening. */
function pageLabels(t: (key: string, opts?: Record<string, unknown>) => string, language: string): PageLabels {
  const nf = new Intl.NumberFormat(language);
  const STAND_IN = 987654321;
  const byPages = new Map<number, (index: number) => string>();
  return {
    page(index, pages) {
      let f = byPages.get(pages);
      if (!f) {
        const text = t('pageLabel', { page: STAND_IN, pages });
        const mark = nf.format(STAND_IN);
        const at = text.indexOf(mark);
        f = at >= 0 && text.indexOf(mark, at + 1) < 0
          ? (i: number) => text.slice(0, at) + nf.format(i + 1) + text.slice(at + mark.length)
          : (i: number) => t('pageLabel', { page: i + 1, pages });
        byPages.set(pages, f);
      }
      return f(index);
    },
    link: (url) => t('link.label', { url }),
    internalLink: t('link.internal'),
    renderError: (index) => t('error.render', { page: index + 1 }),
  };
}

export const PdfViewer = forwardRef<ViewerHandle, PdfViewerProps>(function PdfViewer(props, ref) {
  const { t, i18n: i18nInstance } = useTranslation('viewer');
  const labels = useMemo(() => pageLabels(t as unknown as (key: string, opts?: Record<string, unknown>) => string, i18nInstance.language), [t, i18nInstance.language]);
  const { allowOpen = true, thumbnails = true, initialZoom = 'auto', testId = 'pdf-viewer' } = props;

  // The source: the parent's, or a file opened/dropped here (until the parent gives another).
  const [ownSource, setOwnSource] = useState<ViewerSource | null>(null);
  useEffect(() => setOwnSource(null), [props.source]);
  const source = ownSource ?? props.source;

  const [load, setLoad] = useState<LoadState>({ s: 'empty' });
  // page 1 drawn off-screen as soon as the document is open, at the scale it will be shown at
  const [pre, setPre] = useState<PreRender | null>(null);
  const doc = load.s === 'ready' ? load.doc : null;
  const pages = doc?.numPages ?? 0;
  const [sizes, setSizes] = useState<Map<number, PageDims>>(new Map());
  const [zoom, setZoom] = useState<ZoomMode>(initialZoom);
  const [rotation, setRotation] = useState(0);
  const [current, setCurrent] = useState(0);
  const [near, setNear] = useState<Set<number>>(new Set());
  const [thumbNear, setThumbNear] = useState<Set<number>>(new Set());
  const [firstDrawn, setFirstDrawn] = useState(false);
  const [viewSize, setViewSize] = useState({ w: 0, h: 0 });
  const [pageInput, setPageInput] = useState('1');
  const [flash, setFlash] = useState<{ page: number; rect: [number, number, number, number] } | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [password, setPassword] = useState<{ update(pw: string): void; wrong: boolean } | null>(null);
  const [passwordText, setPasswordText] = useState('');
  const [printing, setPrinting] = useState<{ done: number; total: number; urls: string[] } | null>(null);

  // search
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [hitIndex, setHitIndex] = useState(0);
  const [searching, setSearching] = useState(false);
  const [reveal, setReveal] = useState(0);
  const searchInputRef = useRef<HTMLInputElement | null>(null);
  const searchRun = useRef(0);

  const rootRef = useRef<HTMLDivElement | null>(null);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const stripRef = useRef<HTMLDivElement | null>(null);
  const fileRef = useRef<HTMLInputElement | null>(null);
  const toolbarRef = useRef<HTMLDivElement | null>(null);
  const toolbarActive = useRef<HTMLElement | null>(null);
  const pageEls = useRef<Array<HTMLDivElement | null>>([]);
  const thumbEls = useRef<Array<HTMLButtonElement | null>>([]);
  const texts = useRef(new Map<number, Promise<TextContent>>());
  const anchor = useRef<{ page: number; frac: number } | null>(null);
  const onOpenRef = useRef(props.onOpen);
  onOpenRef.current = props.onOpen;
  const onRenderedRef = useRef(props.onPageRendered);
  onRenderedRef.current = props.onPageRendered;
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;

  // ---- open the document ------------------------------------------------------------------
  useEffect(() => void sharedWorker(), []);
  useEffect(() => {
    setSizes(new Map());
    setNear(new Set());
    setThumbNear(new Set());
    setFirstDrawn(false);
    setCurrent(0);
    setRotation(0);
    setHits(null);
    setFlash(null);
    texts.current = new Map();
    pageEls.current = [];
    thumbEls.current = [];
    if (!source) {
      setLoad({ s: 'empty' });
      return;
    }
    setLoad({ s: 'loading' });
    setPre(null);
    let cancelled = false;
    let task: PDFDocumentLoadingTask | null = null;
    let first: PreRender | null = null;
    (async () => {
      task = await openSource(source);
      if (cancelled) {
        void task.destroy();
        return;
      }
      task.onPassword = (update: (pw: string) => void, reason: number) => {
        setPasswordText('');
        setPassword({ update, wrong: reason === PasswordResponses.INCORRECT_PASSWORD });
      };
      const pdf = await task.promise;
      performance.mark('vt-viewer:document');
      const p1 = await pdf.getPage(1);
      performance.mark('vt-viewer:page1');
      const raw = p1.getViewport({ scale: 1, rotation: 0 });
      if (cancelled) return;
      const base = { w: raw.width, h: raw.height, rotate: p1.rotate };
      // Page 1 is drawn now, before React lays out the pages and thumbnails, at the scale the view
      // will settle on (the scroll area keeps its size: the thumbnail strip is there while loading,
      // the scrollbar's gutter is reserved).
      const sc = scrollRef.current;
      if (sc) {
        performance.mark('vt-viewer:render1-start');
        first = preRender(pdf, p1, 0, zoomScale(zoomRef.current, base, 0, sc.clientWidth, sc.clientHeight), 0);
        setPre(first);
      }
      setLoad({ s: 'ready', doc: pdf, base });
      setNear(new Set([0])); // page 1 is drawn at once; the observer reports the others
      setPageInput('1');
      onOpenRef.current?.({ pages: pdf.numPages });
    })().catch((err: unknown) => {
      if (cancelled) return;
      const message = err instanceof NotPdfError ? t('error.notPdf') : t('error.open', { reason: errorText(err) });
      setLoad({ s: 'error', message });
      onOpenRef.current?.({ error: err instanceof NotPdfError ? 'NOT_PDF' : errorText(err) });
    });
    return () => {
      cancelled = true;
      setPassword(null);
      if (first && !first.used) {
        first.used = true;
        first.task.cancel();
      }
      void task?.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source]);

  // ---- geometry -----------------------------------------------------------------------------
  const base = load.s === 'ready' ? load.base : null;
  const dimsOf = useCallback((i: number): PageDims => sizes.get(i) ?? base ?? { w: 612, h: 792, rotate: 0 }, [sizes, base]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setViewSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, [load.s]);

  const scale = useMemo(() => {
    return zoomScale(zoom, dimsOf(current), rotation, viewSize.w, viewSize.h);
    // the fit modes follow the current page's size only when the mode or the view changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [zoom, rotation, viewSize.w, viewSize.h, base]);
  const percent = Math.round((scale / CSS_UNITS) * 100);

  // Keep the reading position across zoom and rotation changes.
  const rememberAnchor = useCallback(() => {
    const sc = scrollRef.current;
    const el = pageEls.current[current];
    if (!sc || !el) return;
    anchor.current = { page: current, frac: el.offsetHeight ? (sc.scrollTop - el.offsetTop) / el.offsetHeight : 0 };
  }, [current]);
  useLayoutEffect(() => {
    const a = anchor.current;
    const sc = scrollRef.current;
    const el = a ? pageEls.current[a.page] : null;
    if (a && sc && el) sc.scrollTop = el.offsetTop + a.frac * el.offsetHeight;
    anchor.current = null;
  }, [scale, rotation]);

  // ---- which pages are near the viewport --------------------------------------------------
  useEffect(() => {
    const root = scrollRef.current;
    if (!doc || !root) return;
    const io = new IntersectionObserver((entries) => {
      setNear((prev) => {
        const next = new Set(prev);
        for (const e of entries) {
          const i = Number((e.target as HTMLElement).dataset.pageIndex);
          if (e.isIntersecting) next.add(i);
          else next.delete(i);
        }
        return next;
      });
    }, { root, rootMargin: '50% 0px 50% 0px' });
    for (const el of pageEls.current) if (el) io.observe(el);
    return () => io.disconnect();
  }, [doc, pages]);

  useEffect(() => {
    const root = stripRef.current;
    if (!doc || !root || !thumbnails) return;
    const io = new IntersectionObserver((entries) => {
      setThumbNear((prev) => {
        const next = new Set(prev);
        for (const e of entries) {
          const i = Number((e.target as HTMLElement).dataset.thumbIndex);
          if (e.isIntersecting) next.add(i);
          else next.delete(i);
        }
        return next;
      });
    }, { root, rootMargin: '100px 0px 100px 0px' });
    for (const el of thumbEls.current) if (el) io.observe(el);
    return () => io.disconnect();
  }, [doc, pages, thumbnails, firstDrawn]);

  // Current page: the one at 30 % of the view's height.
  useEffect(() => {
    const sc = scrollRef.current;
    if (!sc || !doc) return;
    let raf = 0;
    const onScroll = () => {
      if (raf) return;
      raf = requestAnimationFrame(() => {
        raf = 0;
        const y = sc.scrollTop + sc.clientHeight * 0.3;
        const els = pageEls.current;
        let lo = 0, hi = els.length - 1, found = 0;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const el = els[mid];
          if (!el) break;
          if (el.offsetTop <= y) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        setCurrent(found);
      });
    };
    sc.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      sc.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(raf);
    };
  }, [doc]);
  useEffect(() => setPageInput(String(current + 1)), [current]);
  useEffect(() => {
    const el = thumbEls.current[current];
    if (el) centreIn(el, stripRef.current, 'nearest');
  }, [current]);

  // ---- navigation ---------------------------------------------------------------------------
  const scrollToPage = useCallback((page: number, offset = 0) => {
    const sc = scrollRef.current;
    const el = pageEls.current[page];
    if (!sc || !el) return;
    sc.scrollTop = el.offsetTop - PAGE_GAP / 2 + offset;
    setCurrent(page);
  }, []);

  const goTo = useCallback((target: ViewerTarget) => {
    if (!doc) return;
    const page = Math.max(0, Math.min(doc.numPages - 1, Math.floor(target.page)));
    const rect = target.rect;
    if (!rect) {
      scrollToPage(page);
      return;
    }
    setFlash({ page, rect });
    void doc.getPage(page + 1).then((p) => {
      const vp = p.getViewport({ scale, rotation: (p.rotate + rotation) % 360 });
      const [, y1, , y2] = vp.convertToViewportRectangle(rect);
      scrollToPage(page, Math.max(0, Math.min(y1, y2) - 48));
    });
    window.setTimeout(() => setFlash((f) => (f && f.rect === rect ? null : f)), 2500);
  }, [doc, scale, rotation, scrollToPage]);

  useImperativeHandle(ref, () => ({ goTo, pageCount: () => doc?.numPages ?? 0 }), [goTo, doc]);

  const step = (d: number) => scrollToPage(Math.max(0, Math.min(pages - 1, current + d)));

  const zoomBy = (dir: 1 | -1) => {
    rememberAnchor();
    const now = percent;
    const next = dir > 0 ? ZOOM_STEPS.find((z) => z > now) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1] : [...ZOOM_STEPS].reverse().find((z) => z < now) ?? ZOOM_STEPS[0];
    setZoom(next);
  };
  const setFit = (m: 'width' | 'page') => {
    rememberAnchor();
    setZoom(m);
  };
  const rotate = () => {
    rememberAnchor();
    setRotation((r) => (r + 90) % 360);
  };

  const onLink = useCallback((target: LinkTarget) => {
    if (target.url) {
      setLink(target.url);
      return;
    }
    if (!doc || target.dest == null) return;
    void (async () => {
      const dest = typeof target.dest === 'string' ? await doc.getDestination(target.dest) : target.dest;
      if (!Array.isArray(dest) || dest[0] == null) return;
      const ref0 = dest[0] as unknown;
      const index = typeof ref0 === 'number' ? ref0 : await doc.getPageIndex(ref0 as { num: number; gen: number });
      scrollToPage(index);
    })().catch(() => { /* a destination that leads nowhere: nothing to do */ });
  }, [doc, scrollToPage]);

  const openLink = () => {
    if (link) window.open(link, '_blank', 'noopener');
    setLink(null);
  };

  // ---- search -------------------------------------------------------------------------------
  const textContent = useCallback((i: number): Promise<TextContent> => {
    let p = texts.current.get(i);
    if (!p && doc) {
      p = doc.getPage(i + 1).then((pg) => pg.getTextContent());
      p.catch(() => texts.current.delete(i));
      texts.current.set(i, p);
    }
    return p ?? Promise.reject(new Error('no document'));
  }, [doc]);

  const runSearch = useCallback(async (q: string) => {
    const run = ++searchRun.current;
    if (!doc || !q.trim()) {
      setHits(null);
      setSearching(false);
      return;
    }
    setSearching(true);
    const found: Hit[] = [];
    for (let i = 0; i < doc.numPages; i++) {
      let tc: TextContent;
      try {
        tc = await textContent(i);
      } catch {
        continue;
      }
      if (run !== searchRun.current) return;
      found.push(...findInPage(tc.items as Array<{ str?: string; hasEOL?: boolean }>, i, q));
    }
    if (run !== searchRun.current) return;
    setSearching(false);
    setHits(found);
    const first = found.findIndex((h) => h.page >= current);
    const at = first >= 0 ? first : 0;
    setHitIndex(at);
    if (found.length) {
      scrollToPage(found[at].page);
      setReveal((n) => n + 1);
    }
  }, [doc, textContent, current, scrollToPage]);

  useEffect(() => {
    if (!searchOpen) return;
    const id = window.setTimeout(() => void runSearch(query), 250);
    return () => window.clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, searchOpen, doc]);

  const moveHit = (d: 1 | -1) => {
    if (!hits?.length) return;
    const n = (hitIndex + d + hits.length) % hits.length;
    setHitIndex(n);
    const h = hits[n];
    const el = pageEls.current[h.page];
    const sc = scrollRef.current;
    // bring the page near first (its text layer is made then); the hit itself is centred by the page
    if (el && sc && (el.offsetTop > sc.scrollTop + sc.clientHeight || el.offsetTop + el.offsetHeight < sc.scrollTop)) scrollToPage(h.page);
    setReveal((x) => x + 1);
  };

  const hitsByPage = useMemo(() => {
    const m = new Map<number, PageHit[]>();
    hits?.forEach((h, i) => {
      const list = m.get(h.page) ?? [];
      list.push({ parts: h.parts, current: i === hitIndex });
      m.set(h.page, list);
    });
    return m;
  }, [hits, hitIndex]);

  const openSearch = () => {
    setSearchOpen(true);
    requestAnimationFrame(() => {
      searchInputRef.current?.focus();
      searchInputRef.current?.select();
    });
  };
  const closeSearch = () => {
    setSearchOpen(false);
    setHits(null);
    searchRun.current++;
    scrollRef.current?.focus();
  };

  // ---- print --------------------------------------------------------------------------------
  const print = async () => {
    if (!doc || printing) return;
    const urls: string[] = [];
    setPrinting({ done: 0, total: doc.numPages, urls });
    try {
      for (let i = 0; i < doc.numPages; i++) {
        const page = await doc.getPage(i + 1);
        const vp = page.getViewport({ scale: 150 / 72, rotation: (page.rotate + rotation) % 360 }); // 150 dpi
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(vp.width);
        canvas.height = Math.floor(vp.height);
        await page.render({ canvas, viewport: vp, intent: 'print' }).promise;
        const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/png'));
        canvas.width = canvas.height = 0;
        page.cleanup();
        if (blob) urls.push(URL.createObjectURL(blob));
        setPrinting({ done: i + 1, total: doc.numPages, urls: [...urls] });
      }
      // wait for the images to be decoded in the print container, then print
      await new Promise((r) => requestAnimationFrame(r));
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.vt-print-root img')];
      await Promise.all(imgs.map((im) => im.decode().catch(() => undefined)));
      document.body.classList.add('vt-printing');
      window.print();
    } finally {
      document.body.classList.remove('vt-printing');
      for (const u of urls) URL.revokeObjectURL(u);
      setPrinting(null);
    }
  };

  // ---- files --------------------------------------------------------------------------------
  const takeFile = (file: File | undefined) => {
    if (!file) return;
    if (props.onOpenFile) props.onOpenFile(file);
    else {
      readAhead(file);
      setOwnSource({ kind: 'file', file });
    }
  };
  const onDragOver = (e: DragEvent) => {
    if (!allowOpen || !e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (e: DragEvent) => {
    if (!allowOpen) return;
    e.preventDefault();
    setDragging(false);
    takeFile(e.dataTransfer.files[0]);
  };

  // ---- toolbar: one tab stop, arrow keys between its items (roving tabindex) ---------------------
  // A plain role="toolbar" group rather than Fluent's Toolbar: its focus manager (tabster) leaves
  // aria-hidden focusable sentinels around the group, which assistive technology and axe-core
  // (aria-hidden-focus) flag. Left/Right (Up/Down too) move to the previous/next item, wrapping;
  // Home/End to the first/last; in the page number box (its text selected when reached by an
  // arrow) the arrows move its caret until it is at the box's edge. Tab leaves the toolbar; coming back lands on the item last used.
  useLayoutEffect(() => {
    const bar = toolbarRef.current;
    if (!bar) return;
    const items = toolbarItems(bar);
    const active = toolbarActive.current && items.includes(toolbarActive.current) ? toolbarActive.current : items[0];
    for (const el of items) el.tabIndex = el === active ? 0 : -1;
  });
  const onToolbarFocus = (e: FocusEvent<HTMLDivElement>) => {
    const bar = toolbarRef.current;
    if (!bar) return;
    const items = toolbarItems(bar);
    const el = e.target as HTMLElement;
    if (!items.includes(el)) return;
    toolbarActive.current = el;
    for (const it of items) it.tabIndex = it === el ? 0 : -1;
  };
  const onToolbarKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const bar = toolbarRef.current;
    if (!bar || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = toolbarItems(bar);
    const at = items.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    const input = e.target instanceof HTMLInputElement ? e.target : null;
    let to: number;
    switch (e.key) {
      case 'ArrowRight': case 'ArrowDown':
        if (input && e.key === 'ArrowRight' && (input.selectionStart !== input.value.length || input.selectionEnd !== input.value.length)) return;
        to = (at + 1) % items.length;
        break;
      case 'ArrowLeft': case 'ArrowUp':
        if (input && e.key === 'ArrowLeft' && (input.selectionStart !== 0 || input.selectionEnd !== 0)) return;
        to = (at - 1 + items.length) % items.length;
        break;
      case 'Home': if (input) return; to = 0; break;
      case 'End': if (input) return; to = items.length - 1; break;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation(); // not also a page turn in the viewer's own keys
    const next = items[to];
    next.focus();
    if (next instanceof HTMLInputElement) next.select(); // a number typed replaces the box's
  };

  // ---- keyboard -----------------------------------------------------------------------------
  const onKeyDown = (e: KeyboardEvent) => {
    const ctrl = e.ctrlKey || e.metaKey;
    if (ctrl && (e.key === 'f' || e.key === 'F')) {
      e.preventDefault();
      openSearch();
      return;
    }
    if (e.key === 'Escape' && searchOpen) {
      e.preventDefault();
      closeSearch();
      return;
    }
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, [role="dialog"]') || !doc) return;
    if (ctrl && (e.key === 'p' || e.key === 'P')) {
      e.preventDefault();
      void print();
      return;
    }
    const sc = scrollRef.current;
    switch (e.key) {
      case 'PageDown': case 'ArrowRight': step(1); break;
      case 'PageUp': case 'ArrowLeft': step(-1); break;
      case 'Home': scrollToPage(0); break;
      case 'End': scrollToPage(pages - 1); break;
      case 'ArrowDown': sc?.scrollBy({ top: 48 }); break;
      case 'ArrowUp': sc?.scrollBy({ top: -48 }); break;
      case '+': case '=': zoomBy(1); break;
      case '-': case '_': zoomBy(-1); break;
      default: return;
    }
    e.preventDefault();
  };

  const onPageRendered = useCallback((i: number) => {
    if (i === 0) setFirstDrawn(true);
    onRenderedRef.current?.(i);
  }, []);
  const onDims = useCallback((i: number, d: PageDims) => setSizes((m) => new Map(m).set(i, d)), []);
  const pageRef = useCallback((i: number, el: HTMLDivElement | null) => { pageEls.current[i] = el; }, []);
  const thumbRef = useCallback((i: number, el: HTMLButtonElement | null) => { thumbEls.current[i] = el; }, []);
  const selectThumb = useCallback((i: number) => scrollToPage(i), [scrollToPage]);
  // Page 1 may not be the first drawn (a goTo before it): thumbnails start once any page is drawn.
  useEffect(() => { if (near.size && !firstDrawn && pageEls.current.some((el) => el?.dataset.rendered === 'true')) setFirstDrawn(true); }, [near, firstDrawn]);

  const name = source ? sourceName(source) : '';
  const searchStatus = searching ? t('searching') : hits == null ? '' : hits.length ? t('searchCount', { current: hitIndex + 1, total: hits.length }) : t('searchNone');

  return (
    <div
      ref={rootRef}
      className={`vt-viewer${props.className ? ` ${props.className}` : ''}`}
      data-testid={testId}
      data-pages={pages}
      data-current-page={current}
      data-zoom={percent}
      data-rotation={rotation}
      onKeyDown={onKeyDown}
      onDragOver={onDragOver}
      onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false); }}
      onDrop={onDrop}
    >
      <div ref={toolbarRef} role="toolbar" aria-label={t('toolbar')} aria-orientation="horizontal" className="vt-toolbar" onKeyDown={onToolbarKey} onFocus={onToolbarFocus} data-testid="viewer-toolbar">
        {allowOpen && (
          <>
            <ToolButton icon={<FolderOpenRegular />} aria-label={t('open')} title={t('open')} onClick={() => fileRef.current?.click()} data-testid="viewer-open" />
            <div role="separator" aria-orientation="vertical" className="vt-sep" />
          </>
        )}
        <ToolButton icon={<ChevronLeftRegular />} aria-label={t('prevPage')} title={t('prevPage')} disabledFocusable={!doc || current === 0} onClick={() => step(-1)} />
        <Input
          className="vt-page-input"
          size="small"
          aria-label={t('pageNumber', { pages })}
          value={pageInput}
          disabled={!doc}
          inputMode="numeric"
          data-testid="viewer-page-input"
          onChange={(_, d) => setPageInput(d.value.replace(/\D/g, ''))}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            const n = Number(pageInput);
            if (n >= 1 && n <= pages) scrollToPage(n - 1);
            else setPageInput(String(current + 1));
          }}
          onBlur={() => setPageInput(String(current + 1))}
        />
        <Text className="vt-of-pages" data-testid="viewer-of-pages">{t('ofPages', { pages })}</Text>
        <ToolButton icon={<ChevronRightRegular />} aria-label={t('nextPage')} title={t('nextPage')} disabledFocusable={!doc || current >= pages - 1} onClick={() => step(1)} />
        <div role="separator" aria-orientation="vertical" className="vt-sep" />
        <ToolButton icon={<ZoomOutRegular />} aria-label={t('zoomOut')} title={t('zoomOut')} disabledFocusable={!doc || percent <= ZOOM_STEPS[0]} onClick={() => zoomBy(-1)} data-testid="viewer-zoom-out" />
        <Text className="vt-zoom" aria-label={t('zoomLevelLabel', { percent })} data-testid="viewer-zoom">{t('zoomLevel', { percent })}</Text>
        <ToolButton icon={<ZoomInRegular />} aria-label={t('zoomIn')} title={t('zoomIn')} disabledFocusable={!doc || percent >= ZOOM_STEPS[ZOOM_STEPS.length - 1]} onClick={() => zoomBy(1)} data-testid="viewer-zoom-in" />
        <ToolButton icon={<ArrowAutofitWidthRegular />} aria-label={t('fitWidth')} title={t('fitWidth')} disabledFocusable={!doc} aria-pressed={zoom === 'width'} onClick={() => setFit('width')} data-testid="viewer-fit-width" />
        <ToolButton icon={<PageFitRegular />} aria-label={t('fitPage')} title={t('fitPage')} disabledFocusable={!doc} aria-pressed={zoom === 'page'} onClick={() => setFit('page')} data-testid="viewer-fit-page" />
        <ToolButton icon={<ArrowRotateClockwiseRegular />} aria-label={t('rotate')} title={t('rotate')} disabledFocusable={!doc} onClick={rotate} data-testid="viewer-rotate" />
        <div role="separator" aria-orientation="vertical" className="vt-sep" />
        <ToolButton icon={<SearchRegular />} aria-label={t('search')} title={t('search')} disabledFocusable={!doc} aria-expanded={searchOpen} onClick={() => (searchOpen ? closeSearch() : openSearch())} data-testid="viewer-search-toggle" />
        <ToolButton icon={<PrintRegular />} aria-label={t('print')} title={t('print')} disabledFocusable={!doc || !!printing} onClick={() => void print()} data-testid="viewer-print" />
      </div>
      {allowOpen && (
        <input ref={fileRef} type="file" accept="application/pdf,.pdf" hidden aria-label={t('fileInput')} data-testid="viewer-file-input" onChange={(e) => { takeFile(e.target.files?.[0]); e.target.value = ''; }} />
      )}

      {searchOpen && (
        <div className="vt-search" role="search">
          <Input
            input={{ ref: searchInputRef }}
            size="small"
            className="vt-search-input"
            aria-label={t('searchInput')}
            placeholder={t('searchPlaceholder')}
            value={query}
            data-testid="viewer-search-input"
            onChange={(_, d) => setQuery(d.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                moveHit(e.shiftKey ? -1 : 1);
              }
            }}
          />
          <Text className="vt-search-status" role="status" aria-live="polite" data-testid="viewer-search-status">{searchStatus}</Text>
          <Button size="small" appearance="subtle" icon={<ChevronUpRegular />} aria-label={t('searchPrev')} title={t('searchPrev')} disabled={!hits?.length} onClick={() => moveHit(-1)} data-testid="viewer-search-prev" />
          <Button size="small" appearance="subtle" icon={<ChevronDownRegular />} aria-label={t('searchNext')} title={t('searchNext')} disabled={!hits?.length} onClick={() => moveHit(1)} data-testid="viewer-search-next" />
          <Button size="small" appearance="subtle" icon={<DismissRegular />} aria-label={t('searchClose')} title={t('searchClose')} onClick={closeSearch} />
        </div>
      )}

      <div className="vt-body">
        {thumbnails && (doc || load.s === 'loading') && (
          <div ref={stripRef} className="vt-strip" role="navigation" aria-label={t('thumbnails')} data-testid="viewer-thumbnails">
            {doc && firstDrawn && Array.from({ length: pages }, (_, i) => (
              <Thumbnail key={i} doc={doc} index={i} dims={dimsOf(i)} rotation={rotation} near={thumbNear.has(i)} current={i === current} onSelect={selectThumb} thumbRef={thumbRef} />
            ))}
          </div>
        )}
        <div
          ref={scrollRef}
          className="vt-scroll"
          tabIndex={0}
          role="document"
          aria-label={doc ? t('document', { name }) : t('documentEmpty')}
          data-testid="viewer-scroll"
        >
          {load.s === 'ready' && (
            <div className="vt-pages">
              {Array.from({ length: pages }, (_, i) => (
                <PageView
                  key={i}
                  doc={load.doc}
                  index={i}
                  pages={pages}
                  dims={dimsOf(i)}
                  scale={scale}
                  rotation={rotation}
                  near={near.has(i)}
                  hits={hitsByPage.get(i)}
                  revealToken={hits?.[hitIndex]?.page === i ? reveal : -1}
                  flash={flash?.page === i ? flash.rect : null}
                  textContent={textContent}
                  onDims={onDims}
                  onRendered={onPageRendered}
                  onLink={onLink}
                  pageRef={pageRef}
                  labels={labels}
                  pre={i === 0 ? pre : null}
                />
              ))}
            </div>
          )}
          {load.s === 'loading' && <Spinner className="vt-center" label={t('loading')} />}
          {load.s === 'empty' && <Text className="vt-center" data-testid="viewer-empty">{t('empty')}</Text>}
          {load.s === 'error' && <Text className="vt-center vt-error" role="alert" data-testid="viewer-error">{load.message}</Text>}
        </div>
        {dragging && <div className="vt-drop" aria-hidden="true"><Text size={500}>{t('dropHere')}</Text></div>}
      </div>

      {printing && (
        <Text className="vt-printing-status" role="status" data-testid="viewer-printing">{t('printing', { done: printing.done, total: printing.total })}</Text>
      )}
      {printing && printing.urls.length > 0 && createPortal(
        <div className="vt-print-root" data-testid="viewer-print-root">
          {printing.urls.map((u, i) => <img key={u} src={u} alt={t('thumbnail', { page: i + 1 })} className="vt-print-page" />)}
        </div>,
        document.body,
      )}

      <Dialog open={link !== null} onOpenChange={(_, d) => { if (!d.open) setLink(null); }} modalType="alert">
        <DialogSurface data-testid="viewer-link-dialog">
          <DialogBody>
            <DialogTitle>{t('link.title')}</DialogTitle>
            <DialogContent>
              <p>{t('link.body')}</p>
              <p className="vt-link-url" data-testid="viewer-link-url">{link}</p>
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={() => setLink(null)} data-testid="viewer-link-cancel">{t('link.cancel')}</Button>
              <Button appearance="primary" onClick={openLink} data-testid="viewer-link-open">{t('link.open')}</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>

      <Dialog open={password !== null} modalType="alert">
        <DialogSurface>
          <form onSubmit={(e) => { e.preventDefault(); password?.update(passwordText); setPassword(null); }}>
            <DialogBody>
              <DialogTitle>{t('password.title')}</DialogTitle>
              <DialogContent>
                <Field label={t('password.label')} validationMessage={password?.wrong ? t('password.wrong') : undefined}>
                  <Input type="password" value={passwordText} onChange={(_, d) => setPasswordText(d.value)} autoFocus />
                </Field>
              </DialogContent>
              <DialogActions>
                <Button appearance="secondary" onClick={() => {
                  setPassword(null);
                  setLoad({ s: 'error', message: t('password.cancelled') });
                  onOpenRef.current?.({ error: 'PASSWORD_CANCELLED' });
                }}>{t('password.cancel')}</Button>
                <Button appearance="primary" type="submit">{t('password.ok')}</Button>
              </DialogActions>
            </DialogBody>
          </form>
        </DialogSurface>
      </Dialog>
    </div>
  );
});
