/** Stops the DynamoDB Locals that global-setup started (only those processes, by their handles). */
export default async function globalTeardown(): Promise<void> {
  await Promise.all([globalThis.__FLAVAFLAV_DYNAMO__?.stop(), globalThis.__FLAVAFLAV_DYNAMO_REPLICA__?.stop()]);
}
