// A page thumbnail in the strip: a button (goes to the page) whose small canvas is drawn only
// while it is near the strip's viewport and once the main view's first page is drawn (the
// thumbnails never delay page 1).
import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { effectiveSize, type PageDims } from './PageView';

interface Props {
  doc: PDFDocumentProxy;
  index: number;
  dims: PageDims;
  rotation: number;
  near: boolean;
  current: boolean;
  onSelect(index: number): void;
  thumbRef(index: number, el: HTMLButtonElement | null): void;
}

export const THUMB_WIDTH = 96;

function ThumbnailImpl(p: Props) {
  const { t } = useTranslation('viewer');
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const [drawn, setDrawn] = useState(false);
  const base = effectiveSize(p.dims, 1, p.rotation);
  const scale = THUMB_WIDTH / Math.max(1, base.width);
  const { width, height } = effectiveSize(p.dims, scale, p.rotation);

  useEffect(() => {
    if (!p.near) {
      setDrawn(false);
      return;
    }
    let cancelled = false;
    let task: { cancel(): void; promise: Promise<void> } | null = null;
    (async () => {
      const page = await p.doc.getPage(p.index + 1);
      if (cancelled || !canvasRef.current) return;
      const vp = page.getViewport({ scale: scale * (window.devicePixelRatio || 1), rotation: (page.rotate + p.rotation) % 360 });
      const canvas = canvasRef.current;
      canvas.width = Math.floor(vp.width);
      canvas.height = Math.floor(vp.height);
      task = page.render({ canvas, viewport: vp });
      await task.promise;
      if (!cancelled) setDrawn(true);
    })().catch(() => { /* cancelled, or the page failed: the main view reports it */ });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [p.near, p.doc, p.index, p.rotation, scale]);

  return (
    <button
      ref={(el) => p.thumbRef(p.index, el)}
      type="button"
      className="vt-thumb"
      data-thumb-index={p.index}
      aria-label={t('thumbnail', { page: p.index + 1 })}
      aria-current={p.current ? 'page' : undefined}
      onClick={() => p.onSelect(p.index)}
    >
      <span className="vt-thumb-frame" style={{ width, height }}>
        {p.near && <canvas ref={canvasRef} className="vt-thumb-canvas" data-drawn={drawn ? 'true' : 'false'} style={{ width, height }} aria-hidden="true" />}
      </span>
      <span className="vt-thumb-number" aria-hidden="true">{p.index + 1}</span>
    </button>
  );
}

export const Thumbnail = memo(ThumbnailImpl);
