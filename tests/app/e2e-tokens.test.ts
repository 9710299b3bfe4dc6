// The Thiết bị ký (tokens) desk in Chromium against host mode with real SoftHSM2 tokens: the
// tokens and their certificates show with the Vietnamese identifiers, a wrong PIN is answered
// with the remaining-tries message, the right PIN unlocks, and the PIN box is cleared.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { artifactsDir, startHost, type TestHost } from '../helpers/host';
import { type Fixture, LABEL_A, makeFixture, PIN_A } from '../pkcs11/helpers/fixture';

let fx: Fixture;
let host: TestHost;
let browser: Browser;

beforeAll(async () => {
  fx = await makeFixture('e2e');
  const profileDir = path.join(fx.dir, 'profile');
  fs.mkdirSync(profileDir, { recursive: true });
  fs.writeFileSync(path.join(profileDir, 'config.json'), JSON.stringify({ pkcs11Modules: [fx.hsm.module] }));
  host = await startHost({ profileDir });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('Thiết bị ký desk', () => {
  it('lists tokens and certificates, reports a wrong PIN, and unlocks with the right one', async () => {
    const page = await browser.newPage();
    await page.goto(host.newLaunchUrl());
    await page.getByRole('button', { name: 'Thiết bị ký' }).click();
    await page.getByRole('heading', { name: new RegExp(LABEL_A) }).waitFor();
    const body = await page.locator('main').innerText();
    expect(body).toContain('Nguyễn Văn An');
    expect(body).toContain('CCCD 001085012345');

    const pinBox = page.getByLabel(`PIN ${LABEL_A}`);
    await pinBox.fill('758302');
    await page.getByRole('heading', { name: new RegExp(LABEL_A) }).locator('..').getByRole('button', { name: 'Nhập PIN' }).click();
    const status = page.getByRole('status');
    await status.waitFor();
    expect(await status.textContent()).toMatch(/PIN/);
    expect(await pinBox.inputValue()).toBe('');

    await pinBox.fill(PIN_A);
    await page.getByRole('heading', { name: new RegExp(LABEL_A) }).locator('..').getByRole('button', { name: 'Nhập PIN' }).click();
    await page.getByText(`Đã mở khóa ${LABEL_A}.`).waitFor();
    await page.screenshot({ path: path.join(artifactsDir('app'), 'tokens-desk.png'), fullPage: true });
    await page.close();
  });
});
