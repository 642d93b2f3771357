/**
 * Real headless Chromium for the dashboard's tests: Debian's chromium package (installed by
 * .ci/run) driven by playwright-core, which never downloads a browser of its own. The flags keep
 * Chromium from reaching for the network (the machine has only loopback), where it would stall.
 * Playwright gives every launch a fresh temporary profile (its own --user-data-dir) and deletes
 * it on close.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { EmulatedUser } from './discord-emulator';
import type { Harness } from './harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
}

/** A new browser profile the size of a phone (360 px wide): its own cookies. */
export async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15_000);
  return { context, page: await context.newPage() };
}

/** Writes the page as test/artifacts/<name>.png (the folder is ignored by git). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Signs `user` in as a person would: the sign-in page, "Sign in with Discord", Discord's consent
 * page (shown until the user has authorized once), "Authorize", and back: on the dashboard, or on
 * the callback's refusal page.
 */
export async function signInWithBrowser(page: Page, h: Harness, user: EmulatedUser): Promise<void> {
  h.emulator.oauth.signInAs(user);
  await page.goto(`${h.webUrl}/signin`);
  const back = (url: URL) => url.origin === h.webUrl && (url.pathname === '/' || url.pathname === '/auth/callback');
  await page.click('#signin');
  await page.waitForURL((url) => url.pathname === '/oauth2/authorize' || back(url));
  if (new URL(page.url()).pathname === '/oauth2/authorize') {
    await page.click('button[value="authorize"]');
    await page.waitForURL(back);
  }
}
