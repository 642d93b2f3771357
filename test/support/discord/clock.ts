/**
 * A clock tests move by hand, for Discord's deadlines (3 s to answer, 15 min per token) without
 * waiting: `const clock = manualClock(); new DiscordEmulator(guild, token, { now: clock.now })`.
 * The same clock can be handed to the bot, so both sides agree on the time.
 */
export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}
