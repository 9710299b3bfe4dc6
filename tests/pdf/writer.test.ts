// The incremental writer: the original stays a byte-for-byte prefix, the new cross-reference
// section has the same kind as the file's last one, qpdf --check passes (or, for inputs qpdf
// already rejects, our update adds no new problem), and values round-trip through the parser.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import {
  BytesSource, PdfReader, IncrementalWriter, PdfDict, PdfName, PdfRef, PdfString, PdfStream, Lexer, serialize, textString, decodeText, name,
} from '../../src-shared/pdf/index';
import { corpusFiles, qpdfCheck, rel, repoRoot } from './corpus';

const outDir = join(repoRoot, 'test-artifacts', 'pdf', 'writer');

function update(orig: Uint8Array): { out: Uint8Array; reader: PdfReader } {
  const reader = PdfReader.open(new BytesSource(orig));
  const w = new IncrementalWriter(reader);
  w.setInfo(w.add(new PdfDict({ Producer: textString('Văn thư số — kiểm thử') })));
  const pages = reader.pages();
  if (pages[0]) {
    pages[0].dict.set('VanthuTouched', true);
    w.update(pages[0].holder, reader.getObject(pages[0].holder));
  }
  const { bytes } = w.build();
  const out = new Uint8Array(orig.length + bytes.length);
  out.set(orig);
  out.set(bytes, orig.length);
  return { out, reader };
}

describe('incremental writer on the corpus', () => {
  it('keeps every original as a prefix, writes the same xref kind, and passes qpdf (no new problems)', () => {
    mkdirSync(outDir, { recursive: true });
    const report: string[] = [];
    let checked = 0, cleanInputs = 0;
    for (const f of corpusFiles()) {
      const orig = new Uint8Array(readFileSync(f));
      let res;
      try {
        res = update(orig);
      } catch (e) {
        if ((e as { code?: string }).code) continue; // encrypted/corrupt: refused by the reader
        throw e;
      }
      const { out, reader } = res;
      expect(Buffer.from(out.subarray(0, orig.length)).equals(Buffer.from(orig))).toBe(true);
      const again = PdfReader.open(new BytesSource(out));
      expect(again.revisions.length).toBe(reader.recovered ? 1 : reader.revisions.length + 1);
      if (!reader.recovered) expect(again.lastSectionKind).toBe(reader.lastSectionKind);
      expect(again.resolveDict(again.trailer.get('Info'))?.get('Producer')).toBeInstanceOf(PdfString);
      expect(again.pages().length).toBe(reader.pages().length);
      const p = join(outDir, rel(f).replace(/\//g, '__'));
      writeFileSync(p, out);
      const before = qpdfCheck(f);
      const after = qpdfCheck(p);
      checked++;
      if (before.status === 0) {
        cleanInputs++;
        if (after.status !== 0) report.push(`${rel(f)}: qpdf ${after.status} ${[...after.problems].join(' | ')}`);
      } else {
        const added = [...after.problems].filter((x) => !before.problems.has(x));
        if (added.length) report.push(`${rel(f)}: new qpdf problems: ${added.join(' | ')}`);
      }
    }
    expect(report).toEqual([]);
    expect(checked).toBeGreaterThan(90);
    expect(cleanInputs).toBeGreaterThan(60);
  });

  it('writes a cross-reference stream after a stream and a table after a table', () => {
    for (const [file, kind] of [['pyhanko/minimal-xref.pdf', 'stream'], ['pyhanko/minimal.pdf', 'table'], ['pyhanko/minimal-hybrid-xref.pdf', 'table']] as const) {
      const f = corpusFiles().find((x) => rel(x) === file)!;
      const { out } = update(new Uint8Array(readFileSync(f)));
      const r = PdfReader.open(new BytesSource(out));
      expect(r.lastSectionKind, basename(file)).toBe(kind);
      expect(r.revisions[r.revisions.length - 1].trailer.get('Prev')).toBeTypeOf('number');
    }
  });

  it('writes a complete section without /Prev when the xref had to be rebuilt', () => {
    const f = corpusFiles().find((x) => rel(x) === 'pyhanko/minimal-startxref-hopeless.pdf')!;
    const { out, reader } = update(new Uint8Array(readFileSync(f)));
    expect(reader.recovered).toBe(true);
    const r = PdfReader.open(new BytesSource(out));
    expect(r.recovered).toBe(false);
    expect(r.revisions[r.revisions.length - 1].trailer.has('Prev')).toBe(false);
    expect(r.pages()).toHaveLength(1);
  });
});

describe('serializer', () => {
  it('encodes text strings as PDFDocEncoding when possible, else UTF-16BE with BOM', () => {
    expect([...textString('Ha Noi').bytes]).toEqual([...new TextEncoder().encode('Ha Noi')]);
    const vi = textString('Quyết định số 15/QĐ-UBND');
    expect([...vi.bytes.subarray(0, 2)]).toEqual([0xfe, 0xff]);
    expect(decodeText(vi)).toBe('Quyết định số 15/QĐ-UBND');
    expect(decodeText(textString('café'))).toBe('café');
  });

  it('round-trips values through the parser', () => {
    const v = new PdfDict({
      Type: name('Test'),
      'Odd Name#/': name('x y'),
      S: new PdfString(Uint8Array.from([40, 41, 92, 10, 13, 0, 255, 65])),
      H: new PdfString(Uint8Array.from([1, 2, 3]), true),
      A: [1, -2.5, 0.000001, true, false, null, new PdfRef(12, 3), [name('N')]],
      D: new PdfDict({ K: 1 }),
    });
    const bytes = serialize(v);
    const back = new Lexer(bytes).parseValue() as PdfDict;
    expect(back.get('Type')).toEqual(name('Test'));
    expect(back.get('Odd Name#/')).toEqual(name('x y'));
    expect([...(back.get('S') as PdfString).bytes]).toEqual([40, 41, 92, 10, 13, 0, 255, 65]);
    expect([...(back.get('H') as PdfString).bytes]).toEqual([1, 2, 3]);
    const arr = back.get('A') as unknown[];
    expect(arr.slice(0, 6)).toEqual([1, -2.5, 0.000001, true, false, null]);
    expect(arr[6]).toEqual(new PdfRef(12, 3));
    // null values in dictionaries are absent keys, and stream /Length follows the data
    const s = new PdfStream(new PdfDict({ Length: 999 }), new Uint8Array(5));
    expect(new TextDecoder().decode(serialize(s))).toContain('/Length 5');
    expect(new PdfName('a').name).toBe('a');
  });
});
