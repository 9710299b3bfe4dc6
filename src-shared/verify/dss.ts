// Reads the Document Security Store (ISO 32000-2 §12.8.4.3, PAdES B-LT): certificates, OCSP
// responses and CRLs stored in the PDF for offline validation.

import { PdfStream, type PdfValue } from '../pdf/objects';
import type { PdfReader } from '../pdf/reader';

export interface DssData {
  present: boolean;
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
}

const LIMIT = 5000;

export function readDss(r: PdfReader): DssData {
  const out: DssData = { present: false, certs: [], ocsps: [], crls: [] };
  let dss;
  try {
    dss = r.resolveDict(r.catalog.get('DSS'));
  } catch {
    return out;
  }
  if (!dss) return out;
  out.present = true;
  const take = (key: string, into: Uint8Array[]) => {
    let arr: PdfValue | undefined;
    try {
      arr = r.resolve(dss.get(key));
    } catch {
      return;
    }
    if (!Array.isArray(arr)) return;
    for (const item of arr.slice(0, LIMIT)) {
      try {
        const s = r.resolve(item);
        if (s instanceof PdfStream) into.push(r.decode(s));
      } catch {
        /* unreadable DSS entry: skipped */
      }
    }
  };
  take('Certs', out.certs);
  take('OCSPs', out.ocsps);
  take('CRLs', out.crls);
  return out;
}
