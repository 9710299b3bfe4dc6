// Reason codes and bilingual messages for path validation outcomes (codes are stable API).
import type { AppError } from '../errors';

export type PkiReason = AppError & { certIndex?: number };

function who(idx: number | undefined, n: number | undefined): { vi: string; en: string } {
  if (idx === undefined) return { vi: 'chứng thư', en: 'the certificate' };
  if (idx === 0) return { vi: 'chứng thư của người ký/đối tượng', en: 'the end-entity certificate' };
  return { vi: `chứng thư trung gian thứ ${n !== undefined ? n - idx : idx}`, en: `intermediate certificate ${n !== undefined ? n - idx : idx}` };
}

/** Build a reason; `idx` is the index in the chain (0 = target), `n` the number of non-anchor certs. */
export function reason(code: string, idx: number | undefined, n: number | undefined, extra?: { vi?: string; en?: string }): PkiReason {
  const w = who(idx, n);
  const x = (s?: string) => (s ? ` (${s})` : '');
  const M: Record<string, [string, string]> = {
    PKI_BAD_CERTIFICATE: [`Không đọc được ${w.vi}`, `Cannot parse ${w.en}`],
    PKI_NO_PATH: [`Không tìm được chuỗi chứng thư từ ${w.vi} tới một chứng thư gốc tin cậy`, `No certification path from ${w.en} to a trust anchor could be built`],
    PKI_ALGORITHM_UNSUPPORTED: [`Không kiểm tra được chữ ký trên ${w.vi}: thuật toán không được hỗ trợ`, `The signature of ${w.en} cannot be checked: its algorithm is not supported`],
    PKI_SIGNATURE_INVALID: [`Chữ ký trên ${w.vi} không hợp lệ`, `The signature of ${w.en} could not be verified`],
    PKI_NOT_YET_VALID: [`${cap(w.vi)} chưa đến thời hạn hiệu lực`, `${cap(w.en)} is not yet valid`],
    PKI_EXPIRED: [`${cap(w.vi)} đã hết hạn`, `${cap(w.en)} has expired`],
    PKI_NAME_CHAINING: [`Tên tổ chức phát hành của ${w.vi} không khớp với chứng thư cấp trên`, `The issuer name of ${w.en} does not match its issuer`],
    PKI_NOT_CA: [`${cap(w.vi)} không phải là chứng thư CA`, `${cap(w.en)} is not a CA`],
    PKI_PATH_LENGTH: [`Chuỗi chứng thư vượt quá độ dài cho phép tại ${w.vi}`, `The path exceeds the maximum path length at ${w.en}`],
    PKI_KEY_USAGE: [`${cap(w.vi)} không được phép ký chứng thư`, `${cap(w.en)} is not allowed to sign certificates`],
    PKI_UNKNOWN_CRITICAL_EXTENSION: [`${cap(w.vi)} chứa phần mở rộng quan trọng không được hỗ trợ`, `${cap(w.en)} contains an unsupported critical extension`],
    PKI_NAME_NOT_PERMITTED: [`Tên của ${w.vi} nằm ngoài không gian tên được phép`, `A name of ${w.en} is outside the permitted namespace`],
    PKI_NAME_EXCLUDED: [`Tên của ${w.vi} thuộc không gian tên bị loại trừ`, `A name of ${w.en} is in an excluded namespace`],
    PKI_POLICY: [`Không có chính sách chứng thư hợp lệ cho ${w.vi}`, `There is no valid set of policies for ${w.en}`],
    PKI_POLICY_MAPPING_ANY: [`${cap(w.vi)} ánh xạ chính sách "anyPolicy"`, `${cap(w.en)} contains a policy mapping for anyPolicy`],
    PKI_REVOKED: [`${cap(w.vi)} đã bị thu hồi`, `${cap(w.en)} has been revoked`],
    PKI_INTERNAL: [`Không hoàn tất được việc kiểm tra chuỗi chứng thư`, `Certificate path validation could not be completed`],
    PKI_REVOCATION_UNKNOWN: [`Không xác định được tình trạng thu hồi của ${w.vi}`, `The revocation status of ${w.en} could not be determined`],
  };
  const m = M[code] ?? [`Lỗi kiểm tra chứng thư`, `Certificate validation error`];
  return { code, message_vi: m[0] + x(extra?.vi) + '.', message_en: m[1] + x(extra?.en) + '.', certIndex: idx };
}
function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
