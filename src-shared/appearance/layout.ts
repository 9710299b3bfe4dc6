// Geometry of the Decree 30 visible signatures, in PDF user-space points. A Rect is
// [llx, lly, urx, ury] exactly as a widget's /Rect. Pure functions; no font or image decoding.

export type Rect = [number, number, number, number];

export const MM = 72 / 25.4;
/** Default seal diameter when the seal PNG carries no pHYs: 35 mm. */
export const DEFAULT_SEAL_MM = 35;

export function rectWidth(r: Rect): number {
  return r[2] - r[0];
}
export function rectHeight(r: Rect): number {
  return r[3] - r[1];
}
export function normalizeRect(r: Rect): Rect {
  return [Math.min(r[0], r[2]), Math.min(r[1], r[3]), Math.max(r[0], r[2]), Math.max(r[1], r[3])];
}

/** Line height as a multiple of the font size, for every text block we draw. */
export const LEADING = 1.2;

/**
 * Where the signature image goes inside a signer (ký duyệt) widget of `width` × `height`: the
 * band between the title block (height `titleBlock`) at the top and the name block at the
 * bottom, as a rect relative to the widget's origin.
 */
export function signerImageBand(width: number, height: number, titleBlock: number, nameBlock: number, padding: number, gap: number): Rect {
  return [padding, padding + nameBlock + gap, width - padding, height - padding - titleBlock - gap];
}

/** Fit an image of the given aspect ratio (w/h) inside `box`, centred. */
export function fitCentered(box: Rect, aspect: number): Rect {
  const bw = rectWidth(box);
  const bh = rectHeight(box);
  let w = bw;
  let h = bw / aspect;
  if (h > bh) {
    h = bh;
    w = bh * aspect;
  }
  const x = box[0] + (bw - w) / 2;
  const y = box[1] + (bh - h) / 2;
  return [x, y, x + w, y + h];
}

/**
 * The signer's image rect on the page, estimated from the signer widget rect alone (two title
 * lines, 13 pt, the image spanning the band's width) — used when the caller does not know the
 * real image rect that buildSignatureAppearance returned for the signer.
 */
export function estimateSignerImageRect(signerRect: Rect): Rect {
  const r = normalizeRect(signerRect);
  const w = rectWidth(r);
  const h = rectHeight(r);
  const fs = Math.min(13, h / 8);
  // Two title lines and one name line of Liberation Serif (ascent 0.89, descent 0.22 em).
  const band = signerImageBand(w, h, (1.1 + LEADING) * fs, 1.1 * fs, 2, fs * 0.25);
  return [r[0] + band[0], r[1] + band[1], r[0] + band[2], r[1] + band[3]];
}

/**
 * The seal (phát hành) rect for a signer widget: a seal of `sealSizePt` (width; height defaults
 * to the same, a round seal) whose right edge lies one third into the signer's image from its
 * left and whose centre is level with the image's centre, so the seal covers the image's left
 * third. Pass `signerImageRect` when known; otherwise it is estimated from the widget rect.
 */
export function sealRectForSigner(signerRect: Rect, sealSizePt: number, signerImageRect?: Rect, sealHeightPt = sealSizePt): Rect {
  const img = normalizeRect(signerImageRect ?? estimateSignerImageRect(signerRect));
  const right = img[0] + rectWidth(img) / 3;
  const cy = (img[1] + img[3]) / 2;
  return [right - sealSizePt, cy - sealHeightPt / 2, right, cy + sealHeightPt / 2];
}

export interface TextRectOptions {
  fontSize?: number;
  /** Width of a line at `fontSize`; defaults to an estimate of 0.5 em per character. */
  measure?: (line: string) => number;
  /** Distance from the page's top edge, default 8 mm. */
  marginTop?: number;
  /** Distance from the page's right edge, default 20 mm (Decree 30 right margin). */
  marginRight?: number;
  padding?: number;
  /** Height of the text block without padding; default estimated as (lines − 1) × 1.2 + 1.35 em. */
  height?: number;
}

/** Default rect for attachment/copy text: top right of the page box, sized to the lines. */
export function defaultTextRect(pageBox: Rect, lines: string[], opts: TextRectOptions = {}): Rect {
  const page = normalizeRect(pageBox);
  const fs = opts.fontSize ?? 10;
  const pad = opts.padding ?? 1;
  const measure = opts.measure ?? ((s: string) => s.length * fs * 0.5);
  const textW = Math.max(0, ...lines.map(measure));
  const w = textW + 2 * pad;
  const h = (opts.height ?? (Math.max(1, lines.length) - 1) * fs * LEADING + 1.35 * fs) + 2 * pad;
  const x2 = page[2] - (opts.marginRight ?? 20 * MM);
  const y2 = page[3] - (opts.marginTop ?? 8 * MM);
  return [x2 - w, y2 - h, x2, y2];
}
