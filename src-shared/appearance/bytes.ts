// Small byte and number helpers for the appearance builders: big-endian readers/writers,
// Latin-1/ASCII encoding and PDF content-stream number formatting.

/** Encode a string made only of ASCII characters (content streams, CMaps). */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

/** A number as a content-stream operand: at most 3 decimals, never exponent notation. */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  const r = Math.round(v * 1000) / 1000;
  if (Object.is(r, -0) || r === 0) return '0';
  let s = r.toFixed(3);
  s = s.replace(/\.?0+$/, '');
  return s;
}

export function hex4(v: number): string {
  return v.toString(16).toUpperCase().padStart(4, '0');
}

/** Big-endian reader over a byte array with bounds checks done by DataView. */
export class BinReader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(o: number): number {
    return this.view.getUint8(o);
  }
  u16(o: number): number {
    return this.view.getUint16(o);
  }
  i16(o: number): number {
    return this.view.getInt16(o);
  }
  u32(o: number): number {
    return this.view.getUint32(o);
  }
  tag(o: number): string {
    return String.fromCharCode(this.u8(o), this.u8(o + 1), this.u8(o + 2), this.u8(o + 3));
  }
}
