/**
 * Attendance on the dashboard's API (docs/attendance.md): events newest first, check-in by a
 * member for themself while open, officers' corrections and close, debts; each refusal with its
 * status and nothing written.
 */
import type { Browser } from 'playwright-core';
import { idFromSafeForm, safeIdForm } from '../../src/domain/ids';
import { launchChromium, phone, signInWithBrowser } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';
import { signIn, snapshotTables, type WebClient } from '../support/web';

let h: Harness;
let officer: WebClient;
let alice: WebClient;
let bob: WebClient;

beforeAll(async () => {
  h = await startHarness({ web: true, webRateLimits: { signInPerMinute: 1_000, writesPerMinute: 1_000 }, env: { ATTENDANCE_KIND: 'boss', ATTENDANCE_MIN: '1' } });
  await h.app.schedule.stop();
  await h.seedMember(h.alice);
  await h.seedMember(h.bob);
  await h.seedMember(h.officer);
  officer = await signIn(h, h.officer);
  alice = await signIn(h, h.alice);
  bob = await signIn(h, h.bob);
});
afterAll(() => h?.stop());

describe('/api/v1/events', () => {
  it('an officer starts an event; a member checks in only themself while open; the officer corrects and closes; members read it newest first', async () => {
    expect((await alice.post('/api/v1/events', { kind: 'boss' })).status).toBe(403);
    expect((await officer.post('/api/v1/events', { kind: 'raid' })).json).toEqual({ error: 'kind must be one of boss, omni, other' });
    const started = await officer.post('/api/v1/events', { kind: 'boss', name: 'Lich' });
    expect(started.status).toBe(201);
    const id = started.json.event.id as string;
    expect(started.json.event).toMatchObject({ kind: 'boss', name: 'Lich', status: 'open', present: [] });

    const before = await snapshotTables(h);
    const forOther = await alice.post(`/api/v1/events/${id}/attendees`, { user_id: h.bob.id });
    expect(forOther).toMatchObject({ status: 403, json: { error: expect.stringContaining('only yourself') } });
    expect((await alice.delete(`/api/v1/events/${id}/attendees/${h.alice.id}`)).status).toBe(403);
    expect((await alice.post(`/api/v1/events/${safeIdForm('event#nope')}/attendees`, { user_id: h.alice.id })).status).toBe(404);
    expect((await alice.post(`/api/v1/events/${safeIdForm('events#head')}/attendees`, { user_id: h.alice.id })).status).toBe(404);
    expect(await snapshotTables(h)).toBe(before);

    const checked = await alice.post(`/api/v1/events/${id}/attendees`, { user_id: h.alice.id });
    expect(checked.status).toBe(201);
    expect(checked.json.event.present).toEqual([{ id: h.alice.id, username: 'alice' }]);
    expect((await alice.post(`/api/v1/events/${id}/attendees`, { user_id: h.alice.id })).status).toBe(409);
    // The officer adds Bob, then takes him off again.
    expect((await officer.post(`/api/v1/events/${id}/attendees`, { user_id: h.bob.id })).json.event.present).toHaveLength(2);
    expect((await officer.delete(`/api/v1/events/${id}/attendees/${h.bob.id}`)).json.event.present).toHaveLength(1);

    expect((await bob.post(`/api/v1/events/${id}/close`)).status).toBe(403);
    const closed = await officer.post(`/api/v1/events/${id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.json.event).toMatchObject({ status: 'closed', present: [{ id: h.alice.id }], absent: expect.arrayContaining([{ id: h.bob.id, username: 'bob' }]) });
    // A check-in after the close: 409, nothing written.
    const after = await snapshotTables(h);
    expect(await bob.post(`/api/v1/events/${id}/attendees`, { user_id: h.bob.id })).toMatchObject({ status: 409, json: { reason: 'closed' } });
    expect(await snapshotTables(h)).toBe(after);

    const second = await officer.post('/api/v1/events', { kind: 'omni' });
    const list = await bob.get('/api/v1/events');
    expect(list.json.events.map((e: { id: string }) => e.id)).toEqual([second.json.event.id, id]);
    expect(list.json.cursor).toBeNull();
    expect((await bob.get(`/api/v1/events/${id}`)).json.event.status).toBe('closed');
    expect((await bob.get(`/api/v1/events/${safeIdForm('events#head')}`)).status).toBe(404);

    // The member's standing says what attendance allows and why.
    const me = await bob.get('/api/v1/me');
    expect(me.json).toMatchObject({ eligible_for: ['bronze'], held_by_attendance: ['silver', 'gold'], attendance: { counted: { kind: 'boss', min: 1, window_days: 7 }, misses_in_a_row: 1, inactive: false } });
    expect((await alice.get('/api/v1/me')).json).toMatchObject({ eligible_for: ['bronze', 'silver', 'gold'], attendance: { attended: { boss: 1 } } });
  });

  it('pages newest first past the first page, by the cursor the API gave', async () => {
    for (let i = 0; i < 12; i++) {
      const started = await officer.post('/api/v1/events', { kind: 'other', name: `E${i}` });
      if (started.status !== 201) {
        // At most five open at once: close them as we go.
        throw new Error(started.text);
      }
      await officer.post(`/api/v1/events/${started.json.event.id}/close`);
    }
    const first = await bob.get('/api/v1/events');
    expect(first.json.events).toHaveLength(10);
    expect(first.json.events[0].name).toBe('E11');
    const next = await bob.get(`/api/v1/events?cursor=${encodeURIComponent(first.json.cursor)}`);
    expect(next.json.events[0].name).toBe('E1');
    expect((await bob.get('/api/v1/events?cursor=%7E%40%40')).status).toBe(400);
  });
});

describe('/api/v1/members/{user_id}/debts', () => {
  it('an officer records and clears a debt; a member cannot; the standing shows it', async () => {
    const before = await snapshotTables(h);
    expect((await alice.post(`/api/v1/members/${h.bob.id}/debts`, { quality: 'gold', reason: 'x' })).status).toBe(403);
    expect((await officer.post(`/api/v1/members/${h.bob.id}/debts`, { quality: 'mithril', reason: 'x' })).status).toBe(400);
    expect((await officer.post(`/api/v1/members/${h.bob.id}/debts`, { quality: 'gold', reason: '   ' })).status).toBe(400);
    expect((await officer.post(`/api/v1/members/${h.carol.id}/debts`, { quality: 'gold', reason: 'x' })).status).toBe(404);
    expect((await officer.delete(`/api/v1/members/${h.bob.id}/debts`)).status).toBe(409);
    expect(await snapshotTables(h)).toBe(before);

    const owed = await officer.post(`/api/v1/members/${h.bob.id}/debts`, { quality: 'gold', reason: 'missed the split' });
    expect(owed.status).toBe(201);
    expect(owed.json.member.debts).toEqual([{ quality: 'gold', reason: 'missed the split', since: expect.any(String), by: h.officer.id }]);
    expect((await bob.get('/api/v1/me')).json.debts).toHaveLength(1);
    const cleared = await officer.delete(`/api/v1/members/${h.bob.id}/debts`);
    expect(cleared.json.member.debts).toEqual([]);
  });
});

describe('the Attendance page', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launchChromium()));
  afterAll(() => browser?.close());

  it('on a phone: a member checks in with one press; an officer closes; names are text, never markup', async () => {
    const started = await officer.post('/api/v1/events', { kind: 'boss', name: '<img src=x onerror=alert(1)>' });
    expect(started.status).toBe(201);
    const { context, page } = await phone(browser);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await signInWithBrowser(page, h, h.bob);
      await page.locator('#standing').waitFor();
      await page.getByRole('link', { name: 'Attendance', exact: true }).click();
      await page.locator('#view h1', { hasText: 'Attendance' }).waitFor();
      const card = page.locator(`[data-event="${started.json.event.id}"]`);
      expect(await card.locator('h2').textContent()).toBe('Boss: <img src=x onerror=alert(1)>');
      expect(await page.locator('#view img').count()).toBe(0);
      await card.locator('button[data-action="check-in"]').click();
      await page.locator('#notice', { hasText: 'Checked in' }).waitFor();
      expect(await page.locator(`[data-event="${started.json.event.id}"] [data-field="present"]`).textContent()).toContain('bob');
      expect((await h.storage.services.events.get(idFromSafeForm(started.json.event.id)!, true))?.present).toContain(h.bob.id);
      // Members see no officer controls.
      expect(await page.locator('#start-event, #debts').count()).toBe(0);
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
