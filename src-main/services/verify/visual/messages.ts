// The visual check's findings and change entries, in Vietnamese and English (same shape and
// placeholder style as src-shared/verify/messages.ts, kept here beside the only code that uses them).

import type { Finding, Severity } from '../../../../src-shared/verify/report';

/** Placeholder values; a pair gives each language its own words. */
type Params = Record<string, string | number | { vi: string; en: string }>;

const T: Record<string, { vi: string; en: string }> = {
  VISUAL_CHECK_PASSED: {
    vi: 'Kiểm tra hình ảnh: {n} trang của phiên bản đã ký và của tài liệu hiện tại hiển thị giống nhau ngoài vùng các chữ ký, chú thích được phép thêm{partial}.',
    en: 'Visual check: {n} page(s) of the signed revision and of the current document look the same outside the signatures and annotations the changes were allowed to add{partial}.',
  },
  VISUAL_CHECK_NO_PAGE: {
    vi: 'Kiểm tra hình ảnh: các thay đổi sau khi ký không chạm tới trang nào.',
    en: 'Visual check: the changes after signing touch no page.',
  },
  VISUAL_DIFFERENCE: {
    vi: 'Kiểm tra hình ảnh: trang {pages} hiển thị khác với lúc ký ở ngoài vùng các chữ ký, chú thích được thêm ({px} điểm ảnh): thay đổi không được phép.',
    en: 'Visual check: page(s) {pages} look different from when signed outside the added signatures and annotations ({px} pixels): not permitted.',
  },
  VISUAL_DIFFERENCE_PAGE: {
    vi: 'Trang {page}: nội dung hiển thị khác với phiên bản đã ký ({px} điểm ảnh, vùng {box} pt).',
    en: 'Page {page}: what is displayed differs from the signed revision ({px} pixels, area {box} pt).',
  },
  VISUAL_CHECK_TIMEOUT: {
    vi: 'Kiểm tra hình ảnh bị dừng vì vượt quá thời gian cho phép ({ms} ms); kết luận chỉ dựa trên phân tích cấu trúc.',
    en: 'The visual check was stopped at its time bound ({ms} ms); the result rests on the structural analysis alone.',
  },
  VISUAL_CHECK_UNAVAILABLE: {
    vi: 'Không có bộ dựng hình để kiểm tra hình ảnh ({reason}); kết luận chỉ dựa trên phân tích cấu trúc.',
    en: 'The visual check is unavailable ({reason}); the result rests on the structural analysis alone.',
  },
  VISUAL_CHECK_FAILED: {
    vi: 'Không kiểm tra hình ảnh được ({detail}); kết luận chỉ dựa trên phân tích cấu trúc.',
    en: 'The visual check could not be made ({detail}); the result rests on the structural analysis alone.',
  },
};

export function visualText(code: string, params: Params = {}): { vi: string; en: string } {
  const t = T[code];
  const fill = (s: string, lang: 'vi' | 'en') => s.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    return v === undefined ? `{${k}}` : typeof v === 'object' ? v[lang] : String(v);
  });
  return { vi: fill(t.vi, 'vi'), en: fill(t.en, 'en') };
}

export function visualFinding(code: string, severity: Severity, params: Params = {}, as = code): Finding {
  const t = visualText(code, params);
  return { code: as, severity, message_vi: t.vi, message_en: t.en };
}
