/**
 * The dashboard's JSON API over HTTP, with sessions obtained through the real OAuth2 flow against
 * the Discord emulator: authentication, permission, validation, pagination, CSV, CSRF, headers
 * and rate limits. Data is seeded through the services; dates come from the test clock.
 */
import { HISTORY_EXPORT_COLUMNS } from '../../src/domain/history-columns';
import type { EmulatedUser } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { signIn, signInSteps, WebClient } from '../support/web';

let h: Harness;
let rosterOfficer: EmulatedUser;
let outsider: EmulatedUser;
let formulaMember: EmulatedUser;
let crowd: EmulatedUser[];
let alice: WebClient;
let officer: WebClient;

const GET_ROUTES = ['/api/v1/me', '/api/v1/roster', '/api/v1/stock', '/api/v1/lists', `/api/v1/history`];

async function award(user: EmulatedUser, minutesAgo: number, quality: 'gold' | 'silver' | 'bronze' = 'bronze') {
  await h.seedLinks(quality, 'Damage on Ships');
  return seedAward(h.storage, { memberId: user.id, quality, linkType: 'Damage on Ships', by: 'seed', at: new Date(h.clock.nowMs() - minutesAgo * 60_000) });
}

beforeAll(async () => {
  // Many sign-ins from one address: the sign-in limit is tested on its own harness below.
  h = await startHarness({ web: true, webRateLimits: { signInPerMinute: 1_000 } });
  rosterOfficer = h.newUser('rostered-officer');
  outsider = h.newUser('outsider', { inGuild: false });
  formulaMember = h.newUser('formula');
  await h.seedMember(h.alice, { days: 400 });
  await h.seedMember(h.carol, { days: 40 });
  await h.seedMember(h.officer, { days: 10 });
  await h.seedMember(rosterOfficer, { days: 5, officer: true });
  await h.seedMember(formulaMember, { username: '=HYPERLINK("http://evil")' });
  crowd = Array.from({ length: 25 }, (_, i) => h.newUser(`crowd${String(i).padStart(2, '0')}`));
  for (const [i, user] of crowd.entries()) await h.seedMember(user, { days: 20 + (i % 5) * 30 });
  // 25 awards for alice, a minute apart, in the order they happened; one for the member with the formula name.
  for (let i = 25; i >= 1; i--) await award(h.alice, i, i % 2 ? 'bronze' : 'gold');
  await award(formulaMember, 30);
  await h.seedLinks('gold', 'Damage on Ships', 2);
  await h.seedLinks('silver', 'Ship Cannon Damage', 1);
  const list = await h.storage.services.lists.create({ list_name: 'Silver spring', quality: 'silver', eligible_members: [h.carol.id, h.alice.id], created_by: 'seed' });
  if (!list.ok) throw new Error('list');
  alice = await signIn(h, h.alice);
  officer = await signIn(h, h.officer);
});
afterAll(() => h?.stop());

describe('without a session', () => {
  it.each(GET_ROUTES)('GET %s answers 401 with a JSON error', async (route) => {
    const res = await new WebClient(h.webUrl!).get(route);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.json).toEqual({ error: expect.stringContaining('Not signed in') });
  });

  it('answers only the sign-in page, static assets and /healthz; pages and unknown paths go to sign-in', async () => {
    const anonymous = new WebClient(h.webUrl!);
    expect((await anonymous.get('/signin')).status).toBe(200);
    expect((await anonymous.get('/static/app.js')).headers.get('content-type')).toContain('javascript');
    expect((await anonymous.get('/static/style.css')).status).toBe(200);
    expect((await anonymous.get('/healthz')).json).toEqual({ status: 'ok', gateway: 'connected', dynamodb: 'ok' });
    for (const page of ['/', '/anything', '/static/index.html', '/static/../src/app.ts']) {
      const res = await anonymous.get(page);
      expect([page, res.status, res.headers.get('location')]).toEqual([page, 302, '/signin']);
    }
    expect((await anonymous.get('/api/v1/nothing-here')).status).toBe(401);
    expect((await anonymous.post('/logout')).status).toBe(401);
  });
});

describe('signing in', () => {
  it('sends the browser to Discord with state and PKCE, keeping both in a short-lived signed cookie', async () => {
    const client = new WebClient(h.webUrl!);
    const res = await client.get('/login');
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${h.emulator.origin}/oauth2/authorize?`)).toBe(true);
    expect(location).toContain('scope=identify%20guilds.members.read');
    const params = Object.fromEntries(new URL(location).searchParams);
    expect(params).toEqual({
      response_type: 'code',
      client_id: h.emulator.applicationId,
      scope: 'identify guilds.members.read',
      redirect_uri: `${h.webUrl}/auth/callback`,
      state: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    const cookie = res.headers.getSetCookie()[0];
    expect(cookie).toMatch(/^ff_signin=[^;]+\.[A-Za-z0-9%_+/=-]+;/);
    expect(cookie).toContain('Max-Age=600');
    expect(cookie).toContain('Path=/auth/callback');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain(params.state);
  });

  it('sets a signed, HttpOnly, SameSite=Lax session cookie that expires, holding no Discord token', async () => {
    const client = new WebClient(h.webUrl!);
    const done = await signInSteps(client, h, h.bob);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith('ff_session='))!;
    expect(cookie).toMatch(/; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain('Secure');
    const value = decodeURIComponent(cookie.split(';')[0].slice('ff_session='.length));
    const payload = JSON.parse(Buffer.from(value.split('.')[0], 'base64url').toString('utf8'));
    expect(Object.keys(payload).sort()).toEqual(['csrf', 'exp', 'guest', 'sid', 'uid', 'username', 'ver']);
    expect(payload).toMatchObject({ uid: h.bob.id, username: 'bob', ver: expect.any(Number), guest: expect.any(Boolean) });
    expect(payload.exp - h.clock.nowMs()).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(client.jar.get('ff_signin')).toBeUndefined();
  });

  it('refuses a user outside the guild with a clear page and no session', async () => {
    h.emulator.expectRefusal({ code: 10004, times: 1 });
    const client = new WebClient(h.webUrl!);
    const done = await signInSteps(client, h, outsider);
    expect(done.status).toBe(403);
    expect(done.text).toContain('You are not a member of Outlands Scholars.');
    expect(done.headers.getSetCookie().some((c) => c.startsWith('ff_session='))).toBe(false);
    expect(client.jar.get('ff_session')).toBeUndefined();
    expect((await client.get('/api/v1/me')).status).toBe(401);
  });

  it('refuses a callback whose state is not the one it sent, without asking Discord', async () => {
    const client = new WebClient(h.webUrl!);
    await client.get('/login');
    const before = h.emulator.requests.length;
    const res = await client.get('/auth/callback?code=anything&state=forged');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Sign-in expired');
    expect(h.emulator.requests.slice(before).filter((r) => r.path === '/oauth2/token')).toEqual([]);
    expect(client.jar.get('ff_session')).toBeUndefined();
  });

  it('says the sign-in was cancelled when the user pressed Cancel at Discord', async () => {
    const client = new WebClient(h.webUrl!);
    await client.get('/login');
    const res = await client.get('/auth/callback?error=access_denied&state=x');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Sign-in cancelled');
  });

  it('refuses a tampered cookie: one character of the signature changed', async () => {
    const forged = new WebClient(h.webUrl!);
    const value = alice.jar.get('ff_session')!;
    const last = value.at(-1)!;
    forged.jar.set('ff_session', value.slice(0, -1) + (last === 'A' ? 'B' : 'A'));
    expect((await forged.get('/api/v1/me')).status).toBe(401);
    expect((await forged.get('/')).headers.get('location')).toBe('/signin');
  });

  it('refuses a cookie whose content was changed to another user, even with the old signature', async () => {
    const forged = new WebClient(h.webUrl!);
    const [body, signature] = decodeURIComponent(alice.jar.get('ff_session')!).split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const changed = Buffer.from(JSON.stringify({ ...payload, uid: h.officer.id })).toString('base64url');
    forged.jar.set('ff_session', encodeURIComponent(`${changed}.${signature}`));
    expect((await forged.get('/api/v1/me')).status).toBe(401);
  });
});

describe('GET /api/v1/me', () => {
  it('gives the member’s own standing, recent history and CSRF token', async () => {
    const res = await alice.get('/api/v1/me');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: h.alice.id,
      username: 'alice',
      on_roster: true,
      officer: false,
      rank: 'Sage',
      days_in_guild: 400,
      join_date: h.clock.daysAgo(400),
      eligible_for: ['bronze', 'silver', 'gold'],
      links_received: 25,
      away_until: null,
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.json.recent).toHaveLength(5);
    expect(res.json.recent[0].distributed_at > res.json.recent[1].distributed_at).toBe(true);
    expect(res.json.last_link_at).toBe(res.json.recent[0].distributed_at);
  });

  it('answers a guild member who is not on the roster with on_roster false, not an error', async () => {
    const bob = await signIn(h, h.bob);
    const res = await bob.get('/api/v1/me');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: h.bob.id, username: 'bob', officer: false, csrf_token: bob.csrf, on_roster: false, recent: [] });
  });

  it('says officer for a role, for Manage Server and for is_officer on the roster', async () => {
    expect((await officer.get('/api/v1/me')).json.officer).toBe(true);
    expect((await (await signIn(h, h.admin)).get('/api/v1/me')).json).toMatchObject({ officer: true, on_roster: false });
    expect((await (await signIn(h, rosterOfficer)).get('/api/v1/me')).json).toMatchObject({ officer: true, rank: 'Maester' });
  });
});

describe('GET /api/v1/roster', () => {
  it('walks every member once, longest in the guild first, page by page with an opaque cursor', async () => {
    const seen: string[] = [];
    const days: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (; pages < 10; pages++) {
      const res: Awaited<ReturnType<WebClient['get']>> = await alice.get(`/api/v1/roster?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(30);
      expect(res.json.members.length).toBeLessThanOrEqual(10);
      seen.push(...res.json.members.map((m: { id: string }) => m.id));
      days.push(...res.json.members.map((m: { days_in_guild: number }) => m.days_in_guild));
      cursor = res.json.cursor;
      if (!cursor) break;
    }
    expect(pages).toBe(2);
    const roster = (await h.storage.services.members.listAll()).map((m) => m.discord_id);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect([...seen].sort()).toEqual([...roster].sort());
    expect(days).toEqual([...days].sort((a, b) => b - a));
  });

  it('filters by rank, and refuses an unknown rank', async () => {
    const scholars = await alice.get('/api/v1/roster?rank=scholar&limit=100');
    expect(scholars.status).toBe(200);
    expect(scholars.json.members.length).toBeGreaterThan(0);
    expect(scholars.json.members.every((m: { rank: string }) => m.rank === 'Scholar')).toBe(true);
    const maesters = (await alice.get('/api/v1/roster?rank=Maester')).json.members.map((m: { id: string }) => m.id);
    expect(maesters).toEqual([rosterOfficer.id]);
    expect(await alice.get('/api/v1/roster?rank=Archmage')).toMatchObject({ status: 400, json: { error: 'rank must be one of Book Worm, Scholar, Sage, Maester' } });
  });

  it.each([
    ['a cursor that was never given', 'cursor=bm90LWEtY3Vyc29y.AAAAAAAAAAAAAAAAAAAAAA', /^cursor is not valid/],
    ['a limit of 0', 'limit=0', /^limit must be a whole number from 1 to 100/],
    ['a limit given twice', 'limit=5&limit=6', /^limit must be a whole number/],
  ])('refuses %s', async (_, query, message) => {
    const res = await alice.get(`/api/v1/roster?${query}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
  });
});

describe('GET /api/v1/stock', () => {
  it('groups available links by quality and type, and filters', async () => {
    const all = (await alice.get('/api/v1/stock')).json;
    expect(all.qualities.map((g: { quality: string }) => g.quality)).toEqual(['gold', 'silver']);
    expect(all.qualities[0]).toEqual({ quality: 'gold', total: 2, types: [expect.objectContaining({ link_type: 'Damage on Ships', count: 2 })] });
    const silver = (await alice.get('/api/v1/stock?quality=silver')).json;
    expect(silver).toMatchObject({ total: 1, qualities: [{ quality: 'silver', types: [{ link_type: 'Ship Cannon Damage', count: 1 }] }] });
    expect((await alice.get('/api/v1/stock?link_type=damage%20on%20ships')).json.total).toBe(2);
  });

  it('refuses an unknown quality or link type', async () => {
    expect(await alice.get('/api/v1/stock?quality=platinum')).toMatchObject({ status: 400, json: { error: 'quality must be bronze, silver or gold' } });
    const res = await alice.get('/api/v1/stock?link_type=Damage%20on%20Ship');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/not in the catalog; did you mean Damage on Ships/);
  });
});

describe('GET /api/v1/lists', () => {
  it('shows each active list: who is waiting and who was served, by name', async () => {
    const { lists } = (await alice.get('/api/v1/lists')).json;
    expect(lists).toHaveLength(1);
    expect(lists[0]).toMatchObject({ name: 'Silver spring', quality: 'silver', winners: [] });
    expect(lists[0].waiting.map((p: { username: string }) => p.username).sort()).toEqual(['alice', 'carol']);
  });
});

describe('GET /api/v1/history', () => {
  it('lets a member read their own history page by page, newest first, none twice and none missing', async () => {
    const ids: string[] = [];
    const times: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (; pages < 10; pages++) {
      const res: Awaited<ReturnType<WebClient['get']>> = await alice.get(`/api/v1/history?member=${h.alice.id}&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      ids.push(...res.json.items.map((d: { distribution_id: string }) => d.distribution_id));
      times.push(...res.json.items.map((d: { distributed_at: string }) => d.distributed_at));
      cursor = res.json.cursor;
      if (!cursor) break;
    }
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect(times).toEqual([...times].sort().reverse());
    expect(pages).toBeLessThanOrEqual(3);
  });

  it('filters by quality', async () => {
    const gold = (await alice.get(`/api/v1/history?member=${h.alice.id}&quality=gold&limit=100`)).json.items;
    expect(gold).toHaveLength(12);
    expect(gold.every((d: { quality: string }) => d.quality === 'gold')).toBe(true);
  });

  it('refuses a member another member’s history (403) and the whole guild’s (403)', async () => {
    expect(await alice.get(`/api/v1/history?member=${h.carol.id}`)).toMatchObject({ status: 403, json: { error: 'You can see only your own history.' } });
    expect((await alice.get('/api/v1/history')).status).toBe(403);
    expect((await alice.get('/api/v1/history?format=csv')).status).toBe(403);
  });

  it('lets officers read anyone’s and the whole guild’s', async () => {
    expect((await officer.get(`/api/v1/history?member=${h.alice.id}`)).json.items).toHaveLength(10);
    const guild = await officer.get('/api/v1/history?limit=100');
    expect(guild.status).toBe(200);
    expect(guild.json.items).toHaveLength(26);
    const admin = await signIn(h, h.admin);
    expect((await admin.get('/api/v1/history?limit=1')).status).toBe(200);
  });

  it('walks the whole guild’s history with the cursor as well', async () => {
    const ids = new Set<string>();
    let cursor: string | null = null;
    let count = 0;
    for (let page = 0; page < 10; page++) {
      const res: Awaited<ReturnType<WebClient['get']>> = await officer.get(`/api/v1/history?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const d of res.json.items) ids.add(d.distribution_id);
      count += res.json.items.length;
      cursor = res.json.cursor;
      if (!cursor) break;
    }
    expect(count).toBe(26);
    expect(ids.size).toBe(26);
  });

  it.each([
    ['an unknown quality', () => `member=${h.alice.id}&quality=mithril`, 'quality must be bronze, silver or gold'],
    ['a member that is not an id', () => 'member=alice', 'member must be a Discord user id (17–20 digits)'],
    ['a made-up cursor', () => `member=${h.alice.id}&cursor=eyJ4IjoxfQ`, 'cursor is not valid for this query: start again from the first page'],
    ['an unknown format', () => `member=${h.alice.id}&format=xml`, 'format must be json or csv'],
  ])('refuses %s with 400', async (_, query, error) => {
    expect(await alice.get(`/api/v1/history?${query()}`)).toMatchObject({ status: 400, json: { error } });
  });

  it('refuses a cursor from another query (another member’s history)', async () => {
    const first = await officer.get(`/api/v1/history?member=${h.alice.id}&limit=2`);
    const res = await officer.get(`/api/v1/history?member=${formulaMember.id}&cursor=${encodeURIComponent(first.json.cursor)}`);
    expect(res.status).toBe(400);
  });

  it('downloads CSV with the export’s columns, formula cells neutralised', async () => {
    const mine = await alice.get(`/api/v1/history?member=${h.alice.id}&format=csv`);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(mine.headers.get('content-disposition')).toBe(`attachment; filename="flavaflav-history-${h.alice.id}-${h.clock.today()}.csv"`);
    const lines = mine.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(HISTORY_EXPORT_COLUMNS.join(','));
    expect(lines).toHaveLength(26);

    const guild = await officer.get('/api/v1/history?format=csv');
    expect(guild.text.split('\r\n')[0]).toBe(HISTORY_EXPORT_COLUMNS.join(','));
    const row = guild.text.split('\r\n').find((l) => l.includes(formulaMember.id))!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(row).not.toMatch(/,=HYPERLINK/);
  });
});

describe('officer, decided per request', () => {
  it('follows a role given in Discord within a minute, not frozen at sign-in', async () => {
    const carol = await signIn(h, h.carol);
    expect((await carol.get('/api/v1/history')).status).toBe(403);
    h.emulator.users.get(h.carol.id)!.roles = [h.officerRoleId];
    // Cached for up to 60 s per user: still a member until the cache runs out.
    expect((await carol.get('/api/v1/history')).status).toBe(403);
    h.clock.advance(61_000);
    expect((await carol.get('/api/v1/history')).status).toBe(200);
    expect((await carol.get('/api/v1/me')).json.officer).toBe(true);
    h.emulator.users.get(h.carol.id)!.roles = [];
    h.clock.advance(61_000);
    expect((await carol.get('/api/v1/history')).status).toBe(403);
  });

  it('shuts out a member who left the guild since signing in', async () => {
    const leaver = h.newUser('leaver');
    const client = await signIn(h, leaver);
    h.emulator.users.get(leaver.id)!.inGuild = false;
    h.clock.advance(61_000);
    h.emulator.expectRefusal({ code: 10007 });
    const res = await client.get('/api/v1/me');
    expect(res.status).toBe(403);
    expect(res.json.error).toMatch(/^You are no longer a member of Outlands Scholars/);
  });
});

describe('writes', () => {
  it('refuse POST /logout without the CSRF token, with a wrong one, or from another site; nothing changes', async () => {
    const client = await signIn(h, h.carol);
    expect(await client.post('/logout', undefined, { csrf: false })).toMatchObject({ status: 403, json: { error: expect.stringContaining('X-CSRF-Token') } });
    expect((await client.request('/logout', { method: 'POST', headers: { 'x-csrf-token': 'x'.repeat(43) } })).status).toBe(403);
    expect((await client.request('/logout', { method: 'POST', headers: { 'x-csrf-token': client.csrf!, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await client.get('/api/v1/me')).status).toBe(200);
  });

  it('logout ends the session: the cookie is cleared, and the old value no longer works', async () => {
    const client = await signIn(h, h.carol);
    const old = client.jar.get('ff_session')!;
    const res = await client.post('/logout');
    expect(res).toMatchObject({ status: 200, json: { signed_out: true } });
    expect(res.headers.getSetCookie().find((c) => c.startsWith('ff_session='))).toMatch(/^ff_session=; Max-Age=0; Path=\//);
    expect((await client.get('/api/v1/me')).status).toBe(401);
    const replay = new WebClient(h.webUrl!);
    replay.jar.set('ff_session', old);
    expect((await replay.get('/api/v1/me')).status).toBe(401);
  });

  it('are limited to 30 a minute per user (429 JSON)', async () => {
    const client = await signIn(h, crowd[0]);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await client.post('/logout', undefined, { csrf: false })).status);
    expect(statuses.slice(0, 30).every((s) => s === 403)).toBe(true);
    const limited = await client.post('/logout', undefined, { csrf: false });
    expect(statuses[30]).toBe(429);
    expect(limited).toMatchObject({ status: 429, json: { error: expect.stringMatching(/^Too many requests/) } });
    // Another user's writes are counted apart.
    expect((await alice.post('/logout', undefined, { csrf: false })).status).toBe(403);
  });
});

describe('every response', () => {
  it('carries the strict CSP and the other security headers: pages, API, static files, errors', async () => {
    const anonymous = new WebClient(h.webUrl!);
    const responses = [await anonymous.get('/signin'), await anonymous.get('/static/app.js'), await anonymous.get('/api/v1/me'), await alice.get('/'), await alice.get('/api/v1/me'), await alice.get('/api/v1/nope'), await alice.get('/no-such-page')];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 200, 200, 404, 404]);
    for (const res of responses) {
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(responses[4].headers.get('cache-control')).toBe('no-store');
  });

  it('has no inline script or style in the pages it serves', async () => {
    for (const res of [await new WebClient(h.webUrl!).get('/signin'), await alice.get('/')]) {
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });
});

describe('expiry (last: it moves the clock past every session)', () => {
  it('treats a session past its 12 hours as no session', async () => {
    expect((await alice.get('/api/v1/me')).status).toBe(200);
    h.clock.advance(12 * 3600_000);
    expect((await alice.get('/api/v1/me')).status).toBe(401);
  });
});

describe('sign-in with the production rate limit', () => {
  let fresh: Harness;
  beforeAll(async () => (fresh = await startHarness({ web: true })));
  afterAll(() => fresh?.stop());

  it('allows 20 sign-in requests a minute from one address, then answers 429 JSON', async () => {
    const client = new WebClient(fresh.webUrl!);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await client.get('/login')).status);
    expect(statuses.every((s) => s === 302)).toBe(true);
    const limited = await client.request('/auth/callback?code=x&state=y', { headers: { accept: 'application/json' } });
    expect(limited.status).toBe(429);
    expect((await client.get('/login')).status).toBe(429);
  });
});

