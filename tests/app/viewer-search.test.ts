// The viewer's text search (src-renderer/components/viewer/search.ts) on Vietnamese text items as
// pdf.js gives them: case-insensitive, diacritic-insensitive for a query typed without diacritics,
// exact diacritics otherwise; hits as character ranges per item, across line ends.
import { describe, expect, it } from 'vitest';
import { findInPage, hasDiacritics } from '../../src-renderer/components/viewer/search';

const items = [
  { str: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', hasEOL: true },
  { str: 'Về việc phân bổ dự toán ngân sách', hasEOL: true },
  { type: 'beginMarkedContent' }, // no str: skipped, as the text layer skips it
  { str: 'năm 2025; Ngân', hasEOL: true },
  { str: 'sách xã Gia Tân', hasEOL: false },
];

describe('viewer search', () => {
  it('finds a query without diacritics in text with them, and a query with them exactly', () => {
    expect(hasDiacritics('ngan sach')).toBe(false);
    expect(hasDiacritics('ngân sách')).toBe(true);
    expect(hasDiacritics('đi')).toBe(true);
    const loose = findInPage(items, 3, 'ngan sach');
    expect(loose).toHaveLength(2);
    expect(loose[0]).toEqual({ page: 3, parts: [{ item: 1, start: 24, end: 33 }] });
    // the second wraps a line: "Ngân" ends item 2 (index among items with text), "sách" starts item 3
    expect(loose[1].parts).toEqual([{ item: 2, start: 10, end: 14 }, { item: 3, start: 0, end: 4 }]);
    expect(findInPage(items, 0, 'NGÂN SÁCH')).toHaveLength(2);
    expect(findInPage(items, 0, 'ngàn sách')).toHaveLength(0); // other diacritics: another word
    expect(findInPage(items, 0, 'cong hoa xa hoi')).toHaveLength(1);
    expect(findInPage(items, 0, 'viet nam')[0].parts).toEqual([{ item: 0, start: 26, end: 34 }]);
    expect(findInPage(items, 0, 'gia tan')).toHaveLength(1);
    expect(findInPage(items, 0, 'xa')).toHaveLength(2);
    expect(findInPage(items, 0, '   ')).toEqual([]);
  });
});
