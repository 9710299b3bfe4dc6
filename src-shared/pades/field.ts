// Signature field + widget creation in an incremental update: a unique field name
// (Signature1, Signature2 … not clashing with existing fields), the AcroForm created or updated
// (SigFlags 3), the widget appended to the page's /Annots (direct or indirect arrays, pages that
// are direct objects in /Kids), and the /V signature dictionary reference.

import { VanthuError } from '../errors';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../pdf/objects';
import type { PdfReader, PageInfo } from '../pdf/reader';
import type { IncrementalWriter } from '../pdf/writer';
import { textString } from '../pdf/serialize';

export interface FieldOptions {
  /** Explicit field name; must not exist yet. Default: first free `Signature<N>`. */
  fieldName?: string;
  /** 0-based page index for the widget (default 0). */
  pageIndex?: number;
  /** Widget rectangle [x1 y1 x2 y2] in page space; absent → invisible (zero-size) widget. */
  rect?: number[];
  /** Appearance stream (Form XObject) for /AP /N; absent → an empty one is created. */
  appearance?: PdfRef;
  /** Name prefix for generated names (default "Signature"). */
  prefix?: string;
}

export interface AddedField {
  name: string;
  fieldRef: PdfRef;
  page: PageInfo | null;
}

/** Choose a field name not used by any existing field. */
export function uniqueFieldName(reader: PdfReader, prefix = 'Signature'): string {
  const used = new Set<string>();
  for (const f of reader.formFields()) {
    used.add(f.name);
    used.add(f.name.split('.')[0]);
  }
  for (let i = 1; ; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** Record a change to `dict`, which lives inside indirect object `holder`. */
function touch(reader: PdfReader, w: IncrementalWriter, holder: PdfRef): void {
  w.update(holder, reader.getObject(holder));
}

export function addSignatureField(reader: PdfReader, w: IncrementalWriter, sigRef: PdfRef, opts: FieldOptions = {}): AddedField {
  const name = opts.fieldName ?? uniqueFieldName(reader, opts.prefix);
  if (opts.fieldName && reader.formFields().some((f) => f.name === opts.fieldName))
    throw new VanthuError('FIELD_EXISTS', `Trường chữ ký "${name}" đã tồn tại.`, `The signature field "${name}" already exists.`);
  const pages = reader.pages();
  const pageIndex = opts.pageIndex ?? 0;
  if (opts.rect && (pageIndex < 0 || pageIndex >= pages.length))
    throw new VanthuError('PAGE_OUT_OF_RANGE', `Trang ${pageIndex + 1} không tồn tại (tài liệu có ${pages.length} trang).`, `Page ${pageIndex + 1} does not exist (the document has ${pages.length} pages).`);
  const page = pages[pageIndex] ?? null;
  const rect = opts.rect ?? [0, 0, 0, 0];
  const w0 = Math.abs(rect[2] - rect[0]), h0 = Math.abs(rect[3] - rect[1]);
  const ap = opts.appearance ?? w.add(new PdfStream(new PdfDict({ Type: new PdfName('XObject'), Subtype: new PdfName('Form'), BBox: [0, 0, w0, h0] }), new Uint8Array(0)));

  const fieldDict = new PdfDict({
    FT: new PdfName('Sig'),
    T: textString(name),
    V: sigRef,
    Type: new PdfName('Annot'),
    Subtype: new PdfName('Widget'),
    F: 132, // Print | Locked
    Rect: rect,
    AP: new PdfDict({ N: ap }),
  });
  if (page?.ref) fieldDict.set('P', page.ref);
  const fieldRef = w.add(fieldDict);

  // page /Annots
  if (page) {
    const annots = page.dict.get('Annots');
    if (annots instanceof PdfRef) {
      const arr = reader.getObject(annots);
      if (Array.isArray(arr)) {
        arr.push(fieldRef);
        w.update(annots, arr);
      } else {
        page.dict.set('Annots', [fieldRef]);
        touch(reader, w, page.holder);
      }
    } else {
      if (Array.isArray(annots)) annots.push(fieldRef);
      else page.dict.set('Annots', [fieldRef]);
      touch(reader, w, page.holder);
    }
  }

  // AcroForm
  const root = reader.rootRef;
  const catalog = reader.catalog;
  const acroVal = catalog.get('AcroForm');
  let acro: PdfDict;
  let acroHolder: PdfRef;
  const acroResolved = acroVal instanceof PdfRef ? reader.getObject(acroVal) : acroVal;
  if (acroVal instanceof PdfRef && acroResolved instanceof PdfDict) {
    acro = acroResolved;
    acroHolder = acroVal;
  } else if (acroResolved instanceof PdfDict) {
    acro = acroResolved;
    acroHolder = root;
  } else {
    acro = new PdfDict();
    acroHolder = w.add(acro);
    catalog.set('AcroForm', acroHolder);
    touch(reader, w, root);
  }
  const fields: PdfValue | undefined = acro.get('Fields');
  if (fields instanceof PdfRef && Array.isArray(reader.getObject(fields))) {
    const arr = reader.getObject(fields) as PdfValue[];
    arr.push(fieldRef);
    w.update(fields, arr);
  } else if (Array.isArray(fields)) fields.push(fieldRef);
  else acro.set('Fields', [fieldRef]);
  const flags = reader.resolve(acro.get('SigFlags'));
  acro.set('SigFlags', (typeof flags === 'number' ? flags : 0) | 3);
  if (acroHolder.num === root.num) touch(reader, w, root);
  else if (reader.xref.has(acroHolder.num)) w.update(acroHolder, acro);
  // (a newly added AcroForm is serialized at build time, with these changes)
  return { name, fieldRef, page };
}
