/**
 * The dashboard's writes in a real headless Chromium at a phone's width, with the Discord side
 * watched through the emulator: an officer adds stock, draws, rerolls and confirms on the web
 * while the draw's Discord message follows; a draw started with /distribute is confirmed on the
 * web; lists, members, deliveries, revert and wants from their pages; and what a member cannot
 * reach. The tables are read for the truth; a screenshot of each page goes to test/artifacts/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { idFromSafeForm } from '../../src/domain/ids';
import { launchChromium, phone, screenshot, signInWithBrowser } from '../support/browser';
import type { EmulatedUser } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { opt, startHarness, type Harness } from '../support/harness';
import { followDrawMessages, snapshotTables, type DrawMessages } from '../support/web';

let h: Harness;
let browser: Browser;
let messages: DrawMessages;
const opened: BrowserContext[] = [];

/** A fresh phone-sized profile whose script errors are collected (refusals the pages show are not errors). */
async function newPhone(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const { context, page } = await phone(browser);
  opened.push(context);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/the server responded with a status of (40[0-9]|503)/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

async function signedIn(user: EmulatedUser) {
  const phoneProfile = await newPhone();
  await signInWithBrowser(phoneProfile.page, h, user);
  await phoneProfile.page.locator('#standing').waitFor();
  return phoneProfile;
}

/** Clicks a page in the navigation and waits until the page has drawn its heading. */
async function open(page: Page, label: string, heading: string): Promise<void> {
  await page.getByRole('link', { name: label, exact: true }).click();
  await page.locator('#view h1', { hasText: heading }).waitFor();
  await idle(page);
}

/**
 * Opens the Draw page until its link types include `linkType`. The page lists the stock, read
 * through an index: on AWS (and in the AWS-rules test bed) links added a moment ago may be missing
 * from it for a moment, and the officer opens the page again. Bounded: 20 tries, about 5 s.
 */
async function openDrawOffering(page: Page, linkType: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await open(page, 'Draw', 'Draw');
    if (await page.locator('select[name="link_type"] option').filter({ hasText: linkType }).count()) return;
    await open(page, 'Stock', 'Stock');
    await page.waitForTimeout(250);
  }
  throw new Error(`the Draw page never offered ${linkType}`);
}

const idle = (page: Page) => page.locator('#view[aria-busy="false"]').waitFor();

/** Waits for the message an action left on the page (text the previous one did not have), and returns its text. */
async function noticeOf(page: Page, text: string | RegExp): Promise<string> {
  const found = page.locator('#notice', { hasText: text });
  await found.waitFor();
  await idle(page);
  return (await found.textContent()) ?? '';
}

const fitsThePhone = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
const drawIdOf = (page: Page) => idFromSafeForm(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('id')!)!;
const record = (id: string) => h.storage.services.distributions.get(id, true);
const since = () => h.emulator.requests.length;
const winnerIn = (messageId: string) => /Winner: <@(\d+)>/.exec(h.emulator.messages.get(messageId)!.embeds[0]?.description ?? '')?.[1];

beforeAll(async () => {
  h = await startHarness({ awsRules: true, web: true, webRateLimits: { signInPerMinute: 1_000, writesPerMinute: 1_000 } });
  messages = followDrawMessages(h);
  browser = await launchChromium();
  await h.seedMember(h.alice, { days: 400 });
  await h.seedMember(h.bob, { days: 400 });
  await h.seedMember(h.carol, { days: 10 });
  await h.seedMember(h.officer, { days: 200 });
}, 120_000);
afterAll(async () => {
  for (const context of opened) await context.close().catch(() => undefined);
  await browser?.close();
  await h?.stop();
});

describe('draws on the web, followed in Discord', () => {
  it('an officer adds stock, draws, rerolls and confirms on the web; the draw’s Discord message follows each step', async () => {
    const { page, problems } = await signedIn(h.officer);
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Me', 'Stock', 'Lists', 'History', 'Roster', 'Attendance', 'Draw', 'Deliveries', 'Add stock', 'Add member']);

    // Add stock: a catalog name (suggested by the page), gold, two of them.
    await open(page, 'Add stock', 'Add stock');
    await page.fill('input[name="link_type"]', 'damage on ships');
    await page.selectOption('select[name="quality"]', 'gold');
    await page.fill('input[name="count"]', '2');
    expect(await page.locator('#bonus').textContent()).toBe('Boating · Gold bonus +4.50%');
    await screenshot(page, 'add-stock');
    await page.click('#add-stock button[type="submit"]');
    expect(await noticeOf(page, 'Added')).toBe('Added 2 × Gold Damage on Ships (+4.50%). Now in stock: 2. Wanted by 0 members.');
    expect(await h.storage.services.inventory.listAvailable({ quality: 'gold', linkType: 'Damage on Ships' })).toHaveLength(2);
    expect(await fitsThePhone(page)).toBe(true);

    // Start a draw: the bot posts it in the announcement channel, pinging the winner, with its buttons.
    await openDrawOffering(page, 'Damage on Ships');
    await page.selectOption('select[name="link_type"]', 'Damage on Ships');
    await screenshot(page, 'draw-start');
    const posted = since();
    await page.click('#start-draw button[type="submit"]');
    await page.locator('#draw[data-status="drawn"]').waitFor();
    await idle(page);
    const id = drawIdOf(page);
    await messages.posted(id);
    const drawn = (await record(id))!;
    expect(drawn).toMatchObject({ status: 'drawn', method: 'web', drawn_by: h.officer.id, channel_id: h.announceChannelId, pool_size: 3, left_out: { too_new: 1 } });
    const first = drawn.winner_id!;
    const messageId = drawn.message_id!;
    const post = await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`, { since: posted });
    expect(post.body.content).toContain(`<@${first}> has been drawn for a gold link`);
    expect(h.emulator.pingedUsers(messageId)).toEqual([first]);
    expect(h.emulator.buttonsOf(messageId).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);
    expect(winnerIn(messageId)).toBe(first);
    expect(await page.locator('#winner').getAttribute('data-winner')).toBe(first);
    expect(await page.locator('#winner').textContent()).toBe(`Winner: ${drawn.winner_username}`);
    expect(await page.locator('#pool').textContent()).toBe('3 in the pool · left out: 1 too new · drawn from every member eligible for gold');
    expect(await page.locator('#fairness [data-field="policy"]').textContent()).toBe('Policy: uniform (everyone equally)');
    // The page drew the record before the bot posted its message: Refresh shows where it is.
    await page.click('#refresh');
    await page.locator('#discord-message').waitFor();
    await idle(page);
    expect(await page.locator('#discord-message').getAttribute('href')).toBe(`https://discord.com/channels/${h.guildId}/${h.announceChannelId}/${messageId}`);
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'draw');

    // Reroll on the web: the message is edited to the new winner, who is pinged in a new message.
    const rerolled = since();
    await page.click('button[data-action="reroll"]');
    expect(await noticeOf(page, 'Rerolled')).toMatch(/^Rerolled: \w+ is drawn now\.$/);
    const second = (await record(id))!.winner_id!;
    expect(second).not.toBe(first);
    expect(await page.locator('#draw').getAttribute('data-version')).toBe('2');
    expect(await page.locator('#rerolled').textContent()).toContain('Rerolled · 1');
    await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.announceChannelId}/messages/${messageId}`, { since: rerolled });
    expect(winnerIn(messageId)).toBe(second);
    const ping = await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages` && String(r.body?.content).includes('rerolled'), { since: rerolled });
    expect(ping.body.content).toBe(`<@${second}> has been drawn for a gold link (rerolled).`);
    const pingMessage = [...h.emulator.messages.values()].find((m) => m.channel_id === h.announceChannelId && m.content === ping.body.content)!;
    expect(h.emulator.pingedUsers(pingMessage.id)).toEqual([second]);

    // Confirm on the web: the message shows the award, with only Delivered left.
    const confirmed = since();
    await page.click('button[data-action="confirm"]');
    expect(await noticeOf(page, 'Awarded')).toMatch(/^Awarded: Damage on Ships to \w+\.$/);
    expect(await page.locator('#draw').getAttribute('data-status')).toBe('confirmed');
    await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.announceChannelId}/messages/${messageId}`, { since: confirmed });
    expect(h.emulator.messages.get(messageId)!.content).toBe(`<@${second}> receives a gold link.`);
    expect(h.emulator.buttonsOf(messageId).map((b) => b.label)).toEqual(['Delivered']);
    const award = (await record(id))!;
    expect(award).toMatchObject({ status: 'confirmed', member_id: second, method: 'web', distributed_by: h.officer.id, drawn_before: [first], link_id: drawn.link_id });
    expect((await h.storage.services.inventory.get(drawn.link_id, true))?.is_available).toBe('false');
    expect((await h.storage.services.members.get(second, true))?.counters?.links_received).toBe(1);
    const announced = await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages` && String(r.body?.content).includes('received a gold link'), { since: confirmed });
    expect(announced.body.content).toContain(`<@${second}> received a gold link: Damage on Ships`);
    expect(await page.locator('button[data-action="delivered"]').count()).toBe(1);
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'draw-confirmed');
    expect(problems).toEqual([]);
  });

  it('a draw started with /distribute in Discord is found and confirmed on the web; its Discord message follows', async () => {
    await h.seedLinks('silver', 'Crewmember Damage');
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver'), opt.str('link_type', 'Crewmember Damage')]);
    const shown = winnerIn(draft.messageId!)!;
    const { page, problems } = await signedIn(h.officer);
    await open(page, 'Draw', 'Draw');
    const row = page.locator('#open-draws li', { hasText: 'Crewmember Damage' });
    expect(await row.locator('.side').textContent()).toContain('started in Discord');
    const id = idFromSafeForm((await row.getAttribute('data-id'))!)!;
    await messages.posted(id);
    await row.locator('a').click();
    await page.locator('#draw[data-status="drawn"]').waitFor();
    await idle(page);
    expect(await page.locator('#winner').getAttribute('data-winner')).toBe(shown);
    expect(await page.locator('#facts').textContent()).toContain('Started in Discord by you.');

    const before = since();
    await page.click('button[data-action="confirm"]');
    await noticeOf(page, 'Awarded');
    await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.emulator.channelId}/messages/${draft.messageId}`, { since: before });
    expect(h.emulator.messages.get(draft.messageId!)!.content).toBe(`<@${shown}> receives a silver link.`);
    expect(h.emulator.buttonsOf(draft.messageId!).map((b) => b.label)).toEqual(['Delivered']);
    expect(await record(id)).toMatchObject({ status: 'confirmed', member_id: shown, method: 'discord', distributed_by: h.officer.id });
    expect(problems).toEqual([]);
  });

  it('a Confirm on a page showing an older version is refused in words, awards nothing, and the page shows the draw as it is', async () => {
    await h.seedLinks('bronze', 'Melee Damage');
    const { page, problems } = await signedIn(h.officer);
    await open(page, 'Draw', 'Draw');
    await page.selectOption('select[name="quality"]', 'bronze');
    await page.selectOption('select[name="link_type"]', 'Melee Damage');
    await page.click('#start-draw button[type="submit"]');
    await page.locator('#draw[data-status="drawn"]').waitFor();
    await idle(page);
    const id = drawIdOf(page);
    await messages.posted(id);
    // Another officer rerolls in Discord meanwhile.
    const draw = (await record(id))!;
    const rolled = await h.app.services.draws.reroll(id, h.admin.id, draw.version, 'interaction:elsewhere');
    if (!rolled.ok) throw new Error('reroll');
    const tables = await snapshotTables(h);
    await page.click('button[data-action="confirm"]');
    expect(await noticeOf(page, 'changed')).toBe('The draw changed since you looked (someone rerolled). The page now shows the current winner; press again if you still want to.');
    expect(await page.locator('#notice').getAttribute('data-kind')).toBe('error');
    expect(await page.locator('#draw').getAttribute('data-version')).toBe('2');
    expect(await page.locator('#winner').getAttribute('data-winner')).toBe(rolled.draw.winner_id);
    expect(await snapshotTables(h)).toBe(tables);
    await screenshot(page, 'draw-refused');
    await page.click('button[data-action="cancel"]');
    expect(await noticeOf(page, 'cancelled')).toBe('Draw cancelled; nobody was awarded.');
    expect((await record(id))?.status).toBe('cancelled');
    expect(problems).toEqual([]);
  });
});

describe('the other officer pages', () => {
  it('Lists: create, add, remove and close, each saying what it did', async () => {
    const { page, problems } = await signedIn(h.officer);
    await open(page, 'Lists', 'Lists');
    await page.click('#new-list-card summary');
    await page.fill('#new-list input[name="name"]', 'Bronze <line>');
    await page.selectOption('#new-list select[name="quality"]', 'bronze');
    await page.selectOption('#new-list select[name="fill"]', 'empty');
    await page.click('#new-list button[type="submit"]');
    expect(await noticeOf(page, 'Created')).toBe('Created Bronze <line>: 0 members waiting.');
    const card = page.locator('[data-list]', { hasText: 'Bronze <line>' });
    const [list] = await h.storage.services.lists.listActive('bronze');
    expect(list).toMatchObject({ list_name: 'Bronze <line>', eligible_members: [], created_by: h.officer.id });

    await card.locator('select[name="user_id"]').selectOption(h.bob.id);
    await card.locator('form[data-form="add-to-list"] button[type="submit"]').click();
    expect(await noticeOf(page, 'is now waiting')).toBe('bob is now waiting on Bronze <line>.');
    expect((await h.storage.services.lists.get(list.list_id, true))?.eligible_members).toEqual([h.bob.id]);
    // The server's rule, in its words: carol (10 days) cannot receive bronze yet.
    await card.locator('select[name="user_id"]').selectOption(h.carol.id);
    await card.locator('form[data-form="add-to-list"] button[type="submit"]').click();
    await card.locator('.form-status .notice').waitFor();
    expect(await card.locator('.form-status .notice').textContent()).toBe('carol is a Book Worm and cannot receive bronze links yet. Nothing was changed.');
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'lists-officer');

    await card.locator('ol.waiting li', { hasText: 'bob' }).locator('button[data-action="remove"]').click();
    expect(await noticeOf(page, 'no longer waiting')).toBe('bob is no longer waiting on Bronze <line>.');
    await card.locator('button[data-action="close"]').click();
    await card.locator('button[data-confirm="yes"]').click();
    expect(await noticeOf(page, 'Closed')).toBe('Closed Bronze <line>.');
    expect((await h.storage.services.lists.get(list.list_id, true))?.is_active).toBe('false');
    expect(problems).toEqual([]);
  });

  it('Add member: adds a guild member with the date given; someone outside the guild is refused in words', async () => {
    const recruit = h.newUser('recruit');
    const outsider = h.newUser('outsider', { inGuild: false });
    const { page, problems } = await signedIn(h.officer);
    await open(page, 'Add member', 'Add member');
    await page.fill('input[name="user_id"]', recruit.id);
    await page.fill('input[name="join_date"]', h.clock.daysAgo(40));
    await screenshot(page, 'add-member');
    await page.click('#add-member button[type="submit"]');
    expect(await noticeOf(page, 'Added')).toBe(`Added to the roster: recruit, Scholar, 40 days (since ${h.clock.daysAgo(40)}).`);
    expect(await h.storage.services.members.get(recruit.id, true)).toMatchObject({ username: 'recruit', join_date: h.clock.daysAgo(40), is_officer: false, added_by: h.officer.id });

    h.emulator.expectRefusal({ code: 10007, times: 1 });
    await page.fill('input[name="user_id"]', outsider.id);
    await page.click('#add-member button[type="submit"]');
    await page.locator('#add-member .form-status .notice').waitFor();
    expect(await page.locator('#add-member .form-status .notice').textContent()).toBe('That user is not a member of Outlands Scholars, so they cannot be on the roster. Nothing was changed.');
    expect(await h.storage.services.members.get(outsider.id, true)).toBeUndefined();
    expect(await fitsThePhone(page)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('Deliveries: an award is marked delivered with its button; History: an officer reverts an award after saying yes', async () => {
    await h.seedLinks('bronze', 'Trap Damage', 2);
    const delivered = await seedAward(h.storage, { memberId: h.alice.id, quality: 'bronze', linkType: 'Trap Damage', by: h.officer.id, at: new Date(h.clock.nowMs() - 60_000) });
    const reverted = await seedAward(h.storage, { memberId: h.bob.id, quality: 'bronze', linkType: 'Trap Damage', by: h.officer.id, at: new Date(h.clock.nowMs() - 30_000) });
    const { page, problems } = await signedIn(h.officer);

    await open(page, 'Deliveries', 'Deliveries');
    const row = page.locator(`#delivery-rows li[data-id="${delivered.distribution_id}"]`);
    expect(await row.locator('.side').textContent()).toContain('Bronze Trap Damage');
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'deliveries');
    await row.locator('button[data-action="delivered"]').click();
    expect(await noticeOf(page, 'Marked delivered')).toBe('Marked delivered: Bronze Trap Damage to alice.');
    expect(await record(delivered.distribution_id)).toMatchObject({ delivered_by: h.officer.id, delivered_at: expect.any(String) });
    expect(await page.locator(`#delivery-rows li[data-id="${delivered.distribution_id}"]`).count()).toBe(0);

    await open(page, 'History', 'Guild history');
    const award = page.locator(`#history-rows li[data-id="${reverted.distribution_id}"]`);
    await award.locator('button[data-action="revert"]').click();
    expect(await award.locator('.question').textContent()).toContain('Revert Bronze Trap Damage to bob? The link goes back to the stock');
    await screenshot(page, 'history-revert');
    // Keep changes nothing; Yes reverts.
    await award.getByRole('button', { name: 'Keep' }).click();
    expect((await record(reverted.distribution_id))?.status).toBe('confirmed');
    await award.locator('button[data-action="revert"]').click();
    await award.locator('button[data-confirm="yes"]').click();
    expect(await noticeOf(page, 'Reverted')).toBe('Reverted: Trap Damage to bob. The link is available again.');
    expect(await record(reverted.distribution_id)).toMatchObject({ status: 'reverted', reverted_by: h.officer.id });
    expect((await h.storage.services.inventory.get(reverted.link_id, true))?.is_available).toBe('true');
    expect(await page.locator(`#history-rows li[data-id="${reverted.distribution_id}"]`).getAttribute('data-status')).toBe('reverted');
    expect(await page.locator(`#history-rows li[data-id="${reverted.distribution_id}"] button`).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('a member', () => {
  it('adds and removes the link types they want on their own page, and marks their own award delivered', async () => {
    await h.seedLinks('silver', 'Healing Received');
    const mine = await seedAward(h.storage, { memberId: h.bob.id, quality: 'silver', linkType: 'Healing Received', by: h.officer.id, at: new Date(h.clock.nowMs()) });
    const { page, problems } = await signedIn(h.bob);
    await page.fill('#want-form input[name="link_type"]', 'follower damage');
    await page.click('#want-form button[type="submit"]');
    expect(await noticeOf(page, 'Added')).toBe('Added: Follower Damage.');
    expect(await page.locator('#wants h2').textContent()).toBe('Wanted link types · 1 of 10');
    expect((await h.storage.services.members.get(h.bob.id, true))?.wants).toEqual(['Follower Damage']);
    // A name outside the catalog is refused with the closest names.
    await page.fill('#want-form input[name="link_type"]', 'Folower Damage');
    await page.click('#want-form button[type="submit"]');
    await page.locator('#want-form .form-status .notice').waitFor();
    expect(await page.locator('#want-form .form-status .notice').textContent()).toContain('did you mean Follower Damage');
    expect(await fitsThePhone(page)).toBe(true);
    await screenshot(page, 'me-wants');

    await page.locator('#wants-rows li', { hasText: 'Follower Damage' }).getByRole('button', { name: 'Remove' }).click();
    expect(await noticeOf(page, 'Removed')).toBe('Removed: Follower Damage.');
    expect((await h.storage.services.members.get(h.bob.id, true))?.wants).toEqual([]);

    await page.locator(`#recent li[data-id="${mine.distribution_id}"] button[data-action="delivered"]`).click();
    expect(await noticeOf(page, 'Marked delivered')).toBe('Marked delivered: Silver Healing Received to bob.');
    expect(await record(mine.distribution_id)).toMatchObject({ delivered_by: h.bob.id });
    // A member is never offered Revert.
    expect(await page.locator('button[data-action="revert"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('cannot reach officer pages or API routes: hidden, refused (403), nothing written', async () => {
    await h.seedLinks('gold', 'Spell Damage');
    const { page, problems } = await signedIn(h.alice);
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Me', 'Stock', 'Lists', 'History', 'Roster', 'Attendance']);
    for (const hash of ['#/draw', '#/deliveries', '#/add-stock', '#/add-member']) {
      await page.goto(`${h.webUrl}/${hash}`);
      await page.locator('#standing').waitFor();
      await idle(page);
      expect([hash, await page.title()]).toEqual([hash, 'Me · FlavaFlav']);
    }
    const before = await snapshotTables(h);
    const statuses = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/me')).json()) as { id: string; csrf_token: string };
      const post = (path: string, body: unknown, csrf = true) =>
        fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': me.csrf_token } : {}) }, body: JSON.stringify(body) }).then((r) => r.status);
      return [
        await post('/api/v1/draws', { quality: 'gold' }),
        await post('/api/v1/stock', { link_type: 'Spell Damage', quality: 'gold' }),
        await post('/api/v1/members', { user_id: me.id }),
        await post('/api/v1/lists', { name: 'Mine', quality: 'gold' }),
        await fetch('/api/v1/deliveries').then((r) => r.status),
        // Their own wants, but without the CSRF token.
        await post('/api/v1/me/wants', { link_type: 'Spell Damage' }, false),
      ];
    });
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403]);
    expect(await snapshotTables(h)).toBe(before);
    expect(problems).toEqual([]);
  });
});

describe('an officer’s write without the CSRF token', () => {
  it('is refused (403) and writes nothing, even from the dashboard’s own origin', async () => {
    const { page } = await signedIn(h.officer);
    const before = await snapshotTables(h);
    const status = await page.evaluate(() => fetch('/api/v1/stock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link_type: 'Spell Damage', quality: 'gold' }) }).then((r) => r.status));
    expect(status).toBe(403);
    expect(await snapshotTables(h)).toBe(before);
  });

  it('wrote a PNG screenshot of every new page', () => {
    for (const name of ['add-stock', 'draw-start', 'draw', 'draw-confirmed', 'draw-refused', 'lists-officer', 'add-member', 'deliveries', 'history-revert', 'me-wants']) {
      const png = readFileSync(`${__dirname}/../artifacts/${name}.png`);
      expect([name, png.subarray(1, 4).toString('latin1')]).toEqual([name, 'PNG']);
    }
  });
});
