// The desk's shell end to end in Debian's Chromium against host mode (built renderer; set
// VANTHU_TEST_RENDERER_DIR to test another build): the language switch turns the documents desk,
// the settings desk and the navigation into English and back and survives a reload (and a new
// launch address, from the profile); settings persist across a reload and in the profile's files,
// a machine-locked value cannot be edited in the page nor through IPC; the documents list keeps
// only a window of rows in the DOM for thousands of documents and moves with the keyboard; axe-core
// finds no serious or critical violation on the documents, settings, first-run and demo screens,
// each photographed to test-artifacts/desk/<screen>.png.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { artifactsDir, repoRoot, startHost, type TestHost } from '../helpers/host';
import { seedDocumentsInPage, seededNewestFirst } from '../helpers/seed-documents';
import { createRouter } from '../../src-main/services/ipc/router';
import { createHandlers } from '../../src-main/services/handlers';
import type { Res } from '../../src-shared/ipc/contract';

let browser: Browser;
const shots = artifactsDir('desk');
const axeSource = fs.readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** axe-core in the page (through the DevTools protocol: the page's CSP allows no inline script). */
async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx?: unknown, opts?: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const nav = (page: Page, name: string) => page.locator('nav.desks button', { hasText: name });

/** A CA certificate made by OpenSSL, with its SHA-256 fingerprint as OpenSSL prints it. */
function makeCa(dir: string, cn: string): { file: string; fingerprint: string } {
  const file = path.join(dir, `${cn.replace(/\W+/g, '-')}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', file,
    '-days', '3650', '-subj', `/CN=${cn}/O=So TTTT Test/C=VN`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
  const fp = execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { file, fingerprint: fp.trim().split('=')[1] };
}

describe('language', () => {
  it('turns the documents desk, settings and navigation into English and back, and keeps the choice across a reload and a new launch', { timeout: 120_000 }, async () => {
    const host = await startHost({ emptyProfile: 'demo' });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(host.newLaunchUrl());
      await page.getByTestId('document-row').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('html').getAttribute('lang')).toBe('vi');
      expect(await nav(page, 'Văn bản').getAttribute('aria-current')).toBe('page');
      expect(await page.locator('#list-title').innerText()).toBe('Danh sách văn bản');

      await page.getByTestId('language').selectOption('en');
      await page.getByRole('button', { name: 'Documents', exact: true }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('#list-title').innerText()).toBe('Documents');
      expect(await page.locator('#sync-title').innerText()).toBe('Sync');
      expect(await page.getByTestId('documents-list').innerText()).toContain('Summary');
      expect(await page.getByTestId('demo-banner').innerText()).toContain('Rebuild the sample data');
      const navText = await page.locator('nav.desks').innerText();
      for (const s of ['Documents', 'Sign', 'Verify', 'Signing devices', 'Settings', 'Overview']) expect(navText).toContain(s);
      expect(await page.getByRole('button', { name: 'Settings' }).getAttribute('title')).toBe('Settings (Alt+5)');
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Trusted roots' }).waitFor();
      expect(await page.getByTestId('settings').innerText()).toContain('Revocation cache');
      // the demo's server is the demo's own, said in English too
      expect(await page.getByTestId('locked-gatewayUrl').innerText()).toContain('demo province');

      // a reload keeps English (this browser), and so does a new launch in a fresh browser context (the profile)
      await page.reload();
      await page.getByRole('button', { name: 'Documents', exact: true }).waitFor({ timeout: 20_000 });
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const fresh = await browser.newContext();
      const other = await fresh.newPage();
      await other.goto(host.newLaunchUrl());
      await other.getByRole('button', { name: 'Documents', exact: true }).waitFor({ timeout: 20_000 });
      expect(JSON.parse(fs.readFileSync(path.join(host.profileDir, 'demo', 'settings.json'), 'utf8')).language).toBe('en');
      await fresh.close();

      // and back
      await page.getByTestId('language').selectOption('vi');
      await page.getByRole('button', { name: 'Văn bản', exact: true }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('vi');
      await page.reload();
      await page.getByRole('button', { name: 'Văn bản', exact: true }).waitFor({ timeout: 20_000 });
      expect(await page.getByRole('button', { name: 'Documents', exact: true }).count()).toBe(0);
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('settings desk', () => {
  it('persists settings across a reload (in the profile), adds and removes a trusted root, and explains a refused value', { timeout: 120_000 }, async () => {
    const host = await startHost();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-ca-'));
    try {
      const ca = makeCa(tmp, 'Root CA Thu Nghiem');
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(host.newLaunchUrl());
      await page.getByTestId('documents-panel').waitFor();
      await nav(page, 'Cài đặt').waitFor();
      await page.keyboard.press('Alt+5'); // the shortcut shown in the button's title
      await page.getByTestId('settings').waitFor();
      expect(await nav(page, 'Cài đặt').getAttribute('aria-current')).toBe('page');
      expect(await nav(page, 'Cài đặt').getAttribute('title')).toBe('Cài đặt (Alt+5)');

      await page.getByTestId('setting-tsaUrl').fill('http://tsa.haiduong.example/tsr');
      await page.getByTestId('save-tsaUrl').click();
      await page.getByTestId('settings-done').waitFor();
      await page.getByTestId('setting-module').fill('/opt/vnpt-ca/lib/libvnpt-pkcs11.so');
      await page.getByTestId('add-module').click();
      await page.getByTestId('pkcs11-modules').getByText('/opt/vnpt-ca/lib/libvnpt-pkcs11.so').waitFor();
      await page.getByTestId('setting-cache-limit').fill('50');
      await page.getByTestId('save-cache-limit').click();
      await expect.poll(() => fs.existsSync(path.join(host.profileDir, 'settings.json')) && JSON.parse(fs.readFileSync(path.join(host.profileDir, 'settings.json'), 'utf8')).revocationCacheMaxMB).toBe(50);
      await page.locator('#root-file').setInputFiles(ca.file);
      const root = page.getByTestId('trusted-root').filter({ hasText: 'Root CA Thu Nghiem' });
      await root.waitFor();
      expect(await root.getByTestId('root-fingerprint').innerText()).toBe(ca.fingerprint);

      // a value the main side refuses: the reason and what to do, in Vietnamese
      await page.getByTestId('setting-tsaUrl').fill('ftp://tsa.example/');
      await page.getByTestId('save-tsaUrl').click();
      await page.getByTestId('settings-error').waitFor();
      expect(await page.getByTestId('settings-error').innerText()).toMatch(/không hợp lệ/);
      // a file that is not a certificate
      const notCert = path.join(tmp, 'ghi-chu.pem');
      fs.writeFileSync(notCert, 'không phải chứng thư');
      await page.locator('#root-file').setInputFiles(notCert);
      await expect.poll(() => page.getByTestId('settings-error').innerText()).toMatch(/không phải một chứng thư số.*Hãy chọn/);

      const cfg = JSON.parse(fs.readFileSync(path.join(host.profileDir, 'config.json'), 'utf8'));
      expect(cfg.tsaUrl).toBe('http://tsa.haiduong.example/tsr');
      expect(cfg.pkcs11Modules).toEqual(['/opt/vnpt-ca/lib/libvnpt-pkcs11.so']);
      // the verifier uses the new root at once
      expect(host.context.trustPaths).toContain(path.join(host.profileDir, 'trust'));

      // the revocation cache: two fetched entries and a CRL IT dropped there
      const cache = path.join(host.profileDir, 'revocation-cache');
      fs.mkdirSync(path.join(cache, 'crl'), { recursive: true });
      fs.mkdirSync(path.join(cache, 'ocsp'), { recursive: true });
      fs.writeFileSync(path.join(cache, 'crl', `${'a'.repeat(64)}.der`), Buffer.alloc(300 * 1024, 1));
      fs.writeFileSync(path.join(cache, 'ocsp', `${'b'.repeat(64)}.der`), Buffer.alloc(300 * 1024, 2));
      fs.writeFileSync(path.join(cache, 'crl', 'so-tttt.crl'), Buffer.alloc(100 * 1024, 3));

      await page.reload();
      await nav(page, 'Cài đặt').waitFor();
      await page.keyboard.press('Alt+5');
      await page.getByTestId('settings').waitFor();
      await expect.poll(() => page.getByTestId('setting-tsaUrl').inputValue()).toBe('http://tsa.haiduong.example/tsr');
      expect(await page.getByTestId('pkcs11-modules').innerText()).toContain('/opt/vnpt-ca/lib/libvnpt-pkcs11.so');
      expect(await page.getByTestId('setting-cache-limit').inputValue()).toBe('50');
      expect(await page.getByTestId('cache-used').innerText()).toBe('Đang dùng 0,7 MB · 3 mục');
      await page.screenshot({ path: path.join(shots, 'settings.png'), fullPage: true });
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

      // the profile's TSA is the sign desk's default from B-T up
      const pdf = path.join(os.tmpdir(), `vanthu-shell-${process.pid}.pdf`);
      execFileSync('python3', [path.resolve(repoRoot, '../shared/tools/mkpdf.py'), pdf, '1', '0.01']);
      await nav(page, 'Ký số').click();
      await page.locator('#sign-files').setInputFiles(pdf);
      await page.locator('#sign-level').selectOption('B-T');
      await expect.poll(() => page.getByTestId('sign-tsa').inputValue()).toBe('http://tsa.haiduong.example/tsr');
      fs.rmSync(pdf, { force: true });
      await nav(page, 'Cài đặt').click();
      await page.getByTestId('settings').waitFor();

      await page.getByTestId('clear-cache').click();
      await expect.poll(() => page.getByTestId('cache-used').innerText()).toBe('Đang dùng 0,1 MB · 1 mục');
      expect(fs.readdirSync(path.join(cache, 'crl'))).toEqual(['so-tttt.crl']);
      expect(fs.readdirSync(path.join(cache, 'ocsp'))).toEqual([]);

      await page.getByRole('button', { name: 'Gỡ chứng thư gốc CN=Root CA Thu Nghiem, O=So TTTT Test, C=VN' }).click();
      await page.getByTestId('roots-empty').waitFor();
      expect(fs.readdirSync(path.join(host.profileDir, 'trust'))).toEqual([]);
      await page.close();
    } finally {
      await host.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('shows machine-locked values locked, and the main side refuses them', { timeout: 60_000 }, async () => {
    const machine = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-machine-'));
    fs.writeFileSync(path.join(machine, 'config.json'), JSON.stringify({ gatewayUrl: 'https://vanban.haiduong.gov.vn', tsaUrl: 'http://tsa.haiduong.gov.vn' }));
    const saved = process.env.VANTHU_MACHINE_CONFIG_DIR;
    process.env.VANTHU_MACHINE_CONFIG_DIR = machine;
    let host: TestHost | null = null;
    try {
      host = await startHost();
      const page = await browser.newPage();
      await page.goto(host.newLaunchUrl());
      await page.getByRole('button', { name: 'Cài đặt' }).click();
      const server = page.getByTestId('setting-gatewayUrl');
      await server.waitFor();
      expect(await server.inputValue()).toBe('https://vanban.haiduong.gov.vn');
      expect(await server.getAttribute('readonly')).not.toBeNull();
      expect(await page.getByTestId('locked-gatewayUrl').innerText()).toContain('bộ phận CNTT');
      expect(await page.getByTestId('save-gatewayUrl').count()).toBe(0);
      expect(await page.getByTestId('setting-tsaUrl').getAttribute('readonly')).not.toBeNull();
      expect(await server.isEditable()).toBe(false);
      await server.focus();
      await page.keyboard.type('x'); // read-only: typing changes nothing
      expect(await server.inputValue()).toBe('https://vanban.haiduong.gov.vn');
      // the modules are not machine-locked here: still editable
      expect(await page.getByTestId('setting-module').getAttribute('readonly')).toBeNull();

      const router = createRouter(createHandlers(host.context));
      const r = await router.dispatch('settings.set', { gatewayUrl: 'https://khac.example.vn' }, { trusted: true, origin: 'test' });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.code).toBe('SETTINGS_LOCKED');
      expect(!r.ok && r.error.message_vi).toContain('bộ phận CNTT');
      expect(!r.ok && r.error.message_en).toContain('set by IT');
      // what the main side validates whatever the page sends: a relative driver path, a certificate that is no CA
      const rel = await router.dispatch('settings.set', { pkcs11Modules: ['libvnpt.so'] }, { trusted: true, origin: 'test' });
      expect(!rel.ok && rel.error.code).toBe('IPC_INVALID_PAYLOAD');
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-leaf-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(tmp, 'k.pem'), '-out', path.join(tmp, 'leaf.pem'),
          '-days', '30', '-subj', '/CN=Nguyen Van An', '-addext', 'basicConstraints=critical,CA:FALSE'], { stdio: 'ignore' });
        const leaf = await router.dispatch('settings.addTrustedRoot', { fileName: 'leaf.pem', data: new Uint8Array(fs.readFileSync(path.join(tmp, 'leaf.pem'))) }, { trusted: true, origin: 'test' });
        expect(!leaf.ok && leaf.error.code).toBe('SETTINGS_NOT_CA');
        expect(!leaf.ok && leaf.error.message_vi).toContain('Hãy chọn chứng thư gốc của CA');
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      const after = await router.dispatch('settings.get', {}, { trusted: true, origin: 'test' });
      const state = (after.ok ? after.value : null) as Res<'settings.get'> | null;
      expect(state?.trustedRoots).toEqual([]);
      expect(state?.tsaUrl).toEqual({ value: 'http://tsa.haiduong.gov.vn', locked: 'machine' });
      expect(fs.existsSync(path.join(host.profileDir, 'config.json')) ? JSON.parse(fs.readFileSync(path.join(host.profileDir, 'config.json'), 'utf8')).gatewayUrl : undefined).toBeUndefined();
      await page.close();
    } finally {
      await host?.close();
      if (saved === undefined) delete process.env.VANTHU_MACHINE_CONFIG_DIR;
      else process.env.VANTHU_MACHINE_CONFIG_DIR = saved;
      fs.rmSync(machine, { recursive: true, force: true });
    }
  });
});

describe('documents list', () => {
  it('renders only a window of rows for 3,000 documents, sorts, searches and moves with the keyboard; no serious axe violation', { timeout: 120_000 }, async () => {
    const host = await startHost();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(host.newLaunchUrl());
      await page.getByTestId('documents-empty').waitFor();
      expect(await page.getByTestId('documents-empty').innerText()).toContain('Đăng nhập máy chủ');
      const N = 3000;
      await seedDocumentsInPage(page, 'default', N);
      await page.reload();
      await page.getByTestId('document-row').first().waitFor({ timeout: 20_000 });
      const grid = page.getByTestId('documents-list');
      expect(await grid.getAttribute('aria-rowcount')).toBe(String(N + 1));
      expect(await page.getByTestId('documents-count').innerText()).toBe('3.000 văn bản');
      const rendered = await page.getByTestId('document-row').count();
      expect(rendered).toBeGreaterThan(5);
      expect(rendered).toBeLessThan(60);
      // newest first (by ngày ban hành / creation): as the store's own sort key orders them
      const order = seededNewestFirst(N);
      const newest = order[0].meta.subject, oldest = order[N - 1].meta.subject, second = order[1].meta.subject;
      expect(await page.getByTestId('document-row').first().innerText()).toContain(newest);

      // keyboard: End goes to the oldest, Home back; the DOM still holds a window only
      await grid.focus();
      await page.keyboard.press('End');
      await expect.poll(() => page.locator('[data-testid=document-row][aria-selected=true]').innerText()).toContain(oldest);
      expect(await page.getByTestId('document-row').count()).toBeLessThan(60);
      expect(await page.getByTestId('document-row').filter({ hasText: newest }).count()).toBe(0);
      await page.keyboard.press('Home');
      await expect.poll(() => page.locator('[data-testid=document-row][aria-selected=true]').innerText()).toContain(newest);
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('[data-testid=document-row][aria-selected=true]').innerText()).toContain(second);

      // sort oldest first
      await page.getByTestId('documents-sort').click();
      await expect.poll(() => page.getByTestId('document-row').first().innerText()).toContain(oldest);
      expect(await page.getByTestId('documents-list').locator('[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
      await page.getByTestId('documents-sort').click();

      // search by số/ký hiệu and by trích yếu (accents optional)
      await page.getByTestId('documents-search').fill('301/CV-UBND');
      await expect.poll(() => page.getByTestId('document-row').count()).toBe(1);
      expect(await page.getByTestId('document-row').innerText()).toContain('số 301 về');
      await page.getByTestId('documents-search').fill('van ban mau so 2999');
      await expect.poll(() => page.getByTestId('document-row').count()).toBe(1);
      expect(await page.getByTestId('documents-count').innerText()).toBe('1 văn bản khớp trong 3.000');
      await page.getByTestId('documents-search').fill('không có văn bản này');
      await page.getByTestId('documents-no-match').waitFor();
      await page.getByTestId('documents-search').fill('');
      await expect.poll(() => page.getByTestId('document-row').count()).toBeGreaterThan(5);

      await page.screenshot({ path: path.join(shots, 'documents.png'), fullPage: true });
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('accessibility of the first-run screen and the demo desk', () => {
  it('finds no serious or critical axe violation on the first-run screen', { timeout: 60_000 }, async () => {
    const host = await startHost({ emptyProfile: 'first-run' });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(host.newLaunchUrl());
      await page.getByTestId('first-run').waitFor();
      await page.getByTestId('token-check').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(shots, 'first-run.png'), fullPage: true });
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('finds no serious or critical axe violation on the tokens desk and the overview', { timeout: 60_000 }, async () => {
    const host = await startHost();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(host.newLaunchUrl());
      await nav(page, 'Thiết bị ký').click();
      await page.locator('[data-testid="tokens-desk"][data-loaded="yes"]').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(shots, 'tokens.png'), fullPage: true });
      expect(await axeViolations(page), 'tokens desk').toEqual([]);
      await nav(page, 'Tổng quan').click();
      await page.getByTestId('app-info').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(shots, 'overview.png'), fullPage: true });
      expect(await axeViolations(page), 'overview').toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('finds no serious or critical axe violation on the demo desk', { timeout: 90_000 }, async () => {
    const host = await startHost({ emptyProfile: 'demo' });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(host.newLaunchUrl());
      await page.getByTestId('demo-banner').waitFor({ timeout: 30_000 });
      // while the first sync runs (progress shown), and again once the desk is settled
      await page.getByTestId('documents-panel').waitFor({ timeout: 30_000 });
      const early = await axeViolations(page);
      expect(early, JSON.stringify(early, null, 2)).toEqual([]);
      await expect.poll(() => page.getByTestId('document-row').count(), { timeout: 30_000 }).toBe(12);
      await page.getByTestId('signed-in').waitFor();
      await page.screenshot({ path: path.join(shots, 'demo.png'), fullPage: true });
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
