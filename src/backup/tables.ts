/**
 * Which tables a backup reads and which a restore writes, from the same Config the bot runs
 * with: a backup made on one deployment goes, kind by kind, to the tables of another.
 */
import { DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config';
import { TABLE_KINDS } from '../db/schema';
import { tableExists } from '../db/tables';
import { hashKeyOf, type BackupHeader, type BackupKind, type BackupSource } from './format';

/** A table set up so that the restore cannot go on; one line saying what to do. */
export class TargetTableError extends Error {
  override name = 'TargetTableError';
}

/**
 * The four tables; when members live in the legacy single table (DYNAMODB_TABLE), that table in
 * place of the members table, whole: it may hold links, distributions and lists too.
 */
export function backupSources(config: Config): { kind: BackupKind; name: string }[] {
  return TABLE_KINDS.map((kind) => ({
    kind: kind === 'members' && config.membersInLegacyTable ? 'legacy' : kind,
    name: config.tables[kind],
  }));
}

export function describeSource(config: Config): BackupSource {
  const { mode, endpoint, region, dataDir } = config.dynamo;
  return {
    mode,
    ...(mode === 'endpoint' ? { endpoint } : {}),
    region,
    env: config.env,
    ...(mode === 'embedded' ? { dataDir } : {}),
  };
}

/**
 * Each backed-up table's target: the configured table of the same kind. A legacy table goes to
 * the target's legacy table, so DYNAMODB_TABLE must name one there too.
 */
export function restoreTargets(header: BackupHeader, config: Config): Partial<Record<BackupKind, string>> {
  const targets: Partial<Record<BackupKind, string>> = {};
  for (const { kind, name } of header.tables) {
    if (kind === 'legacy' && !config.membersInLegacyTable) {
      throw new TargetTableError(
        `the backup holds the legacy single table ${name}: set DYNAMODB_TABLE to the legacy table to restore it into (and leave DYNAMODB_MEMBERS_TABLE unset)`,
      );
    }
    targets[kind] = config.tables[kind === 'legacy' ? 'members' : kind];
  }
  const names = Object.values(targets);
  const shared = names.find((name, i) => names.indexOf(name) !== i);
  if (shared) throw new TargetTableError(`two of the backup's tables would go to ${shared}`);
  return targets;
}

/**
 * Checks that every target table exists with the key the backup's items carry. Returns the
 * missing ones, which only a dry run may accept (it reads them as empty).
 */
export async function checkTargetTables(
  client: DynamoDBClient,
  targets: Partial<Record<BackupKind, string>>,
  options: { dryRun: boolean },
): Promise<Set<string>> {
  const missing = new Set<string>();
  for (const [kind, name] of Object.entries(targets) as [BackupKind, string][]) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      const key = (Table?.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
      if (key !== `${hashKeyOf(kind)}:HASH`) {
        throw new TargetTableError(`${name} has the key ${key}, not ${hashKeyOf(kind)}: it is not a FlavaFlav ${kind} table`);
      }
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      missing.add(name);
    }
  }
  if (missing.size && !options.dryRun) {
    throw new TargetTableError(`missing tables ${[...missing].join(', ')}: run npm run tables:create first, or set DYNAMODB_CREATE_TABLES=true`);
  }
  return missing;
}

/** The tables a backup can read; none at all means the configuration points elsewhere. */
export async function existingSources(
  client: DynamoDBClient,
  sources: { kind: BackupKind; name: string }[],
): Promise<{ present: { kind: BackupKind; name: string }[]; missing: string[] }> {
  const present = [];
  const missing = [];
  for (const source of sources) {
    if (await tableExists(client, source.name)) present.push(source);
    else missing.push(source.name);
  }
  return { present, missing };
}
