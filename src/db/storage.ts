import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients } from './client';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded';
import type { TableKind } from './schema';
import { createMissingTables, type CreateTablesReport } from './tables';

export interface Storage {
  db: DynamoDBDocumentClient;
  client: DynamoDBClient;
  endpoint: string | undefined;
  /** Set when the tables were created or checked at start-up. */
  tables: CreateTablesReport | undefined;
  embedded: EmbeddedDynamo | undefined;
  close(): Promise<void>;
}

/** What opening storage needs of the configuration (the db layer does not read Config itself). */
export interface StorageSettings {
  dynamo: { mode: 'embedded' | 'endpoint' | 'aws'; endpoint: string | undefined; region: string; createTables: boolean; dataDir: string };
  tables: Record<TableKind, string>;
  membersInLegacyTable: boolean;
}

/**
 * Connects to the configured DynamoDB: an endpoint, real AWS, or (neither set) an embedded
 * DynamoDB Local persisted under DATA_DIR. Creates missing tables when configured to.
 */
export async function openStorage(config: StorageSettings, onFailure?: (operation: string, errorName: string) => void, options: { requestTimeoutMs?: number } = {}): Promise<Storage> {
  const embedded = config.dynamo.mode === 'embedded' ? await startEmbeddedDynamo({ dataDir: config.dynamo.dataDir }) : undefined;
  const endpoint = embedded?.endpoint ?? config.dynamo.endpoint;
  const { client, db } = createDynamoClients({ endpoint, region: config.dynamo.region, onFailure, requestTimeoutMs: options.requestTimeoutMs });
  const close = async () => {
    client.destroy();
    await embedded?.stop();
  };
  try {
    const tables = config.dynamo.createTables
      ? await createMissingTables(client, config.tables, {
          // The legacy single table belongs to the old deployment; it is used, never created.
          skip: config.membersInLegacyTable ? ['members'] : [],
        })
      : undefined;
    return { db, client, endpoint, tables, embedded, close };
  } catch (error) {
    await close();
    throw error;
  }
}
