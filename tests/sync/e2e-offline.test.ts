// End-to-end in Chromium through host mode: sign in, stop the gateway, create a draft offline,
// reload the page — the draft is still there — start the gateway again, and it syncs. Also: two
// windows of one profile run one engine (Web Lock), and the survivor takes over.
// It drives the built app (out/renderer, from `npm run build`, "Văn bản" desk) when that build
// contains the documents panel and is newer than the sources; otherwise it builds a harness page
// holding only the panel. Either
// way the page is served by the real host-mode server with its window.vanthu bridge.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startHostApp, type HostApp } from '../../src-main/host/app';
import { startGateway, type Gateway } from '../../src-server/app';
import { startTestGateway, dbGet, dbAll, TEST_PASSWORD, type TestGateway } from '../server/fixture';
import {
  readBrowserClientState, loginAndReadView, checkConverged, checkOutboxDrained, checkIntentsExactlyOnce,
  checkRejectionsKept, checkClientCaughtUp, checkClientHasFiles, checkFilesMatchHashes, checkNoEffectTwice,
  checkRegistersWithoutGaps, checkChangeFeedWithoutGaps, type ClientState,
} from './chaos-checks';
import { gatewayLogOf } from './gateway-log';

const pdfPath = '/work/shared/corpus/pdf/node-signpdf/w3dummy.pdf'.replace('/work/shared', path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared'));
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const outDir = path.join(repo, 'test-artifacts', 'sync', 'renderer');
let t: TestGateway;
let host: HostApp;
let browser: Browser;
let profileDir: string;
let inApp = false;

const newestMtime = (d: string): number => fs.readdirSync(d, { withFileTypes: true })
  .reduce((m, e) => Math.max(m, e.isDirectory() ? newestMtime(path.join(d, e.name)) : fs.statSync(path.join(d, e.name)).mtimeMs), 0);

/** The built app when it has the documents desk and is newer than the renderer sources. */
function builtApp(): string | null {
  const dir = path.join(repo, 'out', 'renderer');
  const assets = path.join(dir, 'assets');
  if (!fs.existsSync(assets)) return null;
  const builtAt = fs.statSync(path.join(dir, 'index.html')).mtimeMs;
  const sources = ['src-renderer/desks/documents', 'src-renderer/store', 'src-renderer/sync', 'src-shared/sync', 'src-shared/domain'];
  if (sources.some((d) => newestMtime(path.join(repo, d)) > builtAt)) return null; // built before the panel's sources changed
  const has = fs.readdirSync(assets).some((f) => f.endsWith('.js') && fs.readFileSync(path.join(assets, f), 'utf8').includes('documents-panel'));
  return has ? dir : null;
}

/** Run `fn` until it stops throwing (the engine may still be pulling), then once more for its error. */
async function eventually(fn: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { return await fn(); } catch (e) { if (Date.now() > end) throw e; }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Plant a fault in (or undo it from) one record of the page's real IndexedDB store: set a field,
 * or flip one byte of a stored file's data. Returns the field's previous value.
 */
const patchRecord = (page: Page, store: string, key: string, change: { set: string; value: unknown } | { flipByte: number }) => page.evaluate(async ({ store, key, change }) => {
  const names = (await indexedDB.databases()).map((d) => d.name!).filter((n) => n.startsWith('vanthu-'));
  let before: unknown;
  for (const n of names) {
    const db = await new Promise<IDBDatabase>((res, rej) => { const o = indexedDB.open(n); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    if (!db.objectStoreNames.contains(store)) { db.close(); continue; }
    const os = db.transaction(store, 'readwrite').objectStore(store);
    const rec = await new Promise<any>((res, rej) => { const g = os.get(key); g.onsuccess = () => res(g.result); g.onerror = () => rej(g.error); });
    if (rec) {
      if ('set' in change) { before = rec[change.set]; rec[change.set] = change.value; } else { rec.data = new Uint8Array(rec.data); rec.data[change.flipByte] ^= 0xff; }
      await new Promise<void>((res, rej) => { const p = os.put(rec); p.onsuccess = () => res(); p.onerror = () => rej(p.error); });
    }
    db.close();
  }
  return before;
}, { store, key, change });

/** Open the documents desk (a click in the app; the harness shows it at once). */
async function openDesk(page: Page) {
  if (inApp) await page.locator('nav button', { hasText: 'Văn bản' }).click();
  await page.getByTestId('documents-panel').waitFor();
}

beforeAll(async () => {
  let rendererDir = builtApp();
  inApp = rendererDir !== null;
  if (!rendererDir) {
    await build({
      root: path.join(repo, 'tests/sync/e2e-harness'), base: './', logLevel: 'warn', plugins: [react()],
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 },
    });
    rendererDir = outDir;
  }
  console.log(`[e2e] page: ${inApp ? 'built app (out/renderer)' : 'harness bundle of DocumentsPanel'}`);
  t = await startTestGateway();
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-e2e-profile-'));
  host = await startHostApp({ rendererDir, profileDir });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.close().catch(() => {});
  fs.rmSync(profileDir, { recursive: true, force: true });
});

describe('offline draft in Chromium (host mode)', () => {
  it('keeps a draft made with the gateway stopped across a reload and syncs it when the gateway is back', async () => {
    const page = await browser.newPage();
    const shot = (n: string) => page.screenshot({ path: path.join(repo, 'test-artifacts', 'sync', `${n}.png`), fullPage: true });
    await page.goto(host.newLaunchUrl());
    await openDesk(page);
    await page.getByTestId('login-form').waitFor();
    await page.fill('#srv', t.url);
    await page.fill('#usr', 'hd-giatan.chuyenvien');
    await page.fill('#pw', TEST_PASSWORD);
    await page.click('button[type=submit]:has-text("Đăng nhập")');
    await expect.poll(() => page.getByTestId('signed-in').textContent(), { timeout: 15_000 }).toContain('UBND xã Gia Tân');

    // The gateway goes away.
    const port = t.gw.port;
    await t.gw.close();

    const subject = 'Công văn về việc chuẩn bị họp giao ban tháng 12 (soạn khi mất mạng)';
    await page.selectOption('#type', 'CV');
    await page.fill('#subject', subject);
    await page.selectOption('#dokhan', 'khan');
    await page.fill('#signer', 'Lê Văn Cường');
    await page.fill('#position', 'Chủ tịch');
    await page.fill('#recipients', 'Các thôn\nLưu: VT');
    await page.check('#to-hd-yetkieu'); // delivered through the system when issued
    await page.setInputFiles('#file', pdfPath);
    await page.click('button:has-text("Lưu dự thảo")');
    const row = page.getByTestId('document-row').filter({ hasText: subject });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => row.getByTestId('document-sync').textContent()).toBe('Chờ gửi');
    await shot('e2e-offline-draft');

    // Reload: the draft is still there (IndexedDB), still waiting.
    await page.reload();
    await openDesk(page);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.getByTestId('document-sync').textContent()).toBe('Chờ gửi');
    const docId = await row.getAttribute('data-doc-id');
    expect(t.gw.db.closed).toBe(true);

    // The gateway is back on the same address; "Đồng bộ ngay" skips the remaining backoff.
    const gw2: Gateway = await startGateway({ dataDir: t.dir, databaseUrl: t.databaseUrl, port, rateLimitPerMinute: 100_000 });
    t.gw = gw2;
    await page.click('button:has-text("Đồng bộ ngay")');
    await expect.poll(() => row.getByTestId('document-sync').textContent(), { timeout: 30_000 }).toBe('Đã đồng bộ');
    await expect.poll(() => page.getByTestId('sync-pending').textContent()).toBe('0');
    await shot('e2e-synced');
    const stored = (await dbGet(gw2, 'SELECT owner_org_id, status, meta FROM documents WHERE id = ?', [docId])) as { owner_org_id: string; status: string; meta: string };
    expect(stored.owner_org_id).toBe('hd-giatan');
    expect(stored.status).toBe('draft');
    expect(JSON.parse(stored.meta)).toMatchObject({ typeCode: 'CV', subject, doKhan: 'khan', recipients: ['Các thôn', 'Lưu: VT'], recipientOrgIds: ['hd-yetkieu'], signer: { fullName: 'Lê Văn Cường', position: 'Chủ tịch' } });
    // its file went up too, byte for byte
    const pdf = fs.readFileSync(pdfPath);
    expect((await dbGet(gw2, 'SELECT sha256, size, file_name AS name FROM versions WHERE doc_id = ?', [docId])))
      .toEqual({ sha256: createHash('sha256').update(pdf).digest('hex'), size: pdf.length, name: path.basename(pdfPath) });
    expect(await gw2.files.verifyAll()).toEqual([]);
    // and "Trình" submits it
    await row.locator('button', { hasText: 'Trình' }).click();
    await expect.poll(async () => ((await dbGet(gw2, 'SELECT status FROM documents WHERE id = ?', [docId])) as { status: string }).status, { timeout: 30_000 }).toBe('submitted');
    await expect.poll(() => row.textContent()).toContain('Đã trình');

    // The same convergence checks as the chaos test, on Chromium's real IndexedDB.
    const read = async () => ({
      client: await readBrowserClientState(page, 'chromium', 'hd-giatan'),
      view: await loginAndReadView(gw2.url, 'hd-giatan.chuyenvien', TEST_PASSWORD, { files: true }),
      log: await gatewayLogOf(t),
    });
    let st = await read();
    await eventually(async () => { st = await read(); checkConverged([st.client], [st.view], st.log); });
    expect(st.client.nextSeq).toBe(4); // create_draft, add_version, submit
    expect(st.log.intents.map((i) => `${i.seq}:${i.kind}:${i.outcome}`).sort()).toEqual(['1:create_draft:applied', '2:add_version:applied', '3:submit:applied']);
    expect(st.client.files.map((f) => f.sha256)).toEqual([createHash('sha256').update(pdf).digest('hex')]);
    // …and the browser-side reading sees a planted fault: a document left pending, a corrupt file.
    const was = await patchRecord(page, 'documents', docId!, { set: 'pending', value: 1 });
    try {
      const s2 = await readBrowserClientState(page, 'chromium', 'hd-giatan');
      expect(() => checkOutboxDrained(s2)).toThrow(/outboxDrained: chromium: 1 documents still pending/);
    } finally { await patchRecord(page, 'documents', docId!, { set: 'pending', value: was }); }
    const sha = st.client.files[0].sha256;
    await patchRecord(page, 'files', sha, { flipByte: 200 });
    try {
      const s3 = await readBrowserClientState(page, 'chromium', 'hd-giatan');
      expect(() => checkFilesMatchHashes(s3.name, s3.files)).toThrow(/filesMatchHashes: chromium: 1 files do not match/);
    } finally { await patchRecord(page, 'files', sha, { flipByte: 200 }); }
    const s4 = await readBrowserClientState(page, 'chromium', 'hd-giatan');
    checkConverged([s4], [st.view], await gatewayLogOf(t));
    await page.close();
  });

  it('runs one sync engine per profile across windows, and another window takes over when the leader closes', async () => {
    const ctx = await browser.newContext();
    const [p1, p2] = [await ctx.newPage(), await ctx.newPage()];
    const calls = new Map([[p1, 0], [p2, 0]]);
    for (const p of [p1, p2]) p.on('request', (r) => { if (r.url().startsWith(t.gw.url)) calls.set(p, calls.get(p)! + 1); });
    await p1.goto(host.newLaunchUrl());
    await openDesk(p1);
    await p2.goto(host.newLaunchUrl());
    await openDesk(p2);
    await p1.fill('#srv', t.gw.url);
    await p1.fill('#usr', 'hd-yetkieu.chuyenvien');
    await p1.fill('#pw', TEST_PASSWORD);
    await p1.click('button[type=submit]:has-text("Đăng nhập")');
    await expect.poll(() => p2.getByTestId('signed-in').textContent(), { timeout: 15_000 }).toContain('UBND xã Yết Kiêu');

    // A draft made in the second window is sent by the first window's engine.
    const first = 'Báo cáo tình hình thực hiện nhiệm vụ quý IV (cửa sổ 2)';
    const before = calls.get(p1)!;
    await p2.fill('#subject', first);
    await p2.selectOption('#type', 'BC');
    await p2.click('button:has-text("Lưu dự thảo")');
    const row1 = p2.getByTestId('document-row').filter({ hasText: first });
    await expect.poll(() => row1.getByTestId('document-sync').textContent(), { timeout: 30_000 }).toBe('Đã đồng bộ');
    expect(calls.get(p1)!).toBeGreaterThan(before);
    expect(calls.get(p2)).toBe(0);

    // The leader window closes: the second window takes the lock and syncs on its own.
    await p1.close();
    const second = 'Giấy mời họp giao ban (sau khi đóng cửa sổ 1)';
    await p2.selectOption('#type', 'GM');
    await p2.fill('#subject', second);
    await p2.click('button:has-text("Lưu dự thảo")');
    const row2 = p2.getByTestId('document-row').filter({ hasText: second });
    await expect.poll(() => row2.getByTestId('document-sync').textContent(), { timeout: 30_000 }).toBe('Đã đồng bộ');
    expect(calls.get(p2)!).toBeGreaterThan(0);
    const n = { n: (await dbAll<{ meta: string }>(t.gw, "SELECT meta FROM documents WHERE owner_org_id = 'hd-yetkieu'")).filter((d) => [first, second].includes(JSON.parse(d.meta).subject)).length };
    expect(n.n).toBe(2);
    // The profile's one store (shared by both windows) converged: each intent once, no change skipped.
    let client: ClientState;
    await eventually(async () => {
      client = await readBrowserClientState(p2, 'chromium-2-windows', 'hd-yetkieu');
      const views = [await loginAndReadView(t.gw.url, 'hd-yetkieu.chuyenvien', TEST_PASSWORD, { files: true }), await loginAndReadView(t.gw.url, 'hd-giatan.chuyenvien', TEST_PASSWORD)];
      const log = await gatewayLogOf(t);
      checkOutboxDrained(client); checkIntentsExactlyOnce(client, log); checkRejectionsKept(client, log);
      checkClientCaughtUp(client, views[0]); checkClientHasFiles(client, views[0]); checkFilesMatchHashes(client.name, client.files);
      checkNoEffectTwice(log, views, new Map([[client.clientId, client.orgId]]));
      checkRegistersWithoutGaps(views); checkChangeFeedWithoutGaps(log);
    });
    expect(client!.nextSeq).toBe(3);
    await ctx.close();
  });
});
