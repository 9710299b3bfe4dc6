// Launches Debian's Chromium through playwright-core (never a downloaded browser), headless,
// with the flags that keep it off the network.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.VANTHU_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
