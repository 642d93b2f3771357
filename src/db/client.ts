import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoTarget {
  endpoint: string | undefined;
  region: string;
}

/**
 * A document client with bounded timeouts: a frozen DynamoDB must fail the request (and so the
 * interaction gets an answer) instead of hanging it. `throwOnRequestTimeout` is what makes
 * `requestTimeout` more than a logged warning.
 */
export function createDynamoClients(target: DynamoTarget): { client: DynamoDBClient; db: DynamoDBDocumentClient } {
  const local = Boolean(target.endpoint);
  const client = new DynamoDBClient({
    region: target.region,
    endpoint: target.endpoint,
    // DynamoDB Local accepts any credentials; real AWS uses the default provider chain.
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, db };
}
