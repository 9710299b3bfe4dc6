// Text search over pdf.js's text content, for Vietnamese: case-insensitive, and when the query is
// typed without diacritics ("van ban") it also finds the text with them ("văn bản"; đ as d).
// A query with diacritics matches them exactly (case aside). Hits are kept as ranges of
// characters inside the page's text items, so the text layer can highlight them span by span.

export interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

/** One hit: per text item (index among the items that carry text), the characters [start, end). */
export interface Hit {
  page: number;
  parts: Array<{ item: number; start: number; end: number }>;
}

const MARKS = /\p{M}/gu;

export function hasDiacritics(s: string): boolean {
  const d = s.normalize('NFD');
  return d !== d.replace(MARKS, '') || /[\u0110\u0111]/.test(s);
}

function foldChar(c: string, stripMarks: boolean): string {
  const lower = c.toLocaleLowerCase('vi');
  if (!stripMarks) return lower.normalize('NFC');
  return lower.normalize('NFD').replace(MARKS, '').replace(/\u0111/g, 'd'); // d with stroke
}

/** The query as it is compared: folded, spaces collapsed. */
export function foldQuery(q: string, stripMarks: boolean): string {
  return [...q.trim().replace(/\s+/g, ' ')].map((c) => foldChar(c, stripMarks)).join('');
}

/**
 * Every occurrence of the query in one page's items (items without `str` — marked content —
 * are skipped, as pdf.js's text layer skips them). Items are joined as the text layer shows
 * them: an item ending a line (hasEOL) is followed by a space, so a phrase wrapping lines is found.
 */
export function findInPage(items: TextItemLike[], page: number, query: string): Hit[] {
  const strip = !hasDiacritics(query);
  const q = foldQuery(query, strip);
  if (!q) return [];
  let text = '';
  const map: Array<{ item: number; ch: number } | null> = []; // folded index -> origin (null: joining space)
  const strs: string[] = [];
  let k = 0;
  for (const it of items) {
    if (typeof it.str !== 'string') continue;
    strs.push(it.str);
    let ch = 0;
    for (const c of it.str) {
      const f = /\s/.test(c) ? ' ' : foldChar(c, strip);
      for (let j = 0; j < f.length; j++) map.push({ item: k, ch });
      text += f;
      ch += c.length;
    }
    if (it.hasEOL && !text.endsWith(' ')) {
      text += ' ';
      map.push(null);
    }
    k++;
  }
  const hits: Hit[] = [];
  for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + q.length)) {
    const parts: Hit['parts'] = [];
    for (let i = at; i < at + q.length; i++) {
      const o = map[i];
      if (!o) continue;
      const last = parts[parts.length - 1];
      const width = (strs[o.item].codePointAt(o.ch) ?? 0) > 0xffff ? 2 : 1;
      if (last && last.item === o.item && last.end >= o.ch) last.end = Math.max(last.end, o.ch + width);
      else parts.push({ item: o.item, start: o.ch, end: o.ch + width });
    }
    if (parts.length) hits.push({ page, parts });
  }
  return hits;
}
