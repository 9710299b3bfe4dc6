// Signature fields already in a document (prepared by the drafter, another tool or a form):
// which ones are empty and where their widget is, and signing into one of them ("Ký vào ô này",
// `vanthu sign --field NAME`): the field's /V gets the new signature dictionary and its widget a
// new appearance, in the same incremental update; no new field is created.

import { VanthuError } from '../errors';
import { PdfDict, PdfRef, PdfStream, PdfName } from '../pdf/objects';
import type { PdfReader } from '../pdf/reader';
import type { IncrementalWriter } from '../pdf/writer';

export interface DocumentSignatureField {
  /** Fully qualified field name. */
  name: string;
  /** Whether the field holds a signature already (/V present). */
  signed: boolean;
  /** 0-based page of its (first) widget, or null when no page shows it. */
  pageIndex: number | null;
  /** Widget rectangle [x1, y1, x2, y2] in page space (normalised); zero size for an invisible field. */
  rect: [number, number, number, number];
}

interface Located extends DocumentSignatureField {
  fieldRef: PdfRef | null;
  field: PdfDict;
  widgetRef: PdfRef | null;
  widget: PdfDict;
}

function locate(reader: PdfReader): Located[] {
  const pages = reader.pages();
  return reader.signatureFields().map((f) => {
    // a merged field/widget, or a field whose /Kids are its widgets (no /T of their own)
    const kids = reader.resolve(f.field.get('Kids'));
    let widget = f.field;
    let widgetRef = f.fieldRef;
    if (Array.isArray(kids) && kids.length > 0) {
      const k = kids[0];
      const d = reader.resolveDict(k);
      if (d) {
        widget = d;
        widgetRef = k instanceof PdfRef ? k : null;
      }
    }
    const raw = reader.resolve(widget.get('Rect'));
    const n = Array.isArray(raw) ? raw.map((x) => reader.resolve(x)) : [];
    const r = n.length === 4 && n.every((x) => typeof x === 'number') ? (n as number[]) : [0, 0, 0, 0];
    const rect: [number, number, number, number] = [Math.min(r[0], r[2]), Math.min(r[1], r[3]), Math.max(r[0], r[2]), Math.max(r[1], r[3])];
    let pageIndex: number | null = null;
    const p = widget.get('P');
    if (p instanceof PdfRef) {
      const i = pages.findIndex((pg) => pg.ref && pg.ref.num === p.num);
      if (i >= 0) pageIndex = i;
    }
    if (pageIndex === null) {
      const i = pages.findIndex((pg) => {
        const annots = reader.resolve(pg.dict.get('Annots'));
        return Array.isArray(annots) && annots.some((a) => (widgetRef && a instanceof PdfRef && a.num === widgetRef.num) || reader.resolve(a) === widget);
      });
      if (i >= 0) pageIndex = i;
    }
    const signed = f.field.get('V') !== undefined;
    return { name: f.name, signed, pageIndex, rect, fieldRef: f.fieldRef, field: f.field, widgetRef, widget };
  });
}

/** Every signature field of the document, empty or signed, with its widget's page and rectangle. */
export function documentSignatureFields(reader: PdfReader): DocumentSignatureField[] {
  return locate(reader).map(({ name, signed, pageIndex, rect }) => ({ name, signed, pageIndex, rect }));
}

export const fieldNotFound = (name: string, empty: string[]) =>
  new VanthuError(
    'FIELD_NOT_FOUND',
    `Không có trường chữ ký "${name}" trong tài liệu${empty.length ? ` (các ô còn trống: ${empty.join(', ')})` : ' (tài liệu không có ô chữ ký trống nào)'}.`,
    `The document has no signature field "${name}"${empty.length ? ` (empty fields: ${empty.join(', ')})` : ' (it has no empty signature field)'}.`,
  );

export const fieldAlreadySigned = (name: string) =>
  new VanthuError('FIELD_ALREADY_SIGNED', `Trường chữ ký "${name}" đã được ký.`, `The signature field "${name}" is already signed.`);

/** The empty field `name`, or FIELD_NOT_FOUND / FIELD_ALREADY_SIGNED. */
export function emptyFieldOrThrow(reader: PdfReader, name: string): DocumentSignatureField {
  const all = locate(reader);
  const f = all.find((x) => x.name === name);
  if (!f) throw fieldNotFound(name, all.filter((x) => !x.signed).map((x) => x.name));
  if (f.signed) throw fieldAlreadySigned(name);
  const { pageIndex, rect, signed } = f;
  return { name, signed, pageIndex, rect };
}

/**
 * Put signature `sigRef` into the existing empty field `name` (and `appearance`, if given, on its
 * widget). Returns the field's name.
 */
export function fillSignatureField(reader: PdfReader, w: IncrementalWriter, sigRef: PdfRef, name: string, appearance?: PdfRef): string {
  const all = locate(reader);
  const f = all.find((x) => x.name === name);
  if (!f) throw fieldNotFound(name, all.filter((x) => !x.signed).map((x) => x.name));
  if (f.signed) throw fieldAlreadySigned(name);
  if (!f.fieldRef) throw new VanthuError('FIELD_NOT_INDIRECT', `Trường chữ ký "${name}" không ký vào được (không phải đối tượng gián tiếp).`, `The signature field "${name}" cannot be signed into (it is not an indirect object).`);
  const field = new PdfDict(f.field.map);
  field.set('V', sigRef);
  const merged = f.widget === f.field;
  const widget = merged ? field : new PdfDict(f.widget.map);
  if (appearance) widget.set('AP', new PdfDict({ N: appearance }));
  else if (!widget.get('AP')) {
    const wd = f.rect[2] - f.rect[0], ht = f.rect[3] - f.rect[1];
    widget.set('AP', new PdfDict({ N: w.add(new PdfStream(new PdfDict({ Type: new PdfName('XObject'), Subtype: new PdfName('Form'), BBox: [0, 0, wd, ht] }), new Uint8Array(0))) }));
  }
  w.update(f.fieldRef, field);
  if (!merged) {
    if (!f.widgetRef) throw new VanthuError('FIELD_NOT_INDIRECT', `Ô chữ ký "${name}" không ký vào được.`, `The widget of signature field "${name}" is not an indirect object.`);
    w.update(f.widgetRef, widget);
  }
  // /SigFlags 3 (signatures exist, append only)
  const acroVal = reader.catalog.get('AcroForm');
  const acro = reader.resolveDict(acroVal);
  if (acro) {
    const flags = reader.resolve(acro.get('SigFlags'));
    const want = (typeof flags === 'number' ? flags : 0) | 3;
    if (want !== flags) {
      const next = new PdfDict(acro.map);
      next.set('SigFlags', want);
      if (acroVal instanceof PdfRef) w.update(acroVal, next);
      else w.update(reader.rootRef, new PdfDict(reader.catalog.map).set('AcroForm', next));
    }
  }
  return name;
}
