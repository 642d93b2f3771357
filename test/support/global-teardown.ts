/** Stops the DynamoDB Local that global-setup started (only that process, by its handle). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__FLAVAFLAV_DYNAMO__?.stop();
}
