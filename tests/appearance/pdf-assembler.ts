// Test-only: a minimal one-page PDF assembler for the appearance tests. It collects objects
// through an ObjectSink, serializes the object model of src-shared/pdf/objects.ts, and places
// each appearance as a signature widget (optionally also drawn into the page content, so
// text extraction sees it). Not the product writer (that is the PDF engineer's).

import { name, PdfDict, PdfName, PdfRef, PdfStream, PdfString, str, type ObjectSink, type PdfValue } from '../../src-shared/pdf/objects';

export class MemorySink implements ObjectSink {
  readonly objects: (PdfValue | undefined)[] = [undefined];
  add(value: PdfValue): PdfRef {
    this.objects.push(value);
    return new PdfRef(this.objects.length - 1);
  }
  reserve(): PdfRef {
    this.objects.push(undefined);
    return new PdfRef(this.objects.length - 1);
  }
  set(ref: PdfRef, value: PdfValue): void {
    this.objects[ref.num] = value;
  }
}

const enc = new TextEncoder();

function fmtNum(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

function fmtName(n: PdfName): string {
  let s = '/';
  for (const b of enc.encode(n.name)) {
    const regular = b > 0x20 && b < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(b));
    s += regular ? String.fromCharCode(b) : '#' + b.toString(16).padStart(2, '0');
  }
  return s;
}

function serialize(v: PdfValue, out: Uint8Array[]): void {
  const w = (s: string) => out.push(enc.encode(s));
  if (v === null) w('null');
  else if (typeof v === 'boolean') w(v ? 'true' : 'false');
  else if (typeof v === 'number') w(fmtNum(v));
  else if (v instanceof PdfName) w(fmtName(v));
  else if (v instanceof PdfRef) w(`${v.num} ${v.gen} R`);
  else if (v instanceof PdfString) w('<' + Buffer.from(v.bytes).toString('hex') + '>');
  else if (Array.isArray(v)) {
    w('[');
    v.forEach((x, i) => {
      if (i) w(' ');
      serialize(x, out);
    });
    w(']');
  } else if (v instanceof PdfStream) {
    v.dict.set('Length', v.raw.length);
    serialize(v.dict, out);
    w('\nstream\n');
    out.push(v.raw);
    w('\nendstream');
  } else if (v instanceof PdfDict) {
    w('<<');
    for (const [k, x] of v.map) {
      w(fmtName(name(k)) + ' ');
      serialize(x, out);
      w('\n');
    }
    w('>>');
  }
}

export interface PlacedAppearance {
  appearance: PdfRef;
  rect: [number, number, number, number];
}

/**
 * A one-page PDF (`pageBox` as MediaBox) with the given appearances as signature widgets
 * (unsigned /FT /Sig fields). With `drawInContent`, the page content also paints each form
 * XObject at its rect so that pdftotext, which reads page content only, extracts the text.
 */
export function assemblePdf(
  sink: MemorySink,
  pageBox: [number, number, number, number],
  placed: PlacedAppearance[],
  opts: { drawInContent?: boolean; rotate?: number } = {},
): Uint8Array {
  const catalog = sink.reserve();
  const pages = sink.reserve();
  const page = sink.reserve();
  const widgets = placed.map((p, i) => sink.add(new PdfDict({
    Type: name('Annot'), Subtype: name('Widget'), FT: name('Sig'), T: str(`Signature${i + 1}`),
    F: 4, Rect: p.rect, P: page, AP: new PdfDict({ N: p.appearance }),
  })));
  let content = '';
  const xobjects = new PdfDict();
  if (opts.drawInContent) {
    placed.forEach((p, i) => {
      xobjects.set(`Fm${i}`, p.appearance);
      content += `q 1 0 0 1 ${fmtNum(p.rect[0])} ${fmtNum(p.rect[1])} cm /Fm${i} Do Q\n`;
    });
  }
  const contents = sink.add(new PdfStream(new PdfDict(), enc.encode(content)));
  sink.set(page, new PdfDict({
    Type: name('Page'), Parent: pages, MediaBox: pageBox, Contents: contents,
    Resources: new PdfDict({ XObject: xobjects }), Annots: widgets,
  }));
  if (opts.rotate) (sink.objects[page.num] as PdfDict).set('Rotate', opts.rotate);
  sink.set(pages, new PdfDict({ Type: name('Pages'), Kids: [page], Count: 1 }));
  sink.set(catalog, new PdfDict({
    Type: name('Catalog'), Pages: pages, AcroForm: new PdfDict({ Fields: widgets, SigFlags: 1 }),
  }));

  const out: Uint8Array[] = [enc.encode('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let pos = out[0]!.length;
  const offsets: number[] = [];
  for (let n = 1; n < sink.objects.length; n++) {
    const v = sink.objects[n];
    if (v === undefined) throw new Error(`object ${n} reserved but never set`);
    offsets[n] = pos;
    const parts: Uint8Array[] = [enc.encode(`${n} 0 obj\n`)];
    serialize(v, parts);
    parts.push(enc.encode('\nendobj\n'));
    for (const p of parts) {
      out.push(p);
      pos += p.length;
    }
  }
  let xref = `xref\n0 ${sink.objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < sink.objects.length; n++) xref += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${sink.objects.length} /Root ${catalog.num} 0 R >>\nstartxref\n${pos}\n%%EOF\n`;
  out.push(enc.encode(xref));
  return Buffer.concat(out);
}
