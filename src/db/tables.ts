import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLES, TABLE_KINDS, createTableInput, type TableKind } from './schema';

export interface CreateTablesReport {
  created: string[];
  existing: string[];
}

/**
 * Creates whichever of the four tables are missing and waits until each is ACTIVE.
 * Idempotent: a table that exists (or is created concurrently by another process) is left alone.
 * When members live in the legacy single table, that table is not ours to create.
 */
export async function createMissingTables(
  client: DynamoDBClient,
  names: Record<TableKind, string>,
  options: { skip?: TableKind[]; maxWaitSeconds?: number } = {},
): Promise<CreateTablesReport> {
  const report: CreateTablesReport = { created: [], existing: [] };
  for (const kind of TABLE_KINDS) {
    if (options.skip?.includes(kind)) continue;
    const name = names[kind];
    if (await tableExists(client, name)) {
      report.existing.push(name);
      continue;
    }
    try {
      await client.send(new CreateTableCommand(createTableInput(TABLES[kind], name)));
      report.created.push(name);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      report.existing.push(name);
    }
    await waitUntilTableExists(
      { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1, maxDelay: 5 },
      { TableName: name },
    );
  }
  return report;
}

export async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
