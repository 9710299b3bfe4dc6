// A PDF with empty signature fields, as a drafter's tool prepares them ("ô ký" for the leader, for
// the seal): merged field/widget dictionaries on a page's /Annots and in the AcroForm's /Fields,
// added as an incremental update with the project's own PDF writer.
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfName, PdfRef } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { textString } from '../../src-shared/pdf/serialize';
import { IncrementalWriter } from '../../src-shared/pdf/writer';

export interface EmptyField { name: string; pageIndex?: number; rect?: [number, number, number, number] }

export function withEmptySignatureFields(bytes: Uint8Array, fields: EmptyField[]): Uint8Array {
  const r = PdfReader.open(new BytesSource(bytes));
  const w = new IncrementalWriter(r);
  const pages = r.pages();
  const refs: PdfRef[] = [];
  const annotsByPage = new Map<number, PdfRef[]>();
  for (const f of fields) {
    const pi = f.pageIndex ?? 0;
    const page = pages[pi];
    if (!page?.ref) throw new Error(`page ${pi} missing or direct`);
    const ref = w.add(new PdfDict({
      Type: new PdfName('Annot'), Subtype: new PdfName('Widget'), FT: new PdfName('Sig'), T: textString(f.name), F: 4,
      Rect: f.rect ?? [0, 0, 0, 0], P: page.ref,
    }));
    refs.push(ref);
    annotsByPage.set(pi, [...(annotsByPage.get(pi) ?? []), ref]);
  }
  for (const [pi, add] of annotsByPage) {
    const page = pages[pi];
    const annots = r.resolve(page.dict.get('Annots'));
    const d = new PdfDict(page.dict.map);
    d.set('Annots', [...(Array.isArray(annots) ? annots : []), ...add]);
    w.update(page.ref!, d);
  }
  const acroVal = r.catalog.get('AcroForm');
  const acro = r.resolveDict(acroVal);
  const next = new PdfDict(acro?.map ?? []);
  const existing = acro ? r.resolve(acro.get('Fields')) : undefined;
  next.set('Fields', [...(Array.isArray(existing) ? existing : []), ...refs]);
  if (acroVal instanceof PdfRef) w.update(acroVal, next);
  else w.update(r.rootRef, new PdfDict(r.catalog.map).set('AcroForm', w.add(next)));
  const tail = w.build().bytes;
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  out.set(tail, bytes.length);
  return out;
}
