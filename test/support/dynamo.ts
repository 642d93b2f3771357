import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients } from '../../src/db/client';
import type { TableKind } from '../../src/db/schema';
import { createMissingTables } from '../../src/db/tables';
import type { Clock } from '../../src/domain/clock';
import { createServices, type Services } from '../../src/services';

export interface TestStorage {
  endpoint: string;
  env: string;
  tables: Record<TableKind, string>;
  client: DynamoDBClient;
  db: DynamoDBDocumentClient;
  services: Services;
  /** The clock the services read, when the test gave one (else the real one). */
  clock?: Clock;
  close(): void;
}

export function testEndpoint(): string {
  const endpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('TEST_DYNAMODB_ENDPOINT is unset: run the tests through jest (global setup starts DynamoDB Local)');
  return endpoint;
}

export function tableNamesFor(env: string): Record<TableKind, string> {
  return {
    members: `flavaflav-members-${env}`,
    inventory: `flavaflav-inventory-${env}`,
    distributions: `flavaflav-distributions-${env}`,
    lists: `flavaflav-lists-${env}`,
  };
}

/** Fresh tables with a unique env suffix, so test files never see each other's data. */
export async function createTestStorage(endpoint = testEndpoint(), clock?: Clock): Promise<TestStorage> {
  const env = `t${randomUUID().slice(0, 8)}`;
  const tables = tableNamesFor(env);
  const { client, db } = createDynamoClients({ endpoint, region: 'us-east-1' });
  await createMissingTables(client, tables);
  return { endpoint, env, tables, client, db, services: createServices(db, tables, clock), clock, close: () => client.destroy() };
}

/**
 * Clients that count the DynamoDB requests they send (each request once, retries included), for
 * tests that bound what an operation costs.
 */
export function countingClients(endpoint = testEndpoint()) {
  const { client, db } = createDynamoClients({ endpoint, region: 'us-east-1' });
  let count = 0;
  const operations: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      count++;
      operations.push(String(context.commandName));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'testRequestCounter' },
  );
  return {
    client,
    db,
    requests: () => count,
    operations: () => [...operations],
    reset() {
      count = 0;
      operations.length = 0;
    },
    close: () => client.destroy(),
  };
}
