import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients } from '../../src/db/client';
import type { TableKind } from '../../src/db/schema';
import { createMissingTables } from '../../src/db/tables';
import type { Clock } from '../../src/domain/clock';
import { createServices, type Services } from '../../src/services';
import { DynamoProxy, ORACLE_HEADER, type AwsRulesOptions } from './dynamo-proxy';

export interface TestStorage {
  endpoint: string;
  env: string;
  tables: Record<TableKind, string>;
  client: DynamoDBClient;
  db: DynamoDBDocumentClient;
  services: Services;
  /** The clock the services read, when the test gave one (else the real one). */
  clock?: Clock;
  /** AWS-rules mode: the proxy every request goes through (lag, conflicts, throttling, capacity). */
  aws?: DynamoProxy;
  /**
   * AWS-rules mode: lets the lagging replica catch up now with everything written so far, as if
   * it were written long ago (for what a test seeds before it acts). A no-op on plain Local.
   */
  catchUp(): Promise<void>;
  /**
   * Clients that write the past straight into every copy of the tables (the primary, and in
   * AWS-rules mode the replica too), for bulk seeds too large to go through the proxy.
   */
  seedClients: DynamoDBDocumentClient[];
  close(): Promise<void>;
}

/** How a test asks for AWS's rules: true (the defaults), or settings of its own. */
export type AwsRules = boolean | Partial<Omit<AwsRulesOptions, 'replica'>>;

/**
 * Whether to play by AWS's rules: FLAVAFLAV_TEST_AWS_RULES=1 turns the mode on for every test,
 * =0 off for every test (plain Local); unset, each suite says. FLAVAFLAV_TEST_LAG_MS sets the
 * replica's lag (default 250 ms).
 */
export function awsRulesFor(asked: AwsRules | undefined): Omit<AwsRulesOptions, 'replica'> | undefined {
  const forced = process.env.FLAVAFLAV_TEST_AWS_RULES?.trim();
  if (forced === '0') return undefined;
  if (!asked && forced !== '1') return undefined;
  const lag = process.env.FLAVAFLAV_TEST_LAG_MS?.trim();
  if (lag && !/^\d{1,6}$/.test(lag)) throw new Error(`FLAVAFLAV_TEST_LAG_MS must be a whole number of milliseconds (got "${lag}")`);
  return { ...(lag ? { lagMs: Number(lag) } : {}), ...(typeof asked === 'object' ? asked : {}) };
}

/** The lagging replica global-setup started (AWS-rules mode reads from it). */
export function replicaEndpoint(): string {
  const endpoint = process.env.TEST_DYNAMODB_REPLICA_ENDPOINT;
  if (!endpoint) throw new Error('TEST_DYNAMODB_REPLICA_ENDPOINT is unset: run the tests through jest (global setup starts the replica)');
  return endpoint;
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
/**
 * `oracle` (AWS-rules mode): this storage is the test's own view, beside the code under test
 * (the harness's app has a client of its own): its reads see the primary and its writes reach the
 * replica at once. Storage tests, whose code under test is these services, leave it off.
 */
export async function createTestStorage(upstream = testEndpoint(), clock?: Clock, options: { awsRules?: AwsRules; oracle?: boolean } = {}): Promise<TestStorage> {
  const env = `t${randomUUID().slice(0, 8)}`;
  const tables = tableNamesFor(env);
  const rules = awsRulesFor(options.awsRules);
  const aws = rules ? await DynamoProxy.start(upstream, { aws: { replica: replicaEndpoint(), ...rules } }) : undefined;
  const endpoint = aws?.endpoint ?? upstream;
  // The oracle is the test's own client, not the code under test: it may wait longer for the proxy
  // (which reads back and feeds the replica before it answers) on a loaded machine.
  const { client, db } = createDynamoClients({ endpoint, region: 'us-east-1', ...(aws && options.oracle ? { requestTimeoutMs: 30_000 } : {}) });
  if (aws && options.oracle) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers[ORACLE_HEADER] = '1';
        return next(args);
      },
      { step: 'build', name: 'flavaflavTestOracle' },
    );
  }
  await createMissingTables(client, tables);
  const direct = aws ? [createDynamoClients({ endpoint: upstream, region: 'us-east-1' }), createDynamoClients({ endpoint: replicaEndpoint(), region: 'us-east-1' })] : [];
  return {
    endpoint,
    env,
    tables,
    client,
    db,
    services: createServices(db, tables, clock),
    clock,
    aws,
    catchUp: async () => aws?.catchUp(),
    seedClients: aws ? direct.map((d) => d.db) : [db],
    close: async () => {
      client.destroy();
      for (const d of direct) d.client.destroy();
      await aws?.stop();
    },
  };
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
