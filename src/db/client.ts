import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoTarget {
  endpoint: string | undefined;
  region: string;
  /** Told of every failed request (after retries), e.g. to count it. */
  onFailure?: (operation: string, errorName: string) => void;
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
  const onFailure = target.onFailure;
  if (onFailure) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          onFailure(String(context.commandName ?? 'unknown').replace(/Command$/, ''), (error as { name?: string }).name ?? 'Error');
          throw error;
        }
      },
      { step: 'initialize', name: 'flavaflavFailureCounter' },
    );
  }
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, db };
}
