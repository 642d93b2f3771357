/**
 * One DynamoDB request, sent again (bounded, with backoff and jitter) when DynamoDB refused it
 * without applying it because of a race or a rate: a transaction in flight on the same item
 * (`TransactionConflictException`, which a single-item write gets on AWS) or throttling beyond
 * what the SDK's own retries absorbed. Anything else, and the last refusal, is thrown to the caller.
 */
/** Refusals that prove nothing was written, and that a moment later may go through. */
const RACES = new Set(['TransactionConflictException', 'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);

export const isRaceRefusal = (error: unknown) => RACES.has((error as { name?: string } | null)?.name ?? '');

/** At most this many sends of one request (the SDK's own retries come on top of each). */
export const RACE_ATTEMPTS = 5;

/** Runs `send` (one request) until it is not refused for a race, at most RACE_ATTEMPTS times. */
export async function retrying<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isRaceRefusal(error) || attempt >= RACE_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    }
  }
}
