// HTTP-facing errors of the gateway: a status code plus the shared VanthuError shape.
import { VanthuError } from '../src-shared/errors';

export class HttpError extends VanthuError {
  readonly status: number;
  /** Seconds for a Retry-After header (429 and friends). */
  retryAfterS?: number;
  constructor(status: number, code: string, vi: string, en: string, details?: Record<string, unknown>) {
    super(code, vi, en, details);
    this.status = status;
  }
}

export const E = {
  unauthenticated: () => new HttpError(401, 'UNAUTHENTICATED', 'Chưa đăng nhập hoặc phiên đã hết hạn.', 'Not signed in or the session has expired.'),
  badLogin: () => new HttpError(401, 'LOGIN_FAILED', 'Tên đăng nhập hoặc mật khẩu không đúng.', 'Wrong username or password.'),
  forbidden: (what = '') => new HttpError(403, 'FORBIDDEN', `Không có quyền truy cập${what ? ': ' + what : ''}.`, `Access denied${what ? ': ' + what : ''}.`),
  notFound: (what: string) => new HttpError(404, 'NOT_FOUND', `Không tìm thấy: ${what}.`, `Not found: ${what}.`),
  invalid: (detail: string) => new HttpError(400, 'INVALID_REQUEST', `Yêu cầu không hợp lệ: ${detail}`, `Invalid request: ${detail}`),
  badHash: () => new HttpError(422, 'HASH_MISMATCH', 'Tệp tải lên không khớp mã băm SHA-256; tệp không được lưu.', 'Uploaded file does not match its SHA-256; nothing was stored.'),
  offsetMismatch: (offset: number) => new HttpError(409, 'UPLOAD_OFFSET_MISMATCH', 'Vị trí tải lên không khớp; hãy tiếp tục từ vị trí máy chủ báo.', 'Upload offset mismatch; resume from the offset the server reports.', { offset }),
  rateLimited: (s: number) => Object.assign(
    new HttpError(429, 'RATE_LIMITED', `Quá nhiều yêu cầu; thử lại sau ${s} giây.`, `Too many requests; retry after ${s} s.`), { retryAfterS: s }),
  loginLocked: (s: number) => Object.assign(
    new HttpError(429, 'LOGIN_LOCKED', `Tài khoản tạm khóa đăng nhập do nhập sai mật khẩu nhiều lần; thử lại sau ${Math.ceil(s / 60)} phút.`,
      `Sign-in for this account is locked after repeated wrong passwords; retry in ${Math.ceil(s / 60)} min.`), { retryAfterS: s }),
  tooLarge: () => new HttpError(413, 'BODY_TOO_LARGE', 'Dữ liệu gửi lên quá lớn.', 'Request body too large.'),
};
