/**
 * The emulators started in this test file, for the after-each check. A started emulator
 * registers itself; a stopped one stays until the next check, so refusals made just before a
 * stop inside a test are still reported. Kept free of imports with side effects: the check runs
 * in every test file, most of which start no emulator.
 */
import { describeRefusal, type ExpectedRefusal, type Refusal } from './refusals';

export interface RefusalSource {
  readonly label: string;
  settle(): { unexpected: Refusal[]; unmet: ExpectedRefusal[] };
}

const active = new Set<RefusalSource>();
const stopped = new Set<RefusalSource>();

export function registerEmulator(source: RefusalSource): void {
  active.add(source);
}

export function unregisterEmulator(source: RefusalSource): void {
  if (active.delete(source)) stopped.add(source);
}

/** A failure message for what the emulators refused since the last check, or undefined. */
export function settleEmulators(): string | undefined {
  const lines: string[] = [];
  for (const source of [...active, ...stopped]) {
    const { unexpected, unmet } = source.settle();
    for (const r of unexpected) lines.push(`  ${source.label}: ${describeRefusal(r)}`);
    for (const e of unmet) {
      const what = `expected refusal ${e.code}${e.route ? ` on ${e.route}` : ''}`;
      lines.push(`  ${source.label}: ${what} ${e.times === undefined ? 'did not happen' : `did not happen exactly ${e.times} times`}`);
    }
  }
  stopped.clear();
  if (!lines.length) return undefined;
  return [
    'The Discord emulator refused requests that Discord would refuse (or an expected refusal did not happen).',
    'Fix the sender, or declare it with emulator.expectRefusal({ code, route? }):',
    ...lines,
  ].join('\n');
}
