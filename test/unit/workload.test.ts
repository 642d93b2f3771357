import { DEFER_AT_ONCE_MS, WORK_MS, Workload } from '../../src/bot/workload';

/** A clock the test moves. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

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

  it('learns how slow the machine runs now: interactions that took longer than expected make the next burst defer sooner', () => {
    const clock = manualClock();
    const load = new Workload(DEFER_AT_ONCE_MS, clock.now);
    const fits = (l: Workload) => {
      const admitted = Array.from({ length: 200 }, () => l.admit('item'));
      const n = admitted.findIndex((a) => a.deferNow);
      for (const a of admitted) a.done();
      return n;
    };
    const calm = fits(new Workload(DEFER_AT_ONCE_MS, clock.now));
    // Ten interactions alone, each taking 5× what WORK_MS expects (a machine shared with other jobs).
    for (let i = 0; i < 10; i++) {
      const one = load.admit('item');
      clock.advance(5 * WORK_MS.item);
      one.done();
    }
    expect(load.slowdown).toBeGreaterThan(3);
    const busy = fits(load);
    expect(busy).toBeLessThan(calm / 3);
    expect(busy).toBeGreaterThan(0);
  });
});
