import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/db/embedded';
import { TOKEN, opt, startHarness, type Harness } from '../support/harness';
import { get, parsePrometheus, waitForStatus } from '../support/http';

describe('/healthz', () => {
  let dynamo: EmbeddedDynamo;
  let h: Harness;
  let url: string;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-health-'));

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo({ dataDir });
    h = await startHarness({ dynamoEndpoint: dynamo.endpoint, healthPort: await freePort() });
    url = `http://127.0.0.1:${h.app.health!.port}/healthz`;
  });
  afterAll(async () => {
    await h?.stop();
    await dynamo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is 200 while the gateway is connected and DynamoDB answers', async () => {
    const ok = await get(url);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ status: 'ok', gateway: 'connected', dynamodb: 'ok' });
  });

  it('flips to 503 when DynamoDB stops, and back to 200 when it returns', async () => {
    await dynamo.stop();
    const down = await waitForStatus(url, 503);
    expect(JSON.parse(down.text)).toMatchObject({ status: 'unavailable', gateway: 'connected' });
    expect(JSON.parse(down.text).dynamodb).not.toBe('ok');
    dynamo = await startEmbeddedDynamo({ dataDir, port: dynamo.port });
    await waitForStatus(url, 200);
  });

  it('flips to 503 when the gateway drops, and back to 200 once it reconnects', async () => {
    h.emulator.gatewayDown = true;
    h.emulator.dropGateway();
    const down = await waitForStatus(url, 503);
    expect(JSON.parse(down.text)).toMatchObject({ status: 'unavailable', gateway: 'disconnected', dynamodb: 'ok' });
    h.emulator.gatewayDown = false;
    await waitForStatus(url, 200, 60_000);
    const answer = await h.run(h.alice, 'inventory', 'list', []);
    expect(answer.text).toContain('Available links');
  });
});

describe('/metrics and logs', () => {
  let h: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ healthPort: await freePort(), logLines });
  });
  afterAll(() => h?.stop());

  it('serves Prometheus text that counts a known sequence of interactions exactly', async () => {
    await h.run(h.alice, 'inventory', 'list', []);
    await h.run(h.bob, 'inventory', 'list', []);
    await h.run(h.alice, 'member', 'add', [opt.user('user', h.bob.id)]);
    await h.run(h.alice, 'member', 'info', []);
    await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'gold')]);
    await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'gold'), opt.int('count', 51)]);

    const res = await get(`http://127.0.0.1:${h.app.health!.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/plain');
    const samples = parsePrometheus(res.text);
    const count = (command: string, outcome: string) =>
      samples.find((s) => s.name === 'flavaflav_interactions_total' && s.labels.command === command && s.labels.outcome === outcome)?.value ?? 0;
    expect(count('inventory list', 'ok')).toBe(2);
    expect(count('member add', 'refused')).toBe(1);
    expect(count('member info', 'user_error')).toBe(1);
    expect(count('inventory add', 'ok')).toBe(1);
    expect(count('inventory add', 'user_error')).toBe(1);
    const histogramCount = samples.find((s) => s.name === 'flavaflav_interaction_duration_seconds_count' && s.labels.kind === 'command');
    expect(histogramCount?.value).toBe(6);
    expect(samples.find((s) => s.name === 'flavaflav_gateway_connected')?.value).toBe(1);
    // /member info for someone not on the roster is a GetItem that finds nothing: no DynamoDB error.
    expect(samples.filter((s) => s.name === 'flavaflav_dynamodb_errors_total')).toEqual([]);
    expect(samples.some((s) => s.name === 'flavaflav_process_resident_memory_bytes')).toBe(true);
  });

  it('counts DynamoDB conflicts apart from errors', async () => {
    const [link] = await h.storage.services.inventory.listAvailable({ quality: 'gold' });
    await h.app.services.inventory.remove(link.link_id);
    await h.app.services.inventory.remove(link.link_id);
    const samples = parsePrometheus((await get(`http://127.0.0.1:${h.app.health!.port}/metrics`)).text);
    expect(samples.find((s) => s.name === 'flavaflav_dynamodb_conflicts_total' && s.labels.operation === 'DeleteItem')?.value).toBe(1);
  });

  it('logs one JSON line per interaction with command, user, outcome and latency, and never the token', () => {
    const entries = logLines.map((l) => JSON.parse(l));
    const interactions = entries.filter((e) => e.msg === 'interaction');
    expect(interactions).toHaveLength(6);
    expect(interactions[2]).toMatchObject({ command: 'member add', kind: 'command', outcome: 'refused', userId: h.alice.id });
    expect(typeof interactions[2].ms).toBe('number');
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });
});
