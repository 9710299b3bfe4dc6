// The PDF object model shared by the reader, the incremental writer and the appearance builders.
// Plain data classes, no I/O: values are what ISO 32000-1 §7.3 defines.

export class PdfName {
  constructor(readonly name: string) {}
}

/**
 * A string object; `bytes` are the decoded string bytes, `hex` records how it is written.
 * `damaged` marks a hex string that held characters other than hex digits and white space: they
 * were skipped (as viewers do), and whoever relies on the bytes (a signature's /Contents) must
 * treat them as broken.
 */
export class PdfString {
  constructor(readonly bytes: Uint8Array, readonly hex = false, readonly damaged = false) {}
}

export class PdfRef {
  constructor(readonly num: number, readonly gen = 0) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfDict {
  readonly map: Map<string, PdfValue>;
  constructor(entries?: Iterable<[string, PdfValue]> | Record<string, PdfValue>) {
    if (!entries) this.map = new Map();
    else if (Symbol.iterator in Object(entries)) this.map = new Map(entries as Iterable<[string, PdfValue]>);
    else this.map = new Map(Object.entries(entries as Record<string, PdfValue>));
  }
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfValue): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
}

/** A stream: its dictionary and its bytes as stored in the file (still encoded by /Filter). */
export class PdfStream {
  constructor(readonly dict: PdfDict, public raw: Uint8Array) {}
}

/** Integers and reals are both JS numbers; the serializer writes integers without a decimal point. */
export type PdfValue =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfRef
  | PdfValue[]
  | PdfDict
  | PdfStream;

/** Where new indirect objects go: the incremental writer implements it; builders call it. */
export interface ObjectSink {
  /** Allocate a new object number, store `value` there, and return its reference. */
  add(value: PdfValue): PdfRef;
  /** Reserve a number now, fill it later with `set` (for objects that refer to each other). */
  reserve(): PdfRef;
  set(ref: PdfRef, value: PdfValue): void;
}

export const name = (n: string): PdfName => new PdfName(n);
export const str = (s: string): PdfString => new PdfString(new TextEncoder().encode(s));
