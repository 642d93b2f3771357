// What every page of the dashboard uses: elements built with text only (never parsed as HTML),
// the API (reads, and writes that carry the CSRF token), and small shared controls.

export const QUALITY = { gold: 'Gold', silver: 'Silver', bronze: 'Bronze' };
export const QUALITY_OPTIONS = [['bronze', 'Bronze'], ['silver', 'Silver'], ['gold', 'Gold']];

/** The signed-in member, from GET /api/v1/me (its csrf_token goes with every write). */
export const session = { me: null };

/** An element with text children only: strings become text nodes, never markup. */
export function el(tag, props = {}, ...children) {
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

/** A refusal or failure: the server's words, its status, and the rest of its answer (reason, draw…). */
export class ApiError extends Error {
  constructor(message, status = 0, body = {}) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

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

export function api(path) {
  return call(path, { headers: { accept: 'application/json' } });
}

/** A write: JSON body (if any), the CSRF header, and any extra headers (Idempotency-Key). */
export function send(method, path, body, headers = {}) {
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

export const day = (iso) => (iso ? String(iso).slice(0, 10) : 'never');
export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '—');
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const quality = (q) => el('span', { class: `q-${q}` }, QUALITY[q] || q);

export function stat(label, value, field) {
  return el('div', {}, el('dt', {}, label), el('dd', { data: { field } }, value));
}

export function go(hash, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  location.hash = `${hash}${[...query].length ? `?${query}` : ''}`;
}

/** A select; `onChange` (optional) gets the new value. */
export function select(name, label, options, value, onChange) {
  const control = el(
    'select',
    { name, on: onChange ? { change: (e) => onChange(e.target.value) } : {} },
    options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)),
  );
  return el('label', {}, label, control);
}

/** A labelled input of a form. */
export function field(label, input, hint) {
  return el('label', { class: 'field' }, el('span', {}, label), input, hint ? el('small', { class: 'muted' }, hint) : null);
}

/** A short message after an action: what happened, or why nothing was changed. */
export function notice(text, kind = 'ok') {
  return el('p', { id: 'notice', class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', data: { kind } }, text);
}

/**
 * A form whose submit runs `action(form data)` with its button disabled meanwhile; a refusal is
 * shown inside the form, in the server's words.
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
      if (error.status !== 401) status.replaceChildren(notice(error.message, 'error'));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/**
 * A button that asks first: pressed, it is replaced by the question with "Yes" and "Keep"; only
 * "Yes" runs `action`. For what cannot be taken back by a second press (revert, close a list).
 */
export function askFirst(label, question, action, props = {}) {
  const wrap = el('span', { class: 'ask' });
  const start = el('button', { type: 'button', class: 'quiet danger', ...props, on: { click: () => wrap.replaceChildren(asking) } }, label);
  const yes = el('button', { type: 'button', class: 'danger', data: { confirm: 'yes' }, on: { click: async () => { yes.disabled = true; await action(); } } }, `Yes, ${label.toLowerCase()}`);
  const keep = el('button', { type: 'button', class: 'quiet', on: { click: () => wrap.replaceChildren(start) } }, 'Keep');
  const asking = el('span', { class: 'question' }, el('span', {}, question), yes, keep);
  wrap.append(start);
  return wrap;
}

/** Every roster member (a few pages of 100 at most), for pickers. */
export async function allMembers() {
  const members = [];
  let cursor = null;
  for (let page = 0; page < 20; page++) {
    const res = await api(`/api/v1/roster?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    members.push(...res.members);
    cursor = res.cursor;
    if (!cursor) break;
  }
  return members.sort((a, b) => a.username.localeCompare(b.username));
}

let catalog = null;
/** The catalog's link types, read once per page load. */
export async function catalogTypes() {
  catalog ??= api('/api/v1/catalog').then(
    (c) => c.link_types,
    (error) => {
      catalog = null;
      throw error;
    },
  );
  return catalog;
}

/** A datalist of catalog names for an input's suggestions. */
export function catalogList(id, types) {
  return el('datalist', { id }, types.map((t) => el('option', { value: t.name }, t.category)));
}
