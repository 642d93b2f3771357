import { DEFER_AT_ONCE_MS, WORK_MS, Workload } from '../../src/bot/workload';

describe('the work in flight decides a defer at once', () => {
  it('lets one roster-sized interaction, or a burst of single-item ones, answer in its callback', () => {
    const load = new Workload();
    expect(load.admit('roster').deferNow).toBe(false);
    const items = Array.from({ length: Math.floor((DEFER_AT_ONCE_MS - WORK_MS.roster) / WORK_MS.item) }, () => load.admit('item'));
    expect(items.some((a) => a.deferNow)).toBe(false);
  });

  it('defers the roster reads that arrive while others are in flight, and stops once they finish', () => {
    const load = new Workload();
    const burst = Array.from({ length: 10 }, () => load.admit('roster'));
    const first = Math.floor(DEFER_AT_ONCE_MS / WORK_MS.roster);
    expect(burst.map((a) => a.deferNow)).toEqual(burst.map((_, i) => i >= first));
    for (const a of burst) a.done();
    // done() twice counts once.
    burst[0].done();
    expect(load.heldMs).toBe(0);
    expect(load.inFlight).toBe(0);
    expect(load.admit('roster').deferNow).toBe(false);
  });

  it('weighs what each will do: transactions defer sooner than single reads', () => {
    const load = new Workload();
    const tx = Array.from({ length: 100 }, () => load.admit('transaction'));
    const deferredTx = tx.filter((a) => a.deferNow).length;
    for (const a of tx) a.done();
    const items = Array.from({ length: 100 }, () => load.admit('item'));
    const deferredItems = items.filter((a) => a.deferNow).length;
    expect(deferredTx).toBeGreaterThan(deferredItems);
    expect(deferredTx).toBe(100 - Math.floor(DEFER_AT_ONCE_MS / WORK_MS.transaction));
  });
});
