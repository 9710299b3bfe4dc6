// The PDF viewer end to end in Debian's Chromium (playwright-core, no downloaded browser): a Vite
// harness page holding only <PdfViewer> (tests/app/viewer-harness), served on 127.0.0.1 with the
// renderer's CSP and headers. Real pdf.js, real files: a 12-page fixture with text, links and
// search words, and a 60-page file from ../shared/tools/mkpdf.py for lazy rendering. Checks: page 1
// drawn, keyboard navigation, zoom, rotation, search with a hit count and highlighted hits, only
// pages near the viewport have canvases, a link asks before opening, print prepares every page,
// the toolbar is one tab stop walked with the arrow keys, axe-core finds no serious or critical
// violation on the open viewer (toolbar, thumbnails, pages, search; nothing excluded), and no CSP
// violation or page error at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { artifactsDir, repoRoot } from '../helpers/host';
import { buildViewerHarness, serve, type Served } from './viewer-harness/serve';
import { FIXTURE_HITS, FIXTURE_PAGES, FIXTURE_URL, FIXTURE_WORD, fixturePdf } from './viewer-harness/fixture';

const art = artifactsDir('desk');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-viewer-e2e-'));
const fixture = path.join(tmp, 'fixture.pdf');
const big = path.join(tmp, 'big-60.pdf');
let served: Served;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  fs.writeFileSync(fixture, fixturePdf());
  execFileSync('python3', [path.resolve(repoRoot, '../shared/tools/mkpdf.py'), big, '60', '6']);
  const out = await buildViewerHarness(path.join(repoRoot, 'test-artifacts', 'desk', 'viewer-harness'));
  served = await serve(out);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh page of the harness that records every CSP violation, console error and page error. */
async function openHarness(lang: 'vi' | 'en' = 'vi'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __opened: unknown[][]; __printed: number[] };
    w.__csp = [];
    w.__opened = [];
    w.__printed = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    // what the viewer asks of the browser (the page's own APIs, not pdf.js): record instead of acting
    window.open = (...args: unknown[]) => { w.__opened.push(args); return null; };
    window.print = () => { w.__printed.push(document.querySelectorAll('.vt-print-root img').length); };
  });
  await page.goto(`${served.url}?lang=${lang}`);
  await page.getByTestId('pdf-viewer').waitFor();
  return page;
}

async function openFile(page: Page, file: string): Promise<void> {
  await page.getByTestId('viewer-file-input').setInputFiles(file);
  await page.locator('.vt-page[data-page-index="0"][data-rendered="true"]').waitFor({ timeout: 20_000 });
}

/** Is the canvas of page i drawn with something else than white? */
const canvasInk = (page: Page, i: number) => page.evaluate((idx) => {
  const c = document.querySelector<HTMLCanvasElement>(`.vt-page[data-page-index="${idx}"] canvas`);
  if (!c || !c.width) return 0;
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let k = 0; k < d.length; k += 16) if (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200) ink++;
  return ink;
}, i);

const attr = (page: Page, name: string) => page.getByTestId('pdf-viewer').getAttribute(name);
const canvasPages = (page: Page) => page.$$eval('.vt-page canvas', (cs) => cs.map((c) => Number((c.closest('.vt-page') as HTMLElement).dataset.pageIndex)));

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

describe('PdfViewer in Chromium (harness, renderer CSP)', () => {
  it('draws page 1, navigates by keyboard, zooms, rotates, searches with highlighted hits, asks before following a link, prints', async () => {
    const page = await openHarness();
    await openFile(page, fixture);
    expect(await attr(page, 'data-pages')).toBe(String(FIXTURE_PAGES));
    expect(await canvasInk(page, 0)).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('viewer-of-pages').textContent()).toBe(`/ ${FIXTURE_PAGES}`);

    // keyboard: focus the pages, PageDown twice, End, Home
    await page.getByTestId('viewer-scroll').focus();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await expect.poll(() => attr(page, 'data-current-page')).toBe('2');
    await expect.poll(() => page.getByTestId('viewer-page-input').inputValue()).toBe('3');
    await page.locator('.vt-page[data-page-index="2"][data-rendered="true"]').waitFor();
    expect(await canvasInk(page, 2)).toBeGreaterThan(100);
    await page.keyboard.press('End');
    await expect.poll(() => attr(page, 'data-current-page')).toBe(String(FIXTURE_PAGES - 1));
    await page.keyboard.press('Home');
    await expect.poll(() => attr(page, 'data-current-page')).toBe('0');
    // page number box
    const pageBox = page.getByTestId('viewer-page-input');
    await pageBox.fill('6');
    await pageBox.press('Enter');
    await expect.poll(() => attr(page, 'data-current-page')).toBe('5');
    await page.keyboard.press('Home'); // focus is in the input: Home stays there
    await page.getByTestId('viewer-scroll').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => attr(page, 'data-current-page')).toBe('0');

    // zoom: keyboard + and -, buttons, fit page / width; the page box follows
    const width = () => page.locator('.vt-page[data-page-index="0"]').evaluate((e) => e.getBoundingClientRect().width);
    const z0 = Number(await attr(page, 'data-zoom'));
    const w0 = await width();
    await page.keyboard.press('+');
    await expect.poll(async () => Number(await attr(page, 'data-zoom'))).toBeGreaterThan(z0);
    expect(await width()).toBeGreaterThan(w0 * 1.05);
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await expect.poll(async () => Number(await attr(page, 'data-zoom'))).toBeLessThan(z0);
    await page.getByTestId('viewer-zoom-in').click();
    await page.getByTestId('viewer-fit-page').click();
    const scrollBox = await page.getByTestId('viewer-scroll').boundingBox();
    const pageH = await page.locator('.vt-page[data-page-index="0"]').evaluate((e) => e.getBoundingClientRect().height);
    expect(pageH).toBeLessThanOrEqual(scrollBox!.height);
    expect(pageH).toBeGreaterThan(scrollBox!.height * 0.8);
    await page.getByTestId('viewer-fit-width').click();
    expect(await width()).toBeGreaterThan(scrollBox!.width * 0.85);
    await page.locator('.vt-page[data-page-index="0"][data-rendered="true"]').waitFor();
    expect(await canvasInk(page, 0)).toBeGreaterThan(100);

    // rotation: landscape box, redrawn
    const before = await page.locator('.vt-page[data-page-index="0"]').boundingBox();
    await page.getByTestId('viewer-rotate').click();
    await expect.poll(() => attr(page, 'data-rotation')).toBe('90');
    await page.locator('.vt-page[data-page-index="0"][data-rendered="true"]').waitFor();
    const after = await page.locator('.vt-page[data-page-index="0"]').boundingBox();
    expect(after!.width).toBeGreaterThan(after!.height);
    expect(before!.height).toBeGreaterThan(before!.width);
    expect(await canvasInk(page, 0)).toBeGreaterThan(100);
    for (let i = 0; i < 3; i++) await page.getByTestId('viewer-rotate').click();
    await expect.poll(() => attr(page, 'data-rotation')).toBe('0');
    await page.getByTestId('viewer-fit-page').click();

    // search: Ctrl+F, the count, a highlighted hit, next / previous
    await page.getByTestId('viewer-scroll').focus();
    await page.keyboard.press('Control+f');
    const input = page.getByTestId('viewer-search-input');
    await expect.poll(() => input.evaluate((e) => e === document.activeElement)).toBe(true);
    await input.fill(FIXTURE_WORD);
    const total = Object.values(FIXTURE_HITS).reduce((a, b) => a + b, 0);
    await expect.poll(() => page.getByTestId('viewer-search-status').textContent(), { timeout: 15_000 }).toBe(`1 / ${total}`);
    const firstHitPage = Math.min(...Object.keys(FIXTURE_HITS).map(Number));
    const current = page.locator(`.vt-page[data-page-index="${firstHitPage}"] [data-testid="viewer-hit-current"]`);
    await current.waitFor({ timeout: 10_000 });
    const inView = async (l: typeof current) => {
      const [b, v] = [await l.boundingBox(), await page.getByTestId('viewer-scroll').boundingBox()];
      return !!b && !!v && b.y >= v.y && b.y + b.height <= v.y + v.height;
    };
    await expect.poll(() => inView(current)).toBe(true);
    expect((await current.textContent())!.toLowerCase()).toBe(FIXTURE_WORD);
    const bg = await current.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(bg).not.toBe('rgba(0, 0, 0, 0)');
    const box = await current.boundingBox();
    expect(box!.width).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(art, 'viewer-search.png') });
    await page.getByTestId('viewer-search-next').click();
    await expect.poll(() => page.getByTestId('viewer-search-status').textContent()).toBe(`2 / ${total}`);
    await expect.poll(() => page.locator('.vt-page[data-page-index="6"] [data-testid="viewer-hit-current"]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => inView(page.locator('.vt-page[data-page-index="6"] [data-testid="viewer-hit-current"]'))).toBe(true);
    expect(await page.locator('.vt-page[data-page-index="6"] [data-testid="viewer-hit"]').count()).toBe(1); // the other hit on page 7
    await input.press('Shift+Enter');
    await expect.poll(() => page.getByTestId('viewer-search-status').textContent()).toBe(`1 / ${total}`);
    // typed without diacritics the query still matches; a word that is not there
    await input.fill('khong co tu nay');
    await expect.poll(() => page.getByTestId('viewer-search-status').textContent(), { timeout: 15_000 }).toBe('Không tìm thấy');
    await input.press('Escape');
    await expect.poll(() => page.getByTestId('viewer-search-input').count()).toBe(0);
    expect(await page.locator('[data-testid="viewer-hit"], [data-testid="viewer-hit-current"]').count()).toBe(0);

    // links: the internal one goes to page 5; the external one asks first, "Không mở" opens nothing
    await page.getByTestId('viewer-scroll').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('.vt-page[data-page-index="0"] [data-testid="viewer-link"]').count(), { timeout: 10_000 }).toBe(2);
    const urlBefore = page.url();
    await page.getByRole('button', { name: `Liên kết tới ${FIXTURE_URL}` }).click();
    const dialog = page.getByTestId('viewer-link-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('viewer-link-url').textContent()).toBe(FIXTURE_URL);
    await page.screenshot({ path: path.join(art, 'viewer-link.png') });
    await page.getByTestId('viewer-link-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (window as unknown as { __opened: unknown[] }).__opened)).toEqual([]);
    expect(page.url()).toBe(urlBefore);
    await page.getByRole('button', { name: `Liên kết tới ${FIXTURE_URL}` }).click();
    await page.getByTestId('viewer-link-open').click();
    expect(await page.evaluate(() => (window as unknown as { __opened: unknown[] }).__opened)).toEqual([[FIXTURE_URL, '_blank', 'noopener']]);
    expect(page.url()).toBe(urlBefore);
    await page.getByRole('button', { name: 'Liên kết tới một vị trí trong văn bản' }).click();
    await expect.poll(() => attr(page, 'data-current-page')).toBe('4');

    // thumbnails: one per page, the current one marked, a click navigates
    expect(await page.getByTestId('viewer-thumbnails').getByRole('button').count()).toBe(FIXTURE_PAGES);
    await page.getByRole('button', { name: 'Trang 9', exact: true }).click();
    await expect.poll(() => attr(page, 'data-current-page')).toBe('8');
    await expect.poll(() => page.locator('.vt-thumb[aria-current="page"]').getAttribute('data-thumb-index')).toBe('8');

    // print: every page becomes an image in the print-only container, then window.print()
    await page.getByTestId('viewer-print').click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number[] }).__printed), { timeout: 30_000 }).toEqual([FIXTURE_PAGES]);
    await expect.poll(() => page.getByTestId('viewer-print-root').count()).toBe(0); // cleaned up

    // every control is named
    const unnamed = await page.$$eval('.vt-viewer button, .vt-viewer input', (els) => els.filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim() || e.getAttribute('aria-labelledby'))).map((e) => e.outerHTML.slice(0, 80)));
    expect(unnamed).toEqual([]);

    await page.getByTestId('viewer-scroll').focus();
    await page.keyboard.press('Home');
    await page.locator('.vt-page[data-page-index="0"][data-rendered="true"]').waitFor();
    await page.screenshot({ path: path.join(art, 'viewer.png') });
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('only pages near the viewport have canvases, in a 60-page file read by ranges; English catalog', async () => {
    const page = await openHarness('en');
    await openFile(page, big);
    expect(await attr(page, 'data-pages')).toBe('60');
    expect(await canvasInk(page, 0)).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('viewer-of-pages').textContent()).toBe('/ 60');
    expect(await page.getByRole('button', { name: 'Zoom in' }).count()).toBe(1);
    const early = await canvasPages(page);
    expect(early).toContain(0);
    expect(Math.max(...early)).toBeLessThan(5);
    await page.getByTestId('viewer-scroll').focus();
    await page.keyboard.press('End');
    await page.locator('.vt-page[data-page-index="59"][data-rendered="true"]').waitFor({ timeout: 20_000 });
    await expect.poll(async () => Math.min(...(await canvasPages(page)))).toBeGreaterThan(54);
    expect((await canvasPages(page)).length).toBeLessThan(6);
    expect(await canvasInk(page, 59)).toBeGreaterThan(100);
    // a page in the middle through the page box
    const pageBox = page.getByTestId('viewer-page-input');
    await pageBox.fill('30');
    await pageBox.press('Enter');
    await page.locator('.vt-page[data-page-index="29"][data-rendered="true"]').waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await canvasPages(page)).every((i) => i >= 26 && i <= 33)).toBe(true);
    // thumbnails are lazy too
    const thumbs = await page.$$eval('.vt-thumb canvas', (cs) => cs.length);
    expect(thumbs).toBeGreaterThan(0);
    expect(thumbs).toBeLessThan(20);
    // a file that is not a PDF is refused with a message
    const notPdf = path.join(tmp, 'note.pdf');
    fs.writeFileSync(notPdf, 'just text, no PDF header\n'.repeat(20));
    await page.getByTestId('viewer-file-input').setInputFiles(notPdf);
    await expect.poll(() => page.getByTestId('viewer-error').textContent()).toBe('This file is not a PDF.');
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('toolbar: one tab stop, arrow keys between its items, Enter/Space act; axe: no serious or critical violation on the open viewer, nothing excluded', async () => {
    const page = await openHarness();
    await openFile(page, fixture);
    await page.locator('.vt-thumb canvas[data-drawn="true"]').first().waitFor({ timeout: 10_000 });
    await page.locator('.vt-page[data-page-index="0"] .vt-textLayer span').first().waitFor({ timeout: 10_000 });
    const toolbar = page.getByRole('toolbar', { name: 'Công cụ xem văn bản' });
    expect(await toolbar.count()).toBe(1);
    /** index of the focused element among the toolbar's items, and how many items are tab stops */
    const state = () => page.evaluate(() => {
      const bar = document.querySelector('[data-testid="viewer-toolbar"]')!;
      const items = [...bar.querySelectorAll<HTMLElement>('button, input')].filter((e) => !(e as HTMLButtonElement).disabled);
      return { at: items.indexOf(document.activeElement as HTMLElement), stops: items.filter((e) => e.tabIndex === 0).length, n: items.length, testid: document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('aria-label') ?? '' };
    });
    await page.getByTestId('viewer-open').focus();
    let s = await state();
    expect(s).toMatchObject({ at: 0, stops: 1 });
    const n = s.n;
    await page.keyboard.press('ArrowRight'); // previous page (unavailable on page 1, still reachable)
    expect(await state()).toMatchObject({ at: 1, testid: 'Trang trước', stops: 1 });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-disabled'))).toBe('true');
    await page.keyboard.press('ArrowRight'); // the page number box, its text selected
    expect(await state()).toMatchObject({ at: 2, testid: 'viewer-page-input' });
    await page.keyboard.press('ArrowRight'); // caret to the end of the box
    expect((await state()).at).toBe(2);
    await page.keyboard.press('ArrowRight'); // out of the box: next page
    expect(await state()).toMatchObject({ at: 3, testid: 'Trang sau' });
    await page.keyboard.press('ArrowLeft');
    expect((await state()).at).toBe(2);
    await page.keyboard.press('ArrowLeft'); // caret at the start, then out
    await page.keyboard.press('ArrowLeft');
    expect((await state()).at).toBe(1);
    await page.keyboard.press('End');
    expect(await state()).toMatchObject({ at: n - 1, testid: 'viewer-print' });
    await page.keyboard.press('ArrowRight'); // wraps
    expect((await state()).at).toBe(0);
    await page.keyboard.press('ArrowLeft');
    expect((await state()).at).toBe(n - 1);
    await page.keyboard.press('Home');
    expect((await state()).at).toBe(0);
    expect(await attr(page, 'data-current-page')).toBe('0'); // arrows in the toolbar turn no page
    // Enter and Space act on the focused button
    for (let i = 0; i < n && (await state()).testid !== 'viewer-zoom-in'; i++) await page.keyboard.press('ArrowRight');
    expect((await state()).testid).toBe('viewer-zoom-in');
    const z0 = Number(await attr(page, 'data-zoom'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => Number(await attr(page, 'data-zoom'))).toBeGreaterThan(z0);
    await page.keyboard.press('ArrowRight');
    expect((await state()).testid).toBe('viewer-fit-width');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('viewer-fit-width').getAttribute('aria-pressed')).toBe('true');
    // Tab leaves the toolbar; Shift+Tab comes back to the item last used
    await page.keyboard.press('Tab');
    expect((await state()).at).toBe(-1);
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="viewer-toolbar"]'))).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await state()).toMatchObject({ testid: 'viewer-fit-width', stops: 1 });
    // the search button by keyboard, then a search with hits
    for (let i = 0; i < n && (await state()).testid !== 'viewer-search-toggle'; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const input = page.getByTestId('viewer-search-input');
    await expect.poll(() => input.evaluate((e) => e === document.activeElement)).toBe(true);
    await input.fill(FIXTURE_WORD);
    const total = Object.values(FIXTURE_HITS).reduce((a, b) => a + b, 0);
    await expect.poll(() => page.getByTestId('viewer-search-status').textContent(), { timeout: 15_000 }).toBe(`1 / ${total}`);
    await page.locator('[data-testid="viewer-hit-current"]').waitFor({ timeout: 10_000 });

    // axe-core on the whole page: toolbar, search bar, thumbnails, pages (canvas, text layer, links)
    await page.evaluate(fs.readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, first: JSON.stringify(v.nodes[0]?.target) }));
    });
    fs.writeFileSync(path.join(art, 'viewer-axe.json'), JSON.stringify(violations, null, 2));
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    // no focus sentinels of Fluent's focus manager inside the viewer (its root's two, tabindex -1 on <body>, are not the viewer's)
    expect(await page.locator('[data-testid="pdf-viewer"] [data-tabster-dummy]').count()).toBe(0);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
