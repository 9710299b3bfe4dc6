// The reader's repair of cross-reference entries that do not lead to their object: the body it
// takes instead is one the revision listing the entry wrote (never one appended by a later
// update, which would let that update change what an earlier, signed revision shows), and every
// repaired object is listed (repairedObjects, entryRevision) for the verifier to report.
import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfStream, PdfString } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { rawUpdate } from '../verify/changes-fixtures';

const open = (b: Uint8Array) => PdfReader.open(new BytesSource(b));
const text = (r: PdfReader, n: number) => new TextDecoder('latin1').decode(r.decode(r.getObject(n) as PdfStream));
const stream = (t: string) => `<< /Length ${t.length} >>\nstream\n${t}\nendstream`;

/** A classic-xref PDF of these object bodies (1-based). */
function makePdf(objs: string[]): Uint8Array {
  let out = '%PDF-1.7\n';
  const offs = objs.map((b, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${b}\nendobj\n`;
    return at;
  });
  const x = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${x}\n%%EOF\n`;
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}

// 1 catalog (at offset 9), 2 pages, 3 page, 4 content
const base = makePdf([
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 300 144] >>',
  '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>',
  stream('BT (ORIGINAL) Tj ET'),
]);

describe('repairing an entry that does not lead to its object', () => {
  it('takes the body written by the revision that lists the entry, not a body a later update appended without an entry', () => {
    // revision 2 rewrites the content, its entry 3 bytes off; revision 3 appends another body of 4, unlisted
    const two = rawUpdate(base, { objects: [{ num: 4, body: stream('BT (REVISION 2) Tj ET') }], forge: (e, at) => e.set(4, { type: 1, f2: at.get(4)! + 3, f3: 0 }) });
    const three = rawUpdate(two, { objects: [{ num: 5, body: '<< /Producer (x) >>' }], extraBody: `4 0 obj\n${stream('BT (APPENDED LATER) Tj ET')}\nendobj\n`, info: 5 });
    const r = open(three);
    expect(text(r, 4)).toContain('REVISION 2');
    expect(r.repaired).toBe(true);
    expect([...r.repairedObjects]).toEqual([4]);
    expect(r.entryRevision(4)).toBe(1);
    // as of revision 2 the same body
    const asTwo = open(two);
    expect(text(asTwo, 4)).toContain('REVISION 2');
    expect(asTwo.repairedObjects.has(4)).toBe(true);
  });

  it('without a body in that section, takes the last one written before the end of its revision', () => {
    // revision 2 points the content entry at the catalog's body (another number); only the original body of 4 exists before it ends
    const two = rawUpdate(base, { objects: [{ num: 5, body: '<< /Producer (x) >>' }], forge: (e) => e.set(4, { type: 1, f2: 9, f3: 0 }), info: 5 });
    const three = rawUpdate(two, { objects: [{ num: 6, body: '<< /Producer (y) >>' }], extraBody: `4 0 obj\n${stream('BT (APPENDED LATER) Tj ET')}\nendobj\n`, info: 6 });
    const r = open(three);
    expect(text(r, 4)).toContain('ORIGINAL');
    expect(r.repairedObjects.has(4)).toBe(true);
    expect(r.entryRevision(4)).toBe(1);
  });

  it('an object-stream entry naming an index that holds another object counts as repaired', () => {
    const t = rawUpdate(base, {
      kind: 'stream',
      objStm: { num: 7, members: [{ num: 5, body: '(five)' }, { num: 6, body: '(six)' }] },
      forge: (e) => e.set(6, { type: 2, f2: 7, f3: 0 }),
    });
    const r = open(t);
    expect(r.getObject(5)).toBeInstanceOf(PdfString);
    expect(r.repairedObjects.size).toBe(0);
    expect(new TextDecoder().decode((r.getObject(6) as PdfString).bytes)).toBe('six');
    expect([...r.repairedObjects]).toEqual([6]);
  });

  it('an entry that leads to its object is no repair', () => {
    const r = open(rawUpdate(base, { objects: [{ num: 4, body: stream('BT (NEW) Tj ET') }] }));
    expect(text(r, 4)).toContain('NEW');
    expect(r.repaired).toBe(false);
    expect(r.repairedObjects.size).toBe(0);
    expect(r.entryRevision(4)).toBe(1);
    expect(r.entryRevision(1)).toBe(0);
  });
});
