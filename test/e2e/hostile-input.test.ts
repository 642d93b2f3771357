/**
 * Hostile input, end to end: every option and button fed what a careless member, a malicious one
 * or a tampered client could send. Each input is either refused — an ephemeral, short answer that
 * says what to do, never "Something went wrong", never a ping, and all four tables exactly as they
 * were — or handled correctly (whitespace around a date, Unicode names, "none" for away).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { UNEXPECTED_MESSAGE } from '../../src/bot/errors';
import { nextSnowflake, OptionType, type CommandOption, type EmulatedUser, type SentInteraction } from '../support/discord-emulator';
import { testEndpoint } from '../support/dynamo';
import { DynamoMeter } from '../support/dynamo-meter';
import { seedAward } from '../support/fixtures';
import { safeIdForm } from '../../src/domain/ids';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';

let h: Harness;
let meter: DynamoMeter;
/** Not on the roster, in the guild. */
let erin: EmulatedUser;
/** Left the guild. */
let dave: EmulatedUser;
/** A bot account in the guild. */
let robot: EmulatedUser;
let awardId: string;
let handedOutLinkId: string;
let cancelledId: string;
let openId: string;
let goldListId: string;
let silverListId: string;
let closedListId: string;
/** A public draw message (/distribute) and its record. */
let drawMessageId: string;
let drawId: string;
/** The officer's own ephemeral messages: the roster, a remove and a revert confirmation, history pages. */
let rosterMessageId: string;
let removeMessageId: string;
let revertMessageId: string;
let historyMessageId: string;
let historyKey: string;
/** The real buttons, read before any test presses anything. */
let drawConfirmId: string;
let removeConfirmId: string;
let revertConfirmId: string;
/** An event open for check-in (its public message) and one closed, whose message still shows the button. */
let openEventMessageId: string;
let openEventId: string;
let closedEventMessageId: string;
let closedEventId: string;

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const sub = (name: string, options: CommandOption[]): CommandOption[] => [{ name, type: OptionType.Subcommand, options }];

/** All four tables, read consistently, as one comparable string. */
async function snapshot(): Promise<string> {
  const tables = Object.values(h.storage.tables);
  const scans = await Promise.all(tables.map((t) => h.storage.db.send(new ScanCommand({ TableName: t, ConsistentRead: true }))));
  return JSON.stringify(scans.map((s) => (s.Items ?? []).map((i) => JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v].sort() : v))).sort()));
}

/** The bot's answer to an interaction sent straight through the emulator. */
const answered = (interaction: SentInteraction) => h.answered(interaction);

const select = (user: () => EmulatedUser, messageId: () => string, customId: string, values: string[]) => () =>
  answered(h.emulator.forgeComponent(user(), messageId(), customId, { componentType: 3, values }));

/** Occurrences of `raw` in `text` that no backslash escapes: Markdown that would render. */
function unescaped(text: string, raw: string): number {
  let n = 0;
  for (let i = text.indexOf(raw); i !== -1; i = text.indexOf(raw, i + 1)) if (i === 0 || text[i - 1] !== '\\') n++;
  return n;
}

/** Mentions that would render (user or role) or @everyone / @here that are not broken. */
const LIVE_MENTION = /<@[!&]?\d+>|@(everyone|here)/;

function expectClean(answer: Answered): void {
  expect(answer.text).not.toContain(UNEXPECTED_MESSAGE);
  expect(answer.text).not.toContain('Something went wrong');
  expect(h.emulator.pingedBy(answer.interaction)).toEqual([]);
}

function expectRefused(answer: Answered, expected: string | RegExp): void {
  expectClean(answer);
  expect(answer.ephemeral).toBe(true);
  // Short: one or two sentences, whatever the input's length.
  expect(answer.text.length).toBeLessThanOrEqual(400);
  if (typeof expected === 'string') expect(answer.text).toContain(expected);
  else expect(answer.text).toMatch(expected);
}

beforeAll(async () => {
  meter = await DynamoMeter.start(testEndpoint());
  h = await startHarness({ dynamoEndpoint: meter.endpoint });
  // Nothing runs on a timer here, so the tables change only by what a test sends.
  await h.app.schedule.stop();
  erin = h.newUser('erin');
  dave = h.newUser('dave', { inGuild: false });
  robot = h.newUser('robot', { bot: true });
  for (const user of [h.alice, h.bob, h.carol]) await h.seedMember(user);

  await h.seedLinks('gold', 'Damage on Ships', 14);
  const awards = [];
  for (let i = 0; i < 11; i++) awards.push(await seedAward(h.storage, { memberId: h.bob.id }));
  awardId = awards[0].distribution_id;
  handedOutLinkId = awards[0].link_id;
  const draws = h.storage.services.draws;
  const cancelled = await draws.start({ quality: 'gold', memberId: h.alice.id, by: h.officer.id, method: 'discord' });
  const open = await draws.start({ quality: 'gold', memberId: h.carol.id, by: h.officer.id, method: 'discord' });
  if (!cancelled.ok || !open.ok) throw new Error('seed draws');
  cancelledId = cancelled.draw.distribution_id;
  openId = open.draw.distribution_id;
  await draws.cancel(cancelledId, h.officer.id, 'seed');

  const lists = h.storage.services.lists;
  const gold = await lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [h.alice.id, h.carol.id], created_by: 'seed' });
  const silver = await lists.create({ list_name: 'Silver', quality: 'silver', eligible_members: [h.alice.id], created_by: 'seed' });
  const old = await lists.create({ list_name: 'Old bronze', quality: 'bronze', eligible_members: [], created_by: 'seed' });
  if (!gold.ok || !silver.ok || !old.ok) throw new Error('seed lists');
  [goldListId, silverListId, closedListId] = [gold.list.list_id, silver.list.list_id, old.list.list_id];
  await lists.close(closedListId);

  const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
  drawMessageId = draft.messageId!;
  if (draft.type === 5) await h.emulator.waitForFollowUp(draft.interaction);
  drawId = /Draw (\S+)/.exec(draft.text)![1];
  rosterMessageId = (await h.run(h.officer, 'member', 'list', [])).messageId!;
  removeMessageId = (await h.run(h.officer, 'member', 'remove', [opt.user('user', h.alice.id)])).messageId!;
  revertMessageId = (await h.run(h.officer, 'revert', null, [opt.str('distribution', awardId)])).messageId!;
  const history = await h.run(h.officer, 'history', null, [opt.user('member', h.bob.id)]);
  historyMessageId = history.messageId!;
  historyKey = h.emulator.buttonsOf(historyMessageId)[1].custom_id.split(':')[2];
  [drawConfirmId, removeConfirmId, revertConfirmId] = [drawMessageId, removeMessageId, revertMessageId].map((id) => h.emulator.buttonsOf(id)[0].custom_id);

  const closedEvent = await h.run(h.officer, 'event', 'start', [opt.str('kind', 'boss'), opt.str('name', 'Old boss')]);
  closedEventMessageId = closedEvent.messageId!;
  closedEventId = (await h.storage.services.events.newest())!.event_id;
  await h.storage.services.events.close(closedEventId, h.officer.id);
  const openEvent = await h.run(h.officer, 'event', 'start', [opt.str('kind', 'omni')]);
  openEventMessageId = openEvent.messageId!;
  openEventId = (await h.storage.services.events.newest())!.event_id;
});
afterAll(async () => {
  await h?.stop();
  await meter?.stop();
});

type Case = [label: string, send: () => Promise<Answered>, expected: string | RegExp];

const NOT_A_DATE = 'must be a real date written YYYY-MM-DD';
const addJoined = (date: string) => () => h.run(h.officer, 'member', 'add', [opt.user('user', erin.id), opt.str('join_date', date)]);
const away = (until: string, as: () => EmulatedUser = () => h.officer) => () => h.run(as(), 'member', 'away', [opt.user('user', h.alice.id), opt.str('until', until)]);

const dateCases: Case[] = [
  ['/member add join_date 2024-02-30 (no such day)', addJoined('2024-02-30'), NOT_A_DATE],
  ['/member add join_date 0000-01-01', addJoined('0000-01-01'), NOT_A_DATE],
  ['/member add join_date 2026-13-01 (month 13)', addJoined('2026-13-01'), NOT_A_DATE],
  ['/member add join_date 26-01-01 (two-digit year)', addJoined('26-01-01'), NOT_A_DATE],
  ['/member add join_date 2026-1-1 (no zero padding)', addJoined('2026-1-1'), NOT_A_DATE],
  ['/member add join_date of 10 characters of garbage', addJoined('abcdefghij'), NOT_A_DATE],
  ['/member add join_date of whitespace only', addJoined('   '), NOT_A_DATE],
  ['/member add join_date 2026/01/01', addJoined('2026/01/01'), NOT_A_DATE],
  ['/member add join_date in full-width digits', addJoined('２０２６-０１-０１'), NOT_A_DATE],
  ['/member add join_date with a time', addJoined('2026-01-01T00:00'), NOT_A_DATE],
  ['/member add join_date in the future', () => addJoined(h.clock.daysAgo(-1))(), 'is in the future'],
  ['/member away until 2024-02-30', away('2024-02-30'), NOT_A_DATE],
  ['/member away until empty', away(''), NOT_A_DATE],
  ['/member away until 10 characters of garbage', away('abcdefghij'), NOT_A_DATE],
  ['/member away until "never"', away('never'), NOT_A_DATE],
  ['/member away until in the past', () => away(h.clock.daysAgo(1))(), 'is in the past'],
];

const listNamed = (name: string, extra: CommandOption[] = []) => () => h.run(h.officer, 'list', 'create', [opt.str('name', name), opt.str('quality', 'bronze'), ...extra]);
const nameCases: Case[] = [
  ['/list create name of 200 characters', listNamed('L'.repeat(200)), 'at most 60 characters'],
  ['/list create name of 61 characters', listNamed('L'.repeat(61)), 'at most 60 characters'],
  ['/list create name of whitespace only', listNamed('    '), 'Give the list a name'],
  ['/list create name of zero-width characters only', listNamed('\u200b\u200c\u200d\u2060\ufeff'), 'Give the list a name'],
  ['/list create name of a right-to-left override only', listNamed('\u202e'), 'Give the list a name'],
  ['/list create fill outside eligible/empty', listNamed('Bronze', [opt.str('fill', 'everyone')]), '`fill` must be'],
  ['/list create quality platinum', () => h.run(h.officer, 'list', 'create', [opt.str('name', 'Plat'), opt.str('quality', 'platinum')]), 'Quality must be bronze, silver or gold'],
];

const distribute = (options: () => CommandOption[], as: () => EmulatedUser = () => h.officer) => () => h.run(as(), 'distribute', null, options());
const addLinks = (extra: CommandOption[], type = 'Damage on Ships', quality = 'bronze') => () =>
  h.run(h.officer, 'inventory', 'add', [opt.str('link_type', type), opt.str('quality', quality), ...extra]);
const stockCases: Case[] = [
  ['/inventory add notes of 201 characters', addLinks([opt.str('notes', 'n'.repeat(201))]), 'at most 200 characters'],
  ['/inventory add notes of 5,000 characters', addLinks([opt.str('notes', '@everyone '.repeat(500))]), 'at most 200 characters'],
  ['/inventory add count 0', addLinks([opt.int('count', 0)]), '`count` must be from 1 to 50'],
  ['/inventory add count 51', addLinks([opt.int('count', 51)]), '`count` must be from 1 to 50'],
  ['/inventory add count -3', addLinks([opt.int('count', -3)]), '`count` must be from 1 to 50'],
  ['/inventory add count 1.5', addLinks([opt.int('count', 1.5)]), '`count` must be from 1 to 50'],
  ['/inventory add a link type not in the catalog', addLinks([], 'Dragon Slaying'), 'is not a link type in the catalog'],
  ['/inventory add a near miss of a link type', addLinks([], 'Damage on Ship'), 'Did you mean “Damage on Ships”'],
  ['/inventory add link_type constructor', addLinks([], 'constructor'), 'is not a link type in the catalog'],
  ['/inventory add link_type __proto__', addLinks([], '__proto__'), 'is not a link type in the catalog'],
  // Once stalled the bot for seconds (the closest-name search is quadratic): every interaction missed its deadline.
  ['/inventory add link_type of 5,000 characters', addLinks([], 'Damage '.repeat(700)), 'is not a link type in the catalog'],
  ['/want add link_type of 5,000 characters', () => h.run(h.alice, 'want', 'add', [opt.str('link_type', 'x'.repeat(5000))]), 'is not a link type in the catalog'],
  ['/distribute link_type of 5,000 characters', distribute(() => [opt.str('quality', 'gold'), opt.str('link_type', 'Ships '.repeat(900))]), 'is not a link type in the catalog'],
  ['/inventory add link_type with a mention', addLinks([], '<@&123456789012345678> @everyone'), 'is not a link type in the catalog'],
  ['/inventory add quality platinum', addLinks([], 'Damage on Ships', 'platinum'), 'Quality must be bronze, silver or gold'],
  ['/inventory add quality Gold (not the choice value)', addLinks([], 'Damage on Ships', 'Gold'), 'Quality must be bronze, silver or gold'],
  ['/inventory add quality empty', addLinks([], 'Damage on Ships', ''), 'Quality must be bronze, silver or gold'],
  ['/inventory list quality mithril', () => h.run(h.alice, 'inventory', 'list', [opt.str('quality', 'mithril')]), 'Quality must be bronze, silver or gold'],
  ['/inventory list link_type not in the catalog', () => h.run(h.alice, 'inventory', 'list', [opt.str('link_type', 'Ships on Damage Ships')]), 'is not a link type'],
  ['/want add a link type not in the catalog', () => h.run(h.alice, 'want', 'add', [opt.str('link_type', 'toString')]), 'is not a link type in the catalog'],
  ['/want remove a near miss', () => h.run(h.alice, 'want', 'remove', [opt.str('link_type', 'Damage on Shps')]), 'Did you mean'],
];

const optionCases: Case[] = [
  ['/distribute quality diamond', distribute(() => [opt.str('quality', 'diamond')]), 'Quality must be bronze, silver or gold'],
  ['/distribute policy random', distribute(() => [opt.str('quality', 'gold'), opt.str('policy', 'random')]), '`policy` must be one of uniform, fewest, longest'],
  ['/distribute policy constructor', distribute(() => [opt.str('quality', 'gold'), opt.str('policy', 'constructor')]), '`policy` must be one of'],
  ['/distribute policy FEWEST (not the choice value)', distribute(() => [opt.str('quality', 'gold'), opt.str('policy', 'FEWEST')]), '`policy` must be one of'],
  ['/distribute link_type near miss', distribute(() => [opt.str('quality', 'gold'), opt.str('link_type', 'Damage on Ship')]), 'Did you mean'],
  ['/distribute a type in the catalog but not in stock', distribute(() => [opt.str('quality', 'silver'), opt.str('link_type', 'Damage on Ships')]), 'No silver Damage on Ships links are in stock'],
  ['/member list rank Admin', () => h.run(h.alice, 'member', 'list', [opt.str('rank', 'Admin')]), 'Rank must be one of Book Worm, Scholar, Sage, Maester'],
  ['/member list rank constructor', () => h.run(h.alice, 'member', 'list', [opt.str('rank', 'constructor')]), 'Rank must be one of'],
  ['/member list rank sage (not the choice value)', () => h.run(h.alice, 'member', 'list', [opt.str('rank', 'sage')]), 'Rank must be one of'],
  ['/history quality mithril', () => h.run(h.alice, 'history', null, [opt.str('quality', 'mithril')]), 'Quality must be bronze, silver or gold'],
];

const revert = (distribution: () => string) => () => h.run(h.officer, 'revert', null, [opt.str('distribution', distribution())]);
const removeLink = (link: () => string) => () => h.run(h.officer, 'inventory', 'remove', [opt.str('link', link())]);
const showList = (list: () => string) => () => h.run(h.alice, 'list', 'show', [opt.str('list', list())]);
const NO_DISTRIBUTION = 'There is no such distribution';
const idCases: Case[] = [
  ['/revert distribution of whitespace only', revert(() => '   '), 'Give the distribution to revert'],
  ['/revert distribution of 300 characters', revert(() => 'd'.repeat(300)), 'too long'],
  ['/revert distribution with control characters', revert(() => 'dist_\u0000\u0007\u001b[31m'), NO_DISTRIBUTION],
  ['/revert a cancelled draw', revert(() => cancelledId), 'not a standing award'],
  ['/revert an open draw', revert(() => openId), 'not a standing award'],
  ['/revert the history marker', revert(() => '#history'), NO_DISTRIBUTION],
  ['/revert a tampered safe form', revert(() => '~@@@'), NO_DISTRIBUTION],
  ['/revert the safe form of the history marker', revert(() => `~${base64url('#history')}`), NO_DISTRIBUTION],
  ['/inventory remove link of whitespace only', removeLink(() => '   '), '`link` is empty'],
  ['/inventory remove link of 3,000 characters', removeLink(() => 'gold_'.repeat(600)), '`link` is too long'],
  ['/inventory remove link with control characters', removeLink(() => 'gold_\u0000\u0001\u007f'), 'No available link has that id'],
  ['/inventory remove a handed-out link', removeLink(() => handedOutLinkId), 'has been handed out'],
  ['/list show list of whitespace only', showList(() => '   '), '`list` is empty'],
  ['/list show list of 3,000 characters', showList(() => 'list_'.repeat(600)), '`list` is too long'],
  ['/list show the active-list guard item', showList(() => 'active-guard#gold'), 'There is no such list'],
  ['/list show list with control characters', showList(() => 'list_\u0000\u0085'), 'There is no such list'],
  ['/list close a closed list', () => h.run(h.officer, 'list', 'close', [opt.str('list', closedListId)]), 'That list is closed'],
  ['/list add a list of another guild member who left', () => h.run(h.officer, 'list', 'add', [opt.str('list', goldListId), opt.user('user', dave.id)]), 'is not on the roster'],
  ['/distribute list of another quality', distribute(() => [opt.str('quality', 'gold'), opt.str('list', silverListId)]), 'That list hands out silver links, not gold'],
  ['/distribute a closed list', distribute(() => [opt.str('quality', 'gold'), opt.str('list', closedListId)]), 'That list is closed'],
  ['/distribute list of 3,000 characters', distribute(() => [opt.str('quality', 'gold'), opt.str('list', 'list_'.repeat(600))]), '`list` is too long'],
  ['/distribute list that does not exist', distribute(() => [opt.str('quality', 'gold'), opt.str('list', 'list_gold_nope')]), 'There is no such list'],
];

const EXPIRED = 'These buttons have expired';
const forge = (customId: () => string, user: () => EmulatedUser = () => h.officer, messageId: () => string = () => rosterMessageId) => () => h.forge(user(), messageId(), customId());
const fixed = (id: string) => () => id;
/** A confirmation's `until` that has not passed yet, by the bot's clock. */
const inTenMinutes = () => Math.floor(h.clock.nowMs() / 1000) + 600;
const forgedCases: Case[] = [
  ['action constructor', forge(fixed('member:constructor')), EXPIRED],
  ['action toString', forge(fixed('member:toString')), EXPIRED],
  ['action __proto__', forge(fixed('member:__proto__')), EXPIRED],
  ['action hasOwnProperty', forge(fixed('member:hasOwnProperty')), EXPIRED],
  ['action valueOf with arguments', forge(fixed('member:valueOf:all:0')), EXPIRED],
  ['command constructor', forge(fixed('constructor:page:all:0')), EXPIRED],
  ['command __proto__', forge(fixed('__proto__:page')), EXPIRED],
  ['an unknown command', forge(fixed('nope:page:all:0')), EXPIRED],
  ['no action at all', forge(fixed('member')), EXPIRED],
  ['an empty custom id', forge(fixed('')), EXPIRED],
  ['too few arguments', forge(fixed('member:page:all')), EXPIRED],
  ['too many arguments', forge(fixed('member:page:all:0:0')), EXPIRED],
  ['a page number past what the codec allows', forge(fixed('member:page:all:10001')), EXPIRED],
  ['a negative page number', forge(fixed('member:page:all:-1')), EXPIRED],
  ['a rank code that does not exist', forge(fixed('member:page:everyone:0')), EXPIRED],
  ['an overlong custom id', forge(fixed(`member:page:all:${'0'.repeat(120)}`)), EXPIRED],
  ['a control character in the custom id', forge(fixed('member:page:all:0\u0000')), EXPIRED],
  ['history pages past the last one read', forge(() => `history:page:${historyKey}:7`, () => h.officer, () => historyMessageId), 'That page does not exist any more'],
  ['history pages of an unknown key', forge(fixed('history:page:000000000000:1'), () => h.officer, () => historyMessageId), 'These pages have expired'],
  ['history pages of someone else', forge(() => `history:page:${historyKey}:1`, () => h.alice, () => historyMessageId), 'Run /history yourself'],
  ['member:remove by a non-officer', forge(() => removeConfirmId, () => h.alice, () => removeMessageId), 'Only officers can do that'],
  ['member:remove with an expired until, by an officer', forge(() => `member:remove:${h.alice.id}:1000`, () => h.officer, () => removeMessageId), 'This confirmation expired'],
  // A safe form must round-trip: "~" + base64url of an id that needs none is not one.
  ['revert:confirm with a tampered safe form', forge(() => `revert:confirm:~${base64url(awardId)}:${inTenMinutes()}`, () => h.officer, () => revertMessageId), EXPIRED],
  ['revert:confirm with a safe form changed into another id', forge(() => `revert:confirm:~${base64url('dist_\u0001')}:${inTenMinutes()}`, () => h.officer, () => revertMessageId), NO_DISTRIBUTION],
  ['revert:confirm of the history marker', forge(() => `revert:confirm:~${base64url('#history')}:99999999999`, () => h.officer, () => revertMessageId), NO_DISTRIBUTION],
  ['revert:confirm with an expired until', forge(() => `revert:confirm:${awardId}:1000`, () => h.officer, () => revertMessageId), 'This confirmation expired; nothing was reverted'],
  ['revert:confirm by a non-officer', forge(() => revertConfirmId, () => h.carol, () => revertMessageId), 'Only officers can do that'],
  ['distribute:confirm with a wrong version', forge(() => `distribute:confirm:${drawId}:999`, () => h.officer, () => drawMessageId), 'The draw changed since you looked'],
  ['distribute:reroll with a wrong version', forge(() => `distribute:reroll:${drawId}:0`, () => h.officer, () => drawMessageId), 'The draw changed since you looked'],
  ['distribute:confirm of a draw that does not exist', forge(fixed('distribute:confirm:dist_nope:1'), () => h.officer, () => drawMessageId), 'This draw no longer exists'],
  ['distribute:cancel of a cancelled draw', forge(() => `distribute:cancel:${cancelledId}`, () => h.officer, () => drawMessageId), 'This draw was cancelled'],
  ['distribute:confirm by a non-officer', forge(() => drawConfirmId, () => h.alice, () => drawMessageId), 'Only officers can do that'],
  ['distribute:delivered of an open draw', forge(() => `distribute:delivered:${openId}`, () => h.officer, () => drawMessageId), 'not an award'],
  ['distribute:delivered by neither an officer nor the winner', forge(() => `distribute:delivered:${awardId}`, () => h.carol, () => drawMessageId), 'Only an officer, or the member who won it'],
  ['deliveries:delivered of the history marker', forge(() => `deliveries:delivered:~${base64url('#history')}:0`), 'There is no such award'],
  ['deliveries:delivered of a cancelled draw', forge(() => `deliveries:delivered:${cancelledId}:0`), 'not an award'],
  ['a select value outside its options', select(() => h.officer, () => rosterMessageId, 'member:rank', ['constructor']), 'Pick a rank from the list'],
  ['a select with no value', select(() => h.officer, () => rosterMessageId, 'member:rank', []), 'Pick a rank from the list'],
  ['a button id sent as a select', select(() => h.officer, () => rosterMessageId, 'member:page:all:0', ['all']), EXPIRED],
  ['a select id sent as a button', forge(fixed('member:rank')), EXPIRED],
];

const event = (subcommand: string, options: () => CommandOption[], as: () => EmulatedUser = () => h.officer) => () => h.run(as(), 'event', subcommand, options());
const checkIn = (eventId: () => string, as: () => EmulatedUser = () => h.alice, messageId: () => string = () => openEventMessageId) => () => h.forge(as(), messageId(), `event:checkin:${safeIdForm(eventId())}`);
const owe = (options: () => CommandOption[], as: () => EmulatedUser = () => h.officer) => () => h.run(as(), 'member', 'owe', options());
const ONLY_OFFICERS = 'Only officers can do that';
const NO_EVENT = 'There is no such event';
const attendanceCases: Case[] = [
  ['/event start kind raid', event('start', () => [opt.str('kind', 'raid')]), '`kind` must be one of boss, omni, other'],
  ['/event start kind constructor', event('start', () => [opt.str('kind', 'constructor')]), '`kind` must be one of'],
  ['/event start name of 61 characters', event('start', () => [opt.str('kind', 'boss'), opt.str('name', 'n'.repeat(61))]), 'at most 60 characters'],
  ['/event start by a member', event('start', () => [opt.str('kind', 'boss')], () => h.alice), ONLY_OFFICERS],
  ['/event close by a member', event('close', () => [], () => h.bob), ONLY_OFFICERS],
  ['/event attend by a member (themself)', event('attend', () => [opt.user('user', h.alice.id)], () => h.alice), ONLY_OFFICERS],
  ['/event absent by a member', event('absent', () => [opt.user('user', h.bob.id)], () => h.alice), ONLY_OFFICERS],
  ['/event close event of whitespace only', event('close', () => [opt.str('event', '   ')]), '`event` is empty'],
  ['/event close event of 3,000 characters', event('close', () => [opt.str('event', 'event#'.repeat(500))]), '`event` is too long'],
  ['/event close a forged event id', event('close', () => [opt.str('event', 'event#00000000-0000-0000-0000-000000000000')]), NO_EVENT],
  ['/event show the events head item', event('show', () => [opt.str('event', 'events#head')], () => h.alice), NO_EVENT],
  ['/event show a list id', event('show', () => [opt.str('event', goldListId)], () => h.alice), NO_EVENT],
  ['/event close a closed event', event('close', () => [opt.str('event', closedEventId)]), 'has closed'],
  ['/event attend someone not on the roster', event('attend', () => [opt.user('user', erin.id), opt.str('event', openEventId)]), 'is not on the roster'],
  ['/event absent someone never checked in', event('absent', () => [opt.user('user', h.carol.id), opt.str('event', openEventId)]), 'already marked that way'],
  ['event:checkin after the close', checkIn(() => closedEventId, () => h.alice, () => closedEventMessageId), 'Check-in for that event has closed'],
  ['event:checkin of a forged event id', checkIn(() => 'event#00000000-0000-0000-0000-000000000000'), NO_EVENT],
  ['event:checkin of the events head item', checkIn(() => 'events#head'), NO_EVENT],
  ['event:checkin of a list', checkIn(() => goldListId), NO_EVENT],
  ['event:checkin by someone not on the roster', checkIn(() => openEventId, () => erin), 'not on the roster'],
  ['/member owe by a member', owe(() => [opt.user('user', h.alice.id), opt.str('quality', 'gold'), opt.str('reason', 'me')], () => h.alice), ONLY_OFFICERS],
  ['/member owe quality diamond', owe(() => [opt.user('user', h.alice.id), opt.str('quality', 'diamond'), opt.str('reason', 'r')]), 'Quality must be bronze, silver or gold'],
  ['/member owe quality constructor', owe(() => [opt.user('user', h.alice.id), opt.str('quality', 'constructor'), opt.str('reason', 'r')]), 'Quality must be bronze, silver or gold'],
  ['/member owe reason of whitespace only', owe(() => [opt.user('user', h.alice.id), opt.str('quality', 'gold'), opt.str('reason', '  \u200b ')]), 'Give a reason'],
  ['/member owe reason of 5,000 characters', owe(() => [opt.user('user', h.alice.id), opt.str('quality', 'gold'), opt.str('reason', '@everyone '.repeat(500))]), 'at most 200 characters'],
  ['/member owe someone not on the roster', owe(() => [opt.user('user', erin.id), opt.str('quality', 'gold'), opt.str('reason', 'r')]), 'is not on the roster'],
  ['/member forgive someone owed nothing', () => h.run(h.officer, 'member', 'forgive', [opt.user('user', h.carol.id)]), 'is owed nothing'],
  ['/member forgive by a member', () => h.run(h.alice, 'member', 'forgive', [opt.user('user', h.alice.id)]), ONLY_OFFICERS],
  ['list:next of a list still waiting', forge(() => `list:next:${goldListId}`), 'still waiting'],
  ['list:next by a member', forge(() => `list:next:${goldListId}`, () => h.alice), ONLY_OFFICERS],
  ['list:next of the active-list guard', forge(() => `list:next:${safeIdForm('active-guard#gold')}`), 'There is no such list'],
];

const NOT_IN_DMS = 'not in direct messages';
const OTHER_GUILD = 'serves only the guild it was set up for';
const contextCases: Case[] = [
  ['/member info from a DM', () => answered(h.emulator.sendSubcommand(h.alice, 'member', 'info', [], { guildId: null })), NOT_IN_DMS],
  ['/distribute from a DM', () => answered(h.emulator.sendCommand(h.officer, 'distribute', [opt.str('quality', 'gold')], { guildId: null })), NOT_IN_DMS],
  ['/inventory add from another guild', () => answered(h.emulator.sendSubcommand(h.officer, 'inventory', 'add', [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'gold')], { guildId: nextSnowflake() })), OTHER_GUILD],
  ['/revert from another guild', () => answered(h.emulator.sendCommand(h.officer, 'revert', [opt.str('distribution', awardId)], { guildId: nextSnowflake() })), OTHER_GUILD],
  ['/member add someone not in the guild', () => h.run(h.officer, 'member', 'add', [opt.user('user', dave.id)]), 'is not a member of this server'],
  ['/member add a bot', () => h.run(h.officer, 'member', 'add', [opt.user('user', robot.id)]), 'Bots cannot be on the roster'],
  ['/member promote a bot', () => h.run(h.officer, 'member', 'promote', [opt.user('user', robot.id)]), 'is not on the roster'],
  ['/member info of someone not in the guild', () => h.run(h.alice, 'member', 'info', [opt.user('user', dave.id)]), 'is not on the roster'],
  ['/member away of someone else, by a member', away('none', () => h.bob), 'You can mark only yourself away'],
  ['/member away of the officer themself, not on the roster', () => h.run(h.officer, 'member', 'away', [opt.user('user', h.officer.id), opt.str('until', 'none')]), 'is not on the roster'],
  ['/distribute to someone not in the guild', distribute(() => [opt.str('quality', 'gold'), opt.user('member', dave.id)]), 'is not a member of this server'],
  ['/distribute to a bot', distribute(() => [opt.str('quality', 'gold'), opt.user('member', robot.id)]), 'That member is not on the roster'],
  ['/distribute to the officer themself, not on the roster', distribute(() => [opt.str('quality', 'gold'), opt.user('member', h.officer.id)]), 'That member is not on the roster'],
  ['/history of someone else, by a member', () => h.run(h.alice, 'history', null, [opt.user('member', h.bob.id)]), 'You can see only your own history'],
  ['/want list of a bot', () => h.run(h.alice, 'want', 'list', [opt.user('member', robot.id)]), 'is not on the roster'],
];

describe('refused cleanly: ephemeral, short, actionable, no ping, and the four tables unchanged', () => {
  describe.each([
    ['dates', dateCases],
    ['names and options', nameCases],
    ['stock, notes and link types', stockCases],
    ['choices sent outside their choices', optionCases],
    ['ids', idCases],
    ['forged and overlong custom ids', forgedCases],
    ['who and where', contextCases],
    ['attendance, events and debts', attendanceCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('%s', async (_label, send, expected) => {
      const before = await snapshot();
      const answer = await send();
      expectRefused(answer, expected);
      expect(await snapshot()).toBe(before);
    });
  });
});

describe('a known action forged onto another command’s message', () => {
  it.each([
    ['member:keep (an officer’s Cancel) onto the public draw message', () => `member:keep:${h.alice.id}`, () => h.officer],
    ['revert:cancel onto the public draw message', () => `revert:cancel:${awardId}`, () => h.officer],
    ['member:page (a member’s roster page) onto the public draw message', () => 'member:page:all:0', () => h.alice],
  ])('%s answers on its own, ephemerally, and leaves the draw message as it was', async (_label, customId, user) => {
    const before = JSON.stringify(h.emulator.messages.get(drawMessageId));
    const tables = await snapshot();
    const answer = await h.forge(user(), drawMessageId, customId());
    expectClean(answer);
    expect(answer.ephemeral).toBe(true);
    expect(answer.messageId).not.toBe(drawMessageId);
    expect(JSON.stringify(h.emulator.messages.get(drawMessageId))).toBe(before);
    expect(h.emulator.buttonsOf(drawMessageId).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);
    expect(await snapshot()).toBe(tables);
  });

  it('an expired remove confirmation forged onto the officer’s own confirmation leaves it usable', async () => {
    const before = JSON.stringify(h.emulator.messages.get(removeMessageId));
    const answer = await h.forge(h.officer, removeMessageId, `member:remove:${h.alice.id}:1000`);
    expect(answer.ephemeral).toBe(true);
    expect(answer.messageId).not.toBe(removeMessageId);
    expect(JSON.stringify(h.emulator.messages.get(removeMessageId))).toBe(before);
  });
});

describe('handled correctly', () => {
  it('whitespace around a join date is ignored', async () => {
    const frank = h.newUser('frank');
    const day = h.clock.daysAgo(300);
    const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', frank.id), opt.str('join_date', ` ${day} `)]);
    expectClean(answer);
    expect(answer.text).toContain('Added to the roster');
    expect((await h.storage.services.members.get(frank.id))?.join_date).toBe(day);
  });

  it('an empty join date is the same as none: the Discord join date', async () => {
    const gina = h.newUser('gina', { joinedAt: `${h.clock.daysAgo(45)}T08:00:00.000Z` });
    const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', gina.id), opt.str('join_date', '')]);
    expectClean(answer);
    expect((await h.storage.services.members.get(gina.id))?.join_date).toBe(h.clock.daysAgo(45));
  });

  it('an officer may add themself', async () => {
    const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', h.officer.id)]);
    expectClean(answer);
    expect(answer.text).toContain('Added to the roster');
    expect(await h.storage.services.members.get(h.officer.id)).toBeDefined();
  });

  it('away: a future date with whitespace is set; "none" (any case, any whitespace) clears it; a member may mark themself', async () => {
    const until = h.clock.daysAgo(-10);
    const set = await h.run(h.alice, 'member', 'away', [opt.user('user', h.alice.id), opt.str('until', `  ${until}\t`)]);
    expectClean(set);
    expect((await h.storage.services.members.get(h.alice.id))?.away_until).toBe(until);
    for (const none of ['none', ' NONE ']) {
      await h.storage.services.members.setAway(h.alice.id, until);
      const cleared = await h.run(h.officer, 'member', 'away', [opt.user('user', h.alice.id), opt.str('until', none)]);
      expectClean(cleared);
      expect(cleared.text).toContain('is in random draws again');
      expect((await h.storage.services.members.get(h.alice.id))?.away_until).toBeUndefined();
    }
  });

  it('a link type differing only in case and spaces is found', async () => {
    const answer = await h.run(h.alice, 'inventory', 'list', [opt.str('link_type', '  damage ON   ships ')]);
    expectClean(answer);
    expect(answer.text).toContain('Damage on Ships');
  });

  it('pages past the last are the last page; a select with two values takes the first', async () => {
    const roster = await h.forge(h.alice, rosterMessageId, 'member:page:all:10000');
    expectClean(roster);
    expect(roster.text).toMatch(/page 1 of 1/);
    const deliveries = await h.run(h.officer, 'deliveries', null, []);
    const page = await h.forge(h.officer, deliveries.messageId!, 'deliveries:page:10000');
    expectClean(page);
    expect(page.text).toMatch(/page \d+ of \d+/);
    const both = await select(() => h.officer, () => rosterMessageId, 'member:rank', ['sage', 'all'])();
    expectClean(both);
    expect(both.text).toContain('Roster · Sage');
  });

  // Names a list may have: Unicode of every kind, mentions and Markdown, shown as typed and inert.
  // Every row has all three columns: jest takes a missing one for a `done` callback.
  const names: [string, string, string | null][] = [
    ['emoji', '🎉 Bronze 🎉', null],
    ['right-to-left text', 'רשימת ארד', null],
    ['combining marks', 'Cafe\u0301 Z\u0335\u0321a\u0336lgo', null],
    ['a zero-width character inside', 'Bro\u200bnze', null],
    ['a right-to-left override inside', 'Bronze \u202eesrever', null],
    ['exactly 60 characters', 'B'.repeat(60), null],
    ['@everyone', '@everyone', null],
    ['@here', '@here', null],
    ['a role mention', '<@&ROLE>', null],
    ['a user mention', '<@ALICE>', null],
    ['bold', '**bold**', '**bold**'],
    ['underline', '__under__', '__under__'],
    ['a spoiler', '||spoiler||', '||spoiler||'],
    ['inline code', '`code`', '`code`'],
    ['a block quote', '> quote', '> quote'],
    ['a heading', '# heading', '# heading'],
    ['a masked link', '[click me](https://evil.example)', '[click me](https://evil.example)'],
  ];
  it.each(names)('a list named with %s is created as typed, pinging nobody, its Markdown escaped', async (_label, template, raw) => {
    const name = template.replace('ROLE', h.officerRoleId).replace('ALICE', h.alice.id);
    for (const left of await h.storage.services.lists.listActive('bronze')) await h.storage.services.lists.close(left.list_id);
    const answer = await h.run(h.officer, 'list', 'create', [opt.str('name', name), opt.str('quality', 'bronze'), opt.str('fill', 'empty')]);
    expectClean(answer);
    expect(answer.text).toContain('New list');
    expect(answer.text).not.toMatch(LIVE_MENTION);
    if (raw) expect(unescaped(answer.text, raw)).toBe(0);
    const [list] = await h.storage.services.lists.listActive('bronze');
    expect(list.list_name).toBe(name);
    const shown = await h.run(h.alice, 'list', 'show', [opt.str('list', list.list_id)]);
    expectClean(shown);
    expect(shown.text).not.toMatch(LIVE_MENTION);
    if (raw) expect(unescaped(shown.text, raw)).toBe(0);
    await h.storage.services.lists.close(list.list_id);
  });

  const notes: [string, string, string[]][] = [
    ['mentions', '@everyone @here <@&ROLE> <@ALICE>', []],
    ['inline Markdown', '**b** __u__ ||s|| `c` ~~x~~', ['**b**', '__u__', '||s||', '`c`', '~~x~~']],
    ['a block quote', '> quoted', ['> quoted']],
    ['a heading', '# heading', ['# heading']],
    ['a masked link', '[free gold](https://evil.example)', ['[free gold](https://evil.example)']],
    ['the maximum length (200)', 'n'.repeat(199) + '!', []],
  ];
  it.each(notes)('/inventory add notes with %s are kept as typed and shown inert', async (_label, template, raws) => {
    const text = template.replace('ROLE', h.officerRoleId).replace('ALICE', h.alice.id);
    const answer = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Crewmember Damage'), opt.str('quality', 'bronze'), opt.str('notes', text)]);
    expectClean(answer);
    expect(answer.text).toContain('Added 1 link');
    expect(answer.text).not.toMatch(LIVE_MENTION);
    for (const raw of raws) expect(unescaped(answer.text, raw)).toBe(0);
    if (text.length === 200) expect(answer.text).toContain(text);
    const stored = (await h.storage.services.inventory.listAvailable({ quality: 'bronze' })).filter((l) => l.notes === text);
    expect(stored).toHaveLength(1);
  });
});

describe('autocomplete', () => {
  const focused = (name: string, value = ''): CommandOption => ({ name, type: OptionType.String, value, focused: true });
  const officerOnly: [string, string, CommandOption[]][] = [
    ['/inventory add link_type', 'inventory', sub('add', [focused('link_type', 'Dam')])],
    ['/inventory remove link', 'inventory', sub('remove', [focused('link')])],
    ['/list add list', 'list', sub('add', [focused('list')])],
    ['/list remove list', 'list', sub('remove', [focused('list')])],
    ['/list close list', 'list', sub('close', [focused('list')])],
    ['/distribute link_type', 'distribute', [opt.str('quality', 'gold'), focused('link_type')]],
    ['/distribute list', 'distribute', [opt.str('quality', 'gold'), focused('list')]],
    ['/revert distribution', 'revert', [focused('distribution')]],
  ];

  /** The choices offered, and how many DynamoDB requests the bot sent to offer them. */
  async function suggest(user: EmulatedUser, command: string, options: CommandOption[]) {
    const mark = meter.mark;
    const answer = await h.emulator.answerTo(h.emulator.sendAutocomplete(user, command, options));
    return { choices: answer.data.choices as { name: string; value: string }[], requests: meter.since(mark) };
  }

  it.each(officerOnly)('%s asked by a member offers nothing, for at most 2 DynamoDB requests a keystroke', async (_label, command, options) => {
    const before = await snapshot();
    const { choices, requests } = await suggest(h.carol, command, options);
    expect(choices).toEqual([]);
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests.every((r) => r.operation === 'GetItem')).toBe(true);
    expect(await snapshot()).toBe(before);
  });

  it('/revert suggestions for an officer: the history marker, the newest months’ markers, then the newest days until 25 awards, whatever the history', async () => {
    const { choices, requests } = await suggest(h.officer, 'revert', [focused('distribution')]);
    expect(choices.length).toBeGreaterThan(0);
    // Here every award is on one day: one query. However long the history, at most 10 days are read.
    expect(requests.map((r) => r.operation)).toEqual(['GetItem', 'BatchGetItem', 'Query']);
  });

  it('a 5,000-character keystroke, a mention and __proto__ get choices within Discord’s limits', async () => {
    for (const value of ['Damage '.repeat(700), '@everyone <@&1>', '__proto__', '\u0000\u202e']) {
      const { choices } = await suggest(h.officer, 'inventory', sub('add', [focused('link_type', value)]));
      expect(choices.length).toBeLessThanOrEqual(25);
      const list = await suggest(h.officer, 'list', sub('close', [focused('list', value)]));
      expect(list.choices.length).toBeLessThanOrEqual(25);
    }
  });
});
