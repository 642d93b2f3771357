/**
 * The real entry point (node dist/src/main.js, built by `npm test`'s pretest) as ops run it:
 * configured only through the environment, against the Discord emulator and a DynamoDB Local.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLinkType } from '../../src/domain/catalog';
import { freePort, startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/db/embedded';
import { DiscordEmulator, nextSnowflake, OptionType } from '../support/discord-emulator';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { TOKEN, answerText } from '../support/harness';
import { get } from '../support/http';
import { startProcess, type Running } from '../support/process';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'src', 'main.js');

describe('the bot process', () => {
  let dynamo: EmbeddedDynamo;
  let emulator: DiscordEmulator;
  let storage: TestStorage;
  let running: Running | undefined;
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-process-'));
  const officerRole = nextSnowflake();

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npm run build` (npm test does it first)');
    dynamo = await startEmbeddedDynamo();
    storage = await createTestStorage(dynamo.endpoint);
    emulator = await new DiscordEmulator(nextSnowflake(), TOKEN).start();
    emulator.addRole(officerRole, 'Officers');
  });
  afterAll(async () => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    if (dynamo) process.kill(dynamo.pid, 'SIGCONT');
    await emulator?.stop();
    storage?.close();
    await dynamo?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('with only a token, a guild, an API base and a DynamoDB, connects, registers the commands and serves them; SIGTERM mid-award still answers and exits 0 within 10 s', async () => {
    const officer = emulator.addUser({ id: nextSnowflake(), username: 'officer', roles: [officerRole] });
    const winner = emulator.addUser({ id: nextSnowflake(), username: 'winner' });
    await storage.services.members.add({ discord_id: winner.id, username: 'winner', join_date: '2025-01-01', is_officer: false, added_by: 'seed' });
    const type = findLinkType('Damage on Ships')!;
    await storage.services.inventory.add({ link_type: type.name, quality: 'gold', category: type.category, bonus: '4.50%', count: 1, added_by: 'seed' });
    const healthPort = await freePort();

    running = startProcess(
      {
        DISCORD_TOKEN: TOKEN,
        DISCORD_GUILD_ID: emulator.guildId,
        DISCORD_API_BASE_URL: emulator.apiBaseUrl,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        FLAVAFLAV_ENV: storage.env,
        OFFICER_ROLE_IDS: officerRole,
        HEALTH_PORT: String(healthPort),
        LOG_LEVEL: 'debug',
      },
      cwd,
      MAIN,
    );
    await running.waitForLog((e) => e.msg === 'FlavaFlav is running');
    expect(emulator.commands.get(emulator.guildId)?.map((c) => c.name).sort()).toEqual(['deliveries', 'distribute', 'event', 'history', 'inventory', 'list', 'member', 'revert', 'want']);
    expect((await get(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);

    const draft = emulator.sendCommand(officer, 'distribute', [{ name: 'quality', type: OptionType.String, value: 'gold' }]);
    await emulator.answerTo(draft);
    const messageId = emulator.originalMessage(draft)!.id;
    const confirmId = emulator.buttonsOf(messageId).find((b) => b.label === 'Confirm')!.custom_id;

    // Freeze DynamoDB so the award is in flight when SIGTERM arrives.
    process.kill(dynamo.pid, 'SIGSTOP');
    const press = emulator.pressButton(officer, messageId, confirmId);
    await running.waitForLog((e) => e.msg === 'interaction received' && e.id === press.id);
    const signalledAt = Date.now();
    running.child.kill('SIGTERM');
    await running.waitForLog((e) => e.msg === 'shutting down');

    // New work during the drain is turned away with a short answer.
    const late = emulator.sendCommand(officer, 'inventory', [{ name: 'list', type: OptionType.Subcommand, options: [] }]);
    const lateAnswer = await emulator.answerTo(late);
    expect(lateAnswer.data.content).toContain('restarting');
    expect(lateAnswer.data.flags & 64).toBe(64);

    process.kill(dynamo.pid, 'SIGCONT');
    const awarded = await emulator.answerTo(press);
    expect(answerText(awarded.data)).toContain('link awarded');
    const exit = await running.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect((await storage.services.members.get(winner.id, true))?.counters?.links_received).toBe(1);
    expect(running.lines.join('\n')).not.toContain(TOKEN);
  });

  it('stops at once with one clear line when configuration is bad', async () => {
    const bad = startProcess({ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: 'not-a-guild' }, cwd, MAIN);
    const exit = await bad.exited;
    expect(exit.code).toBe(1);
    expect(bad.lines.join('')).toBe('stderr: Configuration error: DISCORD_GUILD_ID must be a Discord id (17–20 digits) (got "not-a-guild")\n');
  });
});
