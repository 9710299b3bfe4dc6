// The PDF reader: random access over a ByteSource (nothing is loaded whole), classic and stream
// cross-reference sections, hybrid files, /Prev chains of incremental updates, object streams,
// and recovery by scanning for `N G obj` when the cross-reference data is broken.
// It exposes what signing and verification need: revisions (their xref sections and %%EOF
// boundaries, the objects each one changed), trailer, catalog, page tree, signature fields with
// the exact byte span of their /Contents, and raw object offsets.

import { VanthuError } from '../errors';
import type { ByteSource } from './bytesource';
import { decodeStream, FilterError } from './filters';
import { ascii, indexOfBytes, lastIndexOfBytes, Lexer, NeedMoreBytes, PdfKeyword, PdfSyntaxError } from './lexer';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './objects';
import { findStartxref, parseXrefStreamEntries, parseXrefTable, type XrefEntry, type XrefSection } from './xref';

/** One shared decoder (creating a TextDecoder costs more than decoding a few bytes). */
const LATIN1 = new TextDecoder('latin1');

export type { XrefEntry } from './xref';

export interface Revision {
  /** 0 = the original document, then one per incremental update, oldest first. */
  index: number;
  kind: 'table' | 'stream';
  /** Offset of the `xref` keyword or the xref stream object (what `startxref` points to). */
  xrefOffset: number;
  trailer: PdfDict;
  /** Offset just past this revision's `%%EOF` marker and its end-of-line, or null if not found. */
  end: number | null;
  /** Offset just past the `%%EOF` marker itself (signers differ on covering the EOL after it). */
  eofOffset: number | null;
  /** Object numbers this revision's cross-reference section lists (new, changed or freed). */
  changedObjects: number[];
  /** Offset of the xref stream of a hybrid-reference section (/XRefStm), if any. */
  xrefStm?: number;
}

export interface PageInfo {
  /** Indirect reference of the page dictionary, or null when it is a direct object in /Kids. */
  ref: PdfRef | null;
  /** The indirect object that physically contains the page dictionary (== ref when indirect). */
  holder: PdfRef;
  dict: PdfDict;
  /** Attributes inherited through the page tree (§7.7.3.4), resolved to values. */
  mediaBox: number[];
  cropBox: number[] | null;
  rotate: number;
  resources: PdfDict | null;
}

export interface SignatureField {
  /** Fully qualified field name (parent names joined with '.'). */
  name: string;
  fieldRef: PdfRef | null;
  field: PdfDict;
  /** The signature dictionary (/V), or null for an empty field. */
  sigRef: PdfRef | null;
  sig: PdfDict | null;
  byteRange: number[] | null;
  /** Raw file span [start, end) of the /Contents hex string including its < and >. */
  contentsSpan: [number, number] | null;
  /** Decoded /Contents bytes (the CMS blob, with its zero padding). */
  contents: Uint8Array | null;
  /**
   * The field has a signature (/V) that cannot be read as it should: the signature dictionary
   * does not parse, or its /Contents is not a clean hex string. Such a signature is present and
   * failed, never absent.
   */
  damaged?: string;
}

export interface ObjectLocation {
  type: 'offset' | 'compressed' | 'free' | 'missing';
  offset?: number;
  gen?: number;
  stream?: number;
  index?: number;
}

export interface ReaderOptions {
  /** Allow opening encrypted files (objects stay encrypted; only the structure is usable). */
  allowEncrypted?: boolean;
  /**
   * Parsed cross-reference sections by file offset, shared by readers of the same bytes (the
   * revision views of one file, each a prefix of it): a document with n revisions opens n views
   * whose /Prev chains overlap, and re-parsing them made the views O(n²) in sections read. A
   * cached section is used only when it ends inside this reader's bytes. Never mutated.
   */
  sectionCache?: Map<number, XrefSection>;
  /**
   * Indirect objects parsed at a file offset, shared the same way: the same bytes parse to the
   * same value, so the revision views of a 20-signature file stop re-reading each signature's
   * /Contents once per later revision. Used only for an object that ends inside this reader's
   * bytes. Parsed values are never mutated by readers or the verifier.
   */
  objectCache?: Map<number, ParsedIndirect>;
}

/** `N G obj … endobj` as parsed at one offset (end: just past it). */
export interface ParsedIndirect {
  num: number;
  gen: number;
  value: PdfValue;
  end: number;
}

/** The bytes of one cross-reference section: after the previous revision's end, its xref, its revision's end. */
interface SectionBounds {
  from: number;
  xref: number;
  end: number;
}

export function pdfError(code: string, vi: string, en: string, details?: Record<string, unknown>): VanthuError {
  return new VanthuError(code, vi, en, details);
}

export class PdfReader {
  readonly revisions: Revision[] = [];
  /** True when the cross-reference data was rebuilt by scanning the file. */
  recovered = false;
  /** An object was not where the cross-reference data said and had to be found by scanning. */
  repaired = false;
  /**
   * The objects whose entry did not lead to them, as found so far (objects are read lazily): an
   * offset not holding `N G obj` of that number, or an object stream not declaring it at that index.
   */
  readonly repairedObjects = new Set<number>();
  /** When the cross-reference data was rebuilt because /Root could not be read through it: what its entry held. */
  recoveryCause: { object: number; rule: 'xref-entry-mismatch' | 'xref-entry-unreadable' | 'objstm-entry-mismatch'; detail_en: string; detail_vi: string } | null = null;
  /** Per object number, the bytes of the section that lists its effective entry (for repairs). */
  private entryBounds = new Map<number, SectionBounds>();
  /** Effective entry per object number across all revisions (newest wins). */
  readonly xref = new Map<number, XrefEntry>();
  trailer: PdfDict = new PdfDict();
  /** Offset `startxref` of the last section points to (after any correction). */
  startxref = 0;
  private cache = new Map<number, PdfValue>();
  private objStmCache = new Map<number, { nums: number[]; offsets: number[]; lexer: Lexer; first: number }>();
  private loading = new Set<number>();
  private scanIndex: Map<number, number> | null = null;
  /** Every `N G obj` header offset per object number, in file order (built with scanIndex). */
  private scanAll: Map<number, number[]> | null = null;

  private readonly sections: Map<number, XrefSection>;
  private readonly parsedAt: Map<number, ParsedIndirect>;
  private readonly spansAt = new Map<number, { parsed: ParsedIndirect; spans: Map<string, [number, number]> }>();

  private constructor(readonly src: ByteSource, readonly options: ReaderOptions) {
    this.sections = options.sectionCache ?? new Map();
    this.parsedAt = options.objectCache ?? new Map();
  }

  /** Open a PDF. Throws VanthuError PDF_NOT_PDF, PDF_CORRUPT or PDF_ENCRYPTED. */
  static open(src: ByteSource, options: ReaderOptions = {}): PdfReader {
    const r = new PdfReader(src, options);
    r.load();
    return r;
  }

  get length(): number {
    return this.src.length;
  }

  /** The number to use for /Size: one more than the highest object number in use. */
  get size(): number {
    let max = 0;
    for (const n of this.xref.keys()) if (n > max) max = n;
    const s = this.trailer.get('Size');
    return Math.max(max + 1, typeof s === 'number' ? s : 0);
  }

  /**
   * True when the file does not end with an end-of-file marker: `%%EOF` is not within its last
   * 1024 bytes (ISO 32000-1 §7.5.5 puts it on the last line). A file cut off while downloading or
   * copying reads, after recovery, as a document with objects missing; nothing may be added to it.
   */
  get truncated(): boolean {
    const tailLen = Math.min(1024, this.src.length);
    return lastIndexOfBytes(this.src.read(this.src.length - tailLen, tailLen), ascii('%%EOF')) < 0;
  }

  /** Refuse a truncated file before anything is appended to it. */
  assertComplete(): void {
    if (this.truncated)
      throw pdfError(
        'PDF_TRUNCATED',
        'Tệp PDF bị cắt cụt (không kết thúc bằng %%EOF), có thể do tải xuống hoặc sao chép chưa xong; không thể ký.',
        'The PDF is truncated (it does not end with %%EOF), perhaps cut off while downloading or copying; it cannot be signed.',
      );
  }

  get lastSectionKind(): 'table' | 'stream' {
    return this.revisions.length ? this.revisions[this.revisions.length - 1].kind : 'table';
  }

  // ---------------------------------------------------------------- loading

  private load(): void {
    const head = this.src.read(0, 1024);
    if (indexOfBytes(head, ascii('%PDF-')) < 0)
      throw pdfError('PDF_NOT_PDF', 'Tệp không phải là PDF.', 'The file is not a PDF (no %PDF- header).');
    try {
      this.loadXrefChain();
    } catch (e) {
      if (e instanceof VanthuError) throw e;
      this.recover(e);
    }
    const rootOk = () => {
      const root = this.trailer.get('Root');
      if (!(root instanceof PdfRef)) return false;
      try {
        return this.getObject(root) instanceof PdfDict;
      } catch {
        return false;
      }
    };
    if (!rootOk()) {
      if (!this.recovered) {
        this.recoveryCause = this.rootEntryProblem();
        this.recover(new Error('no usable /Root'));
      }
      if (!rootOk())
        throw pdfError('PDF_CORRUPT', 'Tệp PDF bị hỏng: không tìm thấy danh mục tài liệu.', 'The PDF is corrupt: its document catalog (/Root) cannot be found.');
    }
    if (this.trailer.has('Encrypt') && !this.options.allowEncrypted)
      throw pdfError('PDF_ENCRYPTED', 'Không hỗ trợ tệp PDF đã mã hóa.', 'encrypted PDFs are not supported');
  }

  private loadXrefChain(): void {
    const sx = findStartxref(this.src);
    if (!sx) throw new PdfSyntaxError('no startxref', this.src.length);
    const sections: { sec: XrefSection; stm?: XrefSection }[] = [];
    const visited = new Set<number>();
    let off: number | null = sx.value;
    let first = true;
    while (off !== null) {
      if (visited.has(off) || sections.length > 10000) break; // /Prev loop
      visited.add(off);
      const sec = this.readSectionTolerant(off);
      if (first) this.startxref = sec.offset;
      first = false;
      let stm: XrefSection | undefined;
      const xs = sec.trailer.get('XRefStm');
      if (sec.kind === 'table' && typeof xs === 'number') {
        try {
          stm = this.readXrefStream(xs);
        } catch {
          stm = undefined; // hybrid readers may ignore a broken XRefStm
        }
      }
      sections.push({ sec, stm });
      const prev = sec.trailer.get('Prev');
      off = typeof prev === 'number' && prev >= 0 && prev < this.src.length ? prev : null;
    }
    // oldest first
    sections.reverse();
    for (let i = 0; i < sections.length; i++) {
      const { sec, stm } = sections[i];
      const merged = new Map<number, XrefEntry>();
      for (const [n, e] of sec.entries) merged.set(n, e);
      if (stm) for (const [n, e] of stm.entries) if (!merged.has(n) || merged.get(n)!.type === 'free') merged.set(n, e);
      const from = i > 0 ? (this.revisions[i - 1]?.end ?? 0) : 0;
      const eof = this.findEof(sec.end);
      const bounds: SectionBounds = { from, xref: sec.offset, end: eof.end ?? this.src.length };
      for (const [n, e] of merged) {
        this.xref.set(n, e);
        this.entryBounds.set(n, bounds);
      }
      this.revisions.push({
        index: i,
        kind: sec.kind,
        xrefOffset: sec.offset,
        trailer: sec.trailer,
        ...eof,
        changedObjects: [...merged.keys()].sort((a, b) => a - b),
        xrefStm: stm?.offset,
      });
    }
    // linearized files: the first-page section sits before the main one; fold sections whose
    // end lies before the previous revision's end into that revision
    for (let i = 1; i < this.revisions.length; i++) {
      const prev = this.revisions[i - 1], cur = this.revisions[i];
      if (prev.end !== null && cur.end !== null && cur.end < prev.end) {
        prev.changedObjects = [...new Set([...prev.changedObjects, ...cur.changedObjects])].sort((a, b) => a - b);
        this.revisions.splice(i, 1);
        i--;
      }
    }
    this.revisions.forEach((r, i) => (r.index = i));
    this.trailer = sections[sections.length - 1].sec.trailer;
    // merge /Root, /Info, /ID from older trailers when the last one lacks them
    for (let i = sections.length - 2; i >= 0; i--)
      for (const k of ['Root', 'Info', 'ID', 'Encrypt']) {
        const v = sections[i].sec.trailer.get(k);
        if (!this.trailer.has(k) && v !== undefined) this.trailer = cloneDict(this.trailer).set(k, v);
      }
  }

  /**
   * Some writers (PoDoFo among them) append a whole new cross-reference table without /Prev after
   * a complete earlier file, so the /Prev chain never reaches the earlier revision. Given `end`,
   * just past an %%EOF that lies before the oldest section found, take the file up to there as
   * the earlier revision(s): its startxref and /Prev chain become the oldest revisions (their
   * entries only fill object numbers the newer sections do not list). Returns whether it did.
   * Cheap for callers: run only for an end a signature's /ByteRange points at.
   */
  addEarlierRevisions(end: number): boolean {
    const oldest = this.revisions[0];
    if (!oldest || this.recovered || oldest.trailer.has('Prev') || end > oldest.xrefOffset || this.revisions.some((r) => r.end === end)) return false;
    const tail = LATIN1.decode(this.src.read(Math.max(0, end - 64), Math.min(64, end)));
    if (!/%%EOF\s*$/.test(tail)) return false;
    const prefix: ByteSource = { length: end, read: (o, l) => this.src.read(o, Math.max(0, Math.min(l, end - o))) };
    const sx = findStartxref(prefix);
    if (!sx || sx.value >= end) return false;
    const older: Revision[] = [];
    const visited = new Set<number>();
    let off: number | null = sx.value;
    try {
      while (off !== null && !visited.has(off) && older.length < 1000) {
        visited.add(off);
        const sec = this.readSectionAt(off);
        if (sec.end > end) return false;
        const bounds: SectionBounds = { from: 0, xref: sec.offset, end };
        for (const [n, e] of sec.entries) if (!this.xref.has(n)) {
          this.xref.set(n, e);
          this.entryBounds.set(n, bounds);
        }
        older.unshift({
          index: 0, kind: sec.kind, xrefOffset: sec.offset, trailer: sec.trailer, ...this.findEof(sec.end),
          changedObjects: [...sec.entries.keys()].sort((a, b) => a - b),
        });
        const prev = sec.trailer.get('Prev');
        off = typeof prev === 'number' && prev >= 0 && prev < end ? prev : null;
      }
    } catch {
      return false;
    }
    if (!older.length || older[older.length - 1].end !== end) return false;
    this.revisions.unshift(...older);
    this.revisions.forEach((r, i) => (r.index = i));
    return true;
  }

  /** Read a section at `off`; tolerate small offset errors by looking around it. */
  private readSectionTolerant(off: number): XrefSection {
    try {
      return this.readSectionAt(off);
    } catch (e) {
      if (e instanceof VanthuError) throw e;
      const from = Math.max(0, off - 64);
      const buf = this.src.read(from, 128 + 16);
      const text = LATIN1.decode(buf);
      const candidates: number[] = [];
      for (const m of text.matchAll(/xref|\d+\s+\d+\s+obj/g)) {
        if (m[0] !== 'xref' && m.index! > 0 && /\d/.test(text[m.index! - 1])) continue;
        candidates.push(from + m.index!);
      }
      candidates.sort((a, b) => Math.abs(a - off) - Math.abs(b - off));
      for (const c of candidates) {
        if (c === off) continue;
        try {
          return this.readSectionAt(c);
        } catch {
          /* next */
        }
      }
      throw e;
    }
  }

  /** The parse caches to hand to other readers of a prefix of the same bytes (revision views). */
  parseCaches(): { sectionCache: Map<number, XrefSection>; objectCache: Map<number, ParsedIndirect> } {
    return { sectionCache: this.sections, objectCache: this.parsedAt };
  }

  private readSectionAt(off: number): XrefSection {
    const cache = this.sections;
    const hit = cache?.get(off);
    if (hit && hit.end <= this.src.length) return hit;
    const head = LATIN1.decode(this.src.read(off, 32)).trimStart();
    const sec = head.startsWith('xref') ? parseXrefTable(this.src, off) : this.readXrefStream(off);
    cache?.set(off, sec);
    return sec;
  }

  private readXrefStream(off: number): XrefSection {
    const obj = this.parseIndirectAt(off);
    const v = obj.value;
    if (!(v instanceof PdfStream) || !(v.dict.get('W') instanceof Array)) throw new PdfSyntaxError('not an xref stream', off);
    const data = decodeStream(v.raw, v.dict);
    const entries = parseXrefStreamEntries(v, data);
    const trailer = cloneDict(v.dict);
    return { kind: 'stream', offset: off, trailer, entries, end: obj.end };
  }

  /** Offset just past the first `%%EOF` (and its EOL) at or after `from`, within a short distance. */
  private findEof(from: number): { end: number | null; eofOffset: number | null } {
    const buf = this.src.read(from, 4096);
    const i = indexOfBytes(buf, ascii('%%EOF'));
    if (i < 0) return { end: null, eofOffset: null };
    const eofOffset = from + i + 5;
    let end = eofOffset;
    const after = this.src.read(end, 2);
    if (after[0] === 13) end += after[1] === 10 ? 2 : 1;
    else if (after[0] === 10) end += 1;
    return { end, eofOffset };
  }

  /** Rebuild the cross-reference data by scanning the whole file for `N G obj`. */
  private recover(cause: unknown): void {
    const index = this.buildScanIndex();
    if (index.size === 0)
      throw pdfError('PDF_CORRUPT', 'Tệp PDF bị hỏng và không thể khôi phục.', 'The PDF is corrupt and cannot be recovered.', { cause: String(cause) });
    this.recovered = true;
    this.xref.clear();
    this.entryBounds.clear();
    this.cache.clear();
    this.objStmCache.clear();
    for (const [n, off] of index) this.xref.set(n, { type: 'offset', offset: off, gen: 0 });
    // objects inside object streams, unless a plain object with that number exists
    for (const [n] of index) {
      let v: PdfValue;
      try {
        v = this.getObject(n);
      } catch {
        continue;
      }
      if (v instanceof PdfStream && nameOf(v.dict.get('Type')) === 'ObjStm') {
        try {
          const stm = this.loadObjStm(n);
          stm.nums.forEach((m, i) => {
            if (!index.has(m)) this.xref.set(m, { type: 'compressed', stream: n, index: i });
          });
        } catch {
          /* unusable object stream */
        }
      }
    }
    // trailer: the last `trailer` dictionary with /Root, else the last xref stream dict, else find the catalog
    let trailer: PdfDict | null = this.scanTrailer();
    if (!trailer || !(trailer.get('Root') instanceof PdfRef)) {
      const t = new PdfDict();
      if (trailer) for (const [k, v] of trailer.map) t.set(k, v);
      for (const [n] of this.xref) {
        let v: PdfValue;
        try {
          v = this.getObject(n);
        } catch {
          continue;
        }
        const d = v instanceof PdfStream ? v.dict : v;
        if (d instanceof PdfDict && nameOf(d.get('Type')) === 'Catalog') t.set('Root', new PdfRef(n, 0));
      }
      trailer = t;
    }
    trailer.delete('Prev');
    trailer.delete('XRefStm');
    this.trailer = trailer;
    this.revisions.length = 0;
    this.revisions.push({
      index: 0,
      kind: 'table',
      xrefOffset: -1,
      trailer,
      end: this.src.length,
      eofOffset: this.src.length,
      changedObjects: [...this.xref.keys()].sort((a, b) => a - b),
    });
  }

  private scanTrailer(): PdfDict | null {
    let best: PdfDict | null = null;
    this.scanFile(/trailer\s*<</g, (off) => {
      try {
        const buf = this.src.read(off, 4096);
        const lx = new Lexer(buf, off, true);
        lx.readRegular();
        const v = lx.parseValue();
        if (v instanceof PdfDict && v.get('Root') instanceof PdfRef) best = v;
      } catch {
        /* ignore */
      }
    });
    if (best) return best;
    for (const [n] of this.scanIndex ?? []) {
      try {
        const v = this.getObject(n);
        if (v instanceof PdfStream && nameOf(v.dict.get('Type')) === 'XRef' && v.dict.get('Root') instanceof PdfRef) best = cloneDict(v.dict);
      } catch {
        /* ignore */
      }
    }
    return best;
  }

  private scanFile(re: RegExp, onMatch: (offset: number, m: RegExpExecArray) => void): void {
    const chunk = 1 << 20;
    const overlap = 64;
    const dec = LATIN1;
    const seen = new Set<number>();
    for (let pos = 0; pos < this.src.length; pos += chunk) {
      const text = dec.decode(this.src.read(pos, chunk + overlap));
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text))) {
        const off = pos + m.index;
        if (!seen.has(off)) {
          seen.add(off);
          onMatch(off, m);
        }
      }
    }
  }

  private buildScanIndex(): Map<number, number> {
    if (this.scanIndex) return this.scanIndex;
    const index = new Map<number, number>();
    const all = new Map<number, number[]>();
    this.scanFile(/(?:^|[\r\n\s>])(\d{1,10})\s+(\d{1,5})\s+obj\b/g, (off, m) => {
      const lead = m[0].length - m[0].trimStart().length;
      const start = off + lead;
      const num = Number(m[1]);
      index.set(num, start);
      const list = all.get(num);
      if (list) list.push(start);
      else all.set(num, [start]);
    });
    this.scanIndex = index;
    this.scanAll = all;
    return index;
  }

  /**
   * Where to look for object `num` whose entry is broken, best first: bodies inside the section
   * that lists the entry (after the previous revision's end, before this section's xref), then
   * bodies before the end of that revision (last one first). Never a body appended after it: a
   * later update cannot change what an earlier revision's entry meant (shadow "hide via
   * referenced object").
   */
  private repairCandidates(num: number): number[] {
    this.buildScanIndex();
    const all = this.scanAll?.get(num) ?? [];
    const b = this.entryBounds.get(num);
    if (!b) return [...all].reverse();
    const inside = all.filter((o) => o >= b.from && o < b.xref).reverse();
    const before = all.filter((o) => o < b.end && !inside.includes(o)).reverse();
    return [...inside, ...before];
  }

  /**
   * The 0-based revision whose section lists the effective entry of `num` (the first revision
   * ending after that section's xref), or -1 when unknown (recovered files, no entry).
   */
  entryRevision(num: number): number {
    const b = this.entryBounds.get(num);
    if (!b || this.recovered) return -1;
    const i = this.revisions.findIndex((r) => (r.end ?? this.src.length) > b.xref);
    return i;
  }

  /** Why the /Root entry does not lead to a catalog (the cross-reference data is about to be rebuilt). */
  private rootEntryProblem(): PdfReader['recoveryCause'] {
    const root = this.trailer.get('Root');
    if (!(root instanceof PdfRef)) return null;
    const e = this.xref.get(root.num);
    const n = root.num;
    if (!e || e.type === 'free')
      return { object: n, rule: 'xref-entry-unreadable', detail_en: `the catalog (/Root, object ${n}) has no entry in use`, detail_vi: `danh mục (/Root, đối tượng ${n}) không có mục tham chiếu đang dùng` };
    if (e.type === 'compressed')
      return { object: n, rule: 'objstm-entry-mismatch', detail_en: `the catalog (/Root, object ${n}) is declared at index ${e.index} of object stream ${e.stream}, which does not hold it`, detail_vi: `danh mục (/Root, đối tượng ${n}) được khai báo ở vị trí ${e.index} của luồng đối tượng ${e.stream}, nhưng không có ở đó` };
    const h = this.objectHeaderAt(e.offset);
    if (h && h.num !== n)
      return { object: n, rule: 'xref-entry-mismatch', detail_en: `the entry of the catalog (/Root, object ${n}) points at the body of object ${h.num} ${h.gen} (offset ${e.offset})`, detail_vi: `mục tham chiếu của danh mục (/Root, đối tượng ${n}) trỏ vào thân của đối tượng ${h.num} ${h.gen} (vị trí ${e.offset})` };
    return { object: n, rule: 'xref-entry-unreadable', detail_en: `the entry of the catalog (/Root, object ${n}) points at offset ${e.offset}, where no catalog can be read`, detail_vi: `mục tham chiếu của danh mục (/Root, đối tượng ${n}) trỏ tới vị trí ${e.offset}, nơi không đọc được danh mục` };
  }

  // ---------------------------------------------------------------- objects

  /** Where object `num` lives (for verification: raw offsets of objects). */
  locate(num: number): ObjectLocation {
    const e = this.xref.get(num);
    if (!e) return { type: 'missing' };
    if (e.type === 'offset') return { type: 'offset', offset: e.offset, gen: e.gen };
    if (e.type === 'compressed') return { type: 'compressed', stream: e.stream, index: e.index };
    return { type: 'free', gen: e.gen };
  }

  /** The object with this number (null when free or missing, per §7.3.10). */
  getObject(ref: PdfRef | number): PdfValue {
    const num = typeof ref === 'number' ? ref : ref.num;
    if (this.cache.has(num)) return this.cache.get(num)!;
    if (this.loading.has(num)) throw new PdfSyntaxError(`reference loop at object ${num}`, 0);
    this.loading.add(num);
    try {
      const v = this.loadObject(num);
      this.cache.set(num, v);
      return v;
    } catch (e) {
      if (e instanceof PdfSyntaxError || e instanceof FilterError)
        throw pdfError('PDF_CORRUPT', `Tệp PDF bị hỏng: đối tượng ${num} không đọc được.`, `The PDF is corrupt: object ${num} cannot be read (${e.message}).`, { object: num });
      throw e;
    } finally {
      this.loading.delete(num);
    }
  }

  /** Follow a reference (once; values inside arrays/dicts stay as they are). */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let guard = 0;
    while (v instanceof PdfRef && guard++ < 32) v = this.getObject(v);
    return v;
  }

  resolveDict(v: PdfValue | undefined): PdfDict | null {
    const r = this.resolve(v);
    if (r instanceof PdfDict) return r;
    if (r instanceof PdfStream) return r.dict;
    return null;
  }

  private loadObject(num: number): PdfValue {
    const e = this.xref.get(num);
    if (!e || e.type === 'free') return null;
    if (e.type === 'compressed') return this.loadCompressed(num, e.stream, e.index);
    try {
      const o = this.parseIndirectAt(e.offset);
      if (o.num === num) return o.value;
    } catch (err) {
      if (!(err instanceof PdfSyntaxError) && !(err instanceof FilterError)) throw err;
    }
    // the xref offset is wrong: find the object by scanning (the number must match), preferring
    // a body the revision that lists the entry wrote (repairCandidates)
    this.repaired = true;
    this.repairedObjects.add(num);
    for (const off of this.repairCandidates(num)) {
      if (off === e.offset) continue;
      let o: { num: number; gen: number; value: PdfValue };
      try {
        o = this.parseIndirectAt(off);
      } catch (err) {
        if (err instanceof PdfSyntaxError || err instanceof FilterError) continue;
        throw err;
      }
      if (o.num !== num) continue;
      this.xref.set(num, { type: 'offset', offset: off, gen: o.gen });
      return o.value;
    }
    return null;
  }

  private loadObjStm(streamNum: number) {
    let stm = this.objStmCache.get(streamNum);
    if (stm) return stm;
    const v = this.getObject(streamNum);
    if (!(v instanceof PdfStream)) throw new PdfSyntaxError(`object stream ${streamNum} missing`, 0);
    const n = this.resolve(v.dict.get('N'));
    const first = this.resolve(v.dict.get('First'));
    if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || n > 1e6) throw new PdfSyntaxError('bad object stream header', 0);
    const data = decodeStream(v.raw, v.dict, (x) => this.resolve(x));
    const lx = new Lexer(data, 0, true);
    const nums: number[] = [], offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = lx.parse(), b = lx.parse();
      if (typeof a !== 'number' || typeof b !== 'number') break;
      nums.push(a);
      offsets.push(b);
    }
    stm = { nums, offsets, lexer: lx, first };
    this.objStmCache.set(streamNum, stm);
    return stm;
  }

  private loadCompressed(num: number, streamNum: number, index: number): PdfValue {
    const stm = this.loadObjStm(streamNum);
    // an entry naming the wrong index: readers disagree (pdf.js takes the body at the index, we
    // the one declared with this number), so the object counts as repaired
    if (stm.nums[index] !== num) {
      this.repaired = true;
      this.repairedObjects.add(num);
    }
    const i = stm.nums[index] === num ? index : stm.nums.indexOf(num);
    if (i < 0) return null;
    const lx = new Lexer(stm.lexer.buf, 0, true);
    lx.pos = stm.first + stm.offsets[i];
    if (lx.pos >= lx.buf.length) return null;
    const v = lx.parse();
    if (v instanceof PdfKeyword || v === undefined) return null;
    return v;
  }

  /**
   * Parse `N G obj … endobj` at a file offset. Streams get their raw (still filtered) bytes.
   * `spans` receives the byte span of each top-level dictionary value when given.
   */
  parseIndirectAt(offset: number, spans?: Map<string, [number, number]>): ParsedIndirect {
    if (!spans) {
      const hit = this.parsedAt.get(offset);
      if (hit && hit.end <= this.src.length) return hit;
      const o = this.parseIndirectUncached(offset);
      if (this.parsedAt.size > 200_000) this.parsedAt.clear();
      this.parsedAt.set(offset, o);
      return o;
    }
    // with the byte spans of its values (signature dictionaries): parsed once per offset too
    const hit = this.spansAt.get(offset);
    if (hit && hit.parsed.end <= this.src.length) {
      spans.clear();
      for (const [k, v] of hit.spans) spans.set(k, v);
      return hit.parsed;
    }
    const o = this.parseIndirectUncached(offset, spans);
    this.spansAt.set(offset, { parsed: o, spans: new Map(spans) });
    if (!this.parsedAt.has(offset)) this.parsedAt.set(offset, o);
    return o;
  }

  private parseIndirectUncached(offset: number, spans?: Map<string, [number, number]>): ParsedIndirect {
    let window = 4096;
    for (;;) {
      const buf = this.src.read(offset, window);
      const complete = offset + buf.length >= this.src.length;
      const lx = new Lexer(buf, offset, complete);
      if (spans) {
        spans.clear();
        lx.spans = spans;
      }
      try {
        return this.parseIndirect(lx);
      } catch (e) {
        if (e instanceof NeedMoreBytes && !complete) {
          window *= 16; // 4 KB, 64 KB, 1 MB…: a signature dictionary (~16–40 KB of hex) in two reads, not three
          continue;
        }
        throw e;
      }
    }
  }

  private parseIndirect(lx: Lexer): { num: number; gen: number; value: PdfValue; end: number } {
    const start = lx.offset;
    lx.skipWhitespace();
    const n = lx.readRegular();
    lx.skipWhitespace();
    const g = lx.readRegular();
    lx.skipWhitespace();
    const kw = lx.readRegular();
    if (!/^\d+$/.test(n) || !/^\d+$/.test(g) || kw !== 'obj') throw new PdfSyntaxError('expected "N G obj"', start);
    let value: PdfValue;
    const v = lx.parse();
    if (v === undefined || (v instanceof PdfKeyword && v.word === 'endobj')) value = null;
    else if (v instanceof PdfKeyword) throw new PdfSyntaxError(`unexpected keyword '${v.word}'`, start);
    else value = v;
    lx.spans = null;
    lx.skipWhitespace();
    const save = lx.pos;
    const next = lx.peekByte() === -1 ? '' : lx.readRegular();
    if (next === 'stream' && value instanceof PdfDict) {
      // EOL after the keyword: CRLF or LF (CR alone tolerated)
      if (lx.peekByte() === 13) lx.pos++;
      if (lx.peekByte() === 10) lx.pos++;
      const dataStart = lx.offset;
      const { raw, end } = this.readStreamData(value, dataStart);
      return { num: Number(n), gen: Number(g), value: new PdfStream(value, raw), end };
    }
    if (next !== 'endobj') lx.pos = save;
    return { num: Number(n), gen: Number(g), value, end: lx.offset };
  }

  private readStreamData(dict: PdfDict, dataStart: number): { raw: Uint8Array; end: number } {
    let len: PdfValue | undefined = dict.get('Length');
    if (len instanceof PdfRef) {
      try {
        len = this.getObject(len);
      } catch {
        len = undefined;
      }
    }
    const avail = this.src.length - dataStart;
    if (typeof len === 'number' && Number.isInteger(len) && len >= 0 && len <= avail) {
      const tail = LATIN1.decode(this.src.read(dataStart + len, 32));
      const m = /^\s*endstream/.exec(tail);
      if (m) {
        const afterEnd = dataStart + len + m[0].length;
        return { raw: this.src.read(dataStart, len), end: this.skipEndobj(afterEnd) };
      }
    }
    // /Length missing, absurd or wrong: find `endstream`
    const needle = ascii('endstream');
    const chunk = 1 << 16;
    for (let pos = dataStart; pos < this.src.length; pos += chunk) {
      const buf = this.src.read(pos, chunk + needle.length);
      const i = indexOfBytes(buf, needle);
      if (i >= 0) {
        let stop = pos + i;
        const pre = this.src.read(Math.max(dataStart, stop - 2), Math.min(2, stop - dataStart));
        if (pre.length === 2 && pre[0] === 13 && pre[1] === 10) stop -= 2;
        else if (pre.length >= 1 && (pre[pre.length - 1] === 10 || pre[pre.length - 1] === 13)) stop -= 1;
        return { raw: this.src.read(dataStart, stop - dataStart), end: this.skipEndobj(pos + i + needle.length) };
      }
    }
    throw new PdfSyntaxError('unterminated stream', dataStart);
  }

  private skipEndobj(from: number): number {
    const t = LATIN1.decode(this.src.read(from, 32));
    const m = /^\s*endobj/.exec(t);
    return m ? from + m[0].length : from;
  }

  /** Decoded bytes of a stream object. */
  decode(stream: PdfStream): Uint8Array {
    return decodeStream(stream.raw, stream.dict, (x) => this.resolve(x));
  }

  // ---------------------------------------------------------------- raw cross-reference data (read-only, for verification)

  /**
   * The entries that revision `index`'s own cross-reference section lists, re-read from the file
   * as written (a table merged with its /XRefStm stream the way load() merges them), untouched by
   * any later correction; null when the section cannot be re-read (recovered files).
   */
  sectionEntries(index: number): Map<number, XrefEntry> | null {
    const rev = this.revisions[index];
    if (!rev || rev.xrefOffset < 0) return null;
    try {
      const merged = new Map(this.readSectionAt(rev.xrefOffset).entries);
      if (rev.xrefStm !== undefined) {
        try {
          for (const [n, e] of this.readXrefStream(rev.xrefStm).entries) if (!merged.has(n) || merged.get(n)!.type === 'free') merged.set(n, e);
        } catch {
          /* a broken XRefStm is ignored by load() too */
        }
      }
      return merged;
    } catch {
      return null;
    }
  }

  /** The `N G obj` header exactly at a file offset (leading white space allowed), or null when there is none. */
  objectHeaderAt(offset: number): { num: number; gen: number } | null {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.src.length) return null;
    const m = /^[\0\t\n\f\r ]*(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj(?=[\0\t\n\f\r ()<>[\]{}/%]|$)/.exec(LATIN1.decode(this.src.read(offset, 64)));
    return m ? { num: Number(m[1]), gen: Number(m[2]) } : null;
  }

  /** The object numbers object stream `num` declares, in order; null when it is not a readable object stream. */
  objectStreamMembers(num: number): number[] | null {
    try {
      const e = this.xref.get(num);
      if (!e || e.type !== 'offset') return null;
      return [...this.loadObjStm(num).nums];
    } catch {
      return null;
    }
  }

  /**
   * The value of object `num` without reading stream data (a stream gives its dictionary only),
   * for walking references cheaply; not cached. Objects whose entry needs repair go through getObject.
   */
  peekObject(num: number): PdfValue {
    const cached = this.cache.get(num);
    if (cached !== undefined) return cached instanceof PdfStream ? cached.dict : cached;
    const e = this.xref.get(num);
    if (!e || e.type === 'free') return null;
    if (e.type === 'compressed') return this.getObject(num);
    for (let window = 4096; ; window *= 4) {
      const buf = this.src.read(e.offset, window);
      const complete = e.offset + buf.length >= this.src.length;
      const lx = new Lexer(buf, e.offset, complete);
      try {
        lx.skipWhitespace();
        const n = lx.readRegular();
        lx.skipWhitespace();
        lx.readRegular();
        lx.skipWhitespace();
        if (Number(n) !== num || lx.readRegular() !== 'obj') return this.getObject(num);
        const v = lx.parse();
        return v === undefined || v instanceof PdfKeyword ? null : v;
      } catch (err) {
        if (err instanceof NeedMoreBytes && !complete) continue;
        return this.getObject(num);
      }
    }
  }

  /** Byte spans [start, end) in the file of each top-level value of the dictionary object `ref`. */
  valueSpans(ref: PdfRef): Map<string, [number, number]> | null {
    const e = this.xref.get(ref.num);
    if (!e || e.type !== 'offset') return null;
    const spans = new Map<string, [number, number]>();
    this.parseIndirectAt(e.offset, spans);
    return spans;
  }

  // ---------------------------------------------------------------- document structure

  get catalog(): PdfDict {
    const c = this.resolveDict(this.trailer.get('Root'));
    if (!c) throw pdfError('PDF_CORRUPT', 'Tệp PDF bị hỏng: không tìm thấy danh mục tài liệu.', 'The PDF is corrupt: its document catalog (/Root) cannot be found.');
    return c;
  }

  get rootRef(): PdfRef {
    return this.trailer.get('Root') as PdfRef;
  }

  /** The pages in order, with inherited attributes; loops and non-page nodes are skipped. */
  pages(): PageInfo[] {
    const out: PageInfo[] = [];
    const visited = new Set<PdfDict>();
    const visitedRefs = new Set<number>();
    const walk = (node: PdfValue | undefined, holder: PdfRef, inherited: { mb?: PdfValue; cb?: PdfValue; rot?: PdfValue; res?: PdfValue }, depth: number) => {
      if (depth > 64) return;
      let ref: PdfRef | null = null;
      if (node instanceof PdfRef) {
        if (visitedRefs.has(node.num)) return;
        visitedRefs.add(node.num);
        ref = node;
        holder = node;
      }
      const d = this.resolveDict(node);
      if (!d || visited.has(d)) return;
      visited.add(d);
      const inh = {
        mb: d.get('MediaBox') ?? inherited.mb,
        cb: d.get('CropBox') ?? inherited.cb,
        rot: d.get('Rotate') ?? inherited.rot,
        res: d.get('Resources') ?? inherited.res,
      };
      const kids = this.resolve(d.get('Kids'));
      const type = nameOf(d.get('Type'));
      if (type === 'Pages' || (type !== 'Page' && Array.isArray(kids))) {
        if (Array.isArray(kids)) for (const k of kids) walk(k, holder, inh, depth + 1);
        return;
      }
      const box = (v: PdfValue | undefined): number[] | null => {
        const a = this.resolve(v);
        if (!Array.isArray(a) || a.length !== 4) return null;
        const nums = a.map((x) => this.resolve(x));
        return nums.every((x) => typeof x === 'number') ? (nums as number[]) : null;
      };
      const rot = this.resolve(inh.rot);
      out.push({
        ref,
        holder,
        dict: d,
        mediaBox: box(inh.mb) ?? [0, 0, 612, 792],
        cropBox: box(inh.cb),
        rotate: typeof rot === 'number' ? ((rot % 360) + 360) % 360 : 0,
        resources: this.resolveDict(inh.res),
      });
    };
    const pagesRef = this.catalog.get('Pages');
    walk(pagesRef, pagesRef instanceof PdfRef ? pagesRef : this.rootRef, {}, 0);
    return out;
  }

  /** All terminal form fields of /AcroForm /Fields (loop-safe), with fully qualified names. */
  formFields(): { name: string; ref: PdfRef | null; dict: PdfDict; ft: string | null }[] {
    const out: { name: string; ref: PdfRef | null; dict: PdfDict; ft: string | null }[] = [];
    const acro = this.resolveDict(this.catalog.get('AcroForm'));
    if (!acro) return out;
    const seen = new Set<PdfDict>();
    const walk = (node: PdfValue | undefined, prefix: string, ft: string | null, depth: number) => {
      if (depth > 64) return;
      const d = this.resolveDict(node);
      if (!d || seen.has(d)) return;
      seen.add(d);
      const t = this.resolve(d.get('T'));
      const name = t instanceof PdfString ? decodeText(t) : '';
      const full = name ? (prefix ? `${prefix}.${name}` : name) : prefix;
      const myFt = nameOf(this.resolve(d.get('FT'))) ?? ft;
      const kids = this.resolve(d.get('Kids'));
      const fieldKids = Array.isArray(kids) ? kids.filter((k) => this.resolveDict(k)?.has('T')) : [];
      if (fieldKids.length > 0) {
        for (const k of fieldKids) walk(k, full, myFt, depth + 1);
        return;
      }
      out.push({ name: full, ref: node instanceof PdfRef ? node : null, dict: d, ft: myFt });
    };
    const fields = this.resolve(acro.get('Fields'));
    if (Array.isArray(fields)) for (const f of fields) walk(f, '', null, 0);
    return out;
  }

  /** Signature fields with their signature dictionaries, /ByteRange and /Contents span. */
  signatureFields(): SignatureField[] {
    return this.formFields()
      .filter((f) => f.ft === 'Sig')
      .map((f) => {
        const v = f.dict.get('V');
        const sigRef = v instanceof PdfRef ? v : null;
        let sig: PdfDict | null = null;
        let damaged: string | undefined;
        // the spans first: that parse is kept for the lookup below (else the dictionary, with its
        // large /Contents, is parsed twice)
        let spans: Map<string, [number, number]> | null = null;
        if (sigRef) {
          try {
            spans = this.valueSpans(sigRef);
          } catch {
            /* reported through resolveDict below */
          }
        }
        try {
          sig = this.resolveDict(v);
        } catch (e) {
          damaged = `the signature dictionary cannot be read (${(e as Error).message})`;
        }
        if (!sig && !damaged && sigRef) {
          const loc = this.locate(sigRef.num);
          if (loc.type === 'offset' || loc.type === 'compressed') damaged = `object ${sigRef.num} (the signature dictionary) does not parse`;
        }
        let byteRange: number[] | null = null;
        let contentsSpan: [number, number] | null = null;
        let contents: Uint8Array | null = null;
        if (sig) {
          const br = this.resolve(sig.get('ByteRange'));
          if (Array.isArray(br) && br.every((x) => typeof x === 'number')) byteRange = br as number[];
          const c = sig.get('Contents');
          if (c instanceof PdfString) {
            contents = c.bytes;
            if (c.damaged) damaged = '/Contents holds characters that are not hex digits';
          }
          if (sigRef) contentsSpan = spans?.get('Contents') ?? null;
        }
        return { name: f.name, fieldRef: f.ref, field: f.dict, sigRef, sig, byteRange, contentsSpan, contents, damaged };
      });
  }
}

export function nameOf(v: PdfValue | undefined): string | null {
  return v instanceof PdfName ? v.name : null;
}

export function cloneDict(d: PdfDict): PdfDict {
  return new PdfDict(d.map);
}

/** Decode a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ≈ Latin-1). */
export function decodeText(s: PdfString): string {
  const b = s.bytes;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder('utf-8').decode(b.subarray(3));
  let out = '';
  for (const c of b) out += String.fromCharCode(c);
  return out;
}
