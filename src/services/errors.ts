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
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } } | null;
  if (!e || typeof e !== 'object') return false;
  const code = e.code ?? e.cause?.code ?? '';
  if (NETWORK_CODES.includes(code) || NETWORK_MESSAGE.test(e.message ?? '')) return true;
  if (UNAVAILABLE_NAMES.includes(e.name ?? '')) return true;
  // The SDK attaches $metadata to every failure; without a status no response ever came back.
  if (e.$metadata && e.$metadata.httpStatusCode === undefined) return true;
  return (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Of those, the failures that prove DynamoDB applied nothing: the request never reached it, or it
 * refused the request before applying it (throttling). A timeout, a reset connection or a 5xx
 * may come after the write was applied: its outcome is unknown.
 */
export function isDynamoRefusal(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } } | null;
  if (!e || typeof e !== 'object') return false;
  const code = e.code ?? e.cause?.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code) || /\b(ECONNREFUSED|EHOSTUNREACH)\b/.test(e.message ?? '')) return true;
  return ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TransactionConflictException'].includes(e.name ?? '');
}

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'];
// The SDK may wrap a socket error in a plain Error whose message is all that is left of it.
const NETWORK_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|socket hang up)\b/;
const UNAVAILABLE_NAMES = [
  'TimeoutError',
  'RequestTimeout',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
  // A write refused because a transaction was touching the item: nothing was written.
  'TransactionConflictException',
];

/** The item a failed condition returned (ReturnValuesOnConditionCheckFailure), as plain values. */
export function failedConditionItem(source: { Item?: Record<string, unknown> } | undefined): Record<string, unknown> | undefined {
  const item = source?.Item;
  if (!item) return undefined;
  // The document client does not unmarshall items attached to errors.
  const looksMarshalled = Object.values(item).every((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1);
  return looksMarshalled ? unmarshall(item as Record<string, AttributeValue>) : item;
}
