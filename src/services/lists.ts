/**
 * The lists table: distribution lists (queues of members waiting for a link of one quality).
 * Waiting and served ids are string sets, so an award can move one id atomically with a condition.
 */
import { systemClock, type Clock } from '../domain/clock';
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/requests';
import { QUALITIES, type Quality } from '../domain/ranks';
import { runTransaction, type TransactionPart, type TransactWriteItem } from './transactions';
import { cancellationCodes, failedConditionItem, isConditionalCheckFailed } from './errors';
import { isPossibleKey, type ReadOptions } from './pagination';
import { ACTIVE_QUALITY_INDEX, LIST, LIST_GUARD, readItem, writeItem, type Stored } from '../db/schema';

/**
 * A list as the table holds it (src/db/entities.ts, LIST), its member ids as arrays, sorted, and
 * its quality, creator and creation time always there (an item without them reads as empty).
 */
export type DistributionList = Omit<Stored<typeof LIST>, 'quality' | 'eligible_members' | 'winners' | 'created_by' | 'created_at'> & {
  quality: Quality;
  /** Ids still waiting. */
  eligible_members: string[];
  /** Ids already served. */
  winners: string[];
  created_by: string;
  created_at: string;
};

/**
 * A guard item per quality makes "one active list per quality" hold under concurrency: creating
 * a list puts the guard only if absent, closing deletes it. It has no is_active, so it never
 * appears in the active index.
 */
const guardId = (quality: Quality) => `active-guard#${quality}`;

export type ListChange = { ok: true; list: DistributionList } | { ok: false; reason: 'not_found' | 'closed' | 'already_in' | 'already_served' | 'not_in' };

export class ListsService {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(listId: string, consistent = false): Promise<DistributionList | undefined> {
    // The guards and the attendance items share the table; none of them is a list.
    if (listId.startsWith('active-guard#') || listId.startsWith('event#') || listId === 'events#head' || !isPossibleKey(listId)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { list_id: listId }, ConsistentRead: consistent }));
    return Item ? normalizeList(Item) : undefined;
  }

  /**
   * Active lists, optionally of one quality (there is at most one per quality). The guards say
   * which, read consistently with the lists they hold, so a list just created, changed or closed is
   * seen as it is (the index may lag behind it on AWS). A quality without a guard may still have a
   * list made before the guards existed: those are found through the index and read back
   * consistently. A few requests, whatever the table holds.
   */
  async listActive(quality?: Quality, { signal }: ReadOptions = {}): Promise<DistributionList[]> {
    const qualities = quality ? [quality] : [...QUALITIES];
    const guards = await this.readConsistently(qualities.map(guardId), signal);
    const held = new Map<Quality, string>();
    for (const q of qualities) {
      const holder = readItem(LIST_GUARD, guards.get(guardId(q))).holder;
      if (typeof holder === 'string') held.set(q, holder);
    }
    const unguarded = qualities.filter((q) => !held.has(q));
    let older: string[] = [];
    if (unguarded.length) {
      const { Items } = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: ACTIVE_QUALITY_INDEX,
          KeyConditionExpression: quality ? 'is_active = :yes AND quality = :q' : 'is_active = :yes',
          ExpressionAttributeValues: { ':yes': 'true', ...(quality ? { ':q': quality } : {}) },
          ProjectionExpression: 'list_id, quality',
        }),
        { abortSignal: signal },
      );
      older = (Items ?? []).map((i) => readItem(LIST, i)).flatMap((l) => (l.list_id && unguarded.some((q) => q === l.quality) ? [l.list_id] : []));
    }
    const lists = await this.readConsistently([...held.values(), ...older], signal);
    return [...lists.values()]
      .map(normalizeList)
      .filter((l) => l.is_active === 'true' && qualities.includes(l.quality))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async findActive(quality: Quality): Promise<DistributionList | undefined> {
    return (await this.listActive(quality))[0];
  }

  /** Items of this table by id, read consistently (a handful: guards and active lists). */
  private async readConsistently(ids: string[], signal?: AbortSignal): Promise<Map<string, Record<string, unknown>>> {
    const keys = [...new Set(ids)].map((id) => ({ list_id: id }));
    const items = await batchGetAll(this.db, this.tableName, keys, { consistent: true, signal, what: 'the active lists' });
    return new Map(items.map((item) => [String(item.list_id), item]));
  }

  async create(
    input: { list_name: string; quality: Quality; eligible_members: string[]; created_by: string; cycle?: number },
    now = this.clock.now(),
  ): Promise<{ ok: true; list: DistributionList } | { ok: false; reason: 'active_exists'; existing?: DistributionList }> {
    // Lists made before the guard existed are found through the index.
    const existing = await this.findActive(input.quality);
    if (existing) return { ok: false, reason: 'active_exists', existing };
    const list: DistributionList = {
      list_id: `list_${input.quality}_${randomUUID()}`,
      list_name: input.list_name,
      quality: input.quality,
      eligible_members: [...new Set(input.eligible_members)],
      winners: [],
      created_by: input.created_by,
      created_at: now.toISOString(),
      is_active: 'true',
      ...(input.cycle ? { cycle: input.cycle } : {}),
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: writeItem(LIST_GUARD, { list_id: guardId(input.quality), holder: list.list_id }),
                ConditionExpression: 'attribute_not_exists(list_id)',
              },
            },
            { Put: { TableName: this.tableName, Item: toItem(list), ConditionExpression: 'attribute_not_exists(list_id)' } },
          ],
        }),
      );
      return { ok: true, list };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes[0] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict')) {
        return { ok: false, reason: 'active_exists', existing: await this.findActive(input.quality) };
      }
      throw error;
    }
  }

  /**
   * Writes a list copied from elsewhere (the legacy migration) unless its id is taken. An active
   * list takes its quality's guard in the same transaction, so a copy can never become a second
   * active list of that quality. A dry run only reads.
   */
  async importList(item: Record<string, unknown> & { list_id: string; quality: Quality; is_active: string }, dryRun = false): Promise<'written' | 'exists' | 'active_exists'> {
    const active = item.is_active === 'true';
    if (dryRun) {
      if (await this.get(item.list_id, true)) return 'exists';
      if (!active) return 'written';
      const { Item: guard } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { list_id: guardId(item.quality) }, ConsistentRead: true }));
      return guard ? 'active_exists' : 'written';
    }
    const parts: TransactionPart<'exists' | 'active_exists'>[] = [
      { item: { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(list_id)' } }, reason: 'exists' },
    ];
    if (active) {
      parts.push({
        item: { Put: { TableName: this.tableName, Item: writeItem(LIST_GUARD, { list_id: guardId(item.quality), holder: item.list_id }), ConditionExpression: 'attribute_not_exists(list_id)' } },
        reason: 'active_exists',
      });
    }
    const outcome = await runTransaction(this.db, parts);
    if (outcome.ok) return 'written';
    if (!('failed' in outcome)) throw new Error(`list ${item.list_id} kept conflicting with other writes`);
    return outcome.failed.some((f) => f.reason === 'exists') ? 'exists' : 'active_exists';
  }

  /**
   * Puts a member among those waiting, unless they are waiting already or were served from this
   * list: checked in the write's condition, so an award made at the same moment cannot leave them
   * both waiting and served.
   */
  async addMember(listId: string, memberId: string): Promise<ListChange> {
    return this.change(listId, 'ADD eligible_members :m', 'NOT contains(eligible_members, :id) AND NOT contains(winners, :id)', memberId, 'already_in');
  }

  async removeMember(listId: string, memberId: string): Promise<ListChange> {
    return this.change(listId, 'DELETE eligible_members :m', 'contains(eligible_members, :id)', memberId, 'not_in');
  }

  async close(listId: string): Promise<ListChange> {
    const list = await this.get(listId, true);
    if (!list) return { ok: false, reason: 'not_found' };
    if (list.is_active !== 'true') return { ok: false, reason: 'closed' };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { list_id: listId },
                UpdateExpression: 'SET is_active = :no',
                ConditionExpression: 'is_active = :yes',
                ExpressionAttributeValues: { ':yes': 'true', ':no': 'false' },
              },
            },
            {
              // Only the guard this list holds; a list from before the guard has none.
              Delete: {
                TableName: this.tableName,
                Key: { list_id: guardId(list.quality) },
                ConditionExpression: 'attribute_not_exists(list_id) OR holder = :me',
                ExpressionAttributeValues: { ':me': listId },
              },
            },
          ],
        }),
      );
      return { ok: true, list: { ...list, is_active: 'false' } };
    } catch (error) {
      if (cancellationCodes(error).some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) {
        return { ok: false, reason: 'closed' };
      }
      throw error;
    }
  }

  /** Transaction part of an award: the winner leaves the waiting ids and joins the winners. */
  awardItem(listId: string, memberId: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { list_id: listId },
        UpdateExpression: 'DELETE eligible_members :m ADD winners :m',
        // The winner must still be waiting: a member already served cannot win twice.
        ConditionExpression: 'is_active = :yes AND contains(eligible_members, :id)',
        ExpressionAttributeValues: { ':m': new Set([memberId]), ':id': memberId, ':yes': 'true' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** Transaction part of a revert: the member gets their place back among the waiting. */
  revertItem(listId: string, memberId: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { list_id: listId },
        UpdateExpression: 'ADD eligible_members :m DELETE winners :m',
        ConditionExpression: 'attribute_exists(list_id)',
        ExpressionAttributeValues: { ':m': new Set([memberId]) },
      },
    };
  }

  private async change(
    listId: string,
    expression: string,
    precondition: string,
    memberId: string,
    failure: 'already_in' | 'not_in',
  ): Promise<ListChange> {
    if (!isPossibleKey(listId) || listId.startsWith('active-guard#') || listId.startsWith('event#') || listId === 'events#head') return { ok: false, reason: 'not_found' };
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { list_id: listId },
          UpdateExpression: expression,
          ConditionExpression: `is_active = :yes AND ${precondition}`,
          ExpressionAttributeValues: { ':m': new Set([memberId]), ':id': memberId, ':yes': 'true' },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true, list: normalizeList(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const old = failedConditionItem(error as { Item?: Record<string, unknown> });
      if (!old) return { ok: false, reason: 'not_found' };
      const found = normalizeList(old);
      if (found.is_active !== 'true') return { ok: false, reason: 'closed' };
      return { ok: false, reason: failure === 'already_in' && found.winners.includes(memberId) ? 'already_served' : failure };
    }
  }
}

/** The member ids as string sets (an empty one is no attribute: the writer leaves it out). */
function toItem(list: DistributionList): Record<string, unknown> {
  const { eligible_members, winners, ...rest } = list;
  return writeItem(LIST, { ...rest, eligible_members: new Set(eligible_members), winners: new Set(winners) });
}

/** Sets sorted; a list (the previous system's form) in its order. */
function toArray(value: Set<string> | string[] | undefined): string[] {
  if (value instanceof Set) return [...value].sort();
  return value ?? [];
}

/** A list as the item holds it; a flag stored as a boolean (an item no index holds) reads as what it says. */
function normalizeList(item: Record<string, unknown>): DistributionList {
  const stored = readItem(LIST, item);
  return {
    ...stored,
    list_id: stored.list_id ?? '',
    list_name: stored.list_name ?? '',
    quality: (stored.quality ?? '') as Quality,
    created_by: stored.created_by ?? '',
    created_at: stored.created_at ?? '',
    eligible_members: toArray(stored.eligible_members),
    winners: toArray(stored.winners),
    is_active: stored.is_active === 'true' || item.is_active === true ? 'true' : 'false',
  };
}
