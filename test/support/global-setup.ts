import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/db/embedded';

declare global {
  // eslint-disable-next-line no-var
  var __FLAVAFLAV_DYNAMO__: EmbeddedDynamo | undefined;
}

/** Starts one in-memory DynamoDB Local on a free loopback port for the whole test run. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startEmbeddedDynamo();
  globalThis.__FLAVAFLAV_DYNAMO__ = dynamo;
  // Test files (and the bot processes they start) find it here.
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
}
