// Incremental-update writer (ISO 32000-1 §7.5.6): collects new and changed objects and produces
// the bytes to append after the original file — objects, a cross-reference section of the same
// kind as the file's last one (table or stream), trailer with /Prev, /Size, /Root, /Info, /ID.
// The original file is never rewritten: output = original ++ build().bytes.
// If the reader had to rebuild a broken xref, the new section lists every object and has no /Prev.

import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type ObjectSink, type PdfValue } from './objects';
import { ByteBuilder, writeValue, type WritableValue } from './serialize';
import type { PdfReader } from './reader';

export interface BuiltUpdate {
  /** Bytes to append to the original file. */
  bytes: Uint8Array;
  /** Offset (in the whole output) of each object written. */
  offsets: Map<number, number>;
  /** Offsets (in the whole output) of the PdfRaw marks written inside objects. */
  marks: Map<string, number>;
  /** Offset of the new cross-reference section. */
  xrefOffset: number;
}

export interface WriterOptions {
  /** Force the kind of cross-reference section (default: same as the file's last one). */
  xrefKind?: 'table' | 'stream';
}

export class IncrementalWriter implements ObjectSink {
  private next: number;
  private objects = new Map<number, { gen: number; value: WritableValue | undefined }>();
  private root: PdfRef;
  private info: PdfValue | undefined;

  constructor(readonly reader: PdfReader, readonly options: WriterOptions = {}) {
    this.next = reader.size;
    this.root = reader.rootRef;
    this.info = reader.trailer.get('Info');
  }

  add(value: PdfValue | WritableValue): PdfRef {
    const ref = this.reserve();
    this.set(ref, value);
    return ref;
  }

  reserve(): PdfRef {
    const ref = new PdfRef(this.next++, 0);
    this.objects.set(ref.num, { gen: 0, value: undefined });
    return ref;
  }

  set(ref: PdfRef, value: PdfValue | WritableValue): void {
    this.objects.set(ref.num, { gen: ref.gen, value });
  }

  /** Replace an existing object of the document with a new version (same number and generation). */
  update(ref: PdfRef, value: PdfValue | WritableValue): void {
    const e = this.reader.xref.get(ref.num);
    const gen = e && e.type === 'offset' ? e.gen : ref.gen;
    this.objects.set(ref.num, { gen, value });
  }

  /** Has this object number been added or updated in this writer? */
  touches(num: number): boolean {
    return this.objects.has(num);
  }

  setInfo(ref: PdfRef): void {
    this.info = ref;
  }

  get objectCount(): number {
    return this.objects.size;
  }

  build(): BuiltUpdate {
    const base = this.reader.length;
    const out = new ByteBuilder();
    const lastByte = this.reader.src.read(base - 1, 1)[0];
    if (lastByte !== 0x0a && lastByte !== 0x0d) out.text('\n');
    const offsets = new Map<number, number>();
    const marks = new Map<string, number>();
    const nums = [...this.objects.keys()].sort((a, b) => a - b);
    for (const n of nums) {
      const o = this.objects.get(n)!;
      if (o.value === undefined) throw new Error(`object ${n} reserved but never set`);
      offsets.set(n, base + out.length);
      out.text(`${n} ${o.gen} obj\n`);
      const before = new Map(out.marks);
      writeValue(out, o.value);
      for (const [k, v] of out.marks) if (before.get(k) !== v) marks.set(k, base + v);
      out.text('\nendobj\n');
    }
    const full = this.reader.recovered;
    const hasCompressed = full && [...this.reader.xref.values()].some((e) => e.type === 'compressed');
    const kind = this.options.xrefKind ?? (full ? (hasCompressed ? 'stream' : 'table') : this.reader.lastSectionKind);
    const xrefOffset = base + out.length;
    const entries = new Map<number, { type: 0 | 1 | 2; f2: number; f3: number }>();
    if (full) {
      for (const [n, e] of this.reader.xref) {
        if (e.type === 'offset') entries.set(n, { type: 1, f2: e.offset, f3: e.gen });
        else if (e.type === 'compressed') entries.set(n, { type: 2, f2: e.stream, f3: e.index });
      }
      entries.set(0, { type: 0, f2: 0, f3: 65535 });
    }
    for (const n of nums) entries.set(n, { type: 1, f2: offsets.get(n)!, f3: this.objects.get(n)!.gen });

    const trailer = new PdfDict();
    const id = this.newId();
    if (kind === 'table') {
      out.text('xref\n');
      writeTable(out, entries);
      trailer.set('Size', this.next);
      this.fillTrailer(trailer, id, full);
      out.text('trailer\n');
      writeValue(out, trailer);
      out.text('\n');
    } else {
      const xnum = this.next++;
      entries.set(xnum, { type: 1, f2: xrefOffset, f3: 0 });
      const maxOff = Math.max(xrefOffset, ...[...entries.values()].map((e) => e.f2));
      const w2 = Math.max(1, Math.ceil(Math.log2(maxOff + 1) / 8));
      const maxF3 = Math.max(0, ...[...entries.values()].map((e) => e.f3));
      const w3 = maxF3 > 0xffff ? 4 : maxF3 > 0xff ? 2 : 1;
      const sorted = [...entries.keys()].sort((a, b) => a - b);
      const index: number[] = [];
      for (const n of sorted) {
        if (index.length && index[index.length - 2] + index[index.length - 1] === n) index[index.length - 1]++;
        else index.push(n, 1);
      }
      const data = new Uint8Array(sorted.length * (1 + w2 + w3));
      let p = 0;
      const put = (v: number, w: number) => {
        for (let k = w - 1; k >= 0; k--) data[p + k] = Math.floor(v / 2 ** (8 * (w - 1 - k))) & 0xff;
        p += w;
      };
      for (const n of sorted) {
        const e = entries.get(n)!;
        put(e.type, 1);
        put(e.f2, w2);
        put(e.f3, w3);
      }
      trailer.set('Type', new PdfName('XRef'));
      trailer.set('Size', this.next);
      trailer.set('Index', index);
      trailer.set('W', [1, w2, w3]);
      this.fillTrailer(trailer, id, full);
      out.text(`${xnum} 0 obj\n`);
      writeValue(out, new PdfStream(trailer, data));
      out.text('\nendobj\n');
    }
    out.text(`startxref\n${xrefOffset}\n%%EOF\n`);
    return { bytes: out.toBytes(), offsets, marks, xrefOffset };
  }

  private fillTrailer(t: PdfDict, id: PdfValue[], full: boolean): void {
    t.set('Root', this.root);
    if (this.info instanceof PdfRef) t.set('Info', this.info);
    t.set('ID', id);
    if (!full) t.set('Prev', this.reader.startxref);
  }

  private newId(): PdfValue[] {
    const fresh = new Uint8Array(16);
    globalThis.crypto.getRandomValues(fresh);
    const old = this.reader.resolve(this.reader.trailer.get('ID'));
    const first = Array.isArray(old) && old[0] instanceof PdfString && old[0].bytes.length > 0 ? old[0] : new PdfString(fresh, true);
    return [new PdfString(first.bytes, true), new PdfString(fresh, true)];
  }
}

function writeTable(out: ByteBuilder, entries: Map<number, { type: 0 | 1 | 2; f2: number; f3: number }>): void {
  const sorted = [...entries.keys()].sort((a, b) => a - b);
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.text(`${sorted[i]} ${j - i + 1}\n`);
    for (let k = i; k <= j; k++) {
      const e = entries.get(sorted[k])!;
      if (e.type === 2) throw new Error('compressed object in a table section');
      out.text(`${String(e.f2).padStart(10, '0')} ${String(Math.min(e.f3, 65535)).padStart(5, '0')} ${e.type === 1 ? 'n' : 'f'}\r\n`);
    }
    i = j + 1;
  }
}
