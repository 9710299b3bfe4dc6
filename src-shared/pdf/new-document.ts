// Composes a complete new PDF 1.7 file in memory (ISO 32000-1 §7.5): header with a binary
// comment line, the indirect objects, one classic cross-reference table, a trailer with /Root,
// /Info and /ID, startxref and %%EOF. It is an ObjectSink, so the appearance and font builders
// can write into it exactly as they write into the incremental writer. No I/O, no randomness:
// the same objects always give the same bytes (the /ID is derived from them).

import { PdfDict, PdfRef, PdfString, type ObjectSink, type PdfValue } from './objects';
import { ByteBuilder, writeValue } from './serialize';

export class NewPdf implements ObjectSink {
  /** Slot i holds object number i + 1; `undefined` while reserved but not yet set. */
  private readonly objects: (PdfValue | undefined)[] = [];

  add(value: PdfValue): PdfRef {
    const ref = this.reserve();
    this.set(ref, value);
    return ref;
  }

  reserve(): PdfRef {
    this.objects.push(undefined);
    return new PdfRef(this.objects.length);
  }

  set(ref: PdfRef, value: PdfValue): void {
    if (ref.gen !== 0 || ref.num < 1 || ref.num > this.objects.length) throw new Error(`object ${ref} was not allocated here`);
    this.objects[ref.num - 1] = value;
  }

  /** Number of objects allocated so far. */
  get size(): number {
    return this.objects.length;
  }

  /**
   * The whole file. `root` is the document catalog, `info` the document information dictionary;
   * `id` (16 bytes or more) is written as both halves of /ID, else one is derived from the content.
   */
  toBytes(root: PdfRef, info?: PdfRef, id?: Uint8Array): Uint8Array {
    const out = new ByteBuilder();
    // The second line's bytes ≥ 0x80 tell transfer tools the file is binary (§7.5.2).
    out.text('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    const offsets: number[] = [];
    this.objects.forEach((value, i) => {
      if (value === undefined) throw new Error(`object ${i + 1} reserved but never set`);
      offsets.push(out.length);
      out.text(`${i + 1} 0 obj\n`);
      writeValue(out, value);
      out.text('\nendobj\n');
    });
    const xrefOffset = out.length;
    out.text(`xref\n0 ${this.objects.length + 1}\n0000000000 65535 f\r\n`);
    for (const o of offsets) out.text(`${String(o).padStart(10, '0')} 00000 n\r\n`);

    const fileId = new PdfString(id ?? contentId(out.toBytes()), true);
    const trailer = new PdfDict({ Size: this.objects.length + 1, Root: root });
    if (info) trailer.set('Info', info);
    trailer.set('ID', [fileId, fileId]);
    out.text('trailer\n');
    writeValue(out, trailer);
    out.text(`\nstartxref\n${xrefOffset}\n%%EOF\n`);
    return out.toBytes();
  }
}

/**
 * A 16-byte file identifier from the file's bytes: four 32-bit FNV-1a lanes with distinct
 * seeds, each byte also folded with its position, then a final avalanche per lane. Not a
 * cryptographic hash; it only has to differ between different documents.
 */
export function contentId(bytes: Uint8Array): Uint8Array {
  const lanes = new Uint32Array([0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b]);
  for (let i = 0; i < bytes.length; i++) {
    const lane = i & 3;
    let h = lanes[lane]! ^ bytes[i]!;
    h = Math.imul(h, 0x01000193);
    h ^= i >>> 2;
    lanes[lane] = h;
  }
  const out = new Uint8Array(16);
  for (let l = 0; l < 4; l++) {
    // Mix every lane with the others so each output byte depends on the whole input.
    let h = lanes[l]! ^ Math.imul(lanes[(l + 1) & 3]!, 0x27d4eb2d) ^ bytes.length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    out[4 * l] = h >>> 24;
    out[4 * l + 1] = (h >>> 16) & 0xff;
    out[4 * l + 2] = (h >>> 8) & 0xff;
    out[4 * l + 3] = h & 0xff;
  }
  return out;
}
