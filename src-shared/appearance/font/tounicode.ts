// Builds the ToUnicode CMap of an Identity-H font: two-byte codes (= glyph ids) back to the
// Unicode text they came from, so copying and text extraction return the Vietnamese text.

import { hex4 } from '../bytes';

function utf16Hex(text: string): string {
  let s = '';
  for (let i = 0; i < text.length; i++) s += hex4(text.charCodeAt(i));
  return s;
}

export function buildToUnicodeCMap(map: Map<number, string>): string {
  const entries = [...map.entries()].sort((a, b) => a[0] - b[0]);
  const lines: string[] = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`);
    for (const [gid, text] of chunk) lines.push(`<${hex4(gid)}> <${utf16Hex(text)}>`);
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return lines.join('\n') + '\n';
}
