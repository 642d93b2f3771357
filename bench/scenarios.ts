/**
 * What the benchmark runs in each guild: every command, button and autocomplete, in an order where
 * each leaves the tables as the next expects (reads first, then writes that undo each other, then
 * draws, reverts and roster changes). Each scenario sends the i-th of its interactions; `prepare`,
 * `before`, `after` and `finish` do unmeasured set-up and clean-up around them.
 */
import { LINK_TYPES } from '../src/domain/catalog';
import { addDays, utcDay } from '../src/domain/dates';
import { keyedLinkId } from '../src/domain/link-ids';
import { MAX_OPEN_EVENTS } from '../src/services/event-items';
import { OptionType, type CommandOption, type EmulatedUser, type SentInteraction } from '../test/support/discord-emulator';
import type { BenchGuild } from './guild';
import { seedOpenDraws } from './seed-open';
import type { SeededMember } from './seed';

export interface Scenario {
  name: string;
  /** Why its requests grow with the tables, when they do: the answer is the roster or the table itself. */
  exception?: string;
  /** Sequential runs (default 50) and the size of the burst (default 100; 0: none). */
  runs?: number;
  burst?: number;
  /** How long one answer may take before the scenario gives up (default 60 s). */
  timeoutMs?: number;
  /** Refusals its burst must give (e.g. only one of 100 creates can win): errors that are answers. */
  expectedErrors?: string;
  prepare?(count: number): Promise<void>;
  before?(i: number): Promise<void>;
  send(i: number): SentInteraction;
  after?(i: number): Promise<void>;
  beforeBurst?(): Promise<void>;
  finish?(): Promise<void>;
}

/** Roster-sized work is slow at 2,000 members: fewer sequential runs (the burst stays 100). */
export const HEAVY_RUNS = 20;
const ROSTER = 'the roster (a Scan of the members table: it has no index)';

const str = (name: string, value: string): CommandOption => ({ name, type: OptionType.String, value });
const bool = (name: string, value: boolean): CommandOption => ({ name, type: OptionType.Boolean, value });
const user = (name: string, id: string): CommandOption => ({ name, type: OptionType.User, value: id });
const focused = (name: string, value = ''): CommandOption => ({ name, type: OptionType.String, value, focused: true });
const sub = (name: string, options: CommandOption[] = []): CommandOption[] => [{ name, type: OptionType.Subcommand, options }];

export function scenarios(g: BenchGuild): Scenario[] {
  const { emulator, seeded, officer } = g;
  const services = g.app.services;
  const nth = <T>(items: T[], i: number) => items[i % items.length];
  // Members who are not officers: an officer's /history is the guild's, and their autocomplete is not refused.
  const plain = seeded.sages.filter((m) => !m.officer);
  const member = (i: number) => g.user(nth(plain, i));
  const command = (u: EmulatedUser, name: string, options: CommandOption[] = []) => emulator.sendCommand(u, name, options);
  const subcommand = (u: EmulatedUser, name: string, s: string, options: CommandOption[] = []) => emulator.sendSubcommand(u, name, s, options);
  const autocomplete = (u: EmulatedUser, name: string, options: CommandOption[]) => emulator.sendAutocomplete(u, name, options);
  const button = (messageId: string, ...labels: string[]) => {
    const buttons = emulator.buttonsOf(messageId);
    for (const label of labels) {
      const found = buttons.find((b) => b.label === label && !b.disabled);
      if (found) return found.custom_id;
    }
    throw new Error(`no ${labels.join(' or ')} button on message ${messageId}`);
  };
  const press = (u: EmulatedUser, messageId: string, ...labels: string[]) => emulator.pressButton(u, messageId, button(messageId, ...labels));
  const closeBronzeLists = async () => {
    for (const list of await services.lists.listActive('bronze')) await services.lists.close(list.list_id);
  };
  /**
   * Open draws of `quality`, each with a pool of ten Sages not away today (the seed sends some
   * away, and so does /member away: Confirm refuses a winner who is away), and its own available
   * link, posted as the bot posts them.
   */
  const openDraws = async (count: number, links: string[], post = true) => {
    const today = new Date().toISOString().slice(0, 10);
    const here = new Set((await Promise.all(seeded.sages.map((m) => services.members.get(m.id, true)))).filter((m) => m && !(m.away_until && m.away_until >= today)).map((m) => m!.discord_id));
    const sages = seeded.sages.filter((m) => here.has(m.id));
    const byId = new Map((await Promise.all(links.slice(0, count).map((id) => services.inventory.get(id)))).map((l) => [l!.link_id, l!]));
    const ids = await seedOpenDraws(
      g.app.storage.db,
      g.tables,
      Array.from({ length: count }, (_, k) => {
        const link = byId.get(links[k])!;
        const pool = Array.from({ length: 10 }, (__, j) => nth(sages, k * 10 + j));
        return { winner: pool[0], pool, linkId: link.link_id, linkType: link.link_type, quality: link.quality, bonus: link.bonus };
      }),
      officer.id,
      new Date(),
    );
    const messages: string[] = [];
    if (post) for (const id of ids) messages.push(await g.postDraw(id));
    return { ids, messages };
  };
  const gold = [...seeded.stock.gold];
  const takeGold = (n: number) => gold.splice(0, n);

  // State shared between scenarios that set up and use each other's results.
  let rosterPage = '';
  let historyPage = '';
  const addedLinks: string[] = [];
  const listsToClose: string[] = [];
  let burstList = '';
  const drawMessages: string[] = [];
  let confirmIds: string[] = [];
  let rerollMessages: string[] = [];
  let cancelMessages: string[] = [];
  let deliveryMessages: string[] = [];
  const revertMessages: string[] = [];
  const wanted: [SeededMember, string][] = [];
  const away: string[] = [];
  const nonOfficers = seeded.members.filter((m) => !m.officer);
  const newcomers: EmulatedUser[] = [];
  const removeMessages: string[] = [];
  let checkInMessage = '';
  const eventsToClose: string[] = [];
  /** Closes every event still open, unmeasured, so the next scenario can start its own. */
  const closeOpenEvents = async () => {
    for (let page = await services.events.page(undefined); page.events.length; ) {
      for (const event of page.events) if (event.status !== 'closed') await services.events.close(event.event_id, officer.id);
      if (!page.cursor) break;
      page = await services.events.page(page.cursor);
    }
  };
  const today = utcDay(new Date());

  return [
    // ---- reads ------------------------------------------------------------------------------
    { name: '/member info', send: (i) => subcommand(member(i), 'member', 'info') },
    { name: '/member list', exception: ROSTER, runs: HEAVY_RUNS, send: (i) => subcommand(member(i), 'member', 'list') },
    {
      name: 'member list: Next/Previous',
      exception: ROSTER,
      runs: HEAVY_RUNS,
      prepare: async () => void (rosterPage = (await g.once(() => subcommand(officer, 'member', 'list'))).messageId),
      send: () => press(officer, rosterPage, 'Next', 'Previous'),
    },
    { name: '/inventory list', send: (i) => subcommand(member(i), 'inventory', 'list') },
    { name: '/list show', send: (i) => subcommand(member(i), 'list', 'show') },
    { name: '/list show list', send: (i) => subcommand(member(i), 'list', 'show', [str('list', seeded.silverListId)]) },
    { name: '/history (own)', send: (i) => command(member(i), 'history') },
    { name: '/history (officer, guild-wide)', send: () => command(officer, 'history') },
    {
      name: 'history: Next/Previous (guild-wide)',
      prepare: async () => void (historyPage = (await g.once(() => command(officer, 'history'))).messageId),
      send: () => press(officer, historyPage, 'Next', 'Previous'),
    },
    { name: '/history export (own)', send: (i) => command(member(i), 'history', [bool('export', true)]) },
    {
      name: '/history export (guild-wide)',
      exception: 'the whole history (the CSV of every record: a Scan)',
      runs: 1,
      burst: 0,
      timeoutMs: 10 * 60_000,
      send: () => command(officer, 'history', [bool('export', true)]),
    },
    { name: '/want list', send: (i) => subcommand(member(i), 'want', 'list') },
    { name: '/deliveries', send: () => command(officer, 'deliveries') },
    { name: 'autocomplete /inventory add link_type', send: (i) => autocomplete(officer, 'inventory', sub('add', [focused('link_type', nth(['Dam', 'ship', 'boss', ''], i))])) },
    { name: 'autocomplete /inventory remove link', send: () => autocomplete(officer, 'inventory', sub('remove', [focused('link', 'gold')])) },
    { name: 'autocomplete /list show list', send: (i) => autocomplete(member(i), 'list', sub('show', [focused('list')])) },
    { name: 'autocomplete /distribute link_type', send: () => autocomplete(officer, 'distribute', [str('quality', 'gold'), focused('link_type', 'a')]) },
    { name: 'autocomplete /revert distribution', send: () => autocomplete(officer, 'revert', [focused('distribution')]) },
    { name: 'autocomplete /revert (a member: refused)', send: (i) => autocomplete(member(i), 'revert', [focused('distribution')]) },
    { name: 'autocomplete /want add link_type', send: (i) => autocomplete(member(i), 'want', sub('add', [focused('link_type', 'dam')])) },

    // ---- writes that the next scenario undoes ------------------------------------------------
    {
      name: '/inventory add',
      send: (i) => {
        const type = nth([...LINK_TYPES], i).name;
        const sent = subcommand(officer, 'inventory', 'add', [str('link_type', type), str('quality', 'bronze'), str('notes', 'benchmark stock')]);
        // The ids are derived from the interaction (retries find them): the remove below uses them.
        addedLinks[i] = keyedLinkId('bronze', type, sent.id, 0);
        return sent;
      },
    },
    { name: '/inventory remove', send: (i) => subcommand(officer, 'inventory', 'remove', [str('link', addedLinks[i])]) },
    { name: '/list add', send: (i) => subcommand(officer, 'list', 'add', [str('list', seeded.silverListId), user('user', nth(seeded.notListed, i).id)]) },
    { name: '/list remove', send: (i) => subcommand(officer, 'list', 'remove', [str('list', seeded.silverListId), user('user', nth(seeded.notListed, i).id)]) },
    {
      name: '/list create (fill: eligible)',
      exception: ROSTER,
      runs: HEAVY_RUNS,
      expectedErrors: 'all but one of the burst are told a bronze list is already active',
      send: (i) => subcommand(officer, 'list', 'create', [str('name', `Bronze ${i}`), str('quality', 'bronze')]),
      after: closeBronzeLists,
      finish: closeBronzeLists,
    },
    {
      name: '/list close',
      before: async (i) => {
        const created = await services.lists.create({ list_name: `Bronze ${i}`, quality: 'bronze', eligible_members: [], created_by: officer.id });
        if (created.ok) listsToClose[i] = created.list.list_id;
      },
      beforeBurst: async () => {
        const created = await services.lists.create({ list_name: 'Bronze burst', quality: 'bronze', eligible_members: [], created_by: officer.id });
        if (created.ok) burstList = created.list.list_id;
      },
      expectedErrors: 'the burst closes one list 100 times: all but one are told it is closed',
      send: (i) => subcommand(officer, 'list', 'close', [str('list', listsToClose[i] ?? burstList)]),
      finish: closeBronzeLists,
    },
    {
      name: '/want add',
      prepare: async (count) => {
        for (let i = 0; i < count; i++) {
          const m = nth(seeded.sages, i);
          const type = LINK_TYPES.map((t) => t.name).find((t, k) => k >= i % LINK_TYPES.length && !m.wants.includes(t) && !wanted.some(([w, x]) => w === m && x === t))!;
          wanted.push([m, type]);
        }
      },
      send: (i) => subcommand(g.user(wanted[i][0]), 'want', 'add', [str('link_type', wanted[i][1])]),
    },
    { name: '/want remove', send: (i) => subcommand(g.user(wanted[i][0]), 'want', 'remove', [str('link_type', wanted[i][1])]) },
    {
      name: '/member away (self)',
      send: (i) => {
        away.push(member(i).id);
        return subcommand(member(i), 'member', 'away', [user('user', member(i).id), str('until', addDays(today, 10))]);
      },
      finish: async () => {
        for (const id of new Set(away)) await services.members.setAway(id, null);
      },
    },
    { name: '/member promote', send: (i) => subcommand(officer, 'member', 'promote', [user('user', nth(nonOfficers, i).id)]) },
    { name: '/member demote', send: (i) => subcommand(officer, 'member', 'demote', [user('user', nth(nonOfficers, i).id)]) },

    // ---- draws --------------------------------------------------------------------------------
    {
      name: '/distribute (gold, from the roster)',
      exception: `the draw's pool: ${ROSTER}`,
      runs: HEAVY_RUNS,
      send: () => command(officer, 'distribute', [str('quality', 'gold')]),
      // The draws it opened are cancelled, unmeasured, so the next scenarios start clean.
      finish: async () => {
        for (const draw of await services.draws.openDraws()) await services.draws.cancel(draw.distribution_id, officer.id, 'bench');
      },
    },
    {
      name: 'draw: Reroll',
      prepare: async (count) => void (rerollMessages = (await openDraws(count, gold.slice(0, count))).messages),
      send: (i) => press(officer, rerollMessages[i], 'Reroll'),
      finish: async () => {
        for (const draw of await services.draws.openDraws()) await services.draws.cancel(draw.distribution_id, officer.id, 'bench');
      },
    },
    {
      name: 'draw: Cancel',
      prepare: async (count) => void (cancelMessages = (await openDraws(count, gold.slice(0, count))).messages),
      send: (i) => press(officer, cancelMessages[i], 'Cancel'),
    },
    {
      name: 'draw: Confirm',
      prepare: async (count) => {
        const { ids, messages } = await openDraws(count, takeGold(count));
        confirmIds = ids;
        drawMessages.length = 0;
        drawMessages.push(...messages);
      },
      send: (i) => press(officer, drawMessages[i], 'Confirm'),
      finish: async () => {
        // A Confirm Discord refused as late was never answered: its draw may still be open, or
        // awarded under a message that was never updated. Both are made what Delivered needs.
        for (let i = 0; i < confirmIds.length; i++) {
          const draw = await services.draws.get(confirmIds[i]);
          if (draw?.status === 'drawn') await services.draws.confirm(confirmIds[i], officer.id, draw.version, 'bench');
          if (!emulator.buttonsOf(drawMessages[i]).some((b) => b.label === 'Delivered')) drawMessages[i] = await g.postDraw(confirmIds[i]);
        }
        // As many awards again, confirmed through the service, for the Delivered buttons of /deliveries.
        const { ids } = await openDraws(confirmIds.length, takeGold(confirmIds.length), false);
        for (const id of ids) await services.draws.confirm(id, officer.id, 1, 'bench');
        deliveryMessages = ids.map((id) => g.postButtons([[`deliveries:delivered:${id}:0`, '1 delivered']]));
      },
    },
    { name: 'award: Delivered', send: (i) => press(officer, drawMessages[i], 'Delivered') },
    { name: '/deliveries: Delivered', send: (i) => press(officer, deliveryMessages[i], '1 delivered') },

    // ---- reverts ------------------------------------------------------------------------------
    {
      name: '/revert',
      send: (i) => {
        const sent = command(officer, 'revert', [str('distribution', seeded.awards[i].id)]);
        revertMessages[i] = sent.id;
        return sent;
      },
      // The confirmation is the answer's message.
      after: async (i) => void (revertMessages[i] = messageOf(revertMessages[i])),
      finish: async () => {
        for (let i = 0; i < revertMessages.length; i++) if (!emulator.messages.has(revertMessages[i])) revertMessages[i] = messageOf(revertMessages[i]);
      },
    },
    { name: 'revert: Revert', send: (i) => press(officer, revertMessages[i], 'Revert') },

    // ---- the roster ---------------------------------------------------------------------------
    {
      name: '/member add',
      prepare: async (count) => {
        for (let i = 0; i < count; i++) newcomers.push(emulator.addUser({ id: String(400000000000000000n + BigInt(i)), username: `newcomer${i}` }));
      },
      send: (i) => subcommand(officer, 'member', 'add', [user('user', newcomers[i].id), str('join_date', addDays(today, -40))]),
    },
    {
      name: '/member remove',
      send: (i) => {
        const sent = subcommand(officer, 'member', 'remove', [user('user', newcomers[i].id)]);
        removeMessages[i] = sent.id;
        return sent;
      },
      after: async (i) => void (removeMessages[i] = messageOf(removeMessages[i])),
      finish: async () => {
        for (let i = 0; i < removeMessages.length; i++) if (!emulator.messages.has(removeMessages[i])) removeMessages[i] = messageOf(removeMessages[i]);
      },
    },
    { name: 'member: Remove', send: (i) => press(officer, removeMessages[i], 'Remove') },

    // ---- attendance (docs/attendance.md) ------------------------------------------------------
    {
      name: '/event start',
      // At most MAX_OPEN_EVENTS are open for check-in at once: no burst.
      runs: MAX_OPEN_EVENTS,
      burst: 0,
      send: (i) => subcommand(officer, 'event', 'start', [str('kind', 'boss'), str('name', `Bench boss ${i}`)]),
      finish: closeOpenEvents,
    },
    {
      name: 'event: I was there',
      prepare: async () => void (checkInMessage = (await g.once(() => subcommand(officer, 'event', 'start', [str('kind', 'boss'), str('name', 'Check-in burst')]))).messageId),
      // Each press is a different member of the roster checking themself in.
      send: (i) => press(g.user(nth(seeded.members, i)), checkInMessage, 'I was there'),
      finish: closeOpenEvents,
    },
    {
      name: '/event close',
      exception: 'the roster: every member is recorded present, absent or excused, and each one attending or missing it is written',
      runs: MAX_OPEN_EVENTS,
      burst: 0,
      timeoutMs: 5 * 60_000,
      before: async (i) => {
        const started = await services.events.start({ kind: 'boss', name: `Closed ${i}`, by: officer.id });
        if (!started.ok) throw new Error(`could not start an event to close: ${started.reason}`);
        eventsToClose[i] = started.event.event_id;
        for (let k = 0; k < 10; k++) await services.events.checkIn(started.event.event_id, nth(seeded.members, i * 10 + k).id);
      },
      send: (i) => subcommand(officer, 'event', 'close', [str('event', eventsToClose[i])]),
      finish: closeOpenEvents,
    },
  ];

  /** The message that answered the interaction with this id. */
  function messageOf(interactionId: string): string {
    for (const m of emulator.messages.values()) {
      if (m.interactionToken?.startsWith(`itok_${interactionId}_`)) return m.id;
    }
    throw new Error(`no answer to interaction ${interactionId}`);
  }
}
