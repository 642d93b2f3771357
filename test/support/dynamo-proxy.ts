/**
 * A small HTTP proxy in front of DynamoDB Local that injects the faults DynamoDB Local never
 * makes: a write that goes through but whose answer is held back past the client's timeout, or
 * lost altogether, and errors such as throttling or a 500. Rules pick requests by operation
 * (`X-Amz-Target`, e.g. TransactWriteItems); everything else passes through untouched.
 *
 * Started with `aws` options it also plays by AWS's rules where Local is kinder (docs: the
 * "AWS-rules mode" of the test bed):
 * - lagging reads: a read without ConsistentRead, and every index query or scan, is served by a
 *   replica (a second DynamoDB Local) that receives each successful write `lagMs` later, in the
 *   order the writes were made; consistent reads, TransactGetItems and all writes go to the primary;
 * - conflicts: a TransactWriteItems touching an item another transaction or write is touching at
 *   that moment is cancelled (TransactionConflict among its reasons); a single write to an item a
 *   transaction is writing fails with TransactionConflictException; the same ClientRequestToken
 *   while its first transaction is in flight gets TransactionInProgressException. Transactions are
 *   held `transactionHoldMs` before they run, which opens the window AWS has;
 * - throttling: one item takes at most `itemWcuPerSecond` (1,000 on AWS; tests set it low);
 * - capacity: every request's read and write units, per item, computed as AWS does
 *   (dynamo-capacity.ts), in `capacity`.
 * Items past 400 KB are refused by DynamoDB Local itself, with AWS's wire shape.
 *
 * The replica is fed item images, not requests: after each write the proxy reads back (consistently,
 * one read at a time, in order) the items the write touched, and puts or deletes those images on
 * the replica once their time has come. So the replica is always some earlier state of the primary.
 * A table the replica lacks is created there (same keys and indexes) and filled from the primary the
 * first time a request names it. Everything written to the primary must go through the proxy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { itemBytes, readUnits, writeUnits, type ReadMode, type WireItem } from './dynamo-capacity';

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

/** What the proxy did with a request: a test fault, an AWS rule, or nothing. */
export type Outcome = Fault['kind'] | 'none' | 'conflict' | 'in-progress' | 'throttle';

export interface ProxiedRequest {
  operation: string;
  fault: Outcome;
  at: number;
  /** Which DynamoDB answered (AWS-rules mode: 'replica' for lagging reads). */
  served?: 'primary' | 'replica' | 'both' | 'proxy';
}

export interface AwsRulesOptions {
  /**
   * The replica's endpoint (a second DynamoDB Local; the test setup starts one). Without one,
   * reads are not lagged (the benchmark records capacity only).
   */
  replica?: string;
  /** How long after a write the replica receives it (default 250 ms). */
  lagMs?: number;
  /** How long a TransactWriteItems is held before it runs, in which others conflict with it (default 5 ms). */
  transactionHoldMs?: number;
  /** Write units one item takes per second before writes to it are throttled (default 1,000, as AWS). */
  itemWcuPerSecond?: number;
}

/** Capacity of one item in a request. */
export interface ItemCapacity {
  table: string;
  /** The item's key, as canonical JSON of its key attributes in wire form. */
  key: string;
  /** Writes: the item's size before and after (0: absent). Reads: its size. */
  beforeBytes: number;
  afterBytes: number;
  rcu: number;
  wcu: number;
}

/** Capacity of one request, as AWS would charge it. */
export interface CapacityRecord {
  operation: string;
  at: number;
  status: number;
  /** For a refused request: DynamoDB's error type and reasons. */
  error?: string;
  transactional: boolean;
  rcu: number;
  wcu: number;
  items: ItemCapacity[];
}

/**
 * A request carrying this header comes from the test itself (the harness's own services), not
 * from the code under test: its reads see the primary, and its writes reach the replica at once,
 * as what a test seeds stands for the past.
 */
export const ORACLE_HEADER = 'x-flavaflav-test-oracle';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

type Json = Record<string, any>;
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
/** One item a write touches. */
interface Touched {
  table: string;
  key: WireItem;
  id: string;
  /** Index of the part in a transaction (for cancellation reasons). */
  part: number;
  /** ConditionCheck: read, not written. */
  checkOnly: boolean;
}
interface TableShape {
  keyNames: string[];
  description: Json;
}
interface ReplicaEntry {
  due: number;
  /** Order of the image among all images (a later one of the same item supersedes it). */
  seq: number;
  id: string;
  table: string;
  key: WireItem;
  image: WireItem | undefined;
}

export class DynamoProxy {
  readonly requests: ProxiedRequest[] = [];
  /** AWS-rules mode: what each request cost, per item (bounded by the test's requests). */
  readonly capacity: CapacityRecord[] = [];
  private rules: Rule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: http.Server;
  private port = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly aws: (Required<Omit<AwsRulesOptions, 'replica'>> & { replica?: string }) | undefined;
  private readonly replica: URL | undefined;
  /** Items a write is touching right now: item id → the writes (transaction or not) touching it. */
  private readonly inFlight = new Map<string, Set<{ transactional: boolean }>>();
  /** ClientRequestTokens of transactions in flight. */
  private readonly tokens = new Set<string>();
  /** Per item: write units left this second (a token bucket refilled at itemWcuPerSecond). */
  private readonly buckets = new Map<string, { units: number; at: number }>();
  /** Table name → its key attributes and description, read once from the primary. */
  private readonly shapes = new Map<string, Promise<TableShape | undefined>>();
  /** Tables the replica has (created and filled from the primary). */
  private readonly replicaTables = new Map<string, Promise<boolean>>();
  /** Item images waiting for their time, in write order (bounded by the writes of `lagMs`). */
  private readonly queue: ReplicaEntry[] = [];
  /** The chain of read-backs after writes: one at a time, so images reach the queue in order. */
  private snapshots: Promise<unknown> = Promise.resolve();
  private applying: Promise<void> | undefined;
  private applyTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private seq = 0;
  /** Per item: the newest image the replica has (bounded by the items of the test's tables). */
  private readonly appliedSeq = new Map<string, number>();
  /** Writes the replica refused (a test asserting on lag can check there are none). */
  readonly replicaErrors: string[] = [];

  private constructor(
    private readonly upstream: URL,
    aws: AwsRulesOptions | undefined,
  ) {
    if (aws) {
      this.aws = { lagMs: 250, transactionHoldMs: 5, itemWcuPerSecond: 1_000, ...aws };
      this.replica = aws.replica ? new URL(aws.replica) : undefined;
    }
  }

  /** Proxies in AWS-rules mode not yet stopped (a test file's few). */
  private static readonly live = new Set<DynamoProxy>();

  /**
   * Lets every live AWS-rules proxy's replica catch up now: for seeding helpers, whose writes
   * stand for the past (test/support/fixtures.ts).
   */
  static async catchUpAll(): Promise<void> {
    await Promise.all([...DynamoProxy.live].map((p) => p.catchUp()));
  }

  static async start(upstream: string, options: { aws?: AwsRulesOptions } = {}): Promise<DynamoProxy> {
    const proxy = new DynamoProxy(new URL(upstream), options.aws);
    if (options.aws) DynamoProxy.live.add(proxy);
    proxy.server = http.createServer((req, res) => void proxy.handle(req, res));
    proxy.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The AWS-rules settings in force (undefined: a plain fault proxy). */
  get rulesInForce(): Readonly<Omit<AwsRulesOptions, 'replica'>> | undefined {
    return this.aws;
  }

  /** Changes the AWS-rules settings from now on (e.g. a low throttle for one test). */
  setRules(change: Partial<Omit<AwsRulesOptions, 'replica'>>): void {
    if (!this.aws) throw new Error('setRules: this proxy was started without AWS rules');
    Object.assign(this.aws, change);
    this.buckets.clear();
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

  /** A position in the capacity log: `capacitySince(mark)` is everything after it. */
  get capacityMark(): number {
    return this.capacity.length;
  }

  capacitySince(mark: number): CapacityRecord[] {
    return this.capacity.slice(mark);
  }

  /** Waits until every write answered so far has been read back (its capacity record complete). */
  async settled(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const chain = this.snapshots;
      await chain;
      if (chain === this.snapshots) return;
    }
  }

  /** Item images written but not yet on the replica. */
  get lagging(): number {
    return this.queue.length;
  }

  /**
   * Lets the replica catch up now with everything written so far, as if it had been written long
   * ago (for what a test seeds before it acts). Waits for writes already read back; not for writes
   * still in flight.
   */
  async catchUp(): Promise<void> {
    if (!this.aws) return;
    await this.settled();
    for (const entry of this.queue) entry.due = 0;
    await this.applyDue();
  }

  async stop(): Promise<void> {
    DynamoProxy.live.delete(this);
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.applyTimer) clearTimeout(this.applyTimer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.applying?.catch(() => undefined);
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readAll(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const oracle = req.headers[ORACLE_HEADER] === '1';
    const rule = this.rules.find((r) => r.operation === operation && r.remaining > 0 && r.after === undefined);
    if (rule) rule.remaining--;
    const fault = rule?.fault;
    const logged: ProxiedRequest = { operation, fault: fault?.kind ?? 'none', at: Date.now() };
    this.requests.push(logged);

    if (fault?.kind === 'fail') {
      const reasons = fault.cancellationReasons?.map((code) => (code === 'None' ? { Code: code } : { Code: code, Message: `${code} injected by the test proxy` }));
      sendError(res, fault.status, fault.errorType, fault.message ?? 'injected by the test proxy', reasons);
      return;
    }
    if (fault?.kind === 'unprocessed') {
      const request = JSON.parse(body.toString('utf8')) as { RequestItems?: Record<string, unknown> };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ Responses: Object.fromEntries(Object.keys(request.RequestItems ?? {}).map((t) => [t, []])), UnprocessedKeys: request.RequestItems ?? {} }));
      return;
    }
    let answer: Answer | undefined;
    try {
      answer = this.aws ? await this.underRules(req, body, operation, logged, res, oracle) : await this.forward(this.upstream, req, body);
    } catch {
      req.socket.destroy();
      return;
    }
    if (!answer) return; // answered by a rule
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

  // ---------------------------------------------------------------------------------------------
  // AWS rules

  /** Serves one request by AWS's rules; undefined when a rule already answered it. */
  private async underRules(req: http.IncomingMessage, body: Buffer, operation: string, logged: ProxiedRequest, res: http.ServerResponse, oracle: boolean): Promise<Answer | undefined> {
    let json: Json;
    try {
      json = JSON.parse(body.toString('utf8')) as Json;
    } catch {
      return this.forward(this.upstream, req, body);
    }
    if (operation === 'CreateTable' || operation === 'DeleteTable') {
      const answer = await this.forward(this.upstream, req, body);
      const name = String(json.TableName ?? '');
      this.shapes.delete(name);
      this.replicaTables.delete(name);
      if (answer.status === 200 && operation === 'DeleteTable' && this.replica) await this.send(this.replica!, 'DeleteTable', { TableName: name }).catch(() => undefined);
      // The replica gets the table now, not on the first write (creating one takes Local a while).
      if (answer.status === 200 && operation === 'CreateTable' && this.replica) await this.replicaTable(name);
      return answer;
    }
    if (WRITES.has(operation)) return this.write(req, body, json, operation, logged, res, oracle);
    if (READS.has(operation)) {
      // The test's own view of the tables: the primary's, always (it asserts what was stored).
      if (oracle) {
        logged.served = 'primary';
        return this.forward(this.upstream, req, body);
      }
      return this.read(req, body, json, operation, logged, res);
    }
    return this.forward(this.upstream, req, body);
  }

  private async read(req: http.IncomingMessage, body: Buffer, json: Json, operation: string, logged: ProxiedRequest, res: http.ServerResponse): Promise<Answer | undefined> {
    const at = Date.now();
    if (operation === 'TransactGetItems') {
      const parts: Json[] = (json.TransactItems ?? []).map((p: Json) => p.Get ?? {});
      const ids: string[] = [];
      for (const part of parts) {
        const shape = await this.shape(String(part.TableName));
        ids.push(shape ? itemId(String(part.TableName), part.Key ?? {}) : '');
      }
      const reasons = ids.map((id) => (this.inFlight.get(id) ? [...this.inFlight.get(id)!].some((w) => w.transactional) : false));
      if (reasons.some(Boolean)) return this.refuseTransaction(res, logged, operation, at, true, reasons.map((r) => (r ? 'TransactionConflict' : 'None')));
      logged.served = 'primary';
      const answer = await this.forward(this.upstream, req, body);
      const items: ItemCapacity[] = [];
      if (answer.status === 200) {
        const responses: (Json | undefined)[] = (parseJson(answer.body).Responses ?? []).map((r: Json) => r?.Item);
        parts.forEach((part, i) => items.push(readItem(String(part.TableName), part.Key ?? {}, responses[i], 'transactional')));
      }
      this.record(operation, at, answer, true, items);
      return answer;
    }
    if (operation === 'BatchGetItem') {
      const requestItems: Json = json.RequestItems ?? {};
      const tables = Object.keys(requestItems);
      const lagging = tables.filter((t) => !requestItems[t].ConsistentRead);
      const consistent = tables.filter((t) => requestItems[t].ConsistentRead);
      const onReplica = await this.replicaReady(lagging);
      let answer: Answer;
      if (!lagging.length || !onReplica) {
        logged.served = 'primary';
        answer = await this.forward(this.upstream, req, body);
      } else if (!consistent.length) {
        logged.served = 'replica';
        answer = await this.forward(this.replica!, req, body);
      } else {
        logged.served = 'both';
        const pick = (names: string[]) => Buffer.from(JSON.stringify({ ...json, RequestItems: Object.fromEntries(names.map((t) => [t, requestItems[t]])) }));
        const [a, b] = await Promise.all([this.forward(this.upstream, req, pick(consistent)), this.forward(this.replica!, req, pick(lagging))]);
        answer = mergeBatchGets(a, b);
      }
      const items: ItemCapacity[] = [];
      if (answer.status === 200) {
        const responses: Json = parseJson(answer.body).Responses ?? {};
        for (const [table, found] of Object.entries(responses) as [string, WireItem[]][]) {
          const mode: ReadMode = requestItems[table]?.ConsistentRead ? 'consistent' : 'eventual';
          for (const item of found) items.push(readItem(table, item, item, mode));
        }
      }
      this.record(operation, at, answer, false, items);
      return answer;
    }
    // GetItem, Query, Scan.
    const table = String(json.TableName ?? '');
    const consistent = json.ConsistentRead === true && !json.IndexName;
    const toReplica = !consistent && (await this.replicaReady([table]));
    logged.served = toReplica ? 'replica' : 'primary';
    const answer = await this.forward(toReplica ? this.replica! : this.upstream, req, body);
    const mode: ReadMode = consistent ? 'consistent' : 'eventual';
    const items: ItemCapacity[] = [];
    if (answer.status === 200) {
      const out = parseJson(answer.body);
      if (operation === 'GetItem') items.push(readItem(table, json.Key ?? {}, out.Item, mode));
      else {
        // A query or scan is charged on the total it read, rounded up once.
        const bytes = ((out.Items ?? []) as WireItem[]).reduce((n, item) => n + itemBytes(item), 0);
        items.push({ table, key: json.IndexName ? `index ${json.IndexName}` : operation.toLowerCase(), beforeBytes: bytes, afterBytes: bytes, rcu: readUnits(bytes, mode), wcu: 0 });
      }
    }
    this.record(operation, at, answer, false, items);
    return answer;
  }

  private async write(req: http.IncomingMessage, body: Buffer, json: Json, operation: string, logged: ProxiedRequest, res: http.ServerResponse, oracle = false): Promise<Answer | undefined> {
    const at = Date.now();
    const aws = this.aws!;
    const transactional = operation === 'TransactWriteItems';
    const touched = await this.touchedBy(operation, json);
    if (!touched) {
      logged.served = 'primary';
      return this.forward(this.upstream, req, body); // a table the primary lacks: let it answer
    }
    await this.replicaReady([...new Set(touched.map((t) => t.table))]);

    // Conflicts: decided and registered in one turn of the event loop.
    const token = transactional && typeof json.ClientRequestToken === 'string' ? json.ClientRequestToken : undefined;
    if (token && this.tokens.has(token)) {
      logged.fault = 'in-progress';
      logged.served = 'proxy';
      this.recordError(operation, at, 'TransactionInProgressException', transactional);
      sendError(res, 400, 'TransactionInProgressException', 'Transaction with the same ClientRequestToken is in progress');
      return undefined;
    }
    const busy = touched.map((t) => {
      const writers = this.inFlight.get(t.id);
      if (!writers?.size) return false;
      // A transaction conflicts with any write in flight on its items; a single write only with a transaction.
      return transactional || [...writers].some((w) => w.transactional);
    });
    if (busy.some(Boolean)) {
      if (transactional) return this.refuseTransaction(res, logged, operation, at, true, reasonsByPart(json, touched, busy, 'TransactionConflict'));
      if (operation !== 'BatchWriteItem') {
        logged.fault = 'conflict';
        logged.served = 'proxy';
        this.recordError(operation, at, 'TransactionConflictException', false);
        sendError(res, 400, 'TransactionConflictException', 'Transaction is ongoing for the item');
        return undefined;
      }
    }
    const self = { transactional };
    const writtenIds = touched.map((t) => t.id);
    for (const id of writtenIds) {
      const writers = this.inFlight.get(id) ?? new Set();
      writers.add(self);
      this.inFlight.set(id, writers);
    }
    if (token) this.tokens.add(token);
    const release = () => {
      for (const id of writtenIds) {
        const writers = this.inFlight.get(id);
        writers?.delete(self);
        if (writers && !writers.size) this.inFlight.delete(id);
      }
      if (token) this.tokens.delete(token);
    };
    try {
      // Sizes before, read consistently from the primary (the items are held, so nothing else changes them).
      const writes = touched.filter((t) => !t.checkOnly);
      const before = await this.images(writes);
      // Throttling: each item's bucket of write units.
      const costs = writes.map((t) => {
        const newItem = operation === 'PutItem' ? (json.Item as WireItem) : transactional ? (json.TransactItems[t.part]?.Put?.Item as WireItem | undefined) : undefined;
        return writeUnits(itemBytes(before.get(t.id)), itemBytes(newItem), transactional);
      });
      const throttled = writes.map((t, i) => !this.take(t.id, costs[i], aws.itemWcuPerSecond));
      if (throttled.some(Boolean)) {
        // Give back what the others took: nothing was written.
        writes.forEach((t, i) => !throttled[i] && this.give(t.id, costs[i]));
        if (transactional) {
          const byPart = touched.map((t) => writes.some((w, i) => w === t && throttled[i]));
          return this.refuseTransaction(res, logged, operation, at, false, reasonsByPart(json, touched, byPart, 'ThrottlingError'), 'throttle');
        }
        logged.fault = 'throttle';
        logged.served = 'proxy';
        this.recordError(operation, at, 'ThrottlingException', false);
        sendError(res, 400, 'ThrottlingException', 'Throughput exceeds the current capacity for one or more items: writes to this item are throttled');
        return undefined;
      }
      if (transactional && aws.transactionHoldMs > 0) await sleep(aws.transactionHoldMs);
      logged.served = 'primary';
      const answer = await this.forward(this.upstream, req, body);
      if (answer.status !== 200) {
        // Refused: nothing written. A failed condition on a single write is still charged.
        const charged = !transactional && operation !== 'BatchWriteItem' && /ConditionalCheckFailed/.test(errorOf(answer.body));
        // What was not charged is not taken from the items' rate either.
        if (!charged) writes.forEach((t, i) => this.give(t.id, costs[i]));
        const items = charged ? writes.map((t, i) => ({ ...itemCapacity(t, before.get(t.id), before.get(t.id), false), wcu: costs[i] })) : [];
        this.record(operation, at, answer, transactional, items);
        return answer;
      }
      // The record takes its place in the log now; its sizes after come with the read-back, which the
      // answer does not wait for (the client should not pay for the test bed's bookkeeping).
      const record = this.record(operation, at, answer, transactional, []);
      const readBack = this.readBack(writes, oracle).then((after) => {
        record.items = writes.map((t) => itemCapacity(t, before.get(t.id), after.get(t.id), transactional));
        record.wcu = record.items.reduce((n, i) => n + i.wcu, 0);
      });
      if (oracle) {
        await readBack;
        await this.applyDue();
      } else readBack.catch((error: Error) => this.replicaErrors.push(`read-back: ${error.message}`));
      return answer;
    } finally {
      release();
    }
  }

  private refuseTransaction(res: http.ServerResponse, logged: ProxiedRequest, operation: string, at: number, conflict: boolean, reasons: string[], kind: Outcome = 'conflict'): undefined {
    logged.fault = conflict ? 'conflict' : kind;
    logged.served = 'proxy';
    const cancellation = reasons.map((code) => (code === 'None' ? { Code: code } : { Code: code, Message: code === 'TransactionConflict' ? 'Transaction is ongoing for the item' : 'Throughput exceeds the current capacity of your table or index.' }));
    this.recordError(operation, at, `TransactionCanceledException [${reasons.join(', ')}]`, true);
    sendError(res, 400, 'TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`, cancellation);
    return undefined;
  }

  private record(operation: string, at: number, answer: Answer, transactional: boolean, items: ItemCapacity[]): CapacityRecord {
    const record: CapacityRecord = {
      operation,
      at,
      status: answer.status,
      ...(answer.status >= 400 ? { error: errorOf(answer.body) } : {}),
      transactional,
      rcu: items.reduce((n, i) => n + i.rcu, 0),
      wcu: items.reduce((n, i) => n + i.wcu, 0),
      items,
    };
    this.capacity.push(record);
    return record;
  }

  private recordError(operation: string, at: number, error: string, transactional: boolean): void {
    this.capacity.push({ operation, at, status: 400, error, transactional, rcu: 0, wcu: 0, items: [] });
  }

  private take(id: string, units: number, perSecond: number): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(id) ?? { units: perSecond, at: now };
    bucket.units = Math.min(perSecond, bucket.units + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.units < units) return false;
    bucket.units -= units;
    return true;
  }

  private give(id: string, units: number): void {
    const bucket = this.buckets.get(id);
    if (bucket) bucket.units += units;
  }

  /** The items a write touches (undefined when a table it names does not exist). */
  private async touchedBy(operation: string, json: Json): Promise<Touched[] | undefined> {
    const out: Touched[] = [];
    const add = async (table: string, keyOrItem: WireItem | undefined, part: number, checkOnly: boolean, isItem: boolean) => {
      const shape = await this.shape(table);
      if (!shape) return false;
      const key = isItem ? pickKey(keyOrItem ?? {}, shape.keyNames) : (keyOrItem ?? {});
      out.push({ table, key, id: itemId(table, key), part, checkOnly });
      return true;
    };
    if (operation === 'PutItem') return (await add(String(json.TableName), json.Item, 0, false, true)) ? out : undefined;
    if (operation === 'UpdateItem' || operation === 'DeleteItem') return (await add(String(json.TableName), json.Key, 0, false, false)) ? out : undefined;
    if (operation === 'BatchWriteItem') {
      for (const [table, requests] of Object.entries((json.RequestItems ?? {}) as Record<string, Json[]>)) {
        for (const r of requests) {
          const ok = r.PutRequest ? await add(table, r.PutRequest.Item, 0, false, true) : await add(table, r.DeleteRequest?.Key, 0, false, false);
          if (!ok) return undefined;
        }
      }
      return out;
    }
    const parts: Json[] = json.TransactItems ?? [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const ok = p.Put
        ? await add(String(p.Put.TableName), p.Put.Item, i, false, true)
        : p.Update
          ? await add(String(p.Update.TableName), p.Update.Key, i, false, false)
          : p.Delete
            ? await add(String(p.Delete.TableName), p.Delete.Key, i, false, false)
            : await add(String(p.ConditionCheck?.TableName), p.ConditionCheck?.Key, i, true, false);
      if (!ok) return undefined;
    }
    return out;
  }

  /** Key attributes and description of a table, read once from the primary (undefined: no such table). */
  private shape(table: string): Promise<TableShape | undefined> {
    let shape = this.shapes.get(table);
    if (!shape) {
      shape = this.send(this.upstream, 'DescribeTable', { TableName: table }).then((answer) => {
        if (answer.status !== 200) {
          this.shapes.delete(table);
          return undefined;
        }
        const description = parseJson(answer.body).Table as Json;
        return { keyNames: (description.KeySchema as Json[]).map((k) => String(k.AttributeName)), description };
      });
      this.shapes.set(table, shape);
    }
    return shape;
  }

  /** Whether the replica has all these tables, creating and filling any it lacks from the primary. */
  private async replicaReady(tables: string[]): Promise<boolean> {
    if (!this.replica) return false;
    const ready = await Promise.all(tables.map((t) => this.replicaTable(t)));
    return ready.every(Boolean);
  }

  private replicaTable(table: string): Promise<boolean> {
    let ready = this.replicaTables.get(table);
    if (!ready) {
      ready = this.createOnReplica(table).catch(() => false);
      ready.then((ok) => !ok && this.replicaTables.delete(table));
      this.replicaTables.set(table, ready);
    }
    return ready;
  }

  private async createOnReplica(table: string): Promise<boolean> {
    const shape = await this.shape(table);
    if (!shape) return false;
    const d = shape.description;
    const exists = await this.send(this.replica!, 'DescribeTable', { TableName: table });
    if (exists.status !== 200) {
      const indexes = ((d.GlobalSecondaryIndexes ?? []) as Json[]).map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }));
      const created = await this.send(this.replica!, 'CreateTable', {
        TableName: table,
        AttributeDefinitions: d.AttributeDefinitions,
        KeySchema: d.KeySchema,
        BillingMode: 'PAY_PER_REQUEST',
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
      });
      if (created.status !== 200 && !/ResourceInUse/.test(errorOf(created.body))) throw new Error(`replica: could not create ${table}: ${errorOf(created.body)}`);
    }
    // What the primary holds already (written before any request named the table here).
    let start: Json | undefined;
    for (let page = 0; page < 10_000; page++) {
      const scanned = await this.send(this.upstream, 'Scan', { TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) });
      if (scanned.status !== 200) throw new Error(`replica: could not read ${table}: ${errorOf(scanned.body)}`);
      const out = parseJson(scanned.body);
      const items = (out.Items ?? []) as WireItem[];
      for (let i = 0; i < items.length; i += 25) {
        let pending: Json[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length && attempt < 20; attempt++) {
          const written = await this.send(this.replica!, 'BatchWriteItem', { RequestItems: { [table]: pending } });
          if (written.status !== 200) throw new Error(`replica: could not copy ${table}: ${errorOf(written.body)}`);
          pending = (parseJson(written.body).UnprocessedItems?.[table] ?? []) as Json[];
        }
      }
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    return true;
  }

  /** Consistent images of `items` on the primary, by item id (absent: deleted or never written). */
  private async images(items: Touched[]): Promise<Map<string, WireItem>> {
    const found = new Map<string, WireItem>();
    const unique = [...new Map(items.map((t) => [t.id, t])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      const chunk = unique.slice(i, i + 100);
      const byTable = new Map<string, WireItem[]>();
      for (const t of chunk) byTable.set(t.table, [...(byTable.get(t.table) ?? []), t.key]);
      let request: Json = Object.fromEntries([...byTable].map(([table, Keys]) => [table, { Keys, ConsistentRead: true }]));
      for (let attempt = 0; Object.keys(request).length && attempt < 20; attempt++) {
        const answer = await this.send(this.upstream, 'BatchGetItem', { RequestItems: request });
        if (answer.status !== 200) throw new Error(`read-back failed: ${errorOf(answer.body)}`);
        const out = parseJson(answer.body);
        for (const [table, got] of Object.entries((out.Responses ?? {}) as Record<string, WireItem[]>)) {
          const shape = await this.shape(table);
          for (const item of got) found.set(itemId(table, pickKey(item, shape?.keyNames ?? [])), item);
        }
        request = out.UnprocessedKeys ?? {};
      }
    }
    return found;
  }

  /** Reads back what a write left, in write order, and queues it for the replica. */
  private readBack(items: Touched[], now = false): Promise<Map<string, WireItem>> {
    const read = this.snapshots.then(async () => {
      const after = await this.images(items);
      if (!this.replica) return after;
      const due = now ? 0 : Date.now() + this.aws!.lagMs;
      for (const t of new Map(items.map((x) => [x.id, x])).values()) this.queue.push({ due, seq: this.seq++, id: t.id, table: t.table, key: t.key, image: after.get(t.id) });
      this.scheduleApply();
      return after;
    });
    this.snapshots = read.catch(() => undefined);
    return read;
  }

  private scheduleApply(): void {
    if (this.applyTimer || this.applying || this.stopped || !this.queue.length) return;
    const wait = Math.max(0, Math.min(...this.queue.map((e) => e.due)) - Date.now());
    this.applyTimer = setTimeout(() => {
      this.applyTimer = undefined;
      void this.applyDue();
    }, wait);
  }

  /**
   * Puts on the replica every image whose time has come, in order. An image older than one
   * already applied to its item is skipped (the oracle's writes are applied at once, ahead of
   * the queue), so the replica never goes back.
   */
  private async applyDue(): Promise<void> {
    while (this.applying) await this.applying;
    if (this.applyTimer) {
      clearTimeout(this.applyTimer);
      this.applyTimer = undefined;
    }
    this.applying = (async () => {
      for (let round = 0; round < 1_000 && !this.stopped; round++) {
        const now = Date.now();
        const due = this.queue.filter((e) => e.due <= now);
        if (!due.length) break;
        for (const entry of due) {
          this.queue.splice(this.queue.indexOf(entry), 1);
          if ((this.appliedSeq.get(entry.id) ?? -1) > entry.seq) continue;
          this.appliedSeq.set(entry.id, entry.seq);
          try {
            const answer = entry.image
              ? await this.send(this.replica!, 'PutItem', { TableName: entry.table, Item: entry.image })
              : await this.send(this.replica!, 'DeleteItem', { TableName: entry.table, Key: entry.key });
            if (answer.status !== 200) this.replicaErrors.push(`${entry.table}: ${errorOf(answer.body)}`);
          } catch (error) {
            if (!this.stopped) this.replicaErrors.push(`${entry.table}: ${(error as Error).message}`);
          }
        }
      }
    })();
    await this.applying;
    this.applying = undefined;
    this.scheduleApply();
  }

  /** A request of the proxy's own (read-backs, the replica), straight to `target`. */
  private send(target: URL, operation: string, payload: Json): Promise<Answer> {
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    return this.request(target, 'POST', '/', {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      // DynamoDB Local (-sharedDb) checks no signature, only that one is there.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      'content-length': String(body.length),
    }, body);
  }

  private forward(target: URL, req: http.IncomingMessage, body: Buffer): Promise<Answer> {
    return this.request(target, req.method ?? 'POST', req.url ?? '/', { ...req.headers, 'content-length': String(body.length) }, body);
  }

  private request(target: URL, method: string, path: string, headers: http.OutgoingHttpHeaders, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const out = http.request({ hostname: target.hostname, port: target.port, method, path, headers: { ...headers, host: target.host }, agent: this.agent }, (answer) => {
        readAll(answer).then((data) => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: data }), reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }
}

/** Cancellation reasons per part of a transaction: `code` for the parts whose item is flagged. */
function reasonsByPart(json: Json, touched: Touched[], flagged: boolean[], code: string): string[] {
  const parts = (json.TransactItems ?? []) as unknown[];
  return parts.map((_, i) => (touched.some((t, j) => t.part === i && flagged[j]) ? code : 'None'));
}

function itemCapacity(t: Touched, before: WireItem | undefined, after: WireItem | undefined, transactional: boolean): ItemCapacity {
  const beforeBytes = itemBytes(before);
  const afterBytes = itemBytes(after);
  return { table: t.table, key: canonical(t.key), beforeBytes, afterBytes, rcu: 0, wcu: writeUnits(beforeBytes, afterBytes, transactional) };
}

function readItem(table: string, key: WireItem, item: WireItem | undefined, mode: ReadMode): ItemCapacity {
  const bytes = itemBytes(item);
  return { table, key: canonical(key), beforeBytes: bytes, afterBytes: bytes, rcu: readUnits(bytes, mode), wcu: 0 };
}

function pickKey(item: WireItem, names: string[]): WireItem {
  return Object.fromEntries(names.map((n) => [n, item[n]]));
}

function canonical(key: WireItem): string {
  return JSON.stringify(Object.keys(key).sort().map((k) => [k, key[k]]));
}

function itemId(table: string, key: WireItem): string {
  return `${table} ${canonical(key)}`;
}

function mergeBatchGets(a: Answer, b: Answer): Answer {
  if (a.status !== 200) return a;
  if (b.status !== 200) return b;
  const x = parseJson(a.body);
  const y = parseJson(b.body);
  const merged = {
    Responses: { ...(x.Responses ?? {}), ...(y.Responses ?? {}) },
    UnprocessedKeys: { ...(x.UnprocessedKeys ?? {}), ...(y.UnprocessedKeys ?? {}) },
    ...(x.ConsumedCapacity || y.ConsumedCapacity ? { ConsumedCapacity: [...(x.ConsumedCapacity ?? []), ...(y.ConsumedCapacity ?? [])] } : {}),
  };
  const body = Buffer.from(JSON.stringify(merged), 'utf8');
  const headers = { ...a.headers };
  delete headers['x-amz-crc32'];
  return { status: 200, headers, body };
}

function sendError(res: http.ServerResponse, status: number, errorType: string, message: string, reasons?: { Code: string; Message?: string }[]): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${errorType}`, message, ...(reasons ? { CancellationReasons: reasons } : {}) }));
}

function parseJson(body: Buffer): Json {
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return {};
  }
}

/** "TransactionCanceledException [None, TransactionConflict]": the type of an error answer and its reasons. */
function errorOf(body: Buffer): string {
  const json = parseJson(body) as { __type?: string; CancellationReasons?: { Code?: string }[] };
  const type = String(json.__type ?? 'unknown').split('#').pop();
  return json.CancellationReasons ? `${type} [${json.CancellationReasons.map((r) => r.Code ?? '?').join(', ')}]` : `${type}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
