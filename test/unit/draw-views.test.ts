/**
 * The two views of a draw (Discord's message, the dashboard's JSON) hold to the same facts in
 * every state of the draw's life: its title, winner and standing, pool and who was left out, the
 * policy and its figures, who was rerolled, and which actions are live; and every refusal means
 * the same in both. Each state is rendered through both views from one record, as they render it.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, JSONEncodable } from 'discord.js';
import { DISCORD_WORDING, drawMessage } from '../../src/bot/draw-message';
import { DRAW_STATUSES, type Refusal } from '../../src/domain/draw';
import { readDistribution } from '../../src/services/distribution-record';
import type { AwardFailure, StartRefusal } from '../../src/services/draw-types';
import type { CountedMember } from '../../src/services/member-items';
import type { DistributionList } from '../../src/services/lists';
import { poolOf, presentDraw, type DrawViewInput } from '../../src/views/draw';
import { drawRefusalText, notAwardedText, startRefusalText } from '../../src/views/draw-texts';
import { drawView, WEB_WORDING, type DrawViewContext } from '../../src/web/api/views';

const TODAY = '2026-12-03';
const ctx = {
  config: { ranks: { silverMinDays: 30, goldMinDays: 90 }, draws: { fairnessWindowDays: 365 } },
  today: () => TODAY,
  guildId: '900000000000000001',
} as unknown as DrawViewContext;
const settings = { ranks: { silverMinDays: 30, goldMinDays: 90 }, today: TODAY, fairnessWindowDays: 365 };

const [ALICE, BOB, CAROL, DAVE, OFFICER] = ['100000000000000001', '100000000000000002', '100000000000000003', '100000000000000004', '100000000000000009'];
const NAMES: Record<string, string> = { [ALICE]: 'alice', [BOB]: 'bob', [CAROL]: 'carol', [DAVE]: 'dave' };

function member(id: string, links: number): CountedMember {
  return {
    discord_id: id,
    username: NAMES[id],
    join_date: '2025-01-10',
    is_officer: false,
    wants: [],
    attendance: { attended: [], missed: [] },
    debts: [],
    debtsStored: true,
    counters: { links_received: links, ...(links ? { last_link_at: '2026-10-01T12:00:00.000Z' } : {}), awards: { bronze: [], silver: [], gold: [] } },
  };
}

/** A draw's stored item in the state named, as the draws service writes it. */
function item(state: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    distribution_id: 'dist_0b1c2d3e-0000-4000-8000-000000000001',
    status: 'drawn',
    version: 1,
    method: 'discord',
    link_id: 'link_1',
    link_type: 'Damage on Ships',
    quality: 'gold',
    bonus: '4.50%',
    list_id: 'list_gold_1',
    list_name: 'Gold line',
    pool: [ALICE, BOB, CAROL, DAVE],
    pool_size: 4,
    left_out: { away: 1, too_new: 2, unreadable: 0 },
    policy: 'fewest',
    wanting: [ALICE, BOB],
    figures: { [ALICE]: { count: 1, last: '2026-06-01T12:00:00.000Z' }, [BOB]: { count: 3, last: '2026-09-01T12:00:00.000Z' } },
    winner_id: ALICE,
    winner_username: 'alice',
    named: false,
    drawn_before: [],
    drawn_before_names: [],
    rerolled_by: [],
    drawn_by: OFFICER,
    drawn_at: '2026-12-03T12:00:00.000Z',
    expires_at: '2026-12-03T12:15:00.000Z',
    channel_id: '300000000000000001',
    message_id: '300000000000000002',
  };
  const rerolled = { winner_id: CAROL, winner_username: 'carol', drawn_before: [ALICE, BOB], drawn_before_names: ['alice', 'bob'], rerolled_by: [OFFICER, OFFICER], version: 3 };
  const ended = { distributed_at: '2026-12-03T12:05:00.000Z', distribution_date: '2026-12-03', version: 2 };
  const awarded = { ...ended, status: 'confirmed', member_id: ALICE, member_username: 'alice', distributed_by: OFFICER };
  switch (state) {
    case 'drawn':
      return base;
    case 'drawn after rerolls':
      return { ...base, ...rerolled };
    case 'drawn, everyone rerolled':
      return { ...base, winner_id: DAVE, winner_username: 'dave', drawn_before: [ALICE, BOB, CAROL], drawn_before_names: ['alice', 'bob', 'carol'], version: 4 };
    case 'drawn by uniform, nobody wanting':
      return { ...base, policy: 'uniform', wanting: [], figures: undefined, list_id: undefined, list_name: undefined };
    case 'named':
      return { ...base, named: true, policy: undefined, wanting: [], figures: undefined, pool: [ALICE], pool_size: 1 };
    case 'being confirmed':
      return { ...base, confirm_at: '2026-12-03T12:04:00.000Z', confirm_by: OFFICER, confirm_started_at: '2026-12-03T12:04:00.000Z' };
    case 'confirmed':
      return { ...base, ...awarded };
    case 'confirmed after rerolls, delivered':
      return { ...base, ...rerolled, ...awarded, member_id: CAROL, member_username: 'carol', winner_id: CAROL, delivered_at: '2026-12-03T13:00:00.000Z', delivered_by: CAROL };
    case 'cancelled':
      return { ...base, ...rerolled, ...ended, status: 'cancelled', ended_by: OFFICER };
    case 'expired':
      return { ...base, ...ended, status: 'expired' };
    case 'reverted':
      return { ...base, ...awarded, status: 'reverted', reverted_by: OFFICER, reverted_at: '2026-12-04T09:00:00.000Z' };
    case 'a record of the previous system':
      return { distribution_id: 'legacy-1', link_type: 'Damage on Ships', quality: 'Gold', member_id: BOB, member_username: 'bob', distributed_at: '2025-03-01T10:00:00Z', distributed_by: OFFICER };
  }
  throw new Error(`no state ${state}`);
}

const STATES = [
  'drawn',
  'drawn after rerolls',
  'drawn, everyone rerolled',
  'drawn by uniform, nobody wanting',
  'named',
  'being confirmed',
  'confirmed',
  'confirmed after rerolls, delivered',
  'cancelled',
  'expired',
  'reverted',
  'a record of the previous system',
];

const json = <T>(x: unknown): T => ((x as JSONEncodable<T>).toJSON ? (x as JSONEncodable<T>).toJSON() : (x as T));

/** The facts Discord's message shows, read back from the message as sent. */
function discordFacts(input: DrawViewInput) {
  const answer = drawMessage(presentDraw(input, settings));
  const embed = json<APIEmbed>(answer.embeds![0]);
  const field = (name: string) => embed.fields?.find((f) => f.name === name || f.name.startsWith(`${name} ·`));
  const buttons = (answer.components ?? []).flatMap((row) => json<APIActionRowComponent<APIButtonComponent>>(row).components);
  const fairness = field('Fairness')?.value.split('\n');
  const rank = field('Rank')?.value;
  return {
    title: embed.title!.replace(/^(🎲|✅) /, ''),
    winner: /(?:Winner|Last drawn): <@(\d+)>|^<@(\d+)> receives/.exec(embed.description ?? '')?.slice(1).find(Boolean) ?? null,
    standing: rank ? { rank: rank.split(' · ')[0], days: Number(rank.split(' · ')[1].split(' ')[0]), links: Number(field('Links received')!.value) } : null,
    pool: field('Pool')!.value,
    rerolled: field('Rerolled') ? [...field('Rerolled')!.value.matchAll(/<@(\d+)>/g)].map((m) => m[1]) : [],
    rerolls: field('Rerolls') ? Number(field('Rerolls')!.value) : null,
    policy: fairness ? fairness.slice(0, 2) : null,
    figures: fairness?.[2] ? /^Winner: (\d+) gold links? in the window, last .* · pool: (\d+)–(\d+)/.exec(fairness[2])!.slice(1).map(Number) : null,
    confirming: (answer.content ?? '').startsWith('Confirming the award'),
    live: buttons.filter((b) => !b.disabled).map((b) => ('label' in b ? b.label : undefined)),
  };
}

/** The same facts from the dashboard's JSON, as the page shows them. */
function webFacts(input: DrawViewInput) {
  const view = drawView(ctx, input);
  const status = view.status;
  return {
    title: view.texts.title,
    winner: view.winner?.id ?? null,
    // The page shows the winner's standing on an open draw only, as Discord does.
    standing: status === 'drawn' && view.winner && 'rank' in view.winner ? { rank: view.winner.rank, days: view.winner.days_in_guild, links: view.winner.links_received } : null,
    pool: view.texts.pool,
    rerolled: status === 'confirmed' || status === 'reverted' ? [] : view.drawn_before.map((r) => r.id),
    rerolls: status === 'confirmed' || status === 'reverted' ? view.drawn_before.length : null,
    policy: status === 'drawn' && view.texts.policy ? [view.texts.policy.policy, view.texts.policy.wanting] : null,
    figures: status === 'drawn' && view.figures ? [view.figures.winner?.count ?? 0, view.figures.pool.min, view.figures.pool.max] : null,
    confirming: view.texts.confirming !== null,
    live: (['confirm', 'reroll', 'cancel', 'delivered'] as const).filter((a) => view.actions[a]).map((a) => a.charAt(0).toUpperCase() + a.slice(1)),
  };
}

describe('both views of a draw show the same facts', () => {
  it.each(STATES)('%s', (state) => {
    const draw = readDistribution(item(state));
    const winner = draw.winner_id ? member(draw.winner_id, 2) : undefined;
    const input: DrawViewInput = { draw, pool: poolOf(draw), winner };
    const discord = discordFacts(input);
    expect(webFacts(input)).toEqual(discord);
    // The states differ where they must: a sample of what each shows.
    if (draw.status !== 'drawn') expect(discord.live).toEqual(draw.status === 'confirmed' && !draw.delivered_at ? ['Delivered'] : []);
  });

  it('an open draw offers Reroll only while someone in the pool was not drawn, and nothing but Confirm while a confirm is in flight', () => {
    const live = (state: string) => {
      const draw = readDistribution(item(state));
      return discordFacts({ draw, pool: poolOf(draw), winner: member(draw.winner_id!, 0) }).live;
    };
    expect(live('drawn')).toEqual(['Confirm', 'Reroll', 'Cancel']);
    expect(live('drawn after rerolls')).toEqual(['Confirm', 'Reroll', 'Cancel']);
    expect(live('drawn, everyone rerolled')).toEqual(['Confirm', 'Cancel']);
    expect(live('named')).toEqual(['Confirm', 'Cancel']);
    expect(live('being confirmed')).toEqual(['Confirm']);
  });

  it('names the rerolled as they were named when drawn, without the roster', () => {
    const draw = readDistribution(item('drawn after rerolls'));
    expect(drawView(ctx, { draw, pool: poolOf(draw) }).drawn_before).toEqual([
      { id: ALICE, username: 'alice' },
      { id: BOB, username: 'bob' },
    ]);
  });

  it('a winner who left the roster is shown so in both views; one not read shows no standing', () => {
    const draw = readDistribution(item('drawn'));
    const input = { draw, pool: poolOf(draw), winner: null };
    expect(json<APIEmbed>(drawMessage(presentDraw(input, settings)).embeds![0]).fields).toContainEqual({ name: 'Winner', value: 'no longer on the roster', inline: true });
    expect(drawView(ctx, input).winner).toEqual({ id: ALICE, username: 'alice', on_roster: false });
    const unread = json<APIEmbed>(drawMessage(presentDraw({ draw, pool: poolOf(draw) }, settings)).embeds![0]).fields!.map((f) => f.name);
    expect(unread).not.toContain('Winner');
    expect(unread).not.toContain('Rank');
  });
});

describe('every refusal means the same in both views', () => {
  /** Each view's own words (where to start again, what shows the draw) put back to one form. */
  const common = (text: string, wording: typeof WEB_WORDING) =>
    text
      .replace(wording.startAgain, 'START AGAIN')
      .replace(wording.startAgain.charAt(0).toUpperCase() + wording.startAgain.slice(1), 'START AGAIN')
      .replace(`The ${wording.shownOn} `, 'The VIEW ');

  const changeRefusals: (Refusal | { reason: 'not_found' })[] = [
    ...DRAW_STATUSES.map((status) => ({ reason: 'ended' as const, status })),
    { reason: 'expired' },
    { reason: 'confirming' },
    { reason: 'changed', version: 2 },
    { reason: 'exhausted' },
    { reason: 'named' },
  ];
  it.each(changeRefusals.map((r) => [JSON.stringify(r), r] as const))('a refused change: %s', (_, refusal) => {
    const discord = drawRefusalText(refusal, 4, DISCORD_WORDING);
    expect(discord.length).toBeGreaterThan(10);
    expect(common(discord, DISCORD_WORDING)).toBe(common(drawRefusalText(refusal, 4, WEB_WORDING), WEB_WORDING));
  });

  it('a draw that does not exist: each view says so in its words', () => {
    expect(drawRefusalText({ reason: 'not_found' }, undefined, DISCORD_WORDING)).toMatch(/no longer exists/);
    expect(drawRefusalText({ reason: 'not_found' }, undefined, WEB_WORDING)).toMatch(/no such draw/);
  });

  const failures: AwardFailure[] = ['link_gone', 'winner_served', 'list_closed', 'member_removed', 'member_away', 'member_not_eligible', 'busy'];
  it.each(failures)('an award not made: %s', (failure) => {
    const discord = notAwardedText(failure, DISCORD_WORDING);
    expect(discord).toMatch(/^Not awarded: .* Nothing was written;/);
    expect(common(discord, DISCORD_WORDING)).toBe(common(notAwardedText(failure, WEB_WORDING), WEB_WORDING));
  });

  const list = { list_id: 'list_gold_1', list_name: 'Gold line', quality: 'silver', is_active: 'false', eligible_members: [], winners: [] } as unknown as DistributionList;
  const starts: StartRefusal[] = [
    { reason: 'no_stock' },
    { reason: 'list_not_found' },
    { reason: 'list_closed', list },
    { reason: 'list_wrong_quality', list },
    { reason: 'named_not_on_roster' },
    { reason: 'named_not_eligible', member: { ...member(BOB, 0), join_date: undefined } },
    { reason: 'named_not_waiting', list },
    { reason: 'nobody', list },
    { reason: 'nobody' },
  ];
  it.each(starts.map((r) => [r.reason + ('list' in r ? ' (a list)' : ''), r] as const))('a refused start: %s', (_, refusal) => {
    // The same meaning (the first sentence, with the member as each view names them and where each fixes it), and nothing drawn.
    const [discord, web] = [DISCORD_WORDING, WEB_WORDING].map((w) => startRefusalText(refusal, 'gold', 'Damage on Ships', w));
    const meaning = (text: string, w: typeof WEB_WORDING) => text.replace(w.member(BOB, 'bob'), 'MEMBER').replace(w.fix.joinDate, 'FIX').split(/(?<=[.)]) /)[0];
    expect(meaning(discord, DISCORD_WORDING)).toBe(meaning(web, WEB_WORDING));
    for (const text of [discord, web]) expect(text).toMatch(/ Nothing was drawn\.$/);
  });
});
