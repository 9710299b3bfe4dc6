// Test-only: render a PDF page with poppler's pdftoppm at 72 dpi (1 px = 1 pt) and read the
// pixels back with our PNG decoder; classify pixels as blue ink, red seal or black text.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodePng } from '../../src-shared/appearance/png';
import type { Rect } from '../../src-shared/appearance/layout';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/appearance');

export const fonts = () => ({
  regular: readFileSync(path.join(ROOT, 'resources/fonts/LiberationSerif-Regular.ttf')),
  bold: readFileSync(path.join(ROOT, 'resources/fonts/LiberationSerif-Bold.ttf')),
});
export const sampleSignature = () => readFileSync(path.join(ROOT, 'resources/appearance/sample-signature.png'));
export const sampleSeal = () => readFileSync(path.join(ROOT, 'resources/appearance/sample-seal.png'));

export const A4: Rect = [0, 0, 595.28, 841.89];

export interface Raster {
  width: number;
  height: number;
  /** RGB at page coordinates in points (origin bottom left, like PDF). */
  at(x: number, y: number): [number, number, number];
  /** Count pixels matching `pred` whose page coordinates lie in `rect` (or the whole page). */
  count(pred: Pixel, rect?: Rect): number;
  /** Bounding box, in page coordinates, of all pixels matching `pred`. */
  bbox(pred: Pixel): Rect | undefined;
}

export type Pixel = (r: number, g: number, b: number) => boolean;
export const isBlue: Pixel = (r, g, b) => b > 120 && b > r + 60 && b > g + 40;
export const isRed: Pixel = (r, g, b) => r > 150 && r > g + 80 && r > b + 80;
export const isDark: Pixel = (r, g, b) => r < 110 && g < 110 && b < 110;

/** Write `pdf` as test-artifacts/appearance/NAME.pdf, render page 1 to NAME.png, return its pixels. */
export function renderPdf(pdf: Uint8Array, name: string): Raster {
  mkdirSync(ARTIFACTS, { recursive: true });
  const pdfPath = path.join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(pdfPath, pdf);
  execFileSync('pdftoppm', ['-r', '72', '-png', '-singlefile', pdfPath, path.join(ARTIFACTS, name)]);
  const png = decodePng(readFileSync(path.join(ARTIFACTS, `${name}.png`)));
  const ch = png.color === 'rgb' ? 3 : 1;
  return makeRaster(png.width, png.height, (ix, iy) => {
    const i = (iy * png.width + ix) * ch;
    return ch === 3 ? [png.pixels[i]!, png.pixels[i + 1]!, png.pixels[i + 2]!] : [png.pixels[i]!, png.pixels[i]!, png.pixels[i]!];
  });
}

/** A raster over an image whose pixel (ix, iy) — row 0 at the top — has colour `px(ix, iy)`. */
export function makeRaster(width: number, height: number, px: (ix: number, iy: number) => [number, number, number]): Raster {
  // Pixel (ix, iy) covers page x ∈ [ix, ix+1), y ∈ [H-iy-1, H-iy).
  const toPage = (ix: number, iy: number) => [ix + 0.5, height - iy - 0.5] as const;
  return {
    width,
    height,
    at: (x, y) => px(Math.floor(x), height - 1 - Math.floor(y)),
    count(pred, rect) {
      let n = 0;
      for (let iy = 0; iy < height; iy++) {
        for (let ix = 0; ix < width; ix++) {
          const [x, y] = toPage(ix, iy);
          if (rect && (x < rect[0] || x > rect[2] || y < rect[1] || y > rect[3])) continue;
          if (pred(...px(ix, iy))) n++;
        }
      }
      return n;
    },
    bbox(pred) {
      let b: Rect | undefined;
      for (let iy = 0; iy < height; iy++) {
        for (let ix = 0; ix < width; ix++) {
          if (!pred(...px(ix, iy))) continue;
          const [x, y] = toPage(ix, iy);
          b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
        }
      }
      return b;
    },
  };
}

export function pdftotext(pdfPath: string): string {
  return execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
}

export function pdffonts(pdfPath: string): string {
  return execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' });
}

/** qpdf --check: throws (non-zero exit) when the file is broken. */
export function qpdfCheck(pdfPath: string): string {
  return execFileSync('qpdf', ['--check', pdfPath], { encoding: 'utf8' });
}

export const grow = (r: Rect, d: number): Rect => [r[0] - d, r[1] - d, r[2] + d, r[3] + d];
