/**
 * A small HTTP proxy in front of DynamoDB Local that injects the faults DynamoDB Local never
 * makes: a write that goes through but whose answer is held back past the client's timeout, or
 * lost altogether, and errors such as throttling or a 500. Rules pick requests by operation
 * (`X-Amz-Target`, e.g. TransactWriteItems); everything else passes through untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Forward, then answer only after `ms` (the client may have given up by then). */
  | { kind: 'hold'; ms: number }
  /** Forward, then close the connection without answering: written, but the answer is lost. */
  | { kind: 'drop' }
  /**
   * Answer with an error without forwarding: nothing is written. A TransactionCanceledException
   * carries one reason per part, as DynamoDB gives them (`cancellationReasons`: their codes).
   */
  | { kind: 'fail'; status: number; errorType: string; message?: string; cancellationReasons?: string[] }
  /** A BatchGetItem answered with every key unprocessed (as under throttling), without forwarding. */
  | { kind: 'unprocessed' };

interface Rule {
  operation: string;
  fault: Fault;
  remaining: number;
  /** Applies only once a request of this operation has succeeded (e.g. the read after a write). */
  after?: string;
}

export interface ProxiedRequest {
  operation: string;
  fault: Fault['kind'] | 'none';
  at: number;
}

export class DynamoProxy {
  readonly requests: ProxiedRequest[] = [];
  private rules: Rule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: http.Server;
  private port = 0;

  private constructor(private readonly upstream: URL) {}

  static async start(upstream: string): Promise<DynamoProxy> {
    const proxy = new DynamoProxy(new URL(upstream));
    proxy.server = http.createServer((req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Applies `fault` to the next `times` requests of `operation` (default: all of them); with
   * `after`, only to those sent once a request of that operation has succeeded.
   */
  inject(operation: string, fault: Fault, times = Number.POSITIVE_INFINITY, options: { after?: string } = {}): void {
    this.rules.push({ operation, fault, remaining: times, ...(options.after ? { after: options.after } : {}) });
  }

  clear(): void {
    this.rules = [];
  }

  count(operation: string, fault?: ProxiedRequest['fault']): number {
    return this.requests.filter((r) => r.operation === operation && (fault === undefined || r.fault === fault)).length;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readAll(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const rule = this.rules.find((r) => r.operation === operation && r.remaining > 0 && r.after === undefined);
    if (rule) rule.remaining--;
    const fault = rule?.fault;
    this.requests.push({ operation, fault: fault?.kind ?? 'none', at: Date.now() });

    if (fault?.kind === 'fail') {
      res.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.0' });
      const reasons = fault.cancellationReasons?.map((code) => (code === 'None' ? { Code: code } : { Code: code, Message: `${code} injected by the test proxy` }));
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${fault.errorType}`, message: fault.message ?? 'injected by the test proxy', ...(reasons ? { CancellationReasons: reasons } : {}) }));
      return;
    }
    if (fault?.kind === 'unprocessed') {
      const request = JSON.parse(body.toString('utf8')) as { RequestItems?: Record<string, unknown> };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ Responses: Object.fromEntries(Object.keys(request.RequestItems ?? {}).map((t) => [t, []])), UnprocessedKeys: request.RequestItems ?? {} }));
      return;
    }
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      answer = await this.forward(req, body);
    } catch {
      req.socket.destroy();
      return;
    }
    // Rules waiting for this operation to succeed now apply.
    if (answer.status === 200) for (const r of this.rules) if (r.after === operation) delete r.after;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const reply = () => {
      if (res.destroyed || req.socket.destroyed) return;
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    };
    if (fault?.kind === 'hold') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        reply();
      }, fault.ms);
      this.timers.add(timer);
    } else reply();
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.upstream.host };
      const out = http.request({ hostname: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        readAll(answer).then((data) => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: data }), reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
