// Turns PKCS#11 return values and token flags into VanthuErrors with Vietnamese and English
// messages. The one rule that matters most: only CKR_PIN_INCORRECT / CKR_PIN_LOCKED (and the
// PIN-state flags) ever become a PIN error; every other driver failure stays a driver error.

import { VanthuError } from '../../../src-shared/errors';
import { CKF, CKR, ckrName } from './constants';

export type PinRemaining = 'many' | 'low' | 'final' | 'locked';

export interface PinState {
  remaining: PinRemaining;
  /** CKF_USER_PIN_TO_BE_CHANGED: the PIN must be changed before normal use. */
  toBeChanged: boolean;
}

/** Remaining-tries state read from CK_TOKEN_INFO.flags. */
export function pinStateFromFlags(flags: number): PinState {
  const remaining: PinRemaining =
    flags & CKF.USER_PIN_LOCKED ? 'locked'
    : flags & CKF.USER_PIN_FINAL_TRY ? 'final'
    : flags & CKF.USER_PIN_COUNT_LOW ? 'low'
    : 'many';
  return { remaining, toBeChanged: (flags & CKF.USER_PIN_TO_BE_CHANGED) !== 0 };
}

export function pinLockedError(): VanthuError {
  return new VanthuError(
    'TOKEN_PIN_LOCKED',
    'Mã PIN của thiết bị ký số đã bị khóa do nhập sai quá số lần cho phép. Liên hệ tổ chức cung cấp chứng thư số để mở khóa (dùng mã PUK/SO PIN).',
    'The token PIN is locked after too many wrong attempts. Contact your certificate provider to unlock it (PUK / SO PIN).',
    { remaining: 'locked' },
  );
}

function pinIncorrectError(remaining: Exclude<PinRemaining, 'locked'>): VanthuError {
  const vi = {
    many: 'Mã PIN không đúng. Vui lòng nhập lại.',
    low: 'Mã PIN không đúng. Số lần thử còn lại rất ít — nhập sai thêm có thể khóa thiết bị.',
    final: 'Mã PIN không đúng. Chỉ còn MỘT lần thử: nếu nhập sai lần nữa, thiết bị sẽ bị khóa.',
  }[remaining];
  const en = {
    many: 'Incorrect PIN. Please try again.',
    low: 'Incorrect PIN. Only a few attempts remain — more wrong PINs may lock the token.',
    final: 'Incorrect PIN. ONE attempt remains: another wrong PIN will lock the token.',
  }[remaining];
  return new VanthuError('TOKEN_PIN_INCORRECT', vi, en, { remaining });
}

/**
 * Map the outcome of a failed C_Login. `flagsAfter` is the token's flags read right after the
 * failure (undefined when they could not be read).
 */
export function loginFailureError(rv: number, flagsAfter: number | undefined): VanthuError {
  const state = flagsAfter === undefined ? undefined : pinStateFromFlags(flagsAfter);
  if (rv === CKR.PIN_LOCKED || (rv === CKR.PIN_INCORRECT && state?.remaining === 'locked')) {
    return pinLockedError();
  }
  if (rv === CKR.PIN_INCORRECT) {
    return pinIncorrectError((state?.remaining as Exclude<PinRemaining, 'locked'>) ?? 'many');
  }
  if (rv === CKR.PIN_LEN_RANGE || rv === CKR.PIN_INVALID) {
    return new VanthuError(
      'TOKEN_PIN_FORMAT',
      'Mã PIN có độ dài hoặc ký tự không hợp lệ với thiết bị này (chưa tính là một lần nhập sai).',
      'The PIN has a length or characters this token does not accept (not counted as a wrong attempt).',
      { ckr: ckrName(rv) },
    );
  }
  if (rv === CKR.PIN_EXPIRED) {
    return new VanthuError(
      'TOKEN_PIN_EXPIRED',
      'Mã PIN đã hết hạn; cần đổi mã PIN bằng phần mềm của nhà cung cấp thiết bị.',
      'The PIN has expired; change it with the token vendor’s tool.',
      { ckr: ckrName(rv) },
    );
  }
  return driverError(rv, 'C_Login');
}

/** Is this return value a sign that the token (or its reader) has gone away? */
export function isRemovalRv(rv: number): boolean {
  return rv === CKR.DEVICE_REMOVED || rv === CKR.TOKEN_NOT_PRESENT || rv === CKR.SESSION_CLOSED ||
    rv === CKR.TOKEN_NOT_RECOGNIZED;
}

/** Any other PKCS#11 failure: a driver/token error, never a PIN error. */
export function driverError(rv: number, fn: string): VanthuError {
  const name = ckrName(rv);
  if (isRemovalRv(rv)) return tokenRemovedError({ ckr: name, fn });
  if (rv === CKR.USER_NOT_LOGGED_IN || rv === CKR.SESSION_HANDLE_INVALID) {
    return new VanthuError(
      'TOKEN_NOT_LOGGED_IN',
      'Phiên làm việc với thiết bị ký số đã kết thúc; vui lòng nhập lại mã PIN.',
      'The token session has ended; please enter the PIN again.',
      { ckr: name, fn },
    );
  }
  if (rv === CKR.FUNCTION_CANCELED || rv === CKR.CANCEL) {
    return new VanthuError('TOKEN_CANCELLED', 'Thao tác trên thiết bị ký số đã bị hủy.',
      'The operation on the token was cancelled.', { ckr: name, fn });
  }
  return new VanthuError(
    'TOKEN_DRIVER_ERROR',
    `Trình điều khiển thiết bị ký số báo lỗi (${fn}: ${name}). Đây không phải lỗi mã PIN; hãy thử rút ra, cắm lại thiết bị.`,
    `The token driver reported an error (${fn}: ${name}). This is not a PIN problem; try unplugging and re-inserting the token.`,
    { ckr: name, fn },
  );
}

export function tokenRemovedError(details?: Record<string, unknown>): VanthuError {
  return new VanthuError(
    'TOKEN_REMOVED',
    'Thiết bị ký số đã bị rút ra hoặc không còn kết nối.',
    'The token was removed or is no longer connected.',
    details,
  );
}

export function timeoutError(method: string, ms: number): VanthuError {
  return new VanthuError(
    'TOKEN_TIMEOUT',
    `Thiết bị ký số không phản hồi sau ${Math.round(ms / 1000)} giây (${method}). Tiến trình điều khiển đã được khởi động lại; vui lòng thử lại.`,
    `The token did not answer within ${Math.round(ms / 1000)} s (${method}). The driver process was restarted; please try again.`,
    { method, timeoutMs: ms },
  );
}

export function crashedError(method: string, reason: string): VanthuError {
  return new VanthuError(
    'TOKEN_DRIVER_CRASHED',
    `Trình điều khiển thiết bị ký số bị dừng đột ngột (${method}). Tiến trình đã được khởi động lại; vui lòng thử lại.`,
    `The token driver stopped unexpectedly (${method}). The process was restarted; please try again.`,
    { method, reason },
  );
}

export function tokenNotFoundError(what: string): VanthuError {
  return new VanthuError(
    'TOKEN_NOT_FOUND',
    `Không tìm thấy thiết bị ký số hoặc chứng thư số: ${what}. Hãy kiểm tra thiết bị đã được cắm và trình điều khiển đã được cài đặt.`,
    `Token or certificate not found: ${what}. Check that the token is plugged in and its driver is installed.`,
    { what },
  );
}

export function noMechanismError(what: string): VanthuError {
  return new VanthuError(
    'TOKEN_MECHANISM_UNSUPPORTED',
    `Thiết bị ký số không hỗ trợ thuật toán ký cần dùng (${what}).`,
    `The token does not support the required signing mechanism (${what}).`,
    { what },
  );
}
