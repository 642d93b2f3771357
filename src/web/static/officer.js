// @ts-check
// Officer pages: add a member, add stock, and the awards still to hand over in game. Members
// never see them in the navigation, and the API refuses them anyway.

import { actionForm, api, catalogList, catalogTypes, day, el, field, plural, QUALITY, QUALITY_OPTIONS, requestKey, select, send } from './dom.js';
import { markDelivered } from './pages.js';

/**
 * @param {URLSearchParams} _params
 * @param {import('./dom.js').PageContext} ctx
 */
export async function renderAddMember(_params, ctx) {
  const form = actionForm(
    { id: 'add-member' },
    [
      field('Discord user id', el('input', { name: 'user_id', required: true, inputmode: 'numeric', pattern: '[0-9]{17,20}', autocomplete: 'off', placeholder: '17–20 digits' }), 'In Discord: right-click the member → Copy User ID (Developer Mode on).'),
      field('Joined the guild on', el('input', { name: 'join_date', type: 'date' }), 'Leave empty for the day they joined the Discord server.'),
      el('label', { class: 'check' }, el('input', { name: 'officer', type: 'checkbox' }), ' Officer'),
    ],
    'Add to the roster',
    async (data) => {
      /** @type {{ user_id: string, officer: boolean, join_date?: FormDataEntryValue }} */
      const body = { user_id: String(data.get('user_id')).trim(), officer: data.get('officer') === 'on' };
      const joinDate = data.get('join_date');
      if (joinDate) body.join_date = joinDate;
      /** @type {{ member: import('./dom.js').Member, join_date_set: boolean }} */
      const { member, join_date_set } = await send('POST', '/api/v1/members', body);
      ctx.refresh(`${join_date_set ? 'Join date set' : 'Added to the roster'}: ${member.username}, ${member.rank}, ${plural(member.days_in_guild ?? 0, 'day')} (since ${member.join_date}).`);
    },
  );
  return [el('h1', {}, 'Add member'), ctx.takeNotice(), el('section', { class: 'card' }, form)];
}

// One key per form shown: pressing Add twice, or again after a lost answer, adds the links once.
let stockKey = requestKey();

/**
 * @param {URLSearchParams} _params
 * @param {import('./dom.js').PageContext} ctx
 */
export async function renderAddStock(_params, ctx) {
  const types = await catalogTypes();
  const typeInput = el('input', { name: 'link_type', list: 'link-types', required: true, maxlength: 100, autocomplete: 'off', placeholder: 'e.g. Damage on Ships' });
  const bonus = el('p', { class: 'muted', id: 'bonus' });
  const describe = () => {
    const type = types.find((t) => t.name.toLowerCase() === typeInput.value.trim().toLowerCase());
    const q = /** @type {import('./dom.js').Quality} */ (/** @type {HTMLSelectElement} */ (form.querySelector('select[name="quality"]')).value);
    bonus.textContent = type ? `${type.category} · ${QUALITY[q]} bonus +${type.bonus[q]}` : '';
  };
  const form = actionForm(
    { id: 'add-stock' },
    [
      field('Link type', typeInput),
      catalogList('link-types', types),
      select('quality', 'Quality', QUALITY_OPTIONS, 'bronze'),
      field('How many', el('input', { name: 'count', type: 'number', min: 1, max: 50, value: 1, required: true })),
      field('Notes', el('input', { name: 'notes', maxlength: 200, autocomplete: 'off' }), 'Kept with each link.'),
      bonus,
    ],
    'Add to stock',
    async (data) => {
      /** @type {{ link_type: string, quality: string, bonus: number, added: number, repeated: boolean, in_stock: number | null, wanted_by: number | null }} */
      const added = await send(
        'POST',
        '/api/v1/stock',
        { link_type: data.get('link_type'), quality: data.get('quality'), count: Number(data.get('count')), ...(data.get('notes') ? { notes: data.get('notes') } : {}) },
        { 'idempotency-key': stockKey },
      );
      stockKey = requestKey();
      const wanted = added.wanted_by === null ? '' : ` Wanted by ${plural(added.wanted_by, 'member')}.`;
      ctx.refresh(`${added.repeated ? 'Already added' : 'Added'} ${added.added} × ${QUALITY[added.quality]} ${added.link_type} (+${added.bonus}). Now in stock: ${added.in_stock ?? 'could not be read'}.${wanted}`);
    },
  );
  typeInput.addEventListener('input', describe);
  form.addEventListener('change', describe);
  return [el('h1', {}, 'Add stock'), ctx.takeNotice(), el('section', { class: 'card' }, form)];
}

/**
 * @param {URLSearchParams} _params
 * @param {import('./dom.js').PageContext} ctx
 */
export async function renderDeliveries(_params, ctx) {
  /** @type {{ items: import('./dom.js').Award[] }} */
  const { items } = await api('/api/v1/deliveries');
  const rows = items.length
    ? el(
        'ul',
        { class: 'rows', id: 'delivery-rows' },
        items.map((d) =>
          el(
            'li',
            { data: { id: d.id } },
            el('span', { class: 'main' }, d.member_username || d.member_id),
            el('span', { class: 'side' }, `${QUALITY[d.quality]} ${d.link_type} · awarded ${day(d.distributed_at)}`),
            el('span', { class: 'row-actions' }, el('button', { type: 'button', data: { action: 'delivered' }, on: { click: (/** @type {Event} */ e) => ((/** @type {HTMLButtonElement} */ (e.target).disabled = true), markDelivered(d, ctx)) } }, 'Delivered')),
          ),
        ),
      )
    : el('p', { class: 'muted' }, 'Every award has been delivered.');
  return [el('h1', {}, 'Deliveries'), ctx.takeNotice(), el('p', { class: 'muted' }, `${plural(items.length, 'award')} to hand over in game, oldest first.`), el('section', { class: 'card' }, rows)];
}
