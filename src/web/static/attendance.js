// @ts-check
// The Attendance page (docs/attendance.md): events newest first, who came, check-in for oneself
// while open; officers start and close events, correct who came, and record or clear debts.
// Every value is placed with textContent through el().

import { actionForm, allMembers, api, askFirst, day, el, errorMessage, field, go, plural, send, session } from './dom.js';

/** @typedef {import('./dom.js').GuildEvent} GuildEvent */
/** @typedef {import('./dom.js').Member} Member */
/** @typedef {import('./dom.js').PageContext} PageContext */
/** @typedef {import('./dom.js').Person} Person */

const KIND = { boss: 'Boss', omni: 'Omni', other: 'Event' };
/** @param {GuildEvent} e */
const titleOf = (e) => `${KIND[e.kind] || 'Event'}${e.name ? `: ${e.name}` : ''}`;
/** @param {Person[]} people */
const names = (people) => (people.length ? people.map((p) => p.username || p.id).join(', ') : 'nobody');

/**
 * Sends a write and shows the page again with `done`, or with the refusal.
 * @param {PageContext} ctx
 * @param {string} method
 * @param {string} path
 * @param {unknown} body
 * @param {string} done
 */
async function act(ctx, method, path, body, done) {
  try {
    await send(method, path, body);
    ctx.refresh(done);
  } catch (error) {
    ctx.refresh(errorMessage(error), 'error');
  }
}

/** @param {GuildEvent} e @param {PageContext} ctx @param {Member[]} roster */
function eventCard(e, ctx, roster) {
  const me = session.me;
  const open = e.status === 'open';
  const path = `/api/v1/events/${encodeURIComponent(e.id)}`;
  const card = el(
    'section',
    { class: 'card', data: { event: e.id, status: e.status } },
    el('h2', {}, titleOf(e)),
    el('p', { class: 'muted' }, `${day(e.started_at)} · ${open ? `check-in open until ${new Date(e.closes_at).toLocaleString()}` : e.status === 'closing' ? 'closing' : 'closed'}`),
    el('p', { data: { field: 'present' } }, `Present (${e.present.length}): ${names(e.present)}`),
    open ? null : el('p', { data: { field: 'absent' } }, `Absent (${e.absent.length}): ${names(e.absent)}`),
    open ? null : el('p', { data: { field: 'excused' } }, `Excused, away (${e.excused.length}): ${names(e.excused)}`),
  );
  const here = e.present.some((p) => p.id === me.id);
  if (open && me.on_roster && !here) {
    card.append(el('button', { type: 'button', data: { action: 'check-in' }, on: { click: (/** @type {Event} */ ev) => ((/** @type {HTMLButtonElement} */ (ev.target).disabled = true), act(ctx, 'POST', `${path}/attendees`, { user_id: me.id }, `Checked in: ${titleOf(e)}.`)) } }, 'I was there'));
  }
  if (me.officer) {
    const who = el('select', { name: 'user_id', required: true }, [el('option', { value: '' }, 'Choose a member'), ...roster.map((m) => el('option', { value: m.id }, m.username))]);
    const correct = actionForm({ class: 'inline', data: { form: 'correct' } }, [field('Member', who)], 'Mark present', async (data) => {
      await send('POST', `${path}/attendees`, { user_id: data.get('user_id') });
      ctx.refresh(`Marked present: ${titleOf(e)}.`);
    });
    const absent = el('button', {
      type: 'button',
      class: 'quiet',
      on: { click: () => (who.value ? act(ctx, 'DELETE', `${path}/attendees/${encodeURIComponent(who.value)}`, undefined, `Marked not present: ${titleOf(e)}.`) : who.focus()) },
    }, 'Mark not present');
    correct.querySelector('.actions')?.append(absent);
    card.append(correct);
    if (open) card.append(askFirst('Close', `Close check-in for ${titleOf(e)}? Everyone not checked in is recorded absent (or excused if away).`, () => act(ctx, 'POST', `${path}/close`, undefined, `Closed: ${titleOf(e)}.`)));
  }
  return card;
}

/** @param {PageContext} ctx */
function startForm(ctx) {
  const kind = el('select', { name: 'kind' }, ['boss', 'omni', 'other'].map((k) => el('option', { value: k }, k)));
  const name = el('input', { name: 'name', maxlength: 60, autocomplete: 'off', placeholder: 'optional' });
  return el(
    'section',
    { class: 'card', id: 'start-event' },
    el('h2', {}, 'Start an event'),
    actionForm({ id: 'event-form' }, [field('Kind', kind), field('Name', name)], 'Start', async (data) => {
      /** @type {{ kind: FormDataEntryValue | null, name?: string }} */
      const body = { kind: data.get('kind') };
      if (String(data.get('name') || '').trim()) body.name = String(data.get('name'));
      /** @type {{ event: GuildEvent }} */
      const res = await send('POST', '/api/v1/events', body);
      ctx.refresh(`Started: ${titleOf(res.event)}. Members check in here or with the button in Discord.`);
    }),
  );
}

/** @param {PageContext} ctx @param {Member[]} roster */
function debtForm(ctx, roster) {
  const who = el('select', { name: 'user_id', required: true }, [el('option', { value: '' }, 'Choose a member'), ...roster.map((m) => el('option', { value: m.id }, m.username))]);
  const quality = el('select', { name: 'quality' }, ['bronze', 'silver', 'gold'].map((q) => el('option', { value: q }, q)));
  const reason = el('input', { name: 'reason', maxlength: 200, required: true, autocomplete: 'off' });
  const owed = roster.filter((m) => m.debts && m.debts.length);
  return el(
    'section',
    { class: 'card', id: 'debts' },
    el('h2', {}, `Owed a link · ${owed.length}`),
    owed.length
      ? el('ul', { class: 'rows' }, owed.map((m) => el('li', { data: { member: m.id } }, el('span', { class: 'main' }, m.username), el('span', { class: 'side' }, m.debts.map((d) => `${d.quality === 'any' ? 'any quality' : d.quality} since ${day(d.since)}: ${d.reason}`).join('; ')), askFirst('Forgive', `Clear every link owed to ${m.username}?`, () => act(ctx, 'DELETE', `/api/v1/members/${encodeURIComponent(m.id)}/debts`, undefined, `${m.username} is no longer owed a link.`)))))
      : el('p', { class: 'muted' }, 'Nobody is owed a link.'),
    actionForm({ id: 'owe-form' }, [field('Member', who), field('Quality', quality), field('Reason', reason)], 'Owe a link', async (data) => {
      await send('POST', `/api/v1/members/${encodeURIComponent(String(data.get('user_id') ?? ''))}/debts`, { quality: data.get('quality'), reason: data.get('reason') });
      ctx.refresh('Debt recorded: the next draw of that quality serves them first.');
    }),
  );
}

/**
 * @param {URLSearchParams} params
 * @param {PageContext} ctx
 */
export async function renderAttendance(params, ctx) {
  const cursor = params.get('cursor');
  /** @type {[{ events: GuildEvent[], cursor: string | null }, Member[]]} */
  const [page, roster] = await Promise.all([api(`/api/v1/events${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`), session.me.officer ? allMembers() : Promise.resolve([])]);
  const mine = session.me.attendance;
  const standing = mine
    ? el(
        'section',
        { class: 'card', id: 'my-attendance' },
        el('h2', {}, 'Your attendance'),
        el('p', {}, Object.entries(mine.attended).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'No events attended lately.', mine.counted ? ` (needed for silver and gold: ${mine.counted.min} ${mine.counted.kind} in ${plural(mine.counted.window_days, 'day')})` : ''),
        el('p', {}, `${plural(mine.misses_in_a_row, 'miss')} in a row${mine.inactive ? ': inactive, left out of draws until you attend again' : ''}`.replace('misss', 'misses')),
      )
    : null;
  const events = page.events.length ? page.events.map((e) => eventCard(e, ctx, roster)) : [el('p', { class: 'card muted' }, 'No events yet.')];
  const more = page.cursor ? el('p', {}, el('button', { type: 'button', class: 'quiet', on: { click: () => go('#/attendance', { cursor: page.cursor }) } }, 'Older events')) : null;
  return [el('h1', {}, 'Attendance'), standing, session.me.officer ? startForm(ctx) : null, ...events, more, session.me.officer ? debtForm(ctx, roster) : null];
}
