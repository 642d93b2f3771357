/**
 * The bot run on what the previous system left, exactly as it wrote it (its four tables at HEAD:
 * test/support/legacy-fixtures.ts), before anything is fixed: every command works on it through
 * the real discord.js client. Then `npm run check:data -- --fix` (the compiled script, beside the
 * running bot, as at a cut-over) adds what the old items lack, and guild-wide history shows them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TableKind } from '../../src/db/schema';
import { displayId, safeIdForm } from '../../src/domain/ids';
import { OptionType, type EmulatedUser } from '../support/discord-emulator';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';
import { headTables, putRaw, type HeadTables } from '../support/legacy-fixtures';
import { runCommand } from '../support/process';

const SCRIPT = path.join(__dirname, '..', '..', 'dist', 'scripts', 'check-data.js');
type RawItem = Record<string, AttributeValue>;
const KEYS: Record<TableKind, string> = { members: 'discord_id', inventory: 'link_id', distributions: 'distribution_id', lists: 'list_id' };

let h: Harness;
let head: HeadTables;
let dan: EmulatedUser;
let eve: EmulatedUser;
let dataDir: string;
/** Every item as the previous system wrote it, typed, before the bot touched anything. */
let seeded: Record<TableKind, Map<string, RawItem>>;

const unix = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:R>`;
const button = (a: Answered, label: string) => {
  const found = h.emulator.buttonsOf(a.messageId!).find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button`);
  return found.custom_id;
};
const historyLines = (a: Answered) => (a.data.embeds[0].description as string).split('\n').filter((l) => l.startsWith('`'));
const award = (i: number) => head.awards[i];
/** A control character other than the newline that separates lines. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;
const checkData = (...args: string[]) =>
  runCommand(process.execPath, [SCRIPT, ...args], { cwd: dataDir, env: { DYNAMODB_ENDPOINT: h.storage.endpoint, FLAVAFLAV_ENV: h.storage.env, DATA_DIR: dataDir }, timeoutMs: 90_000 });

async function rawTables(): Promise<Record<TableKind, Map<string, RawItem>>> {
  const out = {} as Record<TableKind, Map<string, RawItem>>;
  for (const kind of Object.keys(KEYS) as TableKind[]) {
    const { Items, LastEvaluatedKey } = await h.storage.client.send(new ScanCommand({ TableName: h.storage.tables[kind], ConsistentRead: true }));
    if (LastEvaluatedKey) throw new Error('the test tables fit one page');
    out[kind] = new Map((Items ?? []).map((i) => [i[KEYS[kind]].S!, i]));
  }
  return out;
}

beforeAll(async () => {
  if (!existsSync(SCRIPT)) throw new Error('dist/scripts/check-data.js is missing: run `npm run build` (npm test does it first)');
  h = await startHarness();
  dan = h.newUser('dan');
  eve = h.newUser('eve');
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-legacy-e2e-'));
  // anna is alice, ben (an officer by the table's is_officer) is bob, cara is carol.
  head = headTables({ anna: h.alice.id, ben: h.bob.id, cara: h.carol.id, dan: dan.id, eve: eve.id }, h.clock.now());
  await putRaw(h.storage.client, h.storage.tables.members, head.members);
  await putRaw(h.storage.client, h.storage.tables.inventory, head.inventory);
  await putRaw(h.storage.client, h.storage.tables.distributions, head.distributions);
  seeded = await rawTables();
});
afterAll(async () => {
  await h?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the previous system’s tables, before any fix', () => {
  it('/member info shows rank from the RFC 3339 join date, and the real count and last award from the old history', async () => {
    const own = await h.run(h.alice, 'member', 'info');
    expect(own.ephemeral).toBe(true);
    // The stored rank says Scholar and gold_eligible false: stale, ignored.
    expect(own.text).toContain(`Rank: Sage`);
    expect(own.text).toContain(`In the guild: 400 days (since ${h.clock.daysAgo(400)})`);
    expect(own.text).toContain('May receive: Bronze, Silver, Gold');
    expect(own.text).toContain('Links received: 3');
    expect(own.text).toContain(`Last link: ${unix(award(3).at)}`);
    expect(own.text).toContain(`Recent links: ${award(3).at.slice(0, 10)} · Gold Damage on Ships\n${award(1).at.slice(0, 10)} · Silver Melee Accuracy/Defense\n${award(0).at.slice(0, 10)} · Gold Damage on Ships`);

    // Joined at 01:30 +02:00: the evening before in UTC, 45 days ago.
    const cara = await h.run(h.officer, 'member', 'info', [opt.user('user', h.carol.id)]);
    expect(cara.text).toContain(`Rank: Scholar`);
    expect(cara.text).toContain(`In the guild: 45 days (since ${h.clock.daysAgo(45)})`);
    expect(cara.text).toContain('Links received: 1');
    const ben = await h.run(h.alice, 'member', 'info', [opt.user('user', h.bob.id)]);
    expect(ben.text).toContain('Rank: Maester');
    expect(ben.text).toContain(`Last link: ${unix(award(2).at)}`);
    // Go's zero time is no join date: out of draws, and told how to fix it.
    const zero = await h.run(h.officer, 'member', 'info', [opt.user('user', eve.id)]);
    expect(zero.text).toContain('In the guild: join date unreadable (an officer can set it with /member add)');
    expect(zero.text).toContain('Status: left out of draws');
    expect(zero.text).toContain('Links received: 0');
  });

  it('/member list ranks everyone as derived today, with their old counts', async () => {
    const roster = await h.run(h.carol, 'member', 'list');
    const lines = (roster.data.embeds[0].description as string).split('\n');
    expect(lines).toEqual([
      `<@${h.bob.id}> · **Maester** · 700 days · 1 link`,
      `<@${h.alice.id}> · **Sage** · 400 days · 3 links`,
      `<@${h.carol.id}> · **Scholar** · 45 days · 1 link`,
      `<@${dan.id}> · **Book Worm** · 10 days · 0 links`,
      `<@${eve.id}> · **Book Worm** · join date unreadable · 0 links`,
    ]);
  });

  it('/inventory list counts the links still in stock, not those handed out', async () => {
    const stock = await h.run(h.alice, 'inventory', 'list');
    expect(stock.text).toContain('Gold · 2: 2 × Damage on Ships (+4.50%)');
    expect(stock.text).toContain('Silver · 1: 1 × Melee Accuracy/Defense (+1.88%)');
    expect(stock.text).toContain('Bronze · 1: 1 × Barding Effect Durations (+3.00%)');
  });

  it('/list create fills the list with those eligible as derived, not as stored', async () => {
    const created = await h.run(h.officer, 'list', 'create', [opt.str('name', 'Gold queue'), opt.str('quality', 'gold')]);
    expect(created.text).toContain('New list: Gold queue');
    const waiting = /Waiting · (\d+): (.*)/.exec(created.text)!;
    expect(waiting[1]).toBe('2');
    expect(waiting[2].split(' ').sort()).toEqual([`<@${h.alice.id}>`, `<@${h.bob.id}>`].sort());
  });

  it('/distribute reads the old history for fairness and the draft, and Confirm awards on top of it', async () => {
    // fewest: alice had a gold link 20 days ago (in the window), bob never had one.
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.str('policy', 'fewest')]);
    expect(draft.text).toContain(`Winner: <@${h.bob.id}>`);
    expect(draft.text).toContain('Rank: Maester · 700 days');
    expect(draft.text).toContain('Links received: 1');
    expect(draft.text).toContain(`Last link: ${unix(award(2).at)}`);
    expect(draft.text).toContain('2 in the pool · drawn from list “Gold queue”');
    expect(draft.text).toContain('Winner: 0 gold links in the window, last never · pool: 0–1');

    const confirmed = await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    expect(confirmed.text).toContain('link awarded');
    // The oldest gold link in stock was one of the previous system's.
    const given = head.inventory.filter((l) => l.quality.S === 'gold' && l.is_available.S === 'true').sort((a, b) => a.added_date.S!.localeCompare(b.added_date.S!))[0];
    expect(await h.storage.services.inventory.get(given.link_id.S!)).toMatchObject({ is_available: 'false', distribution_id: expect.stringMatching(/^dist_/) });
    const info = await h.run(h.bob, 'member', 'info');
    expect(info.text).toContain('Links received: 2');
    expect(info.text).toContain(`Recent links: ${h.clock.today()} · Gold Damage on Ships\n${award(2).at.slice(0, 10)} · Bronze Barding Effect Durations`);
  });

  it('/history shows a member their old awards; officers see anyone’s, with ids they can paste', async () => {
    const own = await h.run(h.alice, 'history', null);
    const lines = historyLines(own);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`\`${award(3).at.slice(0, 10)}\` <@${h.alice.id}> · Gold Damage on Ships (+4.50%) · by <@${h.bob.id}>`);
    // Members see no ids; nothing raw from the old ids reaches Discord.
    expect(own.text).not.toContain('dist_');

    const officerView = await h.run(h.officer, 'history', null, [opt.user('member', h.alice.id)]);
    const newest = historyLines(officerView)[0];
    expect(newest).toContain(`\`${safeIdForm(award(3).id)}\``);
    expect(officerView.text).not.toMatch(CONTROL);
    expect(safeIdForm(award(3).id)).toMatch(/^~/);

    // Guild-wide history reads the markers, which know nothing of the old records yet.
    const guild = await h.run(h.officer, 'history', null);
    expect(historyLines(guild)).toHaveLength(1);
    expect(historyLines(guild)[0]).toContain(`<@${h.bob.id}>`);
  });

  it('/revert undoes an old award whose id ends in a control character: the link goes back, the count drops', async () => {
    const target = award(3);
    expect(target.id.endsWith('\u001f')).toBe(true);
    // Not among /revert's suggestions yet (they come from FlavaFlav's own marker)…
    const choices = await h.emulator.answerTo(h.emulator.sendAutocomplete(h.officer, 'revert', [{ name: 'distribution', type: OptionType.String, value: '', focused: true }]));
    expect(choices.data.choices.map((c: { value: string }) => c.value)).not.toContain(safeIdForm(target.id));
    // …so the officer pastes the id /history showed them.
    const officerView = await h.run(h.officer, 'history', null, [opt.user('member', h.alice.id)]);
    const pasted = /`(~[A-Za-z0-9_-]+)`$/.exec(historyLines(officerView)[0])![1];

    const ask = await h.run(h.officer, 'revert', null, [opt.str('distribution', pasted)]);
    expect(ask.text).toContain('Revert this distribution?');
    expect(ask.text).toContain(`<@${h.alice.id}> · Gold **Damage on Ships** (+4.50%) · ${target.at.slice(0, 10)}`);
    expect(ask.text).toContain(displayId(target.id));
    expect(displayId(target.id)).toMatch(/_\\u\{001F\}$/);
    expect(ask.text).not.toMatch(CONTROL);

    const done = await h.press(h.officer, ask.messageId!, button(ask, 'Revert'));
    expect(done.text).toContain('Distribution reverted');
    expect(done.text).toContain('The link is available again.');
    expect(done.text).toContain(`${displayId(target.id)} · reverted by officer`);
    expect(await h.storage.services.inventory.get(target.linkId, true)).toMatchObject({ is_available: 'true' });
    expect(await h.storage.services.distributions.get(target.id, true)).toMatchObject({ status: 'reverted', reverted_by: h.officer.id });

    const info = await h.run(h.alice, 'member', 'info');
    expect(info.text).toContain('Links received: 2');
    expect(info.text).toContain(`Last link: ${unix(award(1).at)}`);
    const stock = await h.run(h.alice, 'inventory', 'list', [opt.str('quality', 'gold')]);
    expect(stock.text).toContain('Gold · 2: 2 × Damage on Ships');
  });
});

describe('npm run check:data -- --fix beside the running bot', () => {
  let beforeFix: Record<TableKind, Map<string, RawItem>>;

  it('adds what the old items lack; guild-wide /history then shows the old awards and /revert suggests them', async () => {
    beforeFix = await rawTables();
    const run = await checkData('--fix');
    expect(run.code).toBe(0);
    // Statuses where none was written (the reverted one has its own), and the days the previous system left out.
    expect(run.stdout).toContain(`distributions (${h.storage.tables.distributions}): 6 scanned, 1 fine, 5 reported, 4 fixed`);
    expect(run.stdout).toContain(`distribution ${displayId(award(0).id)}: added status confirmed, distribution_date ${award(0).at.slice(0, 10)}`);
    // alice's counters were written by the revert and bob's by the award: three members left.
    expect(run.stdout).toContain(`members (${h.storage.tables.members}): 5 scanned, 0 fine, 5 reported, 3 fixed`);
    expect(run.stdout).toMatch(/^Finished: \d+ changed$/m);

    const guild = await h.run(h.officer, 'history', null);
    const lines = historyLines(guild);
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => /^`(\d{4}-\d{2}-\d{2})`/.exec(l)![1])).toEqual([
      h.clock.today(),
      award(4).at.slice(0, 10),
      award(3).at.slice(0, 10),
      award(2).at.slice(0, 10),
      award(1).at.slice(0, 10),
      award(0).at.slice(0, 10),
    ]);
    expect(lines[2]).toContain('~~reverted~~');
    expect(lines[4]).toContain(`<@${h.alice.id}> · Silver Melee Accuracy/Defense`);
    // Delivery was not tracked before: only bob's new award is listed as owed, none of the old ones.
    const undelivered = (await h.storage.services.awards.undelivered()).map((d) => d.distribution_id);
    expect(undelivered).toHaveLength(1);
    expect(head.awards.filter((a) => undelivered.includes(a.id))).toEqual([]);

    const choices = await h.emulator.answerTo(h.emulator.sendAutocomplete(h.officer, 'revert', [{ name: 'distribution', type: OptionType.String, value: 'cara', focused: true }]));
    expect(choices.data.choices.map((c: { value: string }) => c.value)).toEqual([award(4).id]);
  });

  it('kept every attribute the previous system wrote, byte for byte; a second --fix changes nothing', async () => {
    const afterFix = await rawTables();
    for (const kind of Object.keys(KEYS) as TableKind[]) {
      for (const [key, before] of beforeFix[kind]) {
        if (key.startsWith('#history')) continue;
        const kept = Object.fromEntries(Object.keys(before).map((name) => [name, afterFix[kind].get(key)?.[name]]));
        expect(JSON.stringify(kept)).toBe(JSON.stringify(before));
      }
    }
    // Items no command touched are, attribute for attribute, as the previous system wrote them.
    const untouched = [award(0), award(1), award(2), award(4)];
    for (const a of untouched) {
      const now = afterFix.distributions.get(a.id)!;
      const original = seeded.distributions.get(a.id)!;
      expect(JSON.stringify(Object.fromEntries(Object.keys(original).map((n) => [n, now[n]])))).toBe(JSON.stringify(original));
      expect(Object.keys(now).filter((n) => !(n in original)).sort()).toEqual(a.distributionDate ? ['status'] : ['distribution_date', 'status']);
    }
    for (const id of [h.carol.id, dan.id, eve.id]) {
      const original = seeded.members.get(id)!;
      const now = afterFix.members.get(id)!;
      expect(JSON.stringify(Object.fromEntries(Object.keys(original).map((n) => [n, now[n]])))).toBe(JSON.stringify(original));
    }

    const again = await checkData('--fix');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Finished: 0 changed$/m);
    expect(await rawTables()).toEqual(afterFix);
  });
});
