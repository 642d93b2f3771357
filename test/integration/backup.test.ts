/**
 * Backup and restore on DynamoDB Local: a guild's four tables backed up from one database
 * (one set of tables) and restored into another, through the library and through the compiled
 * scripts as ops run them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  ListTablesCommand,
  PutItemCommand,
  paginateScan,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { backupTables } from '../../src/backup/backup';
import { BatchRetriesExhaustedError } from '../../src/backup/batches';
import { verifyBackup, type VerifiedBackup } from '../../src/backup/file';
import { BackupFileError, encodeTrailer, type BackupKind, type Item } from '../../src/backup/format';
import { restoreBackup, type Conflict, type RestoreOptions } from '../../src/backup/restore';
import { backupSources, restoreTargets } from '../../src/backup/tables';
import { loadConfig } from '../../src/config';
import { createDynamoClients } from '../../src/db/client';
import type { TableKind } from '../../src/db/schema';
import { createTestStorage, tableNamesFor, type TestStorage } from '../support/dynamo';
import { runCommand } from '../support/process';

const DIST = path.join(__dirname, '..', '..', 'dist', 'scripts');
const BIG = '12345678901234567890.123456789';
const KINDS: TableKind[] = ['members', 'inventory', 'distributions', 'lists'];
const [ANNA, BEN, CARA] = ['210000000000000001', '210000000000000002', '210000000000000003'];
const DISTRIBUTIONS = 250;

const s = (S: string): AttributeValue => ({ S });
const n = (N: string): AttributeValue => ({ N });

/** A guild with every DynamoDB type in it, and the odd values real data holds. */
function guild(): Record<TableKind, Item[]> {
  const members: Item[] = [
    {
      discord_id: s(ANNA),
      username: s('Ånna 🐉 \u0000\u0001\u001f\t\r\n\u2028 "the bold" \\ end'),
      join_date: s('2024-01-10'),
      is_officer: { BOOL: false },
      links_received: n('3'),
      wants: { SS: ['Damage on Ships', 'Melee Accuracy/Defense', 'Barding Effect Durations'] },
      away_until: { NULL: true },
      avatar: { B: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
      badges: { BS: [Buffer.from([0]), Buffer.from([1, 2, 3]), Buffer.from('🐉')] },
    },
    { discord_id: s(BEN), username: s('ben'), join_date: s('2024-05-01'), is_officer: { BOOL: true }, links_received: n('0') },
    // The legacy shapes the old system left behind: stale rank, no counters.
    { discord_id: s(CARA), username: s('cara'), join_date: s('2025-09-01T10:00:00.123456Z'), rank: s('Book Worm'), days_in_guild: n('12') },
  ];
  const inventory: Item[] = ['gold', 'silver', 'bronze', 'gold', 'silver'].map((quality, i) => ({
    link_id: s(`${quality}_Damage_on_Ships_${1700000000000 + i}`),
    link_type: s('Damage on Ships'),
    quality: s(quality),
    category: s('Ships'),
    bonus: s('4.50%'),
    is_available: s(i < 3 ? 'true' : 'false'),
    added_by: s(BEN),
    added_date: s('2025-09-01T10:00:00.000Z'),
    notes: s(i === 0 ? 'ノート 📝' : ''),
  }));
  const candidates: AttributeValue = {
    M: { [ANNA]: { M: { count: n('2'), last: { NULL: true }, scores: { NS: ['1', '-2.5', BIG] } } }, [BEN]: { M: { count: n('0'), ok: { BOOL: true } } } },
  };
  const distributions: Item[] = Array.from({ length: DISTRIBUTIONS }, (_, i) => ({
    // The old system's ids end in one arbitrary character, control characters included.
    distribution_id: s(i === 0 ? 'dist-legacy-\u0001' : i === 1 ? 'dist-legacy-\u03e7' : `dist-${String(i).padStart(4, '0')}`),
    member_id: s(i % 2 ? ANNA : BEN),
    link_id: s(`gold_Damage_on_Ships_${1700000000003}`),
    link_type: s('Damage on Ships'),
    quality: s('gold'),
    method: s('discord'),
    status: s(i % 7 === 0 ? 'reverted' : 'confirmed'),
    distributed_at: s(`2025-10-01T18:00:${String(i % 60).padStart(2, '0')}.000Z`),
    distribution_date: s('2025-10-01'),
    pool: { SS: [ANNA, BEN, CARA] },
    pool_size: n('3'),
    drawn_before: { L: [s(CARA), s(BEN)] },
    weight: n(i === 5 ? BIG : `${i}.25`),
    candidates,
  }));
  const lists: Item[] = [
    { list_id: s('list-gold'), list_name: s('Gold queue 🥇'), quality: s('gold'), eligible_members: { SS: [ANNA, CARA] }, winners: { SS: [BEN] }, is_active: s('true'), created_by: s(BEN), created_at: s('2025-09-01T00:00:00.000Z') },
    { list_id: s('list-silver'), list_name: s('Old silver'), quality: s('silver'), eligible_members: { L: [] }, is_active: s('false'), created_by: s(BEN), created_at: s('2025-01-01T00:00:00.000Z') },
    { list_id: s('active-guard#gold'), active_list_id: s('list-gold') },
  ];
  return { members, inventory, distributions, lists };
}
const TOTAL = Object.values(guild()).reduce((sum, items) => sum + items.length, 0);

async function seed(client: DynamoDBClient, tables: Record<TableKind, string>): Promise<void> {
  const data = guild();
  for (const kind of KINDS) {
    for (let i = 0; i < data[kind].length; i += 25) {
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tables[kind]]: data[kind].slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
      );
      expect(UnprocessedItems ?? {}).toEqual({});
    }
  }
}

/** An item in one spelling: sets sorted, map keys sorted, binary as base64. Independent of src/backup. */
function canonical(value: AttributeValue): unknown {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  if (value.SS) return { SS: [...value.SS].sort() };
  if (value.NS) return { NS: [...value.NS].sort() };
  if (value.BS) return { BS: value.BS.map(b64).sort() };
  if (value.B) return { B: b64(value.B) };
  if (value.M) return { M: canonicalItem(value.M) };
  if (value.L) return { L: value.L.map(canonical) };
  return value;
}
const canonicalItem = (item: Item) => Object.fromEntries(Object.keys(item).sort().map((k) => [k, canonical(item[k])]));

/** Every item of every table, marshalled, in one order. */
async function scanAll(client: DynamoDBClient, tables: Record<TableKind, string>): Promise<Record<TableKind, string[]>> {
  const result = {} as Record<TableKind, string[]>;
  for (const kind of KINDS) {
    const items: string[] = [];
    for await (const page of paginateScan({ client }, { TableName: tables[kind], ConsistentRead: true })) {
      for (const item of page.Items ?? []) items.push(JSON.stringify(canonicalItem(item)));
    }
    result[kind] = items.sort();
  }
  return result;
}

const targetsOf = (tables: Record<TableKind, string>): Record<BackupKind, string> => ({ ...tables, legacy: tables.members });
const noWait = { maxAttempts: 5, baseDelayMs: 0, maxDelayMs: 0 };

describe('backup and restore', () => {
  let dir: string;
  let source: TestStorage;
  let file: string;
  let expected: Record<TableKind, string[]>;
  const storages: TestStorage[] = [];

  const freshStorage = async () => {
    const storage = await createTestStorage();
    storages.push(storage);
    return storage;
  };
  const restoreInto = (target: TestStorage, backup: VerifiedBackup, options: Partial<RestoreOptions> = {}) =>
    restoreBackup({ client: target.client, backup, targets: targetsOf(target.tables), retry: noWait, ...options });
  const problemOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error) => (error instanceof BackupFileError ? `${error.problem}: ${error.message}` : `unexpected ${error}`),
    );

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-backup-'));
    source = await freshStorage();
    await seed(source.client, source.tables);
    expected = await scanAll(source.client, source.tables);
    file = path.join(dir, 'guild.jsonl.gz');
    // Small pages, so the backup crosses page boundaries in every large table.
    const result = await backupTables({
      client: source.client,
      tables: KINDS.map((kind) => ({ kind, name: source.tables[kind] })),
      out: file,
      source: { mode: 'endpoint', endpoint: source.endpoint, region: 'us-east-1', env: source.env },
      pageSize: 50,
    });
    expect(result.items).toBe(TOTAL);
  });
  afterAll(() => {
    for (const storage of storages) storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one gzip file: header with tables and counts, one line per item, checksum trailer', async () => {
    expect(Object.values(expected).map((items) => items.length)).toEqual([3, 5, DISTRIBUTIONS, 3]);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(TOTAL + 2);
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({
      type: 'header',
      format: 'flavaflav-backup',
      version: 1,
      source: { mode: 'endpoint', endpoint: source.endpoint, region: 'us-east-1', env: source.env },
      tables: [
        { kind: 'members', name: source.tables.members, hashKey: 'discord_id', items: 3 },
        { kind: 'inventory', name: source.tables.inventory, hashKey: 'link_id', items: 5 },
        { kind: 'distributions', name: source.tables.distributions, hashKey: 'distribution_id', items: DISTRIBUTIONS },
        { kind: 'lists', name: source.tables.lists, hashKey: 'list_id', items: 3 },
      ],
    });
    expect(Date.parse(header.createdAt)).toBeGreaterThan(Date.now() - 120_000);
    // Numbers as DynamoDB's strings, never through a JS number.
    expect(lines.some((l) => l.includes(`{"N":"${BIG}"}`))).toBe(true);
    const trailer = JSON.parse(lines[lines.length - 1]);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(lines.slice(0, -1).map((l) => `${l}\n`).join('')).digest('hex');
    expect(trailer).toEqual({ type: 'trailer', items: TOTAL, sha256: sha });
  });

  it('restores a guild backed up from one database into another: the scans are equal', async () => {
    const target = await freshStorage();
    const backup = await verifyBackup(file);
    const result = await restoreInto(target, backup);
    expect(result).toEqual({ finished: true, position: TOTAL, counts: { read: TOTAL, written: TOTAL, unchanged: 0, conflicting: 0 } });
    expect(await scanAll(target.client, target.tables)).toEqual(expected);
    // What the bot reads back: the emoji and control characters, the precise number.
    const anna = await target.services.members.get(ANNA);
    expect(anna?.username).toBe('Ånna 🐉 \u0000\u0001\u001f\t\r\n\u2028 "the bold" \\ end');
  });

  it('an interrupted restore resumes where it stopped, to the same result; a second run writes nothing', async () => {
    const target = await freshStorage();
    const backup = await verifyBackup(file);
    const first = await restoreInto(target, backup, { maxBatches: 2 });
    expect(first).toEqual({ finished: false, position: 50, counts: { read: 50, written: 50, unchanged: 0, conflicting: 0 } });

    // Stopped as by Ctrl-C: after the group of batches in flight (4 × 25).
    const second = await restoreInto(target, backup, { position: first.position, counts: first.counts, shouldStop: () => true });
    expect(second).toEqual({ finished: false, position: 150, counts: { read: 150, written: 150, unchanged: 0, conflicting: 0 } });

    const progress: number[] = [];
    const third = await restoreInto(target, backup, { position: second.position, counts: second.counts, onBatch: (p) => void progress.push(p.position) });
    expect(third).toEqual({ finished: true, position: TOTAL, counts: { read: TOTAL, written: TOTAL, unchanged: 0, conflicting: 0 } });
    expect(progress[0]).toBe(150 + Math.min(100, TOTAL - 150));
    expect(await scanAll(target.client, target.tables)).toEqual(expected);

    const again = await restoreInto(target, backup);
    expect(again.counts).toEqual({ read: TOTAL, written: 0, unchanged: TOTAL, conflicting: 0 });
  });

  it('refuses a damaged, truncated or newer file before writing anything', async () => {
    const bytes = readFileSync(file);
    const text = gunzipSync(bytes).toString('utf8');
    const variant = (name: string, content: Buffer) => {
      const variantFile = path.join(dir, name);
      writeFileSync(variantFile, content);
      return variantFile;
    };
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)] ^= 0x01;
    const changedLine = text.replace('"Gold queue 🥇"', '"Gold queue 🥈"');
    expect(changedLine).not.toBe(text);
    const withoutTrailer = text.slice(0, text.lastIndexOf('{"type":"trailer"'));
    const newer = text.replace('"version":1', '"version":2');
    const newerBody = newer.slice(0, newer.lastIndexOf('{"type":"trailer"'));
    const { createHash } = await import('node:crypto');
    const resigned = newerBody + encodeTrailer(TOTAL, createHash('sha256').update(newerBody).digest('hex'));

    expect(await problemOf(verifyBackup(variant('flipped.gz', flipped)))).toMatch(/^corrupt: /);
    expect(await problemOf(verifyBackup(variant('changed.gz', gzipSync(changedLine))))).toMatch(/^corrupt: checksum mismatch/);
    expect(await problemOf(verifyBackup(variant('cut.gz', bytes.subarray(0, Math.floor(bytes.length * 0.6)))))).toBe(
      'truncated: the file is truncated: its compressed data ends early',
    );
    expect(await problemOf(verifyBackup(variant('no-trailer.gz', gzipSync(withoutTrailer))))).toBe(
      `truncated: the file is truncated: it ends after ${TOTAL} items without its trailer line`,
    );
    expect(await problemOf(verifyBackup(variant('newer.gz', gzipSync(resigned))))).toBe(
      'version: backup format version 2 is not supported: this FlavaFlav reads version 1',
    );
    expect(await problemOf(verifyBackup(variant('not-gzip.gz', Buffer.from(text))))).toMatch(/^corrupt: the file is damaged: .* \(not valid gzip data\)$/);
    expect(await problemOf(verifyBackup(path.join(dir, 'missing.gz')))).toMatch(/^corrupt: cannot read /);
  });

  it('leaves items that differ alone and reports each by table and key; --overwrite replaces them', async () => {
    const target = await freshStorage();
    const backup = await verifyBackup(file);
    await restoreInto(target, backup);
    // The bot kept running on the target after the backup was made.
    await target.client.send(new PutItemCommand({ TableName: target.tables.members, Item: { ...guild().members[1], username: s('ben (renamed)') } }));
    await target.client.send(new PutItemCommand({ TableName: target.tables.distributions, Item: { ...guild().distributions[0], status: s('cancelled') } }));
    await target.client.send(new DeleteItemCommand({ TableName: target.tables.lists, Key: { list_id: s('list-silver') } }));
    const changed = await scanAll(target.client, target.tables);

    const conflicts: Conflict[] = [];
    const kept = await restoreInto(target, backup, { onConflict: (c) => conflicts.push(c) });
    expect(kept.counts).toEqual({ read: TOTAL, written: 1, unchanged: TOTAL - 3, conflicting: 2 });
    expect(conflicts).toEqual([
      { kind: 'members', table: target.tables.members, key: `discord_id="${BEN}"` },
      { kind: 'distributions', table: target.tables.distributions, key: 'distribution_id="dist-legacy-\\u0001"' },
    ]);
    expect((await scanAll(target.client, target.tables)).members).toEqual(changed.members);
    expect((await scanAll(target.client, target.tables)).distributions).toEqual(changed.distributions);
    expect(await target.services.lists.get('list-silver')).toMatchObject({ list_name: 'Old silver' });

    const replaced = await restoreInto(target, backup, { overwrite: true, onConflict: (c) => conflicts.push(c) });
    expect(replaced.counts).toEqual({ read: TOTAL, written: 2, unchanged: TOTAL - 2, conflicting: 2 });
    expect(conflicts).toHaveLength(4);
    expect(await scanAll(target.client, target.tables)).toEqual(expected);
  });

  it('a dry run reads the target and writes nothing', async () => {
    const target = await freshStorage();
    const backup = await verifyBackup(file);
    await target.client.send(new PutItemCommand({ TableName: target.tables.members, Item: { ...guild().members[0] } }));
    const result = await restoreInto(target, backup, { dryRun: true });
    expect(result.counts).toEqual({ read: TOTAL, written: TOTAL - 1, unchanged: 1, conflicting: 0 });
    const after = await scanAll(target.client, target.tables);
    expect(Object.values(after).map((items) => items.length)).toEqual([1, 0, 0, 0]);
  });

  it('retries the items DynamoDB leaves unprocessed, and gives up after a bounded number of attempts', async () => {
    const target = await freshStorage();
    const backup = await verifyBackup(file);
    // DynamoDB Local never throttles: this client writes only the first item of each of the first
    // 30 BatchWriteItem requests and hands the rest back, as a throttled table does.
    const { client: throttled } = createDynamoClients({ endpoint: target.endpoint, region: 'us-east-1' });
    let writeRequests = 0;
    throttled.middlewareStack.add(
      (next, context) => async (args: any) => {
        if (context.commandName !== 'BatchWriteItemCommand' || ++writeRequests > 30) return next(args);
        const [table, requests] = Object.entries(args.input.RequestItems as Record<string, unknown[]>)[0];
        const rest = { ...args.input.RequestItems, [table]: requests.slice(1) };
        if (!rest[table].length) delete rest[table];
        const output: any = await next({ ...args, input: { RequestItems: { [table]: requests.slice(0, 1) } } });
        output.output.UnprocessedItems = rest;
        return output;
      },
      { step: 'initialize', name: 'throttleForTest' },
    );
    try {
      const result = await restoreBackup({ client: throttled, backup, targets: targetsOf(target.tables), retry: { maxAttempts: 200, baseDelayMs: 0, maxDelayMs: 0 } });
      expect(result.counts).toEqual({ read: TOTAL, written: TOTAL, unchanged: 0, conflicting: 0 });
      expect(writeRequests).toBeGreaterThan(30);
      expect(await scanAll(target.client, target.tables)).toEqual(expected);
    } finally {
      throttled.destroy();
    }

    const { client: refusing } = createDynamoClients({ endpoint: target.endpoint, region: 'us-east-1' });
    let attempts = 0;
    refusing.middlewareStack.add(
      (next, context) => async (args: any) => {
        if (context.commandName !== 'BatchWriteItemCommand') return next(args);
        attempts++;
        return { output: { UnprocessedItems: args.input.RequestItems, $metadata: {} }, response: {} };
      },
      { step: 'initialize', name: 'refuseForTest' },
    );
    try {
      const empty = await freshStorage();
      const run = restoreBackup({ client: refusing, backup, targets: targetsOf(empty.tables), concurrency: 1, retry: noWait });
      await expect(run).rejects.toThrow(BatchRetriesExhaustedError);
      expect(attempts).toBe(noWait.maxAttempts);
    } finally {
      refusing.destroy();
    }
  });

  it('sends a legacy table only to a configured legacy table, each kind to its own table', () => {
    const legacyConfig = loadConfig({ DYNAMODB_TABLE: 'flavaflav-users-old', FLAVAFLAV_ENV: 'old' });
    const sources = backupSources(legacyConfig);
    expect(sources).toEqual([
      { kind: 'legacy', name: 'flavaflav-users-old' },
      { kind: 'inventory', name: 'flavaflav-inventory-old' },
      { kind: 'distributions', name: 'flavaflav-distributions-old' },
      { kind: 'lists', name: 'flavaflav-lists-old' },
    ]);
    const header = {
      type: 'header' as const,
      format: 'flavaflav-backup' as const,
      version: 1,
      createdAt: '2025-11-01T00:00:00.000Z',
      source: { mode: 'embedded' as const, region: 'us-east-1', env: 'old' },
      tables: sources.map((t) => ({ ...t, hashKey: 'x', items: 0 })),
    };
    expect(() => restoreTargets(header, loadConfig({ AWS_REGION: 'eu-west-1', FLAVAFLAV_ENV: 'prod' }))).toThrow(
      'the backup holds the legacy single table flavaflav-users-old: set DYNAMODB_TABLE to the legacy table to restore it into (and leave DYNAMODB_MEMBERS_TABLE unset)',
    );
    expect(restoreTargets(header, loadConfig({ AWS_REGION: 'eu-west-1', FLAVAFLAV_ENV: 'prod', DYNAMODB_TABLE: 'flavaflav-users-prod' }))).toEqual({
      legacy: 'flavaflav-users-prod',
      inventory: 'flavaflav-inventory-prod',
      distributions: 'flavaflav-distributions-prod',
      lists: 'flavaflav-lists-prod',
    });
  });

  it('npm run backup and npm run restore: refuse, dry-run, stop, resume, and a second run writes nothing', async () => {
    for (const script of ['backup.js', 'restore.js']) {
      if (!existsSync(path.join(DIST, script))) throw new Error(`dist/scripts/${script} is missing: run \`npm run build\` (npm test does it first)`);
    }
    const dataDir = path.join(dir, 'cli-data');
    // The target's tables do not exist yet: the restore creates them, as the bot would.
    const targetEnv = `c${randomUUID().slice(0, 8)}`;
    const targetTables = tableNamesFor(targetEnv);
    const run = (script: string, env: string, ...args: string[]) =>
      runCommand(process.execPath, [path.join(DIST, script), ...args], {
        cwd: dir,
        env: { DYNAMODB_ENDPOINT: source.endpoint, FLAVAFLAV_ENV: env, DATA_DIR: dataDir },
        timeoutMs: 60_000,
      });
    const finalLine = (out: string) => out.split('\n').find((l) => /^(Finished|Stopped early)/.test(l));
    const tableNames = async () => (await source.client.send(new ListTablesCommand({}))).TableNames ?? [];
    const out = path.join(dir, 'cli.jsonl.gz');

    const backup = await run('backup.js', source.env, '--out', out);
    expect(backup.code).toBe(0);
    expect(finalLine(backup.stdout)).toMatch(new RegExp(`^Finished: ${TOTAL} items \\(3 members, 5 inventory, ${DISTRIBUTIONS} distributions, 3 lists\\) in ${out}, \\d+ bytes`));
    expect(backup.stderr).toContain(`${source.tables.distributions}: page 1, ${DISTRIBUTIONS} items`);
    expect((await run('backup.js', source.env, '--out', out)).stderr.split('\n')[0]).toBe(`backup: ${out} exists: choose another name, or pass --force to replace it`);

    const damaged = path.join(dir, 'cli-damaged.jsonl.gz');
    writeFileSync(damaged, readFileSync(out).subarray(0, 200));
    const refused = await run('restore.js', targetEnv, '--in', damaged);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^restore: refused .*cli-damaged\.jsonl\.gz: the file is truncated: .*\. Nothing was written\.$/m);

    const dryRun = await run('restore.js', targetEnv, '--in', out, '--dry-run');
    expect(dryRun.code).toBe(0);
    expect(finalLine(dryRun.stdout)).toBe(`Finished: ${TOTAL} read, ${TOTAL} would be written, 0 unchanged, 0 conflicting`);
    // Neither the refused file nor the dry run wrote anything: no table, no checkpoint.
    expect((await tableNames()).filter((name) => name.endsWith(targetEnv))).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);

    const stopped = await run('restore.js', targetEnv, '--in', out, '--max-batches', '2');
    expect(stopped.code).toBe(3);
    expect(finalLine(stopped.stdout)).toBe('Stopped early: 50 read, 50 written, 0 unchanged, 0 conflicting');
    expect(stopped.stdout).toContain('Run the same command again to continue');
    expect(readdirSync(dataDir)).toEqual([expect.stringMatching(/^restore-[0-9a-f]{16}\.checkpoint\.json$/)]);

    const resumed = await run('restore.js', targetEnv, '--in', out);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resuming after 50 items');
    expect(finalLine(resumed.stdout)).toBe(`Finished: ${TOTAL} read, ${TOTAL} written, 0 unchanged, 0 conflicting`);
    expect(readdirSync(dataDir)).toEqual([]);

    const again = await run('restore.js', targetEnv, '--in', out);
    expect(again.code).toBe(0);
    expect(finalLine(again.stdout)).toBe(`Finished: ${TOTAL} read, 0 written, ${TOTAL} unchanged, 0 conflicting`);
    expect(await scanAll(source.client, targetTables)).toEqual(expected);
  });
});
