/**
 * Attendance events on DynamoDB Local (docs/attendance.md): a close that stopped half-way (the
 * roll fixed on the event, some members written) is finished by the sweep, writing each member
 * once; events stay out of the lists' index and of every list read.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TestClock } from '../support/clock';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { snowflake } from '../support/fixtures';

let storage: TestStorage;
const clock = new TestClock();
beforeAll(async () => (storage = await createTestStorage(undefined, clock)));
afterAll(() => storage?.close());

async function member(id: string) {
  const added = await storage.services.members.add({ discord_id: id, username: `m${id.slice(-3)}`, join_date: clock.daysAgo(400), is_officer: false, added_by: 'seed' });
  if (!added.ok) throw new Error('seed');
}

describe('events', () => {
  it('a close stopped after its roll and some members is finished by the sweep; a second run writes nothing more', async () => {
    const { events, members, lists } = storage.services;
    const ids = [snowflake(), snowflake(), snowflake()];
    for (const id of ids) await member(id);
    const started = await events.start({ kind: 'boss', by: 'officer' });
    if (!started.ok) throw new Error('start');
    const eventId = started.event.event_id;
    await events.checkIn(eventId, ids[0]);

    // What a crash right after the first member's write leaves: the roll on the event (closing),
    // one member written, the others not.
    await storage.db.send(
      new UpdateCommand({
        TableName: storage.tables.lists,
        Key: { list_id: eventId },
        UpdateExpression: 'SET #s = :closing, absent = :absent, closed_at = :at, closed_by = :by',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':closing': 'closing', ':absent': new Set([ids[1], ids[2]]), ':at': clock.now().toISOString(), ':by': 'officer' },
      }),
    );
    const first = (await members.get(ids[0], true))!;
    await members.applyEvent(first, { id: eventId, kind: 'boss', at: started.event.started_at }, true, { windowDays: 7, maxAbsences: 3, checkinHours: 12 });
    const writtenBefore = (await members.get(ids[0], true))!.updated_at;

    const finished = await events.closeOverdue();
    expect(finished.map((e) => e.status)).toEqual(['closed']);
    expect((await members.get(ids[0], true))!.updated_at).toBe(writtenBefore);
    expect((await members.get(ids[0], true))!.attendance.attended.map((a) => a.event)).toEqual([eventId]);
    for (const id of ids.slice(1)) expect((await members.get(id, true))!.attendance.missed.map((m) => m.event)).toEqual([eventId]);

    // Again: nothing is open, nothing is written.
    const after = await Promise.all(ids.map(async (id) => (await members.get(id, true))!.updated_at));
    expect(await events.closeOverdue()).toEqual([]);
    expect(await Promise.all(ids.map(async (id) => (await members.get(id, true))!.updated_at))).toEqual(after);

    // Events are in no index answer and are no list.
    const indexed = await storage.db.send(new QueryCommand({ TableName: storage.tables.lists, IndexName: 'active-quality-index', KeyConditionExpression: 'is_active = :yes', ExpressionAttributeValues: { ':yes': 'true' } }));
    expect(indexed.Items).toEqual([]);
    expect(await lists.get(eventId, true)).toBeUndefined();
    expect(await lists.get('events#head', true)).toBeUndefined();
  });
});
