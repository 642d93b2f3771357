/**
 * The dashboard's small doors: whose X-Forwarded-For counts, bounded reads, sign-out across a
 * restart, authorization before existence, membership screening. Each harness here is its own
 * app, so one test's limits never spend another's.
 */
import { DEFAULT_RATE_LIMITS } from '../../src/web/context';
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
