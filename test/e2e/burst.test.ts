import { testEndpoint } from '../support/dynamo';
import { DynamoMeter } from '../support/dynamo-meter';
import { opt, startHarness, type Harness } from '../support/harness';

// A hundred members press the same command within a second after an event: every one is
// answered, the ones that arrive while the bot is busy are deferred at once (not by a timer on a
// busy event loop), and a deferred answer edits in the same content a prompt one shows.
let h: Harness;
let meter: DynamoMeter;
beforeEach(async () => {
  meter = await DynamoMeter.start(testEndpoint());
  h = await startHarness({ dynamoEndpoint: meter.endpoint });
});
afterEach(async () => {
  await h?.stop();
  await meter?.stop();
});

describe('a burst of roster-sized commands', () => {
  it('answers all 12 /member list at once, defers those beyond what fits, shows the same roster in each, and scans the roster at most twice', async () => {
    for (let i = 0; i < 30; i++) await h.seedMember(h.newUser(`member${i}`), { days: 100 + i });
    const users = Array.from({ length: 12 }, (_, i) => h.newUser(`asker${i}`));
    const mark = meter.mark;
    const sent = users.map((u) => h.emulator.sendSubcommand(u, 'member', 'list'));
    const answers = await Promise.all(sent.map((s) => h.answered(s)));

    const deferred = answers.filter((a) => a.type === 5);
    const prompt = answers.filter((a) => a.type === 4);
    expect(deferred.length + prompt.length).toBe(12);
    // The first few fit the budget and answer in their callback; the rest were deferred at once.
    expect(prompt.length).toBeGreaterThanOrEqual(1);
    expect(deferred.length).toBeGreaterThanOrEqual(6);
    // Same shape: an ephemeral roster, the same text, whichever way it went.
    for (const a of answers) {
      expect(a.ephemeral).toBe(true);
      expect(a.text).toBe(prompt[0].text);
    }
    expect(prompt[0].text).toContain('30 members');
    // Identical roster reads at the same moment share one Scan (and one after it, for late arrivals).
    const scans = meter.since(mark).filter((r) => r.operation === 'Scan');
    expect(scans.length).toBeGreaterThanOrEqual(1);
    expect(scans.length).toBeLessThanOrEqual(2);
  });

  it('counts /history export as roster-sized work: of 12 exports at once, those beyond what fits are deferred at once, and each gets its file', async () => {
    const users = Array.from({ length: 12 }, (_, i) => h.newUser(`exporter${i}`));
    for (const u of users) await h.seedMember(u, { days: 100 });
    const answers = await Promise.all(users.map((u) => h.answered(h.emulator.sendCommand(u, 'history', [opt.bool('export', true)]))));
    // As page-sized work (15 ms each) all 12 would have fitted and none been deferred at once.
    expect(answers.filter((a) => a.type === 5).length).toBeGreaterThanOrEqual(6);
    for (const a of answers) {
      expect(a.ephemeral).toBe(true);
      expect(a.files).toHaveLength(1);
    }
  });

  it('answers one /member list alone in its callback, as before', async () => {
    await h.seedMember(h.alice);
    const answer = await h.run(h.alice, 'member', 'list', []);
    expect(answer.type).toBe(4);
    expect(answer.text).toContain('1 member');
  });
});
