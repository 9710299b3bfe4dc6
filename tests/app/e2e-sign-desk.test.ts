// The Ký số desk in Chromium against host mode, with real SoftHSM2 tokens: a wrong PIN shows the
// remaining-tries state the token reports (SoftHSM2 sets CKF_USER_PIN_COUNT_LOW); a PDF opened on
// the desk is signed with the token, the box dragged on the page, and verified valid at once in the
// signature panel; a batch of 10 asks for the PIN exactly once and gives 10 results; a batch
// cancelled mid-way leaves only whole signed files; "Ký vào ô này" signs into an existing empty
// field; the document crosses to the main side once (sign.inspect stages it, the batch names it,
// and sends the bytes only when the staged copy is gone); the signed file stays on the main side
// too (returnSigned 'staged'): the verdict and the panel show before its bytes cross, the download
// link fetches them by id (the input as prefix, the SHA-256 of the answer), the signed revision is
// shown from them, the id is released after, and an unknown id is the typed error, shown to the
// person; axe-core finds no serious or critical violation on the desk.
// Build first: VANTHU_RENDERER_OUT=out/renderer-sign npx electron-vite build, then run with
// VANTHU_TEST_RENDERER_DIR=out/renderer-sign.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { artifactsDir, repoRoot, startHost, type TestHost } from '../helpers/host';
import { startTsa, type TsaServer } from '../helpers/tsa';
import { withEmptySignatureFields } from '../helpers/empty-sig-field';
import { LABEL_A, LABEL_B, PIN_A, PIN_B } from '../pkcs11/helpers/fixture';
import { importCertificate, importEntity, initToken, makeSoftHsm, type SoftHsm } from '../pkcs11/helpers/softhsm';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { documentSignatureFields } from '../../src-shared/pades/empty-field';

const WRONG_PIN = '758302';

// the tokens of tests/pkcs11/helpers/fixture.ts, with a PKI whose certificates name an OCSP
// responder and CRLs (a loopback server), so a signature can be verified valid (TOTAL_PASSED)
let fx: { dir: string; pki: TestPki; hsm: SoftHsm; logFile: string };
let rev: RevocationServer;
let host: TestHost;
let browser: Browser;
let tsa: TsaServer;
let slowTsa: http.Server;
let slowTsaUrl: string;
let docs: string;
const signature = path.join(repoRoot, 'resources/appearance/sample-signature.png');

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-e2e-sign-'));
  rev = await startRevocationServer();
  const pki = await makeTestPki(path.join(dir, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048', 'rsa3072', 'p256'] });
  rev.attach(pki);
  const hsm = makeSoftHsm(path.join(dir, 'hsm'));
  initToken(hsm, LABEL_A, PIN_A);
  importEntity(hsm, LABEL_A, PIN_A, pki.signers.rsa2048, '01');
  importCertificate(hsm, LABEL_A, PIN_A, pki.intermediate.derPath, 'c1', 'intermediate');
  initToken(hsm, LABEL_B, PIN_B);
  importEntity(hsm, LABEL_B, PIN_B, pki.signers.rsa3072!, 'b1');
  importCertificate(hsm, LABEL_B, PIN_B, pki.intermediate.derPath, 'c1', 'intermediate');
  const logFile = path.join(artifactsDir('pkcs11'), 'e2e-sign.log');
  fs.writeFileSync(logFile, '');
  process.env.VANTHU_PKCS11_LOG = logFile;
  fx = { dir, pki, hsm, logFile };
  const profileDir = path.join(fx.dir, 'profile');
  fs.mkdirSync(path.join(profileDir, 'trust'), { recursive: true });
  fs.copyFileSync(fx.pki.root.pemPath, path.join(profileDir, 'trust', 'root.pem'));
  fs.writeFileSync(path.join(profileDir, 'config.json'), JSON.stringify({ pkcs11Modules: [fx.hsm.module], tokenTimeoutMs: 20_000 }));
  docs = path.join(fx.dir, 'docs');
  fs.mkdirSync(docs);
  // two A4 pages with Vietnamese text and an image (the shared corpus tool)
  execFileSync('python3', [path.resolve(repoRoot, '../shared/tools/mkpdf.py'), path.join(fx.dir, 'base.pdf'), '2', '0.02']);
  const base = fs.readFileSync(path.join(fx.dir, 'base.pdf'));
  for (let i = 1; i <= 10; i++) fs.writeFileSync(path.join(docs, `cong-van-${i}.pdf`), base);
  fs.writeFileSync(path.join(docs, 'co-o-ky.pdf'), withEmptySignatureFields(new Uint8Array(base), [{ name: 'KyDuyet', pageIndex: 1, rect: [330, 250, 540, 380] }]));
  // a timestamp server that answers after 600 ms, so a batch at B-T can be stopped half-way
  tsa = await startTsa(fx.pki.tsa);
  slowTsa = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      const up = http.request(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' } }, (r) => {
        res.writeHead(r.statusCode ?? 500, { 'content-type': r.headers['content-type'] ?? 'application/timestamp-reply' });
        r.pipe(res);
      });
      up.end(Buffer.concat(chunks));
    }, 600));
  });
  await new Promise<void>((r) => slowTsa.listen(0, '127.0.0.1', r));
  slowTsaUrl = `http://127.0.0.1:${(slowTsa.address() as { port: number }).port}/tsa`;
  host = await startHost({ profileDir });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await tsa?.close();
  slowTsa?.close();
  await rev?.close();
  fs.rmSync(fx.dir, { recursive: true, force: true });
});

async function openDesk(files: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  await page.goto(host.newLaunchUrl());
  await page.getByRole('button', { name: 'Ký số' }).click();
  await page.locator('#sign-files').setInputFiles(files);
  await page.getByTestId('sign-token').waitFor();
  return page;
}

/** Counts the PIN dialogs that open on the page (each time one appears). */
async function countPinPrompts(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __pinPrompts: number };
    w.__pinPrompts = 0;
    let open = false;
    new MutationObserver(() => {
      const now = !!document.querySelector('[data-testid="pin-dialog"]');
      if (now && !open) w.__pinPrompts++;
      open = now;
    }).observe(document.body, { childList: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { __pinPrompts: number }).__pinPrompts);
}

async function downloadOf(page: Page, index: number): Promise<Uint8Array> {
  const link = page.getByTestId('sign-results').getByRole('link').nth(index);
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return new Uint8Array(fs.readFileSync((await dl.path())!));
}

const fieldsOf = (b: Uint8Array) => documentSignatureFields(PdfReader.open(new BytesSource(b)));

describe('Ký số desk with a token', () => {
  it('shows the remaining-tries state the token reports after a wrong PIN', async () => {
    const page = await openDesk([path.join(docs, 'cong-van-1.pdf')]);
    await page.getByTestId('sign-token').selectOption(LABEL_B);
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    const dialog = page.getByTestId('pin-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('pin-state').count()).toBe(0); // nothing wrong yet
    await dialog.getByTestId('pin-input').fill(WRONG_PIN);
    await dialog.getByRole('button', { name: 'Mở khóa' }).click();
    await dialog.getByTestId('pin-error').waitFor();
    expect(await dialog.getByTestId('pin-error').innerText()).toMatch(/PIN/);
    // SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after a failed login (it never locks)
    await dialog.getByTestId('pin-state').waitFor();
    expect(await dialog.getByTestId('pin-state').getAttribute('data-remaining')).toBe('low');
    expect(await dialog.getByTestId('pin-input').inputValue()).toBe('');
    await dialog.getByRole('button', { name: 'Hủy' }).click();
    await dialog.waitFor({ state: 'detached' });
    // the desk shows the state too, and nothing was signed
    await page.locator('.sign-form').getByTestId('pin-state').waitFor();
    expect(await page.getByTestId('sign-results').count()).toBe(0);
    await page.close();
  });

  it('signs the open PDF with the token at the dragged position and shows it verified valid', async () => {
    const page = await openDesk([path.join(docs, 'cong-van-1.pdf')]);
    await page.getByTestId('sign-viewer').waitFor();
    await page.getByTestId('sign-token').selectOption(LABEL_A);
    await page.locator('#sign-kind').selectOption('signer');
    await page.locator('#sign-image').setInputFiles(signature);
    const boxEl = page.getByTestId('sign-box');
    await boxEl.waitFor();
    await page.getByTestId('sign-preview').getByText('PHÓ CHỦ TỊCH').waitFor();
    const before = (await boxEl.getAttribute('data-rect'))!.split(',').map(Number);
    // proposed: the last page (2), right-hand column
    expect(await page.locator('.sign-position h3').innerText()).toContain('trang 2');
    await boxEl.scrollIntoViewIfNeeded();
    const bb = (await boxEl.boundingBox())!;
    await page.mouse.move(bb.x + bb.width / 2, bb.y + bb.height / 2);
    await page.mouse.down();
    await page.mouse.move(bb.x + bb.width / 2 - 80, bb.y + bb.height / 2 - 60, { steps: 6 });
    await page.mouse.up();
    const after = (await boxEl.getAttribute('data-rect'))!.split(',').map(Number);
    expect(after[0]).toBeLessThan(before[0] - 50);
    expect(after[1]).toBeGreaterThan(before[1] + 40); // up on screen = up in PDF space
    expect(after[2] - after[0]).toBeCloseTo(before[2] - before[0], 0);
    // and with the keyboard: 2 pt to the right
    await boxEl.focus();
    await page.keyboard.press('ArrowRight');
    const moved = (await boxEl.getAttribute('data-rect'))!.split(',').map(Number);
    expect(moved[0]).toBeCloseTo(after[0] + 2, 0);

    const prompts = await countPinPrompts(page);
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    const dialog = page.getByTestId('pin-dialog');
    await dialog.getByTestId('pin-input').fill(PIN_A);
    await dialog.getByRole('button', { name: 'Mở khóa' }).click();
    const verdict = page.getByTestId('sign-verify-verdict');
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('TOTAL_PASSED');
    expect(await verdict.innerText()).toBe('Hợp lệ');
    await page.getByTestId('signature-panel').waitFor();
    expect(await page.getByTestId('signature-panel').innerText()).toContain('Nguyễn Văn An');
    expect(await prompts()).toBe(1);

    const signed = await downloadOf(page, 0);
    const original = fs.readFileSync(path.join(docs, 'cong-van-1.pdf'));
    expect(Buffer.from(signed.subarray(0, original.length)).equals(original)).toBe(true);
    const [f] = fieldsOf(signed);
    expect(f.signed).toBe(true);
    expect(f.pageIndex).toBe(1);
    f.rect.forEach((v, i) => expect(Math.abs(v - moved[i])).toBeLessThan(0.6));

    // accessibility of the desk (form, placement, results, signature panel) with the viewer in it
    // (through the DevTools protocol: the page's CSP allows no inline script)
    await page.evaluate(fs.readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8'));
    const axe = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run({ include: [['main']] }, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    });
    expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.screenshot({ path: path.join(artifactsDir('desk'), 'sign.png'), fullPage: true });
    await page.close();
  });

  it('signs a batch of 10 with one PIN entry and gives 10 results, each verified', async () => {
    const files = Array.from({ length: 10 }, (_, i) => path.join(docs, `cong-van-${i + 1}.pdf`));
    const page = await openDesk(files);
    // lock token A (unlocked by the test above) on the Thiết bị ký desk, then back to signing
    await page.getByRole('button', { name: 'Thiết bị ký' }).click();
    await page.getByRole('heading', { name: new RegExp(LABEL_A) }).locator('..').getByRole('button', { name: 'Khóa thiết bị' }).click();
    await page.getByRole('heading', { name: new RegExp(LABEL_A) }).locator('..').getByRole('button', { name: 'Nhập PIN' }).waitFor();
    await page.getByRole('button', { name: 'Ký số' }).click();
    await page.locator('#sign-files').setInputFiles(files);
    await page.getByTestId('sign-token').selectOption(LABEL_A);
    const prompts = await countPinPrompts(page);
    await page.getByRole('button', { name: 'Ký 10 văn bản' }).click();
    const dialog = page.getByTestId('pin-dialog');
    await dialog.getByTestId('pin-input').fill(PIN_A);
    await dialog.getByRole('button', { name: 'Mở khóa' }).click();
    await expect.poll(() => page.getByTestId('sign-verify-verdict').count(), { timeout: 60_000 }).toBe(10);
    const results = page.getByTestId('sign-result');
    expect(await results.count()).toBe(10);
    for (let i = 0; i < 10; i++) expect(await results.nth(i).getAttribute('data-status')).toBe('ok');
    const verdicts = await page.getByTestId('sign-verify-verdict').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(verdicts).toEqual(Array(10).fill('TOTAL_PASSED'));
    expect(await prompts()).toBe(1);
    await page.close();
  });

  it('cancels a batch before its next document: only whole signed files, the rest not signed', async () => {
    const files = Array.from({ length: 6 }, (_, i) => path.join(docs, `cong-van-${i + 1}.pdf`));
    const page = await openDesk(files);
    await page.getByTestId('sign-token').selectOption(LABEL_A); // unlocked by the batch above
    await page.locator('#sign-level').selectOption('B-T');
    await page.getByTestId('sign-tsa').fill(slowTsaUrl);
    const prompts = await countPinPrompts(page);
    await page.getByRole('button', { name: 'Ký 6 văn bản' }).click();
    await page.getByTestId('sign-progressbar').waitFor();
    await page.getByTestId('sign-progress').filter({ hasText: /^[12]\/6/ }).waitFor({ timeout: 20_000 });
    await page.getByTestId('sign-cancel').click();
    await page.getByTestId('sign-results').waitFor({ timeout: 30_000 });
    const statuses = await page.getByTestId('sign-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses).toHaveLength(6);
    const ok = statuses.filter((s) => s === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThan(6);
    expect(statuses).toEqual([...Array(ok).fill('ok'), ...Array(6 - ok).fill('cancelled')]);
    expect(await prompts()).toBe(0); // the token stayed unlocked
    // the signed ones are whole (verified valid, timestamped); the cancelled ones have no file
    await expect.poll(() => page.getByTestId('sign-verify-verdict').count(), { timeout: 30_000 }).toBe(ok);
    expect(await page.getByTestId('sign-results').getByRole('link').count()).toBe(ok);
    for (let i = 0; i < ok; i++) {
      const b = await downloadOf(page, i);
      const f = fieldsOf(b);
      expect(f).toHaveLength(1);
      expect(f[0].signed).toBe(true);
    }
    const verdicts = await page.getByTestId('sign-verify-verdict').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(verdicts).toEqual(Array(ok).fill('TOTAL_PASSED'));
    expect(await page.getByTestId('sign-result').nth(ok).innerText()).toContain('chưa ký');
    await page.close();
  });

  it('signs into an existing empty signature field with "Ký vào ô này"', async () => {
    const page = await openDesk([path.join(docs, 'co-o-ky.pdf')]);
    await page.getByTestId('sign-token').selectOption(LABEL_A);
    const row = page.getByTestId('sign-field').filter({ hasText: 'KyDuyet' });
    await row.waitFor();
    expect(await row.innerText()).toContain('trang 2');
    await page.locator('#sign-kind').selectOption('signer');
    await page.locator('#sign-image').setInputFiles(signature);
    await row.getByRole('button', { name: 'Ký vào ô này' }).click();
    await page.getByTestId('sign-into-field').waitFor();
    // the box shown is the field's, and it does not move
    expect(await page.getByTestId('sign-box').getAttribute('data-rect')).toBe('330,250,540,380');
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    const verdict = page.getByTestId('sign-verify-verdict');
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('TOTAL_PASSED');
    const signed = await downloadOf(page, 0);
    expect(fieldsOf(signed)).toEqual([{ name: 'KyDuyet', signed: true, pageIndex: 1, rect: [330, 250, 540, 380] }]);
    await page.close();
  });

  it('sends the document once: the batch names the staged copy, and sends the bytes if the main side no longer holds it', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    // what the page's bridge socket sends and receives (staged ids from the answers; each frame's kind and size)
    await page.addInitScript(() => {
      const w = window as unknown as { __ws: { sent: { text: string | null; size: number }[]; staged: string[]; socket: WebSocket | null; answers: string[] } };
      w.__ws = { sent: [], staged: [], socket: null, answers: [] };
      const Base = window.WebSocket;
      window.WebSocket = class extends Base {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          w.__ws.socket = this;
          this.addEventListener('message', (e) => {
            if (typeof e.data === 'string' && e.data.includes('"id":999999')) w.__ws.answers.push(e.data);
            const m = typeof e.data === 'string' ? /"staged":\{"id":"([A-Za-z0-9_-]+)"/.exec(e.data) : null;
            if (m) w.__ws.staged.push(m[1]);
          });
        }
        send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
          w.__ws.sent.push(typeof data === 'string' ? { text: data, size: data.length } : { text: null, size: (data as ArrayBufferView).byteLength });
          super.send(data as Parameters<WebSocket["send"]>[0]);
        }
      } as typeof WebSocket;
    });
    await page.goto(host.newLaunchUrl());
    await page.getByRole('button', { name: 'Ký số' }).click();
    const file = path.join(docs, 'cong-van-2.pdf');
    const size = fs.statSync(file).size;
    await page.locator('#sign-files').setInputFiles(file);
    await page.getByTestId('sign-token').selectOption(LABEL_A); // unlocked by the tests above
    const ws = () => page.evaluate(() => (window as unknown as { __ws: { sent: { text: string | null; size: number }[]; staged: string[] } }).__ws);
    await expect.poll(async () => (await ws()).staged.length).toBe(1);
    // batches by staged id (JSON text frames: no bytes in them), and frames carrying the document
    const batches = async () => (await ws()).sent.filter((f) => f.text !== null && f.text.includes('"sign.batch"'));
    const uploads = async () => (await ws()).sent.filter((f) => f.text === null && f.size > size).length;
    expect(await uploads()).toBe(1); // sign.inspect, staging it

    // signed by the staged id: the batch is a small text frame, the document is not sent again
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    await page.getByTestId('sign-verify-verdict').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('sign-verify-verdict').getAttribute('data-verdict')).toBe('TOTAL_PASSED');
    const first = await batches();
    expect(first).toHaveLength(1);
    expect(first[0].text).toContain(`"staged":"${(await ws()).staged[0]}"`);
    expect(await uploads()).toBe(1);

    // the main side lets go of it (as when it expires or is evicted): the desk sends the bytes instead
    const id = (await ws()).staged[0];
    // (a call of the contract on the page's own bridge socket, as the desk would make it)
    await page.evaluate((i) => (window as unknown as { __ws: { socket: WebSocket } }).__ws.socket
      .send(JSON.stringify({ type: 'invoke', id: 999999, channel: 'sign.release', payload: { id: i } })), id);
    await expect.poll(async () => (await page.evaluate(() => (window as unknown as { __ws: { answers: string[] } }).__ws.answers)).map((a) => JSON.parse(a).result))
      .toEqual([{ ok: true, value: { released: true } }]);
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    // by the id (refused: SIGN_STAGED_UNKNOWN), then again with the bytes
    await expect.poll(uploads, { timeout: 30_000 }).toBe(2);
    expect(await batches()).toHaveLength(2);
    await page.getByTestId('sign-verify-verdict').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('sign-verify-verdict').getAttribute('data-verdict')).toBe('TOTAL_PASSED');
    expect(await page.getByTestId('sign-result').getAttribute('data-status')).toBe('ok');
    const signed = await downloadOf(page, 0);
    const original = fs.readFileSync(file);
    expect(Buffer.from(signed.subarray(0, original.length)).equals(original)).toBe(true);
    await page.close();
  });

  it('shows the verdict before the signed bytes cross, then fetches them by id for the download and the signed revision', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const file = path.join(docs, 'cong-van-3.pdf');
    const original = fs.readFileSync(file);
    // the page's bridge socket: text frames sent, the size of each binary frame received, what had
    // crossed when the verdict first showed, and a switch that makes the desk's sign.fetch name an
    // id the main side never held
    await page.addInitScript((size: number) => {
      type AtVerdict = { big: number; fetches: number; fetched: string | null };
      const w = window as unknown as { __ws: { sent: string[]; received: number[]; socket: WebSocket | null; answers: string[]; breakFetch: boolean; atVerdict: AtVerdict | null } };
      w.__ws = { sent: [], received: [], socket: null, answers: [], breakFetch: false, atVerdict: null };
      document.addEventListener('DOMContentLoaded', () => {
        const obs = new MutationObserver(() => {
          if (!document.querySelector('[data-testid="sign-verify-verdict"]')) return;
          w.__ws.atVerdict = {
            big: w.__ws.received.filter((n) => n > size).length,
            fetches: w.__ws.sent.filter((t) => t.includes('"sign.fetch"')).length,
            fetched: document.querySelector('[data-testid="sign-download"]')?.getAttribute('data-fetched') ?? null,
          };
          obs.disconnect();
        });
        obs.observe(document.body, { childList: true, subtree: true });
      });
      const Base = window.WebSocket;
      window.WebSocket = class extends Base {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          w.__ws.socket = this;
          this.addEventListener('message', (e) => {
            if (typeof e.data === 'string') {
              if (e.data.includes('"id":999999')) w.__ws.answers.push(e.data);
            } else w.__ws.received.push((e.data as ArrayBuffer).byteLength);
          });
        }
        send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
          if (typeof data === 'string') {
            if (w.__ws.breakFetch && data.includes('"sign.fetch"')) data = data.replace(/"id":"[A-Za-z0-9_-]+"/, '"id":"AAAAAAAAAAAAAAAAAAAAAA"');
            w.__ws.sent.push(data);
          }
          super.send(data as string);
        }
      } as typeof WebSocket;
    }, original.length);
    type Ws = { sent: string[]; received: number[]; answers: string[]; atVerdict: { big: number; fetches: number; fetched: string | null } | null };
    const ws = () => page.evaluate(() => (window as unknown as { __ws: Ws }).__ws);
    await page.goto(host.newLaunchUrl());
    await page.getByRole('button', { name: 'Ký số' }).click();
    await page.locator('#sign-files').setInputFiles(file);
    await page.getByTestId('sign-token').selectOption(LABEL_A); // unlocked by the tests above
    await page.getByTestId('sign-viewer').waitFor();
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    await page.getByTestId('sign-verify-verdict').waitFor({ timeout: 30_000 });
    await page.getByTestId('signature-panel').waitFor();
    expect(await page.getByTestId('sign-verify-verdict').getAttribute('data-verdict')).toBe('TOTAL_PASSED');
    // shown with no signed bytes in the page: the batch asked for the staged form, and when the
    // verdict showed nothing as large as the document had come down, nor had a fetch been asked
    expect((await ws()).sent.find((t) => t.includes('"sign.batch"'))).toContain('"returnSigned":"staged"');
    expect((await ws()).atVerdict).toEqual({ big: 0, fetches: 0, fetched: 'no' });
    const link = page.getByTestId('sign-download');
    const sha = await link.getAttribute('data-sha256');
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(await link.getAttribute('data-size'))).toBeGreaterThan(original.length);

    // fetched by id afterwards (once, in the background or by the link), checked against the answer's SHA-256
    const signed = await downloadOf(page, 0);
    expect(Buffer.from(signed.subarray(0, original.length)).equals(original)).toBe(true);
    expect(createHash('sha256').update(signed).digest('hex')).toBe(sha);
    expect(signed.length).toBe(Number(await link.getAttribute('data-size')));
    const fetches = (await ws()).sent.filter((t) => t.includes('"sign.fetch"'));
    expect(fetches).toHaveLength(1);
    expect((await ws()).received.filter((n) => n > original.length)).toHaveLength(1);
    expect(await link.getAttribute('data-fetched')).toBe('yes');
    // downloaded again without another fetch
    expect(createHash('sha256').update(await downloadOf(page, 0)).digest('hex')).toBe(sha);
    expect((await ws()).sent.filter((t) => t.includes('"sign.fetch"'))).toHaveLength(1);

    // the signed revision in the viewer, from the fetched bytes
    await page.getByTestId('signature-panel').getByTestId('view-signed').click();
    await page.getByTestId('signed-revision-banner').waitFor();
    await page.locator('.sign-document[data-viewing="signed"] [data-testid="sign-viewer"][data-pages="2"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('back-to-current').click();
    await page.locator('.sign-document[data-viewing="current"]').waitFor();

    // the page holds the bytes now: the main side's copy was released, and its id is the typed error
    const id = /"payload":\{"id":"([A-Za-z0-9_-]+)"\}/.exec(fetches[0])![1];
    await page.evaluate((i) => (window as unknown as { __ws: { socket: WebSocket } }).__ws.socket
      .send(JSON.stringify({ type: 'invoke', id: 999999, channel: 'sign.fetch', payload: { id: i } })), id);
    await expect.poll(async () => (await ws()).answers.length).toBe(1);
    const answer = JSON.parse((await ws()).answers[0]).result;
    expect(answer).toMatchObject({ ok: false, error: { code: 'SIGN_STAGED_UNKNOWN' } });
    expect(answer.error.message_vi).toMatch(/không còn được giữ/);
    expect(answer.error.message_en).toMatch(/no longer held/);

    // signed again, and its id no longer held when the bytes are fetched: the typed error is shown
    await page.evaluate(() => { (window as unknown as { __ws: { breakFetch: boolean } }).__ws.breakFetch = true; });
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    await page.getByTestId('sign-verify-verdict').waitFor({ timeout: 30_000 });
    await page.getByTestId('sign-download').hover();
    const err = page.getByTestId('sign-copy-error');
    await err.waitFor({ timeout: 20_000 });
    expect(await err.getAttribute('data-code')).toBe('SIGN_STAGED_UNKNOWN');
    expect(await err.innerText()).toMatch(/không còn được giữ/);
    expect(await page.getByTestId('sign-download').getAttribute('data-fetched')).toBe('no');
    await page.close();
  });

  it('never writes a PIN to the token service log', () => {
    const log = fs.readFileSync(fx.logFile, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    for (const pin of [PIN_A, PIN_B, WRONG_PIN]) expect(log).not.toContain(pin);
  });
});
