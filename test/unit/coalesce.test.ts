import { ReadCoalescer } from '../../src/services/coalesce';

/** A read the test ends by hand, recording when it began. */
function manualReads() {
  const started: { n: number; resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const run = () =>
    new Promise<number>((resolve, reject) => {
      started.push({ n: started.length + 1, resolve, reject });
    });
  return { started, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ReadCoalescer', () => {
  it('shares one read among callers that ask together', async () => {
    const reads = new ReadCoalescer<number>();
    const { started, run } = manualReads();
    const answers = Promise.all([reads.read('k', run), reads.read('k', run), reads.read('k', run)]);
    await tick();
    expect(started).toHaveLength(1);
    started[0].resolve(7);
    expect(await answers).toEqual([7, 7, 7]);
    expect(reads.size).toBe(0);
  });

  it('gives a caller arriving during a read the next read, begun after it asked, shared with the others arriving then', async () => {
    const reads = new ReadCoalescer<number>();
    const { started, run } = manualReads();
    const first = reads.read('k', run);
    await tick();
    const late = [reads.read('k', run), reads.read('k', run)];
    await tick();
    // The late callers do not join the read already under way.
    expect(started).toHaveLength(1);
    started[0].resolve(1);
    expect(await first).toBe(1);
    await tick();
    expect(started).toHaveLength(2);
    started[1].resolve(2);
    expect(await Promise.all(late)).toEqual([2, 2]);
    expect(reads.size).toBe(0);
  });

  it('keeps questions apart by key', async () => {
    const reads = new ReadCoalescer<number>();
    const { started, run } = manualReads();
    const a = reads.read('a', run);
    const b = reads.read('b', run);
    await tick();
    expect(started).toHaveLength(2);
    started[0].resolve(1);
    started[1].resolve(2);
    expect([await a, await b]).toEqual([1, 2]);
  });

  it('fails every caller of a failed read, and reads afresh afterwards', async () => {
    const reads = new ReadCoalescer<number>();
    const { started, run } = manualReads();
    const failing = [reads.read('k', run), reads.read('k', run)];
    await tick();
    const queued = reads.read('k', run);
    started[0].reject(new Error('throttled'));
    await expect(Promise.all(failing)).rejects.toThrow('throttled');
    await tick();
    // The read queued behind the failed one still runs, for the callers that waited for it.
    expect(started).toHaveLength(2);
    started[1].resolve(5);
    expect(await queued).toBe(5);
    expect(reads.size).toBe(0);
    const again = reads.read('k', run);
    await tick();
    started[2].resolve(6);
    expect(await again).toBe(6);
  });

  it('turns a read that throws at once into a rejected answer', async () => {
    const reads = new ReadCoalescer<number>();
    await expect(
      reads.read('k', () => {
        throw new Error('bad request');
      }),
    ).rejects.toThrow('bad request');
    expect(reads.size).toBe(0);
  });
});
