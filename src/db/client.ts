import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

export interface DynamoTarget {
  endpoint: string | undefined;
  region: string;
  /** How long one request may take before it is abandoned (and retried); tests shorten it. */
  requestTimeoutMs?: number;
  /** Told of every failed request (after retries), e.g. to count it. */
  onFailure?: (operation: string, errorName: string) => void;
}

/**
 * A document client with bounded timeouts: a frozen DynamoDB must fail the request (and so the
 * interaction gets an answer) instead of hanging it. `throwOnRequestTimeout` is what makes
 * `requestTimeout` more than a logged warning.
 */
export function createDynamoClients(target: DynamoTarget): { client: DynamoDBClient; db: DynamoDBDocumentClient } {
  const client = new DynamoDBClient({
    region: target.region,
    endpoint: target.endpoint,
    // Real AWS: the default provider chain. An endpoint: the same chain, so the bot signs as the
    // operator's tools do (DynamoDB Local keeps one database per access key without -sharedDb),
    // with placeholder keys only when nothing is configured.
    credentials: target.endpoint ? chainOrPlaceholder() : undefined,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: target.requestTimeoutMs ?? 5_000, throwOnRequestTimeout: true },
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

const PLACEHOLDER: AwsCredentialIdentity = { accessKeyId: 'local', secretAccessKey: 'local' };

function chainOrPlaceholder(): AwsCredentialIdentityProvider {
  const chain = defaultProvider();
  // The chain keeps and refreshes what it finds; when it finds nothing it is not asked again
  // (its last step probes the EC2 metadata service, which costs a timeout each time).
  let found = true;
  return async () => {
    if (!found) return PLACEHOLDER;
    try {
      return await chain();
    } catch {
      found = false;
      return PLACEHOLDER;
    }
  };
}
