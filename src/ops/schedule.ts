/**
 * Work the bot does on its own, on a timer: the draw expiry sweep (every minute) and later the
 * daily delivery reminder. A run never overlaps the previous one, a failure is logged and the next
 * run tries again, and the timers never keep the process alive.
 */
import type { Logger } from '../logger';

export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
  /** Run once at start-up too. */
  atStart?: boolean;
}

export interface Schedule {
  /** Runs one job now (tests drive the clock, then call this instead of waiting). */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

export function startSchedule(jobs: Job[], logger: Logger): Schedule {
  const running = new Map<string, Promise<void>>();
  const runJob = (job: Job): Promise<void> => {
    const current = running.get(job.name);
    if (current) return current;
    const done = job
      .run()
      .then(() => undefined)
      .catch((error) => logger.warn({ err: error, job: job.name }, 'scheduled job failed; it runs again later'))
      .finally(() => running.delete(job.name));
    running.set(job.name, done);
    return done;
  };
  const timers = jobs.map((job) => {
    if (job.atStart) void runJob(job);
    const timer = setInterval(() => void runJob(job), job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no scheduled job ${name}`);
      return runJob(job);
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}
