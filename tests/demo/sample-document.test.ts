// The demo's sample administrative documents (src-shared/demo/sample-document.ts) and the
// whole-file composer under them (src-shared/pdf/new-document.ts), checked with real tools:
// qpdf --check, poppler's pdftotext (-layout and -bbox), pdffonts and pdftoppm, and our own
// reader. Renderings are left in test-artifacts/demo/ to be looked at.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSampleDocument, type SampleDocumentSpec } from '../../src-shared/demo/sample-document';
import { NewPdf, contentId } from '../../src-shared/pdf/new-document';
import { BytesSource, PdfDict, PdfReader, PdfString, decodeText, name, str } from '../../src-shared/pdf/index';
import { decodePng } from '../../src-shared/appearance/png';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'test-artifacts/demo');
const PAGE_H = 841.89;
const MM = 72 / 25.4;

const read = (p: string) => new Uint8Array(readFileSync(p));
const FONTS = {
  regular: read(path.join(ROOT, 'resources/fonts/LiberationSerif-Regular.ttf')),
  bold: read(path.join(ROOT, 'resources/fonts/LiberationSerif-Bold.ttf')),
  italic: read('/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf'),
};
const nfc = (s: string) => s.normalize('NFC');

function save(file: string, bytes: Uint8Array): string {
  mkdirSync(OUT, { recursive: true });
  const p = path.join(OUT, file);
  writeFileSync(p, bytes);
  return p;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const layoutText = (pdf: string, page?: number) =>
  run('pdftotext', ['-layout', ...(page ? ['-f', String(page), '-l', String(page)] : []), pdf, '-']);

interface Word { page: number; text: string; xMin: number; yMin: number; xMax: number; yMax: number }

/** Words with their boxes (top-left origin, points) from `pdftotext -bbox`. */
function words(pdf: string): Word[] {
  const html = run('pdftotext', ['-bbox', pdf, '-']);
  const out: Word[] = [];
  let page = -1;
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  for (const m of html.matchAll(/<page |<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[0] === '<page ') page++;
    else out.push({ page, text: nfc(unescape(m[5]!)), xMin: +m[1]!, yMin: +m[2]!, xMax: +m[3]!, yMax: +m[4]! });
  }
  return out;
}

/** Top-left-origin [left, top, right, bottom] of an [x, y, w, h] box in PDF user space. */
const topDown = ([x, y, w, h]: number[]) => ({ left: x!, top: PAGE_H - y! - h!, right: x! + w!, bottom: PAGE_H - y! });
const overlaps = (w: Word, b: ReturnType<typeof topDown>) => w.xMin < b.right && w.xMax > b.left && w.yMin < b.bottom && w.yMax > b.top;

const base: SampleDocumentSpec = {
  issuer: { parent: 'UBND HUYỆN GIA LỘC', name: 'UBND XÃ GIA TÂN' },
  number: '15/QĐ-UBND',
  placeDate: 'Gia Tân, ngày 04 tháng 12 năm 2026',
  typeName: 'QUYẾT ĐỊNH',
  subject: 'Về việc phê duyệt kế hoạch chuyển đổi số năm 2027',
  paragraphs: [
    'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;',
    'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
    'Thực hiện Nghị quyết số 12/NQ-HĐND ngày 20 tháng 11 năm 2026 của Hội đồng nhân dân xã về kế hoạch phát triển kinh tế - xã hội năm 2027; theo đề nghị của công chức Văn phòng - Thống kê xã.',
    'Điều 1. Phê duyệt kế hoạch chuyển đổi số năm 2027 của xã Gia Tân (kèm theo Quyết định này).',
    'Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Văn phòng - Thống kê, các ban, ngành, đoàn thể xã và các thôn chịu trách nhiệm thi hành Quyết định này./.',
  ],
  signer: { authority: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', fullName: 'Lê Văn Cường' },
  recipients: ['Như Điều 2;', 'UBND huyện Gia Lộc (để b/c);', 'Thường trực Đảng ủy, HĐND xã', 'Lưu: VT, VP.'],
  footer: 'DÙNG THỬ — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ',
  created: new Date(Date.UTC(2026, 11, 4, 2, 0, 0)),
};

const filler = (i: number) =>
  `Khoản ${i + 1}. Ủy ban nhân dân xã giao các ban, ngành, đoàn thể và trưởng các thôn tổ chức rà soát, cập nhật dữ liệu dân cư, đất đai, hộ kinh doanh trên địa bàn; bảo đảm thông tin đầy đủ, chính xác, kịp thời, phục vụ việc cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp.`;
const long: SampleDocumentSpec = {
  ...base,
  number: '27/QĐ-UBND',
  subject: 'Về việc ban hành Quy chế quản lý, vận hành và khai thác hệ thống thông tin giải quyết thủ tục hành chính của xã Gia Tân',
  paragraphs: [...base.paragraphs.slice(0, 3), ...Array.from({ length: 14 }, (_, i) => filler(i)), 'Đoạn cuối cùng của văn bản dài./.'],
};

describe('NewPdf', () => {
  it('writes a complete file: header, objects, xref table, trailer with /Root, /Info, /ID, startxref, %%EOF', () => {
    const pdf = new NewPdf();
    const pages = pdf.reserve();
    const page = pdf.add(new PdfDict({ Type: name('Page'), Parent: pages, MediaBox: [0, 0, 200, 100] }));
    pdf.set(pages, new PdfDict({ Type: name('Pages'), Kids: [page], Count: 1 }));
    const root = pdf.add(new PdfDict({ Type: name('Catalog'), Pages: pages }));
    const info = pdf.add(new PdfDict({ Title: str('t') }));
    const bytes = pdf.toBytes(root, info);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text.startsWith('%PDF-1.7\n%')).toBe(true);
    expect([...bytes.subarray(10, 14)].every((b) => b >= 0x80)).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 5)).toBe('xref\n');

    const r = PdfReader.open(new BytesSource(bytes));
    expect(r.recovered).toBe(false); // the xref table's offsets were right
    expect(r.pages()).toHaveLength(1);
    expect(r.rootRef.num).toBe(root.num);
    const id = r.trailer.get('ID') as PdfString[];
    expect(id).toHaveLength(2);
    expect(id[0]!.bytes).toHaveLength(16);
    expect(decodeText(r.resolveDict(r.trailer.get('Info'))!.get('Title') as PdfString)).toBe('t');
    const p = save('new-pdf-minimal.pdf', bytes);
    expect(run('qpdf', ['--check', p])).toContain('No syntax or stream encoding errors');
  });

  it('derives the /ID from the content, or takes the one given', () => {
    const make = (title: string, id?: Uint8Array) => {
      const pdf = new NewPdf();
      const root = pdf.add(new PdfDict({ Type: name('Catalog') }));
      return PdfReader.open(new BytesSource(pdf.toBytes(root, pdf.add(new PdfDict({ Title: str(title) })), id)))
        .trailer.get('ID') as PdfString[];
    };
    expect(make('a')[0]!.bytes).toEqual(make('a')[0]!.bytes);
    expect(make('a')[0]!.bytes).not.toEqual(make('b')[0]!.bytes);
    const given = Uint8Array.from({ length: 16 }, (_, i) => i);
    expect(make('a', given)[1]!.bytes).toEqual(given);
    expect(contentId(new Uint8Array([1, 2, 3]))).not.toEqual(contentId(new Uint8Array([1, 2, 4])));
  });

  it('refuses a reserved object that was never set', () => {
    const pdf = new NewPdf();
    pdf.reserve();
    const root = pdf.add(new PdfDict({ Type: name('Catalog') }));
    expect(() => pdf.toBytes(root)).toThrow(/reserved but never set/);
  });
});

describe('buildSampleDocument: one page', () => {
  const doc = buildSampleDocument(base, FONTS);
  const file = save('quyet-dinh.pdf', doc.bytes);

  it('is a well-formed one-page PDF (qpdf --check)', () => {
    expect(doc.pages).toBe(1);
    expect(run('qpdf', ['--check', file])).toContain('No syntax or stream encoding errors');
  });

  it('extracts the Vietnamese text verbatim (pdftotext -layout), in NFC', () => {
    const text = layoutText(file);
    expect(text).toBe(nfc(text));
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'UBND HUYỆN GIA LỘC', 'UBND XÃ GIA TÂN',
      'Số: 15/QĐ-UBND', 'Gia Tân, ngày 04 tháng 12 năm 2026', 'QUYẾT ĐỊNH', base.subject,
      'Thực hiện Nghị quyết số 12/NQ-HĐND', 'Căn cứ Nghị định số 30/2020/NĐ-CP',
      'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', 'Lê Văn Cường', 'Nơi nhận:', '- Như Điều 2;', '- Thường trực Đảng ủy, HĐND xã;',
      '- Lưu: VT, VP.', 'DÙNG THỬ — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ',
    ]) expect(text, s).toContain(nfc(s));
    expect(text.match(/Lưu:/g)).toHaveLength(1); // the given 'Lưu' item is not doubled
  });

  it('is read by our reader: one A4 page, fonts in the resources, /Info as asked', () => {
    const r = PdfReader.open(new BytesSource(doc.bytes));
    expect(r.recovered).toBe(false);
    const pages = r.pages();
    expect(pages).toHaveLength(doc.pages);
    expect(pages[0]!.mediaBox).toEqual([0, 0, 595.28, 841.89]);
    const fontsDict = r.resolveDict(pages[0]!.resources!.get('Font'))!;
    expect([...fontsDict.map.keys()]).toEqual(['F1', 'F2', 'F3']);
    const info = r.resolveDict(r.trailer.get('Info'))!;
    expect(decodeText(info.get('Title') as PdfString)).toBe(`QUYẾT ĐỊNH ${base.subject}`);
    expect(decodeText(info.get('Producer') as PdfString)).toBe('Văn thư số');
    expect(decodeText(info.get('CreationDate') as PdfString)).toBe("D:20261204090000+07'00'");
    expect(run('pdffonts', [file])).toMatch(/LiberationSerif-Italic\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  });

  it('leaves the signature box empty, between the title and the name (pdftotext -bbox)', () => {
    const box = topDown(doc.signatureBox.rect);
    expect(doc.signatureBox.page).toBe(0);
    expect(box.bottom - box.top).toBeGreaterThan(20 * MM);
    const ws = words(file);
    expect(ws.filter((w) => overlaps(w, box)).map((w) => w.text)).toEqual([]);
    // The closing starts at 'Nơi nhận:' (the national title also has a 'CHỦ').
    const closingTop = ws.find((w) => w.text === 'Nơi')!.yMin - 2;
    const inSigner = (w: Word) => w.yMin > closingTop && w.xMin > box.left;
    const titleWords = ws.filter((w) => ['CHỦ', 'TỊCH'].includes(w.text) && inSigner(w));
    const nameWords = ws.filter((w) => ['Lê', 'Văn', 'Cường'].includes(w.text) && inSigner(w));
    expect(titleWords).toHaveLength(2);
    expect(nameWords).toHaveLength(3);
    for (const w of titleWords) expect(w.yMax).toBeLessThanOrEqual(box.top + 0.5);
    for (const w of nameWords) expect(w.yMin).toBeGreaterThanOrEqual(box.bottom - 0.5);
    // Right next to the text: the gap is the room for the image, not a box floating elsewhere.
    expect(box.top - Math.max(...titleWords.map((w) => w.yMax))).toBeLessThan(5);
    expect(Math.min(...nameWords.map((w) => w.yMin)) - box.bottom).toBeLessThan(5);
    // The signer block holds the title, the box and the name.
    const block = topDown(doc.signerBlock.rect);
    for (const w of [...titleWords, ...nameWords]) expect(overlaps(w, block)).toBe(true);
    expect(block.top).toBeLessThanOrEqual(box.top);
    expect(block.bottom).toBeGreaterThanOrEqual(box.bottom);
    // Nơi nhận starts level with the first line of the signer block, in the left column.
    const tm = ws.find((w) => w.text === 'TM.')!;
    const noi = ws.find((w) => w.text === 'Nơi')!;
    expect(Math.abs(noi.yMax - tm.yMax)).toBeLessThan(3);
    expect(noi.xMax).toBeLessThan(block.left);
  });

  it('renders page 1 (pdftoppm -r 50) with no ink inside the signature box, ink above and below it', () => {
    execFileSync('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', '-singlefile', file, path.join(OUT, 'quyet-dinh')]);
    const png = decodePng(read(path.join(OUT, 'quyet-dinh.png')));
    const k = 50 / 72;
    expect(Math.abs(png.width - 595.28 * k)).toBeLessThan(1);
    const ch = png.color === 'rgb' ? 3 : 1;
    /** Dark pixels whose centres lie in a top-down box (points). */
    const ink = (b: { left: number; top: number; right: number; bottom: number }) => {
      let n = 0;
      for (let iy = Math.floor(b.top * k); iy < Math.ceil(b.bottom * k); iy++) {
        for (let ix = Math.floor(b.left * k); ix < Math.ceil(b.right * k); ix++) {
          const cx = (ix + 0.5) / k;
          const cy = (iy + 0.5) / k;
          if (cx < b.left || cx > b.right || cy < b.top || cy > b.bottom) continue;
          const i = (iy * png.width + ix) * ch;
          if (png.pixels[i]! < 128) n++;
        }
      }
      return n;
    };
    const box = topDown(doc.signatureBox.rect);
    expect(ink(box)).toBe(0);
    expect(ink({ ...box, top: box.top - 20, bottom: box.top })).toBeGreaterThan(20); // CHỦ TỊCH
    expect(ink({ ...box, top: box.bottom, bottom: box.bottom + 20 })).toBeGreaterThan(20); // Lê Văn Cường
    // The page is a document, not a blank sheet: the header is inked too.
    expect(ink({ left: 0, top: 0, right: 595, bottom: 120 })).toBeGreaterThan(500);
  });

  it('gives the same bytes for the same spec and date', () => {
    expect(buildSampleDocument(base, FONTS).bytes).toEqual(doc.bytes);
  });
});

describe('buildSampleDocument: long document', () => {
  const doc = buildSampleDocument(long, FONTS);
  const file = save('quyet-dinh-dai.pdf', doc.bytes);
  const ws = words(file);

  it('flows onto more pages, each well formed and counted by our reader', () => {
    expect(doc.pages).toBeGreaterThanOrEqual(2);
    expect(run('qpdf', ['--check', file])).toContain('No syntax or stream encoding errors');
    const r = PdfReader.open(new BytesSource(doc.bytes));
    expect(r.pages()).toHaveLength(doc.pages);
    expect(Number(/Pages:\s*(\d+)/.exec(run('pdfinfo', [file]))![1])).toBe(doc.pages);
    execFileSync('pdftoppm', ['-r', '50', '-png', file, path.join(OUT, 'quyet-dinh-dai')]);
  });

  it('keeps the signer block whole on the last page, with body text above it', () => {
    const last = doc.pages - 1;
    expect(doc.signatureBox.page).toBe(last);
    expect(doc.signerBlock.page).toBe(last);
    const block = topDown(doc.signerBlock.rect);
    expect(block.bottom).toBeLessThanOrEqual(PAGE_H - 20 * MM);
    for (const t of ['TM.', 'CHỦ', 'TỊCH', 'Cường']) {
      const found = ws.filter((w) => w.text === t && w.xMin > block.left - 1 && !(w.page === 0 && w.yMax < 40 * MM));
      expect(found.map((w) => w.page), t).toEqual([last]);
      expect(overlaps(found[0]!, block), t).toBe(true);
    }
    expect(ws.filter((w) => w.page === last && w.text === 'Nơi')).toHaveLength(1);
    // Some body text shares the page with the signature (never a page holding only it).
    expect(ws.some((w) => w.page === last && w.yMax < block.top && w.yMin > 25 * MM)).toBe(true);
    expect(layoutText(file, last + 1)).toContain('Đoạn cuối cùng của văn bản dài./.');
    const box = topDown(doc.signatureBox.rect);
    expect(ws.filter((w) => w.page === last && overlaps(w, box))).toEqual([]);
  });

  it('stays inside the margins, numbers pages from 2 and prints the footer on every page', () => {
    const footerTop = PAGE_H - 20 * MM;
    for (let p = 0; p < doc.pages; p++) {
      const onPage = ws.filter((w) => w.page === p);
      const footer = onPage.filter((w) => w.yMin >= footerTop);
      expect(footer.map((w) => w.text).join(' ')).toBe('DÙNG THỬ — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ');
      const top = onPage.filter((w) => w.yMax <= 20 * MM);
      expect(top.map((w) => w.text)).toEqual(p === 0 ? [] : [String(p + 1)]);
      for (const w of onPage) {
        expect(w.xMin, w.text).toBeGreaterThanOrEqual(30 * MM - 0.5);
        expect(w.xMax, w.text).toBeLessThanOrEqual(595.28 - 15 * MM + 0.5);
      }
    }
    // Page 2 continues the body (the filler paragraphs), not just the closing.
    expect(layoutText(file, 2)).toMatch(/Khoản \d+\./);
  });
});

describe('buildSampleDocument: Công văn without a number yet', () => {
  const spec: SampleDocumentSpec = {
    issuer: { name: 'UBND XÃ GIA TÂN' },
    notation: 'UBND-VP',
    placeDate: 'Gia Tân, ngày 10 tháng 12 năm 2026',
    subject: 'Đôn đốc triển khai tiếp nhận hồ sơ trực tuyến',
    urgency: 'Hỏa tốc',
    paragraphs: ['Kính gửi: Các thôn trên địa bàn xã.', 'Thực hiện Nghị quyết số 12/NQ-HĐND, Ủy ban nhân dân xã đề nghị các thôn khẩn trương triển khai.'],
    signer: { authority: 'KT. CHỦ TỊCH', title: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Thị Hằng' },
    recipients: ['Như trên'],
    created: new Date(Date.UTC(2026, 11, 10)),
  };
  const doc = buildSampleDocument(spec, { regular: FONTS.regular, bold: FONTS.bold });
  const file = save('cong-van.pdf', doc.bytes);

  it('prints the number placeholder, V/v under it, the framed urgency; no type name', () => {
    expect(run('qpdf', ['--check', file])).toContain('No syntax or stream encoding errors');
    const text = layoutText(file);
    expect(text).toMatch(/Số:\s{3,}\/UBND-VP/);
    // Wrapped in the left column: 'V/v đôn đốc triển khai' / 'tiếp nhận hồ sơ trực tuyến'.
    expect(text.replace(/\s+/g, ' ')).toContain('V/v đôn đốc triển khai tiếp nhận hồ sơ trực tuyến');
    expect(text).toContain('HỎA TỐC');
    expect(text).toContain('- Như trên;');
    expect(text).toContain('- Lưu: VT.');
    expect(text).not.toContain('QUYẾT ĐỊNH');
    const ws = words(file);
    const so = ws.find((w) => w.text === 'Số:')!;
    const vv = ws.find((w) => w.text === 'V/v')!;
    const urgent = ws.find((w) => w.text === 'HỎA')!;
    expect(vv.yMin).toBeGreaterThan(so.yMax - 1);
    expect(urgent.yMin).toBeGreaterThan(vv.yMax - 1);
    // Everything below the Số line down to the urgency stays in the left column.
    const between = ws.filter((w) => w.yMin > so.yMax - 1 && w.yMax < urgent.yMax + 1);
    expect(between.map((w) => w.text).join(' ')).toBe('V/v đôn đốc triển khai tiếp nhận hồ sơ trực tuyến HỎA TỐC');
    expect(Math.max(...between.map((w) => w.xMax))).toBeLessThan(30 * MM + 0.4 * (595.28 - 45 * MM));
  });

  it('uses the regular font for the date without an italic font, and titles /Info by the subject', () => {
    expect(run('pdffonts', [file])).not.toContain('Italic');
    const r = PdfReader.open(new BytesSource(doc.bytes));
    expect(r.pages()).toHaveLength(1);
    expect([...r.resolveDict(r.pages()[0]!.resources!.get('Font'))!.map.keys()]).toEqual(['F1', 'F2']);
    expect(decodeText(r.resolveDict(r.trailer.get('Info'))!.get('Title') as PdfString)).toBe(spec.subject);
  });
});
