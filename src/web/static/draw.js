// The Draw page (officers): start a draw, find the open ones (started here or in Discord), and a
// draw's view with Confirm, Reroll and Cancel. Each button sends the version this view shows, as
// Discord's buttons do, so Confirm awards the winner shown or nothing; after each press the page
// reads the record again and says what happened, or why nothing was changed. What the draw says
// (its title, pool, policy, and which buttons are live) comes with it from the server
// (src/views/draw.ts), the same as Discord's message.

import { actionForm, allMembers, api, day, el, go, plural, QUALITY, QUALITY_OPTIONS, select, send, session, stat, time } from './dom.js';
import { markDelivered } from './pages.js';

const POLICY_TEXT = { uniform: 'everyone equally', fewest: 'fewest links first', longest: 'longest wait first' };

const nameOf = (draw) => (draw.winner ? draw.winner.username || draw.winner.id : 'nobody');
const by = (id) => (!id ? 'someone' : id === session.me.id ? 'you' : `officer ${id}`);

/** The policy, the wants and the winner's figures next to the pool's, in the words Discord's message uses too. */
function fairness(draw) {
  const texts = draw.texts.policy;
  if (!texts) return null;
  const lines = [el('li', { data: { field: 'policy' } }, texts.policy), el('li', { data: { field: 'wanting' } }, texts.wanting)];
  if (texts.figures) lines.push(el('li', { data: { field: 'figures' } }, texts.figures));
  return el('ul', { class: 'plain', id: 'fairness' }, lines);
}

function winnerStats(draw) {
  const w = draw.winner;
  if (!w) return [];
  if (w.on_roster === false) return [stat('Winner', 'no longer on the roster', 'rank')];
  const days = w.days_in_guild === null ? 'join date unreadable' : plural(w.days_in_guild, 'day');
  return [stat('Rank', `${w.rank} · ${days}`, 'rank'), stat('Links received', String(w.links_received), 'links'), stat('Last link', day(w.last_link_at), 'last-link')];
}

function lead(draw) {
  const name = nameOf(draw);
  switch (draw.status) {
    case 'drawn':
      return draw.texts.confirming || `Winner: ${name}`;
    case 'confirmed':
      return `${name} receives ${draw.link_type}${draw.bonus ? ` (+${draw.bonus})` : ''}.`;
    case 'reverted':
      return `This award to ${name} was reverted.`;
    default:
      return `Nobody was awarded. Last drawn: ${name}.`;
  }
}

function drawCard(draw, ctx) {
  let card = null;
  const press = (action, body, done) => async () => {
    for (const button of card.querySelectorAll('button')) button.disabled = true;
    try {
      const answer = await send('POST', `/api/v1/draws/${encodeURIComponent(draw.id)}/${action}`, body);
      ctx.refresh(done(answer));
    } catch (error) {
      ctx.refresh(error.message, 'error');
    }
  };

  const facts = [];
  if (draw.status === 'drawn') facts.push(`Expires at ${time(draw.expires_at)} (draws last 15 minutes).`);
  if (draw.status === 'confirmed' || draw.status === 'reverted') {
    facts.push(`Confirmed by ${by(draw.distributed_by)} on ${day(draw.distributed_at)}.`);
    facts.push(draw.delivered_at ? `Delivered ${day(draw.delivered_at)} (said by ${draw.delivered_by === draw.member_id ? 'the winner' : by(draw.delivered_by)}).` : 'Not delivered in game yet.');
  }
  if (draw.status === 'reverted') facts.push(`Reverted by ${by(draw.reverted_by)} on ${day(draw.reverted_at)}.`);
  if (draw.status === 'cancelled') facts.push(`Cancelled by ${by(draw.ended_by)}.`);
  facts.push(`Started ${draw.method === 'web' ? 'on the dashboard' : 'in Discord'} by ${by(draw.drawn_by)}.`);

  const actions = [];
  if (draw.actions.confirm) {
    const version = { version: draw.version };
    actions.push(
      el('button', { type: 'button', data: { action: 'confirm' }, on: { click: press('confirm', version, (a) => (a.repeated ? `This draw was already confirmed: ${nameOf(a.draw)} has the link.` : `Awarded: ${a.draw.link_type} to ${nameOf(a.draw)}.`)) } }, 'Confirm'),
      el('button', { type: 'button', class: 'quiet', data: { action: 'reroll' }, disabled: !draw.actions.reroll, on: { click: press('reroll', version, (a) => `Rerolled: ${nameOf(a.draw)} is drawn now.`) } }, 'Reroll'),
      el('button', { type: 'button', class: 'quiet danger', data: { action: 'cancel' }, disabled: !draw.actions.cancel, on: { click: press('cancel', undefined, () => 'Draw cancelled; nobody was awarded.') } }, 'Cancel'),
    );
  } else if (draw.actions.delivered) {
    const award = { id: draw.id, quality: draw.quality, link_type: draw.link_type, member_username: nameOf(draw), member_id: draw.member_id };
    actions.push(el('button', { type: 'button', class: 'quiet', data: { action: 'delivered' }, on: { click: (e) => ((e.target.disabled = true), markDelivered(award, ctx)) } }, 'Delivered'));
  }
  // Changes made in Discord meanwhile (or the message the bot has just posted) show on a refresh.
  actions.push(el('button', { type: 'button', class: 'quiet', id: 'refresh', on: { click: () => ctx.refresh() } }, 'Refresh'));

  card = el(
    'section',
    { class: 'card', id: 'draw', data: { status: draw.status, version: String(draw.version) } },
    el('p', { class: 'lead', id: 'winner', data: { winner: draw.winner ? draw.winner.id : '' } }, lead(draw)),
    el(
      'dl',
      { class: 'stats' },
      stat('Link type', draw.link_type, 'link-type'),
      stat('Quality', QUALITY[draw.quality], 'quality'),
      stat('Bonus', draw.bonus ? `+${draw.bonus}` : '—', 'bonus'),
      ...(draw.status === 'drawn' ? winnerStats(draw) : []),
    ),
    el('p', { id: 'pool' }, draw.texts.pool),
    fairness(draw),
    draw.drawn_before.length ? el('p', { id: 'rerolled' }, `Rerolled · ${draw.drawn_before.length}: ${draw.drawn_before.map((p) => p.username || p.id).join(', ')}`) : null,
    el('p', { class: 'muted', id: 'facts' }, facts.join(' ')),
    draw.message ? el('p', {}, el('a', { id: 'discord-message', href: draw.message.url, rel: 'noopener noreferrer', target: '_blank' }, 'Open its message in Discord')) : null,
    el('div', { class: 'actions', id: 'draw-actions' }, actions),
  );
  return card;
}

async function drawPage(id, ctx) {
  const { draw } = await api(`/api/v1/draws/${encodeURIComponent(id)}`);
  return [el('h1', {}, draw.texts.title), ctx.takeNotice(), drawCard(draw, ctx), el('p', {}, el('a', { href: '#/draw', id: 'new-draw' }, 'Start another draw'))];
}

async function startPage(ctx) {
  const [stock, { lists }, members, { draws }] = await Promise.all([api('/api/v1/stock'), api('/api/v1/lists'), allMembers(), api('/api/v1/draws')]);
  const typeSelect = el('select', { name: 'link_type' });
  const listSelect = el('select', { name: 'list' });
  const eligible = members.filter((m) => m.eligible_for.length);
  const form = actionForm(
    { id: 'start-draw' },
    [
      select('quality', 'Quality', QUALITY_OPTIONS, 'gold'),
      el('label', {}, 'Link', typeSelect),
      el('label', {}, 'Pool', listSelect),
      select('member', 'Winner', [['', 'Draw at random'], ...eligible.map((m) => [m.id, `${m.username} (named) · ${m.rank}`])], ''),
      select('policy', 'Policy', [['', 'The guild’s default'], ...Object.entries(POLICY_TEXT).map(([p, text]) => [p, `${p}: ${text}`])], ''),
    ],
    'Draw',
    async (data) => {
      const body = { quality: data.get('quality') };
      for (const key of ['link_type', 'list', 'member', 'policy']) if (data.get(key)) body[key] = data.get(key);
      const { draw } = await send('POST', '/api/v1/draws', body);
      go('#/draw', { id: draw.id });
    },
  );
  // The link and pool choices follow the quality chosen.
  const update = () => {
    const q = form.querySelector('select[name="quality"]').value;
    const group = stock.qualities.find((g) => g.quality === q);
    typeSelect.replaceChildren(
      el('option', { value: '' }, group ? `The oldest ${q} link (${group.total} in stock)` : `No ${q} links in stock`),
      ...(group ? group.types : []).map((t) => el('option', { value: t.link_type }, `${t.link_type} (${t.count})`)),
    );
    const active = lists.filter((l) => l.quality === q);
    listSelect.replaceChildren(el('option', { value: '' }, active.length ? `The active ${q} list (${active[0].name})` : `Everyone eligible for ${q}`), ...active.map((l) => el('option', { value: l.id }, `List: ${l.name}`)));
  };
  form.querySelector('select[name="quality"]').addEventListener('change', update);
  update();

  const open = el(
    'section',
    { class: 'card', id: 'open-draws' },
    el('h2', {}, `Open draws · ${draws.length}`),
    draws.length
      ? el(
          'ul',
          { class: 'rows' },
          draws.map((d) =>
            el(
              'li',
              { data: { id: d.id } },
              el('a', { class: 'main', href: `#/draw?id=${encodeURIComponent(d.id)}` }, `${QUALITY[d.quality]} ${d.link_type}`),
              el('span', { class: 'side' }, `${nameOf(d)} · ${d.method === 'web' ? 'started here' : 'started in Discord'} · expires ${time(d.expires_at)}`),
            ),
          ),
        )
      : el('p', { class: 'muted' }, 'No open draws.'),
  );
  return [el('h1', {}, 'Draw'), ctx.takeNotice(), el('section', { class: 'card' }, el('h2', {}, 'Start a draw'), form), open];
}

export function renderDraw(params, ctx) {
  const id = params.get('id');
  return id ? drawPage(id, ctx) : startPage(ctx);
}
