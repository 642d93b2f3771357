/**
 * npm run screenshots — the pictures in README.md, made from the real app: a guild on the Discord
 * emulator and an in-memory DynamoDB Local, a few awards confirmed through Discord, then one gold
 * draw left open. Writes, under docs/images/:
 *
 * - draw-message.png: the draw's message exactly as the bot posted it (its JSON from the
 *   emulator's message store), drawn as a small page styled like Discord;
 * - dashboard-draw.png: the same draw on the dashboard, as an officer sees it;
 * - dashboard-me.png: a member's own standing page.
 *
 * Needs Java 17+ (DynamoDB Local) and Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 * The DynamoDB Local it starts is stopped by its handle at the end, or on Ctrl-C.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../src/db/embedded';
import { launchChromium, signInWithBrowser } from '../test/support/browser';
import type { EmulatedUser } from '../test/support/discord-emulator';
import type { StoredMessage } from '../test/support/discord/model';
import { opt, startHarness, type Harness } from '../test/support/harness';

const OUT = path.join(__dirname, '..', '..', 'docs', 'images');
const log = (line: string) => process.stderr.write(`[screenshots] ${line}\n`);

// ---- a Discord message as a page ---------------------------------------------------------------

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A relative time as Discord's client shows `<t:…:R>`: "in 15 minutes", "3 days ago". */
function relative(atMs: number, nowMs: number): string {
  const ahead = atMs >= nowMs;
  const minutes = Math.round(Math.abs(atMs - nowMs) / 60_000);
  const [n, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.round(minutes / 60), 'hour'] : [Math.round(minutes / 1440), 'day'];
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return ahead ? `in ${amount}` : `${amount} ago`;
}

/** Discord's markdown, as far as the bot's messages use it: mentions, timestamps, bold, escapes. */
function markdown(text: string, names: ReadonlyMap<string, string>, nowMs: number): string {
  let html = escapeHtml(text);
  html = html.replace(/&#60;@!?(\d+)&#62;/g, (_, id: string) => `<span class="mention">@${escapeHtml(names.get(id) ?? 'unknown')}</span>`);
  html = html.replace(/&#60;t:(\d+)(?::([tTdDfFR]))?&#62;/g, (_, seconds: string, style: string | undefined) => {
    const at = new Date(Number(seconds) * 1000).toISOString();
    const text = style === 'R' ? relative(Number(seconds) * 1000, nowMs) : style === 'd' || style === 'D' ? at.slice(0, 10) : `${at.slice(0, 10)} ${at.slice(11, 16)}`;
    return `<span class="time">${text}</span>`;
  });
  html = html.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
  html = html.replace(/\\([\\*_~`|>#-])/g, '$1');
  return html.replace(/\n/g, '<br>');
}

const BUTTON_CLASS: Record<number, string> = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger', 5: 'secondary' };

/** A small page that shows `message` the way Discord's dark theme does. */
export function messagePage(message: StoredMessage, names: ReadonlyMap<string, string>, botName: string): string {
  const md = (text: string) => markdown(text, names, message.createdAt);
  const embeds = message.embeds.map((e) => {
    const colour = typeof e.color === 'number' ? `#${e.color.toString(16).padStart(6, '0')}` : '#1e1f22';
    const fields = (e.fields ?? []).map((f: { name: string; value: string; inline?: boolean }) => `<div class="field${f.inline ? ' inline' : ''}"><div class="fname">${md(f.name)}</div><div>${md(f.value)}</div></div>`);
    return `<div class="embed" style="border-left-color:${colour}">${e.title ? `<div class="title">${md(e.title)}</div>` : ''}${e.description ? `<div class="desc">${md(e.description)}</div>` : ''}${fields.length ? `<div class="fields">${fields.join('')}</div>` : ''}${e.footer?.text ? `<div class="footer">${md(e.footer.text)}</div>` : ''}</div>`;
  });
  const rows = message.components.map(
    (row: { components: { style: number; label?: string; disabled?: boolean }[] }) =>
      `<div class="row">${row.components.map((b) => `<span class="button ${BUTTON_CLASS[b.style] ?? 'secondary'}${b.disabled ? ' disabled' : ''}">${escapeHtml(b.label ?? '')}</span>`).join('')}</div>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #313338; color: #dbdee1; font: 15px/1.375 "gg sans", "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
    .message { display: flex; gap: 16px; padding: 12px 16px 14px; width: 560px; }
    .avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; background: #5865f2; color: #fff; display: grid; place-items: center; font-weight: 700; }
    .name { color: #f2f3f5; font-weight: 600; } .tag { background: #5865f2; color: #fff; font-size: 10px; font-weight: 600; border-radius: 3px; padding: 1px 4px; margin-left: 4px; vertical-align: 2px; }
    .when { color: #949ba4; font-size: 12px; margin-left: 6px; }
    .mention { background: rgba(88,101,242,.3); color: #c9cdfb; border-radius: 3px; padding: 0 2px; font-weight: 500; }
    .time { background: rgba(255,255,255,.06); border-radius: 3px; padding: 0 2px; }
    .embed { margin-top: 6px; background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 16px 16px 12px; max-width: 520px; }
    .title { color: #f2f3f5; font-weight: 600; margin-top: 8px; } .desc { margin-top: 8px; font-size: 14px; }
    .fields { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin-top: 8px; font-size: 14px; }
    .field { grid-column: 1 / -1; } .field.inline { grid-column: auto; } .fname { color: #f2f3f5; font-weight: 600; margin-bottom: 2px; }
    .footer { margin-top: 8px; font-size: 12px; color: #b5bac1; }
    .row { display: flex; gap: 8px; margin-top: 8px; }
    .button { color: #fff; border-radius: 3px; padding: 2px 16px; height: 32px; display: inline-flex; align-items: center; font-size: 14px; font-weight: 500; }
    .primary { background: #5865f2; } .secondary { background: #4e5058; } .success { background: #248046; } .danger { background: #da373c; } .disabled { opacity: .5; }
  </style></head><body><div class="message" id="message"><div class="avatar">F</div><div>
    <div><span class="name">${escapeHtml(botName)}</span><span class="tag">APP</span><span class="when">Today at 12:00</span></div>
    ${message.content ? `<div>${md(message.content)}</div>` : ''}${embeds.join('')}${rows.join('')}
  </div></div></body></html>`;
}

// ---- the guild and the pictures ----------------------------------------------------------------

async function shoot(page: Page, name: string, selector?: string): Promise<void> {
  const file = path.join(OUT, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

/** Runs /distribute as `officer` and gives the draw's message. */
async function distribute(h: Harness, officer: EmulatedUser, options: ReturnType<typeof opt.str>[]): Promise<StoredMessage> {
  const answer = await h.run(officer, 'distribute', null, options);
  const message = answer.messageId ? h.emulator.messages.get(answer.messageId) : undefined;
  if (!message) throw new Error(`/distribute posted no message: ${answer.text}`);
  return message;
}

async function confirm(h: Harness, officer: EmulatedUser, message: StoredMessage): Promise<void> {
  const button = message.components.flatMap((row: { components: { label?: string; custom_id?: string }[] }) => row.components).find((b) => b.label === 'Confirm');
  if (!button?.custom_id) throw new Error('the draw has no Confirm button');
  const answer = await h.press(officer, message.id, button.custom_id);
  if (!/receives|awarded/i.test(answer.text)) throw new Error(`Confirm did not award: ${answer.text}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let dynamo: EmbeddedDynamo | undefined;
  let h: Harness | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await h?.stop().catch(() => undefined);
    await dynamo?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    dynamo = await startEmbeddedDynamo();
    h = await startHarness({ dynamoEndpoint: dynamo.endpoint, web: true, webRateLimits: { signInPerMinute: 1_000, writesPerMinute: 1_000 } });
    const officer = h.newUser('Mirela', { roles: [h.officerRoleId] });
    const names = ['Anwen', 'Bram', 'Corvina', 'Dagny', 'Elric', 'Fenna', 'Gideon', 'Halvard'];
    const members = names.map((name) => h!.newUser(name));
    await h.seedMember(officer, { days: 600 });
    for (const [i, member] of members.entries()) await h.seedMember(member, { days: [420, 365, 250, 180, 120, 95, 60, 12][i] });
    await h.run(members[0], 'want', 'add', [opt.str('link_type', 'Damage on Ships')]);
    await h.run(members[2], 'want', 'add', [opt.str('link_type', 'Damage on Ships')]);
    await h.run(members[3], 'want', 'add', [opt.str('link_type', 'Damage on Ships')]);
    await h.seedLinks('gold', 'Damage on Ships', 4);
    await h.seedLinks('gold', 'Spell Damage', 2);
    await h.seedLinks('silver', 'Follower Damage', 3);
    await h.seedLinks('bronze', 'Melee Damage', 4);

    // Some history first: awards confirmed through Discord, as officers would.
    for (const [quality, member] of [['bronze', members[0]], ['silver', members[0]], ['silver', members[1]], ['bronze', members[3]], ['gold', members[1]], ['gold', members[2]]] as const) {
      await confirm(h, officer, await distribute(h, officer, [opt.str('quality', quality), opt.user('member', member.id)]));
      h.clock.advance(3 * 86_400_000);
    }
    // The draw in the pictures: gold, fewest links first, among those who want the link.
    const message = await distribute(h, officer, [opt.str('quality', 'gold'), opt.str('link_type', 'Damage on Ships'), opt.str('policy', 'fewest')]);
    const userNames = new Map([...h.emulator.users.values()].map((u) => [u.id, u.username]));

    browser = await launchChromium();
    const discord = await browser.newPage({ viewport: { width: 600, height: 400 }, deviceScaleFactor: 1 });
    await discord.setContent(messagePage(message, userNames, 'FlavaFlav'));
    await shoot(discord, 'draw-message', '#message');

    // Short viewports: a full-page shot is then as tall as the page's content, no taller.
    const officerView = await browser.newContext({ viewport: { width: 760, height: 400 }, deviceScaleFactor: 1 });
    const page = await officerView.newPage();
    await signInWithBrowser(page, h, officer);
    await page.locator('#standing').waitFor();
    const draws = await page.evaluate(async () => (await (await fetch('/api/v1/draws')).json()) as { draws: { id: string }[] });
    await page.goto(`${h.webUrl}/#/draw?id=${encodeURIComponent(draws.draws[0].id)}`);
    await page.locator('#draw').waitFor();
    await page.locator('#view[aria-busy="false"]').waitFor();
    await shoot(page, 'dashboard-draw');

    const memberView = await browser.newContext({ viewport: { width: 760, height: 400 }, deviceScaleFactor: 1 });
    const memberPage = await memberView.newPage();
    await signInWithBrowser(memberPage, h, members[0]);
    await memberPage.locator('#recent').waitFor();
    await memberPage.locator('#view[aria-busy="false"]').waitFor();
    await shoot(memberPage, 'dashboard-me');
  } finally {
    await stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error) => {
      log(`failed: ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
