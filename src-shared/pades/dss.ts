// The Document Security Store (ISO 32000-2 §12.8.4.3, PAdES B-LT): /DSS in the catalog with
// /Certs, /OCSPs and /CRLs arrays of streams. An existing DSS is extended (direct or indirect
// arrays), entries already present (same bytes) are not written again.

import { PdfDict, PdfRef, PdfStream, type PdfValue } from '../pdf/objects';
import type { PdfReader } from '../pdf/reader';
import type { IncrementalWriter } from '../pdf/writer';
import type { ValidationData } from './services';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function addDss(reader: PdfReader, w: IncrementalWriter, data: ValidationData): PdfRef {
  const root = reader.rootRef;
  const catalog = reader.catalog;
  const existing = catalog.get('DSS');
  let dss = reader.resolveDict(existing);
  let dssRef: PdfRef;
  if (existing instanceof PdfRef && dss) dssRef = existing;
  else {
    dss = dss ? new PdfDict(dss.map) : new PdfDict();
    dssRef = w.add(dss);
    catalog.set('DSS', dssRef);
    w.update(root, reader.getObject(root));
  }
  const groups: [string, Uint8Array[]][] = [
    ['Certs', data.certs],
    ['OCSPs', data.ocsps],
    ['CRLs', data.crls],
  ];
  for (const [key, items] of groups) {
    if (items.length === 0) continue;
    const cur = dss.get(key);
    let arr: PdfValue[];
    let arrRef: PdfRef | null = null;
    if (cur instanceof PdfRef && Array.isArray(reader.getObject(cur))) {
      arrRef = cur;
      arr = reader.getObject(cur) as PdfValue[];
    } else if (Array.isArray(cur)) arr = cur;
    else {
      arr = [];
      dss.set(key, arr);
    }
    const have: Uint8Array[] = [];
    for (const x of arr) {
      const s = reader.resolve(x);
      if (s instanceof PdfStream) {
        try {
          have.push(reader.decode(s));
        } catch {
          /* undecodable entry: keep it, compare nothing */
        }
      }
    }
    for (const item of items) {
      if (have.some((h) => sameBytes(h, item))) continue;
      have.push(item);
      arr.push(w.add(new PdfStream(new PdfDict(), item)));
    }
    if (arrRef) w.update(arrRef, arr);
  }
  if (reader.xref.has(dssRef.num)) w.update(dssRef, dss);
  return dssRef;
}
