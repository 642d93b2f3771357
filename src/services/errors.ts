/** Mapping of DynamoDB failures to values the rest of the bot can act on. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

export function isTransactionCanceled(error: unknown): error is { name: string; CancellationReasons?: CancellationReason[] } {
  return (error as { name?: string } | null)?.name === 'TransactionCanceledException';
}

export interface CancellationReason {
  Code?: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

/** Reasons of a canceled transaction, one per item in order ('None' where that item was fine). */
export function cancellationCodes(error: unknown): string[] {
  if (!isTransactionCanceled(error)) return [];
  return (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/**
 * Errors that mean "DynamoDB could not be reached or is overloaded right now": the user is told
 * to try again. Anything else is a bug and is logged as one.
 */
export function isDynamoUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(e.code ?? '')) return true;
  if (
    [
      'TimeoutError',
      'RequestTimeout',
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'InternalServerError',
      'ServiceUnavailable',
      'TransactionInProgressException',
    ].includes(e.name ?? '')
  )
    return true;
  return (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** The item a failed condition returned (ReturnValuesOnConditionCheckFailure), as plain values. */
export function failedConditionItem(source: { Item?: Record<string, unknown> } | undefined): Record<string, unknown> | undefined {
  const item = source?.Item;
  if (!item) return undefined;
  // The document client does not unmarshall items attached to errors.
  const looksMarshalled = Object.values(item).every((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1);
  return looksMarshalled ? unmarshall(item as Record<string, AttributeValue>) : item;
}
