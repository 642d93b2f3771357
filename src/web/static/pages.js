// @ts-check
// The pages every member sees: their own standing and wants, the stock, the lists, history and
// the roster. Officers see a few more controls on them (list changes, revert); the API decides.

import { actionForm, allMembers, api, askFirst, catalogList, catalogTypes, day, el, errorMessage, field, go, plural, quality, QUALITY, QUALITY_OPTIONS, select, send, session, stat } from './dom.js';

/** @typedef {import('./dom.js').Award} Award */
/** @typedef {import('./dom.js').Member} Member */
/** @typedef {import('./dom.js').PageContext} PageContext */

const RANKS = ['Book Worm', 'Scholar', 'Sage', 'Maester'];

/**
 * Marks an award delivered (the winner, or an officer) and shows the page again with the answer.
 * @param {import('./dom.js').AwardRef} d
 * @param {PageContext} ctx
 */
export async function markDelivered(d, ctx) {
  try {
    await send('POST', `/api/v1/distributions/${encodeURIComponent(d.id)}/delivered`);
    ctx.refresh(`Marked delivered: ${QUALITY[d.quality] || d.quality} ${d.link_type} to ${d.member_username || d.member_id}.`);
  } catch (error) {
    ctx.refresh(errorMessage(error), 'error');
  }
}

/** @param {Award} d @param {PageContext} ctx */
function rowActions(d, ctx) {
  const me = session.me;
  const standing = d.status === 'confirmed';
  /** @type {HTMLElement[]} */
  const actions = [];
  if (standing && !d.delivered_at && (me.officer || d.member_id === me.id)) {
    actions.push(el('button', { type: 'button', class: 'quiet', data: { action: 'delivered' }, on: { click: (/** @type {Event} */ e) => ((/** @type {HTMLButtonElement} */ (e.target).disabled = true), markDelivered(d, ctx)) } }, 'Delivered'));
  }
  if (standing && me.officer) {
    const who = d.member_username || d.member_id;
    actions.push(
      askFirst(
        'Revert',
        `Revert ${QUALITY[d.quality] || d.quality} ${d.link_type} to ${who}? The link goes back to the stock and their count is restored.`,
        async () => {
          try {
            const res = await send('POST', `/api/v1/distributions/${encodeURIComponent(d.id)}/revert`);
            ctx.refresh(`Reverted: ${d.link_type} to ${who}. ${res.link_restored ? 'The link is available again.' : 'Its link is no longer in the inventory.'}${res.list_place_restored ? ' They are waiting on the list again.' : ''}`);
          } catch (error) {
            ctx.refresh(errorMessage(error), 'error');
          }
        },
        { data: { action: 'revert' } },
      ),
    );
  }
  return actions.length ? el('span', { class: 'row-actions' }, actions) : null;
}

/** @type {Record<string, string | undefined>} */
const STATUS_NOTE = { reverted: ' · reverted', cancelled: ' · cancelled', expired: ' · expired' };

/**
 * @param {Award[]} items
 * @param {{ showMember: boolean, ctx: PageContext }} options
 */
export function historyRows(items, { showMember, ctx }) {
  if (!items.length) return el('p', { class: 'muted' }, 'No links yet.');
  return el(
    'ul',
    { class: 'rows', id: 'history-rows' },
    items.map((d) =>
      el(
        'li',
        { class: d.status === 'confirmed' ? undefined : d.status, data: { id: d.id, status: d.status } },
        el('span', { class: 'main' }, quality(d.quality), ' ', d.link_type, d.bonus ? ` (+${d.bonus})` : ''),
        showMember ? el('span', { class: 'side' }, d.member_username || d.member_id || 'nobody') : null,
        el('span', { class: 'side' }, day(d.distributed_at), STATUS_NOTE[d.status] || '', d.delivered_at ? ' · delivered' : '', d.policy ? ` · ${d.policy}` : '', d.pool_size ? ` · pool ${d.pool_size}` : ''),
        rowActions(d, ctx),
      ),
    ),
  );
}

// ---- Me -------------------------------------------------------------------------------------

/** @param {import('./dom.js').Me} me @param {PageContext} ctx */
async function wantsCard(me, ctx) {
  /** @param {string} want */
  const remove = (want) => async (/** @type {Event} */ e) => {
    /** @type {HTMLButtonElement} */ (e.target).disabled = true;
    try {
      await send('DELETE', `/api/v1/me/wants/${encodeURIComponent(want)}`);
      ctx.refresh(`Removed: ${want}.`);
    } catch (error) {
      ctx.refresh(errorMessage(error), 'error');
    }
  };
  const rows = me.wants.length
    ? el('ul', { class: 'rows', id: 'wants-rows' }, me.wants.map((w) => el('li', { data: { want: w } }, el('span', { class: 'main' }, w), el('button', { type: 'button', class: 'quiet', on: { click: remove(w) } }, 'Remove'))))
    : el('p', { class: 'muted' }, 'Nothing yet. A draw of a link type you want is among those who want it.');
  let form;
  if (me.wants.length < me.wants_max) {
    const types = await catalogTypes();
    const input = el('input', { name: 'link_type', list: 'catalog-names', required: true, maxlength: 100, autocomplete: 'off', placeholder: 'e.g. Damage on Ships' });
    form = actionForm({ id: 'want-form' }, [field('Link type', input), catalogList('catalog-names', types)], 'Add', async (data) => {
      /** @type {{ wants: string[] }} */
      const res = await send('POST', '/api/v1/me/wants', { link_type: data.get('link_type') });
      const added = res.wants.find((w) => w.toLowerCase() === String(data.get('link_type')).trim().toLowerCase()) || data.get('link_type');
      ctx.refresh(`Added: ${added}.`);
    });
  } else {
    form = el('p', { class: 'muted' }, `You want ${me.wants_max} link types, the most anyone can. Remove one to add another.`);
  }
  return el('section', { class: 'card', id: 'wants' }, el('h2', {}, `Wanted link types · ${me.wants.length} of ${me.wants_max}`), ctx.takeNotice(), rows, form);
}

/**
 * @param {URLSearchParams} _params
 * @param {PageContext} ctx
 */
export async function renderMe(_params, ctx) {
  const me = session.me;
  const standing = el('section', { class: 'card', id: 'standing' }, el('h1', {}, me.username));
  if (!me.on_roster) {
    standing.append(el('p', {}, 'You are signed in, but not on the guild roster yet. Ask an officer to add you with /member add.'));
    return [standing];
  }
  standing.append(
    el('p', {}, el('span', { class: 'rank', data: { field: 'rank' } }, me.rank), me.officer ? ' · officer' : ''),
    el(
      'dl',
      { class: 'stats' },
      stat('In the guild', `${plural(me.days_in_guild, 'day')} (since ${me.join_date})`, 'days'),
      stat('May receive', me.eligible_for.length ? me.eligible_for.map((q) => QUALITY[q]).join(', ') : 'nothing yet', 'eligibility'),
      stat('Links received', String(me.links_received), 'links'),
      stat('Last link', day(me.last_link_at), 'last-link'),
      stat('Status', me.away_until ? `away until ${me.away_until}` : 'available for draws', 'status'),
    ),
  );
  const wants = await wantsCard(me, ctx);
  const recent = el('section', { class: 'card', id: 'recent' }, el('h2', {}, 'Recent links'), historyRows(me.recent, { showMember: false, ctx }));
  return [standing, wants, recent];
}

// ---- Stock ----------------------------------------------------------------------------------

/** @param {URLSearchParams} params */
export async function renderStock(params) {
  const q = params.get('quality') || '';
  const query = new URLSearchParams(q ? { quality: q } : {});
  /** @type {import('./dom.js').Stock} */
  const stock = await api(`/api/v1/stock?${query}`);
  const filters = el('div', { class: 'filters' }, select('quality', 'Quality', [['', 'All'], ['gold', 'Gold'], ['silver', 'Silver'], ['bronze', 'Bronze']], q, (v) => go('#/stock', { quality: v })));
  const groups = stock.qualities.length
    ? stock.qualities.map((g) =>
        el(
          'section',
          { class: 'card', data: { quality: g.quality } },
          el('h2', {}, quality(g.quality), ` · ${g.total}`),
          el('ul', { class: 'rows' }, g.types.map((t) => el('li', {}, el('span', { class: 'main' }, `${t.count} × ${t.link_type}`), el('span', { class: 'side' }, `${t.category} · +${t.bonus}`)))),
        ),
      )
    : [el('p', { class: 'card muted' }, 'Nothing in stock.')];
  return [el('h1', {}, 'Stock'), filters, ...groups];
}

// ---- Lists ----------------------------------------------------------------------------------

/** @param {PageContext} ctx */
function newListCard(ctx) {
  const form = actionForm(
    { id: 'new-list' },
    [
      field('Name', el('input', { name: 'name', required: true, maxlength: 60, autocomplete: 'off' })),
      select('quality', 'Quality', QUALITY_OPTIONS, 'silver'),
      select('fill', 'Start with', [['eligible', 'every eligible member'], ['empty', 'nobody']], 'eligible'),
    ],
    'Create list',
    async (data) => {
      /** @type {{ list: import('./dom.js').List }} */
      const { list } = await send('POST', '/api/v1/lists', { name: data.get('name'), quality: data.get('quality'), fill: data.get('fill') });
      ctx.refresh(`Created ${list.name}: ${plural(list.waiting.length, 'member')} waiting.`);
    },
  );
  return el('details', { class: 'card', id: 'new-list-card' }, el('summary', {}, 'New list'), form);
}

/** @param {import('./dom.js').List} list @param {Member[]} members @param {PageContext} ctx */
function listCard(list, members, ctx) {
  const officer = session.me.officer;
  const path = `/api/v1/lists/${encodeURIComponent(list.id)}`;
  /** @param {() => Promise<unknown>} request @param {string} done */
  const act = (request, done) => async () => {
    try {
      await request();
      ctx.refresh(done);
    } catch (error) {
      ctx.refresh(errorMessage(error), 'error');
    }
  };
  /** @param {import('./dom.js').Person} p */
  const who = (p) =>
    el(
      'li',
      { data: { id: p.id } },
      el('span', { class: 'main' }, p.username || p.id),
      officer ? el('button', { type: 'button', class: 'quiet', data: { action: 'remove' }, on: { click: act(() => send('DELETE', `${path}/members/${p.id}`), `${p.username || p.id} is no longer waiting on ${list.name}.`) } }, 'Remove') : null,
    );
  /** @param {import('./dom.js').Person} p */
  const served = (p) => el('li', {}, el('span', { class: 'main' }, p.username || p.id));
  const card = el(
    'section',
    { class: 'card', data: { list: list.id } },
    el('h2', {}, list.name),
    el('p', { class: 'muted' }, quality(list.quality), ` list · created ${day(list.created_at)}`),
    el('h3', {}, `Waiting · ${list.waiting.length}`),
    list.waiting.length ? el('ol', { class: 'rows waiting' }, list.waiting.map(who)) : el('p', { class: 'muted' }, 'Nobody'),
    el('h3', {}, `Served · ${list.winners.length}`),
    list.winners.length ? el('ul', { class: 'rows served' }, list.winners.map(served)) : el('p', { class: 'muted' }, 'Nobody yet'),
  );
  if (officer) {
    const waiting = new Set(list.waiting.map((p) => p.id));
    const candidates = members.filter((m) => !waiting.has(m.id));
    if (candidates.length) {
      card.append(
        actionForm({ class: 'inline', data: { form: 'add-to-list' } }, [select('user_id', 'Add a member', candidates.map((m) => /** @type {[string, string]} */ ([m.id, `${m.username} · ${m.rank}`])), candidates[0].id)], 'Add', async (data) => {
          const name = candidates.find((m) => m.id === data.get('user_id'))?.username;
          await send('POST', `${path}/members`, { user_id: data.get('user_id') });
          ctx.refresh(`${name} is now waiting on ${list.name}.`);
        }),
      );
    }
    card.append(el('div', { class: 'actions' }, askFirst('Close list', `Close ${list.name}? Nobody more can be drawn from it.`, act(() => send('POST', `${path}/close`), `Closed ${list.name}.`), { data: { action: 'close' } })));
  }
  return card;
}

/**
 * @param {URLSearchParams} _params
 * @param {PageContext} ctx
 */
export async function renderLists(_params, ctx) {
  const officer = session.me.officer;
  /** @type {[{ lists: import('./dom.js').List[] }, Member[]]} */
  const [{ lists }, members] = await Promise.all([api('/api/v1/lists'), officer ? allMembers() : Promise.resolve([])]);
  const nodes = [el('h1', {}, 'Lists'), ctx.takeNotice()];
  if (officer) nodes.push(newListCard(ctx));
  if (!lists.length) nodes.push(el('p', { class: 'card muted' }, 'No active lists.'));
  nodes.push(...lists.map((list) => listCard(list, members, ctx)));
  return nodes;
}

// ---- History and roster -----------------------------------------------------------------------

/**
 * Previous / Next over opaque cursors: the trail of cursors that led to this page.
 * @param {string} hash
 * @param {URLSearchParams} params
 * @param {string | null} nextCursor
 */
function pager(hash, params, nextCursor) {
  const trail = (params.get('trail') || '').split(' ').filter(Boolean);
  const previous = () => {
    const back = trail.slice(0, -1);
    /** @type {Record<string, string>} */
    const p = Object.fromEntries(params);
    delete p.cursor;
    delete p.trail;
    if (back.length) Object.assign(p, { cursor: back[back.length - 1], trail: back.join(' ') });
    go(hash, p);
  };
  const next = () => go(hash, { ...Object.fromEntries(params), cursor: nextCursor, trail: [...trail, nextCursor].join(' ') });
  return el(
    'div',
    { class: 'pager' },
    el('button', { type: 'button', class: 'quiet', id: 'previous', disabled: trail.length === 0, on: { click: previous } }, 'Previous'),
    el('button', { type: 'button', class: 'quiet', id: 'next', disabled: !nextCursor, on: { click: next } }, 'Next'),
    el('span', { class: 'muted' }, `Page ${trail.length + 1}`),
  );
}

/** @param {URLSearchParams} params @param {PageContext} ctx */
export async function renderHistory(params, ctx) {
  const me = session.me;
  const q = params.get('quality') || '';
  // Members see their own history; officers the whole guild (cancelled and expired draws too), or one member's.
  const member = me.officer ? params.get('member') || '' : me.id;
  const query = new URLSearchParams({ ...(member ? { member } : {}), ...(q ? { quality: q } : {}) });
  const cursor = params.get('cursor');
  /** @type {{ items: Award[], cursor: string | null }} */
  const page = await api(`/api/v1/history?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  const filters = el(
    'div',
    { class: 'filters' },
    select('quality', 'Quality', [['', 'All'], ['gold', 'Gold'], ['silver', 'Silver'], ['bronze', 'Bronze']], q, (v) => go('#/history', { ...(member && me.officer ? { member } : {}), quality: v })),
  );
  if (me.officer) {
    /** @type {{ members: Member[] }} */
    const roster = await api('/api/v1/roster?limit=100');
    /** @type {[string, string][]} */
    const options = [['', 'Whole guild'], ...roster.members.map((m) => /** @type {[string, string]} */ ([m.id, m.username]))];
    filters.append(select('member', 'Member', options, member, (v) => go('#/history', { member: v, ...(q ? { quality: q } : {}) })));
  }
  filters.append(el('a', { class: 'button quiet', id: 'csv', href: `/api/v1/history?${query}&format=csv`, download: '' }, 'Download CSV'));
  const title = member === me.id ? 'Your history' : member ? 'History of one member' : 'Guild history';
  return [el('h1', {}, title), ctx.takeNotice(), filters, el('section', { class: 'card' }, historyRows(page.items, { showMember: !member || member !== me.id, ctx }), pager('#/history', params, page.cursor))];
}

/** @param {URLSearchParams} params */
export async function renderRoster(params) {
  const rank = params.get('rank') || '';
  const cursor = params.get('cursor');
  const query = new URLSearchParams({ ...(rank ? { rank } : {}), ...(cursor ? { cursor } : {}) });
  /** @type {{ total: number, members: Member[], cursor: string | null }} */
  const page = await api(`/api/v1/roster?${query}`);
  const filters = el('div', { class: 'filters' }, select('rank', 'Rank', [['', 'Everyone'], ...RANKS.map((r) => /** @type {[string, string]} */ ([r, r]))], rank, (v) => go('#/roster', v ? { rank: v } : {})));
  const rows = page.members.length
    ? el(
        'ul',
        { class: 'rows', id: 'roster-rows' },
        page.members.map((m) =>
          el(
            'li',
            { data: { id: m.id } },
            el('span', { class: 'main' }, m.username),
            el('span', { class: 'side' }, `${m.rank} · ${plural(m.days_in_guild, 'day')} · ${plural(m.links_received, 'link')}`, m.away_until ? ` · away until ${m.away_until}` : ''),
          ),
        ),
      )
    : el('p', { class: 'muted' }, 'Nobody on the roster for that rank.');
  return [el('h1', {}, 'Roster'), el('p', { class: 'muted' }, plural(page.total, 'member')), filters, el('section', { class: 'card' }, rows, pager('#/roster', params, page.cursor))];
}
