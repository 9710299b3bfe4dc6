// Where the visible signature goes: one page of the document drawn with pdf.js (configured as the
// viewer configures it: components/viewer/pdfjs.ts) and, over it, the signature's box with a live
// preview of its appearance drawn here from the same parameters the signing service gets (title
// lines, the signature or seal image, the name; the text lines of an attachment or a copy). The
// box can be dragged with the mouse or moved with the arrow keys (Shift: 10 pt); positions are in
// PDF points (page space), converted through the page's pdf.js viewport (rotation included).
// The appearance itself is drawn in the renderer, not produced by the signing engine: the page
// is read from the File by ranges (as the viewer reads it: no copy of the whole document) and
// nothing is signed to show it.

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Spinner } from '@fluentui/react-components';
import type { PDFDocumentProxy, PageViewport } from 'pdfjs-dist';
import { openSource } from '../../components/viewer/pdfjs';

export type Rect4 = [number, number, number, number];

export type AppearancePreview =
  | { kind: 'signer'; title: string[]; fullName: string; imageUrl: string | null }
  | { kind: 'organisation'; imageUrl: string | null }
  | { kind: 'text'; lines: string[] };

export interface PlacementProps {
  /** The document (read by ranges). */
  file: File;
  pageIndex: number;
  /** [x1, y1, x2, y2] in page space. */
  rect: Rect4;
  /** false: the box is an existing field's (it cannot move). */
  movable: boolean;
  preview: AppearancePreview | null;
  onMove(rect: Rect4): void;
}

/** Width of the drawn page in CSS pixels. */
const PAGE_PX = 440;

export function Placement({ file, pageIndex, rect, movable, preview, onMove }: PlacementProps) {
  const { t } = useTranslation('sign');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [viewport, setViewport] = useState<PageViewport | null>(null);
  const [failed, setFailed] = useState(false);
  const drag = useRef<{ x: number; y: number; rect: Rect4 } | null>(null);

  useEffect(() => {
    let task: Awaited<ReturnType<typeof openSource>> | null = null;
    let gone = false;
    setDoc(null);
    setFailed(false);
    openSource({ kind: 'file', file })
      .then((tk) => {
        task = tk;
        return tk.promise;
      })
      .then((d) => { if (!gone) setDoc(d); })
      .catch(() => { if (!gone) setFailed(true); });
    return () => {
      gone = true;
      void task?.destroy();
    };
  }, [file]);

  useEffect(() => {
    if (!doc || pageIndex >= doc.numPages) return;
    let cancelled = false;
    let render: { cancel(): void; promise: Promise<void> } | null = null;
    void doc.getPage(pageIndex + 1).then((page) => {
      if (cancelled || !canvas.current) return;
      const base = page.getViewport({ scale: 1 });
      const vp = page.getViewport({ scale: PAGE_PX / base.width });
      const ratio = window.devicePixelRatio || 1;
      const c = canvas.current;
      c.width = Math.floor(vp.width * ratio);
      c.height = Math.floor(vp.height * ratio);
      c.style.width = `${Math.floor(vp.width)}px`;
      c.style.height = `${Math.floor(vp.height)}px`;
      setViewport(vp);
      render = page.render({ canvas: c, viewport: vp, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      render.promise.catch(() => undefined);
    });
    return () => {
      cancelled = true;
      render?.cancel();
    };
  }, [doc, pageIndex]);

  // the box in CSS pixels over the canvas
  const box = useMemo(() => {
    if (!viewport) return null;
    const [a, b, c, d] = viewport.convertToViewportRectangle(rect);
    return { left: Math.min(a, c), top: Math.min(b, d), width: Math.abs(c - a), height: Math.abs(d - b) };
  }, [viewport, rect]);

  /** Move by (dx, dy) CSS pixels on screen: the rect's corners through the viewport, kept on the page. */
  const moved = (from: Rect4, dx: number, dy: number): Rect4 => {
    if (!viewport) return from;
    const [a, b, c, d] = viewport.convertToViewportRectangle(from);
    const left = Math.min(a, c) + dx, top = Math.min(b, d) + dy, w = Math.abs(c - a), h = Math.abs(d - b);
    const l = Math.max(0, Math.min(viewport.width - w, left));
    const tp = Math.max(0, Math.min(viewport.height - h, top));
    const [x1, y1] = viewport.convertToPdfPoint(l, tp + h);
    const [x2, y2] = viewport.convertToPdfPoint(l + w, tp);
    const r = (v: number) => Math.round(v * 10) / 10;
    return [r(Math.min(x1, x2)), r(Math.min(y1, y2)), r(Math.max(x1, x2)), r(Math.max(y1, y2))];
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!movable) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, rect };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    onMove(moved(d.rect, e.clientX - d.x, e.clientY - d.y));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!movable || !viewport) return;
    const step = (e.shiftKey ? 10 : 2) * viewport.scale;
    const dir: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const m = dir[e.key];
    if (!m) return;
    e.preventDefault();
    onMove(moved(rect, m[0], m[1]));
  };

  const scale = viewport?.scale ?? 1;
  return (
    <div className="sign-placement" data-testid="sign-placement">
      {failed && <p role="alert">{t('placement.failed')}</p>}
      {!viewport && !failed && <Spinner size="small" label={t('placement.loading')} />}
      <div className="sign-placement-page">
        <canvas ref={canvas} aria-label={t('placement.page', { page: pageIndex + 1 })} role="img" />
        {box && (
          <div
            className={`sign-box${movable ? ' sign-box-movable' : ''}`}
            data-testid="sign-box"
            data-rect={rect.join(',')}
            role="group"
            tabIndex={0}
            aria-roledescription={t('placement.boxRole')}
            aria-label={movable ? t('placement.boxMovable', { x: Math.round(rect[0]), y: Math.round(rect[1]) }) : t('placement.boxFixed')}
            onDragStart={(e) => e.preventDefault()}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onKeyDown={onKey}
            ref={(el) => {
              if (!el) return;
              el.style.left = `${box.left}px`;
              el.style.top = `${box.top}px`;
              el.style.width = `${box.width}px`;
              el.style.height = `${box.height}px`;
              el.style.setProperty('--pt', `${scale}px`);
            }}
          >
            {preview && <AppearanceView preview={preview} />}
          </div>
        )}
      </div>
    </div>
  );
}

/** The appearance as the engine lays it out (Decree 30 Phụ lục I), approximately, in the box. */
function AppearanceView({ preview }: { preview: AppearancePreview }) {
  const { t } = useTranslation('sign');
  if (preview.kind === 'signer') {
    return (
      <div className="sign-ap sign-ap-signer" data-testid="sign-preview">
        <div className="sign-ap-title">{preview.title.map((l, i) => <div key={i}>{l}</div>)}</div>
        <div className="sign-ap-image">{preview.imageUrl ? <img src={preview.imageUrl} alt={t('placement.signatureImage')} draggable={false} /> : <span>{t('placement.noImage')}</span>}</div>
        <div className="sign-ap-name">{preview.fullName}</div>
      </div>
    );
  }
  if (preview.kind === 'organisation') {
    return (
      <div className="sign-ap sign-ap-seal" data-testid="sign-preview">
        {preview.imageUrl ? <img src={preview.imageUrl} alt={t('placement.sealImage')} draggable={false} /> : <span>{t('placement.noSeal')}</span>}
      </div>
    );
  }
  return (
    <div className="sign-ap sign-ap-text" data-testid="sign-preview">
      {preview.lines.map((l, i) => <div key={i}>{l}</div>)}
    </div>
  );
}
