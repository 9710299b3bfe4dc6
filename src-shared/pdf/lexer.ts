// Tokenizer and value parser for PDF syntax (ISO 32000-1 §7.2–7.3) over a byte window.
// The window may be a slice of a larger file: `base` is the file offset of buf[0]. When the
// parser runs off the end of a partial window it throws `NeedMoreBytes`, and the caller retries
// with a larger window. Streams are not parsed here (the reader handles `stream` keywords).

import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from './objects';

export class NeedMoreBytes extends Error {
  constructor() {
    super('need more bytes');
  }
}

/** A malformed construct; the reader turns these into VanthuError at its boundary. */
export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

/** Keyword tokens (obj, endobj, stream, R, trailer, xref …) returned by the parser. */
export class PdfKeyword {
  constructor(readonly word: string) {}
}

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

export const isWhite = (c: number): boolean => WS[c] === 1;
export const isDelim = (c: number): boolean => DELIM[c] === 1;
const isRegular = (c: number): boolean => !WS[c] && !DELIM[c];

const MAX_DEPTH = 256;
const latin1 = new TextDecoder('latin1');

export class Lexer {
  pos = 0;
  /** When set, the top-level dictionary records the file span [start, end) of each value. */
  spans: Map<string, [number, number]> | null = null;

  constructor(readonly buf: Uint8Array, readonly base = 0, readonly complete = true) {}

  /** File offset of the cursor. */
  get offset(): number {
    return this.base + this.pos;
  }

  private eof(): boolean {
    if (this.pos < this.buf.length) return false;
    if (!this.complete) throw new NeedMoreBytes();
    return true;
  }

  peekByte(): number {
    if (this.eof()) return -1;
    return this.buf[this.pos];
  }

  skipWhitespace(): void {
    for (;;) {
      if (this.eof()) return;
      const c = this.buf[this.pos];
      if (WS[c]) {
        this.pos++;
      } else if (c === 0x25 /* % */) {
        while (!this.eof() && this.buf[this.pos] !== 10 && this.buf[this.pos] !== 13) this.pos++;
      } else return;
    }
  }

  /** Read a run of regular characters (a keyword or number) without interpretation. */
  readRegular(): string {
    const start = this.pos;
    while (!this.eof() && isRegular(this.buf[this.pos])) this.pos++;
    return latin1.decode(this.buf.subarray(start, this.pos));
  }

  /** Parse the next value; keywords come back as PdfKeyword. Returns undefined at end of input. */
  parse(depth = 0): PdfValue | PdfKeyword | undefined {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('nesting too deep', this.offset);
    this.skipWhitespace();
    if (this.eof()) return undefined;
    const c = this.buf[this.pos];
    switch (c) {
      case 0x2f: // /
        return this.parseName();
      case 0x28: // (
        return this.parseLiteralString();
      case 0x3c: // <
        if (this.byteAt(this.pos + 1) === 0x3c) return this.parseDict(depth);
        return this.parseHexString();
      case 0x5b: // [
        return this.parseArray(depth);
      case 0x5d: // ]
      case 0x3e: // >
      case 0x29: // )
      case 0x7b:
      case 0x7d:
        this.pos++;
        return new PdfKeyword(String.fromCharCode(c) + (c === 0x3e && this.byteAt(this.pos) === 0x3e ? (this.pos++, '>') : ''));
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) return this.parseNumberOrRef();
    const word = this.readRegular();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (word === '') {
      this.pos++;
      return new PdfKeyword(String.fromCharCode(c));
    }
    return new PdfKeyword(word);
  }

  /** Parse a value that must not be a keyword. */
  parseValue(depth = 0): PdfValue {
    const start = this.offset;
    const v = this.parse(depth);
    if (v === undefined) throw new PdfSyntaxError('unexpected end of data', start);
    if (v instanceof PdfKeyword) throw new PdfSyntaxError(`unexpected keyword '${v.word}'`, start);
    return v;
  }

  private byteAt(i: number): number {
    if (i >= this.buf.length) {
      if (!this.complete) throw new NeedMoreBytes();
      return -1;
    }
    return this.buf[i];
  }

  private parseName(): PdfName {
    this.pos++;
    const bytes: number[] = [];
    while (!this.eof() && isRegular(this.buf[this.pos])) {
      const c = this.buf[this.pos++];
      if (c === 0x23 /* # */) {
        const h = hexVal(this.byteAt(this.pos)), l = hexVal(this.byteAt(this.pos + 1));
        if (h >= 0 && l >= 0) {
          bytes.push(h * 16 + l);
          this.pos += 2;
          continue;
        }
      }
      bytes.push(c);
    }
    return new PdfName(decodeNameBytes(bytes));
  }

  private parseLiteralString(): PdfString {
    this.pos++;
    const out: number[] = [];
    let nest = 1;
    for (;;) {
      if (this.eof()) throw new PdfSyntaxError('unterminated string', this.offset);
      let c = this.buf[this.pos++];
      if (c === 0x28) nest++;
      else if (c === 0x29) {
        if (--nest === 0) break;
      } else if (c === 0x5c /* \ */) {
        if (this.eof()) throw new PdfSyntaxError('unterminated string', this.offset);
        c = this.buf[this.pos++];
        switch (c) {
          case 0x6e: out.push(10); continue;
          case 0x72: out.push(13); continue;
          case 0x74: out.push(9); continue;
          case 0x62: out.push(8); continue;
          case 0x66: out.push(12); continue;
          case 0x0d: // line continuation
            if (this.byteAt(this.pos) === 0x0a) this.pos++;
            continue;
          case 0x0a:
            continue;
        }
        if (c >= 0x30 && c <= 0x37) {
          let v = c - 0x30;
          for (let k = 0; k < 2; k++) {
            const d = this.byteAt(this.pos);
            if (d >= 0x30 && d <= 0x37) {
              v = v * 8 + (d - 0x30);
              this.pos++;
            } else break;
          }
          out.push(v & 0xff);
          continue;
        }
        out.push(c);
        continue;
      } else if (c === 0x0d) {
        // EOL in a literal string is read as \n
        if (this.byteAt(this.pos) === 0x0a) this.pos++;
        c = 0x0a;
      }
      out.push(c);
    }
    return new PdfString(Uint8Array.from(out), false);
  }

  private parseHexString(): PdfString {
    this.pos++;
    const start = this.pos;
    // the closing '>' found natively (a signature's /Contents is tens of kilobytes of hex)
    const end = this.buf.indexOf(0x3e, start);
    if (end < 0) {
      this.pos = this.buf.length;
      this.eof(); // more bytes may follow (NeedMoreBytes), else:
      throw new PdfSyntaxError('unterminated hex string', this.offset);
    }
    this.pos = end + 1;
    const out = new Uint8Array((end - start + 1) >> 1);
    let n = 0, hi = -1;
    let damaged = false;
    const buf = this.buf;
    for (let i = start; i < end; i++) {
      const v = HEX[buf[i]];
      if (v < 0) {
        // not a hex digit: skipped, as viewers do, and the string is marked damaged
        if (!WS[this.buf[i]]) damaged = true;
        continue;
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = hi * 16 + v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi * 16;
    return new PdfString(out.subarray(0, n), true, damaged);
  }

  private parseArray(depth: number): PdfValue[] {
    this.pos++;
    const arr: PdfValue[] = [];
    for (;;) {
      this.skipWhitespace();
      if (this.eof()) throw new PdfSyntaxError('unterminated array', this.offset);
      if (this.buf[this.pos] === 0x5d) {
        this.pos++;
        return arr;
      }
      const at = this.offset;
      const v = this.parse(depth + 1);
      if (v instanceof PdfKeyword) {
        if (v.word === 'endobj' || v.word === '>>') throw new PdfSyntaxError('unterminated array', at);
        continue; // tolerate stray keywords inside arrays
      }
      if (v === undefined) throw new PdfSyntaxError('unterminated array', at);
      arr.push(v);
    }
  }

  private parseDict(depth: number): PdfDict {
    const spans = depth === 0 ? this.spans : null;
    this.pos += 2;
    const d = new PdfDict();
    for (;;) {
      this.skipWhitespace();
      if (this.eof()) throw new PdfSyntaxError('unterminated dictionary', this.offset);
      const c = this.buf[this.pos];
      if (c === 0x3e) {
        if (this.byteAt(this.pos + 1) === 0x3e) {
          this.pos += 2;
          return d;
        }
        throw new PdfSyntaxError('bad dictionary end', this.offset);
      }
      if (c !== 0x2f) {
        // garbage where a key should be: skip one token (lenient, like most readers)
        const at = this.offset;
        const junk = this.parse(depth + 1);
        if (junk === undefined || (junk instanceof PdfKeyword && (junk.word === 'endobj' || junk.word === 'stream')))
          throw new PdfSyntaxError('unterminated dictionary', at);
        continue;
      }
      const key = this.parseName().name;
      this.skipWhitespace();
      const vStart = this.offset;
      const v = this.parse(depth + 1);
      if (v === undefined) throw new PdfSyntaxError('unterminated dictionary', vStart);
      if (v instanceof PdfKeyword) {
        if (v.word === '>>') return d; // key without value at the end
        throw new PdfSyntaxError(`unexpected keyword '${v.word}' in dictionary`, vStart);
      }
      if (spans) spans.set(key, [vStart, this.offset]);
      // a null value is the same as an absent key (§7.3.7)
      if (v !== null) d.set(key, v);
    }
  }

  private parseNumberOrRef(): number | PdfRef {
    const start = this.pos;
    const word = this.readRegular();
    const n = parseNumber(word);
    if (n === null) throw new PdfSyntaxError(`bad number '${word}'`, this.base + start);
    if (!/^\d+$/.test(word)) return n;
    // look ahead for "G R"
    const save = this.pos;
    this.skipWhitespace();
    const c = this.peekByte();
    if (c >= 0x30 && c <= 0x39) {
      const g = this.readRegular();
      if (/^\d+$/.test(g)) {
        this.skipWhitespace();
        if (this.peekByte() === 0x52 /* R */) {
          const after = this.byteAt(this.pos + 1);
          if (after === -1 || !isRegular(after)) {
            this.pos++;
            return new PdfRef(n, Number(g));
          }
        }
      }
    }
    this.pos = save;
    return n;
  }
}

/** Hex digit values by byte, -1 for anything else. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 256; c++) HEX[c] = hexDigit(c);

export function hexVal(c: number): number {
  return c >= 0 && c < 256 ? HEX[c] : -1;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function parseNumber(w: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) {
    // tolerate things like "--5" or "5-" produced by sloppy writers
    const m = /^[+-]*(\d*\.?\d+|\d+\.)/.exec(w.replace(/^[+-]+(?=[+-])/, ''));
    if (!m) return null;
    return Number(m[0]);
  }
  return Number(w);
}

/** Names are byte sequences; decode as UTF-8 when valid, else Latin-1, so round trips are exact. */
function decodeNameBytes(bytes: number[]): string {
  let ascii = true;
  for (const b of bytes) if (b > 0x7e || b < 0x21) ascii = false;
  if (ascii) return String.fromCharCode(...bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return latin1.decode(Uint8Array.from(bytes));
  }
}

/** Find `needle` in `hay` starting at `from`; -1 if absent. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const n = needle.length;
  const first = needle[0];
  outer: for (let i = hay.indexOf(first, from); i !== -1 && i <= hay.length - n; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < n; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** Last occurrence of `needle` in `hay` at or before `from`. */
export function lastIndexOfBytes(hay: Uint8Array, needle: Uint8Array, from = hay.length - needle.length): number {
  const n = needle.length;
  for (let i = Math.min(from, hay.length - n); i >= 0; i--) {
    let k = 0;
    while (k < n && hay[i + k] === needle[k]) k++;
    if (k === n) return i;
  }
  return -1;
}

export const ascii = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};
