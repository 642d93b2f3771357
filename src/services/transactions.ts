import { createHash } from 'node:crypto';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, failedConditionItem, isTransactionCanceled } from './errors';

export type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One item of a transaction and what it means when its condition fails. */
export interface TransactionPart<R extends string> {
  item: TransactWriteItem;
  /** The reason this part's failed condition stands for; parts without one never fail. */
  reason?: R;
}

export type TransactionOutcome<R extends string> =
  | { ok: true }
  /** Conditions failed: which parts, with the item each one found (when it asked for it). */
  | { ok: false; failed: { reason: R; item: Record<string, unknown> | undefined }[] }
  /** Kept conflicting with other writes in flight: nothing was written. */
  | { ok: false; busy: true }
  /** The same transaction (same token) is still being applied: its outcome is not known yet. */
  | { ok: false; inProgress: true };

/**
 * A ClientRequestToken derived from every parameter of the transaction, so that a retry of the
 * same transaction is recognised as such, and a different one never collides with it (DynamoDB
 * refuses a reused token with other parameters for ten minutes).
 */
export function transactionToken(parts: TransactionPart<string>[]): string {
  const canonical = JSON.stringify(
    parts.map((p) => p.item),
    (_key, value) => (value instanceof Set ? { $set: [...value].map(String).sort() } : value),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 36);
}

/** Cancellation reasons a transaction outcome accounts for: a failed condition, or a race to retry. */
const RETRIED_CODES = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const SETTLED_CODES = new Set(['None', 'ConditionalCheckFailed', ...RETRIED_CODES]);

/**
 * Runs one TransactWriteItems. Conflicts with another transaction in flight on the same items are
 * retried (bounded, with jitter); failed conditions come back as the reasons their parts carry,
 * never decoded by position by the caller. Anything else (a timeout, DynamoDB down) is thrown: its
 * outcome is unknown and the caller must find out before it says anything.
 */
export async function runTransaction<R extends string>(
  db: DynamoDBDocumentClient,
  parts: TransactionPart<R>[],
  options: { token?: string; attempts?: number } = {},
): Promise<TransactionOutcome<R>> {
  const attempts = options.attempts ?? 8;
  const input = { TransactItems: parts.map((p) => p.item), ClientRequestToken: options.token };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await db.send(new TransactWriteCommand(input));
      return { ok: true };
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TransactionInProgressException') return { ok: false, inProgress: true };
      const codes = cancellationCodes(error);
      // A part DynamoDB refused for another reason (an invalid path, a size limit) is a bug, to be
      // logged as one rather than reported as a race that trying again would get past.
      if (codes.some((c) => !SETTLED_CODES.has(c))) throw error;
      const conflictOnly = isTransactionCanceled(error) && !codes.includes('ConditionalCheckFailed') && codes.some((c) => RETRIED_CODES.has(c));
      if (conflictOnly || name === 'TransactionConflictException') {
        if (attempt === attempts) return { ok: false, busy: true };
        await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
        continue;
      }
      if (isTransactionCanceled(error)) {
        const reasons = error.CancellationReasons ?? [];
        const failed = parts
          .map((part, i) => ({ part, code: codes[i], item: failedConditionItem({ Item: reasons[i]?.Item }) }))
          .filter(({ code }) => code === 'ConditionalCheckFailed')
          .map(({ part, item }) => {
            if (!part.reason) throw new Error('a transaction part without a condition failed its condition');
            return { reason: part.reason, item };
          });
        return { ok: false, failed };
      }
      throw error;
    }
  }
  return { ok: false, busy: true };
}
