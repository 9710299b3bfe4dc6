// The one file-name rule shared by the client and the gateway. A name must be safe to show (no
// bidi or control characters that disguise an extension) and to save on Windows, macOS and Linux
// (no separators, reserved device names, streams, forbidden characters, trailing dots or spaces,
// at most 255 UTF-8 bytes). fileNameProblem() says what is wrong; toSafeFileName() repairs a
// user's name so that it passes. Runtime-agnostic: no Node or DOM APIs.

export interface FileNameProblem { code: string; message_vi: string; message_en: string }

export const MAX_FILE_NAME_BYTES = 255;

const SEPARATOR = /[/\\]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/; // C0, DEL, C1
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u; // with the u flag only unpaired halves match
const FORBIDDEN = /[<>"|?*]/; // the rest of what Windows refuses (':' is checked as a stream)
// Windows maps these to devices whatever the extension, and ignores spaces before the dot.
// Microsoft's list also names COM0/LPT0 and the superscript digits ¹ ² ³.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/i;

const problem = (code: string, message_vi: string, message_en: string): FileNameProblem => ({ code, message_vi, message_en });

/** UTF-8 length of a string (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** What is wrong with a file name, or null when it is safe. */
export function fileNameProblem(name: string): FileNameProblem | null {
  if (name.length === 0) return problem('FILE_NAME_EMPTY', 'Tên tệp trống.', 'The file name is empty.');
  if (utf8Bytes(name) > MAX_FILE_NAME_BYTES)
    return problem('FILE_NAME_TOO_LONG', `Tên tệp dài quá ${MAX_FILE_NAME_BYTES} byte.`, `The file name is longer than ${MAX_FILE_NAME_BYTES} bytes.`);
  if (SEPARATOR.test(name)) return problem('FILE_NAME_SEPARATOR', 'Tên tệp không được chứa / hoặc \\.', 'The file name may not contain / or \\.');
  if (CONTROL.test(name)) return problem('FILE_NAME_CONTROL', 'Tên tệp chứa ký tự điều khiển.', 'The file name contains a control character.');
  if (BIDI.test(name)) return problem('FILE_NAME_BIDI', 'Tên tệp chứa ký tự đổi chiều văn bản (có thể che giấu phần mở rộng).', 'The file name contains a bidirectional control character (it can disguise the extension).');
  if (LONE_SURROGATE.test(name)) return problem('FILE_NAME_UNICODE', 'Tên tệp chứa ký tự Unicode không hợp lệ.', 'The file name contains invalid Unicode.');
  if (name === '.' || name === '..') return problem('FILE_NAME_DOTS', 'Tên tệp không được là "." hoặc "..".', 'The file name may not be "." or "..".');
  if (/[. ]$/.test(name)) return problem('FILE_NAME_TRAILING', 'Tên tệp không được kết thúc bằng dấu chấm hoặc dấu cách.', 'The file name may not end in a dot or a space.');
  if (RESERVED.test(name)) return problem('FILE_NAME_RESERVED', 'Tên tệp là tên thiết bị dành riêng của Windows (CON, NUL, COM1…).', 'The file name is a reserved Windows device name (CON, NUL, COM1…).');
  if (name.includes(':')) return problem('FILE_NAME_STREAM', 'Tên tệp không được chứa dấu hai chấm (:).', 'The file name may not contain a colon (:).');
  if (FORBIDDEN.test(name)) return problem('FILE_NAME_CHAR', 'Tên tệp không được chứa các ký tự < > " | ? *.', 'The file name may not contain < > " | ? *.');
  return null;
}

/** Keep at most `max` UTF-8 bytes of `s`, never splitting a character. */
function cutBytes(s: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    n += utf8Bytes(ch);
    if (n > max) break;
    out += ch;
  }
  return out;
}

/**
 * A user's file name turned into one that passes fileNameProblem(): NFC, bidi and control
 * characters removed, forbidden characters replaced with '_', a device name suffixed with '_',
 * trailing dots and spaces trimmed, cut to 255 bytes keeping the extension. `fallback` when
 * nothing usable is left.
 */
export function toSafeFileName(name: string, fallback = 'tep.pdf'): string {
  // NFC last: a removed mark between a letter and its accent would leave the pair uncomposed.
  let s = name
    .replace(new RegExp(`${CONTROL.source}|${BIDI.source}`, 'g'), '')
    .replace(/[\ud800-\udfff]/gu, '_')
    .replace(/[/\\<>:"|?*]/g, '_')
    .normalize('NFC');
  const trim = (x: string) => x.replace(/[. ]+$/, '');
  s = trim(s);
  if (utf8Bytes(s) > MAX_FILE_NAME_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && utf8Bytes(s.slice(dot)) <= 32 ? s.slice(dot) : '';
    const base = trim(cutBytes(ext ? s.slice(0, dot) : s, MAX_FILE_NAME_BYTES - utf8Bytes(ext)));
    s = base ? base + ext : trim(cutBytes(s, MAX_FILE_NAME_BYTES));
  }
  if (RESERVED.test(s)) s = s.replace(/^([^. ]+)/, '$1_');
  if (fileNameProblem(s) === null) return s;
  return fileNameProblem(fallback) === null ? fallback : 'tep.pdf';
}
