/**
 * The dashboard's writes over HTTP (docs/web-api.md), signed in through the real OAuth2 flow: for
 * each route, authentication (401), permission (403), the CSRF header (403), validation (400),
 * conflicts (409), unknown ids (404) and the happy path, with the tables read for the truth. A
 * refused request is shown to have written nothing by snapshotting all four tables.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { openShardId } from '../../src/services/open-draws';
import { eventually } from '../support/eventually';
import { Routes } from 'discord.js';
import { idFromSafeForm, safeIdForm } from '../../src/domain/ids';
import { testEndpoint } from '../support/dynamo';
import { DynamoProxy } from '../support/dynamo-proxy';
import type { EmulatedUser } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { followDrawMessages, signIn, snapshotTables, WebClient, type DrawMessages, type WebResponse } from '../support/web';

let h: Harness;
let officer: WebClient;
let alice: WebClient;
let bob: WebClient;
let admin: WebClient;
let stranger: EmulatedUser;
let messages: DrawMessages;

const LIMITS = { signInPerMinute: 1_000, writesPerMinute: 1_000 };

/** Every write route, with a body that would pass validation. */
const WRITES: [method: 'POST' | 'DELETE', path: string, body: unknown, who: 'officer' | 'member'][] = [
  ['POST', '/api/v1/members', { user_id: '123456789012345678' }, 'officer'],
  ['POST', '/api/v1/stock', { link_type: 'Damage on Ships', quality: 'gold', count: 1 }, 'officer'],
  ['POST', '/api/v1/lists', { name: 'Refused', quality: 'bronze' }, 'officer'],
  ['POST', '/api/v1/lists/list_bronze_x/members', { user_id: '123456789012345678' }, 'officer'],
  ['DELETE', '/api/v1/lists/list_bronze_x/members/123456789012345678', undefined, 'officer'],
  ['POST', '/api/v1/lists/list_bronze_x/close', undefined, 'officer'],
  ['POST', '/api/v1/draws', { quality: 'gold' }, 'officer'],
  ['POST', '/api/v1/draws/dist_x/confirm', { version: 1 }, 'officer'],
  ['POST', '/api/v1/draws/dist_x/reroll', { version: 1 }, 'officer'],
  ['POST', '/api/v1/draws/dist_x/cancel', undefined, 'officer'],
  ['POST', '/api/v1/distributions/dist_x/revert', undefined, 'officer'],
  ['POST', '/api/v1/distributions/dist_x/delivered', undefined, 'member'],
  ['POST', '/api/v1/me/wants', { link_type: 'Damage on Ships' }, 'member'],
  ['DELETE', '/api/v1/me/wants/Damage%20on%20Ships', undefined, 'member'],
  ['POST', '/api/v1/events', { kind: 'boss' }, 'officer'],
  ['POST', '/api/v1/events/event_x/close', undefined, 'officer'],
  ['POST', '/api/v1/events/event_x/attendees', { user_id: '123456789012345678' }, 'member'],
  ['DELETE', '/api/v1/events/event_x/attendees/123456789012345678', undefined, 'officer'],
  ['POST', '/api/v1/members/123456789012345678/debts', { quality: 'gold', reason: 'missed out' }, 'officer'],
  ['DELETE', '/api/v1/members/123456789012345678/debts', undefined, 'officer'],
];
const OFFICER_READS = ['/api/v1/draws', '/api/v1/draws/dist_x', '/api/v1/deliveries'];

const send = (client: WebClient, method: 'POST' | 'DELETE', path: string, body: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}) =>
  method === 'POST' ? client.post(path, body, options) : client.delete(path, options);

const services = () => h.storage.services;
const member = (id: string) => services().members.get(id, true);
const available = async (type: string, quality: 'bronze' | 'silver' | 'gold') => (await services().inventory.stock({ quality, linkType: type }))[0]?.count ?? 0;

/**
 * A draw started on the web, of a type only this test stocks, once the bot has posted it in the
 * announcement channel and recorded where (so no write of that lands in a later snapshot).
 */
async function webDraw(type: string, quality: 'bronze' | 'silver' | 'gold' = 'gold', extra: Record<string, unknown> = {}): Promise<WebResponse> {
  await h.seedLinks(quality, type);
  const res = await officer.post('/api/v1/draws', { quality, link_type: type, ...extra });
  if (res.status !== 201) throw new Error(`draw answered ${res.status}: ${res.text}`);
  await messages.posted(idOf(res.json.draw.id));
  return res;
}

beforeAll(async () => {
  h = await startHarness({ web: true, webRateLimits: LIMITS });
  stranger = h.newUser('stranger', { inGuild: false });
  messages = followDrawMessages(h);
  await h.seedMember(h.alice, { days: 400 });
  await h.seedMember(h.bob, { days: 45 });
  await h.seedMember(h.carol, { days: 5 });
  await h.seedMember(h.officer, { days: 200 });
  // One at a time: the emulator's consent page signs in whoever it was last told.
  officer = await signIn(h, h.officer);
  alice = await signIn(h, h.alice);
  bob = await signIn(h, h.bob);
  admin = await signIn(h, h.admin);
});
afterAll(() => h?.stop());

describe('every write route', () => {
  it.each(WRITES)('%s %s answers 401 without a session, writing nothing', async (method, path, body) => {
    const before = await snapshotTables(h);
    const res = await send(new WebClient(h.webUrl!), method, path, body);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: expect.stringContaining('Not signed in') });
    expect(await snapshotTables(h)).toBe(before);
  });

  it('refuses a tampered cookie on a write (401), writing nothing', async () => {
    const forged = new WebClient(h.webUrl!);
    const value = officer.jar.get('ff_session')!;
    forged.jar.set('ff_session', value.slice(0, -1) + (value.at(-1) === 'A' ? 'B' : 'A'));
    forged.csrf = officer.csrf;
    const before = await snapshotTables(h);
    expect((await forged.post('/api/v1/stock', { link_type: 'Damage on Ships', quality: 'gold' })).status).toBe(401);
    expect(await snapshotTables(h)).toBe(before);
  });

  it('refuses a write without the CSRF token, with a wrong one, or from another site (403), writing nothing', async () => {
    const before = await snapshotTables(h);
    for (const [method, path, body, who] of WRITES) {
      const client = who === 'officer' ? officer : alice;
      const missing = await send(client, method, path, body, { csrf: false });
      expect([path, missing.status, missing.json.error]).toEqual([path, 403, expect.stringContaining('X-CSRF-Token')]);
      const wrong = await send(client, method, path, body, { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } });
      expect([path, wrong.status]).toEqual([path, 403]);
      const elsewhere = await send(client, method, path, body, { headers: { origin: 'https://evil.example' } });
      expect([path, elsewhere.status]).toEqual([path, 403]);
    }
    expect(await snapshotTables(h)).toBe(before);
  });

  it('refuses a member every officer route (403) before reading the body, writing nothing', async () => {
    await h.seedLinks('gold', 'Spell Damage');
    const before = await snapshotTables(h);
    for (const [method, path, body] of WRITES.filter(([, , , who]) => who === 'officer')) {
      const res = await send(alice, method, path, body);
      expect([method, path, res.status, res.json]).toEqual([method, path, 403, { error: 'Only officers can do this. Nothing was changed.' }]);
      // An invalid body is refused the same way: a member learns nothing about the route.
      expect((await send(alice, method, path, { nonsense: true })).status).toBe(403);
    }
    for (const path of OFFICER_READS) expect([path, (await alice.get(path)).status]).toEqual([path, 403]);
    expect(await snapshotTables(h)).toBe(before);
  });

  it('counts every write against the per-user limit', async () => {
    for (const [method, path, body, who] of WRITES) {
      const res = await send(who === 'officer' ? officer : alice, method, path, body, { csrf: false });
      expect([path, res.headers.get('x-ratelimit-limit')]).toEqual([path, String(LIMITS.writesPerMinute)]);
    }
  });

  it('refuses a body that is not a JSON object, and fields the route does not take (400)', async () => {
    const array = await officer.request('/api/v1/lists', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': officer.csrf! }, body: '[1]' });
    expect(array).toMatchObject({ status: 400, json: { error: 'the body must be a JSON object' } });
    const broken = await officer.request('/api/v1/lists', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': officer.csrf! }, body: '{"name":' });
    expect(broken.status).toBe(400);
    expect(await officer.post('/api/v1/lists', { name: 'x', quality: 'gold', qualty: 'gold' })).toMatchObject({ status: 400, json: { error: 'unknown field "qualty"; this route takes name, quality, fill' } });
  });
});

describe('POST /api/v1/members', () => {
  it('adds a guild member with the day they joined Discord’s server by default (201)', async () => {
    const newcomer = h.newUser('newcomer', { joinedAt: `${h.clock.daysAgo(50)}T18:30:00.000Z` });
    const res = await officer.post('/api/v1/members', { user_id: newcomer.id });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      member: expect.objectContaining({ id: newcomer.id, username: 'newcomer', rank: 'Scholar', days_in_guild: 50, join_date: h.clock.daysAgo(50), officer: false, links_received: 0, wants: [] }),
      join_date_set: false,
    });
    expect(await member(newcomer.id)).toMatchObject({ username: 'newcomer', join_date: h.clock.daysAgo(50), is_officer: false, added_by: h.officer.id });
  });

  it('takes join_date and officer when given', async () => {
    const veteran = h.newUser('veteran');
    const res = await officer.post('/api/v1/members', { user_id: veteran.id, join_date: h.clock.daysAgo(120), officer: true });
    expect(res).toMatchObject({ status: 201, json: { member: { rank: 'Maester', join_date: h.clock.daysAgo(120), officer: true } } });
    expect(await member(veteran.id)).toMatchObject({ is_officer: true, join_date: h.clock.daysAgo(120) });
  });

  it.each([
    ['no user_id', {}, 'user_id is required'],
    ['a user_id that is not an id', { user_id: 'alice' }, 'user_id must be a Discord user id (17–20 digits)'],
    ['a user_id as a number', { user_id: 123456789012345678 }, 'user_id must be a Discord user id (17–20 digits, as text)'],
    ['officer that is not a boolean', { user_id: '123456789012345678', officer: 'yes' }, 'officer must be true or false'],
  ])('refuses %s (400)', async (_, body, error) => {
    expect(await officer.post('/api/v1/members', body)).toMatchObject({ status: 400, json: { error } });
  });

  it('refuses a date that is not a day, or in the future (400), writing nothing', async () => {
    const later = h.newUser('later');
    const before = await snapshotTables(h);
    expect(await officer.post('/api/v1/members', { user_id: later.id, join_date: '2025-02-30' })).toMatchObject({ status: 400, json: { reason: 'bad_date', error: expect.stringContaining('YYYY-MM-DD') } });
    expect(await officer.post('/api/v1/members', { user_id: later.id, join_date: h.clock.daysAgo(-2) })).toMatchObject({ status: 400, json: { reason: 'future_date' } });
    expect(await snapshotTables(h)).toBe(before);
  });

  it('refuses someone outside the guild (400 not_in_guild), found through the bot’s REST client', async () => {
    h.emulator.expectRefusal({ code: 10007, times: 1 });
    const res = await officer.post('/api/v1/members', { user_id: stranger.id });
    expect(res).toMatchObject({ status: 400, json: { reason: 'not_in_guild', error: expect.stringContaining('not a member of Outlands Scholars') } });
    expect(await member(stranger.id)).toBeUndefined();
  });

  it('refuses a bot (400)', async () => {
    const helper = h.newUser('helper-bot');
    // The emulator keeps no bot users: its answer for this one says bot, as Discord's would.
    const rest = h.app.bot.client.rest;
    const original = rest.get.bind(rest);
    const spy = jest.spyOn(rest, 'get').mockImplementation(async (route, options) => {
      const answer = (await original(route, options)) as { user?: object };
      return route === Routes.guildMember(h.guildId, helper.id) ? { ...answer, user: { ...answer.user, bot: true } } : answer;
    });
    try {
      expect(await officer.post('/api/v1/members', { user_id: helper.id })).toMatchObject({ status: 400, json: { reason: 'bot', error: 'Bots cannot be on the roster. Nothing was changed.' } });
    } finally {
      spy.mockRestore();
    }
    expect(await member(helper.id)).toBeUndefined();
  });

  it('refuses someone already on the roster (409), changing nothing', async () => {
    const before = await member(h.alice.id);
    const res = await officer.post('/api/v1/members', { user_id: h.alice.id, officer: true });
    expect(res).toMatchObject({ status: 409, json: { reason: 'exists', error: 'alice is already on the roster. Nothing was changed.', member: { id: h.alice.id } } });
    expect(await member(h.alice.id)).toEqual(before);
  });
});

describe('POST /api/v1/stock', () => {
  it('adds links of a catalog type (201) and says how many want it', async () => {
    const wanted = await alice.post('/api/v1/me/wants', { link_type: 'Follower Damage' });
    expect(wanted.status).toBe(200);
    const res = await officer.post('/api/v1/stock', { link_type: 'follower damage', quality: 'silver', count: 3, notes: 'from the <b>spring</b> raid' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ link_type: 'Follower Damage', quality: 'silver', added: 3, repeated: false, in_stock: 3, wanted_by: 1, notes: 'from the <b>spring</b> raid' });
    expect(res.json.link_ids).toHaveLength(3);
    const links = await services().inventory.listAvailable({ quality: 'silver', linkType: 'Follower Damage' });
    expect(links.map((l) => l.link_id).sort()).toEqual([...res.json.link_ids].sort());
    expect(links.every((l) => l.added_by === h.officer.id && l.notes === 'from the <b>spring</b> raid' && l.is_available === 'true')).toBe(true);
    await alice.delete('/api/v1/me/wants/Follower%20Damage');
  });

  it('adds once when the same request is sent again with the same Idempotency-Key', async () => {
    const body = { link_type: 'Trap Damage', quality: 'bronze', count: 2 };
    const headers = { 'idempotency-key': 'add-trap-damage-1' };
    const first = await officer.post('/api/v1/stock', body, { headers });
    expect(first.status).toBe(201);
    const again = await officer.post('/api/v1/stock', body, { headers });
    expect([200, 201]).toContain(again.status);
    expect(again.json.link_ids.sort()).toEqual(first.json.link_ids.sort());
    expect(await available('Trap Damage', 'bronze')).toBe(2);
    // Another key is another request.
    expect((await officer.post('/api/v1/stock', body, { headers: { 'idempotency-key': 'add-trap-damage-2' } })).status).toBe(201);
    expect(await available('Trap Damage', 'bronze')).toBe(4);
  });

  it.each([
    ['an unknown link type', { link_type: 'Damage on Ship', quality: 'gold' }, /^link_type "Damage on Ship" is not in the catalog; did you mean Damage on Ships/],
    ['no link type', { quality: 'gold' }, /^link_type is required$/],
    ['an unknown quality', { link_type: 'Damage on Ships', quality: 'platinum' }, /^quality must be bronze, silver or gold$/],
    ['a count of 0', { link_type: 'Damage on Ships', quality: 'gold', count: 0 }, /^count must be a whole number from 1 to 50$/],
    ['a count of 51', { link_type: 'Damage on Ships', quality: 'gold', count: 51 }, /^count must be a whole number from 1 to 50$/],
    ['a count of 2.5', { link_type: 'Damage on Ships', quality: 'gold', count: 2.5 }, /^count must be a whole number from 1 to 50$/],
    ['notes over 200 characters', { link_type: 'Damage on Ships', quality: 'gold', notes: 'x'.repeat(201) }, /^notes is longer than 200 characters$/],
  ])('refuses %s (400), adding nothing', async (_, body, error) => {
    const before = await available('Damage on Ships', 'gold');
    const res = await officer.post('/api/v1/stock', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(error);
    expect(await available('Damage on Ships', 'gold')).toBe(before);
  });

  it('suggests catalog names, and refuses a malformed Idempotency-Key', async () => {
    expect((await officer.post('/api/v1/stock', { link_type: 'Damage on Ship', quality: 'gold' })).json.suggestions).toContain('Damage on Ships');
    expect(await officer.post('/api/v1/stock', { link_type: 'Damage on Ships', quality: 'gold' }, { headers: { 'idempotency-key': 'no spaces' } })).toMatchObject({ status: 400 });
  });

  it('serves the catalog for suggestions, to members too', async () => {
    const { link_types } = (await alice.get('/api/v1/catalog')).json;
    expect(link_types.length).toBeGreaterThan(50);
    expect(link_types).toContainEqual({ name: 'Damage on Ships', category: expect.any(String), bonus: expect.objectContaining({ gold: '4.50%' }) });
  });
});

describe('lists', () => {
  it('create (201, filled with every member eligible), a second active list of the quality (409), an empty name (400)', async () => {
    const res = await officer.post('/api/v1/lists', { name: '  Silver summer  ', quality: 'silver' });
    expect(res.status).toBe(201);
    expect(res.json.list).toMatchObject({ name: 'Silver summer', quality: 'silver', active: true, created_by: h.officer.id, winners: [] });
    // Scholars and up: alice, bob, officer and anyone an earlier test added; never carol (5 days).
    const waiting = res.json.list.waiting.map((p: { id: string }) => p.id);
    expect(waiting).toEqual(expect.arrayContaining([h.alice.id, h.bob.id, h.officer.id]));
    expect(waiting).not.toContain(h.carol.id);
    const stored = await services().lists.get(idOf(res.json.list.id), true);
    expect(stored?.eligible_members.sort()).toEqual([...waiting].sort());

    const twice = await officer.post('/api/v1/lists', { name: 'Another', quality: 'silver', fill: 'empty' });
    expect(twice).toMatchObject({ status: 409, json: { reason: 'active_exists', error: expect.stringContaining('already an active silver list (“Silver summer”)'), list: { name: 'Silver summer' } } });
    expect(await officer.post('/api/v1/lists', { name: '   ', quality: 'bronze' })).toMatchObject({ status: 400, json: { error: 'name must not be empty' } });
    expect(await officer.post('/api/v1/lists', { name: 'x', quality: 'bronze', fill: 'everyone' })).toMatchObject({ status: 400, json: { error: 'fill must be eligible or empty' } });
    expect(await services().lists.listActive('bronze')).toEqual([]);
  });

  it('add (200), already waiting (409), not eligible (409), not on the roster (409), unknown list (404); remove (200), not waiting (404); close (200), closed (409)', async () => {
    const created = await officer.post('/api/v1/lists', { name: 'Bronze queue', quality: 'bronze', fill: 'empty' });
    const id = created.json.list.id as string;
    const list = `/api/v1/lists/${encodeURIComponent(id)}`;

    const added = await officer.post(`${list}/members`, { user_id: h.bob.id });
    expect(added).toMatchObject({ status: 200, json: { list: { waiting: [{ id: h.bob.id, username: 'bob' }] } } });
    expect(await officer.post(`${list}/members`, { user_id: h.bob.id })).toMatchObject({ status: 409, json: { reason: 'already_in', error: 'bob is already waiting on that list. Nothing was changed.' } });
    expect(await officer.post(`${list}/members`, { user_id: h.carol.id })).toMatchObject({ status: 409, json: { reason: 'not_eligible', rank: 'Book Worm', error: 'carol is a Book Worm and cannot receive bronze links yet. Nothing was changed.' } });
    expect(await officer.post(`${list}/members`, { user_id: h.admin.id })).toMatchObject({ status: 409, json: { reason: 'not_on_roster' } });
    expect(await officer.post('/api/v1/lists/list_bronze_nothing/members', { user_id: h.bob.id })).toMatchObject({ status: 404, json: { reason: 'list_not_found' } });
    expect(await officer.post('/api/v1/lists/~!!/members', { user_id: h.bob.id })).toMatchObject({ status: 400, json: { error: expect.stringContaining('not a record id') } });
    expect(await officer.post(`${list}/members`, { user_id: 'bob' })).toMatchObject({ status: 400, json: { error: 'user_id must be a Discord user id (17–20 digits)' } });
    expect((await services().lists.get(idOf(id), true))?.eligible_members).toEqual([h.bob.id]);

    expect(await officer.delete(`${list}/members/${h.bob.id}`)).toMatchObject({ status: 200, json: { list: { waiting: [] } } });
    expect(await officer.delete(`${list}/members/${h.bob.id}`)).toMatchObject({ status: 404, json: { reason: 'not_in' } });
    expect(await officer.delete(`${list}/members/bob`)).toMatchObject({ status: 400 });

    expect(await officer.post(`${list}/close`)).toMatchObject({ status: 200, json: { list: { active: false } } });
    expect(await officer.post(`${list}/close`)).toMatchObject({ status: 409, json: { reason: 'closed' } });
    expect(await officer.post(`${list}/members`, { user_id: h.alice.id })).toMatchObject({ status: 409, json: { reason: 'closed' } });
    expect(await officer.post('/api/v1/lists/list_bronze_nothing/close')).toMatchObject({ status: 404 });
    expect((await services().lists.get(idOf(id), true))?.is_active).toBe('false');
    expect((await alice.get('/api/v1/lists')).json.lists.map((l: { name: string }) => l.name)).toEqual(['Silver summer']);
  });

  afterAll(async () => {
    // The draws below draw from every eligible member, not from a list.
    for (const l of await services().lists.listActive()) await services().lists.close(l.list_id);
  });
});

const idOf = (form: string) => idFromSafeForm(form)!;

describe('draws', () => {
  it('start (201): the record as a view, the same as GET /api/v1/draws/{id}, made by the web', async () => {
    const res = await webDraw('Melee Damage');
    const draw = res.json.draw;
    expect(draw).toMatchObject({
      status: 'drawn',
      version: 1,
      method: 'web',
      quality: 'gold',
      link_type: 'Melee Damage',
      bonus: expect.stringMatching(/%$/),
      named: false,
      confirming: false,
      can_reroll: true,
      source: 'eligible',
      list: null,
      drawn_before: [],
      wanting: 0,
      policy: 'uniform',
      drawn_by: h.officer.id,
      figures: null,
      member_id: null,
      left_out: { away: 0, too_new: expect.any(Number), unreadable: 0 },
    });
    // Everyone eligible for gold by now (alice, officer, and the officer an earlier test added).
    expect(draw.pool_size).toBeGreaterThanOrEqual(3);
    expect(draw.winner).toMatchObject({ rank: expect.stringMatching(/^(Sage|Maester)$/), links_received: expect.any(Number), eligible_for: ['bronze', 'silver', 'gold'] });
    expect(Date.parse(draw.expires_at) - Date.parse(draw.drawn_at)).toBe(15 * 60_000);
    const record = await services().distributions.get(idOf(draw.id), true);
    expect(record).toMatchObject({ status: 'drawn', method: 'web', drawn_by: h.officer.id, winner_id: draw.winner.id, pool_size: draw.pool_size });
    expect((await services().draws.pools.read(record!.distribution_id, record!.pool_chunks!)).pool).toContain(draw.winner.id);
    // Posted by the bot in the announcement channel, with its buttons, and found from the record.
    const got = await officer.get(`/api/v1/draws/${draw.id}`);
    expect(got.status).toBe(200);
    expect(got.json.draw.message).toEqual({ channel_id: h.announceChannelId, message_id: expect.any(String), url: `https://discord.com/channels/${h.guildId}/${h.announceChannelId}/${got.json.draw.message.message_id}` });
    expect(h.emulator.buttonsOf(got.json.draw.message.message_id).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);
    expect({ ...got.json.draw, message: null }).toEqual({ ...draw, message: null });
    expect((await officer.get('/api/v1/draws')).json.draws.map((d: { id: string }) => d.id)).toContain(draw.id);
    await officer.post(`/api/v1/draws/${draw.id}/cancel`);
  });

  it.each([
    ['no quality', {}, 400, /^quality is required$/],
    ['an unknown policy', { quality: 'gold', policy: 'oldest' }, 400, /^policy must be one of uniform, fewest, longest$/],
    ['an unknown link type', { quality: 'gold', link_type: 'Melee Damages' }, 400, /not in the catalog; did you mean Melee Damage/],
    ['a list that does not exist', { quality: 'gold', list: 'list_gold_nothing' }, 404, /^There is no such list/],
    ['a link type out of stock', { quality: 'gold', link_type: 'Inferno Damage' }, 409, /^No gold Inferno Damage links are in stock/],
    ['a named member not on the roster', { quality: 'gold', member: 'ADMIN' }, 409, /^That member is not on the roster/],
    ['a named member who cannot receive gold yet', { quality: 'gold', member: 'BOB' }, 409, /^bob cannot receive gold links yet/],
  ])('refuses %s, drawing nothing', async (_, body, status, error) => {
    await h.seedLinks('gold', 'Spell Damage');
    const named = (body as { member?: string }).member;
    const sent = named ? { ...body, member: named === 'ADMIN' ? h.admin.id : h.bob.id } : body;
    const before = await snapshotTables(h);
    const res = await officer.post('/api/v1/draws', sent);
    expect(res.status).toBe(status);
    expect(res.json.error).toMatch(error);
    expect(await snapshotTables(h)).toBe(before);
  });

  it('refuses to name someone outside the guild (400 not_in_guild)', async () => {
    h.emulator.expectRefusal({ code: 10007, times: 1 });
    expect(await officer.post('/api/v1/draws', { quality: 'gold', member: stranger.id })).toMatchObject({ status: 400, json: { reason: 'not_in_guild' } });
  });

  it('names a winner instead of drawing: Reroll is refused (409 named)', async () => {
    const res = await webDraw('Crewmember Damage', 'gold', { member: h.alice.id });
    const draw = res.json.draw;
    expect(draw).toMatchObject({ named: true, can_reroll: false, policy: null, source: 'named', winner: { id: h.alice.id } });
    expect(await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: draw.version })).toMatchObject({ status: 409, json: { reason: 'named', draw: { id: draw.id, version: 1 } } });
    expect((await officer.post(`/api/v1/draws/${draw.id}/cancel`)).status).toBe(200);
  });

  it('reroll (200) draws another; a stale version is refused (409 changed) with the draw as it is now', async () => {
    const draw = (await webDraw('Ship Cannon Damage')).json.draw;
    const rolled = await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: draw.version });
    expect(rolled.status).toBe(200);
    expect(rolled.json.draw).toMatchObject({ version: 2, drawn_before: [{ id: draw.winner.id, username: expect.any(String) }] });
    expect(rolled.json.draw.winner.id).not.toBe(draw.winner.id);
    const stale = await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: 1 });
    expect(stale).toMatchObject({ status: 409, json: { reason: 'changed', error: expect.stringContaining('The draw changed since you looked'), draw: { version: 2, winner: { id: rolled.json.draw.winner.id } } } });
    expect(await officer.post(`/api/v1/draws/${draw.id}/reroll`, {})).toMatchObject({ status: 400, json: { error: 'version is required' } });
    expect(await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: '2' })).toMatchObject({ status: 400 });
    await officer.post(`/api/v1/draws/${draw.id}/cancel`);
  });

  it('a Confirm carrying a stale version is refused (409) and awards nothing', async () => {
    const draw = (await webDraw('Melee Accuracy')).json.draw;
    const rolled = (await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: draw.version })).json.draw;
    const before = await snapshotTables(h);
    const stale = await officer.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version });
    expect(stale).toMatchObject({ status: 409, json: { reason: 'changed', draw: { status: 'drawn', version: 2, winner: { id: rolled.winner.id } } } });
    expect(await snapshotTables(h)).toBe(before);
    expect(await available('Melee Accuracy', 'gold')).toBe(1);
    await officer.post(`/api/v1/draws/${draw.id}/cancel`);
  });

  it('confirm (200) awards the winner shown, once: a second Confirm says so, Cancel afterwards is refused (409)', async () => {
    const draw = (await webDraw('Crewmember Damage Resistance')).json.draw;
    const winner = draw.winner.id;
    const countBefore = (await member(winner))!.counters!.links_received;
    const confirmed = await officer.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version });
    expect(confirmed).toMatchObject({
      status: 200,
      json: { outcome: 'awarded', repeated: false, draw: { status: 'confirmed', member_id: winner, distributed_by: h.officer.id, delivered_at: null, version: 2 } },
    });
    const record = await services().distributions.get(idOf(draw.id), true);
    expect(record).toMatchObject({ status: 'confirmed', member_id: winner, method: 'web', distributed_by: h.officer.id });
    expect((await services().inventory.get(record!.link_id, true))?.is_available).toBe('false');
    expect((await member(winner))!.counters!.links_received).toBe(countBefore + 1);

    // The award leaves its open-draw marker once it has been announced (a moment after the answer).
    const marker = async () => (await h.storage.db.send(new GetCommand({ TableName: h.storage.tables.distributions, Key: { distribution_id: openShardId(record!.open_shard!) }, ConsistentRead: true }))).Item;
    const left = await eventually(marker, (item) => !(item?.open_draws instanceof Set && item.open_draws.has(record!.distribution_id)));
    expect(left?.open_draws instanceof Set && left.open_draws.has(record!.distribution_id)).toBe(false);
    const before = await snapshotTables(h);
    expect(await officer.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version })).toMatchObject({ status: 200, json: { outcome: 'awarded', repeated: true } });
    expect(await officer.post(`/api/v1/draws/${draw.id}/cancel`)).toMatchObject({ status: 409, json: { reason: 'ended', error: 'This draw was already confirmed.', draw: { status: 'confirmed' } } });
    expect(await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: 2 })).toMatchObject({ status: 409, json: { reason: 'ended' } });
    expect(await snapshotTables(h)).toBe(before);
  });

  it('Confirm and Cancel from two officers at once give exactly one outcome', async () => {
    for (let round = 0; round < 3; round++) {
      const draw = (await webDraw('Backstab Damage')).json.draw;
      const [confirm, cancel] = await Promise.all([officer.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version }), admin.post(`/api/v1/draws/${draw.id}/cancel`)]);
      const record = (await services().distributions.get(idOf(draw.id), true))!;
      expect(['confirmed', 'cancelled']).toContain(record.status);
      const link = await services().inventory.get(record.link_id, true);
      if (record.status === 'confirmed') {
        expect([confirm.status, cancel.status]).toEqual([200, 409]);
        expect(cancel.json.reason).toMatch(/^(confirming|ended)$/);
        expect(link?.is_available).toBe('false');
      } else {
        expect([confirm.status, cancel.status]).toEqual([409, 200]);
        expect(confirm.json).toMatchObject({ reason: 'ended', draw: { status: 'cancelled' } });
        expect(link?.is_available).toBe('true');
        expect(record.member_id).toBeUndefined();
      }
    }
  });

  it('answers 404 for a draw that does not exist and 400 for an id that is no record’s', async () => {
    expect(await officer.get('/api/v1/draws/dist_nothing')).toMatchObject({ status: 404, json: { error: 'There is no such draw.' } });
    expect(await officer.post('/api/v1/draws/dist_nothing/confirm', { version: 1 })).toMatchObject({ status: 404, json: { reason: 'not_found', draw: null } });
    expect(await officer.post('/api/v1/draws/dist_nothing/cancel')).toMatchObject({ status: 404 });
    expect(await officer.get(`/api/v1/draws/${encodeURIComponent('~AAAA=')}`)).toMatchObject({ status: 400 });
  });

  it('an expired draw is refused (409 expired) and marked expired; guild-wide history then shows it to officers', async () => {
    const draw = (await webDraw('Poison Damage')).json.draw;
    h.clock.advance(15 * 60_000 + 1_000);
    expect(await officer.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version })).toMatchObject({ status: 409, json: { reason: 'expired', draw: { status: 'expired' } } });
    const guild = (await officer.get('/api/v1/history?limit=100')).json.items;
    expect(guild.find((d: { id: string }) => d.id === draw.id)).toMatchObject({ status: 'expired', policy: 'uniform', pool_size: draw.pool_size, member_id: null });
    expect(guild.some((d: { status: string }) => d.status === 'cancelled')).toBe(true);
  });
});

describe('revert, delivered, deliveries', () => {
  let award: Awaited<ReturnType<typeof seedAward>>;
  beforeAll(async () => {
    await h.seedLinks('bronze', 'Healing Received');
    award = await seedAward(h.storage, { memberId: h.alice.id, quality: 'bronze', linkType: 'Healing Received', by: h.officer.id, at: new Date(h.clock.nowMs()) });
  });

  it('lists undelivered awards for officers, oldest first (GET /api/v1/deliveries)', async () => {
    const { items } = (await officer.get('/api/v1/deliveries')).json;
    expect(items.map((d: { id: string }) => d.id)).toContain(safeIdForm(award.distribution_id));
    const times = items.map((d: { distributed_at: string }) => d.distributed_at);
    expect(times).toEqual([...times].sort());
    expect(items.every((d: { status: string; delivered_at: null }) => d.status === 'confirmed' && d.delivered_at === null)).toBe(true);
  });

  it('delivered: another member is refused (403); the winner may (200), once (409)', async () => {
    const path = `/api/v1/distributions/${safeIdForm(award.distribution_id)}/delivered`;
    const before = await snapshotTables(h);
    expect(await bob.post(path)).toMatchObject({ status: 403, json: { reason: 'not_allowed' } });
    expect(await snapshotTables(h)).toBe(before);
    expect(await alice.post(path)).toMatchObject({ status: 200, json: { distribution: { delivered_by: h.alice.id, delivered_at: expect.any(String) } } });
    expect(await officer.post(path)).toMatchObject({ status: 409, json: { reason: 'already_delivered', distribution: { delivered_by: h.alice.id } } });
    expect((await services().distributions.get(award.distribution_id, true))?.delivered_by).toBe(h.alice.id);
    expect((await officer.get('/api/v1/deliveries')).json.items.map((d: { id: string }) => d.id)).not.toContain(safeIdForm(award.distribution_id));
    // Authorization before existence: a member is told no for an id that is not theirs, whether
    // it exists or not, and whatever state it is in; an officer learns that it does not exist.
    expect(await alice.post('/api/v1/distributions/dist_nothing/delivered')).toMatchObject({ status: 403, json: { reason: 'not_allowed' } });
    expect(await bob.post(path)).toMatchObject({ status: 403, json: { reason: 'not_allowed' } });
    expect(await officer.post('/api/v1/distributions/dist_nothing/delivered')).toMatchObject({ status: 404, json: { reason: 'not_found' } });
    const cancelled = (await webDraw('Ship Cannon Damage', 'bronze')).json.draw;
    await officer.post(`/api/v1/draws/${cancelled.id}/cancel`);
    expect(await alice.post(`/api/v1/distributions/${cancelled.id}/delivered`)).toMatchObject({ status: 403, json: { reason: 'not_allowed' } });
    expect(await officer.post(`/api/v1/distributions/${cancelled.id}/delivered`)).toMatchObject({ status: 409, json: { reason: 'not_an_award' } });
  });

  it('an officer marks another member’s award delivered (200)', async () => {
    await h.seedLinks('bronze', 'Healing Received');
    const other = await seedAward(h.storage, { memberId: h.bob.id, quality: 'bronze', linkType: 'Healing Received', by: h.officer.id, at: new Date(h.clock.nowMs()) });
    expect(await officer.post(`/api/v1/distributions/${safeIdForm(other.distribution_id)}/delivered`)).toMatchObject({ status: 200, json: { distribution: { delivered_by: h.officer.id } } });
  });

  it('revert (200) restores the link and the count; again (409); unknown (404); a draw that awarded nothing (409)', async () => {
    const path = `/api/v1/distributions/${safeIdForm(award.distribution_id)}/revert`;
    const countBefore = (await member(h.alice.id))!.counters!.links_received;
    const res = await officer.post(path);
    expect(res).toMatchObject({ status: 200, json: { distribution: { status: 'reverted', reverted_by: h.officer.id }, link_restored: true, list_place_restored: false } });
    expect((await services().inventory.get(award.link_id, true))?.is_available).toBe('true');
    expect((await member(h.alice.id))!.counters!.links_received).toBe(countBefore - 1);
    expect(await officer.post(path)).toMatchObject({ status: 409, json: { reason: 'already_reverted' } });
    expect(await alice.post(`/api/v1/distributions/${safeIdForm(award.distribution_id)}/delivered`)).toMatchObject({ status: 409 });
    expect(await officer.post('/api/v1/distributions/dist_nothing/revert')).toMatchObject({ status: 404, json: { reason: 'not_found' } });

    const cancelled = (await webDraw('Ship Cannon Damage', 'bronze')).json.draw;
    await officer.post(`/api/v1/draws/${cancelled.id}/cancel`);
    expect(await officer.post(`/api/v1/distributions/${cancelled.id}/revert`)).toMatchObject({ status: 409, json: { reason: 'not_an_award' } });
  });

  it('history entries carry status, policy, pool, rerolls and delivery, with the id for URLs', async () => {
    const draw = (await webDraw('Follower Damage', 'gold', { policy: 'fewest' })).json.draw;
    const rolled = (await officer.post(`/api/v1/draws/${draw.id}/reroll`, { version: 1 })).json.draw;
    expect(rolled.figures).toMatchObject({ pool: { min: expect.any(Number), max: expect.any(Number) } });
    await officer.post(`/api/v1/draws/${draw.id}/confirm`, { version: 2 });
    const winner = rolled.winner.id;
    const mine = (await officer.get(`/api/v1/history?member=${winner}`)).json.items;
    expect(mine.find((d: { id: string }) => d.id === draw.id)).toMatchObject({ id: draw.id, status: 'confirmed', policy: 'fewest', pool_size: draw.pool_size, drawn_before: [draw.winner.id], method: 'web', delivered_at: null, delivered_by: null });
  });
});

describe('wants (the member for themself)', () => {
  it('add (200) shows in GET /api/v1/me; twice (409); unknown type (400); remove (200); not wanted (404)', async () => {
    expect(await bob.post('/api/v1/me/wants', { link_type: 'trap damage' })).toMatchObject({ status: 200, json: { wants: ['Trap Damage'], wants_max: 10 } });
    expect((await bob.get('/api/v1/me')).json).toMatchObject({ wants: ['Trap Damage'], wants_max: 10 });
    expect((await member(h.bob.id))?.wants).toEqual(['Trap Damage']);
    expect(await bob.post('/api/v1/me/wants', { link_type: 'Trap Damage' })).toMatchObject({ status: 409, json: { reason: 'already' } });
    expect(await bob.post('/api/v1/me/wants', { link_type: 'Trap Damag' })).toMatchObject({ status: 400, json: { suggestions: expect.arrayContaining(['Trap Damage']) } });
    expect(await bob.post('/api/v1/me/wants', {})).toMatchObject({ status: 400, json: { error: 'link_type is required' } });
    expect((await services().wants.counts(['Trap Damage'])).get('Trap Damage')).toBe(1);
    expect(await bob.delete('/api/v1/me/wants/Trap%20Damage')).toMatchObject({ status: 200, json: { wants: [] } });
    expect(await bob.delete('/api/v1/me/wants/Trap%20Damage')).toMatchObject({ status: 404, json: { reason: 'not_wanted' } });
    // Removing goes by what the member has: nothing of that name here (404); a want whose type
    // has left the catalog can still be removed.
    expect(await bob.delete('/api/v1/me/wants/Nothing%20Like%20It')).toMatchObject({ status: 404, json: { reason: 'not_wanted' } });
    await h.storage.db.send(new UpdateCommand({ TableName: h.storage.tables.members, Key: { discord_id: h.bob.id }, UpdateExpression: 'ADD wants :w', ExpressionAttributeValues: { ':w': new Set(['Retired Link']) } }));
    expect(await bob.delete('/api/v1/me/wants/Retired%20Link')).toMatchObject({ status: 200, json: { wants: [] } });
    expect((await services().wants.counts(['Trap Damage'])).get('Trap Damage') ?? 0).toBe(0);
  });

  it('refuses an eleventh want (409 full) and someone not on the roster (409)', async () => {
    const { LINK_TYPES } = await import('../../src/domain/catalog');
    for (const type of LINK_TYPES.slice(0, 10)) expect((await alice.post('/api/v1/me/wants', { link_type: type.name })).status).toBe(200);
    expect(await alice.post('/api/v1/me/wants', { link_type: LINK_TYPES[10].name })).toMatchObject({ status: 409, json: { reason: 'full' } });
    expect((await member(h.alice.id))?.wants).toHaveLength(10);
    for (const type of LINK_TYPES.slice(0, 10)) await alice.delete(`/api/v1/me/wants/${encodeURIComponent(type.name)}`);
    expect(await admin.post('/api/v1/me/wants', { link_type: 'Trap Damage' })).toMatchObject({ status: 409, json: { reason: 'not_on_roster' } });
  });
});

describe('when DynamoDB does not answer', () => {
  let proxy: DynamoProxy;
  let f: Harness;
  let chief: WebClient;
  beforeAll(async () => {
    proxy = await DynamoProxy.start(testEndpoint());
    f = await startHarness({ web: true, webRateLimits: LIMITS, dynamoEndpoint: proxy.endpoint, dynamoRequestTimeoutMs: 400 });
    await f.seedMember(f.alice);
    await f.seedMember(f.bob);
    chief = await signIn(f, f.officer);
  });
  afterAll(async () => {
    await f?.stop();
    await proxy?.stop();
  });
  afterEach(() => proxy.clear());

  it('a Confirm whose outcome is not known yet answers 503 "press Confirm again"; pressed again, it awards once', async () => {
    const [link] = await f.seedLinks('gold', 'Damage on Ships');
    const draw = (await chief.post('/api/v1/draws', { quality: 'gold' })).json.draw;
    proxy.inject('TransactWriteItems', { kind: 'fail', status: 500, errorType: 'InternalServerError' });
    const unknown = await chief.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version });
    expect(unknown).toMatchObject({ status: 503, json: { reason: 'unknown', error: expect.stringContaining('not known yet'), draw: { status: 'drawn', confirming: true } } });
    expect(unknown.json.error).toContain('Press Confirm again');
    proxy.clear();
    const again = await chief.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version });
    expect(again).toMatchObject({ status: 200, json: { outcome: 'awarded', draw: { status: 'confirmed', member_id: draw.winner.id } } });
    expect((await f.storage.services.inventory.get(link.link_id, true))?.is_available).toBe('false');
    expect((await f.storage.services.members.get(draw.winner.id, true))?.counters?.links_received).toBe(1);
  });

  it('an award whose read-back failed is still announced, and its Discord message still follows: the sweep does both', async () => {
    await f.seedLinks('gold', 'Damage on Ships');
    const messages = followDrawMessages(f);
    const draws = f.app.services.draws;
    const finish = draws.announced.bind(draws);
    const announcedOnce = new Promise<void>((resolve) =>
      jest.spyOn(draws, 'announced').mockImplementation(async (record) => {
        await finish(record);
        resolve();
      }),
    );
    const draw = (await chief.post('/api/v1/draws', { quality: 'gold' })).json.draw;
    const id = idFromSafeForm(draw.id)!;
    await messages.posted(id);
    const messageId = (await f.storage.services.draws.get(id))!.message_id!;
    // The award goes through; every read after it fails (the SDK's attempts included).
    proxy.inject('GetItem', { kind: 'fail', status: 503, errorType: 'ServiceUnavailable' }, 3, { after: 'TransactWriteItems' });
    const pressed = f.emulator.requests.length;
    const unknown = await chief.post(`/api/v1/draws/${draw.id}/confirm`, { version: draw.version });
    expect(unknown.status).toBe(503);
    proxy.clear();
    expect(await f.storage.services.draws.get(id)).toMatchObject({ status: 'confirmed', announced_at: undefined });
    // Before the sweep: nothing announced, and the message still offers Confirm.
    expect(f.emulator.requests.slice(pressed).filter((r) => r.method === 'POST' && String(r.body?.content).includes('received a gold link')).length).toBe(0);
    expect(f.emulator.buttonsOf(messageId).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);

    await f.app.schedule.runNow('expire-draws');
    const announced = await f.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${f.announceChannelId}/messages` && String(r.body?.content).includes('received a gold link'), { since: pressed });
    expect(announced.body.content).toContain(`<@${draw.winner.id}> received a gold link`);
    await f.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${f.announceChannelId}/messages/${messageId}`, { since: pressed });
    expect(f.emulator.buttonsOf(messageId).map((b) => b.label)).toEqual(['Delivered']);
    await announcedOnce;
    expect((await f.storage.services.draws.get(id))?.announced_at).toBeDefined();
    expect((await f.storage.services.draws.open.list()).map((e) => e.id)).not.toContain(id);
    // Announced once: a second sweep announces nothing more.
    await f.app.schedule.runNow('expire-draws');
    expect(f.emulator.requests.slice(pressed).filter((r) => r.method === 'POST' && String(r.body?.content).includes('received a gold link') && r.path === `/channels/${f.announceChannelId}/messages`).length).toBe(1);
    jest.restoreAllMocks();
  });

  it('an add of stock whose outcome is not known answers 503 and, sent again with its key, adds once', async () => {
    proxy.inject('TransactWriteItems', { kind: 'fail', status: 500, errorType: 'InternalServerError' });
    const body = { link_type: 'Trap Damage', quality: 'silver', count: 2 };
    const headers = { 'idempotency-key': 'retry-me' };
    expect(await chief.post('/api/v1/stock', body, { headers })).toMatchObject({ status: 503, json: { reason: 'unknown', error: expect.stringContaining('not known yet') } });
    proxy.clear();
    expect((await chief.post('/api/v1/stock', body, { headers })).status).toBe(201);
    expect((await chief.post('/api/v1/stock', body, { headers })).status).toBeLessThan(300);
    expect(await f.storage.services.inventory.listAvailable({ quality: 'silver', linkType: 'Trap Damage' })).toHaveLength(2);
  });

  it('a list change answers 503 "try again" when the database is down, and writes nothing', async () => {
    proxy.inject('TransactWriteItems', { kind: 'fail', status: 503, errorType: 'ServiceUnavailable' });
    expect(await chief.post('/api/v1/lists', { name: 'Down', quality: 'gold' })).toMatchObject({ status: 503, json: { error: 'The database is not answering. Try again in a minute.' } });
    proxy.clear();
    expect(await f.storage.services.lists.listActive()).toEqual([]);
  });
});
