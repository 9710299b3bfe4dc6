// Decree 30/2020/NĐ-CP document types (Phụ lục III) with their abbreviations, used to build ký hiệu.
// Công văn has no type abbreviation; the two uncertain abbreviations (bản ghi nhớ, bản thỏa thuận)
// follow the most common usage and are marked as such.

export interface DocType {
  code: string;
  name_vi: string;
  name_en: string;
  /** Abbreviation used in the ký hiệu; null for Công văn. */
  abbr: string | null;
  uncertain?: boolean;
}

export const DOC_TYPES: readonly DocType[] = [
  { code: 'NQ', name_vi: 'Nghị quyết', name_en: 'Resolution', abbr: 'NQ' },
  { code: 'QD', name_vi: 'Quyết định', name_en: 'Decision', abbr: 'QĐ' },
  { code: 'CT', name_vi: 'Chỉ thị', name_en: 'Directive', abbr: 'CT' },
  { code: 'QC', name_vi: 'Quy chế', name_en: 'Regulation', abbr: 'QC' },
  { code: 'QYD', name_vi: 'Quy định', name_en: 'Rule', abbr: 'QyĐ' },
  { code: 'TC', name_vi: 'Thông cáo', name_en: 'Communiqué', abbr: 'TC' },
  { code: 'TB', name_vi: 'Thông báo', name_en: 'Notice', abbr: 'TB' },
  { code: 'HD', name_vi: 'Hướng dẫn', name_en: 'Guidance', abbr: 'HD' },
  { code: 'CTR', name_vi: 'Chương trình', name_en: 'Programme', abbr: 'CTr' },
  { code: 'KH', name_vi: 'Kế hoạch', name_en: 'Plan', abbr: 'KH' },
  { code: 'PA', name_vi: 'Phương án', name_en: 'Scheme', abbr: 'PA' },
  { code: 'DEA', name_vi: 'Đề án', name_en: 'Proposal', abbr: 'ĐA' },
  { code: 'DA', name_vi: 'Dự án', name_en: 'Project', abbr: 'DA' },
  { code: 'BC', name_vi: 'Báo cáo', name_en: 'Report', abbr: 'BC' },
  { code: 'BB', name_vi: 'Biên bản', name_en: 'Minutes', abbr: 'BB' },
  { code: 'TTR', name_vi: 'Tờ trình', name_en: 'Submission', abbr: 'TTr' },
  { code: 'HDG', name_vi: 'Hợp đồng', name_en: 'Contract', abbr: 'HĐ' },
  { code: 'CD', name_vi: 'Công điện', name_en: 'Official telegram', abbr: 'CĐ' },
  { code: 'BGN', name_vi: 'Bản ghi nhớ', name_en: 'Memorandum', abbr: 'BGN', uncertain: true },
  { code: 'BTT', name_vi: 'Bản thỏa thuận', name_en: 'Agreement', abbr: 'BTT', uncertain: true },
  { code: 'GUQ', name_vi: 'Giấy ủy quyền', name_en: 'Power of attorney', abbr: 'GUQ' },
  { code: 'GM', name_vi: 'Giấy mời', name_en: 'Invitation', abbr: 'GM' },
  { code: 'GGT', name_vi: 'Giấy giới thiệu', name_en: 'Letter of introduction', abbr: 'GGT' },
  { code: 'GNP', name_vi: 'Giấy nghỉ phép', name_en: 'Leave permit', abbr: 'GNP' },
  { code: 'PG', name_vi: 'Phiếu gửi', name_en: 'Dispatch slip', abbr: 'PG' },
  { code: 'PC', name_vi: 'Phiếu chuyển', name_en: 'Transfer slip', abbr: 'PC' },
  { code: 'PB', name_vi: 'Phiếu báo', name_en: 'Notification slip', abbr: 'PB' },
  { code: 'CV', name_vi: 'Công văn', name_en: 'Official letter', abbr: null },
  { code: 'SY', name_vi: 'Bản sao y', name_en: 'True copy', abbr: 'SY' },
  { code: 'TRS', name_vi: 'Bản trích sao', name_en: 'Extract copy', abbr: 'TrS' },
  { code: 'SL', name_vi: 'Bản sao lục', name_en: 'Transcribed copy', abbr: 'SL' },
];

export const DOC_TYPE_CODES = DOC_TYPES.map((t) => t.code) as [string, ...string[]];

export function docTypeByCode(code: string): DocType | undefined {
  return DOC_TYPES.find((t) => t.code === code);
}
