// Builds the số / ký hiệu of a document per Decree 30: "15/QĐ-UBND", "12/TTr-STC", Công văn "05/UBND-VP".
import { docTypeByCode } from './doctypes';
import { VanthuError } from '../errors';

export interface KyHieuParts {
  typeCode: string;
  /** Abbreviation of the issuing organisation, e.g. UBND, STC. */
  orgAbbr: string;
  /** Optional abbreviation of the drafting unit, e.g. VP. Required for Công văn. */
  unitAbbr?: string;
}

const ABBR = /^[\p{L}\p{N}]{1,16}$/u;

/** The ký hiệu without the number: "QĐ-UBND", "UBND-VP". */
export function buildKyHieu(p: KyHieuParts): string {
  const t = docTypeByCode(p.typeCode);
  if (!t) throw new VanthuError('DOC_TYPE_UNKNOWN', `Loại văn bản không hợp lệ: ${p.typeCode}`, `Unknown document type: ${p.typeCode}`);
  for (const a of [p.orgAbbr, p.unitAbbr].filter((x): x is string => !!x)) {
    if (!ABBR.test(a)) throw new VanthuError('ABBR_INVALID', `Chữ viết tắt không hợp lệ: ${a}`, `Invalid abbreviation: ${a}`);
  }
  if (t.abbr === null) {
    if (!p.unitAbbr) throw new VanthuError('KYHIEU_UNIT_REQUIRED', 'Công văn cần chữ viết tắt của đơn vị soạn thảo.', 'An official letter needs the drafting unit abbreviation.');
    return `${p.orgAbbr}-${p.unitAbbr}`;
  }
  return [t.abbr, p.orgAbbr, p.unitAbbr].filter(Boolean).join('-');
}

/** Numbers below 10 are written with a leading zero (01 … 09), as in the register. */
export function formatSo(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new VanthuError('SO_INVALID', 'Số văn bản không hợp lệ.', 'Invalid document number.');
  return n < 10 ? `0${n}` : String(n);
}

export function formatSoKyHieu(n: number, kyHieu: string): string {
  return `${formatSo(n)}/${kyHieu}`;
}
