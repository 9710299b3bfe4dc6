// A person's path through the desks in Chromium (host mode): sign a PDF with a PKCS#12 file on
// the Ký số desk, save the signed file, check it on the Xác minh desk, and see the verdict in
// Vietnamese.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { artifactsDir, startHost, type TestHost } from '../helpers/host';
import { makeWorld, type World } from '../verify/fixtures';

let w: World;
let host: TestHost;
let browser: Browser;

beforeAll(async () => {
  w = await makeWorld('desks');
  const profileDir = fs.mkdtempSync(path.join(w.dir, 'profile-'));
  fs.mkdirSync(path.join(profileDir, 'trust'));
  fs.copyFileSync(w.rootPem, path.join(profileDir, 'trust', 'root.pem'));
  host = await startHost({ profileDir });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await w?.close();
});

describe('Ký số and Xác minh desks', () => {
  it('signs with a PKCS#12 file, downloads the result, and verifies it as Hợp lệ', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await page.goto(host.newLaunchUrl());
    await page.getByRole('button', { name: 'Ký số' }).click();
    await page.locator('#sign-files').setInputFiles(w.basePath);
    await page.getByLabel('Tệp PKCS#12 (.p12/.pfx)').check();
    await page.getByLabel('Tệp PKCS#12', { exact: true }).setInputFiles(w.pki.signers.rsa2048.p12Path!);
    await page.getByLabel('Mật khẩu PKCS#12').fill(w.pki.password);
    await page.getByRole('button', { name: 'Ký văn bản' }).click();
    const link = page.getByTestId('sign-results').getByRole('link');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const signedPath = path.join(w.dir, 'from-ui.signed.pdf');
    await download.saveAs(signedPath);
    expect(fs.readFileSync(signedPath).subarray(0, w.base.length).equals(Buffer.from(w.base))).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir('app'), 'sign-desk.png'), fullPage: true });

    await page.getByRole('button', { name: 'Xác minh' }).click();
    await page.locator('#verify-file').setInputFiles(signedPath);
    const verdict = page.getByTestId('verify-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('TOTAL_PASSED');
    expect(await verdict.textContent()).toContain('Hợp lệ');
    expect(await page.getByTestId('verify-report').textContent()).toContain('Nguyễn Văn An');
    await page.screenshot({ path: path.join(artifactsDir('app'), 'verify-desk.png'), fullPage: true });
    await page.close();
  });
});
