/**
 * The dashboard's small doors: whose X-Forwarded-For counts, bounded reads, sign-out across a
 * restart, authorization before existence, membership screening. Each harness here is its own
 * app, so one test's limits never spend another's.
 */
import { startHarness, type Harness } from '../support/harness';
import { WebClient } from '../support/web';

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
