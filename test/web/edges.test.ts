/**
 * The dashboard's small doors: whose X-Forwarded-For counts, bounded reads, sign-out across a
 * restart, authorization before existence, membership screening. Each harness here is its own
 * app, so one test's limits never spend another's.
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { DEFAULT_RATE_LIMITS } from '../../src/web/context';
import { encodeValue, newSession, subKey } from '../../src/web/session';
import { ROSTER_KEEP_MS } from '../../src/web/shared-reads';
import { testEndpoint } from '../support/dynamo';
import { DynamoMeter } from '../support/dynamo-meter';
import { startHarness, type Harness } from '../support/harness';
import { signIn, signInSteps, WebClient } from '../support/web';

describe('X-Forwarded-For', () => {
  let h: Harness;
  afterEach(() => h?.stop());

  it('from a peer TRUST_PROXY does not name, a forged X-Forwarded-For does not change the counted address', async () => {
    // The test connects from 127.0.0.1; the only proxy believed is elsewhere.
    h = await startHarness({ web: true, env: { TRUST_PROXY: '10.9.9.9' } });
    const client = new WebClient(h.webUrl!);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await client.request('/login', { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })).status);
    expect(statuses.slice(0, 20).every((s) => s === 302)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('from a proxy TRUST_PROXY names (loopback by default), the forwarded client address is what is counted', async () => {
    h = await startHarness({ web: true });
    const client = new WebClient(h.webUrl!);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await client.request('/login', { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })).status);
    expect(statuses.every((s) => s === 302)).toBe(true);
  });
});

describe('reads a signed-in member can repeat', () => {
  let h: Harness;
  let meter: DynamoMeter;
  beforeAll(async () => {
    meter = await DynamoMeter.start(testEndpoint());
    h = await startHarness({ web: true, dynamoEndpoint: meter.endpoint });
    for (let i = 0; i < 5; i++) await h.seedMember(h.newUser(`member${i}`));
  });
  afterAll(async () => {
    await h?.stop();
    await meter?.stop();
  });

  it('a member (not even on the roster) looping GET /api/v1/roster gets 429 with Retry-After within the limit, and DynamoDB sees bounded reads', async () => {
    const client = await signIn(h, h.carol);
    const mark = meter.mark;
    const started = Date.now();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<WebClient['get']>> | undefined;
    for (let i = 0; i < DEFAULT_RATE_LIMITS.rosterReadsPerMinute + 5 && !limited; i++) {
      const res = await client.get('/api/v1/roster');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    const elapsed = Date.now() - started;
    expect(statuses.slice(0, DEFAULT_RATE_LIMITS.rosterReadsPerMinute).every((s) => s === 200)).toBe(true);
    expect(limited?.status).toBe(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.json.error).toMatch(/^Too many requests/);
    // The roster is read once per ROSTER_KEEP_MS at most, not once per request.
    const scans = meter.since(mark).filter((r) => r.operation === 'Scan' && r.tables.includes(h.storage.tables.members));
    expect(scans.length).toBeGreaterThanOrEqual(1);
    expect(scans.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / ROSTER_KEEP_MS));
    // Other reads keep their own, larger budget.
    expect((await client.get('/api/v1/me')).status).toBe(200);
  });

  it('/healthz on the dashboard port is shared (one DescribeTable every few seconds) and limited per address', async () => {
    const client = new WebClient(h.webUrl!);
    const mark = meter.mark;
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i <= DEFAULT_RATE_LIMITS.healthChecksPerMinute; i++) statuses.push((await client.get('/healthz')).status);
    const elapsed = Date.now() - started;
    expect(statuses.slice(0, DEFAULT_RATE_LIMITS.healthChecksPerMinute).every((s) => s === 200)).toBe(true);
    expect(statuses[DEFAULT_RATE_LIMITS.healthChecksPerMinute]).toBe(429);
    const probes = meter.since(mark).filter((r) => r.operation === 'DescribeTable');
    expect(probes.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 5_000));
  });
});

describe('sign-in', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness({ web: true })));
  afterAll(() => h?.stop());

  it('refuses a member still in Discord’s membership screening (pending), saying why, with no session', async () => {
    const newcomer = h.newUser('newcomer', { pending: true });
    const client = new WebClient(h.webUrl!);
    const done = await signInSteps(client, h, newcomer);
    expect(done.status).toBe(403);
    expect(done.text).toContain('Membership screening pending');
    expect(done.text).toContain('not yet accepted its rules');
    expect(done.headers.getSetCookie().some((c) => c.includes('ff_session='))).toBe(false);
    expect((await client.get('/api/v1/me')).status).toBe(401);
    // Once screened, the same member signs in.
    h.emulator.users.get(newcomer.id)!.pending = false;
    expect((await signInSteps(new WebClient(h.webUrl!), h, newcomer)).status).toBe(303);
  });
});

describe('session cookies', () => {
  let h: Harness;
  afterEach(() => h?.stop());
  const secret = randomBytes(36).toString('base64');
  const forge = (h: Harness, key: string | Buffer) => fastifyCookie.sign(encodeValue(newSession({ id: h.alice.id, username: 'alice' }, h.clock.nowMs(), { version: 0, guest: true })), key);

  it('are signed with a key derived from SESSION_SECRET for them alone: one signed with the secret itself is no session', async () => {
    h = await startHarness({ web: true, env: { SESSION_SECRET: secret } });
    const client = new WebClient(h.webUrl!);
    expect((await client.request('/api/v1/me', { headers: { cookie: `ff_session=${forge(h, secret)}` } })).status).toBe(401);
    expect((await client.request('/api/v1/me', { headers: { cookie: `ff_session=${forge(h, subKey(secret, 'cursor seals'))}` } })).status).toBe(401);
    expect((await client.request('/api/v1/me', { headers: { cookie: `ff_session=${forge(h, subKey(secret, 'session cookies'))}` } })).status).toBe(200);
  });

  it('over https are __Host- cookies (Secure, Path=/, no Domain); a cookie without the prefix is no session', async () => {
    h = await startHarness({ web: true, env: { SESSION_SECRET: secret, PUBLIC_URL: 'https://links.example.org' } });
    const client = new WebClient(h.webUrl!);
    const login = await client.get('/login');
    const [signInCookie] = login.headers.getSetCookie();
    expect(signInCookie).toMatch(/^__Host-ff_signin=[^;]+;/);
    expect(signInCookie).toContain('Path=/;');
    expect(signInCookie).toContain('Secure');
    expect(signInCookie).not.toMatch(/Domain=/i);
    const value = forge(h, subKey(secret, 'session cookies'));
    expect((await client.request('/api/v1/me', { headers: { cookie: `ff_session=${value}` } })).status).toBe(401);
    expect((await client.request('/api/v1/me', { headers: { cookie: `__Host-ff_session=${value}` } })).status).toBe(200);
  });
});

describe('sign-out', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ web: true });
    await h.seedMember(h.alice);
  });
  afterAll(() => h?.stop());

  const copyOf = (client: WebClient) => {
    const copy = new WebClient(client.baseUrl);
    for (const [name, cookie] of client.jar.cookies) copy.jar.set(name, cookie.value);
    return copy;
  };

  it('a copied cookie of a member on the roster is refused after sign-out, also after a restart; signing in again works', async () => {
    const client = await signIn(h, h.alice);
    const copied = copyOf(client);
    expect((await copied.get('/api/v1/me')).status).toBe(200);
    expect((await client.post('/logout')).status).toBe(200);
    expect((await copied.get('/api/v1/me')).status).toBe(401);
    await h.restart();
    expect((await copied.get('/api/v1/me')).status).toBe(401);
    // The version is one number on the member item; the roster is as it was.
    const item = await h.storage.services.members.get(h.alice.id, true);
    expect(item?.username).toBe('alice');
    const again = await signIn(h, h.alice);
    expect((await again.get('/api/v1/me')).json).toMatchObject({ id: h.alice.id, on_roster: true });
  });

  it('a guild member not on the roster: the copied cookie is refused after sign-out and a restart, and no member item is made for them', async () => {
    const client = await signIn(h, h.carol);
    const copied = copyOf(client);
    expect((await client.post('/logout')).status).toBe(200);
    await h.restart();
    expect((await copied.get('/api/v1/me')).status).toBe(401);
    expect(await h.storage.services.members.get(h.carol.id, true)).toBeUndefined();
    const roster = await (await signIn(h, h.bob)).get('/api/v1/roster');
    expect(roster.json.total).toBe(1);
  });
});
