/**
 * `npm run migrate:legacy` as ops run it (the compiled script, configured by the environment)
 * against a legacy single table seeded on DynamoDB Local.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { legacyAwardId, migratedLinkId } from '../../src/migration/legacy-items';
import { TestClock } from '../support/clock';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { snowflake } from '../support/fixtures';
import { putRaw, singleTable, type SingleTablePeople } from '../support/legacy-fixtures';
import { runCommand } from '../support/process';

const SCRIPT = path.join(__dirname, '..', '..', 'dist', 'scripts', 'migrate-legacy.js');
const [ANNA, BEN, CARA, DAN] = ['210000000000000001', '210000000000000002', '210000000000000003', '210000000000000004'];
const OLD_AVAILABLE = 'gold_Damage on Ships_1700000000001';
const OLD_HANDED_OUT = 'gold_Damage on Ships_1700000000002';

/** The legacy table: everything keyed by discord_id, link ids with spaces. 17 items, 5 unusable. */
const LEGACY_ITEMS: Record<string, unknown>[] = [
  { discord_id: ANNA, username: 'anna', join_date: '2024-01-10', is_officer: false, links_received: 1, last_link_at: '2025-10-01T18:00:00.000Z', rank: 'Sage' },
  { discord_id: BEN, username: 'ben', join_date: '2024-05-01', is_officer: true },
  { discord_id: CARA, username: 'cara', join_date: '2025-09-01' },
  { discord_id: DAN, username: 'dan', join_date: '2025-10-20', away_until: '2026-12-01' },
  { discord_id: '210000000000000005', username: 'eve', join_date: 'last spring' },
  { discord_id: OLD_AVAILABLE, link_type: 'Damage on Ships', quality: 'gold', is_available: true, added_by: BEN, added_date: '2025-09-01T10:00:00.000Z' },
  { discord_id: OLD_HANDED_OUT, link_type: 'Damage on Ships', quality: 'gold', is_available: false, distribution_id: 'dist-1', added_by: BEN, added_date: '2025-09-01T10:00:01.000Z' },
  { discord_id: 'silver_Melee Accuracy/Defense_1700000000003', link_type: 'Melee Accuracy/Defense', quality: 'silver', is_available: true, added_by: BEN, added_date: '2025-09-02T10:00:00.000Z' },
  { discord_id: 'bronze_Barding Effect Durations 1700000000004', link_type: 'Barding Effect Durations', quality: 'bronze', added_by: BEN, added_date: '2025-09-03T10:00:00.000Z' },
  { discord_id: 'gold_Mystery Link_1', link_type: 'Mystery Link', quality: 'platinum' },
  { discord_id: 'dist-1', member_id: ANNA, member_username: 'anna', link_id: OLD_HANDED_OUT, link_type: 'Damage on Ships', quality: 'gold', bonus: '4.50%', distributed_by: BEN, distributed_at: '2025-10-01T18:00:00.000Z' },
  { discord_id: 'dist-2', member_id: BEN, link_id: 'silver_Gone Link_9', link_type: 'Melee Accuracy/Defense', quality: 'silver', distributed_by: BEN, distributed_at: '2025-08-01T12:00:00.000Z', status: 'reverted' },
  { discord_id: 'dist-3', member_id: 'someone', link_type: 'Damage on Ships', quality: 'gold', distributed_at: '2025-08-02T12:00:00.000Z' },
  { discord_id: 'list-gold-a', list_name: 'Gold queue', quality: 'gold', eligible_members: new Set([CARA, DAN]), winners: new Set([ANNA]), is_active: true, created_by: BEN, created_at: '2025-09-01T00:00:00.000Z' },
  { discord_id: 'list-gold-b', list_name: 'Gold queue (copy)', quality: 'gold', eligible_members: new Set([CARA]), is_active: true, created_by: BEN, created_at: '2025-09-05T00:00:00.000Z' },
  { discord_id: 'list-silver-old', list_name: 'Old silver', quality: 'silver', winners: new Set([BEN]), is_active: false, created_by: BEN, created_at: '2025-01-01T00:00:00.000Z' },
  { discord_id: 'bot-settings', prefix: '!' },
];

type Run = Awaited<ReturnType<typeof runCommand>>;

describe('npm run migrate:legacy', () => {
  let storage: TestStorage;
  let legacy: string;
  let dataDir: string;
  let checkpoint: string;

  const migrate = (...args: string[]) =>
    runCommand(process.execPath, [SCRIPT, '--from', legacy, ...args], {
      cwd: dataDir,
      env: {
        DYNAMODB_ENDPOINT: storage.endpoint,
        FLAVAFLAV_ENV: storage.env,
        // The bot still reads members from the legacy table: the copy must go to the four tables all the same.
        DYNAMODB_TABLE: legacy,
        DATA_DIR: dataDir,
      },
      timeoutMs: 60_000,
    });
  const scan = async (table: string) =>
    ((await storage.db.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).sort((a, b) =>
      JSON.stringify(a).localeCompare(JSON.stringify(b)),
    );
  const finalLine = (run: Run) => run.stdout.split('\n').find((l) => /^(Finished|Stopped early)/.test(l));

  beforeAll(async () => {
    if (!existsSync(SCRIPT)) throw new Error('dist/scripts/migrate-legacy.js is missing: run `npm run build` (npm test does it first)');
    storage = await createTestStorage();
    legacy = `flavaflav-users-${storage.env}`;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-migrate-'));
    checkpoint = path.join(dataDir, `migrate-${legacy}.checkpoint.json`);
    await storage.client.send(
      new CreateTableCommand({
        TableName: legacy,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'discord_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'discord_id', KeyType: 'HASH' }],
      }),
    );
    for (const item of LEGACY_ITEMS) await storage.db.send(new PutCommand({ TableName: legacy, Item: item }));
  });
  afterAll(() => {
    storage?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a dry run reports what a real run would do and writes nothing, not even a checkpoint', async () => {
    const run = await migrate('--dry-run');
    expect(run.code).toBe(0);
    expect(finalLine(run)).toBe('Finished: 17 read, 12 would be written, 0 already there, 5 rejected');
    for (const table of Object.values(storage.tables)) expect(await scan(table)).toEqual([]);
    expect(existsSync(checkpoint)).toBe(false);
  });

  it('stops after --max-pages with a checkpoint, then resumes to exact totals, never touching the source', async () => {
    const before = await scan(legacy);

    const first = await migrate('--page-size', '5', '--max-pages', '2');
    expect(first.code).toBe(3);
    expect(finalLine(first)).toMatch(/^Stopped early: 10 read, /);
    expect(first.stdout).toContain('Run the same command again to continue');
    expect(existsSync(checkpoint)).toBe(true);

    const second = await migrate('--page-size', '5');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('resuming after 10 items');
    expect(finalLine(second)).toBe('Finished: 17 read, 12 written, 0 skipped (already there), 5 rejected');
    expect(existsSync(checkpoint)).toBe(false);
    // Every rejection of both runs is listed with its reason.
    const rejected = second.stdout.split('Rejected')[1] ?? '';
    expect(rejected).toContain('210000000000000005: member 210000000000000005 has no valid join_date');
    expect(rejected).toContain('gold_Mystery Link_1: link "gold_Mystery Link_1" has quality "platinum"');
    expect(rejected).toContain('dist-3: distribution dist-3 has member_id "someone"');
    expect(rejected).toMatch(/list-gold-[ab]: another active gold list is already in/);
    expect(rejected).toContain('bot-settings: not a member, link, distribution or list');

    expect(await scan(legacy)).toEqual(before);
    expect(second.stderr).toMatch(/page 4: 17 read, /);
  });

  it('writes each item where the bot reads it, with safe link ids that the history still points at', async () => {
    const { members, inventory, distributions, lists, awards } = storage.services;
    expect((await scan(storage.tables.members)).map((m) => m.discord_id).sort()).toEqual([ANNA, BEN, CARA, DAN]);
    expect(await members.get(ANNA)).toMatchObject({ username: 'anna', counters: { links_received: 1 }, is_officer: false });
    expect((await members.get(ANNA)) as object).not.toHaveProperty('rank');
    // She kept a count but no award log: the log comes from her history as copied, so the fairness policies see her served.
    expect((await members.get(ANNA, true))?.counters?.awards.gold.map((a) => a.id)).toEqual(['dist-1']);
    // BEN's item kept no counters: none are made up; they are derived from his history.
    expect(await members.get(BEN)).toMatchObject({ is_officer: true });
    expect((await members.get(BEN))?.counters).toBeUndefined();
    expect((await storage.services.roster.get(BEN))?.counters).toMatchObject({ links_received: 0 });

    const links = await scan(storage.tables.inventory);
    expect(links).toHaveLength(4);
    for (const link of links) expect(link.link_id).toMatch(/^(bronze|silver|gold)_[A-Za-z0-9_]+$/);
    expect((await inventory.stock()).map((l) => [l.quality, l.link_type, l.count])).toEqual([
      ['gold', 'Damage on Ships', 1],
      ['silver', 'Melee Accuracy/Defense', 1],
      ['bronze', 'Barding Effect Durations', 1],
    ]);
    const handedOutId = migratedLinkId(OLD_HANDED_OUT, 'gold', 'Damage on Ships');
    expect(await inventory.get(handedOutId)).toMatchObject({ is_available: 'false', distribution_id: 'dist-1', legacy_link_id: OLD_HANDED_OUT });

    const record = await distributions.get('dist-1');
    expect(record).toMatchObject({ link_id: handedOutId, distribution_date: '2025-10-01', status: 'confirmed' });
    expect((await distributions.forMember(ANNA)).items.map((d) => d.distribution_id)).toEqual(['dist-1']);
    expect((await distributions.get('dist-2'))?.status).toBe('reverted');

    const active = await lists.listActive('gold');
    expect(active).toHaveLength(1);
    expect(['list-gold-a', 'list-gold-b']).toContain(active[0].list_id);
    expect((await lists.get('list-silver-old'))?.winners).toEqual([BEN]);
    // The migrated active list holds its quality: a new one cannot be created beside it.
    expect(await lists.create({ list_name: 'New', quality: 'gold', eligible_members: [], created_by: BEN })).toMatchObject({ ok: false, reason: 'active_exists' });

    // A migrated award can be reverted: the record points at the link under its new id.
    expect(await awards.revertDistribution('dist-1', BEN, 'test')).toMatchObject({ ok: true });
    expect(await inventory.get(handedOutId)).toMatchObject({ is_available: 'true' });
    expect((await members.get(ANNA, true))?.counters?.links_received).toBe(0);
  });

  it('a second run writes nothing, and keeps what the bot changed since', async () => {
    const before = await Promise.all(Object.values(storage.tables).map(scan));
    const run = await migrate();
    expect(run.code).toBe(0);
    expect(finalLine(run)).toBe('Finished: 17 read, 0 written, 12 skipped (already there), 5 rejected');
    expect(await Promise.all(Object.values(storage.tables).map(scan))).toEqual(before);
  });

  it('refuses to copy a table onto itself or run without a source, in one clear line', async () => {
    const self = await runCommand(process.execPath, [SCRIPT, '--from', storage.tables.inventory], {
      cwd: dataDir,
      env: { DYNAMODB_ENDPOINT: storage.endpoint, FLAVAFLAV_ENV: storage.env },
      timeoutMs: 30_000,
    });
    expect(self.code).toBe(1);
    expect(self.stderr.split('\n')[0]).toBe(`migrate:legacy: --from ${storage.tables.inventory} is also the inventory table; the source must be the legacy table, not one of the four`);

    const missing = await runCommand(process.execPath, [SCRIPT], { cwd: dataDir, timeoutMs: 30_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe('migrate:legacy: --from <legacy table> is required');
  });
});

describe('npm run migrate:legacy from the previous system’s single table (9abbdbc)', () => {
  const people: SingleTablePeople = { fiona: snowflake(), gus: snowflake(), hana: snowflake(), ivan: snowflake(), juno: snowflake() };
  const clock = new TestClock();
  const table = singleTable(people, clock.now());
  const [ivanAward, junoAward] = table.linkHistory;
  let storage: TestStorage;
  let legacy: string;
  let dataDir: string;

  const migrate = (...args: string[]) =>
    runCommand(process.execPath, [SCRIPT, '--from', legacy, ...args], {
      cwd: dataDir,
      env: { DYNAMODB_ENDPOINT: storage.endpoint, FLAVAFLAV_ENV: storage.env, DYNAMODB_TABLE: legacy, DATA_DIR: dataDir },
      timeoutMs: 60_000,
    });
  const scan = async (name: string) =>
    ((await storage.db.send(new ScanCommand({ TableName: name, ConsistentRead: true }))).Items ?? []).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const finalLine = (run: Run) => run.stdout.split('\n').find((l) => /^(Finished|Stopped early)/.test(l));
  const notes = (run: Run) => (run.stdout.split('Notes:\n')[1] ?? '').split('\n').filter(Boolean);
  const idOf = (discordId: string) => legacyAwardId(table.items.map((i) => ({ discord_id: i.discord_id.S, link_id: i.link_id?.S, date_received: i.date_received?.S })).find((i) => i.discord_id === discordId)!);
  const lostNote = (id: string, name: string) => `  ${id}: member ${id} (${name}): only a link-history item was found under this key; their award was imported; add them with /member add`;

  beforeAll(async () => {
    // The bot's services on the test's calendar, as the fixture's dates are (guild-wide history
    // starts from the month after today: awards dated after it would be in its future).
    storage = await createTestStorage(undefined, clock);
    legacy = `flavaflav-users-${storage.env}`;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-migrate-9abbdbc-'));
    // The single table's key is discord_id alone: a link-history item put under a member's id replaced them.
    await storage.client.send(
      new CreateTableCommand({
        TableName: legacy,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'discord_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'discord_id', KeyType: 'HASH' }],
      }),
    );
    await putRaw(storage.client, legacy, table.items);
  });
  afterAll(() => {
    storage?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a dry run says what it would import, and writes nothing', async () => {
    const run = await migrate('--dry-run');
    expect(run.code).toBe(0);
    expect(finalLine(run)).toBe('Finished: 5 read, 5 would be written, 0 already there, 0 rejected');
    expect(notes(run)).toContain(`  ${people.ivan}: member ${people.ivan} (ivan): only a link-history item was found under this key; their award would be imported; add them with /member add`);
    for (const name of Object.values(storage.tables)) expect(await scan(name)).toEqual([]);
  });

  it('imports every member with characters and attendance, and each link-history item as an award, saying so', async () => {
    const run = await migrate();
    expect(run.code).toBe(0);
    expect(finalLine(run)).toBe('Finished: 5 read, 5 written, 0 skipped (already there), 0 rejected');
    expect(notes(run)).toEqual(
      expect.arrayContaining([
        `  ${people.ivan}: link-history item (gold Damage on Ships link received ${ivanAward.at.slice(0, 10)}) imported as an award, ${idOf(people.ivan)}; it names no link in the inventory`,
        `  ${people.juno}: link-history item (silver unknown link received ${junoAward.at.slice(0, 10)}) imported as an award, ${idOf(people.juno)}; it names no link in the inventory`,
        lostNote(people.ivan, 'ivan'),
        lostNote(people.juno, 'juno'),
      ]),
    );
    expect(notes(run)).toHaveLength(4);

    const { members, roster, distributions } = storage.services;
    const raw = await scan(storage.tables.members);
    expect(raw.map((m) => m.discord_id).sort()).toEqual([people.fiona, people.gus, people.hana].sort());
    const fiona = raw.find((m) => m.discord_id === people.fiona)!;
    const source = table.items.find((i) => i.discord_id.S === people.fiona)!;
    expect(fiona).toMatchObject({
      username: 'fiona',
      is_officer: true,
      role: 'admin',
      character_names: ['Fiona the Bold', 'Fi'],
      weekly_boss_participation: true,
      omni_participation_dates: source.omni_participation_dates.L!.map((d) => d.S),
      omni_absence_count: 1,
      compensation_owed: false,
      last_omni_participation: source.last_omni_participation.S,
    });
    expect(fiona).not.toHaveProperty('links_received');
    expect(raw.find((m) => m.discord_id === people.hana)).toMatchObject({ omni_participation_dates: null, role: 'user', is_officer: false });
    expect(await members.get(people.gus)).toMatchObject({ is_officer: true, join_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect((await members.get(people.gus))?.counters).toBeUndefined();
    expect((await roster.get(people.fiona))?.counters.links_received).toBe(0);

    // The awards: in their members' history and, through the markers' days, in the guild's.
    const award = await distributions.get(idOf(people.ivan));
    expect(award).toMatchObject({ status: 'confirmed', member_id: people.ivan, member_username: 'ivan', quality: 'gold', link_type: 'Damage on Ships', distributed_at: ivanAward.at, distributed_by: 'migration', link_id: '' });
    expect((await storage.db.send(new ScanCommand({ TableName: storage.tables.distributions, ConsistentRead: true }))).Items?.find((i) => i.distribution_id === idOf(people.ivan))?.legacy).toMatchObject({
      link_id: expect.stringMatching(/^\d{14}-000$/),
      is_compensation: false,
      notes: 'Damage on Ships',
      omni_event_date: expect.any(String),
    });
    expect((await distributions.guildWide({ limit: 10 })).items.map((d) => d.distribution_id)).toEqual([idOf(people.juno), idOf(people.ivan)]);
    expect((await distributions.guildWide({ limit: 10, quality: 'silver' })).items.map((d) => d.member_id)).toEqual([people.juno]);

    // Added back, ivan finds his award in his history.
    expect((await members.add({ discord_id: people.ivan, username: 'ivan', join_date: clock.daysAgo(200), is_officer: false, added_by: people.fiona })).ok).toBe(true);
    expect((await distributions.forMember(people.ivan)).items.map((d) => [d.distribution_id, d.quality, d.status])).toEqual([[idOf(people.ivan), 'gold', 'confirmed']]);
  });

  it('a second run writes nothing, and still names whoever is yet to be added back', async () => {
    const before = await Promise.all([legacy, ...Object.values(storage.tables)].map(scan));
    const run = await migrate();
    expect(run.code).toBe(0);
    expect(finalLine(run)).toBe('Finished: 5 read, 0 written, 5 skipped (already there), 0 rejected');
    expect(notes(run)).toEqual([lostNote(people.juno, 'juno')]);
    expect(await Promise.all([legacy, ...Object.values(storage.tables)].map(scan))).toEqual(before);
  });
});
