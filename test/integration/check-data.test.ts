/**
 * `npm run check:data` as ops run it (the compiled script, configured by the environment) on
 * tables holding what the previous system left, exactly as it wrote it, beside items FlavaFlav
 * wrote itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableKind } from '../../src/db/schema';
import { displayId } from '../../src/domain/ids';
import { MembersService } from '../../src/services/members';
import { TestClock } from '../support/clock';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { DynamoProxy } from '../support/dynamo-proxy';
import { seedAward, seedLink, seedMember, snowflake } from '../support/fixtures';
import { headTables, putRaw, singleTable, type HeadPeople } from '../support/legacy-fixtures';
import { runCommand } from '../support/process';

const SCRIPT = path.join(__dirname, '..', '..', 'dist', 'scripts', 'check-data.js');
type Run = Awaited<ReturnType<typeof runCommand>>;
type RawItem = Record<string, AttributeValue>;

const clock = new TestClock();
const people: HeadPeople = { anna: snowflake(), ben: snowflake(), cara: snowflake(), dan: snowflake(), eve: snowflake() };
const head = headTables(people, clock.now());
const LOST = snowflake();
const OLD_LIST = 'list_20250101120000';
const UNFLAGGED_LINK = 'gold_Damage_on_Ships_1700000000000000000';

/** What --fix may add, by table; nothing else may change. */
const MAY_ADD: Record<TableKind, string[]> = {
  distributions: ['status', 'distribution_date'],
  members: ['links_received', 'last_link_at', 'awards_bronze', 'awards_silver', 'awards_gold', 'recent_links'],
  inventory: [],
  lists: [],
};
const KEYS: Record<TableKind, string> = { members: 'discord_id', inventory: 'link_id', distributions: 'distribution_id', lists: 'list_id' };

let storage: TestStorage;
let dataDir: string;
let zoe: string;
/** Counted by FlavaFlav before it kept newest links on the item. */
let kim: string;
let kimAward: string;

const env = (endpoint = storage.endpoint) => ({ DYNAMODB_ENDPOINT: endpoint, FLAVAFLAV_ENV: storage.env, DATA_DIR: dataDir });
const check = (...args: string[]) => runCommand(process.execPath, [SCRIPT, ...args], { cwd: dataDir, env: env(), timeoutMs: 90_000 });
const finalLine = (run: Run) => run.stdout.split('\n').find((l) => /^(Finished|Stopped early)/.test(l));
/** The per-table and marker counts, as the run ends. */
const totals = (run: Run) => run.stdout.split('\n').filter((l) => /^(distributions|members|inventory|lists) \(|^history markers:/.test(l));
const checkpoints = () => readdirSync(dataDir).filter((f) => f.startsWith('check-data-'));

/** Every item as stored, typed, by key: what the previous system would read back. */
async function rawTables(): Promise<Record<TableKind, Map<string, RawItem>>> {
  const out = {} as Record<TableKind, Map<string, RawItem>>;
  for (const kind of Object.keys(KEYS) as TableKind[]) {
    const items: RawItem[] = [];
    let start: RawItem | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await storage.client.send(new ScanCommand({ TableName: storage.tables[kind], ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
      if (!start) break;
    }
    out[kind] = new Map(items.map((i) => [i[KEYS[kind]].S!, i]));
  }
  return out;
}

beforeAll(async () => {
  if (!existsSync(SCRIPT)) throw new Error('dist/scripts/check-data.js is missing: run `npm run build` (npm test does it first)');
  storage = await createTestStorage(undefined, clock);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-check-'));
  await putRaw(storage.client, storage.tables.members, head.members);
  await putRaw(storage.client, storage.tables.inventory, head.inventory);
  await putRaw(storage.client, storage.tables.distributions, head.distributions);
  // Beside them, what FlavaFlav writes itself (it fits), and misfits of other kinds.
  zoe = (await seedMember(storage.services, { username: 'zoe', join_date: clock.daysAgo(200) })).discord_id;
  await seedLink(storage.services, 'gold', 'Ship Cannon Damage');
  await seedAward(storage, { memberId: zoe, linkType: 'Ship Cannon Damage', at: new Date(clock.nowMs() - 3_600_000) });
  await storage.services.lists.create({ list_name: 'Silver queue', quality: 'silver', eligible_members: [zoe], created_by: zoe });
  kim = (await seedMember(storage.services, { username: 'kim', join_date: clock.daysAgo(300) })).discord_id;
  await seedLink(storage.services, 'gold', 'Ship Cannon Damage');
  kimAward = (await seedAward(storage, { memberId: kim, linkType: 'Ship Cannon Damage', at: new Date(clock.nowMs() - 1_800_000) })).distribution_id;
  await storage.db.send(new UpdateCommand({ TableName: storage.tables.members, Key: { discord_id: kim }, UpdateExpression: 'REMOVE recent_links' }));
  await putRaw(storage.client, storage.tables.members, [
    { discord_id: { S: LOST }, username: { S: 'lost' }, join_date: { S: 'last spring' }, is_officer: { BOOL: false }, links_received: { N: '0' } },
  ]);
  await putRaw(storage.client, storage.tables.inventory, [
    // Index keys cannot be BOOL (the table refuses them: why the previous system's list writes failed), but they can be missing.
    { link_id: { S: UNFLAGGED_LINK }, link_type: { S: 'Damage on Ships' }, quality: { S: 'gold' }, category: { S: 'Boating' }, bonus: { S: '4.50%' } },
  ]);
  await putRaw(storage.client, storage.tables.lists, [
    // Go marshals []string as a list; FlavaFlav keeps string sets.
    { list_id: { S: OLD_LIST }, list_name: { S: 'Gold (old)' }, quality: { S: 'gold' }, eligible_members: { L: [{ S: people.anna }] }, is_active: { S: 'false' }, created_by: { S: 'web-admin' } },
  ]);
});
afterAll(() => {
  storage?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run check:data', () => {
  let report: Run;
  let original: Record<TableKind, Map<string, RawItem>>;
  const anna = head.awards.filter((a) => a.member === 'anna');
  // What the markers lack: every previous-system award's day (as stored, else its UTC day), by quality.
  const days = new Set(head.awards.flatMap((a) => [a.distributionDate ?? a.at.slice(0, 10)].flatMap((d) => [d, `${d}#${a.quality}`])));
  const months = new Set(head.awards.map((a) => (a.distributionDate ?? a.at).slice(0, 7)));
  months.delete(clock.now().toISOString().slice(0, 7)); // zoe's award made this month's marker

  it('lists every misfit with its reason, counts each table, and writes nothing, not even a checkpoint', async () => {
    original = await rawTables();
    report = await check();
    expect(report.code).toBe(0);
    const lines = report.stdout.split('\n');
    const [first, , , dated] = head.awards;
    expect(lines).toEqual(
      expect.arrayContaining([
        `member ${people.anna} (anna): join_date is an RFC 3339 timestamp (read as ${clock.daysAgo(400)}); left as is`,
        `member ${people.anna} (anna): stale rank, silver_eligible, gold_eligible and days_in_guild are ignored (always derived from the join date); left as is`,
        `member ${people.anna} (anna): no links_received / last_link_at (derived from history until fixed: 3 standing awards, last ${anna[2].at.slice(0, 10)})`,
        `member ${people.anna} (anna): --fix would add links_received 3, last_link_at ${anna[2].at}`,
        `member ${kim} (kim): no recent_links (/member info reads their history instead, one query more, until fixed)`,
        `member ${kim} (kim): --fix would add recent_links (their 5 newest links)`,
        `member ${people.cara} (cara): join_date is an RFC 3339 timestamp (read as ${clock.daysAgo(45)}); left as is`,
        `member ${people.eve} (eve): join_date '0001-01-01T00:00:00Z' is Go's zero time (never set): the member is left out of draws; set it with /member add user join_date`,
        `member ${LOST} (lost): join_date 'last spring' is unreadable: the member is left out of draws; set it with /member add user join_date`,
        `distribution ${displayId(first.id)}: no status (read as confirmed)`,
        `distribution ${displayId(first.id)}: no distribution_date: guild-wide history does not list it until fixed`,
        `distribution ${displayId(first.id)}: no pool_size (the previous system kept no pools); left as is`,
        `distribution ${displayId(first.id)}: --fix would add status confirmed, distribution_date ${first.at.slice(0, 10)}`,
        `distribution ${displayId(dated.id)}: --fix would add status confirmed`,
        `inventory link ${first.linkId}: handed out without distribution_id (the previous system did not record which award); reverting its award still takes it back; left as is`,
        `inventory link ${UNFLAGGED_LINK}: no is_available: the link is in no stock index, so neither /inventory nor /distribute sees it; left as is`,
        `list ${OLD_LIST} (Gold (old)): eligible_members is a list, not a string set: adding, removing and serving members fails; left as is`,
      ]),
    );
    // Ids are shown readably: the control character at the end is an escape, never raw.
    expect(displayId(first.id)).toMatch(/_\\u\{0000\}$/);
    expect(report.stdout).not.toContain('\u0000');
    // FlavaFlav's own items fit; its marker items and list guard are not items to check.
    expect(report.stdout).not.toMatch(new RegExp(`member ${zoe}|#history|active-guard`));
    expect(totals(report)).toEqual([
      `distributions (${storage.tables.distributions}): 7 scanned, 2 fine, 5 reported, 5 would fix`,
      `history markers: --fix would add ${days.size} day entries in ${months.size} new months and 0 outgrown attributes of the top marker`,
      `members (${storage.tables.members}): 8 scanned, 1 fine, 7 reported, 7 would fix`,
      `inventory (${storage.tables.inventory}): 12 scanned, 6 fine, 6 reported, 0 would fix`,
      `lists (${storage.tables.lists}): 2 scanned, 1 fine, 1 reported, 0 would fix`,
    ]);
    expect(finalLine(report)).toBe(`Finished: nothing was written; --fix would change ${5 + days.size + months.size + 7}`);
    expect(await rawTables()).toEqual(original);
    expect(checkpoints()).toEqual([]);
  });

  it('--fix stops at a page boundary on SIGTERM (exit 3), keeping its place', async () => {
    // The first page's read is held back, so the signal surely arrives while that page is under
    // way (held past the client's timeout, the read is retried unheld: the same page).
    const proxy = await DynamoProxy.start(storage.endpoint);
    proxy.inject('Scan', { kind: 'hold', ms: 4_000 }, 1);
    try {
      const child = spawn(process.execPath, [SCRIPT, '--fix', '--page-size', '2'], { cwd: dataDir, env: { PATH: process.env.PATH ?? '', ...env(proxy.endpoint) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const started = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Adding what is missing to')) resolve();
        }),
      );
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await Promise.race([started, exited]);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(timer);
      expect(code).toBe(3);
      expect(stderr).toContain('SIGTERM: stopping after this page');
      expect(stderr).toMatch(/^page 1: next distributions, \d+ changed$/m);
      expect(stderr).not.toMatch(/^page 2:/m);
      expect(stdout).toMatch(/^Stopped early: \d+ changed so far\. Run the same command again to continue from /m);
      expect(checkpoints()).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('--fix resumes (--max-pages stops it again, exit 3), then finishes with the totals of the report', async () => {
    const more = await check('--fix', '--page-size', '2', '--max-pages', '1');
    expect(more.code).toBe(3);
    expect(more.stdout).toContain('resuming after 1 pages');
    expect(more.stderr).toMatch(/^page 2: /m);

    const rest = await check('--fix', '--page-size', '2');
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain('resuming after 2 pages');
    expect(totals(rest)).toEqual(totals(report).map((l) => l.replace('would fix', 'fixed').replace(/--fix would add (.*)/, '$1 added')));
    expect(finalLine(rest)).toBe(`Finished: ${5 + days.size + months.size + 7} changed`);
    expect(checkpoints()).toEqual([]);
  });

  it('added only missing attributes: every attribute anyone wrote is as it was, byte for byte', async () => {
    const after = await rawTables();
    for (const kind of Object.keys(KEYS) as TableKind[]) {
      for (const [key, before] of original[kind]) {
        // The history markers are FlavaFlav's own items: --fix adds days and recent awards to them.
        if (key.startsWith('#history')) continue;
        const now = after[kind].get(key);
        expect(now).toBeDefined();
        const kept = Object.fromEntries(Object.keys(before).map((name) => [name, now![name]]));
        expect(JSON.stringify(kept)).toBe(JSON.stringify(before));
        const added = Object.keys(now!).filter((name) => !(name in before));
        expect(added.filter((name) => !MAY_ADD[kind].includes(name))).toEqual([]);
      }
      // New items: only the history markers, FlavaFlav's own.
      expect([...after[kind].keys()].filter((key) => !original[kind].has(key) && !key.startsWith('#history'))).toEqual([]);
    }
    const { distributions, members } = storage.services;
    for (const award of head.awards) {
      expect(after.distributions.get(award.id)).toMatchObject({ status: { S: 'confirmed' }, distribution_date: { S: award.distributionDate ?? award.at.slice(0, 10) } });
    }
    expect((await members.get(people.anna))?.counters).toMatchObject({ links_received: 3, last_link_at: anna[2].at, awards: { gold: [{ id: anna[0].id }, { id: anna[2].id }], silver: [{ id: anna[1].id }] } });
    expect((await members.get(people.anna))?.recent?.map((r) => r.id)).toEqual([anna[2].id, anna[1].id, anna[0].id]);
    expect((await members.get(people.dan))?.counters).toMatchObject({ links_received: 0 });
    expect((await members.get(people.dan))?.counters?.last_link_at).toBeUndefined();
    expect((await members.get(people.dan))?.recent).toEqual([]);
    expect((await members.get(kim))?.recent?.map((r) => r.id)).toEqual([kimAward]);
    expect((await members.get(LOST))?.recent).toEqual([]);

    // Guild-wide history now lists the old awards; /revert suggests them; delivery was not tracked, so none is undelivered.
    const history = await distributions.guildWide({ limit: 10 });
    expect(history.items.map((d) => d.distribution_id)).toEqual(expect.arrayContaining(head.awards.map((a) => a.id)));
    expect(history.items).toHaveLength(7);
    expect((await distributions.recentAwards()).map((r) => r.distribution_id)).toEqual(expect.arrayContaining(head.awards.map((a) => a.id)));
    expect((await storage.services.awards.undelivered()).filter((d) => head.awards.some((a) => a.id === d.distribution_id))).toEqual([]);
  });

  it('a second --fix changes nothing and says so', async () => {
    const before = await rawTables();
    const again = await check('--fix');
    expect(again.code).toBe(0);
    expect(finalLine(again)).toBe('Finished: 0 changed');
    expect(totals(again)[1]).toBe('history markers: 0 day entries in 0 new months and 0 outgrown attributes of the top marker added');
    // Still reported (what cannot be added stays as it is), but nothing fixed.
    expect(totals(again)[0]).toBe(`distributions (${storage.tables.distributions}): 7 scanned, 2 fine, 5 reported, 0 fixed`);
    expect(again.stdout).not.toContain(': added ');
    expect(await rawTables()).toEqual(before);
  });
});

describe('npm run check:data with members in the old single table (DYNAMODB_TABLE)', () => {
  const single = singleTable({ fiona: snowflake(), gus: snowflake(), hana: snowflake(), ivan: snowflake(), juno: snowflake() }, clock.now());
  const [fiona] = single.members;
  const [ivan] = single.linkHistory;
  let legacyStorage: TestStorage;
  let legacy: string;
  const checkLegacy = (...args: string[]) =>
    runCommand(process.execPath, [SCRIPT, ...args], {
      cwd: dataDir,
      env: { DYNAMODB_ENDPOINT: legacyStorage.endpoint, FLAVAFLAV_ENV: legacyStorage.env, DYNAMODB_TABLE: legacy, DATA_DIR: dataDir },
      timeoutMs: 90_000,
    });

  beforeAll(async () => {
    legacyStorage = await createTestStorage(undefined, clock);
    legacy = `flavaflav-users-${legacyStorage.env}`;
    await legacyStorage.client.send(
      new CreateTableCommand({
        TableName: legacy,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'discord_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'discord_id', KeyType: 'HASH' }],
      }),
    );
    await putRaw(legacyStorage.client, legacy, single.items);
  });
  afterAll(() => legacyStorage?.close());

  it('reads the older member shape, says how to import the link-history items, and adds only counters', async () => {
    const run = await checkLegacy();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`(members in the legacy table ${legacy})`);
    expect(run.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        `member ${fiona} (fiona): discord_username (the old single table's) is read as username; left as is`,
        `member ${fiona} (fiona): role 'admin' (the old single table's) is read as an officer; left as is`,
        `member ${fiona} (fiona): --fix would add links_received 0; --fix would add attended, missed (3 events attended, 1 misses in a row)`,
        `member ${fiona} (fiona): the previous system's attendance fields are read as attended, missed (3 events attended, 1 misses in a row); they are left as is`,
        expect.stringMatching(new RegExp(`^link-history item under ${ivan.discordId} \\(ivan\\): the old single table's record of a gold link received ${ivan.at.slice(0, 10)}, .*npm run migrate:legacy imports it as an award, then add them with /member add$`)),
      ]),
    );
    expect(run.stdout).toContain(`members (${legacy}): 5 scanned, 0 fine, 5 reported, 3 would fix`);

    const before = (await legacyStorage.client.send(new ScanCommand({ TableName: legacy, ConsistentRead: true }))).Items!;
    const fixed = await checkLegacy('--fix');
    expect(finalLine(fixed)).toBe('Finished: 3 changed');
    const after = new Map((await legacyStorage.client.send(new ScanCommand({ TableName: legacy, ConsistentRead: true }))).Items!.map((i) => [i.discord_id.S!, i]));
    for (const item of before) {
      const now = after.get(item.discord_id.S!)!;
      expect(JSON.stringify(Object.fromEntries(Object.keys(item).map((n) => [n, now[n]])))).toBe(JSON.stringify(item));
      // Members gain counters (and their newest links: none); the link-history items are left exactly as they are.
      // Their attendance fields gain what they stand for (docs/attendance.md), beside them.
      const attendance = [...(item.omni_absence_count || item.omni_participation_dates ? ['attended', 'missed'] : []), ...(item.last_omni_participation ? ['last_attended_at'] : []), ...(item.compensation_owed?.BOOL ? ['debts'] : [])];
      expect(Object.keys(now).filter((n) => !(n in item)).sort()).toEqual('guild_join_date' in item ? ['links_received', 'recent_links', ...attendance].sort() : []);
    }
    expect(await new MembersService(legacyStorage.db, legacy).get(fiona)).toMatchObject({ username: 'fiona', is_officer: true, counters: { links_received: 0 } });
  });
});
