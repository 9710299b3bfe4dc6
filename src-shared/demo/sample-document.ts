// Builds realistic Vietnamese administrative documents (Quyết định, Tờ trình, Công văn…) as
// real PDF files for the demo province: the layout of Decree 30/2020/NĐ-CP Phụ lục I on A4
// portrait — issuing organisation and national title side by side, Số / place and date, type
// name and subject, justified body flowing onto extra pages, signer block with room for the
// handwritten signature, Nơi nhận, an optional footer on every page. All text is drawn with the
// caller's TrueType fonts (embedded as subsets with ToUnicode, so it extracts as typed).
// Runtime-agnostic: font bytes in, PDF bytes out.

import { VanthuError } from '../errors';
import { ascii, num } from '../appearance/bytes';
import { EmbeddedFont, flateStream } from '../appearance/font/embed';
import { LEADING, MM } from '../appearance/layout';
import { stackLines, wrapLine } from '../appearance/text';
import { NewPdf } from '../pdf/new-document';
import { name, PdfDict, type PdfRef } from '../pdf/objects';
import { pdfDate, textString } from '../pdf/serialize';

export interface SampleDocumentSpec {
  /** The issuing organisation, e.g. { parent: 'UBND HUYỆN GIA LỘC', name: 'UBND XÃ GIA TÂN' }; printed in capitals. */
  issuer: { parent?: string; name: string };
  /** Số, ký hiệu, e.g. '15/QĐ-UBND'; when absent 'Số:      /' + `notation` is printed (number left blank). */
  number?: string;
  /** Ký hiệu used in the placeholder, e.g. 'TTr-UBND'. */
  notation?: string;
  /** 'Gia Tân, ngày 04 tháng 12 năm 2026' */
  placeDate: string;
  /** 'QUYẾT ĐỊNH', 'TỜ TRÌNH', …; absent for a Công văn (then 'V/v …' goes under the number). */
  typeName?: string;
  /** Trích yếu. */
  subject: string;
  /** Độ khẩn, printed framed under the number (or the V/v line), e.g. 'THƯỢNG KHẨN'. */
  urgency?: string;
  /** Body paragraphs: first-line indent, justified, wrapped to the text width, onto extra pages when long. */
  paragraphs: string[];
  /** E.g. { authority: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', fullName: 'Lê Văn Cường' }. */
  signer: { authority?: string; title: string; fullName: string };
  /**
   * The 'Nơi nhận:' list. Items are printed as '- item;' (a leading '-' and a final ';' or '.'
   * are added when missing); '- Lưu: VT.' is appended as the last line unless an item starts with 'Lưu'.
   */
  recipients: string[];
  /** Printed small at the bottom of every page, e.g. 'DÙNG THỬ — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ'. */
  footer?: string;
  /** /Info /Title; default the type name and the subject. */
  title?: string;
  /** /Info /CreationDate; default now. */
  created?: Date;
}

/** [x, y, width, height] in PDF user space (origin bottom left, points). */
export type BoxXYWH = [number, number, number, number];

export interface SampleDocument {
  bytes: Uint8Array;
  pages: number;
  /** Where a signer's handwritten-signature image goes: between the title lines and the full name (PDF user space, [x, y, width, height], page index). */
  signatureBox: { page: number; rect: BoxXYWH };
  /** The whole signer block (authority, title, gap, name), for an organisation seal overlapping its left third. */
  signerBlock: { page: number; rect: BoxXYWH };
}

export interface SampleDocumentFonts {
  regular: Uint8Array;
  bold: Uint8Array;
  /** For the place and date line; the regular font is used when absent. */
  italic?: Uint8Array;
}

// ---- Page geometry (Phụ lục I: A4, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm)

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN_TOP = 20 * MM;
const MARGIN_BOTTOM = 20 * MM;
const MARGIN_LEFT = 30 * MM;
const MARGIN_RIGHT = 15 * MM;
const TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/** Left column (organisation, Số, Nơi nhận) and right column (national title, date, signer). */
const LEFT_COL_W = TEXT_W * 0.4;
const RIGHT_COL_X = MARGIN_LEFT + LEFT_COL_W;
const RIGHT_COL_W = TEXT_W - LEFT_COL_W;
const LEFT_CX = MARGIN_LEFT + LEFT_COL_W / 2;
const RIGHT_CX = RIGHT_COL_X + RIGHT_COL_W / 2;
const PAGE_CX = MARGIN_LEFT + TEXT_W / 2;
/** Lowest point (measured from the top) that body text and the signer block may reach. */
const TEXT_BOTTOM = PAGE_H - MARGIN_BOTTOM;

const SIZE = {
  org: 13, national: 13, motto: 14, number: 13, placeDate: 14, vv: 12, urgency: 13,
  typeName: 14, subject: 14, body: 14, signer: 14, recipientsHead: 12, recipients: 11,
  pageNumber: 13, footer: 9,
};
const HEADER_ROW = 1.2 * SIZE.motto;
const BODY_PITCH = LEADING * SIZE.body;
const PARAGRAPH_SPACING = 6;
const FIRST_LINE_INDENT = 12.7 * MM;
/** Room left for the handwritten signature between the title and the name. */
const SIGNATURE_GAP = 25 * MM;
const SIGNATURE_BOX_W = 70 * MM;
const RULE = 0.6;
/** Shear of the synthetic oblique used for the bold-italic 'Nơi nhận:' (≈ 11°). */
const OBLIQUE = 0.2;
/** Body lines kept on the page of the signer block, so it never stands alone on a page. */
const LINES_WITH_SIGNER = 2;

interface Face {
  res: string;
  font: EmbeddedFont;
}

const fmtRect = (x: number, y: number, w: number, h: number): BoxXYWH =>
  [x, y, w, h].map((v) => Math.round(v * 1000) / 1000) as BoxXYWH;

/** Ascent of the line's ink (at least the font's ascent) and descent below its baseline. */
function extent(face: Face, text: string, size: number): { head: number; tail: number } {
  const b = stackLines(face.font, [text], size);
  return { head: b.baselines[0]!, tail: b.height - b.baselines[0]! };
}

/** One page's content stream. Positions are given as distances below the page's top edge. */
class PageContent {
  private ops: string[] = ['q', '0 g', '0 G'];

  text(face: Face, size: number, x: number, down: number, s: string, oblique = false): number {
    const enc = face.font.encode(s);
    const m = oblique ? `1 0 ${OBLIQUE} 1` : '1 0 0 1';
    this.ops.push(`BT /${face.res} ${num(size)} Tf ${m} ${num(x)} ${num(PAGE_H - down)} Tm ${enc.hex} Tj ET`);
    return enc.width * size;
  }

  centred(face: Face, size: number, cx: number, down: number, s: string): number {
    const w = face.font.measure(s, size);
    this.text(face, size, cx - w / 2, down, s);
    return w;
  }

  /** A line spread to `width` by widening the spaces between words (TJ offsets, since Tw does not apply to two-byte codes). */
  justified(face: Face, size: number, x: number, down: number, s: string, width: number): void {
    const words = s.split(' ');
    const extra = words.length > 1 ? (width - face.font.measure(s, size)) / (words.length - 1) : 0;
    if (extra <= 0 || extra > size) {
      this.text(face, size, x, down, s);
      return;
    }
    const adjust = num((-extra * 1000) / size);
    const parts = words.map((w, i) => face.font.encode(i < words.length - 1 ? `${w} ` : w).hex);
    this.ops.push(`BT /${face.res} ${num(size)} Tf 1 0 0 1 ${num(x)} ${num(PAGE_H - down)} Tm [${parts.join(` ${adjust} `)}] TJ ET`);
  }

  rule(x1: number, x2: number, down: number, width = RULE): void {
    const y = num(PAGE_H - down);
    this.ops.push(`${num(width)} w ${num(x1)} ${y} m ${num(x2)} ${y} l S`);
  }

  frame(x: number, top: number, w: number, h: number): void {
    this.ops.push(`${num(RULE)} w ${num(x)} ${num(PAGE_H - top - h)} ${num(w)} ${num(h)} re S`);
  }

  content(): Uint8Array {
    return ascii([...this.ops, 'Q', ''].join('\n'));
  }
}

interface BodyLine {
  text: string;
  indent: number;
  /** Last line of its paragraph: left aligned, not justified. */
  last: boolean;
  /** First line of a paragraph other than the first: PARAGRAPH_SPACING above it. */
  spaced: boolean;
}

interface PlacedLine {
  line: BodyLine;
  page: number;
  baseline: number;
}

function docError(en: string, vi: string): VanthuError {
  return new VanthuError('DEMO_DOCUMENT_LAYOUT', vi, en);
}

/** Break paragraphs into body lines: the first line narrower by the indent, the rest the full width. */
function bodyLines(face: Face, paragraphs: string[]): BodyLine[] {
  const out: BodyLine[] = [];
  paragraphs.forEach((raw, p) => {
    const text = raw.replace(/\s+/g, ' ').trim();
    if (!text) return;
    const first = wrapLine(face.font, text, SIZE.body, TEXT_W - FIRST_LINE_INDENT)[0]!;
    const rest = text.slice(first.length).trim();
    const lines = [first, ...(rest ? wrapLine(face.font, rest, SIZE.body, TEXT_W) : [])];
    lines.forEach((l, i) => out.push({
      text: l,
      indent: i === 0 ? FIRST_LINE_INDENT : 0,
      last: i === lines.length - 1,
      spaced: i === 0 && p > 0 && out.length > 0,
    }));
  });
  return out;
}

/**
 * Wrap for centred text: as many lines as wrapLine gives at `maxWidth`, but at the narrowest
 * width that keeps that count, so no line is left with a lone word ('… của xã Gia / Tân').
 */
function balancedWrap(face: Face, text: string, size: number, maxWidth: number): string[] {
  const lines = wrapLine(face.font, text, size, maxWidth);
  if (lines.length < 2) return lines;
  let lo = maxWidth / 2;
  let hi = maxWidth;
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (wrapLine(face.font, text, size, mid).length > lines.length) lo = mid;
    else hi = mid;
  }
  return wrapLine(face.font, text, size, hi);
}

/** Recipient items as printed: '- item;' and a last '- Lưu: VT.'. */
function recipientItems(list: string[]): string[] {
  const items = list.map((s) => s.replace(/\s+/g, ' ').trim().replace(/^-\s*/, '').replace(/[;.,]$/, '')).filter(Boolean);
  if (!items.some((s) => /^Lưu\b/u.test(s.normalize('NFC')))) items.push('Lưu: VT');
  return items.map((s, i) => `- ${s}${i === items.length - 1 ? '.' : ';'}`);
}

export function buildSampleDocument(spec: SampleDocumentSpec, fonts: SampleDocumentFonts): SampleDocument {
  if (!spec.issuer?.name?.trim()) throw docError('The issuing organisation is missing.', 'Thiếu tên cơ quan ban hành.');
  if (!spec.signer?.title?.trim() || !spec.signer.fullName?.trim()) {
    throw docError("The signer's title or name is missing.", 'Thiếu chức vụ hoặc họ tên người ký.');
  }
  const pdf = new NewPdf();
  const R: Face = { res: 'F1', font: new EmbeddedFont(fonts.regular, pdf) };
  const B: Face = { res: 'F2', font: new EmbeddedFont(fonts.bold, pdf) };
  const I: Face = fonts.italic ? { res: 'F3', font: new EmbeddedFont(fonts.italic, pdf) } : R;
  const caps = (s: string) => s.replace(/\s+/g, ' ').trim().toUpperCase();

  const pages: PageContent[] = [new PageContent()];
  const p1 = pages[0]!;

  // ---- Header: organisation (left) and national title + motto (right), sharing the first baseline.
  const left: { face: Face; text: string }[] = [];
  if (spec.issuer.parent?.trim()) {
    for (const l of balancedWrap(R, caps(spec.issuer.parent), SIZE.org, LEFT_COL_W)) left.push({ face: R, text: l });
  }
  const nameLines = balancedWrap(B, caps(spec.issuer.name), SIZE.org, LEFT_COL_W);
  for (const l of nameLines) left.push({ face: B, text: l });
  const national = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  const nationalSize = Math.min(SIZE.national, (SIZE.national * (RIGHT_COL_W - 2)) / B.font.measure(national, SIZE.national));
  const firstBaseline = MARGIN_TOP + Math.max(
    extent(left[0]!.face, left[0]!.text, SIZE.org).head,
    extent(B, national, nationalSize).head,
  );
  left.forEach((l, i) => p1.centred(l.face, SIZE.org, LEFT_CX, firstBaseline + i * HEADER_ROW, l.text));
  const lastNameBaseline = firstBaseline + (left.length - 1) * HEADER_ROW;
  const orgRuleW = Math.max(40, 0.4 * Math.max(...nameLines.map((l) => B.font.measure(l, SIZE.org))));
  const orgRule = lastNameBaseline + extent(B, nameLines[nameLines.length - 1]!, SIZE.org).tail + 4;
  p1.rule(LEFT_CX - orgRuleW / 2, LEFT_CX + orgRuleW / 2, orgRule);

  p1.centred(B, nationalSize, RIGHT_CX, firstBaseline, national);
  const mottoBaseline = firstBaseline + HEADER_ROW;
  const mottoW = p1.centred(B, SIZE.motto, RIGHT_CX, mottoBaseline, motto);
  const mottoRule = mottoBaseline + extent(B, motto, SIZE.motto).tail + 2;
  p1.rule(RIGHT_CX - mottoW / 2, RIGHT_CX + mottoW / 2, mottoRule);

  // ---- Số (left) and place, date (right) on one line.
  const numberBaseline = Math.max(orgRule, mottoRule) + 8 + extent(R, 'Số:', SIZE.number).head;
  // Without a number the space before '/' is left for the văn thư to fill in when registering.
  const numberText = spec.number?.trim() ? `Số: ${spec.number.trim()}` : `Số:${' '.repeat(8)}/${spec.notation?.trim() ?? ''}`;
  p1.centred(R, SIZE.number, LEFT_CX, numberBaseline, numberText);
  const placeDate = spec.placeDate.replace(/\s+/g, ' ').trim();
  const placeSize = Math.min(SIZE.placeDate, (SIZE.placeDate * RIGHT_COL_W) / I.font.measure(placeDate, SIZE.placeDate));
  p1.centred(I, placeSize, RIGHT_CX, numberBaseline, placeDate);
  let leftBottom = numberBaseline + extent(R, numberText, SIZE.number).tail;
  const rightBottom = numberBaseline + extent(I, placeDate, placeSize).tail;

  const subject = spec.subject.replace(/\s+/g, ' ').trim();
  if (!spec.typeName?.trim()) {
    // Công văn: the subject as 'V/v …' centred under the number.
    const lowerFirst = /^\p{Lu}\p{Ll}/u.test(subject) ? subject.charAt(0).toLowerCase() + subject.slice(1) : subject;
    const vv = /^v\/v\b/i.test(subject) ? subject : `V/v ${lowerFirst}`;
    balancedWrap(R, vv, SIZE.vv, LEFT_COL_W).forEach((l, i) => {
      const b = numberBaseline + SIZE.number * LEADING + i * SIZE.vv * LEADING;
      p1.centred(R, SIZE.vv, LEFT_CX, b, l);
      leftBottom = b + extent(R, l, SIZE.vv).tail;
    });
  }
  if (spec.urgency?.trim()) {
    // Độ khẩn in a frame (Phụ lục I, mục 14b).
    const u = caps(spec.urgency);
    const { head, tail } = extent(B, u, SIZE.urgency);
    const baseline = leftBottom + 8 + head + 3;
    const w = p1.centred(B, SIZE.urgency, LEFT_CX, baseline, u);
    p1.frame(LEFT_CX - w / 2 - 6, baseline - head - 3, w + 12, head + tail + 6);
    leftBottom = baseline + tail + 3;
  }

  // ---- Type name and subject, centred, with a short rule under the subject.
  let cursor = Math.max(leftBottom, rightBottom);
  if (spec.typeName?.trim()) {
    const typeName = caps(spec.typeName);
    let baseline = cursor + 14 + extent(B, typeName, SIZE.typeName).head;
    p1.centred(B, SIZE.typeName, PAGE_CX, baseline, typeName);
    let widest = 0;
    for (const l of balancedWrap(B, subject, SIZE.subject, TEXT_W * 0.85)) {
      baseline += SIZE.subject * LEADING;
      widest = Math.max(widest, p1.centred(B, SIZE.subject, PAGE_CX, baseline, l));
    }
    const rule = baseline + extent(B, subject, SIZE.subject).tail + 3;
    const rw = Math.max(60, widest * 0.4);
    p1.rule(PAGE_CX - rw / 2, PAGE_CX + rw / 2, rule);
    cursor = rule + 10;
  } else cursor += 10;

  // ---- Body, flowing from page to page.
  const lines = bodyLines(R, spec.paragraphs);
  const bodyHead = extent(R, 'Ổ', SIZE.body).head;
  const bodyTail = extent(R, 'gỵ', SIZE.body).tail;
  const placed: PlacedLine[] = [];
  let page = 0;
  let baseline = cursor + bodyHead - BODY_PITCH; // the first line adds one pitch below
  let firstOnPage = false;
  const newPage = () => {
    page++;
    baseline = MARGIN_TOP + bodyHead;
    firstOnPage = true;
  };
  for (const line of lines) {
    if (!firstOnPage) baseline += BODY_PITCH + (line.spaced ? PARAGRAPH_SPACING : 0);
    if (baseline + bodyTail > TEXT_BOTTOM) newPage();
    firstOnPage = false;
    placed.push({ line, page, baseline });
  }

  // ---- Closing: signer block on the right, Nơi nhận on the left, both starting at one height.
  const titleLines = [spec.signer.authority, spec.signer.title]
    .filter((s): s is string => !!s?.trim())
    .flatMap((s) => balancedWrap(B, caps(s), SIZE.signer, RIGHT_COL_W));
  const fullName = spec.signer.fullName.replace(/\s+/g, ' ').trim();
  const titleBlock = stackLines(B.font, titleLines, SIZE.signer);
  const nameBlock = stackLines(B.font, [fullName], SIZE.signer);
  const signerHeight = titleBlock.height + SIGNATURE_GAP + nameBlock.height;

  const recipients = recipientItems(spec.recipients);
  const dash = R.font.measure('- ', SIZE.recipients);
  const recipientW = RIGHT_COL_X - MARGIN_LEFT - 8;
  const recipientLines = recipients.flatMap((item) => {
    const [first, ...rest] = wrapLine(R.font, item, SIZE.recipients, recipientW);
    const cont = rest.length ? wrapLine(R.font, rest.join(' '), SIZE.recipients, recipientW - dash) : [];
    return [{ text: first!, x: MARGIN_LEFT }, ...cont.map((text) => ({ text, x: MARGIN_LEFT + dash }))];
  });
  const recipientsHeadOffset = titleBlock.baselines[0]!; // 'Nơi nhận:' level with the first title line
  const recipientsHeight = recipientsHeadOffset + SIZE.recipientsHead * LEADING
    + (recipientLines.length - 1) * SIZE.recipients * LEADING + extent(R, 'gỵ', SIZE.recipients).tail;
  const closingHeight = Math.max(signerHeight, recipientsHeight);
  const closingGap = 12;

  const lastLine = placed[placed.length - 1];
  let closingTop = lastLine ? lastLine.baseline + bodyTail + closingGap : cursor;
  if (closingTop + closingHeight > TEXT_BOTTOM) {
    // Move the last body lines of this page to a new one, so the signer block has text above it
    // (but never every line: the page left behind keeps at least one).
    const onPage = placed.filter((p) => p.page === page);
    const moved = onPage.slice(onPage.length - Math.min(LINES_WITH_SIGNER, Math.max(0, onPage.length - 1)));
    newPage();
    moved.forEach((p, i) => {
      if (i > 0) baseline += BODY_PITCH + (p.line.spaced ? PARAGRAPH_SPACING : 0);
      p.page = page;
      p.baseline = baseline;
    });
    closingTop = moved.length ? baseline + bodyTail + closingGap : MARGIN_TOP;
    if (closingTop + closingHeight > TEXT_BOTTOM) {
      throw docError('The signer block and recipient list do not fit on one page.', 'Khối chữ ký và nơi nhận không vừa một trang.');
    }
  }
  while (pages.length <= page) pages.push(new PageContent());

  for (const p of placed) {
    const c = pages[p.page]!;
    const x = MARGIN_LEFT + p.line.indent;
    if (p.line.last) c.text(R, SIZE.body, x, p.baseline, p.line.text);
    else c.justified(R, SIZE.body, x, p.baseline, p.line.text, TEXT_W - p.line.indent);
  }

  const closing = pages[page]!;
  titleLines.forEach((l, i) => closing.centred(B, SIZE.signer, RIGHT_CX, closingTop + titleBlock.baselines[i]!, l));
  const nameTop = closingTop + titleBlock.height + SIGNATURE_GAP;
  closing.centred(B, SIZE.signer, RIGHT_CX, nameTop + nameBlock.baselines[0]!, fullName);

  const headBaseline = closingTop + recipientsHeadOffset;
  closing.text(B, SIZE.recipientsHead, MARGIN_LEFT, headBaseline, 'Nơi nhận:', true);
  recipientLines.forEach((l, i) => {
    closing.text(R, SIZE.recipients, l.x, headBaseline + SIZE.recipientsHead * LEADING + i * SIZE.recipients * LEADING, l.text);
  });

  const widest = Math.max(...[...titleLines, fullName].map((l) => B.font.measure(l, SIZE.signer)));
  const blockW = Math.min(RIGHT_COL_W, Math.max(SIGNATURE_BOX_W, widest + 4));
  const blockX = RIGHT_CX - blockW / 2;
  const pad = 2;
  const sigTop = closingTop + titleBlock.height + pad;
  const sigBottom = nameTop - pad;
  const signatureBox = { page, rect: fmtRect(blockX, PAGE_H - sigBottom, blockW, sigBottom - sigTop) };
  const signerBlock = { page, rect: fmtRect(blockX, PAGE_H - closingTop - signerHeight, blockW, signerHeight) };

  // ---- Page numbers (from page 2, centred in the top margin) and the footer on every page.
  const footer = spec.footer?.replace(/\s+/g, ' ').trim();
  pages.forEach((c, i) => {
    if (i > 0) c.centred(R, SIZE.pageNumber, PAGE_CX, MARGIN_TOP / 2 + SIZE.pageNumber / 3, String(i + 1));
    if (footer) c.centred(R, SIZE.footer, PAGE_CX, PAGE_H - MARGIN_BOTTOM / 2 + SIZE.footer / 3, footer);
  });

  // ---- Objects: fonts, pages, catalog, info.
  const faces = fonts.italic ? [R, B, I] : [R, B];
  const fontDict = new PdfDict();
  for (const f of faces) fontDict.set(f.res, f.font.finish());
  const resources = pdf.add(new PdfDict({ Font: fontDict, ProcSet: [name('PDF'), name('Text')] }));
  const pagesRef = pdf.reserve();
  const kids: PdfRef[] = pages.map((c) => pdf.add(new PdfDict({
    Type: name('Page'),
    Parent: pagesRef,
    MediaBox: [0, 0, PAGE_W, PAGE_H],
    Resources: resources,
    Contents: pdf.add(flateStream(new PdfDict(), c.content())),
  })));
  pdf.set(pagesRef, new PdfDict({ Type: name('Pages'), Kids: kids, Count: kids.length }));
  const catalog = pdf.add(new PdfDict({
    Type: name('Catalog'),
    Pages: pagesRef,
    Lang: textString('vi-VN'),
    ViewerPreferences: new PdfDict({ DisplayDocTitle: true }),
  }));
  const title = spec.title?.trim() || (spec.typeName?.trim() ? `${caps(spec.typeName)} ${subject}` : subject);
  const info = pdf.add(new PdfDict({
    Title: textString(title),
    Subject: textString(subject),
    Producer: textString('Văn thư số'),
    CreationDate: pdfDate(spec.created ?? new Date()),
  }));
  return { bytes: pdf.toBytes(catalog, info), pages: pages.length, signatureBox, signerBlock };
}
