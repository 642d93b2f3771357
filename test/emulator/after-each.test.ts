/**
 * The after-each check (test/support/after-each.ts) through its registry: these tests settle
 * the registry themselves and assert on the report, so the global check then finds nothing.
 */
import { settleEmulators } from '../support/discord/registry';
import { nextSnowflake } from '../support/discord-emulator';
import { callbackPath, startRig, type Rig } from './client';

let rig: Rig;
beforeEach(async () => (rig = await startRig()));
afterEach(() => rig.stop());

async function lateReply(content: string) {
  const alice = rig.emulator.addUser({ id: nextSnowflake(), username: 'alice' });
  const i = rig.emulator.sendCommand(alice, 'ping');
  rig.clock.advance(5_000);
  await rig.api('POST', callbackPath(i), { type: 4, data: { content } }, { auth: false });
}

describe('the after-each check', () => {
  it('reports an unexpected refusal: route, code, message, interaction and the payload cut to 200 characters', async () => {
    await lateReply('x'.repeat(500));
    const report = settleEmulators()!;
    expect(report).toContain('POST /interactions/:id/:token/callback → 404 10062 Unknown interaction');
    expect(report).toContain('[command ping by');
    expect(report).toContain('5000 ms after dispatch');
    expect(report).toMatch(/payload: \{"type":4,"data":\{"content":"x+…/);
    expect(report.match(/payload: (.*)/)![1].length).toBeLessThanOrEqual(201);
    expect(settleEmulators()).toBeUndefined();
  });

  it('passes an expected refusal, and reports an expectation that did not happen', async () => {
    rig.emulator.expectRefusal({ code: 10062, route: '/callback' });
    await lateReply('late');
    expect(settleEmulators()).toBeUndefined();
    rig.emulator.expectRefusal({ code: 50001 });
    expect(settleEmulators()).toContain('expected refusal 50001 did not happen');
  });

  it('still reports refusals of an emulator stopped during the test, once', async () => {
    await lateReply('late');
    await rig.emulator.stop();
    expect(settleEmulators()).toContain('10062');
    expect(settleEmulators()).toBeUndefined();
    rig = await startRig();
  });
});
