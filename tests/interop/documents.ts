// Input documents of the interop matrix: tagged and untagged, classic cross-reference tables,
// xref streams and object streams. Taken from the shared corpus (pyHanko, node-signpdf), made by
// mkpdf.py, rewritten by qpdf (--object-streams=generate, --qdf), and generated here with our
// NewPdf (src-shared/pdf/new-document.ts): a document with an optional content group, text
// fields with appearances and an image (the shadow attacks need them), and a tagged one.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { NewPdf } from '../../src-shared/pdf/new-document';
import { PdfDict, PdfStream, name, type PdfRef } from '../../src-shared/pdf/objects';
import { textString } from '../../src-shared/pdf/serialize';
import { CORPUS, SHARED } from './env';

export type XrefKind = 'table' | 'stream' | 'objstm';

export interface BaseDoc {
  id: string;
  path: string;
  source: string;
  tagged: boolean;
  xref: XrefKind;
  /** images, form, oc (optional content), sigfield (empty signature fields) */
  features: string[];
  /** Empty signature fields in the input. */
  emptySigFields?: string[];
  /** Text fields (for fill / lock / replace). */
  textFields?: string[];
}

const enc = (s: string) => new TextEncoder().encode(s);

/** A two-page document with an image, an OCG-controlled "BẢN NHÁP" overlay, two filled text fields and an empty one. */
export function generateOcForm(): Uint8Array {
  const pdf = new NewPdf();
  const font = pdf.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Helvetica'), Encoding: name('WinAnsiEncoding') }));
  const side = 16;
  const raw = new Uint8Array(side * side * 3);
  for (let i = 0; i < raw.length; i += 3) { raw[i] = (i * 7) & 0xff; raw[i + 1] = 0x40; raw[i + 2] = 0xa0; }
  const img = pdf.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Image'), Width: side, Height: side, ColorSpace: name('DeviceRGB'), BitsPerComponent: 8 }), raw));
  const ocg = pdf.add(new PdfDict({ Type: name('OCG'), Name: textString('Ban nhap') }));
  const pagesRef = pdf.reserve();
  const page1 = pdf.reserve();
  const page2 = pdf.reserve();
  const c1 = pdf.add(new PdfStream(new PdfDict(), enc([
    'BT /F1 16 Tf 72 780 Td (UBND TINH HAI DUONG - QUYET DINH so 123/QD-UBND) Tj ET',
    'BT /F1 12 Tf 72 750 Td (Ve viec phe duyet du toan kinh phi nam 2026: 1.250.000.000 dong) Tj ET',
    'q 120 0 0 120 72 560 cm /Im1 Do Q',
    '/OC /oc1 BDC q 0.85 0 0 rg BT /F1 48 Tf 160 420 Td (BAN NHAP) Tj ET Q EMC',
  ].join('\n'))));
  const c2 = pdf.add(new PdfStream(new PdfDict(), enc('BT /F1 12 Tf 72 780 Td (Trang 2 - Phu luc) Tj ET')));
  const field = (t: string, v: string, rect: number[]) => {
    const w = rect[2] - rect[0];
    const h = rect[3] - rect[1];
    const ap = pdf.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, w, h], Resources: new PdfDict({ Font: new PdfDict({ F1: font }) }) }),
      enc(`/Tx BMC q BT /F1 11 Tf 0 g 2 5 Td (${v}) Tj ET Q EMC`)));
    const d = new PdfDict({
      Type: name('Annot'), Subtype: name('Widget'), FT: name('Tx'), T: textString(t), DA: textString('/F1 11 Tf 0 g'),
      Rect: rect, F: 4, P: page1, AP: new PdfDict({ N: ap }),
    });
    if (v) d.set('V', textString(v));
    return pdf.add(d);
  };
  const f1 = field('SoTien', '1.250.000.000', [300, 700, 520, 720]);
  const f2 = field('NguoiKy', 'Nguyen Van An', [300, 670, 520, 690]);
  const f3 = field('GhiChu', '', [300, 640, 520, 660]);
  const res = new PdfDict({ Font: new PdfDict({ F1: font }), XObject: new PdfDict({ Im1: img }), Properties: new PdfDict({ oc1: ocg }) });
  pdf.set(page1, new PdfDict({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842], Resources: res, Contents: c1, Annots: [f1, f2, f3] }));
  pdf.set(page2, new PdfDict({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842], Resources: new PdfDict({ Font: new PdfDict({ F1: font }) }), Contents: c2 }));
  pdf.set(pagesRef, new PdfDict({ Type: name('Pages'), Kids: [page1, page2], Count: 2 }));
  const ocprops = pdf.add(new PdfDict({ OCGs: [ocg], D: new PdfDict({ Order: [ocg], ON: [ocg], OFF: [] }) }));
  const acro = pdf.add(new PdfDict({ Fields: [f1, f2, f3], DR: new PdfDict({ Font: new PdfDict({ F1: font }) }), DA: textString('/F1 11 Tf 0 g') }));
  const catalog = pdf.add(new PdfDict({ Type: name('Catalog'), Pages: pagesRef, AcroForm: acro, OCProperties: ocprops }));
  const info = pdf.add(new PdfDict({ Producer: textString('Văn thư số interop (NewPdf)'), Title: textString('Quyết định thử nghiệm') }));
  return pdf.toBytes(catalog, info);
}

/** A tagged one-page document (StructTreeRoot, MarkInfo, marked content), Vietnamese language tag. */
export function generateTagged(): Uint8Array {
  const pdf = new NewPdf();
  const font = pdf.add(new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Times-Roman'), Encoding: name('WinAnsiEncoding') }));
  const pagesRef = pdf.reserve();
  const page = pdf.reserve();
  const root = pdf.reserve();
  const docElem = pdf.reserve();
  const p1 = pdf.reserve();
  const p2 = pdf.reserve();
  const content = pdf.add(new PdfStream(new PdfDict(), enc([
    '/H1 <</MCID 0>> BDC BT /F1 18 Tf 72 760 Td (CONG VAN so 45/UBND-VP) Tj ET EMC',
    '/P <</MCID 1>> BDC BT /F1 12 Tf 72 730 Td (Kinh gui: Cac so, ban, nganh tinh.) Tj ET EMC',
  ].join('\n'))));
  pdf.set(page, new PdfDict({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842], Resources: new PdfDict({ Font: new PdfDict({ F1: font }) }), Contents: content, StructParents: 0, Tabs: name('S') }));
  pdf.set(pagesRef, new PdfDict({ Type: name('Pages'), Kids: [page], Count: 1 }));
  pdf.set(p1, new PdfDict({ Type: name('StructElem'), S: name('H1'), P: docElem, Pg: page, K: 0 }));
  pdf.set(p2, new PdfDict({ Type: name('StructElem'), S: name('P'), P: docElem, Pg: page, K: 1 }));
  pdf.set(docElem, new PdfDict({ Type: name('StructElem'), S: name('Document'), P: root, K: [p1, p2] }));
  const parentTree = pdf.add(new PdfDict({ Nums: [0, [p1, p2]] }));
  pdf.set(root, new PdfDict({ Type: name('StructTreeRoot'), K: docElem, ParentTree: parentTree, ParentTreeNextKey: 1 }));
  const catalog = pdf.add(new PdfDict({ Type: name('Catalog'), Pages: pagesRef, StructTreeRoot: root, MarkInfo: new PdfDict({ Marked: true }), Lang: textString('vi-VN') }));
  const info = pdf.add(new PdfDict({ Producer: textString('Văn thư số interop (NewPdf)') }));
  return pdf.toBytes(catalog, info as PdfRef);
}

/** Build every base document into `dir`. */
export function prepareBases(dir: string, qpdf: boolean): Record<string, BaseDoc> {
  mkdirSync(dir, { recursive: true });
  const out: Record<string, BaseDoc> = {};
  const add = (d: BaseDoc) => { out[d.id] = d; };
  const corpus = (id: string, rel: string, meta: Omit<BaseDoc, 'id' | 'path' | 'source'>) => {
    const p = path.join(dir, `${id}.pdf`);
    copyFileSync(path.join(CORPUS, rel), p);
    add({ id, path: p, source: `corpus ${rel}`, ...meta });
  };
  corpus('minimal', 'pyhanko/minimal.pdf', { tagged: false, xref: 'table', features: [] });
  corpus('minimal-xref', 'pyhanko/minimal-xref.pdf', { tagged: false, xref: 'stream', features: [] });
  corpus('ua', 'pyhanko/minimal-pdf-ua-and-a.pdf', { tagged: true, xref: 'table', features: ['pdfa'] });
  corpus('field-tagged', 'pyhanko/minimal-with-field-tagged.pdf', { tagged: true, xref: 'stream', features: ['sigfield'], emptySigFields: ['Sig1'] });
  corpus('two-fields-tagged', 'pyhanko/minimal-two-fields-tagged.pdf', { tagged: true, xref: 'stream', features: ['sigfield'], emptySigFields: ['Sig1', 'Sig2'] });
  corpus('form', 'node-signpdf/formexample.pdf', { tagged: false, xref: 'table', features: ['form'], textFields: ['Given Name Text Box', 'Family Name Text Box'] });
  corpus('w3dummy', 'node-signpdf/w3dummy.pdf', { tagged: false, xref: 'table', features: [] });

  const mk = path.join(dir, 'mk.pdf');
  execFileSync('python3', [path.join(SHARED, 'tools/mkpdf.py'), mk, '2', '0.02']);
  add({ id: 'mk', path: mk, source: 'mkpdf.py 2 pages', tagged: false, xref: 'table', features: ['images'] });

  const gen = path.join(dir, 'gen-oc-form.pdf');
  writeFileSync(gen, generateOcForm());
  add({ id: 'gen-oc-form', path: gen, source: 'NewPdf (OCG, text fields, image)', tagged: false, xref: 'table', features: ['oc', 'form', 'images'], textFields: ['SoTien', 'NguoiKy', 'GhiChu'] });
  const tagged = path.join(dir, 'gen-tagged.pdf');
  writeFileSync(tagged, generateTagged());
  add({ id: 'gen-tagged', path: tagged, source: 'NewPdf (tagged)', tagged: true, xref: 'table', features: [] });

  if (qpdf) {
    const q = (id: string, from: BaseDoc, args: string[], meta: Partial<BaseDoc>) => {
      const p = path.join(dir, `${id}.pdf`);
      execFileSync('qpdf', [...args, from.path, p]);
      add({ ...from, id, path: p, source: `qpdf ${args.join(' ')} of ${from.id}`, ...meta });
    };
    q('mk-objstm', out.mk, ['--object-streams=generate'], { xref: 'objstm' });
    q('ua-objstm', out.ua, ['--object-streams=generate'], { xref: 'objstm' });
    q('gen-oc-form-objstm', out['gen-oc-form'], ['--object-streams=generate'], { xref: 'objstm' });
    q('gen-tagged-objstm', out['gen-tagged'], ['--object-streams=generate'], { xref: 'objstm' });
    q('form-qdf', out.form, ['--qdf'], { xref: 'table' });
  }
  return out;
}
