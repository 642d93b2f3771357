/**
 * A seeded random evening of a guild, by AWS's rules (lagging reads, transaction conflicts): four
 * officers and two dozen members act at once — draws, Confirm/Reroll/Cancel presses (sometimes two
 * officers on one draw), stock added, lists made and changed, wants, Delivered presses, the expiry
 * sweep running among them — while the bot's clock runs fast (a minute per round) so draws expire
 * during the run. Then the invariants every evening must keep:
 * - each handed-out link has exactly one standing award, and each standing award its link;
 * - every member's counters equal their history;
 * - no open draw past its expiry, and no message of an ended or expired draw with live buttons;
 * - every interaction answered, and never with "Something went wrong";
 * - no member both waiting and served on a list.
 *
 * FLAVAFLAV_EVENING_SEED replays an evening's choices (timings, and so conflicts, still vary);
 * FLAVAFLAV_EVENING_STEPS sets how many actions (default 300). The seed is printed.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';
import type { EmulatedUser } from '../support/discord-emulator';

const SEED = Number(process.env.FLAVAFLAV_EVENING_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.FLAVAFLAV_EVENING_STEPS ?? 300);
/** Actions sent at once in one round; the clock moves a minute between rounds. */
const AT_ONCE = 6;
const ROUND_CLOCK_MS = 60_000;
/** The whole evening stops sending new actions after this (real time). */
const BUDGET_MS = 240_000;
const QUALITIES = ['gold', 'silver', 'bronze'] as const;
const TYPES = ['Damage on Ships', 'Spell Damage', 'Melee Damage', 'Follower Damage', 'Ship Cannon Damage', 'Healing Received'];

/** mulberry32: a small seeded generator, so an evening's choices replay from its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

type Row = Record<string, any>;

let h: Harness;
afterAll(() => h?.stop());

it(`keeps every invariant through a random evening (seed ${SEED})`, async () => {
  // eslint-disable-next-line no-console
  console.log(`evening seed ${SEED}: replay with FLAVAFLAV_EVENING_SEED=${SEED}`);
  const rng = generator(SEED);
  h = await startHarness({ awsRules: true });
  const officers = [h.officer, ...Array.from({ length: 3 }, (_, i) => h.newUser(`officer${i + 2}`, { roles: [h.officerRoleId] }))];
  const members: EmulatedUser[] = [h.alice, h.bob, h.carol, ...Array.from({ length: 21 }, (_, i) => h.newUser(`member${i + 4}`))];
  for (const [i, m] of members.entries()) await h.seedMember(m, { days: i % 6 === 5 ? 20 : 100 + i * 30 });
  for (const q of QUALITIES) for (const t of TYPES.slice(0, 3)) await h.seedLinks(q, t, 2);

  const draws = new Set<string>(); // messages of draws (Confirm/Reroll/Cancel)
  const awards = new Set<string>(); // messages with a Delivered button
  const unanswered: string[] = [];
  const wentWrong: string[] = [];
  let sent = 0;

  const note = (kind: string, a: Answered) => {
    if (/something went wrong/i.test(a.text)) wentWrong.push(`${kind}: ${a.text.split('\n')[0]}`);
    const buttons = a.messageId ? h.emulator.buttonsOf(a.messageId) : [];
    if (a.messageId && buttons.some((b) => b.label === 'Confirm')) draws.add(a.messageId);
    if (a.messageId && buttons.some((b) => b.label === 'Delivered')) awards.add(a.messageId);
  };
  const act = async (kind: string, send: () => Promise<Answered>) => {
    sent++;
    try {
      note(kind, await send());
    } catch (error) {
      unanswered.push(`${kind}: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const live = (messageId: string, label: string) => h.emulator.buttonsOf(messageId).find((b) => b.label === label && !b.disabled);

  /** One random action, chosen now (so the choices follow the seed), sent when called. */
  const choose = (): (() => Promise<void>) => {
    const officer = rng.pick(officers);
    const member = rng.pick(members);
    const roll = rng.next();
    const openDraws = [...draws].filter((id) => live(id, 'Confirm'));
    if (roll < 0.22) {
      const quality = rng.pick(QUALITIES);
      return () => act('distribute', () => h.run(officer, 'distribute', null, [opt.str('quality', quality)]));
    }
    if (roll < 0.5 && openDraws.length) {
      const target = rng.pick(openDraws);
      const label = rng.pick(['Confirm', 'Confirm', 'Reroll', 'Cancel'] as const);
      // Sometimes a second officer presses the same draw at the same moment.
      const twice = rng.next() < 0.3 ? rng.pick(officers) : undefined;
      return async () => {
        const button = live(target, label);
        if (!button) return;
        await Promise.all([act(label, () => h.press(officer, target, button.custom_id)), twice ? act(`${label} (second officer)`, () => h.press(twice, target, button.custom_id)) : Promise.resolve()]);
      };
    }
    if (roll < 0.58) {
      const [quality, type, count] = [rng.pick(QUALITIES), rng.pick(TYPES), 1 + rng.int(3)];
      return () => act('inventory add', () => h.run(officer, 'inventory', 'add', [opt.str('link_type', type), opt.str('quality', quality), opt.int('count', count)]));
    }
    if (roll < 0.64) {
      const [quality, fill] = [rng.pick(QUALITIES), rng.pick(['eligible', 'empty'])];
      return () => act('list create', () => h.run(officer, 'list', 'create', [opt.str('name', `${quality} line ${sent}`), opt.str('quality', quality), opt.str('fill', fill)]));
    }
    if (roll < 0.74) {
      const [quality, add] = [rng.pick(QUALITIES), rng.next() < 0.7];
      return async () => {
        const list = (await h.storage.services.lists.listActive(quality)).at(0);
        if (!list) return;
        await act(add ? 'list add' : 'list remove', () => h.run(officer, 'list', add ? 'add' : 'remove', [opt.str('list', list.list_id), opt.user('user', member.id)]));
      };
    }
    if (roll < 0.8) {
      const [type, add] = [rng.pick(TYPES), rng.next() < 0.7];
      return () => act(add ? 'want add' : 'want remove', () => h.run(member, 'want', add ? 'add' : 'remove', [opt.str('link_type', type)]));
    }
    if (roll < 0.88 && awards.size) {
      const target = rng.pick([...awards]);
      return async () => {
        const button = live(target, 'Delivered');
        if (button) await act('Delivered', () => h.press(rng.next() < 0.5 ? officer : member, target, button.custom_id));
      };
    }
    if (roll < 0.93) return async () => void (await h.app.schedule.runNow('expire-draws').catch((e: Error) => unanswered.push(`sweep: ${e.message}`)));
    return () => act('history', () => h.run(rng.next() < 0.5 ? officer : member, 'history', null, []));
  };

  const started = Date.now();
  for (let step = 0; step < STEPS && Date.now() - started < BUDGET_MS; step += AT_ONCE) {
    const round = Array.from({ length: Math.min(AT_ONCE, STEPS - step) }, choose);
    await Promise.all(round.map((run) => run()));
    h.clock.advance(ROUND_CLOCK_MS);
  }

  // The evening is over: every draw's 15 minutes have passed, and the sweep runs as the scheduler
  // would over the next minutes (each run after the replica has caught up with the one before).
  h.clock.advance(16 * 60_000);
  for (let i = 0; i < 3; i++) {
    await h.app.schedule.runNow('expire-draws');
    await new Promise((r) => setTimeout(r, 2 * (h.storage.aws?.rulesInForce?.lagMs ?? 0) + 200));
  }

  // The stored truth (read from the primary by the test's own client).
  const scan = async (table: string): Promise<Row[]> => {
    const rows: Row[] = [];
    let start: Row | undefined;
    for (let page = 0; page < 1_000; page++) {
      const out = await h.storage.db.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
      rows.push(...((out.Items ?? []) as Row[]));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    return rows;
  };
  const [records, links, roster, lists] = await Promise.all([scan(h.storage.tables.distributions), scan(h.storage.tables.inventory), scan(h.storage.tables.members), scan(h.storage.tables.lists)]);
  const draws_ = records.filter((r) => typeof r.status === 'string');
  const standing = draws_.filter((r) => r.status === 'confirmed');
  const nowMs = h.clock.nowMs();
  const violations: string[] = [];

  // Each handed-out link has exactly one standing award, and each standing award its link.
  for (const link of links.filter((l) => l.is_available === 'false')) {
    const holders = standing.filter((r) => r.link_id === link.link_id);
    if (holders.length !== 1) violations.push(`link ${link.link_id} handed out with ${holders.length} standing awards`);
    else if (link.distribution_id !== holders[0].distribution_id) violations.push(`link ${link.link_id} names ${link.distribution_id}, its award is ${holders[0].distribution_id}`);
  }
  for (const award of standing) {
    const link = links.find((l) => l.link_id === award.link_id);
    if (link?.is_available !== 'false') violations.push(`award ${award.distribution_id} stands but its link ${award.link_id} is ${link ? 'in stock' : 'gone'}`);
  }
  // Counters equal history.
  for (const m of roster.filter((r) => typeof r.discord_id === 'string' && members.some((u) => u.id === r.discord_id))) {
    const mine = standing.filter((r) => r.member_id === m.discord_id);
    const received = Number(m.counters?.links_received ?? m.links_received ?? 0);
    if (received !== mine.length) violations.push(`member ${m.discord_id}: links_received ${received}, history ${mine.length}`);
    const last = mine.map((r) => String(r.distributed_at)).sort().at(-1);
    const kept = m.counters?.last_link_at ?? m.last_link_at;
    if ((last ?? undefined) !== (kept ?? undefined)) violations.push(`member ${m.discord_id}: last_link_at ${kept}, history ${last}`);
  }
  // No open draw past its expiry; no message of an ended or expired draw with live buttons.
  for (const d of draws_.filter((r) => r.status === 'drawn' && Date.parse(r.expires_at) < nowMs)) violations.push(`draw ${d.distribution_id} still drawn ${Math.round((nowMs - Date.parse(d.expires_at)) / 60_000)} min past its expiry`);
  for (const messageId of draws) {
    const confirm = live(messageId, 'Confirm');
    if (!confirm) continue;
    const text = JSON.stringify(h.emulator.messages.get(messageId) ?? {});
    const d = draws_.find((r) => confirm.custom_id.includes(String(r.distribution_id)) || text.includes(String(r.distribution_id)));
    if (!d || d.status !== 'drawn' || Date.parse(d.expires_at) < nowMs) violations.push(`message ${messageId} offers Confirm for a draw ${d ? `${d.status}${d.status === 'drawn' ? ' past its expiry' : ''}` : 'not found'}`);
  }
  // Nobody both waiting and served.
  for (const list of lists.filter((l) => Array.isArray(l.eligible_members) || l.eligible_members instanceof Set)) {
    const waiting = new Set<string>([...(list.eligible_members ?? [])]);
    const both = [...(list.winners ?? [])].filter((w: string) => waiting.has(w));
    if (both.length) violations.push(`list ${list.list_id}: ${both.length} member(s) both waiting and served`);
  }

  const summary = {
    seed: SEED,
    actions: sent,
    draws: draws_.length,
    byStatus: Object.fromEntries(['drawn', 'confirmed', 'cancelled', 'expired', 'reverted'].map((s) => [s, draws_.filter((r) => r.status === s).length])),
    conflicts: (h.storage.aws?.count('TransactWriteItems', 'conflict') ?? 0) + (h.storage.aws?.count('UpdateItem', 'conflict') ?? 0) + (h.storage.aws?.count('PutItem', 'conflict') ?? 0),
    realSeconds: Math.round((Date.now() - started) / 1000),
  };
  // eslint-disable-next-line no-console
  console.log(`evening ${JSON.stringify(summary)}\nviolations:\n${violations.join('\n')}\nunanswered:\n${unanswered.join('\n')}\nwent wrong:\n${wentWrong.join('\n')}`);
  expect({ seed: SEED, violations, unanswered, wentWrong }).toEqual({ seed: SEED, violations: [], unanswered: [], wentWrong: [] });
}, 600_000);
