// FlavaFlav dashboard: one page, hash routes, plain DOM. Every value from the API is placed with
// textContent (through el() below), never parsed as HTML.

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const QUALITY = { gold: 'Gold', silver: 'Silver', bronze: 'Bronze' };
const RANKS = ['Book Worm', 'Scholar', 'Sage', 'Maester'];
let me = null;

/** An element with text children only: strings become text nodes, never markup. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'data') for (const [k, v] of Object.entries(value)) node.dataset[k] = v;
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {}

async function api(path, options = {}) {
  const headers = { accept: 'application/json', ...(options.method && options.method !== 'GET' && me ? { 'x-csrf-token': me.csrf_token } : {}) };
  const res = await fetch(path, { ...options, headers, credentials: 'same-origin' });
  if (res.status === 401) {
    location.assign('/signin');
    throw new ApiError('Signed out');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(body.error || `The server answered ${res.status}.`);
  return body;
}

const day = (iso) => (iso ? String(iso).slice(0, 10) : 'never');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quality = (q) => el('span', { class: `q-${q}` }, QUALITY[q] || q);

function stat(label, value, field) {
  return el('div', {}, el('dt', {}, label), el('dd', { data: { field } }, value));
}

function historyRows(items, { showMember }) {
  if (!items.length) return el('p', { class: 'muted' }, 'No links yet.');
  return el(
    'ul',
    { class: 'rows', id: 'history-rows' },
    items.map((d) =>
      el(
        'li',
        { class: d.status === 'reverted' ? 'reverted' : undefined, data: { id: d.distribution_id } },
        el('span', { class: 'main' }, quality(d.quality), ' ', d.link_type, d.bonus ? ` (+${d.bonus})` : ''),
        showMember ? el('span', { class: 'side' }, d.member_username || d.member_id) : null,
        el('span', { class: 'side' }, day(d.distributed_at), d.status === 'reverted' ? ' · reverted' : '', d.delivered_at ? ' · delivered' : ''),
      ),
    ),
  );
}

// ---- pages --------------------------------------------------------------------------------

async function renderMe() {
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
  const recent = el('section', { class: 'card', id: 'recent' }, el('h2', {}, 'Recent links'), historyRows(me.recent, { showMember: false }));
  return [standing, recent];
}

function select(name, label, options, value, onChange) {
  const control = el(
    'select',
    { name, on: { change: (e) => onChange(e.target.value) } },
    options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)),
  );
  return el('label', {}, label, control);
}

async function renderStock(params) {
  const q = params.get('quality') || '';
  const query = new URLSearchParams(q ? { quality: q } : {});
  const stock = await api(`/api/v1/stock?${query}`);
  const filters = el(
    'div',
    { class: 'filters' },
    select('quality', 'Quality', [['', 'All'], ['gold', 'Gold'], ['silver', 'Silver'], ['bronze', 'Bronze']], q, (v) => go('#/stock', { quality: v })),
  );
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

async function renderLists() {
  const { lists } = await api('/api/v1/lists');
  if (!lists.length) return [el('h1', {}, 'Lists'), el('p', { class: 'card muted' }, 'No active lists.')];
  const who = (p) => el('li', {}, el('span', { class: 'main' }, p.username || p.id));
  return [
    el('h1', {}, 'Lists'),
    ...lists.map((list) =>
      el(
        'section',
        { class: 'card', data: { list: list.id } },
        el('h2', {}, list.name),
        el('p', { class: 'muted' }, quality(list.quality), ` list · created ${day(list.created_at)}`),
        el('h3', {}, `Waiting · ${list.waiting.length}`),
        list.waiting.length ? el('ol', { class: 'rows waiting' }, list.waiting.map(who)) : el('p', { class: 'muted' }, 'Nobody'),
        el('h3', {}, `Served · ${list.winners.length}`),
        list.winners.length ? el('ul', { class: 'rows served' }, list.winners.map(who)) : el('p', { class: 'muted' }, 'Nobody yet'),
      ),
    ),
  ];
}

/** Previous / Next over opaque cursors: the trail of cursors that led to this page. */
function pager(hash, params, nextCursor) {
  const trail = (params.get('trail') || '').split(' ').filter(Boolean);
  const previous = () => {
    const back = trail.slice(0, -1);
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

async function renderHistory(params) {
  const q = params.get('quality') || '';
  // Members see their own history; officers the whole guild, or one member's.
  const member = me.officer ? params.get('member') || '' : me.id;
  const query = new URLSearchParams({ ...(member ? { member } : {}), ...(q ? { quality: q } : {}) });
  const cursor = params.get('cursor');
  const page = await api(`/api/v1/history?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  const filters = el(
    'div',
    { class: 'filters' },
    select('quality', 'Quality', [['', 'All'], ['gold', 'Gold'], ['silver', 'Silver'], ['bronze', 'Bronze']], q, (v) => go('#/history', { ...(member && me.officer ? { member } : {}), quality: v })),
  );
  if (me.officer) {
    const roster = await api('/api/v1/roster?limit=100');
    const options = [['', 'Whole guild'], ...roster.members.map((m) => [m.id, m.username])];
    filters.append(select('member', 'Member', options, member, (v) => go('#/history', { member: v, ...(q ? { quality: q } : {}) })));
  }
  filters.append(el('a', { class: 'button quiet', id: 'csv', href: `/api/v1/history?${query}&format=csv`, download: '' }, 'Download CSV'));
  const title = member === me.id ? 'Your history' : member ? 'History of one member' : 'Guild history';
  return [el('h1', {}, title), filters, el('section', { class: 'card' }, historyRows(page.items, { showMember: !member || member !== me.id }), pager('#/history', params, page.cursor))];
}

async function renderRoster(params) {
  const rank = params.get('rank') || '';
  const cursor = params.get('cursor');
  const query = new URLSearchParams({ ...(rank ? { rank } : {}), ...(cursor ? { cursor } : {}) });
  const page = await api(`/api/v1/roster?${query}`);
  const filters = el(
    'div',
    { class: 'filters' },
    select('rank', 'Rank', [['', 'Everyone'], ...RANKS.map((r) => [r, r])], rank, (v) => go('#/roster', v ? { rank: v } : {})),
  );
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

// ---- routing ------------------------------------------------------------------------------

const PAGES = [
  { hash: '#/me', label: 'Me', render: renderMe },
  { hash: '#/stock', label: 'Stock', render: renderStock },
  { hash: '#/lists', label: 'Lists', render: renderLists },
  { hash: '#/history', label: 'History', render: renderHistory },
  { hash: '#/roster', label: 'Roster', render: renderRoster },
];

function go(hash, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  location.hash = `${hash}${[...query].length ? `?${query}` : ''}`;
}

function drawNav(current) {
  // Officer-only pages are left out for members (the API refuses them anyway).
  nav.replaceChildren(
    ...PAGES.filter((p) => !p.officerOnly || me.officer).map((p) => el('a', { href: p.hash, 'aria-current': p === current ? 'page' : undefined }, p.label)),
  );
}

let rendering = 0;
async function route() {
  const [hash, query = ''] = (location.hash || '#/me').split('?');
  const page = PAGES.find((p) => p.hash === hash && (!p.officerOnly || me.officer)) || PAGES[0];
  drawNav(page);
  document.title = `${page.label} · FlavaFlav`;
  const ticket = ++rendering;
  view.setAttribute('aria-busy', 'true');
  try {
    const nodes = await page.render(new URLSearchParams(query));
    if (ticket === rendering) view.replaceChildren(...nodes);
  } catch (error) {
    if (ticket === rendering) view.replaceChildren(el('p', { class: 'card error', role: 'alert' }, error.message));
  } finally {
    if (ticket === rendering) view.setAttribute('aria-busy', 'false');
  }
}

async function start() {
  me = await api('/api/v1/me');
  document.getElementById('who').textContent = me.officer ? `${me.username} (officer)` : me.username;
  document.getElementById('logout').addEventListener('click', async () => {
    await api('/logout', { method: 'POST' }).catch(() => undefined);
    location.assign('/signin');
  });
  window.addEventListener('hashchange', route);
  await route();
}

start().catch((error) => {
  if (!(error instanceof ApiError && error.message === 'Signed out')) view.replaceChildren(el('p', { class: 'card error', role: 'alert' }, error.message));
});
