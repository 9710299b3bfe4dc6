// Views of a PDF as it was at each revision: the file cut just after that revision's %%EOF and
// opened with the reader, so every rule compares two complete documents. Views are opened lazily
// and the change facts of each update are computed once and shared by all signatures.

import type { ByteSource } from '../pdf/bytesource';
import { PdfReader } from '../pdf/reader';
import { analyseUpdate, type ChangeFact } from './changes/analyse';

/** The first `length` bytes of a source. */
export class PrefixSource implements ByteSource {
  constructor(readonly inner: ByteSource, readonly length: number) {}
  read(offset: number, length: number): Uint8Array {
    if (offset >= this.length) return new Uint8Array(0);
    return this.inner.read(offset, Math.min(length, this.length - offset));
  }
}

export class RevisionViews {
  private views = new Map<number, PdfReader | Error>();
  private facts = new Map<number, ChangeFact[]>();

  constructor(readonly src: ByteSource, readonly full: PdfReader) {}

  get count(): number {
    return this.full.revisions.length;
  }

  /** The document as of revision `i` (0-based); the last one is the full reader. */
  view(i: number): PdfReader {
    if (i === this.count - 1) return this.full;
    let v = this.views.get(i);
    if (!v) {
      const end = this.full.revisions[i].end;
      try {
        if (end === null) throw new Error(`revision ${i + 1} has no %%EOF`);
        v = PdfReader.open(new PrefixSource(this.src, end), { allowEncrypted: true, ...this.full.parseCaches() });
        if (v.revisions.length !== i + 1) throw new Error(`revision ${i + 1} does not reopen as itself`);
      } catch (e) {
        v = e instanceof Error ? e : new Error(String(e));
      }
      this.views.set(i, v);
    }
    if (v instanceof Error) throw v;
    return v;
  }

  /** Change facts of the update that created revision `i` (0-based, i ≥ 1). */
  updateFacts(i: number): ChangeFact[] {
    let f = this.facts.get(i);
    if (!f) {
      try {
        f = analyseUpdate(this.view(i - 1), this.view(i), this.full.revisions[i].changedObjects, i + 1);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        f = [{
          revision: i + 1, rule: 'update-unanalysable', category: 'forbidden', objects: [],
          message_vi: `Không phân tích được lần cập nhật ${i + 1}: ${msg}.`, message_en: `Update ${i + 1} cannot be analysed: ${msg}.`,
        }];
      }
      this.facts.set(i, f);
    }
    return f;
  }
}
