/**
 * A proxy in front of DynamoDB Local that meters what goes through it: each request's operation,
 * tables, time and consumed capacity. It asks for the capacity itself — it adds
 * `"ReturnConsumedCapacity":"TOTAL"` to every request that accepts it (DynamoDB Local checks no
 * signatures) — so the client being measured runs unchanged. Tests bound what one interaction
 * costs with it; the benchmark (bench/) attributes requests to the interaction in flight.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MeteredRequest {
  operation: string;
  /** Tables the request names (several for batches and transactions). */
  tables: string[];
  /** When it arrived (Date.now()) and how long DynamoDB Local took to answer it. */
  at: number;
  ms: number;
  status: number;
  /** Read and write capacity units DynamoDB reported for it (0 for a refused request). */
  rcu: number;
  wcu: number;
  /** For a refused request, DynamoDB's error type (e.g. TransactionCanceledException) and its reasons. */
  error?: string;
}

/** Operations that accept ReturnConsumedCapacity, and whether their capacity is read or write. */
const METERED: ReadonlyMap<string, 'read' | 'write'> = new Map([
  ['GetItem', 'read'],
  ['BatchGetItem', 'read'],
  ['Query', 'read'],
  ['Scan', 'read'],
  ['TransactGetItems', 'read'],
  ['PutItem', 'write'],
  ['UpdateItem', 'write'],
  ['DeleteItem', 'write'],
  ['BatchWriteItem', 'write'],
  ['TransactWriteItems', 'write'],
]);

interface Capacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export class DynamoMeter {
  readonly requests: MeteredRequest[] = [];
  /** Requests received and not yet answered (including ones their client has given up on). */
  pending = 0;
  private server!: http.Server;
  private port = 0;
  // Keep-alive upstream: the benchmark sends tens of thousands of requests through here.
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

  private constructor(private upstream: URL) {}

  static async start(upstream: string): Promise<DynamoMeter> {
    const meter = new DynamoMeter(new URL(upstream));
    meter.server = http.createServer((req, res) => void meter.handle(req, res));
    meter.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => meter.server.listen(0, '127.0.0.1', resolve));
    meter.port = (meter.server.address() as AddressInfo).port;
    return meter;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Sends what comes next to another DynamoDB (e.g. the capacity-recording proxy in front of the
   * same DynamoDB Local, for a few runs the benchmark does not time).
   */
  route(upstream: string): void {
    this.upstream = new URL(upstream);
  }

  /** A position in the log: `since(mark)` is everything after it. */
  get mark(): number {
    return this.requests.length;
  }

  since(mark: number): MeteredRequest[] {
    return this.requests.slice(mark);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.pending++;
    try {
      await this.meter(req, res);
    } finally {
      this.pending--;
    }
  }

  private async meter(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    let body = await readAll(req);
    let tables: string[] = [];
    let asked = false;
    const kind = METERED.get(operation);
    if (kind) {
      try {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        tables = tablesOf(json);
        asked = json.ReturnConsumedCapacity !== undefined;
        if (!asked) body = Buffer.from(JSON.stringify({ ...json, ReturnConsumedCapacity: 'TOTAL' }), 'utf8');
      } catch {
        // Not JSON: forwarded as it came, unmetered.
      }
    }
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      answer = await this.forward(req, body);
    } catch {
      req.socket.destroy();
      return;
    }
    let rcu = 0;
    let wcu = 0;
    if (kind && answer.status === 200) {
      try {
        const consumed = consumedCapacity(answer.body);
        const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
        for (const c of entries) {
          if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
            rcu += c.ReadCapacityUnits ?? 0;
            wcu += c.WriteCapacityUnits ?? 0;
          } else if (kind === 'read') rcu += c.CapacityUnits ?? 0;
          else wcu += c.CapacityUnits ?? 0;
        }
      } catch {
        // An answer that is not JSON counts as a request without capacity.
      }
    }
    this.requests.push({ operation, tables, at, ms: Date.now() - at, status: answer.status, rcu, wcu, ...(answer.status >= 400 ? { error: errorOf(answer.body) } : {}) });
    if (res.destroyed || req.socket.destroyed) return;
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.upstream.host, 'content-length': String(body.length) };
      const out = http.request({ hostname: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers, agent: this.agent }, (answer) => {
        readAll(answer).then((data) => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: data }), reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }
}

/**
 * The ConsumedCapacity of an answer. DynamoDB Local writes it last, so it is read from the tail
 * without parsing the items before it (a roster Scan is megabytes, and this runs on the event
 * loop of the process being measured); anything else is parsed whole.
 */
function consumedCapacity(body: Buffer): Capacity | Capacity[] | undefined {
  const tail = body.subarray(Math.max(0, body.length - 4096)).toString('utf8');
  const at = tail.lastIndexOf('"ConsumedCapacity":');
  if (at !== -1 && tail.endsWith('}')) {
    try {
      return (JSON.parse(`{${tail.slice(at)}`) as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
    } catch {
      // Not the last key after all: parse the whole answer.
    }
  }
  return (JSON.parse(body.toString('utf8')) as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
}

/** "TransactionCanceledException [None, TransactionConflict]": the type of an error answer and its reasons. */
function errorOf(body: Buffer): string {
  try {
    const json = JSON.parse(body.toString('utf8')) as { __type?: string; CancellationReasons?: { Code?: string }[] };
    const type = String(json.__type ?? 'unknown').split('#').pop();
    return json.CancellationReasons ? `${type} [${json.CancellationReasons.map((r) => r.Code ?? '?').join(', ')}]` : `${type}`;
  } catch {
    return 'unreadable error';
  }
}

/** The table names a request body names: TableName, or the keys of RequestItems / TransactItems. */
function tablesOf(json: Record<string, unknown>): string[] {
  if (typeof json.TableName === 'string') return [json.TableName];
  if (json.RequestItems && typeof json.RequestItems === 'object') return Object.keys(json.RequestItems);
  if (Array.isArray(json.TransactItems)) {
    const names = json.TransactItems.flatMap((item) => Object.values(item as Record<string, { TableName?: string }>).map((op) => op?.TableName ?? ''));
    return [...new Set(names.filter(Boolean))];
  }
  return [];
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
