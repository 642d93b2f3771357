/**
 * Ten years of a 300-member guild, written in
 * bulk in the forms the services write (bench/seed.ts, YEAR_10: 40,000 awards of which 30 % never
 * marked delivered, 8,000 cancelled or expired draws, 120 closed lists, wants and away dates),
 * then every command through the real bot under AWS's rules (lagging reads, conflicts, capacity),
 * and the bounds that keep such a guild within DynamoDB's limits: no item near 400 KB, and a draw
 * that costs what it costs in the guild's first year.
 */
import { BatchGetItemCommand, DeleteTableCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { seedGuild, YEAR_1, YEAR_10, type GuildSize, type SeededGuild, type SeededMember } from '../../bench/seed';
import { verifySample } from '../../bench/seed-check';
import { createDynamoClients } from '../../src/db/client';
import { utcDay } from '../../src/domain/dates';
import { safeIdForm } from '../../src/domain/ids';
import { UNDELIVERED_WINDOW_DAYS } from '../../src/services/awards';
import { AWARDS_KEPT } from '../../src/services/member-items';
import { itemBytes, type WireItem } from '../support/dynamo-capacity';
import { replicaEndpoint, testEndpoint } from '../support/dynamo';
import { OptionType, type EmulatedUser } from '../support/discord-emulator';
import { eventually } from '../support/eventually';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';

jest.setTimeout(120_000);

const KB = 1024;
const KEYS: Record<string, string> = { members: 'discord_id', inventory: 'link_id', distributions: 'distribution_id', lists: 'list_id' };
/** What each item may weigh, far below DynamoDB's 400 KB. */
const LIMITS = { item: 120 * KB, marker: 4 * KB, member: 30 * KB };

/** One item the seed wrote: its table, key, size as DynamoDB counts it, and (records) status and time. */
interface Written {
  table: string;
  id: string;
  bytes: number;
  status?: string;
  at?: string;
}

/**
 * The past, written in bulk straight into every copy of the tables (the primary and, under AWS's
 * rules, the lagging replica). seedGuild hands its BatchWrites to `client`, which only collects
 * them (and notes each item's size as DynamoDB counts it); `flush` then writes them to both copies
 * at once, `parallel` batches in flight to each, each copy's unprocessed items sent again
 * (bounded). The two DynamoDB Locals are the bottleneck: written this way, neither waits for the
 * other batch by batch (about 60 s for the 89,000 items of YEAR_10 on 2 cores, against 80 s when
 * each of the seed's batches goes to both copies before the next).
 */
class PastWriter {
  constructor(private readonly tables: Record<string, string>) {}
  readonly written: Written[] = [];
  private readonly batches: { table: string; items: Record<string, unknown>[] }[] = [];
  readonly client = {
    send: async (command: unknown) => {
      if (!(command instanceof BatchWriteCommand)) throw new Error('the seed writes the past with BatchWriteItem only');
      for (const [table, requests] of Object.entries(command.input.RequestItems ?? {})) {
        const items = requests.map((r) => r.PutRequest?.Item).filter((i): i is Record<string, any> => Boolean(i));
        if (items.length !== requests.length) throw new Error('the seed writes puts only');
        this.batches.push({ table, items });
        for (const item of items) {
          const id = String(item[KEYS[Object.keys(this.tables).find((k) => this.tables[k] === table) ?? ''] ?? 'distribution_id']);
          this.written.push({ table, id, bytes: itemBytes(marshall(item, { removeUndefinedValues: true }) as WireItem), status: item.status, at: item.distributed_at });
        }
      }
      return { UnprocessedItems: {} };
    },
  } as unknown as DynamoDBDocumentClient;

  async flush(copies: DynamoDBDocumentClient[], parallel = 8): Promise<void> {
    await Promise.all(
      copies.map(async (db) => {
        let next = 0;
        const worker = async () => {
          for (let b = next++; b < this.batches.length; b = next++) {
            const { table, items } = this.batches[b];
            let pending = items.map((Item) => ({ PutRequest: { Item } }));
            for (let attempt = 0; pending.length; attempt++) {
              if (attempt === 10) throw new Error(`seeding ${table}: items still unprocessed after 10 attempts`);
              if (attempt) await new Promise((r) => setTimeout(r, 50 * attempt));
              const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
              pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
            }
          }
        };
        await Promise.all(Array.from({ length: parallel }, worker));
      }),
    );
  }
}

interface Guild {
  h: Harness;
  seeded: SeededGuild;
  written: Written[];
  seedSeconds: number;
  user(member: SeededMember): EmulatedUser;
}

/**
 * Stops the guild's bot and drops its tables from both DynamoDB Locals: ten years are a lot of
 * memory to leave to the test files that run after this one.
 */
async function stopGuild(g: Guild | undefined): Promise<void> {
  if (!g) return;
  await g.h.stop();
  for (const endpoint of [testEndpoint(), replicaEndpoint()]) {
    const { client } = createDynamoClients({ endpoint, region: 'us-east-1', requestTimeoutMs: 60_000 });
    try {
      for (const table of Object.values(g.h.storage.tables)) await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    } finally {
      client.destroy();
    }
  }
}

/** A harness playing by AWS's rules, its tables seeded with `size`, every seeded member a user of the emulated guild. */
async function startGuild(size: GuildSize): Promise<Guild> {
  const h = await startHarness({ awsRules: true });
  const started = Date.now();
  const writer = new PastWriter(h.storage.tables);
  const seeded = await seedGuild(writer.client, h.storage.tables, size, h.clock.now(), h.officer.id);
  await writer.flush(h.storage.seedClients);
  // Written long before the test acts: every replica has it.
  await h.storage.catchUp();
  const seedSeconds = (Date.now() - started) / 1000;
  const users = new Map(seeded.members.map((m) => [m.id, h.emulator.addUser({ id: m.id, username: m.username, joinedAt: `${m.joinDate}T12:00:00.000Z` })]));
  return { h, seeded, written: writer.written, seedSeconds, user: (m) => users.get(m.id)! };
}

/** Every item of a (small) table as DynamoDB stores it, straight from the primary. */
async function scanAll(table: string): Promise<WireItem[]> {
  const { client } = createDynamoClients({ endpoint: testEndpoint(), region: 'us-east-1', requestTimeoutMs: 60_000 });
  try {
    const items: WireItem[] = [];
    let start: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < 100; page++) {
      const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as WireItem[]));
      start = out.LastEvaluatedKey;
      if (!start) return items;
    }
    throw new Error(`scanning ${table}: more than 100 pages`);
  } finally {
    client.destroy();
  }
}

/** These items of a distributions table as stored, straight from the primary (absent ones left out). */
async function getAll(table: string, ids: string[]): Promise<WireItem[]> {
  const { client } = createDynamoClients({ endpoint: testEndpoint(), region: 'us-east-1', requestTimeoutMs: 60_000 });
  try {
    const found: WireItem[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, AttributeValue>[] = ids.slice(i, i + 100).map((id) => ({ distribution_id: { S: id } }));
      for (let attempt = 0; keys.length; attempt++) {
        if (attempt === 10) throw new Error('reading markers: keys still unprocessed after 10 attempts');
        const out = await client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
        found.push(...((out.Responses?.[table] ?? []) as WireItem[]));
        keys = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, AttributeValue>[];
      }
    }
    return found;
  } finally {
    client.destroy();
  }
}

const button = (h: Harness, a: Answered | string, label: string) => {
  const found = h.emulator.buttonsOf(typeof a === 'string' ? a : a.messageId!).find((b) => b.label === label && !b.disabled);
  if (!found) throw new Error(`no ${label} button`);
  return found.custom_id;
};
const descriptionLines = (a: Answered) => String(a.data.embeds?.[0]?.description ?? '').split('\n');
const winnerOf = (text: string) => /Winner: <@(\d+)>/.exec(text)?.[1];
const revertChoices = async (h: Harness): Promise<string[]> =>
  (await h.emulator.answerTo(h.emulator.sendAutocomplete(h.officer, 'revert', [{ name: 'distribution', type: OptionType.String, value: '', focused: true }]))).data.choices.map((c: { value: string }) => c.value);

interface DrawCost {
  draft: Answered;
  confirmed: Answered;
  winner: string;
  /** WCU as AWS charges it, of every write from /distribute to the award's announcement. */
  wcu: number;
  items: { table: string; key: string; operation: string; beforeBytes: number; afterBytes: number; wcu: number }[];
}

/** /distribute gold, then Confirm, as an officer: the award, and what its writes cost by AWS's arithmetic. */
async function drawAndConfirm(g: Guild): Promise<DrawCost> {
  const { h } = g;
  const proxy = h.storage.aws!;
  await proxy.settled();
  const mark = proxy.capacityMark;
  const since = h.emulator.requests.length;
  const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
  const confirmed = await h.press(h.officer, draft.messageId!, button(h, draft, 'Confirm'));
  // The award is announced after Confirm is answered: its writes are part of the award.
  await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`, { since });
  await new Promise((r) => setTimeout(r, 300));
  await proxy.settled();
  const records = proxy.capacitySince(mark).filter((r) => r.status === 200 && r.wcu > 0);
  const items = records.flatMap((r) => r.items.filter((i) => i.wcu > 0).map((i) => ({ ...i, table: i.table.replace(/-t[0-9a-f]{8}$/, ''), operation: r.operation })));
  return { draft, confirmed, winner: winnerOf(draft.text)!, wcu: records.reduce((n, r) => n + r.wcu, 0), items };
}
const memberWcu = (d: DrawCost) => d.items.filter((i) => i.table === 'flavaflav-members').reduce((n, i) => n + i.wcu, 0);
const describeCost = (d: DrawCost) => `${d.wcu} WCU: ${d.items.map((i) => `${i.table.replace('flavaflav-', '')}/${/"S":"([^"]{0,24})/.exec(i.key)?.[1] ?? i.key} ${i.operation} ${Math.max(i.beforeBytes, i.afterBytes)} B ${i.wcu}`).join(', ')}`;

let year10Draw: DrawCost | undefined;
let year10LargestMember = 0;

describe('ten years of a 300-member guild (YEAR_10), under AWS’s rules', () => {
  let g: Guild;
  let h: Harness;
  let seeded: SeededGuild;
  const notes: string[] = [];
  const began = Date.now();

  beforeAll(async () => {
    g = await startGuild(YEAR_10);
    ({ h, seeded } = g);
    notes.push(`seeded ${g.written.length} items into each copy in ${g.seedSeconds.toFixed(1)} s`);
    // The bench's own check: a sample read back through the services agrees with what was seeded.
    const checked = await verifySample(h.storage.services, seeded);
    expect(checked).toHaveLength(4);
  }, 240_000);
  afterAll(async () => {
    await stopGuild(g);
    // eslint-disable-next-line no-console
    console.log(`ten years: ${[...notes, `beforeAll and tests ${((Date.now() - began) / 1000).toFixed(1)} s`].join('\n')}`);
  });

  const busiest = () => [...seeded.sages].sort((a, b) => b.awards.length - a.awards.length)[0];
  const plainSages = () => seeded.sages.filter((m) => !m.officer);

  it('seeded what YEAR_10 says: 40,000 awards over ten years, 30 % never delivered, 8,000 ended draws, 120 closed lists', () => {
    expect(seeded.members).toHaveLength(300);
    expect(seeded.awards).toHaveLength(40_000);
    const undelivered = seeded.awards.filter((a) => !a.delivered).length / seeded.awards.length;
    expect(undelivered).toBeGreaterThan(0.28);
    expect(undelivered).toBeLessThan(0.32);
    const span = Date.parse(seeded.awards.at(-1)!.at) - Date.parse(seeded.awards[0].at);
    expect(span / (365 * 86_400_000)).toBeGreaterThan(9.9);
    const records = g.written.filter((w) => w.status);
    expect(records.filter((w) => w.status === 'cancelled' || w.status === 'expired')).toHaveLength(8_000);
    expect(g.written.filter((w) => w.id.startsWith('list_') && !w.id.startsWith(seeded.silverListId))).toHaveLength(120);
    expect(seeded.members.filter((m) => m.wants.length).length).toBeGreaterThan(10);
  });

  it('/member info shows a member’s count, last link and newest links', async () => {
    const m = busiest();
    const info = await h.run(g.user(m), 'member', 'info', []);
    expect(info.ephemeral).toBe(true);
    expect(info.text).toContain(`Links received: ${m.awards.length}`);
    expect(info.text).toContain(`<t:${Math.floor(Date.parse(m.awards.at(-1)!.at) / 1000)}`);
    const recent = info.data.embeds[0].fields.find((f: { name: string }) => f.name === 'Recent links').value.split('\n');
    expect(recent).toHaveLength(5);
    [...m.awards].reverse().slice(0, 5).forEach((a, i) => expect(recent[i]).toContain(a.linkType));
    // Another member, asked about by an officer.
    const other = plainSages()[7];
    const asked = await h.run(h.officer, 'member', 'info', [opt.user('user', other.id)]);
    expect(asked.text).toContain(`Links received: ${other.awards.length}`);
    expect(asked.text).toContain('Rank: Sage');
  });

  it('/member list pages the 300-member roster', async () => {
    const reader = g.user(plainSages()[0]);
    const first = await h.run(reader, 'member', 'list', []);
    expect(first.text).toContain('300 members · page 1 of 20');
    expect(descriptionLines(first)).toHaveLength(15);
    const second = await h.press(reader, first.messageId!, button(h, first, 'Next'));
    expect(second.text).toContain('300 members · page 2 of 20');
    const sages = await h.run(h.officer, 'member', 'list', [opt.str('rank', 'Sage')]);
    expect(sages.text).toContain(`${plainSages().length} members · page 1 of ${Math.ceil(plainSages().length / 15)}`);
  });

  it('/inventory list counts the stock (the 40,000 links handed out are not in it)', async () => {
    const stock = await h.run(h.officer, 'inventory', 'list', []);
    expect(stock.text).toContain(`Gold · ${seeded.stock.gold.length}`);
    expect(stock.text).toContain(`Silver · ${seeded.stock.silver.length}`);
    expect(stock.text).toContain(`Bronze · ${seeded.stock.bronze.length}`);
  });

  it('/list show: the one active list among 120 closed ones, and its waiting members', async () => {
    const all = await h.run(g.user(plainSages()[1]), 'list', 'show', []);
    expect(all.text).toContain('Silver · Silver queue: 20 members waiting, 0 served');
    expect(all.data.embeds[0].fields).toHaveLength(1);
    const one = await h.run(h.officer, 'list', 'show', [opt.str('list', seeded.silverListId)]);
    expect(one.text).toContain('Waiting · 20');
    expect(one.text).toContain('Served · 0');
  });

  it('/history: a member’s own, newest first, and its second page', async () => {
    const m = busiest();
    const own = await h.run(g.user(m), 'history', null, []);
    const lines = descriptionLines(own).filter((l) => l.includes(' · by '));
    expect(lines).toHaveLength(10);
    const newest = [...m.awards].reverse();
    lines.forEach((line, i) => {
      expect(line).toContain(`<@${m.id}>`);
      expect(line).toContain(newest[i].linkType);
    });
    const second = await h.press(g.user(m), own.messageId!, button(h, own, 'Next'));
    expect(second.text).toContain('Page 2');
    const more = descriptionLines(second).filter((l) => l.includes(' · by '));
    expect(more).toHaveLength(10);
    more.forEach((line, i) => expect(line).toContain(newest[10 + i].linkType));
  });

  it('/history: the whole guild for officers (by role and by the roster), awards and ended draws newest first, and its second page', async () => {
    const records = g.written.filter((w) => w.status && w.at);
    expect(records).toHaveLength(48_000);
    const expected = records.sort((a, b) => b.at!.localeCompare(a.at!)).map((w) => safeIdForm(w.id));
    const idsOf = (a: Answered) => descriptionLines(a).flatMap((l) => [...l.matchAll(/`(dist_[^`]+)`/g)].map((x) => x[1]));
    const seededOfficer = g.user(seeded.members.find((m) => m.officer)!);
    for (const officer of [h.officer, seededOfficer]) {
      const first = await h.run(officer, 'history', null, []);
      expect(first.text).toContain('Whole guild');
      expect(idsOf(first)).toEqual(expected.slice(0, 10));
      const second = await h.press(officer, first.messageId!, button(h, first, 'Next'));
      expect(second.text).toContain('Page 2');
      expect(idsOf(second)).toEqual(expected.slice(10, 20));
    }
  });

  it('/want list shows a member’s wants', async () => {
    const wanting = seeded.members.filter((m) => m.wants.length >= 2);
    expect(wanting.length).toBeGreaterThan(3);
    for (const m of wanting.slice(0, 3)) {
      const list = await h.run(g.user(m), 'want', 'list', []);
      expect(list.text).toContain(`${m.wants.length} of 10`);
      for (const w of m.wants) expect(list.text).toContain(w);
    }
  });

  it('/deliveries lists exactly the awards of the last 30 days never marked delivered, oldest first', async () => {
    const since = utcDay(new Date(h.clock.nowMs() - (UNDELIVERED_WINDOW_DAYS - 1) * 86_400_000));
    const pending = seeded.awards.filter((a) => !a.delivered && a.at.slice(0, 10) >= since);
    expect(pending.length).toBeGreaterThan(50);
    const pages = Math.ceil(pending.length / 5);
    const first = await h.run(h.officer, 'deliveries', null, []);
    expect(first.text).toContain(`${pending.length} awards undelivered (awarded in the last ${UNDELIVERED_WINDOW_DAYS} days) · page 1 of ${pages}`);
    notes.push(`/deliveries: ${pending.length} undelivered in the last ${UNDELIVERED_WINDOW_DAYS} days (of ${seeded.awards.filter((a) => !a.delivered).length} never delivered)`);
    const lines = descriptionLines(first);
    expect(lines).toHaveLength(5);
    lines.forEach((line, i) => expect(line).toContain(`<@${pending[i].memberId}>`));
    expect(h.emulator.buttonsOf(first.messageId!).filter((b) => b.label.endsWith(' delivered'))).toHaveLength(5);
    const second = await h.press(h.officer, first.messageId!, button(h, first, 'Next'));
    expect(second.text).toContain(`page 2 of ${pages}`);
    descriptionLines(second).forEach((line, i) => expect(line).toContain(`<@${pending[5 + i].memberId}>`));
  });

  it('/revert suggests the 25 newest awards, newest first, and reverts one', async () => {
    const newest = [...seeded.awards].reverse().slice(0, 26);
    expect(await revertChoices(h)).toEqual(newest.slice(0, 25).map((a) => safeIdForm(a.id)));
    const target = newest[0];
    const winner = seeded.members.find((m) => m.id === target.memberId)!;
    const ask = await h.run(h.officer, 'revert', null, [opt.str('distribution', safeIdForm(target.id))]);
    expect(ask.text).toContain('Revert this distribution?');
    const done = await h.press(h.officer, ask.messageId!, button(h, ask, 'Revert'));
    expect(done.text).toContain('Distribution reverted');
    expect(done.text).toContain('The link is available again.');
    expect((await h.storage.services.distributions.get(target.id, true))?.status).toBe('reverted');
    expect((await h.storage.services.inventory.get(target.linkId, true))?.is_available).toBe('true');
    expect((await h.storage.services.members.get(winner.id, true))?.counters?.links_received).toBe(winner.awards.length - 1);
    // The suggestions are read from the date-index, which lags on AWS: for a moment they may still
    // offer it, and picking it is refused; then the next newest comes first.
    const stale = await revertChoices(h);
    if (stale[0] === safeIdForm(target.id)) {
      notes.push('/revert suggested the award just reverted (the date-index lags); picking it was refused');
      const again = await h.run(h.officer, 'revert', null, [opt.str('distribution', stale[0])]);
      expect(again.text).toContain('already been reverted');
    }
    const after = await eventually(() => revertChoices(h), (c) => c[0] !== safeIdForm(target.id));
    expect(after).toEqual(newest.slice(1, 26).map((a) => safeIdForm(a.id)));
  });

  it('/distribute + Confirm awards the oldest gold link to a Sage or officer not away', async () => {
    const roster = await h.storage.services.members.listAll();
    const away = new Set(roster.filter((m) => m.away_until && m.away_until >= h.clock.today()).map((m) => m.discord_id));
    const pool = seeded.sages.filter((m) => !away.has(m.id));
    year10Draw = await drawAndConfirm(g);
    const { draft, confirmed, winner } = year10Draw;
    expect(draft.text).toContain(`${pool.length} in the pool · left out: `);
    // Everyone else on the roster is left out, each for a reason (away, too new).
    const leftOut = /left out: ([^·\n]*)/.exec(draft.text)![1];
    expect([...leftOut.matchAll(/(\d+) /g)].reduce((n, x) => n + Number(x[1]), 0)).toBe(300 - pool.length);
    expect(pool.map((m) => m.id)).toContain(winner);
    expect(confirmed.text).toContain('link awarded');
    const before = seeded.members.find((m) => m.id === winner)!;
    const reverted = winner === seeded.awards.at(-1)!.memberId ? 1 : 0;
    expect((await h.storage.services.members.get(winner, true))?.counters?.links_received).toBe(before.awards.length + 1 - reverted);
    const [award] = (await h.storage.services.distributions.memberRecords(winner)).sort((a, b) => String(b.distributed_at).localeCompare(String(a.distributed_at)));
    expect(award).toMatchObject({ status: 'confirmed', link_id: seeded.stock.gold[0], distributed_by: h.officer.id });
    notes.push(`/distribute + Confirm at year 10: ${describeCost(year10Draw)}`);
  });

  it('/distribute + Reroll + Cancel awards nobody and leaves the link and the list as they were', async () => {
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver')]);
    // The active silver list: its 20 waiting, less those away.
    expect(draft.text).toContain('drawn from list “Silver queue”');
    const first = winnerOf(draft.text)!;
    const rolled = await h.press(h.officer, draft.messageId!, button(h, draft, 'Reroll'));
    const second = winnerOf(rolled.text)!;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const cancelled = await h.press(h.officer, draft.messageId!, button(h, draft, 'Cancel'));
    expect(cancelled.text).toContain('Draw cancelled');
    expect((await h.storage.services.inventory.get(seeded.stock.silver[0], true))?.is_available).toBe('true');
    const list = await h.storage.services.lists.get(seeded.silverListId, true);
    expect(list?.eligible_members).toHaveLength(20);
    expect(list?.winners).toEqual([]);
  });

  it('/event start and close: the roll covers the whole roster', async () => {
    const started = await h.run(h.officer, 'event', 'start', [opt.str('kind', 'boss'), opt.str('name', 'Ten years')]);
    expect(started.text).toContain('Boss: Ten years');
    const closed = await h.run(h.officer, 'event', 'close', []);
    const roster = await h.storage.services.members.listAll();
    const away = roster.filter((m) => m.away_until && m.away_until >= h.clock.today()).length;
    expect(away).toBeGreaterThan(0);
    expect(closed.text).toContain(`0 members present, ${300 - away} absent, ${away} excused (away)`);
  });

  it('no item comes near 400 KB: every item < 120 KB, every #history, #open and #wants marker < 4 KB, every member < 30 KB', async () => {
    // Every item of the tables: as the seed wrote it, and as every write since left it (the
    // proxy reads back each item a write touches); the members and lists tables, and the
    // distributions table's markers, are also read as they are now.
    await h.storage.aws!.settled();
    const tableOf = (name: string) => (Object.keys(h.storage.tables) as (keyof typeof h.storage.tables)[]).find((k) => h.storage.tables[k] === name)!;
    const sized: { table: string; id: string; bytes: number }[] = [
      ...g.written.map((w) => ({ table: tableOf(w.table), id: w.id, bytes: w.bytes })),
      ...h.storage.aws!.capacity.flatMap((r) => (r.status === 200 && r.wcu > 0 ? r.items : [])).map((i) => ({ table: tableOf(i.table), id: /"S":"([^"]*)"/.exec(i.key)?.[1] ?? i.key, bytes: i.afterBytes })),
    ];
    const markerIds = [...new Set([...g.written.filter((w) => w.id.startsWith('#')).map((w) => w.id), ...Array.from({ length: 16 }, (_, n) => `#open#${String(n).padStart(2, '0')}`)])];
    const now = [
      ...(await scanAll(h.storage.tables.members)).map((i) => ({ table: 'members', id: String(i.discord_id.S), bytes: itemBytes(i) })),
      ...(await scanAll(h.storage.tables.lists)).map((i) => ({ table: 'lists', id: String(i.list_id.S), bytes: itemBytes(i) })),
      ...(await getAll(h.storage.tables.distributions, markerIds)).map((i) => ({ table: 'distributions', id: String(i.distribution_id.S), bytes: itemBytes(i) })),
    ];
    const all = [...sized, ...now];
    const largest = (items: typeof all) => items.reduce((a, b) => (b.bytes > a.bytes ? b : a), { table: '-', id: '-', bytes: 0 });
    const isMarker = (id: string) => id.startsWith('#history') || id.startsWith('#open#') || id === '#wants';
    const report = Object.fromEntries(
      [
        ['distributions', largest(all.filter((i) => i.table === 'distributions' && !i.id.startsWith('#')))],
        ['pool items', largest(all.filter((i) => i.id.startsWith('#pool#')))],
        ['markers', largest(all.filter((i) => isMarker(i.id)))],
        ['members', largest(all.filter((i) => i.table === 'members'))],
        ['lists', largest(all.filter((i) => i.table === 'lists'))],
        ['inventory', largest(all.filter((i) => i.table === 'inventory'))],
      ].map(([k, v]) => [k, `${(v as { id: string }).id} ${(v as { bytes: number }).bytes} B`]),
    );
    notes.push(`largest items: ${JSON.stringify(report)}`);
    year10LargestMember = largest(all.filter((i) => i.table === 'members')).bytes;
    expect(now.filter((i) => i.table === 'members')).toHaveLength(300);
    expect(now.filter((i) => i.id.startsWith('#history#')).length).toBeGreaterThanOrEqual(120);
    expect(all.filter((i) => i.bytes >= LIMITS.item)).toEqual([]);
    expect(all.filter((i) => isMarker(i.id) && i.bytes >= LIMITS.marker)).toEqual([]);
    expect(all.filter((i) => i.table === 'members' && i.bytes >= LIMITS.member)).toEqual([]);
  });
});

describe('the same draw in the guild’s first year (YEAR_1: the same roster and pace, a tenth of the history)', () => {
  it('costs what it costs at year 10', async () => {
    expect(year10Draw).toBeDefined();
    const g = await startGuild(YEAR_1);
    try {
      const first = await drawAndConfirm(g);
      expect(first.confirmed.text).toContain('link awarded');
      const largestMember = Math.max(...(await scanAll(g.h.storage.tables.members)).map((i) => itemBytes(i)));
      // eslint-disable-next-line no-console
      console.log(
        `/distribute + Confirm at year 1: ${describeCost(first)}\nyear 10: ${describeCost(year10Draw!)}\nlargest member item: year 1 ${largestMember} B, year 10 ${year10LargestMember} B (AWARDS_KEPT ${AWARDS_KEPT} a quality)`,
      );
      // Every item but the winner's member item costs the same (the pool item may cross a KB).
      expect(year10Draw!.wcu - memberWcu(year10Draw!)).toBeLessThanOrEqual(first.wcu - memberWcu(first) + 1);
      // docs/architecture.md: "the largest item a /distribute, press or award writes is the same in
      // year 10 as in year 1". The award transaction rewrites the winner's member item, whose award
      // logs keep up to AWARDS_KEPT entries a quality: it grows with the member's history.
      expect(year10Draw!.wcu).toBeLessThanOrEqual(first.wcu + 1);
    } finally {
      await stopGuild(g);
    }
  });
});
