// A small multi-page PDF written byte by byte for the viewer's tests: text on every page (Times,
// WinAnsi), a few words to search for, a coloured band so a drawn page is never blank, and on
// page 1 an external link (URI action) and an internal link (to page 5).
export const FIXTURE_PAGES = 12;
export const FIXTURE_URL = 'https://vanban.example.gov.vn/cong-van/123';
/** Pages (0-based) where "ngan sach" appears, and how often. */
export const FIXTURE_WORD = 'ngan sach';
export const FIXTURE_HITS: Record<number, number> = { 1: 1, 6: 2, 10: 1 };

export function fixturePdf(): Uint8Array {
  const objs: string[] = [];
  const add = (body: string) => objs.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>'); // 1
  add(''); // 2: pages, filled below
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>'); // 3
  const pageIds: number[] = [];
  const firstPage = 4;
  // page k uses objects firstPage + 2k (page) and firstPage + 2k + 1 (content); annotations after
  const annotBase = firstPage + 2 * FIXTURE_PAGES;
  for (let k = 0; k < FIXTURE_PAGES; k++) {
    const lines = [`Trang ${k + 1} / ${FIXTURE_PAGES} - van ban thu nghiem cua bo xem`];
    if (k === 0) lines.push('Xem tai day: cong van so 123', 'Di toi trang 5');
    for (let n = 0; n < (FIXTURE_HITS[k] ?? 0); n++) lines.push(`Du toan ${FIXTURE_WORD} nam ${2025 + n} cua xa`);
    lines.push('Noi dung khac cua trang nay.');
    let text = 'BT /F1 20 Tf 72 770 Td 24 TL';
    for (const l of lines) text += ` (${l}) Tj T*`;
    text += ' ET\n0.85 0.2 0.2 rg 72 700 451 8 re f\n0.2 0.4 0.8 rg 72 120 451 300 re f\n';
    const annots = k === 0 ? ` /Annots [${annotBase} 0 R ${annotBase + 1} 0 R]` : '';
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${firstPage + 2 * k + 1} 0 R${annots} >>`);
    add(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
    pageIds.push(firstPage + 2 * k);
  }
  // link rectangles over the second and third lines of page 1 (baselines 746 and 722)
  add(`<< /Type /Annot /Subtype /Link /Rect [70 740 360 764] /Border [0 0 0] /A << /S /URI /URI (${FIXTURE_URL}) >> >>`);
  add(`<< /Type /Annot /Subtype /Link /Rect [70 716 260 740] /Border [0 0 0] /Dest [${pageIds[4]} 0 R /XYZ null null null] >>`);
  objs[1] = `<< /Type /Pages /Count ${FIXTURE_PAGES} /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] >>`;
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  objs.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
