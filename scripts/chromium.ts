import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM_PATH) driven by playwright-core, which
 * downloads no browser: headless, nothing phoning home, and a fresh temporary profile (user data
 * dir) that Playwright makes for every launch. The console's browser tests and screenshots use it.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
    ],
  });
}
