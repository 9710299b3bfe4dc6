// Benchmark of the desk's UI in Debian's Chromium (playwright-core; never a downloaded browser).
// A list of named measurements, each returning its table rows and its target results; the run
// ends with one `Targets:` line (MET / NOT MET for each target of every measurement).
//   - first-page: a 200-page ~100 MB PDF (../shared/tools/mkpdf.py OUT 200 100), time from
//     opening it to page 1 drawn, in our PdfViewer (harness tests/app/viewer-harness; the file
//     chosen in its file input, read by Blob.slice ranges) and in pdf.js's own component viewer
//     (bench/desk-harness: pdfjs-dist ships no full viewer.html, so PDFViewer from
//     web/pdf_viewer.mjs in a minimal page; the same file by HTTP range from 127.0.0.1). Both pages
//     served on 127.0.0.1 with the renderer's CSP, same window (1280×900, DPR 1), zoom 'auto',
//     same pdf.js options; a fresh tab per run, runs alternate. Targets: ≤ 300 ms and ≤ 1.2× pdf.js.
//   - list-scroll: the documents list with 100,000 documents seeded in a host-mode page's IndexedDB,
//     scrolled programmatically (smooth, sweep, random jumps) while rAF frame times and long tasks
//     are recorded (bench/desk/list-scroll.ts; --renderer=DIR uses a built renderer instead of
//     building one into the bench dir). Target: no frame over 50 ms.
// Run: npm run bench -- desk [--runs=N] [--keep=DIR] [--only=first-page] [--before=DIR] [--renderer=DIR (list-scroll: a renderer built with VANTHU_RENDERER_OUT)]   (or node --import tsx bench/desk.ts --runs N)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/helpers/browser';
import { buildHarness, buildViewerHarness, serve } from '../tests/app/viewer-harness/serve';
import { listScroll } from './desk/list-scroll'; // list-scroll: the documents list with 100,000 documents (bench/desk/list-scroll.ts)
import { signDesk } from './desk/sign'; // sign-20mb: signing a 20 MB document from the desk against vanthu sign + verify (bench/desk/sign.ts)

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MKPDF = path.resolve(REPO, '../shared/tools/mkpdf.py');
// --runs=N / --keep=DIR (bench/run.ts passes on only the arguments starting with '-'), or --runs N
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('-') ? argv[i + 1] : undefined;
};
const RUNS = Number(opt('runs')) || 7;
const KEEP = opt('keep') ?? null;
// --only=NAME[,NAME] runs only those measurements (first-page, list-scroll)
const ONLY = opt('only')?.split(',').filter(Boolean) ?? null;
// --before=DIR: a viewer harness built earlier (e.g. DIR/ours of a --keep run at an older commit),
// timed in the same loop, alternating with the current one (before/after in the same conditions)
const BEFORE = opt('before') ?? null;

export interface TargetResult { label: string; value: string; met: boolean }
export interface MeasurementResult { rows: string[]; targets: TargetResult[]; notes?: string[] }
export interface DeskContext { browser: Browser; dir: string; runs: number }
export interface Measurement { name: string; run(ctx: DeskContext): Promise<MeasurementResult> }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;

/** Non-white pixels of a canvas (sampled): a drawn page is never blank. */
const ink = (page: Page, selector: string) => page.evaluate((sel) => {
  const c = document.querySelector<HTMLCanvasElement>(sel);
  if (!c || !c.width) return 0;
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let k = 0; k < d.length; k += 64) if (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200) n++;
  return n;
}, selector);

// ---- (a) first page of a 200-page ~100 MB PDF -------------------------------------------------
const firstPage: Measurement = {
  name: 'first-page',
  async run({ browser, dir, runs }) {
    const pdf = path.join(dir, 'big-200p-100mb.pdf');
    if (!fs.existsSync(pdf)) execFileSync('python3', [MKPDF, pdf, '200', '100']);
    const size = fs.statSync(pdf).size;
    const ours = await serve(await buildViewerHarness(path.join(dir, 'ours')));
    const peer = await serve(await buildHarness(path.join(REPO, 'bench/desk-harness'), path.join(dir, 'peer')), { '/doc.pdf': pdf });
    const failures: string[] = [];
    const before = BEFORE ? await serve(path.resolve(BEFORE)) : null;
    const t = { ours: [] as number[], peer: [] as number[], before: [] as number[] };
    const settle = (page: Page) => page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    try {
      for (let i = 0; i < runs; i++) {
        for (const which of before ? ['before', 'ours'] as const : ['ours'] as const) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          await page.goto(which === 'ours' ? ours.url : before!.url);
          await page.getByTestId('pdf-viewer').waitFor();
          await settle(page);
          await page.getByTestId('viewer-file-input').setInputFiles(pdf);
          await page.waitForFunction(() => (window as unknown as { __viewer: { rendered: Array<{ page: number }> } }).__viewer.rendered.some((r) => r.page === 0), null, { timeout: 60_000 });
          const r = await page.evaluate(() => {
            const v = (window as unknown as { __viewer: { chosenAt: number; rendered: Array<{ page: number; at: number }> } }).__viewer;
            return v.rendered.find((x) => x.page === 0)!.at - v.chosenAt;
          });
          const pages = await page.getByTestId('pdf-viewer').getAttribute('data-pages');
          const n = await ink(page, '.vt-page[data-page-index="0"] canvas');
          if (pages !== '200' || n < 100) failures.push(`${which} run ${i + 1}: pages ${pages}, ink ${n}`);
          else t[which].push(r);
          await page.close();
        }
        {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          await page.goto(peer.url);
          await settle(page);
          await page.evaluate(() => (window as unknown as { __open(u: string): Promise<void> }).__open('/doc.pdf'));
          await page.waitForFunction(() => (window as unknown as { __peer: { firstPageAt: number | null; error: string | null } }).__peer.firstPageAt !== null || (window as unknown as { __peer: { error: string | null } }).__peer.error !== null, null, { timeout: 60_000 });
          const r = await page.evaluate(() => (window as unknown as { __peer: { openedAt: number; firstPageAt: number | null; pages: number; error: string | null } }).__peer);
          const n = await ink(page, '.page[data-page-number="1"] canvas');
          if (r.error || r.pages !== 200 || n < 100 || r.firstPageAt === null) failures.push(`pdf.js run ${i + 1}: ${r.error ?? `pages ${r.pages}, ink ${n}`}`);
          else t.peer.push(r.firstPageAt - r.openedAt);
          await page.close();
        }
      }
    } finally {
      await ours.close();
      await peer.close();
      await before?.close();
    }
    const mo = median(t.ours), mp = median(t.peer), ratio = mo / mp;
    const range = (xs: number[]) => `${ms(Math.min(...xs))} – ${ms(Math.max(...xs))}`;
    return {
      rows: [
        `file: ${(size / 1048576).toFixed(1)} MB, 200 pages; runs per viewer: ${runs} (${t.ours.length} / ${t.peer.length} checked: 200 pages, page 1 canvas not blank)`,
        '',
        '| viewer | page 1 drawn, median | range | ratio |',
        '|---|---|---|---|',
        `| PdfViewer (ours; File by Blob.slice ranges) | ${ms(mo)} | ${range(t.ours)} | **${ratio.toFixed(2)}×** |`,
        `| pdf.js PDFViewer (pdfjs-dist web/pdf_viewer.mjs; HTTP range, ${peer.ranges} range requests in all) | ${ms(mp)} | ${range(t.peer)} | 1 |`,
        ...(t.before.length ? [`| PdfViewer before (--before=${BEFORE}) | ${ms(median(t.before))} | ${range(t.before)} | ${(median(t.before) / mp).toFixed(2)}× |`] : []),
      ],
      notes: failures.length ? ['Runs that failed their check (not counted):', ...failures.map((f) => `  - ${f}`)] : [],
      targets: [
        { label: 'first page ≤ 300 ms', value: ms(mo), met: t.ours.length > 0 && mo <= 300 },
        { label: 'first page ≤ 1.2× pdf.js', value: `${ratio.toFixed(2)}×`, met: t.ours.length > 0 && t.peer.length > 0 && ratio <= 1.2 },
      ],
    };
  },
};

/** The measurements of this benchmark, in order (list scrolling and signing are added here too). */
export const measurements: Measurement[] = [firstPage, listScroll, signDesk];

async function main(): Promise<void> {
  const dir = KEEP ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-bench-desk-'));
  fs.mkdirSync(dir, { recursive: true });
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ');
  process.stdout.write(`bench dir: ${dir}\nmachine: ${spawnSync('nproc').stdout.toString().trim()} cores; load average (1/5/15 min) before ${load()}\n`);
  const browser = await launchChromium();
  const targets: TargetResult[] = [];
  try {
    for (const m of measurements.filter((x) => !ONLY || ONLY.includes(x.name))) {
      process.stdout.write(`\n## ${m.name}\n`);
      const r = await m.run({ browser, dir, runs: RUNS });
      process.stdout.write(`${r.rows.join('\n')}\n`);
      if (r.notes?.length) process.stdout.write(`${r.notes.join('\n')}\n`);
      targets.push(...r.targets);
    }
  } finally {
    await browser.close();
    if (!KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\nload average after ${load()}\n`);
  process.stdout.write(`\nTargets: ${targets.map((x) => `${x.label}: ${x.value} ${x.met ? 'MET' : 'NOT MET'}`).join('; ')}\n`);
}

await main();
