import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/db/embedded';
import { DATABASE_DOWN_MESSAGE, DATABASE_UNSURE_MESSAGE } from '../../src/bot/errors';
import { testEndpoint } from '../support/dynamo';
import { DynamoProxy } from '../support/dynamo-proxy';
import { opt, startHarness, type Harness } from '../support/harness';

describe('a dropped gateway', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h?.stop());

  it('is resumed (not re-identified) and interactions are served again', async () => {
    expect(h.app.bot.isGatewayConnected()).toBe(true);
    const resumed = new Promise((resolve) => h.emulator.once('resumed', resolve));
    h.emulator.dropGateway();
    await resumed;
    expect(h.emulator.resumeCount).toBe(1);
    expect(h.emulator.identifyCount).toBe(1);
    const answer = await h.run(h.alice, 'inventory', 'list', []);
    expect(answer.text).toContain('Available links');
    expect(h.app.bot.isGatewayConnected()).toBe(true);
  });
});

describe('DynamoDB unavailable', () => {
  let dynamo: EmbeddedDynamo;
  let h: Harness;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-down-'));

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo({ dataDir });
    h = await startHarness({ dynamoEndpoint: dynamo.endpoint });
    await h.seedMember(h.alice);
  });
  afterAll(async () => {
    await h?.stop();
    await dynamo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every interaction is still answered, ephemerally, with "try again"; nothing is half-written', async () => {
    await dynamo.stop();
    const info = await h.run(h.alice, 'member', 'info', []);
    expect(info.ephemeral).toBe(true);
    expect(info.text).toContain(DATABASE_DOWN_MESSAGE);

    const add = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'gold'), opt.int('count', 5)]);
    expect(add.text).toContain(DATABASE_DOWN_MESSAGE);

    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    expect(draft.text).toContain(DATABASE_DOWN_MESSAGE);

    // Back up on the same port and files: the failed add wrote nothing.
    dynamo = await startEmbeddedDynamo({ dataDir, port: dynamo.port });
    expect(await h.storage.services.inventory.listAvailable()).toEqual([]);
    expect((await h.storage.services.members.get(h.alice.id))?.username).toBe('alice');
    const again = await h.run(h.alice, 'member', 'info', []);
    expect(again.text).toContain('Rank: Sage');
  });
});

describe('a write whose DynamoDB answer never comes back', () => {
  let proxy: DynamoProxy;
  let h: Harness;
  beforeEach(async () => {
    proxy = await DynamoProxy.start(testEndpoint());
    h = await startHarness({ dynamoEndpoint: proxy.endpoint, dynamoRequestTimeoutMs: 400 });
    await h.seedMember(h.alice);
  });
  afterEach(async () => {
    await h?.stop();
    await proxy?.stop();
  });

  it('is never answered "nothing was changed": the bot says it does not know, and the write did happen', async () => {
    proxy.inject('UpdateItem', { kind: 'hold', ms: 1_000 });
    const until = h.clock.daysAgo(-5);
    const answer = await h.run(h.alice, 'member', 'away', [opt.user('user', h.alice.id), opt.str('until', until)]);
    proxy.clear();
    expect(answer.ephemeral).toBe(true);
    expect(answer.text).toContain(DATABASE_UNSURE_MESSAGE);
    expect(answer.text).not.toContain('Nothing was changed');
    expect((await h.storage.services.members.get(h.alice.id, true))?.away_until).toBe(until);
  });
});
