/**
 * For a test that reads, through an index or without ConsistentRead, what it has just written:
 * on AWS (and in the AWS-rules mode of the test bed) such a read may not see the write yet, so the
 * test waits for the effect instead of assuming it. Bounded: at most `ms` (default 5 s, or 8 times
 * FLAVAFLAV_TEST_LAG_MS if larger), polling every 50 ms; returns the last value read, which the
 * test then asserts on.
 */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = defaultWait()): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  for (let i = 0; i < 1_000 && !ok(value) && Date.now() < deadline; i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

function defaultWait(): number {
  const lag = Number(process.env.FLAVAFLAV_TEST_LAG_MS ?? 0);
  return Math.max(5_000, Number.isFinite(lag) ? lag * 8 : 0);
}
