import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isTransactionCanceled } from './errors';

export type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type TransactionOutcome = { ok: true } | { ok: false; codes: string[]; items: (Record<string, unknown> | undefined)[] } | { ok: false; busy: true };

/**
 * Runs one TransactWriteItems. Conflicts with another transaction in flight on the same items are
 * retried (bounded, with jitter); a failed condition comes back as the per-item cancellation codes
 * for the caller to turn into a domain reason. Anything else is thrown.
 */
export async function runTransaction(
  db: DynamoDBDocumentClient,
  items: TransactWriteItem[],
  clientRequestToken?: string,
  attempts = 8,
): Promise<TransactionOutcome> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: clientRequestToken }));
      return { ok: true };
    } catch (error) {
      const name = (error as { name?: string }).name;
      const codes = cancellationCodes(error);
      const conflictOnly = isTransactionCanceled(error) && !codes.includes('ConditionalCheckFailed') && codes.includes('TransactionConflict');
      if (conflictOnly || name === 'TransactionInProgressException' || name === 'TransactionConflictException') {
        if (attempt === attempts) return { ok: false, busy: true };
        await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
        continue;
      }
      if (isTransactionCanceled(error)) {
        return { ok: false, codes, items: (error.CancellationReasons ?? []).map((r) => r.Item) };
      }
      throw error;
    }
  }
  return { ok: false, busy: true };
}
