// @ts-check
// What every page of the dashboard uses: elements built with text only (never parsed as HTML),
// the API (reads, and writes that carry the CSRF token), and small shared controls.
// Type-checked by `npm run typecheck` (tsconfig.static.json): the API's shapes are the typedefs
// below, written from src/web/api/ (views.ts, me.ts, stock.ts, history-entry.ts, events.ts).

/** @typedef {'bronze' | 'silver' | 'gold'} Quality */
/** @typedef {'boss' | 'omni' | 'other'} EventKind */
/**
 * A member's attendance (attendanceView in src/web/api/views.ts): `counted` is the rule for
 * silver and gold, when one is set.
 * @typedef {{ counted: { kind: EventKind, min: number, window_days: number } | null,
 *   attended: Record<EventKind, number>, misses_in_a_row: number, inactive: boolean }} Attendance
 */
/** A link owed to a member (attendanceView in src/web/api/views.ts). @typedef {{ quality: Quality | 'any', reason: string, since: string, by: string }} Debt */
/**
 * A roster member (memberView in src/web/api/views.ts).
 * @typedef {{ id: string, username: string, officer: boolean, rank: string, days_in_guild: number | null,
 *   join_date: string | null, eligible_for: Quality[], links_received: number, last_link_at: string | null,
 *   away_until: string | null, wants: string[], attendance: Attendance, debts: Debt[] }} Member
 */
/**
 * A distribution record as the API shows it (historyEntry in src/web/api/history-entry.ts).
 * @typedef {{ id: string, distribution_id: string, distributed_at: string | null, status: string,
 *   member_id: string | null, member_username: string | null, link_type: string, quality: Quality,
 *   bonus: number | null, link_id: string | null, list_id: string | null, policy: string | null,
 *   pool_size: number | null, delivered_at: string | null, delivered_by: string | null }} Award
 */
/** What markDelivered needs of an award. @typedef {Pick<Award, 'id' | 'quality' | 'link_type' | 'member_username' | 'member_id'>} AwardRef */
/**
 * The signed-in member (GET /api/v1/me); the standing fields only when on_roster.
 * @typedef {{ id: string, username: string, officer: boolean, csrf_token: string, on_roster: boolean,
 *   recent: Award[], rank: string, days_in_guild: number, join_date: string | null,
 *   eligible_for: Quality[], links_received: number, last_link_at: string | null, wants: string[],
 *   wants_max: number, away_until: string | null, attendance?: Attendance, debts?: Debt[] }} Me
 */
/** @typedef {{ id: string, username: string | null }} Person */
/**
 * An event and its roll (eventView in src/web/api/views.ts).
 * @typedef {{ id: string, kind: EventKind, name: string | null, status: 'open' | 'closing' | 'closed',
 *   started_by: string, started_at: string, closes_at: string, closed_at: string | null,
 *   present: Person[], absent: Person[], excused: Person[] }} GuildEvent
 */
/**
 * An active list (listView in src/web/api/views.ts).
 * @typedef {{ id: string, name: string, quality: Quality, active: boolean, created_at: string,
 *   created_by: string, waiting: Person[], winners: Person[] }} List
 */
/**
 * The draw's winner: their standing, or only who they are when it was not read (on_roster null)
 * or they are no longer on the roster (false).
 * @typedef {Member & { on_roster?: undefined } | { id: string, username: string | null, on_roster: boolean | null,
 *   rank?: undefined, days_in_guild?: undefined, links_received?: undefined, last_link_at?: undefined }} Winner
 */
/**
 * A draw in any state (drawView in src/web/api/views.ts, from src/views/draw.ts): `actions` says
 * which buttons do something now and `texts` what the draw says, as Discord's message does.
 * @typedef {{ id: string, status: 'drawn' | 'confirmed' | 'reverted' | 'cancelled' | 'expired', version: number,
 *   method: string | undefined, quality: Quality, link_type: string, bonus: number | null, named: boolean,
 *   confirming: boolean, can_reroll: boolean, winner: Winner | null, pool_size: number,
 *   actions: { confirm: boolean, reroll: boolean, cancel: boolean, delivered: boolean },
 *   texts: { title: string, pool: string, policy: { policy: string, wanting: string, figures: string | null } | null,
 *     confirming: string | null },
 *   left_out: { away?: number, too_new?: number, unreadable?: number } | null, source: 'named' | 'list' | 'eligible',
 *   list: { id: string, name: string | null } | null, drawn_before: Person[], wanting: number,
 *   policy: 'uniform' | 'fewest' | 'longest' | null, fairness_window_days: number,
 *   figures: { winner: { count: number, last: string | null } | null, pool: { min: number, max: number } } | null,
 *   drawn_by: string | null, expires_at: string | null, member_id: string | null, distributed_by: string | null,
 *   distributed_at: string | null, delivered_at: string | null, delivered_by: string | null,
 *   ended_by: string | null, reverted_by: string | null, reverted_at: string | null,
 *   message: { url: string } | null }} Draw
 */
/**
 * GET /api/v1/stock.
 * @typedef {{ total: number, qualities: { quality: Quality, total: number,
 *   types: { link_type: string, category: string, bonus: number, count: number }[] }[] }} Stock
 */
/** A catalog link type (GET /api/v1/catalog). @typedef {{ name: string, category: string, bonus: Record<Quality, number> }} LinkType */
/**
 * What every page gets from the router (app.js).
 * @typedef {{ refresh(message?: string, kind?: string): Promise<void>, takeNotice(): HTMLElement | null }} PageContext
 */
/** A page: its nodes (nulls left out) from the query of its hash. @typedef {(params: URLSearchParams, ctx: PageContext) => Promise<(Node | null)[]>} Page */
/** @typedef {string | number | Node | null | undefined | false} Child */
/** @typedef {Child | Child[]} Children */

/** @type {Record<string, string | undefined>} */
export const QUALITY = { gold: 'Gold', silver: 'Silver', bronze: 'Bronze' };
/** @type {[string, string][]} */
export const QUALITY_OPTIONS = [['bronze', 'Bronze'], ['silver', 'Silver'], ['gold', 'Gold']];

/**
 * The signed-in member, from GET /api/v1/me (its csrf_token goes with every write). app.js sets
 * it before any page is drawn, so pages read it as set.
 * @type {{ me: Me }}
 */
export const session = { me: /** @type {Me} */ (/** @type {unknown} */ (null)) };

/**
 * An element's attributes: `class`, `data` (dataset), `on` (event listeners), and any attribute
 * (true: present and empty; undefined, null or false: left out).
 * @typedef {{ class?: string, data?: Record<string, string | undefined>,
 *   on?: Record<string, (event: any) => unknown>, [attribute: string]: unknown }} Props
 */

/**
 * An element with text children only: strings become text nodes, never markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'data') for (const [k, v] of Object.entries(/** @type {Record<string, string | undefined>} */ (value))) node.dataset[k] = v;
    else if (key === 'on') for (const [event, handler] of Object.entries(/** @type {Record<string, (event: any) => unknown>} */ (value))) node.addEventListener(event, handler);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A refusal or failure: the server's words, its status, and the rest of its answer (reason, draw…). */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} [status]
   * @param {Record<string, any>} [body]
   */
  constructor(message, status = 0, body = {}) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/**
 * @param {string} path
 * @param {RequestInit} init
 * @returns {Promise<any>} the answer's JSON: each caller states the shape it reads (typedefs above)
 */
async function call(path, init) {
  const res = await fetch(path, { ...init, credentials: 'same-origin' });
  if (res.status === 401) {
    location.assign('/signin');
    throw new ApiError('Signed out', 401);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(body.error || `The server answered ${res.status}.`, res.status, body);
  return body;
}

/** A read. @param {string} path @returns {Promise<any>} */
export function api(path) {
  return call(path, { headers: { accept: 'application/json' } });
}

/**
 * A write: JSON body (if any), the CSRF header, and any extra headers (Idempotency-Key).
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<any>}
 */
export function send(method, path, body, headers = {}) {
  /** @type {Record<string, string>} */
  const json = body === undefined ? {} : { 'content-type': 'application/json' };
  return call(path, {
    method,
    headers: { accept: 'application/json', 'x-csrf-token': session.me ? session.me.csrf_token : '', ...json, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A random request key (works without a secure context, unlike crypto.randomUUID). */
export function requestKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** @param {string | null | undefined} iso */
export const day = (iso) => (iso ? String(iso).slice(0, 10) : 'never');
/** @param {string | null | undefined} iso */
export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '—');
/** @param {number | null | undefined} n @param {string} word */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** @param {string} q */
export const quality = (q) => el('span', { class: `q-${q}` }, QUALITY[q] || q);

/** @param {string} label @param {Child} value @param {string} field */
export function stat(label, value, field) {
  return el('div', {}, el('dt', {}, label), el('dd', { data: { field } }, value));
}

/** @param {string} hash @param {Record<string, string | null | undefined>} [params] */
export function go(hash, params = {}) {
  const query = new URLSearchParams(/** @type {[string, string][]} */ (Object.entries(params).filter(([, v]) => v)));
  location.hash = `${hash}${[...query].length ? `?${query}` : ''}`;
}

/**
 * A select; `onChange` (optional) gets the new value.
 * @param {string} name
 * @param {string} label
 * @param {[string, string][]} options value and text of each
 * @param {string} value
 * @param {(value: string) => void} [onChange]
 */
export function select(name, label, options, value, onChange) {
  const control = el(
    'select',
    { name, on: onChange ? { change: (/** @type {Event} */ e) => onChange(/** @type {HTMLSelectElement} */ (e.target).value) } : {} },
    options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)),
  );
  return el('label', {}, label, control);
}

/** A labelled input of a form. @param {string} label @param {HTMLElement} input @param {string} [hint] */
export function field(label, input, hint) {
  return el('label', { class: 'field' }, el('span', {}, label), input, hint ? el('small', { class: 'muted' }, hint) : null);
}

/** A short message after an action: what happened, or why nothing was changed. */
/** @param {string} text @param {string} [kind] */
export function notice(text, kind = 'ok') {
  return el('p', { id: 'notice', class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', data: { kind } }, text);
}

/**
 * A form whose submit runs `action(form data)` with its button disabled meanwhile; a refusal is
 * shown inside the form, in the server's words.
 * @param {Props} props
 * @param {Child[]} children
 * @param {string} submitLabel
 * @param {(data: FormData, form: HTMLFormElement) => Promise<void>} action
 */
export function actionForm(props, children, submitLabel, action) {
  const button = el('button', { type: 'submit' }, submitLabel);
  const status = el('div', { class: 'form-status' });
  const form = el('form', { ...props, class: 'form', novalidate: false }, children, el('div', { class: 'actions' }, button), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.replaceChildren();
    try {
      await action(new FormData(form), form);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) status.replaceChildren(notice(errorMessage(error), 'error'));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/**
 * A button that asks first: pressed, it is replaced by the question with "Yes" and "Keep"; only
 * "Yes" runs `action`. For what cannot be taken back by a second press (revert, close a list).
 * @param {string} label
 * @param {string} question
 * @param {() => Promise<void>} action
 * @param {Props} [props]
 */
export function askFirst(label, question, action, props = {}) {
  const wrap = el('span', { class: 'ask' });
  /** @type {HTMLButtonElement} */
  const start = el('button', { type: 'button', class: 'quiet danger', ...props, on: { click: () => wrap.replaceChildren(asking) } }, label);
  const yes = el('button', { type: 'button', class: 'danger', data: { confirm: 'yes' }, on: { click: async () => { yes.disabled = true; await action(); } } }, `Yes, ${label.toLowerCase()}`);
  /** @type {HTMLButtonElement} */
  const keep = el('button', { type: 'button', class: 'quiet', on: { click: () => wrap.replaceChildren(start) } }, 'Keep');
  /** @type {HTMLSpanElement} */
  const asking = el('span', { class: 'question' }, el('span', {}, question), yes, keep);
  wrap.append(start);
  return wrap;
}

/**
 * Every roster member (a few pages of 100 at most), for pickers.
 * @returns {Promise<Member[]>}
 */
export async function allMembers() {
  /** @type {Member[]} */
  const members = [];
  let cursor = null;
  for (let page = 0; page < 20; page++) {
    /** @type {{ members: Member[], cursor: string | null }} */
    const res = await api(`/api/v1/roster?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    members.push(...res.members);
    cursor = res.cursor;
    if (!cursor) break;
  }
  return members.sort((a, b) => a.username.localeCompare(b.username));
}

/** @type {Promise<LinkType[]> | null} */
let catalog = null;
/** The catalog's link types, read once per page load. @returns {Promise<LinkType[]>} */
export async function catalogTypes() {
  catalog ??= api('/api/v1/catalog').then(
    (/** @type {{ link_types: LinkType[] }} */ c) => c.link_types,
    (error) => {
      catalog = null;
      throw error;
    },
  );
  return catalog;
}

/** A datalist of catalog names for an input's suggestions. @param {string} id @param {LinkType[]} types */
export function catalogList(id, types) {
  return el('datalist', { id }, types.map((t) => el('option', { value: t.name }, t.category)));
}

/** What a failed action says: the server's words, or the error's. @param {unknown} error */
export function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
