// Serializer for PdfValue (ISO 32000-1 §7.3) and text-string encoding (§7.9.2.2):
// PDFDocEncoding when every character fits, else UTF-16BE with a byte-order mark.
// `PdfRaw` lets the signing code write fixed-width placeholders whose offsets are recorded.

import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './objects';

/** Bytes written verbatim; when `mark` is set the output offset of the first byte is recorded. */
export class PdfRaw {
  constructor(readonly bytes: Uint8Array, readonly mark?: string) {}
}

/** A value the serializer accepts: PdfValue plus raw placeholders anywhere inside. */
export type WritableValue = PdfValue | PdfRaw;

// PDFDocEncoding differs from Latin-1 only in 0x18–0x1F and 0x80–0xA0; we encode through it only
// for characters that map identically (printable ASCII and Latin-1 0xA1–0xFF), else UTF-16BE.
function pdfDocEncodable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c > 0xff) return false;
  }
  return true;
}

/** Encode a text string the way §7.9.2.2 asks: PDFDocEncoding when possible, else UTF-16BE+BOM. */
export function textString(s: string): PdfString {
  if (pdfDocEncodable(s)) {
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return new PdfString(b);
  }
  const b = new Uint8Array(2 + s.length * 2);
  b[0] = 0xfe;
  b[1] = 0xff;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[2 + 2 * i] = c >> 8;
    b[3 + 2 * i] = c & 0xff;
  }
  return new PdfString(b, true);
}

/** A PDF date string (§7.9.4) in the given UTC offset (minutes, default +07:00 Vietnam time). */
export function pdfDate(d: Date, offsetMinutes = 420): PdfString {
  const t = new Date(d.getTime() + offsetMinutes * 60000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const oa = Math.abs(offsetMinutes);
  const s = `D:${p(t.getUTCFullYear(), 4)}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}${offsetMinutes === 0 ? 'Z' : `${sign}${p(Math.floor(oa / 60))}'${p(oa % 60)}'`}`;
  return new PdfString(new TextEncoder().encode(s));
}

/** Growable byte buffer with recorded marks. */
export class ByteBuilder {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(1 << 14);
  private used = 0;
  length = 0;
  readonly marks = new Map<string, number>();

  push(bytes: Uint8Array): void {
    if (bytes.length > 1 << 14) {
      this.flush();
      this.chunks.push(bytes);
      this.length += bytes.length;
      return;
    }
    if (this.used + bytes.length > this.cur.length) this.flush();
    this.cur.set(bytes, this.used);
    this.used += bytes.length;
    this.length += bytes.length;
  }

  text(s: string): void {
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
    this.push(b);
  }

  private flush(): void {
    if (this.used > 0) {
      this.chunks.push(this.cur.slice(0, this.used));
      this.cur = new Uint8Array(1 << 14);
      this.used = 0;
    }
  }

  toBytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

const NAME_REGULAR = (c: number) => c > 0x20 && c < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(c));

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  if (Number.isInteger(n)) return String(n);
  let s = n.toFixed(6);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s;
}

function writeName(out: ByteBuilder, n: string): void {
  out.text('/');
  const bytes = /^[\x21-\x7e]*$/.test(n) ? Uint8Array.from(n, (c) => c.charCodeAt(0)) : new TextEncoder().encode(n);
  let s = '';
  for (const c of bytes) s += NAME_REGULAR(c) ? String.fromCharCode(c) : '#' + c.toString(16).padStart(2, '0').toUpperCase();
  out.text(s);
}

function writeString(out: ByteBuilder, s: PdfString): void {
  if (s.hex) {
    let h = '<';
    for (const c of s.bytes) h += c.toString(16).padStart(2, '0');
    out.text(h + '>');
    return;
  }
  let t = '(';
  for (const c of s.bytes) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) t += '\\' + String.fromCharCode(c);
    else if (c === 0x0d) t += '\\r';
    else if (c === 0x0a) t += '\\n';
    else if (c < 0x20 || c > 0x7e) t += '\\' + c.toString(8).padStart(3, '0');
    else t += String.fromCharCode(c);
  }
  out.text(t + ')');
}

/** Serialize a value (streams get /Length set from their raw bytes). */
export function writeValue(out: ByteBuilder, v: WritableValue, depth = 0): void {
  if (depth > 256) throw new Error('value nested too deeply');
  if (v === null) out.text('null');
  else if (typeof v === 'boolean') out.text(v ? 'true' : 'false');
  else if (typeof v === 'number') out.text(formatNumber(v));
  else if (v instanceof PdfName) writeName(out, v.name);
  else if (v instanceof PdfString) writeString(out, v);
  else if (v instanceof PdfRef) out.text(`${v.num} ${v.gen} R`);
  else if (v instanceof PdfRaw) {
    if (v.mark) out.marks.set(v.mark, out.length);
    out.push(v.bytes);
  } else if (Array.isArray(v)) {
    out.text('[');
    v.forEach((x, i) => {
      if (i > 0) out.text(' ');
      writeValue(out, x, depth + 1);
    });
    out.text(']');
  } else if (v instanceof PdfStream) {
    v.dict.set('Length', v.raw.length);
    writeValue(out, v.dict, depth + 1);
    out.text('\nstream\n');
    out.push(v.raw);
    out.text('\nendstream');
  } else if (v instanceof PdfDict) {
    out.text('<<');
    for (const [k, x] of v.map) {
      if (x === undefined) continue;
      writeName(out, k);
      out.text(' ');
      writeValue(out, x as WritableValue, depth + 1);
    }
    out.text('>>');
  } else throw new Error('not a PDF value');
}

export function serialize(v: WritableValue): Uint8Array {
  const b = new ByteBuilder();
  writeValue(b, v);
  return b.toBytes();
}
