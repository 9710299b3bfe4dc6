// Visible signature appearances per Decree 30/2020/NĐ-CP Phụ lục I, built as PDF objects:
//   signer (ký duyệt)        blue signature image centred between the title line(s) and the name;
//   organisation (phát hành) red seal at true size over the left third of the signer's image;
//   attachment / copy        no image; 10 pt Times-metric serif text, black, top right of page 1.
// Bytes in (PNG, TrueType font), objects out through an ObjectSink; no I/O here.
// The returned `appearance` is a Form XObject for the widget's /AP /N; its /BBox is
// [0 0 width height] of `rect`, the widget's /Rect. Every stream here is Flate-encoded and
// carries /Filter and /Length (set by us; a serializer that rewrites /Length writes the same).

import { VanthuError } from '../errors';
import { name, PdfDict, type ObjectSink, type PdfRef } from '../pdf/objects';
import { ascii, num } from './bytes';
import { EmbeddedFont, flateStream } from './font/embed';
import { imageXObject } from './image';
import {
  DEFAULT_SEAL_MM, MM, defaultTextRect, fitCentered, normalizeRect, rectHeight, rectWidth, sealRectForSigner,
  signerImageBand, type Rect,
} from './layout';
import { decodePng, physicalWidthPt } from './png';
import { formMatrix, normalizeRotation, rectFromVisual, rectToVisual, visualBox, type Rotation } from './rotation';
import { stackLines, wrapLine } from './text';
import { formatVnIso } from './time';

export { defaultTextRect, sealRectForSigner, estimateSignerImageRect, DEFAULT_SEAL_MM, MM, type Rect, type TextRectOptions } from './layout';
export { formatVnIso } from './time';
export { normalizeRotation, type Rotation } from './rotation';
export { decodePng, physicalWidthPt, type DecodedPng } from './png';
export { TrueTypeFont } from './font/truetype';
export { subsetTrueType } from './font/subset';
export { EmbeddedFont } from './font/embed';

/** TrueType font programs (callers read resources/fonts/LiberationSerif-*.ttf). */
export interface AppearanceFonts {
  regular: Uint8Array;
  /** Used for the signer's title and name; the regular font is used when absent. */
  bold?: Uint8Array;
}

export interface SignerAppearanceSpec {
  kind: 'signer';
  /** Widget rect on the page. */
  rect: Rect;
  /** PNG of the handwritten signature (blue ink, transparent background). */
  signatureImage: Uint8Array;
  /** Authority and title, one string per line (or '\n'-separated), e.g. ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']. */
  title: string | string[];
  fullName: string;
  fonts: AppearanceFonts;
  /** Title/name size in pt, default 13; shrunk so each line fits the width. */
  fontSize?: number;
  padding?: number;
  /** The page's /Rotate; the content is turned so it reads upright. `rect` stays in page space. */
  pageRotation?: number;
}

export interface OrganisationAppearanceSpec {
  kind: 'organisation';
  /** PNG of the seal (red, transparent background); pHYs gives its true size. */
  sealImage: Uint8Array;
  /** Rect of the signer (ký duyệt) widget the seal must overlap. Needed unless `rect` is given. */
  signerRect?: Rect;
  /** The signer's image rect, when known (returned as `imageRect` for the signer kind). */
  signerImageRect?: Rect;
  /** Seal width in pt; default from pHYs, else 35 mm. */
  sealSizePt?: number;
  /** Explicit seal rect; overrides the placement computed from the signer. */
  rect?: Rect;
  /** The page's /Rotate: "left" then means the reader's left on the rotated page. */
  pageRotation?: number;
}

interface TextAppearanceBase {
  /**
   * The page box (CropBox or MediaBox) of page 1, to place the text at its top right. Optional in
   * the type because signPdf fills it from the document; building without it (and without
   * `rect`) is an error.
   */
  pageBox?: Rect;
  /** Số/ký hiệu of the main document (attachment) or of the copy (copy), e.g. '15/QĐ-UBND'. */
  documentNumber: string;
  /** The signing time shown; signPdf fills it with the signature's time when left out. */
  signingTime?: Date;
  fonts: AppearanceFonts;
  /** Default 10 pt. */
  fontSize?: number;
  /** Replace the default lines entirely. */
  lines?: string[];
  /** Explicit rect (page space); default `defaultTextRect` at the reader's top right. */
  rect?: Rect;
  /**
   * Longer lines are wrapped at spaces. Default: the page width less the 30 mm left and 20 mm
   * right margins of Decree 30 (or the width of `rect`).
   */
  maxWidth?: number;
  /** The page's /Rotate: the text goes to the top right as the page is displayed, upright. */
  pageRotation?: number;
}

export interface AttachmentAppearanceSpec extends TextAppearanceBase {
  kind: 'attachment';
}

export type CopyForm = 'SAO Y' | 'SAO LỤC' | 'TRÍCH SAO';

export interface CopyAppearanceSpec extends TextAppearanceBase {
  kind: 'copy';
  copyForm: CopyForm;
  /** The copying organisation, e.g. 'VĂN PHÒNG UBND TỈNH HẢI DƯƠNG'. */
  copyingAgency: string;
}

export type AppearanceSpec = SignerAppearanceSpec | OrganisationAppearanceSpec | AttachmentAppearanceSpec | CopyAppearanceSpec;

export interface AppearanceResult {
  /** Form XObject for the widget's /AP << /N … >>. */
  appearance: PdfRef;
  /** The widget's /Rect on the page. */
  rect: Rect;
  /** Where the image lies on the page (signer and organisation kinds). */
  imageRect?: Rect;
}

function rectError(detail: string): VanthuError {
  return new VanthuError(
    'APPEARANCE_RECT_TOO_SMALL',
    `Khung chữ ký quá nhỏ: ${detail}.`,
    `The signature box is too small: ${detail}.`,
  );
}

/** The text lines of an attachment or copy appearance (defaults of Decree 30 Phụ lục I). */
export function textLinesFor(spec: AttachmentAppearanceSpec | CopyAppearanceSpec): string[] {
  if (spec.lines) return spec.lines;
  if (!spec.signingTime) {
    throw new VanthuError('APPEARANCE_TIME_MISSING', 'Thiếu thời gian ký để hiển thị.', 'The signing time to display is missing.');
  }
  const time = formatVnIso(spec.signingTime);
  if (spec.kind === 'attachment') return [spec.documentNumber, time];
  return [spec.copyForm, spec.copyingAgency, spec.documentNumber, time];
}

export function buildSignatureAppearance(sink: ObjectSink, spec: AppearanceSpec): AppearanceResult {
  switch (spec.kind) {
    case 'signer':
      return buildSigner(sink, spec);
    case 'organisation':
      return buildOrganisation(sink, spec);
    case 'attachment':
    case 'copy':
      return buildText(sink, spec);
    default:
      throw new VanthuError('APPEARANCE_KIND_UNKNOWN', 'Loại chữ ký hiển thị không hợp lệ.', 'Unknown visible signature kind.');
  }
}

/**
 * Private key of a signer appearance form: the image box in form (visual) space, so a later
 * organisation signature can put the seal over the image's left third (see
 * signerImageRectFromAppearance). Viewers ignore unknown keys.
 */
export const IMAGE_BOX_KEY = 'VanthuImageBox';

/** A form of `w` × `h` in visual orientation; /Matrix turns it for a rotated page. */
function formXObject(sink: ObjectSink, w: number, h: number, rot: Rotation, content: string, resources: PdfDict, imageBox?: Rect): PdfRef {
  const dict = new PdfDict({
    Type: name('XObject'),
    Subtype: name('Form'),
    FormType: 1,
    BBox: [0, 0, w, h],
    Matrix: formMatrix(rot),
    Resources: resources,
  });
  if (imageBox) dict.set(IMAGE_BOX_KEY, imageBox.map((v) => Math.round(v * 1000) / 1000));
  return sink.add(flateStream(dict, ascii(content)));
}

/**
 * The signer image rect on the page, read back from an earlier signer widget: `form` is the
 * dictionary of its /AP /N stream, `widgetRect` its /Rect, `pageRotation` the page's /Rotate.
 * Undefined when the appearance was not made by us (then sealRectForSigner estimates it).
 */
export function signerImageRectFromAppearance(form: PdfDict, widgetRect: Rect, pageRotation?: number): Rect | undefined {
  const box = form.get(IMAGE_BOX_KEY);
  if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number')) return undefined;
  return rectFromVisual(normalizeRect(widgetRect), normalizeRotation(pageRotation), box as Rect);
}

/** Width and height of a page-space rect as the reader sees it. */
function visualSize(rect: Rect, rot: Rotation): [number, number] {
  return rot === 90 || rot === 270 ? [rectHeight(rect), rectWidth(rect)] : [rectWidth(rect), rectHeight(rect)];
}

function drawImage(box: Rect, nameOfImage: string): string {
  return `q ${num(rectWidth(box))} 0 0 ${num(rectHeight(box))} ${num(box[0])} ${num(box[1])} cm /${nameOfImage} Do Q\n`;
}

function buildSigner(sink: ObjectSink, spec: SignerAppearanceSpec): AppearanceResult {
  const rect = normalizeRect(spec.rect);
  const rot = normalizeRotation(spec.pageRotation);
  const [w, h] = visualSize(rect, rot);
  const pad = spec.padding ?? 2;
  const titleLines = (Array.isArray(spec.title) ? spec.title : spec.title.split('\n')).map((s) => s.trim()).filter(Boolean);
  const bold = new EmbeddedFont(spec.fonts.bold ?? spec.fonts.regular, sink);
  let fs = spec.fontSize ?? 13;
  for (const line of [...titleLines, spec.fullName]) {
    const lw = bold.measure(line, fs);
    if (lw > w - 2 * pad) fs = (fs * (w - 2 * pad)) / lw;
  }
  if (fs < 5) throw rectError('title or name does not fit its width');
  const title = stackLines(bold, titleLines, fs);
  const nameBlock = stackLines(bold, [spec.fullName], fs);
  const band = signerImageBand(w, h, title.height, nameBlock.height, pad, fs * 0.25);
  if (rectHeight(band) < 10 || rectWidth(band) < 10) throw rectError('no room left for the signature image');

  const png = decodePng(spec.signatureImage);
  const image = imageXObject(sink, png);
  const imgBox = fitCentered(band, png.width / png.height);

  let content = 'q\n0 g\n';
  const text = (s: string, baseline: number) => {
    const enc = bold.encode(s);
    const x = (w - enc.width * fs) / 2;
    content += `BT /F1 ${num(fs)} Tf ${num(x)} ${num(baseline)} Td ${enc.hex} Tj ET\n`;
  };
  titleLines.forEach((s, i) => text(s, h - pad - title.baselines[i]!));
  content += drawImage(imgBox, 'Im1');
  text(spec.fullName, pad + nameBlock.height - nameBlock.baselines[0]!);
  content += 'Q\n';

  const fontRef = bold.finish();
  const appearance = formXObject(sink, w, h, rot, content, new PdfDict({
    Font: new PdfDict({ F1: fontRef }),
    XObject: new PdfDict({ Im1: image }),
  }), imgBox);
  return { appearance, rect, imageRect: rectFromVisual(rect, rot, imgBox) };
}

function buildOrganisation(sink: ObjectSink, spec: OrganisationAppearanceSpec): AppearanceResult {
  const png = decodePng(spec.sealImage);
  const sealW = spec.sealSizePt ?? physicalWidthPt(png) ?? DEFAULT_SEAL_MM * MM;
  const sealH = (sealW * png.height) / png.width;
  const rot = normalizeRotation(spec.pageRotation);
  let rect: Rect;
  if (spec.rect) rect = normalizeRect(spec.rect);
  else if (spec.signerRect) {
    // Place in the reader's orientation, relative to the signer widget, then map back.
    const frame = normalizeRect(spec.signerRect);
    const vSigner = rectToVisual(frame, rot, frame);
    const vImage = spec.signerImageRect ? rectToVisual(frame, rot, normalizeRect(spec.signerImageRect)) : undefined;
    rect = rectFromVisual(frame, rot, sealRectForSigner(vSigner, sealW, vImage, sealH));
  } else {
    throw new VanthuError(
      'APPEARANCE_SEAL_POSITION_MISSING',
      'Cần vị trí chữ ký của người ký duyệt (hoặc vị trí con dấu) để đặt hình con dấu.',
      "The signer's signature rect (or an explicit seal rect) is needed to place the seal.",
    );
  }
  const image = imageXObject(sink, png);
  const [w, h] = visualSize(rect, rot);
  const box = fitCentered([0, 0, w, h], png.width / png.height);
  const appearance = formXObject(sink, w, h, rot, drawImage(box, 'Im1'), new PdfDict({ XObject: new PdfDict({ Im1: image }) }));
  return { appearance, rect, imageRect: rectFromVisual(rect, rot, box) };
}

function buildText(sink: ObjectSink, spec: AttachmentAppearanceSpec | CopyAppearanceSpec): AppearanceResult {
  const fs = spec.fontSize ?? 10;
  const font = new EmbeddedFont(spec.fonts.regular, sink);
  const pad = 1;
  const rot = normalizeRotation(spec.pageRotation);
  const pageBox = spec.pageBox;
  if (!spec.rect && !(pageBox && rectWidth(normalizeRect(pageBox)) > 0 && rectHeight(normalizeRect(pageBox)) > 0)) {
    throw new VanthuError('APPEARANCE_PAGE_BOX_MISSING', 'Thiếu kích thước trang để đặt chữ ký ở góc trên bên phải.',
      'The page box is needed to place the signature at the top right.');
  }
  const maxWidth = spec.maxWidth ?? (spec.rect
    ? visualSize(normalizeRect(spec.rect), rot)[0] - 2 * pad
    : rectWidth(visualBox(pageBox!, rot)) - 50 * MM);
  const lines = textLinesFor(spec).flatMap((l) => wrapLine(font, l, fs, Math.max(maxWidth, fs)));
  const block = stackLines(font, lines, fs);
  const rect = spec.rect
    ? normalizeRect(spec.rect)
    : rectFromVisual(pageBox!, rot, defaultTextRect(visualBox(pageBox!, rot), lines, {
      fontSize: fs, measure: (s) => font.measure(s, fs), padding: pad, height: block.height,
    }));
  const [w, h] = visualSize(rect, rot);
  let content = 'q\n0 g\n';
  lines.forEach((s, i) => {
    const enc = font.encode(s);
    const x = Math.max(pad, w - pad - enc.width * fs); // right-aligned against the page's right margin
    content += `BT /F1 ${num(fs)} Tf ${num(x)} ${num(h - pad - block.baselines[i]!)} Td ${enc.hex} Tj ET\n`;
  });
  content += 'Q\n';
  const fontRef = font.finish();
  const appearance = formXObject(sink, w, h, rot, content, new PdfDict({ Font: new PdfDict({ F1: fontRef }) }));
  return { appearance, rect };
}
