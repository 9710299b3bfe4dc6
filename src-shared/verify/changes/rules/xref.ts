// Rules on the cross-reference data of an update (Incremental Saving Attack variants, shadow
// "hide via referenced object"): every entry the update's section lists must point at the body of
// that very object — an `N G obj` header with its number and generation at that offset, or an
// object stream that declares it at that index. An entry pointing at another object, past the end
// of the revision or at garbage makes readers disagree on what the document is (ours repairs it by
// scanning, others take what is there), so the revision itself is a manipulation. Bodies the
// update appends under the number of an object whose effective entry is broken are caught too:
// a reader that repairs the entry by scanning would pick them up without any xref listing them.

import type { PdfReader, XrefEntry } from '../../../pdf/reader';
import { fact, type RuleContext as Ctx } from '../context';

const SECTIONS = new WeakMap<PdfReader, Map<number, Map<number, XrefEntry> | null>>();

function sectionOf(r: PdfReader, i: number): Map<number, XrefEntry> | null {
  let m = SECTIONS.get(r);
  if (!m) SECTIONS.set(r, (m = new Map()));
  if (!m.has(i)) m.set(i, r.sectionEntries(i));
  return m.get(i)!;
}

/** Why `e` does not lead to object `num` in `r`, or null when it does. */
function entryProblem(r: PdfReader, num: number, e: XrefEntry): { rule: string; vi: string; en: string } | null {
  if (e.type === 'free') return null;
  if (e.type === 'offset') {
    if (e.offset >= r.length) {
      return { rule: 'xref-entry-unreadable', vi: `Mục tham chiếu của đối tượng ${num} trỏ ra ngoài tệp (vị trí ${e.offset}).`, en: `The xref entry of object ${num} points past the end of the file (offset ${e.offset}).` };
    }
    const h = r.objectHeaderAt(e.offset);
    if (!h) return { rule: 'xref-entry-unreadable', vi: `Mục tham chiếu của đối tượng ${num} trỏ vào dữ liệu không phải đối tượng (vị trí ${e.offset}).`, en: `The xref entry of object ${num} points at something that is not an object (offset ${e.offset}).` };
    if (h.num !== num || h.gen !== e.gen) {
      return { rule: 'xref-entry-mismatch', vi: `Mục tham chiếu của đối tượng ${num} ${e.gen} trỏ vào thân của đối tượng ${h.num} ${h.gen} (vị trí ${e.offset}).`, en: `The xref entry of object ${num} ${e.gen} points at the body of object ${h.num} ${h.gen} (offset ${e.offset}).` };
    }
    return null;
  }
  const members = r.objectStreamMembers(e.stream);
  if (!members) return { rule: 'objstm-entry-mismatch', vi: `Đối tượng ${num} được khai báo trong luồng đối tượng ${e.stream}, nhưng đó không phải luồng đối tượng đọc được.`, en: `Object ${num} is declared in object stream ${e.stream}, which is not a readable object stream.` };
  if (members[e.index] !== num) {
    const at = members[e.index];
    return { rule: 'objstm-entry-mismatch', vi: `Đối tượng ${num} được khai báo ở vị trí ${e.index} của luồng đối tượng ${e.stream}, nơi đó là ${at === undefined ? 'không có gì' : `đối tượng ${at}`}.`, en: `Object ${num} is declared at index ${e.index} of object stream ${e.stream}, which holds ${at === undefined ? 'nothing there' : `object ${at}`}.` };
  }
  return null;
}

/** Every entry the update's own xref section lists, and every object reached through an object stream it rewrote. */
export function ruleXrefEntries(c: Ctx, viaRewrittenStreams: number[]): void {
  const last = c.neu.revisions.length - 1;
  const entries = sectionOf(c.neu, last);
  if (!entries) return;
  const seen = new Set<number>();
  const check = (num: number, e: XrefEntry) => {
    const p = entryProblem(c.neu, num, e);
    if (!p || seen.has(num)) return;
    seen.add(num);
    c.explained.add(num);
    fact(c, p.rule, 'forbidden', `${p.vi} Tài liệu đã bị sửa theo cách mà các trình đọc hiểu khác nhau.`, `${p.en} Readers will disagree on what this document is.`, [num]);
  };
  for (const [num, e] of entries) if (num !== 0) check(num, e);
  for (const num of viaRewrittenStreams) {
    const e = effectiveEntry(c.neu, num);
    if (e) check(num, e);
  }
  hiddenBodies(c, entries, seen);
}

/** The entry for `num` as the sections list it (newest first), ignoring any repair the reader made. */
function effectiveEntry(r: PdfReader, num: number): XrefEntry | null {
  for (let i = r.revisions.length - 1; i >= 0; i--) {
    const e = sectionOf(r, i)?.get(num);
    if (e) return e;
  }
  return null;
}

const LATIN1 = new TextDecoder('latin1');

/** Object bodies in the update's bytes that its section does not list, for objects whose effective entry is broken. */
function hiddenBodies(c: Ctx, entries: Map<number, XrefEntry>, seen: Set<number>): void {
  const from = c.old.length, to = c.neu.length;
  const chunk = 1 << 20;
  const re = /(?:^|[\0\t\n\f\r >])(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj\b/g;
  const done = new Set<number>();
  for (let pos = from; pos < to; pos += chunk) {
    const text = LATIN1.decode(c.neu.src.read(pos, Math.min(chunk + 64, to - pos)));
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const num = Number(m[1]);
      const at = pos + m.index + m[0].indexOf(m[1]);
      const listed = entries.get(num);
      if ((listed?.type === 'offset' && listed.offset === at) || done.has(num)) continue;
      done.add(num);
      if (listed) continue; // the listed entry itself is checked by check()
      const e = effectiveEntry(c.neu, num);
      const p = e ? entryProblem(c.neu, num, e) : null;
      if (!p || seen.has(num)) continue;
      seen.add(num);
      c.explained.add(num);
      fact(c, 'object-body-unlisted', 'forbidden',
        `Lần cập nhật thêm thân của đối tượng ${num} (vị trí ${at}) mà không khai báo trong bảng tham chiếu, trong khi mục tham chiếu của đối tượng này hỏng: trình đọc sửa lỗi bằng cách dò tìm sẽ lấy nội dung mới này.`,
        `The update appends a body of object ${num} (offset ${at}) without listing it, while that object's xref entry is broken: a reader that repairs it by scanning takes this new body.`, [num]);
    }
  }
}
