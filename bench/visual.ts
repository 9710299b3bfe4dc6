// Benchmark of the visual check (src-main/services/verify/visual): `npm run bench -- visual`
// (or `node --import tsx bench/visual.ts [--runs N] [--keep DIR]`).
// Two documents made with mkpdf.py (text and an image per page) and our signer:
//   - 1 page pair: a visible signer signature then the organisation's seal (Decree 30); the first
//     signature's changes are allowed, so its page is rendered as signed and as it is now;
//   - 20 page pairs: a 20-page document signed, then a square annotation added on every page,
//     verified with permission 3 (annotations allowed), so all 20 pages are rendered twice.
// Timed, interleaved, median of N: the visual check as the report records it, cold (renderer
// thread started, pdf.js loaded, both documents opened, rendered at 96 dpi and compared; no PNG)
// and warm (the thread kept from the previous check, as in a batch), warm with every PNG, the
// whole in-process verification without and with it (cold), and the same-run peer: poppler's
// `pdftoppm -r 96 -png` rendering the same pages of the signed revision and of the final file (two
// processes). Prints ratios and the target: ≤ 1 s per page pair at the default resolution, cold.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BytesSource } from '../src-shared/pdf/bytesource';
import { PdfDict, PdfStream, name } from '../src-shared/pdf/objects';
import { PdfReader } from '../src-shared/pdf/reader';
import { IncrementalWriter } from '../src-shared/pdf/writer';
import { defaultPadesServices, signPdf, type SignPdfOptions } from '../src-shared/pades';
import { verifyFile, type VerifyFileOptions } from '../src-main/services/verify';
import { closeVisualRenderer } from '../src-main/services/verify/visual/check';
import { makeTestPki, signerFor, type TestEntity } from '../tests/helpers/pki';
import { fonts, sampleSeal, sampleSignature } from '../tests/appearance/render-helpers';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MKPDF = path.resolve(REPO, '../shared/tools/mkpdf.py');
const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) || 7;
const KEEP = argv.includes('--keep') ? argv[argv.indexOf('--keep') + 1] : null;
const DPI = 96;
const TARGET_MS_PER_PAIR = 1000;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function sign(entity: TestEntity, input: Uint8Array, opts: SignPdfOptions): Promise<Uint8Array> {
  const signer = await signerFor(entity);
  const res = await signPdf(new BytesSource(input), signer, { level: 'B-B', ...opts }, defaultPadesServices());
  await signer.close();
  return concat(input, res.appended);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function wall(cmd: string, args: string[]): { ms: number; code: number | null } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, code: r.status };
}

interface Doc {
  label: string;
  file: string;
  /** The signed revision of the first signature, cut out for the peer. */
  signedFile: string;
  pages: number;
  opts: VerifyFileOptions;
}

async function main(): Promise<void> {
  const dir = KEEP ?? mkdtempSync(path.join(tmpdir(), 'vanthu-bench-visual-'));
  if (KEEP) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`bench dir: ${dir}\n`);
  const pki = await makeTestPki(path.join(dir, 'pki'), { signerTypes: ['rsa2048', 'p256'] });
  const mk = (pages: number) => {
    const f = path.join(dir, `plain-${pages}.pdf`);
    execFileSync('python3', [MKPDF, f, String(pages), '0.02']);
    return new Uint8Array(readFileSync(f));
  };
  const docs: Doc[] = [];
  const add = (label: string, base: string, bytes: Uint8Array, signedLength: number, pages: number, opts: VerifyFileOptions = {}) => {
    const file = path.join(dir, `${base}.pdf`);
    const signedFile = path.join(dir, `${base}-signed-revision.pdf`);
    writeFileSync(file, bytes);
    writeFileSync(signedFile, bytes.subarray(0, signedLength));
    docs.push({ label, file, signedFile, pages, opts });
  };

  // 1 page pair: signer + seal, as in every Decree 30 document
  {
    const rect: [number, number, number, number] = [330, 250, 540, 380];
    const one = await sign(pki.signers.rsa2048, mk(1), {
      fieldName: 'KyDuyet',
      visible: { pageIndex: 0, appearance: { kind: 'signer', rect, signatureImage: sampleSignature(), fonts: fonts(), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến' } },
    });
    const two = await sign(pki.signers.p256, one, { fieldName: 'PhatHanh', visible: { pageIndex: 0, appearance: { kind: 'organisation', sealImage: sampleSeal(), signerRect: rect } } });
    // a later signature only: rendered on request (--visual-all), not by default
    add('1 page pair (A4, signer + seal)', 'one-page', two, one.length, 1, { visualScope: 'all' });
  }
  // 20 page pairs: an annotation on every page after signing (allowed with P = 3)
  {
    const signed = await sign(pki.signers.rsa2048, mk(20), { fieldName: 'KyDuyet' });
    const r = PdfReader.open(new BytesSource(signed));
    const w = new IncrementalWriter(r);
    for (const p of r.pages()) {
      const ap = w.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 120, 40] }), new TextEncoder().encode('q 0 0 1 RG 2 w 1 1 118 38 re S Q')));
      const annot = w.add(new PdfDict({ Type: name('Annot'), Subtype: name('Square'), Rect: [400, 700, 520, 740], F: 4, C: [0, 0, 1], AP: new PdfDict({ N: ap }) }));
      // the page keeps what it already annotates (page 1: the signature's widget)
      const had = r.resolve(p.dict.get('Annots'));
      w.update(p.ref!, new PdfDict(p.dict.map).set('Annots', [...(Array.isArray(had) ? had : []), annot]));
    }
    add('20 page pairs (A4, annotation on each)', 'twenty-pages', concat(signed, w.build().bytes), signed.length, 20, { defaultPermission: 3 });
  }

  const base: VerifyFileOptions = { cacheDir: null, isolate: false };
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  const loadBefore = load();
  const failures: string[] = [];
  const rows: string[] = [
    '| document | visual check, cold (median ms) | per page pair | warm | warm, every PNG | verify without / with the check, cold (ms) | pdftoppm, both documents (median ms) | ratio cold check/pdftoppm |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const perPair = new Map<string, number>();
  const fit: Array<{ pages: number; ms: number }> = [];
  // warm the page cache and the module cache (not timed)
  for (const d of docs) await verifyFile(d.file, { ...base, ...d.opts });
  for (const d of docs) {
    const check: number[] = [], warm: number[] = [], checkAll: number[] = [], without: number[] = [], withCheck: number[] = [], peer: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = process.hrtime.bigint();
      const off = await verifyFile(d.file, { ...base, ...d.opts, visualCheck: false });
      without.push(Number(process.hrtime.bigint() - t) / 1e6);
      await closeVisualRenderer(); // cold: a new renderer thread
      t = process.hrtime.bigint();
      const on = await verifyFile(d.file, { ...base, ...d.opts });
      withCheck.push(Number(process.hrtime.bigint() - t) / 1e6);
      const v = on.signatures[0].visual;
      // a fast failure must not look like a fast success
      if (v?.status !== 'passed' || v.pagesCompared !== d.pages || off.signatures[0].visual) failures.push(`${d.label}: visual ${v?.status}, ${v?.pagesCompared} pages`);
      check.push(v?.ms ?? NaN);
      const again = await verifyFile(d.file, { ...base, ...d.opts });
      if (again.signatures[0].visual?.status !== 'passed') failures.push(`${d.label}: warm visual ${again.signatures[0].visual?.status}`);
      warm.push(again.signatures[0].visual?.ms ?? NaN);
      const all = await verifyFile(d.file, { ...base, ...d.opts, visualRenderings: 'all' });
      const va = all.signatures[0].visual;
      if (va?.status !== 'passed' || va.pages.some((p) => !p.signedPng || !p.currentPng)) failures.push(`${d.label}: renderings missing`);
      checkAll.push(va?.ms ?? NaN);
      let ms = 0;
      for (const f of [d.signedFile, d.file]) {
        const r = wall('pdftoppm', ['-r', String(DPI), '-png', '-f', '1', '-l', String(d.pages), f, path.join(dir, 'ppm')]);
        if (r.code !== 0) failures.push(`${d.label}: pdftoppm exit ${r.code}`);
        ms += r.ms;
      }
      peer.push(ms);
    }
    const m = median(check);
    perPair.set(d.label, m / d.pages);
    fit.push({ pages: d.pages, ms: m });
    rows.push(`| ${d.label} | ${m.toFixed(0)} | ${(m / d.pages).toFixed(0)} ms | ${median(warm).toFixed(0)} | ${median(checkAll).toFixed(0)} | ${median(without).toFixed(0)} / ${median(withCheck).toFixed(0)} | ${median(peer).toFixed(0)} | ${(m / median(peer)).toFixed(2)} |`);
  }
  process.stdout.write(`\nruns: ${RUNS}; resolution ${DPI} dpi; machine: ${spawnSync('nproc').stdout.toString().trim()} cores; load average (1/5/15 min) before ${loadBefore}, after ${load()}\n\n${rows.join('\n')}\n`);
  if (fit.length === 2) {
    const [a, b] = fit;
    const slope = (b.ms - a.ms) / (b.pages - a.pages);
    process.stdout.write(`\ncold: fixed cost (renderer thread, pdf.js load, documents opened) ≈ ${(a.ms - slope * a.pages).toFixed(0)} ms; each further page pair ≈ ${slope.toFixed(0)} ms\n`);
  }
  if (failures.length) process.stdout.write(`\nOutputs that failed their check (the timings above do not count):\n${[...new Set(failures)].map((f) => `  - ${f}`).join('\n')}\n`);
  const target = (label: string) => {
    const ms = perPair.get(label)!;
    const ok = failures.every((f) => !f.startsWith(label)) && ms <= TARGET_MS_PER_PAIR;
    return `${label.replace(/ \(.*/, '')} ≤ ${TARGET_MS_PER_PAIR} ms per page pair (cold): ${ms.toFixed(0)} ms ${ok ? 'MET' : 'NOT MET'}`;
  };
  process.stdout.write(`\nTargets: ${docs.map((d) => target(d.label)).join('; ')}\n`);
  if (failures.length) process.exitCode = 1;
  await closeVisualRenderer();
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
