// @ts-check
// FlavaFlav dashboard: one page, hash routes, plain DOM. Every value from the API is placed with
// textContent (through el() in dom.js), never parsed as HTML. This module routes; the pages live
// in pages.js (everyone), officer.js and draw.js (officers).

import { api, ApiError, el, errorMessage, notice, send, session } from './dom.js';
import { renderAttendance } from './attendance.js';
import { renderDraw } from './draw.js';
import { renderAddMember, renderAddStock, renderDeliveries } from './officer.js';
import { renderHistory, renderLists, renderMe, renderRoster, renderStock } from './pages.js';

/** An element index.html always has. @param {string} id @returns {HTMLElement} */
function part(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}.`);
  return node;
}

const view = part('view');
const nav = part('nav');

/** @typedef {{ hash: string, label: string, render: import('./dom.js').Page, officerOnly?: boolean }} PageEntry */
/** @type {PageEntry[]} */
const PAGES = [
  { hash: '#/me', label: 'Me', render: renderMe },
  { hash: '#/stock', label: 'Stock', render: renderStock },
  { hash: '#/lists', label: 'Lists', render: renderLists },
  { hash: '#/history', label: 'History', render: renderHistory },
  { hash: '#/roster', label: 'Roster', render: renderRoster },
  { hash: '#/attendance', label: 'Attendance', render: renderAttendance },
  { hash: '#/draw', label: 'Draw', render: renderDraw, officerOnly: true },
  { hash: '#/deliveries', label: 'Deliveries', render: renderDeliveries, officerOnly: true },
  { hash: '#/add-stock', label: 'Add stock', render: renderAddStock, officerOnly: true },
  { hash: '#/add-member', label: 'Add member', render: renderAddMember, officerOnly: true },
];

/** @param {PageEntry} current */
function drawNav(current) {
  // Officer-only pages are left out for members (the API refuses them anyway).
  nav.replaceChildren(
    ...PAGES.filter((p) => !p.officerOnly || session.me.officer).map((p) => el('a', { href: p.hash, 'aria-current': p === current ? 'page' : undefined }, p.label)),
  );
}

/**
 * What an action says after it, shown once on the page drawn next.
 * @type {{ message: string, kind: string } | null}
 */
let flash = null;

/**
 * Handed to every page: `refresh` draws the page again from the API (after a write) with a
 * message; `takeNotice` places that message where the page wants it (else it goes on top).
 * @type {import('./dom.js').PageContext}
 */
const ctx = {
  async refresh(message, kind = 'ok') {
    flash = message ? { message, kind } : null;
    view.setAttribute('aria-busy', 'true');
    // The write may have changed the member's own standing (wants, counts).
    session.me = await api('/api/v1/me').catch(() => session.me);
    await route();
  },
  takeNotice() {
    const shown = flash;
    flash = null;
    return shown ? notice(shown.message, shown.kind) : null;
  },
};

let rendering = 0;
async function route() {
  const [hash, query = ''] = (location.hash || '#/me').split('?');
  const page = PAGES.find((p) => p.hash === hash && (!p.officerOnly || session.me.officer)) || PAGES[0];
  drawNav(page);
  document.title = `${page.label} · FlavaFlav`;
  const ticket = ++rendering;
  view.setAttribute('aria-busy', 'true');
  try {
    const nodes = /** @type {Node[]} */ ((await page.render(new URLSearchParams(query), ctx)).filter(Boolean));
    const left = ctx.takeNotice();
    if (ticket === rendering) view.replaceChildren(...(left ? [left] : []), ...nodes);
  } catch (error) {
    flash = null;
    if (ticket === rendering) view.replaceChildren(el('p', { class: 'card error', role: 'alert' }, errorMessage(error)));
  } finally {
    if (ticket === rendering) view.setAttribute('aria-busy', 'false');
  }
}

async function start() {
  session.me = await api('/api/v1/me');
  part('who').textContent = session.me.officer ? `${session.me.username} (officer)` : session.me.username;
  part('logout').addEventListener('click', async () => {
    await send('POST', '/logout').catch(() => undefined);
    location.assign('/signin');
  });
  window.addEventListener('hashchange', route);
  await route();
}

start().catch((error) => {
  if (!(error instanceof ApiError && error.status === 401)) view.replaceChildren(el('p', { class: 'card error', role: 'alert' }, errorMessage(error)));
});
