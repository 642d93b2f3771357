/**
 * Shares one read among callers asking the same question at the same time: a burst of 100
 * `/inventory list` costs two queries, not 100. Every caller still gets a read that began after
 * it asked, so what it wrote just before is seen as a read of its own would see it: a caller
 * arriving while a read is under way waits for the next one, which begins when that one ends
 * and is shared by everyone who arrived meanwhile.
 */
interface ReadState<T> {
  /** The read under way, or about to begin. */
  running?: Promise<T>;
  /** Whether `running` has not yet sent its request: whoever asks now may still share it. */
  open?: boolean;
  /** The read that begins when `running` ends, shared by whoever asked meanwhile. */
  queued?: Promise<T>;
}

export class ReadCoalescer<T> {
  private readonly reads = new Map<string, ReadState<T>>();

  read(key: string, run: () => Promise<T>): Promise<T> {
    let state = this.reads.get(key);
    if (!state) this.reads.set(key, (state = {}));
    if (state.queued) return state.queued;
    if (!state.running) return this.launch(key, state, run);
    if (state.open) return state.running;
    // Begun before this caller asked: one more read after it, shared by whoever comes meanwhile.
    const after = () => this.launch(key, state, run);
    state.queued = state.running.then(after, after);
    return state.queued;
  }

  /** Questions being read or waiting to be (for tests: nothing is kept once its reads end). */
  get size(): number {
    return this.reads.size;
  }

  private launch(key: string, state: ReadState<T>, run: () => Promise<T>): Promise<T> {
    state.open = true;
    state.queued = undefined;
    const running = Promise.resolve().then(() => {
      state.open = false;
      return run();
    });
    state.running = running;
    const done = () => {
      if (state.running === running) state.running = undefined;
      if (!state.running && !state.queued && this.reads.get(key) === state) this.reads.delete(key);
    };
    running.then(done, done);
    return running;
  }
}
