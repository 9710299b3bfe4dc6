// Errors as values: every failure that crosses a boundary (IPC, CLI, network) carries a stable
// code and a message in Vietnamese and English. Deep code throws VanthuError; edges turn it into
// a plain AppError object and never expose stack traces.

export interface AppError {
  code: string;
  message_vi: string;
  message_en: string;
}

export class VanthuError extends Error implements AppError {
  readonly code: string;
  readonly message_vi: string;
  readonly message_en: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message_vi: string, message_en: string, details?: Record<string, unknown>) {
    super(message_en);
    this.name = 'VanthuError';
    this.code = code;
    this.message_vi = message_vi;
    this.message_en = message_en;
    this.details = details;
  }

  toJSON(): AppError {
    return { code: this.code, message_vi: this.message_vi, message_en: this.message_en };
  }
}

export function isAppError(v: unknown): v is AppError {
  return (
    typeof v === 'object' && v !== null &&
    typeof (v as AppError).code === 'string' &&
    typeof (v as AppError).message_vi === 'string' &&
    typeof (v as AppError).message_en === 'string'
  );
}

/** Turn anything thrown into a safe AppError (no stack, no internals). */
export function toAppError(e: unknown): AppError {
  if (e instanceof VanthuError) return e.toJSON();
  if (isAppError(e)) return { code: e.code, message_vi: e.message_vi, message_en: e.message_en };
  return {
    code: 'INTERNAL',
    message_vi: 'Đã xảy ra lỗi nội bộ.',
    message_en: 'An internal error occurred.',
  };
}
