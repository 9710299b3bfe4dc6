// The reader on the shared corpus and on hand-made broken files: every file parses or fails with
// a coded error (never a crash or hang); revisions, signature byte spans, recovery, filters.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { BytesSource, PdfReader, PdfStream, PdfDict, decodeStream, name, PdfName } from '../../src-shared/pdf/index';
import { ascii85Decode, asciiHexDecode, lzwDecode, predict } from '../../src-shared/pdf/filters';
import { VanthuError } from '../../src-shared/errors';
import { FileSource } from '../../src-main/services/pdf-io/file-source';
import { corpusFiles, corpusDir, rel, repoRoot } from './corpus';

const open = (p: string) => PdfReader.open(new BytesSource(new Uint8Array(readFileSync(p))));
const enc = (s: string) => new TextEncoder().encode(s);

/** Build a classic-xref PDF from object bodies (1-based), computing offsets. */
export function makePdf(objs: string[], trailerExtra = '', opts: { prevSelf?: boolean } = {}): Uint8Array {
  let out = '%PDF-1.7\n';
  const offs: number[] = [];
  objs.forEach((b, i) => {
    offs.push(out.length);
    out += `${i + 1} 0 obj\n${b}\nendobj\n`;
  });
  const x = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R ${opts.prevSelf ? `/Prev ${x}` : ''} ${trailerExtra}>>\nstartxref\n${x}\n%%EOF\n`;
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}

describe('PDF reader on the corpus', () => {
  const files = corpusFiles();

  it('finds the shared corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('parses every corpus file or rejects it with a coded error, never a crash', () => {
    const failures: string[] = [];
    let parsed = 0;
    for (const f of files) {
      try {
        const r = open(f);
        r.pages();
        r.signatureFields();
        expect(r.revisions.length).toBeGreaterThan(0);
        parsed++;
      } catch (e) {
        if (!(e instanceof VanthuError)) failures.push(`${rel(f)}: ${(e as Error).message}`);
        else expect(['PDF_ENCRYPTED', 'PDF_CORRUPT', 'PDF_NOT_PDF']).toContain(e.code);
      }
    }
    expect(failures).toEqual([]);
    expect(parsed).toBeGreaterThan(90);
  });

  it('survives truncated, bit-flipped and cut corpus files: a coded error or a result, never a crash', () => {
    let seed = 20261126;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const crashes: string[] = [];
    for (const f of files) {
      const orig = new Uint8Array(readFileSync(f));
      for (let k = 0; k < 6; k++) {
        let b = orig.slice();
        if (k % 3 === 0) b = b.subarray(0, Math.floor(rnd() * b.length));
        else if (k % 3 === 1) for (let j = 0; j < 8; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        else {
          const s = Math.floor(rnd() * b.length), e = Math.min(b.length, s + Math.floor(rnd() * 200));
          b = new Uint8Array([...b.subarray(0, s), ...b.subarray(e)]);
        }
        try {
          const r = PdfReader.open(new BytesSource(b));
          r.pages();
          r.signatureFields();
        } catch (e) {
          if (!(e instanceof VanthuError)) crashes.push(`${rel(f)} #${k}: ${(e as Error).stack}`);
        }
      }
    }
    expect(crashes).toEqual([]);
  });

  it('refuses encrypted files with "encrypted PDFs are not supported"', () => {
    for (const f of ['pyhanko/minimal-aes256.pdf', 'pyhanko/minimal-rc4.pdf', 'pyhanko/minimal-pubkey-aes256.pdf']) {
      try {
        open(join(corpusDir, f));
        expect.unreachable(f);
      } catch (e) {
        expect((e as VanthuError).code).toBe('PDF_ENCRYPTED');
        expect((e as VanthuError).message_en).toBe('encrypted PDFs are not supported');
      }
    }
  });

  it('reports each incremental revision with the %%EOF boundary its signature covers', () => {
    const r = open(join(corpusDir, 'node-signpdf/signed-twice.pdf'));
    expect(r.revisions.map((x) => x.kind)).toEqual(['table', 'table', 'table']);
    const sigs = r.signatureFields();
    expect(sigs).toHaveLength(2);
    for (const [i, s] of sigs.entries()) {
      const br = s.byteRange!;
      // the signed ranges end exactly at the end of revision i+1
      expect([r.revisions[i + 1].end, r.revisions[i + 1].eofOffset]).toContain(br[2] + br[3]);
      // the /Contents hex string occupies exactly the gap
      expect(s.contentsSpan).toEqual([br[1], br[2]]);
    }
    expect(r.revisions[1].changedObjects.length).toBeGreaterThan(0);
  });

  it('reads cross-reference streams with object streams and hybrid files', () => {
    const x = open(join(corpusDir, 'pyhanko/minimal-xref.pdf'));
    expect(x.lastSectionKind).toBe('stream');
    expect(x.pages()).toHaveLength(1);
    const h = open(join(corpusDir, 'pyhanko/minimal-hybrid-xref.pdf'));
    expect(h.revisions.some((r) => r.xrefStm !== undefined)).toBe(true);
    expect(h.pages()).toHaveLength(1);
    const o = open(join(corpusDir, 'pyhanko/uncompressed-objstream-sample.pdf'));
    const compressed = [...o.xref.entries()].filter(([, e]) => e.type === 'compressed');
    expect(compressed.length).toBeGreaterThan(0);
    for (const [n] of compressed) expect(o.getObject(n)).not.toBeNull();
  });

  it('folds the first-page section of a linearized file into the first revision', () => {
    const r = open(join(corpusDir, 'pyhanko/minimal-signed-twice-both-created.pdf'));
    const ends = r.revisions.map((x) => x.end!);
    expect([...ends].sort((a, b) => a - b)).toEqual(ends);
    const sigs = r.signatureFields();
    const eofs = r.revisions.flatMap((x) => [x.end, x.eofOffset]);
    for (const s of sigs) expect(eofs).toContain(s.byteRange![2] + s.byteRange![3]);
  });

  it('recovers by scanning when startxref is hopeless, and marks the reader recovered', () => {
    const r = open(join(corpusDir, 'pyhanko/minimal-startxref-hopeless.pdf'));
    expect(r.recovered).toBe(true);
    expect(r.pages()).toHaveLength(1);
  });

  it('tolerates off-by-one startxref offsets without a full rescan', () => {
    for (const f of ['minimal-startxref-obo1.pdf', 'minimal-startxref-obo3.pdf']) {
      const r = open(join(corpusDir, 'pyhanko', f));
      expect(r.recovered).toBe(false);
      expect(r.pages()).toHaveLength(1);
    }
  });

  it('walks a circular page tree without looping and inherits attributes', () => {
    const r = open(join(corpusDir, 'pyhanko/circular-page-tree.pdf'));
    expect(r.pages().length).toBeLessThan(10);
    const pdf = makePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 300 400] /Rotate 90 >>',
      '<< /Type /Page /Parent 2 0 R >>',
    ]);
    const p = PdfReader.open(new BytesSource(pdf)).pages();
    expect(p[0].mediaBox).toEqual([0, 0, 300, 400]);
    expect(p[0].rotate).toBe(90);
  });

  it('does not hang on a /Prev chain that points to itself', () => {
    const pdf = makePdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'], '', { prevSelf: true });
    const r = PdfReader.open(new BytesSource(pdf));
    expect(r.revisions).toHaveLength(1);
  });

  it('reads a stream whose /Length is wrong or absurd by finding endstream', () => {
    for (const len of ['5', '999999999', '7 0 R']) {
      const pdf = makePdf(['<< /Type /Catalog /Pages 2 0 R /X 3 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>', `<< /Length ${len} >>\nstream\nhello world\nendstream`]);
      const r = PdfReader.open(new BytesSource(pdf));
      const s = r.getObject(3) as PdfStream;
      expect(new TextDecoder().decode(s.raw)).toBe('hello world');
    }
  });

  it('finds objects whose xref offsets are wrong by scanning for "N G obj"', () => {
    const good = makePdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 /Mark /Here >>']);
    const text = new TextDecoder('latin1').decode(good).replace(/(xref\n0 3\n0000000000 65535 f \n\d{10} 00000 n \n)(\d{10})/, (_m, a, b) => a + String(Number(b) + 7).padStart(10, '0'));
    const r = PdfReader.open(new BytesSource(Uint8Array.from(text, (c) => c.charCodeAt(0))));
    expect((r.getObject(2) as PdfDict).get('Mark')).toEqual(name('Here'));
  });

  it('rejects non-PDF and hopelessly truncated input with coded errors', () => {
    expect(() => PdfReader.open(new BytesSource(enc('hello, not a pdf')))).toThrow(expect.objectContaining({ code: 'PDF_NOT_PDF' }));
    expect(() => PdfReader.open(new BytesSource(enc('%PDF-1.7\n%garbage only')))).toThrow(expect.objectContaining({ code: 'PDF_CORRUPT' }));
    const full = readFileSync(join(corpusDir, 'node-signpdf/w3dummy.pdf'));
    for (const cut of [0.1, 0.5, 0.9]) {
      try {
        const r = PdfReader.open(new BytesSource(new Uint8Array(full.subarray(0, Math.floor(full.length * cut)))));
        r.pages();
      } catch (e) {
        expect(e).toBeInstanceOf(VanthuError);
      }
    }
  });

  it('reads the same through the file-descriptor source as from memory', () => {
    const f = join(corpusDir, 'node-signpdf/issue-158-test.pdf');
    const dir = join(repoRoot, 'test-artifacts', 'pdf');
    mkdirSync(dir, { recursive: true });
    const fs = FileSource.open(f);
    try {
      const mem = new BytesSource(new Uint8Array(readFileSync(f)));
      for (const [o, n] of [[0, 10], [65530, 20], [100000, 300000], [fs.length - 5, 50]])
        expect(Buffer.from(fs.read(o, n)).equals(Buffer.from(mem.read(o, n)))).toBe(true);
      const a = PdfReader.open(fs), b = PdfReader.open(mem);
      expect(a.pages().length).toBe(b.pages().length);
      expect(a.revisions.map((r) => r.end)).toEqual(b.revisions.map((r) => r.end));
    } finally {
      fs.close();
    }
    writeFileSync(join(dir, 'reader-ok.txt'), 'ok');
  });
});

describe('stream filters', () => {
  it('decodes Flate with a PNG Up predictor (as in xref streams)', () => {
    const rows = [[1, 2, 3], [1, 3, 5]];
    const raw = Uint8Array.from([2, 1, 2, 3, 2, 0, 1, 2]); // Up filter on both rows
    const dict = new PdfDict({ Filter: new PdfName('FlateDecode'), DecodeParms: new PdfDict({ Predictor: 12, Columns: 3 }) });
    expect([...decodeStream(new Uint8Array(deflateSync(raw)), dict)]).toEqual(rows.flat());
    expect([...predict(Uint8Array.from([1, 1, 1, 1]), new PdfDict({ Predictor: 11, Columns: 3 }), (v) => v)]).toEqual([1, 2, 3]);
  });

  it('decodes ASCIIHex, ASCII85 and LZW (the ISO 32000 example)', () => {
    expect(new TextDecoder().decode(asciiHexDecode(enc('48 65 6c6C 6F>')))).toBe('Hello');
    expect(new TextDecoder().decode(ascii85Decode(enc('87cURD]i,"Ebo80~>')))).toBe('Hello World!');
    expect(ascii85Decode(enc('z~>'))).toEqual(new Uint8Array(4));
    const lzw = lzwDecode(Uint8Array.from([0x80, 0x0b, 0x60, 0x50, 0x22, 0x0c, 0x0c, 0x85, 0x01]));
    expect([...lzw]).toEqual([45, 45, 45, 45, 45, 65, 45, 45, 45, 66]);
  });
});
