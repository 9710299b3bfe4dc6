// A client process killed mid-sync, for real: Chromium with a persistent profile (IndexedDB on
// disk) syncs 30 drafts with files made offline; when the gateway has stored some of the files
// but not all, the browser process is SIGKILLed. A new Chromium on the same profile finishes the
// sync: every intent arrives exactly once and every file matches its SHA-256.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/browser';
import { startHostApp, type HostApp } from '../../src-main/host/app';
import { startGateway } from '../../src-server/app';
import { startTestGateway, dbGet, dbAll, TEST_PASSWORD, type TestGateway } from '../server/fixture';
import { readBrowserClientState, loginAndReadView, checkConverged } from './chaos-checks';
import { gatewayLogOf } from './gateway-log';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const outDir = path.join(repo, 'test-artifacts', 'sync', 'renderer-kill');
const N = 30;
let t: TestGateway;
let host: HostApp;
let userDataDir: string;
let profileDir: string;
let ctx: BrowserContext | null = null;

/** PIDs of this process's descendants whose command line names `marker` (our Chromium only). */
function ourChromiumPids(marker: string): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { parent.set(Number(d), Number(fs.readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1])); } catch { /* gone */ }
  }
  const isOurs = (pid: number) => { for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === process.pid) return true; return false; };
  return [...parent.keys()].filter((pid) => {
    try { return isOurs(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker); } catch { return false; }
  });
}

const launch = () => chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });

beforeAll(async () => {
  await build({ root: path.join(repo, 'tests/sync/e2e-harness'), base: './', logLevel: 'warn', plugins: [react()], build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
  t = await startTestGateway();
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-kill-profile-'));
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-kill-chromium-'));
  host = await startHostApp({ rendererDir: outDir, profileDir });
}, 180_000);
afterAll(async () => {
  await ctx?.close().catch(() => {});
  for (const pid of ourChromiumPids(userDataDir)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  await host?.close();
  await t?.close().catch(() => {});
  for (const d of [profileDir, userDataDir]) fs.rmSync(d, { recursive: true, force: true });
});

/** Rows of the (virtualized) documents list: the grid's aria-rowcount less its header row. */
const listedDocuments = async (page: Page) => Number(await page.getByTestId('documents-list').getAttribute('aria-rowcount')) - 1;

/** Documents of the page's local store (IndexedDB 'vanthu-e2e') with nothing left to send. */
const syncedInStore = (page: Page) => page.evaluate(() => new Promise<number>((resolve, reject) => {
  const open = indexedDB.open('vanthu-e2e');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('documents', 'readonly');
    const all = tx.objectStore('documents').getAll();
    all.onsuccess = () => { resolve((all.result as { pending: number }[]).filter((d) => d.pending === 0).length); open.result.close(); };
    all.onerror = () => reject(all.error);
  };
}));

async function openPanel(page: Page) {
  await page.goto(host.newLaunchUrl());
  await page.getByTestId('documents-panel').waitFor();
}

describe('client killed mid-sync', () => {
  it('finishes after SIGKILL of the browser with nothing lost or applied twice', async () => {
    ctx = await launch();
    let page = ctx.pages()[0] ?? (await ctx.newPage());
    await openPanel(page);
    await page.fill('#srv', t.url);
    await page.fill('#usr', 'hd-giatan.chuyenvien');
    await page.fill('#pw', TEST_PASSWORD);
    await page.click('button[type=submit]:has-text("Đăng nhập")');
    await page.getByTestId('signed-in').waitFor();

    // Offline: the gateway is down while 30 drafts with ~300 KB files are made.
    const port = t.gw.port;
    await t.gw.close();
    for (let i = 0; i < N; i++) {
      await page.fill('#subject', `Tờ trình số ${i} (soạn ngoại tuyến)`);
      await page.selectOption('#type', 'TTR');
      await page.setInputFiles('#file', { name: `to-trinh-${i}.pdf`, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]) });
      await page.click('button:has-text("Lưu dự thảo")');
    }
    await expect.poll(() => listedDocuments(page), { timeout: 30_000 }).toBe(N);

    // Back online; kill the browser once the gateway holds some files but not all.
    t.gw = await startGateway({ dataDir: t.dir, databaseUrl: t.databaseUrl, port, rateLimitPerMinute: 100_000 });
    const gw = t.gw;
    const n = async (table: string) => (await dbGet<{ n: number }>(gw, `SELECT COUNT(*) AS n FROM ${table}`))!.n;
    const files = () => n('files');
    await page.click('button:has-text("Đồng bộ ngay")');
    await expect.poll(files, { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(3);
    const atKill = { files: await files(), docs: await n('documents') };
    const pids = ourChromiumPids(userDataDir);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
    await ctx.close().catch(() => {});
    console.log(`[kill] SIGKILLed ${pids.length} Chromium processes with ${atKill.files}/${N} files and ${atKill.docs}/${N} documents on the gateway`);
    expect(atKill.files).toBeLessThan(N);

    // A new browser on the same profile picks up from IndexedDB.
    ctx = await launch();
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await openPanel(page);
    await page.click('button:has-text("Đồng bộ ngay")');
    await expect.poll(() => page.getByTestId('sync-pending').textContent(), { timeout: 60_000 }).toBe('0');
    await expect.poll(() => listedDocuments(page), { timeout: 30_000 }).toBe(N);
    await expect.poll(() => syncedInStore(page), { timeout: 30_000 }).toBe(N);

    const mine = await dbAll<{ client_id: string; seq: number; kind: string; outcome: string }>(gw, 'SELECT client_id, seq, kind, outcome FROM intents ORDER BY seq');
    expect(new Set(mine.map((i) => i.client_id)).size).toBe(1);
    expect(mine.map((i) => i.seq)).toEqual(Array.from({ length: 2 * N }, (_, k) => k + 1));
    expect(mine.every((i) => i.outcome === 'applied')).toBe(true);
    expect(await n('documents')).toBe(N);
    expect(await n('versions')).toBe(N);
    expect(await n('files')).toBe(N);
    expect(await t.gw.files.verifyAll()).toEqual([]);
    // The chaos test's convergence checks on the real IndexedDB of the restarted browser.
    const client = await readBrowserClientState(page, 'chromium-after-sigkill', 'hd-giatan', 'vanthu-e2e');
    const view = await loginAndReadView(t.url, 'hd-giatan.chuyenvien', TEST_PASSWORD, { files: true });
    checkConverged([client], [view], await gatewayLogOf(t));
    expect(client.nextSeq).toBe(2 * N + 1);
    expect(client.files.length).toBe(N);
    expect(view.snapshots.length).toBe(N);
  });
});
