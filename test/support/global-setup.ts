import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/db/embedded';

declare global {
  // eslint-disable-next-line no-var
  var __FLAVAFLAV_DYNAMO__: EmbeddedDynamo | undefined;
  // eslint-disable-next-line no-var
  var __FLAVAFLAV_DYNAMO_REPLICA__: EmbeddedDynamo | undefined;
}

/**
 * Starts two in-memory DynamoDB Locals on free loopback ports for the whole test run: the one
 * every test uses, and the lagging replica that AWS-rules mode (dynamo-proxy.ts) serves
 * eventually consistent reads from.
 */
export default async function globalSetup(): Promise<void> {
  const [dynamo, replica] = await Promise.allSettled([startEmbeddedDynamo({ startTimeoutMs: 180_000 }), startEmbeddedDynamo({ startTimeoutMs: 180_000 })]);
  if (dynamo.status === 'fulfilled') globalThis.__FLAVAFLAV_DYNAMO__ = dynamo.value;
  if (replica.status === 'fulfilled') globalThis.__FLAVAFLAV_DYNAMO_REPLICA__ = replica.value;
  if (dynamo.status === 'rejected' || replica.status === 'rejected') {
    await Promise.all([globalThis.__FLAVAFLAV_DYNAMO__?.stop(), globalThis.__FLAVAFLAV_DYNAMO_REPLICA__?.stop()]);
    throw dynamo.status === 'rejected' ? dynamo.reason : (replica as PromiseRejectedResult).reason;
  }
  // Test files (and the bot processes they start) find them here.
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.value.endpoint;
  process.env.TEST_DYNAMODB_REPLICA_ENDPOINT = replica.value.endpoint;
}
