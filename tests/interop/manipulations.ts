// Manipulations planted on signed documents (pdf-insecurity.org attack classes and a few more),
// made with our own reader + IncrementalWriter or by byte edits. Each one is a pure function of
// the signed bytes; `applies` says which signed bases it fits (images, optional content, a form,
// a FieldMDP lock, a P=1 certification, a classic xref table).
import * as pkijs from 'pkijs';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, name, type PdfValue } from '../../src-shared/pdf/objects';
import { PdfReader, type SignatureField } from '../../src-shared/pdf/reader';
import { textString } from '../../src-shared/pdf/serialize';
import { IncrementalWriter } from '../../src-shared/pdf/writer';
import { addToAnnots, appendUpdate, fillTextField } from './signers';

export interface AttackBase {
  id: string;
  bytes: Uint8Array;
  /** images, oc, form, locked:<field>, p1, table, multi */
  features: string[];
  /** Signature fields of the base, in order. */
  signatures: string[];
  /** Text fields of the base. */
  textFields: string[];
  /** Text fields that held a value when signed. */
  prefilled: string[];
}

export interface Planted {
  bytes: Uint8Array;
  /** Signature fields that must be flagged (default: every signature of the base). */
  targets?: string[];
}

export interface Attack {
  kind: string;
  class: string;
  description: string;
  expect: 'integrity' | 'change' | 'either';
  applies(b: AttackBase): boolean;
  plant(b: AttackBase): Planted;
}

const enc = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const open = (bytes: Uint8Array) => PdfReader.open(new BytesSource(bytes));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function firstContentRef(r: PdfReader, pageIndex = 0): PdfRef {
  const c = r.pages()[pageIndex].dict.get('Contents');
  if (c instanceof PdfRef) {
    const v = r.getObject(c);
    if (Array.isArray(v) && v[0] instanceof PdfRef) return v[0];
    return c;
  }
  if (Array.isArray(c) && c[0] instanceof PdfRef) return c[0];
  throw new Error('page 1 has no indirect content stream');
}

function firstImage(r: PdfReader): { ref: PdfRef; img: PdfStream } | null {
  for (const p of r.pages()) {
    const xo = r.resolveDict(p.resources?.get('XObject'));
    if (!xo) continue;
    for (const v of xo.map.values()) {
      if (!(v instanceof PdfRef)) continue;
      const o = r.getObject(v);
      if (o instanceof PdfStream && (r.resolve(o.dict.get('Subtype')) as PdfName | undefined)?.name === 'Image') return { ref: v, img: o };
    }
  }
  return null;
}

function sigField(r: PdfReader, nameWanted?: string): SignatureField {
  const fs = r.signatureFields().filter((f) => f.sig);
  const f = nameWanted ? fs.find((x) => x.name === nameWanted) : fs[0];
  if (!f) throw new Error(`no signed field ${nameWanted ?? ''}`);
  return f;
}

/** The widget dictionary of a field (merged field/widget, or its first kid) and the object holding it. */
function widgetOf(r: PdfReader, fieldRef: PdfRef, field: PdfDict): { ref: PdfRef; dict: PdfDict } {
  if ((r.resolve(field.get('Subtype')) as PdfName | undefined)?.name === 'Widget') return { ref: fieldRef, dict: field };
  const kids = r.resolve(field.get('Kids'));
  if (Array.isArray(kids) && kids[0] instanceof PdfRef) return { ref: kids[0], dict: r.resolveDict(kids[0])! };
  throw new Error('field without a widget');
}

function textField(r: PdfReader, fieldName: string): { ref: PdfRef; dict: PdfDict } {
  const f = r.formFields().find((x) => x.name === fieldName);
  if (!f?.ref) throw new Error(`no field ${fieldName}`);
  return { ref: f.ref, dict: f.dict };
}

/** Patch the xref entry of `num` in an update built by IncrementalWriter to point at `offset`. */
function pointXrefEntry(base: Uint8Array, w: IncrementalWriter, num: number, offset: (total: number) => number): Uint8Array {
  const built = w.build();
  const upd = built.bytes.slice();
  const total = base.length + upd.length;
  const target = offset(total);
  const rel = built.xrefOffset - base.length;
  const text = latin1(upd);
  if (text.startsWith('xref', rel)) {
    const own = String(built.offsets.get(num)!).padStart(10, '0');
    const at = text.indexOf(`${own} `, rel);
    if (at < 0) throw new Error('xref entry not found');
    upd.set(enc(String(Math.min(target, 9_999_999_999)).padStart(10, '0')), at);
    return concat(base, upd);
  }
  // xref stream written by our writer: uncompressed, /W [1 w2 w3], /Index of runs
  const dictEnd = text.indexOf('stream\n', rel);
  const dict = text.slice(rel, dictEnd);
  const W = /\/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(dict)!.slice(1).map(Number);
  const index = (/\/Index\s*\[([^\]]*)\]/.exec(dict)![1].trim().split(/\s+/).map(Number));
  let row = 0;
  let found = -1;
  for (let i = 0; i < index.length; i += 2) {
    if (num >= index[i] && num < index[i] + index[i + 1]) { found = row + (num - index[i]); break; }
    row += index[i + 1];
  }
  if (found < 0) throw new Error('xref stream entry not found');
  const data = dictEnd + 'stream\n'.length;
  const p = data + found * (W[0] + W[1] + W[2]) + W[0];
  const v = Math.min(target, 2 ** (8 * W[1]) - 1);
  for (let k = 0; k < W[1]; k++) upd[p + k] = Math.floor(v / 2 ** (8 * (W[1] - 1 - k))) & 0xff;
  return concat(base, upd);
}

const rewriteContent = (b: AttackBase): Uint8Array => appendUpdate(b.bytes, (r, w) => {
  w.update(firstContentRef(r), new PdfStream(new PdfDict(), enc('BT /F1 16 Tf 72 700 Td (NOI DUNG DA BI SUA - 9.990.000.000 dong) Tj ET')));
});

const has = (b: AttackBase, f: string) => b.features.includes(f);
const any = () => true;

export const ATTACKS: Attack[] = [
  // --- incremental updates changing what is shown (Incremental Saving Attack, shadow attacks)
  {
    kind: 'content-rewritten', class: 'ISA / shadow replace', expect: 'change', applies: any,
    description: 'an update rewrites the page content stream (same object number)',
    plant: (b) => ({ bytes: rewriteContent(b) }),
  },
  {
    kind: 'content-appended', class: 'shadow hide-and-replace', expect: 'change', applies: any,
    description: 'the page /Contents gets a second stream painting over the text',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const p = r.pages()[0];
        const extra = w.add(new PdfStream(new PdfDict(), enc('q 1 1 1 rg 0 0 2000 2000 re f Q BT /F1 20 Tf 72 700 Td (VAN BAN THAY THE) Tj ET')));
        const c = p.dict.get('Contents');
        const list = c instanceof PdfRef && Array.isArray(r.getObject(c)) ? (r.getObject(c) as PdfValue[]) : Array.isArray(c) ? c : [c!];
        w.update(p.ref!, new PdfDict(p.dict.map).set('Contents', [...list, extra]));
      }),
    }),
  },
  {
    kind: 'page-added', class: 'ISA', expect: 'change', applies: any,
    description: 'an update adds a page to the page tree',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const pagesRef = r.catalog.get('Pages') as PdfRef;
        const pages = r.resolveDict(pagesRef)!;
        const content = w.add(new PdfStream(new PdfDict(), enc('BT /F1 14 Tf 72 760 Td (Trang bo sung) Tj ET')));
        const page = w.add(new PdfDict({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842], Contents: content }));
        const kids = [...(r.resolve(pages.get('Kids')) as PdfValue[]), page];
        w.update(pagesRef, new PdfDict(pages.map).set('Kids', kids).set('Count', (r.resolve(pages.get('Count')) as number) + 1));
      }),
    }),
  },
  {
    kind: 'image-swapped', class: 'ISA / shadow replace', expect: 'change', applies: (b) => has(b, 'images'),
    description: 'an update rewrites an image XObject in place',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const im = firstImage(r)!;
        w.update(im.ref, new PdfStream(new PdfDict(im.img.dict.map), new Uint8Array(im.img.raw.length).fill(0x11)));
      }),
    }),
  },
  {
    kind: 'annotation-overlay', class: 'shadow hide (overlay)', expect: 'change', applies: (b) => !has(b, 'p3'),
    description: 'a Square annotation with an opaque appearance covering the page is added (P < 3)',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const ap = w.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 2000, 2000] }), enc('1 1 1 rg 0 0 2000 2000 re f 0 g BT /Helv 18 Tf 60 60 Td (DA THU HOI) Tj ET')));
        const annot = w.add(new PdfDict({ Type: name('Annot'), Subtype: name('Square'), Rect: [0, 0, 2000, 2000], F: 4, AP: new PdfDict({ N: ap }) }));
        addToAnnots(r, w, 0, annot);
      }),
    }),
  },
  {
    kind: 'sig-widget-hidden', class: 'widget switched', expect: 'change', applies: any,
    description: "the signature widget's /F gets the Hidden flag",
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const f = sigField(r);
        const wd = widgetOf(r, f.fieldRef!, f.field);
        const flags = r.resolve(wd.dict.get('F'));
        w.update(wd.ref, new PdfDict(wd.dict.map).set('F', ((typeof flags === 'number' ? flags : 0) | 2) & ~4));
      }),
      targets: [b.signatures[0]],
    }),
  },
  {
    kind: 'sig-widget-rect', class: 'widget switched', expect: 'change', applies: any,
    description: "the signature widget's /Rect is moved over the page text",
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const f = sigField(r);
        const wd = widgetOf(r, f.fieldRef!, f.field);
        w.update(wd.ref, new PdfDict(wd.dict.map).set('Rect', [50, 600, 550, 800]));
      }),
      targets: [b.signatures[0]],
    }),
  },
  {
    kind: 'xref-other-object', class: 'xref manipulation', expect: 'either', applies: any,
    description: "a later revision's xref entry for the page content points at the body of another object (another number)",
    plant: (b) => {
      const r = open(b.bytes);
      const content = firstContentRef(r);
      let other = -1;
      for (const [n, e] of r.xref) if (n !== content.num && e.type === 'offset' && n > 0) { other = n; break; }
      const w = new IncrementalWriter(r);
      w.update(content, new PdfStream(new PdfDict(), enc('BT ET')));
      const off = (r.xref.get(other) as { offset: number }).offset;
      return { bytes: pointXrefEntry(b.bytes, w, content.num, () => off) };
    },
  },
  {
    kind: 'xref-past-eof', class: 'xref manipulation', expect: 'either', applies: any,
    description: "a later revision's xref entry for the page content points past the end of the file",
    plant: (b) => {
      const r = open(b.bytes);
      const content = firstContentRef(r);
      const w = new IncrementalWriter(r);
      w.update(content, new PdfStream(new PdfDict(), enc('BT ET')));
      return { bytes: pointXrefEntry(b.bytes, w, content.num, (total) => total + 4096) };
    },
  },
  {
    kind: 'isa-no-xref', class: 'ISA', expect: 'change', applies: any,
    description: 'a new body of the content object appended after %%EOF without a cross-reference section',
    plant: (b) => {
      const c = firstContentRef(open(b.bytes));
      const body = 'BT /F1 14 Tf 72 760 Td (NOI DUNG GIA) Tj ET';
      return { bytes: concat(b.bytes, enc(`\n${c.num} ${c.gen} obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\n`)) };
    },
  },
  {
    kind: 'isa-full-xref-no-prev', class: 'ISA', expect: 'either', applies: (b) => has(b, 'table'),
    description: 'an update with a complete xref table and no /Prev rewrites the page content (the signed revisions are no longer chained)',
    plant: (b) => {
      const r = open(b.bytes);
      const c = firstContentRef(r);
      const body = 'BT /F1 14 Tf 72 760 Td (BAN SUA DOI) Tj ET';
      const objOff = b.bytes.length + 1;
      const obj = `\n${c.num} ${c.gen} obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\n`;
      const xrefOff = b.bytes.length + obj.length;
      const entries = new Map<number, string>();
      for (const [n, e] of r.xref) if (e.type === 'offset') entries.set(n, `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`);
      entries.set(c.num, `${String(objOff).padStart(10, '0')} 00000 n\r\n`);
      const size = Math.max(r.size, ...entries.keys()) + 1;
      let table = `xref\n0 ${size}\n`;
      for (let n = 0; n < size; n++) table += n === 0 ? '0000000000 65535 f\r\n' : entries.get(n) ?? '0000000000 65535 f\r\n';
      const root = r.rootRef;
      const info = r.trailer.get('Info');
      const trailer = `trailer\n<< /Size ${size} /Root ${root.num} ${root.gen} R${info instanceof PdfRef ? ` /Info ${info.num} ${info.gen} R` : ''} >>\nstartxref\n${xrefOff}\n%%EOF\n`;
      return { bytes: concat(b.bytes, enc(obj + table + trailer)) };
    },
  },
  // --- the signature itself (Universal Signature Forgery, Signature Wrapping)
  {
    kind: 'usf-contents-zeroed', class: 'USF', expect: 'integrity', applies: any,
    description: "the first signature's /Contents zeroed in place",
    plant: (b) => {
      const f = sigField(open(b.bytes));
      const t = b.bytes.slice();
      for (let i = f.contentsSpan![0] + 1; i < f.contentsSpan![1] - 1; i++) t[i] = 0x30;
      return { bytes: t, targets: [f.name] };
    },
  },
  {
    kind: 'usf-contents-removed', class: 'USF', expect: 'either', applies: any,
    description: 'an update re-declares the signature dictionary without /Contents',
    plant: (b) => {
      let n = '';
      const bytes = appendUpdate(b.bytes, (r, w) => {
        const f = sigField(r);
        n = f.name;
        const d = new PdfDict(f.sig!.map);
        d.delete('Contents');
        w.update(f.sigRef!, d);
      });
      return { bytes, targets: [n] };
    },
  },
  {
    kind: 'usf-byterange-removed', class: 'USF', expect: 'either', applies: any,
    description: 'an update re-declares the signature dictionary without /ByteRange',
    plant: (b) => {
      let n = '';
      const bytes = appendUpdate(b.bytes, (r, w) => {
        const f = sigField(r);
        n = f.name;
        const d = new PdfDict(f.sig!.map);
        d.delete('ByteRange');
        w.update(f.sigRef!, d);
      });
      return { bytes, targets: [n] };
    },
  },
  {
    kind: 'usf-byterange-zero', class: 'USF', expect: 'either', applies: any,
    description: 'an update sets the signature /ByteRange to [0 0 0 0]',
    plant: (b) => {
      let n = '';
      const bytes = appendUpdate(b.bytes, (r, w) => {
        const f = sigField(r);
        n = f.name;
        w.update(f.sigRef!, new PdfDict(f.sig!.map).set('ByteRange', [0, 0, 0, 0]));
      });
      return { bytes, targets: [n] };
    },
  },
  {
    kind: 'swa-redeclared', class: 'SWA', expect: 'either', applies: any,
    description: 'an update re-declares the signature dictionary (same CMS) so the gap is no longer its /Contents',
    plant: (b) => {
      let n = '';
      const bytes = appendUpdate(b.bytes, (r, w) => {
        const f = sigField(r);
        n = f.name;
        w.update(f.sigRef!, new PdfDict(f.sig!.map).set('Contents', new PdfString(f.contents!, true)).set('Reason', textString('wrapped')));
      });
      return { bytes, targets: [n] };
    },
  },
  {
    kind: 'swa-extended', class: 'SWA', expect: 'either', applies: any,
    description: "an update re-declares the signature dictionary with a /ByteRange stretched over the update (to the new end of file)",
    plant: (b) => {
      const r = open(b.bytes);
      const f = sigField(r);
      const br = f.byteRange!;
      let guess = b.bytes.length + 2000;
      for (let round = 0; round < 6; round++) {
        const w = new IncrementalWriter(r);
        w.update(f.sigRef!, new PdfDict(f.sig!.map).set('ByteRange', [0, br[1], br[2], guess - br[2]]).set('Contents', new PdfString(f.contents!, true)));
        const out = concat(b.bytes, w.build().bytes);
        if (out.length === guess) return { bytes: out, targets: [f.name] };
        guess = out.length;
      }
      throw new Error('ByteRange length did not converge');
    },
  },
  {
    kind: 'byterange-digits-edited', class: 'USF / SWA (in place)', expect: 'integrity', applies: any,
    description: "the last /ByteRange number edited in place (same width), the range no longer ends at the revision's end",
    plant: (b) => {
      const r = open(b.bytes);
      const f = sigField(r);
      const span = r.valueSpans(f.sigRef!)?.get('ByteRange');
      if (!span) throw new Error('no ByteRange span');
      const text = latin1(b.bytes.subarray(span[0], span[1]));
      const m = /(\d+)(\s*\]\s*)$/.exec(text)!;
      const v = Number(m[1]);
      const nv = String(v - 1).length === m[1].length ? v - 1 : v + 1;
      const t = b.bytes.slice();
      t.set(enc(String(nv)), span[0] + m.index);
      return { bytes: t, targets: [f.name] };
    },
  },
  {
    kind: 'signature-value-flipped', class: 'CMS tamper', expect: 'integrity', applies: any,
    description: "one byte of the signer's signature value inside /Contents flipped in place",
    plant: (b) => {
      const f = sigField(open(b.bytes));
      const cms = f.contents!;
      const ci = pkijs.ContentInfo.fromBER(cms.slice().buffer);
      const sd = new pkijs.SignedData({ schema: ci.content });
      const sv = new Uint8Array(sd.signerInfos[0].signature.valueBlock.valueHexView);
      const at = Buffer.from(cms).indexOf(Buffer.from(sv));
      if (at < 0) throw new Error('signature value not found in the CMS');
      const pos = f.contentsSpan![0] + 1 + 2 * (at + Math.floor(sv.length / 2));
      const t = b.bytes.slice();
      // change the nibble's value (writers differ on upper/lower case hex)
      const digit = String.fromCharCode(t[pos]);
      const v = parseInt(digit, 16) ^ 0x1;
      const out = v.toString(16);
      t[pos] = (digit === digit.toUpperCase() ? out.toUpperCase() : out).charCodeAt(0);
      return { bytes: t, targets: [f.name] };
    },
  },
  {
    kind: 'signed-byte-flipped', class: 'content tamper', expect: 'integrity', applies: any,
    description: 'one byte of the page content stream (inside the signed range) changed in place',
    plant: (b) => {
      const r = open(b.bytes);
      const c = firstContentRef(r);
      const loc = r.locate(c.num);
      if (loc.type !== 'offset') throw new Error('content stream not at an offset');
      const text = latin1(b.bytes.subarray(loc.offset!, loc.offset! + 4096));
      const s = text.indexOf('stream');
      const pos = loc.offset! + s + 'stream'.length + 3;
      const t = b.bytes.slice();
      t[pos] ^= 0x01;
      return { bytes: t };
    },
  },
  // --- optional content (shadow hide)
  {
    kind: 'oc-hide-catalog', class: 'shadow hide (optional content)', expect: 'change', applies: (b) => has(b, 'oc'),
    description: 'an update gives the catalog a new /OCProperties with the overlay OCG turned OFF',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const oc = r.resolveDict(r.catalog.get('OCProperties'))!;
        const ocgs = r.resolve(oc.get('OCGs')) as PdfValue[];
        const nw = w.add(new PdfDict({ OCGs: ocgs, D: new PdfDict({ Order: ocgs, ON: [], OFF: ocgs }) }));
        w.update(r.rootRef, new PdfDict(r.catalog.map).set('OCProperties', nw));
      }),
    }),
  },
  {
    kind: 'oc-hide-indirect', class: 'shadow hide (optional content)', expect: 'change', applies: (b) => has(b, 'oc'),
    description: 'an update rewrites the existing /OCProperties object (catalog untouched) turning the OCG OFF',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const ref = r.catalog.get('OCProperties') as PdfRef;
        const oc = r.resolveDict(ref)!;
        const ocgs = r.resolve(oc.get('OCGs')) as PdfValue[];
        w.update(ref, new PdfDict({ OCGs: ocgs, D: new PdfDict({ Order: ocgs, ON: [], OFF: ocgs }) }));
      }),
    }),
  },
  {
    kind: 'hide-and-replace-repoint', class: 'shadow hide-and-replace', expect: 'change', applies: (b) => has(b, 'oc'),
    description: "page 1's /Contents re-pointed at an object already in the signed revision (page 2's content)",
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const p = r.pages()[0];
        w.update(p.ref!, new PdfDict(p.dict.map).set('Contents', firstContentRef(r, 1)));
      }),
    }),
  },
  // --- forms (shadow replace, FieldMDP, P = 1)
  {
    kind: 'fieldmdp-locked-value', class: 'shadow replace (FieldMDP)', expect: 'change', applies: (b) => b.features.some((f) => f.startsWith('locked:')),
    description: "the /V and /AP of a field locked by the signature's FieldMDP are changed",
    plant: (b) => ({ bytes: fillTextField(b.bytes, b.features.find((f) => f.startsWith('locked:'))!.slice(7), 'Le Van Sua') }),
  },
  {
    kind: 'fieldmdp-locked-ap-rewritten', class: 'shadow replace (FieldMDP)', expect: 'change', applies: (b) => b.features.some((f) => f.startsWith('locked:')),
    description: "the existing appearance stream of a locked field rewritten in place (value unchanged)",
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const f = textField(r, b.features.find((x) => x.startsWith('locked:'))!.slice(7));
        const ap = r.resolveDict(f.dict.get('AP'));
        const n = ap?.get('N');
        if (n instanceof PdfRef) {
          const old = r.getObject(n) as PdfStream;
          w.update(n, new PdfStream(new PdfDict(old.dict.map).set('Filter', null), enc('/Tx BMC q BT /Helv 10 Tf 0 g 2 4 Td (GIA TRI GIA) Tj ET Q EMC')));
        } else {
          const s = w.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 200, 20] }), enc('/Tx BMC q BT /Helv 10 Tf 0 g 2 4 Td (GIA TRI GIA) Tj ET Q EMC')));
          w.update(f.ref, new PdfDict(f.dict.map).set('AP', new PdfDict({ N: s })));
        }
      }),
    }),
  },
  {
    kind: 'form-value-replaced', class: 'shadow replace (form)', expect: 'change', applies: (b) => b.prefilled.length > 0 && !b.features.some((f) => f.startsWith('locked:') || f === 'p1'),
    description: 'the /V and /AP of a text field that held a value when signed are replaced (uncertified document)',
    plant: (b) => ({ bytes: fillTextField(b.bytes, b.prefilled[0], '9.990.000.000') }),
  },
  {
    kind: 'p1-form-filled', class: 'shadow replace (DocMDP P=1)', expect: 'change', applies: (b) => has(b, 'p1') && b.textFields.length > 0,
    description: 'a field value and appearance changed on a document certified with no changes allowed',
    plant: (b) => ({ bytes: fillTextField(b.bytes, b.prefilled[0] ?? b.textFields[0], '0 dong') }),
  },
  {
    kind: 'form-widget-hidden', class: 'widget switched', expect: 'change', applies: (b) => has(b, 'form') && b.textFields.length > 0,
    description: "a text field's widget switched to Hidden",
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const f = textField(r, b.textFields[0]);
        const wd = widgetOf(r, f.ref, f.dict);
        w.update(wd.ref, new PdfDict(wd.dict.map).set('F', 2));
      }),
    }),
  },
  {
    kind: 'form-widget-rect', class: 'widget switched', expect: 'change', applies: (b) => has(b, 'form') && b.textFields.length > 0,
    description: "a text field's widget /Rect moved off the page",
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const f = textField(r, b.textFields[0]);
        const wd = widgetOf(r, f.ref, f.dict);
        w.update(wd.ref, new PdfDict(wd.dict.map).set('Rect', [-500, -500, -300, -480]));
      }),
    }),
  },
  {
    kind: 'form-font-replaced', class: 'shadow replace (font)', expect: 'change', applies: (b) => has(b, 'form'),
    description: 'the font object of the form default resources (/DR) rewritten (another font program)',
    plant: (b) => ({
      bytes: appendUpdate(b.bytes, (r, w) => {
        const acro = r.resolveDict(r.catalog.get('AcroForm'))!;
        const fonts = r.resolveDict(r.resolveDict(acro.get('DR'))!.get('Font'))!;
        const ref = [...fonts.map.values()].find((v): v is PdfRef => v instanceof PdfRef)!;
        w.update(ref, new PdfDict({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name('Courier'), Encoding: name('WinAnsiEncoding') }));
      }),
    }),
  },
];
