/**
 * The dashboard in a real headless Chromium (Debian's chromium, driven by playwright-core), at a
 * phone's width: sign-in through the Discord emulator's consent page, each page's content, the
 * refusals, and a screenshot of every page under test/artifacts/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, phone, screenshot, signInWithBrowser } from '../support/browser';
import type { EmulatedUser } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let browser: Browser;
const opened: BrowserContext[] = [];

/** A fresh phone-sized profile whose CSP reports and script errors are collected. */
async function newPhone(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const { context, page } = await phone(browser);
  opened.push(context);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/the server responded with a status of 40[13]/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

async function award(user: EmulatedUser, minutesAgo: number) {
  await h.seedLinks('silver', 'Ship Cannon Damage');
  await seedAward(h.storage, { memberId: user.id, quality: 'silver', linkType: 'Ship Cannon Damage', by: h.officer.id, at: new Date(h.clock.nowMs() - minutesAgo * 60_000) });
}

/** Clicks a page in the navigation and waits until the page has drawn its heading. */
async function open(page: Page, label: string, heading: string): Promise<void> {
  await page.getByRole('link', { name: label, exact: true }).click();
  await page.locator('#view h1', { hasText: heading }).waitFor();
  await page.locator('#view[aria-busy="false"]').waitFor();
}

/** True when nothing is wider than the phone's 360 px (no sideways scrolling). */
const fitsThePhone = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

beforeAll(async () => {
  h = await startHarness({ web: true });
  browser = await launchChromium();
  await h.seedMember(h.alice, { days: 400 });
  await h.seedMember(h.bob, { days: 45 });
  await h.seedMember(h.officer, { days: 200 });
  await award(h.alice, 90);
  await award(h.alice, 30);
  await award(h.bob, 10);
  await h.seedLinks('gold', 'Damage on Ships', 3);
  await h.seedLinks('bronze', 'Ship Cannon Damage', 1);
  const list = await h.storage.services.lists.create({ list_name: 'Gold for the bold', quality: 'gold', eligible_members: [h.alice.id, h.officer.id], created_by: h.officer.id });
  if (!list.ok) throw new Error('list');
}, 120_000);
afterAll(async () => {
  for (const context of opened) await context.close().catch(() => undefined);
  await browser?.close();
  await h?.stop();
});

describe('signing in with Discord in a browser', () => {
  it('takes a member through the consent page to their own standing, first on the page', async () => {
    const { page, problems } = await newPhone();
    h.emulator.oauth.signInAs(h.alice);
    await page.goto(`${h.webUrl}/signin`);
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'signin');
    await page.click('#signin');
    await page.waitForURL((url) => url.pathname === '/oauth2/authorize');
    expect(await page.locator('#account').textContent()).toBe('alice');
    await screenshot(page, 'consent');
    await page.click('button[value="authorize"]');
    await page.waitForURL((url) => url.origin === h.webUrl && url.pathname === '/');

    const standing = page.locator('#view > :first-child');
    await standing.locator('[data-field="rank"]').waitFor();
    expect(await standing.getAttribute('id')).toBe('standing');
    expect(await standing.locator('h1').textContent()).toBe('alice');
    expect(await standing.locator('[data-field="rank"]').textContent()).toBe('Sage');
    expect(await standing.locator('[data-field="days"]').textContent()).toBe(`400 days (since ${h.clock.daysAgo(400)})`);
    expect(await standing.locator('[data-field="links"]').textContent()).toBe('2');
    expect(await standing.locator('[data-field="eligibility"]').textContent()).toBe('Bronze, Silver, Gold');
    expect(await page.locator('#recent li').count()).toBe(2);
    expect(await page.locator('#who').textContent()).toBe('alice');
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'me');
    expect(problems).toEqual([]);
  });

  it('shows the stock, the lists, the member’s own history and the roster, each fitting a phone', async () => {
    const { page, problems } = await newPhone();
    await signInWithBrowser(page, h, h.alice);
    await page.locator('#standing').waitFor();

    await open(page, 'Stock', 'Stock');
    expect(await page.locator('section[data-quality="gold"] li').textContent()).toContain('3 × Damage on Ships');
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'stock');

    await open(page, 'Lists', 'Lists');
    expect(await page.locator('[data-list] h2').textContent()).toBe('Gold for the bold');
    expect((await page.locator('ol.waiting li').allTextContents()).sort()).toEqual(['alice', 'officer']);
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'lists');

    await open(page, 'History', 'Your history');
    expect(await page.locator('#history-rows li').count()).toBe(2);
    // A member filters by quality only: no member picker, no one else's history.
    expect(await page.locator('select[name="member"]').count()).toBe(0);
    expect(await page.locator('#csv').getAttribute('href')).toBe(`/api/v1/history?member=${h.alice.id}&format=csv`);
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'history');

    await open(page, 'Roster', 'Roster');
    expect(await page.locator('#roster-rows li .main').allTextContents()).toEqual(['alice', 'officer', 'bob']);
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'roster');
    expect(problems).toEqual([]);
  });

  it('gives an officer the member picker and the whole guild’s history', async () => {
    const { page, problems } = await newPhone();
    await signInWithBrowser(page, h, h.officer);
    await page.locator('#standing').waitFor();
    expect(await page.locator('#who').textContent()).toBe('officer (officer)');
    await open(page, 'History', 'Guild history');
    expect(await page.locator('#history-rows li').count()).toBe(3);
    expect(await page.locator('select[name="member"] option').allTextContents()).toEqual(['Whole guild', 'alice', 'officer', 'bob']);
    await page.selectOption('select[name="member"]', h.bob.id);
    await page.locator('#view h1', { hasText: 'History of one member' }).waitFor();
    await page.locator('#view[aria-busy="false"]').waitFor();
    expect(await page.locator('#history-rows li').count()).toBe(1);
    await screenshot(page, 'history-officer');
    expect(problems).toEqual([]);
  });

  it('refuses a user outside the guild at sign-in, with a clear page and no cookie', async () => {
    const outsider = h.newUser('outsider', { inGuild: false });
    h.emulator.expectRefusal({ code: 10004, times: 1 });
    const { context, page } = await newPhone();
    await signInWithBrowser(page, h, outsider);
    expect(new URL(page.url()).pathname).toBe('/auth/callback');
    expect(await page.locator('h1').textContent()).toBe('Not a member');
    expect(await page.locator('main').textContent()).toContain('You are not a member of Outlands Scholars.');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('ff_session');
    await screenshot(page, 'refused');
    await page.goto(`${h.webUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
  });

  it('refuses a tampered cookie: the API answers 401 and the page goes back to sign-in', async () => {
    const first = await newPhone();
    await signInWithBrowser(first.page, h, h.bob);
    await first.page.locator('#standing').waitFor();
    const session = (await first.context.cookies()).find((c) => c.name === 'ff_session')!;
    const last = session.value.at(-1)!;
    const tampered = { ...session, value: session.value.slice(0, -1) + (last === 'A' ? 'B' : 'A') };

    const { context, page } = await newPhone();
    await context.addCookies([tampered]);
    const api = await context.request.get(`${h.webUrl}/api/v1/me`);
    expect(api.status()).toBe(401);
    expect(await api.json()).toEqual({ error: expect.stringContaining('Not signed in') });
    await page.goto(`${h.webUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    // The untouched cookie still works: the refusal was the signature's doing.
    expect((await first.context.request.get(`${h.webUrl}/api/v1/me`)).status()).toBe(200);
  });

  it('ends the session on Sign out', async () => {
    const { context, page } = await newPhone();
    await signInWithBrowser(page, h, h.alice);
    await page.locator('#standing').waitFor();
    const before = (await context.cookies()).find((c) => c.name === 'ff_session')!;
    expect(before).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    expect(before.expires).toBeGreaterThan(Date.now() / 1000 + 11 * 3600);
    await page.click('#logout');
    await page.waitForURL((url) => url.pathname === '/signin');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('ff_session');
    await page.goto(`${h.webUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    // The old cookie, replayed, is refused too.
    await context.addCookies([before]);
    expect((await context.request.get(`${h.webUrl}/api/v1/me`)).status()).toBe(401);
  });

  it('wrote a PNG screenshot of every page', () => {
    for (const name of ['signin', 'consent', 'me', 'stock', 'lists', 'history', 'roster', 'refused']) {
      const png = readFileSync(`${__dirname}/../artifacts/${name}.png`);
      expect([name, png.subarray(1, 4).toString('latin1')]).toEqual([name, 'PNG']);
    }
  });
});
